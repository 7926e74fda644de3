/* Hardware updates of the PTE A and D bits (spec 1.12 section 4.3.1, second scheme, the one
 * karasu-rv and QEMU use; 4.3.2 step 7): an access to a page whose leaf PTE has A = 0 sets A; a store
 * (or AMO) with D = 0 sets D (and A). D updates must be exact: a load does not set D, and a store that
 * faults does not set it. Only the leaf PTE is updated (step 7 updates "pte", the leaf): the pointer
 * PTEs above it are unchanged. Sv39; accesses in S and U through the probes. */
#include "guest/rv/priv/env/privtest.inc"

#define LEVELS 3
#define VA_LOAD_FIRST  0x60000000
#define VA_STORE_FIRST 0x60001000
#define VA_CODE        0x60002000
#define VA_READ_ONLY   0x60003000
#define VA_AMO         0x60004000
#define VA_USER        0x60005000
#define VA_MEGA        0x60200000
#define PTE_FLAGS_MASK 0x3ff

	.data
	.balign 4096
data_page:
	.dword 0x0123456789abcdef
	.balign 4096
	.text

/* reg = the low 10 bits (flags) of the PTE at `level` for `va` */
.macro PTE_FLAGS reg, va, level
	PTE_ADDR \reg, LEVELS, \va, \level
	ld \reg, 0(\reg)
	andi \reg, \reg, PTE_FLAGS_MASK
.endm

TEST_BEGIN
	PT_NEW_ENV LEVELS
	MAP_TO LEVELS, VA_LOAD_FIRST, data_page, 0, PTE_V | PTE_R | PTE_W
	MAP_TO LEVELS, VA_STORE_FIRST, data_page, 0, PTE_V | PTE_R | PTE_W
	MAP_TO LEVELS, VA_CODE, user_start, 0, PTE_V | PTE_X
	MAP_TO LEVELS, VA_READ_ONLY, data_page, 0, PTE_V | PTE_R
	MAP_TO LEVELS, VA_AMO, data_page, 0, PTE_V | PTE_R | PTE_W | PTE_A
	MAP_TO LEVELS, VA_USER, data_page, 0, PTE_V | PTE_R | PTE_W | PTE_U
	MAP LEVELS, VA_MEGA, RAM_BASE, 1, PTE_V | PTE_R | PTE_W
	MAP_USER_PAGE LEVELS
	SATP_ON SATP_MODE_SV39

	/* 1: the PTEs start with A = D = 0 */
	SET_CASE 1
	PTE_FLAGS a0, VA_LOAD_FIRST, 0
	CHECK_EQ a0, PTE_V | PTE_R | PTE_W
	/* 2: a load sets A, not D */
	SET_CASE 2
	li a1, VA_LOAD_FIRST
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0x0123456789abcdef
	PTE_FLAGS a0, VA_LOAD_FIRST, 0
	CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A
	/* 3: then a store sets D */
	SET_CASE 3
	li a1, VA_LOAD_FIRST + 8
	li a2, 1
	PROBE PRV_S, probe_sd, NO_FAULT
	PTE_FLAGS a0, VA_LOAD_FIRST, 0
	CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	/* 4: a store to a fresh page sets A and D */
	SET_CASE 4
	li a1, VA_STORE_FIRST + 16
	li a2, 2
	PROBE PRV_S, probe_sd, NO_FAULT
	PTE_FLAGS a0, VA_STORE_FIRST, 0
	CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	/* 5: a fetch sets A (and not D) */
	SET_CASE 5
	lla t1, probe_ecall
	lla t2, user_start
	sub t1, t1, t2
	li t2, VA_CODE
	add t1, t1, t2
	PROBE_AT PRV_S, t1, NO_FAULT
	PTE_FLAGS a0, VA_CODE, 0
	CHECK_EQ a0, PTE_V | PTE_X | PTE_A
	/* 6: a store to a read-only page faults and does not set D */
	SET_CASE 6
	li a1, VA_READ_ONLY
	PROBE PRV_S, probe_sd, CAUSE_STORE_PAGE
	PTE_FLAGS a0, VA_READ_ONLY, 0
	CHECK_MASKED a0, PTE_D, 0
	/* 7: an AMO sets D */
	SET_CASE 7
	li a1, VA_AMO
	li a2, 0
	PROBE PRV_S, probe_amoadd, NO_FAULT
	PTE_FLAGS a0, VA_AMO, 0
	CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	/* 8: a U load of a U page sets A */
	SET_CASE 8
	li a1, VA_USER
	PROBE_USER probe_ld, NO_FAULT
	CHECK_EQ a0, 0x0123456789abcdef
	PTE_FLAGS a0, VA_USER, 0
	CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A
	/* 9: the user code page itself got A from U's fetches */
	SET_CASE 9
	USER_VA s7, user_start
	mv a0, s10
	li a1, LEVELS
	mv a2, s7
	li a3, 0
	call pt_entry_addr
	ld a0, 0(a0)
	andi a0, a0, PTE_FLAGS_MASK
	CHECK_EQ a0, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A
	/* 10: a store through a megapage sets A and D in the level-1 leaf */
	SET_CASE 10
	lla a1, data_page + 24
	li t0, VA_MEGA - RAM_BASE
	add a1, a1, t0
	li a2, 3
	PROBE PRV_S, probe_sd, NO_FAULT
	PTE_FLAGS a0, VA_MEGA, 1
	CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	/* 11: the pointer PTEs on the way (levels 2 and 1 of VA_LOAD_FIRST) are still bare pointers */
	SET_CASE 11
	PTE_FLAGS a0, VA_LOAD_FIRST, 2
	CHECK_EQ a0, PTE_V
	PTE_FLAGS a0, VA_LOAD_FIRST, 1
	CHECK_EQ a0, PTE_V
	SATP_OFF
TEST_END
