/* Integer computational instructions (RV64I register/immediate ops and the M extension) as x86-64; the
 * bit-manipulation extensions are in translate_bitmanip.c.
 * RISC-V masks shift counts to 6 (5 for *W) bits exactly like x86 does for 64 (32) bit shifts; the *W
 * ops compute in 32 bits and sign-extend the result (movslq). Division needs RISC-V's results for
 * x/0 and INT_MIN/-1, where x86 would trap: both go to cold stubs. */
#include "rv/jit/tctx.h"
#include "rv/jit/translate_bitmanip.h"

static uint64_t sext32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

/* Both operands constant (x0 / immediates): the result is known at translation time. */
static bool fold(enum x86_alu op, bool w64, uint64_t a, uint64_t c, uint64_t *r)
{
	uint64_t v;
	switch (op) {
	case X86_ADD: v = a + c; break;
	case X86_SUB: v = a - c; break;
	case X86_AND: v = a & c; break;
	case X86_OR: v = a | c; break;
	case X86_XOR: v = a ^ c; break;
	default: return false;
	}
	*r = w64 ? v : sext32(v);
	return true;
}

/* rd = a op c, 64-bit, or 32-bit sign-extended (w64 false). */
static void binop(struct jit_tctx *t, enum x86_alu op, bool w64, unsigned rd, struct jit_opnd a,
                  struct jit_opnd c, bool commutative)
{
	uint64_t folded;
	if (rd == 0)
		return;
	if (a.kind == OPND_IMM && c.kind == OPND_IMM &&
	    fold(op, w64, (uint64_t)a.imm, (uint64_t)c.imm, &folded)) {
		jit_store_gpr_imm(t, rd, folded);
		return;
	}
	if (commutative && a.kind == OPND_IMM && c.kind != OPND_IMM) {
		struct jit_opnd tmp = a; /* constant second: add rd, x0, rs is a move */
		a = c;
		c = tmp;
	}
	enum x86_gpr d = jit_dest_reg(t, rd, JIT_TMP0);
	if (jit_opnd_is_reg(c, d) && !jit_opnd_is_reg(a, d)) {
		if (commutative) {
			struct jit_opnd tmp = a;
			a = c;
			c = tmp;
		} else {
			d = JIT_TMP0;
		}
	}
	bool identity = c.kind == OPND_IMM && c.imm == 0 &&
	                (op == X86_ADD || op == X86_SUB || op == X86_OR || op == X86_XOR);
	if (op == X86_ADD && a.kind == OPND_REG && a.reg != d && c.kind == OPND_IMM && !identity &&
	    c.imm >= INT32_MIN && c.imm <= INT32_MAX) {
		x86_lea(&t->buf, w64, d, x86_mem_bd(a.reg, (int32_t)c.imm)); /* mv + addi in one */
	} else {
		jit_load_opnd(t, d, a);
		if (!identity)
			jit_alu_opnd(t, op, w64, d, c);
	}
	if (!w64)
		x86_movsx_rr(&t->buf, 4, d, d);
	jit_store_gpr(t, rd, d);
}

/* andi rd, rs, 0xff (zext.b, the byte of a bytecode or a string): one movzx, from the host register or
 * straight from *cpu, instead of a move and an and. */
static bool zext_byte(struct jit_tctx *t, const struct rv_insn *in, struct jit_opnd a)
{
	if (in->imm != 0xff || in->rd == 0 || a.kind == OPND_IMM)
		return false; /* x0 & 0xff: binop folds it */
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (a.kind == OPND_REG)
		x86_movzx_rr(&t->buf, 1, d, a.reg);
	else
		x86_load(&t->buf, 1, false, d, a.mem); /* little-endian: the low byte of x[rs] */
	jit_store_gpr(t, in->rd, d);
	t->j->stats.short_forms++;
	return true;
}

static void shift_imm(struct jit_tctx *t, enum x86_shift op, bool w64, const struct rv_insn *in)
{
	if (in->rd == 0)
		return;
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	jit_load_opnd(t, d, jit_gpr(t, in->rs1));
	unsigned count = (unsigned)in->imm & (w64 ? 63 : 31);
	if (count)
		x86_shift_ri(&t->buf, op, w64, d, (uint8_t)count);
	/* srliw by 1..31: bit 31 is 0, so the 32-bit shift's zero-extension is already the sign-extension */
	if (!w64 && op == X86_SHR && count)
		t->j->stats.short_forms++;
	else if (!w64)
		x86_movsx_rr(&t->buf, 4, d, d);
	jit_store_gpr(t, in->rd, d);
}

