/* Machine timer interrupt through the CLINT (spec 1.12 sections 3.2.1 and 3.1.9; CLINT layout of
 * QEMU's virt: mtimecmp of hart h at 0x2004000 + 8h, mtime at 0x200bff8):
 *   - MTIP is pending exactly while mtime >= mtimecmp (unsigned), and clears when mtimecmp is written
 *     above mtime; MTIP is read-only in mip (writes to it are ignored);
 *   - the interrupt is taken in M when MIE = 1 and mie.MTIE = 1, with mcause = interrupt | 7 and mepc
 *     = the interrupted instruction; never with MIE = 0 in M (it stays pending), and it is taken as
 *     soon as MIE is set;
 *   - it is not taken before its time: when the handler runs, mtime >= mtimecmp;
 *   - the time CSR is a read-only shadow of mtime (3.1.10): mtime, time, mtime read in that order are
 *     non-decreasing; time advances. */
#include "guest/rv/priv/env/privtest.inc"

TEST_BEGIN
	csrw mie, zero
	/* 1: mtimecmp = all ones: not pending */
	SET_CASE 1
	SET_MTIMECMP -1
	SETTLE
	CHECK_CSR_MASKED mip, MIP_MTIP, 0
	/* 2: mtimecmp = 0 <= mtime: pending */
	SET_CASE 2
	SET_MTIMECMP 0
	WAIT_PENDING mip, MIP_MTIP
	/* 3: MTIP is read-only in mip: clearing it by CSR has no effect */
	SET_CASE 3
	li t0, MIP_MTIP
	csrc mip, t0
	CHECK_CSR_MASKED mip, MIP_MTIP, MIP_MTIP
	/* 4: mtimecmp written above mtime: no longer pending */
	SET_CASE 4
	SET_MTIMECMP -1
	SETTLE
	CHECK_CSR_MASKED mip, MIP_MTIP, 0
	/* 5: the comparison is unsigned: mtimecmp = 2^63 (negative as signed) is in the future */
	SET_CASE 5
	SET_MTIMECMP 0x8000000000000000
	SETTLE
	CHECK_CSR_MASKED mip, MIP_MTIP, 0

	/* 6: mtimecmp = now + 50 ms (far enough for a busy host not to reach it before the next
	 * instruction): not pending at first, pending once mtime reaches it */
	SET_CASE 6
	SET_MTIMECMP_IN TIMEBASE_HZ / 20
	CHECK_CSR_MASKED mip, MIP_MTIP, 0
	WAIT_PENDING mip, MIP_MTIP
	READ_MTIME a0
	MTIMECMP_ADDR t0, t1
	ld a1, 0(t0)
	sltu a2, a0, a1
	CHECK_EQ a2, 0

	/* 7: pending, MIE = 0 in M, MTIE = 1: not taken */
	SET_CASE 7
	li t0, MIP_MTIP
	csrw mie, t0
	RESET_TRAP_COUNT
	SETTLE
	CHECK_TRAP_COUNT 0
	/* 8: taken as soon as MIE is set: mcause = interrupt | 7, mepc = the instruction after the csrs */
	SET_CASE 8
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_TIMER), PRV_M
	CHECK_EPC 2b
	CHECK_TVAL 0
	CHECK_STATUS MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP
	CHECK_IP MIP_MTIP, MIP_MTIP

	/* 9: a future deadline: the interrupt comes while spinning, and not before mtime >= mtimecmp */
	SET_CASE 9
	SET_MTIMECMP_IN TIMEBASE_HZ / 1000
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
	SPIN_UNTIL_TRAP
1:	READ_MTIME a0
	CHECK_TRAP INTERRUPT(IRQ_M_TIMER), PRV_M
	MTIMECMP_ADDR t0, t1
	ld a1, 0(t0)
	sltu a2, a0, a1
	CHECK_EQ a2, 0
	/* 10: the resume path left MIE = 0; MTIE = 0 also blocks it with MIE = 1 */
	SET_CASE 10
	csrw mie, zero
	RESET_TRAP_COUNT
	csrsi mstatus, MSTATUS_MIE
	SETTLE
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP_COUNT 0
	SET_MTIMECMP -1

	/* 11: time is a shadow of mtime: mtime <= time <= mtime */
	SET_CASE 11
	READ_MTIME a0
	rdtime a1
	READ_MTIME a2
	sltu t0, a1, a0
	CHECK_EQ t0, 0
	sltu t0, a2, a1
	CHECK_EQ t0, 0
	/* 12: time advances */
	SET_CASE 12
	rdtime a0
	li t0, 100000
3:	addi t0, t0, -1
	bnez t0, 3b
	rdtime a1
	sltu t0, a0, a1
	CHECK_EQ t0, 1
TEST_END
