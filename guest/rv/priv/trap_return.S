/* Trap-return state (spec 1.12 sections 3.1.6.1, 3.1.6.3, 3.3.2, 3.1.14, 4.1.7):
 *   MRET: privilege = MPP, MIE = MPIE, MPIE = 1, MPP = U (the least-privileged supported mode);
 *         MPRV = 0 if the new privilege is below M, unchanged otherwise;
 *   SRET: privilege = SPP, SIE = SPIE, SPIE = 1, SPP = U;
 *   mepc/sepc: bit 0 always zero; with C (IALIGN = 16) bit 1 is kept, and xRET can return to an
 *   address that is only 2-byte aligned;
 *   an xRET may be executed in its own mode or a higher one (3.3.2): SRET in M pops the S stack. */
#include "guest/rv/priv/env/privtest.inc"

TEST_BEGIN
	csrw mie, zero
	/* 1: MRET to M with MPIE = 1, MIE = 0: MIE = 1, MPIE = 1, MPP = U */
	SET_CASE 1
	li t0, MSTATUS_MPIE
	csrs mstatus, t0
	csrci mstatus, MSTATUS_MIE
	GOTO_MODE PRV_M, 2f
2:	CHECK_CSR_MASKED mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MIE | MSTATUS_MPIE

	/* 2: MRET to M with MPIE = 0, MIE = 1: MIE = 0, MPIE = 1 */
	SET_CASE 2
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	csrsi mstatus, MSTATUS_MIE
	GOTO_MODE PRV_M, 2f
2:	CHECK_CSR_MASKED mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE

	/* 3: MRET to M keeps MPRV = 1 (checked right away: with MPP = U now, M loads/stores would use
	 * U's permissions while MPRV = 1; with satp = Bare and PMP entry 15 that still works) */
	SET_CASE 3
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
	GOTO_MODE PRV_M, 2f
2:	csrr a0, mstatus
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_MASKED a0, MSTATUS_MPRV, MSTATUS_MPRV

	/* 4: MRET to S clears MPRV; in S, MIE = old MPIE (= 1) shows up as MPIE = 1 on the next trap */
	SET_CASE 4
	li t0, MSTATUS_MPRV | MSTATUS_MPIE
	csrs mstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_STATUS MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP_S
	/* QEMU 7.2 deviates: its MRET leaves MPRV set when returning to S or U. */
	SKIP_ON_QEMU72 1f
	CHECK_STATUS MSTATUS_MPRV, 0
1:

	/* 5: MRET to U clears MPRV too */
	SET_CASE 5
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_M
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_STATUS MSTATUS_MPP, 0
	SKIP_ON_QEMU72 1f /* the same QEMU 7.2 deviation */
	CHECK_STATUS MSTATUS_MPRV, 0
1:

	/* 6: SRET to S with SPIE = 1, SIE = 0: SIE = 1, SPIE = 1, SPP = U (read in S itself) */
	SET_CASE 6
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	csrci sstatus, MSTATUS_SIE
	li t0, MSTATUS_SPIE
	csrs sstatus, t0
	SRET_TO PRV_S, 3f
3:	csrr a0, sstatus
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_MASKED a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SIE | MSTATUS_SPIE

	/* 7: SRET to S with SPIE = 0, SIE = 1: SIE = 0, SPIE = 1 */
	SET_CASE 7
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	csrsi sstatus, MSTATUS_SIE
	li t0, MSTATUS_SPIE
	csrc sstatus, t0
	SRET_TO PRV_S, 3f
3:	csrr a0, sstatus
	csrci sstatus, MSTATUS_SIE
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_MASKED a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE

	/* 8: SRET with SPP = U goes to U (the ecall there is cause 8) */
	SET_CASE 8
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	SRET_TO PRV_U, 3f
3:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_M
	CHECK_EPC 3b

	/* 9: mepc bit 1 is kept (C is implemented) */
	SET_CASE 9
	li t0, RAM_BASE + 0x1002
	csrw mepc, t0
	CHECK_CSR mepc, RAM_BASE + 0x1002
	li t0, RAM_BASE + 0x1002
	csrw sepc, t0
	CHECK_CSR sepc, RAM_BASE + 0x1002
	/* 10: bit 0 of mepc and sepc is always zero. QEMU 7.2 deviates: it keeps bit 0 in the register
	 * (and only drops it when xRET jumps). */
	SET_CASE 10
	li t0, RAM_BASE + 0x1003
	csrw mepc, t0
	csrw sepc, t0
	SKIP_ON_QEMU72 1f
	CHECK_CSR mepc, RAM_BASE + 0x1002
	CHECK_CSR sepc, RAM_BASE + 0x1002
1:
	/* 11: MRET and SRET to a 2-byte-aligned address */
	SET_CASE 11
	EXPECT_TRAP 1f
	lla t0, 3f
	GOTO_MODE_REG PRV_S, t0
	.balign 4
	.option push
	.option rvc
	c.nop
3:	c.nop /* at 2 mod 4 */
	.option pop
	lla t0, 4f
	SRET_TO_REG PRV_U, t0
	.balign 4
	.option push
	.option rvc
	c.nop
4:	c.nop
	.option pop
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_M
	lla t0, 3b
	andi t0, t0, 3
	CHECK_EQ t0, 2
	lla t0, 4b
	andi t0, t0, 3
	CHECK_EQ t0, 2

	/* 12: SRET executed in M with SPP = S, SPIE = 1, SIE = 0: goes to S at sepc with SIE = 1,
	 * SPIE = 1, SPP = U */
	SET_CASE 12
	li t0, MSTATUS_SPP | MSTATUS_SPIE
	csrs mstatus, t0
	csrci mstatus, MSTATUS_SIE
	EXPECT_TRAP 1f
	SRET_TO PRV_S, 2f
2:	csrr a0, sstatus
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_EPC 2b + 4
	CHECK_MASKED a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SIE | MSTATUS_SPIE
	csrci sstatus, MSTATUS_SIE
TEST_END
