/* RV64I register-register and register-immediate arithmetic: wrap-around, sign extension of the W forms,
 * shift amounts masked to 6 (or 5) bits, signed vs unsigned compares, lui/auipc, writes to x0. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc
TEST_BEGIN
	/* add / sub */
	TEST_RR(1, add, 0x0000000000000003, 1, 2)
	TEST_RR(2, add, 0x0000000000000000, -1, 1)
	TEST_RR(3, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
	TEST_RR(4, add, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
	TEST_RR(5, sub, 0xffffffffffffffff, 0, 1)
	TEST_RR(6, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
	TEST_RR_SRC1_DEST(7, add, 24, 13, 11)
	TEST_RR_SRC2_DEST(8, sub, 2, 13, 11)
	TEST_RR_SAME_SRC(9, sub, 0, 0x123456789)
	TEST_RR_ZERO_DEST(10, add, 5, 6)
	/* addw / subw: 32-bit result, sign-extended */
	TEST_RR(11, addw, 0xffffffff80000000, 0x7fffffff, 1)
	TEST_RR(12, addw, 0x0000000000000000, 0xffffffff, 1)
	TEST_RR(13, addw, 0x0000000000000002, 0x1234567800000001, 0xabcdef0000000001)
	TEST_RR(14, subw, 0x000000007fffffff, 0x80000000, 1)
	TEST_RR(15, subw, 0xffffffffffffffff, 0x100000000, 1)
	/* addi / addiw */
	TEST_RI(16, addi, 0x0000000000000fff, 0x800, 0x7ff)
	TEST_RI(17, addi, 0xfffffffffffff800, 0, -2048)
	TEST_RI(18, addi, 0x00000000000007ff, 0, 2047)
	TEST_RI(19, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
	TEST_RI(20, addiw, 0xffffffff80000000, 0x7fffffff, 1)
	TEST_RI(21, addiw, 0xffffffffffffffff, 0x00000000ffffffff, 0)
	TEST_RI(22, addiw, 0x000000007ffff800, 0x80000000, -2048)
	TEST_RI_SRC1_DEST(23, addi, 0x10, 0x11, -1)
	/* logical */
	TEST_RR(24, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f)
	TEST_RR(25, or, 0xff0fff0fff0fff0f, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f)
	TEST_RR(26, xor, 0xf00ff00ff00ff00f, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f)
	TEST_RI(27, andi, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00, -1)
	TEST_RI(28, andi, 0x0000000000000700, 0xff00ff00ff00ff00, 0x70f)
	TEST_RI(29, ori, 0xfffffffffffff80f, 0x000000000000000f, -2048)
	TEST_RI(30, xori, 0x00ff00ff00ff00ff, 0xff00ff00ff00ff00, -1)
	TEST_RI(31, xori, 0xff00ff00ff00f80f, 0xff00ff00ff00ff00, 0x70f)
	/* shifts: amount is rs2[5:0] (rs2[4:0] for W forms) */
	TEST_RR(32, sll, 0x8000000000000000, 1, 63)
	TEST_RR(33, sll, 0x0000000000000001, 1, 64)
	TEST_RR(34, sll, 0x0000000000000002, 1, 0xffffffffffffffc1)
	TEST_RR(35, srl, 0x0000000000000001, 0x8000000000000000, 63)
	TEST_RR(36, srl, 0x8000000000000000, 0x8000000000000000, 64)
	TEST_RR(37, sra, 0xffffffffffffffff, 0x8000000000000000, 63)
	TEST_RR(38, sra, 0xc000000000000000, 0x8000000000000000, 1)
	TEST_RR(39, sra, 0x3fffffffffffffff, 0x7fffffffffffffff, 1)
	TEST_RR(40, sllw, 0xffffffff80000000, 1, 31)
	TEST_RR(41, sllw, 0x0000000000000001, 1, 32)
	TEST_RR(42, sllw, 0x0000000000000000, 0xffffffff00000000, 1)
	TEST_RR(43, srlw, 0xffffffff80000000, 0xffffffff80000000, 0)
	TEST_RR(44, srlw, 0x0000000040000000, 0xffffffff80000000, 1)
	TEST_RR(45, srlw, 0x0000000000000001, 0xffffffff80000000, 31)
	TEST_RR(46, srlw, 0x0000000000000001, 0x0000000180000000, 63)
	TEST_RR(47, sraw, 0xffffffffc0000000, 0x0000000080000000, 1)
	TEST_RR(48, sraw, 0xffffffffffffffff, 0x0000000080000000, 31)
	TEST_RR(49, sraw, 0x0000000000000001, 0xffffffff00000002, 1)
	TEST_RI(50, slli, 0x8000000000000000, 1, 63)
	TEST_RI(51, srli, 0x0000000000000001, 0x8000000000000000, 63)
	TEST_RI(52, srai, 0xffffffffffffffff, 0x8000000000000000, 63)
	TEST_RI(53, srai, 0xfffffffffff00000, 0x8000000000000000, 43)
	TEST_RI(54, slliw, 0xffffffff80000000, 1, 31)
	TEST_RI(55, slliw, 0x0000000012345678, 0xabcdef0012345678, 0)
	TEST_RI(56, srliw, 0x0000000000000001, 0x80000000, 31)
	TEST_RI(57, srliw, 0xffffffff80000000, 0x80000000, 0)
	TEST_RI(58, sraiw, 0xffffffffffffffff, 0x80000000, 31)
	TEST_RI(59, sraiw, 0x0000000000000000, 0xffffffff7fffffff, 31)
	/* compares */
	TEST_RR(60, slt, 1, -1, 0)
	TEST_RR(61, slt, 0, 0, -1)
	TEST_RR(62, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_RR(63, sltu, 0, -1, 0)
	TEST_RR(64, sltu, 1, 0, -1)
	TEST_RR(65, sltu, 0, 5, 5)
	TEST_RI(66, slti, 1, -1, 0)
	TEST_RI(67, slti, 0, 0, -2048)
	TEST_RI(68, sltiu, 1, 0, -1)   /* the immediate is sign-extended, then compared unsigned */
	TEST_RI(69, sltiu, 0, -2, -2048)
	TEST_RI(70, sltiu, 1, 0xfffffffffffff7ff, -2048)
	TEST_RI(71, sltiu, 1, 0, 1) /* seqz */
	TEST_RR(72, sltu, 1, 0, 7)  /* snez = sltu rd, x0, rs2 */
	/* lui sign-extends bit 31; auipc adds to its own pc */
	TEST_CASE(73, a3, 0xffffffff80000000, lui a3, 0x80000)
	TEST_CASE(74, a3, 0x000000007ffff000, lui a3, 0x7ffff)
	TEST_CASE(75, a3, 0xfffffffffffff000, lui a3, 0xfffff)
	TEST_CASE(76, a3, 0, 5: auipc a1, 0; lla a2, 5b; sub a3, a1, a2)
	TEST_CASE(77, a3, 0x1000, 5: auipc a1, 1; lla a2, 5b; sub a3, a1, a2)
	TEST_CASE(78, a3, 0xfffffffffffff000, 5: auipc a1, 0xfffff; lla a2, 5b; sub a3, a1, a2)
	/* x0 reads zero whatever was written to it */
	TEST_CASE(79, a3, 0, addi x0, x0, 5; lui x0, 0x12345; mv a3, x0)
	TEST_CASE(80, a3, 7, li a1, 7; addi x0, a1, 1; add a3, a1, x0)
	/* li expands to several instructions for wide constants */
	TEST_CASE(81, a3, 0x123456789abcdef0, li a3, 0x123456789abcdef0)
	TEST_CASE(82, a3, 0x8000000000000000, li a1, 1; slli a3, a1, 63)
	/* all 31 registers hold distinct values (a translator caching registers must not mix them up) */
	TEST_CASE(83, a3, 496,
		li x1, 1; li x2, 2; li x3, 3; li x4, 4; li x5, 5; li x6, 6; li x7, 7; li x8, 8; li x9, 9;
		li x10, 10; li x11, 11; li x12, 12; li x13, 13; li x14, 14; li x15, 15; li x16, 16;
		li x17, 17; li x18, 18; li x19, 19; li x20, 20; li x21, 21; li x22, 22; li x23, 23;
		li x24, 24; li x25, 25; li x26, 26; li x28, 28; li x29, 29; li x30, 30; li x31, 31;
		add x13, x1, x2; add x13, x13, x3; add x13, x13, x4; add x13, x13, x5; add x13, x13, x6;
		add x13, x13, x7; add x13, x13, x8; add x13, x13, x9; add x13, x13, x10; add x13, x13, x11;
		add x13, x13, x12; add x13, x13, x14; add x13, x13, x15; add x13, x13, x16;
		add x13, x13, x17; add x13, x13, x18; add x13, x13, x19; add x13, x13, x20;
		add x13, x13, x21; add x13, x13, x22; add x13, x13, x23; add x13, x13, x24;
		add x13, x13, x25; add x13, x13, x26; add x13, x13, x28; add x13, x13, x29;
		add x13, x13, x30; add x13, x13, x31; addi x13, x13, 13 + 27)
	/* shift amount register aliased with the destination or the value (x86 shifts by cl) */
	TEST_RR_SRC2_DEST(84, sll, 0x0000000000001230, 0x123, 4)
	TEST_RR_SRC2_DEST(85, srl, 0x0000000000000123, 0x1230, 4)
	TEST_RR_SRC2_DEST(86, sra, 0xfffffffffffffff8, 0x8000000000000000, 60)
	TEST_RR_SRC2_DEST(87, sllw, 0xffffffff80000000, 1, 31)
	TEST_RR_SRC1_DEST(88, srlw, 0x0000000000000001, 0x80000000, 31)
	TEST_RR_SAME_SRC(89, sll, 0x0000000000000018, 3) /* 3 << 3 */
	TEST_RR_SAME_SRC(90, sraw, 0xfffffffff8000000, 0xffffffff80000004) /* 0x80000004 >> 4 */
	TEST_RR_SAME_SRC(91, slt, 0, -5)
	TEST_RR_SAME_SRC(92, xor, 0, 0x123456789)
	TEST_RR_SRC2_DEST(93, sltu, 1, 1, 2)
TEST_END
