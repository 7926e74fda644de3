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

void ram_scrub_range(struct partition *p, uint64_t ipa, uint64_t size)
{
	if (size == 0 || ipa < p->ram_ipa || ipa - p->ram_ipa >= p->ram_size)
		return;
	uint64_t first = (ipa - p->ram_ipa) / PARTITION_RAM_BLOCK;
	uint64_t last = (ipa - p->ram_ipa + size - 1) / PARTITION_RAM_BLOCK;
	for (uint64_t b = first; b <= last && b < p->scrub.nblocks; b++)
		if (load_state(&p->scrub, (unsigned)b) != BLOCK_CLEAN)
			make_clean(p, (unsigned)b);
}

/* Blocks [*first, *end) lie wholly inside [ipa, ipa+size) (and inside RAM). */
static void whole_blocks(const struct partition *p, uint64_t ipa, uint64_t size, unsigned *first,
                         unsigned *end)
{
	*first = *end = 0;
	if (size == 0 || ipa < p->ram_ipa || ipa - p->ram_ipa >= p->ram_size)
		return;
	uint64_t off = ipa - p->ram_ipa;
	uint64_t lo = (off + PARTITION_RAM_BLOCK - 1) / PARTITION_RAM_BLOCK;
	uint64_t hi = (off + size) / PARTITION_RAM_BLOCK;
	if (hi > p->scrub.nblocks)
		hi = p->scrub.nblocks;
	if (lo < hi) {
		*first = (unsigned)lo;
		*end = (unsigned)hi;
	}
}

void ram_scrub_overwrite_begin(struct partition *p, uint64_t ipa, uint64_t size)
{
	unsigned first, end;
	whole_blocks(p, ipa, size, &first, &end);
	for (unsigned b = first; b < end; b++)
		claim(&p->scrub, b, BLOCK_LOADING); /* a block that is not dirty any more stays as it is */
	/* The blocks the file covers only in part are scrubbed as usual (not the LOADING ones: that would wait for
	 * this very loader). */
	if (size == 0 || ipa < p->ram_ipa || ipa - p->ram_ipa >= p->ram_size)
		return;
	uint64_t lo = (ipa - p->ram_ipa) / PARTITION_RAM_BLOCK;
	uint64_t hi = (ipa - p->ram_ipa + size - 1) / PARTITION_RAM_BLOCK;
	for (uint64_t b = lo; b <= hi && b < p->scrub.nblocks; b++)
		if ((b < first || b >= end) && load_state(&p->scrub, (unsigned)b) != BLOCK_CLEAN)
			make_clean(p, (unsigned)b);
}

void ram_scrub_overwrite_end(struct partition *p, uint64_t ipa, uint64_t size, bool written)
{
	unsigned first, end;
	whole_blocks(p, ipa, size, &first, &end);
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
	if (ipa < p->ram_ipa || ipa - p->ram_ipa >= p->ram_size)
		return false;
	unsigned b = (unsigned)((ipa - p->ram_ipa) / PARTITION_RAM_BLOCK);
	if (b >= p->scrub.nblocks || load_state(&p->scrub, b) == BLOCK_CLEAN)
		return false; /* mapped already: the fault is something else */
	make_clean(p, b);
	return true;
}

unsigned ram_scrub_clean_blocks(const struct partition *p)
{
	return __atomic_load_n(&p->scrub.clean, __ATOMIC_RELAXED);
}
