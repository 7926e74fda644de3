/* Supervisor software interrupt and the sip/sie views (spec 1.12 sections 3.1.9 and 4.1.3):
 *   - sip/sie are restricted views of mip/mie: a bit not delegated in mideleg reads 0 in sip and sie
 *     and cannot be written there; a delegated bit reads and writes the mip/mie bit;
 *   - sip.SSIP is writable by S (when delegated); mip.SSIP by M;
 *   - a delegated SSI is taken in S only with SIE = 1 (in S) and sie.SSIE = 1, cause interrupt | 1,
 *     immediately after the CSR write that enables it (3.1.9/4.1.3: the conditions are evaluated
 *     right after an explicit write of sip, sie, sstatus);
 *   - not delegated, it goes to M. */
#include "guest/rv/priv/env/privtest.inc"

TEST_BEGIN
	csrw mie, zero
	csrw mideleg, zero
	/* 1: not delegated: mip.SSIP = 1 is invisible in sip */
	SET_CASE 1
	li t0, MIP_SSIP
	csrs mip, t0
	CHECK_CSR_MASKED mip, MIP_SSIP, MIP_SSIP
	CHECK_CSR_MASKED sip, MIP_SSIP, 0
	/* 2: ... and sip cannot clear it */
	SET_CASE 2
	csrci sip, MIP_SSIP
	CHECK_CSR_MASKED mip, MIP_SSIP, MIP_SSIP
	li t0, MIP_SSIP
	csrc mip, t0
	/* 3: not delegated: sie writes are ignored and read 0 (mie unchanged) */
	SET_CASE 3
	li t0, -1
	csrw sie, t0
	CHECK_CSR_MASKED sie, MIP_STANDARD, 0
	CHECK_CSR_MASKED mie, MIP_STANDARD, 0
	/* 4: delegate SSI, STI, SEI: sie = all ones sets exactly SSIE, STIE, SEIE in mie */
	SET_CASE 4
	li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
	csrw mideleg, t0
	li t0, -1
	csrw sie, t0
	CHECK_CSR_MASKED sie, MIP_STANDARD, MIP_SSIP | MIP_STIP | MIP_SEIP
	CHECK_CSR_MASKED mie, MIP_STANDARD, MIP_SSIP | MIP_STIP | MIP_SEIP
	csrw sie, zero
	CHECK_CSR_MASKED mie, MIP_STANDARD, 0
	/* 5: delegated: sip.SSIP written from M through sip shows in mip */
	SET_CASE 5
	csrsi sip, MIP_SSIP
	CHECK_CSR_MASKED mip, MIP_SSIP, MIP_SSIP
	CHECK_CSR_MASKED sip, MIP_SSIP, MIP_SSIP
	csrci sip, MIP_SSIP
	CHECK_CSR_MASKED mip, MIP_SSIP, 0

	/* 6: in S with SIE = 0 and SSIE = 1, S sets SSIP: no trap */
	SET_CASE 6
	li t0, MIP_SSIP
	csrw mie, t0
	RESET_TRAP_COUNT
	GOTO_MODE PRV_S, 2f
2:	csrci sstatus, MSTATUS_SIE
	csrsi sip, MIP_SSIP
	SETTLE
	CHECK_TRAP_COUNT 0
	CHECK_CSR_MASKED sip, MIP_SSIP, MIP_SSIP
	/* 7: SSIE = 0 and SIE = 1: still no trap */
	SET_CASE 7
	csrci sie, MIP_SSIP
	csrsi sstatus, MSTATUS_SIE
	SETTLE
	CHECK_TRAP_COUNT 0
	/* 8: SSIE = 1 with SIE = 1: taken in S right after the csrs (sepc = the next instruction) */
	SET_CASE 8
	EXPECT_TRAP 1f
	csrsi sie, MIP_SSIP
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_S
	CHECK_EPC 2b
	CHECK_TVAL 0
	CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
	/* 9: S clears SSIP through sip: no further trap */
	SET_CASE 9
	csrci sip, MIP_SSIP
	RESET_TRAP_COUNT
	csrsi sstatus, MSTATUS_SIE
	SETTLE
	csrci sstatus, MSTATUS_SIE
	CHECK_TRAP_COUNT 0
	/* 10: SIE = 1 first, then S sets SSIP: taken right after the write to sip */
	SET_CASE 10
	csrsi sstatus, MSTATUS_SIE
	EXPECT_TRAP 1f
	csrsi sip, MIP_SSIP
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_S
	CHECK_EPC 2b
	csrci sip, MIP_SSIP
	TO_M 1f
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M

	/* 11: not delegated: set by M, pending when M returns to S: taken in M */
	SET_CASE 11
	csrw mideleg, zero
	li t0, MIP_SSIP
	csrs mip, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_M
	CHECK_EPC 2b
	li t0, MIP_SSIP
	csrc mip, t0
	csrw mie, zero
TEST_END
