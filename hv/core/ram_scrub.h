/* Guest RAM is scrubbed (zeroed) before the guest can see it, on first use.
 *
 * Each 2 MiB RAM block is dirty, being scrubbed, or clean, and it enters the guest's stage-2 table only once
 * it is clean: the guest cannot reach a dirty block. Its first access to one faults to karasu, which scrubs
 * and maps the block (ram_scrub_fault) and lets the access run again. karasu's own accesses to guest RAM
 * (loading the kernel, hypercall parameters, virtio buffers) make their blocks clean first
 * (ram_scrub_range). Whoever needs a block claims it, or waits for the PE that has it.
 *
 * Scrubbing on first use, like a hypervisor that populates guest memory on demand, costs only what the guest
 * touches: Linux touches about 40 of the 256 blocks of a 512 MiB guest on its way to a shell. */
#ifndef KARASU_HV_CORE_RAM_SCRUB_H
#define KARASU_HV_CORE_RAM_SCRUB_H

#include <stdbool.h>
#include <stdint.h>

struct partition;

#define RAM_SCRUB_MAX_BLOCKS 2048u /* PARTITION_MAX_RAM_BLOCKS */

struct ram_scrub {
	uint8_t state[RAM_SCRUB_MAX_BLOCKS]; /* enum in ram_scrub.c, atomic */
	unsigned clean;                      /* blocks scrubbed and mapped so far (atomic) */
	unsigned nblocks;
};

/* Marks all of p's RAM blocks dirty: none is mapped in stage 2 yet. */
void ram_scrub_begin(struct partition *p);
/* Returns once the blocks holding IPAs [ipa, ipa+size) are clean (and mapped), scrubbing them here if
 * nobody has. */
void ram_scrub_range(struct partition *p, uint64_t ipa, uint64_t size);
/* The loader is about to overwrite all of [ipa, ipa+size) with a file: blocks wholly inside the range are
 * claimed without being scrubbed (the file replaces every byte), the blocks at its edges are made clean.
 * ram_scrub_overwrite_end maps the claimed blocks, after scrubbing them if the file could not be read. */
void ram_scrub_overwrite_begin(struct partition *p, uint64_t ipa, uint64_t size);
void ram_scrub_overwrite_end(struct partition *p, uint64_t ipa, uint64_t size, bool written);
/* A stage-2 fault at ipa: if ipa is guest RAM that was not mapped yet, scrubs and maps its block and returns
 * true (the faulting access is to be run again); false for anything else. */
bool ram_scrub_fault(struct partition *p, uint64_t ipa);
/* How many of p's blocks are clean so far (for the console's stats). */
unsigned ram_scrub_clean_blocks(const struct partition *p);

#endif
