#include "hv/core/ram_ranges.h"

#include <stdbool.h>

/* The lowest hole that overlaps [pos, end), or NULL. */
static const struct ram_range *first_hole(uint64_t pos, uint64_t end, const struct ram_range *holes,
                                          size_t nholes)
{
	const struct ram_range *best = NULL;
	for (size_t i = 0; i < nholes; i++) {
		const struct ram_range *h = &holes[i];
		if (h->end <= h->start || h->end <= pos || h->start >= end)
			continue;
		if (!best || h->start < best->start)
			best = h;
	}
	return best;
}

size_t ram_ranges_subtract(uint64_t start, uint64_t end, const struct ram_range *holes, size_t nholes,
                           uint64_t min_size, struct ram_range *out, size_t max, size_t *dropped)
{
	size_t n = 0, lost = 0;
	uint64_t pos = start;
	while (pos < end) {
		const struct ram_range *h = first_hole(pos, end, holes, nholes);
		uint64_t piece_end = h ? (h->start > pos ? h->start : pos) : end;
		if (piece_end - pos >= min_size && piece_end > pos) {
			if (n < max)
				out[n++] = (struct ram_range){pos, piece_end};
			else
				lost++;
		}
		if (!h)
			break;
		/* Skip the hole and every hole overlapping it from here on (first_hole finds them next). */
		pos = h->end > pos ? h->end : pos;
	}
	if (dropped)
		*dropped = lost;
	return n;
}
