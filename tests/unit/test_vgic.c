/* Unit tests for the vGIC register model: hv/vdev/vgic.c, vgicd.c, vgicr.c. Expected register values are
 * assembled from the GICv3 specification's field layouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/vgic.h"
#include "hv/vdev/vgicd.h"
#include "hv/vdev/vgicr.h"

struct delivery {
	unsigned vcpu;
	uint32_t intid;
	uint8_t priority;
	bool group1;
};

struct recorder {
	struct delivery d[64];
	unsigned n;
};

static void record(void *ctx, unsigned vcpu, uint32_t intid, uint8_t priority, bool group1)
{
	struct recorder *r = ctx;
	assert_true(r->n < 64);
	r->d[r->n++] = (struct delivery){vcpu, intid, priority, group1};
}

static struct vgic g;
static struct recorder rec;

static void setup_vgic(unsigned nr_vcpus, const uint64_t *mpidrs, unsigned nr_spis)
{
	memset(&rec, 0, sizeof(rec));
	struct vgic_hooks hooks = {.ctx = &rec, .deliver = record};
	assert_true(vgic_init(&g, nr_vcpus, mpidrs, nr_spis, &hooks));
}

static uint64_t rd(uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;
	assert_true(vgicd_mmio_read(&g, 0, off, size, &v));
	return v;
}

static void wr(uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vgicd_mmio_write(&g, 0, off, size, v));
}

static uint64_t rrd(unsigned cpu, uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;
	assert_true(vgicr_mmio_read(&g, 0, cpu * 0x20000ull + off, size, &v));
	return v;
}

static void rwr(unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vgicr_mmio_write(&g, 0, cpu * 0x20000ull + off, size, v));
}

static void test_gicd_identity(void **state)
{
	(void)state;
	setup_vgic(4, NULL, 64);
	/* ITLinesNumber = 96/32 - 1 = 2, CPUNumber = 3 at [7:5], IDbits = 9 at [23:19]. */
	assert_int_equal(rd(0x4, 4), 0x2u | (3u << 5) | (9u << 19));
	assert_int_equal(rd(0xffe8, 4), 0x30);               /* ArchRev 3 */
	assert_int_equal(rd(0x0, 4), (1u << 4) | (1u << 6)); /* ARE and DS read as one */
	wr(0x0, 4, 0x3);
	assert_int_equal(rd(0x0, 4), 0x53);
	wr(0x0, 4, 0x80000000u); /* RWP is read-only; clears the enables */
	assert_int_equal(rd(0x0, 4), 0x50);
	assert_int_equal(rd(0x8, 4), VGIC_IIDR);
	/* nr_spis rounds up to 32. */
	setup_vgic(1, NULL, 33);
	assert_int_equal(rd(0x4, 4) & 0x1f, 2);
	setup_vgic(1, NULL, 10000);
	assert_int_equal(rd(0x4, 4) & 0x1f, (32 + VGIC_MAX_SPIS) / 32 - 1);
}

static void test_gicd_bad_access(void **state)
{
	(void)state;
	setup_vgic(2, NULL, 32);
	uint64_t v;
	assert_false(vgicd_mmio_read(&g, 0, 0x0, 2, &v));
	assert_false(vgicd_mmio_read(&g, 0, 0x0, 8, &v));
	assert_false(vgicd_mmio_read(&g, 0, 0x1, 1, &v));   /* byte access to CTLR */
	assert_false(vgicd_mmio_read(&g, 0, 0x402, 4, &v)); /* misaligned word */
	assert_false(vgicd_mmio_read(&g, 0, 0x10000, 4, &v));
	assert_false(vgicd_mmio_write(&g, 0, 0x6104, 8, 0)); /* misaligned 64-bit */
	assert_false(vgicd_mmio_write(&g, 0, 0x6008, 8, 0)); /* IROUTER of a private INTID */
}

