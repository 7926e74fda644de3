/* RVC: every RV64C instruction written explicitly (c.*), with its immediate edge cases, c.jalr's link
 * of pc+2, and a 32-bit instruction that straddles a page boundary after 2-byte-aligned code. */
#include "guest/rv/isa/rvtest.inc"
	.option rvc
TEST_BEGIN
	mv s10, ra
	mv s9, sp
	TEST_CASE(1, a3, 31, c.li a3, 31)
	TEST_CASE(2, a3, 0xffffffffffffffe0, c.li a3, -32)
	TEST_CASE(3, a3, 0x000000000001f000, c.lui a3, 0x1f)
	TEST_CASE(4, a3, 0xfffffffffffe0000, c.lui a3, 0xfffe0)
	TEST_CASE(5, a3, 0xfffffffffffff000, c.lui a3, 0xfffff)
	TEST_CASE(6, a3, 0x000000000000000b, c.li a3, 10; c.addi a3, 1)
	TEST_CASE(7, a3, 0xffffffffffffffea, c.li a3, 10; c.addi a3, -32)
	TEST_CASE(8, a3, 0xffffffff80000000, li a3, 0x7fffffff; c.addiw a3, 1)
	TEST_CASE(9, a3, 0x0000000000000001, li a3, 0xffffffff00000001; c.addiw a3, 0) /* sext.w */
	TEST_CASE(10, a3, 0, lla sp, scratch; c.addi16sp sp, 496; c.addi16sp sp, -512; lla a1, scratch - 16;
		  sub a3, sp, a1; mv sp, s9)
	TEST_CASE(11, a3, 1020, lla sp, scratch; c.addi4spn a3, sp, 1020; lla a1, scratch; sub a3, a3, a1; mv sp, s9)
	TEST_CASE(12, a3, 0x8000000000000000, c.li a3, 1; c.slli a3, 63)
	TEST_CASE(13, a3, 0x0000000000000001, li a3, 0x8000000000000000; c.srli a3, 63)
	TEST_CASE(14, a3, 0xfffffffffffffffe, li a3, 0x8000000000000000; c.srai a3, 62)
	TEST_CASE(15, a3, 0x0000000000000010, li a3, 0xfff0; c.andi a3, 31)
	TEST_CASE(16, a3, 0xffffffffffffffe0, li a3, -1; c.andi a3, -32)
	TEST_CASE(17, a3, 0x1234, li a1, 0x1234; c.mv a3, a1)
	TEST_CASE(18, a3, 0x1238, li a1, 4; li a3, 0x1234; c.add a3, a1)
	TEST_CASE(19, a3, 0x1230, li a1, 4; li a3, 0x1234; c.sub a3, a1)
	TEST_CASE(20, a3, 0x0ff0, li a1, 0xf0f0; li a3, 0xff00; c.xor a3, a1)
	TEST_CASE(21, a3, 0xfff0, li a1, 0xf0f0; li a3, 0xff00; c.or a3, a1)
	TEST_CASE(22, a3, 0xf000, li a1, 0xf0f0; li a3, 0xff00; c.and a3, a1)
	TEST_CASE(23, a3, 0xffffffff80000000, li a1, 1; li a3, 0x7fffffff; c.addw a3, a1)
	TEST_CASE(24, a3, 0x000000007fffffff, li a1, 1; li a3, 0x80000000; c.subw a3, a1)
	/* loads / stores with the largest scaled offsets */
	TEST_CASE(25, a3, 0xffffffff87654321, lla a4, scratch; li a1, 0x87654321; c.sw a1, 124(a4); c.lw a3, 124(a4))
	TEST_CASE(26, a3, 0x0123456789abcdef, lla a4, scratch; li a1, 0x0123456789abcdef; c.sd a1, 248(a4);
		  c.ld a3, 248(a4))
	TEST_CASE(27, a3, 0xffffffff80000001, lla sp, scratch; li a1, 0x80000001; c.swsp a1, 252(sp);
		  c.lwsp a3, 252(sp); mv sp, s9)
	TEST_CASE(28, a3, 0xfedcba9876543210, lla sp, scratch; li a1, 0xfedcba9876543210; c.sdsp a1, 8(sp);
		  c.ldsp a3, 8(sp); mv sp, s9)
	TEST_CASE(29, a3, 0x400921fb54442d18, lla a4, scratch; li a1, 0x400921fb54442d18; sd a1, 16(a4);
		  c.fld fa0, 16(a4); c.fsd fa0, 24(a4); ld a3, 24(a4))
	TEST_CASE(30, a3, 0x4005bf0a8b145769, lla sp, scratch; li a1, 0x4005bf0a8b145769; sd a1, 32(sp);
		  c.fldsp fa1, 32(sp); c.fsdsp fa1, 40(sp); ld a3, 40(sp); mv sp, s9)
	/* jumps and branches */
	TEST_CASE(31, a3, 2, li a3, 0; c.j 5f; li a3, 1; j fail; 5: addi a3, a3, 2)
	TEST_CASE(32, a3, 0, lla a1, 5f; c.jr a1; j fail; 5: li a3, 0)
	TEST_CASE(33, a3, 2, lla a1, 5f; 6: c.jalr a1; j fail; 5: lla a2, 6b; sub a3, ra, a2; mv ra, s10)
	TEST_CASE(34, a3, 7, li a3, 7; c.li a1, 0; c.beqz a1, 5f; j fail; 5: c.bnez a1, fail_near)
	TEST_CASE(35, a3, 7, c.li a1, 3; c.bnez a1, 5f; j fail; 5: c.beqz a1, fail_near)
	TEST_CASE(36, a3, 3, c.li a3, 3; c.nop; c.nop)
	/* a 32-bit instruction whose two halves are on different pages */
	TEST_CASE(37, a3, 0x1234, li a3, 0x1233; j 5f; .balign 4096; 5: .rept 2047; c.nop; .endr; .option norvc;
		  addi a3, a3, 1; .option rvc)
	mv sp, s9
	mv ra, s10
	j pass
fail_near:
	j fail
TEST_END
