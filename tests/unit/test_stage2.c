/* Unit tests for hv/arch/arm64/stage2.c: tables are walked by hand here, independently of the module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/arch/arm64/stage2.h"

struct fake_alloc {
	long live_pages;
	long budget; /* pages still allowed; <0 = unlimited */
	int tlb_calls;
	uint64_t tlb_ipa, tlb_size;
	long live_at_tlb; /* live_pages when tlb_invalidate was last called */
};

static void *fa_alloc(void *ctx, size_t npages)
{
	struct fake_alloc *fa = ctx;
	if (fa->budget >= 0) {
		if ((long)npages > fa->budget)
			return NULL;
		fa->budget -= (long)npages;
	}
	void *p = aligned_alloc(4096 * npages, 4096 * npages);
	memset(p, 0xa5, 4096 * npages); /* the module must clear tables itself */
	fa->live_pages += (long)npages;
	return p;
}

static void fa_free(void *ctx, void *p, size_t npages)
{
	struct fake_alloc *fa = ctx;
	fa->live_pages -= (long)npages;
	free(p);
}

static void fa_tlb(void *ctx, uint64_t ipa, uint64_t size)
{
	struct fake_alloc *fa = ctx;
	fa->tlb_calls++;
	fa->live_at_tlb = fa->live_pages;
	fa->tlb_ipa = ipa;
	fa->tlb_size = size;
}

static struct stage2_ops make_ops(struct fake_alloc *fa)
{
	struct stage2_ops ops = {
	    .ctx = fa, .alloc_pages = fa_alloc, .free_pages = fa_free, .tlb_invalidate = fa_tlb};
	return ops;
}

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Descriptor values computed from the ARM ARM field positions, written out independently of the module. */
#define RAM_LEAF_ATTRS 0x7fcull /* MemAttr 0b1111 [5:2], S2AP 0b11 [7:6], SH 0b11 [9:8], AF [10] */
#define BLOCK_RAM(pa)  ((pa) | RAM_LEAF_ATTRS | 0x1ull)
#define PAGE_RAM(pa)   ((pa) | RAM_LEAF_ATTRS | 0x3ull)

/* Hand walk: returns the leaf descriptor and its level, 0 if none. */
static uint64_t walk(const struct stage2 *s2, uint64_t ipa, unsigned *level_out)
{
	const uint64_t *table = s2->root;
	for (unsigned level = s2->start_level; level <= 3; level++) {
		unsigned shift = 12 + 9 * (3 - level);
		uint64_t idx = (ipa >> shift) & (level == s2->start_level ? s2->root_tables * 512 - 1 : 511);
		uint64_t d = table[idx];
		if (!(d & 1))
			return 0;
		if (level < 3 && (d & 2)) {
			table = (const uint64_t *)(uintptr_t)(d & 0x0000fffffffff000ull);
			continue;
		}
		if (level_out)
			*level_out = level;
		return d;
	}
	return 0;
}

