/* Unit tests for the GICv2 distributor model (hv/vdev/vgicd_v2.c over hv/vdev/vgic.c in GICv2 mode). Expected
 * register values are assembled from the GICv2 specification's layouts (IHI 0048B, 4.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/vgic.h"
#include "hv/vdev/vgicd.h"
#include "hv/vdev/vgicd_v2.h"

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

static void setup(unsigned nr_vcpus, unsigned nr_spis)
{
	memset(&rec, 0, sizeof(rec));
	struct vgic_hooks hooks = {.ctx = &rec, .deliver = record};
	assert_true(vgic_init_v2(&g, nr_vcpus, nr_spis, &hooks));
}

static uint32_t rd(unsigned vcpu, uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;
	assert_true(vgicd_v2_mmio_read(&g, vcpu, off, size, &v));
	return (uint32_t)v;
}

static void wr(unsigned vcpu, uint64_t off, unsigned size, uint32_t v)
{
	assert_true(vgicd_v2_mmio_write(&g, vcpu, off, size, v));
}

static void test_identity(void **state)
{
	(void)state;
	setup(4, 64);
	/* ITLinesNumber = 96/32 - 1 = 2, CPUNumber [7:5] = 3, SecurityExtn [10] = 0. */
	assert_int_equal(rd(0, 0x004, 4), 0x2u | (3u << 5));
	assert_int_equal(rd(0, 0xfe8, 4), 0x20); /* ICPIDR2.ArchRev = 2 */
	assert_int_equal(rd(0, 0x000, 4), 0);
	wr(0, 0x000, 4, 0xffffffffu); /* only EnableGrp0/EnableGrp1 are writable */
	assert_int_equal(rd(0, 0x000, 4), 0x3);
	assert_int_equal(rd(0, 0x008, 4), VGIC_IIDR);
	/* GICv2 allows at most 8 CPU interfaces. */
	struct vgic_hooks hooks = {.ctx = &rec, .deliver = record};
	assert_false(vgic_init_v2(&g, 9, 64, &hooks));
	assert_false(vgic_init_v2(&g, 0, 64, &hooks));
}

static void test_access_rules(void **state)
{
	(void)state;
	setup(2, 64);
	uint64_t v;
	/* Byte access: IPRIORITYR, ITARGETSR, CPENDSGIR, SPENDSGIR only. */
	assert_true(vgicd_v2_mmio_read(&g, 0, 0x420, 1, &v));
	assert_true(vgicd_v2_mmio_read(&g, 0, 0x821, 1, &v));
	assert_true(vgicd_v2_mmio_read(&g, 0, 0xf13, 1, &v));
	assert_true(vgicd_v2_mmio_read(&g, 0, 0xf2f, 1, &v));
	assert_false(vgicd_v2_mmio_read(&g, 0, 0x100, 1, &v));
	assert_false(vgicd_v2_mmio_write(&g, 0, 0xf00, 1, 0));
	/* No halfword or doubleword accesses, no misalignment, nothing past the 4 KiB frame. */
	assert_false(vgicd_v2_mmio_read(&g, 0, 0x420, 2, &v));
	assert_false(vgicd_v2_mmio_read(&g, 0, 0x000, 8, &v));
	assert_false(vgicd_v2_mmio_read(&g, 0, 0x422, 4, &v));
	assert_false(vgicd_v2_mmio_read(&g, 0, 0x1000, 4, &v));
	/* An accessing vCPU the partition does not have. */
	assert_false(vgicd_v2_mmio_read(&g, 2, 0x000, 4, &v));
	/* SGIR is write-only: reads as zero. */
	assert_int_equal(rd(0, 0xf00, 4), 0);
}

