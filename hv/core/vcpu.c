/* vCPU life cycle on its physical PE: entering the guest for the first time, per-exit bookkeeping, stopping. */
#include "hv/core/vcpu.h"

#include "hv/arch/arm64/gic_lr.h"
#include "hv/arch/arm64/pmu.h"
#include "hv/arch/arm64/smp.h"
#include "hv/core/log.h"
#include "hv/core/partition.h"
#include "hv/core/percpu.h"
#include "hv/core/platform.h"
#include "hv/drivers/gicv3.h"
#include "lib/mem.h"

extern uint8_t hv_stacks[];
_Noreturn void run_on_stack(void (*fn)(void *), void *arg, uintptr_t sp);

/* EL2 controls while a guest runs: stage 2 on; physical IRQ/FIQ/SError to EL2 (virtual ones to the guest);
 * SMC trapped (guest PSCI over smc); EL1 is AArch64; set/way invalidates upgraded to clean+invalidate (the
 * guest must not throw away lines of memory the hypervisor shares with it). WFI is not trapped: each vCPU
 * owns its PE, so a waiting guest may as well wait in hardware. No FB/BSU upgrades either: a vCPU never moves to
 * another PE, so its local TLB and barrier operations are exactly as wide as the guest asked for. */
#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_TSC | HCR_RW)

struct vcpu *vcpu_current(void)
{
	return this_cpu()->vcpu;
}

static uintptr_t stack_top(unsigned pe)
{
	return (uintptr_t)hv_stacks + (uintptr_t)(pe + 1) * PERCPU_STACK_SIZE;
}

static void program_el2_for(struct vcpu *v)
{
	struct partition *p = v->part;
	write_sysreg(vtcr_el2, p->vtcr);
	write_sysreg(vttbr_el2, p->vttbr);
	isb();
	/* This VMID may have run an earlier instance of the guest on this PE. */
	__asm__ volatile("tlbi vmalls12e1\n\tdsb nsh\n\tic iallu\n\tdsb nsh" ::: "memory");
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vmpidr_el2, v->vmpidr);
	write_sysreg(cptr_el2, CPTR_EL2_RES1);
	write_sysreg(mdcr_el2, read_sysreg(mdcr_el2) | MDCR_TPM);
	write_sysreg(hstr_el2, 0);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(hcr_el2, HCR_GUEST);
	isb();
}

/* The EL1 state Linux's boot protocol expects: MMU and caches off; everything else it sets itself. */
static void reset_el1_state(void)
{
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(vbar_el1, 0);
	write_sysreg(tcr_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(cpacr_el1, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(contextidr_el1, 0);
	isb();
}

static void vcpu_enter_fresh(void *arg)
{
	struct vcpu *v = arg;
	struct percpu *pc = this_cpu();
	struct trap_frame *f = (struct trap_frame *)(stack_top(pc->index) - sizeof(struct trap_frame));

	pc->vcpu = v;
	v->running = true;
	v->aborts_logged = 0;
	program_el2_for(v);
	reset_el1_state();
	gic_lr_reset();
	struct vgic_lr_ops ops;
	gic_lr_ops(&ops, v);
	vgic_lrq_init(&v->lrq, &ops, gic_lr_count());
	/* SGIs/PPIs handed to this vCPU while it was off sat in the queue just emptied: the model must not keep
	 * them marked as queued (they would never be delivered again). */
	for (uint32_t intid = 0; intid < VGIC_NR_PRIVATE; intid++)
		vgic_irq_done(&v->part->vgic, v->index, intid);
	gic_vcpu_interface_enable(true);
	psci_vcpu_started(&v->part->psci, v->index);

	k_memset(f, 0, sizeof(*f));
	f->x[0] = v->start_x0;
	f->elr = v->start_entry;
	f->spsr = SPSR_EL1H_MASKED;
	vcpu_before_entry(v);
	frame_return(f);
}

_Noreturn void vcpu_run(struct vcpu *v)
{
	/* The trap frame lives at the top of this PE's stack; C runs below it, on a fresh stack. */
	run_on_stack(vcpu_enter_fresh, v, stack_top(this_cpu()->index) - sizeof(struct trap_frame));
}

void vcpu_request_start(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	struct percpu *pc = &percpu_table[v->pe];
	v->start_entry = entry;
	v->start_x0 = x0;
	__atomic_store_n(&pc->pending_vcpu, v, __ATOMIC_RELEASE);
	percpu_set_request(pc, PERCPU_REQ_START_VCPU);
	if (pc != this_cpu())
		smp_kick(v->pe);
}

_Noreturn void vcpu_stop_current(void)
{
	struct percpu *pc = this_cpu();
	struct vcpu *v = pc->vcpu;
	irq_disable();
	write_sysreg(cntv_ctl_el0, 0);
	gic_lr_reset();
	write_sysreg(hcr_el2, HCR_HOST);
	isb();
	/* A forwarded timer interrupt the guest never deactivated would stay active forever. */
	if (platform.vtimer_intid)
		gic_deactivate(platform.vtimer_intid);
	if (v)
		v->running = false;
	pc->vcpu = NULL;
	pe_idle_loop();
}

void vcpu_before_entry(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	uint32_t req = percpu_take_requests(pc);
	if (req & PERCPU_REQ_STOP_VCPU) {
		/* A restart (SYSTEM_RESET, console boot) may already have asked this PE to start the new instance:
		 * keep that request for the idle loop. */
		if (req & PERCPU_REQ_START_VCPU)
			percpu_set_request(pc, PERCPU_REQ_START_VCPU);
		vcpu_stop_current();
	}
	if (req & PERCPU_REQ_START_VCPU) {
		struct vcpu *next = __atomic_exchange_n(&pc->pending_vcpu, NULL, __ATOMIC_ACQ_REL);
		if (next)
			vcpu_run(next);
	}
	if (v->part->state != PARTITION_RUNNING)
		vcpu_stop_current();
	/* Nothing in the list registers and nothing queued: no LR to sync or fill (and UIE is already off). A push
	 * from another PE after this check comes with a kick, which brings the vCPU straight back here. */
	if (v->lrq.lr_used || __atomic_load_n(&v->lrq.count, __ATOMIC_ACQUIRE))
		vgic_lrq_flush(&v->lrq);
}
