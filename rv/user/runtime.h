/* karasu-rv user-mode runtime: running guest threads and handling their exits. */
#ifndef KARASU_RV_USER_RUNTIME_H
#define KARASU_RV_USER_RUNTIME_H

#include <stdnoreturn.h>

#include "rv/user/process.h"

/* Options of this karasu-rv invocation (for re-executing karasu-rv on a guest execve). */
struct rv_reexec {
	const char *self;   /* host path of karasu-rv */
	char **option_argv; /* the options given before PROGRAM */
	int option_argc;
};
extern struct rv_reexec rv_reexec_info;

/* Creates the per-thread engine (JIT unless --interp) and runs the thread until it exits; does not
 * return for the last thread (the process exits). */
void rv_thread_run(struct rv_thread *t);

/* In the child of a fork: gives the thread an engine of its own. */
void rv_runtime_after_fork(struct rv_thread *t);

/* Guest code in [addr, addr+len) may have changed (mmap, munmap, mprotect, fence.i). */
void rv_runtime_code_changed(struct rv_thread *t, uint64_t addr, uint64_t len);

/* Ends the process with a guest exit status: prints --dump-regs/--stats output first. */
noreturn void rv_process_exit(struct rv_thread *t, int status);

/* Sets up the host side of a guest thread: fault handler stack, rv_current_thread. */
int rv_thread_host_init(struct rv_thread *t);

/* Undoes rv_thread_host_init when a (non-main) thread has ended. */
void rv_thread_host_fini(struct rv_thread *t);

/* Installs the host SIGSEGV/SIGBUS handlers (once per process). */
void rv_fault_handlers_install(void);

#endif