static void test_banked_private(void **state)
{
	(void)state;
	setup(4, 32);
	/* ITARGETSR0-7 read as the accessing CPU interface's bit in every byte; writes are ignored. */
	for (unsigned cpu = 0; cpu < 4; cpu++) {
		assert_int_equal(rd(cpu, 0x800, 4), 0x01010101u << cpu);
		assert_int_equal(rd(cpu, 0x81c, 4), 0x01010101u << cpu);
		assert_int_equal(rd(cpu, 0x81f, 1), 1u << cpu);
	}
	wr(1, 0x81b, 1, 0xff);
	assert_int_equal(rd(1, 0x818, 4), 0x02020202u);
	/* ISENABLER0 is per vCPU: vCPU 1 enabling PPI 27 leaves vCPU 0's alone. */
	wr(1, 0x100, 4, 1u << 27);
	assert_int_equal(rd(1, 0x100, 4), 1u << 27);
	assert_int_equal(rd(0, 0x100, 4), 0);
	/* Priorities of INTIDs 0-31 are banked too. */
	wr(2, 0x41b, 1, 0xa0);
	assert_int_equal(rd(2, 0x418, 4), 0xa0000000u);
	assert_int_equal(rd(0, 0x418, 4), 0);
	/* ICFGR0 (SGIs) reads edge (0b10 per SGI) and ignores writes. */
	assert_int_equal(rd(0, 0xc00, 4), 0xaaaaaaaau);
	wr(0, 0xc00, 4, 0);
	assert_int_equal(rd(0, 0xc00, 4), 0xaaaaaaaau);
}

/* SPIs go to the lowest-numbered existing vCPU named by ITARGETSR; none while the list is empty. */
static void test_spi_targets(void **state)
{
	(void)state;
	setup(2, 64);
	const uint32_t spi = 40;
	wr(0, 0x000, 4, 0x1);                       /* EnableGrp0 */
	wr(0, 0x400 + spi, 1, 0x80);                /* priority */
	assert_int_equal(rd(0, 0x800 + spi, 1), 0); /* reset: no target */
	wr(0, 0x100 + 4, 4, 1u << (spi - 32));      /* enable */
	wr(0, 0x200 + 4, 4, 1u << (spi - 32));      /* pending */
	assert_int_equal(rec.n, 0);                 /* nowhere to go */
	assert_int_equal(rd(0, 0x200 + 4, 4), 1u << (spi - 32));

	/* CPUs 2-7 do not exist: still not delivered, and their bits read as zero. */
	wr(0, 0x800 + spi, 1, 0xfc);
	assert_int_equal(rec.n, 0);
	assert_int_equal(rd(0, 0x800 + spi, 1), 0);

	/* Targets {0, 1}: vCPU 0; a word write sets four INTIDs' targets at once. */
	wr(0, 0x800 + spi, 4, 0x00000302u);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.d[0].vcpu, 1);
	assert_int_equal(rec.d[0].intid, spi);
	assert_int_equal(rec.d[0].priority, 0x80);
	assert_false(rec.d[0].group1);
	assert_int_equal(rd(0, 0x800 + spi, 4), 0x00000302u);
	assert_int_equal(vgic_spi_target(&g, spi), 1);
	assert_int_equal(vgic_spi_target(&g, spi + 1), 0);
	assert_int_equal(vgic_spi_target(&g, spi + 2), -1);
}

static void test_sgir(void **state)
{
	(void)state;
	setup(4, 32);
	wr(0, 0x000, 4, 0x1);
	for (unsigned cpu = 0; cpu < 4; cpu++)
		wr(cpu, 0x100, 4, 0xffffu); /* SGIs enabled on every vCPU */
	/* Target list {1, 3} from vCPU 0, SGI 5. */
	wr(0, 0xf00, 4, (0x0au << 16) | 5u);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.d[0].vcpu, 1);
	assert_int_equal(rec.d[1].vcpu, 3);
	assert_int_equal(rec.d[0].intid, 5);
	/* Filter 1: all but the requester (vCPU 2). */
	rec.n = 0;
	wr(2, 0xf00, 4, (1u << 24) | 6u);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.d[0].vcpu, 0);
	assert_int_equal(rec.d[1].vcpu, 1);
	assert_int_equal(rec.d[2].vcpu, 3);
	/* Filter 2: the requester only, whatever the list says. */
	rec.n = 0;
	wr(3, 0xf00, 4, (2u << 24) | (0x01u << 16) | 7u);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.d[0].vcpu, 3);
	assert_int_equal(rec.d[0].intid, 7);
	/* Filter 3 is reserved: nothing; CPUs 4-7 do not exist: nothing. */
	rec.n = 0;
	wr(0, 0xf00, 4, (3u << 24) | (0xffu << 16) | 8u);
	wr(0, 0xf00, 4, (0xf0u << 16) | 8u);
	assert_int_equal(rec.n, 0);
}

