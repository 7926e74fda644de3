/* Illegal-instruction exceptions (cause 2, spec 1.12 table 3.6) with mepc = the instruction
 * (3.1.14) and mtval = its bits, right-justified, upper bits zero (3.1.16; writing the bits is optional
 * in the spec; karasu-rv and QEMU write them, so the test requires them). Sources of the exception:
 *   - reserved encodings, 32-bit and 16-bit (the all-zero 16-bit instruction is defined illegal, ISA
 *     manual, RVC chapter: its mtval is 0);
 *   - CSRs (2.1: a non-existent CSR, a write to a read-only CSR, or an access from too low a privilege
 *     raises illegal instruction; 3.7.1: pmpcfg1/3/... do not exist on RV64); a read of a read-only CSR
 *     with csrrs rs1 = x0 is not a write and is legal (Zicsr);
 *   - privileged instructions from a lower privilege: MRET from S or U, SRET from U (3.3.2);
 *   - trap virtualization in mstatus (3.1.6.5): TSR = 1 makes SRET in S illegal, TVM = 1 makes satp
 *     accesses and SFENCE.VMA in S illegal, TW = 1 makes WFI in S illegal when it does not complete
 *     within a bounded time (mie = 0 here: it can never complete); WFI in U is illegal on the same
 *     condition whatever TW (3.3.3). */
#include "guest/rv/priv/env/privtest.inc"

	.option norvc
TEST_BEGIN
	/* 1: OP with funct7 = 0x7f is reserved */
	SET_CASE 1
	EXPECT_TRAP 1f
2:	.word 0xfe000033
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	CHECK_TRAP CAUSE_ILLEGAL, PRV_M
	CHECK_TVAL 0xfe000033

	/* 2: the all-zero 16-bit instruction: illegal, mtval = its 16 bits = 0 */
	SET_CASE 2
	EXPECT_TRAP 1f
2:	.half 0x0000
	.half 0x0001 /* c.nop: keeps the stream aligned for the NO_TRAP jump */
	NO_TRAP
1:	CHECK_TRAP CAUSE_ILLEGAL, PRV_M
	CHECK_EPC 2b
	CHECK_TVAL 0

	/* 3: C.ADDI4SPN with a zero immediate is reserved: mtval = the 16 bits, zero-extended */
	SET_CASE 3
	EXPECT_TRAP 1f
2:	.half 0x0004
	.half 0x0001
	NO_TRAP
1:	CHECK_TRAP CAUSE_ILLEGAL, PRV_M
	CHECK_EPC 2b
	CHECK_TVAL 0x0004

	/* 4: a CSR number that no extension defines (0x0ff, standard user read/write range) */
	SET_CASE 4
	EXPECT_TRAP 1f
2:	csrr a0, 0x0ff
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 5: pmpcfg1 does not exist on RV64 */
	SET_CASE 5
	EXPECT_TRAP 1f
2:	csrr a0, pmpcfg1
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 6: writing a read-only CSR (mhartid, number 0xf14: bits 11:10 = 3 mean read-only) */
	SET_CASE 6
	EXPECT_TRAP 1f
2:	csrw mhartid, zero
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 7: csrrs/csrrsi with x0/0 only read: legal on a read-only CSR, returns hart 0 */
	SET_CASE 7
	RESET_TRAP_COUNT
	li a0, 1
	csrrs a0, mhartid, x0
	CHECK_EQ a0, 0
	li a0, 1
	csrrsi a0, mhartid, 0
	CHECK_EQ a0, 0
	CHECK_TRAP_COUNT 0

	/* 8: writing a read-only counter (cycle, 0xc00) is illegal even in M */
	SET_CASE 8
	EXPECT_TRAP 1f
2:	csrw cycle, zero
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 9: an M-mode CSR from S */
	SET_CASE 9
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	csrr a0, mstatus
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	CHECK_STATUS MSTATUS_MPP, MSTATUS_MPP_S

	/* 10: an S-mode CSR from U */
	SET_CASE 10
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	csrr a0, sstatus
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	CHECK_STATUS MSTATUS_MPP, PRV_U << MSTATUS_MPP_SHIFT

	/* 11: MRET in S */
	SET_CASE 11
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	mret
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 12: MRET in U */
	SET_CASE 12
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	mret
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 13: SRET in U */
	SET_CASE 13
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	sret
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 14: SRET in S with TSR = 1 */
	SET_CASE 14
	li t0, MSTATUS_TSR
	csrs mstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	sret
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	li t0, MSTATUS_TSR
	csrc mstatus, t0

	/* 15: SRET in S with TSR = 0 is legal: it returns to U (SPP = U) at sepc */
	SET_CASE 15
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	SRET_TO PRV_U, 3f
3:	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_M
	CHECK_EPC 3b

	/* 16-18: TVM = 1: csrr satp, csrw satp, sfence.vma in S */
	li t0, MSTATUS_TVM
	csrs mstatus, t0
	SET_CASE 16
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	csrr a0, satp
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	SET_CASE 17
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	csrw satp, zero
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	SET_CASE 18
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	sfence.vma
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	/* 19: in M, TVM does not apply */
	SET_CASE 19
	RESET_TRAP_COUNT
	csrr a0, satp
	sfence.vma
	CHECK_TRAP_COUNT 0
	li t0, MSTATUS_TVM
	csrc mstatus, t0
	/* 20: TVM = 0: satp readable from S (reads 0, Bare) */
	SET_CASE 20
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	li a0, -1
	csrr a0, satp
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_EQ a0, 0

	/* 21: TW = 1, WFI in S with no interrupt enabled in mie (it cannot complete) */
	SET_CASE 21
	csrw mie, zero
	li t0, MSTATUS_TW
	csrs mstatus, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	wfi
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	li t0, MSTATUS_TW
	csrc mstatus, t0

	/* 22: WFI in U (S-mode exists) with no interrupt enabled, TW = 0 */
	SET_CASE 22
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	wfi
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 23: SFENCE.VMA in U */
	SET_CASE 23
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	sfence.vma
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
TEST_END
