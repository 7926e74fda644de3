/* Helpers shared by the tests of rv/system/virt_dtb.c (test_rv_virt_dtb.c: the generated tree and the ISA
 * parser; test_rv_virt_dtb_patch.c: patching a -dtb blob). A header, not a .c: tests/unit/test_*.c each
 * become a test program. */
#ifndef KARASU_TESTS_UNIT_TEST_RV_VIRT_DTB_UTIL_H
#define KARASU_TESTS_UNIT_TEST_RV_VIRT_DTB_UTIL_H

#include "tests/unit/test_fdt_util.h"

#include "rv/system/virt_dtb.h"
#include "rv/system/virt_map.h"

#define DTB_BUF_SIZE (64 * 1024)
#define GIB          (1024ull * 1024 * 1024)

/* Where build_ok writes the blob. */
static uint8_t dtb_buf[DTB_BUF_SIZE];

static inline struct rv_virt_dtb_params default_params(unsigned harts)
{
	struct rv_virt_dtb_params p = {
	    .nr_harts = harts,
	    .ram_size = GIB,
	    .mmu = RV_VIRT_MMU_SV48,
	};
	return p;
}

/* Builds into dtb_buf, opens it and checks its whole structure; returns the size. */
static inline size_t build_ok(const struct rv_virt_dtb_params *p, struct fdt *fdt)
{
	size_t size;
	int err = rv_virt_dtb_build(p, dtb_buf, sizeof(dtb_buf), &size);
	if (err != FDT_OK)
		fail_msg("rv_virt_dtb_build: %s", fdt_strerror(err));
	assert_true(size <= rv_virt_dtb_size_bound(p));
	open_ok(fdt, dtb_buf, size);
	assert_int_equal(fdt_check_structure(fdt), FDT_OK);
	return size;
}

static inline void assert_string_prop(const struct fdt *fdt, int node, const char *name, const char *want)
{
	const char *s;
	if (fdt_prop_string(fdt, node, name, &s) != FDT_OK)
		fail_msg("no string property %s", name);
	assert_string_equal(s, want);
}

#endif