static void test_gicd_enable_pending_delivery(void **state)
{
	(void)state;
	setup_vgic(2, NULL, 64);
	/* Bit 3 of ISENABLER1 = INTID 35. */
	wr(0x104, 4, 1u << 3);
	assert_int_equal(rd(0x104, 4), 1u << 3);
	assert_int_equal(rd(0x184, 4), 1u << 3); /* ICENABLER reads the same state */
	/* Private part of the distributor arrays is RAZ/WI with ARE = 1. */
	wr(0x100, 4, 0xffffffffu);
	assert_int_equal(rd(0x100, 4), 0);
	/* Group 1 and pending: no delivery while GICD_CTLR.EnableGrp1 = 0. */
	wr(0x84, 4, 1u << 3);
	assert_int_equal(rd(0x84, 4), 1u << 3);
	wr(0x204, 4, 1u << 3);
	assert_int_equal(rec.n, 0);
	assert_int_equal(rd(0x204, 4), 1u << 3);
	wr(0x0, 4, 0x2); /* EnableGrp1 */
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.d[0].intid, 35);
	assert_int_equal(rec.d[0].vcpu, 0);
	assert_true(rec.d[0].group1);
	/* Queued: still reads pending, no second delivery for another pending write. */
	assert_int_equal(rd(0x204, 4), 1u << 3);
	wr(0x204, 4, 1u << 3);
	assert_int_equal(rec.n, 1);
	vgic_irq_done(&g, 0, 35); /* the latch set meanwhile delivers once more */
	assert_int_equal(rec.n, 2);
	vgic_irq_done(&g, 0, 35);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rd(0x204, 4), 0);
	/* Disabled interrupts stay pending without delivery; ICPENDR clears. */
	wr(0x184, 4, 1u << 3);
	assert_int_equal(rd(0x104, 4), 0);
	wr(0x204, 4, 1u << 3);
	assert_int_equal(rec.n, 2);
	wr(0x284, 4, 1u << 3);
	assert_int_equal(rd(0x204, 4), 0);
	wr(0x104, 4, 1u << 3);
	assert_int_equal(rec.n, 2);
	/* Group 0 interrupt with only group 1 enabled: held until EnableGrp0. */
	wr(0x84, 4, 0);
	assert_true(vgic_inject(&g, 0, 35));
	assert_int_equal(rec.n, 2);
	wr(0x0, 4, 0x1);
	assert_int_equal(rec.n, 3);
	assert_false(rec.d[2].group1);
	/* Active bits. */
	wr(0x304, 4, 1u << 5);
	assert_int_equal(rd(0x304, 4), 1u << 5);
	assert_int_equal(rd(0x384, 4), 1u << 5);
	wr(0x384, 4, 1u << 5);
	assert_int_equal(rd(0x304, 4), 0);
	/* INTIDs beyond nr_spis are RAZ/WI. */
	wr(0x10c, 4, 0xffffffffu);
	assert_int_equal(rd(0x10c, 4), 0);
	assert_false(vgic_inject(&g, 0, 96));
	assert_false(vgic_inject(&g, 2, 5)); /* no vCPU 2 */
}

static void test_gicd_priority_bytes(void **state)
{
	(void)state;
	setup_vgic(1, NULL, 32);
	wr(0x400 + 33, 1, 0xa0);
	assert_int_equal(rd(0x420, 4), 0xa000u);
	wr(0x424, 4, 0x11223344u);
	assert_int_equal(rd(0x426, 1), 0x22);
	assert_int_equal(rd(0x424, 1), 0x44);
	assert_int_equal(rd(0x427, 1), 0x11);
	uint8_t prio = 0;
	assert_true(vgic_irq_state(&g, 0, 38, NULL, &prio));
	assert_int_equal(prio, 0x22);
	/* Private priorities are not in the distributor. */
	wr(0x400, 4, 0xffffffffu);
	assert_int_equal(rd(0x400, 4), 0);
	/* The delivery carries the priority. */
	wr(0x0, 4, 0x3);
	wr(0x104, 4, 1u << 1);
	assert_true(vgic_inject(&g, 0, 33));
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.d[0].priority, 0xa0);
}