static void shift_reg(struct jit_tctx *t, enum x86_shift op, bool w64, const struct rv_insn *in)
{
	if (in->rd == 0)
		return;
	jit_load_opnd(t, X86_RCX, jit_gpr(t, in->rs2)); /* first: rd may be the same guest reg as rs2 */
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	jit_load_opnd(t, d, jit_gpr(t, in->rs1));
	x86_shift_cl(&t->buf, op, w64, d);
	if (!w64)
		x86_movsx_rr(&t->buf, 4, d, d);
	jit_store_gpr(t, in->rd, d);
}

static void set_less(struct jit_tctx *t, enum x86_cc cc, unsigned rd, struct jit_opnd a, struct jit_opnd c)
{
	if (rd == 0)
		return;
	if (cc == X86_CC_B && a.kind == OPND_IMM && a.imm == 0 && c.kind == OPND_REG) {
		/* sltu rd, x0, rs (snez) */
		x86_alu_rr(&t->buf, X86_XOR, false, X86_RCX, X86_RCX);
		x86_test_rr(&t->buf, true, c.reg, c.reg);
		x86_setcc(&t->buf, X86_CC_NE, X86_RCX);
		jit_store_gpr(t, rd, X86_RCX);
		return;
	}
	enum x86_gpr ra = X86_RAX;
	if (a.kind == OPND_REG)
		ra = a.reg;
	else
		jit_load_opnd(t, ra, a);
	x86_alu_rr(&t->buf, X86_XOR, false, X86_RCX, X86_RCX); /* before the cmp: xor writes flags */
	jit_alu_opnd(t, X86_CMP, true, ra, c);
	x86_setcc(&t->buf, cc, X86_RCX);
	jit_store_gpr(t, rd, X86_RCX);
}

static void mul_low(struct jit_tctx *t, bool w64, const struct rv_insn *in)
{
	if (in->rd == 0)
		return;
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2);
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP0);
	if (jit_opnd_is_reg(c, d) && !jit_opnd_is_reg(a, d)) {
		struct jit_opnd tmp = a;
		a = c;
		c = tmp;
	}
	enum x86_gpr cr = jit_opnd_in_reg(t, c, X86_RCX);
	jit_load_opnd(t, d, a);
	x86_imul_rr(&t->buf, w64, d, cr);
	if (!w64)
		x86_movsx_rr(&t->buf, 4, d, d);
	jit_store_gpr(t, in->rd, d);
}

static void mul_high(struct jit_tctx *t, const struct rv_insn *in)
{
	if (in->rd == 0)
		return;
	struct x86_buf *b = &t->buf;
	enum x86_gpr cr = jit_opnd_in_reg(t, jit_gpr(t, in->rs2), X86_RCX);
	jit_load_opnd(t, X86_RAX, jit_gpr(t, in->rs1));
	if (in->op == RV_OP_MULH) {
		x86_unary(b, X86_IMUL1, true, cr);
	} else if (in->op == RV_OP_MULHU) {
		x86_unary(b, X86_MUL, true, cr);
	} else {
		/* signed x unsigned: the unsigned high word minus rs2 when rs1 is negative */
		x86_mov_rr(b, true, X86_R11, X86_RAX);
		x86_shift_ri(b, X86_SAR, true, X86_R11, 63);
		x86_alu_rr(b, X86_AND, true, X86_R11, cr);
		x86_unary(b, X86_MUL, true, cr);
		x86_alu_rr(b, X86_SUB, true, X86_RDX, X86_R11);
	}
	jit_store_gpr(t, in->rd, X86_RDX);
}

static void divide(struct jit_tctx *t, const struct rv_insn *in)
{
	if (in->rd == 0)
		return;
	struct x86_buf *b = &t->buf;
	unsigned op = in->op;
	bool w64 = op == RV_OP_DIV || op == RV_OP_DIVU || op == RV_OP_REM || op == RV_OP_REMU;
	bool sign = op == RV_OP_DIV || op == RV_OP_REM || op == RV_OP_DIVW || op == RV_OP_REMW;
	bool rem = op == RV_OP_REM || op == RV_OP_REMU || op == RV_OP_REMW || op == RV_OP_REMUW;
	jit_load_opnd(t, X86_RCX, jit_gpr(t, in->rs2));
	jit_load_opnd(t, X86_RAX, jit_gpr(t, in->rs1));
	x86_test_rr(b, w64, X86_RCX, X86_RCX);
	struct jit_cold *zero = jit_add_cold(t, COLD_DIV_ZERO, x86_jcc32(b, X86_CC_E, x86_here(b)));
	zero->op = (uint16_t)op;
	struct jit_cold *ovf = NULL;
	if (sign) {
		x86_alu_ri(b, X86_CMP, w64, X86_RCX, -1);
		ovf = jit_add_cold(t, COLD_DIV_OVERFLOW, x86_jcc32(b, X86_CC_E, x86_here(b)));
		ovf->op = (uint16_t)op;
		if (w64)
			x86_cqo(b);
		else
			x86_cdq(b);
		x86_unary(b, X86_IDIV, w64, X86_RCX);
	} else {
		x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
		x86_unary(b, X86_DIV, w64, X86_RCX);
	}
	zero->resume = x86_here(b);
	if (ovf)
		ovf->resume = zero->resume;
	enum x86_gpr r = rem ? X86_RDX : X86_RAX;
	if (!w64)
		x86_movsx_rr(b, 4, r, r);
	jit_store_gpr(t, in->rd, r);
}

