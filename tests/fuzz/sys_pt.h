/* Random page tables for the system-mode fuzzer: two address spaces (satp values), each Sv39 or Sv48,
 * built in the page-table pool of the RAM image (sys_layout.h).
 *
 * Both address spaces map the same skeleton, which the trap handlers need and the program never breaks:
 * the kernel region (non-U: handlers, handler data, tohost, the program) and the user region (U: the
 * program), each by 4 KiB, 2 MiB or 1 GiB leaves chosen at random per address space. Program pages
 * mapped by 4 KiB leaves may map the page's alternative variant instead, and may be writable (for stores
 * into code).
 *
 * Around that, data slots: SYS_N_SLOTS virtual pages, each in a 1 GiB region of its own, whose leaf (4
 * KiB, 2 MiB or 1 GiB, random per address space) has random permissions (U/R/W/X/A/D/G), is sometimes
 * invalid, reserved or misaligned, sometimes maps another slot's page (aliasing) or a page that is not
 * RAM. Slots whose address is not canonical in Sv39 fault in an Sv39 address space. A slot's address is
 * congruent to its own data page modulo 1 GiB, so its superpages land there too. */
#ifndef KARASU_TESTS_FUZZ_SYS_PT_H
#define KARASU_TESTS_FUZZ_SYS_PT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/fuzz/sys_layout.h"

#define SYS_N_SLOTS         10
#define SYS_N_ASPACES       2
#define SYS_SLOT_DATA_PAIRS 6 /* slots use data pages 0..11 (two each: accesses may cross into the next) */

struct sys_slot_map {
	uint64_t pte_off; /* offset of the slot's leaf PTE in this address space, 0: none (not canonical) */
	uint64_t next_pte_off; /* 4 KiB leaves: the PTE of the page after it */
	unsigned level;        /* of the leaf: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB */
};

struct sys_aspace {
	uint64_t satp;
	unsigned levels; /* 3 (Sv39) or 4 (Sv48) */
	uint64_t root_off;
	unsigned kernel_level, user_level;
	/* 4 KiB-mapped regions: the PTE of each program page, 0 otherwise */
	uint64_t kernel_code_pte[SYS_PROG_PAGES];
	uint64_t user_code_pte[SYS_PROG_PAGES];
	struct sys_slot_map slot[SYS_N_SLOTS];
};

struct sys_pt {
	struct sys_aspace as[SYS_N_ASPACES];
	uint64_t slot_va[SYS_N_SLOTS];       /* the slot's virtual page */
	uint64_t slot_data_off[SYS_N_SLOTS]; /* the data page congruent to it */
	unsigned pages_used;                 /* of the pool */
	bool overflow;                       /* the pool ran out: the tables are incomplete */
};

/* Builds both address spaces into image (RAM image, offset 0 = SYS_RAM_BASE). */
void sys_pt_build(struct sys_pt *pt, uint8_t *image, uint64_t *seed);

/* A random leaf PTE for slot s at the given level (the distribution the builder uses). */
uint64_t sys_pt_random_slot_pte(const struct sys_pt *pt, unsigned s, unsigned level, uint64_t *seed);
/* A random leaf PTE for program page i in the kernel (user = false) or user region: the page or its
 * alternative, executable or (rarely) not, sometimes invalid. */
uint64_t sys_pt_random_code_pte(unsigned page, bool user, uint64_t *seed);

/* Prints both address spaces (mode, regions, every slot's leaf) for a failure report. */
void sys_pt_describe(const struct sys_pt *pt, const uint8_t *image, FILE *out);

#endif
