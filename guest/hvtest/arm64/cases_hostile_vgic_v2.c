/* The GICv2 vGIC under hostile programming (the GICv2 variant of cases_hostile_vgic.c, run when the guest's
 * devicetree describes a GICv2): INTIDs beyond GICD_TYPER.ITLinesNumber (writes ignored, reads zero), SPIs
 * whose GICD_ITARGETSR names CPU interfaces the partition does not have or none (never delivered, in
 * particular not to vCPU 0), GICD_SGIR with target lists naming CPUs outside the partition and every target
 * filter. IRQs stay masked at EL1 (DAIF.I): delivery is observed through the CPU interface's GICC_HPPIR (the
 * hardware's virtual CPU interface, mapped by karasu) and the banked pending bits. A GICv2 distributor's SGI and
 * PPI registers are banked, so vCPU 0 sees only its own: SGIs to other vCPUs are checked by their absence
 * here. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define GICD_CTLR          0x000u
#define GICD_CTLR_GRP0     (1u << 0)
#define GICD_TYPER         0x004u
#define GICD_ISENABLER     0x100u
#define GICD_ICENABLER     0x180u
#define GICD_ISPENDR       0x200u
#define GICD_ICPENDR       0x280u
#define GICD_IPRIORITYR    0x400u
#define GICD_ITARGETSR     0x800u
#define GICD_ICFGR         0xc00u
#define GICD_SGIR          0xf00u
#define GICD_CPENDSGIR     0xf10u
#define SGIR_FILTER_SHIFT  24u
#define SGIR_TARGETS_SHIFT 16u
#define SGIR_FILTER_OTHERS 1u
#define SGIR_FILTER_SELF   2u
#define SGIR_FILTER_RSVD   3u
#define GICC_CTLR          0x000u
#define GICC_CTLR_GRP0     (1u << 0)
#define GICC_PMR           0x004u
#define GICC_IAR           0x00cu
#define GICC_EOIR          0x010u
#define GICC_HPPIR         0x018u
#define GICC_INTID_MASK    0x3ffu
#define PMR_ALLOW_ALL      0xffu
#define MAX_SPI_INTID      1019u
#define SPARE_SPI          40u
#define TEST_SGI           5u
#define INTID_SPURIOUS     1023u

static volatile uint32_t *d32(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plat.gicd_base + off);
}

static volatile uint32_t *c32(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plat.gicc_base + off);
}

static unsigned nr_intids(void)
{
	return 32u * ((*d32(GICD_TYPER) & 0x1fu) + 1u);
}

static void beyond_itlines(void)
{
	unsigned n = nr_intids(), bad = 0, touched = 0;
	for (unsigned id = n; id < 1024; id += 32) {
		*d32(GICD_ISENABLER + id / 8) = 0xffffffffu;
		*d32(GICD_ISPENDR + id / 8) = 0xffffffffu;
		touched++;
		if (*d32(GICD_ISENABLER + id / 8) || *d32(GICD_ISPENDR + id / 8))
			bad++;
	}
	check(bad == 0,
	      "GICv2: GICD_ISENABLER/ISPENDR for INTIDs beyond ITLinesNumber: writes ignored, read 0",
	      "%u of %u registers kept bits (TYPER says %u INTIDs)", bad, touched, n);

	bad = 0;
	for (unsigned id = n; id <= MAX_SPI_INTID - 3; id += 4) {
		*d32(GICD_IPRIORITYR + id) = 0xa0a0a0a0u;
		*d32(GICD_ITARGETSR + id) = 0x01010101u;
		if (*d32(GICD_IPRIORITYR + id) || *d32(GICD_ITARGETSR + id))
			bad++;
	}
	check(
	    bad == 0,
	    "GICv2: GICD_IPRIORITYR/ITARGETSR beyond ITLinesNumber up to INTID 1019: writes ignored, read 0",
	    "%u words kept a value", bad);

	bad = 0;
	for (unsigned id = n; id < 1024; id += 16) {
		*d32(GICD_ICFGR + id / 4) = 0xaaaaaaaau;
		if (*d32(GICD_ICFGR + id / 4))
			bad++;
	}
	check(bad == 0, "GICv2: GICD_ICFGR beyond ITLinesNumber: writes ignored, read 0",
	      "%u registers kept a value", bad);
}

static void cpu_interface(bool on)
{
	*c32(GICC_PMR) = on ? PMR_ALLOW_ALL : 0;
	*c32(GICC_CTLR) = on ? GICC_CTLR_GRP0 : 0;
	__asm__ volatile("dsb sy; isb" ::: "memory");
}

static uint32_t hppir(void)
{
	__asm__ volatile("dsb sy; isb" ::: "memory");
	return *c32(GICC_HPPIR) & GICC_INTID_MASK;
}

/* Takes the interrupt the CPU interface offers (IRQs stay masked: IAR/EOIR by hand). */
static uint32_t ack_and_eoi(void)
{
	uint32_t iar = *c32(GICC_IAR);
	uint32_t id = iar & GICC_INTID_MASK;
	if (id < INTID_SPURIOUS - 3)
		*c32(GICC_EOIR) = iar;
	return id;
}

