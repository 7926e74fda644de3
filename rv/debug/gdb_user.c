/* User-mode glue of the GDB stub (see gdb_user.h): the same exit handling as rv/user/run.c's run loop,
 * except that signals and the end of the process become events the debugger sees first. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "rv/debug/gdb_user.h"
#include "rv/user/runtime.h"
#include "rv/user/signal.h"
#include "rv/user/syscall.h"

struct user_ctx {
	struct rv_thread *t;
	pid_t pid; /* of the debugged process: another one after a syscall is the child of a fork */
	/* a synchronous fault raised by the last instruction, not delivered yet (sig 0: none) */
	int fault_sig, fault_code;
	uint64_t fault_addr;
	/* the pending signal last reported by pending_signal() */
	int async_sig;
};

static uint64_t handler_of(struct rv_thread *t, int sig)
{
	struct rv_process *p = t->proc;
	pthread_mutex_lock(&p->lock);
	uint64_t h = p->sigact[sig].handler;
	pthread_mutex_unlock(&p->lock);
	return h;
}

static bool blocked(const struct rv_thread *t, int sig)
{
	return (t->sigmask & rv_sigbit(sig)) != 0;
}

static struct rv_gdb_event event(enum rv_gdb_event_kind kind, int value)
{
	struct rv_gdb_event ev = {kind, value};
	return ev;
}

static struct rv_gdb_event raise_fault(struct user_ctx *c, int sig, int code, uint64_t addr)
{
	c->fault_sig = sig;
	c->fault_code = code;
	c->fault_addr = addr;
	return event(RV_GDB_EV_SIGNAL, sig);
}

static struct rv_gdb_event user_on_exit(void *ctx, struct rv_cpu *cpu, enum rv_exit e)
{
	struct user_ctx *c = ctx;
	struct rv_thread *t = c->t;
	int status = (int)(cpu->x[10] & 0xff);
	__atomic_store_n(&cpu->interrupt_request, 0, __ATOMIC_SEQ_CST);
	switch (e) {
	case RV_EXIT_ECALL: {
		uint64_t nr = cpu->x[17];
		/* the end of the process: gdb hears of it before it happens */
		if (nr == RV_NR_exit_group || (nr == RV_NR_exit && t->proc->nthreads == 1))
			return event(RV_GDB_EV_EXITED, status);
		rv_syscall(t);
		if (getpid() != c->pid) /* a fork's child: the parent keeps the debugger */
			return event(RV_GDB_EV_DETACH, 0);
		return event(RV_GDB_EV_NONE, 0);
	}
	case RV_EXIT_EBREAK:
		if (t->proc->opt.bare)
			return event(RV_GDB_EV_EXITED, status);
		return raise_fault(c, SIGTRAP, TRAP_BRKPT, cpu->pc);
	case RV_EXIT_ILLEGAL: return raise_fault(c, SIGILL, ILL_ILLOPC, cpu->pc);
	case RV_EXIT_FAULT:
		if (cpu->fault_kind == RV_FAULT_MISALIGNED)
			return raise_fault(c, SIGBUS, BUS_ADRALN, cpu->fault_addr);
		if (cpu->fault_kind ==
		    RV_FAULT_BUS) /* e.g. past the end of a mapped file, as run.c reports it */
			return raise_fault(c, SIGBUS, BUS_ADRERR, cpu->fault_addr);
		return raise_fault(
		    c, SIGSEGV, rv_mem_is_mapped(&t->proc->mem, cpu->fault_addr) ? SEGV_ACCERR : SEGV_MAPERR,
		    cpu->fault_addr);
	case RV_EXIT_HALT: return event(RV_GDB_EV_EXITED, status);
	default: return event(RV_GDB_EV_NONE, 0); /* fence.i: the interpreter has no stale code */
	}
}

static int pending_signal(void *ctx)
{
	struct user_ctx *c = ctx;
	struct rv_thread *t = c->t;
	if (!rv_signal_ready(t))
		return 0;
	/* other threads set both pending words atomically */
	uint64_t ready = (__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) |
	                  __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST)) &
	                 ~t->sigmask;
	c->async_sig = ready ? __builtin_ctzll(ready) + 1 : 0;
	return c->async_sig;
}

static void discard_pending(struct rv_thread *t, int sig)
{
	if (__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) & rv_sigbit(sig))
		__atomic_fetch_and(&t->pending, ~rv_sigbit(sig), __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&t->proc->pending, ~rv_sigbit(sig), __ATOMIC_SEQ_CST);
}

/* Delivers the pending signals the way the run loop does, unless the first one's default action ends
 * the process: that is reported first. */
static struct rv_gdb_event deliver_pending(struct rv_thread *t, int sig)
{
	if (!blocked(t, sig) && handler_of(t, sig) == RV_SIG_DFL && !rv_signal_default_is_ignore(sig))
		return event(RV_GDB_EV_KILLED, sig);
	rv_signal_deliver(t);
	return event(RV_GDB_EV_NONE, 0);
}

static struct rv_gdb_event inject(struct rv_thread *t, int sig)
{
	if (sig < 1 || sig > RV_NSIG)
		return event(RV_GDB_EV_NONE, 0);
	rv_signal_queue(t, sig, SI_USER, 0, false);
	return deliver_pending(t, sig);
}

static struct rv_gdb_event resume_signal(void *ctx, int sig)
{
	struct user_ctx *c = ctx;
	struct rv_thread *t = c->t;
	int fault = c->fault_sig, async = c->async_sig;
	c->fault_sig = 0;
	c->async_sig = 0;
	if (fault) {
		if (sig != fault) /* dropped: the instruction runs again */
			return inject(t, sig);
		/* a blocked or ignored fault is forced to its default action, as Linux's force_sig */
		if (blocked(t, sig) || handler_of(t, sig) <= RV_SIG_IGN)
			return event(RV_GDB_EV_KILLED, sig);
		rv_signal_fault(t, sig, c->fault_code, c->fault_addr);
		return event(RV_GDB_EV_NONE, 0);
	}
	if (async) {
		if (sig == async)
			return deliver_pending(t, sig);
		discard_pending(t, async);
	}
	return inject(t, sig);
}

static void terminate(void *ctx, struct rv_gdb_event ev)
{
	struct user_ctx *c = ctx;
	if (ev.kind == RV_GDB_EV_KILLED)
		rv_signal_die(c->t, ev.value);
	rv_process_exit(c->t, ev.value);
}

/* A debugger write into code must drop its translations like a guest store would (rv/user/mem.h). */
static void before_mem_write(void *ctx, uint64_t addr, size_t len)
{
	struct user_ctx *c = ctx;
	rv_mem_code_unprotect(&c->t->proc->mem, addr, len);
}

static const struct rv_gdb_ops user_ops = {
    .on_exit = user_on_exit,
    .pending_signal = pending_signal,
    .resume_signal = resume_signal,
    .terminate = terminate,
    .before_mem_write = before_mem_write,
};

enum rv_gdb_end rv_gdb_run_thread(struct rv_gdb *g, struct rv_thread *t)
{
	struct user_ctx c = {.t = t, .pid = getpid()};
	return rv_gdb_run(g, &t->cpu, &user_ops, &c);
}
