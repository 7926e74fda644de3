/* Unit tests for rv/system/dev/clint.c. Offsets are the SiFive CLINT's, written out literally: msip
 * 0x0 + 4*hart, mtimecmp 0x4000 + 8*hart, mtime 0xbff8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rv/system/dev/clint.h"

#define HARTS 2u

static struct rv_clint c;
static uint64_t ticks;
static bool msip[HARTS];
static unsigned msip_calls;
static uint64_t cmp_seen[HARTS];
static unsigned cmp_calls;
static unsigned mtime_calls;

static uint64_t h_clock(void *ctx)
{
	assert_ptr_equal(ctx, &c);
	return ticks;
}

static void h_set_msip(void *ctx, unsigned hart, bool level)
{
	assert_ptr_equal(ctx, &c);
	assert_true(hart < HARTS);
	msip[hart] = level;
	msip_calls++;
}

static void h_mtimecmp_changed(void *ctx, unsigned hart, uint64_t value)
{
	assert_ptr_equal(ctx, &c);
	assert_true(hart < HARTS);
	cmp_seen[hart] = value;
	cmp_calls++;
}

static void h_mtime_changed(void *ctx)
{
	assert_ptr_equal(ctx, &c);
	mtime_calls++;
}

static void setup(void)
{
	ticks = 1000;
	memset(msip, 0, sizeof(msip));
	memset(cmp_seen, 0, sizeof(cmp_seen));
	msip_calls = cmp_calls = mtime_calls = 0;
	struct rv_clint_hooks hooks = {.ctx = &c,
	                               .clock = h_clock,
	                               .set_msip = h_set_msip,
	                               .mtimecmp_changed = h_mtimecmp_changed,
	                               .mtime_changed = h_mtime_changed};
	memset(&c, 0x33, sizeof(c));
	assert_true(rv_clint_init(&c, HARTS, &hooks));
}

static uint64_t rd(uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;
	assert_int_equal(rv_clint_mmio_ops.read(&c, off, size, &v), RV_MMIO_OK);
	if (size == 4)
		assert_true(v <= 0xffffffffull);
	return v;
}

static void wr(uint64_t off, unsigned size, uint64_t v)
{
	assert_int_equal(rv_clint_mmio_ops.write(&c, off, size, v), RV_MMIO_OK);
}

static void test_init(void **state)
{
	(void)state;
	struct rv_clint q;
	struct rv_clint_hooks hooks = {.clock = h_clock};
	struct rv_clint_hooks no_clock = {0};
	assert_false(rv_clint_init(&q, 0, &hooks));
	assert_false(rv_clint_init(&q, RV_VIRT_MAX_HARTS + 1, &hooks));
	assert_false(rv_clint_init(&q, 1, &no_clock));
	assert_false(rv_clint_init(&q, 1, NULL));
	setup();
	/* mtimecmp resets to all ones so no timer fires before software programs one. */
	for (unsigned h = 0; h < HARTS; h++) {
		assert_int_equal(rd(0x4000 + 8 * h, 8), UINT64_MAX);
		assert_int_equal(rd(0x4000 + 8 * h, 4), 0xffffffff);
		assert_int_equal(rd(0x4004 + 8 * h, 4), 0xffffffff);
		assert_int_equal(rv_clint_mtimecmp(&c, h), UINT64_MAX);
		assert_int_equal(rd(4 * h, 4), 0);
	}
	assert_int_equal(rv_clint_mtime(&c), 1000);
}

static void test_msip(void **state)
{
	(void)state;
	setup();
	wr(0x4, 4, 0xffffffff);
	assert_int_equal(rd(0x4, 4), 1); /* bit 0 only */
	assert_true(msip[1]);
	assert_false(msip[0]);
	assert_int_equal(msip_calls, 1);
	/* A repeated write is reported again (a second IPI still wakes the hart). */
	wr(0x4, 4, 1);
	assert_int_equal(msip_calls, 2);
	wr(0x4, 4, 0xfffffffe);
	assert_int_equal(rd(0x4, 4), 0);
	assert_false(msip[1]);
	wr(0x0, 4, 1);
	assert_true(msip[0]);
	assert_int_equal(rd(0x0, 4), 1);
}

static void test_mtime(void **state)
{
	(void)state;
	setup();
	ticks = 0x123456789abcull;
	assert_int_equal(rd(0xbff8, 8), 0x123456789abcull);
	assert_int_equal(rd(0xbff8, 4), 0x56789abc);
	assert_int_equal(rd(0xbffc, 4), 0x1234);
	/* A write sets an offset: mtime keeps counting from the written value. */
	wr(0xbff8, 8, 5000);
	assert_int_equal(mtime_calls, 1);
	assert_int_equal(rd(0xbff8, 8), 5000);
	ticks += 250;
	assert_int_equal(rd(0xbff8, 8), 5250);
	assert_int_equal(rv_clint_mtime(&c), 5250);
	assert_int_equal(rv_clint_mtime_to_clock(&c, 5250), ticks);
	/* Halves: the other half keeps its value at the moment of the write. */
	wr(0xbffc, 4, 0x7);
	assert_int_equal(rd(0xbff8, 8), 0x700001482ull);
	wr(0xbff8, 4, 0x10);
	assert_int_equal(rd(0xbff8, 8), 0x700000010ull);
	ticks += 1;
	assert_int_equal(rd(0xbffc, 4), 0x7);
	assert_int_equal(rd(0xbff8, 4), 0x11);
	assert_int_equal(mtime_calls, 3);
	/* Setting mtime behind the clock ("negative" offset) works modulo 2^64. */
	wr(0xbff8, 8, 0);
	assert_int_equal(rd(0xbff8, 8), 0);
	ticks += 3;
	assert_int_equal(rv_clint_mtime(&c), 3);
}

