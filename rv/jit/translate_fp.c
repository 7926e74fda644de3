/* F/D instructions translated inline with SSE, where x86 gives RISC-V's bits and flags:
 * - add/sub/mul/div/sqrt, fused multiply-add (FMA3), int->fp and fp<->fp conversions in
 *   round-to-nearest (static rm, or dynamic rm with a run-time check that frm is RNE), with MXCSR's
 *   sticky flags folded into fflags later (see helper.c); NaN results are replaced by the canonical NaN;
 * - fp->int conversions with rm = RTZ (C casts), with x86's "integer indefinite" result sent to the
 *   interpreter, which gives RISC-V's saturated value (the x86 invalid flag matches RISC-V's NV);
 * - compares (ucomis = quiet for feq, comis = signalling for flt/fle), sign injection and moves.
 * Single-precision sources that are not properly NaN-boxed (and every other case) go to the
 * interpreter helper, in a cold stub, so the fast path stays straight-line. */
#include "rv/jit/tctx.h"

#define F64_SIGN  0x8000000000000000ull
#define NANBOX_HI 0xffffffff00000000ull

/* Cold helper stubs created for the instruction being translated; they resume after it. */
struct fp_ctx {
	struct jit_tctx *t;
	const struct rv_insn *in;
	unsigned n;
	struct jit_cold *cold[6];
	bool nan_to_helper; /* a NaN result is recomputed by the helper instead of canonicalised */
};

static void to_helper_if(struct fp_ctx *f, enum x86_cc cc)
{
	struct x86_buf *b = &f->t->buf;
	struct jit_cold *c = jit_add_cold(f->t, COLD_HELPER, x86_jcc32(b, cc, x86_here(b)));
	c->insn = *f->in;
	if (f->n < sizeof(f->cold) / sizeof(f->cold[0]))
		f->cold[f->n++] = c;
	else
		b->overflow = true;
}

static void finish(struct fp_ctx *f)
{
	uintptr_t here = x86_here(&f->t->buf);
	for (unsigned i = 0; i < f->n; i++)
		f->cold[i]->resume = here;
}

static struct x86_mem freg(unsigned r)
{
	return x86_mem_bd(JIT_REG_CPU, JIT_F_OFF(r));
}

/* Inline rounding is round-to-nearest only: static RNE, or dynamic with frm checked at run time. */
static bool rm_is_rne(struct fp_ctx *f)
{
	if (f->in->rm == RV_RM_RNE || (f->in->rm == RV_RM_DYN && f->t->frm_checked))
		return true;
	if (f->in->rm != RV_RM_DYN)
		return false;
	x86_alu_mi(&f->t->buf, X86_CMP, false, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(frm)), RV_RM_RNE);
	to_helper_if(f, X86_CC_NE);
	return true;
}

/* The xmm register holding FP register r: its cache register, or tmp loaded from *cpu. Single
 * precision: NaN-boxing is checked (an unboxed value goes to the helper). */
static int load_src(struct fp_ctx *f, bool dbl, int tmp, unsigned r)
{
	struct x86_buf *b = &f->t->buf;
	int x = jit_fp_xmm(f->t, r);
	if (!dbl) {
		if (x >= 0) {
			x86_movq_rx(b, true, X86_RAX, x);
			x86_shift_ri(b, X86_SHR, true, X86_RAX, 32);
			x86_alu_ri(b, X86_CMP, false, X86_RAX, -1);
		} else {
			x86_alu_mi(b, X86_CMP, false, x86_mem_bd(JIT_REG_CPU, JIT_F_OFF(r) + 4), -1);
		}
		to_helper_if(f, X86_CC_NE);
	}
	if (x >= 0)
		return x;
	x86_sse_load(b, dbl, tmp, freg(r));
	return tmp;
}

/* FP register r's value in xmm dst (a copy: dst may be modified). */
static void load_copy(struct fp_ctx *f, bool dbl, int dst, unsigned r)
{
	int x = load_src(f, dbl, dst, r);
	if (x != dst)
		x86_movaps(&f->t->buf, dst, x);
}

