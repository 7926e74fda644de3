/* Zba (address generation), RV64: add.uw, sh1add/sh2add/sh3add and their .uw forms, slli.uw. rd = rs2 +
 * (rs1 << n) wraps around; the .uw forms use only rs1[31:0], zero-extended (add.uw rd, rs, x0 is zext.w);
 * slli.uw shifts the zero-extended word by 0..63. Operands in mapped (a1..a3) and unmapped (t3..t5)
 * registers of the translator, destinations aliasing sources, and writes to x0. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc
	.option arch, +zba
/* The same as TEST_RR with t3, t4, t5 (registers the translator keeps in memory by default). */
#define TEST_RR_T(n, inst, expected, v1, v2) TEST_CASE(n, t5, expected, li t3, v1; li t4, v2; inst t5, t3, t4)
TEST_BEGIN
	/* add.uw: rs2 + zext(rs1[31:0]) */
	TEST_RR(1, add.uw, 0x0000000080000001, 0xffffffff80000000, 1)
	TEST_RR(2, add.uw, 0x00000000ffffffff, 0xffffffffffffffff, 0)
	TEST_RR(3, add.uw, 0x100000009abcdef0, 0x123456789abcdef0, 0x1000000000000000)
	TEST_RR(4, add.uw, 0x00000000fffffffe, 0x00000000ffffffff, 0xffffffffffffffff)
	TEST_CASE(5, a3, 0x0000000000000001, li a1, 0x8000000000000001; add.uw a3, a1, x0) /* zext.w */
	TEST_CASE(6, a3, 0x00000000ffffffff, li a1, -1; zext.w a3, a1)
	TEST_CASE(7, a3, 0x0000000000000042, li a2, 0x42; add.uw a3, x0, a2)
	/* sh1add / sh2add / sh3add */
	TEST_RR(8, sh1add, 0x0000000000000011, 5, 7)
	TEST_RR(9, sh1add, 0x0000000000000001, 0x8000000000000000, 1) /* the top bit shifts out */
	TEST_RR(10, sh1add, 0xfffffffffffffffe, -1, 0)
	TEST_RR(11, sh1add, 0x0000000000000000, 0x4000000000000000, 0x8000000000000000)
	TEST_RR(12, sh2add, 0x0000000000000010, 3, 4)
	TEST_RR(13, sh2add, 0x0000000000000006, -1, 10)
	TEST_RR(14, sh2add, 0x0000000000000005, 0x4000000000000000, 5)
	TEST_RR(15, sh3add, 0x0000000000000008, 1, 0)
	TEST_RR(16, sh3add, 0x0000000000000000, 0x2000000000000000, 0)
	TEST_RR(17, sh3add, 0x0000000000000000, 0x1fffffffffffffff, 8)
	TEST_RR(18, sh3add, 0xfffffffffffffff8, -1, 0)
	TEST_CASE(19, a3, 0x0000000000000028, li a1, 5; sh3add a3, a1, x0)
	TEST_CASE(20, a3, 0x0000000000000077, li a2, 0x77; sh2add a3, x0, a2)
	/* the .uw forms: only rs1[31:0] counts, zero-extended, then shifted */
	TEST_RR(21, sh1add.uw, 0x0000000100000000, 0xffffffff80000000, 0)
	TEST_RR(22, sh1add.uw, 0x00000001ffffffff, 0xffffffffffffffff, 1)
	TEST_RR(23, sh2add.uw, 0x00000003fffffffc, 0x12345678ffffffff, 0)
	TEST_RR(24, sh2add.uw, 0x0000000200000010, 0x0000000080000000, 0x10)
	TEST_RR(25, sh3add.uw, 0x0000000000000108, 0xdeadbeef00000001, 0x100)
	TEST_RR(26, sh3add.uw, 0x00000007fffffff0, 0x00000000ffffffff, -8)
	TEST_CASE(27, a3, 0x00000007fffffff8, li a1, -1; sh3add.uw a3, a1, x0)
	/* slli.uw: zext(rs1[31:0]) << shamt, shamt 0..63 */
	TEST_RI(28, slli.uw, 0x00000000ffffffff, 0xffffffffffffffff, 0)
	TEST_RI(29, slli.uw, 0x7fffffff80000000, 0xffffffffffffffff, 31)
	TEST_RI(30, slli.uw, 0xffffffff00000000, 0xffffffffffffffff, 32)
	TEST_RI(31, slli.uw, 0x8000000000000000, 0xffffffffffffffff, 63)
	TEST_RI(32, slli.uw, 0x8000000000000000, 0x1234567880000001, 63)
	TEST_RI(33, slli.uw, 0x8000000000000000, 0x0000000000000002, 62)
	TEST_RI(34, slli.uw, 0x0000000000000000, 0x0000000100000000, 1) /* bit 32 is not part of the word */
	TEST_RI_SRC1_DEST(35, slli.uw, 0x00000002468acf00, 0xf000000012345678, 5)
	/* aliasing and x0 */
	TEST_RR_SRC1_DEST(36, sh1add, 0x0000000000000021, 13, 7)
	TEST_RR_SRC2_DEST(37, sh2add, 0x0000000000000041, 13, 13)
	TEST_RR_SAME_SRC(38, sh3add, 0x0000000000000051, 9)
	TEST_RR_SRC1_DEST(39, add.uw, 0x0000000100000000, 0xffffffffffffffff, 1)
	TEST_RR_SRC2_DEST(40, sh1add.uw, 0x0000000100000002, 0x1111111180000000, 2)
	TEST_RR_ZERO_DEST(41, sh1add, 5, 6)
	TEST_RR_ZERO_DEST(42, add.uw, 5, 6)
	/* registers kept in memory by the translator */
	TEST_RR_T(43, sh1add, 0x0000000000000011, 5, 7)
	TEST_RR_T(44, sh3add.uw, 0x0000000000000108, 0xdeadbeef00000001, 0x100)
	TEST_RR_T(45, add.uw, 0x00000000fffffffe, 0x00000000ffffffff, 0xffffffffffffffff)
	TEST_CASE(46, t5, 0x0000000100000000, li t3, 0xffffffff80000000; slli.uw t5, t3, 1)
	TEST_CASE(47, t3, 0x0000000000000029, li t3, 9; li t4, 5; sh2add t3, t3, t4)
	TEST_CASE(48, t4, 0x0000000000000029, li t3, 9; li t4, 5; sh2add t4, t3, t4)
TEST_END
