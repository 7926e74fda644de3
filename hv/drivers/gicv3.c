/* GICv3 (IHI 0069) driver for EL2. Single security state (GICD_CTLR.DS = 1) as QEMU's virt machine gives
 * without EL3; with two security states the firmware has already set Group 1 non-secure up and the same
 * writes still work from the non-secure side. */
#include "hv/drivers/gic.h"

#include <stddef.h>

#include "hv/arch/arm64/sysreg.h"

#define GICD_CTLR               0x0000u
#define GICD_TYPER              0x0004u
#define GICD_IGROUPR            0x0080u
#define GICD_ISENABLER          0x0100u
#define GICD_ICENABLER          0x0180u
#define GICD_ICPENDR            0x0280u
#define GICD_IPRIORITYR         0x0400u
#define GICD_ICFGR              0x0c00u
#define GICD_IROUTER            0x6000u
#define GICD_CTLR_GRP1NS        (1u << 1)
#define GICD_CTLR_ARE_NS        (1u << 4)
#define GICD_CTLR_RWP           (1u << 31)
#define GICD_TYPER_ITLINES_MASK 0x1fu

#define GICR_STRIDE          0x20000u
#define GICR_SGI_OFFSET      0x10000u
#define GICR_TYPER           0x0008u
#define GICR_WAKER           0x0014u
#define GICR_TYPER_LAST      (1ull << 4)
#define GICR_TYPER_AFF_SHIFT 32u
#define GICR_WAKER_PSLEEP    (1u << 1)
#define GICR_WAKER_CASLEEP   (1u << 2)
#define GICR_IGROUPR0        0x0080u
#define GICR_ISENABLER0      0x0100u
#define GICR_ICENABLER0      0x0180u
#define GICR_IPRIORITYR0     0x0400u
#define GICR_ICFGR1          0x0c04u

#define HV_IRQ_PRIORITY       0xa0u
#define ICC_PMR_ALLOW_ALL     0xffu
#define ICC_SGI1R_INTID_SHIFT 24u
#define ICC_SGI1R_AFF1_SHIFT  16u
#define ICC_SGI1R_AFF2_SHIFT  32u
#define ICC_SGI1R_AFF3_SHIFT  48u
#define ICC_SGI1R_RS_SHIFT    44u /* range selector: Aff0 / 16 */
#define SPI_BASE              32u
#define ALL_32_INTIDS         0xffffffffu /* one bit per INTID in a 32-bit enable/pending/group register */
#define PRIORITY_BYTES(p)     ((uint32_t)(p)*0x01010101u) /* the same priority in all four bytes */
#define ICC_IAR_INTID_MASK    0xffffffu
#define MPIDR_AFF3_SHIFT      32u
#define MPIDR_AFF0_2_MASK     0xffffffu

static uintptr_t gicd, gicr_region;
static uint64_t gicr_region_size;
static unsigned nr_irqs;

/* Each PE's own redistributor (RD_base), found by affinity. Indexed through TPIDR-free lookup: the caller
 * passes its MPIDR to gic_init_cpu and we remember the frame in a small table keyed by Aff0..Aff3. */
#define GIC_MAX_PES 64u
static struct {
	uint64_t aff;
	uintptr_t rd;
} pe_rd[GIC_MAX_PES];
static unsigned pe_count;

static inline uint32_t rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}
static inline void wr32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}
static inline uint64_t rd64(uintptr_t a)
{
	return *(volatile uint64_t *)a;
}
static inline void wr64(uintptr_t a, uint64_t v)
{
	*(volatile uint64_t *)a = v;
}

static void gicd_wait_rwp(void)
{
	for (unsigned i = 0; i < 1000000 && (rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP); i++) {
	}
}

static uint64_t mpidr_to_aff(uint64_t mpidr)
{
	/* GICR_TYPER / IROUTER affinity layout: Aff3 [31:24] (IROUTER [39:32]), Aff2..Aff0 [23:0]. */
	return ((mpidr >> MPIDR_AFF3_SHIFT) & 0xffu) << 24 | (mpidr & MPIDR_AFF0_2_MASK);
}

static bool gicv3_init_distributor(uint64_t gicd_base, uint64_t gicr_base, uint64_t gicr_size)
{
	gicd = (uintptr_t)gicd_base;
	gicr_region = (uintptr_t)gicr_base;
	gicr_region_size = gicr_size;
	wr32(gicd + GICD_CTLR, 0);
	gicd_wait_rwp();
	nr_irqs = 32u * ((rd32(gicd + GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1u);
	if (nr_irqs > 1020)
		nr_irqs = 1020;
	for (unsigned i = SPI_BASE; i < nr_irqs; i += 32) {
		wr32(gicd + GICD_ICENABLER + i / 8, ALL_32_INTIDS);
		wr32(gicd + GICD_ICPENDR + i / 8, ALL_32_INTIDS);
		wr32(gicd + GICD_IGROUPR + i / 8, ALL_32_INTIDS);
	}
	for (unsigned i = SPI_BASE; i < nr_irqs; i += 4)
		wr32(gicd + GICD_IPRIORITYR + i, PRIORITY_BYTES(HV_IRQ_PRIORITY));
	wr32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS);
	gicd_wait_rwp();
	wr32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_GRP1NS);
	gicd_wait_rwp();
	return true;
}

