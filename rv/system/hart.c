/* A hart's life outside its run loop: reset state, the mode word translated code depends on, and how
 * other threads reach it (interrupt lines, requests, wake-ups). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "rv/interp/interp.h"
#include "rv/mem/mem.h"
#include "rv/system/hart.h"
#include "rv/system/synic.h"
#include "rv/system/machine.h"

/* A hart spinning in a PAUSE loop waits for another hart, which may be a host thread waiting for a CPU
 * (there may be more harts than host CPUs): give it the CPU. */
static void pause_hint(struct rv_cpu *cpu)
{
	(void)cpu;
	sched_yield();
}

static const struct rv_priv_ops priv_ops = {
    .csr = rv_csr_insn,
    .system = rv_trap_system_insn,
    .pause = pause_hint,
};

int rv_hart_init(struct rv_hart *h, struct rv_machine *m, unsigned id)
{
	memset(h, 0, sizeof(*h));
	h->machine = m;
	h->id = id;
	/* the TLB is large (about 100 KiB) and must not share cache lines with other harts' data */
	if (posix_memalign((void **)&h->tlb, 64, sizeof(*h->tlb)) != 0)
		return -ENOMEM;
	pthread_mutex_init(&h->tlb_lock, NULL);
	pthread_mutex_init(&h->wake_lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	pthread_mutex_init(&h->inval_lock, NULL);
	rv_synic_init(h);
	h->cpu.mem_ops = &rv_mmu_ops;
	h->cpu.priv_ops = &priv_ops;
	rv_hart_reset(h, RV_VIRT_MROM_BASE);
	return 0;
}

void rv_hart_fini(struct rv_hart *h)
{
	free(h->tlb);
	h->tlb = NULL;
	pthread_mutex_destroy(&h->tlb_lock);
	pthread_mutex_destroy(&h->wake_lock);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->inval_lock);
	pthread_mutex_destroy(&h->synic_lock);
}

void rv_hart_reset(struct rv_hart *h, uint64_t pc)
{
	/* the reset state of section 3.4: M-mode, MIE and MPRV clear, everything else defined here as
	 * zero (mtvec too: the firmware sets it) */
	memset(h->cpu.x, 0, sizeof(h->cpu.x));
	memset(h->cpu.f, 0, sizeof(h->cpu.f));
	h->cpu.fflags = 0;
	h->cpu.frm = 0;
	h->cpu.resv_valid = 0;
	h->cpu.pc = pc;
	h->cpu.interrupt_request = 0;
	h->priv = RV_PRIV_M;
	h->mstatus = 0;
	h->fs_clean = FS_INITIAL;
	h->cpu.fp_disabled = 1; /* FS = Off until the firmware turns the FPU on */
	h->cpu.fp_dirty = 0;
	h->medeleg = h->mideleg = h->mie = 0;
	h->mtvec = h->stvec = h->mepc = h->sepc = h->mcause = h->scause = 0;
	h->mtval = h->stval = h->mscratch = h->sscratch = h->satp = 0;
	h->mcounteren = h->scounteren = h->mcountinhibit = 0;
	h->menvcfg = h->senvcfg = 0;
	h->stimecmp = UINT64_MAX;
	h->mcycle_offset = h->minstret_offset = 0;
	memset(h->pmpcfg, 0, sizeof(h->pmpcfg));
	memset(h->pmpaddr, 0, sizeof(h->pmpaddr));
	h->pmp_active = false;
	__atomic_store_n(&h->mip_hw, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&h->mip_sw, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&h->requests, 0, __ATOMIC_RELAXED);
	h->wfi = false;
	h->n_inval = 0;
	h->inval_overflow = false;
	rv_mmu_flush_all(h);
	rv_hart_update_mode(h);
}

void rv_hart_update_mode(struct rv_hart *h)
{
	static const unsigned regime_of_priv[4] = {RV_REGIME_U, RV_REGIME_S, RV_REGIME_S, RV_REGIME_M};
	unsigned data_priv = h->priv;
	if (h->priv == RV_PRIV_M && (h->mstatus & MSTATUS_MPRV))
		data_priv = (unsigned)((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
	unsigned data_regime = regime_of_priv[data_priv & 3];
	if (data_regime == RV_REGIME_S && (h->mstatus & MSTATUS_SUM))
		data_regime = RV_REGIME_S_SUM;
	h->cpu.priv = (uint8_t)h->priv;
	h->cpu.itlb = &h->tlb->regime[regime_of_priv[h->priv & 3]];
	h->cpu.dtlb = &h->tlb->regime[data_regime];
	h->mode = (h->priv & RV_MODE_PRIV_MASK) | (h->cpu.fp_disabled ? RV_MODE_FP_OFF : 0) |
	          (data_regime << RV_MODE_DATA_SHIFT);
}

void rv_hart_kick(struct rv_hart *h)
{
	__atomic_store_n(&h->cpu.interrupt_request, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&h->wake_lock);
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->wake_lock);
}

void rv_hart_request(struct rv_hart *h, uint32_t req)
{
	__atomic_fetch_or(&h->requests, req, __ATOMIC_ACQ_REL);
	rv_hart_kick(h);
}

void rv_hart_set_mip_hw(struct rv_hart *h, uint64_t bits, bool level)
{
	uint64_t old = level ? __atomic_fetch_or(&h->mip_hw, bits, __ATOMIC_ACQ_REL)
	                     : __atomic_fetch_and(&h->mip_hw, ~bits, __ATOMIC_ACQ_REL);
	/* a new pending interrupt must be seen soon; a cleared one needs nothing */
	if (level && (old & bits) != bits)
		rv_hart_kick(h);
}

void rv_hart_raise_local(struct rv_hart *h, unsigned irq)
{
	uint64_t bit = 1ull << irq;
	if (!(__atomic_fetch_or(&h->mip_sw, bit, __ATOMIC_ACQ_REL) & bit))
		rv_hart_kick(h);
}

uint64_t rv_hart_mip(const struct rv_hart *h)
{
	return __atomic_load_n(&h->mip_hw, __ATOMIC_ACQUIRE) | __atomic_load_n(&h->mip_sw, __ATOMIC_ACQUIRE);
}
