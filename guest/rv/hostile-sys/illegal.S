/*
 * Illegal instructions in M-mode: each traps to the guest's handler with mcause = 2 (privileged spec
 * 1.12, table 3.6), mepc = the instruction (3.1.14) and mtval = its bits, zero-extended: the 16 bits of a
 * compressed instruction, 32 bits otherwise (3.1.16; writing them is optional in the spec, karasu-rv and
 * QEMU do, so the guest requires it). The trap is precise: what came before the instruction in the same
 * straight-line code has run, nothing after it has. Run with -bios none.
 */
#include "guest/rv/hostile-sys/hsys.inc"

#define INSN_RESERVED_OP  0x40001033 /* OP, funct3 = 1 (SLL) with funct7 = 0x20: reserved */
#define INSN_FADD_S_RM5   0x003150d3 /* fadd.s f1, f2, f3 with rm = 5: a reserved rounding mode */
#define INSN_FADD_D       0x023100d3 /* fadd.d f1, f2, f3, rm = RNE: illegal while mstatus.FS = Off */
#define INSN_AMO_RESERVED 0x28c5b52f /* AMO, funct3 = 3 (D), funct5 = 00101 (no such AMO), (a1) */
#define INSN_CSR_CUSTOM   0x80002573 /* csrr a0, 0x800: a custom user CSR this hart does not have */
#define INSN_ALL_ONES     0xffffffff /* bits 6:0 = 1111111: reserved for instructions of 192+ bits */
#define INSN_C_LWSP_X0    0x4002     /* c.lwsp with rd = x0: reserved */
#define TRAP_LOOP         100000
#define PAGE_SIZE         4096

/* The instruction at `label` must trap as illegal with mtval = `bits`. */
.macro CHECK_ILLEGAL label, bits
	CHECK_TRAP CAUSE_ILLEGAL, \bits, \label
.endm

	HSYS_ENTRY
	TRAP_HANDLER

	.text
	.option norvc
test_main:
	li t0, MSTATUS_FS
	csrc mstatus, t0 /* FP off: case 6 */

	/* 1: the all-zero parcel is defined illegal (ISA manual, RVC): mtval = its 16 bits = 0 */
	SET_CASE 1
	EXPECT_TRAP 1f
2:	.word 0x00000000
	NO_TRAP
1:	CHECK_ILLEGAL 2b, 0

	/* 2: a reserved OP encoding */
	SET_CASE 2
	EXPECT_TRAP 1f
2:	.word INSN_RESERVED_OP
	NO_TRAP
1:	CHECK_ILLEGAL 2b, INSN_RESERVED_OP

	/* 3: a CSR the hart does not have */
	SET_CASE 3
	EXPECT_TRAP 1f
2:	.word INSN_CSR_CUSTOM
	NO_TRAP
1:	CHECK_ILLEGAL 2b, INSN_CSR_CUSTOM

	/* 4: an AMO function that does not exist (a1 = RAM: not an access problem) */
	SET_CASE 4
	lla a1, scratch
	EXPECT_TRAP 1f
2:	.word INSN_AMO_RESERVED
	NO_TRAP
1:	CHECK_ILLEGAL 2b, INSN_AMO_RESERVED

	/* 5: a compressed reserved encoding: mtval = the 16 bits */
	SET_CASE 5
	EXPECT_TRAP 1f
2:	.half INSN_C_LWSP_X0
	.half 0x0001 /* c.nop: keeps the stream 4-byte aligned */
	NO_TRAP
1:	CHECK_ILLEGAL 2b, INSN_C_LWSP_X0

	/* 6: an FP instruction with mstatus.FS = Off */
	SET_CASE 6
	EXPECT_TRAP 1f
2:	.word INSN_FADD_D
	NO_TRAP
1:	CHECK_ILLEGAL 2b, INSN_FADD_D

	/* 7: a reserved rounding mode (FS on) */
	SET_CASE 7
	li t0, MSTATUS_FS_INITIAL
	csrs mstatus, t0
	EXPECT_TRAP 1f
2:	.word INSN_FADD_S_RM5
	NO_TRAP
1:	CHECK_ILLEGAL 2b, INSN_FADD_S_RM5

	/* 8: precise: the instructions before it ran, the one after it did not */
	SET_CASE 8
	li a0, 1
	li a3, 0
	EXPECT_TRAP 1f
	addi a0, a0, 1
	addi a0, a0, 1
2:	.word INSN_RESERVED_OP
	li a3, 1
	NO_TRAP
1:	CHECK_ILLEGAL 2b, INSN_RESERVED_OP
	CHECK_EQ a0, 3
	CHECK_EQ a3, 0

	/* 9-10: the same illegal instruction TRAP_LOOP times in a loop (warm translated code must trap
	 * every time): every trap counted, none skipped */
	SET_CASE 9
	li s5, 0
	li s6, TRAP_LOOP
	li s7, 0 /* times the instruction did not trap */
3:	lla s10, 4f
	.word INSN_RESERVED_OP
	addi s7, s7, 1
4:	addi s6, s6, -1
	bnez s6, 3b
	CHECK_EQ s7, 0
	SET_CASE 10
	CHECK_EQ s5, TRAP_LOOP

	/* 11: an illegal 32-bit instruction across a page boundary (written into RAM, its halves in two
	 * pages): epc = its first byte, mtval = all 32 bits */
	SET_CASE 11
	lla a1, code_pages + PAGE_SIZE - 2
	li t0, INSN_RESERVED_OP & 0xffff
	sh t0, 0(a1)
	li t0, INSN_RESERVED_OP >> 16
	sh t0, 2(a1)
	fence.i
	EXPECT_TRAP 1f
	jalr ra, 0(a1)
	NO_TRAP
1:	CHECK_EQ s2, CAUSE_ILLEGAL
	CHECK_EQ s3, INSN_RESERVED_OP
	CHECK_EQ_REG s4, a1

	/* 12: bits 6:0 all ones (an instruction of 192 bits or more, reserved): mtval = its first 32 bits,
	 * the longest instruction this hart has (ILEN = 32) */
	SET_CASE 12
	EXPECT_TRAP 1f
2:	.word INSN_ALL_ONES
	NO_TRAP
1:	CHECK_ILLEGAL 2b, INSN_ALL_ONES

	j hsys_pass

	.data
	.balign 8
scratch:
	.dword 0
	.bss
	.balign PAGE_SIZE
code_pages:
	.space 2 * PAGE_SIZE
