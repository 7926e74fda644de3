/* Zba, Zbb, Zbs and Zicond as x86-64, inline: RVA22 compilers emit them in hot loops (sh*add for array
 * indexing, zext.w, min/max, rotations, bit tests, czero for branchless selects), so none of them may cost
 * a helper call.
 *
 * Most map to one x86 instruction: sh*add -> lea with a scaled index, rev8 -> bswap, sext/zext ->
 * movsx/movzx, min/max -> cmp + cmov, bclr/bset/binv -> btr/bts/btc, czero -> cmov, rol/ror -> rol/ror.
 * Where x86-64's baseline has no equivalent, the host's extensions are used when it has them (host_isa.h):
 * BMI1 andn and tzcnt, BMI2 rorx, LZCNT, POPCNT; otherwise baseline sequences give the same results
 * (bsr/bsf + cmov for the zero case, a SWAR population count, not + and). orc.b uses SSE2's pcmpeqb,
 * which every x86-64 has. Scratch: rax, rcx, rdx, r11 and xmm0/xmm1 (see jit_internal.h). */
#include "rv/jit/translate_bitmanip.h"

#include "rv/jit/host_isa.h"

/* dst = the low 32 bits of o, zero-extended (a 32-bit mov clears the upper half). */
static void load_zext32(struct jit_tctx *t, enum x86_gpr dst, struct jit_opnd o)
{
	switch (o.kind) {
	case OPND_REG: x86_mov_rr(&t->buf, false, dst, o.reg); break;
	case OPND_MEM: x86_load(&t->buf, 4, false, dst, o.mem); break;
	case OPND_IMM: x86_mov_ri(&t->buf, dst, (uint32_t)o.imm); break;
	}
}

/* dst = the low 32 bits of o, sign-extended. */
static void load_sext32(struct jit_tctx *t, enum x86_gpr dst, struct jit_opnd o)
{
	switch (o.kind) {
	case OPND_REG: x86_movsx_rr(&t->buf, 4, dst, o.reg); break;
	case OPND_MEM: x86_load(&t->buf, 4, true, dst, o.mem); break;
	case OPND_IMM: x86_mov_ri(&t->buf, dst, (uint64_t)(int64_t)(int32_t)o.imm); break;
	}
}

/* ---- Zba ---- */

/* rd = rs2 + (rs1 << shift), rs1 zero-extended from 32 bits for the .uw forms (add.uw: shift 0): one
 * lea. With rs2 = x0 (add.uw is then zext.w) a move and a shift. */
static void shift_add(struct jit_tctx *t, const struct rv_insn *in, unsigned shift, bool uw)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (c.kind == OPND_IMM) {
		if (uw)
			load_zext32(t, d, a);
		else
			jit_load_opnd(t, d, a);
		if (shift)
			x86_shift_ri(b, X86_SHL, true, d, (uint8_t)shift);
		jit_store_gpr(t, in->rd, d);
		return;
	}
	enum x86_gpr ra = JIT_TMP1;
	if (uw)
		load_zext32(t, ra, a);
	else
		ra = jit_opnd_in_reg(t, a, JIT_TMP1);
	enum x86_gpr rc = jit_opnd_in_reg(t, c, JIT_TMP2);
	x86_lea(b, true, d, x86_mem_bis(rc, ra, 1u << shift, 0));
	jit_store_gpr(t, in->rd, d);
}

static void shift_left_uw(struct jit_tctx *t, const struct rv_insn *in)
{
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	load_zext32(t, d, jit_gpr(t, in->rs1));
	unsigned shift = (unsigned)in->imm & 63;
	if (shift)
		x86_shift_ri(&t->buf, X86_SHL, true, d, (uint8_t)shift);
	jit_store_gpr(t, in->rd, d);
}

/* ---- Zbb: logic with negation ---- */

/* andn: rs1 & ~rs2 (BMI1: one andn), orn: rs1 | ~rs2. */
static void logic_not(struct jit_tctx *t, const struct rv_insn *in, enum x86_alu op)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (op == X86_AND && jit_host_isa()->bmi1) {
		enum x86_gpr rc = jit_opnd_in_reg(t, c, JIT_TMP1);
		enum x86_gpr ra = jit_opnd_in_reg(t, a, JIT_TMP0);
		x86_andn(b, true, d, rc, ra);
	} else {
		if (jit_opnd_is_reg(a, d)) /* ~rs2 is built first: not in rs1's register */
			d = JIT_TMP0;
		jit_load_opnd(t, d, c);
		x86_unary(b, X86_NOT, true, d);
		jit_alu_opnd(t, op, true, d, a);
	}
	jit_store_gpr(t, in->rd, d);
}

