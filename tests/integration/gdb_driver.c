/* Test driver for karasu-rv's GDB stub: loads a riscv64 program like karasu-rv does and runs it under
 * the stub on a loopback port, until `--gdb` is wired into karasu-rv itself. Prints the port it listens
 * on (the stub logs `karasu-rv: gdb stub listening on 127.0.0.1:PORT ...`) so that a test can connect without guessing a free
 * port. Exit status: the guest's, like karasu-rv; 125 for errors of the driver; 2 for usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rv/debug/gdb_user.h"
#include "rv/user/loader.h"
#include "rv/user/runtime.h"
#include "rv/user/signal.h"

extern char **environ;

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: gdb_driver [--bare] [--listen [HOST:]PORT] PROGRAM [ARGS...]\n"
	    "Runs a static riscv64 program under karasu-rv's GDB stub (default: 127.0.0.1, a free port,\n"
	    "printed on stderr). Connect with: gdb-multiarch PROGRAM -ex 'target remote 127.0.0.1:PORT'\n");
}

int main(int argc, char **argv)
{
	static struct rv_process proc;
	static struct rv_thread thread;
	const char *listen_at = "127.0.0.1:0";
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--bare") == 0) {
			proc.opt.bare = true;
		} else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			listen_at = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "gdb_driver: bad option '%s'\n", argv[i]);
			usage(stderr);
			return RV_EXIT_STATUS_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return RV_EXIT_STATUS_USAGE;
	}

	proc.log = stderr;
	proc.opt.interp = true;
	pthread_mutex_init(&proc.lock, NULL);
	int err = rv_mem_init(&proc.mem, 0);
	if (err != 0) {
		fprintf(stderr, "gdb_driver: cannot reserve the guest address space: %s\n", strerror(-err));
		return RV_EXIT_STATUS_ERROR;
	}
	thread.proc = &proc;
	thread.altstack_flags = 2; /* SS_DISABLE */
	proc.nthreads = 1;
	char msg[256];
	if (rv_load_program(&proc, &thread, argv[i], argc - i, argv + i, environ, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "gdb_driver: %s: %s\n", argv[i], msg);
		return RV_EXIT_STATUS_ERROR;
	}
	thread.tid = getpid();
	rv_signal_init_process(&proc);
	rv_fault_handlers_install();
	if (rv_thread_host_init(&thread) != 0) {
		fprintf(stderr, "gdb_driver: cannot set up the fault handler stack\n");
		return RV_EXIT_STATUS_ERROR;
	}

	struct rv_gdb *g = rv_gdb_new(stderr);
	if (!g || rv_gdb_listen(g, listen_at, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "gdb_driver: %s\n", g ? msg : "out of memory");
		return RV_EXIT_STATUS_ERROR;
	}
	if (rv_gdb_wait_attach(g, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "gdb_driver: %s\n", msg);
		return RV_EXIT_STATUS_ERROR;
	}
	rv_gdb_run_thread(g, &thread); /* returns only when gdb detached or went away */
	rv_gdb_free(g);
	rv_thread_run(&thread);
	for (;;)
		pause();
}
