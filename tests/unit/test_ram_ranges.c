/* hv/core/ram_ranges: free RAM = memory minus holes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/core/ram_ranges.h"

#define MiB (1ull << 20)

static void test_no_holes_gives_whole_range(void **state)
{
	(void)state;
	struct ram_range out[4];
	size_t dropped = 99;
	size_t n = ram_ranges_subtract(0x40000000, 0x80000000, NULL, 0, 0, out, 4, &dropped);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].start, 0x40000000);
	assert_int_equal(out[0].end, 0x80000000);
	assert_int_equal(dropped, 0);
}

/* The QEMU -kernel ELF layout: DTB at the very start of RAM, the image 2 MiB in. */
static void test_dtb_at_start_and_image(void **state)
{
	(void)state;
	struct ram_range holes[] = {{0x40200000, 0x402ab000}, {0x40000000, 0x40100000}};
	struct ram_range out[4];
	size_t n = ram_ranges_subtract(0x40000000, 0x80000000, holes, 2, 0, out, 4, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].start, 0x40100000);
	assert_int_equal(out[0].end, 0x40200000);
	assert_int_equal(out[1].start, 0x402ab000);
	assert_int_equal(out[1].end, 0x80000000);
}

static void test_overlapping_and_touching_holes_merge(void **state)
{
	(void)state;
	struct ram_range holes[] = {{0x1000, 0x3000}, {0x2000, 0x5000}, {0x5000, 0x6000}, {0x9000, 0x9000}};
	struct ram_range out[4];
	size_t n = ram_ranges_subtract(0x0, 0x10000, holes, 4, 0, out, 4, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].start, 0x0);
	assert_int_equal(out[0].end, 0x1000);
	assert_int_equal(out[1].start, 0x6000); /* the empty hole at 0x9000 cuts nothing */
	assert_int_equal(out[1].end, 0x10000);
}

static void test_holes_beyond_and_covering_the_range(void **state)
{
	(void)state;
	struct ram_range outside[] = {{0x0, 0x1000}, {0x20000, 0x30000}};
	struct ram_range out[4];
	assert_int_equal(ram_ranges_subtract(0x8000, 0x10000, outside, 2, 0, out, 4, NULL), 1);
	assert_int_equal(out[0].start, 0x8000);
	assert_int_equal(out[0].end, 0x10000);

	struct ram_range covering[] = {{0x4000, 0x20000}};
	assert_int_equal(ram_ranges_subtract(0x8000, 0x10000, covering, 1, 0, out, 4, NULL), 0);

	struct ram_range tail[] = {{0xc000, 0x40000}};
	assert_int_equal(ram_ranges_subtract(0x8000, 0x10000, tail, 1, 0, out, 4, NULL), 1);
	assert_int_equal(out[0].end, 0xc000);
}

static void test_small_pieces_are_dropped(void **state)
{
	(void)state;
	struct ram_range holes[] = {{0x1000, 0x100000}, {0x101000, 0x200000}};
	struct ram_range out[4];
	/* [0, 0x1000) and [0x100000, 0x101000) are one page each: below the 64 KiB minimum. */
	size_t n = ram_ranges_subtract(0x0, 0x300000, holes, 2, 0x10000, out, 4, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].start, 0x200000);
	assert_int_equal(out[0].end, 0x300000);
}

static void test_output_limit_counts_dropped(void **state)
{
	(void)state;
	struct ram_range holes[] = {{1 * MiB, 2 * MiB}, {3 * MiB, 4 * MiB}, {5 * MiB, 6 * MiB}};
	struct ram_range out[2];
	size_t dropped = 0;
	size_t n = ram_ranges_subtract(0, 8 * MiB, holes, 3, 0, out, 2, &dropped);
	assert_int_equal(n, 2);
	assert_int_equal(dropped, 2);
	assert_int_equal(out[1].start, 2 * MiB);
	assert_int_equal(out[1].end, 3 * MiB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_holes_gives_whole_range),
	    cmocka_unit_test(test_dtb_at_start_and_image),
	    cmocka_unit_test(test_overlapping_and_touching_holes_merge),
	    cmocka_unit_test(test_holes_beyond_and_covering_the_range),
	    cmocka_unit_test(test_small_pieces_are_dropped),
	    cmocka_unit_test(test_output_limit_counts_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
