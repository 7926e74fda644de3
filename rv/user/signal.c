/* Guest signals: the rt_sig* syscalls, riscv64 signal frames and default actions.
 *
 * Signals reach a guest thread only between guest instructions: at syscall returns, after faults, and
 * when a host signal sets cpu->interrupt_request. Host signals the guest handles get a host handler that
 * records them; ignored ones are ignored on the host too (so SIGPIPE becomes EPIPE); default ones keep
 * the host default action, which matches the guest's. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rv/user/runtime.h"
#include "rv/user/signal.h"
#include "rv/user/sys_event.h"
#include "rv/user/syscall.h"

/* Per-signal details of a pending signal (one instance per signal, as for standard signals). */
static struct {
	int code;
	uint64_t addr;  /* fault address, or sender pid/uid packed for kill */
	uint64_t value; /* si_value of sigqueue and POSIX timers (si_code SI_QUEUE, SI_TIMER, SI_MESGQ), or
	                 * a child's si_status (SIGCHLD from the kernel) */
} pending_info[RV_NSIG + 1];

/* siginfo offsets (the same on riscv64 and x86-64): si_signo, si_errno, si_code, then the union */
#define SI_ADDR_OFFSET  16 /* si_addr; si_pid + si_uid; si_tid + si_overrun */
#define SI_VALUE_OFFSET 24 /* si_value (sigqueue, timers); si_status (SIGCHLD) */
#define SIGINFO_SIZE    128

static bool code_has_value(int code)
{
	return code == SI_QUEUE || code == SI_TIMER || code == SI_MESGQ;
}

static bool is_child_status(int sig, int code)
{
	return sig == SIGCHLD && code > 0; /* CLD_EXITED, CLD_KILLED...: sent by the kernel */
}

/* Fills a guest siginfo for a pending signal's details. */
static void fill_siginfo(uint8_t *info, int sig, int code, uint64_t addr, uint64_t value)
{
	memset(info, 0, SIGINFO_SIZE);
	int32_t head[3] = {sig, 0, code};
	memcpy(info, head, sizeof(head));
	memcpy(info + SI_ADDR_OFFSET, &addr, 8);
	if (code_has_value(code))
		memcpy(info + SI_VALUE_OFFSET, &value, 8);
	else if (is_child_status(sig, code))
		memcpy(info + SI_VALUE_OFFSET, &value, 4);
}

/* Makes sig pending for the thread (thread_word) or the process, with its details; signalfds that
 * watch it become readable. Async-signal-safe. */
static void mark_pending(uint64_t *word, int sig, int code, uint64_t addr, uint64_t value)
{
	pending_info[sig].code = code;
	pending_info[sig].addr = addr;
	pending_info[sig].value = value;
	__atomic_fetch_or(word, rv_sigbit(sig), __ATOMIC_SEQ_CST);
	rv_signalfd_notify(rv_sigbit(sig));
}

static struct rv_process *signal_proc;

#define RV_SS_AUTODISARM (1u << 31)
#define RV_MINSIGSTKSZ   2048u /* the process (one per karasu-rv) */

/* Host signal that wakes a guest thread out of a blocking host syscall when another guest thread
 * signals it (the guest signal itself never travels as a host signal inside the process). */
#define RV_HOST_WAKE_SIG SIGRTMAX

/* Host signals a guest disposition must not change: karasu-rv's own (faults, the wake-up), the ones
 * that cannot be caught, and glibc's internal SIGCANCEL/SIGSETXID (32, 33). */
static bool host_reserved(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGKILL || sig == SIGSTOP || sig == 32 ||
	       sig == 33 || sig == RV_HOST_WAKE_SIG;
}

