/* A small x86-64 machine-code encoder for the translator: general-purpose integer instructions (with the
 * BMI1/BMI2/LZCNT/POPCNT bit-manipulation ones), control transfer with patchable rel32 displacements,
 * and SSE2 scalar floating point.
 *
 * Code is written into a buffer whose bytes may be mapped twice (written through one address, executed
 * through another); exec_delta = executable address - writable address, and every pc-relative
 * displacement is computed against the executable address.
 */
#ifndef KARASU_RV_JIT_X86_EMIT_H
#define KARASU_RV_JIT_X86_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_gpr {
	X86_RAX,
	X86_RCX,
	X86_RDX,
	X86_RBX,
	X86_RSP,
	X86_RBP,
	X86_RSI,
	X86_RDI,
	X86_R8,
	X86_R9,
	X86_R10,
	X86_R11,
	X86_R12,
	X86_R13,
	X86_R14,
	X86_R15,
	X86_NO_REG = -1,
};

/* xmm registers use the same numbers 0..15. */
enum x86_xmm { X86_XMM0, X86_XMM1, X86_XMM2, X86_XMM3, X86_XMM4, X86_XMM5, X86_XMM6, X86_XMM7 };

/* Condition codes, the low nibble of Jcc/SETcc/CMOVcc opcodes. */
enum x86_cc {
	X86_CC_O,
	X86_CC_NO,
	X86_CC_B,
	X86_CC_AE,
	X86_CC_E,
	X86_CC_NE,
	X86_CC_BE,
	X86_CC_A,
	X86_CC_S,
	X86_CC_NS,
	X86_CC_P,
	X86_CC_NP,
	X86_CC_L,
	X86_CC_GE,
	X86_CC_LE,
	X86_CC_G,
};

static inline enum x86_cc x86_cc_invert(enum x86_cc cc)
{
	return (enum x86_cc)(cc ^ 1);
}

/* The eight classic ALU operations; the value is the /digit of opcodes 0x81/0x83 and opcode >> 3. */
enum x86_alu { X86_ADD, X86_OR, X86_ADC, X86_SBB, X86_AND, X86_SUB, X86_XOR, X86_CMP };

/* Shifts and rotates; the value is the /digit of opcodes 0xC1/0xD3. */
enum x86_shift { X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };

/* Group-3 unary operations (opcode 0xF7 /digit). */
enum x86_unary { X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6, X86_IDIV = 7 };

/* Scalar SSE arithmetic (low byte of the 0F xx opcode; F2 prefix = double, F3 = single). */
enum x86_sse_op {
	X86_SSE_SQRT = 0x51,
	X86_SSE_ADD = 0x58,
	X86_SSE_MUL = 0x59,
	X86_SSE_SUB = 0x5c,
	X86_SSE_MIN = 0x5d,
	X86_SSE_DIV = 0x5e,
	X86_SSE_MAX = 0x5f,
};

/* A memory operand: [base + index*scale + disp]. base may be X86_NO_REG (absolute disp32). */
struct x86_mem {
	int8_t base;
	int8_t index;  /* X86_NO_REG: none; never X86_RSP */
	uint8_t scale; /* 1, 2, 4 or 8 */
	int32_t disp;
};

static inline struct x86_mem x86_mem_bd(enum x86_gpr base, int32_t disp)
{
	struct x86_mem m = {(int8_t)base, X86_NO_REG, 1, disp};
	return m;
}

static inline struct x86_mem x86_mem_bis(enum x86_gpr base, enum x86_gpr index, unsigned scale, int32_t disp)
{
	struct x86_mem m = {(int8_t)base, (int8_t)index, (uint8_t)scale, disp};
	return m;
}

struct x86_buf {
	uint8_t *start; /* writable address of the first byte */
	uint8_t *p;     /* next byte to write */
	uint8_t *end;
	intptr_t exec_delta; /* executable address - writable address */
	bool overflow;       /* a write did not fit; the buffer content is unusable */
};

void x86_buf_init(struct x86_buf *b, uint8_t *start, size_t size, intptr_t exec_delta);

static inline uintptr_t x86_exec_addr(const struct x86_buf *b, const uint8_t *writable)
{
	return (uintptr_t)writable + (uintptr_t)b->exec_delta;
}

static inline uintptr_t x86_here(const struct x86_buf *b)
{
	return x86_exec_addr(b, b->p);
}

/* Raw bytes (inline: the encoders emit everything through these). */
static inline void x86_byte(struct x86_buf *b, uint8_t v)
{
	if (__builtin_expect(b->p >= b->end, 0)) {
		b->overflow = true;
		return;
	}
	*b->p++ = v;
}