static void xnor(struct jit_tctx *t, const struct rv_insn *in)
{
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (jit_opnd_is_reg(c, d) && !jit_opnd_is_reg(a, d)) { /* commutative: compute in place */
		struct jit_opnd tmp = a;
		a = c;
		c = tmp;
	}
	jit_load_opnd(t, d, a);
	jit_alu_opnd(t, X86_XOR, true, d, c);
	x86_unary(&t->buf, X86_NOT, true, d);
	jit_store_gpr(t, in->rd, d);
}

/* ---- Zbb: counts ---- */

/* A population count without POPCNT: bits summed in pairs, nibbles, bytes, then the bytes by one
 * multiplication (the sum lands in the top byte). rax = count of rax; rcx, rdx clobbered. */
static void popcount_baseline(struct x86_buf *b)
{
	x86_mov_rr(b, true, X86_RCX, X86_RAX); /* x - ((x >> 1) & 0x55...) */
	x86_shift_ri(b, X86_SHR, true, X86_RCX, 1);
	x86_mov_ri(b, X86_RDX, 0x5555555555555555ull);
	x86_alu_rr(b, X86_AND, true, X86_RCX, X86_RDX);
	x86_alu_rr(b, X86_SUB, true, X86_RAX, X86_RCX);
	x86_mov_ri(b, X86_RDX, 0x3333333333333333ull); /* (x & 0x33...) + ((x >> 2) & 0x33...) */
	x86_mov_rr(b, true, X86_RCX, X86_RAX);
	x86_shift_ri(b, X86_SHR, true, X86_RCX, 2);
	x86_alu_rr(b, X86_AND, true, X86_RAX, X86_RDX);
	x86_alu_rr(b, X86_AND, true, X86_RCX, X86_RDX);
	x86_alu_rr(b, X86_ADD, true, X86_RAX, X86_RCX);
	x86_mov_rr(b, true, X86_RCX, X86_RAX); /* (x + (x >> 4)) & 0x0f... */
	x86_shift_ri(b, X86_SHR, true, X86_RCX, 4);
	x86_alu_rr(b, X86_ADD, true, X86_RAX, X86_RCX);
	x86_mov_ri(b, X86_RDX, 0x0f0f0f0f0f0f0f0full);
	x86_alu_rr(b, X86_AND, true, X86_RAX, X86_RDX);
	x86_mov_ri(b, X86_RDX, 0x0101010101010101ull);
	x86_imul_rr(b, true, X86_RAX, X86_RDX);
	x86_shift_ri(b, X86_SHR, true, X86_RAX, 56);
}

/* clz/ctz/cpop (w64) and clzw/ctzw/cpopw: lzcnt/tzcnt/popcnt, whose 32-bit forms count in the low word
 * and zero-extend, as the *w ops do. */
static void count_bits(struct jit_tctx *t, const struct rv_insn *in, enum x86_bitcount op, bool w64)
{
	struct x86_buf *b = &t->buf;
	const struct jit_host_isa *isa = jit_host_isa();
	unsigned width = w64 ? 64 : 32;
	struct jit_opnd a = jit_gpr(t, in->rs1);
	if (a.kind == OPND_IMM) { /* x0: no bit set */
		jit_store_gpr_imm(t, in->rd, op == X86_POPCNT ? 0 : width);
		return;
	}
	bool native = op == X86_POPCNT ? isa->popcnt : op == X86_LZCNT ? isa->lzcnt : isa->bmi1;
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (native) {
		enum x86_gpr ra = jit_opnd_in_reg(t, a, d);
		if (ra != d) /* several CPUs wait for the old destination of these: cut that dependency */
			x86_alu_rr(b, X86_XOR, false, d, d);
		x86_bitcount(b, op, w64, d, ra);
		jit_store_gpr(t, in->rd, d);
		return;
	}
	if (op == X86_POPCNT) {
		if (w64)
			jit_load_opnd(t, X86_RAX, a);
		else
			load_zext32(t, X86_RAX, a);
		popcount_baseline(b);
		jit_store_gpr(t, in->rd, X86_RAX);
		return;
	}
	/* bsr/bsf give the bit's index and ZF for a zero source (index undefined): a cmov puts the value in
	 * that the last step turns into the width. clz = (width - 1) - index = index ^ (width - 1) and
	 * (2 * width - 1) ^ (width - 1) = width; ctz = index, or width. mov imm keeps the flags. */
	bool leading = op == X86_LZCNT;
	x86_bitscan(b, leading, w64, X86_RAX, jit_opnd_in_reg(t, a, X86_RAX));
	x86_mov_ri(b, X86_RCX, leading ? 2 * width - 1 : width);
	x86_cmov(b, X86_CC_E, w64, X86_RAX, X86_RCX);
	if (leading)
		x86_alu_ri(b, X86_XOR, w64, X86_RAX, (int32_t)(width - 1));
	jit_store_gpr(t, in->rd, X86_RAX);
}

