#include "hv/core/memory.h"

#include "hv/base/log.h"
#include "hv/base/spinlock.h"
#include "hv/core/platform.h"
#include "hv/core/ram_ranges.h"
#include "lib/alloc.h"

extern uint8_t __hv_start[], __hv_end[];

static struct k_page_alloc pages;
static struct k_heap heap;
static struct spinlock lock = SPINLOCK_INIT(LOCK_CLASS_MEMORY);

#define MAX_HOLES       (PLATFORM_MAX_RESERVED + 2u)
#define MIN_RANGE_BYTES (16u * K_PAGE_SIZE) /* smaller leftovers are not worth an allocator range */

/* The allocator keeps its bitmap in the first pages of each range, so reserved data (the DTB may sit at the
 * very start of RAM) must never be inside a range: ranges are the memory minus every hole. */
void memory_init(void)
{
	struct ram_range holes[MAX_HOLES];
	unsigned n = 0;
	holes[n++] = (struct ram_range){(uintptr_t)__hv_start, (uintptr_t)__hv_end};
	holes[n++] = (struct ram_range){(uintptr_t)platform.dtb, (uintptr_t)platform.dtb + platform.dtb_size};
	for (unsigned i = 0; i < platform.nreserved && n < MAX_HOLES; i++)
		holes[n++] = (struct ram_range){platform.reserved[i].base,
		                                platform.reserved[i].base + platform.reserved[i].size};
	k_page_alloc_init(&pages);
	for (unsigned i = 0; i < platform.nmem; i++) {
		struct ram_range free[K_PAGE_ALLOC_MAX_RANGES];
		size_t dropped = 0;
		size_t nfree =
		    ram_ranges_subtract(platform.mem[i].base, platform.mem[i].base + platform.mem[i].size,
		                        holes, n, MIN_RANGE_BYTES, free, K_PAGE_ALLOC_MAX_RANGES, &dropped);
		for (size_t r = 0; r < nfree; r++)
			if (k_page_alloc_add_range(&pages, (uintptr_t)free[r].start,
			                           (size_t)(free[r].end - free[r].start)) != 0)
				dropped++;
		if (dropped)
			hv_log("memory %#llx-%#llx: %zu free range%s not used (allocator range limit)",
			       (unsigned long long)platform.mem[i].base,
			       (unsigned long long)(platform.mem[i].base + platform.mem[i].size), dropped,
			       dropped == 1 ? "" : "s");
	}
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