static inline void x86_u32(struct x86_buf *b, uint32_t v)
{
	if (__builtin_expect(b->end - b->p < 4, 0)) {
		b->overflow = true;
		return;
	}
	for (int i = 0; i < 4; i++)
		*b->p++ = (uint8_t)(v >> (8 * i));
}

static inline void x86_u64(struct x86_buf *b, uint64_t v)
{
	x86_u32(b, (uint32_t)v);
	x86_u32(b, (uint32_t)(v >> 32));
}

/* Integer moves. w64: 64-bit operation, else 32-bit (which zero-extends into the full register). */
void x86_mov_rr(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src);
void x86_mov_ri(struct x86_buf *b, enum x86_gpr dst, uint64_t imm); /* shortest form for a 64-bit value */
void x86_movabs(struct x86_buf *b, enum x86_gpr dst, uint64_t imm); /* always the 10-byte form */
/* Loads of 1, 2, 4 or 8 bytes, sign- or zero-extended to 64 bits. */
void x86_load(struct x86_buf *b, unsigned size, bool sign, enum x86_gpr dst, struct x86_mem m);
void x86_store(struct x86_buf *b, unsigned size, struct x86_mem m, enum x86_gpr src);
void x86_store_imm(struct x86_buf *b, unsigned size, struct x86_mem m, int32_t imm); /* 8: sign-ext */
void x86_movsx_rr(struct x86_buf *b, unsigned from_size, enum x86_gpr dst, enum x86_gpr src); /* to 64 */
void x86_movzx_rr(struct x86_buf *b, unsigned from_size, enum x86_gpr dst, enum x86_gpr src); /* 1 or 2 */
void x86_lea(struct x86_buf *b, bool w64, enum x86_gpr dst, struct x86_mem m);

/* ALU: dst op= src / imm (imm is sign-extended from 32 bits). */
void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, enum x86_gpr src);
void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, int32_t imm);
void x86_alu_rm(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, struct x86_mem m);
void x86_alu_mr(struct x86_buf *b, enum x86_alu op, bool w64, struct x86_mem m, enum x86_gpr src);
void x86_alu_mi(struct x86_buf *b, enum x86_alu op, bool w64, struct x86_mem m, int32_t imm);
void x86_test_rr(struct x86_buf *b, bool w64, enum x86_gpr a, enum x86_gpr c);
void x86_test_ri(struct x86_buf *b, bool w64, enum x86_gpr a, int32_t imm);
void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_gpr dst, uint8_t count);
void x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_gpr dst);
void x86_unary(struct x86_buf *b, enum x86_unary op, bool w64, enum x86_gpr r); /* not/neg/mul/div.. */
void x86_imul_rr(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src);
void x86_imul_rri(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src, int32_t imm);
void x86_cqo(struct x86_buf *b); /* rdx:rax = sign-extend rax */
void x86_cdq(struct x86_buf *b); /* edx:eax = sign-extend eax */
void x86_setcc(struct x86_buf *b, enum x86_cc cc, enum x86_gpr dst8);
void x86_cmov(struct x86_buf *b, enum x86_cc cc, bool w64, enum x86_gpr dst, enum x86_gpr src);
void x86_bswap(struct x86_buf *b, bool w64, enum x86_gpr r);

/* Bit manipulation. tzcnt (BMI1), lzcnt (LZCNT) and popcnt (POPCNT) are F3-prefixed 0F opcodes; a CPU
 * without BMI1/LZCNT runs tzcnt/lzcnt as bsf/bsr (the prefix is ignored), with a different result for
 * 0 and different flags: emit them only when the host has the extension. Counts of zero inputs are the
 * operand width; the 32-bit forms zero-extend their result. */
enum x86_bitcount { X86_POPCNT = 0xb8, X86_TZCNT = 0xbc, X86_LZCNT = 0xbd };
void x86_bitcount(struct x86_buf *b, enum x86_bitcount op, bool w64, enum x86_gpr dst, enum x86_gpr src);
/* bsf (reverse false) / bsr: dst = index of the lowest / highest set bit of src; ZF = (src == 0), and
 * dst is then undefined. */
void x86_bitscan(struct x86_buf *b, bool reverse, bool w64, enum x86_gpr dst, enum x86_gpr src);
/* bt, bts, btr, btc: CF = bit `index` of r, then the bit is kept, set, cleared or flipped. With a register
 * index the bit number is taken modulo the operand width (register operands only: a memory operand would
 * address a bit string). The value is the /digit of the immediate form 0F BA. */
