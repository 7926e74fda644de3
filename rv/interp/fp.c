/* F and D: IEEE arithmetic on the host's SSE unit where it gives RISC-V's bits, software elsewhere.
 *
 * - Arithmetic (add/sub/mul/div/sqrt/fma, int<->fp, fp<->fp) runs on SSE with MXCSR set to the rounding
 *   mode and cleared flags; the MXCSR flags map 1:1 to fflags (both detect tininess after rounding).
 * - RISC-V returns the canonical NaN where x86 propagates payloads: every NaN result is replaced.
 * - RMM (ties to max magnitude) has no x86 mode: the op runs in x87 extended precision rounding toward
 *   zero, then rounds that to the target format with ties away (see round_ld_rmm for why that is exact).
 * - Compares, min/max, sign injection, classify and float->int conversions are done in software.
 * Host FP computations live in noipa functions so the compiler cannot move them across the MXCSR
 * writes. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "rv/interp/internal.h"

/* GCC's noipa keeps the compiler from looking into (and moving) these computations across the MXCSR
 * writes around their calls. clang has no noipa: noinline there, and it must be built with
 * -ffp-model=strict (the fuzzing harnesses are), which forbids moving FP operations across the rounding-mode
 * and flag accesses in the first place. */
#if defined(__clang__)
#define FP_ISOLATED __attribute__((noinline))
#else
#define FP_ISOLATED __attribute__((noipa))
#endif

#define F32_CANONICAL_NAN 0x7fc00000u
#define F64_CANONICAL_NAN 0x7ff8000000000000ull
#define F32_SIGN          0x80000000u
#define F64_SIGN          0x8000000000000000ull

/* MXCSR: exception flags in bits 5:0, masks in 12:7, rounding control in 14:13. */
#define MXCSR_DEFAULT  0x1f80u
#define MXCSR_RC_SHIFT 13
#define MXCSR_IE       0x01u
#define MXCSR_ZE       0x04u
#define MXCSR_OE       0x08u
#define MXCSR_UE       0x10u
#define MXCSR_PE       0x20u

/* RISC-V rounding mode -> x86 rounding control (RNE=00, down=01, up=10, toward zero=11). */
static const uint8_t x86_rc[4] = {[RV_RM_RNE] = 0, [RV_RM_RTZ] = 3, [RV_RM_RDN] = 1, [RV_RM_RUP] = 2};

enum kind { K_ADD, K_SUB, K_MUL, K_DIV, K_SQRT, K_MADD, K_MSUB, K_NMSUB, K_NMADD };

static inline uint32_t f32_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}
static inline float f32_from(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}
static inline uint64_t f64_bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}
static inline double f64_from(uint64_t u)
{
	double d;
	memcpy(&d, &u, 8);
	return d;
}

static inline bool f32_is_nan(uint32_t u)
{
	return (u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu);
}
static inline bool f32_is_snan(uint32_t u)
{
	return f32_is_nan(u) && !(u & 0x00400000u);
}
static inline bool f64_is_nan(uint64_t u)
{
	return (u & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (u & 0x000fffffffffffffull);
}
static inline bool f64_is_snan(uint64_t u)
{
	return f64_is_nan(u) && !(u & 0x0008000000000000ull);
}

/* A single-precision operand: an improperly NaN-boxed register reads as the canonical NaN. */
static inline uint32_t get_s(const struct rv_cpu *cpu, unsigned r)
{
	uint64_t v = cpu->f[r];
	return (v & RV_NANBOX_HI) == RV_NANBOX_HI ? (uint32_t)v : F32_CANONICAL_NAN;
}

static inline void set_s(struct rv_cpu *cpu, unsigned r, uint32_t bits)
{
	cpu->f[r] = rv_box_f32(f32_is_nan(bits) ? F32_CANONICAL_NAN : bits);
}

static inline void set_d(struct rv_cpu *cpu, unsigned r, uint64_t bits)
{
	cpu->f[r] = f64_is_nan(bits) ? F64_CANONICAL_NAN : bits;
}

static inline void host_begin(unsigned rm)
{
	uint32_t m = MXCSR_DEFAULT | ((uint32_t)x86_rc[rm] << MXCSR_RC_SHIFT);
	__asm__ volatile("ldmxcsr %0" : : "m"(m) : "memory");
}

static inline uint32_t host_end(void)
{
	uint32_t m, d = MXCSR_DEFAULT;
	__asm__ volatile("stmxcsr %0" : "=m"(m) : : "memory");
	__asm__ volatile("ldmxcsr %0" : : "m"(d) : "memory");
	uint32_t fl = 0;
	if (m & MXCSR_IE)
		fl |= RV_FFLAG_NV;
	if (m & MXCSR_ZE)
		fl |= RV_FFLAG_DZ;
	if (m & MXCSR_OE)
		fl |= RV_FFLAG_OF;
	if (m & MXCSR_UE)
		fl |= RV_FFLAG_UF;
	if (m & MXCSR_PE)
		fl |= RV_FFLAG_NX;
	return fl;
}

static uint32_t fenv_flags(void)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	uint32_t fl = 0;
	if (e & FE_INVALID)
		fl |= RV_FFLAG_NV;
	if (e & FE_DIVBYZERO)
		fl |= RV_FFLAG_DZ;
	if (e & FE_OVERFLOW)
		fl |= RV_FFLAG_OF;
	if (e & FE_UNDERFLOW)
		fl |= RV_FFLAG_UF;
	if (e & FE_INEXACT)
		fl |= RV_FFLAG_NX;
	return fl;
}

