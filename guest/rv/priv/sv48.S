/* Sv48 (spec 1.12 section 4.5): four levels; besides the Sv39 page sizes, 512 GiB terapages; VA bits
 * 63:48 must equal bit 47 (4.5.1). The common walk cases (4 KiB, 2 MiB, 1 GiB, faults) are in
 * paging_walk.inc; this file adds terapages (aligned and misaligned: PPN[2:0] must be 0) and the
 * Sv48 address checks (a VA that is non-canonical for Sv39 but valid for Sv48, the negative half). */
#include "guest/rv/priv/env/privtest.inc"

#define LEVELS    4
#define SATP_MODE SATP_MODE_SV48
#include "guest/rv/priv/paging_walk.inc"

#define TERAPAGE_SIZE       0x8000000000
#define VA_TERA             0x8000000000      /* level-3 index 1; bit 39 set: not an Sv39 address */
#define VA_MISALIGNED_TERA  0x10000000000     /* level-3 index 2 */
#define VA_NEGATIVE_TERA    0xffff800000000000 /* level-3 index 256 */
#define VA_NONCANONICAL     0x0001000000000000 /* bit 48 set, bit 47 clear */

TEST_BEGIN
	call walk_cases
	PT_NEW_ENV LEVELS
	MAP LEVELS, VA_TERA, 0, 3, KERNEL_RW
	MAP LEVELS, VA_MISALIGNED_TERA, RAM_BASE, 3, KERNEL_RW
	MAP LEVELS, VA_NEGATIVE_TERA, 0, 3, KERNEL_RW
	SATP_ON SATP_MODE
	/* 25: a terapage mapping PA 0..512 GiB: page_b appears at VA_TERA + its PA */
	SET_CASE 25
	lla a1, page_b
	li t0, VA_TERA
	add a1, a1, t0
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0xb0b0b0b0b0b0b0b0
	/* 26: a store through it */
	SET_CASE 26
	lla a1, page_b
	li t0, VA_TERA + 8
	add a1, a1, t0
	li a2, 0x5678
	PROBE PRV_S, probe_sd, NO_FAULT
	lla t0, page_b
	ld a0, 8(t0)
	CHECK_EQ a0, 0x5678
	/* 27: a misaligned terapage (PA 0x80000000: PPN[2] != 0) */
	SET_CASE 27
	li a1, VA_MISALIGNED_TERA + 0x10
	PROBE PRV_S, probe_ld, CAUSE_LOAD_PAGE
	CHECK_TVAL VA_MISALIGNED_TERA + 0x10
	/* 28: the negative half */
	SET_CASE 28
	lla a1, page_b
	li t0, VA_NEGATIVE_TERA
	add a1, a1, t0
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0xb0b0b0b0b0b0b0b0
	/* 29: bits 63:48 not the sign extension of bit 47: page fault (mtval not checked: it may hold a
	 * converted invalid address) */
	SET_CASE 29
	li a1, VA_NONCANONICAL
	PROBE PRV_S, probe_ld, CAUSE_LOAD_PAGE
	SET_CASE 30
	li a1, VA_NEGATIVE_TERA & 0x7fffffffffffffff
	PROBE PRV_S, probe_sd, CAUSE_STORE_PAGE
	SATP_OFF
TEST_END