/* Stores xmm0 to FP register rd: NaN -> canonical NaN (cold), single precision NaN-boxed. */
static void store_result(struct fp_ctx *f, bool dbl, unsigned rd, bool may_be_nan)
{
	struct x86_buf *b = &f->t->buf;
	struct jit_cold *nan = NULL;
	if (may_be_nan && f->nan_to_helper) {
		/* the interpreter recomputes the instruction (result and flags) */
		x86_ucomi(b, dbl, 0, 0);
		to_helper_if(f, X86_CC_P);
	} else if (may_be_nan) {
		x86_ucomi(b, dbl, 0, 0);
		nan = jit_add_cold(f->t, COLD_FP_NAN, x86_jcc32(b, X86_CC_P, x86_here(b)));
		nan->rd = (uint8_t)rd;
		nan->dbl = dbl;
	}
	int x = jit_fp_xmm(f->t, rd);
	if (dbl && x >= 0) {
		x86_movaps(b, x, 0);
	} else if (dbl) {
		x86_sse_store(b, true, freg(rd), 0);
	} else {
		x86_movq_rx(b, false, X86_RAX, 0);
		x86_mov_ri(b, X86_RCX, NANBOX_HI);
		x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RCX);
		jit_fp_set_bits(f->t, rd, X86_RAX);
	}
	if (nan)
		nan->resume = x86_here(b);
}

static bool arith(struct fp_ctx *f, enum x86_sse_op op, bool dbl)
{
	const struct rv_insn *in = f->in;
	if (!rm_is_rne(f))
		return false;
	if (op == X86_SSE_SQRT) {
		int a = load_src(f, dbl, 0, in->rs1);
		x86_sse_arith(&f->t->buf, op, dbl, 0, a);
	} else {
		load_copy(f, dbl, 0, in->rs1);
		int c = load_src(f, dbl, 1, in->rs2);
		x86_sse_arith(&f->t->buf, op, dbl, 0, c);
	}
	store_result(f, dbl, in->rd, true);
	return true;
}

static bool host_has_fma(void)
{
	static int known = -1;
	if (known < 0) {
		__builtin_cpu_init();
		known = __builtin_cpu_supports("fma") ? 1 : 0;
	}
	return known == 1;
}

/* fmadd: rs1*rs2+rs3, fmsub: rs1*rs2-rs3, fnmsub: -(rs1*rs2)+rs3, fnmadd: -(rs1*rs2)-rs3 map to
 * vfmadd231, vfmsub231, vfnmadd231, vfnmsub231 (xmm0 = xmm1*xmm2 +- xmm0). */
static bool fused(struct fp_ctx *f, unsigned kind, bool dbl)
{
	const struct rv_insn *in = f->in;
	if (!host_has_fma() || !rm_is_rne(f))
		return false;
	/* x86 does not raise invalid for inf * 0 + qNaN, RISC-V does: NaN results go to the helper */
	f->nan_to_helper = true;
	load_copy(f, dbl, 0, in->rs3);
	int m1 = load_src(f, dbl, 1, in->rs1);
	int m2 = load_src(f, dbl, 2, in->rs2);
	x86_vfma231(&f->t->buf, dbl, kind, 0, m1, m2);
	store_result(f, dbl, in->rd, true);
	return true;
}

