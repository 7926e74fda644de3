/* Emulated GICv3 redistributor registers (see vgicr.h). */
#include "hv/vdev/vgicr.h"

#include "hv/vdev/vgicd.h"

#define PRIO0_RANGE 0x20u /* IPRIORITYR0-7: 32 bytes */

static bool locate(const struct vgic *vgic, uint64_t offset, unsigned size, unsigned *cpu, uint32_t *reg,
                   bool *sgi_frame)
{
	if (size != 1 && size != 4 && size != 8)
		return false;
	if (offset & (size - 1))
		return false;
	uint64_t index = offset / VGICR_STRIDE;
	if (index >= vgic->nr_vcpus)
		return false;
	uint32_t off = (uint32_t)(offset % VGICR_STRIDE);
	*cpu = (unsigned)index;
	*sgi_frame = off >= VGICR_SGI_BASE;
	*reg = *sgi_frame ? off - VGICR_SGI_BASE : off;
	bool prio = *sgi_frame && *reg >= GICR_IPRIORITYR0 && *reg < GICR_IPRIORITYR0 + PRIO0_RANGE;
	if (size == 1)
		return prio;
	if (size == 8)
		return !*sgi_frame &&
		       (*reg == GICR_TYPER || *reg == GICR_PROPBASER || *reg == GICR_PENDBASER);
	return true;
}

static uint64_t typer(const struct vgic *vgic, unsigned cpu)
{
	const uint64_t mpidr = vgic->cpus[cpu].mpidr;
	/* Affinity_Value is Aff3.Aff2.Aff1.Aff0 packed into [63:32]. */
	uint64_t aff = ((mpidr >> 32) & 0xffu) << 24 | (mpidr & 0xffffffu);
	uint64_t v = aff << GICR_TYPER_AFF_SHIFT | (uint64_t)cpu << GICR_TYPER_PROCNUM_SHIFT;
	if (cpu + 1 == vgic->nr_vcpus)
		v |= GICR_TYPER_LAST;
	return v;
}

static bool sgi_bit_reg(uint32_t reg, enum vgic_bit_reg *out)
{
	switch (reg) {
	case GICR_IGROUPR0: *out = VGIC_BITS_GROUP; return true;
	case GICR_ISENABLER0: *out = VGIC_BITS_SET_ENABLE; return true;
	case GICR_ICENABLER0: *out = VGIC_BITS_CLEAR_ENABLE; return true;
	case GICR_ISPENDR0: *out = VGIC_BITS_SET_PENDING; return true;
	case GICR_ICPENDR0: *out = VGIC_BITS_CLEAR_PENDING; return true;
	case GICR_ISACTIVER0: *out = VGIC_BITS_SET_ACTIVE; return true;
	case GICR_ICACTIVER0: *out = VGIC_BITS_CLEAR_ACTIVE; return true;
	default: return false;
	}
}

bool vgicr_mmio_read(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t *val)
{
	(void)vcpu;
	unsigned cpu;
	uint32_t reg;
	bool sgi;
	if (!locate(vgic, offset, size, &cpu, &reg, &sgi))
		return false;
	uint64_t v = 0;
	enum vgic_bit_reg bits;
	vgic_lock(vgic);
	if (!sgi) {
		switch (reg) {
		case GICR_IIDR: v = VGIC_IIDR; break;
		case GICR_TYPER: v = typer(vgic, cpu); break;
		case GICR_TYPER + 4: v = typer(vgic, cpu) >> 32; break;
		case GICR_WAKER:
			v = vgic->cpus[cpu].asleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP
			                           : 0;
			break;
		case GICR_PIDR2: v = GIC_PIDR2_ARCHREV_GICV3 << GIC_PIDR2_ARCHREV_SHIFT; break;
		default: v = 0; break; /* CTLR (no LPIs), STATUSR, PROPBASER, PENDBASER, IDs */
		}
	} else if (sgi_bit_reg(reg, &bits)) {
		v = vgic_bits_read_locked(vgic, cpu, 0, bits);
	} else if (reg >= GICR_IPRIORITYR0 && reg < GICR_IPRIORITYR0 + PRIO0_RANGE) {
		v = vgic_prio_read_locked(vgic, cpu, reg - GICR_IPRIORITYR0, size);
	} else if (reg == GICR_ICFGR0 || reg == GICR_ICFGR1) {
		v = vgic_cfg_read_locked(vgic, cpu, reg == GICR_ICFGR0 ? 0 : 16);
	}
	vgic_unlock(vgic);
	*val = size == 8 ? v : v & ((1ull << (8 * size)) - 1u);
	return true;
}

bool vgicr_mmio_write(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t val)
{
	(void)vcpu;
	unsigned cpu;
	uint32_t reg;
	bool sgi;
	if (!locate(vgic, offset, size, &cpu, &reg, &sgi))
		return false;
	enum vgic_bit_reg bits;
	vgic_lock(vgic);
	if (!sgi) {
		if (reg == GICR_WAKER) {
			bool sleep = (val & GICR_WAKER_PROCESSOR_SLEEP) != 0;
			if (vgic->cpus[cpu].asleep != sleep) {
				vgic->cpus[cpu].asleep = sleep;
				vgic_update_all_locked(vgic); /* IRM=1 routing may pick this vCPU now */
			}
		}
		/* CTLR, PROPBASER, PENDBASER: WI (no LPIs); the rest is read-only. */
	} else if (sgi_bit_reg(reg, &bits)) {
		vgic_bits_write_locked(vgic, cpu, 0, bits, (uint32_t)val);
	} else if (reg >= GICR_IPRIORITYR0 && reg < GICR_IPRIORITYR0 + PRIO0_RANGE) {
		vgic_prio_write_locked(vgic, cpu, reg - GICR_IPRIORITYR0, size, (uint32_t)val);
	} else if (reg == GICR_ICFGR1) {
		vgic_cfg_write_locked(vgic, cpu, 16, (uint32_t)val);
	}
	vgic_unlock(vgic);
	return true;
}
