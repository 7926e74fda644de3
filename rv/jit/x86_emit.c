/* x86-64 instruction encoding (Intel SDM vol. 2, chapter 2: prefixes, REX, ModRM, SIB, displacement,
 * immediate). Each emitter writes one instruction; nothing here knows about RISC-V. */
#include "rv/jit/x86_emit.h"

#include <string.h>

enum {
	REX_BASE = 0x40,
	REX_W = 0x08,
	REX_R = 0x04,
	REX_X = 0x02,
	REX_B = 0x01,
	OPERAND_SIZE_PREFIX = 0x66,
	PREFIX_F2 = 0xf2,
	PREFIX_F3 = 0xf3,
	ESCAPE_0F = 0x0f,
	MOD_INDIRECT = 0,
	MOD_DISP8 = 1,
	MOD_DISP32 = 2,
	MOD_REG = 3,
	RM_SIB = 4,       /* rm value that says "a SIB byte follows" */
	SIB_NO_INDEX = 4, /* index value meaning none */
	SIB_NO_BASE = 5,  /* with mod 00: disp32 and no base */
};

void x86_buf_init(struct x86_buf *b, uint8_t *start, size_t size, intptr_t exec_delta)
{
	b->start = start;
	b->p = start;
	b->end = start + size;
	b->exec_delta = exec_delta;
	b->overflow = false;
}

static bool fits_s8(int64_t v)
{
	return v >= -128 && v <= 127;
}

static bool fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* Registers spl, bpl, sil, dil exist only with a REX prefix (without one, 4..7 mean ah, ch, dh, bh). */
static bool needs_rex_for_byte(int reg)
{
	return reg >= X86_RSP && reg <= X86_RDI;
}

static void rex_rr(struct x86_buf *b, bool w64, int reg, int rm, bool force)
{
	uint8_t rex = REX_BASE;
	if (w64)
		rex |= REX_W;
	if (reg & 8)
		rex |= REX_R;
	if (rm & 8)
		rex |= REX_B;
	if (rex != REX_BASE || force)
		x86_byte(b, rex);
}

static void rex_mem(struct x86_buf *b, bool w64, int reg, struct x86_mem m, bool force)
{
	uint8_t rex = REX_BASE;
	if (w64)
		rex |= REX_W;
	if (reg & 8)
		rex |= REX_R;
	if (m.index != X86_NO_REG && (m.index & 8))
		rex |= REX_X;
	if (m.base != X86_NO_REG && (m.base & 8))
		rex |= REX_B;
	if (rex != REX_BASE || force)
		x86_byte(b, rex);
}

static void modrm(struct x86_buf *b, unsigned mod, unsigned reg, unsigned rm)
{
	x86_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (rm & 7)));
}

static unsigned scale_bits(unsigned scale)
{
	switch (scale) {
	case 2: return 1;
	case 4: return 2;
	case 8: return 3;
	default: return 0;
	}
}

/* ModRM (+SIB) (+disp) for a memory operand; reg is the register or /digit field. */
static void modrm_mem(struct x86_buf *b, int reg, struct x86_mem m)
{
	if (m.base == X86_NO_REG) {
		modrm(b, MOD_INDIRECT, (unsigned)reg, RM_SIB);
		unsigned index = m.index == X86_NO_REG ? SIB_NO_INDEX : (unsigned)m.index;
		modrm(b, scale_bits(m.scale), index, SIB_NO_BASE);
		x86_u32(b, (uint32_t)m.disp);
		return;
	}
	unsigned mod;
	if (m.disp == 0 && (m.base & 7) != X86_RBP)
		mod = MOD_INDIRECT; /* rbp/r13 with mod 00 would mean rip-relative / no base */
	else if (fits_s8(m.disp))
		mod = MOD_DISP8;
	else
		mod = MOD_DISP32;
	if (m.index == X86_NO_REG && (m.base & 7) != X86_RSP) {
		modrm(b, mod, (unsigned)reg, (unsigned)m.base);
	} else {
		modrm(b, mod, (unsigned)reg, RM_SIB);
		unsigned index = m.index == X86_NO_REG ? SIB_NO_INDEX : (unsigned)m.index;
		modrm(b, scale_bits(m.scale), index, (unsigned)m.base);
	}
	if (mod == MOD_DISP8)
		x86_byte(b, (uint8_t)m.disp);
	else if (mod == MOD_DISP32)
		x86_u32(b, (uint32_t)m.disp);
}