const char *rv_signal_message(int sig)
{
	switch (sig) {
	case SIGHUP: return "Hangup";
	case SIGQUIT: return "Quit";
	case SIGILL: return "Illegal instruction";
	case SIGTRAP: return "Trace/breakpoint trap";
	case SIGABRT: return "Aborted";
	case SIGBUS: return "Bus error";
	case SIGFPE: return "Floating point exception";
	case SIGKILL: return "Killed";
	case SIGUSR1: return "User defined signal 1";
	case SIGSEGV: return "Segmentation fault";
	case SIGUSR2: return "User defined signal 2";
	case SIGALRM: return "Alarm clock";
	case SIGTERM: return "Terminated";
	case SIGSTKFLT: return "Stack fault";
	case SIGXCPU: return "CPU time limit exceeded";
	case SIGXFSZ: return "File size limit exceeded";
	case SIGVTALRM: return "Virtual timer expired";
	case SIGPROF: return "Profiling timer expired";
	case SIGIO: return "I/O possible";
	case SIGPWR: return "Power failure";
	case SIGSYS: return "Bad system call";
	case SIGINT:
	case SIGPIPE: return NULL; /* shells stay silent for these */
	default: return sig >= SIGRTMIN && sig <= RV_NSIG ? "Real-time signal" : "Unknown signal";
	}
}

bool rv_signal_default_is_ignore(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT || sig == SIGTSTP ||
	       sig == SIGTTIN || sig == SIGTTOU || sig == SIGSTOP;
}

noreturn void rv_signal_die(struct rv_thread *t, int sig)
{
	const char *msg = rv_signal_message(sig);
	fflush(stdout);
	if (t->proc->opt.real_signal_death && sig <= SIGRTMAX) {
		struct rlimit no_core = {0, 0};
		setrlimit(RLIMIT_CORE, &no_core); /* a core of karasu-rv would not help the guest */
		signal(sig, SIG_DFL);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, sig);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		kill(getpid(), sig);
	}
	if (msg)
		fprintf(stderr, "%s\n", msg);
	rv_process_exit(t, 128 + sig);
}

/* The details a host signal carries: the sender (kill, tgkill, sigqueue), or a timer's value. */
static uint64_t host_sender(const siginfo_t *info)
{
	if (info->si_code == SI_TIMER)
		return 0; /* si_tid/si_overrun are not known */
	return (uint64_t)(uint32_t)info->si_pid | ((uint64_t)info->si_uid << 32);
}

/* A host signal becomes a pending guest signal: thread-directed (tgkill) for the thread it hit, else
 * process-wide. Async-signal-safe. */
static void record_host_signal(int sig, const siginfo_t *info)
{
	struct rv_thread *t = rv_current_thread;
	if (!signal_proc || sig < 1 || sig > RV_NSIG)
		return;
	uint64_t value = 0;
	if (code_has_value(info->si_code))
		value = (uint64_t)(uintptr_t)info->si_value.sival_ptr;
	else if (is_child_status(sig, info->si_code))
		value = (uint32_t)info->si_status;
	uint64_t *word = info->si_code == SI_TKILL && t ? &t->pending : &signal_proc->pending;
	mark_pending(word, sig, info->si_code, host_sender(info), value);
	if (t)
		__atomic_store_n(&t->cpu.interrupt_request, 1, __ATOMIC_SEQ_CST);
}

void rv_signal_host_sent(int sig, const siginfo_t *info)
{
	record_host_signal(sig, info);
}

static void host_async_handler(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	int saved = errno;
	record_host_signal(sig, info);
	errno = saved;
}

static void host_wake_handler(int sig)
{
	(void)sig; /* only interrupts a blocking syscall; the pending guest signal is already recorded */
}

/* Mirrors a guest disposition on the host. A signal a signalfd watches is caught even when the
 * guest's disposition is the default one: a signalfd's signals are blocked, so they must wait as guest
 * signals (the host's default would kill the process, or drop SIGCHLD). */
