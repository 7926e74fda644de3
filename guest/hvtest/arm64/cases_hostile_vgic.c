/* The vGIC under hostile programming: INTIDs beyond GICD_TYPER.ITLinesNumber (writes must be ignored, reads
 * zero, karasu's arrays never indexed with them), an SPI routed to a vCPU that does not exist (never delivered
 * anywhere, in particular not to vCPU 0), SGIs whose target list or affinity names CPUs outside the partition
 * (other guests' CPUs share the same virtual MPIDRs; nothing may become pending). IRQs stay masked at EL1
 * (DAIF.I): delivery is observed through ICC_HPPIR1_EL1 and the redistributors' pending bits. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define GICD_CTLR         0x0000u
#define GICD_CTLR_GRP1    (1u << 1)
#define GICD_TYPER        0x0004u
#define GICD_IGROUPR      0x0080u
#define GICD_ISENABLER    0x0100u
#define GICD_ICENABLER    0x0180u
#define GICD_ISPENDR      0x0200u
#define GICD_ICPENDR      0x0280u
#define GICD_IPRIORITYR   0x0400u
#define GICD_ICFGR        0x0c00u
#define GICD_IROUTER      0x6000u
#define MAX_SPI_INTID     1019u
#define GICR_FRAME        0x20000u
#define GICR_SGI_BASE     0x10000u
#define GICR_ISPENDR0     0x0200u
#define GICR_ICPENDR0     0x0280u
#define SPARE_SPI         40u
#define TEST_SGI          5u
#define INTID_SPURIOUS    1023u
#define SGI1R_INTID_SHIFT 24
#define SGI1R_AFF1_SHIFT  16
#define SGI1R_AFF2_SHIFT  32
#define SGI1R_AFF3_SHIFT  48
#define SGI1R_RS_SHIFT    44
#define ICC_PMR_ALLOW_ALL 0xffu

static volatile uint32_t *d32(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plat.gicd_base + off);
}

static volatile uint32_t *r32(unsigned vcpu, uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plat.gicr_base + (uint64_t)vcpu * GICR_FRAME + GICR_SGI_BASE +
	                                        off);
}

static unsigned nr_intids(void)
{
	return 32u * ((*d32(GICD_TYPER) & 0x1fu) + 1u);
}

static void beyond_itlines(void)
{
	unsigned n = nr_intids(), bad = 0, touched = 0;
	uint32_t first = 0;
	for (unsigned id = n; id < 1024; id += 32) {
		*d32(GICD_ISENABLER + id / 8) = 0xffffffffu;
		*d32(GICD_ISPENDR + id / 8) = 0xffffffffu;
		touched++;
		if (*d32(GICD_ISENABLER + id / 8) || *d32(GICD_ISPENDR + id / 8)) {
			bad++;
			first = first ? first : id;
		}
	}
	check(bad == 0, "GICD_ISENABLER/ISPENDR for INTIDs beyond ITLinesNumber: writes ignored, read 0",
	      "%u of %u registers kept bits (first INTID %u; TYPER says %u INTIDs)", bad, touched, first, n);

	bad = 0;
	for (unsigned id = n; id <= MAX_SPI_INTID - 3; id += 4) {
		*d32(GICD_IPRIORITYR + id) = 0xa0a0a0a0u;
		if (*d32(GICD_IPRIORITYR + id))
			bad++;
	}
	check(bad == 0, "GICD_IPRIORITYR beyond ITLinesNumber up to INTID 1019: writes ignored, read 0",
	      "%u words kept a value", bad);

	bad = 0;
	for (unsigned id = n; id <= MAX_SPI_INTID; id++) {
		volatile uint64_t *r =
		    (volatile uint64_t *)(uintptr_t)(plat.gicd_base + GICD_IROUTER + 8u * id);
		*r = 1;
		if (*r)
			bad++;
	}
	check(bad == 0, "GICD_IROUTER beyond ITLinesNumber up to INTID 1019: writes ignored, read 0",
	      "%u routers kept a value", bad);

	bad = 0;
	for (unsigned id = n; id < 1024; id += 16) {
		*d32(GICD_ICFGR + id / 4) = 0xaaaaaaaau;
		if (*d32(GICD_ICFGR + id / 4))
			bad++;
	}
	check(bad == 0, "GICD_ICFGR beyond ITLinesNumber: writes ignored, read 0",
	      "%u registers kept a value", bad);
}

static uint64_t hppir1(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, icc_hppir1_el1" : "=r"(v));
	return v & 0xffffffu;
}

static void cpu_interface(bool on)
{
	__asm__ volatile("msr icc_pmr_el1, %0" ::"r"((uint64_t)(on ? ICC_PMR_ALLOW_ALL : 0)));
	__asm__ volatile("msr icc_igrpen1_el1, %0; isb" ::"r"((uint64_t)on));
}

static void spi_pend(uint32_t intid, uint64_t route)
{
	volatile uint64_t *r = (volatile uint64_t *)(uintptr_t)(plat.gicd_base + GICD_IROUTER + 8u * intid);
	*r = route;
	*d32(GICD_IGROUPR + intid / 32 * 4) |= 1u << (intid % 32);
	*d32(GICD_IPRIORITYR + intid) = 0x80808080u;
	*d32(GICD_ISENABLER + intid / 32 * 4) = 1u << (intid % 32);
	*d32(GICD_ISPENDR + intid / 32 * 4) = 1u << (intid % 32);
}

static void spi_clear(uint32_t intid)
{
	*d32(GICD_ICENABLER + intid / 32 * 4) = 1u << (intid % 32);
	*d32(GICD_ICPENDR + intid / 32 * 4) = 1u << (intid % 32);
	*(volatile uint64_t *)(uintptr_t)(plat.gicd_base + GICD_IROUTER + 8u * intid) = 0;
}

/* Takes the interrupt the CPU interface offers (IRQs stay masked: IAR/EOIR by hand). */
static uint64_t ack_and_eoi(void)
{
	uint64_t id;
	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(id));
	id &= 0xffffffu;
	if (id < INTID_SPURIOUS - 3)
		__asm__ volatile("msr icc_eoir1_el1, %0; isb" ::"r"(id));
	return id;
}

