/* The hart run loop (run.h). Each pass: take requests from other threads, start or park per HSM, take a
 * pending interrupt, park in WFI, run guest code until an exit, and handle the exit by cause from a
 * table. Interrupts are therefore taken at block boundaries: translated code returns whenever
 * cpu.interrupt_request is set (rv_hart_kick), which every new interrupt and request does. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rv/debug/gdb_system.h"
#include "rv/interp/interp.h"
#include "rv/jit/jit.h"
#include "rv/mem/mem.h"
#include "rv/system/htif.h"
#include "rv/system/machine.h"
#include "rv/system/run.h"
#include "rv/system/sbi.h"

/* Instructions the interpreter runs before the loop looks at requests again (it also stops at every
 * interrupt request). */
#define INTERP_SLICE 1000000

/* ---- requests ---- */

static void drop_stale_code(struct rv_hart *h)
{
	uint64_t pages[RV_INVALIDATE_QUEUE];
	pthread_mutex_lock(&h->inval_lock);
	unsigned n = h->n_inval;
	bool all = h->inval_overflow;
	memcpy(pages, h->inval_page, n * sizeof(pages[0]));
	h->n_inval = 0;
	h->inval_overflow = false;
	pthread_mutex_unlock(&h->inval_lock);
	if (!h->jit)
		return; /* the interpreter reads instructions afresh every time */
	if (all) {
		rv_jit_flush(h->jit);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		rv_jit_invalidate_phys(h->jit, pages[i]);
}

/* Handles what other threads asked; false when the machine is stopping. */
static bool handle_requests(struct rv_hart *h)
{
	uint64_t ticket = __atomic_load_n(&h->fence_req_seq, __ATOMIC_ACQUIRE);
	uint32_t r = __atomic_exchange_n(&h->requests, 0, __ATOMIC_ACQ_REL);
	if (r & RV_REQ_HALT)
		return false;
	if (r & RV_REQ_TLB_FLUSH)
		rv_mmu_flush_guest(h);
	if (r & (RV_REQ_INVALIDATE | RV_REQ_FENCE_I))
		drop_stale_code(h);
	if (__atomic_load_n(&h->fence_done_seq, __ATOMIC_RELAXED) != ticket) {
		struct rv_machine *m = h->machine;
		__atomic_store_n(&h->fence_done_seq, ticket, __ATOMIC_RELEASE);
		pthread_mutex_lock(&m->fence_lock);
		pthread_cond_broadcast(&m->fence_cond);
		pthread_mutex_unlock(&m->fence_lock);
	}
	return true;
}

void rv_run_remote_fence(struct rv_hart *h, uint64_t set, uint32_t req)
{
	struct rv_machine *m = h->machine;
	uint64_t ticket[RV_VIRT_MAX_HARTS] = {0};
	for (unsigned i = 0; i < m->n_harts; i++) {
		if (!(set & (1ull << i)))
			continue;
		struct rv_hart *t = &m->harts[i];
		if (t == h) {
			if (req & RV_REQ_TLB_FLUSH)
				rv_mmu_flush_guest(h);
			if (req & RV_REQ_FENCE_I)
				drop_stale_code(h);
			continue;
		}
		__atomic_fetch_or(&t->requests, req, __ATOMIC_ACQ_REL);
		ticket[i] = __atomic_add_fetch(&t->fence_req_seq, 1, __ATOMIC_ACQ_REL);
		rv_hart_kick(t);
	}
	for (unsigned i = 0; i < m->n_harts; i++) {
		if (!ticket[i])
			continue;
		struct rv_hart *t = &m->harts[i];
		while (__atomic_load_n(&t->fence_done_seq, __ATOMIC_ACQUIRE) < ticket[i]) {
			/* others may be waiting for this hart meanwhile: serve them, never wait in a cycle */
			if (!rv_machine_running(m) || !handle_requests(h))
				return;
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 1000000;
			if (ts.tv_nsec >= 1000000000l) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000l;
			}
			pthread_mutex_lock(&m->fence_lock);
			if (__atomic_load_n(&t->fence_done_seq, __ATOMIC_ACQUIRE) < ticket[i])
				pthread_cond_timedwait(&m->fence_cond, &m->fence_lock, &ts);
			pthread_mutex_unlock(&m->fence_lock);
		}
	}
}