static void update_host_disposition(int sig, const struct rv_guest_sigaction *act)
{
	if (host_reserved(sig) || sig > SIGRTMAX)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	if (act->handler == RV_SIG_DFL && (rv_signalfd_watched() & rv_sigbit(sig))) {
		sa.sa_sigaction = host_async_handler;
		sa.sa_flags = SA_SIGINFO | SA_RESTART; /* blocked for the guest: nothing to interrupt */
	} else if (act->handler == RV_SIG_DFL) {
		sa.sa_handler = SIG_DFL;
	} else if (act->handler == RV_SIG_IGN) {
		sa.sa_handler = SIG_IGN;
	} else {
		sa.sa_sigaction = host_async_handler;
		sa.sa_flags = SA_SIGINFO | ((act->flags & RV_SA_RESTART) ? SA_RESTART : 0);
	}
	/* SIGILL/SIGFPE/SIGTRAP never arise from guest code on the host: the interpreter/JIT report them */
	sigaction(sig, &sa, NULL);
}

/* Makes target notice a pending signal soon: at its next block boundary, or now if it is blocked in a
 * host syscall (which then fails with EINTR, or restarts: see rv_signal_restart_syscall). */
static void kick(struct rv_thread *from, struct rv_thread *target)
{
	__atomic_store_n(&target->cpu.interrupt_request, 1, __ATOMIC_SEQ_CST);
	if (target != from)
		pthread_kill(target->host_thread, RV_HOST_WAKE_SIG);
}

void rv_signal_refresh_host_dispositions(struct rv_process *p, uint64_t sigs)
{
	pthread_mutex_lock(&p->lock);
	for (int sig = 1; sig <= RV_NSIG; sig++)
		if (sigs & rv_sigbit(sig))
			update_host_disposition(sig, &p->sigact[sig]);
	pthread_mutex_unlock(&p->lock);
}

/* rv_signal_queue with a sigval (sigqueue). */
static void queue_signal(struct rv_thread *t, int sig, int code, uint64_t addr, uint64_t value,
                         bool process_wide)
{
	if (!process_wide) {
		mark_pending(&t->pending, sig, code, addr, value);
		kick(t, t);
		return;
	}
	mark_pending(&t->proc->pending, sig, code, addr, value);
	/* any thread that does not block it may take it: prefer this one */
	struct rv_thread *target = t;
	if (t->sigmask & rv_sigbit(sig)) {
		pthread_mutex_lock(&t->proc->lock);
		for (struct rv_thread *o = t->proc->threads; o; o = o->next)
			if (!(o->sigmask & rv_sigbit(sig))) {
				target = o;
				break;
			}
		if (target != t)
			kick(t, target);
		pthread_mutex_unlock(&t->proc->lock);
		if (target != t)
			return;
	}
	kick(t, t);
}

void rv_signal_queue(struct rv_thread *t, int sig, int code, uint64_t addr, bool process_wide)
{
	queue_signal(t, sig, code, addr, 0, process_wide);
}

/* tkill/tgkill (code SI_TKILL) or rt_tgsigqueueinfo to a thread of this process. */
static long signal_thread(struct rv_thread *t, int tid, int sig, int code, uint64_t sender, uint64_t value)
{
	long ret = -ESRCH;
	pthread_mutex_lock(&t->proc->lock);
	for (struct rv_thread *o = t->proc->threads; o; o = o->next) {
		if (o->tid != tid)
			continue;
		ret = 0;
		if (sig == 0)
			break;
		mark_pending(&o->pending, sig, code, sender, value);
		kick(t, o);
		break;
	}
	pthread_mutex_unlock(&t->proc->lock);
	return ret;
}

void rv_signal_forget_pending(struct rv_thread *t)
{
	__atomic_store_n(&t->pending, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->proc->pending, 0, __ATOMIC_SEQ_CST);
	rv_signalfd_recheck(t);
}

bool rv_signal_restart_syscall(struct rv_thread *t)
{
	uint64_t ready = (__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) |
	                  __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST)) &
	                 ~t->sigmask;
	if (!ready)
		return false;
	int sig = __builtin_ctzll(ready) + 1;
	pthread_mutex_lock(&t->proc->lock);
	struct rv_guest_sigaction act = t->proc->sigact[sig];
	pthread_mutex_unlock(&t->proc->lock);
	/* as Linux's -ERESTARTSYS: restart after a handler with SA_RESTART, or when nothing runs */
	if (act.handler == RV_SIG_IGN || (act.handler == RV_SIG_DFL && rv_signal_default_is_ignore(sig)))
		return true;
	return act.handler > RV_SIG_IGN && (act.flags & RV_SA_RESTART);
}

