/* Shared virtual GICv3 state and the delivery decision (see vgic.h). */
#if defined(__aarch64__)
/* Inline LL/SC sequences: the hypervisor links without libgcc's out-of-line atomics. */
#pragma GCC target("no-outline-atomics")
#endif

#include "hv/vdev/vgic.h"

#include "hv/vdev/vgicd.h"
#include "lib/mem.h"

void vgic_lock(struct vgic *vgic)
{
	spin_lock(&vgic->lock);
}

void vgic_unlock(struct vgic *vgic)
{
	spin_unlock(&vgic->lock);
	if (vgic->hooks.unlocked)
		vgic->hooks.unlocked(vgic->hooks.ctx);
}

bool vgic_init(struct vgic *vgic, unsigned nr_vcpus, const uint64_t *mpidrs, unsigned nr_spis,
               const struct vgic_hooks *hooks)
{
	if (!vgic || !hooks || !hooks->deliver || nr_vcpus == 0 || nr_vcpus > VGIC_MAX_VCPUS)
		return false;
	k_memset(vgic, 0, sizeof(*vgic));
	spinlock_init(&vgic->lock, LOCK_CLASS_VGIC);
	vgic->hooks = *hooks;
	vgic->nr_vcpus = nr_vcpus;
	nr_spis = (nr_spis + 31u) & ~31u;
	vgic->nr_spis = nr_spis > VGIC_MAX_SPIS ? VGIC_MAX_SPIS : nr_spis;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct vgic_cpu *cpu = &vgic->cpus[i];
		cpu->mpidr = (mpidrs ? mpidrs[i] : i) & VGIC_MPIDR_AFF_MASK;
		cpu->asleep = true;
		for (unsigned n = 0; n < VGIC_NR_SGIS; n++)
			cpu->private_irqs[n].flags = VGIC_IRQ_EDGE;
	}
	for (unsigned n = 0; n < vgic->nr_spis; n++)
		vgic->spis[n].route = vgic->cpus[0].mpidr;
	return true;
}

bool vgic_init_v2(struct vgic *vgic, unsigned nr_vcpus, unsigned nr_spis, const struct vgic_hooks *hooks)
{
	if (!vgic_init(vgic, nr_vcpus, NULL, nr_spis, hooks))
		return false;
	vgic->v2 = true;
	for (unsigned i = 0; i < nr_vcpus; i++)
		vgic->cpus[i].asleep = false;
	for (unsigned n = 0; n < vgic->nr_spis; n++)
		vgic->spis[n].route = 0;
	return true;
}

struct vgic_irq *vgic_irq_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < vgic->nr_vcpus ? &vgic->cpus[vcpu].private_irqs[intid] : NULL;
	if (intid - VGIC_NR_PRIVATE < vgic->nr_spis)
		return &vgic->spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

bool vgic_irq_is_level_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid)
{
	const struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
	return irq && !(irq->flags & VGIC_IRQ_EDGE);
}

int vgic_vcpu_by_mpidr(const struct vgic *vgic, uint64_t mpidr)
{
	mpidr &= VGIC_MPIDR_AFF_MASK;
	for (unsigned i = 0; i < vgic->nr_vcpus; i++)
		if (vgic->cpus[i].mpidr == mpidr)
			return (int)i;
	return -1;
}

/* The IROUTER value's affinity in MPIDR layout: IROUTER keeps Aff3 at [39:32] like MPIDR, IRM at 31. */
/* The existing vCPUs as a GICv2 target-list mask. */
static uint32_t vcpu_mask(const struct vgic *vgic)
{
	return (1u << vgic->nr_vcpus) - 1u;
}

static int route_target(const struct vgic *vgic, uint64_t route)
{
	if (vgic->v2) {
		uint32_t targets = (uint32_t)route & vcpu_mask(vgic);
		return targets ? __builtin_ctz(targets) : -1;
	}
	if (route & GICD_IROUTER_IRM) {
		for (unsigned i = 0; i < vgic->nr_vcpus; i++)
			if (!vgic->cpus[i].asleep)
				return (int)i;
		return 0;
	}
	return vgic_vcpu_by_mpidr(vgic, route);
}