FP_ISOLATED static double arith_d(enum kind k, double a, double b, double c)
{
	switch (k) {
	case K_ADD: return a + b;
	case K_SUB: return a - b;
	case K_MUL: return a * b;
	case K_DIV: return a / b;
	case K_SQRT: return sqrt(a);
	case K_MADD: return fma(a, b, c);
	case K_MSUB: return fma(a, b, -c);
	case K_NMSUB: return fma(-a, b, c);
	default: return fma(-a, b, -c); /* K_NMADD */
	}
}

FP_ISOLATED static float arith_s(enum kind k, float a, float b, float c)
{
	switch (k) {
	case K_ADD: return a + b;
	case K_SUB: return a - b;
	case K_MUL: return a * b;
	case K_DIV: return a / b;
	case K_SQRT: return sqrtf(a);
	case K_MADD: return fmaf(a, b, c);
	case K_MSUB: return fmaf(a, b, -c);
	case K_NMSUB: return fmaf(-a, b, c);
	default: return fmaf(-a, b, -c);
	}
}

FP_ISOLATED static long double arith_ld(enum kind k, long double a, long double b, long double c)
{
	switch (k) {
	case K_ADD: return a + b;
	case K_SUB: return a - b;
	case K_MUL: return a * b;
	case K_DIV: return a / b;
	case K_SQRT: return sqrtl(a);
	case K_MADD: return fmal(a, b, c);
	case K_MSUB: return fmal(a, b, -c);
	case K_NMSUB: return fmal(-a, b, c);
	default: return fmal(-a, b, -c);
	}
}

/* Rounds x (the result of an operation computed rounding toward zero in extended precision) to double
 * (is_double) or float with ties away from zero, adding NX/OF/UF to *fl. Exact because every tie point
 * of the target format is representable in extended precision: x >= tie exactly when the true result
 * is (x is the true result truncated, and truncation is monotonic). Runs in FE_TOWARDZERO. */
FP_ISOLATED static long double round_ld_rmm(long double x, bool is_double, bool inexact, uint32_t *fl)
{
	if (isnan(x) || isinf(x))
		return x;
	if (x == 0) {
		if (inexact)
			*fl |= RV_FFLAG_NX | RV_FFLAG_UF;
		return x;
	}
	long double ax = fabsl(x), lo, hi;
	if (is_double) {
		double t = (double)ax; /* truncated */
		lo = t;
		hi = t == DBL_MAX ? (long double)DBL_MAX + ldexpl(1, DBL_MAX_EXP - DBL_MANT_DIG)
		                  : (long double)nextafter(t, INFINITY);
	} else {
		float t = (float)ax;
		lo = t;
		hi = t == FLT_MAX ? (long double)FLT_MAX + ldexpl(1, FLT_MAX_EXP - FLT_MANT_DIG)
		                  : (long double)nextafterf(t, INFINITY);
	}
	long double r = ax;
	if (lo != ax || inexact) {
		/* x itself may be exact in the target format while the true result was not (x87's first
		 * rounding was inexact): the true value is then strictly inside (x, next), far from a tie */
		*fl |= RV_FFLAG_NX;
		long double tie = (lo + hi) / 2;
		r = ax >= tie ? hi : lo;
		long double max = is_double ? (long double)DBL_MAX : (long double)FLT_MAX;
		if (r > max) {
			r = INFINITY;
			*fl |= RV_FFLAG_OF;
		}
		long double min_normal = is_double ? (long double)DBL_MIN : (long double)FLT_MIN;
		if (r < min_normal)
			*fl |= RV_FFLAG_UF;
	}
	return signbit(x) ? -r : r;
}

