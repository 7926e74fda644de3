/* RV64A on an aligned scratch word/doubleword: every AMO returns the OLD value (the W forms sign-extended)
 * and stores op(old, rs2) in 32 or 64 bits; signed vs unsigned min/max; LR/SC success (rd = 0) and failure
 * (rd != 0, memory unchanged) when no reservation is held. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc

/* mem = init; a3 = amo(a1) on it; check a3 (old value) and then the new memory value */
#define TEST_AMO_D(n, inst, init, operand, newval)                                                       \
	TEST_CASE(n, a3, init, lla a4, scratch; li a2, init; sd a2, 0(a4); li a1, operand;                 \
		  inst a3, a1, (a4));                                                                      \
	TEST_CASE(n, a3, newval, ld a3, 0(a4))
#define TEST_AMO_W(n, inst, init, operand, old_sext, newval_sext)                                        \
	TEST_CASE(n, a3, old_sext, lla a4, scratch; li a2, -1; sd a2, 0(a4); li a2, init; sw a2, 0(a4);   \
		  li a1, operand; inst a3, a1, (a4));                                                      \
	TEST_CASE(n, a3, newval_sext, lw a3, 0(a4));                                                       \
	TEST_CASE(n, a3, 0xffffffffffffffff, lw a3, 4(a4)) /* the upper word is untouched */

TEST_BEGIN
	TEST_AMO_D(1, amoswap.d, 0x1111111111111111, 0x2222222222222222, 0x2222222222222222)
	TEST_AMO_D(2, amoadd.d, 0xffffffffffffffff, 2, 1)
	TEST_AMO_D(3, amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0)
	TEST_AMO_D(4, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00)
	TEST_AMO_D(5, amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0)
	TEST_AMO_D(6, amomin.d, 0xffffffffffffffff, 1, 0xffffffffffffffff)
	TEST_AMO_D(7, amomax.d, 0xffffffffffffffff, 1, 1)
	TEST_AMO_D(8, amominu.d, 0xffffffffffffffff, 1, 1)
	TEST_AMO_D(9, amomaxu.d, 0xffffffffffffffff, 1, 0xffffffffffffffff)
	TEST_AMO_D(10, amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
	TEST_AMO_D(11, amoadd.d.aqrl, 5, 6, 11)
	TEST_AMO_W(12, amoswap.w, 0x80000000, 0x12345678, 0xffffffff80000000, 0x12345678)
	TEST_AMO_W(13, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0xffffffff80000000)
	TEST_AMO_W(14, amoadd.w, 0xffffffff, 0x100000001, 0xffffffffffffffff, 0) /* upper bits of rs2 ignored */
	TEST_AMO_W(15, amoxor.w, 0xf0f0f0f0, 0xffffffff, 0xfffffffff0f0f0f0, 0x0f0f0f0f)
	TEST_AMO_W(16, amoand.w, 0xf0f0f0f0, 0x0ff00ff0, 0xfffffffff0f0f0f0, 0x00f000f0)
	TEST_AMO_W(17, amoor.w, 0x00f000f0, 0x0f000f00, 0x00f000f0, 0x0ff00ff0)
	TEST_AMO_W(18, amomin.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff80000000)
	TEST_AMO_W(19, amomax.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
	TEST_AMO_W(20, amominu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
	TEST_AMO_W(21, amomaxu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff80000000)
	/* the W compare looks at 32 bits only: rs2 = 0x1_00000000 is 0 as a word */
	TEST_AMO_W(22, amomaxu.w, 5, 0x100000000, 5, 5)
	TEST_AMO_W(23, amomin.w, 5, 0x1ffffffff, 5, 0xffffffffffffffff)
	/* LR/SC */
	TEST_CASE(24, a3, 0, lla a4, scratch; li a2, 42; sd a2, 0(a4); lr.d a1, (a4); addi a1, a1, 1;
		  sc.d a3, a1, (a4))
	TEST_CASE(25, a3, 43, ld a3, 0(a4))
	/* the SC above consumed the reservation: a second SC must fail and leave memory alone */
	TEST_CASE(26, a3, 1, li a1, 99; sc.d a3, a1, (a4); snez a3, a3)
	TEST_CASE(27, a3, 43, ld a3, 0(a4))
	TEST_CASE(28, a3, 0xffffffff80000000, li a2, 0x80000000; sw a2, 8(a4); addi a5, a4, 8; lr.w a3, (a5))
	TEST_CASE(29, a3, 0, li a1, 0x7fffffff; sc.w a3, a1, (a5))
	TEST_CASE(30, a3, 0x7fffffff, lw a3, 8(a4))
	/* an LR/SC increment loop as compilers emit it */
	TEST_CASE(31, a3, 143, li a6, 100; 5: lr.d a1, (a4); addi a1, a1, 1; sc.d a2, a1, (a4); bnez a2, 5b;
		  addi a6, a6, -1; bnez a6, 5b; ld a3, 0(a4))
	/* AMO with rd = x0 still writes memory */
	TEST_CASE(32, a3, 150, li a1, 7; amoadd.d x0, a1, (a4); ld a3, 0(a4))
	/* rd == rs2: the old value lands in rd after rs2 was read */
	TEST_CASE(33, a3, 150, li a3, 1; amoswap.d a3, a3, (a4))
	TEST_CASE(34, a3, 1, ld a3, 0(a4))
TEST_END
