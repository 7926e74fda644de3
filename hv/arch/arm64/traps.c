/* Exits from guests and exceptions in the hypervisor. Synchronous guest exits are dispatched through a
 * table indexed by ESR_EL2.EC; anything without a handler stops that guest with a message naming the guest,
 * the vCPU and the syndrome. */
#include "hv/arch/arm64/traps.h"

#include "hv/arch/arm64/frame.h"
#include "hv/arch/arm64/pmu.h"
#include "hv/arch/arm64/sysreg.h"
#include "hv/core/guest_calls.h"
#include "hv/core/irq.h"
#include "hv/core/log.h"
#include "hv/core/mmio.h"
#include "hv/core/partition.h"
#include "hv/core/ram_scrub.h"
#include "hv/core/percpu.h"
#include "hv/vdev/vgic.h"

void trap_el2_fault(struct trap_frame *f);
void trap_el2_irq(struct trap_frame *f);
void trap_lower_sync(struct trap_frame *f);
void trap_lower_irq(struct trap_frame *f);
void trap_lower_serror(struct trap_frame *f);
void trap_lower_aarch32(struct trap_frame *f);

typedef void (*exit_handler)(struct vcpu *v, struct trap_frame *f, uint64_t esr);

/* ICC_SGI1R_EL1 and friends: writes trap to EL2 whenever HCR_EL2.IMO is set. */
#define ICC_SGI1R_ID  SYSREG_ISS_ID(3, 0, 12, 11, 5)
#define ICC_ASGI1R_ID SYSREG_ISS_ID(3, 0, 12, 11, 6)
#define ICC_SGI0R_ID  SYSREG_ISS_ID(3, 0, 12, 11, 7)

void guest_fault(struct vcpu *v, struct trap_frame *f, const char *what, uint64_t esr)
{
	hv_guest_log(v, "%s (ESR_EL2 %#llx, EC %#x, PC %#llx, FAR %#llx): stopping the guest", what,
	             (unsigned long long)esr, esr_ec(esr), (unsigned long long)f->elr,
	             (unsigned long long)read_sysreg(far_el2));
	partition_stop(v->part, "guest fault");
	vcpu_stop_current();
}

void skip_instruction(struct trap_frame *f, uint64_t esr)
{
	f->elr += (esr & ESR_IL) ? 4 : 2;
}

static void handle_unknown(struct vcpu *v, struct trap_frame *f, uint64_t esr)
{
	guest_fault(v, f, "unhandled exit", esr);
}

static void handle_wfx(struct vcpu *v, struct trap_frame *f, uint64_t esr)
{
	(void)v;
	skip_instruction(f, esr);
}

static void handle_hvc(struct vcpu *v, struct trap_frame *f, uint64_t esr)
{
	/* The preferred return address of HVC is the next instruction already. */
	if ((esr & ESR_ISS_IMM16_MASK) != 0) {
		f->x[0] = (uint64_t)(int64_t)-1; /* SMCCC: unknown function */
		return;
	}
	guest_smccc_call(v, f);
}

static void handle_smc(struct vcpu *v, struct trap_frame *f, uint64_t esr)
{
	/* A trapped SMC returns to the SMC itself: step over it. */
	skip_instruction(f, esr);
	if ((esr & ESR_ISS_IMM16_MASK) != 0) {
		f->x[0] = (uint64_t)(int64_t)-1;
		return;
	}
	guest_smccc_call(v, f);
}

static void handle_sysreg(struct vcpu *v, struct trap_frame *f, uint64_t esr)
{
	uint32_t iss = (uint32_t)(esr & ESR_ISS_MASK);
	uint32_t id = iss & SYSREG_ISS_ID_MASK;
	unsigned rt = (iss >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK;
	bool read = (iss & SYSREG_ISS_DIR_READ) != 0;
	if (!read && (id == ICC_SGI1R_ID || id == ICC_ASGI1R_ID || id == ICC_SGI0R_ID)) {
		uint32_t targets = 0;
		vgic_sgi_generate(&v->part->vgic, v->index, frame_get_reg(f, rt), &targets);
		v->stats.sgis_sent++;
		skip_instruction(f, esr);
		return;
	}
	if (pmu_emulate_sysreg(iss, f)) {
		skip_instruction(f, esr);
		return;
	}
	guest_fault(v, f, read ? "read of a trapped system register" : "write to a trapped system register",
	            esr);
}

static void handle_dabt(struct vcpu *v, struct trap_frame *f, uint64_t esr)
{
	mmio_handle_abort(v, f, esr);
}

static void handle_iabt(struct vcpu *v, struct trap_frame *f, uint64_t esr)
{
	uint64_t ipa = hpfar_to_ipa_page(read_sysreg(hpfar_el2)) | (read_sysreg(far_el2) & PAGE_OFFSET_MASK);
	if (ram_scrub_fault(v->part, ipa))
		return; /* RAM mapped on first use: fetch again */
	if (guest_abort_log_allowed(v))
		hv_guest_log(
		    v,
		    "instruction fetch from IPA %#llx outside the guest's RAM (PC %#llx): external abort "
		    "injected",
		    (unsigned long long)ipa, (unsigned long long)f->elr);
	guest_inject_abort(v, f, esr, false);
}

static const exit_handler exit_handlers[EC_COUNT] = {
    [EC_WFX] = handle_wfx,       [EC_HVC64] = handle_hvc,       [EC_SMC64] = handle_smc,
    [EC_SYSREG] = handle_sysreg, [EC_DABT_LOWER] = handle_dabt, [EC_IABT_LOWER] = handle_iabt,
};

static struct vcpu *current_or_panic(struct trap_frame *f)
{
	struct vcpu *v = vcpu_current();
	if (!v)
		hv_panic("guest exit on a PE without a vCPU (ELR %#llx ESR %#llx)",
		         (unsigned long long)f->elr, (unsigned long long)read_sysreg(esr_el2));
	return v;
}

void trap_lower_sync(struct trap_frame *f)
{
	struct vcpu *v = current_or_panic(f);
	uint64_t esr = read_sysreg(esr_el2);
	unsigned ec = esr_ec(esr);
	v->stats.exits_by_ec[ec]++;
	exit_handler h = exit_handlers[ec];
	(h ? h : handle_unknown)(v, f, esr);
	vcpu_before_entry(v);
}

void trap_lower_irq(struct trap_frame *f)
{
	struct vcpu *v = current_or_panic(f);
	/* Release finished list registers first: an LR with the EOI bit keeps the (level) maintenance interrupt
	 * asserted until it is cleared, and acknowledging it before would only see it again. */
	vgic_lrq_sync(&v->lrq);
	v->stats.irq_exits++;
	irq_handle_physical();
	vcpu_before_entry(v);
}

void trap_lower_serror(struct trap_frame *f)
{
	struct vcpu *v = current_or_panic(f);
	guest_fault(v, f, "SError", read_sysreg(esr_el2));
}

void trap_lower_aarch32(struct trap_frame *f)
{
	struct vcpu *v = current_or_panic(f);
	guest_fault(v, f, "exception from AArch32 (not supported)", read_sysreg(esr_el2));
}

void trap_el2_fault(struct trap_frame *f)
{
	hv_panic("exception in the hypervisor: ESR_EL2 %#llx ELR %#llx FAR %#llx SPSR %#llx",
	         (unsigned long long)read_sysreg(esr_el2), (unsigned long long)f->elr,
	         (unsigned long long)read_sysreg(far_el2), (unsigned long long)f->spsr);
}

void trap_el2_irq(struct trap_frame *f)
{
	(void)f;
	irq_handle_physical();
}