/* The rounding mode of an instruction, or -1 when it is reserved (-> illegal instruction). */
static int resolve_rm(const struct rv_cpu *cpu, const struct rv_insn *in)
{
	unsigned rm = in->rm == RV_RM_DYN ? cpu->frm : in->rm;
	return rm <= RV_RM_RMM ? (int)rm : -1;
}

/* Invalid multiply in a fused multiply-add (inf * 0) raises NV even when the addend is a quiet NaN. */
static bool fma_invalid_product(long double a, long double b)
{
	return (isinf(a) && b == 0) || (a == 0 && isinf(b));
}

static uint32_t arith(enum kind k, bool is_double, int rm, uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
	uint32_t fl;
	bool fused = k >= K_MADD;
	long double la, lb, lc;
	if (is_double) {
		la = f64_from(a);
		lb = f64_from(b);
		lc = f64_from(c);
	} else {
		la = f32_from((uint32_t)a);
		lb = f32_from((uint32_t)b);
		lc = f32_from((uint32_t)c);
	}
	if (rm == RV_RM_RMM) {
		fesetround(FE_TOWARDZERO);
		feclearexcept(FE_ALL_EXCEPT);
		long double r = arith_ld(k, la, lb, lc);
		uint32_t first = fenv_flags();
		fl = first & (RV_FFLAG_NV | RV_FFLAG_DZ);
		r = round_ld_rmm(r, is_double, (first & RV_FFLAG_NX) != 0, &fl);
		feclearexcept(FE_ALL_EXCEPT);
		fesetround(FE_TONEAREST);
		if (is_double)
			*out = f64_bits((double)r);
		else
			*out = f32_bits((float)r);
		/* an sNaN operand is invalid even though x87 loads of it were exact conversions */
		bool snan = is_double ? (f64_is_snan(a) || f64_is_snan(b) || (fused && f64_is_snan(c)))
		                      : (f32_is_snan((uint32_t)a) || f32_is_snan((uint32_t)b) ||
		                         (fused && f32_is_snan((uint32_t)c)));
		if (snan)
			fl |= RV_FFLAG_NV;
	} else if (is_double) {
		host_begin((unsigned)rm);
		double r = arith_d(k, f64_from(a), f64_from(b), f64_from(c));
		fl = host_end();
		*out = f64_bits(r);
	} else {
		host_begin((unsigned)rm);
		float r = arith_s(k, f32_from((uint32_t)a), f32_from((uint32_t)b), f32_from((uint32_t)c));
		fl = host_end();
		*out = f32_bits(r);
	}
	if (fused && fma_invalid_product(la, lb))
		fl |= RV_FFLAG_NV;
	return fl;
}

/* fp -> integer, saturating: NaN and too-large values give the maximum, too-small the minimum, with NV;
 * otherwise NX when rounding changed the value. `bits` is 32 or 64. */