/* One instruction with a register/register ModRM: [prefix] [REX] [0F] opcode modrm. */
static void op_rr(struct x86_buf *b, uint8_t prefix, bool w64, bool esc, uint8_t opcode, int reg, int rm,
                  bool byte_regs)
{
	if (prefix)
		x86_byte(b, prefix);
	rex_rr(b, w64, reg, rm, byte_regs && (needs_rex_for_byte(reg) || needs_rex_for_byte(rm)));
	if (esc)
		x86_byte(b, ESCAPE_0F);
	x86_byte(b, opcode);
	modrm(b, MOD_REG, (unsigned)reg, (unsigned)rm);
}

static void op_rm(struct x86_buf *b, uint8_t prefix, bool w64, bool esc, uint8_t opcode, int reg,
                  struct x86_mem m, bool byte_reg)
{
	if (prefix)
		x86_byte(b, prefix);
	rex_mem(b, w64, reg, m, byte_reg && needs_rex_for_byte(reg));
	if (esc)
		x86_byte(b, ESCAPE_0F);
	x86_byte(b, opcode);
	modrm_mem(b, reg, m);
}

void x86_mov_rr(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src)
{
	op_rr(b, 0, w64, false, 0x89, src, dst, false);
}

void x86_movabs(struct x86_buf *b, enum x86_gpr dst, uint64_t imm)
{
	rex_rr(b, true, 0, dst, false);
	x86_byte(b, (uint8_t)(0xb8 + (dst & 7)));
	x86_u64(b, imm);
}

void x86_mov_ri(struct x86_buf *b, enum x86_gpr dst, uint64_t imm)
{
	if (imm == 0) {
		x86_alu_rr(b, X86_XOR, false, dst, dst);
	} else if (imm <= UINT32_MAX) {
		rex_rr(b, false, 0, dst, false);
		x86_byte(b, (uint8_t)(0xb8 + (dst & 7)));
		x86_u32(b, (uint32_t)imm);
	} else if (fits_s32((int64_t)imm)) {
		rex_rr(b, true, 0, dst, false);
		x86_byte(b, 0xc7);
		modrm(b, MOD_REG, 0, (unsigned)dst);
		x86_u32(b, (uint32_t)imm);
	} else {
		x86_movabs(b, dst, imm);
	}
}

void x86_load(struct x86_buf *b, unsigned size, bool sign, enum x86_gpr dst, struct x86_mem m)
{
	switch (size) {
	case 1: op_rm(b, 0, sign, true, sign ? 0xbe : 0xb6, dst, m, false); break;
	case 2: op_rm(b, 0, sign, true, sign ? 0xbf : 0xb7, dst, m, false); break;
	case 4:
		if (sign)
			op_rm(b, 0, true, false, 0x63, dst, m, false); /* movsxd */
		else
			op_rm(b, 0, false, false, 0x8b, dst, m, false);
		break;
	default: op_rm(b, 0, true, false, 0x8b, dst, m, false); break;
	}
}

void x86_store(struct x86_buf *b, unsigned size, struct x86_mem m, enum x86_gpr src)
{
	switch (size) {
	case 1: op_rm(b, 0, false, false, 0x88, src, m, true); break;
	case 2: op_rm(b, OPERAND_SIZE_PREFIX, false, false, 0x89, src, m, false); break;
	case 4: op_rm(b, 0, false, false, 0x89, src, m, false); break;
	default: op_rm(b, 0, true, false, 0x89, src, m, false); break;
	}
}

