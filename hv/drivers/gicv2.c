/* GICv2 (IHI 0048B) driver for EL2: the distributor (GICD) and this PE's CPU interface (GICC), both memory
 * mapped; each PE sees its own banked copy of GICC and of the distributor's registers for INTIDs 0-31.
 *
 * Interrupt group: the hypervisor runs at EL2, which is always Non-secure. On a GIC with the Security
 * Extensions (a board whose firmware left every interrupt in Group 1, as the Raspberry Pi 4's armstub does)
 * the Non-secure view of GICD_CTLR and GICC_CTLR has EnableGrp1 at bit 0 and EOImodeNS at bit 9, and the
 * group registers read as zero and ignore writes. On a GIC without them (QEMU's virt with secure=off) there is
 * one view; Group 0 is then what GICC_IAR acknowledges (with AckCtl = 0 a Group 1 interrupt would read as
 * 1022), its enable is bit 0 and EOImode bit 9. So karasu puts everything in Group 0 where it can and writes
 * bit 0 and bit 9 in both cases: the same register values mean "our group on, split EOI" in either layout.
 * Group 0 is signalled as IRQ as long as GICC_CTLR.FIQEn stays 0.
 *
 * SGIs: GICC_IAR reports the sending CPU in bits [12:10], and GICC_EOIR/GICC_DIR must be written with that
 * same value, so the last IAR of each SGI is kept per PE. CPU interface numbers (the bits of ITARGETSR and of
 * GICD_SGIR's target list) are not MPIDRs: each PE learns its own from the banked GICD_ITARGETSR0. */
#include "hv/drivers/gic.h"

#include "hv/base/limits.h"
#include "hv/base/percpu.h"

#define GICD_CTLR                0x0000u
#define GICD_TYPER               0x0004u
#define GICD_IGROUPR             0x0080u
#define GICD_ISENABLER           0x0100u
#define GICD_ICENABLER           0x0180u
#define GICD_ICPENDR             0x0280u
#define GICD_ICACTIVER           0x0380u
#define GICD_IPRIORITYR          0x0400u
#define GICD_ITARGETSR           0x0800u
#define GICD_ICFGR               0x0c00u
#define GICD_SGIR                0x0f00u
#define GICD_CTLR_ENABLE         (1u << 0) /* EnableGrp0 (no Security Extensions) / EnableGrp1 (Non-secure view) */
#define GICD_TYPER_ITLINES_MASK  0x1fu
#define GICD_TYPER_SECURITY_EXTN (1u << 10)
#define GICD_SGIR_TARGETS_SHIFT  16u /* CPUTargetList [23:16]; TargetListFilter [25:24] = 0: use the list */
#define GICD_SGIR_INTID_MASK     0xfu

#define GICC_CTLR           0x0000u
#define GICC_PMR            0x0004u
#define GICC_BPR            0x0008u
#define GICC_IAR            0x000cu
#define GICC_EOIR           0x0010u
#define GICC_DIR            0x1000u
#define GICC_CTLR_ENABLE    (1u << 0) /* EnableGrp0 (no Security Extensions) / EnableGrp1 (Non-secure view) */
#define GICC_CTLR_EOIMODE   (1u << 9) /* EOImodeS (no Security Extensions) / EOImodeNS (Non-secure view) */
#define GICC_IAR_INTID_MASK 0x3ffu
#define GICC_PMR_ALLOW_ALL  0xffu

#define HV_IRQ_PRIORITY   0xa0u
#define SPI_BASE          32u
#define NR_SGIS           16u
#define MAX_INTIDS        1020u
#define ALL_32_INTIDS     0xffffffffu
#define PRIORITY_BYTES(p) ((uint32_t)(p)*0x01010101u)
#define CFG_EDGE_BIT(i)   (2u << (2u * ((i) % 16u))) /* Int_config[1] of INTID i in its ICFGR word */

static uintptr_t gicd, gicc;
static unsigned nr_irqs;

/* Per PE (percpu index): its affinity, its CPU interface bit, and the raw IAR of each SGI it has taken. */
static struct {
	uint64_t mpidr;
	uint8_t cpu_mask;
	bool known;
	uint32_t sgi_iar[NR_SGIS];
} pes[HV_MAX_CPUS];