/* Pending: the latch, or a level-sensitive input line that is high. */
static bool flags_pending(uint8_t flags)
{
	return (flags & VGIC_IRQ_PENDING) || (!(flags & VGIC_IRQ_EDGE) && (flags & VGIC_IRQ_LINE));
}

static bool irq_pending(const struct vgic_irq *irq)
{
	return flags_pending(irq->flags);
}

void vgic_update_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid)
{
	struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
	if (!irq || (irq->flags & VGIC_IRQ_QUEUED) || !(irq->flags & VGIC_IRQ_ENABLED) || !irq_pending(irq))
		return;
	if (intid < VGIC_NR_PRIVATE &&
	    (__atomic_load_n(&vgic->cpus[vcpu].fast_inflight, __ATOMIC_ACQUIRE) & (1u << intid)))
		return; /* in flight by the fast path: like queued */
	bool group1 = (irq->flags & VGIC_IRQ_GROUP1) != 0;
	uint32_t group_enable = group1 ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;
	if (!(vgic->gicd_ctlr & group_enable))
		return;
	int target = intid < VGIC_NR_PRIVATE ? (int)vcpu : route_target(vgic, irq->route);
	if (target < 0)
		return;
	irq->flags |= VGIC_IRQ_QUEUED;
	irq->flags &= (uint8_t)~VGIC_IRQ_PENDING;
	vgic->hooks.deliver(vgic->hooks.ctx, (unsigned)target, intid, irq->priority, group1);
}

void vgic_update_all_locked(struct vgic *vgic)
{
	for (unsigned v = 0; v < vgic->nr_vcpus; v++)
		for (uint32_t intid = 0; intid < VGIC_NR_PRIVATE; intid++)
			vgic_update_locked(vgic, v, intid);
	for (uint32_t n = 0; n < vgic->nr_spis; n++)
		vgic_update_locked(vgic, 0, VGIC_NR_PRIVATE + n);
}

bool vgic_inject(struct vgic *vgic, unsigned vcpu, uint32_t intid)
{
	vgic_lock(vgic);
	struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
	if (irq) {
		irq->flags |= VGIC_IRQ_PENDING;
		vgic_update_locked(vgic, vcpu, intid);
	}
	vgic_unlock(vgic);
	return irq != NULL;
}

bool vgic_set_level(struct vgic *vgic, unsigned vcpu, uint32_t intid, bool level)
{
	vgic_lock(vgic);
	struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
	if (irq) {
		if (level) {
			irq->flags |= VGIC_IRQ_LINE;
			/* An edge-configured input counts a rising edge. */
			if (irq->flags & VGIC_IRQ_EDGE)
				irq->flags |= VGIC_IRQ_PENDING;
			vgic_update_locked(vgic, vcpu, intid);
		} else {
			irq->flags &= (uint8_t)~VGIC_IRQ_LINE;
		}
	}
	vgic_unlock(vgic);
	return irq != NULL;
}