static bool sign_inject(struct fp_ctx *f, bool dbl)
{
	struct x86_buf *b = &f->t->buf;
	const struct rv_insn *in = f->in;
	if (!dbl)
		return false;
	unsigned mode = in->op == RV_OP_FSGNJ_D ? 0 : in->op == RV_OP_FSGNJN_D ? 1 : 2;
	jit_fp_get_bits(f->t, X86_RAX, in->rs1);
	x86_mov_ri(b, X86_RDX, F64_SIGN);
	if (in->rs1 == in->rs2) {
		/* fmv.d, fneg.d, fabs.d */
		if (mode == 1)
			x86_alu_rr(b, X86_XOR, true, X86_RAX, X86_RDX);
		else if (mode == 2) {
			x86_unary(b, X86_NOT, true, X86_RDX);
			x86_alu_rr(b, X86_AND, true, X86_RAX, X86_RDX);
		}
	} else {
		jit_fp_get_bits(f->t, X86_RCX, in->rs2);
		if (mode == 1)
			x86_unary(b, X86_NOT, true, X86_RCX);
		x86_alu_rr(b, X86_AND, true, X86_RCX, X86_RDX); /* sign of rs2 (inverted for fsgnjn) */
		if (mode == 2) {
			x86_alu_rr(b, X86_XOR, true, X86_RAX, X86_RCX);
		} else {
			x86_unary(b, X86_NOT, true, X86_RDX);
			x86_alu_rr(b, X86_AND, true, X86_RAX, X86_RDX);
			x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RCX);
		}
	}
	jit_fp_set_bits(f->t, in->rd, X86_RAX);
	return true;
}

static bool compare(struct fp_ctx *f, bool dbl)
{
	struct x86_buf *b = &f->t->buf;
	const struct rv_insn *in = f->in;
	unsigned op = in->op;
	int xa = load_src(f, dbl, 0, in->rs1);
	int xb = load_src(f, dbl, 1, in->rs2);
	x86_alu_rr(b, X86_XOR, false, X86_RCX, X86_RCX);
	if (op == RV_OP_FEQ_D || op == RV_OP_FEQ_S) {
		/* equal and ordered: ZF=1 and PF=0 (quiet compare: NV only for signalling NaNs) */
		x86_alu_rr(b, X86_XOR, false, X86_RAX, X86_RAX);
		x86_ucomi(b, dbl, xa, xb);
		x86_setcc(b, X86_CC_E, X86_RCX);
		x86_setcc(b, X86_CC_NP, X86_RAX);
		x86_alu_rr(b, X86_AND, false, X86_RCX, X86_RAX);
	} else {
		/* a < b  <=>  b > a ("above": CF=0, ZF=0; unordered sets both), signalling compare */
		x86_comi(b, dbl, xb, xa);
		x86_setcc(b, op == RV_OP_FLT_D || op == RV_OP_FLT_S ? X86_CC_A : X86_CC_AE, X86_RCX);
	}
	jit_store_gpr(f->t, in->rd, X86_RCX);
	return true;
}

/* int -> fp: cvtsi2sd/ss from a 32- or 64-bit signed integer register. */
static bool from_int(struct fp_ctx *f, bool dbl, bool w64)
{
	struct x86_buf *b = &f->t->buf;
	const struct rv_insn *in = f->in;
	bool exact = dbl && !w64; /* every int32 is a double */
	if (!exact && !rm_is_rne(f))
		return false;
	struct jit_opnd src = jit_gpr(f->t, in->rs1);
	enum x86_gpr r = src.kind == OPND_REG ? src.reg : X86_RAX;
	jit_load_opnd(f->t, r, src);
	x86_cvtsi2f(b, dbl, w64, 0, r);
	store_result(f, dbl, in->rd, false);
	return true;
}

/* fp -> int with rm = RTZ: cvtt; x86's out-of-range/NaN result (INT_MIN) goes to the helper. */
static bool to_int(struct fp_ctx *f, bool dbl, bool w64)
{
	struct x86_buf *b = &f->t->buf;
	const struct rv_insn *in = f->in;
	if (in->rm != RV_RM_RTZ)
		return false;
	int x = load_src(f, dbl, 0, in->rs1);
	x86_cvtf2si(b, dbl, w64, true, X86_RAX, x);
	x86_alu_ri(b, X86_CMP, w64, X86_RAX, 1); /* overflows only for INT_MIN, x86's "indefinite" */
	to_helper_if(f, X86_CC_O);
	if (!w64)
		x86_movsx_rr(b, 4, X86_RAX, X86_RAX);
	jit_store_gpr(f->t, in->rd, X86_RAX);
	return true;
}

