/* MPRV (spec 1.12 section 3.1.6.3): with MPRV = 1, M-mode loads and stores are translated and
 * protected as if the privilege were MPP (with SUM and MXR applying as in that mode); instruction
 * fetches are not affected; with MPP = M nothing changes. Faults are taken by M (they happen in M)
 * with mepc = the M instruction and mtval = the virtual address, and the trap does not clear MPRV.
 * Each access runs with MPRV = 1 for that one instruction only: while MPRV = 1 and MPP != M, the
 * environment's own data (tp) would be accessed with MPP's translation too. */
#include "guest/rv/priv/env/privtest.inc"

#define LEVELS 3
#define VA_U      (TEST_VA_BASE + 0x0000) /* -> data_u, U R W */
#define VA_S      (TEST_VA_BASE + 0x1000) /* -> data_s, S R W */
#define VA_S_X    (TEST_VA_BASE + 0x2000) /* -> data_s, S X only */
#define U_RW      (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
#define S_RW      (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

	.data
	.balign 4096
data_u:
	.dword 0x7575757575757575
	.balign 4096
data_s:
	.dword 0x5353535353535353
	.balign 4096
	.text

/* Runs `insn` in M with MPRV = 1 and MPP = mpp; cause = NO_FAULT or the expected exception.
 * insn may not change t0. */
.macro MPRV_ACCESS mpp, insn, cause
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (\mpp) << MSTATUS_MPP_SHIFT
	csrs mstatus, t0
	.if \cause != NO_FAULT
	EXPECT_TRAP .Lfault\@
	.endif
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
.Laccess\@:
	\insn
	csrc mstatus, t0
	.if \cause == NO_FAULT
	j .Ldone\@
	.else
	NO_TRAP
	.endif
.Lfault\@:
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	.if \cause != NO_FAULT
	CHECK_TRAP \cause, PRV_M
	CHECK_EPC .Laccess\@
	CHECK_STATUS MSTATUS_MPRV | MSTATUS_MPP, MSTATUS_MPRV | MSTATUS_MPP
	.endif
.Ldone\@:
.endm

TEST_BEGIN
	PT_NEW_ENV LEVELS
	MAP_TO LEVELS, VA_U, data_u, 0, U_RW
	MAP_TO LEVELS, VA_S, data_s, 0, S_RW
	MAP_TO LEVELS, VA_S_X, data_s, 0, PTE_V | PTE_X | PTE_A
	SATP_ON SATP_MODE_SV39

	/* 1: MPP = S: an M load of an S page goes through the translation (instruction fetches are
	 * untranslated: the M code keeps running from physical addresses) */
	SET_CASE 1
	li a1, VA_S
	MPRV_ACCESS PRV_S, "ld a0, 0(a1)", NO_FAULT
	CHECK_EQ a0, 0x5353535353535353
	/* 2: and a store */
	SET_CASE 2
	li a1, VA_S + 8
	li a2, 0x99
	MPRV_ACCESS PRV_S, "sd a2, 0(a1)", NO_FAULT
	lla t1, data_s
	ld a0, 8(t1)
	CHECK_EQ a0, 0x99
	/* 3: MPP = S, SUM = 0: a U page faults (load page fault taken in M, mtval = VA) */
	SET_CASE 3
	li a1, VA_U + 0x10
	MPRV_ACCESS PRV_S, "ld a0, 0(a1)", CAUSE_LOAD_PAGE
	CHECK_TVAL VA_U + 0x10
	/* 4: MPP = S, SUM = 1: allowed */
	SET_CASE 4
	li t0, MSTATUS_SUM
	csrs mstatus, t0
	li a1, VA_U
	MPRV_ACCESS PRV_S, "ld a0, 0(a1)", NO_FAULT
	CHECK_EQ a0, 0x7575757575757575
	li t0, MSTATUS_SUM
	csrc mstatus, t0
	/* 5: MPP = U: a U page is accessible */
	SET_CASE 5
	li a1, VA_U
	MPRV_ACCESS PRV_U, "ld a0, 0(a1)", NO_FAULT
	CHECK_EQ a0, 0x7575757575757575
	/* 6: MPP = U: an S page is not, even with SUM = 1 (SUM is about S-mode) */
	SET_CASE 6
	li t0, MSTATUS_SUM
	csrs mstatus, t0
	li a1, VA_S + 0x18
	MPRV_ACCESS PRV_U, "sd a2, 0(a1)", CAUSE_STORE_PAGE
	CHECK_TVAL VA_S + 0x18
	li t0, MSTATUS_SUM
	csrc mstatus, t0
	/* 7: MPP = S, execute-only page: load fault with MXR = 0, allowed with MXR = 1 */
	SET_CASE 7
	li a1, VA_S_X
	MPRV_ACCESS PRV_S, "ld a0, 0(a1)", CAUSE_LOAD_PAGE
	CHECK_TVAL VA_S_X
	SET_CASE 8
	li t0, MSTATUS_MXR
	csrs mstatus, t0
	li a1, VA_S_X
	MPRV_ACCESS PRV_S, "ld a0, 0(a1)", NO_FAULT
	CHECK_EQ a0, 0x5353535353535353
	li t0, MSTATUS_MXR
	csrc mstatus, t0

	/* 9-10: a table that maps only VA_S: with MPP = M, the physical address of data_u (not mapped in
	 * that table) is read untranslated; with MPP = S the same address faults */
	call pt_reset
	call pt_alloc
	mv s10, a0
	MAP_TO LEVELS, VA_S, data_s, 0, S_RW
	SATP_ON SATP_MODE_SV39
	SET_CASE 9
	lla a1, data_u
	MPRV_ACCESS PRV_M, "ld a0, 0(a1)", NO_FAULT
	CHECK_EQ a0, 0x7575757575757575
	SET_CASE 10
	lla a1, data_u
	MPRV_ACCESS PRV_S, "ld a0, 0(a1)", CAUSE_LOAD_PAGE
	CHECK_TVAL_REG a1
	/* 11: and VA_S still translates with MPP = S in that table */
	SET_CASE 11
	li a1, VA_S
	MPRV_ACCESS PRV_S, "ld a0, 0(a1)", NO_FAULT
	CHECK_EQ a0, 0x5353535353535353
	SATP_OFF
TEST_END
