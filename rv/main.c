/* karasu-rv: runs a riscv64 Linux program (static or dynamically linked, or a bare RISC-V ELF) on an
 * x86-64 Linux host. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#if __has_include("rv/debug/gdb_user.h")
#include "rv/debug/gdb_user.h"
#define HAVE_GDB_STUB 1
#endif
#include "rv/jit/perfmap.h"
#include "rv/system/system.h"
#include "rv/user/elf.h"
#include "rv/user/loader.h"
#include "rv/user/prefix.h"
#include "rv/user/runtime.h"
#include "rv/user/signal.h"

extern char **environ;

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: karasu-rv [options] PROGRAM [ARGS...]\n"
	    "       karasu-rv -M virt [options]   (system mode: a RISC-V machine; karasu-rv -M virt --help)\n"
	    "Runs a riscv64 Linux ELF (rv64gc; static or dynamically linked) on this host.\n"
	    "\n"
	    "  -L DIR          look up the ELF interpreter and the guest's absolute paths under DIR first\n"
	    "                  (a riscv64 sysroot; default: $QEMU_LD_PREFIX, else %s if it\n"
	    "                  exists; -L / for none)\n"
	    "  --interp        use the reference interpreter only (no translation)\n"
	    "  --bare          no OS: run the ELF from its entry with a stack; stop at ebreak or when it\n"
	    "                  returns to its initial return address (exit status = a0 & 0xff)\n"
	    "  --dump-regs     print x00..x31 and PC on stderr when the program ends\n"
	    "  --dump-jit      print every translated block on stderr\n"
	    "  --perf-map      write /tmp/perf-PID.map naming every translated block by its guest address\n"
	    "                  and function, for Linux perf (perf record -g karasu-rv --perf-map PROGRAM)\n"
	    "  --strace        print every system call on stderr\n"
	    "  --stats         print instruction/syscall/translation counts on stderr at exit\n"
	    "  --argv0 NAME    the guest's argv[0] (default: PROGRAM)\n"
	    "  --gdb [HOST:]PORT  wait for gdb (target remote) and run under its control (interpreter);\n"
	    "                  HOST defaults to 127.0.0.1 (see docs/karasu-rv-gdb.md)\n"
	    "  --help          this text\n"
	    "\n"
	    "Exit status: the program's; 128+N if it was killed by signal N (the shell's message, e.g.\n"
	    "\"Segmentation fault\", is printed on stderr); %d for errors of karasu-rv itself (e.g. a\n"
	    "file that is not a riscv64 ELF); %d for usage errors.\n",
	    RV_PREFIX_DEFAULT, RV_EXIT_STATUS_ERROR, RV_EXIT_STATUS_USAGE);
}

enum {
	OPT_INTERP = 256,
	OPT_BARE,
	OPT_DUMP_REGS,
	OPT_DUMP_JIT,
	OPT_PERF_MAP,
	OPT_STRACE,
	OPT_STATS,
	OPT_HELP,
	OPT_ARGV0,
	OPT_REAL_SIGNAL_DEATH,
	OPT_GDB,
	OPT_EXECFN
};

#ifndef AT_FLAGS_PRESERVE_ARGV0
#define AT_FLAGS_PRESERVE_ARGV0 1 /* AT_FLAGS bit: binfmt_misc ran us with its 'P' flag (Linux 5.12) */
#endif

/* Options given before PROGRAM that a guest execve passes on to the next karasu-rv: all but those the
 * re-run sets itself (--argv0, --execfn, --gdb, --real-signal-death, -L: the prefix in force is passed
 * explicitly). */
static int reexec_options(char **argv, int optind_end, const char *prefix, char **out, int max)
{
	static const char *const with_value[] = {"--argv0", "--execfn", "--gdb", "-L"};
	int n = 0;
	for (int i = 1; i < optind_end && n < max - 2; i++) {
		bool skip = false;
		for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]) && !skip; k++) {
			size_t len = strlen(with_value[k]);
			if (strcmp(argv[i], with_value[k]) == 0) {
				i++; /* and its value */
				skip = true;
			} else if (strncmp(argv[i], with_value[k], len) == 0 &&
			           (argv[i][len] == '=' || with_value[k][1] != '-')) {
				skip = true; /* --opt=VALUE, -LDIR */
			}
		}
		if (skip || strcmp(argv[i], "--") == 0 || strcmp(argv[i], "--real-signal-death") == 0)
			continue;
		out[n++] = argv[i];
	}
	out[n++] = "-L";
	out[n++] = (char *)(prefix[0] ? prefix : "/");
	return n;
}