/* ---- Zbb: min/max, extensions, rotations, byte ops ---- */

/* rd = rs1, replaced by rs2 when `rs1 cc rs2` (max: rs1 < rs2 signed, maxu: below, min: greater, minu:
 * above). Commutative, so computed in place when rd is either source. */
static void min_max(struct jit_tctx *t, const struct rv_insn *in, enum x86_cc take_rs2)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (jit_opnd_is_reg(c, d) && !jit_opnd_is_reg(a, d)) {
		struct jit_opnd tmp = a;
		a = c;
		c = tmp;
	}
	enum x86_gpr rc = jit_opnd_in_reg(t, c, JIT_TMP1);
	jit_load_opnd(t, d, a);
	x86_alu_rr(b, X86_CMP, true, d, rc);
	x86_cmov(b, take_rs2, true, d, rc);
	jit_store_gpr(t, in->rd, d);
}

/* sext.b, sext.h, zext.h: movsx/movzx from the register, or a narrow load from its slot in *cpu. */
static void extend(struct jit_tctx *t, const struct rv_insn *in, unsigned size, bool sign)
{
	struct jit_opnd a = jit_gpr(t, in->rs1);
	if (a.kind == OPND_IMM) {
		jit_store_gpr_imm(t, in->rd, 0);
		return;
	}
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (a.kind == OPND_MEM)
		x86_load(&t->buf, size, sign, d, a.mem); /* little-endian: the slot's first bytes */
	else if (sign)
		x86_movsx_rr(&t->buf, size, d, a.reg);
	else
		x86_movzx_rr(&t->buf, size, d, a.reg);
	jit_store_gpr(t, in->rd, d);
}

/* rol/ror (rolw/rorw: 32-bit rotate, then sign-extend): x86 masks cl to 6 (5) bits as RISC-V masks rs2. */
static void rotate_reg(struct jit_tctx *t, const struct rv_insn *in, enum x86_shift op, bool w64)
{
	jit_load_opnd(t, X86_RCX, jit_gpr(t, in->rs2)); /* first: rd may be rs2 */
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	jit_load_opnd(t, d, jit_gpr(t, in->rs1));
	x86_shift_cl(&t->buf, op, w64, d);
	if (!w64)
		x86_movsx_rr(&t->buf, 4, d, d);
	jit_store_gpr(t, in->rd, d);
}

/* rori/roriw: BMI2's rorx writes another register than its source (no move first). */
static void rotate_imm(struct jit_tctx *t, const struct rv_insn *in, bool w64)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd a = jit_gpr(t, in->rs1);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	unsigned count = (unsigned)in->imm & (w64 ? 63 : 31);
	if (count == 0) {
		if (w64)
			jit_load_opnd(t, d, a);
		else
			load_sext32(t, d, a);
	} else if (jit_host_isa()->bmi2) {
		x86_rorx(b, w64, d, jit_opnd_in_reg(t, a, d), (uint8_t)count);
		if (!w64)
			x86_movsx_rr(b, 4, d, d);
	} else {
		jit_load_opnd(t, d, a);
		x86_shift_ri(b, X86_ROR, w64, d, (uint8_t)count);
		if (!w64)
			x86_movsx_rr(b, 4, d, d);
	}
	jit_store_gpr(t, in->rd, d);
}

/* orc.b: pcmpeqb against zero marks the zero bytes with 0xff; their complement is the result. */
static void or_combine_bytes(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd a = jit_gpr(t, in->rs1);
	if (a.kind == OPND_IMM) {
		jit_store_gpr_imm(t, in->rd, 0);
		return;
	}
	if (a.kind == OPND_MEM)
		x86_sse_load(b, true, X86_XMM0, a.mem); /* movsd: the 64 bits, the upper half cleared */
	else
		x86_movq_xr(b, true, X86_XMM0, a.reg);
	x86_sse_int(b, X86_PXOR, X86_XMM1, X86_XMM1);
	x86_sse_int(b, X86_PCMPEQB, X86_XMM0, X86_XMM1);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	x86_movq_rx(b, true, d, X86_XMM0);
	x86_unary(b, X86_NOT, true, d);
	jit_store_gpr(t, in->rd, d);
}

