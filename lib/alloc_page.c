/* Physical page allocator: one bitmap per range, kept in the range's first pages (see lib/alloc.h). */
#include "lib/alloc.h"

#include "lib/mem.h"

#define BITS_PER_WORD 64u

static bool test_bit(const uint64_t *bitmap, size_t i)
{
	return (bitmap[i / BITS_PER_WORD] >> (i % BITS_PER_WORD)) & 1u;
}

static void set_bit(uint64_t *bitmap, size_t i)
{
	bitmap[i / BITS_PER_WORD] |= 1ull << (i % BITS_PER_WORD);
}

static void clear_bit(uint64_t *bitmap, size_t i)
{
	bitmap[i / BITS_PER_WORD] &= ~(1ull << (i % BITS_PER_WORD));
}

void k_page_alloc_init(struct k_page_alloc *pa)
{
	k_memset(pa, 0, sizeof(*pa));
}

int k_page_alloc_add_range(struct k_page_alloc *pa, uintptr_t base, size_t size)
{
	uintptr_t start, end;
	size_t total, bitmap_bytes, bitmap_pages;
	struct k_page_range *r;

	if (pa->nranges >= K_PAGE_ALLOC_MAX_RANGES || size > UINTPTR_MAX - base) {
		return -1;
	}
	start = (base + K_PAGE_SIZE - 1) & ~(uintptr_t)(K_PAGE_SIZE - 1);
	end = (base + size) & ~(uintptr_t)(K_PAGE_SIZE - 1);
	if (start == 0 || end <= start) {
		return -1; /* page 0 would make a valid allocation look like NULL */
	}
	for (unsigned i = 0; i < pa->nranges; i++) {
		const struct k_page_range *o = &pa->ranges[i];
		uintptr_t o_start = (uintptr_t)o->bitmap;
		uintptr_t o_end = o->base + o->npages * K_PAGE_SIZE;
		if (start < o_end && o_start < end) {
			return -1;
		}
	}
	total = (end - start) / K_PAGE_SIZE;
	/* The bitmap covers all pages of the range (a few bits too many, never too few). */
	bitmap_bytes = (total + BITS_PER_WORD - 1) / BITS_PER_WORD * sizeof(uint64_t);
	bitmap_pages = (bitmap_bytes + K_PAGE_SIZE - 1) / K_PAGE_SIZE;
	if (bitmap_pages >= total) {
		return -1;
	}
	r = &pa->ranges[pa->nranges++];
	r->bitmap = (uint64_t *)start;
	r->base = start + bitmap_pages * K_PAGE_SIZE;
	r->npages = total - bitmap_pages;
	r->next_hint = 0;
	k_memset(r->bitmap, 0, bitmap_bytes);
	pa->total_pages += r->npages;
	pa->free_pages += r->npages;
	return 0;
}

void k_page_alloc_reserve(struct k_page_alloc *pa, uintptr_t base, size_t size)
{
	uintptr_t page_mask = (uintptr_t)(K_PAGE_SIZE - 1);
	uintptr_t start = base & ~page_mask;
	/* base + size rounded up to a page, saturating at the top of the address space. */
	uintptr_t end = size > UINTPTR_MAX - base ? UINTPTR_MAX : base + size;

	end = end > UINTPTR_MAX - page_mask ? UINTPTR_MAX & ~page_mask : (end + page_mask) & ~page_mask;
	for (unsigned i = 0; i < pa->nranges; i++) {
		struct k_page_range *r = &pa->ranges[i];
		uintptr_t r_end = r->base + r->npages * K_PAGE_SIZE;
		uintptr_t lo = start > r->base ? start : r->base;
		uintptr_t hi = end < r_end ? end : r_end;
		for (uintptr_t a = lo; a < hi; a += K_PAGE_SIZE) {
			size_t idx = (a - r->base) / K_PAGE_SIZE;
			if (!test_bit(r->bitmap, idx)) {
				set_bit(r->bitmap, idx);
				pa->free_pages--;
			}
		}
	}
}

