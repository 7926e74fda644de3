/* lib/alloc_page.c and lib/alloc_heap.c on host memory, with a shadow model as the oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

#define MIB (1024u * 1024u)

struct arena {
	uint8_t *mem;
	size_t size;
};

static struct arena arena_new(size_t size, size_t align)
{
	struct arena a = {.mem = aligned_alloc(align, size), .size = size};

	assert_non_null(a.mem);
	return a;
}

static void test_single_pages(void **state)
{
	(void)state;
	struct arena a = arena_new(4 * MIB, K_PAGE_SIZE);
	struct k_page_alloc pa;
	static void *pages[1024];
	size_t n = 0;
	void *p;

	k_page_alloc_init(&pa);
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)a.mem, a.size), 0);
	/* 1024 pages, one of them holds the bitmap. */
	assert_int_equal(k_page_alloc_total_pages(&pa), 1023);
	assert_int_equal(k_page_alloc_free_pages(&pa), 1023);
	while ((p = k_page_alloc(&pa, 1, 0)) != NULL) {
		assert_true((uintptr_t)p % K_PAGE_SIZE == 0);
		assert_true((uint8_t *)p >= a.mem + K_PAGE_SIZE && (uint8_t *)p < a.mem + a.size);
		memset(p, (int)n,
		       K_PAGE_SIZE); /* must not clobber the bitmap (ASan would not notice; the model
						    below would) */
		pages[n++] = p;
		assert_true(n <= 1023);
	}
	assert_int_equal(n, 1023);
	assert_int_equal(k_page_alloc_free_pages(&pa), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(((uint8_t *)pages[i])[K_PAGE_SIZE - 1], (uint8_t)i);
	}
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(k_page_free(&pa, pages[i], 1), 0);
	}
	assert_int_equal(k_page_alloc_free_pages(&pa), 1023);
	/* Double free, misaligned, outside, zero pages: refused, nothing changes. */
	assert_int_equal(k_page_free(&pa, pages[0], 1), -1);
	assert_int_equal(k_page_free(&pa, (uint8_t *)pages[0] + 8, 1), -1);
	assert_int_equal(k_page_free(&pa, a.mem, 1), -1); /* the bitmap page */
	assert_int_equal(k_page_free(&pa, a.mem + a.size, 1), -1);
	assert_int_equal(k_page_free(&pa, pages[0], 0), -1);
	assert_int_equal(k_page_alloc_free_pages(&pa), 1023);
	assert_null(k_page_alloc(&pa, 0, 1));
	assert_null(k_page_alloc(&pa, 1024, 1));
	assert_null(k_page_alloc(&pa, 1, 3)); /* alignment not a power of two */
	free(a.mem);
}

static void test_partial_free_is_refused_whole(void **state)
{
	(void)state;
	struct arena a = arena_new(1 * MIB, K_PAGE_SIZE);
	struct k_page_alloc pa;
	uint8_t *p, *q;

	k_page_alloc_init(&pa);
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)a.mem, a.size), 0);
	p = k_page_alloc(&pa, 4, 1);
	assert_non_null(p);
	assert_int_equal(k_page_free(&pa, p + 2 * K_PAGE_SIZE, 1), 0);
	/* Freeing all 4 again includes an already-free page: refused, the other 3 stay allocated. */
	assert_int_equal(k_page_free(&pa, p, 4), -1);
	q = k_page_alloc(&pa, 1, 1);
	assert_ptr_equal(q, p + 2 * K_PAGE_SIZE); /* first fit finds the hole */
	assert_int_equal(k_page_free(&pa, p, 4), 0);
	free(a.mem);
}

static void test_aligned_blocks(void **state)
{
	(void)state;
	/* 16 MiB at an address that is page- but not 2 MiB-aligned. */
	struct arena a = arena_new(18 * MIB, 2 * MIB);
	uintptr_t base = (uintptr_t)a.mem + 3 * K_PAGE_SIZE;
	struct k_page_alloc pa;
	void *blocks[16];
	int n = 0;
	void *p;

	k_page_alloc_init(&pa);
	assert_int_equal(k_page_alloc_add_range(&pa, base, 16 * MIB), 0);
	while ((p = k_page_alloc(&pa, 512, 512)) != NULL) {
		assert_int_equal((uintptr_t)p % (2 * MIB), 0);
		assert_true((uintptr_t)p >= base && (uintptr_t)p + 2 * MIB <= base + 16 * MIB);
		blocks[n++] = p;
	}
	/* The range covers 8 2-MiB slots, but its first pages hold the bitmap and it starts 3 pages into one:
	 * 7 aligned blocks fit. */
	assert_int_equal(n, 7);
	/* Small allocations still fit in the unaligned leftovers. */
	assert_non_null(k_page_alloc(&pa, 16, 16));
	for (int i = 0; i < n; i++) {
		assert_int_equal(k_page_free(&pa, blocks[i], 512), 0);
	}
	free(a.mem);
}

