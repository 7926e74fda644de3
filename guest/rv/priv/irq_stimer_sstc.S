/* Supervisor timer through Sstc's stimecmp (Sstc extension 1.0; menvcfg.STCE in spec 1.12 section
 * 3.1.18 as extended by Sstc; mcounteren.TM gating of stimecmp, Sstc):
 *   - menvcfg.STCE is writable (Sstc implemented);
 *   - STCE = 0: stimecmp is not accessible below M (illegal instruction), and mip.STIP is the
 *     M-writable bit of 3.1.9;
 *   - STCE = 1: S may access stimecmp only when mcounteren.TM = 1; STIP = (time >= stimecmp, unsigned),
 *     read-only in mip; it follows a new stimecmp "eventually" (polled here);
 *   - the interrupt (cause interrupt | 5) goes to S when delegated (taken in S with SIE = 1 and STIE),
 *     otherwise to M; it is not taken before its time. */
#include "guest/rv/priv/env/privtest.inc"

#define STCE (1 << MENVCFG_STCE_SHIFT)

TEST_BEGIN
	csrw mie, zero
	/* 1: STCE is writable */
	SET_CASE 1
	li t0, STCE
	csrs menvcfg, t0
	CHECK_CSR_MASKED menvcfg, STCE, STCE
	csrc menvcfg, t0
	CHECK_CSR_MASKED menvcfg, STCE, 0

	/* 2: STCE = 0: M can set and clear mip.STIP */
	SET_CASE 2
	li t0, MIP_STIP
	csrs mip, t0
	CHECK_CSR_MASKED mip, MIP_STIP, MIP_STIP
	li t0, MIP_STIP
	csrc mip, t0
	CHECK_CSR_MASKED mip, MIP_STIP, 0

	/* 3: STCE = 0, mcounteren.TM = 1: stimecmp from S is illegal */
	SET_CASE 3
	li t0, COUNTEREN_TM
	csrw mcounteren, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	csrr a0, CSR_STIMECMP
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 4: STCE = 1, mcounteren.TM = 0: still illegal from S */
	SET_CASE 4
	li t0, STCE
	csrs menvcfg, t0
	csrw mcounteren, zero
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	csrw CSR_STIMECMP, zero
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 5: STCE = 1, TM = 1: S writes and reads stimecmp */
	SET_CASE 5
	li t0, COUNTEREN_TM
	csrw mcounteren, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	li t0, 0x123456789abcdef0
	csrw CSR_STIMECMP, t0
	csrr a0, CSR_STIMECMP
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_EQ a0, 0x123456789abcdef0

	/* 6: stimecmp = all ones: STIP clear; = 0: set */
	SET_CASE 6
	li t0, -1
	csrw CSR_STIMECMP, t0
	WAIT_NOT_PENDING mip, MIP_STIP
	SET_CASE 7
	csrw CSR_STIMECMP, zero
	WAIT_PENDING mip, MIP_STIP
	/* 8: STIP is read-only in mip while STCE = 1 */
	SET_CASE 8
	li t0, MIP_STIP
	csrc mip, t0
	CHECK_CSR_MASKED mip, MIP_STIP, MIP_STIP
	/* 9: stimecmp above time clears it, and M cannot set it by CSR */
	SET_CASE 9
	li t0, -1
	csrw CSR_STIMECMP, t0
	WAIT_NOT_PENDING mip, MIP_STIP
	li t0, MIP_STIP
	csrs mip, t0
	SETTLE
	CHECK_CSR_MASKED mip, MIP_STIP, 0
	/* 10: the comparison is unsigned (2^63 is in the future) */
	SET_CASE 10
	li t0, 0x8000000000000000
	csrw CSR_STIMECMP, t0
	SETTLE
	CHECK_CSR_MASKED mip, MIP_STIP, 0

	/* 11-12: delegated: S arms stimecmp = time + 1 ms and spins; the interrupt is taken in S
	 * (scause = interrupt | 5, stval = 0) once time >= stimecmp */
	SET_CASE 11
	li t0, MIP_STIP
	csrw mideleg, t0
	csrw mie, t0
	li t0, COUNTEREN_TM
	csrw mcounteren, t0
	GOTO_MODE PRV_S, 2f
2:	csrsi sstatus, MSTATUS_SIE
	EXPECT_TRAP 1f
	rdtime t1
	li t0, TIMEBASE_HZ / 1000
	add t1, t1, t0
	csrw CSR_STIMECMP, t1
	SPIN_UNTIL_TRAP
1:	rdtime a0
	csrr a1, CSR_STIMECMP
	CHECK_TRAP INTERRUPT(IRQ_S_TIMER), PRV_S
	CHECK_TVAL 0
	CHECK_IP MIP_STIP, MIP_STIP
	SET_CASE 12
	sltu t0, a0, a1
	CHECK_EQ t0, 0
	/* 13: S clears it by writing stimecmp */
	SET_CASE 13
	li t0, -1
	csrw CSR_STIMECMP, t0
	WAIT_NOT_PENDING sip, MIP_STIP
	TO_M 3f
3:	CHECK_TRAP CAUSE_ECALL_S, PRV_M

	/* 14: not delegated: pending while in S, it goes to M (interrupt | 5) */
	SET_CASE 14
	csrw mideleg, zero
	csrw CSR_STIMECMP, zero
	WAIT_PENDING mip, MIP_STIP
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_TIMER), PRV_M
	CHECK_EPC 2b
	li t0, -1
	csrw CSR_STIMECMP, t0
	WAIT_NOT_PENDING mip, MIP_STIP
	csrw mie, zero

	/* 15: STCE = 0 again: STIP is writable by M again (whatever value it had: the spec says it
	 * "reverts to its defined behavior", not which value it then holds) */
	SET_CASE 15
	csrw CSR_STIMECMP, zero
	WAIT_PENDING mip, MIP_STIP
	li t0, STCE
	csrc menvcfg, t0
	li t0, MIP_STIP
	csrc mip, t0
	CHECK_CSR_MASKED mip, MIP_STIP, 0
	li t0, MIP_STIP
	csrs mip, t0
	CHECK_CSR_MASKED mip, MIP_STIP, MIP_STIP
	li t0, MIP_STIP
	csrc mip, t0
	CHECK_CSR_MASKED mip, MIP_STIP, 0
	csrw mcounteren, zero
TEST_END