static void test_parange_vtcr(void **state)
{
	(void)state;
	static const struct {
		unsigned parange, bits, t0sz, sl0, tables, ps;
	} cases[] = {
	    {0, 32, 32, 1, 1, 0}, {1, 36, 28, 1, 1, 1}, {2, 40, 24, 1, 2, 2}, {3, 42, 22, 1, 8, 3},
	    {4, 44, 20, 2, 1, 4}, {5, 48, 16, 2, 1, 5}, {6, 48, 16, 2, 1, 5}, /* 52-bit PA capped without LPA2 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_alloc fa = {.budget = -1};
		struct stage2_ops ops = make_ops(&fa);
		struct stage2 s2;
		assert_int_equal(stage2_init(&s2, cases[i].parange, &ops), S2_OK);
		assert_int_equal(s2.ipa_bits, cases[i].bits);
		assert_int_equal(s2.root_tables, cases[i].tables);
		assert_int_equal(fa.live_pages, cases[i].tables);
		uint64_t vtcr = stage2_vtcr(&s2);
		assert_int_equal(vtcr & 0x3f, cases[i].t0sz);
		assert_int_equal((vtcr >> 6) & 3, cases[i].sl0);
		assert_int_equal((vtcr >> 16) & 7, cases[i].ps);
		assert_int_equal((vtcr >> 14) & 3, 0);    /* TG0 4K */
		assert_int_equal((vtcr >> 12) & 3, 3);    /* inner shareable */
		assert_int_equal((vtcr >> 8) & 0xf, 0x5); /* IRGN0 = ORGN0 = WBWA */
		assert_true(vtcr & (1ull << 31));         /* RES1 */
		stage2_destroy(&s2);
		assert_int_equal(fa.live_pages, 0);
	}
	/* A full value for 40 bits, assembled by hand. */
	struct fake_alloc fa = {.budget = -1};
	struct stage2_ops ops = make_ops(&fa);
	struct stage2 s2;
	assert_int_equal(stage2_init(&s2, 2, &ops), S2_OK);
	assert_int_equal(stage2_vtcr(&s2), 0x80023558ull);
	assert_int_equal(stage2_vttbr(&s2, 5), (uint64_t)(uintptr_t)s2.root | (5ull << 48));
	stage2_destroy(&s2);
	assert_int_equal(stage2_init(&s2, 7, &ops), S2_ERR_ARG);
	assert_int_equal(stage2_parange_bits(3), 42);
	assert_int_equal(stage2_parange_bits(9), -1);
}

static void test_blocks_and_pages(void **state)
{
	(void)state;
	struct fake_alloc fa = {.budget = -1};
	struct stage2_ops ops = make_ops(&fa);
	struct stage2 s2;
	assert_int_equal(stage2_init(&s2, 2, &ops), S2_OK);
	/* 2 MiB aligned: blocks only. */
	assert_int_equal(stage2_map(&s2, 0x40000000, 0x80000000, 4 * MiB, S2_ATTR_NORMAL_RWX), S2_OK);
	unsigned level = 0;
	assert_int_equal(walk(&s2, 0x40000000, &level), BLOCK_RAM(0x80000000ull));
	assert_int_equal(level, 2);
	assert_int_equal(walk(&s2, 0x40200000 + 0x1234, &level), BLOCK_RAM(0x80200000ull));
	assert_int_equal(walk(&s2, 0x40400000, NULL), 0);
	assert_int_equal(walk(&s2, 0x3ffff000, NULL), 0);

	/* Unaligned start: 511 pages, one block, one page. */
	assert_int_equal(stage2_map(&s2, 0x1001000, 0x90001000, 4 * MiB, S2_ATTR_NORMAL_RWX), S2_OK);
	assert_int_equal(walk(&s2, 0x1001000, &level), PAGE_RAM(0x90001000ull));
	assert_int_equal(level, 3);
	assert_int_equal(walk(&s2, 0x11ff000, &level), PAGE_RAM(0x901ff000ull));
	assert_int_equal(level, 3);
	assert_int_equal(walk(&s2, 0x1200000, &level), BLOCK_RAM(0x90200000ull));
	assert_int_equal(level, 2);
	assert_int_equal(walk(&s2, 0x1400000, &level), PAGE_RAM(0x90400000ull));
	assert_int_equal(level, 3);
	assert_int_equal(walk(&s2, 0x1401000, NULL), 0);
	assert_int_equal(walk(&s2, 0x1000000, NULL), 0);

	/* IPA aligned but PA not: pages only. */
	assert_int_equal(stage2_map(&s2, 0x2000000, 0xa0001000, 2 * MiB, S2_ATTR_NORMAL_RWX), S2_OK);
	for (uint64_t off = 0; off < 2 * MiB; off += 0x1000) {
		assert_int_equal(walk(&s2, 0x2000000 + off, &level), PAGE_RAM(0xa0001000ull + off));
		assert_int_equal(level, 3);
	}

	/* Device and read-only attributes. */
	assert_int_equal(stage2_map(&s2, 0x8000000, 0x8000000, 0x10000, S2_ATTR_DEVICE), S2_OK);
	uint64_t d = walk(&s2, 0x8000000, &level);
	assert_int_equal(d, 0x8000000ull | (1ull << 54) | (1 << 10) | (3 << 6) | (1 << 2) | 3);
	assert_int_equal(stage2_map(&s2, 0x9000000, 0x7000000, 0x1000, S2_ATTR_NORMAL_RO), S2_OK);
	d = walk(&s2, 0x9000000, &level);
	assert_int_equal(d, 0x7000000ull | 0x400 | 0x300 | (1 << 6) | 0x3c | 3);

	/* Lookups. */
	struct stage2_mapping m;
	assert_true(stage2_lookup(&s2, 0x40201234, &m));
	assert_int_equal(m.pa, 0x80201234ull);
	assert_int_equal(m.span, 2 * MiB - 0x1234);
	assert_int_equal(m.level, 2);
	assert_int_equal(m.attr, S2_ATTR_NORMAL_RWX);
	assert_true(stage2_lookup(&s2, 0x1001ff0, &m));
	assert_int_equal(m.pa, 0x90001ff0ull);
	assert_int_equal(m.span, 0x10);
	assert_true(stage2_lookup(&s2, 0x8000010, &m));
	assert_int_equal(m.attr, S2_ATTR_DEVICE);
	assert_true(stage2_lookup(&s2, 0x9000000, &m));
	assert_int_equal(m.attr, S2_ATTR_NORMAL_RO);
	assert_false(stage2_lookup(&s2, 0x40400000, &m));
	assert_false(stage2_lookup(&s2, 0, &m));
	assert_false(stage2_lookup(&s2, 1ull << 40, &m)); /* outside the 40-bit IPA space */
	assert_false(stage2_lookup(&s2, ~0ull, &m));
	stage2_destroy(&s2);
	assert_int_equal(fa.live_pages, 0);
}

