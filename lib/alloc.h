/* Allocators for the hypervisor (usable on the host in tests).
 *
 * k_page_alloc: physical pages (4 KiB) from ranges given at init. Each range keeps a bitmap (1 bit per page)
 * in its own first pages, so no other memory is needed. Allocations are N contiguous pages aligned to a
 * power-of-two number of pages (e.g. 512 pages aligned to 512 = a 2 MiB block for stage-2 mappings).
 * Addresses are ones the caller can access directly (karasu-hv maps RAM 1:1 at EL2).
 *
 * k_heap: small objects by size class (16 .. 1024 bytes) in slab pages taken from a k_page_alloc; larger
 * requests get whole pages. Objects are aligned to 16 bytes, and to 64 bytes when the request is 64 bytes or
 * more. Empty slab pages go back to the page allocator. Allocator metadata lives in page headers, not
 * inside free objects, so a use-after-free write cannot corrupt the allocator's lists.
 *
 * Neither is thread-safe: callers serialize (karasu-hv holds its allocator lock around these calls).
 */
#ifndef KARASU_LIB_ALLOC_H
#define KARASU_LIB_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define K_PAGE_SHIFT            12u
#define K_PAGE_SIZE             (1ul << K_PAGE_SHIFT)
#define K_PAGE_ALLOC_MAX_RANGES 8u

struct k_page_range {
	uintptr_t base;   /* first allocatable page (after the bitmap) */
	size_t npages;    /* allocatable pages */
	uint64_t *bitmap; /* bit set = page in use */
	size_t next_hint; /* where the next search starts (first-fit from here, then wraps) */
};

struct k_page_alloc {
	struct k_page_range ranges[K_PAGE_ALLOC_MAX_RANGES];
	unsigned nranges;
	size_t total_pages;
	size_t free_pages;
};

void k_page_alloc_init(struct k_page_alloc *pa);
/* Adds [base, base+size): trimmed inward to page boundaries; the range's bitmap is placed in its first
 * page(s). Returns 0, or -1 if the range is too small to hold a page after its bitmap, overlaps a range
 * already added, starts at address 0 (an allocation there would look like NULL), or there are already
 * K_PAGE_ALLOC_MAX_RANGES ranges. */
int k_page_alloc_add_range(struct k_page_alloc *pa, uintptr_t base, size_t size);
/* Marks [base, base+size) (rounded out to pages) in use, e.g. the hypervisor image or the DTB. Pages
 * outside every range are ignored. */
void k_page_alloc_reserve(struct k_page_alloc *pa, uintptr_t base, size_t size);
/* npages contiguous pages whose address is a multiple of align_pages * K_PAGE_SIZE (align_pages a power of
 * two; 0 means 1). Returns NULL if none. The memory is not cleared. */
void *k_page_alloc(struct k_page_alloc *pa, size_t npages, size_t align_pages);
/* Frees pages from k_page_alloc. Returns 0, or -1 if the range is not inside the allocator or some page
 * in it is not allocated (double free); then nothing is changed. */
int k_page_free(struct k_page_alloc *pa, void *ptr, size_t npages);
size_t k_page_alloc_free_pages(const struct k_page_alloc *pa);
size_t k_page_alloc_total_pages(const struct k_page_alloc *pa);

#define K_HEAP_MIN_SIZE  16u
#define K_HEAP_MAX_SMALL 1024u
#define K_HEAP_CLASSES   7u /* 16 32 64 128 256 512 1024 */

struct k_slab; /* header at the start of each slab page (lib/alloc_heap.c) */

struct k_heap {
	struct k_page_alloc *pages;
	struct k_slab *partial[K_HEAP_CLASSES]; /* slabs with at least one free object */
	size_t bytes_in_use;                    /* bytes handed out (rounded up to the size class / pages) */
	size_t slab_pages;                      /* pages held by slabs */
	size_t large_pages;                     /* pages held by large allocations */
};

void k_heap_init(struct k_heap *h, struct k_page_alloc *pages);
/* NULL if size is 0 or memory is exhausted. */
void *k_heap_alloc(struct k_heap *h, size_t size);
/* Like k_heap_alloc, zero-filled. */
void *k_heap_zalloc(struct k_heap *h, size_t size);
/* Frees an object from k_heap_alloc; NULL is ignored. Returns 0, or -1 for a pointer the heap did not hand
 * out (bad header, misaligned inside its slab, or already free). */
int k_heap_free(struct k_heap *h, void *ptr);

#endif