/* The first used page in [idx, idx+n), or SIZE_MAX if all are free. Skips whole free words. */
static size_t first_used(const uint64_t *bitmap, size_t idx, size_t n)
{
	size_t end = idx + n;

	while (idx < end) {
		if (idx % BITS_PER_WORD == 0 && end - idx >= BITS_PER_WORD) {
			uint64_t w = bitmap[idx / BITS_PER_WORD];
			if (w == 0) {
				idx += BITS_PER_WORD;
				continue;
			}
		}
		if (test_bit(bitmap, idx)) {
			return idx;
		}
		idx++;
	}
	return SIZE_MAX;
}

/* First fit in r from page index `from`: a free run of npages whose address is aligned to align bytes. */
static size_t find_run(const struct k_page_range *r, size_t from, size_t npages, uintptr_t align)
{
	size_t idx = from;

	while (idx < r->npages && npages <= r->npages - idx) {
		uintptr_t addr = r->base + idx * K_PAGE_SIZE;
		uintptr_t aligned = (addr + align - 1) & ~(align - 1);
		size_t used;
		if (aligned < addr) {
			return SIZE_MAX; /* wrapped around the address space */
		}
		if (aligned != addr) {
			idx = (aligned - r->base) / K_PAGE_SIZE;
			continue;
		}
		used = first_used(r->bitmap, idx, npages);
		if (used == SIZE_MAX) {
			return idx;
		}
		idx = used + 1;
	}
	return SIZE_MAX;
}

void *k_page_alloc(struct k_page_alloc *pa, size_t npages, size_t align_pages)
{
	uintptr_t align;

	if (align_pages == 0) {
		align_pages = 1;
	}
	if (npages == 0 || npages > pa->free_pages || (align_pages & (align_pages - 1)) != 0 ||
	    align_pages > UINTPTR_MAX / K_PAGE_SIZE) {
		return NULL;
	}
	align = align_pages * K_PAGE_SIZE;
	for (unsigned i = 0; i < pa->nranges; i++) {
		struct k_page_range *r = &pa->ranges[i];
		/* From the hint first (allocations tend to come in order), then from the start. */
		size_t idx = find_run(r, r->next_hint, npages, align);
		if (idx == SIZE_MAX && r->next_hint != 0) {
			idx = find_run(r, 0, npages, align);
		}
		if (idx == SIZE_MAX) {
			continue;
		}
		for (size_t p = 0; p < npages; p++) {
			set_bit(r->bitmap, idx + p);
		}
		r->next_hint = idx + npages < r->npages ? idx + npages : 0;
		pa->free_pages -= npages;
		return (void *)(r->base + idx * K_PAGE_SIZE);
	}
	return NULL;
}

int k_page_free(struct k_page_alloc *pa, void *ptr, size_t npages)
{
	uintptr_t addr = (uintptr_t)ptr;

	if ((addr & (K_PAGE_SIZE - 1)) != 0 || npages == 0) {
		return -1;
	}
	for (unsigned i = 0; i < pa->nranges; i++) {
		struct k_page_range *r = &pa->ranges[i];
		size_t idx;
		if (addr < r->base || addr >= r->base + r->npages * K_PAGE_SIZE) {
			continue;
		}
		idx = (addr - r->base) / K_PAGE_SIZE;
		if (npages > r->npages - idx) {
			return -1;
		}
		for (size_t p = 0; p < npages; p++) {
			if (!test_bit(r->bitmap, idx + p)) {
				return -1; /* double free: change nothing */
			}
		}
		for (size_t p = 0; p < npages; p++) {
			clear_bit(r->bitmap, idx + p);
		}
		if (idx < r->next_hint) {
			r->next_hint = idx;
		}
		pa->free_pages += npages;
		return 0;
	}
	return -1;
}

size_t k_page_alloc_free_pages(const struct k_page_alloc *pa)
{
	return pa->free_pages;
}

size_t k_page_alloc_total_pages(const struct k_page_alloc *pa)
{
	return pa->total_pages;
}