static uint64_t to_int(long double x, int rm, bool is_signed, unsigned bits, uint32_t *fl)
{
	long double r;
	if (isnan(x)) {
		*fl |= RV_FFLAG_NV;
		if (!is_signed)
			return UINT64_MAX; /* fcvt.wu also sign-extends its all-ones 32-bit result */
		return bits == 32 ? (uint64_t)INT32_MAX : (uint64_t)INT64_MAX;
	}
	switch (rm) {
	case RV_RM_RTZ: r = truncl(x); break;
	case RV_RM_RDN: r = floorl(x); break;
	case RV_RM_RUP: r = ceill(x); break;
	case RV_RM_RMM: r = roundl(x); break;
	default: r = nearbyintl(x); break; /* the host is in round-to-nearest-even here */
	}
	long double lo, hi; /* representable range */
	if (is_signed) {
		lo = bits == 32 ? (long double)INT32_MIN : -0x1p63L;
		hi = bits == 32 ? (long double)INT32_MAX : 0x1p63L - 1;
	} else {
		lo = 0;
		hi = bits == 32 ? (long double)UINT32_MAX : 0x1p64L - 1;
	}
	if (r < lo || r > hi) {
		*fl |= RV_FFLAG_NV;
		bool high = r > hi;
		if (is_signed)
			return high ? (bits == 32 ? (uint64_t)INT32_MAX : (uint64_t)INT64_MAX)
			            : (bits == 32 ? (uint64_t)(int64_t)INT32_MIN : (uint64_t)INT64_MIN);
		return high ? UINT64_MAX : 0;
	}
	if (r != x)
		*fl |= RV_FFLAG_NX;
	if (is_signed)
		return bits == 32 ? (uint64_t)(int64_t)(int32_t)(int64_t)r : (uint64_t)(int64_t)r;
	if (bits == 32)
		return (uint64_t)(int64_t)(int32_t)(uint32_t)(uint64_t)r;
	return (uint64_t)r;
}

/* integer or float -> float/double conversions on the host. kinds: */
enum conv { CV_S_W, CV_S_WU, CV_S_L, CV_S_LU, CV_D_W, CV_D_WU, CV_D_L, CV_D_LU, CV_S_D, CV_D_S };

FP_ISOLATED static uint64_t convert_host(enum conv c, uint64_t src)
{
	switch (c) {
	case CV_S_W: return f32_bits((float)(int32_t)src);
	case CV_S_WU: return f32_bits((float)(uint32_t)src);
	case CV_S_L: return f32_bits((float)(int64_t)src);
	case CV_S_LU: return f32_bits((float)src);
	case CV_D_W: return f64_bits((double)(int32_t)src);
	case CV_D_WU: return f64_bits((double)(uint32_t)src);
	case CV_D_L: return f64_bits((double)(int64_t)src);
	case CV_D_LU: return f64_bits((double)src);
	case CV_S_D: return f32_bits((float)f64_from(src));
	default: return f64_bits((double)f32_from((uint32_t)src)); /* CV_D_S */
	}
}

FP_ISOLATED static long double convert_exact_ld(enum conv c, uint64_t src)
{
	switch (c) {
	case CV_S_W:
	case CV_D_W: return (long double)(int32_t)src;
	case CV_S_WU:
	case CV_D_WU: return (long double)(uint32_t)src;
	case CV_S_L:
	case CV_D_L: return (long double)(int64_t)src;
	case CV_S_LU:
	case CV_D_LU: return (long double)src;
	case CV_S_D: return (long double)f64_from(src);
	default: return (long double)f32_from((uint32_t)src);
	}
}

static uint64_t convert(enum conv c, int rm, uint64_t src, uint32_t *fl)
{
	bool to_double = c >= CV_D_W && c <= CV_D_LU ? true : c == CV_D_S;
	if (rm == RV_RM_RMM) {
		/* every source value is exact in extended precision */
		uint32_t f = 0;
		long double x = convert_exact_ld(c, src);
		if (c == CV_S_D && f64_is_snan(src))
			f |= RV_FFLAG_NV;
		fesetround(FE_TOWARDZERO);
		long double r = round_ld_rmm(x, to_double, false, &f);
		uint64_t out = to_double ? f64_bits((double)r) : f32_bits((float)r);
		fesetround(FE_TONEAREST);
		*fl |= f;
		return out;
	}
	host_begin((unsigned)rm);
	uint64_t out = convert_host(c, src);
	*fl |= host_end();
	return out;
}

/* fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber): a NaN operand yields the other operand, two
 * NaNs the canonical NaN, any signalling NaN raises NV, and -0 is below +0. */
