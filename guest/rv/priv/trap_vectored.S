/* Vectored trap vectors (spec 1.12 sections 3.1.7 and 4.1.2): with MODE = 1, synchronous exceptions go
 * to BASE and an interrupt with cause n goes to BASE + 4n; with MODE = 0 (direct) everything goes to
 * BASE. Checked for mtvec (MSI -> entry 3, MTI -> 7, SSI -> 1, SEI -> 9 when not delegated) and stvec
 * (delegated SSI -> 1, STI -> 5, SEI -> 9). The software-writable pending bits used: mip.SSIP, and
 * mip.STIP and mip.SEIP, writable by M when Sstc's STCE is 0 (3.1.9). Each table entry records its
 * index in the hart block (HB_VECTOR) and continues into the environment's direct handler. */
#include "guest/rv/priv/env/privtest.inc"

/* Table entry n of a vector: a 4-byte jump to its stub (entries must be exactly 4 bytes apart). */
.macro VECTOR_ENTRIES prefix
	.option push
	.option norvc
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	j \prefix\n
	.endr
	.option pop
.endm

/* Stub: HB_VECTOR = n, then the common handler; only t0 is used, saved in the block. */
.macro VECTOR_STUBS prefix, scratch, handler
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
\prefix\n:
	csrrw sp, \scratch, sp
	sd t0, HB_MSAVE + 24(sp)
	li t0, \n
	sd t0, HB_VECTOR(sp)
	ld t0, HB_MSAVE + 24(sp)
	csrrw sp, \scratch, sp
	j \handler
	.endr
.endm

.macro CHECK_VECTOR n
	ld t1, HB_VECTOR(tp)
	CHECK_EQ t1, \n
	li t1, -1
	sd t1, HB_VECTOR(tp)
.endm

	.text
	.balign 256
m_vector_table:
	VECTOR_ENTRIES mvec
	.balign 256
s_vector_table:
	VECTOR_ENTRIES svec
	VECTOR_STUBS mvec, mscratch, mtrap_vector
	VECTOR_STUBS svec, sscratch, strap_vector

TEST_BEGIN
	csrw mie, zero
	/* 1: mtvec holds BASE | 1 (vectored mode is implemented) */
	SET_CASE 1
	lla a0, m_vector_table
	ori a0, a0, TVEC_VECTORED
	csrw mtvec, a0
	csrr a1, mtvec
	CHECK_EQ_REG a1, a0

	/* 2: an exception goes to BASE (entry 0) */
	SET_CASE 2
	EXPECT_TRAP 1f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_M, PRV_M
	CHECK_VECTOR 0

	/* 3: machine software interrupt: entry 3 */
	SET_CASE 3
	li t0, MIP_MSIP
	csrw mie, t0
	SET_MSIP 1
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_SOFT), PRV_M
	CHECK_VECTOR 3
	SET_MSIP 0

	/* 4: machine timer interrupt: entry 7 */
	SET_CASE 4
	li t0, MIP_MTIP
	csrw mie, t0
	SET_MTIMECMP 0
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_TIMER), PRV_M
	CHECK_VECTOR 7
	SET_MTIMECMP -1

	/* 5: supervisor software interrupt, not delegated: M entry 1 */
	SET_CASE 5
	li t0, MIP_SSIP
	csrw mie, t0
	csrs mip, t0
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_M
	CHECK_VECTOR 1
	li t0, MIP_SSIP
	csrc mip, t0

	/* 6: supervisor external interrupt (software SEIP), not delegated: M entry 9 */
	SET_CASE 6
	li t0, MIP_SEIP
	csrw mie, t0
	csrs mip, t0
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_EXT), PRV_M
	CHECK_VECTOR 9
	li t0, MIP_SEIP
	csrc mip, t0
	csrw mie, zero

	/* 7: back to direct mode: an interrupt goes to BASE like an exception */
	SET_CASE 7
	lla a0, mtrap_vector
	csrw mtvec, a0
	li t0, MIP_MSIP
	csrw mie, t0
	SET_MSIP 1
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_SOFT), PRV_M
	CHECK_VECTOR -1
	SET_MSIP 0
	csrw mie, zero

	/* 8: stvec holds BASE | 1 */
	SET_CASE 8
	lla a0, s_vector_table
	ori a0, a0, TVEC_VECTORED
	csrw stvec, a0
	csrr a1, stvec
	CHECK_EQ_REG a1, a0

	/* 9-11: delegated SSI, STI, SEI pending when M returns to U: S entries 1, 5, 9; each is cleared
	 * by S, which then returns to M. */
	li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
	csrw mideleg, t0
	li t0, BIT(CAUSE_ECALL_U)
	csrw medeleg, t0
	SET_CASE 9
	li t0, MIP_SSIP
	csrw mie, t0
	csrs mip, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_S
	CHECK_VECTOR 1
	csrci sip, MIP_SSIP
	TO_M 1f
1:	SET_CASE 10
	li t0, MIP_STIP
	csrw mie, t0
	csrs mip, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_TIMER), PRV_S
	CHECK_VECTOR 5
	TO_M 1f
1:	li t0, MIP_STIP
	csrc mip, t0
	SET_CASE 11
	li t0, MIP_SEIP
	csrw mie, t0
	csrs mip, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_EXT), PRV_S
	CHECK_VECTOR 9
	TO_M 1f
1:	li t0, MIP_SEIP
	csrc mip, t0
	csrw mie, zero

	/* 12: a delegated exception (ecall from U) goes to stvec's BASE (entry 0) */
	SET_CASE 12
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_S
	CHECK_VECTOR 0
	TO_M 1f
1:	csrw medeleg, zero
	csrw mideleg, zero
	lla t0, strap_vector
	csrw stvec, t0
TEST_END
