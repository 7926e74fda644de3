#include "hv/core/ram_scrub.h"

#include "hv/arch/arm64/dcache.h"
#include "hv/arch/arm64/smp.h"
#include "hv/core/partition.h"
#include "hv/core/percpu.h"

_Static_assert(RAM_SCRUB_MAX_BLOCKS == PARTITION_MAX_RAM_BLOCKS, "one scrub state per RAM block");

enum block_state { BLOCK_DIRTY = 0, BLOCK_BUSY, BLOCK_CLEAN };

/* The partitions whose scrub has begun, for the helpers (partitions[] is filled in only after creation). */
static struct partition *jobs[PARTITION_MAX];
static unsigned njobs;

static uint8_t load_state(const struct ram_scrub *s, unsigned b)
{
	return __atomic_load_n(&s->state[b], __ATOMIC_ACQUIRE);
}

/* Claims block b if it is still dirty. */
static bool claim(struct ram_scrub *s, unsigned b)
{
	uint8_t expected = BLOCK_DIRTY;
	if (!__atomic_compare_exchange_n(&s->state[b], &expected, BLOCK_BUSY, false, __ATOMIC_ACQUIRE,
	                                 __ATOMIC_RELAXED))
		return false;
	__atomic_fetch_sub(&s->dirty, 1, __ATOMIC_RELAXED);
	return true;
}

static void scrub_claimed(struct partition *p, unsigned b)
{
	/* dcache_scrub_range ends with a DSB: the zeros are in memory before the block is published clean. */
	dcache_scrub_range(p->blocks[b], PARTITION_RAM_BLOCK);
	__atomic_store_n(&p->scrub.state[b], BLOCK_CLEAN, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&p->scrub.unfinished, 1, __ATOMIC_RELEASE);
}

/* Makes block b clean: scrubs it here if it is dirty, waits if another PE has it. */
static void make_clean(struct partition *p, unsigned b)
{
	if (load_state(&p->scrub, b) == BLOCK_CLEAN)
		return;
	if (claim(&p->scrub, b)) {
		scrub_claimed(p, b);
		return;
	}
	while (load_state(&p->scrub, b) != BLOCK_CLEAN)
		__asm__ volatile("yield");
}

void ram_scrub_begin(struct partition *p)
{
	struct ram_scrub *s = &p->scrub;
	for (unsigned b = 0; b < p->nblocks; b++)
		s->state[b] = BLOCK_DIRTY;
	s->dirty = p->nblocks;
	__atomic_store_n(&s->unfinished, p->nblocks, __ATOMIC_RELEASE);
	unsigned n = __atomic_load_n(&njobs, __ATOMIC_RELAXED);
	if (n < PARTITION_MAX) {
		jobs[n] = p;
		__atomic_store_n(&njobs, n + 1, __ATOMIC_RELEASE); /* publishes jobs[n] and its state */
	}
	/* Only PEs without a vCPU help: the others are running guests. */
	unsigned self = this_cpu()->index;
	for (unsigned i = 0; i < HV_MAX_CPUS; i++) {
		struct percpu *pc = &percpu_table[i];
		if (i == self || !pc->online || pc->vcpu)
			continue;
		percpu_set_request(pc, PERCPU_REQ_WORK);
		smp_kick(i);
	}
}

void ram_scrub_range(struct partition *p, uint64_t ipa, uint64_t size)
{
	if (__atomic_load_n(&p->scrub.unfinished, __ATOMIC_ACQUIRE) == 0 || size == 0 || ipa < p->ram_ipa)
		return;
	uint64_t first = (ipa - p->ram_ipa) / PARTITION_RAM_BLOCK;
	uint64_t last = (ipa - p->ram_ipa + size - 1) / PARTITION_RAM_BLOCK;
	for (uint64_t b = first; b <= last && b < p->nblocks; b++)
		make_clean(p, (unsigned)b);
}

void ram_scrub_finish(struct partition *p)
{
	for (unsigned b = 0; b < p->nblocks && __atomic_load_n(&p->scrub.dirty, __ATOMIC_RELAXED); b++)
		if (claim(&p->scrub, b))
			scrub_claimed(p, b);
	while (__atomic_load_n(&p->scrub.unfinished, __ATOMIC_ACQUIRE) != 0)
		__asm__ volatile("yield");
}

void ram_scrub_help(void)
{
	struct percpu *pc = this_cpu();
	unsigned n = __atomic_load_n(&njobs, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < n; i++) {
		struct partition *p = jobs[i];
		/* From the top down: the loader needs the low blocks first (the kernel sits at the start of RAM)
		 * and scrubs those itself, without waiting for a helper. */
		for (unsigned b = p->nblocks;
		     b-- > 0 && __atomic_load_n(&p->scrub.dirty, __ATOMIC_RELAXED);) {
			/* A vCPU to start (or any other request) comes first; the rest is left to the loader. */
			if (__atomic_load_n(&pc->requests, __ATOMIC_ACQUIRE))
				return;
			if (claim(&p->scrub, b))
				scrub_claimed(p, b);
		}
	}
}
