/* A tiny RISC-V assembler for the translator tests: instruction words built from the base encodings
 * (RISC-V unprivileged spec, chapter "RV32I/RV64I base": R/I/S/B/U/J formats). */
#ifndef KARASU_TESTS_UNIT_TEST_JIT_ASM_H
#define KARASU_TESTS_UNIT_TEST_JIT_ASM_H

#include <stdint.h>

/* opcode | funct3 << 12 | funct7 << 25 of each instruction. */
enum {
	RVA_LUI = 0x37,
	RVA_AUIPC = 0x17,
	RVA_JAL = 0x6f,
	RVA_JALR = 0x67,
	RVA_BEQ = 0x63,
	RVA_BNE = 0x63 | 1 << 12,
	RVA_BLT = 0x63 | 4 << 12,
	RVA_BGE = 0x63 | 5 << 12,
	RVA_BLTU = 0x63 | 6 << 12,
	RVA_BGEU = 0x63 | 7 << 12,
	RVA_LB = 0x03,
	RVA_LH = 0x03 | 1 << 12,
	RVA_LW = 0x03 | 2 << 12,
	RVA_LD = 0x03 | 3 << 12,
	RVA_LBU = 0x03 | 4 << 12,
	RVA_LHU = 0x03 | 5 << 12,
	RVA_LWU = 0x03 | 6 << 12,
	RVA_SB = 0x23,
	RVA_SH = 0x23 | 1 << 12,
	RVA_SW = 0x23 | 2 << 12,
	RVA_SD = 0x23 | 3 << 12,
	RVA_ADDI = 0x13,
	RVA_SLTI = 0x13 | 2 << 12,
	RVA_SLTIU = 0x13 | 3 << 12,
	RVA_XORI = 0x13 | 4 << 12,
	RVA_ORI = 0x13 | 6 << 12,
	RVA_ANDI = 0x13 | 7 << 12,
	RVA_SLLI = 0x13 | 1 << 12,
	RVA_SRLI = 0x13 | 5 << 12,
	RVA_SRAI = 0x13 | 5 << 12 | 0x20 << 25,
	RVA_ADD = 0x33,
	RVA_SUB = 0x33 | 0x20 << 25,
	RVA_SLL = 0x33 | 1 << 12,
	RVA_SLT = 0x33 | 2 << 12,
	RVA_SLTU = 0x33 | 3 << 12,
	RVA_XOR = 0x33 | 4 << 12,
	RVA_SRL = 0x33 | 5 << 12,
	RVA_SRA = 0x33 | 5 << 12 | 0x20 << 25,
	RVA_OR = 0x33 | 6 << 12,
	RVA_AND = 0x33 | 7 << 12,
	RVA_ADDIW = 0x1b,
	RVA_SLLIW = 0x1b | 1 << 12,
	RVA_SRLIW = 0x1b | 5 << 12,
	RVA_SRAIW = 0x1b | 5 << 12 | 0x20 << 25,
	RVA_ADDW = 0x3b,
	RVA_SUBW = 0x3b | 0x20 << 25,
	RVA_SLLW = 0x3b | 1 << 12,
	RVA_SRLW = 0x3b | 5 << 12,
	RVA_SRAW = 0x3b | 5 << 12 | 0x20 << 25,
	RVA_MUL = 0x33 | 1 << 25,
	RVA_MULH = 0x33 | 1 << 12 | 1 << 25,
	RVA_MULHSU = 0x33 | 2 << 12 | 1 << 25,
	RVA_MULHU = 0x33 | 3 << 12 | 1 << 25,
	RVA_DIV = 0x33 | 4 << 12 | 1 << 25,
	RVA_DIVU = 0x33 | 5 << 12 | 1 << 25,
	RVA_REM = 0x33 | 6 << 12 | 1 << 25,
	RVA_REMU = 0x33 | 7 << 12 | 1 << 25,
	RVA_MULW = 0x3b | 1 << 25,
	RVA_DIVW = 0x3b | 4 << 12 | 1 << 25,
	RVA_DIVUW = 0x3b | 5 << 12 | 1 << 25,
	RVA_REMW = 0x3b | 6 << 12 | 1 << 25,
	RVA_REMUW = 0x3b | 7 << 12 | 1 << 25,
	RVA_FLW = 0x07 | 2 << 12,
	RVA_FLD = 0x07 | 3 << 12,
	RVA_FSW = 0x27 | 2 << 12,
	RVA_FSD = 0x27 | 3 << 12,
	/* OP-FP: funct7 selects the operation and format, rm (funct3) = 7 dynamic unless noted */
	RVA_FADD_D = 0x53 | 0x01 << 25,
	RVA_FSUB_D = 0x53 | 0x05 << 25,
	RVA_FMUL_D = 0x53 | 0x09 << 25,
	RVA_FDIV_D = 0x53 | 0x0d << 25,
	RVA_FSQRT_D = 0x53 | 0x2d << 25,
	RVA_FADD_S = 0x53 | 0x00 << 25,
	RVA_FSUB_S = 0x53 | 0x04 << 25,
	RVA_FMUL_S = 0x53 | 0x08 << 25,
	RVA_FDIV_S = 0x53 | 0x0c << 25,
	RVA_FSGNJ_D = 0x53 | 0x11 << 25, /* funct3 0 */
	RVA_FSGNJN_D = 0x53 | 1 << 12 | 0x11 << 25,
	RVA_FSGNJX_D = 0x53 | 2 << 12 | 0x11 << 25,
	RVA_FMIN_D = 0x53 | 0x15 << 25,
	RVA_FMAX_D = 0x53 | 1 << 12 | 0x15 << 25,
	RVA_FEQ_D = 0x53 | 2 << 12 | 0x51 << 25,
	RVA_FLT_D = 0x53 | 1 << 12 | 0x51 << 25,
	RVA_FLE_D = 0x53 | 0x51 << 25,
	RVA_FMV_X_D = 0x53 | 0x71 << 25, /* rs2 = 0, funct3 0 */
	RVA_FMV_D_X = 0x53 | 0x79 << 25, /* rs2 = 0, funct3 0 */
	RVA_FCVT_D_L = 0x53 | 0x69 << 25 | 2 << 20,
	RVA_FCVT_D_W = 0x53 | 0x69 << 25,
	RVA_FCVT_L_D = 0x53 | 0x61 << 25 | 2 << 20,
	RVA_FCVT_W_D = 0x53 | 0x61 << 25,
	RVA_FMADD_D = 0x43 | 1 << 25, /* R4: rs3 << 27, fmt 01 */
	RVA_FMSUB_D = 0x47 | 1 << 25,
	RVA_FNMSUB_D = 0x4b | 1 << 25,
	RVA_FNMADD_D = 0x4f | 1 << 25,
	RVA_RM_DYN = 7 << 12,
	RVA_CSRRW = 0x73 | 1 << 12, /* csr number in the immediate field */
	RVA_CSRRS = 0x73 | 2 << 12,
	RVA_CSR_FFLAGS = 0x001,
};