void vgic_inject_private_fast(struct vgic *vgic, unsigned vcpu, uint32_t intid)
{
	if (intid >= VGIC_NR_PRIVATE || vcpu >= vgic->nr_vcpus) {
		vgic_inject(vgic, vcpu, intid);
		return;
	}
	const struct vgic_irq *irq = &vgic->cpus[vcpu].private_irqs[intid];
	uint8_t flags = __atomic_load_n(&irq->flags, __ATOMIC_ACQUIRE);
	bool group1 = (flags & VGIC_IRQ_GROUP1) != 0;
	uint32_t group_enable = group1 ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;
	if (!(flags & VGIC_IRQ_ENABLED) || (flags & (VGIC_IRQ_QUEUED | VGIC_IRQ_PENDING)) ||
	    !(__atomic_load_n(&vgic->gicd_ctlr, __ATOMIC_RELAXED) & group_enable)) {
		vgic_inject(vgic, vcpu, intid); /* the model decides, and keeps it pending if it must */
		return;
	}
	/* Claim the interrupt: if it is already in flight by this path (a second edge before the guest finished
	 * the first), the model latches the edge and delivers it again at the completion, as for a queued one. */
	if (__atomic_fetch_or(&vgic->cpus[vcpu].fast_inflight, 1u << intid, __ATOMIC_ACQ_REL) &
	    (1u << intid)) {
		vgic_inject(vgic, vcpu, intid);
		return;
	}
	vgic->hooks.deliver(vgic->hooks.ctx, vcpu, intid, __atomic_load_n(&irq->priority, __ATOMIC_RELAXED),
	                    group1);
	if (vgic->hooks.unlocked)
		vgic->hooks.unlocked(vgic->hooks.ctx);
}

void vgic_irq_done(struct vgic *vgic, unsigned vcpu, uint32_t intid)
{
	/* A private interrupt the model has neither queued nor latched needs no lock: that is the fast path's
	 * completion (its in-flight bit is cleared here), unless the guest latched it meanwhile. Queued is set
	 * under the lock before an interrupt reaches the LR queue, whose lock this PE took since, so the
	 * unlocked read sees it; a latch set by another PE right now is that PE's to deliver. */
	if (intid < VGIC_NR_PRIVATE && vcpu < vgic->nr_vcpus) {
		struct vgic_cpu *cpu = &vgic->cpus[vcpu];
		__atomic_fetch_and(&cpu->fast_inflight, ~(1u << intid), __ATOMIC_ACQ_REL);
		uint8_t flags = __atomic_load_n(&cpu->private_irqs[intid].flags, __ATOMIC_ACQUIRE);
		if (!(flags & VGIC_IRQ_QUEUED) && !flags_pending(flags))
			return;
	}
	vgic_lock(vgic);
	struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
	if (irq) {
		irq->flags &= (uint8_t)~VGIC_IRQ_QUEUED;
		vgic_update_locked(vgic, vcpu, intid);
	}
	vgic_unlock(vgic);
}

/* The distributor's bit-per-INTID register families sit at the same offsets in GICv2 and GICv3. */
#define DIST_BITS_RANGE 0x80u /* one bit per INTID: 1024 INTIDs */

bool vgic_dist_bit_reg(uint64_t offset, enum vgic_bit_reg *reg, uint32_t *base)
{
	static const struct {
		uint32_t base;
		enum vgic_bit_reg reg;
	} map[] = {
	    {GICD_IGROUPR, VGIC_BITS_GROUP},          {GICD_ISENABLER, VGIC_BITS_SET_ENABLE},
	    {GICD_ICENABLER, VGIC_BITS_CLEAR_ENABLE}, {GICD_ISPENDR, VGIC_BITS_SET_PENDING},
	    {GICD_ICPENDR, VGIC_BITS_CLEAR_PENDING},  {GICD_ISACTIVER, VGIC_BITS_SET_ACTIVE},
	    {GICD_ICACTIVER, VGIC_BITS_CLEAR_ACTIVE},
	};
	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (offset >= map[i].base && offset < (uint64_t)map[i].base + DIST_BITS_RANGE) {
			*reg = map[i].reg;
			*base = map[i].base;
			return true;
		}
	}
	return false;
}

/* ICC_SGI1R_EL1 fields (GICv3 spec 12.2.22). */
#define SGI1R_TARGETS_MASK 0xffffull
#define SGI1R_AFF1_SHIFT   16u
#define SGI1R_INTID_SHIFT  24u
#define SGI1R_INTID_MASK   0xfull
#define SGI1R_AFF2_SHIFT   32u
#define SGI1R_IRM          (1ull << 40)
#define SGI1R_RS_SHIFT     44u
#define SGI1R_RS_MASK      0xfull
#define SGI1R_AFF3_SHIFT   48u
#define AFF_MASK           0xffull