static uintptr_t find_rd(uint64_t mpidr)
{
	uint64_t aff = mpidr_to_aff(mpidr);
	for (uintptr_t rd = gicr_region; rd + GICR_STRIDE <= gicr_region + gicr_region_size;
	     rd += GICR_STRIDE) {
		uint64_t typer = rd64(rd + GICR_TYPER);
		if ((typer >> GICR_TYPER_AFF_SHIFT) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

static uintptr_t this_rd(void)
{
	uint64_t aff = mpidr_to_aff(read_sysreg(mpidr_el1));
	for (unsigned i = 0; i < pe_count; i++)
		if (pe_rd[i].aff == aff)
			return pe_rd[i].rd;
	return 0;
}

static bool gicv3_init_cpu(uint64_t mpidr)
{
	uintptr_t rd = find_rd(mpidr);
	if (!rd)
		return false;
	unsigned slot = __atomic_fetch_add(&pe_count, 1, __ATOMIC_SEQ_CST);
	if (slot >= GIC_MAX_PES)
		return false;
	pe_rd[slot].aff = mpidr_to_aff(mpidr);
	pe_rd[slot].rd = rd;

	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
	for (unsigned i = 0; i < 1000000 && (rd32(rd + GICR_WAKER) & GICR_WAKER_CASLEEP); i++) {
	}
	uintptr_t sgi = rd + GICR_SGI_OFFSET;
	wr32(sgi + GICR_ICENABLER0, ALL_32_INTIDS);
	wr32(sgi + GICR_IGROUPR0, ALL_32_INTIDS);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(sgi + GICR_IPRIORITYR0 + i, PRIORITY_BYTES(HV_IRQ_PRIORITY));

	write_sysreg(icc_sre_el2, ICC_SRE_EL2_SRE | ICC_SRE_EL2_DFB | ICC_SRE_EL2_DIB | ICC_SRE_EL2_ENABLE);
	isb();
	write_sysreg(icc_pmr_el1, ICC_PMR_ALLOW_ALL);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, ICC_CTLR_EOIMODE);
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
	return true;
}

static void gicv3_enable_private(uint32_t intid, bool edge)
{
	uintptr_t rd = this_rd();
	if (!rd || intid >= 32)
		return;
	uintptr_t sgi = rd + GICR_SGI_OFFSET;
	if (intid >= 16) {
		uint32_t cfg = rd32(sgi + GICR_ICFGR1);
		unsigned shift = 2 * (intid - 16) + 1;
		cfg = edge ? (cfg | (1u << shift)) : (cfg & ~(1u << shift));
		wr32(sgi + GICR_ICFGR1, cfg);
	}
	wr32(sgi + GICR_ISENABLER0, 1u << intid);
}

static void gicv3_disable_private(uint32_t intid)
{
	uintptr_t rd = this_rd();
	if (!rd || intid >= 32)
		return;
	wr32(rd + GICR_SGI_OFFSET + GICR_ICENABLER0, 1u << intid);
}

static void gicv3_enable_spi(uint32_t intid, uint64_t target_mpidr, bool edge)
{
	if (intid < SPI_BASE || intid >= nr_irqs)
		return;
	uint64_t route =
	    ((target_mpidr >> MPIDR_AFF3_SHIFT) & 0xffu) << 32 | (target_mpidr & MPIDR_AFF0_2_MASK);
	wr64(gicd + GICD_IROUTER + 8u * intid, route);
	uintptr_t cfg_reg = gicd + GICD_ICFGR + (intid / 16) * 4;
	unsigned shift = 2 * (intid % 16) + 1;
	uint32_t cfg = rd32(cfg_reg);
	cfg = edge ? (cfg | (1u << shift)) : (cfg & ~(1u << shift));
	wr32(cfg_reg, cfg);
	wr32(gicd + GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

static uint32_t gicv3_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(icc_iar1_el1) & ICC_IAR_INTID_MASK;
	__asm__ volatile("dsb sy" ::: "memory");
	return intid;
}

static void gicv3_eoi(uint32_t intid)
{
	write_sysreg(icc_eoir1_el1, intid);
	isb();
}

static void gicv3_deactivate(uint32_t intid)
{
	write_sysreg(icc_dir_el1, intid);
	isb();
}

static void gicv3_send_sgi(uint64_t mpidr, unsigned sgi)
{
	uint64_t aff0 = mpidr & 0xfu;
	uint64_t v = (1ull << aff0) | (((mpidr & 0xffu) >> 4) << ICC_SGI1R_RS_SHIFT) |
	             ((uint64_t)sgi << ICC_SGI1R_INTID_SHIFT) |
	             (((mpidr >> 8) & 0xffu) << ICC_SGI1R_AFF1_SHIFT) |
	             (((mpidr >> 16) & 0xffu) << ICC_SGI1R_AFF2_SHIFT) |
	             (((mpidr >> 32) & 0xffu) << ICC_SGI1R_AFF3_SHIFT);
	dsb_ishst();
	write_sysreg(icc_sgi1r_el1, v);
	isb();
}

const struct gic_ops gicv3_ops = {
    .name = "GICv3",
    .init_distributor = gicv3_init_distributor,
    .init_cpu = gicv3_init_cpu,
    .enable_private = gicv3_enable_private,
    .disable_private = gicv3_disable_private,
    .enable_spi = gicv3_enable_spi,
    .ack = gicv3_ack,
    .eoi = gicv3_eoi,
    .deactivate = gicv3_deactivate,
    .send_sgi = gicv3_send_sgi,
};
