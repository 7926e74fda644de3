/* RV64F: single-precision arithmetic, rounding modes, flags, NaN-boxing (results are boxed with all-ones
 * upper bits; an operand that is not properly boxed reads as the canonical NaN), fmv.x.w sign extension,
 * conversions with 32- and 64-bit integers, flw/fsw. Values are raw binary32 bit patterns. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc

#define S_ONE 0x3f800000
#define S_TWO 0x40000000
#define S_THREE 0x40400000
#define S_MONE 0xbf800000
#define S_PINF 0x7f800000
#define S_NINF 0xff800000
#define S_QNAN 0x7fc00000
#define S_SNAN 0x7f800001
#define S_PZERO 0x00000000
#define S_NZERO 0x80000000
#define S_MAX 0x7f7fffff
#define S_MIN_SUB 0x00000001
#define S_HALF 0x3f000000

TEST_BEGIN
	TEST_FP_OP2(1, LOAD_S, fadd.s, BOX(S_THREE), 0, S_ONE, S_TWO)
	TEST_FP_OP2(2, LOAD_S, fsub.s, BOX(S_MONE), 0, S_ONE, S_TWO)
	TEST_FP_OP2(3, LOAD_S, fmul.s, BOX(0x40c00000), 0, S_TWO, S_THREE)
	TEST_FP_OP2(4, LOAD_S, fdiv.s, BOX(0x3eaaaaab), FLAGS_NX, S_ONE, S_THREE)
	TEST_FP_OP2(5, LOAD_S, fdiv.s, BOX(0x3eaaaaaa), FLAGS_NX, S_ONE, S_THREE, rtz)
	TEST_FP_OP2(6, LOAD_S, fdiv.s, BOX(0x3eaaaaaa), FLAGS_NX, S_ONE, S_THREE, rdn)
	TEST_FP_OP2(7, LOAD_S, fdiv.s, BOX(0x3eaaaaab), FLAGS_NX, S_ONE, S_THREE, rup)
	TEST_FP_OP2(8, LOAD_S, fdiv.s, BOX(0xbeaaaaab), FLAGS_NX, S_MONE, S_THREE, rdn)
	TEST_FP_OP2(9, LOAD_S, fdiv.s, BOX(0xbeaaaaaa), FLAGS_NX, S_MONE, S_THREE, rup)
	TEST_FP_OP2(10, LOAD_S, fdiv.s, BOX(S_PINF), FLAGS_DZ, S_ONE, S_PZERO)
	TEST_FP_OP2(11, LOAD_S, fdiv.s, BOX(S_QNAN), FLAGS_NV, S_PZERO, S_PZERO)
	TEST_FP_OP2(12, LOAD_S, fadd.s, BOX(S_QNAN), FLAGS_NV, S_PINF, S_NINF)
	TEST_FP_OP1(13, LOAD_S, fsqrt.s, BOX(S_QNAN), FLAGS_NV, S_MONE)
	TEST_FP_OP1(14, LOAD_S, fsqrt.s, BOX(0x3fb504f3), FLAGS_NX, S_TWO)
	TEST_FP_OP2(15, LOAD_S, fadd.s, BOX(S_QNAN), FLAGS_NV, S_SNAN, S_ONE)
	TEST_FP_OP2(16, LOAD_S, fadd.s, BOX(S_QNAN), 0, 0x7fc0abcd, S_ONE)
	TEST_FP_OP2(17, LOAD_S, fmul.s, BOX(S_PINF), FLAGS_OF | FLAGS_NX, S_MAX, S_TWO)
	TEST_FP_OP2(18, LOAD_S, fmul.s, BOX(S_MAX), FLAGS_OF | FLAGS_NX, S_MAX, S_TWO, rtz)
	TEST_FP_OP2(19, LOAD_S, fmul.s, BOX(S_PZERO), FLAGS_UF | FLAGS_NX, S_MIN_SUB, S_HALF)
	TEST_FP_OP2(20, LOAD_S, fmul.s, BOX(S_MIN_SUB), FLAGS_UF | FLAGS_NX, S_MIN_SUB, S_HALF, rup)
	TEST_FP_OP2(21, LOAD_S, fsub.s, BOX(S_NZERO), 0, S_ONE, S_ONE, rdn)
	TEST_FP_OP2(22, LOAD_S, fmin.s, BOX(S_NZERO), 0, S_PZERO, S_NZERO)
	TEST_FP_OP2(23, LOAD_S, fmax.s, BOX(S_PZERO), 0, S_NZERO, S_PZERO)
	TEST_FP_OP2(24, LOAD_S, fmin.s, BOX(S_ONE), FLAGS_NV, S_SNAN, S_ONE)
	TEST_FP_OP2(25, LOAD_S, fmax.s, BOX(S_QNAN), 0, S_QNAN, S_QNAN)
	TEST_FP_CMP(26, LOAD_S, feq.s, 1, 0, S_PZERO, S_NZERO)
	TEST_FP_CMP(27, LOAD_S, feq.s, 0, 0, S_QNAN, S_ONE)
	TEST_FP_CMP(28, LOAD_S, feq.s, 0, FLAGS_NV, S_SNAN, S_ONE)
	TEST_FP_CMP(29, LOAD_S, flt.s, 0, FLAGS_NV, S_QNAN, S_ONE)
	TEST_FP_CMP(30, LOAD_S, fle.s, 1, 0, S_MONE, S_MONE)
	TEST_FP_CMP(31, LOAD_S, flt.s, 1, 0, S_NINF, S_MONE)
	TEST_FP_TO_INT(32, LOAD_S, fclass.s, 1 << 0, 0, S_NINF)
	TEST_FP_TO_INT(33, LOAD_S, fclass.s, 1 << 2, 0, 0x807fffff)
	TEST_FP_TO_INT(34, LOAD_S, fclass.s, 1 << 3, 0, S_NZERO)
	TEST_FP_TO_INT(35, LOAD_S, fclass.s, 1 << 5, 0, S_MIN_SUB)
	TEST_FP_TO_INT(36, LOAD_S, fclass.s, 1 << 6, 0, S_ONE)
	TEST_FP_TO_INT(37, LOAD_S, fclass.s, 1 << 8, 0, S_SNAN)
	TEST_FP_TO_INT(38, LOAD_S, fclass.s, 1 << 9, 0, S_QNAN)
	TEST_FP_OP3(39, LOAD_S, fmadd.s, BOX(0x40a00000), 0, S_ONE, S_TWO, S_THREE)
	TEST_FP_OP3(40, LOAD_S, fmsub.s, BOX(S_MONE), 0, S_ONE, S_TWO, S_THREE)
	TEST_FP_OP3(41, LOAD_S, fnmsub.s, BOX(S_ONE), 0, S_ONE, S_TWO, S_THREE)
	TEST_FP_OP3(42, LOAD_S, fnmadd.s, BOX(0xc0a00000), 0, S_ONE, S_TWO, S_THREE)
	TEST_FP_OP3(43, LOAD_S, fmadd.s, BOX(S_QNAN), FLAGS_NV, S_PZERO, S_PINF, S_QNAN)
	/* (1+2^-23)(1-2^-24) - 1 = 2^-24 - 2^-47, exact with a single rounding */
	TEST_FP_OP3(44, LOAD_S, fmsub.s, BOX(0x337ffffe), 0, 0x3f800001, 0x3f7fffff, S_ONE)
	/* conversions */
	TEST_FP_TO_INT(45, LOAD_S, fcvt.w.s, 2, FLAGS_NX, 0x40200000)          /* 2.5 -> 2 */
	TEST_FP_TO_INT(46, LOAD_S, fcvt.w.s, 3, FLAGS_NX, 0x40200000, rmm)
	TEST_FP_TO_INT(47, LOAD_S, fcvt.w.s, -3, FLAGS_NX, 0xc0200000, rdn)
	TEST_FP_TO_INT(48, LOAD_S, fcvt.w.s, 0x7fffffff, FLAGS_NV, S_QNAN, rtz)
	TEST_FP_TO_INT(49, LOAD_S, fcvt.w.s, 0xffffffff80000000, 0, 0xcf000000, rtz) /* -2^31 */
	TEST_FP_TO_INT(50, LOAD_S, fcvt.w.s, 0x7fffffff, FLAGS_NV, 0x4f000000, rtz)  /* 2^31 */
	TEST_FP_TO_INT(51, LOAD_S, fcvt.wu.s, 0xffffffff80000000, 0, 0x4f000000, rtz)
	TEST_FP_TO_INT(52, LOAD_S, fcvt.wu.s, 0, FLAGS_NV, S_NINF, rtz)
	TEST_FP_TO_INT(53, LOAD_S, fcvt.l.s, 0x0000000100000000, 0, 0x4f800000, rtz) /* 2^32 */
	TEST_FP_TO_INT(54, LOAD_S, fcvt.l.s, 0x8000000000000000, FLAGS_NV, S_NINF, rtz)
	TEST_FP_TO_INT(55, LOAD_S, fcvt.lu.s, 0xffffffffffffffff, FLAGS_NV, S_QNAN, rtz)
	TEST_INT_TO_FP(56, fcvt.s.w, BOX(0xcf000000), 0, 0x80000000)
	TEST_INT_TO_FP(57, fcvt.s.wu, BOX(0x4f800000), FLAGS_NX, 0xffffffff)
	TEST_INT_TO_FP(58, fcvt.s.wu, BOX(0x4f7fffff), FLAGS_NX, 0xffffffff, rtz)
	TEST_INT_TO_FP(59, fcvt.s.l, BOX(0x4b800000), FLAGS_NX, 0x1000001)   /* 2^24+1 ties to even */
	TEST_INT_TO_FP(60, fcvt.s.lu, BOX(0x5f800000), FLAGS_NX, 0xffffffffffffffff)
	TEST_INT_TO_FP(61, fcvt.s.l, BOX(0xdf000000), 0, 0x8000000000000000)
	/* sign injection; fneg/fabs are fsgnjn/fsgnjx with the same register */
	TEST_FP_OP2(62, LOAD_S, fsgnj.s, BOX(S_MONE), 0, S_ONE, S_NZERO)
	TEST_FP_OP2(63, LOAD_S, fsgnjn.s, BOX(S_MONE), 0, S_ONE, S_ONE)
	TEST_FP_OP2(64, LOAD_S, fsgnjx.s, BOX(S_ONE), 0, S_MONE, S_MONE)
	TEST_FP_OP1(65, LOAD_S, fneg.s, BOX(S_ONE), 0, S_MONE)
	TEST_FP_OP1(66, LOAD_S, fabs.s, BOX(0x7f800001), 0, 0xff800001)
	/* NaN-boxing: fmv.w.x boxes; fmv.x.w sign-extends bit 31 */
	TEST_CASE(67, a3, 0xffffffff12345678, li a1, 0xabcdef0012345678; fmv.w.x fa5, a1; fmv.x.d a3, fa5)
	TEST_CASE(68, a3, 0xffffffff80000000, li a1, 0x80000000; fmv.w.x fa5, a1; fmv.x.w a3, fa5)
	/* fmv.x.w of a double register returns its low word, sign-extended, without any NaN check */
	TEST_CASE(69, a3, 0xffffffffdeadbeef, li a1, 0x00000000deadbeef; fmv.d.x fa5, a1; fmv.x.w a3, fa5)
	/* an operand that is not NaN-boxed is the canonical NaN */
	TEST_CASE(70, a3, BOX(S_QNAN), li a1, 0x000000003f800000; fmv.d.x fa5, a1; fsflags x0; fadd.s fa6, fa5, fa5;
		  fmv.x.d a3, fa6)
	TEST_CASE(71, a3, 0, frflags a3) /* the canonical NaN is quiet: no NV */
	TEST_CASE(72, a3, BOX(0xffc00000), li a1, 0xfffffffe3f800000; fmv.d.x fa5, a1; LOAD_S(fa6, S_MONE);
		  fsgnj.s fa7, fa5, fa6; fmv.x.d a3, fa7)
	TEST_CASE(73, a3, 1 << 9, li a1, 0x7fffffff3f800000; fmv.d.x fa5, a1; fclass.s a3, fa5)
	TEST_CASE(74, a3, BOX(S_ONE), li a1, 0x000000003f800000; fmv.d.x fa5, a1; LOAD_S(fa6, S_ONE);
		  fmin.s fa7, fa5, fa6; fmv.x.d a3, fa7)
	/* flw boxes; fsw stores only the low word */
	TEST_CASE(75, a3, BOX(0x40490fdb), lla a4, scratch; li a1, 0x1111111140490fdb; sd a1, 0(a4); flw fa5, 0(a4);
		  fmv.x.d a3, fa5)
	TEST_CASE(76, a3, 0x2222222240490fdb, li a1, 0x2222222222222222; sd a1, 8(a4); fsw fa5, 8(a4); ld a3, 8(a4))
	/* dynamic rounding through frm */
	TEST_CASE(77, a3, BOX(0x3eaaaaaa), li a1, 1; fsrm a1; LOAD_S(fa0, S_ONE); LOAD_S(fa1, S_THREE);
		  fdiv.s fa2, fa0, fa1; fmv.x.d a3, fa2; fsrm x0)
TEST_END