enum x86_bt { X86_BT = 4, X86_BTS = 5, X86_BTR = 6, X86_BTC = 7 };
void x86_bt_rr(struct x86_buf *b, enum x86_bt op, bool w64, enum x86_gpr r, enum x86_gpr index);
void x86_bt_ri(struct x86_buf *b, enum x86_bt op, bool w64, enum x86_gpr r, uint8_t index);
/* BMI1 andn: dst = ~src1 & src2 (flags written). BMI2 rorx: dst = src rotated right by imm, flags kept. */
void x86_andn(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src1, enum x86_gpr src2);
void x86_rorx(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src, uint8_t imm);
/* SSE2 packed-integer operations on whole xmm registers (66 0F xx /r). */
enum x86_sse_int { X86_PCMPEQB = 0x74, X86_PXOR = 0xef };
void x86_sse_int(struct x86_buf *b, enum x86_sse_int op, int dst, int src);
void x86_push(struct x86_buf *b, enum x86_gpr r);
void x86_pop(struct x86_buf *b, enum x86_gpr r);

/* Control transfer. Targets are executable addresses. The *32 forms return the writable address of
 * their rel32 field so it can be patched later with x86_patch_rel32. */
uint8_t *x86_jmp32(struct x86_buf *b, uintptr_t target);
uint8_t *x86_jcc32(struct x86_buf *b, enum x86_cc cc, uintptr_t target);
uint8_t *x86_call32(struct x86_buf *b, uintptr_t target);
void x86_jmp8(struct x86_buf *b, uintptr_t target); /* target must be within rel8 range */
void x86_jcc8(struct x86_buf *b, enum x86_cc cc, uintptr_t target);
void x86_jmp_r(struct x86_buf *b, enum x86_gpr r);
void x86_jmp_m(struct x86_buf *b, struct x86_mem m);
void x86_call_r(struct x86_buf *b, enum x86_gpr r);
void x86_ret(struct x86_buf *b);
void x86_ud2(struct x86_buf *b);
void x86_mfence(struct x86_buf *b);
/* NOPs up to the next multiple of align (a power of two) of the executable address. */
void x86_align(struct x86_buf *b, unsigned align);
/* Sets the rel32 field at (writable) address field so that the instruction ending right after it jumps
 * to target (executable address). Returns false if the target is out of rel32 range. */
bool x86_patch_rel32(intptr_t exec_delta, uint8_t *field, uintptr_t target);
/* True if target can be reached with a rel32 from the current position (conservative). */
bool x86_rel32_ok(const struct x86_buf *b, uintptr_t target);

/* SSE2 scalar floating point. dbl: the double form (F2/66 prefixes), else single (F3/none). */
void x86_sse_arith(struct x86_buf *b, enum x86_sse_op op, bool dbl, int dst, int src);
void x86_sse_arith_m(struct x86_buf *b, enum x86_sse_op op, bool dbl, int dst, struct x86_mem m);
void x86_sse_load(struct x86_buf *b, bool dbl, int dst, struct x86_mem m);  /* movsd/movss xmm, m */
void x86_sse_store(struct x86_buf *b, bool dbl, struct x86_mem m, int src); /* movsd/movss m, xmm */
void x86_movaps(struct x86_buf *b, int dst, int src);                       /* whole-register copy */
void x86_movq_xr(struct x86_buf *b, bool w64, int xmm, enum x86_gpr r);     /* movq/movd xmm, r */
void x86_movq_rx(struct x86_buf *b, bool w64, enum x86_gpr r, int xmm);     /* movq/movd r, xmm */
void x86_ucomi(struct x86_buf *b, bool dbl, int a, int c);                  /* ucomisd/ucomiss */
void x86_comi(struct x86_buf *b, bool dbl, int a, int c);                   /* comisd/comiss */
void x86_cvtsi2f(struct x86_buf *b, bool dbl, bool w64, int dst, enum x86_gpr src);
void x86_cvtf2si(struct x86_buf *b, bool dbl, bool w64, bool truncate, enum x86_gpr dst, int src);
void x86_cvtf2f(struct x86_buf *b, bool from_dbl, int dst, int src); /* cvtsd2ss / cvtss2sd */
void x86_ldmxcsr(struct x86_buf *b, struct x86_mem m);
void x86_stmxcsr(struct x86_buf *b, struct x86_mem m);
/* Fused multiply-add (FMA3, VEX): dst = dst*src2 + src3 ("231" form), with optional negations:
 * kind 0: vfmadd231, 1: vfmsub231, 2: vfnmadd231, 3: vfnmsub231. */
void x86_vfma231(struct x86_buf *b, bool dbl, unsigned kind, int dst, int src2, int src3);

#endif