static uint64_t min_max(bool is_double, bool want_max, uint64_t a, uint64_t b, uint32_t *fl)
{
	bool a_nan = is_double ? f64_is_nan(a) : f32_is_nan((uint32_t)a);
	bool b_nan = is_double ? f64_is_nan(b) : f32_is_nan((uint32_t)b);
	bool snan = is_double ? (f64_is_snan(a) || f64_is_snan(b))
	                      : (f32_is_snan((uint32_t)a) || f32_is_snan((uint32_t)b));
	if (snan)
		*fl |= RV_FFLAG_NV;
	if (a_nan && b_nan)
		return is_double ? F64_CANONICAL_NAN : F32_CANONICAL_NAN;
	if (a_nan)
		return b;
	if (b_nan)
		return a;
	long double x = is_double ? f64_from(a) : f32_from((uint32_t)a);
	long double y = is_double ? f64_from(b) : f32_from((uint32_t)b);
	if (x == y) {
		/* equal values differ only for zeros: min prefers the negative one */
		uint64_t sign = is_double ? F64_SIGN : F32_SIGN;
		bool a_neg = a & sign;
		return want_max ? (a_neg ? b : a) : (a_neg ? a : b);
	}
	bool a_less = x < y;
	return want_max ? (a_less ? b : a) : (a_less ? a : b);
}

/* feq (quiet: NV only for sNaN), flt/fle (signalling: NV for any NaN). */
static uint64_t compare(unsigned op_kind, bool is_double, uint64_t a, uint64_t b, uint32_t *fl)
{
	bool a_nan = is_double ? f64_is_nan(a) : f32_is_nan((uint32_t)a);
	bool b_nan = is_double ? f64_is_nan(b) : f32_is_nan((uint32_t)b);
	if (a_nan || b_nan) {
		bool snan = is_double ? (f64_is_snan(a) || f64_is_snan(b))
		                      : (f32_is_snan((uint32_t)a) || f32_is_snan((uint32_t)b));
		if (op_kind != 0 || snan)
			*fl |= RV_FFLAG_NV;
		return 0;
	}
	long double x = is_double ? f64_from(a) : f32_from((uint32_t)a);
	long double y = is_double ? f64_from(b) : f32_from((uint32_t)b);
	switch (op_kind) {
	case 0: return x == y;
	case 1: return x < y;
	default: return x <= y;
	}
}

static uint64_t classify(bool is_double, uint64_t v)
{
	bool neg;
	unsigned exp_all, exp;
	uint64_t mant, quiet_bit;
	if (is_double) {
		neg = v >> 63;
		exp = (v >> 52) & 0x7ff;
		exp_all = 0x7ff;
		mant = v & 0x000fffffffffffffull;
		quiet_bit = 0x0008000000000000ull;
	} else {
		neg = (v >> 31) & 1;
		exp = (v >> 23) & 0xff;
		exp_all = 0xff;
		mant = v & 0x007fffffu;
		quiet_bit = 0x00400000u;
	}
	if (exp == exp_all) {
		if (mant == 0)
			return neg ? 1u << 0 : 1u << 7;
		return (mant & quiet_bit) ? 1u << 9 : 1u << 8;
	}
	if (exp == 0) {
		if (mant == 0)
			return neg ? 1u << 3 : 1u << 4;
		return neg ? 1u << 2 : 1u << 5;
	}
	return neg ? 1u << 1 : 1u << 6;
}

static uint64_t sign_inject(bool is_double, unsigned variant, uint64_t a, uint64_t b)
{
	uint64_t sign = is_double ? F64_SIGN : F32_SIGN;
	uint64_t s;
	switch (variant) {
	case 0: s = b & sign; break;        /* fsgnj */
	case 1: s = ~b & sign; break;       /* fsgnjn */
	default: s = (a ^ b) & sign; break; /* fsgnjx */
	}
	return (a & ~sign) | s;
}

