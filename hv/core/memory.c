#include "hv/core/memory.h"

#include "hv/core/log.h"
#include "hv/core/platform.h"
#include "hv/core/spinlock.h"
#include "lib/alloc.h"

extern uint8_t __hv_start[], __hv_end[];

static struct k_page_alloc pages;
static struct k_heap heap;
static struct spinlock lock = SPINLOCK_INIT;

#define MAX_HOLES (PLATFORM_MAX_RESERVED + 2u)

struct hole {
	uint64_t start, end;
};

/* Adds [start, end) minus every hole as allocator ranges. The allocator keeps its bitmap in the first pages
 * of each range, so reserved data (the DTB may sit at the very start of RAM) must never be inside a range. */
static void add_free(uint64_t start, uint64_t end, const struct hole *holes, unsigned nholes)
{
	while (start < end) {
		uint64_t seg_end = end;
		bool cut = false;
		for (unsigned i = 0; i < nholes; i++) {
			if (holes[i].end <= start || holes[i].start >= end)
				continue;
			if (holes[i].start <= start) { /* start is inside a hole: skip past it */
				start = holes[i].end;
				cut = true;
				break;
			}
			if (holes[i].start < seg_end)
				seg_end = holes[i].start;
		}
		if (cut)
			continue;
		if (seg_end - start >= 16 * K_PAGE_SIZE &&
		    k_page_alloc_add_range(&pages, (uintptr_t)start, (size_t)(seg_end - start)) != 0)
			hv_log("memory %#llx-%#llx not used (allocator range limit)",
			       (unsigned long long)start, (unsigned long long)seg_end);
		start = seg_end;
	}
}

void memory_init(void)
{
	struct hole holes[MAX_HOLES];
	unsigned n = 0;
	holes[n++] = (struct hole){(uintptr_t)__hv_start, (uintptr_t)__hv_end};
	holes[n++] = (struct hole){(uintptr_t)platform.dtb, (uintptr_t)platform.dtb + platform.dtb_size};
	for (unsigned i = 0; i < platform.nreserved && n < MAX_HOLES; i++)
		holes[n++] = (struct hole){platform.reserved[i].base,
		                           platform.reserved[i].base + platform.reserved[i].size};
	k_page_alloc_init(&pages);
	for (unsigned i = 0; i < platform.nmem; i++)
		add_free(platform.mem[i].base, platform.mem[i].base + platform.mem[i].size, holes, n);
	k_heap_init(&heap, &pages);
}

void *memory_alloc_pages(size_t npages, size_t align_pages)
{
	spin_lock(&lock);
	void *p = k_page_alloc(&pages, npages, align_pages);
	spin_unlock(&lock);
	return p;
}

void memory_free_pages(void *p, size_t npages)
{
	spin_lock(&lock);
	if (k_page_free(&pages, p, npages) != 0)
		hv_log("memory: bad free of %zu pages at %p", npages, p);
	spin_unlock(&lock);
}

void *memory_zalloc(size_t size)
{
	spin_lock(&lock);
	void *p = k_heap_zalloc(&heap, size);
	spin_unlock(&lock);
	return p;
}

void memory_free(void *p)
{
	spin_lock(&lock);
	if (k_heap_free(&heap, p) != 0)
		hv_log("memory: bad heap free of %p", p);
	spin_unlock(&lock);
}

size_t memory_free_bytes(void)
{
	return k_page_alloc_free_pages(&pages) * K_PAGE_SIZE;
}

size_t memory_total_bytes(void)
{
	return k_page_alloc_total_pages(&pages) * K_PAGE_SIZE;
}
