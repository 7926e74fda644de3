/* AArch64 general-purpose load/store decoder for ISV=0 data aborts (see insn_decode.h). Encodings: ARM ARM
 * C4.1.66 (loads and stores) and the per-instruction pages in C6.2. */
#include "hv/arch/arm64/insn_decode.h"

#include "lib/mem.h"

/* Field positions. */
#define RT_SHIFT   0u
#define RN_SHIFT   5u
#define RT2_SHIFT  10u
#define RM_SHIFT   16u
#define REG_MASK   0x1fu
#define SIZE_SHIFT 30u /* size[1:0] (single register) / opc[1:0] (pair) */
#define OPC_SHIFT  22u /* opc[1:0] of single-register forms */
#define V_BIT      (1u << 26)

/* Class patterns (bits that identify the encoding group). */
#define LDST_UIMM_MASK    0x3b000000u /* bits 29:27, 25:24 */
#define LDST_UIMM_VALUE   0x39000000u /* 111 x 01 */
#define LDST_IMM9_MASK    0x3b200000u /* bits 29:27, 25:24, 21 */
#define LDST_IMM9_VALUE   0x38000000u /* 111 x 00, bit 21 = 0 */
#define LDST_REGOFF_MASK  0x3b200c00u /* also bits 11:10 */
#define LDST_REGOFF_VALUE 0x38200800u /* 111 x 00, bit 21 = 1, bits 11:10 = 10 */
#define LDST_PAIR_MASK    0x38000000u /* bits 29:27 */
#define LDST_PAIR_VALUE   0x28000000u /* 101 */

#define IMM12_SHIFT        10u
#define IMM12_MASK         0xfffu
#define IMM9_SHIFT         12u
#define IMM9_MASK          0x1ffu
#define IMM9_MODE_SHIFT    10u /* bits 11:10 */
#define IMM9_MODE_UNSCALED 0u
#define IMM9_MODE_POST     1u
#define IMM9_MODE_UNPRIV   2u
#define IMM9_MODE_PRE      3u
#define IMM7_SHIFT         15u
#define IMM7_MASK          0x7fu
#define PAIR_TYPE_SHIFT    23u /* bits 25:23 with bit 25 = 0 */
#define PAIR_TYPE_MASK     0x7u
#define PAIR_TYPE_NOALLOC  0u
#define PAIR_TYPE_POST     1u
#define PAIR_TYPE_OFFSET   2u
#define PAIR_TYPE_PRE      3u
#define PAIR_L_BIT         (1u << 22)
#define OPTION_SHIFT       13u
#define OPTION_MASK        0x7u
#define S_BIT              (1u << 12)

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	uint64_t m = 1ull << (bits - 1);
	v &= (m << 1) - 1u;
	return (int64_t)((v ^ m) - m);
}

/* Single-register opc/size -> access properties. False for PRFM and unallocated combinations. */
static bool single_reg_kind(unsigned size_log2, unsigned opc, struct a64_ldst *d)
{
	d->size = 1u << size_log2;
	switch (opc) {
	case 0: d->is_write = true; return true;
	case 1: d->dest_64 = size_log2 == 3; return true;
	case 2:
		/* LDRSB/LDRSH/LDRSW to an X register; size 3 is PRFM (immediate/register/PRFUM) or unallocated. */
		if (size_log2 == 3)
			return false;
		d->sign_extend = true;
		d->dest_64 = true;
		return true;
	default:
		/* LDRSB/LDRSH to a W register; sizes 2 and 3 are unallocated. */
		if (size_log2 >= 2)
			return false;
		d->sign_extend = true;
		d->dest_64 = false;
		return true;
	}
}

static enum a64_decode_result decode_single(uint32_t insn, struct a64_ldst *d)
{
	unsigned size_log2 = insn >> SIZE_SHIFT;
	unsigned opc = (insn >> OPC_SHIFT) & 3u;
	d->rt = (insn >> RT_SHIFT) & REG_MASK;
	d->rn = (insn >> RN_SHIFT) & REG_MASK;

	if ((insn & LDST_UIMM_MASK) == LDST_UIMM_VALUE) {
		if (!single_reg_kind(size_log2, opc, d))
			return A64_DECODE_UNSUPPORTED;
		d->mode = A64_ADDR_OFFSET;
		d->offset = (int64_t)(((insn >> IMM12_SHIFT) & IMM12_MASK) << size_log2);
		return A64_DECODE_OK;
	}
	if ((insn & LDST_IMM9_MASK) == LDST_IMM9_VALUE) {
		unsigned mode = (insn >> IMM9_MODE_SHIFT) & 3u;
		if (!single_reg_kind(size_log2, opc, d))
			return A64_DECODE_UNSUPPORTED;
		d->offset = sign_extend((insn >> IMM9_SHIFT) & IMM9_MASK, 9);
		switch (mode) {
		case IMM9_MODE_POST: d->mode = A64_ADDR_POST_INDEX; break;
		case IMM9_MODE_PRE: d->mode = A64_ADDR_PRE_INDEX; break;
		default:
			d->mode = A64_ADDR_OFFSET;
			break; /* LDUR/STUR and LDTR/STTR (same effect for MMIO) */
		}
		return A64_DECODE_OK;
	}
	if ((insn & LDST_REGOFF_MASK) == LDST_REGOFF_VALUE) {
		if (!single_reg_kind(size_log2, opc, d))
			return A64_DECODE_UNSUPPORTED;
		unsigned option = (insn >> OPTION_SHIFT) & OPTION_MASK;
		if (!(option & 2u))
			return A64_DECODE_UNSUPPORTED; /* options 0, 1, 4, 5 are unallocated */
		d->mode = A64_ADDR_REG_OFFSET;
		d->rm = (insn >> RM_SHIFT) & REG_MASK;
		d->extend = (enum a64_extend)option;
		d->shift = (insn & S_BIT) ? size_log2 : 0u;
		return A64_DECODE_OK;
	}
	return A64_DECODE_UNSUPPORTED;
}