void x86_store_imm(struct x86_buf *b, unsigned size, struct x86_mem m, int32_t imm)
{
	switch (size) {
	case 1:
		op_rm(b, 0, false, false, 0xc6, 0, m, false);
		x86_byte(b, (uint8_t)imm);
		break;
	case 2:
		op_rm(b, OPERAND_SIZE_PREFIX, false, false, 0xc7, 0, m, false);
		x86_byte(b, (uint8_t)imm);
		x86_byte(b, (uint8_t)(imm >> 8));
		break;
	default:
		op_rm(b, 0, size == 8, false, 0xc7, 0, m, false);
		x86_u32(b, (uint32_t)imm);
		break;
	}
}

void x86_movsx_rr(struct x86_buf *b, unsigned from_size, enum x86_gpr dst, enum x86_gpr src)
{
	if (from_size == 4)
		op_rr(b, 0, true, false, 0x63, dst, src, false);
	else
		op_rr(b, 0, true, true, from_size == 1 ? 0xbe : 0xbf, dst, src, from_size == 1);
}

void x86_movzx_rr(struct x86_buf *b, unsigned from_size, enum x86_gpr dst, enum x86_gpr src)
{
	op_rr(b, 0, false, true, from_size == 1 ? 0xb6 : 0xb7, dst, src, from_size == 1);
}

void x86_lea(struct x86_buf *b, bool w64, enum x86_gpr dst, struct x86_mem m)
{
	op_rm(b, 0, w64, false, 0x8d, dst, m, false);
}

void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, enum x86_gpr src)
{
	op_rr(b, 0, w64, false, (uint8_t)(op * 8 + 1), src, dst, false);
}

void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, int32_t imm)
{
	if (fits_s8(imm)) {
		op_rr(b, 0, w64, false, 0x83, op, dst, false);
		x86_byte(b, (uint8_t)imm);
	} else {
		op_rr(b, 0, w64, false, 0x81, op, dst, false);
		x86_u32(b, (uint32_t)imm);
	}
}

void x86_alu_rm(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, struct x86_mem m)
{
	op_rm(b, 0, w64, false, (uint8_t)(op * 8 + 3), dst, m, false);
}

void x86_alu_mr(struct x86_buf *b, enum x86_alu op, bool w64, struct x86_mem m, enum x86_gpr src)
{
	op_rm(b, 0, w64, false, (uint8_t)(op * 8 + 1), src, m, false);
}

void x86_alu_mi(struct x86_buf *b, enum x86_alu op, bool w64, struct x86_mem m, int32_t imm)
{
	if (fits_s8(imm)) {
		op_rm(b, 0, w64, false, 0x83, op, m, false);
		x86_byte(b, (uint8_t)imm);
	} else {
		op_rm(b, 0, w64, false, 0x81, op, m, false);
		x86_u32(b, (uint32_t)imm);
	}
}

void x86_test_rr(struct x86_buf *b, bool w64, enum x86_gpr a, enum x86_gpr c)
{
	op_rr(b, 0, w64, false, 0x85, c, a, false);
}

void x86_test_ri(struct x86_buf *b, bool w64, enum x86_gpr a, int32_t imm)
{
	op_rr(b, 0, w64, false, 0xf7, 0, a, false);
	x86_u32(b, (uint32_t)imm);
}

void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_gpr dst, uint8_t count)
{
	op_rr(b, 0, w64, false, 0xc1, op, dst, false);
	x86_byte(b, count);
}

void x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_gpr dst)
{
	op_rr(b, 0, w64, false, 0xd3, op, dst, false);
}

void x86_unary(struct x86_buf *b, enum x86_unary op, bool w64, enum x86_gpr r)
{
	op_rr(b, 0, w64, false, 0xf7, op, r, false);
}

void x86_imul_rr(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src)
{
	op_rr(b, 0, w64, true, 0xaf, dst, src, false);
}

void x86_imul_rri(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src, int32_t imm)
{
	if (fits_s8(imm)) {
		op_rr(b, 0, w64, false, 0x6b, dst, src, false);
		x86_byte(b, (uint8_t)imm);
	} else {
		op_rr(b, 0, w64, false, 0x69, dst, src, false);
		x86_u32(b, (uint32_t)imm);
	}
}

void x86_cqo(struct x86_buf *b)
{
	x86_byte(b, REX_BASE | REX_W);
	x86_byte(b, 0x99);
}