static void byte_reverse(struct jit_tctx *t, const struct rv_insn *in)
{
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	jit_load_opnd(t, d, jit_gpr(t, in->rs1));
	x86_bswap(&t->buf, true, d);
	jit_store_gpr(t, in->rd, d);
}

/* ---- Zbs ---- */

/* bclr/bset/binv: btr/bts/btc with the index in a register (taken modulo 64, as rs2[5:0]). */
static void single_bit_reg(struct jit_tctx *t, const struct rv_insn *in, enum x86_bt op)
{
	struct jit_opnd a = jit_gpr(t, in->rs1);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	enum x86_gpr rc = jit_opnd_in_reg(t, jit_gpr(t, in->rs2), JIT_TMP1);
	if (rc == d && !jit_opnd_is_reg(a, d)) { /* rd is rs2: keep the index before rs1 is copied over it */
		x86_mov_rr(&t->buf, true, JIT_TMP1, rc);
		rc = JIT_TMP1;
	}
	jit_load_opnd(t, d, a);
	x86_bt_rr(&t->buf, op, true, d, rc);
	jit_store_gpr(t, in->rd, d);
}

/* bclri/bseti/binvi: and/or/xor with an immediate for bits 0..30 (sign-extended imm32 masks are right
 * there, and these are single-uop everywhere), btr/bts/btc imm8 above. */
static void single_bit_imm(struct jit_tctx *t, const struct rv_insn *in, enum x86_bt op)
{
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	unsigned bit = (unsigned)in->imm & 63;
	jit_load_opnd(t, d, jit_gpr(t, in->rs1));
	if (bit < 31) {
		int32_t mask = (int32_t)(1u << bit);
		if (op == X86_BTR)
			x86_alu_ri(&t->buf, X86_AND, true, d, ~mask);
		else
			x86_alu_ri(&t->buf, op == X86_BTS ? X86_OR : X86_XOR, true, d, mask);
	} else {
		x86_bt_ri(&t->buf, op, true, d, (uint8_t)bit);
	}
	jit_store_gpr(t, in->rd, d);
}

/* bext: bt puts the bit in CF, setc makes it the result (cleared first: xor writes the flags). */
static void bit_extract_reg(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	enum x86_gpr rc = jit_opnd_in_reg(t, jit_gpr(t, in->rs2), JIT_TMP1);
	enum x86_gpr ra = jit_opnd_in_reg(t, jit_gpr(t, in->rs1), JIT_TMP2);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (d == ra || d == rc)
		d = JIT_TMP0;
	x86_alu_rr(b, X86_XOR, false, d, d);
	x86_bt_rr(b, X86_BT, true, ra, rc);
	x86_setcc(b, X86_CC_B, d);
	jit_store_gpr(t, in->rd, d);
}

static void bit_extract_imm(struct jit_tctx *t, const struct rv_insn *in)
{
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	unsigned bit = (unsigned)in->imm & 63;
	jit_load_opnd(t, d, jit_gpr(t, in->rs1));
	if (bit)
		x86_shift_ri(&t->buf, X86_SHR, true, d, (uint8_t)bit);
	if (bit != 63)
		x86_alu_ri(&t->buf, X86_AND, false, d, 1); /* the 32-bit and clears the upper half too */
	jit_store_gpr(t, in->rd, d);
}

/* ---- Zicond ---- */

/* czero.eqz (zero_when_set false): rd = rs2 == 0 ? 0 : rs1; czero.nez: rd = rs2 != 0 ? 0 : rs1. The
 * zero comes from r11, cleared before the test (xor writes the flags, mov does not). */