static bool signal_deliverable(struct rv_thread *t)
{
	uint64_t p = __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) |
	             __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST);
	return (p & ~t->sigmask) != 0;
}

bool rv_signal_ready(struct rv_thread *t)
{
	/* a temporary mask (sigsuspend, ppoll...) still to undo counts too: rv_signal_deliver undoes it
	 * even if the signal that ended the wait went to another thread meanwhile */
	return signal_deliverable(t) || t->restore_sigmask;
}

/* Takes sig off the thread's or the process's pending set (the thread's first, as Linux). False if
 * another thread took it first. */
static bool take_pending(struct rv_thread *t, int sig)
{
	if (__atomic_fetch_and(&t->pending, ~rv_sigbit(sig), __ATOMIC_SEQ_CST) & rv_sigbit(sig))
		return true;
	return __atomic_fetch_and(&t->proc->pending, ~rv_sigbit(sig), __ATOMIC_SEQ_CST) & rv_sigbit(sig);
}

int rv_signal_dequeue(struct rv_thread *t, uint64_t set, uint8_t info[128])
{
	for (;;) {
		uint64_t p = (__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) |
		              __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST)) &
		             set;
		if (!p)
			return 0;
		int sig = __builtin_ctzll(p) + 1;
		int code = pending_info[sig].code;
		uint64_t addr = pending_info[sig].addr, value = pending_info[sig].value;
		if (!take_pending(t, sig))
			continue;
		rv_signalfd_recheck(t);
		if (info)
			fill_siginfo(info, sig, code, addr, value);
		return sig;
	}
}

static bool ignored_now(struct rv_process *p, int sig)
{
	pthread_mutex_lock(&p->lock);
	uint64_t handler = p->sigact[sig].handler;
	pthread_mutex_unlock(&p->lock);
	return handler == RV_SIG_IGN || (handler == RV_SIG_DFL && rv_signal_default_is_ignore(sig));
}

bool rv_signal_interrupts_wait(struct rv_thread *t)
{
	for (;;) {
		uint64_t ready = (__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) |
		                  __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST)) &
		                 ~t->sigmask;
		if (!ready)
			return false;
		int sig = __builtin_ctzll(ready) + 1;
		if (!ignored_now(t->proc, sig))
			return true;
		/* Linux drops an ignored signal when it is sent; here it was recorded: dropped now */
		if (take_pending(t, sig))
			rv_signalfd_recheck(t);
	}
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}
static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* Builds the riscv64 rt_sigframe and points the registers at the handler. False if the frame cannot be
 * written (bad stack): the caller then kills the process with SIGSEGV, as Linux does. */