void x86_cdq(struct x86_buf *b)
{
	x86_byte(b, 0x99);
}

void x86_setcc(struct x86_buf *b, enum x86_cc cc, enum x86_gpr dst8)
{
	op_rr(b, 0, false, true, (uint8_t)(0x90 + cc), 0, dst8, true);
}

void x86_cmov(struct x86_buf *b, enum x86_cc cc, bool w64, enum x86_gpr dst, enum x86_gpr src)
{
	op_rr(b, 0, w64, true, (uint8_t)(0x40 + cc), dst, src, false);
}

void x86_bswap(struct x86_buf *b, bool w64, enum x86_gpr r)
{
	rex_rr(b, w64, 0, r, false);
	x86_byte(b, ESCAPE_0F);
	x86_byte(b, (uint8_t)(0xc8 + (r & 7)));
}

void x86_bitcount(struct x86_buf *b, enum x86_bitcount op, bool w64, enum x86_gpr dst, enum x86_gpr src)
{
	op_rr(b, PREFIX_F3, w64, true, (uint8_t)op, dst, src, false);
}

void x86_bitscan(struct x86_buf *b, bool reverse, bool w64, enum x86_gpr dst, enum x86_gpr src)
{
	op_rr(b, 0, w64, true, reverse ? 0xbd : 0xbc, dst, src, false);
}

void x86_bt_rr(struct x86_buf *b, enum x86_bt op, bool w64, enum x86_gpr r, enum x86_gpr index)
{
	/* 0F A3 bt, 0F AB bts, 0F B3 btr, 0F BB btc: the same order as the /digits 4..7 */
	op_rr(b, 0, w64, true, (uint8_t)(0xa3 + 8 * (op - X86_BT)), index, r, false);
}

void x86_bt_ri(struct x86_buf *b, enum x86_bt op, bool w64, enum x86_gpr r, uint8_t index)
{
	op_rr(b, 0, w64, true, 0xba, op, r, false);
	x86_byte(b, index);
}

/* The 3-byte VEX prefix (C4) of a GPR instruction: reg/rm extensions stored inverted, no index, the
 * opcode map (1 = 0F, 2 = 0F38, 3 = 0F3A), W, the extra source register vvvv stored inverted, L = 0 and
 * the implied prefix pp (0 none, 1 66, 2 F3, 3 F2). */
enum { VEX3 = 0xc4, VEX_MAP_0F38 = 2, VEX_MAP_0F3A = 3, VEX_PP_NONE = 0, VEX_PP_F2 = 3 };
static void vex3(struct x86_buf *b, unsigned map, bool w, unsigned pp, int reg, int vvvv, int rm)
{
	x86_byte(b, VEX3);
	x86_byte(b, (uint8_t)(((reg & 8) ? 0 : 0x80) | 0x40 | ((rm & 8) ? 0 : 0x20) | map));
	x86_byte(b, (uint8_t)((w ? 0x80 : 0) | ((~vvvv & 15) << 3) | pp));
}

void x86_andn(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src1, enum x86_gpr src2)
{
	vex3(b, VEX_MAP_0F38, w64, VEX_PP_NONE, dst, src1, src2); /* VEX.LZ.0F38.W 0xF2 /r */
	x86_byte(b, 0xf2);
	modrm(b, MOD_REG, (unsigned)dst, (unsigned)src2);
}

void x86_rorx(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src, uint8_t imm)
{
	vex3(b, VEX_MAP_0F3A, w64, VEX_PP_F2, dst, 0, src); /* VEX.LZ.F2.0F3A.W 0xF0 /r ib, vvvv unused */
	x86_byte(b, 0xf0);
	modrm(b, MOD_REG, (unsigned)dst, (unsigned)src);
	x86_byte(b, imm);
}

void x86_sse_int(struct x86_buf *b, enum x86_sse_int op, int dst, int src)
{
	op_rr(b, OPERAND_SIZE_PREFIX, false, true, (uint8_t)op, dst, src, false);
}

void x86_push(struct x86_buf *b, enum x86_gpr r)
{
	rex_rr(b, false, 0, r, false);
	x86_byte(b, (uint8_t)(0x50 + (r & 7)));
}

