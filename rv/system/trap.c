/* Traps: entering a handler (delegated to S-mode or not), choosing the interrupt to take, and the
 * privileged instructions SRET, MRET, WFI and SFENCE.VMA (privileged spec sections 3.1.6.1, 3.1.9, 3.3,
 * 4.2.1). */
#include <stdio.h>

#include "rv/interp/interp.h"
#include "rv/system/hart.h"
#include "rv/system/machine.h"

static uint64_t vector_target(uint64_t tvec, uint64_t cause)
{
	uint64_t base = tvec & ~TVEC_MODE_MASK;
	if ((tvec & TVEC_MODE_MASK) == TVEC_MODE_VECTOR && (cause & CAUSE_INTERRUPT))
		return base + 4 * (cause & ~CAUSE_INTERRUPT);
	return base;
}

void rv_trap_enter(struct rv_hart *h, uint64_t cause, uint64_t tval, uint64_t epc)
{
	bool interrupt = (cause & CAUSE_INTERRUPT) != 0;
	unsigned code = (unsigned)(cause & 63);
	uint64_t deleg = interrupt ? h->mideleg : h->medeleg;
	uint64_t ms = h->mstatus;
	h->n_traps++;
	if (interrupt)
		h->n_interrupts++;
	if (h->machine->cfg.log_traps)
		fprintf(h->machine->cfg.log,
		        "karasu-rv: hart %u: %s %u at pc 0x%llx (tval 0x%llx) from %c-mode\n", h->id,
		        interrupt ? "interrupt" : "exception", code, (unsigned long long)epc,
		        (unsigned long long)tval, "USHM"[h->priv & 3]);
	if (h->priv <= RV_PRIV_S && ((deleg >> code) & 1)) {
		h->scause = cause;
		h->sepc = epc;
		h->stval = tval;
		ms = (ms & ~(MSTATUS_SPP | MSTATUS_SPIE)) | (h->priv == RV_PRIV_S ? MSTATUS_SPP : 0) |
		     ((ms & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
		ms &= ~MSTATUS_SIE;
		h->priv = RV_PRIV_S;
		h->cpu.pc = vector_target(h->stvec, cause);
	} else {
		h->mcause = cause;
		h->mepc = epc;
		h->mtval = tval;
		ms = (ms & ~(MSTATUS_MPP | MSTATUS_MPIE)) | ((uint64_t)h->priv << MSTATUS_MPP_SHIFT) |
		     ((ms & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
		ms &= ~MSTATUS_MIE;
		h->priv = RV_PRIV_M;
		h->cpu.pc = vector_target(h->mtvec, cause);
	}
	h->mstatus = ms;
	rv_hart_update_mode(h);
}

/* Interrupt priority among those pending at once (section 3.1.9): MEI, MSI, MTI, SEI, SSI, STI. */
static const unsigned irq_priority[] = {IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER,
                                        IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER};

uint64_t rv_trap_pending_interrupt(const struct rv_hart *h)
{
	uint64_t pending = rv_hart_mip(h) & h->mie;
	if (!pending)
		return 0;
	/* M-level interrupts (not delegated) are taken in M-mode if MIE, and always below M */
	bool m_enabled = h->priv < RV_PRIV_M || (h->mstatus & MSTATUS_MIE);
	/* delegated ones are taken in S-mode if SIE, always in U, never in M */
	bool s_enabled = h->priv < RV_PRIV_S || (h->priv == RV_PRIV_S && (h->mstatus & MSTATUS_SIE));
	uint64_t m_pending = m_enabled ? pending & ~h->mideleg : 0;
	uint64_t s_pending = s_enabled ? pending & h->mideleg : 0;
	/* an interrupt for M-mode always outranks one for S-mode */
	uint64_t take = m_pending ? m_pending : s_pending;
	for (unsigned i = 0; i < sizeof(irq_priority) / sizeof(irq_priority[0]); i++)
		if (take & (1ull << irq_priority[i]))
			return CAUSE_INTERRUPT | irq_priority[i];
	uint64_t local = take & MIP_LOCAL_MASK;
	if (local)
		return CAUSE_INTERRUPT | (63u - (unsigned)__builtin_clzll(local));
	return 0;
}

bool rv_trap_wfi_wakeup(const struct rv_hart *h)
{
	return (rv_hart_mip(h) & h->mie) != 0;
}

static enum rv_exit do_mret(struct rv_hart *h)
{
	if (h->priv != RV_PRIV_M)
		return RV_EXIT_ILLEGAL;
	uint64_t ms = h->mstatus;
	unsigned mpp = (unsigned)((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
	ms = (ms & ~MSTATUS_MIE) | ((ms & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
	ms |= MSTATUS_MPIE;
	ms &= ~MSTATUS_MPP; /* MPP = U, the least-privileged mode */
	if (mpp != RV_PRIV_M)
		ms &= ~MSTATUS_MPRV;
	h->mstatus = ms;
	h->priv = mpp;
	h->cpu.pc = h->mepc;
	return RV_EXIT_STATE;
}

static enum rv_exit do_sret(struct rv_hart *h)
{
	if (h->priv < RV_PRIV_S || (h->priv == RV_PRIV_S && (h->mstatus & MSTATUS_TSR)))
		return RV_EXIT_ILLEGAL;
	uint64_t ms = h->mstatus;
	unsigned spp = (ms & MSTATUS_SPP) ? RV_PRIV_S : RV_PRIV_U;
	ms = (ms & ~MSTATUS_SIE) | ((ms & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
	ms |= MSTATUS_SPIE;
	ms &= ~(MSTATUS_SPP | MSTATUS_MPRV); /* SPP = U; xPP != M clears MPRV */
	h->mstatus = ms;
	h->priv = spp;
	h->cpu.pc = h->sepc;
	return RV_EXIT_STATE;
}

enum rv_exit rv_trap_system_insn(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc)
{
	struct rv_hart *h = rv_hart_of(cpu);
	enum rv_exit e;
	switch (in->op) {
	case RV_OP_MRET:
	case RV_OP_SRET:
		e = in->op == RV_OP_MRET ? do_mret(h) : do_sret(h);
		if (e == RV_EXIT_STATE) {
			/* xRET may clear a reservation (section 3.3.2); doing so makes an SC after a trap
			 * return fail, as on Spike */
			cpu->resv_valid = 0;
			rv_hart_update_mode(h);
		}
		return e;
	case RV_OP_WFI:
		/* U-mode, and S-mode with TW, may not wait (the time limit is zero) */
		if (h->priv == RV_PRIV_U || (h->priv == RV_PRIV_S && (h->mstatus & MSTATUS_TW)))
			return RV_EXIT_ILLEGAL;
		h->wfi = true;
		h->n_wfi++;
		cpu->pc = pc + in->len;
		return RV_EXIT_STATE;
	case RV_OP_SFENCE_VMA:
		if (h->priv == RV_PRIV_U || (h->priv == RV_PRIV_S && (h->mstatus & MSTATUS_TVM)))
			return RV_EXIT_ILLEGAL;
		if (in->rs1 == 0)
			rv_mmu_flush_guest(h);
		else
			rv_mmu_flush_page(h, cpu->x[in->rs1]);
		cpu->pc = pc + in->len;
		return RV_EXIT_STATE;
	default: return RV_EXIT_ILLEGAL;
	}
}
