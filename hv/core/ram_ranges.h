/* Which RAM the hypervisor may hand out: the platform's memory ranges minus holes (its own image, the DTB,
 * reserved ranges). Pure logic, unit-tested on the host (tests/unit/test_ram_ranges.c). */
#ifndef KARASU_HV_CORE_RAM_RANGES_H
#define KARASU_HV_CORE_RAM_RANGES_H

#include <stddef.h>
#include <stdint.h>

struct ram_range {
	uint64_t start, end; /* [start, end) */
};

/* Writes the parts of [start, end) not covered by any hole to out (at most max pieces, in address order), keeping
 * only pieces of at least min_size bytes. Holes may overlap each other, touch or exceed the range, or be empty.
 * Returns the number of pieces written; *dropped (may be NULL) gets the number of usable pieces that did not fit
 * in out. */
size_t ram_ranges_subtract(uint64_t start, uint64_t end, const struct ram_range *holes, size_t nholes,
                           uint64_t min_size, struct ram_range *out, size_t max, size_t *dropped);

#endif
