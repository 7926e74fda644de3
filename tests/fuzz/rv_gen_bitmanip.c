/* Random bit-manipulation instructions (see rv_gen_bitmanip.h). Encodings from the ratified specs:
 * Zba/Zbb/Zbs 1.0.0 (RV64 forms) and Zicond 1.0.0; the fuzzer checks every word with rv_decode. */
#include "tests/fuzz/rv_gen_bitmanip.h"

#include "tests/fuzz/rv_enc.h"
#include "tests/fuzz/rv_gen.h"

/* How the operands of a form are encoded. */
enum form {
	FORM_R,     /* rd, rs1, rs2 */
	FORM_UNARY, /* rd, rs1: imm[11:0] names the op */
	FORM_SH6,   /* rd, rs1, shamt[5:0] under funct6 */
	FORM_SH5,   /* rd, rs1, shamt[4:0] under funct7 */
};

struct form_def {
	uint8_t opcode, funct3, form;
	uint16_t top; /* FORM_R / FORM_SH*: funct7 (funct6 << 1); FORM_UNARY: imm[11:0] */
};

static const struct form_def zba[] = {
    {OPC_OP_32, 0, FORM_R, 0x04},       /* add.uw (rs2 = x0: zext.w) */
    {OPC_OP, 2, FORM_R, 0x10},          /* sh1add */
    {OPC_OP, 4, FORM_R, 0x10},          /* sh2add */
    {OPC_OP, 6, FORM_R, 0x10},          /* sh3add */
    {OPC_OP_32, 2, FORM_R, 0x10},       /* sh1add.uw */
    {OPC_OP_32, 4, FORM_R, 0x10},       /* sh2add.uw */
    {OPC_OP_32, 6, FORM_R, 0x10},       /* sh3add.uw */
    {OPC_OP_IMM_32, 1, FORM_SH6, 0x04}, /* slli.uw */
};

static const struct form_def zbb[] = {
    {OPC_OP, 7, FORM_R, 0x20},             /* andn */
    {OPC_OP, 6, FORM_R, 0x20},             /* orn */
    {OPC_OP, 4, FORM_R, 0x20},             /* xnor */
    {OPC_OP_IMM, 1, FORM_UNARY, 0x600},    /* clz */
    {OPC_OP_IMM_32, 1, FORM_UNARY, 0x600}, /* clzw */
    {OPC_OP_IMM, 1, FORM_UNARY, 0x601},    /* ctz */
    {OPC_OP_IMM_32, 1, FORM_UNARY, 0x601}, /* ctzw */
    {OPC_OP_IMM, 1, FORM_UNARY, 0x602},    /* cpop */
    {OPC_OP_IMM_32, 1, FORM_UNARY, 0x602}, /* cpopw */
    {OPC_OP, 6, FORM_R, 0x05},             /* max */
    {OPC_OP, 7, FORM_R, 0x05},             /* maxu */
    {OPC_OP, 4, FORM_R, 0x05},             /* min */
    {OPC_OP, 5, FORM_R, 0x05},             /* minu */
    {OPC_OP_IMM, 1, FORM_UNARY, 0x604},    /* sext.b */
    {OPC_OP_IMM, 1, FORM_UNARY, 0x605},    /* sext.h */
    {OPC_OP_32, 4, FORM_UNARY, 0x080},     /* zext.h (funct7 0000100, rs2 = 0) */
    {OPC_OP, 1, FORM_R, 0x30},             /* rol */
    {OPC_OP_32, 1, FORM_R, 0x30},          /* rolw */
    {OPC_OP, 5, FORM_R, 0x30},             /* ror */
    {OPC_OP_IMM, 5, FORM_SH6, 0x30},       /* rori */
    {OPC_OP_IMM_32, 5, FORM_SH5, 0x30},    /* roriw */
    {OPC_OP_32, 5, FORM_R, 0x30},          /* rorw */
    {OPC_OP_IMM, 5, FORM_UNARY, 0x287},    /* orc.b */
    {OPC_OP_IMM, 5, FORM_UNARY, 0x6b8},    /* rev8 */
};

static const struct form_def zbs[] = {
    {OPC_OP, 1, FORM_R, 0x24},       /* bclr */
    {OPC_OP_IMM, 1, FORM_SH6, 0x24}, /* bclri */
    {OPC_OP, 5, FORM_R, 0x24},       /* bext */
    {OPC_OP_IMM, 5, FORM_SH6, 0x24}, /* bexti */
    {OPC_OP, 1, FORM_R, 0x34},       /* binv */
    {OPC_OP_IMM, 1, FORM_SH6, 0x34}, /* binvi */
    {OPC_OP, 1, FORM_R, 0x14},       /* bset */
    {OPC_OP_IMM, 1, FORM_SH6, 0x14}, /* bseti */
};

static const struct form_def zicond[] = {
    {OPC_OP, 5, FORM_R, 0x07}, /* czero.eqz */
    {OPC_OP, 7, FORM_R, 0x07}, /* czero.nez */
};