static void send_sgi_locked(struct vgic *vgic, uint32_t intid, uint32_t mask)
{
	for (unsigned i = 0; i < vgic->nr_vcpus; i++) {
		if (mask & (1u << i)) {
			vgic->cpus[i].private_irqs[intid].flags |= VGIC_IRQ_PENDING;
			vgic_update_locked(vgic, i, intid);
		}
	}
}

void vgic_sgi_generate(struct vgic *vgic, unsigned source, uint64_t sgi1r, uint32_t *targets)
{
	uint32_t intid = (uint32_t)((sgi1r >> SGI1R_INTID_SHIFT) & SGI1R_INTID_MASK);
	uint32_t mask = 0;
	vgic_lock(vgic);
	if (sgi1r & SGI1R_IRM) {
		for (unsigned i = 0; i < vgic->nr_vcpus; i++)
			if (i != source)
				mask |= 1u << i;
	} else {
		uint64_t aff321 = (((sgi1r >> SGI1R_AFF3_SHIFT) & AFF_MASK) << 32) |
		                  (((sgi1r >> SGI1R_AFF2_SHIFT) & AFF_MASK) << 16) |
		                  (((sgi1r >> SGI1R_AFF1_SHIFT) & AFF_MASK) << 8);
		unsigned rs = (unsigned)((sgi1r >> SGI1R_RS_SHIFT) & SGI1R_RS_MASK);
		for (unsigned bit = 0; bit < 16; bit++) {
			if (!(sgi1r & (1ull << bit)))
				continue;
			int v = vgic_vcpu_by_mpidr(vgic, aff321 | (rs * 16u + bit));
			if (v >= 0)
				mask |= 1u << v;
		}
	}
	send_sgi_locked(vgic, intid, mask);
	vgic_unlock(vgic);
	if (targets)
		*targets = mask;
}

void vgic_sgi_send(struct vgic *vgic, unsigned source, uint32_t intid, uint32_t targets)
{
	(void)source; /* not tracked: see vgic_lr_queue.h (a virtual SGI carries no source CPU) */
	if (intid >= VGIC_NR_SGIS)
		return;
	vgic_lock(vgic);
	send_sgi_locked(vgic, intid, targets & vcpu_mask(vgic));
	vgic_unlock(vgic);
}

int vgic_spi_target(struct vgic *vgic, uint32_t intid)
{
	vgic_lock(vgic);
	struct vgic_irq *irq = intid >= VGIC_NR_PRIVATE ? vgic_irq_locked(vgic, 0, intid) : NULL;
	int target = irq ? route_target(vgic, irq->route) : -1;
	vgic_unlock(vgic);
	return target;
}

bool vgic_irq_state(struct vgic *vgic, unsigned vcpu, uint32_t intid, uint8_t *flags, uint8_t *priority)
{
	vgic_lock(vgic);
	struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
	if (irq) {
		if (flags)
			*flags = irq->flags;
		if (priority)
			*priority = irq->priority;
	}
	vgic_unlock(vgic);
	return irq != NULL;
}

uint32_t vgic_bits_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t first_intid, enum vgic_bit_reg reg)
{
	uint32_t value = 0;
	for (uint32_t i = 0; i < 32; i++) {
		const struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, first_intid + i);
		if (!irq)
			continue;
		bool bit = false;
		switch (reg) {
		case VGIC_BITS_GROUP: bit = irq->flags & VGIC_IRQ_GROUP1; break;
		case VGIC_BITS_SET_ENABLE:
		case VGIC_BITS_CLEAR_ENABLE: bit = irq->flags & VGIC_IRQ_ENABLED; break;
		case VGIC_BITS_SET_PENDING:
		case VGIC_BITS_CLEAR_PENDING: bit = irq_pending(irq) || (irq->flags & VGIC_IRQ_QUEUED); break;
		case VGIC_BITS_SET_ACTIVE:
		case VGIC_BITS_CLEAR_ACTIVE: bit = irq->flags & VGIC_IRQ_ACTIVE; break;
		}
		if (bit)
			value |= 1u << i;
	}
	return value;
}