bool jit_translate_int(struct jit_tctx *t, const struct rv_insn *in)
{
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2), imm = jit_imm(in->imm);
	switch (in->op) {
	case RV_OP_LUI: jit_store_gpr_imm(t, in->rd, (uint64_t)in->imm); break;
	case RV_OP_AUIPC: jit_store_gpr_imm(t, in->rd, t->pc + (uint64_t)in->imm); break;
	case RV_OP_ADDI: binop(t, X86_ADD, true, in->rd, a, imm, true); break;
	case RV_OP_XORI: binop(t, X86_XOR, true, in->rd, a, imm, true); break;
	case RV_OP_ORI: binop(t, X86_OR, true, in->rd, a, imm, true); break;
	case RV_OP_ANDI:
		if (!zext_byte(t, in, a))
			binop(t, X86_AND, true, in->rd, a, imm, true);
		break;
	case RV_OP_ADDIW: binop(t, X86_ADD, false, in->rd, a, imm, true); break;
	case RV_OP_SLTI: set_less(t, X86_CC_L, in->rd, a, imm); break;
	case RV_OP_SLTIU: set_less(t, X86_CC_B, in->rd, a, imm); break;
	case RV_OP_SLLI: shift_imm(t, X86_SHL, true, in); break;
	case RV_OP_SRLI: shift_imm(t, X86_SHR, true, in); break;
	case RV_OP_SRAI: shift_imm(t, X86_SAR, true, in); break;
	case RV_OP_SLLIW: shift_imm(t, X86_SHL, false, in); break;
	case RV_OP_SRLIW: shift_imm(t, X86_SHR, false, in); break;
	case RV_OP_SRAIW: shift_imm(t, X86_SAR, false, in); break;
	case RV_OP_ADD: binop(t, X86_ADD, true, in->rd, a, c, true); break;
	case RV_OP_SUB: binop(t, X86_SUB, true, in->rd, a, c, false); break;
	case RV_OP_XOR: binop(t, X86_XOR, true, in->rd, a, c, true); break;
	case RV_OP_OR: binop(t, X86_OR, true, in->rd, a, c, true); break;
	case RV_OP_AND: binop(t, X86_AND, true, in->rd, a, c, true); break;
	case RV_OP_ADDW: binop(t, X86_ADD, false, in->rd, a, c, true); break;
	case RV_OP_SUBW: binop(t, X86_SUB, false, in->rd, a, c, false); break;
	case RV_OP_SLT: set_less(t, X86_CC_L, in->rd, a, c); break;
	case RV_OP_SLTU: set_less(t, X86_CC_B, in->rd, a, c); break;
	case RV_OP_SLL: shift_reg(t, X86_SHL, true, in); break;
	case RV_OP_SRL: shift_reg(t, X86_SHR, true, in); break;
	case RV_OP_SRA: shift_reg(t, X86_SAR, true, in); break;
	case RV_OP_SLLW: shift_reg(t, X86_SHL, false, in); break;
	case RV_OP_SRLW: shift_reg(t, X86_SHR, false, in); break;
	case RV_OP_SRAW: shift_reg(t, X86_SAR, false, in); break;
	case RV_OP_MUL: mul_low(t, true, in); break;
	case RV_OP_MULW: mul_low(t, false, in); break;
	case RV_OP_MULH:
	case RV_OP_MULHU:
	case RV_OP_MULHSU: mul_high(t, in); break;
	case RV_OP_DIV:
	case RV_OP_DIVU:
	case RV_OP_REM:
	case RV_OP_REMU:
	case RV_OP_DIVW:
	case RV_OP_DIVUW:
	case RV_OP_REMW:
	case RV_OP_REMUW: divide(t, in); break;
	default: return jit_translate_bitmanip(t, in); /* Zba/Zbb/Zbs/Zicond, else false */
	}
	return true;
}