struct ext_table {
	unsigned ext;
	const struct form_def *forms;
	unsigned count;
};

static const struct ext_table tables[] = {
    {RV_GEN_EXT_ZBA, zba, sizeof(zba) / sizeof(zba[0])},
    {RV_GEN_EXT_ZBB, zbb, sizeof(zbb) / sizeof(zbb[0])},
    {RV_GEN_EXT_ZBS, zbs, sizeof(zbs) / sizeof(zbs[0])},
    {RV_GEN_EXT_ZICOND, zicond, sizeof(zicond) / sizeof(zicond[0])},
};

static unsigned pick(uint64_t *seed, unsigned n)
{
	return (unsigned)(rv_gen_random(seed) % n);
}

/* Shift amounts and bit indexes: the edges half of the time. */
static unsigned shift_amount(uint64_t *seed, unsigned width)
{
	static const uint8_t edges[] = {0, 1, 31, 32, 63};
	unsigned s = pick(seed, 2) ? edges[pick(seed, sizeof(edges))] : pick(seed, 64);
	return s & (width - 1);
}

/* An instruction that puts a value the bit-manipulation ops treat specially into tmp. */
static uint32_t edge_value(uint64_t *seed, unsigned tmp, unsigned rs1)
{
	static const int16_t small[] = {0, -1, 1, 31, 32, 33, 63, 64, 65, 127};
	static const uint32_t upper[] = {0x80000, 0x7ffff, 0xfffff, 0x00010, 0xff000, 0x00ff0};
	switch (pick(seed, 8)) {
	case 0: return enc_i(OPC_OP_IMM, tmp, 0, 0, small[pick(seed, sizeof(small) / sizeof(small[0]))]);
	case 1: return enc_i(OPC_OP_IMM, tmp, 7, rs1, (int32_t)pick(seed, 128)); /* andi: a small index */
	case 2: { /* andi: the upper bytes zero, some low ones too */
		static const int16_t masks[] = {0x0ff, 0x7f0, 0x00f, 0x100, 0x780};
		return enc_i(OPC_OP_IMM, tmp, 7, rs1, masks[pick(seed, sizeof(masks) / sizeof(masks[0]))]);
	}
	case 3: return enc_u(OPC_LUI, tmp, upper[pick(seed, sizeof(upper) / sizeof(upper[0]))]);
	/* slli / srli by whole bytes: zero bytes at the bottom / the top */
	case 4: return enc_i(OPC_OP_IMM, tmp, 1, rs1, (int32_t)(8 * (1 + pick(seed, 7))));
	case 5: return enc_i(OPC_OP_IMM, tmp, 5, rs1, (int32_t)(8 * (1 + pick(seed, 7))));
	case 6: return enc_i(OPC_OP_IMM, tmp, 5, rs1, 0x400 | 63); /* srai 63: 0 or all ones */
	default: return enc_i(OPC_OP_IMM_32, tmp, 0, rs1, 0);      /* sext.w */
	}
}

static uint32_t encode(const struct form_def *f, unsigned rd, unsigned rs1, unsigned rs2, uint64_t *seed)
{
	switch ((enum form)f->form) {
	case FORM_R: return enc_r(f->opcode, rd, f->funct3, rs1, rs2, f->top);
	case FORM_UNARY: return enc_i(f->opcode, rd, f->funct3, rs1, f->top);
	case FORM_SH6:
		return enc_i(f->opcode, rd, f->funct3, rs1, (int32_t)(f->top << 5 | shift_amount(seed, 64)));
	case FORM_SH5:
		return enc_i(f->opcode, rd, f->funct3, rs1, (int32_t)(f->top << 5 | shift_amount(seed, 32)));
	}
	return 0;
}

unsigned rv_gen_bitmanip(uint32_t out[RV_GEN_BITMANIP_MAX_WORDS], unsigned exts, unsigned rd, unsigned tmp,
                         unsigned rs1, unsigned rs2, uint64_t *seed)
{
	const struct ext_table *chosen[sizeof(tables) / sizeof(tables[0])];
	unsigned n_chosen = 0;
	for (unsigned i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (exts & tables[i].ext)
			chosen[n_chosen++] = &tables[i];
	if (n_chosen == 0)
		return 0;
	const struct ext_table *t = chosen[pick(seed, n_chosen)];
	const struct form_def *f = &t->forms[pick(seed, t->count)];
	unsigned n = 0;
	if (tmp != 0 && pick(seed, 2)) {
		out[n++] = edge_value(seed, tmp, rs1);
		if (pick(seed, 2) || f->form != FORM_R)
			rs1 = tmp;
		else
			rs2 = tmp;
	}
	if (pick(seed, 8) == 0) /* x0 as an operand (add.uw rd, rs, x0 is zext.w) */
		rs2 = 0;
	out[n++] = encode(f, rd, rs1, rs2, seed);
	return n;
}
