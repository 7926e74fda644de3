/* Machine software interrupt through the CLINT's msip register (spec 1.12 section 3.1.9; CLINT of
 * QEMU's virt: msip of hart h at 0x2000000 + 4h, only bit 0 implemented, as in SiFive's CLINT):
 *   - msip = 1 makes mip.MSIP pending, msip = 0 clears it; MSIP is read-only in mip;
 *   - taken in M with MIE = 1 and MSIE = 1: mcause = interrupt | 3; in S and U it is taken whatever
 *     MIE (interrupts for a more-privileged mode are always enabled, 3.1.6.1). */
#include "guest/rv/priv/env/privtest.inc"

TEST_BEGIN
	csrw mie, zero
	/* 1: msip = 1: pending, and msip reads 1 */
	SET_CASE 1
	SET_MSIP 1
	WAIT_PENDING mip, MIP_MSIP
	li t0, CLINT_BASE + CLINT_MSIP
	lw a0, 0(t0)
	CHECK_EQ a0, 1
	/* 2: MSIP is read-only in mip */
	SET_CASE 2
	li t0, MIP_MSIP
	csrc mip, t0
	CHECK_CSR_MASKED mip, MIP_MSIP, MIP_MSIP
	/* 3: msip = 0 clears it */
	SET_CASE 3
	SET_MSIP 0
	SETTLE
	CHECK_CSR_MASKED mip, MIP_MSIP, 0
	/* 4: only bit 0 of msip exists: writing all ones reads back 1 */
	SET_CASE 4
	SET_MSIP 0xffffffff
	li t0, CLINT_BASE + CLINT_MSIP
	lw a0, 0(t0)
	CHECK_EQ a0, 1
	SET_MSIP 0
	/* 5: pending with MIE = 0 in M: not taken; mie.MSIE = 0 with MIE = 1: not taken */
	SET_CASE 5
	SET_MSIP 1
	RESET_TRAP_COUNT
	li t0, MIP_MSIP
	csrw mie, t0
	SETTLE
	csrw mie, zero
	csrsi mstatus, MSTATUS_MIE
	SETTLE
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP_COUNT 0
	/* 6: MSIE = 1 and MIE = 1: taken, mcause = interrupt | 3, mepc = the next instruction */
	SET_CASE 6
	li t0, MIP_MSIP
	csrw mie, t0
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_SOFT), PRV_M
	CHECK_EPC 2b
	CHECK_IP MIP_MSIP, MIP_MSIP
	/* 7: from U with MIE = 0 (MPIE = 0 before the MRET): taken before the first U instruction */
	SET_CASE 7
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_SOFT), PRV_M
	CHECK_EPC 2b
	CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE, 0
	/* 8: from S likewise */
	SET_CASE 8
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_SOFT), PRV_M
	CHECK_EPC 2b
	CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE, MSTATUS_MPP_S
	/* 9: cleared through msip: no more interrupts */
	SET_CASE 9
	SET_MSIP 0
	RESET_TRAP_COUNT
	csrsi mstatus, MSTATUS_MIE
	SETTLE
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP_COUNT 0
	csrw mie, zero
TEST_END