static void test_overlap_and_errors(void **state)
{
	(void)state;
	struct fake_alloc fa = {.budget = -1};
	struct stage2_ops ops = make_ops(&fa);
	struct stage2 s2;
	assert_int_equal(stage2_init(&s2, 0, &ops), S2_OK); /* 32-bit IPA */
	assert_int_equal(stage2_map(&s2, 0x40000000, 0x40000000, 4 * MiB, S2_ATTR_NORMAL_RWX), S2_OK);
	/* Overlaps at the end of an otherwise free range: nothing of the new range may appear. */
	assert_int_equal(stage2_map(&s2, 0x3fe00000, 0x10000000, 2 * MiB + 0x1000, S2_ATTR_NORMAL_RWX),
	                 S2_ERR_OVERLAP);
	assert_false(stage2_lookup(&s2, 0x3fe00000, NULL));
	assert_false(stage2_lookup(&s2, 0x3ffff000, NULL));
	/* Exactly the same range, and a range inside. */
	assert_int_equal(stage2_map(&s2, 0x40000000, 0x40000000, 4 * MiB, S2_ATTR_NORMAL_RWX),
	                 S2_ERR_OVERLAP);
	assert_int_equal(stage2_map(&s2, 0x40301000, 0x1000, 0x1000, S2_ATTR_DEVICE), S2_ERR_OVERLAP);
	struct stage2_mapping m;
	assert_true(stage2_lookup(&s2, 0x40301000, &m));
	assert_int_equal(m.pa, 0x40301000ull);
	/* Adjacent is fine. */
	assert_int_equal(stage2_map(&s2, 0x40400000, 0x50000000, 0x1000, S2_ATTR_NORMAL_RWX), S2_OK);

	assert_int_equal(stage2_map(&s2, 0x1000, 0x2000, 0, S2_ATTR_NORMAL_RWX), S2_ERR_ALIGN);
	assert_int_equal(stage2_map(&s2, 0x1800, 0x2000, 0x1000, S2_ATTR_NORMAL_RWX), S2_ERR_ALIGN);
	assert_int_equal(stage2_map(&s2, 0x1000, 0x2800, 0x1000, S2_ATTR_NORMAL_RWX), S2_ERR_ALIGN);
	assert_int_equal(stage2_map(&s2, 0x1000, 0x2000, 0x1800, S2_ATTR_NORMAL_RWX), S2_ERR_ALIGN);
	/* Top of the 32-bit space is fine, beyond it is not. */
	assert_int_equal(stage2_map(&s2, 0xffe00000, 0x1000000, 2 * MiB, S2_ATTR_NORMAL_RWX), S2_OK);
	assert_int_equal(stage2_map(&s2, 0x100000000ull, 0, 0x1000, S2_ATTR_NORMAL_RWX), S2_ERR_RANGE);
	assert_int_equal(stage2_map(&s2, 0xfffff000, 0, 0x2000, S2_ATTR_NORMAL_RWX), S2_ERR_RANGE);
	assert_int_equal(stage2_map(&s2, 0x0, 1ull << 48, 0x1000, S2_ATTR_NORMAL_RWX), S2_ERR_RANGE);
	assert_int_equal(stage2_map(&s2, 0x0, 0, 0x1000, (enum stage2_attr)42), S2_ERR_ARG);
	assert_int_equal(stage2_unmap(&s2, 0x0, 0x800), S2_ERR_ALIGN);
	stage2_destroy(&s2);
	assert_int_equal(fa.live_pages, 0);
}

