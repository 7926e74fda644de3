/* The user-mode run loop: run guest code (JIT or interpreter) until an exit, then handle the exit by
 * cause from a table; also the host fault handler and process exit. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/futex.h>

#include "rv/interp/interp.h"
#include "rv/jit/jit.h"
#include "rv/jit/perfmap.h"
#include "rv/user/runtime.h"
#include "rv/user/signal.h"
#include "rv/user/syscall.h"

/* The translator may not be linked yet: its entry points are weak and the interpreter runs instead. */
#pragma weak rv_jit_create
#pragma weak rv_jit_destroy
#pragma weak rv_jit_run
#pragma weak rv_jit_invalidate
#pragma weak rv_jit_print_stats
#pragma weak rv_jit_recover_fault
#pragma weak rv_jit_owns_host_pc
#pragma weak jit_perf_map_open

_Thread_local struct rv_thread *rv_current_thread;
struct rv_reexec rv_reexec_info;

#define FAULT_STACK_SIZE (64u * 1024u)

/* ---- exits ---- */

static void exit_none(struct rv_thread *t)
{
	(void)t;
}

static void exit_ecall(struct rv_thread *t)
{
	rv_syscall(t);
}

static void exit_ebreak(struct rv_thread *t)
{
	if (t->proc->opt.bare)
		rv_process_exit(t, (int)(t->cpu.x[10] & 0xff));
	rv_signal_fault(t, SIGTRAP, TRAP_BRKPT, t->cpu.pc);
}

static void exit_illegal(struct rv_thread *t)
{
	struct rv_process *p = t->proc;
	if (p->opt.strace || p->opt.bare) {
		uint32_t raw = 0;
		char text[80] = "?";
		if (rv_mem_fetch(&t->cpu, t->cpu.pc, &raw)) {
			struct rv_insn in;
			rv_decode(raw, &in);
			rv_disasm(&in, t->cpu.pc, text, sizeof(text));
		}
		fprintf(p->log, "karasu-rv: illegal instruction at pc 0x%llx: %s (0x%08x)\n",
		        (unsigned long long)t->cpu.pc, text, raw);
	}
	rv_signal_fault(t, SIGILL, ILL_ILLOPC, t->cpu.pc);
}

static void (*const exit_handlers[RV_EXIT_COUNT])(struct rv_thread *);

/* A host fault on a page the guest may write comes from the write protection of translated code (see
 * rv_mem_code_write_fault): the page is writable again and its translations are gone, so the store is
 * simply executed again (cpu->pc is still the store). The same pc faulting twice in a row without a
 * code page being involved would loop forever: then it is delivered as a real fault. */
static _Thread_local uint64_t retried_pc = UINT64_MAX;

static bool code_page_write(struct rv_thread *t)
{
	struct rv_cpu *cpu = &t->cpu;
	if (cpu->fault_kind != RV_FAULT_LOAD && cpu->fault_kind != RV_FAULT_STORE)
		return false;
	struct rv_mem *m = &t->proc->mem;
	if (cpu->fault_addr >= m->limit)
		return false;
	bool was_code = (m->prot[cpu->fault_addr >> RV_PAGE_SHIFT] & RV_PAGE_CODE) != 0;
	if (!was_code && retried_pc == cpu->pc)
		return false;
	if (!rv_mem_code_write_fault(m, cpu->fault_addr))
		return false;
	retried_pc = was_code ? UINT64_MAX : cpu->pc;
	return true;
}

static void exit_fault(struct rv_thread *t)
{
	struct rv_cpu *cpu = &t->cpu;
	struct rv_process *p = t->proc;
	if (code_page_write(t)) {
		/* the store itself runs in the interpreter: translating its block again first would
		 * protect the page again before it is written (endless faults) */
		enum rv_exit e = rv_interp_step(cpu);
		if (e == RV_EXIT_NONE)
			retried_pc = UINT64_MAX;
		else
			exit_handlers[e](t);
		return;
	}
	if (p->opt.strace || p->opt.bare) {
		static const char *const kinds[] = {"load from", "store to", "instruction fetch at",
		                                    "misaligned atomic at",
		                                    "bus error (past the end of a file) at"};
		fprintf(p->log, "karasu-rv: guest fault: %s 0x%llx (pc 0x%llx)\n",
		        kinds[cpu->fault_kind <= RV_FAULT_BUS ? cpu->fault_kind : 0],
		        (unsigned long long)cpu->fault_addr, (unsigned long long)cpu->pc);
	}
	if (cpu->fault_kind == RV_FAULT_MISALIGNED || cpu->fault_kind == RV_FAULT_BUS) {
		rv_signal_fault(t, SIGBUS, cpu->fault_kind == RV_FAULT_BUS ? BUS_ADRERR : BUS_ADRALN,
		                cpu->fault_addr);
		return;
	}
	int code = rv_mem_is_mapped(&p->mem, cpu->fault_addr) ? SEGV_ACCERR : SEGV_MAPERR;
	rv_signal_fault(t, SIGSEGV, code, cpu->fault_addr);
}

