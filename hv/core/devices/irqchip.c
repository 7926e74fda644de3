/* The partition's interrupt controller (irqchip.h). */
#include "hv/core/devices/irqchip.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/base/percpu.h"
#include "hv/core/irq.h"
#include "hv/core/partition.h"
#include "hv/core/pe.h"
#include "hv/core/platform.h"
#include "hv/core/sysreg_trap.h"
#include "hv/drivers/gic.h"

/* ICC_SGI1R_EL1 and friends: writes trap to EL2 whenever HCR_EL2.IMO is set. */
#define ICC_SGI1R_ID  SYSREG_ISS_ID(3, 0, 12, 11, 5)
#define ICC_ASGI1R_ID SYSREG_ISS_ID(3, 0, 12, 11, 6)
#define ICC_SGI0R_ID  SYSREG_ISS_ID(3, 0, 12, 11, 7)

struct irqchip {
	struct partition *p;
	struct vgic vgic;
	uint32_t kicks; /* PEs to kick once the vgic lock is released (atomic bit mask) */
};

static struct irqchip chips[PARTITION_MAX];

static struct irqchip *chip_of(struct partition *p)
{
	return &chips[p->id];
}

struct vgic *irqchip_vgic(struct partition *p)
{
	return &chip_of(p)->vgic;
}

static void deliver(void *ctx, unsigned vcpu, uint32_t intid, uint8_t priority, bool group1)
{
	struct irqchip *c = ctx;
	struct partition *p = c->p;
	if (vcpu >= p->nvcpus)
		return;
	/* The virtual timer is linked to the physical one (HW = 1): its next firing brings the vCPU back. Anything
	 * else asks for an EOI maintenance interrupt, so the vCPU exits when the guest finishes it and the model
	 * can deliver what arrived meanwhile (a second SGI while the first is in its LR would otherwise wait for
	 * the vCPU's next exit, which for an idle tickless guest can be seconds away). */
	bool hw = intid == platform.vtimer_intid;
	struct vgic_lrq_irq irq = {
	    .intid = intid,
	    .priority = priority,
	    .group1 = group1,
	    .hw = hw,
	    .eoi_notify = !hw,
	    .pintid = hw ? (uint16_t)intid : 0,
	};
	/* The vgic lock is held: the kick another PE needs waits for kick_pending (a kick is a GIC register
	 * write, and on QEMU every such write takes the emulator's global lock: holding the vgic lock meanwhile
	 * made the other vCPUs spin on it whenever that lock was busy). */
	struct vcpu *v = &p->vcpus[vcpu];
	vgic_lrq_push(&v->lrq, &irq);
	if (v->pe != this_cpu()->index)
		__atomic_fetch_or(&c->kicks, 1u << v->pe, __ATOMIC_RELEASE);
}

static void kick_pending(void *ctx)
{
	struct irqchip *c = ctx;
	uint32_t pes = __atomic_exchange_n(&c->kicks, 0u, __ATOMIC_ACQ_REL);
	while (pes) {
		unsigned pe = (unsigned)__builtin_ctz(pes);
		pes &= pes - 1u;
		pe_kick(pe);
	}
}

static void reset(void *ctx)
{
	struct irqchip *c = ctx;
	struct partition *p = c->p;
	uint64_t mpidrs[PARTITION_MAX_VCPUS];
	for (unsigned i = 0; i < p->nvcpus; i++)
		mpidrs[i] = p->vcpus[i].vmpidr & VGIC_MPIDR_AFF_MASK;
	struct vgic_hooks vh = {.ctx = c, .deliver = deliver, .unlocked = kick_pending};
	/* A GICv2 guest's CPU interface numbers are the vCPU indexes (its target lists name vCPUs by them). */
	if (platform.gic_version == 2)
		vgic_init_v2(&c->vgic, p->nvcpus, GUEST_SPIS, &vh);
	else
		vgic_init(&c->vgic, p->nvcpus, mpidrs, GUEST_SPIS, &vh);
}

static const struct device_ops irqchip_ops = {.reset = reset};

bool irqchip_attach(struct partition *p)
{
	struct irqchip *c = chip_of(p);
	c->p = p;
	c->kicks = 0;
	reset(c);
	return partition_add_device(p, "vGIC", &irqchip_ops, c);
}

void partition_irq_set_level(struct partition *p, uint32_t intid, bool level)
{
	vgic_set_level(irqchip_vgic(p), 0, intid, level);
}

void partition_irq_raise(struct partition *p, unsigned vcpu, uint32_t intid)
{
	vgic_inject(irqchip_vgic(p), vcpu, intid);
}

void irqchip_vcpu_started(struct vcpu *v)
{
	for (uint32_t intid = 0; intid < VGIC_NR_PRIVATE; intid++)
		vgic_irq_done(irqchip_vgic(v->part), v->index, intid);
}

void irqchip_irq_done(struct vcpu *v, uint32_t intid)
{
	vgic_irq_done(irqchip_vgic(v->part), v->index, intid);
}

/* ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1 (writes only: reads of them are not defined). */
static enum sysreg_result sgi_register(struct vcpu *v, uint32_t id, bool read, uint64_t *val)
{
	(void)id;
	if (read)
		return SYSREG_UNHANDLED;
	uint32_t targets = 0;
	vgic_sgi_generate(irqchip_vgic(v->part), v->index, *val, &targets);
	v->stats.sgis_sent++;
	return SYSREG_HANDLED;
}

/* The EL1 virtual timer fired while the guest ran: hand it to the guest with HW = 1, so the guest's
 * deactivation of the virtual interrupt deactivates the physical one (only the priority is dropped here). */
static void forward_vtimer(void *ctx, uint32_t intid)
{
	(void)ctx;
	gic_eoi(intid);
	struct vcpu *v = vcpu_current();
	if (!v) {
		/* No guest here (it stopped): silence the timer and finish the interrupt ourselves. */
		guest_vtimer_mask();
		gic_deactivate(intid);
		return;
	}
	v->stats.timer_irqs++;
	vgic_inject_private_fast(irqchip_vgic(v->part), v->index, intid);
}

/* A GIC maintenance interrupt (LR underflow, or the EOI of a HW = 0 interrupt): the list registers are synced
 * and refilled before the next guest entry. */
static void maintenance(void *ctx, uint32_t intid)
{
	(void)ctx;
	(void)intid;
	struct vcpu *v = vcpu_current();
	if (v)
		v->stats.maintenance++;
}

void irqchip_init(void)
{
	if (platform.vtimer_intid)
		irq_register(platform.vtimer_intid, forward_vtimer, 0, IRQ_COMPLETE_BY_HANDLER,
		             "guest virtual timer");
	if (platform.maint_intid)
		irq_register(platform.maint_intid, maintenance, 0, IRQ_COMPLETE_FIRST, "GIC maintenance");
	/* A GICv2 guest sends SGIs through GICD_SGIR (the distributor model); it has no ICC_* registers. */
	if (platform.gic_version != 3)
		return;
	sysreg_trap_register(ICC_SGI1R_ID, SYSREG_ISS_ID_MASK, sgi_register, "ICC_SGI1R_EL1");
	sysreg_trap_register(ICC_ASGI1R_ID, SYSREG_ISS_ID_MASK, sgi_register, "ICC_ASGI1R_EL1");
	sysreg_trap_register(ICC_SGI0R_ID, SYSREG_ISS_ID_MASK, sgi_register, "ICC_SGI0R_EL1");
}
