/* Guest RAM is scrubbed (zeroed) before the guest can see it, on first use.
 *
 * Each RAM block is dirty, being scrubbed, or clean, and it enters the guest's stage-2 table only once it is
 * clean: the guest cannot reach a dirty block. Its first access to one faults to karasu, which scrubs and
 * maps the block (ram_scrub_fault) and lets the access run again. karasu's own accesses to guest RAM
 * (loading the kernel, hypercall parameters, virtio buffers) make their blocks clean first
 * (ram_scrub_range). Whoever needs a block claims it with a compare-and-swap, or waits for the PE that has
 * it: two PEs never scrub the same block.
 *
 * Scrubbing on first use, like a hypervisor that populates guest memory on demand, costs only what the guest
 * touches: Linux touches about 40 of the 256 blocks of a 512 MiB guest on its way to a shell.
 *
 * The state machine is pure: scrubbing a block and mapping it are the ops (hv/core/guest_mem.c gives the
 * cache-maintaining scrub and the stage-2 map), so it is unit-tested on the host with threads racing for the
 * same blocks (tests/unit/test_ram_scrub.c). */
#ifndef KARASU_HV_CORE_RAM_SCRUB_H
#define KARASU_HV_CORE_RAM_SCRUB_H

#include <stdbool.h>
#include <stdint.h>

#define RAM_SCRUB_MAX_BLOCKS 2048u /* PARTITION_MAX_RAM_BLOCKS */

struct ram_scrub_ops {
	void *ctx;
	/* Makes block b read as zero (it is claimed: nobody else touches it meanwhile). */
	void (*scrub)(void *ctx, unsigned b);
	/* Makes block b visible to the guest (its stage-2 mapping). */
	void (*map)(void *ctx, unsigned b);
};

struct ram_scrub {
	uint8_t state[RAM_SCRUB_MAX_BLOCKS]; /* enum in ram_scrub.c, atomic */
	unsigned clean;                      /* blocks scrubbed and mapped so far (atomic) */
	unsigned nblocks;
	uint64_t base, block_size; /* guest-physical start of block 0; bytes per block */
	struct ram_scrub_ops ops;
};

/* Marks nblocks blocks of block_size bytes from IPA base dirty: none is mapped yet. */
void ram_scrub_begin(struct ram_scrub *s, uint64_t base, uint64_t block_size, unsigned nblocks,
                     const struct ram_scrub_ops *ops);
/* Returns once the blocks holding IPAs [ipa, ipa+size) are clean (and mapped), scrubbing them here if
 * nobody has. */
void ram_scrub_range(struct ram_scrub *s, uint64_t ipa, uint64_t size);
/* The loader is about to overwrite all of [ipa, ipa+size) with a file: blocks wholly inside the range are
 * claimed without being scrubbed (the file replaces every byte), the blocks at its edges are made clean.
 * ram_scrub_overwrite_end maps the claimed blocks, after scrubbing them if the file could not be read. One
 * loader per partition at a time (partition_start holds the partition's lock). */
void ram_scrub_overwrite_begin(struct ram_scrub *s, uint64_t ipa, uint64_t size);
void ram_scrub_overwrite_end(struct ram_scrub *s, uint64_t ipa, uint64_t size, bool written);
/* A stage-2 fault at ipa: if ipa is guest RAM that was not mapped yet, scrubs and maps its block and returns
 * true (the faulting access is to be run again); false for anything else. */
bool ram_scrub_fault(struct ram_scrub *s, uint64_t ipa);
/* How many blocks are clean so far (for the log and the console's stats). */
unsigned ram_scrub_clean_blocks(const struct ram_scrub *s);

#endif