/* SGIs pend through SGIR/SPENDSGIR and are cleared through CPENDSGIR; ISPENDR0/ICPENDR0 ignore their bits. */
static void test_sgi_pending_registers(void **state)
{
	(void)state;
	setup(2, 32);
	/* The distributor is off: nothing is delivered, the pending state stays visible. */
	wr(1, 0x200, 4, 1u << 3);
	assert_int_equal(rd(1, 0x200, 4), 0);
	wr(1, 0xf20, 4, 0x00000100u); /* SPENDSGIR0 byte 1: SGI 1 from CPU 0 */
	assert_int_equal(rd(1, 0x200, 4), 1u << 1);
	assert_int_equal(rd(1, 0xf20, 4), 0x00000100u);
	assert_int_equal(rd(1, 0xf10, 4), 0x00000100u); /* CPENDSGIR reads the same state */
	assert_int_equal(rd(0, 0x200, 4), 0);           /* banked: vCPU 0 has none */
	wr(1, 0x280, 4, 1u << 1);                       /* ICPENDR0 cannot clear an SGI */
	assert_int_equal(rd(1, 0x200, 4), 1u << 1);
	wr(1, 0xf11, 1, 0x04); /* CPENDSGIR, SGI 1, any source bit */
	assert_int_equal(rd(1, 0x200, 4), 0);
	/* SGIR then SPENDSGIR of SGI 15 by byte. */
	wr(0, 0xf00, 4, (0x02u << 16) | 15u);
	assert_int_equal(rd(1, 0xf2f, 1), 0x01);
	/* PPIs do pend through ISPENDR0. */
	wr(1, 0x200, 4, 1u << 20);
	assert_int_equal(rd(1, 0x200, 4), (1u << 20) | (1u << 15));
}

static void test_beyond_itlines(void **state)
{
	(void)state;
	setup(2, 64); /* INTIDs 0-95 */
	wr(0, 0x100 + 96 / 8, 4, 0xffffffffu);
	assert_int_equal(rd(0, 0x100 + 96 / 8, 4), 0);
	wr(0, 0x400 + 96, 4, 0xa0a0a0a0u);
	assert_int_equal(rd(0, 0x400 + 96, 4), 0);
	wr(0, 0x800 + 1016, 4, 0x01010101u);
	assert_int_equal(rd(0, 0x800 + 1016, 4), 0);
	wr(0, 0xc00 + 96 / 4, 4, 0xaaaaaaaau);
	assert_int_equal(rd(0, 0xc00 + 96 / 4, 4), 0);
	/* The last byte of ITARGETSR (INTID 1023) and of the frame's ID space. */
	wr(0, 0xbff, 1, 0xff);
	assert_int_equal(rd(0, 0xbff, 1), 0);
	assert_int_equal(rd(0, 0xffc, 4), 0);
}

/* A level SPI (a device line) goes to its target and comes back after the guest finished it while the line is
 * still high. */
static void test_level_line_redelivered(void **state)
{
	(void)state;
	setup(2, 32);
	const uint32_t spi = 33;
	wr(0, 0x000, 4, 0x1);
	wr(0, 0x800 + spi, 1, 0x02);
	wr(0, 0x100 + 4, 4, 1u << (spi - 32));
	assert_true(vgic_set_level(&g, 0, spi, true));
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.d[0].vcpu, 1);
	vgic_irq_done(&g, 1, spi);
	assert_int_equal(rec.n, 2);
	assert_true(vgic_set_level(&g, 0, spi, false));
	vgic_irq_done(&g, 1, spi);
	assert_int_equal(rec.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identity),       cmocka_unit_test(test_access_rules),
	    cmocka_unit_test(test_banked_private), cmocka_unit_test(test_spi_targets),
	    cmocka_unit_test(test_sgir),           cmocka_unit_test(test_sgi_pending_registers),
	    cmocka_unit_test(test_beyond_itlines), cmocka_unit_test(test_level_line_redelivered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