static enum a64_decode_result decode_pair(uint32_t insn, struct a64_ldst *d)
{
	unsigned opc = insn >> SIZE_SHIFT;
	unsigned type = (insn >> PAIR_TYPE_SHIFT) & PAIR_TYPE_MASK;
	bool load = (insn & PAIR_L_BIT) != 0;
	unsigned scale_log2;
	switch (opc) {
	case 0: scale_log2 = 2; break;
	case 1:
		/* LDPSW (load only, not the no-allocate form); with L = 0 this is STGP (MTE). */
		if (!load || type == PAIR_TYPE_NOALLOC)
			return A64_DECODE_UNSUPPORTED;
		scale_log2 = 2;
		d->sign_extend = true;
		break;
	case 2: scale_log2 = 3; break;
	default: return A64_DECODE_UNSUPPORTED;
	}
	switch (type) {
	case PAIR_TYPE_NOALLOC:
	case PAIR_TYPE_OFFSET: d->mode = A64_ADDR_OFFSET; break;
	case PAIR_TYPE_POST: d->mode = A64_ADDR_POST_INDEX; break;
	case PAIR_TYPE_PRE: d->mode = A64_ADDR_PRE_INDEX; break;
	default: return A64_DECODE_UNSUPPORTED; /* bit 25 set: not a pair encoding */
	}
	d->pair = true;
	d->is_write = !load;
	d->size = 1u << scale_log2;
	d->dest_64 = scale_log2 == 3 || d->sign_extend;
	d->rt = (insn >> RT_SHIFT) & REG_MASK;
	d->rt2 = (insn >> RT2_SHIFT) & REG_MASK;
	d->rn = (insn >> RN_SHIFT) & REG_MASK;
	d->offset = sign_extend((insn >> IMM7_SHIFT) & IMM7_MASK, 7) * (int64_t)(1u << scale_log2);
	/* LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE. */
	if (load && d->rt == d->rt2)
		return A64_DECODE_UNSUPPORTED;
	return A64_DECODE_OK;
}

enum a64_decode_result a64_decode_ldst(uint32_t insn, struct a64_ldst *out)
{
	k_memset(out, 0, sizeof(*out));
	if (insn & V_BIT)
		return A64_DECODE_UNSUPPORTED; /* SIMD&FP registers */
	enum a64_decode_result r;
	if ((insn & LDST_PAIR_MASK) == LDST_PAIR_VALUE)
		r = decode_pair(insn, out);
	else
		r = decode_single(insn, out);
	/* Writeback onto a transferred register is CONSTRAINED UNPREDICTABLE (SP as base cannot clash). */
	if (r == A64_DECODE_OK && a64_ldst_writeback(out) && out->rn != A64_REG_ZR_OR_SP &&
	    (out->rn == out->rt || (out->pair && out->rn == out->rt2)))
		r = A64_DECODE_UNSUPPORTED;
	if (r != A64_DECODE_OK)
		k_memset(out, 0, sizeof(*out));
	return r;
}

bool a64_ldst_writeback(const struct a64_ldst *d)
{
	return d->mode == A64_ADDR_PRE_INDEX || d->mode == A64_ADDR_POST_INDEX;
}

static uint64_t extended_index(const struct a64_ldst *d, uint64_t xm)
{
	uint64_t v;
	switch (d->extend) {
	case A64_EXTEND_UXTW: v = (uint32_t)xm; break;
	case A64_EXTEND_SXTW: v = (uint64_t)(int64_t)(int32_t)(uint32_t)xm; break;
	default: v = xm; break; /* LSL (UXTX), SXTX */
	}
	return v << d->shift;
}

uint64_t a64_ldst_address(const struct a64_ldst *d, uint64_t xn, uint64_t xm)
{
	switch (d->mode) {
	case A64_ADDR_POST_INDEX: return xn;
	case A64_ADDR_REG_OFFSET: return xn + extended_index(d, xm);
	default: return xn + (uint64_t)d->offset;
	}
}

uint64_t a64_ldst_writeback_value(const struct a64_ldst *d, uint64_t xn)
{
	if (a64_ldst_writeback(d))
		return xn + (uint64_t)d->offset;
	return xn;
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8u * size)) - 1u;
}

uint64_t a64_ldst_load_value(const struct a64_ldst *d, uint64_t raw)
{
	uint64_t v = raw & size_mask(d->size);
	if (d->sign_extend)
		v = (uint64_t)sign_extend(v, 8u * d->size);
	if (!d->dest_64)
		v &= 0xffffffffull;
	return v;
}

uint64_t a64_ldst_store_value(const struct a64_ldst *d, uint64_t reg)
{
	return reg & size_mask(d->size);
}