static bool setup_frame(struct rv_thread *t, int sig, const struct rv_guest_sigaction *act)
{
	struct rv_cpu *cpu = &t->cpu;
	uint64_t sp = cpu->x[2];
	bool on_alt = t->altstack_size && sp - t->altstack_sp <= t->altstack_size;
	if ((act->flags & RV_SA_ONSTACK) && t->altstack_size && !on_alt && !(t->altstack_flags & SS_DISABLE))
		sp = t->altstack_sp + t->altstack_size;
	uint64_t frame = (sp - RV_SIGFRAME_SIZE) & ~15ull;
	/* built here, then copied out in one guarded copy (the stack may fault on the host: SIGBUS past
	 * the end of a mapped file) */
	uint8_t f[RV_SIGFRAME_SIZE];
	memset(f, 0, RV_SIGFRAME_SIZE);

	fill_siginfo(f, sig, pending_info[sig].code, pending_info[sig].addr, pending_info[sig].value);

	uint8_t *uc = f + RV_SIGFRAME_UC;
	put64(uc + RV_UC_STACK, t->altstack_sp);
	uint32_t ss_flags = t->altstack_size ? (on_alt ? SS_ONSTACK : 0) : SS_DISABLE;
	memcpy(uc + RV_UC_STACK + 8, &ss_flags, 4);
	put64(uc + RV_UC_STACK + 16, t->altstack_size);
	put64(uc + RV_UC_SIGMASK, t->restore_sigmask ? t->saved_sigmask : t->sigmask);
	t->restore_sigmask = false;
	put64(uc + RV_UC_MCONTEXT, cpu->pc);
	for (int i = 1; i < 32; i++)
		put64(uc + RV_UC_MCONTEXT + 8 * i, cpu->x[i]);
	for (int i = 0; i < 32; i++)
		put64(uc + RV_UC_FPREGS + 8 * i, cpu->f[i]);
	uint32_t fcsr = ((cpu->frm & 7) << 5) | (cpu->fflags & RV_FFLAGS_MASK);
	memcpy(uc + RV_UC_FPREGS + 256, &fcsr, 4);
	if (rv_copy_to_guest(t, frame, f, RV_SIGFRAME_SIZE) < 0)
		return false;

	t->sigmask |= act->mask;
	if (!(act->flags & RV_SA_NODEFER))
		t->sigmask |= rv_sigbit(sig);
	t->sigmask &= ~(rv_sigbit(SIGKILL) | rv_sigbit(SIGSTOP));

	cpu->x[1] = t->proc->sigreturn_tramp;
	cpu->x[2] = frame;
	cpu->x[10] = (uint64_t)sig;
	cpu->x[11] = frame;
	cpu->x[12] = frame + RV_SIGFRAME_UC;
	cpu->pc = act->handler;
	cpu->resv_valid = 0;
	return true;
}

/* Delivers one signal: handler frame, ignore, or default action. */
static void deliver_one(struct rv_thread *t, int sig)
{
	struct rv_process *p = t->proc;
	pthread_mutex_lock(&p->lock);
	struct rv_guest_sigaction act = p->sigact[sig];
	if (act.handler > RV_SIG_IGN && (act.flags & RV_SA_RESETHAND)) {
		p->sigact[sig].handler = RV_SIG_DFL;
		update_host_disposition(sig, &p->sigact[sig]);
	}
	pthread_mutex_unlock(&p->lock);

	if (act.handler == RV_SIG_IGN)
		return;
	if (act.handler == RV_SIG_DFL) {
		if (rv_signal_default_is_ignore(sig))
			return;
		rv_signal_die(t, sig);
	}
	if (!setup_frame(t, sig, &act))
		rv_signal_die(t, SIGSEGV);
	if (p->opt.strace)
		fprintf(p->log, "[%d] --- signal %d delivered to handler 0x%llx ---\n", t->tid, sig,
		        (unsigned long long)act.handler);
}

void rv_signal_deliver(struct rv_thread *t)
{
	for (;;) {
		uint64_t ready =
		    (t->pending | __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST)) & ~t->sigmask;
		if (!ready) {
			if (t->restore_sigmask) {
				t->sigmask = t->saved_sigmask;
				t->restore_sigmask = false;
			}
			return;
		}
		int sig = __builtin_ctzll(ready) + 1;
		if (!take_pending(t, sig))
			continue; /* another thread took it */
		rv_signalfd_recheck(t);
		deliver_one(t, sig);
	}
}

void rv_signal_fault(struct rv_thread *t, int sig, int code, uint64_t addr)
{
	struct rv_process *p = t->proc;
	pending_info[sig].code = code;
	pending_info[sig].addr = addr;
	pending_info[sig].value = 0;
	pthread_mutex_lock(&p->lock);
	uint64_t handler = p->sigact[sig].handler;
	pthread_mutex_unlock(&p->lock);
	/* a blocked or ignored fault cannot be delivered: the kernel forces the default action */
	if ((t->sigmask & rv_sigbit(sig)) || handler <= RV_SIG_IGN)
		rv_signal_die(t, sig);
	deliver_one(t, sig);
}

