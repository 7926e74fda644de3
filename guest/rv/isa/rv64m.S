/* RV64M: the full 128-bit products of mulh/mulhu/mulhsu, W forms sign-extending, division by zero
 * (quotient all ones, remainder = dividend), signed overflow (MIN / -1 = MIN, remainder 0), rounding
 * toward zero. No M instruction traps. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc
TEST_BEGIN
	TEST_RR(1, mul, 0x0000000000000006, 2, 3)
	TEST_RR(2, mul, 0xfffffffffffffffa, -2, 3)
	TEST_RR(3, mul, 0x0000000000000001, -1, -1)
	TEST_RR(4, mul, 0x8000000000000000, 0x8000000000000000, -1)
	TEST_RR(5, mul, 0x1fa00acc59960a3f, 0x123456789, 0xfedcba987)
	TEST_RR(6, mulh, 0x0000000000000000, -1, -1)
	TEST_RR(7, mulh, 0xffffffffffffffff, -1, 1)
	TEST_RR(8, mulh, 0xc000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_RR(9, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
	TEST_RR(10, mulhu, 0xfffffffffffffffe, -1, -1)
	TEST_RR(11, mulhu, 0x0000000000000000, -1, 1)
	TEST_RR(12, mulhu, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
	TEST_RR(13, mulhsu, 0xffffffffffffffff, -1, -1) /* -1 * (2^64-1) */
	TEST_RR(14, mulhsu, 0x0000000000000000, 1, -1)
	TEST_RR(15, mulhsu, 0xc000000000000000, 0x8000000000000000, 0x8000000000000000)
	TEST_RR(16, mulhsu, 0x7ffffffffffffffe, 0x7fffffffffffffff, -1)
	TEST_RR(17, mulw, 0xffffffff80000000, 0x40000000, 2)
	TEST_RR(18, mulw, 0x0000000000000001, 0xffffffffffffffff, 0x00000000ffffffff)
	TEST_RR(19, mulw, 0x0000000000000006, 0x1234567800000002, 0x9876543200000003)
	/* division */
	TEST_RR(20, div, 0xfffffffffffffffd, -7, 2)
	TEST_RR(21, rem, 0xffffffffffffffff, -7, 2)
	TEST_RR(22, div, 0xfffffffffffffffd, 7, -2)
	TEST_RR(23, rem, 0x0000000000000001, 7, -2)
	TEST_RR(24, div, 0xffffffffffffffff, 5, 0)
	TEST_RR(25, rem, 0x0000000000000005, 5, 0)
	TEST_RR(26, div, 0x8000000000000000, 0x8000000000000000, -1)
	TEST_RR(27, rem, 0x0000000000000000, 0x8000000000000000, -1)
	TEST_RR(28, divu, 0x7ffffffffffffffc, -7, 2)
	TEST_RR(29, remu, 0x0000000000000001, -7, 2)
	TEST_RR(30, divu, 0xffffffffffffffff, 5, 0)
	TEST_RR(31, remu, 0xfffffffffffffff9, -7, 0)
	TEST_RR(32, divu, 0x0000000000000000, 5, -1)
	TEST_RR(33, divw, 0xffffffff80000000, 0x80000000, -1)
	TEST_RR(34, remw, 0x0000000000000000, 0x80000000, -1)
	TEST_RR(35, divw, 0xffffffffffffffff, 0x12345678, 0)
	TEST_RR(36, remw, 0x0000000012345678, 0xabcdef0012345678, 0)
	TEST_RR(37, remw, 0xfffffffff2345678, 0xf2345678, 0)
	TEST_RR(38, divw, 0xfffffffffffffffd, 0x00000000fffffff9, 2)  /* only the low 32 bits count */
	TEST_RR(39, divuw, 0x000000007ffffffc, 0xfffffff9, 2)
	TEST_RR(40, divuw, 0xffffffffffffffff, 0x12345678, 0x100000000) /* divisor's low word is 0 */
	TEST_RR(41, remuw, 0xffffffff80000001, 0x80000001, 0)
	TEST_RR(42, remuw, 0x0000000000000001, 0xfffffff9, 2)
	TEST_RR(43, divuw, 0xffffffff80000000, 0x80000000, 1)        /* the result is sign-extended */
	/* aliasing */
	TEST_RR_SRC1_DEST(44, div, 3, 10, 3)
	TEST_RR_SRC2_DEST(45, rem, 1, 10, 3)
	TEST_RR_SAME_SRC(46, divu, 1, 12345)
	TEST_RR_SAME_SRC(47, mulhu, 0x0000000000000001, 0x100000000)
	TEST_RR_ZERO_DEST(48, div, 1, 0)
TEST_END
