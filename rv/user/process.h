/* karasu-rv user mode: the emulated Linux process and its threads. */
#ifndef KARASU_RV_USER_PROCESS_H
#define KARASU_RV_USER_PROCESS_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rv/cpu.h"
#include "rv/user/mem.h"

/* Exit status of karasu-rv's own errors (bad ELF, out of memory...), distinct from guest statuses that
 * come from exit(): 125 like `env`/`timeout` use for their own failures. Usage errors exit 2. */
#define RV_EXIT_STATUS_ERROR 125
#define RV_EXIT_STATUS_USAGE 2

#define RV_NSIG 64 /* guest signals 1..64 */

struct rv_options {
	bool interp;    /* --interp: reference interpreter only */
	bool dump_regs; /* --dump-regs: print the registers at exit */
	bool dump_jit;  /* --dump-jit */
	bool bare;      /* --bare: no OS; stop at ebreak or return */
	bool strace;    /* --strace: one line per syscall on stderr */
	bool stats;     /* --stats */
	bool perf_map;  /* --perf-map: /tmp/perf-PID.map names translated blocks for Linux perf */
	/* The parent is a guest program (a fork child, or karasu-rv re-run by a guest execve): a guest
	 * killed by a signal dies of the real host signal, so the parent's wait sees WIFSIGNALED. The
	 * top-level karasu-rv instead prints the shell's message and exits 128 + N. */
	bool real_signal_death;
};

/* riscv64 struct sigaction as the kernel sees it (no sa_restorer on riscv). */
struct rv_guest_sigaction {
	uint64_t handler; /* 0 = SIG_DFL, 1 = SIG_IGN */
	uint64_t flags;
	uint64_t mask;
};

struct rv_process {
	struct rv_mem mem;
	struct rv_options opt;
	FILE *log; /* --strace and diagnostics (stderr) */

	uint64_t brk_start, brk_cur; /* program break: [brk_start, brk_cur) is mapped */
	uint64_t mmap_top;           /* top-down mmap search starts below this */
	uint64_t stack_top;
	uint64_t sigreturn_tramp; /* guest address of `li a7,139; ecall` (rt_sigreturn) */
	char exe_path[PATH_MAX];  /* absolute host path of the program (/proc/self/exe) */

	pthread_mutex_t lock; /* mappings, brk, sigactions, thread list */
	struct rv_guest_sigaction sigact[RV_NSIG + 1];
	uint64_t pending; /* process-wide pending guest signals (bit sig-1) */
	uint8_t unknown_syscall_reported[512];
	int nthreads;
	struct rv_thread *threads; /* the live guest threads of this process */

	uint64_t syscall_count, insn_count_exited; /* --stats */
	/* --perf-map: the map file of the process it was opened by (a fork child opens its own) and the
	 * program's function symbols (NULL: stripped) */
	FILE *perf_map;
	long perf_map_pid;
	struct jit_perf_symbols *perf_symbols;
};

/* One guest thread = one host thread. */
struct rv_thread {
	struct rv_cpu cpu;
	struct rv_process *proc;
	struct rv_jit *jit; /* NULL: interpreter */
	int tid;            /* host tid, which the guest sees */
	uint64_t clear_child_tid;
	uint64_t sigmask;       /* blocked guest signals (bit sig-1) */
	uint64_t pending;       /* thread-directed pending signals */
	uint64_t saved_sigmask; /* rt_sigsuspend: the mask to restore after the handler */
	bool restore_sigmask;
	uint64_t altstack_sp, altstack_size;
	uint32_t altstack_flags;
	uint64_t robust_list, robust_list_len;
	bool exited;
	int exit_code;
	uint32_t code_flush_pending; /* another thread changed code: drop all translations first */
	pthread_t host_thread;       /* for waking it from a blocking host syscall */
	void *fault_stack;           /* host sigaltstack of this thread's fault handler */
	struct rv_thread *next;      /* rv_process.threads list (under rv_process.lock) */
};

/* The guest thread running on this host thread (for the host fault/signal handlers). */
extern _Thread_local struct rv_thread *rv_current_thread;

#endif