long rv_sys_rt_sigreturn(struct rv_thread *t, const uint64_t *a)
{
	(void)a;
	struct rv_cpu *cpu = &t->cpu;
	uint64_t frame = cpu->x[2];
	uint8_t f[RV_SIGFRAME_SIZE];
	if (rv_copy_from_guest(t, f, frame, RV_SIGFRAME_SIZE) < 0)
		rv_signal_die(t, SIGSEGV);
	const uint8_t *uc = f + RV_SIGFRAME_UC;
	cpu->pc = get64(uc + RV_UC_MCONTEXT);
	for (int i = 1; i < 32; i++)
		cpu->x[i] = get64(uc + RV_UC_MCONTEXT + 8 * i);
	for (int i = 0; i < 32; i++)
		cpu->f[i] = get64(uc + RV_UC_FPREGS + 8 * i);
	uint32_t fcsr;
	memcpy(&fcsr, uc + RV_UC_FPREGS + 256, 4);
	cpu->fflags = fcsr & RV_FFLAGS_MASK;
	cpu->frm = (fcsr >> 5) & 7;
	t->sigmask = get64(uc + RV_UC_SIGMASK) & ~(rv_sigbit(SIGKILL) | rv_sigbit(SIGSTOP));
	cpu->resv_valid = 0;
	return (long)cpu->x[10];
}

long rv_sys_rt_sigaction(struct rv_thread *t, const uint64_t *a)
{
	int sig = (int)a[0];
	if (sig < 1 || sig > RV_NSIG || a[3] != 8)
		return -EINVAL;
	struct rv_process *p = t->proc;
	struct rv_guest_sigaction newa;
	if (a[2] && !rv_guest_ptr(t, a[2], sizeof(newa), RV_PROT_WRITE))
		return -EFAULT;
	if (a[1]) {
		if (rv_copy_from_guest(t, &newa, a[1], sizeof(newa)) < 0)
			return -EFAULT;
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
	}
	pthread_mutex_lock(&p->lock);
	struct rv_guest_sigaction old = p->sigact[sig];
	if (a[1]) {
		p->sigact[sig] = newa;
		update_host_disposition(sig, &newa);
	}
	pthread_mutex_unlock(&p->lock);
	if (a[2] && rv_copy_to_guest(t, a[2], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long rv_sys_rt_sigprocmask(struct rv_thread *t, const uint64_t *a)
{
	if (a[3] != 8)
		return -EINVAL;
	if (a[2] && !rv_guest_ptr(t, a[2], 8, RV_PROT_WRITE))
		return -EFAULT;
	uint64_t old = t->sigmask;
	if (a[1]) {
		uint64_t set;
		if (rv_copy_from_guest(t, &set, a[1], 8) < 0)
			return -EFAULT;
		switch ((int)a[0]) {
		case SIG_BLOCK: t->sigmask |= set; break;
		case SIG_UNBLOCK: t->sigmask &= ~set; break;
		case SIG_SETMASK: t->sigmask = set; break;
		default: return -EINVAL;
		}
		t->sigmask &= ~(rv_sigbit(SIGKILL) | rv_sigbit(SIGSTOP));
	}
	if (a[2] && rv_copy_to_guest(t, a[2], &old, 8) < 0)
		return -EFAULT;
	return 0;
}

long rv_sys_rt_sigpending(struct rv_thread *t, const uint64_t *a)
{
	uint64_t set = (t->pending | t->proc->pending) & t->sigmask;
	return rv_copy_to_guest(t, a[0], &set, 8);
}

long rv_sys_rt_sigsuspend(struct rv_thread *t, const uint64_t *a)
{
	if (a[1] != 8)
		return -EINVAL;
	uint64_t set;
	if (rv_copy_from_guest(t, &set, a[0], 8) < 0)
		return -EFAULT;
	/* wait under the given mask; the handler frame saves (and sigreturn restores) the old one */
	struct rv_wait w;
	rv_wait_begin(t, &w, &set);
	while (!rv_signal_interrupts_wait(t))
		sigsuspend(&w.host_mask);
	return rv_wait_end(t, &w, -EINTR); /* the run loop delivers the signal after a0 is set */
}

long rv_sys_rt_sigtimedwait(struct rv_thread *t, const uint64_t *a)
{
	if (a[3] != 8)
		return -EINVAL;
	uint64_t set;
	if (rv_copy_from_guest(t, &set, a[0], 8) < 0)
		return -EFAULT;
	set &= ~(rv_sigbit(SIGKILL) | rv_sigbit(SIGSTOP));
	struct timespec deadline, timeout;
	if (a[2]) {
		if (rv_copy_from_guest(t, &timeout, a[2], sizeof(timeout)) < 0)
			return -EFAULT;
		if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= 1000000000)
			return -EINVAL;
		deadline = rv_wait_deadline(&timeout);
	}
	for (;;) {
		uint8_t info[SIGINFO_SIZE];
		int sig = rv_signal_dequeue(t, set, info);
		if (sig) {
			if (a[1] && rv_copy_to_guest(t, a[1], info, sizeof(info)) < 0)
				return -EFAULT; /* as Linux: the signal is consumed */
			return sig;
		}
		struct timespec left = a[2] ? rv_wait_time_left(&deadline) : (struct timespec){0, 0};
		if (a[2] && left.tv_sec == 0 && left.tv_nsec == 0)
			return -EAGAIN;
		/* the waited-for signals are usually blocked: they end the wait by being pending */
		struct rv_wait w;
		rv_wait_begin(t, &w, NULL);
		long r = 0;
		uint64_t p = __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) |
		             __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST);
		if (!(p & set)) {
			if (rv_signal_interrupts_wait(t))
				r = -EINTR;
			else
				ppoll(NULL, 0, a[2] ? &left : NULL, &w.host_mask);
		}
		rv_wait_end(t, &w, r);
		if (r < 0)
			return r;
	}
}