#define RVA_MAX_WORDS 4096
struct rv_asm {
	unsigned n;
	uint32_t code[RVA_MAX_WORDS];
};

static inline uint32_t rv_enc_r(uint32_t op, unsigned rd, unsigned rs1, unsigned rs2)
{
	return op | (rd & 31) << 7 | (rs1 & 31) << 15 | (rs2 & 31) << 20;
}

static inline uint32_t rv_enc_i(uint32_t op, unsigned rd, unsigned rs1, int imm)
{
	return op | (rd & 31) << 7 | (rs1 & 31) << 15 | ((uint32_t)imm & 0xfff) << 20;
}

static inline unsigned asm_word(struct rv_asm *a, uint32_t w)
{
	a->code[a->n] = w;
	return a->n++;
}

static inline unsigned asm_r(struct rv_asm *a, uint32_t op, unsigned rd, unsigned rs1, unsigned rs2)
{
	return asm_word(a, rv_enc_r(op, rd, rs1, rs2));
}

static inline unsigned asm_r4(struct rv_asm *a, uint32_t op, unsigned rd, unsigned rs1, unsigned rs2,
                              unsigned rs3)
{
	return asm_word(a, rv_enc_r(op, rd, rs1, rs2) | (rs3 & 31) << 27);
}

static inline unsigned asm_i(struct rv_asm *a, uint32_t op, unsigned rd, unsigned rs1, int imm)
{
	return asm_word(a, rv_enc_i(op, rd, rs1, imm));
}

static inline unsigned asm_shift(struct rv_asm *a, uint32_t op, unsigned rd, unsigned rs1, unsigned shamt)
{
	unsigned mask = (op & 0x7f) == 0x1b ? 31 : 63;
	return asm_word(a, op | (rd & 31) << 7 | (rs1 & 31) << 15 | (shamt & mask) << 20);
}

static inline unsigned asm_s(struct rv_asm *a, uint32_t op, unsigned base, unsigned src, int imm)
{
	uint32_t u = (uint32_t)imm;
	return asm_word(a, op | (u & 0x1f) << 7 | (base & 31) << 15 | (src & 31) << 20 |
	                       ((u >> 5) & 0x7f) << 25);
}

static inline unsigned asm_b(struct rv_asm *a, uint32_t op, unsigned rs1, unsigned rs2, int off)
{
	uint32_t u = (uint32_t)off;
	return asm_word(a, op | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | (rs1 & 31) << 15 |
	                       (rs2 & 31) << 20 | ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31);
}

static inline unsigned asm_u(struct rv_asm *a, uint32_t op, unsigned rd, uint32_t value)
{
	return asm_word(a, op | (rd & 31) << 7 | (value & 0xfffff000u));
}

static inline uint32_t rv_enc_jal(unsigned rd, int off)
{
	uint32_t u = (uint32_t)off;
	return RVA_JAL | (rd & 31) << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
	       ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
}

static inline unsigned asm_jal(struct rv_asm *a, unsigned rd, int off)
{
	return asm_word(a, rv_enc_jal(rd, off));
}

static inline void asm_patch_jal(struct rv_asm *a, unsigned at, unsigned rd, int off)
{
	a->code[at] = rv_enc_jal(rd, off);
}

static inline unsigned asm_ecall(struct rv_asm *a)
{
	return asm_word(a, 0x00000073);
}

static inline unsigned asm_ebreak(struct rv_asm *a)
{
	return asm_word(a, 0x00100073);
}

static inline unsigned asm_fence_i(struct rv_asm *a)
{
	return asm_word(a, 0x0000100f);
}

#endif