static bool convert_fp(struct fp_ctx *f, bool to_dbl)
{
	const struct rv_insn *in = f->in;
	if (!to_dbl && !rm_is_rne(f))
		return false;
	int x = load_src(f, !to_dbl, 0, in->rs1);
	x86_cvtf2f(&f->t->buf, !to_dbl, 0, x);
	store_result(f, to_dbl, in->rd, true);
	return true;
}

static bool moves(struct fp_ctx *f)
{
	struct x86_buf *b = &f->t->buf;
	const struct rv_insn *in = f->in;
	switch (in->op) {
	case RV_OP_FMV_X_D:
		jit_fp_get_bits(f->t, X86_RAX, in->rs1);
		jit_store_gpr(f->t, in->rd, X86_RAX);
		return true;
	case RV_OP_FMV_X_W:
		jit_fp_get_bits(f->t, X86_RAX, in->rs1);
		x86_movsx_rr(b, 4, X86_RAX, X86_RAX);
		jit_store_gpr(f->t, in->rd, X86_RAX);
		return true;
	case RV_OP_FMV_D_X:
		jit_load_opnd(f->t, X86_RAX, jit_gpr(f->t, in->rs1));
		jit_fp_set_bits(f->t, in->rd, X86_RAX);
		return true;
	case RV_OP_FMV_W_X:
		jit_load_opnd(f->t, X86_RAX, jit_gpr(f->t, in->rs1));
		x86_mov_rr(b, false, X86_RAX, X86_RAX);
		x86_mov_ri(b, X86_RCX, NANBOX_HI);
		x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RCX);
		jit_fp_set_bits(f->t, in->rd, X86_RAX);
		return true;
	default: return false;
	}
}

static bool dispatch(struct fp_ctx *f)
{
	switch (f->in->op) {
	case RV_OP_FADD_D: return arith(f, X86_SSE_ADD, true);
	case RV_OP_FSUB_D: return arith(f, X86_SSE_SUB, true);
	case RV_OP_FMUL_D: return arith(f, X86_SSE_MUL, true);
	case RV_OP_FDIV_D: return arith(f, X86_SSE_DIV, true);
	case RV_OP_FSQRT_D: return arith(f, X86_SSE_SQRT, true);
	case RV_OP_FADD_S: return arith(f, X86_SSE_ADD, false);
	case RV_OP_FSUB_S: return arith(f, X86_SSE_SUB, false);
	case RV_OP_FMUL_S: return arith(f, X86_SSE_MUL, false);
	case RV_OP_FDIV_S: return arith(f, X86_SSE_DIV, false);
	case RV_OP_FSQRT_S: return arith(f, X86_SSE_SQRT, false);
	case RV_OP_FMADD_D: return fused(f, 0, true);
	case RV_OP_FMSUB_D: return fused(f, 1, true);
	case RV_OP_FNMSUB_D: return fused(f, 2, true);
	case RV_OP_FNMADD_D: return fused(f, 3, true);
	case RV_OP_FMADD_S: return fused(f, 0, false);
	case RV_OP_FMSUB_S: return fused(f, 1, false);
	case RV_OP_FNMSUB_S: return fused(f, 2, false);
	case RV_OP_FNMADD_S: return fused(f, 3, false);
	case RV_OP_FSGNJ_D:
	case RV_OP_FSGNJN_D:
	case RV_OP_FSGNJX_D: return sign_inject(f, true);
	case RV_OP_FEQ_D:
	case RV_OP_FLT_D:
	case RV_OP_FLE_D: return compare(f, true);
	case RV_OP_FEQ_S:
	case RV_OP_FLT_S:
	case RV_OP_FLE_S: return compare(f, false);
	case RV_OP_FCVT_D_W: return from_int(f, true, false);
	case RV_OP_FCVT_D_L: return from_int(f, true, true);
	case RV_OP_FCVT_S_W: return from_int(f, false, false);
	case RV_OP_FCVT_S_L: return from_int(f, false, true);
	case RV_OP_FCVT_W_D: return to_int(f, true, false);
	case RV_OP_FCVT_L_D: return to_int(f, true, true);
	case RV_OP_FCVT_W_S: return to_int(f, false, false);
	case RV_OP_FCVT_L_S: return to_int(f, false, true);
	case RV_OP_FCVT_D_S: return convert_fp(f, true);
	case RV_OP_FCVT_S_D: return convert_fp(f, false);
	default: return moves(f);
	}
}