static void exit_halt(struct rv_thread *t)
{
	rv_process_exit(t, (int)(t->cpu.x[10] & 0xff));
}

static void exit_fence_i(struct rv_thread *t)
{
	/* this hart's instruction stream only, as the ISA defines fence.i */
	if (t->jit && rv_jit_invalidate)
		rv_jit_invalidate(t->jit, 0, t->proc->mem.limit);
}

static void (*const exit_handlers[RV_EXIT_COUNT])(struct rv_thread *) = {
    [RV_EXIT_NONE] = exit_none,       [RV_EXIT_ECALL] = exit_ecall, [RV_EXIT_EBREAK] = exit_ebreak,
    [RV_EXIT_ILLEGAL] = exit_illegal, [RV_EXIT_FAULT] = exit_fault, [RV_EXIT_HALT] = exit_halt,
    [RV_EXIT_FENCE_I] = exit_fence_i, [RV_EXIT_LIMIT] = exit_none,  [RV_EXIT_INTERRUPT] = exit_none,
};

void rv_runtime_code_changed(struct rv_thread *t, uint64_t addr, uint64_t len)
{
	if (!rv_jit_invalidate)
		return;
	if (t->jit)
		rv_jit_invalidate(t->jit, addr, len);
	/* Other threads may be inside their translated code: they drop theirs (all of it, simply) when
	 * they next leave it, which the interrupt request makes soon. */
	pthread_mutex_lock(&t->proc->lock);
	for (struct rv_thread *o = t->proc->threads; o; o = o->next) {
		if (o == t || !o->jit)
			continue;
		__atomic_store_n(&o->code_flush_pending, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&o->cpu.interrupt_request, 1, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&t->proc->lock);
}

/* mem.c made code pages writable again (a store into them, or a system call writing them): the
 * translations made from them are stale in every thread. */
static void code_pages_unprotected(struct rv_mem *m, uint64_t addr, uint64_t len)
{
	(void)m;
	if (rv_current_thread)
		rv_runtime_code_changed(rv_current_thread, addr, len);
}

/* ---- process exit ---- */

static void dump_regs(const struct rv_cpu *cpu, FILE *out)
{
	for (int i = 0; i < 32; i++)
		fprintf(out, "x%02d = %016llx\n", i, (unsigned long long)cpu->x[i]);
	fprintf(out, "PC = %016llx\n", (unsigned long long)cpu->pc);
}

noreturn void rv_process_exit(struct rv_thread *t, int status)
{
	struct rv_process *p = t->proc;
	fflush(stdout);
	if (p->opt.dump_regs)
		dump_regs(&t->cpu, stderr);
	if (p->opt.stats) {
		fprintf(stderr, "karasu-rv: %llu instructions (this thread), %llu syscalls, engine %s\n",
		        (unsigned long long)t->cpu.insn_count, (unsigned long long)p->syscall_count,
		        t->jit ? "jit" : "interpreter");
		if (t->jit && rv_jit_print_stats)
			rv_jit_print_stats(t->jit, stderr);
	}
	fflush(stderr);
	_exit(status);
}

/* ---- host faults ---- */

static void host_fault_handler(int sig, siginfo_t *info, void *ucontext)
{
	struct rv_thread *t = rv_current_thread;
	int saved = errno;
	if (info->si_code <= 0) {
		/* sent by kill, sigqueue, a timer or tgkill: a guest signal, not a fault */
		rv_signal_host_sent(sig, info);
		errno = saved;
		return;
	}
	rv_guest_copy_host_fault(sig, info); /* no return if a guarded copy (guest_copy.h) faulted */
	if (t) {
		struct rv_mem *m = &t->proc->mem;
		uintptr_t addr = (uintptr_t)info->si_addr;
		bool in_guest = addr >= (uintptr_t)m->base && addr < (uintptr_t)m->base + m->region_len;
		if (in_guest && t->jit && rv_jit_recover_fault &&
		    rv_jit_recover_fault(t->jit, &t->cpu, ucontext)) {
			/* the faulting byte (the access may straddle pages); the kind (load/store) is the
			 * one the translator recorded for the access */
			t->cpu.fault_addr = addr - (uintptr_t)m->base;
			if (sig == SIGBUS)
				t->cpu.fault_kind = RV_FAULT_BUS;
			errno = saved;
			return;
		}
		if (in_guest) {
			errno = saved;
			/* no return if the interpreter was accessing */
			rv_interp_host_fault(addr - (uintptr_t)m->base,
			                     sig == SIGBUS ? RV_FAULT_BUS : RV_FAULT_LOAD);
		}
	}
	/* not a guest access from translated code: a bug in karasu-rv itself */
	static const char msg[] = "karasu-rv: internal error: host fault outside guest code\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
	}
	signal(sig, SIG_DFL);
	errno = saved;
}

void rv_fault_handlers_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = host_fault_handler;
	/* SA_NODEFER: the interpreter's recovery jumps out of the handler, which must not leave SIGSEGV
	 * blocked */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

