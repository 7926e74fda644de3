/* Scrubbing guest RAM on first use (ram_scrub.h). */
#include "hv/core/ram_scrub.h"

#include "hv/base/spinlock.h"

/* LOADING: claimed by the loader, which overwrites the whole block with a file. */
enum block_state { BLOCK_DIRTY = 0, BLOCK_BUSY, BLOCK_CLEAN, BLOCK_LOADING };

static uint8_t load_state(const struct ram_scrub *s, unsigned b)
{
	return __atomic_load_n(&s->state[b], __ATOMIC_ACQUIRE);
}

static bool claim(struct ram_scrub *s, unsigned b, uint8_t as)
{
	uint8_t expected = BLOCK_DIRTY;
	return __atomic_compare_exchange_n(&s->state[b], &expected, as, false, __ATOMIC_ACQUIRE,
	                                   __ATOMIC_ACQUIRE);
}

/* A claimed block becomes visible to the guest. */
static void publish(struct ram_scrub *s, unsigned b)
{
	s->ops.map(s->ops.ctx, b);
	__atomic_fetch_add(&s->clean, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->state[b], BLOCK_CLEAN, __ATOMIC_RELEASE);
}

/* Makes block b clean: scrubs and maps it here if it is dirty, waits if another PE has it. */
static void make_clean(struct ram_scrub *s, unsigned b)
{
	if (claim(s, b, BLOCK_BUSY)) {
		/* The scrub ends with a barrier: the zeros are in memory before the guest can map the block. */
		s->ops.scrub(s->ops.ctx, b);
		publish(s, b);
		return;
	}
	while (load_state(s, b) != BLOCK_CLEAN)
		spin_pause();
}

void ram_scrub_begin(struct ram_scrub *s, uint64_t base, uint64_t block_size, unsigned nblocks,
                     const struct ram_scrub_ops *ops)
{
	if (nblocks > RAM_SCRUB_MAX_BLOCKS)
		nblocks = RAM_SCRUB_MAX_BLOCKS;
	for (unsigned b = 0; b < nblocks; b++)
		s->state[b] = BLOCK_DIRTY;
	s->nblocks = nblocks;
	s->base = base;
	s->block_size = block_size;
	s->ops = *ops;
	__atomic_store_n(&s->clean, 0, __ATOMIC_RELEASE);
}

/* The blocks [*first, *end) that [ipa, ipa+size) touches, or with whole set, covers entirely; false when the
 * range is empty or starts outside RAM. */
static bool block_span(const struct ram_scrub *s, uint64_t ipa, uint64_t size, bool whole, unsigned *first,
                       unsigned *end)
{
	uint64_t ram_size = (uint64_t)s->nblocks * s->block_size;
	if (size == 0 || ipa < s->base || ipa - s->base >= ram_size)
		return false;
	uint64_t off = ipa - s->base;
	uint64_t lo = whole ? (off + s->block_size - 1) / s->block_size : off / s->block_size;
	uint64_t hi = whole ? (off + size) / s->block_size : (off + size - 1) / s->block_size + 1;
	if (hi > s->nblocks)
		hi = s->nblocks;
	if (lo >= hi)
		return false;
	*first = (unsigned)lo;
	*end = (unsigned)hi;
	return true;
}

/* Makes the blocks in [first, end) clean, except those in [skip, skip_end). */
static void make_clean_span(struct ram_scrub *s, unsigned first, unsigned end, unsigned skip,
                            unsigned skip_end)
{
	for (unsigned b = first; b < end; b++)
		if ((b < skip || b >= skip_end) && load_state(s, b) != BLOCK_CLEAN)
			make_clean(s, b);
}

void ram_scrub_range(struct ram_scrub *s, uint64_t ipa, uint64_t size)
{
	unsigned first, end;
	if (block_span(s, ipa, size, false, &first, &end))
		make_clean_span(s, first, end, 0, 0);
}

void ram_scrub_overwrite_begin(struct ram_scrub *s, uint64_t ipa, uint64_t size)
{
	unsigned first = 0, end = 0, touched_first, touched_end;
	if (block_span(s, ipa, size, true, &first, &end))
		for (unsigned b = first; b < end; b++)
			claim(s, b, BLOCK_LOADING); /* a block that is not dirty any more stays as it is */
	/* The blocks the file covers only in part are scrubbed as usual (not the LOADING ones: that would wait for
	 * this very loader). */
	if (block_span(s, ipa, size, false, &touched_first, &touched_end))
		make_clean_span(s, touched_first, touched_end, first, end);
}

void ram_scrub_overwrite_end(struct ram_scrub *s, uint64_t ipa, uint64_t size, bool written)
{
	unsigned first, end;
	if (!block_span(s, ipa, size, true, &first, &end))
		return;
	for (unsigned b = first; b < end; b++) {
		if (load_state(s, b) != BLOCK_LOADING)
			continue;
		if (!written) /* whatever the failed read left there, and whatever was there before */
			s->ops.scrub(s->ops.ctx, b);
		publish(s, b);
	}
}

bool ram_scrub_fault(struct ram_scrub *s, uint64_t ipa)
{
	unsigned b, end;
	if (!block_span(s, ipa, 1, false, &b, &end) || load_state(s, b) == BLOCK_CLEAN)
		return false; /* not RAM, or mapped already: the fault is something else */
	make_clean(s, b);
	return true;
}

unsigned ram_scrub_clean_blocks(const struct ram_scrub *s)
{
	return __atomic_load_n(&s->clean, __ATOMIC_RELAXED);
}
