/* vCPU life cycle on its physical PE: entering the guest for the first time, per-exit bookkeeping, stopping. */
#include "hv/core/vcpu.h"

#include <stdarg.h>

#include "hv/arch/arm64/cpu.h"
#include "hv/arch/arm64/guest_state.h"
#include "hv/arch/arm64/stack.h"
#include "hv/base/log.h"
#include "hv/base/percpu.h"
#include "hv/core/devices/irqchip.h"
#include "hv/core/partition.h"
#include "hv/core/pe.h"
#include "hv/core/platform.h"
#include "hv/drivers/gic.h"
#include "lib/fmt.h"
#include "lib/mem.h"

static const struct gic_lr_backend *lr_hw = &gic_lr_v3;

void vcpu_set_lr_backend(const struct gic_lr_backend *backend)
{
	lr_hw = backend;
}

struct vcpu *vcpu_current(void)
{
	return this_cpu()->vcpu;
}

void hv_guest_log(const struct vcpu *v, const char *fmt, ...)
{
	char prefix[KARASU_CFG_NAME_MAX + 24];
	k_snprintf(prefix, sizeof(prefix), "karasu: [%s/%u] ", v->part->name, v->index);
	va_list ap;
	va_start(ap, fmt);
	hv_vlog(prefix, fmt, ap);
	va_end(ap);
}

/* The LR queue's view of this PE's list registers (the queue is per vCPU, the registers per PE: a vCPU never
 * leaves its PE). */
static uint64_t lr_read(void *ctx, unsigned i)
{
	(void)ctx;
	return lr_hw->read_lr(i);
}

static void lr_write(void *ctx, unsigned i, uint64_t value)
{
	(void)ctx;
	lr_hw->write_lr(i, value);
}

static uint32_t lr_read_elrsr(void *ctx)
{
	(void)ctx;
	return lr_hw->read_elrsr();
}

static void lr_set_underflow_irq(void *ctx, bool enable)
{
	(void)ctx;
	lr_hw->set_underflow_irq(enable);
}

static void lr_irq_done(void *ctx, uint32_t intid)
{
	irqchip_irq_done(ctx, intid);
}

static void vcpu_enter_fresh(void *arg)
{
	struct vcpu *v = arg;
	struct percpu *pc = this_cpu();
	struct trap_frame *f = (struct trap_frame *)(pe_stack_top(pc->index) - sizeof(struct trap_frame));

	pc->vcpu = v;
	v->running = true;
	v->aborts_logged = 0;
	guest_state_enter_partition(v->part->vtcr, v->part->vttbr, v->vmpidr);
	guest_state_reset_el1();
	lr_hw->reset();
	struct vgic_lr_ops ops = {
	    .ctx = v,
	    .read_lr = lr_read,
	    .write_lr = lr_write,
	    .read_elrsr = lr_read_elrsr,
	    .set_underflow_irq = lr_set_underflow_irq,
	    .irq_done = lr_irq_done,
	};
	vgic_lrq_init(&v->lrq, &ops, lr_hw->count());
	/* SGIs/PPIs handed to this vCPU while it was off sat in the queue just emptied: the interrupt controller
	 * must not keep them marked as queued (they would never be delivered again). */
	irqchip_vcpu_started(v);
	lr_hw->interface_enable(true);
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
	run_on_stack(vcpu_enter_fresh, v, pe_stack_top(this_cpu()->index) - sizeof(struct trap_frame));
}

void vcpu_request_start(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	struct percpu *pc = &percpu_table[v->pe];
	v->start_entry = entry;
	v->start_x0 = x0;
	__atomic_store_n(&pc->pending_vcpu, v, __ATOMIC_RELEASE);
	percpu_set_request(pc, PERCPU_REQ_START_VCPU);
	if (pc != this_cpu())
		pe_kick(v->pe);
}

_Noreturn void vcpu_stop_current(void)
{
	struct percpu *pc = this_cpu();
	struct vcpu *v = pc->vcpu;
	irq_disable();
	guest_vtimer_off();
	lr_hw->reset();
	guest_state_host_mode();
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