static void test_gicd_icfgr_and_level(void **state)
{
	(void)state;
	setup_vgic(1, NULL, 32);
	/* INTID 40: ICFGR2 (INTIDs 32..47), field 8, edge bit = bit 17. */
	assert_int_equal(rd(0xc08, 4), 0);
	wr(0xc08, 4, 1u << 17);
	assert_int_equal(rd(0xc08, 4), 1u << 17);
	uint8_t flags;
	assert_true(vgic_irq_state(&g, 0, 40, &flags, NULL));
	assert_true(flags & VGIC_IRQ_EDGE);
	/* Private ICFGR words are not in the distributor. */
	assert_int_equal(rd(0xc00, 4), 0);

	wr(0x0, 4, 0x2);
	wr(0x80 + 4, 4, 0xffffffffu);
	wr(0x104, 4, (1u << 1) | (1u << 8));
	/* Level-sensitive INTID 33: delivered on a high line, again after done while still high. */
	assert_true(vgic_set_level(&g, 0, 33, true));
	assert_int_equal(rec.n, 1);
	vgic_irq_done(&g, 0, 33);
	assert_int_equal(rec.n, 2);
	assert_true(vgic_set_level(&g, 0, 33, false));
	vgic_irq_done(&g, 0, 33);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rd(0x204, 4) & (1u << 1), 0);
	/* Edge INTID 40: one delivery per edge; an edge while queued is kept for after done. */
	assert_true(vgic_set_level(&g, 0, 40, true));
	assert_int_equal(rec.n, 3);
	assert_true(vgic_set_level(&g, 0, 40, false));
	assert_true(vgic_inject(&g, 0, 40));
	assert_int_equal(rec.n, 3);
	vgic_irq_done(&g, 0, 40);
	assert_int_equal(rec.n, 4);
	vgic_irq_done(&g, 0, 40);
	assert_int_equal(rec.n, 4);
}

static void test_gicd_irouter(void **state)
{
	(void)state;
	const uint64_t mpidrs[4] = {0x0, 0x1, 0x100, 0x100000101ull};
	setup_vgic(4, mpidrs, 32);
	wr(0x0, 4, 0x2);
	wr(0x84, 4, 0xffffffffu);
	wr(0x104, 4, 0xffffffffu);
	/* Reset routing: vCPU 0. IROUTER of INTID 34 at 0x6000 + 8*34 = 0x6110. */
	assert_int_equal(rd(0x6110, 8), 0);
	assert_int_equal(vgic_spi_target(&g, 34), 0);
	wr(0x6110, 8, 0x100); /* Aff1 = 1 -> vCPU 2 */
	assert_int_equal(rd(0x6110, 8), 0x100);
	assert_int_equal(vgic_spi_target(&g, 34), 2);
	assert_true(vgic_inject(&g, 0, 34));
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.d[0].vcpu, 2);
	/* 32-bit halves: Aff3 = 1 in the high word, Aff1.Aff0 = 1.1 in the low one -> vCPU 3. */
	wr(0x6110, 4, 0x101);
	wr(0x6114, 4, 0x1);
	assert_int_equal(rd(0x6110, 8), 0x100000101ull);
	assert_int_equal(rd(0x6114, 4), 1);
	assert_int_equal(vgic_spi_target(&g, 34), 3);
	/* Unknown affinity: not delivered, stays pending until routed somewhere real. */
	wr(0x6118, 8, 0x7);
	assert_int_equal(vgic_spi_target(&g, 35), -1);
	assert_true(vgic_inject(&g, 0, 35));
	assert_int_equal(rec.n, 1);
	assert_int_equal(rd(0x204, 4) & (1u << 3), 1u << 3);
	wr(0x6118, 8, 0x1);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.d[1].vcpu, 1);
	/* IRM = 1: the first awake vCPU (all asleep: vCPU 0). Reserved bits are dropped. */
	wr(0x6120, 8, 0xffff000080000000ull);
	assert_int_equal(rd(0x6120, 8), 0x80000000ull);
	assert_int_equal(vgic_spi_target(&g, 36), 0);
	rwr(2, 0x14, 4, 0); /* wake vCPU 2's redistributor */
	assert_int_equal(vgic_spi_target(&g, 36), 2);
	assert_int_equal(vgic_spi_target(&g, 5), -1); /* not an SPI */
}