static void test_unmap_split(void **state)
{
	(void)state;
	struct fake_alloc fa = {.budget = -1};
	struct stage2_ops ops = make_ops(&fa);
	struct stage2 s2;
	assert_int_equal(stage2_init(&s2, 5, &ops), S2_OK); /* 48-bit, level 0 start */
	long base_pages = fa.live_pages;
	assert_int_equal(stage2_map(&s2, 0x40000000, 0x80000000, 6 * MiB, S2_ATTR_NORMAL_RWX), S2_OK);
	long mapped_pages = fa.live_pages;
	assert_int_equal(mapped_pages - base_pages, 2); /* level-1 and level-2 tables */
	/* Punch a hole from the middle of block 0 to the middle of block 1. */
	fa.tlb_calls = 0;
	assert_int_equal(stage2_unmap(&s2, 0x40100000, 2 * MiB), S2_OK);
	assert_true(fa.tlb_calls >= 1);
	assert_int_equal(fa.tlb_ipa, 0x40100000ull);
	assert_int_equal(fa.tlb_size, 2 * MiB);
	struct stage2_mapping m;
	assert_true(stage2_lookup(&s2, 0x400ff000, &m));
	assert_int_equal(m.pa, 0x800ff000ull);
	assert_int_equal(m.level, 3);
	assert_false(stage2_lookup(&s2, 0x40100000, &m));
	assert_false(stage2_lookup(&s2, 0x402ff000, &m));
	assert_true(stage2_lookup(&s2, 0x40300000, &m));
	assert_int_equal(m.pa, 0x80300000ull);
	assert_int_equal(m.level, 3);
	assert_true(stage2_lookup(&s2, 0x40400000, &m));
	assert_int_equal(m.level, 2); /* untouched block */
	/* Remapping the hole works now; overlapping the rest does not. */
	assert_int_equal(stage2_map(&s2, 0x40100000, 0x12300000, 2 * MiB, S2_ATTR_NORMAL_RWX), S2_OK);
	assert_true(stage2_lookup(&s2, 0x40100000, &m));
	assert_int_equal(m.pa, 0x12300000ull);
	assert_int_equal(stage2_unmap(&s2, 0x40000000, 6 * MiB), S2_OK);
	assert_false(stage2_lookup(&s2, 0x40000000, &m));
	assert_false(stage2_lookup(&s2, 0x40500000, &m));
	/* Every intermediate table went back. */
	assert_int_equal(fa.live_pages, base_pages);
	/* Unmapping nothing does not flush. */
	fa.tlb_calls = 0;
	assert_int_equal(stage2_unmap(&s2, 0x40000000, 6 * MiB), S2_OK);
	assert_int_equal(fa.tlb_calls, 0);
	stage2_destroy(&s2);
	assert_int_equal(fa.live_pages, 0);
}

