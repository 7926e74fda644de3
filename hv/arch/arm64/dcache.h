/* Data cache maintenance by virtual address (to the point of coherency), for memory that is handed to a PE
 * whose MMU and caches are still off, or that a guest may map non-cacheable. */
#ifndef KARASU_HV_ARCH_ARM64_DCACHE_H
#define KARASU_HV_ARCH_ARM64_DCACHE_H

#include <stdint.h>

/* Cleans [p, p+size) to the point of coherency (data read by a PE whose MMU/caches are still off). */
void dcache_clean_range(const void *p, uint64_t size);
/* Cleans and invalidates [p, p+size): memory then holds the latest data and no cache holds a line of it. */
void dcache_clean_inval_range(const void *p, uint64_t size);
/* Makes [p, p+size) read as zero through every mapping, cacheable or not (p and size 4 KiB-aligned).
 * Pages that already hold zeros are only read, never written; see dcache.c for why. */
void dcache_scrub_range(void *p, uint64_t size);

#endif