/* Sleeps until rv_hart_kick. */
static void park(struct rv_hart *h)
{
	pthread_mutex_lock(&h->wake_lock);
	while (!__atomic_load_n(&h->cpu.interrupt_request, __ATOMIC_ACQUIRE))
		pthread_cond_wait(&h->wake, &h->wake_lock);
	pthread_mutex_unlock(&h->wake_lock);
}

/* HSM hart_start: S-mode at start_pc with a0 = hart id, a1 = the opaque argument (SBI 9.1). */
static void hsm_start(struct rv_hart *h)
{
	h->priv = RV_PRIV_S;
	h->cpu.pc = h->start_pc;
	h->cpu.x[10] = h->id;
	h->cpu.x[11] = h->start_arg;
	h->mstatus &= ~MSTATUS_SIE;
	h->satp = 0;
	h->wfi = false;
	rv_mmu_flush_guest(h);
	rv_hart_update_mode(h);
	__atomic_store_n(&h->hsm, RV_HSM_STARTED, __ATOMIC_RELEASE);
}

/* ---- exits ---- */

static void trap(struct rv_hart *h, uint64_t cause, uint64_t tval)
{
	struct rv_machine *m = h->machine;
	uint64_t faulting_pc = h->cpu.pc;
	rv_trap_enter(h, cause, tval, h->cpu.pc);
	if (m->cfg.firmware == RV_FW_BUILTIN && h->priv == RV_PRIV_M) {
		/* there is no M-mode code to handle it: say what happened and stop */
		fprintf(
		    m->cfg.log,
		    "karasu-rv: hart %u: trap to M-mode with the built-in SBI (mcause 0x%llx, mtval 0x%llx, "
		    "mepc 0x%llx): the guest cannot go on\n",
		    h->id, (unsigned long long)cause, (unsigned long long)tval, (unsigned long long)h->mepc);
		rv_machine_stop(m, RV_MACHINE_ERROR, 0);
	} else if (cause == EXC_INSN_ACCESS && h->cpu.pc == faulting_pc &&
	           (h->priv == RV_PRIV_M || (m->cfg.firmware == RV_FW_BUILTIN && h->satp == 0))) {
		/* The trap handler itself cannot be fetched (a trap vector left at 0, or pointing where there
		 * is no memory): the hart would take this fault at this address forever and never run an
		 * instruction again. Nothing can end it: the fetch is physical (M-mode, or S-mode without
		 * paging, so no page table another hart could fix), the memory map is fixed, and PMP could
		 * change only through M-mode code, which either is this hart's handler or does not exist
		 * (built-in SBI). */
		fprintf(
		    m->cfg.log,
		    "karasu-rv: hart %u: the %c-mode trap handler at 0x%llx cannot be fetched (instruction "
		    "access fault there; %ctvec = 0x%llx): the guest cannot go on\n",
		    h->id, h->priv == RV_PRIV_M ? 'M' : 'S', (unsigned long long)faulting_pc,
		    h->priv == RV_PRIV_M ? 'm' : 's',
		    (unsigned long long)(h->priv == RV_PRIV_M ? h->mtvec : h->stvec));
		rv_machine_stop(m, RV_MACHINE_ERROR, 0);
	}
}

static void exit_continue(struct rv_hart *h)
{
	(void)h;
}

static void exit_fault(struct rv_hart *h)
{
	trap(h, h->cpu.trap_cause, h->cpu.fault_addr);
}

static void exit_illegal(struct rv_hart *h)
{
	/* mtval = the instruction's bits (section 3.1.16) */
	uint32_t raw = 0;
	if (!rv_mem_fetch(&h->cpu, h->cpu.pc, &raw))
		raw = 0;
	trap(h, EXC_ILLEGAL_INSN, raw);
}

static void exit_ecall(struct rv_hart *h)
{
	if (h->machine->cfg.firmware == RV_FW_BUILTIN && h->priv == RV_PRIV_S) {
		rv_sbi_call(h);
		h->cpu.pc += 4;
		return;
	}
	static const uint64_t cause[4] = {EXC_ECALL_U, EXC_ECALL_S, EXC_ECALL_S, EXC_ECALL_M};
	trap(h, cause[h->priv & 3], 0);
}

