/* Emulated GICv2 distributor registers (see vgicd_v2.h). */
#include "hv/vdev/vgicd_v2.h"

#include "hv/vdev/vgicd.h"

/* Ranges of the register families. */
#define BYTES_RANGE   0x400u /* one byte per INTID (IPRIORITYR, ITARGETSR) */
#define CFG_RANGE     0x100u /* two bits per INTID */
#define SGI_BYTES     0x10u  /* CPENDSGIR/SPENDSGIR: one byte per SGI */
#define SGI_BITS_MASK 0xffffu
#define SGI_SOURCE_0  0x01u /* the source bit a pending SGI shows (sources are not tracked) */

static bool in_range(uint64_t offset, uint32_t base, uint32_t len)
{
	return offset >= base && offset < (uint64_t)base + len;
}

static bool byte_access_allowed(uint64_t offset)
{
	return in_range(offset, VGICD2_IPRIORITYR, BYTES_RANGE) ||
	       in_range(offset, VGICD2_ITARGETSR, BYTES_RANGE) ||
	       in_range(offset, VGICD2_CPENDSGIR, SGI_BYTES) || in_range(offset, VGICD2_SPENDSGIR, SGI_BYTES);
}

static bool access_ok(uint64_t offset, unsigned size)
{
	if (offset >= VGICD2_FRAME_SIZE || (size != 1 && size != 4) || (offset & (size - 1)))
		return false;
	return size == 4 || byte_access_allowed(offset);
}

static uint32_t typer(const struct vgic *vgic)
{
	uint32_t itlines = (VGIC_NR_PRIVATE + vgic->nr_spis) / 32u - 1u;
	return (itlines & VGICD2_TYPER_ITLINES_MASK) | ((vgic->nr_vcpus - 1u) << VGICD2_TYPER_CPUS_SHIFT);
}

/* SPENDSGIR/CPENDSGIR: the bytes of `size` SGIs from sgi, as seen by vcpu. */
static uint32_t sgi_pending_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t sgi, unsigned size)
{
	uint32_t pending = vgic_bits_read_locked(vgic, vcpu, 0, VGIC_BITS_SET_PENDING);
	uint32_t value = 0;
	for (unsigned i = 0; i < size; i++)
		if (pending & (1u << (sgi + i)))
			value |= SGI_SOURCE_0 << (8 * i);
	return value;
}

static void sgi_pending_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t sgi, unsigned size,
                                     uint32_t value, bool set)
{
	uint32_t bits = 0;
	for (unsigned i = 0; i < size; i++)
		if ((value >> (8 * i)) & 0xffu)
			bits |= 1u << (sgi + i);
	if (bits)
		vgic_bits_write_locked(vgic, vcpu, 0, set ? VGIC_BITS_SET_PENDING : VGIC_BITS_CLEAR_PENDING,
		                       bits);
}

/* GICD_SGIR: the target vCPUs of a write by source. */
static uint32_t sgir_targets(const struct vgic *vgic, unsigned source, uint32_t sgir)
{
	uint32_t all = (1u << vgic->nr_vcpus) - 1u;
	switch ((sgir >> VGICD2_SGIR_FILTER_SHIFT) & VGICD2_SGIR_FILTER_MASK) {
	case VGICD2_SGIR_FILTER_LIST:
		return ((sgir >> VGICD2_SGIR_TARGETS_SHIFT) & VGICD2_SGIR_TARGETS_MASK) & all;
	case VGICD2_SGIR_FILTER_OTHERS: return all & ~(1u << source);
	case VGICD2_SGIR_FILTER_SELF: return 1u << source;
	default: return 0; /* reserved: no SGI */
	}
}