/* A page of register values for an emulated device: Device-nGnRE, read-only, execute-never. Unmapping it frees
 * the table that held it only after the TLB invalidation (a PE may walk a table until then). */
static void test_device_ro_page_and_deferred_free(void **state)
{
	(void)state;
	struct fake_alloc fa = {.budget = -1};
	struct stage2_ops ops = make_ops(&fa);
	struct stage2 s2;
	unsigned level;
	assert_int_equal(stage2_init(&s2, 2, &ops), S2_OK); /* 40-bit */
	long base_pages = fa.live_pages;
	assert_int_equal(stage2_map(&s2, 0x9000000, 0x7654000, 0x1000, S2_ATTR_DEVICE_RO), S2_OK);
	uint64_t d = walk(&s2, 0x9000000, &level);
	/* MemAttr 0b0001 [5:2], S2AP 0b01 (read-only) [7:6], SH 0b00, AF [10], XN [54], page + valid. */
	assert_int_equal(d, 0x7654000ull | (1ull << 54) | (1 << 10) | (1 << 6) | (1 << 2) | 3);
	assert_int_equal(level, 3);
	struct stage2_mapping m;
	assert_true(stage2_lookup(&s2, 0x9000018, &m));
	assert_int_equal(m.attr, S2_ATTR_DEVICE_RO);
	assert_int_equal(m.pa, 0x7654018ull);
	long with_tables = fa.live_pages;
	assert_true(with_tables > base_pages);
	fa.tlb_calls = 0;
	assert_int_equal(stage2_unmap(&s2, 0x9000000, 0x1000), S2_OK);
	assert_int_equal(fa.tlb_calls, 1);
	assert_int_equal(fa.live_at_tlb, with_tables); /* nothing freed before the invalidation */
	assert_int_equal(fa.live_pages, base_pages);   /* and everything after it */
	assert_false(stage2_lookup(&s2, 0x9000000, &m));
	/* Mapped again, as the vPL011 does when its FIFO is empty again. */
	assert_int_equal(stage2_map(&s2, 0x9000000, 0x7654000, 0x1000, S2_ATTR_DEVICE_RO), S2_OK);
	assert_true(stage2_lookup(&s2, 0x9000000, &m));
	stage2_destroy(&s2);
	assert_int_equal(fa.live_pages, 0);
}

static void test_nomem(void **state)
{
	(void)state;
	struct fake_alloc fa = {.budget = 2}; /* the two concatenated root tables */
	struct stage2_ops ops = make_ops(&fa);
	struct stage2 s2;
	assert_int_equal(stage2_init(&s2, 2, &ops), S2_OK);
	/* Needs a level-2 and a level-3 table, and no page is left. */
	assert_int_equal(stage2_map(&s2, 0x40000000, 0x40000000, 0x3000, S2_ATTR_NORMAL_RWX), S2_ERR_NOMEM);
	fa.budget = 1; /* level-2 table ok, level-3 fails after the 2 MiB block was made */
	assert_int_equal(stage2_map(&s2, 0x40000000, 0x40000000, 2 * MiB + 0x1000, S2_ATTR_NORMAL_RWX),
	                 S2_ERR_NOMEM);
	assert_false(stage2_lookup(&s2, 0x40000000, NULL)); /* the block was undone */
	assert_int_equal(fa.live_pages, 2);                 /* only the root tables remain */
	/* Splitting a block needs a page. */
	fa.budget = 1;
	assert_int_equal(stage2_map(&s2, 0x40000000, 0x40000000, 2 * MiB, S2_ATTR_NORMAL_RWX), S2_OK);
	assert_int_equal(stage2_unmap(&s2, 0x40001000, 0x1000), S2_ERR_NOMEM);
	assert_true(stage2_lookup(&s2, 0x40001000, NULL));
	struct stage2_ops no_alloc = {0};
	struct stage2 other;
	assert_int_equal(stage2_init(&other, 2, &no_alloc), S2_ERR_ARG);
	stage2_destroy(&s2);
	assert_int_equal(fa.live_pages, 0);
}

