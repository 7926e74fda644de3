/* The hypervisor's physical memory: free RAM (the platform's memory minus the hypervisor image, the DTB and
 * reserved ranges) managed by lib/alloc's page allocator, plus a small-object heap. RAM is identity-mapped at
 * EL2, so an allocation's address is also its physical address. All calls are serialised by one lock. */
#ifndef KARASU_HV_CORE_MEMORY_H
#define KARASU_HV_CORE_MEMORY_H

#include <stddef.h>
#include <stdint.h>

/* Boot PE, after platform_probe and before anything allocates. */
void memory_init(void);
/* npages 4 KiB pages aligned to align_pages pages (power of two), or NULL. Not cleared. */
void *memory_alloc_pages(size_t npages, size_t align_pages);
void memory_free_pages(void *p, size_t npages);
/* Zeroed object, or NULL. */
void *memory_zalloc(size_t size);
void memory_free(void *p);
size_t memory_free_bytes(void);
size_t memory_total_bytes(void);

#endif
