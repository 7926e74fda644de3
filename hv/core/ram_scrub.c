#include "hv/core/ram_scrub.h"

#include "hv/arch/arm64/dcache.h"
#include "hv/core/partition.h"

_Static_assert(RAM_SCRUB_MAX_BLOCKS == PARTITION_MAX_RAM_BLOCKS, "one scrub state per RAM block");

/* LOADING: claimed by the loader, which overwrites the whole block with a file (one loader per partition:
 * partition_start holds the partition's lock). */
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
static void publish(struct partition *p, unsigned b)
{
	partition_map_ram_block(p, b);
	__atomic_fetch_add(&p->scrub.clean, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&p->scrub.state[b], BLOCK_CLEAN, __ATOMIC_RELEASE);
}

/* Makes block b clean: scrubs and maps it here if it is dirty, waits if another PE has it. */
static void make_clean(struct partition *p, unsigned b)
{
	struct ram_scrub *s = &p->scrub;
	if (claim(s, b, BLOCK_BUSY)) {
		/* dcache_scrub_range ends with a DSB: the zeros are in memory before the guest can map the block. */
		dcache_scrub_range(p->blocks[b], PARTITION_RAM_BLOCK);
		publish(p, b);
		return;
	}
	while (load_state(s, b) != BLOCK_CLEAN)
		__asm__ volatile("yield");
}

void ram_scrub_begin(struct partition *p)
{
	struct ram_scrub *s = &p->scrub;
	for (unsigned b = 0; b < p->nblocks; b++)
		s->state[b] = BLOCK_DIRTY;
	s->nblocks = p->nblocks;
	__atomic_store_n(&s->clean, 0, __ATOMIC_RELEASE);
}

/* The blocks [*first, *end) that [ipa, ipa+size) touches, or with whole set, covers entirely; false when the
 * range is empty or starts outside RAM. */
static bool block_span(const struct partition *p, uint64_t ipa, uint64_t size, bool whole, unsigned *first,
                       unsigned *end)
{
	if (size == 0 || ipa < p->ram_ipa || ipa - p->ram_ipa >= p->ram_size)
		return false;
	uint64_t off = ipa - p->ram_ipa;
	uint64_t lo =
	    whole ? (off + PARTITION_RAM_BLOCK - 1) / PARTITION_RAM_BLOCK : off / PARTITION_RAM_BLOCK;
	uint64_t hi = whole ? (off + size) / PARTITION_RAM_BLOCK : (off + size - 1) / PARTITION_RAM_BLOCK + 1;
	if (hi > p->scrub.nblocks)
		hi = p->scrub.nblocks;
	if (lo >= hi)
		return false;
	*first = (unsigned)lo;
	*end = (unsigned)hi;
	return true;
}

/* Makes the blocks in [first, end) clean, except those in [skip, skip_end). */
static void make_clean_span(struct partition *p, unsigned first, unsigned end, unsigned skip,
                            unsigned skip_end)
{
	for (unsigned b = first; b < end; b++)
		if ((b < skip || b >= skip_end) && load_state(&p->scrub, b) != BLOCK_CLEAN)
			make_clean(p, b);
}

void ram_scrub_range(struct partition *p, uint64_t ipa, uint64_t size)
{
	unsigned first, end;
	if (block_span(p, ipa, size, false, &first, &end))
		make_clean_span(p, first, end, 0, 0);
}

void ram_scrub_overwrite_begin(struct partition *p, uint64_t ipa, uint64_t size)
{
	unsigned first = 0, end = 0, touched_first, touched_end;
	if (block_span(p, ipa, size, true, &first, &end))
		for (unsigned b = first; b < end; b++)
			claim(&p->scrub, b,
			      BLOCK_LOADING); /* a block that is not dirty any more stays as it is */
	/* The blocks the file covers only in part are scrubbed as usual (not the LOADING ones: that would wait for
	 * this very loader). */
	if (block_span(p, ipa, size, false, &touched_first, &touched_end))
		make_clean_span(p, touched_first, touched_end, first, end);
}

void ram_scrub_overwrite_end(struct partition *p, uint64_t ipa, uint64_t size, bool written)
{
	unsigned first, end;
	if (!block_span(p, ipa, size, true, &first, &end))
		return;
	for (unsigned b = first; b < end; b++) {
		if (load_state(&p->scrub, b) != BLOCK_LOADING)
			continue;
		if (!written) /* whatever the failed read left there, and whatever was there before */
			dcache_scrub_range(p->blocks[b], PARTITION_RAM_BLOCK);
		publish(p, b);
	}
}

bool ram_scrub_fault(struct partition *p, uint64_t ipa)
{
	unsigned b, end;
	if (!block_span(p, ipa, 1, false, &b, &end) || load_state(&p->scrub, b) == BLOCK_CLEAN)
		return false; /* not RAM, or mapped already: the fault is something else */
	make_clean(p, b);
	return true;
}

unsigned ram_scrub_clean_blocks(const struct partition *p)
{
	return __atomic_load_n(&p->scrub.clean, __ATOMIC_RELAXED);
}