static void spi_pend(uint32_t intid, uint8_t targets)
{
	((volatile uint8_t *)(uintptr_t)(plat.gicd_base + GICD_ITARGETSR))[intid] = targets;
	((volatile uint8_t *)(uintptr_t)(plat.gicd_base + GICD_IPRIORITYR))[intid] = 0x80;
	*d32(GICD_ISENABLER + intid / 32 * 4) = 1u << (intid % 32);
	*d32(GICD_ISPENDR + intid / 32 * 4) = 1u << (intid % 32);
}

static void spi_clear(uint32_t intid)
{
	*d32(GICD_ICENABLER + intid / 32 * 4) = 1u << (intid % 32);
	*d32(GICD_ICPENDR + intid / 32 * 4) = 1u << (intid % 32);
	((volatile uint8_t *)(uintptr_t)(plat.gicd_base + GICD_ITARGETSR))[intid] = 0;
}

static void spi_routing(void)
{
	uint32_t ctlr = *d32(GICD_CTLR);
	*d32(GICD_CTLR) = ctlr | GICD_CTLR_GRP0;
	cpu_interface(true);

	/* Control: targeted at CPU interface 0 it shows up at vCPU 0 (so the next checks can fail). */
	spi_pend(SPARE_SPI, 0x01);
	uint32_t seen = hppir();
	uint32_t acked = ack_and_eoi();
	spi_clear(SPARE_SPI);
	check(seen == SPARE_SPI && acked == SPARE_SPI,
	      "GICv2 control: SPI 40 targeted at CPU 0 is offered to vCPU 0", "GICC_HPPIR %u, IAR %u", seen,
	      acked);

	static const struct {
		uint8_t targets;
		const char *what;
	} away[] = {
	    {0x80,
	     "GICv2: SPI 40 targeted at CPU 7 only (the partition has 2 vCPUs) is not delivered to vCPU 0"},
	    {0xfc, "GICv2: SPI 40 targeted at CPUs 2-7 only is not delivered to vCPU 0"},
	    {0x00, "GICv2: SPI 40 with an empty target list is not delivered to vCPU 0"},
	};
	for (unsigned i = 0; i < sizeof(away) / sizeof(away[0]); i++) {
		spi_pend(SPARE_SPI, away[i].targets);
		uint32_t targets =
		    ((volatile uint8_t *)(uintptr_t)(plat.gicd_base + GICD_ITARGETSR))[SPARE_SPI];
		seen = hppir();
		if (seen == SPARE_SPI)
			ack_and_eoi();
		spi_clear(SPARE_SPI);
		check(seen != SPARE_SPI, away[i].what, "GICC_HPPIR %u (ITARGETSR reads %#x)", seen, targets);
	}
	cpu_interface(false);
	*d32(GICD_CTLR) = ctlr;
}

static bool sgi_pending_here(uint32_t intid)
{
	return (*d32(GICD_ISPENDR) & (1u << intid)) != 0;
}

static void sgi_clear_here(uint32_t intid)
{
	((volatile uint8_t *)(uintptr_t)(plat.gicd_base + GICD_CPENDSGIR))[intid] = 0xff;
}

static void sgis(void)
{
	sgi_clear_here(TEST_SGI);
	*d32(GICD_SGIR) = SGIR_FILTER_SELF << SGIR_FILTER_SHIFT | TEST_SGI;
	bool self = sgi_pending_here(TEST_SGI);
	sgi_clear_here(TEST_SGI);
	check(self, "GICv2 control: GICD_SGIR with filter 'requester only' pends the SGI at the sender",
	      "GICD_ISPENDR0 %#x", *d32(GICD_ISPENDR));

	static const struct {
		uint32_t sgir;
		const char *what;
	} away[] = {
	    {0xfcu << SGIR_TARGETS_SHIFT,
	     "GICv2: GICD_SGIR to CPUs 2-7 (not in the partition) does not pend at vCPU 0"},
	    {0x02u << SGIR_TARGETS_SHIFT, "GICv2: GICD_SGIR to CPU 1 does not pend at the sender, vCPU 0"},
	    {SGIR_FILTER_OTHERS << SGIR_FILTER_SHIFT,
	     "GICv2: GICD_SGIR with filter 'all but the requester' does not pend at the sender"},
	    {SGIR_FILTER_RSVD << SGIR_FILTER_SHIFT | 0xffu << SGIR_TARGETS_SHIFT,
	     "GICv2: GICD_SGIR with the reserved filter 3 pends nowhere"},
	};
	for (unsigned i = 0; i < sizeof(away) / sizeof(away[0]); i++) {
		*d32(GICD_SGIR) = away[i].sgir | TEST_SGI;
		bool pending = sgi_pending_here(TEST_SGI);
		sgi_clear_here(TEST_SGI);
		check(!pending, away[i].what, "SGI %u became pending at vCPU 0", TEST_SGI);
	}
	/* SGIs pend only through GICD_SGIR/SPENDSGIR: ISPENDR0's SGI bits ignore writes. */
	*d32(GICD_ISPENDR) = 1u << TEST_SGI;
	bool pending = sgi_pending_here(TEST_SGI);
	sgi_clear_here(TEST_SGI);
	check(!pending, "GICv2: writing an SGI's bit of GICD_ISPENDR0 does not make it pending",
	      "SGI %u pending", TEST_SGI);
}

void cases_hostile_vgic_v2(void)
{
	out("hvtest: hostile: vGIC (GICv2)\n");
	beyond_itlines();
	spi_routing();
	sgis();
}
