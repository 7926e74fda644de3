/* Guest signals: the rt_sig* syscalls, riscv64 signal frames and default actions.
 *
 * Signals reach a guest thread only between guest instructions: at syscall returns, after faults, and
 * when a host signal sets cpu->interrupt_request. Host signals the guest handles get a host handler that
 * records them; ignored ones are ignored on the host too (so SIGPIPE becomes EPIPE); default ones keep
 * the host default action, which matches the guest's. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rv/user/runtime.h"
#include "rv/user/signal.h"
#include "rv/user/syscall.h"

/* Per-signal details of a pending signal (one instance per signal, as for standard signals). */
static struct {
	int code;
	uint64_t addr; /* fault address, or sender pid/uid packed for kill */
} pending_info[RV_NSIG + 1];

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

void rv_signal_host_async(int sig)
{
	struct rv_thread *t = rv_current_thread;
	if (!signal_proc || sig < 1 || sig > RV_NSIG)
		return;
	pending_info[sig].code = SI_USER;
	pending_info[sig].addr = 0;
	__atomic_fetch_or(&signal_proc->pending, rv_sigbit(sig), __ATOMIC_SEQ_CST);
	if (t)
		__atomic_store_n(&t->cpu.interrupt_request, 1, __ATOMIC_SEQ_CST);
}

