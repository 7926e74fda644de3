/* karasu-rv guest signals: dispositions, masks, riscv64 signal frames, default actions. */
#ifndef KARASU_RV_USER_SIGNAL_H
#define KARASU_RV_USER_SIGNAL_H

#include <signal.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "rv/user/guest_copy.h" /* the fault handler's hook and thread_exit use it via this header */
#include "rv/user/process.h"

/* riscv64 rt_sigframe: siginfo (128 bytes) then ucontext (960 bytes), 16-byte aligned. */
#define RV_SIGFRAME_SIZE 1088
#define RV_SIGFRAME_UC   128         /* ucontext within the frame */
#define RV_UC_STACK      16          /* uc_stack within ucontext */
#define RV_UC_SIGMASK    40          /* uc_sigmask */
#define RV_UC_MCONTEXT   176         /* uc_mcontext: pc, x1..x31 */
#define RV_UC_FPREGS     (176 + 256) /* f0..f31, then fcsr */

#define RV_SIG_DFL 0
#define RV_SIG_IGN 1

/* riscv64 sa_flags bits (asm-generic). */
#define RV_SA_SIGINFO   0x00000004u
#define RV_SA_ONSTACK   0x08000000u
#define RV_SA_RESTART   0x10000000u
#define RV_SA_NODEFER   0x40000000u
#define RV_SA_RESETHAND 0x80000000u

static inline uint64_t rv_sigbit(int sig)
{
	return 1ull << (sig - 1);
}

/* Queues a signal for the thread (tkill/tgkill to itself, raise) or the process (kill). */
void rv_signal_queue(struct rv_thread *t, int sig, int code, uint64_t addr, bool process_wide);

/* A synchronous fault (SIGSEGV, SIGBUS, SIGILL, SIGTRAP) at cpu->pc: delivered now; if blocked or
 * ignored, the default action kills the process (as Linux's force_sig). */
void rv_signal_fault(struct rv_thread *t, int sig, int code, uint64_t addr);

/* A fork child starts with no pending signals (fork(2)): drops the thread's and the process's. */
void rv_signal_forget_pending(struct rv_thread *t);
/* Delivers every pending unblocked signal (sets up a frame, or takes the default action). */
void rv_signal_deliver(struct rv_thread *t);

/* A host syscall of this thread failed with EINTR because a guest signal arrived: true if the syscall
 * must be restarted after the signal is handled (its handler has SA_RESTART, or it is ignored). */
bool rv_signal_restart_syscall(struct rv_thread *t);

/* True if a signal is pending and not blocked (or a temporary mask is still to be undone): the run loop
 * then calls rv_signal_deliver. */
bool rv_signal_ready(struct rv_thread *t);

/* For a thread about to wait (or waiting) in a system call: true if a pending, unblocked signal must
 * interrupt it. Pending signals that would be ignored are dropped (Linux never queues them). */
bool rv_signal_interrupts_wait(struct rv_thread *t);

/* Takes the lowest pending signal in set (the thread's own first, then the process's) and fills info
 * (a guest siginfo, 128 bytes) if not NULL. Returns the signal, or 0 if none is pending. */
int rv_signal_dequeue(struct rv_thread *t, uint64_t set, uint8_t info[128]);

/* Applies the guest dispositions of the signals in sigs to the host again (whether a signalfd watches
 * them changed). */
void rv_signal_refresh_host_dispositions(struct rv_process *p, uint64_t sigs);

/* Kills the process the way the default action of sig does: the shell's message on stderr ("Segmentation
 * fault"), --dump-regs output, exit status 128 + sig. */
noreturn void rv_signal_die(struct rv_thread *t, int sig);

/* A host SIGSEGV/SIGBUS that another process, a timer or tgkill sent (si_code <= 0), not a fault: the
 * fault handler passes it here and it becomes a pending guest signal like any asynchronous one.
 * Async-signal-safe. */
void rv_signal_host_sent(int sig, const siginfo_t *info);

/* True if Linux's default action for sig is to ignore it (or to stop the process, which karasu-rv
 * treats as ignoring): SIGCHLD, SIGURG, SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGSTOP. */
bool rv_signal_default_is_ignore(int sig);

/* The message a shell prints for a process killed by sig (NULL for SIGINT and SIGPIPE: none). */
const char *rv_signal_message(int sig);

/* Registers the process whose signals the host handlers record. */
void rv_signal_init_process(struct rv_process *p);

#endif