static void spi_routing(void)
{
	uint32_t ctlr = *d32(GICD_CTLR);
	*d32(GICD_CTLR) = ctlr | GICD_CTLR_GRP1;
	cpu_interface(true);

	/* Control: routed to vCPU 0 it shows up at vCPU 0's CPU interface (so the next check can fail). */
	spi_pend(SPARE_SPI, 0);
	uint64_t seen = hppir1();
	uint64_t acked = ack_and_eoi();
	spi_clear(SPARE_SPI);
	check(seen == SPARE_SPI && acked == SPARE_SPI,
	      "control: SPI 40 routed to vCPU 0 is offered to vCPU 0", "ICC_HPPIR1_EL1 %llu, IAR %llu",
	      (unsigned long long)seen, (unsigned long long)acked);

	spi_pend(SPARE_SPI, 7); /* Aff0 = 7: the partition has 2 vCPUs */
	uint64_t route = *(volatile uint64_t *)(uintptr_t)(plat.gicd_base + GICD_IROUTER + 8u * SPARE_SPI);
	seen = hppir1();
	acked = seen == SPARE_SPI ? ack_and_eoi() : INTID_SPURIOUS;
	spi_clear(SPARE_SPI);
	check(seen != SPARE_SPI, "SPI 40 routed to non-existent vCPU 7 (Aff0 7) is not delivered to vCPU 0",
	      "ICC_HPPIR1_EL1 %llu (IROUTER reads %#llx)", (unsigned long long)seen,
	      (unsigned long long)route);
	(void)acked;

	spi_pend(SPARE_SPI, 0xff00000000ull | 0x00ffff00u); /* Aff3.Aff2.Aff1 = 255.255.255 */
	seen = hppir1();
	if (seen == SPARE_SPI)
		ack_and_eoi();
	spi_clear(SPARE_SPI);
	check(seen != SPARE_SPI, "SPI 40 routed to affinity 255.255.255.0 is not delivered to vCPU 0",
	      "ICC_HPPIR1_EL1 %llu", (unsigned long long)seen);

	cpu_interface(false);
	*d32(GICD_CTLR) = ctlr;
}

static void sgi(uint64_t v)
{
	__asm__ volatile("msr icc_sgi1r_el1, %0; isb" ::"r"(v));
}

static bool sgi_pending_anywhere(uint32_t intid)
{
	bool any = false;
	for (unsigned c = 0; c < plat.ncpus; c++)
		if (*r32(c, GICR_ISPENDR0) & (1u << intid))
			any = true;
	return any;
}

static void sgi_clear_all(uint32_t intid)
{
	for (unsigned c = 0; c < plat.ncpus; c++)
		*r32(c, GICR_ICPENDR0) = 1u << intid;
}