static void test_mtimecmp(void **state)
{
	(void)state;
	setup();
	/* The usual 32-bit sequence: low half all ones first, then high, then low. */
	wr(0x4008, 4, 0xffffffff);
	assert_int_equal(cmp_seen[1], UINT64_MAX);
	wr(0x400c, 4, 0x2);
	assert_int_equal(cmp_seen[1], 0x2ffffffffull);
	wr(0x4008, 4, 0x100);
	assert_int_equal(cmp_seen[1], 0x200000100ull);
	assert_int_equal(cmp_calls, 3);
	assert_int_equal(rv_clint_mtimecmp(&c, 1), 0x200000100ull);
	assert_int_equal(rd(0x4008, 8), 0x200000100ull);
	assert_int_equal(rd(0x400c, 4), 0x2);
	assert_int_equal(rv_clint_mtimecmp(&c, 0), UINT64_MAX); /* hart 0 untouched */
	/* 64-bit write. */
	wr(0x4000, 8, 0x1122334455667788ull);
	assert_int_equal(cmp_seen[0], 0x1122334455667788ull);
	assert_int_equal(rd(0x4000, 4), 0x55667788);
	assert_int_equal(rd(0x4004, 4), 0x11223344);
	/* A 4-byte write uses the low 32 bits of the value only. */
	wr(0x4004, 4, 0xaaaaaaaa00000001ull);
	assert_int_equal(rv_clint_mtimecmp(&c, 0), 0x0000000155667788ull);
	/* mtimecmp does not move mtime. */
	assert_int_equal(mtime_calls, 0);
	assert_int_equal(rv_clint_mtime(&c), 1000);
}

static void test_absent_harts(void **state)
{
	(void)state;
	setup();
	wr(0x8, 4, 1); /* hart 2 does not exist */
	assert_int_equal(rd(0x8, 4), 0);
	assert_int_equal(msip_calls, 0);
	wr(0x4010, 8, 5);
	assert_int_equal(rd(0x4010, 8), 0);
	wr(0x4014, 4, 5);
	assert_int_equal(rd(0x4014, 4), 0);
	assert_int_equal(cmp_calls, 0);
	assert_int_equal(rv_clint_mtimecmp(&c, 2), UINT64_MAX);
	assert_int_equal(rv_clint_mtimecmp(&c, 1000), UINT64_MAX);
	assert_int_equal(rd(0x3ffc, 4), 0);
	assert_int_equal(rd(0xbff0, 8), 0);
	/* Reserved space after mtime. */
	wr(0xc000, 4, 1);
	assert_int_equal(rd(0xc000, 4), 0);
	assert_int_equal(rd(0xfff8, 8), 0);
}

static void test_access_errors(void **state)
{
	(void)state;
	setup();
	uint64_t v = 0;
	/* msip: 4 bytes only. */
	assert_int_equal(rv_clint_mmio_ops.read(&c, 0x0, 8, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.write(&c, 0x0, 8, 1), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.write(&c, 0x0, 1, 1), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.write(&c, 0x0, 2, 1), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.write(&c, 0x2, 4, 1), RV_MMIO_ERROR);
	assert_int_equal(msip_calls, 0);
	/* Timers: 4 or 8 bytes, naturally aligned. */
	assert_int_equal(rv_clint_mmio_ops.read(&c, 0x4000, 1, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.read(&c, 0x4000, 2, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.write(&c, 0x4004, 8, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.write(&c, 0x4002, 4, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.read(&c, 0xbffc, 8, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.write(&c, 0xbff8, 2, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.read(&c, 0x4000, 0, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.read(&c, 0x4000, 3, &v), RV_MMIO_ERROR);
	assert_int_equal(cmp_calls, 0);
	assert_int_equal(mtime_calls, 0);
	/* Past the region. */
	assert_int_equal(rv_clint_mmio_ops.read(&c, 0x10000, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.write(&c, 0x10000, 8, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_clint_mmio_ops.read(&c, UINT64_MAX - 7, 8, &v), RV_MMIO_ERROR);
}

static void test_optional_hooks(void **state)
{
	(void)state;
	/* Only the clock is required. */
	struct rv_clint_hooks hooks = {.ctx = &c, .clock = h_clock};
	ticks = 7;
	assert_true(rv_clint_init(&c, 1, &hooks));
	wr(0x0, 4, 1);
	wr(0x4000, 8, 9);
	wr(0xbff8, 8, 100);
	assert_int_equal(rd(0x0, 4), 1);
	assert_int_equal(rv_clint_mtimecmp(&c, 0), 9);
	assert_int_equal(rv_clint_mtime(&c), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),           cmocka_unit_test(test_msip),
	    cmocka_unit_test(test_mtime),          cmocka_unit_test(test_mtimecmp),
	    cmocka_unit_test(test_absent_harts),   cmocka_unit_test(test_access_errors),
	    cmocka_unit_test(test_optional_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