void x86_pop(struct x86_buf *b, enum x86_gpr r)
{
	rex_rr(b, false, 0, r, false);
	x86_byte(b, (uint8_t)(0x58 + (r & 7)));
}

bool x86_patch_rel32(intptr_t exec_delta, uint8_t *field, uintptr_t target)
{
	int64_t rel = (int64_t)(target - ((uintptr_t)field + (uintptr_t)exec_delta + 4));
	if (!fits_s32(rel))
		return false;
	uint32_t v = (uint32_t)rel;
	memcpy(field, &v, sizeof(v));
	return true;
}

bool x86_rel32_ok(const struct x86_buf *b, uintptr_t target)
{
	int64_t rel = (int64_t)(target - x86_here(b));
	/* leave room for the instruction's own length and later positions in the same buffer */
	return rel > INT32_MIN / 2 && rel < INT32_MAX / 2;
}

/* Emits the rel32 field of an instruction whose opcode bytes are already written. */
static uint8_t *rel32_field(struct x86_buf *b, uintptr_t target)
{
	uint8_t *field = b->p;
	x86_u32(b, 0);
	if (!b->overflow && !x86_patch_rel32(b->exec_delta, field, target))
		b->overflow = true;
	return field;
}

uint8_t *x86_jmp32(struct x86_buf *b, uintptr_t target)
{
	x86_byte(b, 0xe9);
	return rel32_field(b, target);
}

uint8_t *x86_jcc32(struct x86_buf *b, enum x86_cc cc, uintptr_t target)
{
	x86_byte(b, ESCAPE_0F);
	x86_byte(b, (uint8_t)(0x80 + cc));
	return rel32_field(b, target);
}

uint8_t *x86_call32(struct x86_buf *b, uintptr_t target)
{
	x86_byte(b, 0xe8);
	return rel32_field(b, target);
}

static void rel8_field(struct x86_buf *b, uintptr_t target)
{
	int64_t rel = (int64_t)(target - (x86_here(b) + 1));
	if (!fits_s8(rel))
		b->overflow = true;
	x86_byte(b, (uint8_t)rel);
}

void x86_jmp8(struct x86_buf *b, uintptr_t target)
{
	x86_byte(b, 0xeb);
	rel8_field(b, target);
}

void x86_jcc8(struct x86_buf *b, enum x86_cc cc, uintptr_t target)
{
	x86_byte(b, (uint8_t)(0x70 + cc));
	rel8_field(b, target);
}

void x86_jmp_r(struct x86_buf *b, enum x86_gpr r)
{
	op_rr(b, 0, false, false, 0xff, 4, r, false);
}

void x86_jmp_m(struct x86_buf *b, struct x86_mem m)
{
	op_rm(b, 0, false, false, 0xff, 4, m, false);
}

void x86_call_r(struct x86_buf *b, enum x86_gpr r)
{
	op_rr(b, 0, false, false, 0xff, 2, r, false);
}

void x86_ret(struct x86_buf *b)
{
	x86_byte(b, 0xc3);
}

void x86_ud2(struct x86_buf *b)
{
	x86_byte(b, ESCAPE_0F);
	x86_byte(b, 0x0b);
}

