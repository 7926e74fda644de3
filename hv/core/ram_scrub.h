/* Scrubbing a partition's RAM before the guest can see it, spread over the PEs that have nothing else to do
 * and overlapped with reading the guest's files from the boot disk.
 *
 * Each 2 MiB RAM block is dirty, being scrubbed, or clean. The idle PEs claim dirty blocks one at a time;
 * whoever needs a block (the loader writing a file into it, the start of the guest) claims it too, or waits
 * for the PE that has it. Nothing reads or writes a block for the guest before it is clean. */
#ifndef KARASU_HV_CORE_RAM_SCRUB_H
#define KARASU_HV_CORE_RAM_SCRUB_H

#include <stdbool.h>
#include <stdint.h>

struct partition;

#define RAM_SCRUB_MAX_BLOCKS 2048u /* PARTITION_MAX_RAM_BLOCKS */

struct ram_scrub {
	uint8_t state[RAM_SCRUB_MAX_BLOCKS]; /* enum in ram_scrub.c, atomic */
	unsigned dirty;      /* blocks not yet claimed (atomic): 0 = nothing left to hand out */
	unsigned unfinished; /* blocks not yet clean (atomic) */
};

/* Marks all of p's RAM blocks dirty and asks the idle PEs to scrub them. */
void ram_scrub_begin(struct partition *p);
/* Returns once the blocks holding IPAs [ipa, ipa+size) are clean, scrubbing them here if nobody has. */
void ram_scrub_range(struct partition *p, uint64_t ipa, uint64_t size);
/* Returns once all of p's RAM is clean, helping with what is left. */
void ram_scrub_finish(struct partition *p);
/* An idle PE's share (PERCPU_REQ_WORK): scrubs dirty blocks of every partition until none is left or this
 * PE gets another request. */
void ram_scrub_help(void);

#endif
