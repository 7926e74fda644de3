/* What karasu does with each kind of guest exit. Anything without a handler stops that guest with a message
 * naming the guest, the vCPU and the syndrome. */
#include "hv/core/exits.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/arch/arm64/guest_abort.h"
#include "hv/arch/arm64/traps.h"
#include "hv/base/log.h"
#include "hv/core/guest_abort.h"
#include "hv/core/guest_calls.h"
#include "hv/core/irq.h"
#include "hv/core/partition.h"
#include "hv/core/sysreg_trap.h"

#define SMCCC_UNKNOWN_FUNCTION ((uint64_t)(int64_t)-1)

typedef void (*exit_handler)(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e);

void guest_fault(struct vcpu *v, struct trap_frame *f, const char *what, uint64_t esr)
{
	hv_guest_log(v, "%s (ESR_EL2 %#llx, EC %#x, PC %#llx, FAR %#llx): stopping the guest", what,
	             (unsigned long long)esr, esr_ec(esr), (unsigned long long)f->elr,
	             (unsigned long long)guest_fault_va());
	partition_stop(v->part, "guest fault");
	vcpu_stop_current();
}

static void handle_unknown(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	guest_fault(v, f, "unhandled exit", e->esr);
}

/* WFI/WFE do not trap (HCR_EL2.TWI/TWE are clear: a vCPU owns its PE and may sleep in hardware); should a
 * platform trap them anyway, the guest just goes on. */
static void handle_wfx(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	(void)v;
	guest_skip_instruction(f, e->esr);
}

static void handle_hvc(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	/* The preferred return address of HVC is the next instruction already. */
	if (e->imm != 0) {
		f->x[0] = SMCCC_UNKNOWN_FUNCTION;
		return;
	}
	guest_smccc_call(v, f);
}

static void handle_smc(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	/* A trapped SMC returns to the SMC itself: step over it. */
	guest_skip_instruction(f, e->esr);
	if (e->imm != 0) {
		f->x[0] = SMCCC_UNKNOWN_FUNCTION;
		return;
	}
	guest_smccc_call(v, f);
}

static void handle_sysreg(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	const struct sysreg_access *a = &e->sysreg;
	uint64_t val = a->read ? 0 : frame_get_reg(f, a->rt);
	if (sysreg_trap_dispatch(v, a->id, a->read, &val) == SYSREG_HANDLED) {
		if (a->read)
			frame_set_reg(f, a->rt, val);
		guest_skip_instruction(f, e->esr);
		return;
	}
	guest_fault(v, f,
	            a->read ? "read of a trapped system register" : "write to a trapped system register",
	            e->esr);
}

static void handle_data_abort(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	guest_abort_data(v, f, e->esr, &e->abort);
}

static void handle_insn_abort(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	guest_abort_insn(v, f, e->esr, &e->abort);
}

static void handle_serror(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	guest_fault(v, f, "SError", e->esr);
}

static void handle_aarch32(struct vcpu *v, struct trap_frame *f, const struct guest_exit *e)
{
	guest_fault(v, f, "exception from AArch32 (not supported)", e->esr);
}

static const exit_handler exit_table[GUEST_EXIT_KINDS] = {
    [GUEST_EXIT_UNKNOWN] = handle_unknown,
    [GUEST_EXIT_WFX] = handle_wfx,
    [GUEST_EXIT_HVC] = handle_hvc,
    [GUEST_EXIT_SMC] = handle_smc,
    [GUEST_EXIT_SYSREG] = handle_sysreg,
    [GUEST_EXIT_DATA_ABORT] = handle_data_abort,
    [GUEST_EXIT_INSN_ABORT] = handle_insn_abort,
    [GUEST_EXIT_SERROR] = handle_serror,
    [GUEST_EXIT_AARCH32] = handle_aarch32,
};

static struct vcpu *current_or_panic(struct trap_frame *f)
{
	struct vcpu *v = vcpu_current();
	if (!v)
		hv_panic("guest exit on a PE without a vCPU (ELR %#llx ESR %#llx)",
		         (unsigned long long)f->elr, (unsigned long long)traps_current_syndrome());
	return v;
}

static enum vcpu_el2_time time_class(enum guest_exit_kind kind)
{
	switch (kind) {
	case GUEST_EXIT_DATA_ABORT: return EL2_TIME_DABT;
	case GUEST_EXIT_SYSREG: return EL2_TIME_SYSREG;
	case GUEST_EXIT_HVC:
	case GUEST_EXIT_SMC: return EL2_TIME_CALL;
	default: return EL2_TIME_OTHER;
	}
}

/* Two counter reads per exit measure what each kind of exit costs the guest (the stats line, bench-hv). An exit
 * that does not return to the guest (it stopped) is not counted. */
static void on_guest_exit(struct trap_frame *f, const struct guest_exit *e)
{
	uint64_t t0 = cpu_counter();
	struct vcpu *v = current_or_panic(f);
	if (e->synchronous)
		v->stats.exits_by_ec[e->ec]++;
	exit_handler h = e->kind < GUEST_EXIT_KINDS ? exit_table[e->kind] : NULL;
	(h ? h : handle_unknown)(v, f, e);
	vcpu_before_entry(v);
	v->stats.el2_ticks[time_class(e->kind)] += cpu_counter() - t0;
}

static void on_guest_irq(struct trap_frame *f)
{
	uint64_t t0 = cpu_counter();
	struct vcpu *v = current_or_panic(f);
	/* Release finished list registers first: an LR with the EOI bit keeps the (level) maintenance interrupt
	 * asserted until it is cleared, and acknowledging it before would only see it again. */
	vgic_lrq_sync(&v->lrq);
	v->stats.irq_exits++;
	irq_handle_physical();
	vcpu_before_entry(v);
	v->stats.el2_ticks[EL2_TIME_IRQ] += cpu_counter() - t0;
}

static const struct trap_handlers handlers = {
    .guest_exit = on_guest_exit,
    .guest_irq = on_guest_irq,
    .hyp_irq = irq_handle_physical,
};

void exits_init(void)
{
	traps_set_handlers(&handlers);
}
