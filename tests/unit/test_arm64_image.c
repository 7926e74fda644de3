/* hv/core/arm64_image.c: where an arm64 Image, its initrd and the devicetree go in guest RAM, with values
 * from Documentation/arch/arm64/booting.rst (text_offset at byte 8, image_size at byte 16, "ARM\x64" at
 * byte 56; image_size 0 means unknown). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/core/arm64_image.h"

#define MIB   (1ull << 20)
#define BLOCK (2 * MIB)

static void store_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void header(uint8_t hdr[64], uint64_t text_offset, uint64_t image_size)
{
	memset(hdr, 0, 64);
	store_le64(hdr + 8, text_offset);
	store_le64(hdr + 16, image_size);
	memcpy(hdr + 56, "ARM\x64", 4);
}

static void test_layout(void **state)
{
	(void)state;
	uint8_t hdr[64];
	struct arm64_image_layout l;

	/* A 6.x kernel: 42 MiB file, 44.2 MiB image, RAM at 1 GiB. */
	header(hdr, 0, 0x2c30000);
	assert_int_equal(
	    arm64_image_layout(hdr, 64, 0x2a00000, 0x40000000, 256 * MIB, 8 * MIB, 0x10000, BLOCK, &l),
	    ARM64_IMAGE_OK);
	assert_int_equal(l.kernel_addr, 0x40000000);
	assert_int_equal(l.image_size, 0x2c30000);
	assert_int_equal(l.initrd_addr, 0x42e00000); /* 0x42c30000 rounded up to 2 MiB */
	assert_int_equal(l.dtb_addr, 0x43600000);    /* after 8 MiB of initrd */

	/* image_size 0 (before Linux 3.17): the file rounded up, plus one block; text_offset honoured. */
	header(hdr, 0x80000, 0);
	assert_int_equal(arm64_image_layout(hdr, 64, 0x900000, 0x40000000, 64 * MIB, 0, 0x10000, BLOCK, &l),
	                 ARM64_IMAGE_OK);
	assert_int_equal(l.kernel_addr, 0x40080000);
	assert_int_equal(l.image_size, 0xc00000);
	assert_int_equal(l.initrd_addr, 0x40e00000);
	assert_int_equal(l.dtb_addr, 0x40e00000);

	/* An image_size smaller than the file: the file counts. Exactly filling RAM is a fit. */
	header(hdr, 0, 0x1000);
	assert_int_equal(arm64_image_layout(hdr, 64, BLOCK, 0x80000000, 6 * MIB, BLOCK, BLOCK, BLOCK, &l),
	                 ARM64_IMAGE_OK);
	assert_int_equal(l.image_size, BLOCK);
	assert_int_equal(l.dtb_addr, 0x80400000);
	assert_int_equal(arm64_image_layout(hdr, 64, BLOCK, 0x80000000, 6 * MIB - 1, BLOCK, BLOCK, BLOCK, &l),
	                 ARM64_IMAGE_NO_FIT);
}

static void test_refusals(void **state)
{
	(void)state;
	uint8_t hdr[64];
	struct arm64_image_layout l;

	header(hdr, 0, BLOCK);
	assert_int_equal(arm64_image_layout(hdr, 63, BLOCK, 0, 64 * MIB, 0, 0x10000, BLOCK, &l),
	                 ARM64_IMAGE_NOT_IMAGE);
	assert_int_equal(arm64_image_layout(hdr, 64, 63, 0, 64 * MIB, 0, 0x10000, BLOCK, &l),
	                 ARM64_IMAGE_NOT_IMAGE);
	hdr[59] = 0x65;
	assert_int_equal(arm64_image_layout(hdr, 64, BLOCK, 0, 64 * MIB, 0, 0x10000, BLOCK, &l),
	                 ARM64_IMAGE_NOT_IMAGE);
	header(hdr, 0, BLOCK);
	assert_int_equal(arm64_image_layout(hdr, 64, BLOCK, 0, 64 * MIB, 0, 0x10000, 3 * MIB, &l),
	                 ARM64_IMAGE_BAD_ARG);
	assert_int_equal(
	    arm64_image_layout(hdr, 64, BLOCK, UINT64_MAX - MIB, 64 * MIB, 0, 0x10000, BLOCK, &l),
	    ARM64_IMAGE_BAD_ARG);
	/* text_offset past RAM */
	header(hdr, 64 * MIB, BLOCK);
	assert_int_equal(arm64_image_layout(hdr, 64, BLOCK, 0, 64 * MIB, 0, 0x10000, BLOCK, &l),
	                 ARM64_IMAGE_NO_FIT);
}

/* The sums must not wrap: an image_size of 2^64 - 1 MiB with RAM at 0 once put the devicetree at address 0,
 * on top of the kernel (karasu-hv's image_load.c computed align_up(kernel + image_size) in 64 bits). */
static void test_no_wrap(void **state)
{
	(void)state;
	uint8_t hdr[64];
	struct arm64_image_layout l;

	header(hdr, 0, 0xfffffffffff00000ull);
	assert_int_equal(arm64_image_layout(hdr, 64, 0x20000, 0, 256 * MIB, 0, 0x10000, BLOCK, &l),
	                 ARM64_IMAGE_NO_FIT);
	header(hdr, 0xffffffffffe00000ull, BLOCK);
	assert_int_equal(arm64_image_layout(hdr, 64, 0x20000, 0x40000000, 256 * MIB, 0, 0x10000, BLOCK, &l),
	                 ARM64_IMAGE_NO_FIT);
	header(hdr, 0, 0);
	assert_int_equal(arm64_image_layout(hdr, 64, UINT64_MAX, 0, 256 * MIB, 0, 0x10000, BLOCK, &l),
	                 ARM64_IMAGE_NO_FIT);
	header(hdr, 0, BLOCK);
	assert_int_equal(
	    arm64_image_layout(hdr, 64, BLOCK, 0, 256 * MIB, UINT64_MAX - MIB, 0x10000, BLOCK, &l),
	    ARM64_IMAGE_NO_FIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_no_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
