/* Emulated GICv3 distributor registers (see vgicd.h). */
#include "hv/vdev/vgicd.h"

/* Ranges of the bit-per-INTID register families: 0x80 bytes each = 1024 INTIDs. */
#define PRIO_RANGE       0x400u /* one byte per INTID */
#define CFG_RANGE        0x100u /* two bits per INTID */
#define ROUTER_FIRST     (GICD_IROUTER + 8u * VGIC_NR_PRIVATE)
#define ROUTER_END       (GICD_IROUTER + 8u * 1020u)
#define IROUTER_WRITABLE (0xff00ffffffull | GICD_IROUTER_IRM)
#define TYPER_IDBITS     9u /* INTIDs 0..1023: 10 bits */

static bool in_range(uint64_t offset, uint32_t base, uint32_t len)
{
	return offset >= base && offset < (uint64_t)base + len;
}

static bool access_ok(uint64_t offset, unsigned size)
{
	if (offset >= VGICD_FRAME_SIZE || (size != 1 && size != 4 && size != 8) || (offset & (size - 1)))
		return false;
	if (size == 1)
		return in_range(offset, GICD_IPRIORITYR, PRIO_RANGE) ||
		       in_range(offset, GICD_ITARGETSR, PRIO_RANGE);
	if (size == 8)
		return offset >= ROUTER_FIRST && offset < ROUTER_END;
	return true;
}

static uint32_t typer(const struct vgic *vgic)
{
	uint32_t itlines = (VGIC_NR_PRIVATE + vgic->nr_spis) / 32u - 1u;
	return (itlines & GICD_TYPER_ITLINES_MASK) | ((vgic->nr_vcpus - 1u) << GICD_TYPER_CPUS_SHIFT) |
	       (TYPER_IDBITS << GICD_TYPER_IDBITS_SHIFT);
}

bool vgicd_mmio_read(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t *val)
{
	if (!access_ok(offset, size))
		return false;
	enum vgic_bit_reg reg;
	uint32_t base;
	uint64_t v = 0;
	vgic_lock(vgic);
	if (offset >= ROUTER_FIRST && offset < ROUTER_END) {
		struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, (uint32_t)((offset - GICD_IROUTER) / 8u));
		uint64_t route = irq ? irq->route : 0;
		v = (offset & 4u) ? route >> 32 : route;
		if (size == 4)
			v &= 0xffffffffu;
	} else if (vgic_dist_bit_reg(offset, &reg, &base)) {
		uint32_t first = (uint32_t)(offset - base) * 8u;
		/* INTIDs 0-31 are banked in the redistributors (ARE = 1): RAZ here. */
		if (first >= VGIC_NR_PRIVATE)
			v = vgic_bits_read_locked(vgic, vcpu, first, reg);
	} else if (in_range(offset, GICD_IPRIORITYR, PRIO_RANGE)) {
		uint32_t intid = (uint32_t)(offset - GICD_IPRIORITYR);
		if (intid >= VGIC_NR_PRIVATE)
			v = vgic_prio_read_locked(vgic, vcpu, intid, size);
	} else if (in_range(offset, GICD_ICFGR, CFG_RANGE)) {
		uint32_t first = (uint32_t)(offset - GICD_ICFGR) * 4u;
		if (first >= VGIC_NR_PRIVATE)
			v = vgic_cfg_read_locked(vgic, vcpu, first);
	} else {
		switch (offset) {
		case GICD_CTLR: v = vgic->gicd_ctlr | GICD_CTLR_ARE | GICD_CTLR_DS; break;
		case GICD_TYPER: v = typer(vgic); break;
		case GICD_IIDR: v = VGIC_IIDR; break;
		case GICD_PIDR2: v = GIC_PIDR2_ARCHREV_GICV3 << GIC_PIDR2_ARCHREV_SHIFT; break;
		default: v = 0; break; /* TYPER2, STATUSR, ITARGETSR, IGRPMODR, NSACR, IDs: RAZ */
		}
	}
	vgic_unlock(vgic);
	*val = v;
	return true;
}

bool vgicd_mmio_write(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t val)
{
	if (!access_ok(offset, size))
		return false;
	enum vgic_bit_reg reg;
	uint32_t base;
	vgic_lock(vgic);
	if (offset >= ROUTER_FIRST && offset < ROUTER_END) {
		uint32_t intid = (uint32_t)((offset - GICD_IROUTER) / 8u);
		struct vgic_irq *irq = vgic_irq_locked(vgic, vcpu, intid);
		if (irq) {
			uint64_t route = irq->route;
			if (size == 8)
				route = val;
			else if (offset & 4u)
				route = (route & 0xffffffffull) | (val << 32);
			else
				route = (route & ~0xffffffffull) | (val & 0xffffffffull);
			irq->route = route & IROUTER_WRITABLE;
			vgic_update_locked(vgic, vcpu, intid);
		}
	} else if (vgic_dist_bit_reg(offset, &reg, &base)) {
		uint32_t first = (uint32_t)(offset - base) * 8u;
		if (first >= VGIC_NR_PRIVATE)
			vgic_bits_write_locked(vgic, vcpu, first, reg, (uint32_t)val);
	} else if (in_range(offset, GICD_IPRIORITYR, PRIO_RANGE)) {
		uint32_t intid = (uint32_t)(offset - GICD_IPRIORITYR);
		if (intid >= VGIC_NR_PRIVATE)
			vgic_prio_write_locked(vgic, vcpu, intid, size, (uint32_t)val);
	} else if (in_range(offset, GICD_ICFGR, CFG_RANGE)) {
		uint32_t first = (uint32_t)(offset - GICD_ICFGR) * 4u;
		if (first >= VGIC_NR_PRIVATE)
			vgic_cfg_write_locked(vgic, vcpu, first, (uint32_t)val);
	} else if (offset == GICD_CTLR) {
		vgic->gicd_ctlr = (uint32_t)val & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
		vgic_update_all_locked(vgic);
	}
	/* Everything else is read-only or RAZ/WI. */
	vgic_unlock(vgic);
	return true;
}