long rv_sys_sigaltstack(struct rv_thread *t, const uint64_t *a)
{
	struct rv_cpu *cpu = &t->cpu;
	bool on_alt = t->altstack_size && cpu->x[2] - t->altstack_sp <= t->altstack_size;
	if (a[1]) {
		uint8_t old[24];
		uint32_t flags = t->altstack_size ? (on_alt ? SS_ONSTACK : 0) : SS_DISABLE;
		memset(old, 0, 24);
		put64(old, t->altstack_sp);
		memcpy(old + 8, &flags, 4);
		put64(old + 16, t->altstack_size);
		if (rv_copy_to_guest(t, a[1], old, sizeof(old)) < 0)
			return -EFAULT;
	}
	if (a[0]) {
		uint8_t n[24];
		if (rv_copy_from_guest(t, n, a[0], sizeof(n)) < 0)
			return -EFAULT;
		if (on_alt)
			return -EPERM;
		uint32_t flags;
		memcpy(&flags, n + 8, 4);
		if (flags & SS_DISABLE) {
			t->altstack_sp = t->altstack_size = 0;
			t->altstack_flags = SS_DISABLE;
			return 0;
		}
		if (flags & ~RV_SS_AUTODISARM)
			return -EINVAL;
		if (get64(n + 16) < RV_MINSIGSTKSZ)
			return -ENOMEM;
		t->altstack_sp = get64(n);
		t->altstack_size = get64(n + 16);
		t->altstack_flags = 0;
	}
	return 0;
}

/* kill: to this process a guest signal (pid 0, our process group, reaches only us here); to others a
 * host signal (which reaches us too for -1 or our group, through the host dispositions). */