static enum kind arith_kind(unsigned op)
{
	switch (op) {
	case RV_OP_FADD_S:
	case RV_OP_FADD_D: return K_ADD;
	case RV_OP_FSUB_S:
	case RV_OP_FSUB_D: return K_SUB;
	case RV_OP_FMUL_S:
	case RV_OP_FMUL_D: return K_MUL;
	case RV_OP_FDIV_S:
	case RV_OP_FDIV_D: return K_DIV;
	case RV_OP_FSQRT_S:
	case RV_OP_FSQRT_D: return K_SQRT;
	case RV_OP_FMADD_S:
	case RV_OP_FMADD_D: return K_MADD;
	case RV_OP_FMSUB_S:
	case RV_OP_FMSUB_D: return K_MSUB;
	case RV_OP_FNMSUB_S:
	case RV_OP_FNMSUB_D: return K_NMSUB;
	default: return K_NMADD;
	}
}

enum rv_exit rv_exec_fp(struct rv_cpu *cpu, const struct rv_insn *in)
{
	uint32_t fl = 0;
	int rm = 0;
	if (rv_op_flags(in->op) & RV_OPF_RM) {
		rm = resolve_rm(cpu, in);
		if (rm < 0)
			return RV_EXIT_ILLEGAL;
	}
	const uint64_t xs1 = cpu->x[in->rs1];
	uint64_t out;