bool vgicd_v2_mmio_read(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t *val)
{
	if (!access_ok(offset, size) || vcpu >= vgic->nr_vcpus)
		return false;
	enum vgic_bit_reg reg;
	uint32_t base;
	uint32_t v = 0;
	vgic_lock(vgic);
	if (vgic_dist_bit_reg(offset, &reg, &base)) {
		v = vgic_bits_read_locked(vgic, vcpu, (uint32_t)(offset - base) * 8u, reg);
	} else if (in_range(offset, VGICD2_IPRIORITYR, BYTES_RANGE)) {
		v = vgic_prio_read_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_IPRIORITYR), size);
	} else if (in_range(offset, VGICD2_ITARGETSR, BYTES_RANGE)) {
		v = vgic_targets_read_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_ITARGETSR), size);
	} else if (in_range(offset, VGICD2_ICFGR, CFG_RANGE)) {
		v = vgic_cfg_read_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_ICFGR) * 4u);
	} else if (in_range(offset, VGICD2_CPENDSGIR, SGI_BYTES)) {
		v = sgi_pending_read_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_CPENDSGIR), size);
	} else if (in_range(offset, VGICD2_SPENDSGIR, SGI_BYTES)) {
		v = sgi_pending_read_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_SPENDSGIR), size);
	} else {
		switch (offset) {
		case VGICD2_CTLR: v = vgic->gicd_ctlr; break;
		case VGICD2_TYPER: v = typer(vgic); break;
		case VGICD2_IIDR: v = VGIC_IIDR; break;
		case VGICD2_ICPIDR2: v = VGICD2_ICPIDR2_ARCHREV_GICV2 << VGICD2_ICPIDR2_ARCHREV_SHIFT; break;
		default: v = 0; break; /* NSACR, SGIR (write-only), reserved, implementation defined, IDs */
		}
	}
	vgic_unlock(vgic);
	*val = v;
	return true;
}

bool vgicd_v2_mmio_write(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t val)
{
	if (!access_ok(offset, size) || vcpu >= vgic->nr_vcpus)
		return false;
	uint32_t v = (uint32_t)val;
	if (offset == VGICD2_SGIR) {
		/* Its own lock: SGI delivery is the model's. */
		vgic_sgi_send(vgic, vcpu, v & VGICD2_SGIR_INTID_MASK, sgir_targets(vgic, vcpu, v));
		return true;
	}
	enum vgic_bit_reg reg;
	uint32_t base;
	vgic_lock(vgic);
	if (vgic_dist_bit_reg(offset, &reg, &base)) {
		uint32_t first = (uint32_t)(offset - base) * 8u;
		/* SGIs become pending or stop being so through SGIR/SPENDSGIR/CPENDSGIR only. */
		if (first == 0 && (reg == VGIC_BITS_SET_PENDING || reg == VGIC_BITS_CLEAR_PENDING))
			v &= ~(uint32_t)SGI_BITS_MASK;
		vgic_bits_write_locked(vgic, vcpu, first, reg, v);
	} else if (in_range(offset, VGICD2_IPRIORITYR, BYTES_RANGE)) {
		vgic_prio_write_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_IPRIORITYR), size, v);
	} else if (in_range(offset, VGICD2_ITARGETSR, BYTES_RANGE)) {
		vgic_targets_write_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_ITARGETSR), size, v);
	} else if (in_range(offset, VGICD2_ICFGR, CFG_RANGE)) {
		vgic_cfg_write_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_ICFGR) * 4u, v);
	} else if (in_range(offset, VGICD2_CPENDSGIR, SGI_BYTES)) {
		sgi_pending_write_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_CPENDSGIR), size, v, false);
	} else if (in_range(offset, VGICD2_SPENDSGIR, SGI_BYTES)) {
		sgi_pending_write_locked(vgic, vcpu, (uint32_t)(offset - VGICD2_SPENDSGIR), size, v, true);
	} else if (offset == VGICD2_CTLR) {
		vgic->gicd_ctlr = v & (VGICD2_CTLR_ENABLE_GRP0 | VGICD2_CTLR_ENABLE_GRP1);
		vgic_update_all_locked(vgic);
	}
	/* Everything else is read-only or RAZ/WI. */
	vgic_unlock(vgic);
	return true;
}
