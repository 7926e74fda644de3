/* ECALL from U, S and M (spec 1.12 section 3.3.1 and table 3.6): causes 8, 9, 11; mepc = the address of
 * the ecall itself (3.1.14: mepc holds the address of the instruction that took the exception); mtval = 0
 * (3.1.16: mtval is 0 for traps other than those listed, and ECALL is not listed).
 * Trap entry state (3.1.6.1): MPP = the privilege the trap came from, MPIE = the MIE before the trap,
 * MIE = 0. */
#include "guest/rv/priv/env/privtest.inc"

TEST_BEGIN
	/* 1-3: ecall from U */
	SET_CASE 1
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_M
	SET_CASE 2
	CHECK_EPC 2b
	CHECK_TVAL 0
	SET_CASE 3
	CHECK_STATUS MSTATUS_MPP | MSTATUS_MIE, PRV_U << MSTATUS_MPP_SHIFT

	/* 4-6: ecall from S */
	SET_CASE 4
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	SET_CASE 5
	CHECK_EPC 2b
	CHECK_TVAL 0
	SET_CASE 6
	CHECK_STATUS MSTATUS_MPP | MSTATUS_MIE, PRV_S << MSTATUS_MPP_SHIFT

	/* 7-9: ecall from M with MIE = 1 (no interrupt enabled in mie, so none can be taken):
	 * MPIE records MIE = 1, MIE is cleared */
	SET_CASE 7
	csrw mie, zero
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_M, PRV_M
	SET_CASE 8
	CHECK_EPC 2b
	CHECK_TVAL 0
	SET_CASE 9
	CHECK_STATUS MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE, MSTATUS_MPP | MSTATUS_MPIE
	/* 10: the handler resumed with MIE = 0 */
	SET_CASE 10
	CHECK_CSR_MASKED mstatus, MSTATUS_MIE, 0
	/* 11: MPIE records the MIE of the mode the trap came from: MPIE = 1 before the MRET makes MIE = 1
	 * in S, so the ecall from S leaves MPIE = 1 and MIE = 0 */
	SET_CASE 11
	li t0, MSTATUS_MPIE
	csrs mstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_STATUS MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE, MSTATUS_MPP_S | MSTATUS_MPIE
TEST_END