int rv_thread_host_init(struct rv_thread *t)
{
	stack_t ss;
	ss.ss_sp = malloc(FAULT_STACK_SIZE);
	if (!ss.ss_sp)
		return -1;
	ss.ss_size = FAULT_STACK_SIZE;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) != 0) {
		free(ss.ss_sp);
		return -1;
	}
	t->fault_stack = ss.ss_sp;
	rv_current_thread = t;
	t->proc->mem.code_unprotected = code_pages_unprotected;
	rv_mem_attach(&t->proc->mem, &t->cpu);
	t->host_thread = pthread_self();
	pthread_mutex_lock(&t->proc->lock);
	t->next = t->proc->threads;
	t->proc->threads = t;
	pthread_mutex_unlock(&t->proc->lock);
	return 0;
}

void rv_thread_host_fini(struct rv_thread *t)
{
	stack_t ss = {.ss_flags = SS_DISABLE};
	sigaltstack(&ss, NULL);
	free(t->fault_stack);
	t->fault_stack = NULL;
	rv_current_thread = NULL;
}

/* ---- running a thread ---- */

static void thread_exit(struct rv_thread *t)
{
	struct rv_process *p = t->proc;
	if (t->clear_child_tid) {
		uint32_t *ctid = rv_guest_ptr(t, t->clear_child_tid, 4, RV_PROT_WRITE);
		if (ctid && rv_guest_store_u32(t, t->clear_child_tid, 0) == 0) /* guest_copy.h */
			syscall(SYS_futex, ctid, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
	pthread_mutex_lock(&p->lock);
	int left = --p->nthreads;
	for (struct rv_thread **link = &p->threads; *link; link = &(*link)->next)
		if (*link == t) {
			*link = t->next;
			break;
		}
	pthread_mutex_unlock(&p->lock);
	if (left == 0)
		rv_process_exit(t, t->exit_code);
	if (t->jit)
		rv_jit_destroy(t->jit);
	/* the thread's struct stays allocated: other threads may still read its tid */
}

/* The translator asks before it reads code from a guest-writable page (rv_mem_code_page_use). */
static bool code_page_use(void *ctx, uint64_t addr)
{
	return rv_mem_code_page_use(ctx, addr);
}

/* --perf-map: the map of this process (a fork child gets its own /tmp/perf-PID.map: its code cache is
 * not the parent's). NULL if it cannot be written (said once). */
static FILE *perf_map_of_this_process(struct rv_process *p)
{
	long pid = (long)getpid();
	if (!p->opt.perf_map || p->perf_map_pid == pid || !jit_perf_map_open)
		return p->perf_map;
	char err[256];
	if (p->perf_map)
		fclose(p->perf_map);
	p->perf_map = jit_perf_map_open(pid, err, sizeof(err));
	p->perf_map_pid = pid;
	if (!p->perf_map)
		fprintf(stderr, "karasu-rv: --perf-map: %s\n", err);
	return p->perf_map;
}

static struct rv_jit *new_engine(struct rv_process *p)
{
	if (p->opt.interp || !rv_jit_create || !rv_jit_run)
		return NULL;
	struct rv_jit_options o = {.dump = p->opt.dump_jit ? stderr : NULL,
	                           .perf_map = perf_map_of_this_process(p),
	                           .perf_symbols = p->perf_symbols,
	                           .stats = p->opt.stats,
	                           .code_page_use = code_page_use,
	                           .code_page_ctx = &p->mem};
	return rv_jit_create(&o);
}

void rv_runtime_after_fork(struct rv_thread *t)
{
	/* The code cache may be shared memory (separate write and execute views): the child must not
	 * translate into the parent's. It gets its own; the old mapping is left alone, not destroyed,
	 * since destroying could truncate memory the parent still runs. */
	rv_mem_after_fork(&t->proc->mem);
	if (t->jit)
		t->jit = new_engine(t->proc);
}

void rv_thread_run(struct rv_thread *t)
{
	struct rv_process *p = t->proc;
	struct rv_cpu *cpu = &t->cpu;
	t->jit = new_engine(p);
	while (!t->exited) {
		__atomic_store_n(&cpu->interrupt_request, 0, __ATOMIC_SEQ_CST);
		if (t->jit && __atomic_exchange_n(&t->code_flush_pending, 0, __ATOMIC_SEQ_CST))
			rv_jit_invalidate(t->jit, 0, p->mem.limit);
		if (rv_signal_ready(t))
			rv_signal_deliver(t);
		enum rv_exit e = t->jit ? rv_jit_run(t->jit, cpu) : rv_interp_run(cpu, 0);
		if ((unsigned)e >= RV_EXIT_COUNT) {
			fprintf(stderr, "karasu-rv: internal error: unknown exit %d at pc 0x%llx\n", (int)e,
			        (unsigned long long)cpu->pc);
			rv_process_exit(t, RV_EXIT_STATUS_ERROR);
		}
		exit_handlers[e](t);
	}
	thread_exit(t);
}
