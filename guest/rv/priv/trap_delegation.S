/* Trap delegation with medeleg/mideleg (spec 1.12 section 3.1.8):
 *   - WARL: medeleg[11] (ecall from M) is read-only zero; no bit of medeleg may be read-only one, nor a
 *     bit of mideleg for a machine-level interrupt; writing all ones shows the delegatable set, which
 *     must include what an S-mode kernel delegates (breakpoint, illegal instruction, ecall from U, page
 *     faults; SSI, STI, SEI);
 *   - a delegated trap from S or U goes to the S handler: scause = cause, sepc = the instruction,
 *     stval = the exception's datum, SPP = the previous mode, SPIE = SIE, SIE = 0 (3.1.8, 4.1.1);
 *   - traps never go to a lower privilege: a delegated exception raised in M is taken in M (3.1.8);
 *   - traps may be taken horizontally: delegated exceptions raised in S are taken in S;
 *   - delegated interrupts go to S from U (and S), non-delegated ones to M (3.1.8, 3.1.9). */
#include "guest/rv/priv/env/privtest.inc"

TEST_BEGIN
	/* 1: medeleg = all ones: bit 11 reads 0; breakpoint (3), illegal (2), ecall U (8), ecall S (9),
	 * page faults (12, 13, 15) are delegatable */
	SET_CASE 1
	li t0, -1
	csrw medeleg, t0
	csrr a0, medeleg
	/* QEMU 7.2 deviates: its medeleg[11] is writable (QEMU's set of delegatable exceptions includes
	 * ecall from M); such an ecall still traps to M (case 13). */
	SKIP_ON_QEMU72 1f
	CHECK_MASKED a0, BIT(CAUSE_ECALL_M), 0
1:
	SET_CASE 2
	li a1, BIT(CAUSE_ILLEGAL) | BIT(CAUSE_BREAKPOINT) | BIT(CAUSE_ECALL_U) | BIT(CAUSE_ECALL_S) | BIT(CAUSE_FETCH_PAGE) | BIT(CAUSE_LOAD_PAGE) | BIT(CAUSE_STORE_PAGE)
	and a2, a0, a1
	CHECK_EQ_REG a2, a1
	/* 3: medeleg = 0 reads 0 (no read-only-one bits) */
	SET_CASE 3
	csrw medeleg, zero
	CHECK_CSR medeleg, 0
	/* 4: mideleg = all ones: SSI, STI, SEI delegatable, no M-level bit reads 1 */
	SET_CASE 4
	li t0, -1
	csrw mideleg, t0
	CHECK_CSR_MASKED mideleg, MIP_STANDARD, MIP_SSIP | MIP_STIP | MIP_SEIP
	/* 5: mideleg = 0: the standard bits read 0 */
	SET_CASE 5
	csrw mideleg, zero
	CHECK_CSR_MASKED mideleg, MIP_STANDARD, 0

	/* 6-8: ecall from U delegated (medeleg[8]) goes to S; SIE = 1 before: SPIE = 1, SIE = 0, SPP = U */
	SET_CASE 6
	li t0, BIT(CAUSE_ECALL_U)
	csrw medeleg, t0
	csrsi sstatus, MSTATUS_SIE
	li t0, MSTATUS_SPP | MSTATUS_SPIE
	csrs sstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_S
	SET_CASE 7
	CHECK_EPC 2b
	CHECK_TVAL 0
	SET_CASE 8
	CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE
	/* (now in S: back to M) */
	TO_M 1f
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M

	/* 9: the same ecall with SIE = 0: SPIE = 0 */
	SET_CASE 9
	csrci sstatus, MSTATUS_SIE
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_S
	CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, 0
	TO_M 1f
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M

	/* 10: ecall from S is not delegated by medeleg[8]: it goes to M */
	SET_CASE 10
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_EPC 2b

	/* 11-12: ecall from S delegated (medeleg[9]): taken in S, SPP = S. Back to M with EBREAK
	 * (not delegated). */
	SET_CASE 11
	li t0, BIT(CAUSE_ECALL_S)
	csrw medeleg, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_S
	CHECK_EPC 2b
	SET_CASE 12
	CHECK_STATUS MSTATUS_SPP, MSTATUS_SPP
	EXPECT_TRAP 1f
	ebreak
	NO_TRAP
1:	CHECK_TRAP CAUSE_BREAKPOINT, PRV_M

	/* 13: ecall from M with every delegatable bit set: still M (medeleg[11] is read-only 0, and traps
	 * never go down) */
	SET_CASE 13
	li t0, -1
	csrw medeleg, t0
	EXPECT_TRAP 1f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_M, PRV_M
	CHECK_EPC 2b

	/* 14: delegated illegal instruction raised in M: taken in M */
	SET_CASE 14
	li t0, BIT(CAUSE_ILLEGAL) | BIT(CAUSE_BREAKPOINT)
	csrw medeleg, t0
	EXPECT_TRAP 1f
2:	.word 0xfe000033
	NO_TRAP
1:	CHECK_TRAP CAUSE_ILLEGAL, PRV_M
	CHECK_EPC 2b

	/* 15-16: delegated illegal instruction from U: taken in S with stval = the instruction bits */
	SET_CASE 15
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	csrr a0, sstatus
	NO_TRAP
1:	CHECK_TRAP CAUSE_ILLEGAL, PRV_S
	CHECK_EPC 2b
	SET_CASE 16
	CHECK_TVAL_INSN 2b
	CHECK_STATUS MSTATUS_SPP, 0
	/* 17: horizontal: a delegated breakpoint raised in S is taken in S */
	SET_CASE 17
	EXPECT_TRAP 1f
	.option push
	.option norvc
2:	ebreak
	.option pop
	NO_TRAP
1:	CHECK_TRAP CAUSE_BREAKPOINT, PRV_S
	CHECK_EPC 2b
	CHECK_STATUS MSTATUS_SPP, MSTATUS_SPP
	/* 18: an illegal instruction in S (M CSR) is taken in S too */
	SET_CASE 18
	EXPECT_TRAP 1f
2:	csrr a0, mscratch
	NO_TRAP
1:	CHECK_TRAP CAUSE_ILLEGAL, PRV_S
	CHECK_TVAL_INSN 2b
	TO_M 1f
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	csrw medeleg, zero

	/* 19: delegated S software interrupt pending when M returns to U (sie.SSIE = 1; in M it is masked,
	 * being delegated): taken by S before the first U instruction, scause = interrupt | 1,
	 * sepc = that instruction, stval = 0 */
	SET_CASE 19
	li t0, MIP_SSIP
	csrw mideleg, t0
	csrw mie, t0
	csrs mip, t0
	SETTLE
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_S
	CHECK_EPC 2b
	CHECK_TVAL 0
	CHECK_IP MIP_SSIP, MIP_SSIP
	csrci sip, MIP_SSIP
	TO_M 1f
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M

	/* 20: not delegated, the same interrupt goes to M */
	SET_CASE 20
	csrw mideleg, zero
	li t0, MIP_SSIP
	csrs mip, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_M
	CHECK_EPC 2b
	CHECK_STATUS MSTATUS_MPP, 0
	li t0, MIP_SSIP
	csrc mip, t0
	csrw mie, zero
TEST_END