long rv_sys_kill(struct rv_thread *t, const uint64_t *a)
{
	int pid = (int)a[0], sig = (int)a[1];
	if (sig < 0 || sig > RV_NSIG)
		return -EINVAL;
	if (pid == getpid() || pid == 0) {
		uint64_t sender = (uint64_t)(uint32_t)getpid() | ((uint64_t)getuid() << 32);
		if (sig != 0)
			rv_signal_queue(t, sig, SI_USER, sender, true);
		return 0;
	}
	return rv_host_ret(kill(pid, sig));
}

/* rt_sigqueueinfo/rt_tgsigqueueinfo: the caller's siginfo (the same 128 bytes on both). Like Linux, a
 * process may only pretend to be the kernel or tkill (si_code >= 0, SI_TKILL) towards itself. */
static long get_queue_info(struct rv_thread *t, int target_pid, uint64_t addr, int *code, uint64_t *sender,
                           uint64_t *value, siginfo_t *host_info)
{
	uint8_t info[SIGINFO_SIZE];
	if (rv_copy_from_guest(t, info, addr, sizeof(info)) < 0)
		return -EFAULT;
	int32_t head[3];
	memcpy(head, info, sizeof(head));
	if ((head[2] >= 0 || head[2] == SI_TKILL) && target_pid != getpid())
		return -EPERM;
	*code = head[2];
	memcpy(sender, info + SI_ADDR_OFFSET, 8);
	memcpy(value, info + SI_VALUE_OFFSET, 8);
	memcpy(host_info, info, sizeof(*host_info));
	return 0;
}

long rv_sys_rt_sigqueueinfo(struct rv_thread *t, const uint64_t *a)
{
	int pid = (int)a[0], sig = (int)a[1], code;
	uint64_t sender, value;
	siginfo_t host_info;
	if (sig < 0 || sig > RV_NSIG)
		return -EINVAL;
	long r = get_queue_info(t, pid, a[2], &code, &sender, &value, &host_info);
	if (r < 0)
		return r;
	if (pid == getpid()) {
		if (sig != 0)
			queue_signal(t, sig, code, sender, value, true);
		return 0;
	}
	host_info.si_signo = sig;
	return rv_host_ret(syscall(SYS_rt_sigqueueinfo, pid, sig, &host_info));
}

long rv_sys_rt_tgsigqueueinfo(struct rv_thread *t, const uint64_t *a)
{
	int tgid = (int)a[0], tid = (int)a[1], sig = (int)a[2], code;
	uint64_t sender, value;
	siginfo_t host_info;
	if (sig < 0 || sig > RV_NSIG || tgid <= 0 || tid <= 0)
		return -EINVAL;
	long r = get_queue_info(t, tgid, a[3], &code, &sender, &value, &host_info);
	if (r < 0)
		return r;
	if (tgid == getpid())
		return signal_thread(t, tid, sig, code, sender, value);
	host_info.si_signo = sig;
	return rv_host_ret(syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &host_info));
}

static uint64_t tkill_sender(void)
{
	return (uint64_t)(uint32_t)getpid() | ((uint64_t)getuid() << 32);
}

long rv_sys_tkill(struct rv_thread *t, const uint64_t *a)
{
	int sig = (int)a[1];
	if (sig < 0 || sig > RV_NSIG || (int)a[0] <= 0)
		return -EINVAL;
	return signal_thread(t, (int)a[0], sig, SI_TKILL, tkill_sender(), 0);
}

long rv_sys_tgkill(struct rv_thread *t, const uint64_t *a)
{
	int tgid = (int)a[0], tid = (int)a[1], sig = (int)a[2];
	if (sig < 0 || sig > RV_NSIG || tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid == getpid())
		return signal_thread(t, tid, sig, SI_TKILL, tkill_sender(), 0);
	return rv_host_ret(syscall(SYS_tgkill, tgid, tid, sig));
}

void rv_signal_init_process(struct rv_process *p)
{
	signal_proc = p;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = host_wake_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the blocking call must return */
	sigaction(RV_HOST_WAKE_SIG, &sa, NULL);
}