static void test_ranges_and_reserve(void **state)
{
	(void)state;
	struct arena a = arena_new(2 * MIB, K_PAGE_SIZE);
	struct arena b = arena_new(1 * MIB, K_PAGE_SIZE);
	struct k_page_alloc pa;
	uint8_t *reserved_lo = a.mem + 64 * K_PAGE_SIZE;
	uint8_t *reserved_hi = a.mem + 96 * K_PAGE_SIZE;
	size_t count = 0;
	uint8_t *p;

	k_page_alloc_init(&pa);
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)a.mem, a.size), 0);
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)a.mem + MIB, MIB), -1);   /* overlaps */
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)b.mem, K_PAGE_SIZE), -1); /* no room */
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)b.mem + 100, b.size - 100), 0);
	/* 511 + 255 pages (b lost its first partial page to rounding). */
	assert_int_equal(k_page_alloc_total_pages(&pa), 511 + 254);
	/* Reserve 32 pages, given unaligned. */
	k_page_alloc_reserve(&pa, (uintptr_t)reserved_lo + 5, (size_t)(reserved_hi - reserved_lo) - 10);
	assert_int_equal(k_page_alloc_free_pages(&pa), 511 + 254 - 32);
	k_page_alloc_reserve(&pa, (uintptr_t)reserved_lo, K_PAGE_SIZE); /* again: no double count */
	assert_int_equal(k_page_alloc_free_pages(&pa), 511 + 254 - 32);
	while ((p = k_page_alloc(&pa, 1, 1)) != NULL) {
		assert_false(p >= reserved_lo && p < reserved_hi);
		count++;
	}
	assert_int_equal(count, 511 + 254 - 32);
	free(a.mem);
	free(b.mem);
}

/* Random allocations and frees against a shadow map of page owners; when the allocator says "no", a
 * brute-force search confirms there is no aligned free run. */
static void test_random_model(void **state)
{
	(void)state;
	enum { PAGES = 512, LIVE = 64 };
	struct arena a = arena_new((PAGES + 1) * K_PAGE_SIZE, K_PAGE_SIZE);
	struct k_page_alloc pa;
	int owner[PAGES];
	struct {
		uint8_t *p;
		size_t n;
	} live[LIVE] = {{0}};
	uint64_t rng = 12345;
	uintptr_t base;
	int refusals = 0;

	k_page_alloc_init(&pa);
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)a.mem, a.size), 0);
	assert_int_equal(k_page_alloc_total_pages(&pa), PAGES);
	base = (uintptr_t)a.mem + K_PAGE_SIZE;
	for (int i = 0; i < PAGES; i++) {
		owner[i] = -1;
	}
	for (int iter = 0; iter < 20000; iter++) {
		int slot;
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		slot = (int)((rng >> 33) % LIVE);
		if (live[slot].p != NULL) {
			size_t first = ((uintptr_t)live[slot].p - base) / K_PAGE_SIZE;
			assert_int_equal(k_page_free(&pa, live[slot].p, live[slot].n), 0);
			for (size_t i = first; i < first + live[slot].n; i++) {
				assert_int_equal(owner[i], slot);
				owner[i] = -1;
			}
			live[slot].p = NULL;
		} else {
			size_t n = 1 + (rng >> 40) % 24;
			size_t align = (size_t)1 << ((rng >> 50) % 5);
			uint8_t *p = k_page_alloc(&pa, n, align);
			if (p == NULL) {
				/* Oracle: no aligned run of n free pages exists. */
				for (size_t s = 0; s + n <= PAGES; s++) {
					bool fits = ((base + s * K_PAGE_SIZE) % (align * K_PAGE_SIZE)) == 0;
					for (size_t i = s; fits && i < s + n; i++) {
						fits = owner[i] == -1;
					}
					assert_false(fits);
				}
				refusals++;
				continue;
			}
			assert_int_equal((uintptr_t)p % (align * K_PAGE_SIZE), 0);
			size_t first = ((uintptr_t)p - base) / K_PAGE_SIZE;
			assert_true(first + n <= PAGES);
			for (size_t i = first; i < first + n; i++) {
				assert_int_equal(owner[i], -1);
				owner[i] = slot;
			}
			live[slot].p = p;
			live[slot].n = n;
		}
		size_t free_count = 0;
		for (int i = 0; i < PAGES; i++) {
			free_count += owner[i] == -1;
		}
		assert_int_equal(k_page_alloc_free_pages(&pa), free_count);
	}
	assert_true(refusals > 0); /* the model did reach exhaustion/fragmentation */
	free(a.mem);
}

