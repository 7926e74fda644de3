/* Sv39 (spec 1.12 section 4.4): three levels, 4 KiB pages, 2 MiB megapages, 1 GiB gigapages; VA bits
 * 63:39 must equal bit 38 (4.4.1). The common walk cases are in paging_walk.inc; this file adds the
 * Sv39-specific address checks. */
#include "guest/rv/priv/env/privtest.inc"

#define LEVELS    3
#define SATP_MODE SATP_MODE_SV39
#include "guest/rv/priv/paging_walk.inc"

/* The top of the negative half: bits 63:38 all ones -> level-2 index 256 */
#define VA_NEGATIVE_GIGA 0xffffffc000000000
#define VA_NONCANONICAL  0x0000008000000000 /* bit 39 set, bit 38 clear */

TEST_BEGIN
	call walk_cases
	/* 25: a gigapage in the negative half of the address space */
	SET_CASE 25
	PT_NEW_ENV LEVELS
	MAP LEVELS, VA_NEGATIVE_GIGA, RAM_BASE, 2, KERNEL_RW
	SATP_ON SATP_MODE
	VA_OF_RAM_LABEL a1, VA_NEGATIVE_GIGA, page_b
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0xb0b0b0b0b0b0b0b0
	/* 26: not sign-extended: page fault (mtval may hold a converted invalid address: not checked) */
	SET_CASE 26
	li a1, VA_NONCANONICAL
	PROBE PRV_S, probe_ld, CAUSE_LOAD_PAGE
	/* 27: the same VA with only bit 63 changed (0x8000004000000000 = index 256 if bits were
	 * ignored): still a fault, bits 63:39 are checked, not ignored */
	SET_CASE 27
	li a1, 0x8000004000000000
	PROBE PRV_S, probe_ld, CAUSE_LOAD_PAGE
	/* 28: VA_NEGATIVE_GIGA with bit 63 cleared is not canonical */
	SET_CASE 28
	li a1, VA_NEGATIVE_GIGA & 0x7fffffffffffffff
	PROBE PRV_S, probe_sd, CAUSE_STORE_PAGE
	SATP_OFF
TEST_END