void x86_align(struct x86_buf *b, unsigned align)
{
	/* the recommended multi-byte NOPs (nopw/nopl with a modrm/sib/disp), at most 8 bytes each */
	static const uint8_t nops[8][8] = {
	    {0x90},
	    {0x66, 0x90},
	    {0x0f, 0x1f, 0x00},
	    {0x0f, 0x1f, 0x40, 0x00},
	    {0x0f, 0x1f, 0x44, 0x00, 0x00},
	    {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
	    {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
	    {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	};
	unsigned pad = (unsigned)(-(uintptr_t)(b->p + b->exec_delta) & (align - 1));
	while (pad) {
		unsigned n = pad < 8 ? pad : 8;
		for (unsigned i = 0; i < n; i++)
			x86_byte(b, nops[n - 1][i]);
		pad -= n;
	}
}

void x86_mfence(struct x86_buf *b)
{
	x86_byte(b, ESCAPE_0F);
	x86_byte(b, 0xae);
	x86_byte(b, 0xf0);
}

static uint8_t scalar_prefix(bool dbl)
{
	return dbl ? PREFIX_F2 : PREFIX_F3;
}

void x86_sse_arith(struct x86_buf *b, enum x86_sse_op op, bool dbl, int dst, int src)
{
	op_rr(b, scalar_prefix(dbl), false, true, (uint8_t)op, dst, src, false);
}

void x86_sse_arith_m(struct x86_buf *b, enum x86_sse_op op, bool dbl, int dst, struct x86_mem m)
{
	op_rm(b, scalar_prefix(dbl), false, true, (uint8_t)op, dst, m, false);
}

void x86_sse_load(struct x86_buf *b, bool dbl, int dst, struct x86_mem m)
{
	op_rm(b, scalar_prefix(dbl), false, true, 0x10, dst, m, false);
}

void x86_sse_store(struct x86_buf *b, bool dbl, struct x86_mem m, int src)
{
	op_rm(b, scalar_prefix(dbl), false, true, 0x11, src, m, false);
}

void x86_movaps(struct x86_buf *b, int dst, int src)
{
	op_rr(b, 0, false, true, 0x28, dst, src, false);
}

void x86_movq_xr(struct x86_buf *b, bool w64, int xmm, enum x86_gpr r)
{
	op_rr(b, OPERAND_SIZE_PREFIX, w64, true, 0x6e, xmm, r, false);
}

void x86_movq_rx(struct x86_buf *b, bool w64, enum x86_gpr r, int xmm)
{
	op_rr(b, OPERAND_SIZE_PREFIX, w64, true, 0x7e, xmm, r, false);
}

void x86_ucomi(struct x86_buf *b, bool dbl, int a, int c)
{
	op_rr(b, dbl ? OPERAND_SIZE_PREFIX : 0, false, true, 0x2e, a, c, false);
}

void x86_comi(struct x86_buf *b, bool dbl, int a, int c)
{
	op_rr(b, dbl ? OPERAND_SIZE_PREFIX : 0, false, true, 0x2f, a, c, false);
}

void x86_cvtsi2f(struct x86_buf *b, bool dbl, bool w64, int dst, enum x86_gpr src)
{
	op_rr(b, scalar_prefix(dbl), w64, true, 0x2a, dst, src, false);
}

void x86_cvtf2si(struct x86_buf *b, bool dbl, bool w64, bool truncate, enum x86_gpr dst, int src)
{
	op_rr(b, scalar_prefix(dbl), w64, true, truncate ? 0x2c : 0x2d, dst, src, false);
}

void x86_cvtf2f(struct x86_buf *b, bool from_dbl, int dst, int src)
{
	op_rr(b, scalar_prefix(from_dbl), false, true, 0x5a, dst, src, false);
}

void x86_ldmxcsr(struct x86_buf *b, struct x86_mem m)
{
	op_rm(b, 0, false, true, 0xae, 2, m, false);
}

void x86_stmxcsr(struct x86_buf *b, struct x86_mem m)
{
	op_rm(b, 0, false, true, 0xae, 3, m, false);
}

void x86_vfma231(struct x86_buf *b, bool dbl, unsigned kind, int dst, int src2, int src3)
{
	/* 3-byte VEX: C4, [R X B m-mmmm=00010 (0F38)], [W vvvv L=0 pp=01 (66)], opcode, modrm.
	 * R and B are stored inverted; vvvv holds src2 inverted. */
	static const uint8_t opcode_sd[4] = {0xb9, 0xbb, 0xbd, 0xbf}; /* vfmadd/vfmsub/vfnmadd/vfnmsub 231 */
	x86_byte(b, 0xc4);
	x86_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src3 & 8) ? 0 : 0x20) | 0x02));
	x86_byte(b, (uint8_t)((dbl ? 0x80 : 0) | ((~src2 & 15) << 3) | 0x01));
	x86_byte(b, opcode_sd[kind & 3]);
	modrm(b, MOD_REG, (unsigned)dst, (unsigned)src3);
}