/* --perf-map: the map file now (so that an unwritable one is an error before the program runs) and the
 * program's symbols to name blocks by (a stripped program: addresses only). */
static int open_perf_map(struct rv_process *proc)
{
	char err[PATH_MAX + 256];
	proc->perf_map_pid = (long)getpid();
	proc->perf_map = jit_perf_map_open(proc->perf_map_pid, err, sizeof(err));
	if (!proc->perf_map) {
		fprintf(stderr, "karasu-rv: --perf-map: %s\n", err);
		return -1;
	}
	proc->perf_symbols = jit_perf_symbols_load(proc->exe_path, RV_ELF_DYN_BASE, err, sizeof(err));
	if (!proc->perf_symbols)
		fprintf(stderr, "karasu-rv: --perf-map: %s: %s: blocks are named by address only\n",
		        proc->exe_path, err);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"interp", no_argument, NULL, OPT_INTERP},
	    {"bare", no_argument, NULL, OPT_BARE},
	    {"dump-regs", no_argument, NULL, OPT_DUMP_REGS},
	    {"dump-jit", no_argument, NULL, OPT_DUMP_JIT},
	    {"perf-map", no_argument, NULL, OPT_PERF_MAP},
	    {"strace", no_argument, NULL, OPT_STRACE},
	    {"stats", no_argument, NULL, OPT_STATS},
	    {"help", no_argument, NULL, OPT_HELP},
	    {"argv0", required_argument, NULL, OPT_ARGV0},
	    {"gdb", required_argument, NULL, OPT_GDB},
	    /* internal, set when a guest execve re-runs karasu-rv: see rv_options.real_signal_death, and
	     * the file name the guest gave execve (AT_EXECFN; PROGRAM is its host path) */
	    {"real-signal-death", no_argument, NULL, OPT_REAL_SIGNAL_DEATH},
	    {"execfn", required_argument, NULL, OPT_EXECFN},
	    {NULL, 0, NULL, 0},
	};
	/* Started by binfmt_misc with the 'P' flag (scripts/binfmt): argv is karasu-rv, the program's
	 * path, the program's own argv[0], its arguments; there are no options (and no system mode). */
	bool binfmt_argv = (getauxval(AT_FLAGS) & AT_FLAGS_PRESERVE_ARGV0) && argc >= 3;
	if (!binfmt_argv && rv_system_wanted(argc, argv))
		return rv_system_main(argc, argv);
	static struct rv_process proc;
	static struct rv_thread main_thread;
	const char *argv0 = NULL;
	const char *gdb_at = NULL;
	const char *execfn = NULL;
	const char *prefix_option = NULL;
	char msg[PATH_MAX + 256];

	int c;
	opterr = 0;
	/* the caller of a binfmt_misc start is whatever ran the program: a signal death must be a real one */
	if (binfmt_argv) {
		optind = 1;
		argv0 = argv[2];
		proc.opt.real_signal_death = true;
	}
	/* "+": options end at PROGRAM, so the guest's own options pass through untouched */
	while (!binfmt_argv && (c = getopt_long(argc, argv, "+hL:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_INTERP: proc.opt.interp = true; break;
		case OPT_BARE: proc.opt.bare = true; break;
		case OPT_DUMP_REGS: proc.opt.dump_regs = true; break;
		case OPT_DUMP_JIT: proc.opt.dump_jit = true; break;
		case OPT_PERF_MAP: proc.opt.perf_map = true; break;
		case OPT_STRACE: proc.opt.strace = true; break;
		case OPT_STATS: proc.opt.stats = true; break;
		case OPT_ARGV0: argv0 = optarg; break;
		case OPT_REAL_SIGNAL_DEATH: proc.opt.real_signal_death = true; break;
		case OPT_GDB: gdb_at = optarg; break;
		case OPT_EXECFN: execfn = optarg; break;
		case 'L': prefix_option = optarg; break;
		case OPT_HELP:
		case 'h': usage(stdout); return 0;
		default:
			if (optopt == OPT_ARGV0 || (optind > 0 && strcmp(argv[optind - 1], "--argv0") == 0))
				fprintf(stderr, "karasu-rv: --argv0 needs a value\n");
			else if (optopt == 'L')
				fprintf(stderr, "karasu-rv: -L needs a directory\n");
			else
				fprintf(stderr, "karasu-rv: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return RV_EXIT_STATUS_USAGE;
		}
	}
#ifndef HAVE_GDB_STUB
	if (gdb_at) {
		fprintf(stderr, "karasu-rv: --gdb: this build has no gdb stub\n");
		return RV_EXIT_STATUS_USAGE;
	}
#endif
	if (optind >= argc) {
		fprintf(stderr, "karasu-rv: no PROGRAM given\n");
		usage(stderr);
		return RV_EXIT_STATUS_USAGE;
	}
	const char *path = argv[optind];
	char cwd[PATH_MAX], prefix[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	if (rv_prefix_choose(prefix_option, getenv(RV_PREFIX_ENV), cwd, prefix, sizeof(prefix), msg,
	                     sizeof(msg)) != 0) {
		fprintf(stderr, "karasu-rv: %s\n", msg);
		return RV_EXIT_STATUS_USAGE;
	}
	rv_prefix_set(prefix);
	/* a guest execve of a RISC-V program re-runs karasu-rv with these options and this prefix */
	static char *reexec_opts[64];
	rv_reexec_info.self = "/proc/self/exe";
	rv_reexec_info.option_argv = reexec_opts;
	rv_reexec_info.option_argc = reexec_options(argv, binfmt_argv ? 1 : optind, prefix, reexec_opts, 64);

	proc.log = stderr;
	pthread_mutex_init(&proc.lock, NULL);
	/* 256 GiB like Sv39; smaller if the host limits our address space (ulimit -v) */
	int err = -1;
	for (unsigned bits = 38; bits >= 32 && err != 0; bits -= 2)
		err = rv_mem_init(&proc.mem, 1ull << bits);
	if (err != 0) {
		fprintf(stderr, "karasu-rv: cannot reserve the guest address space: %s\n", strerror(-err));
		return RV_EXIT_STATUS_ERROR;
	}
	main_thread.proc = &proc;
	main_thread.altstack_flags = 2; /* SS_DISABLE */
	proc.nthreads = 1;

	/* with binfmt's argv, the program's own argv[0] stands where its arguments begin */
	int guest_argc = argc - optind - (binfmt_argv ? 1 : 0);
	char **guest_argv = argv + optind + (binfmt_argv ? 1 : 0);
	if (argv0)
		guest_argv[0] = (char *)argv0;
	if (rv_load_program(&proc, &main_thread, path, execfn, guest_argc, guest_argv, environ, msg,
	                    sizeof(msg)) != 0) {
		fprintf(stderr, "karasu-rv: %s: %s\n", path, msg);
		return RV_EXIT_STATUS_ERROR;
	}
	main_thread.tid = getpid();
	if (proc.opt.perf_map && !proc.opt.interp && open_perf_map(&proc) != 0)
		return RV_EXIT_STATUS_ERROR;
	rv_signal_init_process(&proc);
	rv_fault_handlers_install();
	if (rv_thread_host_init(&main_thread) != 0) {
		fprintf(stderr, "karasu-rv: cannot set up the fault handler stack\n");
		return RV_EXIT_STATUS_ERROR;
	}
#ifdef HAVE_GDB_STUB
	if (gdb_at) {
		/* the debugger runs the main thread in the interpreter until it detaches or goes away */
		struct rv_gdb *g = rv_gdb_new(stderr);
		if (!g || rv_gdb_listen(g, gdb_at, msg, sizeof(msg)) != 0 ||
		    rv_gdb_wait_attach(g, msg, sizeof(msg)) != 0) {
			fprintf(stderr, "karasu-rv: --gdb %s: %s\n", gdb_at, g ? msg : "out of memory");
			return RV_EXIT_STATUS_ERROR;
		}
		rv_gdb_run_thread(g, &main_thread);
		rv_gdb_free(g);
	}
#endif
	rv_thread_run(&main_thread);
	/* the main thread ended with others still running: they end the process */
	for (;;)
		pause();
}