	switch (in->op) {
	case RV_OP_FADD_S:
	case RV_OP_FSUB_S:
	case RV_OP_FMUL_S:
	case RV_OP_FDIV_S:
	case RV_OP_FSQRT_S:
	case RV_OP_FMADD_S:
	case RV_OP_FMSUB_S:
	case RV_OP_FNMSUB_S:
	case RV_OP_FNMADD_S:
		fl = arith(arith_kind(in->op), false, rm, get_s(cpu, in->rs1), get_s(cpu, in->rs2),
		           get_s(cpu, in->rs3), &out);
		set_s(cpu, in->rd, (uint32_t)out);
		break;
	case RV_OP_FADD_D:
	case RV_OP_FSUB_D:
	case RV_OP_FMUL_D:
	case RV_OP_FDIV_D:
	case RV_OP_FSQRT_D:
	case RV_OP_FMADD_D:
	case RV_OP_FMSUB_D:
	case RV_OP_FNMSUB_D:
	case RV_OP_FNMADD_D:
		fl = arith(arith_kind(in->op), true, rm, cpu->f[in->rs1], cpu->f[in->rs2], cpu->f[in->rs3],
		           &out);
		set_d(cpu, in->rd, out);
		break;

	case RV_OP_FSGNJ_S:
	case RV_OP_FSGNJN_S:
	case RV_OP_FSGNJX_S:
		cpu->f[in->rd] = rv_box_f32((uint32_t)sign_inject(false, in->op - RV_OP_FSGNJ_S,
		                                                  get_s(cpu, in->rs1), get_s(cpu, in->rs2)));
		break;
	case RV_OP_FSGNJ_D:
	case RV_OP_FSGNJN_D:
	case RV_OP_FSGNJX_D:
		cpu->f[in->rd] = sign_inject(true, in->op - RV_OP_FSGNJ_D, cpu->f[in->rs1], cpu->f[in->rs2]);
		break;
	case RV_OP_FMIN_S:
	case RV_OP_FMAX_S:
		cpu->f[in->rd] = rv_box_f32((uint32_t)min_max(false, in->op == RV_OP_FMAX_S,
		                                              get_s(cpu, in->rs1), get_s(cpu, in->rs2), &fl));
		break;
	case RV_OP_FMIN_D:
	case RV_OP_FMAX_D:
		cpu->f[in->rd] = min_max(true, in->op == RV_OP_FMAX_D, cpu->f[in->rs1], cpu->f[in->rs2], &fl);
		break;

	case RV_OP_FEQ_S:
		rv_set_x(cpu, in->rd, compare(0, false, get_s(cpu, in->rs1), get_s(cpu, in->rs2), &fl));
		break;
	case RV_OP_FLT_S:
		rv_set_x(cpu, in->rd, compare(1, false, get_s(cpu, in->rs1), get_s(cpu, in->rs2), &fl));
		break;
	case RV_OP_FLE_S:
		rv_set_x(cpu, in->rd, compare(2, false, get_s(cpu, in->rs1), get_s(cpu, in->rs2), &fl));
		break;
	case RV_OP_FEQ_D:
		rv_set_x(cpu, in->rd, compare(0, true, cpu->f[in->rs1], cpu->f[in->rs2], &fl));
		break;
	case RV_OP_FLT_D:
		rv_set_x(cpu, in->rd, compare(1, true, cpu->f[in->rs1], cpu->f[in->rs2], &fl));
		break;
	case RV_OP_FLE_D:
		rv_set_x(cpu, in->rd, compare(2, true, cpu->f[in->rs1], cpu->f[in->rs2], &fl));
		break;
	case RV_OP_FCLASS_S: rv_set_x(cpu, in->rd, classify(false, get_s(cpu, in->rs1))); break;
	case RV_OP_FCLASS_D: rv_set_x(cpu, in->rd, classify(true, cpu->f[in->rs1])); break;

	case RV_OP_FMV_X_W:
		rv_set_x(cpu, in->rd, (uint64_t)(int64_t)(int32_t)(uint32_t)cpu->f[in->rs1]);
		break;
	case RV_OP_FMV_W_X: cpu->f[in->rd] = rv_box_f32((uint32_t)xs1); break;
	case RV_OP_FMV_X_D: rv_set_x(cpu, in->rd, cpu->f[in->rs1]); break;
	case RV_OP_FMV_D_X: cpu->f[in->rd] = xs1; break;

	case RV_OP_FCVT_W_S:
	case RV_OP_FCVT_WU_S:
	case RV_OP_FCVT_L_S:
	case RV_OP_FCVT_LU_S: {
		unsigned k = in->op - RV_OP_FCVT_W_S;
		if (in->op >= RV_OP_FCVT_L_S)
			k = 2 + (in->op - RV_OP_FCVT_L_S);
		long double x = f32_from(get_s(cpu, in->rs1));
		if (f32_is_nan(get_s(cpu, in->rs1)))
			x = NAN;
		rv_set_x(cpu, in->rd, to_int(x, rm, !(k & 1), k < 2 ? 32 : 64, &fl));
		break;
	}
	case RV_OP_FCVT_W_D:
	case RV_OP_FCVT_WU_D:
	case RV_OP_FCVT_L_D:
	case RV_OP_FCVT_LU_D: {
		unsigned k = in->op - RV_OP_FCVT_W_D;
		if (in->op >= RV_OP_FCVT_L_D)
			k = 2 + (in->op - RV_OP_FCVT_L_D);
		long double x = f64_from(cpu->f[in->rs1]);
		rv_set_x(cpu, in->rd, to_int(x, rm, !(k & 1), k < 2 ? 32 : 64, &fl));
		break;
	}
	case RV_OP_FCVT_S_W: set_s(cpu, in->rd, (uint32_t)convert(CV_S_W, rm, xs1, &fl)); break;
	case RV_OP_FCVT_S_WU: set_s(cpu, in->rd, (uint32_t)convert(CV_S_WU, rm, xs1, &fl)); break;
	case RV_OP_FCVT_S_L: set_s(cpu, in->rd, (uint32_t)convert(CV_S_L, rm, xs1, &fl)); break;
	case RV_OP_FCVT_S_LU: set_s(cpu, in->rd, (uint32_t)convert(CV_S_LU, rm, xs1, &fl)); break;
	case RV_OP_FCVT_D_W: set_d(cpu, in->rd, convert(CV_D_W, RV_RM_RNE, xs1, &fl)); break;
	case RV_OP_FCVT_D_WU: set_d(cpu, in->rd, convert(CV_D_WU, RV_RM_RNE, xs1, &fl)); break;
	case RV_OP_FCVT_D_L: set_d(cpu, in->rd, convert(CV_D_L, rm, xs1, &fl)); break;
	case RV_OP_FCVT_D_LU: set_d(cpu, in->rd, convert(CV_D_LU, rm, xs1, &fl)); break;
	case RV_OP_FCVT_S_D: set_s(cpu, in->rd, (uint32_t)convert(CV_S_D, rm, cpu->f[in->rs1], &fl)); break;
	case RV_OP_FCVT_D_S: set_d(cpu, in->rd, convert(CV_D_S, RV_RM_RNE, get_s(cpu, in->rs1), &fl)); break;
	default: return RV_EXIT_ILLEGAL;
	}
	cpu->fflags |= fl;
	return RV_EXIT_NONE;
}
