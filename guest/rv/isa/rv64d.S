/* RV64D: arithmetic with each rounding mode, the five exception flags, NaN rules (canonical NaN results,
 * signalling NaN inputs raise NV), signed zeros in min/max, compares (feq is quiet, flt/fle signal on any
 * NaN), fclass, the FMA family (including inf*0 + qNaN -> NV), conversions to/from integers with
 * saturation, fsgnj*, fmv.x.d/fmv.d.x, fld/fsd. Values are raw IEEE-754 binary64 bit patterns. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc

#define ONE 0x3ff0000000000000
#define TWO 0x4000000000000000
#define THREE 0x4008000000000000
#define HALF 0x3fe0000000000000
#define MONE 0xbff0000000000000
#define PINF 0x7ff0000000000000
#define NINF 0xfff0000000000000
#define QNAN 0x7ff8000000000000 /* the canonical NaN */
#define SNAN 0x7ff0000000000001
#define PZERO 0x0000000000000000
#define NZERO 0x8000000000000000
#define DMAX 0x7fefffffffffffff
#define MIN_NORMAL 0x0010000000000000
#define MIN_SUB 0x0000000000000001

TEST_BEGIN
	TEST_FP_OP2(1, LOAD_D, fadd.d, THREE, 0, ONE, TWO)
	TEST_FP_OP2(2, LOAD_D, fsub.d, MONE, 0, ONE, TWO)
	TEST_FP_OP2(3, LOAD_D, fmul.d, 0x4018000000000000, 0, TWO, THREE)
	TEST_FP_OP2(4, LOAD_D, fdiv.d, 0x3fd5555555555555, FLAGS_NX, ONE, THREE)
	TEST_FP_OP2(5, LOAD_D, fdiv.d, 0x3fd5555555555555, FLAGS_NX, ONE, THREE, rtz)
	TEST_FP_OP2(6, LOAD_D, fdiv.d, 0x3fd5555555555555, FLAGS_NX, ONE, THREE, rdn)
	TEST_FP_OP2(7, LOAD_D, fdiv.d, 0x3fd5555555555556, FLAGS_NX, ONE, THREE, rup)
	TEST_FP_OP2(8, LOAD_D, fdiv.d, 0x3fd5555555555555, FLAGS_NX, ONE, THREE, rmm)
	TEST_FP_OP2(9, LOAD_D, fdiv.d, 0xbfd5555555555556, FLAGS_NX, MONE, THREE, rdn)
	TEST_FP_OP2(10, LOAD_D, fdiv.d, 0xbfd5555555555555, FLAGS_NX, MONE, THREE, rup)
	/* division by zero, invalid operations */
	TEST_FP_OP2(11, LOAD_D, fdiv.d, PINF, FLAGS_DZ, ONE, PZERO)
	TEST_FP_OP2(12, LOAD_D, fdiv.d, NINF, FLAGS_DZ, ONE, NZERO)
	TEST_FP_OP2(13, LOAD_D, fdiv.d, QNAN, FLAGS_NV, PZERO, PZERO)
	TEST_FP_OP2(14, LOAD_D, fsub.d, QNAN, FLAGS_NV, PINF, PINF)
	TEST_FP_OP2(15, LOAD_D, fmul.d, QNAN, FLAGS_NV, PINF, PZERO)
	TEST_FP_OP1(16, LOAD_D, fsqrt.d, QNAN, FLAGS_NV, MONE)
	TEST_FP_OP1(17, LOAD_D, fsqrt.d, TWO, 0, 0x4010000000000000)
	TEST_FP_OP1(18, LOAD_D, fsqrt.d, 0x3ff6a09e667f3bcd, FLAGS_NX, TWO)
	TEST_FP_OP1(19, LOAD_D, fsqrt.d, NZERO, 0, NZERO)
	/* NaN propagation: any NaN result is the canonical NaN; a signalling input raises NV */
	TEST_FP_OP2(20, LOAD_D, fadd.d, QNAN, 0, 0x7ff8000000001234, ONE)
	TEST_FP_OP2(21, LOAD_D, fadd.d, QNAN, FLAGS_NV, SNAN, ONE)
	TEST_FP_OP2(22, LOAD_D, fmul.d, QNAN, 0, 0xfff8000000000000, ONE)
	/* overflow / underflow */
	TEST_FP_OP2(23, LOAD_D, fmul.d, PINF, FLAGS_OF | FLAGS_NX, DMAX, TWO)
	TEST_FP_OP2(24, LOAD_D, fmul.d, DMAX, FLAGS_OF | FLAGS_NX, DMAX, TWO, rtz)
	TEST_FP_OP2(25, LOAD_D, fmul.d, 0xffefffffffffffff, FLAGS_OF | FLAGS_NX, DMAX, 0xc000000000000000, rup)
	TEST_FP_OP2(26, LOAD_D, fmul.d, 0x0008000000000000, 0, MIN_NORMAL, HALF)
	TEST_FP_OP2(27, LOAD_D, fmul.d, PZERO, FLAGS_UF | FLAGS_NX, MIN_SUB, HALF)
	TEST_FP_OP2(28, LOAD_D, fmul.d, MIN_SUB, FLAGS_UF | FLAGS_NX, MIN_SUB, HALF, rup)
	TEST_FP_OP2(29, LOAD_D, fadd.d, MIN_NORMAL, 0, MIN_SUB, 0x000fffffffffffff)
	/* exact zero sums: +0 except in round-down */
	TEST_FP_OP2(30, LOAD_D, fsub.d, PZERO, 0, ONE, ONE)
	TEST_FP_OP2(31, LOAD_D, fsub.d, NZERO, 0, ONE, ONE, rdn)
	TEST_FP_OP2(32, LOAD_D, fadd.d, NZERO, 0, NZERO, NZERO)
	/* ties: 1 + 2^-53 is exactly halfway between 1 and its successor */
	TEST_FP_OP2(33, LOAD_D, fadd.d, ONE, FLAGS_NX, ONE, 0x3ca0000000000000)
	TEST_FP_OP2(34, LOAD_D, fadd.d, 0x3ff0000000000001, FLAGS_NX, ONE, 0x3ca0000000000000, rmm)
	TEST_FP_OP2(35, LOAD_D, fadd.d, 0x3ff0000000000002, FLAGS_NX, 0x3ff0000000000001, 0x3ca0000000000000)
	/* min / max */
	TEST_FP_OP2(36, LOAD_D, fmin.d, NZERO, 0, PZERO, NZERO)
	TEST_FP_OP2(37, LOAD_D, fmax.d, PZERO, 0, NZERO, PZERO)
	TEST_FP_OP2(38, LOAD_D, fmin.d, ONE, 0, QNAN, ONE)
	TEST_FP_OP2(39, LOAD_D, fmax.d, ONE, FLAGS_NV, ONE, SNAN)
	TEST_FP_OP2(40, LOAD_D, fmin.d, QNAN, 0, QNAN, 0x7ff8000000000055)
	TEST_FP_OP2(41, LOAD_D, fmax.d, TWO, 0, MONE, TWO)
	/* compares */
	TEST_FP_CMP(42, LOAD_D, feq.d, 1, 0, ONE, ONE)
	TEST_FP_CMP(43, LOAD_D, feq.d, 1, 0, PZERO, NZERO)
	TEST_FP_CMP(44, LOAD_D, feq.d, 0, 0, QNAN, QNAN)
	TEST_FP_CMP(45, LOAD_D, feq.d, 0, FLAGS_NV, SNAN, ONE)
	TEST_FP_CMP(46, LOAD_D, flt.d, 1, 0, MONE, ONE)
	TEST_FP_CMP(47, LOAD_D, flt.d, 0, 0, NZERO, PZERO)
	TEST_FP_CMP(48, LOAD_D, flt.d, 0, FLAGS_NV, QNAN, ONE)
	TEST_FP_CMP(49, LOAD_D, fle.d, 1, 0, NZERO, PZERO)
	TEST_FP_CMP(50, LOAD_D, fle.d, 0, FLAGS_NV, ONE, QNAN)
	TEST_FP_CMP(51, LOAD_D, flt.d, 1, 0, NINF, DMAX)
	/* fclass: one bit per class */
	TEST_FP_TO_INT(52, LOAD_D, fclass.d, 1 << 0, 0, NINF)
	TEST_FP_TO_INT(53, LOAD_D, fclass.d, 1 << 1, 0, MONE)
	TEST_FP_TO_INT(54, LOAD_D, fclass.d, 1 << 2, 0, 0x800fffffffffffff)
	TEST_FP_TO_INT(55, LOAD_D, fclass.d, 1 << 3, 0, NZERO)
	TEST_FP_TO_INT(56, LOAD_D, fclass.d, 1 << 4, 0, PZERO)
	TEST_FP_TO_INT(57, LOAD_D, fclass.d, 1 << 5, 0, MIN_SUB)
	TEST_FP_TO_INT(58, LOAD_D, fclass.d, 1 << 6, 0, DMAX)
	TEST_FP_TO_INT(59, LOAD_D, fclass.d, 1 << 7, 0, PINF)
	TEST_FP_TO_INT(60, LOAD_D, fclass.d, 1 << 8, 0, SNAN)
	TEST_FP_TO_INT(61, LOAD_D, fclass.d, 1 << 9, 0, QNAN)
	/* fused multiply-add: one rounding */
	TEST_FP_OP3(62, LOAD_D, fmadd.d, 0x4014000000000000, 0, ONE, TWO, THREE)    /* 1*2+3 = 5 */
	TEST_FP_OP3(63, LOAD_D, fmsub.d, MONE, 0, ONE, TWO, THREE)                  /* 1*2-3 = -1 */
	TEST_FP_OP3(64, LOAD_D, fnmsub.d, ONE, 0, ONE, TWO, THREE)                  /* -(1*2)+3 = 1 */
	TEST_FP_OP3(65, LOAD_D, fnmadd.d, 0xc014000000000000, 0, ONE, TWO, THREE)   /* -(1*2)-3 = -5 */
	TEST_FP_OP3(66, LOAD_D, fmadd.d, QNAN, FLAGS_NV, PINF, PZERO, QNAN)
	TEST_FP_OP3(67, LOAD_D, fmadd.d, QNAN, FLAGS_NV, PINF, ONE, NINF)
	/* (1+2^-52)(1-2^-53) - 1 = 2^-53 - 2^-105 exactly with one rounding (0 if rounded twice) */
	TEST_FP_OP3(68, LOAD_D, fmsub.d, 0x3c9ffffffffffffe, 0, 0x3ff0000000000001, 0x3fefffffffffffff, ONE)
	/* conversions to integers (saturating, NV when out of range or NaN) */
	TEST_FP_TO_INT(69, LOAD_D, fcvt.w.d, 2, FLAGS_NX, 0x3ff8000000000000)          /* 1.5 -> 2 */
	TEST_FP_TO_INT(70, LOAD_D, fcvt.w.d, 2, FLAGS_NX, 0x4004000000000000)          /* 2.5 -> 2 */
	TEST_FP_TO_INT(71, LOAD_D, fcvt.w.d, 3, FLAGS_NX, 0x4004000000000000, rmm)     /* 2.5 -> 3 */
	TEST_FP_TO_INT(72, LOAD_D, fcvt.w.d, -1, FLAGS_NX, 0xbff8000000000000, rtz)    /* -1.5 -> -1 */
	TEST_FP_TO_INT(73, LOAD_D, fcvt.w.d, -2, FLAGS_NX, 0xbff8000000000000, rdn)
	TEST_FP_TO_INT(74, LOAD_D, fcvt.w.d, 2, FLAGS_NX, 0x3ff8000000000000, rup)
	TEST_FP_TO_INT(75, LOAD_D, fcvt.w.d, 0x7fffffff, FLAGS_NV, QNAN, rtz)
	TEST_FP_TO_INT(76, LOAD_D, fcvt.w.d, 0x7fffffff, FLAGS_NV, PINF, rtz)
	TEST_FP_TO_INT(77, LOAD_D, fcvt.w.d, 0xffffffff80000000, FLAGS_NV, NINF, rtz)
	TEST_FP_TO_INT(78, LOAD_D, fcvt.w.d, 0x7fffffff, FLAGS_NV, 0x41e65a0bc0000000, rtz) /* 3e9 */
	TEST_FP_TO_INT(79, LOAD_D, fcvt.wu.d, 0xffffffffb2d05e00, 0, 0x41e65a0bc0000000, rtz)
	TEST_FP_TO_INT(80, LOAD_D, fcvt.wu.d, 0, FLAGS_NV, MONE, rtz)
	TEST_FP_TO_INT(81, LOAD_D, fcvt.wu.d, 0, FLAGS_NX, 0xbfe0000000000000, rtz)    /* -0.5 -> 0, valid */
	TEST_FP_TO_INT(82, LOAD_D, fcvt.wu.d, 0xffffffffffffffff, FLAGS_NV, QNAN, rtz)
	TEST_FP_TO_INT(83, LOAD_D, fcvt.l.d, 0x7fffffffffffffff, FLAGS_NV, QNAN, rtz)
	TEST_FP_TO_INT(84, LOAD_D, fcvt.l.d, 0x8000000000000000, 0, 0xc3e0000000000000, rtz) /* -2^63 */
	TEST_FP_TO_INT(85, LOAD_D, fcvt.l.d, 0x7fffffffffffffff, FLAGS_NV, 0x43e0000000000000, rtz) /* 2^63 */
	TEST_FP_TO_INT(86, LOAD_D, fcvt.lu.d, 0x8000000000000000, 0, 0x43e0000000000000, rtz)
	TEST_FP_TO_INT(87, LOAD_D, fcvt.lu.d, 0, FLAGS_NV, MONE, rtz)
	TEST_FP_TO_INT(88, LOAD_D, fcvt.lu.d, 0xffffffffffffffff, FLAGS_NV, PINF, rtz)
	TEST_FP_TO_INT(89, LOAD_D, fcvt.l.d, 0xfffffffffffffffd, 0, 0xc008000000000000, rtz)
	/* conversions from integers */
	TEST_INT_TO_FP(90, fcvt.d.w, MONE, 0, 0xffffffffffffffff)
	TEST_INT_TO_FP(91, fcvt.d.w, ONE, 0, 0x1234567800000001)   /* only the low word is read */
	TEST_INT_TO_FP(92, fcvt.d.wu, 0x41efffffffe00000, 0, 0xffffffff)
	TEST_INT_TO_FP(93, fcvt.d.l, 0xc3e0000000000000, 0, 0x8000000000000000)
	TEST_INT_TO_FP(94, fcvt.d.lu, 0x43f0000000000000, FLAGS_NX, 0xffffffffffffffff)
	TEST_INT_TO_FP(95, fcvt.d.lu, 0x43efffffffffffff, FLAGS_NX, 0xffffffffffffffff, rtz)
	TEST_INT_TO_FP(96, fcvt.d.l, 0x4340000000000000, FLAGS_NX, 0x20000000000001)  /* 2^53+1 ties to even */
	TEST_INT_TO_FP(97, fcvt.d.l, 0x4340000000000001, FLAGS_NX, 0x20000000000001, rup)
	/* sign injection (never raises flags, keeps NaN payloads) */
	TEST_FP_OP2(98, LOAD_D, fsgnj.d, MONE, 0, ONE, NINF)
	TEST_FP_OP2(99, LOAD_D, fsgnjn.d, MONE, 0, ONE, PINF)
	TEST_FP_OP2(100, LOAD_D, fsgnjx.d, ONE, 0, MONE, NINF)
	TEST_FP_OP2(101, LOAD_D, fsgnj.d, 0xfff0000000000001, 0, SNAN, MONE)
	/* moves between register files are bit-exact */
	TEST_CASE(102, a3, 0x7ff0000000000001, li a1, SNAN; fmv.d.x fa5, a1; fmv.x.d a3, fa5)
	/* fld / fsd */
	TEST_CASE(103, a3, 0x0123456789abcdef, lla a4, scratch; li a1, 0x0123456789abcdef; sd a1, 0(a4);
		  fld fa6, 0(a4); fsd fa6, 8(a4); ld a3, 8(a4))
	/* conversion to and from single precision */
	TEST_FP_OP1(104, LOAD_D, fcvt.s.d, BOX(0x3eaaaaab), FLAGS_NX, 0x3fd5555555555555)
	TEST_FP_OP1(105, LOAD_D, fcvt.s.d, BOX(0x3eaaaaaa), FLAGS_NX, 0x3fd5555555555555, rtz)
	TEST_FP_OP1(106, LOAD_D, fcvt.s.d, BOX(0x7f800000), FLAGS_OF | FLAGS_NX, DMAX)
	TEST_FP_OP1(107, LOAD_D, fcvt.s.d, BOX(0x7fc00000), FLAGS_NV, SNAN)
	TEST_FP_OP1(108, LOAD_S, fcvt.d.s, 0x3ff8000000000000, 0, 0x3fc00000)
	TEST_FP_OP1(109, LOAD_S, fcvt.d.s, QNAN, 0, 0x7fc12345)
	/* the dynamic rounding mode comes from frm */
	TEST_CASE(110, a3, 0x3fd5555555555556, li a1, 3; fsrm a1; LOAD_D(fa0, ONE); LOAD_D(fa1, THREE);
		  fdiv.d fa2, fa0, fa1, dyn; fmv.x.d a3, fa2; fsrm x0)
	/* fflags accumulate until cleared */
	TEST_CASE(111, a3, FLAGS_DZ | FLAGS_NX, fsflags x0; LOAD_D(fa0, ONE); LOAD_D(fa1, PZERO); LOAD_D(fa3, THREE);
		  fdiv.d fa2, fa0, fa1; fdiv.d fa2, fa0, fa3; frflags a3)
TEST_END