static void cond_zero(struct jit_tctx *t, const struct rv_insn *in, bool zero_when_set)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (a.kind == OPND_IMM || (c.kind == OPND_IMM && !zero_when_set)) {
		jit_store_gpr_imm(t, in->rd, 0); /* rs1 = x0, or czero.eqz on x0 */
		return;
	}
	if (c.kind == OPND_IMM) { /* czero.nez on x0: a move */
		jit_load_opnd(t, d, a);
		jit_store_gpr(t, in->rd, d);
		return;
	}
	x86_alu_rr(b, X86_XOR, false, JIT_TMP3, JIT_TMP3);
	if (c.kind == OPND_REG)
		x86_test_rr(b, true, c.reg, c.reg);
	else
		x86_alu_mi(b, X86_CMP, true, c.mem, 0);
	jit_load_opnd(t, d, a);
	x86_cmov(b, zero_when_set ? X86_CC_NE : X86_CC_E, true, d, JIT_TMP3);
	jit_store_gpr(t, in->rd, d);
}

bool jit_translate_bitmanip(struct jit_tctx *t, const struct rv_insn *in)
{
	/* the ops are contiguous in RV_OPS, from add.uw to czero.nez */
	if (in->op < RV_OP_ADD_UW || in->op > RV_OP_CZERO_NEZ)
		return false;
	if (in->rd == 0)
		return true; /* none of them has an effect besides writing rd */
	switch (in->op) {
	case RV_OP_ADD_UW: shift_add(t, in, 0, true); break;
	case RV_OP_SH1ADD: shift_add(t, in, 1, false); break;
	case RV_OP_SH2ADD: shift_add(t, in, 2, false); break;
	case RV_OP_SH3ADD: shift_add(t, in, 3, false); break;
	case RV_OP_SH1ADD_UW: shift_add(t, in, 1, true); break;
	case RV_OP_SH2ADD_UW: shift_add(t, in, 2, true); break;
	case RV_OP_SH3ADD_UW: shift_add(t, in, 3, true); break;
	case RV_OP_SLLI_UW: shift_left_uw(t, in); break;
	case RV_OP_ANDN: logic_not(t, in, X86_AND); break;
	case RV_OP_ORN: logic_not(t, in, X86_OR); break;
	case RV_OP_XNOR: xnor(t, in); break;
	case RV_OP_CLZ: count_bits(t, in, X86_LZCNT, true); break;
	case RV_OP_CLZW: count_bits(t, in, X86_LZCNT, false); break;
	case RV_OP_CTZ: count_bits(t, in, X86_TZCNT, true); break;
	case RV_OP_CTZW: count_bits(t, in, X86_TZCNT, false); break;
	case RV_OP_CPOP: count_bits(t, in, X86_POPCNT, true); break;
	case RV_OP_CPOPW: count_bits(t, in, X86_POPCNT, false); break;
	case RV_OP_MAX: min_max(t, in, X86_CC_L); break;
	case RV_OP_MAXU: min_max(t, in, X86_CC_B); break;
	case RV_OP_MIN: min_max(t, in, X86_CC_G); break;
	case RV_OP_MINU: min_max(t, in, X86_CC_A); break;
	case RV_OP_SEXT_B: extend(t, in, 1, true); break;
	case RV_OP_SEXT_H: extend(t, in, 2, true); break;
	case RV_OP_ZEXT_H: extend(t, in, 2, false); break;
	case RV_OP_ROL: rotate_reg(t, in, X86_ROL, true); break;
	case RV_OP_ROLW: rotate_reg(t, in, X86_ROL, false); break;
	case RV_OP_ROR: rotate_reg(t, in, X86_ROR, true); break;
	case RV_OP_RORW: rotate_reg(t, in, X86_ROR, false); break;
	case RV_OP_RORI: rotate_imm(t, in, true); break;
	case RV_OP_RORIW: rotate_imm(t, in, false); break;
	case RV_OP_ORC_B: or_combine_bytes(t, in); break;
	case RV_OP_REV8: byte_reverse(t, in); break;
	case RV_OP_BCLR: single_bit_reg(t, in, X86_BTR); break;
	case RV_OP_BSET: single_bit_reg(t, in, X86_BTS); break;
	case RV_OP_BINV: single_bit_reg(t, in, X86_BTC); break;
	case RV_OP_BCLRI: single_bit_imm(t, in, X86_BTR); break;
	case RV_OP_BSETI: single_bit_imm(t, in, X86_BTS); break;
	case RV_OP_BINVI: single_bit_imm(t, in, X86_BTC); break;
	case RV_OP_BEXT: bit_extract_reg(t, in); break;
	case RV_OP_BEXTI: bit_extract_imm(t, in); break;
	case RV_OP_CZERO_EQZ: cond_zero(t, in, false); break;
	case RV_OP_CZERO_NEZ: cond_zero(t, in, true); break;
	default: return false;
	}
	return true;
}