static void test_gicr_identity_and_waker(void **state)
{
	(void)state;
	const uint64_t mpidrs[3] = {0x0, 0x1, 0x100000203ull};
	setup_vgic(3, mpidrs, 32);
	/* TYPER: Affinity_Value [63:32] = Aff3.Aff2.Aff1.Aff0, Processor_Number [23:8], Last [4]. */
	assert_int_equal(rrd(0, 0x8, 8), 0x0ull);
	assert_int_equal(rrd(1, 0x8, 8), (0x1ull << 32) | (1u << 8));
	assert_int_equal(rrd(2, 0x8, 8), (0x01000203ull << 32) | (2u << 8) | (1u << 4));
	assert_int_equal(rrd(2, 0xc, 4), 0x01000203ull);
	assert_int_equal(rrd(2, 0x8, 4), (2u << 8) | (1u << 4));
	assert_int_equal(rrd(1, 0xffe8, 4), 0x30);
	assert_int_equal(rrd(1, 0x4, 4), VGIC_IIDR);
	assert_int_equal(rrd(1, 0x0, 4), 0); /* no LPIs */
	/* WAKER: asleep after reset; ChildrenAsleep follows ProcessorSleep. */
	assert_int_equal(rrd(1, 0x14, 4), 0x6);
	rwr(1, 0x14, 4, 0x0);
	assert_int_equal(rrd(1, 0x14, 4), 0x0);
	assert_int_equal(rrd(0, 0x14, 4), 0x6); /* others unaffected */
	rwr(1, 0x14, 4, 0x2);
	assert_int_equal(rrd(1, 0x14, 4), 0x6);
	/* Out of the region / bad sizes. */
	uint64_t v;
	assert_false(vgicr_mmio_read(&g, 0, 3 * 0x20000ull, 4, &v));
	assert_false(vgicr_mmio_read(&g, 0, 0x14, 8, &v));
	assert_false(vgicr_mmio_read(&g, 0, 0x15, 1, &v));
	assert_false(vgicr_mmio_read(&g, 0, 0x10100, 2, &v));
	assert_false(vgicr_mmio_write(&g, 0, 0x10101, 4, 0));
}

static void test_gicr_sgi_frame(void **state)
{
	(void)state;
	setup_vgic(2, NULL, 32);
	wr(0x0, 4, 0x2);
	/* vCPU 1's SGI_base: group 1 for all, enable SGI 1 and PPI 27 (bit 27). */
	rwr(1, 0x10080, 4, 0xffffffffu);
	rwr(1, 0x10100, 4, (1u << 1) | (1u << 27));
	assert_int_equal(rrd(1, 0x10100, 4), (1u << 1) | (1u << 27));
	assert_int_equal(rrd(0, 0x10100, 4), 0); /* banked per vCPU */
	/* Priority bytes. */
	rwr(1, 0x10400 + 27, 1, 0x80);
	assert_int_equal(rrd(1, 0x10418, 4), 0x80000000u);
	rwr(1, 0x10400, 4, 0x40302010u);
	assert_int_equal(rrd(1, 0x10401, 1), 0x20);
	/* ICFGR0: SGIs are edge, read-only. ICFGR1 writable. */
	assert_int_equal(rrd(1, 0x10c00, 4), 0xaaaaaaaau);
	rwr(1, 0x10c00, 4, 0);
	assert_int_equal(rrd(1, 0x10c00, 4), 0xaaaaaaaau);
	rwr(1, 0x10c04, 4, 2u << 22); /* PPI 27 edge */
	assert_int_equal(rrd(1, 0x10c04, 4), 2u << 22);
	rwr(1, 0x10c04, 4, 0);
	/* Pending SGI 1 through ISPENDR0 of vCPU 1's frame, written by vCPU 0: delivered to vCPU 1. */
	assert_true(vgicr_mmio_write(&g, 0, 0x20000 + 0x10200, 4, 1u << 1));
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.d[0].vcpu, 1);
	assert_int_equal(rec.d[0].intid, 1);
	assert_int_equal(rec.d[0].priority, 0x20);
	/* The virtual timer PPI as a level source. */
	assert_true(vgic_set_level(&g, 1, 27, true));
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.d[1].intid, 27);
	assert_int_equal(rec.d[1].priority, 0x80);
	assert_int_equal(rrd(1, 0x10200, 4), (1u << 1) | (1u << 27));
	/* ICENABLER0 / ICPENDR0 / active. */
	rwr(1, 0x10180, 4, 1u << 1);
	assert_int_equal(rrd(1, 0x10100, 4), 1u << 27);
	rwr(1, 0x10300, 4, 1u << 4);
	assert_int_equal(rrd(1, 0x10380, 4), 1u << 4);
	rwr(1, 0x10380, 4, 1u << 4);
	assert_int_equal(rrd(1, 0x10300, 4), 0);
}

