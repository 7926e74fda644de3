/* Global interrupt enables across privilege modes (spec 1.12 section 3.1.6.1): in mode x, interrupts
 * for x are enabled by xIE; interrupts for a lower mode are always disabled; interrupts for a higher
 * mode are always enabled, whatever that mode's xIE. An interrupt is "for" M unless delegated in
 * mideleg (3.1.9: a non-delegated S-level interrupt traps to M from any mode; 3.1.8: delegated
 * interrupts are masked in M). Sources: MSI (CLINT msip) and SSI (mip.SSIP, written by M). */
#include "guest/rv/priv/env/privtest.inc"

TEST_BEGIN
	csrw mie, zero
	csrw mideleg, zero
	/* 1: MSI pending and enabled in mie, in M with MIE = 0: not taken */
	SET_CASE 1
	li t0, MIP_MSIP
	csrw mie, t0
	SET_MSIP 1
	WAIT_PENDING mip, MIP_MSIP
	RESET_TRAP_COUNT
	SETTLE
	CHECK_TRAP_COUNT 0
	/* 2: in S with MIE = 0 (and SIE = 0): taken by M at once (higher mode always enabled) */
	SET_CASE 2
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	csrci sstatus, MSTATUS_SIE
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_SOFT), PRV_M
	CHECK_EPC 2b
	CHECK_STATUS MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP, MSTATUS_MPP_S
	/* 3: in U likewise */
	SET_CASE 3
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_SOFT), PRV_M
	CHECK_EPC 2b
	CHECK_STATUS MSTATUS_MPIE | MSTATUS_MPP, 0
	/* 4: in S with mie.MSIE = 0: not taken (per-interrupt enables still apply) */
	SET_CASE 4
	csrw mie, zero
	RESET_TRAP_COUNT
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	SETTLE
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_TRAP_COUNT 1
	SET_MSIP 0
	WAIT_NOT_PENDING mip, MIP_MSIP

	/* 5: SSI delegated, pending, SSIE = 1, in M with MIE = 1 and SIE = 1: not taken (lower mode) */
	SET_CASE 5
	li t0, MIP_SSIP
	csrw mideleg, t0
	csrw mie, t0
	csrs mip, t0
	csrsi sstatus, MSTATUS_SIE
	RESET_TRAP_COUNT
	csrsi mstatus, MSTATUS_MIE
	SETTLE
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP_COUNT 0
	/* 6: in S with SIE = 0: not taken; S then sets SIE: taken in S right after that write */
	SET_CASE 6
	csrci sstatus, MSTATUS_SIE
	GOTO_MODE PRV_S, 2f
2:	SETTLE
	CHECK_TRAP_COUNT 0
	SET_CASE 7
	EXPECT_TRAP 1f
	csrsi sstatus, MSTATUS_SIE
3:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_S
	CHECK_EPC 3b
	CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE, MSTATUS_SPP | MSTATUS_SPIE
	TO_M 1f
1:	/* 8: in U with SIE = 0: taken by S (higher mode) */
	SET_CASE 8
	csrci sstatus, MSTATUS_SIE
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_S
	CHECK_EPC 2b
	CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE, 0
	TO_M 1f
1:	/* 9: not delegated, in S with MIE = 0 and SIE = 0: taken by M (it is an M-level interrupt now) */
	SET_CASE 9
	csrw mideleg, zero
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	csrci sstatus, MSTATUS_SIE
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_M
	CHECK_EPC 2b
	/* 10: not delegated, in M: MIE = 0 blocks it, MIE = 1 takes it */
	SET_CASE 10
	RESET_TRAP_COUNT
	SETTLE
	CHECK_TRAP_COUNT 0
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_SOFT), PRV_M
	CHECK_EPC 2b
	li t0, MIP_SSIP
	csrc mip, t0
	csrw mie, zero
TEST_END