/* MXCSR exception flags (bits 5:0: IE DE ZE OE UE PE) -> RISC-V fflags (NV DZ OF UF NX); DE has no
 * RISC-V counterpart. */
static const uint8_t mxcsr_to_fflags[64] = {
#define FF(m)                                                                       \
	(uint8_t)((((m)&0x01) ? RV_FFLAG_NV : 0) | (((m)&0x04) ? RV_FFLAG_DZ : 0) | \
	          (((m)&0x08) ? RV_FFLAG_OF : 0) | (((m)&0x10) ? RV_FFLAG_UF : 0) | \
	          (((m)&0x20) ? RV_FFLAG_NX : 0))
#define FF4(m)  FF(m), FF((m) + 1), FF((m) + 2), FF((m) + 3)
#define FF16(m) FF4(m), FF4((m) + 4), FF4((m) + 8), FF4((m) + 12)
    FF16(0),
    FF16(16),
    FF16(32),
    FF16(48),
#undef FF16
#undef FF4
#undef FF
};

/* rax = the current fflags: *cpu's accrued flags plus those SSE raised since they were last folded. */
static void emit_read_fflags(struct jit_tctx *t)
{
	struct x86_buf *b = &t->buf;
	struct x86_mem scratch = x86_mem_bd(X86_RSP, 0); /* the padding slot of the translated-code frame */
	x86_stmxcsr(b, scratch);
	x86_load(b, 4, false, X86_RAX, scratch);
	x86_alu_ri(b, X86_AND, false, X86_RAX, 0x3f);
	x86_mov_ri(b, X86_RDX, (uint64_t)(uintptr_t)mxcsr_to_fflags);
	x86_load(b, 1, false, X86_RAX, x86_mem_bis(X86_RDX, X86_RAX, 1, 0));
	x86_alu_rm(b, X86_OR, false, X86_RAX, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(fflags)));
}

/* frflags (csrrs rd, fflags, x0) and fsflags (csrrw rd, fflags, rs): gcc brackets every quiet FP
 * comparison with them, so they are translated inline instead of calling the interpreter. */
bool jit_translate_csr(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	if (in->csr != RV_CSR_FFLAGS)
		return false;
	if (in->op == RV_OP_CSRRS && in->rs1 == 0) {
		emit_read_fflags(t);
		jit_store_gpr(t, in->rd, X86_RAX);
		return true;
	}
	if (in->op != RV_OP_CSRRW)
		return false;
	jit_load_opnd(t, X86_RCX, jit_gpr(t, in->rs1)); /* first: rd may be rs1 */
	x86_alu_ri(b, X86_AND, false, X86_RCX, RV_FFLAGS_MASK);
	if (in->rd != 0)
		emit_read_fflags(t);
	x86_store(b, 4, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(fflags)), X86_RCX);
	/* the SSE flags are now accounted for: clear them */
	struct x86_mem scratch = x86_mem_bd(X86_RSP, 0);
	x86_stmxcsr(b, scratch);
	x86_alu_mi(b, X86_AND, false, scratch, ~0x3f);
	x86_ldmxcsr(b, scratch);
	jit_store_gpr(t, in->rd, X86_RAX);
	return true;
}

bool jit_translate_fp(struct jit_tctx *t, const struct rv_insn *in)
{
	struct fp_ctx f = {.t = t, .in = in, .n = 0};
	uint8_t *start = t->buf.p;
	unsigned n_cold = t->n_cold;
	if (!dispatch(&f)) {
		/* nothing usable was emitted: drop a partial attempt (e.g. an frm check) */
		t->buf.p = start;
		t->n_cold = n_cold;
		return false;
	}
	finish(&f);
	return true;
}