static unsigned unlocked_calls;
static void count_unlocked(void *ctx)
{
	(void)ctx;
	unlocked_calls++;
}

/* The virtual timer's path: straight to deliver() while the PPI is deliverable, through the model (and its
 * pending latch) when it is not. */
static void test_private_fast_path(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	unlocked_calls = 0;
	struct vgic_hooks hooks = {.ctx = &rec, .deliver = record, .unlocked = count_unlocked};
	assert_true(vgic_init(&g, 2, NULL, 32, &hooks));
	wr(0x0, 4, 0x2);               /* GICD_CTLR: group 1 on */
	rwr(1, 0x10080, 4, 1u << 27);  /* PPI 27 group 1 */
	rwr(1, 0x10400 + 27, 1, 0x80); /* priority */
	/* Disabled: nothing delivered, but the event is latched, as vgic_inject would. */
	vgic_inject_private_fast(&g, 1, 27);
	assert_int_equal(rec.n, 0);
	assert_int_equal(rrd(1, 0x10200, 4), 1u << 27);
	/* Enabling delivers it through the model (queued there), and a completion clears that. */
	rwr(1, 0x10100, 4, 1u << 27);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.d[0].vcpu, 1);
	assert_int_equal(rec.d[0].intid, 27);
	/* Queued in the model: the fast path leaves it to the model (no second delivery). */
	vgic_inject_private_fast(&g, 1, 27);
	assert_int_equal(rec.n, 1);
	vgic_irq_done(&g, 1, 27); /* the latch from the line above delivers it again */
	assert_int_equal(rec.n, 2);
	vgic_irq_done(&g, 1, 27);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rrd(1, 0x10200, 4), 0);
	/* Deliverable and idle: straight to deliver(), no record in the model, the unlocked hook runs. */
	unsigned before = unlocked_calls;
	vgic_inject_private_fast(&g, 1, 27);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.d[2].intid, 27);
	assert_int_equal(rec.d[2].priority, 0x80);
	assert_true(rec.d[2].group1);
	assert_true(unlocked_calls > before);
	assert_int_equal(rrd(1, 0x10200, 4), 0);
	/* The guest sets it pending by hand while it is in flight: latched, delivered once it is finished. */
	rwr(1, 0x10200, 4, 1u << 27);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rrd(1, 0x10200, 4), 1u << 27);
	vgic_irq_done(&g, 1, 27);
	assert_int_equal(rec.n, 4);
	vgic_irq_done(&g, 1, 27);
	assert_int_equal(rec.n, 4);
	vgic_inject_private_fast(&g, 1, 27); /* idle again: the fast path */
	assert_int_equal(rec.n, 5);
	/* A second edge while the first is in flight by the fast path: latched, not delivered twice (the LR
	 * queue would drop the duplicate and the edge would be lost), and delivered at the completion. */
	vgic_inject_private_fast(&g, 1, 27);
	assert_int_equal(rec.n, 5);
	assert_int_equal(rrd(1, 0x10200, 4), 1u << 27);
	vgic_irq_done(&g, 1, 27);
	assert_int_equal(rec.n, 6);
	vgic_irq_done(&g, 1, 27);
	assert_int_equal(rec.n, 6);
	assert_int_equal(rrd(1, 0x10200, 4), 0);
	vgic_inject_private_fast(&g, 1, 27); /* idle again: the fast path */
	assert_int_equal(rec.n, 7);
	vgic_irq_done(&g, 1, 27); /* nothing to finish in the model */
	assert_int_equal(rec.n, 7);
	/* The group disabled in GICD_CTLR: back to the model, which holds it. */
	wr(0x0, 4, 0x0);
	vgic_inject_private_fast(&g, 1, 27);
	assert_int_equal(rec.n, 7);
	wr(0x0, 4, 0x2);
	assert_int_equal(rec.n, 8);
	/* A shared interrupt never takes the fast path. */
	wr(0x100 + 4, 4, 1u << 0); /* enable SPI 32 */
	wr(0x80 + 4, 4, 1u << 0);  /* group 1 */
	vgic_inject_private_fast(&g, 0, 32);
	assert_int_equal(rec.n, 9);
	assert_int_equal(rec.d[8].intid, 32);
	assert_int_equal(rd(0x100 + 4, 4), 1u); /* still enabled */
}