static void test_many_pages_lookup_roundtrip(void **state)
{
	(void)state;
	struct fake_alloc fa = {.budget = -1};
	struct stage2_ops ops = make_ops(&fa);
	struct stage2 s2;
	assert_int_equal(stage2_init(&s2, 3, &ops), S2_OK); /* 42-bit: 8 concatenated root tables */
	/* Scattered mappings across the concatenated root tables. */
	for (uint64_t i = 0; i < 8; i++) {
		uint64_t ipa = i << 39 | 0x1000 * (i + 1);
		assert_int_equal(stage2_map(&s2, ipa, 0x100000 * (i + 1), 0x1000, S2_ATTR_NORMAL_RWX), S2_OK);
	}
	for (uint64_t i = 0; i < 8; i++) {
		struct stage2_mapping m;
		uint64_t ipa = i << 39 | 0x1000 * (i + 1);
		assert_true(stage2_lookup(&s2, ipa + 8, &m));
		assert_int_equal(m.pa, 0x100000 * (i + 1) + 8);
		assert_int_equal(walk(&s2, ipa, NULL), PAGE_RAM(0x100000 * (i + 1)));
		assert_false(stage2_lookup(&s2, ipa + 0x1000, &m));
	}
	stage2_destroy(&s2);
	assert_int_equal(fa.live_pages, 0);
}

/* The top 2 MiB of each IPA size maps and translates, and one byte beyond is refused. */
static void test_top_of_each_ipa_size(void **state)
{
	(void)state;
	for (unsigned parange = 0; parange <= 5; parange++) {
		struct fake_alloc fa = {.budget = -1};
		struct stage2_ops ops = make_ops(&fa);
		struct stage2 s2;
		assert_int_equal(stage2_init(&s2, parange, &ops), S2_OK);
		uint64_t top = 1ull << s2.ipa_bits;
		assert_int_equal(stage2_map(&s2, top - 2 * MiB, 0x80000000, 2 * MiB, S2_ATTR_NORMAL_RWX),
		                 S2_OK);
		assert_int_equal(stage2_map(&s2, 0, 0x90000000, 0x1000, S2_ATTR_NORMAL_RWX), S2_OK);
		struct stage2_mapping m;
		assert_true(stage2_lookup(&s2, top - 1, &m));
		assert_int_equal(m.pa, 0x80000000ull + 2 * MiB - 1);
		assert_int_equal(walk(&s2, top - 2 * MiB, NULL), BLOCK_RAM(0x80000000ull));
		assert_true(stage2_lookup(&s2, 0x10, &m));
		assert_int_equal(m.pa, 0x90000010ull);
		assert_false(stage2_lookup(&s2, top, &m));
		assert_int_equal(stage2_map(&s2, top - 0x1000, 0, 0x2000, S2_ATTR_NORMAL_RWX), S2_ERR_RANGE);
		assert_int_equal(stage2_unmap(&s2, top - 2 * MiB, 2 * MiB), S2_OK);
		assert_false(stage2_lookup(&s2, top - 1, &m));
		stage2_destroy(&s2);
		assert_int_equal(fa.live_pages, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parange_vtcr),
	    cmocka_unit_test(test_blocks_and_pages),
	    cmocka_unit_test(test_overlap_and_errors),
	    cmocka_unit_test(test_unmap_split),
	    cmocka_unit_test(test_device_ro_page_and_deferred_free),
	    cmocka_unit_test(test_nomem),
	    cmocka_unit_test(test_many_pages_lookup_roundtrip),
	    cmocka_unit_test(test_top_of_each_ipa_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