static void exit_ebreak(struct rv_hart *h)
{
	trap(h, EXC_BREAKPOINT, h->cpu.pc);
}

static void exit_fence_i(struct rv_hart *h)
{
	drop_stale_code(h); /* pc is already past the fence.i */
}

static void (*const exit_handlers[RV_EXIT_COUNT])(struct rv_hart *) = {
    [RV_EXIT_NONE] = exit_continue,   [RV_EXIT_ECALL] = exit_ecall,    [RV_EXIT_EBREAK] = exit_ebreak,
    [RV_EXIT_ILLEGAL] = exit_illegal, [RV_EXIT_FAULT] = exit_fault,    [RV_EXIT_HALT] = exit_continue,
    [RV_EXIT_FENCE_I] = exit_fence_i, [RV_EXIT_LIMIT] = exit_continue, [RV_EXIT_INTERRUPT] = exit_continue,
    [RV_EXIT_TRAP] = exit_fault,      [RV_EXIT_STATE] = exit_continue,
};

/* ---- the loop ---- */

static enum rv_exit run_guest(struct rv_hart *h)
{
	if (h->jit)
		return rv_jit_run(h->jit, &h->cpu);
	return rv_interp_run(&h->cpu, INTERP_SLICE);
}

static void *hart_thread(void *arg)
{
	struct rv_hart *h = arg;
	for (;;) {
		__atomic_store_n(&h->cpu.interrupt_request, 0, __ATOMIC_SEQ_CST);
		if (!handle_requests(h) || !rv_machine_running(h->machine))
			break;
		/* a debugger may hold the hart, step it (no interrupt first), or check breakpoints */
		enum rv_gdb_hart_action debug = rv_gdb_system_hart_action(h);
		if (debug == RV_GDB_HART_PARK) {
			park(h);
			continue;
		}
		if (debug == RV_GDB_HART_STEP) {
			exit_handlers[rv_interp_step(&h->cpu)](h);
			continue;
		}
		int hsm = __atomic_load_n(&h->hsm, __ATOMIC_ACQUIRE);
		if (hsm == RV_HSM_START_PENDING) {
			hsm_start(h);
		} else if (hsm != RV_HSM_STARTED) {
			park(h);
			continue;
		}
		uint64_t irq = rv_trap_pending_interrupt(h);
		if (irq) {
			h->wfi = false;
			trap(h, irq, 0);
			continue;
		}
		if (h->wfi) {
			if (!rv_trap_wfi_wakeup(h)) {
				park(h);
				continue;
			}
			h->wfi = false;
		}
		enum rv_exit e = debug == RV_GDB_HART_DEBUG ? rv_gdb_system_run(h) : run_guest(h);
		exit_handlers[e](h);
	}
	return NULL;
}

int rv_run_start(struct rv_machine *m)
{
	for (unsigned i = 0; i < m->n_harts; i++) {
		struct rv_hart *h = &m->harts[i];
		if (!m->cfg.interp) {
			h->jit = rv_machine_new_jit(m, h);
			if (!h->jit)
				return -ENOMEM;
		}
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		cpu_set_t cpus;
		if (m->cfg.host_cpus) {
			/* the guest's `cpus` in karasu.cfg: where its harts' threads may run */
			CPU_ZERO(&cpus);
			for (unsigned c = 0; c < RV_HOST_CPU_WORDS * 64u && c < CPU_SETSIZE; c++)
				if (m->cfg.host_cpus[c / 64u] & (1ull << (c % 64u)))
					CPU_SET(c, &cpus);
			pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
		}
		int err = pthread_create(&h->thread, &attr, hart_thread, h);
		pthread_attr_destroy(&attr);
		if (err)
			return -err;
		h->thread_started = true;
	}
	return 0;
}

void rv_run_join(struct rv_machine *m)
{
	for (unsigned i = 0; i < m->n_harts; i++) {
		struct rv_hart *h = &m->harts[i];
		if (h->thread_started)
			pthread_join(h->thread, NULL);
		h->thread_started = false;
		if (h->jit && m->cfg.stats)
			rv_jit_print_stats(h->jit, m->cfg.log);
		if (h->jit)
			rv_jit_destroy(h->jit);
		h->jit = NULL;
	}
}