static void test_sgi_generation(void **state)
{
	(void)state;
	const uint64_t mpidrs[4] = {0x0, 0x1, 0x2, 0x3};
	setup_vgic(4, mpidrs, 32);
	uint32_t targets = 0;
	/* TargetList 0b1010, INTID 5 -> vCPUs 1 and 3. */
	vgic_sgi_generate(&g, 0, (5ull << 24) | 0xa, &targets);
	assert_int_equal(targets, 0xa);
	assert_int_equal(rec.n, 0); /* SGIs not enabled yet */
	uint8_t flags;
	assert_true(vgic_irq_state(&g, 3, 5, &flags, NULL));
	assert_true(flags & VGIC_IRQ_PENDING);
	assert_true(vgic_irq_state(&g, 0, 5, &flags, NULL));
	assert_false(flags & VGIC_IRQ_PENDING);
	/* The source itself may be a target. */
	vgic_sgi_generate(&g, 2, (5ull << 24) | 0x4, &targets);
	assert_int_equal(targets, 0x4);
	/* IRM = 1: everyone but the source. */
	vgic_sgi_generate(&g, 2, (1ull << 40) | (7ull << 24), &targets);
	assert_int_equal(targets, 0xb);
	/* Aff1 = 1 matches nobody; RS = 1 means Aff0 16..31: nobody. */
	vgic_sgi_generate(&g, 0, (1ull << 16) | 0xf, &targets);
	assert_int_equal(targets, 0);
	vgic_sgi_generate(&g, 0, (1ull << 44) | 0xf, &targets);
	assert_int_equal(targets, 0);
	/* Enabled: delivery to each target. */
	wr(0x0, 4, 0x2);
	for (unsigned c = 0; c < 4; c++) {
		rwr(c, 0x10080, 4, 0xffffffffu);
		rwr(c, 0x10100, 4, 0xffffu);
	}
	unsigned before = rec.n;
	assert_int_equal(before, 6); /* SGI 5 pending on vCPUs 1, 2, 3 and SGI 7 on 0, 1, 3 */
	memset(&rec, 0, sizeof(rec));
	vgic_sgi_generate(&g, 1, (9ull << 24) | 0x9, &targets);
	assert_int_equal(targets, 0x9);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.d[0].vcpu, 0);
	assert_int_equal(rec.d[0].intid, 9);
	assert_int_equal(rec.d[1].vcpu, 3);
	/* Aff1/Aff2/Aff3 targeting with clustered MPIDRs. */
	const uint64_t clustered[2] = {0x10203ull | (4ull << 32), 0x0};
	setup_vgic(2, clustered, 32);
	vgic_sgi_generate(&g, 1, (4ull << 48) | (1ull << 32) | (2ull << 16) | (3ull << 24) | (1u << 3),
	                  &targets);
	assert_int_equal(targets, 0x1);
	assert_int_equal(vgic_vcpu_by_mpidr(&g, 0x10203ull | (4ull << 32) | (1ull << 31)), 0);
	assert_int_equal(vgic_vcpu_by_mpidr(&g, 0x5), -1);
}

static void test_init_args(void **state)
{
	(void)state;
	struct vgic_hooks hooks = {.ctx = NULL, .deliver = NULL};
	assert_false(vgic_init(&g, 1, NULL, 32, &hooks));
	hooks.deliver = record;
	assert_false(vgic_init(&g, 0, NULL, 32, &hooks));
	assert_false(vgic_init(&g, VGIC_MAX_VCPUS + 1, NULL, 32, &hooks));
	assert_true(vgic_init(&g, VGIC_MAX_VCPUS, NULL, 0, &hooks));
	assert_int_equal(g.nr_spis, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gicd_identity),
	    cmocka_unit_test(test_gicd_bad_access),
	    cmocka_unit_test(test_gicd_enable_pending_delivery),
	    cmocka_unit_test(test_gicd_priority_bytes),
	    cmocka_unit_test(test_gicd_icfgr_and_level),
	    cmocka_unit_test(test_gicd_irouter),
	    cmocka_unit_test(test_gicr_identity_and_waker),
	    cmocka_unit_test(test_gicr_sgi_frame),
	    cmocka_unit_test(test_sgi_generation),
	    cmocka_unit_test(test_private_fast_path),
	    cmocka_unit_test(test_init_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