static inline uint32_t rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}
static inline void wr32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}
static inline uint8_t rd8(uintptr_t a)
{
	return *(volatile uint8_t *)a;
}
static inline void wr8(uintptr_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}
static inline void dsb(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

static bool security_extensions(void)
{
	return (rd32(gicd + GICD_TYPER) & GICD_TYPER_SECURITY_EXTN) != 0;
}

static bool gicv2_init_distributor(uint64_t dist_base, uint64_t cpu_base, uint64_t cpu_size)
{
	(void)cpu_size;
	gicd = (uintptr_t)dist_base;
	gicc = (uintptr_t)cpu_base;
	wr32(gicd + GICD_CTLR, 0);
	nr_irqs = 32u * ((rd32(gicd + GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1u);
	if (nr_irqs > MAX_INTIDS)
		nr_irqs = MAX_INTIDS;
	bool secure_ext = security_extensions();
	for (unsigned i = SPI_BASE; i < nr_irqs; i += 32) {
		wr32(gicd + GICD_ICENABLER + i / 8, ALL_32_INTIDS);
		wr32(gicd + GICD_ICPENDR + i / 8, ALL_32_INTIDS);
		wr32(gicd + GICD_ICACTIVER + i / 8, ALL_32_INTIDS);
		if (!secure_ext)
			wr32(gicd + GICD_IGROUPR + i / 8, 0); /* Group 0 (see the top of the file) */
	}
	for (unsigned i = SPI_BASE; i < nr_irqs; i += 4)
		wr32(gicd + GICD_IPRIORITYR + i, PRIORITY_BYTES(HV_IRQ_PRIORITY));
	wr32(gicd + GICD_CTLR, GICD_CTLR_ENABLE);
	return true;
}

static unsigned this_pe(void)
{
	return percpu_index();
}

static int pe_by_mpidr(uint64_t mpidr)
{
	for (unsigned i = 0; i < HV_MAX_CPUS; i++)
		if (__atomic_load_n(&pes[i].known, __ATOMIC_ACQUIRE) && pes[i].mpidr == mpidr)
			return (int)i;
	return -1;
}

static bool gicv2_init_cpu(uint64_t mpidr)
{
	unsigned pe = this_pe();
	/* GICD_ITARGETSR0-7 are banked: any byte reads as this CPU interface's own bit. */
	uint8_t mask = 0;
	for (unsigned i = 0; i < 32 && !mask; i++)
		mask = rd8(gicd + GICD_ITARGETSR + i);
	if (!mask)
		return false;
	pes[pe].mpidr = mpidr;
	pes[pe].cpu_mask = mask;
	__atomic_store_n(&pes[pe].known, true, __ATOMIC_RELEASE);

	wr32(gicd + GICD_ICENABLER, ALL_32_INTIDS);
	wr32(gicd + GICD_ICPENDR, ALL_32_INTIDS);
	wr32(gicd + GICD_ICACTIVER, ALL_32_INTIDS);
	if (!security_extensions())
		wr32(gicd + GICD_IGROUPR, 0);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(gicd + GICD_IPRIORITYR + i, PRIORITY_BYTES(HV_IRQ_PRIORITY));
	wr32(gicc + GICC_PMR, GICC_PMR_ALLOW_ALL);
	wr32(gicc + GICC_BPR, 0);
	wr32(gicc + GICC_CTLR, GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
	dsb();
	return true;
}

static void set_edge(uint32_t intid, bool edge)
{
	uintptr_t reg = gicd + GICD_ICFGR + (intid / 16) * 4;
	uint32_t cfg = rd32(reg);
	cfg = edge ? (cfg | CFG_EDGE_BIT(intid)) : (cfg & ~CFG_EDGE_BIT(intid));
	wr32(reg, cfg);
}

static void gicv2_enable_private(uint32_t intid, bool edge)
{
	if (intid >= SPI_BASE)
		return;
	if (intid >= NR_SGIS)
		set_edge(intid, edge); /* PPIs; on some GICs read-only, which is then what the line is */
	wr32(gicd + GICD_ISENABLER, 1u << intid);
}

static void gicv2_disable_private(uint32_t intid)
{
	if (intid < SPI_BASE)
		wr32(gicd + GICD_ICENABLER, 1u << intid);
}

static void gicv2_enable_spi(uint32_t intid, uint64_t target_mpidr, bool edge)
{
	if (intid < SPI_BASE || intid >= nr_irqs)
		return;
	int pe = pe_by_mpidr(target_mpidr);
	uint8_t mask = pe >= 0 ? pes[pe].cpu_mask : pes[this_pe()].cpu_mask;
	wr8(gicd + GICD_ITARGETSR + intid, mask);
	set_edge(intid, edge);
	wr32(gicd + GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

static uint32_t gicv2_ack(void)
{
	uint32_t iar = rd32(gicc + GICC_IAR);
	dsb();
	uint32_t intid = iar & GICC_IAR_INTID_MASK;
	if (intid < NR_SGIS)
		pes[this_pe()].sgi_iar[intid] = iar;
	return intid;
}

/* The value EOIR/DIR want for intid: for an SGI the whole IAR (with the source CPU). */
static uint32_t completion_value(uint32_t intid)
{
	return intid < NR_SGIS ? pes[this_pe()].sgi_iar[intid] : intid;
}

static void gicv2_eoi(uint32_t intid)
{
	wr32(gicc + GICC_EOIR, completion_value(intid));
	dsb();
}

static void gicv2_deactivate(uint32_t intid)
{
	wr32(gicc + GICC_DIR, completion_value(intid));
	dsb();
}

static void gicv2_send_sgi(uint64_t mpidr, unsigned sgi)
{
	int pe = pe_by_mpidr(mpidr);
	if (pe < 0)
		return;
	dsb(); /* what the target is to look at is visible before it is kicked */
	wr32(gicd + GICD_SGIR,
	     (uint32_t)pes[pe].cpu_mask << GICD_SGIR_TARGETS_SHIFT | (sgi & GICD_SGIR_INTID_MASK));
}

const struct gic_ops gicv2_ops = {
    .name = "GICv2",
    .init_distributor = gicv2_init_distributor,
    .init_cpu = gicv2_init_cpu,
    .enable_private = gicv2_enable_private,
    .disable_private = gicv2_disable_private,
    .enable_spi = gicv2_enable_spi,
    .ack = gicv2_ack,
    .eoi = gicv2_eoi,
    .deactivate = gicv2_deactivate,
    .send_sgi = gicv2_send_sgi,
};