static void test_heap_objects(void **state)
{
	(void)state;
	struct arena a = arena_new(8 * MIB, K_PAGE_SIZE);
	struct k_page_alloc pa;
	struct k_heap heap;
	enum { N = 3000 };
	static uint8_t *objs[N];
	static size_t sizes[N];
	size_t initial_free;
	uint64_t rng = 99;

	k_page_alloc_init(&pa);
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)a.mem, a.size), 0);
	initial_free = k_page_alloc_free_pages(&pa);
	k_heap_init(&heap, &pa);
	assert_null(k_heap_alloc(&heap, 0));
	for (int i = 0; i < N; i++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		sizes[i] = 1 + (rng >> 33) % (i % 10 == 0 ? 9000 : 1024);
		objs[i] = k_heap_alloc(&heap, sizes[i]);
		assert_non_null(objs[i]);
		assert_int_equal((uintptr_t)objs[i] % 16, 0);
		if (sizes[i] >= 64) {
			assert_int_equal((uintptr_t)objs[i] % 64, 0);
		}
		memset(objs[i], i & 0xff, sizes[i]);
	}
	/* No two objects overlap: every byte still holds its owner's pattern. */
	for (int i = 0; i < N; i++) {
		for (size_t k = 0; k < sizes[i]; k++) {
			assert_int_equal(objs[i][k], (uint8_t)(i & 0xff));
		}
	}
	/* Free half, check, reallocate. */
	for (int i = 0; i < N; i += 2) {
		assert_int_equal(k_heap_free(&heap, objs[i]), 0);
		assert_int_equal(k_heap_free(&heap, objs[i]), -1); /* double free */
	}
	for (int i = 1; i < N; i += 2) {
		assert_int_equal(objs[i][sizes[i] - 1], (uint8_t)(i & 0xff));
	}
	for (int i = 0; i < N; i += 2) {
		objs[i] = k_heap_zalloc(&heap, sizes[i]);
		assert_non_null(objs[i]);
		for (size_t k = 0; k < sizes[i]; k++) {
			assert_int_equal(objs[i][k], 0);
		}
	}
	/* Pointers the heap never handed out. */
	assert_int_equal(k_heap_free(&heap, objs[1] + 1), -1);
	assert_int_equal(k_heap_free(&heap, (void *)((uintptr_t)objs[1] & ~(uintptr_t)(K_PAGE_SIZE - 1))),
	                 -1);
	assert_int_equal(k_heap_free(&heap, NULL), 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(k_heap_free(&heap, objs[i]), 0);
	}
	/* Everything went back to the page allocator. */
	assert_int_equal(heap.bytes_in_use, 0);
	assert_int_equal(heap.slab_pages, 0);
	assert_int_equal(heap.large_pages, 0);
	assert_int_equal(k_page_alloc_free_pages(&pa), initial_free);
	free(a.mem);
}

static void test_heap_exhaustion(void **state)
{
	(void)state;
	struct arena a = arena_new(64 * K_PAGE_SIZE, K_PAGE_SIZE);
	struct k_page_alloc pa;
	struct k_heap heap;
	int count = 0;

	k_page_alloc_init(&pa);
	assert_int_equal(k_page_alloc_add_range(&pa, (uintptr_t)a.mem, a.size), 0);
	k_heap_init(&heap, &pa);
	assert_null(k_heap_alloc(&heap, 64 * K_PAGE_SIZE)); /* larger than everything */
	assert_null(k_heap_alloc(&heap, SIZE_MAX));
	while (k_heap_alloc(&heap, 1000) != NULL) {
		count++;
	}
	/* 63 pages, 3 objects of the 1024 class per page. */
	assert_int_equal(count, 63 * 3);
	free(a.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single_pages),    cmocka_unit_test(test_partial_free_is_refused_whole),
	    cmocka_unit_test(test_aligned_blocks),  cmocka_unit_test(test_ranges_and_reserve),
	    cmocka_unit_test(test_random_model),    cmocka_unit_test(test_heap_objects),
	    cmocka_unit_test(test_heap_exhaustion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
