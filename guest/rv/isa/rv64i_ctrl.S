/* RV64I control flow: every branch condition on both sides of its signed/unsigned edge, jal/jalr link
 * values, jalr clearing bit 0 of the target, a backward loop, and a computed jump through a table. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc
TEST_BEGIN
	TEST_BR_TAKEN(1, beq, 0, 0)
	TEST_BR_TAKEN(2, beq, -1, -1)
	TEST_BR_NOT_TAKEN(3, beq, 0, 1)
	TEST_BR_NOT_TAKEN(4, beq, 0x100000000, 0)   /* all 64 bits are compared */
	TEST_BR_TAKEN(5, bne, 0x100000000, 0)
	TEST_BR_NOT_TAKEN(6, bne, 7, 7)
	TEST_BR_TAKEN(7, blt, -1, 0)
	TEST_BR_TAKEN(8, blt, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_BR_NOT_TAKEN(9, blt, 0, -1)
	TEST_BR_NOT_TAKEN(10, blt, 5, 5)
	TEST_BR_TAKEN(11, bge, 5, 5)
	TEST_BR_TAKEN(12, bge, 0, -1)
	TEST_BR_NOT_TAKEN(13, bge, -1, 0)
	TEST_BR_TAKEN(14, bltu, 0, -1)
	TEST_BR_TAKEN(15, bltu, 0x7fffffffffffffff, 0x8000000000000000)
	TEST_BR_NOT_TAKEN(16, bltu, -1, 0)
	TEST_BR_NOT_TAKEN(17, bltu, 5, 5)
	TEST_BR_TAKEN(18, bgeu, -1, 0)
	TEST_BR_TAKEN(19, bgeu, 5, 5)
	TEST_BR_NOT_TAKEN(20, bgeu, 0, -1)
	TEST_BR_NOT_TAKEN(21, bgeu, 0x100000000, 0x100000001)
	/* pseudo forms with x0 */
	TEST_BR_TAKEN(22, bgt, 1, 0)      /* blt with swapped operands */
	TEST_BR_NOT_TAKEN(23, bleu, 1, 0) /* bgeu swapped */
	/* jal: link = address of the next instruction */
	TEST_CASE(24, a3, 0, jal t0, 5f; 6: j fail; 5: lla a1, 6b; sub a3, t0, a1)
	/* jal backwards */
	TEST_CASE(25, a3, 3, li a3, 0; j 7f; 8: addi a3, a3, 1; j 9f; 7: addi a3, a3, 2; j 8b; 9:)
	/* jalr: target = (rs1 + imm) & ~1; link = next instruction */
	TEST_CASE(26, a3, 0, lla a1, 5f; jalr t0, 0(a1); 6: j fail; 5: lla a2, 6b; sub a3, t0, a2)
	TEST_CASE(27, a3, 0, lla a1, 5f + 1; jalr t0, 0(a1); j fail; 5: li a3, 0)
	TEST_CASE(28, a3, 0, lla a1, 5f + 16; jalr t0, -16(a1); j fail; 5: li a3, 0)
	/* jalr with rd == rs1: the target is computed from the old value */
	TEST_CASE(29, a3, 0, lla t0, 5f; jalr t0, 0(t0); 6: j fail; 5: lla a2, 6b; sub a3, t0, a2)
	/* jalr with rd = x0 (a plain indirect jump) leaves x0 zero */
	TEST_CASE(30, a3, 0, lla a1, 5f; jalr x0, 0(a1); j fail; 5: mv a3, x0)
	/* a loop of 1000 iterations (the translator's backward branch / block chaining) */
	TEST_CASE(31, a3, 500500, li a3, 0; li a1, 1000; 5: add a3, a3, a1; addi a1, a1, -1; bnez a1, 5b)
	/* a call and return through ra, then through a table of targets (indirect jump cache) */
	TEST_CASE(32, a3, 0x111, mv s10, ra; li a3, 0; lla a1, table; ld a2, 0(a1); jalr a2; ld a2, 8(a1); jalr a2;
		  ld a2, 16(a1); jalr a2; mv ra, s10)
	TEST_CASE(33, a3, 0x33, mv s10, ra; li a3, 0; lla a1, table; li a5, 6; 5: andi a6, a5, 1; slli a6, a6, 3;
		  add a6, a6, a1; ld a2, 0(a6); jalr a2; addi a5, a5, -1; bnez a5, 5b; mv ra, s10)
	/* fence / fence.i / nop are accepted and do nothing visible */
	TEST_CASE(34, a3, 9, li a3, 9; fence; fence rw, rw; fence.i; nop)
	j pass
target1:
	addi a3, a3, 0x1
	ret
target2:
	addi a3, a3, 0x10
	ret
target3:
	addi a3, a3, 0x100
	ret
TEST_END
	.balign 8
table:
	.dword target1, target2, target3