void vgic_bits_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t first_intid, enum vgic_bit_reg reg,
                            uint32_t value)
{
	for (uint32_t i = 0; i < 32; i++) {
		uint32_t intid = first_intid + i;
		struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
		bool bit = (value >> i) & 1u;
		if (!irq)
			continue;
		if (reg == VGIC_BITS_GROUP) {
			if (bit)
				irq->flags |= VGIC_IRQ_GROUP1;
			else
				irq->flags &= (uint8_t)~VGIC_IRQ_GROUP1;
			vgic_update_locked(vgic, vcpu, intid);
			continue;
		}
		if (!bit)
			continue;
		switch (reg) {
		case VGIC_BITS_SET_ENABLE: irq->flags |= VGIC_IRQ_ENABLED; break;
		case VGIC_BITS_CLEAR_ENABLE: irq->flags &= (uint8_t)~VGIC_IRQ_ENABLED; break;
		case VGIC_BITS_SET_PENDING: irq->flags |= VGIC_IRQ_PENDING; break;
		case VGIC_BITS_CLEAR_PENDING: irq->flags &= (uint8_t)~VGIC_IRQ_PENDING; break;
		case VGIC_BITS_SET_ACTIVE: irq->flags |= VGIC_IRQ_ACTIVE; break;
		case VGIC_BITS_CLEAR_ACTIVE: irq->flags &= (uint8_t)~VGIC_IRQ_ACTIVE; break;
		case VGIC_BITS_GROUP: break;
		}
		vgic_update_locked(vgic, vcpu, intid);
	}
}

uint32_t vgic_cfg_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t first_intid)
{
	uint32_t value = 0;
	for (uint32_t i = 0; i < 16; i++) {
		const struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, first_intid + i);
		if (irq && (irq->flags & VGIC_IRQ_EDGE))
			value |= 2u << (2 * i);
	}
	return value;
}

void vgic_cfg_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t first_intid, uint32_t value)
{
	for (uint32_t i = 0; i < 16; i++) {
		uint32_t intid = first_intid + i;
		struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
		if (!irq || intid < VGIC_NR_SGIS)
			continue;
		if (value & (2u << (2 * i)))
			irq->flags |= VGIC_IRQ_EDGE;
		else
			irq->flags &= (uint8_t)~VGIC_IRQ_EDGE;
		vgic_update_locked(vgic, vcpu, intid);
	}
}

uint32_t vgic_prio_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid, unsigned size)
{
	uint32_t value = 0;
	for (unsigned i = 0; i < size; i++) {
		const struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid + i);
		if (irq)
			value |= (uint32_t)irq->priority << (8 * i);
	}
	return value;
}

void vgic_prio_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid, unsigned size, uint32_t value)
{
	for (unsigned i = 0; i < size; i++) {
		struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid + i);
		if (irq)
			irq->priority = (uint8_t)(value >> (8 * i));
	}
}

uint32_t vgic_targets_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid, unsigned size)
{
	uint32_t value = 0;
	for (unsigned i = 0; i < size; i++) {
		uint32_t id = intid + i;
		const struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, id);
		uint32_t byte = 0;
		if (irq)
			byte = id < VGIC_NR_PRIVATE ? (1u << vcpu) : ((uint32_t)irq->route & vcpu_mask(vgic));
		value |= (byte & 0xffu) << (8 * i);
	}
	return value;
}

void vgic_targets_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid, unsigned size,
                               uint32_t value)
{
	for (unsigned i = 0; i < size; i++) {
		uint32_t id = intid + i;
		struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, id);
		if (!irq || id < VGIC_NR_PRIVATE)
			continue;
		irq->route = (value >> (8 * i)) & 0xffu;
		vgic_update_locked(vgic, vcpu, id);
	}
}