static void sgis(void)
{
	uint64_t id = (uint64_t)TEST_SGI << SGI1R_INTID_SHIFT;
	sgi_clear_all(TEST_SGI);
	/* Control: target list bit 1 = vCPU 1 (MPIDR 0.0.0.1) gets it. */
	sgi(id | 0x2);
	bool control = plat.ncpus > 1 && (*r32(1, GICR_ISPENDR0) & (1u << TEST_SGI));
	sgi_clear_all(TEST_SGI);
	check(control, "control: an SGI to vCPU 1 (target list bit 1) becomes pending at vCPU 1",
	      "GICR_ISPENDR0 of vCPU 1 %#x", plat.ncpus > 1 ? *r32(1, GICR_ISPENDR0) : 0);

	static const struct {
		uint64_t bits;
		const char *what;
	} far[] = {
	    {0xfffcull, "SGI to target list bits 2-15 (vCPUs that do not exist) pends nowhere"},
	    {(1ull << SGI1R_AFF1_SHIFT) | 0xffffull, "SGI to Aff1 = 1, targets 0-15 pends nowhere"},
	    {(0xffull << SGI1R_AFF2_SHIFT) | 0x3ull, "SGI to Aff2 = 255, targets 0-1 pends nowhere"},
	    {(0xffull << SGI1R_AFF3_SHIFT) | 0x3ull, "SGI to Aff3 = 255, targets 0-1 pends nowhere"},
	    {(0xfull << SGI1R_RS_SHIFT) | 0x3ull,
	     "SGI with RS = 15 (Aff0 240-241), targets 0-1 pends nowhere"},
	};
	for (unsigned i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		sgi(id | far[i].bits);
		bool pending = sgi_pending_anywhere(TEST_SGI);
		sgi_clear_all(TEST_SGI);
		check(!pending, far[i].what, "SGI %u became pending at a vCPU of this partition", TEST_SGI);
	}
	/* IRM = 1: every vCPU but the sender. */
	sgi(id | (1ull << 40));
	bool self = *r32(0, GICR_ISPENDR0) & (1u << TEST_SGI);
	bool other = plat.ncpus > 1 && (*r32(1, GICR_ISPENDR0) & (1u << TEST_SGI));
	sgi_clear_all(TEST_SGI);
	check(!self && other, "SGI with IRM = 1 pends at the other vCPU only, not the sender",
	      "sender %d, vCPU 1 %d", self, other);
}

/* LPIs would make the redistributor read tables at guest-chosen addresses: karasu has none, so the table
 * registers and EnableLPIs must stay zero whatever the guest writes (GICR_TYPER.PLPIS = 0). */
#define GICR_RD_CTLR         0x0000u
#define GICR_RD_TYPER        0x0008u
#define GICR_RD_PROPBASER    0x0070u
#define GICR_RD_PENDBASER    0x0078u
#define GICR_CTLR_ENABLE_LPI (1u << 0)
#define GICR_TYPER_PLPIS     (1u << 0)

static void no_lpis(void)
{
	uint64_t rd = plat.gicr_base;
	volatile uint32_t *ctlr = (volatile uint32_t *)(uintptr_t)(rd + GICR_RD_CTLR);
	volatile uint64_t *prop = (volatile uint64_t *)(uintptr_t)(rd + GICR_RD_PROPBASER);
	volatile uint64_t *pend = (volatile uint64_t *)(uintptr_t)(rd + GICR_RD_PENDBASER);
	uint32_t typer = *(volatile uint32_t *)(uintptr_t)(rd + GICR_RD_TYPER);
	*prop = 0x80000000ull | 0xf; /* another guest's physical RAM, 64K INTIDs */
	*pend = 0x80000000ull;
	*ctlr = GICR_CTLR_ENABLE_LPI;
	uint64_t p = *prop, q = *pend;
	uint32_t c = *ctlr;
	check(!(typer & GICR_TYPER_PLPIS) && p == 0 && q == 0 && !(c & GICR_CTLR_ENABLE_LPI),
	      "no LPIs: GICR_PROPBASER/PENDBASER/CTLR.EnableLPIs stay 0 after the guest writes them",
	      "TYPER %#x, PROPBASER %#llx, PENDBASER %#llx, CTLR %#x", typer, (unsigned long long)p,
	      (unsigned long long)q, c);
}

void cases_hostile_vgic(void)
{
	if (gic_is_v2()) {
		cases_hostile_vgic_v2();
		return;
	}
	out("hvtest: hostile: vGIC\n");
	beyond_itlines();
	spi_routing();
	sgis();
	no_lpis();
}