void rv_signal_host_sent(int sig, const siginfo_t *info)
{
	struct rv_thread *t = rv_current_thread;
	if (!signal_proc || sig < 1 || sig > RV_NSIG)
		return;
	pending_info[sig].code = info->si_code;
	/* si_pid/si_uid for kill/tgkill/sigqueue; a timer's si_tid/si_overrun are not known: 0 */
	pending_info[sig].addr =
	    info->si_code == SI_TIMER ? 0 : (uint64_t)(uint32_t)info->si_pid | ((uint64_t)info->si_uid << 32);
	if (info->si_code == SI_TKILL && t)
		__atomic_fetch_or(&t->pending, rv_sigbit(sig), __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_or(&signal_proc->pending, rv_sigbit(sig), __ATOMIC_SEQ_CST);
	if (t)
		__atomic_store_n(&t->cpu.interrupt_request, 1, __ATOMIC_SEQ_CST);
}

static void host_async_handler(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	int saved = errno;
	struct rv_thread *t = rv_current_thread;
	if (info->si_code == SI_TKILL && t && sig <= RV_NSIG) {
		/* tgkill from another process, aimed at this thread */
		pending_info[sig].code = SI_TKILL;
		pending_info[sig].addr = (uint64_t)(uint32_t)info->si_pid | ((uint64_t)info->si_uid << 32);
		__atomic_fetch_or(&t->pending, rv_sigbit(sig), __ATOMIC_SEQ_CST);
		__atomic_store_n(&t->cpu.interrupt_request, 1, __ATOMIC_SEQ_CST);
	} else {
		rv_signal_host_async(sig);
	}
	errno = saved;
}

static void host_wake_handler(int sig)
{
	(void)sig; /* only interrupts a blocking syscall; the pending guest signal is already recorded */
}

/* Mirrors a guest disposition on the host. */
static void update_host_disposition(int sig, const struct rv_guest_sigaction *act)
{
	if (host_reserved(sig) || sig > SIGRTMAX)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	if (act->handler == RV_SIG_DFL) {
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

void rv_signal_queue(struct rv_thread *t, int sig, int code, uint64_t addr, bool process_wide)
{
	pending_info[sig].code = code;
	pending_info[sig].addr = addr;
	if (!process_wide) {
		__atomic_fetch_or(&t->pending, rv_sigbit(sig), __ATOMIC_SEQ_CST);
		kick(t, t);
		return;
	}
	__atomic_fetch_or(&t->proc->pending, rv_sigbit(sig), __ATOMIC_SEQ_CST);
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

/* tkill/tgkill to a thread of this process. */
static long signal_thread(struct rv_thread *t, int tid, int sig)
{
	long ret = -ESRCH;
	uint64_t sender = (uint64_t)(uint32_t)getpid() | ((uint64_t)getuid() << 32);
	pthread_mutex_lock(&t->proc->lock);
	for (struct rv_thread *o = t->proc->threads; o; o = o->next) {
		if (o->tid != tid)
			continue;
		ret = 0;
		if (sig == 0)
			break;
		pending_info[sig].code = SI_TKILL;
		pending_info[sig].addr = sender;
		__atomic_fetch_or(&o->pending, rv_sigbit(sig), __ATOMIC_SEQ_CST);
		kick(t, o);
		break;
	}
	pthread_mutex_unlock(&t->proc->lock);
	return ret;
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

bool rv_signal_ready(struct rv_thread *t)
{
	uint64_t p = __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) |
	             __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST);
	return (p & ~t->sigmask) != 0;
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

	/* siginfo */
	int32_t head[3] = {sig, 0, pending_info[sig].code};
	memcpy(f, head, sizeof(head));
	put64(f + 16, pending_info[sig].addr); /* si_addr, or si_pid/si_uid */

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
		if (__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) & rv_sigbit(sig))
			__atomic_fetch_and(&t->pending, ~rv_sigbit(sig), __ATOMIC_SEQ_CST);
		else
			__atomic_fetch_and(&t->proc->pending, ~rv_sigbit(sig), __ATOMIC_SEQ_CST);
		deliver_one(t, sig);
	}
}

void rv_signal_fault(struct rv_thread *t, int sig, int code, uint64_t addr)
{
	struct rv_process *p = t->proc;
	pending_info[sig].code = code;
	pending_info[sig].addr = addr;
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
	uint64_t set;
	if (rv_copy_from_guest(t, &set, a[0], 8) < 0)
		return -EFAULT;
	/* wait under the given mask; the handler frame saves (and sigreturn restores) the old one */
	t->saved_sigmask = t->sigmask;
	t->restore_sigmask = true;
	t->sigmask = set & ~(rv_sigbit(SIGKILL) | rv_sigbit(SIGSTOP));
	while (!rv_signal_ready(t))
		pause();
	return -EINTR; /* the run loop delivers the signal after a0 is set */
}

long rv_sys_rt_sigtimedwait(struct rv_thread *t, const uint64_t *a)
{
	uint64_t set;
	if (rv_copy_from_guest(t, &set, a[0], 8) < 0)
		return -EFAULT;
	struct timespec deadline, now, timeout_copy;
	const struct timespec *timeout = NULL;
	if (a[2]) {
		if (rv_copy_from_guest(t, &timeout_copy, a[2], sizeof(timeout_copy)) < 0)
			return -EFAULT;
		timeout = &timeout_copy;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (timeout) {
		deadline.tv_sec += timeout->tv_sec;
		deadline.tv_nsec += timeout->tv_nsec;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	for (;;) {
		uint64_t p = (t->pending | __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST)) & set;
		if (p) {
			int sig = __builtin_ctzll(p) + 1;
			__atomic_fetch_and(&t->pending, ~rv_sigbit(sig), __ATOMIC_SEQ_CST);
			__atomic_fetch_and(&t->proc->pending, ~rv_sigbit(sig), __ATOMIC_SEQ_CST);
			if (a[1]) {
				uint8_t info[128];
				memset(info, 0, sizeof(info));
				int32_t head[3] = {sig, 0, pending_info[sig].code};
				memcpy(info, head, sizeof(head));
				if (rv_copy_to_guest(t, a[1], info, sizeof(info)) < 0)
					return -EFAULT; /* as Linux: the signal is consumed */
			}
			return sig;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout && (now.tv_sec > deadline.tv_sec ||
		                (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)))
			return -EAGAIN;
		struct timespec nap = {0, 1000000};
		nanosleep(&nap, NULL);
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

long rv_sys_tkill(struct rv_thread *t, const uint64_t *a)
{
	int sig = (int)a[1];
	if (sig < 0 || sig > RV_NSIG || (int)a[0] <= 0)
		return -EINVAL;
	return signal_thread(t, (int)a[0], sig);
}

long rv_sys_tgkill(struct rv_thread *t, const uint64_t *a)
{
	int tgid = (int)a[0], tid = (int)a[1], sig = (int)a[2];
	if (sig < 0 || sig > RV_NSIG || tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid == getpid())
		return signal_thread(t, tid, sig);
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
