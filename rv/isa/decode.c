/* RV64GC (+ Zba, Zbb, Zbs, Zicond) decoder: one table of (mask, match) patterns per major opcode, and one
 * per compressed quadrant/funct3. A pattern names the op and the format that extracts its operands;
 * compressed patterns expand to the base op with the registers and immediate the expansion implies. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv/isa/insn.h"

/* Operand layouts of 32-bit instructions. */
enum fmt32 {
	F_NONE,    /* no operands (ecall, fence.i, ...) */
	F_R,       /* rd rs1 rs2 */
	F_R1,      /* rd rs1 (unary FP without rounding mode, Zbb's unary ops) */
	F_R_RM,    /* rd rs1 rs2 rm */
	F_R1_RM,   /* rd rs1 rm (unary FP) */
	F_R4,      /* rd rs1 rs2 rs3 rm (fused multiply-add) */
	F_I,       /* rd rs1 imm[11:0] */
	F_S,       /* rs1 rs2 imm (store) */
	F_B,       /* rs1 rs2 branch offset */
	F_U,       /* rd imm[31:12] */
	F_J,       /* rd jump offset */
	F_SHIFT64, /* rd rs1 shamt[5:0] */
	F_SHIFT32, /* rd rs1 shamt[4:0] */
	F_CSR,     /* rd csr rs1 */
	F_CSRI,    /* rd csr zimm */
	F_FENCE,   /* fm pred succ */
	F_AMO,     /* rd rs1 rs2 aq rl */
	F_SFENCE,  /* rs1 rs2 */
};

/* Compressed formats: each names where the fields are and how the base instruction uses them. */
enum fmtc {
	C_ADDI4SPN, /* addi rd', x2, nzuimm */
	C_LOAD_W,   /* rd', uimm(rs1'), word-scaled */
	C_LOAD_D,   /* rd', uimm(rs1'), doubleword-scaled */
	C_STORE_W,  /* rs2', uimm(rs1') */
	C_STORE_D,
	C_ADDI,     /* addi/addiw rd, rd, imm */
	C_LI,       /* addi rd, x0, imm */
	C_ADDI16SP, /* addi x2, x2, nzimm*16 */
	C_LUI,      /* lui rd, nzimm */
	C_SHIFT_RP, /* srli/srai rd', rd', shamt */
	C_ANDI,     /* andi rd', rd', imm */
	C_ARITH,    /* op rd', rd', rs2' */
	C_J,        /* jal x0, offset */
	C_BRANCH,   /* beq/bne rs1', x0, offset */
	C_SLLI,     /* slli rd, rd, shamt */
	C_LWSP,     /* lw rd, uimm(x2) */
	C_LDSP,     /* ld/fld rd, uimm(x2) */
	C_JR,       /* jalr x0, 0(rs1) */
	C_JALR,     /* jalr x1, 0(rs1) */
	C_MV,       /* add rd, x0, rs2 */
	C_ADD,      /* add rd, rd, rs2 */
	C_EBREAK,
	C_SWSP, /* sw rs2, uimm(x2) */
	C_SDSP, /* sd/fsd rs2, uimm(x2) */
};

/* Constraints that make an otherwise matching compressed encoding reserved. */
#define NZ_IMM 0x1 /* immediate must be nonzero */
#define NZ_RD  0x2 /* rd must not be x0 */

struct pattern {
	uint32_t mask, match;
	uint16_t op;
	uint8_t fmt; /* enum fmt32 or enum fmtc */
	uint8_t constraints;
};

/* Major opcodes (bits 6:0). */
#define OPC_LOAD      0x03
#define OPC_LOAD_FP   0x07
#define OPC_MISC_MEM  0x0f
#define OPC_OP_IMM    0x13
#define OPC_AUIPC     0x17
#define OPC_OP_IMM_32 0x1b
#define OPC_STORE     0x23
#define OPC_STORE_FP  0x27
#define OPC_AMO       0x2f
#define OPC_OP        0x33
#define OPC_LUI       0x37
#define OPC_OP_32     0x3b
#define OPC_MADD      0x43
#define OPC_MSUB      0x47
#define OPC_NMSUB     0x4b
#define OPC_NMADD     0x4f
#define OPC_OP_FP     0x53
#define OPC_BRANCH    0x63
#define OPC_JALR      0x67
#define OPC_JAL       0x6f
#define OPC_SYSTEM    0x73

#define MASK_OPC     0x0000007fu
#define MASK_F3      0x0000707fu
#define MASK_F7F3    0xfe00707fu
#define MASK_F6F3    0xfc00707fu
#define MASK_F7      0xfe00007fu
#define MASK_F7RS2   0xfff0007fu
#define MASK_F7RS2F3 0xfff0707fu
#define MASK_F5F3    0xf800707fu /* AMO: funct5 + funct3 (aq/rl free) */
#define MASK_F5RS2F3 0xf9f0707fu /* LR: rs2 must be 0 */
#define MASK_R4      0x0600007fu /* fused multiply-add: fmt bits 26:25 */
#define MASK_ALL     0xffffffffu

#define M(opc, f3, f7)         ((uint32_t)(opc) | ((uint32_t)(f3) << 12) | ((uint32_t)(f7) << 25))
#define MRS2(opc, f3, f7, rs2) (M(opc, f3, f7) | ((uint32_t)(rs2) << 20))
#define AMO(f5, f3)            (OPC_AMO | ((uint32_t)(f3) << 12) | ((uint32_t)(f5) << 27))
/* OP-FP funct7 = funct5 << 2 | fmt (0 = S, 1 = D). */
#define FP7(f5, fmt)           (((f5) << 2) | (fmt))

#define P(mask, match, op, fmt)                 \
	{                                       \
		mask, match, RV_OP_##op, fmt, 0 \
	}

static const struct pattern patterns32[] = {
    P(MASK_OPC, OPC_LUI, LUI, F_U),
    P(MASK_OPC, OPC_AUIPC, AUIPC, F_U),
    P(MASK_OPC, OPC_JAL, JAL, F_J),
    P(MASK_F3, M(OPC_JALR, 0, 0), JALR, F_I),
    P(MASK_F3, M(OPC_BRANCH, 0, 0), BEQ, F_B),
    P(MASK_F3, M(OPC_BRANCH, 1, 0), BNE, F_B),
    P(MASK_F3, M(OPC_BRANCH, 4, 0), BLT, F_B),
    P(MASK_F3, M(OPC_BRANCH, 5, 0), BGE, F_B),
    P(MASK_F3, M(OPC_BRANCH, 6, 0), BLTU, F_B),
    P(MASK_F3, M(OPC_BRANCH, 7, 0), BGEU, F_B),
    P(MASK_F3, M(OPC_LOAD, 0, 0), LB, F_I),
    P(MASK_F3, M(OPC_LOAD, 1, 0), LH, F_I),
    P(MASK_F3, M(OPC_LOAD, 2, 0), LW, F_I),
    P(MASK_F3, M(OPC_LOAD, 3, 0), LD, F_I),
    P(MASK_F3, M(OPC_LOAD, 4, 0), LBU, F_I),
    P(MASK_F3, M(OPC_LOAD, 5, 0), LHU, F_I),
    P(MASK_F3, M(OPC_LOAD, 6, 0), LWU, F_I),
    P(MASK_F3, M(OPC_STORE, 0, 0), SB, F_S),
    P(MASK_F3, M(OPC_STORE, 1, 0), SH, F_S),
    P(MASK_F3, M(OPC_STORE, 2, 0), SW, F_S),
    P(MASK_F3, M(OPC_STORE, 3, 0), SD, F_S),
    P(MASK_F3, M(OPC_OP_IMM, 0, 0), ADDI, F_I),
    P(MASK_F3, M(OPC_OP_IMM, 2, 0), SLTI, F_I),
    P(MASK_F3, M(OPC_OP_IMM, 3, 0), SLTIU, F_I),
    P(MASK_F3, M(OPC_OP_IMM, 4, 0), XORI, F_I),
    P(MASK_F3, M(OPC_OP_IMM, 6, 0), ORI, F_I),
    P(MASK_F3, M(OPC_OP_IMM, 7, 0), ANDI, F_I),
    P(MASK_F6F3, M(OPC_OP_IMM, 1, 0), SLLI, F_SHIFT64),
    P(MASK_F6F3, M(OPC_OP_IMM, 5, 0), SRLI, F_SHIFT64),
    P(MASK_F6F3, M(OPC_OP_IMM, 5, 0x20), SRAI, F_SHIFT64),
    P(MASK_F7F3, M(OPC_OP, 0, 0), ADD, F_R),
    P(MASK_F7F3, M(OPC_OP, 0, 0x20), SUB, F_R),
    P(MASK_F7F3, M(OPC_OP, 1, 0), SLL, F_R),
    P(MASK_F7F3, M(OPC_OP, 2, 0), SLT, F_R),
    P(MASK_F7F3, M(OPC_OP, 3, 0), SLTU, F_R),
    P(MASK_F7F3, M(OPC_OP, 4, 0), XOR, F_R),
    P(MASK_F7F3, M(OPC_OP, 5, 0), SRL, F_R),
    P(MASK_F7F3, M(OPC_OP, 5, 0x20), SRA, F_R),
    P(MASK_F7F3, M(OPC_OP, 6, 0), OR, F_R),
    P(MASK_F7F3, M(OPC_OP, 7, 0), AND, F_R),
    P(MASK_F7F3, M(OPC_OP, 0, 1), MUL, F_R),
    P(MASK_F7F3, M(OPC_OP, 1, 1), MULH, F_R),
    P(MASK_F7F3, M(OPC_OP, 2, 1), MULHSU, F_R),
    P(MASK_F7F3, M(OPC_OP, 3, 1), MULHU, F_R),
    P(MASK_F7F3, M(OPC_OP, 4, 1), DIV, F_R),
    P(MASK_F7F3, M(OPC_OP, 5, 1), DIVU, F_R),
    P(MASK_F7F3, M(OPC_OP, 6, 1), REM, F_R),
    P(MASK_F7F3, M(OPC_OP, 7, 1), REMU, F_R),
    P(MASK_F3, M(OPC_OP_IMM_32, 0, 0), ADDIW, F_I),
    P(MASK_F7F3, M(OPC_OP_IMM_32, 1, 0), SLLIW, F_SHIFT32),
    P(MASK_F7F3, M(OPC_OP_IMM_32, 5, 0), SRLIW, F_SHIFT32),
    P(MASK_F7F3, M(OPC_OP_IMM_32, 5, 0x20), SRAIW, F_SHIFT32),
    P(MASK_F7F3, M(OPC_OP_32, 0, 0), ADDW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 0, 0x20), SUBW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 1, 0), SLLW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 5, 0), SRLW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 5, 0x20), SRAW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 0, 1), MULW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 4, 1), DIVW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 5, 1), DIVUW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 6, 1), REMW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 7, 1), REMUW, F_R),
    /* Zba (RV64 forms). The immediate shifts of Zba/Zbb/Zbs share funct6 with the top bit of shamt, so
     * their funct7 values below are funct6 << 1. */
    P(MASK_F7F3, M(OPC_OP_32, 0, 0x04), ADD_UW, F_R),
    P(MASK_F7F3, M(OPC_OP, 2, 0x10), SH1ADD, F_R),
    P(MASK_F7F3, M(OPC_OP, 4, 0x10), SH2ADD, F_R),
    P(MASK_F7F3, M(OPC_OP, 6, 0x10), SH3ADD, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 2, 0x10), SH1ADD_UW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 4, 0x10), SH2ADD_UW, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 6, 0x10), SH3ADD_UW, F_R),
    P(MASK_F6F3, M(OPC_OP_IMM_32, 1, 0x04), SLLI_UW, F_SHIFT64),
    /* Zbb. The unary ops are OP-IMM encodings whose whole imm[11:0] names the op. */
    P(MASK_F7F3, M(OPC_OP, 7, 0x20), ANDN, F_R),
    P(MASK_F7F3, M(OPC_OP, 6, 0x20), ORN, F_R),
    P(MASK_F7F3, M(OPC_OP, 4, 0x20), XNOR, F_R),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM, 1, 0x30, 0), CLZ, F_R1),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM_32, 1, 0x30, 0), CLZW, F_R1),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM, 1, 0x30, 1), CTZ, F_R1),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM_32, 1, 0x30, 1), CTZW, F_R1),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM, 1, 0x30, 2), CPOP, F_R1),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM_32, 1, 0x30, 2), CPOPW, F_R1),
    P(MASK_F7F3, M(OPC_OP, 6, 0x05), MAX, F_R),
    P(MASK_F7F3, M(OPC_OP, 7, 0x05), MAXU, F_R),
    P(MASK_F7F3, M(OPC_OP, 4, 0x05), MIN, F_R),
    P(MASK_F7F3, M(OPC_OP, 5, 0x05), MINU, F_R),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM, 1, 0x30, 4), SEXT_B, F_R1),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM, 1, 0x30, 5), SEXT_H, F_R1),
    P(MASK_F7RS2F3, MRS2(OPC_OP_32, 4, 0x04, 0), ZEXT_H, F_R1), /* Zbkb's packw with rs2 = x0 */
    P(MASK_F7F3, M(OPC_OP, 1, 0x30), ROL, F_R),
    P(MASK_F7F3, M(OPC_OP_32, 1, 0x30), ROLW, F_R),
    P(MASK_F7F3, M(OPC_OP, 5, 0x30), ROR, F_R),
    P(MASK_F6F3, M(OPC_OP_IMM, 5, 0x30), RORI, F_SHIFT64),
    P(MASK_F7F3, M(OPC_OP_IMM_32, 5, 0x30), RORIW, F_SHIFT32),
    P(MASK_F7F3, M(OPC_OP_32, 5, 0x30), RORW, F_R),
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM, 5, 0x14, 0x07), ORC_B, F_R1), /* imm 0x287 */
    P(MASK_F7RS2F3, MRS2(OPC_OP_IMM, 5, 0x35, 0x18), REV8, F_R1),  /* imm 0x6b8 (RV64) */
    /* Zbs */
    P(MASK_F7F3, M(OPC_OP, 1, 0x24), BCLR, F_R),
    P(MASK_F6F3, M(OPC_OP_IMM, 1, 0x24), BCLRI, F_SHIFT64),
    P(MASK_F7F3, M(OPC_OP, 5, 0x24), BEXT, F_R),
    P(MASK_F6F3, M(OPC_OP_IMM, 5, 0x24), BEXTI, F_SHIFT64),
    P(MASK_F7F3, M(OPC_OP, 1, 0x34), BINV, F_R),
    P(MASK_F6F3, M(OPC_OP_IMM, 1, 0x34), BINVI, F_SHIFT64),
    P(MASK_F7F3, M(OPC_OP, 1, 0x14), BSET, F_R),
    P(MASK_F6F3, M(OPC_OP_IMM, 1, 0x14), BSETI, F_SHIFT64),
    /* Zicond */
    P(MASK_F7F3, M(OPC_OP, 5, 0x07), CZERO_EQZ, F_R),
    P(MASK_F7F3, M(OPC_OP, 7, 0x07), CZERO_NEZ, F_R),
    /* fence: the reserved rs1/rd fields and unknown fm values are ignored, as the spec asks. */
    P(MASK_F3, M(OPC_MISC_MEM, 0, 0), FENCE, F_FENCE),
    P(MASK_F3, M(OPC_MISC_MEM, 1, 0), FENCE_I, F_NONE),
    P(MASK_ALL, 0x00000073u, ECALL, F_NONE),
    P(MASK_ALL, 0x00100073u, EBREAK, F_NONE),
    P(MASK_ALL, 0x10200073u, SRET, F_NONE),
    P(MASK_ALL, 0x30200073u, MRET, F_NONE),
    P(MASK_ALL, 0x10500073u, WFI, F_NONE),
    P(0xfe007fffu, M(OPC_SYSTEM, 0, 0x09), SFENCE_VMA, F_SFENCE),
    P(MASK_F3, M(OPC_SYSTEM, 1, 0), CSRRW, F_CSR),
    P(MASK_F3, M(OPC_SYSTEM, 2, 0), CSRRS, F_CSR),
    P(MASK_F3, M(OPC_SYSTEM, 3, 0), CSRRC, F_CSR),
    P(MASK_F3, M(OPC_SYSTEM, 5, 0), CSRRWI, F_CSRI),
    P(MASK_F3, M(OPC_SYSTEM, 6, 0), CSRRSI, F_CSRI),
    P(MASK_F3, M(OPC_SYSTEM, 7, 0), CSRRCI, F_CSRI),
    /* A */
    P(MASK_F5RS2F3, AMO(0x02, 2), LR_W, F_AMO),
    P(MASK_F5F3, AMO(0x03, 2), SC_W, F_AMO),
    P(MASK_F5F3, AMO(0x01, 2), AMOSWAP_W, F_AMO),
    P(MASK_F5F3, AMO(0x00, 2), AMOADD_W, F_AMO),
    P(MASK_F5F3, AMO(0x04, 2), AMOXOR_W, F_AMO),
    P(MASK_F5F3, AMO(0x0c, 2), AMOAND_W, F_AMO),
    P(MASK_F5F3, AMO(0x08, 2), AMOOR_W, F_AMO),
    P(MASK_F5F3, AMO(0x10, 2), AMOMIN_W, F_AMO),
    P(MASK_F5F3, AMO(0x14, 2), AMOMAX_W, F_AMO),
    P(MASK_F5F3, AMO(0x18, 2), AMOMINU_W, F_AMO),
    P(MASK_F5F3, AMO(0x1c, 2), AMOMAXU_W, F_AMO),
    P(MASK_F5RS2F3, AMO(0x02, 3), LR_D, F_AMO),
    P(MASK_F5F3, AMO(0x03, 3), SC_D, F_AMO),
    P(MASK_F5F3, AMO(0x01, 3), AMOSWAP_D, F_AMO),
    P(MASK_F5F3, AMO(0x00, 3), AMOADD_D, F_AMO),
    P(MASK_F5F3, AMO(0x04, 3), AMOXOR_D, F_AMO),
    P(MASK_F5F3, AMO(0x0c, 3), AMOAND_D, F_AMO),
    P(MASK_F5F3, AMO(0x08, 3), AMOOR_D, F_AMO),
    P(MASK_F5F3, AMO(0x10, 3), AMOMIN_D, F_AMO),
    P(MASK_F5F3, AMO(0x14, 3), AMOMAX_D, F_AMO),
    P(MASK_F5F3, AMO(0x18, 3), AMOMINU_D, F_AMO),
    P(MASK_F5F3, AMO(0x1c, 3), AMOMAXU_D, F_AMO),
    /* F and D loads/stores */
    P(MASK_F3, M(OPC_LOAD_FP, 2, 0), FLW, F_I),
    P(MASK_F3, M(OPC_LOAD_FP, 3, 0), FLD, F_I),
    P(MASK_F3, M(OPC_STORE_FP, 2, 0), FSW, F_S),
    P(MASK_F3, M(OPC_STORE_FP, 3, 0), FSD, F_S),
    /* fused multiply-add: fmt in bits 26:25 */
    P(MASK_R4, OPC_MADD | (0u << 25), FMADD_S, F_R4),
    P(MASK_R4, OPC_MSUB | (0u << 25), FMSUB_S, F_R4),
    P(MASK_R4, OPC_NMSUB | (0u << 25), FNMSUB_S, F_R4),
    P(MASK_R4, OPC_NMADD | (0u << 25), FNMADD_S, F_R4),
    P(MASK_R4, OPC_MADD | (1u << 25), FMADD_D, F_R4),
    P(MASK_R4, OPC_MSUB | (1u << 25), FMSUB_D, F_R4),
    P(MASK_R4, OPC_NMSUB | (1u << 25), FNMSUB_D, F_R4),
    P(MASK_R4, OPC_NMADD | (1u << 25), FNMADD_D, F_R4),
    /* OP-FP, single */
    P(MASK_F7, M(OPC_OP_FP, 0, FP7(0x00, 0)), FADD_S, F_R_RM),
    P(MASK_F7, M(OPC_OP_FP, 0, FP7(0x01, 0)), FSUB_S, F_R_RM),
    P(MASK_F7, M(OPC_OP_FP, 0, FP7(0x02, 0)), FMUL_S, F_R_RM),
    P(MASK_F7, M(OPC_OP_FP, 0, FP7(0x03, 0)), FDIV_S, F_R_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x0b, 0), 0), FSQRT_S, F_R1_RM),
    P(MASK_F7F3, M(OPC_OP_FP, 0, FP7(0x04, 0)), FSGNJ_S, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 1, FP7(0x04, 0)), FSGNJN_S, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 2, FP7(0x04, 0)), FSGNJX_S, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 0, FP7(0x05, 0)), FMIN_S, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 1, FP7(0x05, 0)), FMAX_S, F_R),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x18, 0), 0), FCVT_W_S, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x18, 0), 1), FCVT_WU_S, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x18, 0), 2), FCVT_L_S, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x18, 0), 3), FCVT_LU_S, F_R1_RM),
    P(MASK_F7RS2F3, MRS2(OPC_OP_FP, 0, FP7(0x1c, 0), 0), FMV_X_W, F_R1),
    P(MASK_F7RS2F3, MRS2(OPC_OP_FP, 1, FP7(0x1c, 0), 0), FCLASS_S, F_R1),
    P(MASK_F7F3, M(OPC_OP_FP, 2, FP7(0x14, 0)), FEQ_S, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 1, FP7(0x14, 0)), FLT_S, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 0, FP7(0x14, 0)), FLE_S, F_R),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x1a, 0), 0), FCVT_S_W, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x1a, 0), 1), FCVT_S_WU, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x1a, 0), 2), FCVT_S_L, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x1a, 0), 3), FCVT_S_LU, F_R1_RM),
    P(MASK_F7RS2F3, MRS2(OPC_OP_FP, 0, FP7(0x1e, 0), 0), FMV_W_X, F_R1),
    /* OP-FP, double */
    P(MASK_F7, M(OPC_OP_FP, 0, FP7(0x00, 1)), FADD_D, F_R_RM),
    P(MASK_F7, M(OPC_OP_FP, 0, FP7(0x01, 1)), FSUB_D, F_R_RM),
    P(MASK_F7, M(OPC_OP_FP, 0, FP7(0x02, 1)), FMUL_D, F_R_RM),
    P(MASK_F7, M(OPC_OP_FP, 0, FP7(0x03, 1)), FDIV_D, F_R_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x0b, 1), 0), FSQRT_D, F_R1_RM),
    P(MASK_F7F3, M(OPC_OP_FP, 0, FP7(0x04, 1)), FSGNJ_D, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 1, FP7(0x04, 1)), FSGNJN_D, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 2, FP7(0x04, 1)), FSGNJX_D, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 0, FP7(0x05, 1)), FMIN_D, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 1, FP7(0x05, 1)), FMAX_D, F_R),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x08, 0), 1), FCVT_S_D, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x08, 1), 0), FCVT_D_S, F_R1_RM),
    P(MASK_F7F3, M(OPC_OP_FP, 2, FP7(0x14, 1)), FEQ_D, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 1, FP7(0x14, 1)), FLT_D, F_R),
    P(MASK_F7F3, M(OPC_OP_FP, 0, FP7(0x14, 1)), FLE_D, F_R),
    P(MASK_F7RS2F3, MRS2(OPC_OP_FP, 1, FP7(0x1c, 1), 0), FCLASS_D, F_R1),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x18, 1), 0), FCVT_W_D, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x18, 1), 1), FCVT_WU_D, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x18, 1), 2), FCVT_L_D, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x18, 1), 3), FCVT_LU_D, F_R1_RM),
    P(MASK_F7RS2F3, MRS2(OPC_OP_FP, 0, FP7(0x1c, 1), 0), FMV_X_D, F_R1),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x1a, 1), 0), FCVT_D_W, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x1a, 1), 1), FCVT_D_WU, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x1a, 1), 2), FCVT_D_L, F_R1_RM),
    P(MASK_F7RS2, MRS2(OPC_OP_FP, 0, FP7(0x1a, 1), 3), FCVT_D_LU, F_R1_RM),
    P(MASK_F7RS2F3, MRS2(OPC_OP_FP, 0, FP7(0x1e, 1), 0), FMV_D_X, F_R1),
};

/* Compressed patterns: quadrant in bits 1:0, funct3 in bits 15:13. Within one bucket the more specific
 * pattern comes first (c.addi16sp before c.lui, c.ebreak before c.jalr before c.add). */
#define CQ(q, f3) ((uint32_t)(q) | ((uint32_t)(f3) << 13))
#define MASK_CQ   0xe003u
#define PC(mask, match, op, fmt, cons)             \
	{                                          \
		mask, match, RV_OP_##op, fmt, cons \
	}

static const struct pattern patterns16[] = {
    /* quadrant 0 */
    PC(MASK_CQ, CQ(0, 0), ADDI, C_ADDI4SPN, NZ_IMM),
    PC(MASK_CQ, CQ(0, 1), FLD, C_LOAD_D, 0),
    PC(MASK_CQ, CQ(0, 2), LW, C_LOAD_W, 0),
    PC(MASK_CQ, CQ(0, 3), LD, C_LOAD_D, 0),
    PC(MASK_CQ, CQ(0, 5), FSD, C_STORE_D, 0),
    PC(MASK_CQ, CQ(0, 6), SW, C_STORE_W, 0),
    PC(MASK_CQ, CQ(0, 7), SD, C_STORE_D, 0),
    /* quadrant 1 */
    PC(MASK_CQ, CQ(1, 0), ADDI, C_ADDI, 0), /* c.nop and HINTs included */
    PC(MASK_CQ, CQ(1, 1), ADDIW, C_ADDI, NZ_RD),
    PC(MASK_CQ, CQ(1, 2), ADDI, C_LI, 0),
    PC(MASK_CQ | 0x0f80u, CQ(1, 3) | (2u << 7), ADDI, C_ADDI16SP, NZ_IMM),
    PC(MASK_CQ, CQ(1, 3), LUI, C_LUI, NZ_IMM),
    PC(MASK_CQ | 0x0c00u, CQ(1, 4) | (0u << 10), SRLI, C_SHIFT_RP, 0),
    PC(MASK_CQ | 0x0c00u, CQ(1, 4) | (1u << 10), SRAI, C_SHIFT_RP, 0),
    PC(MASK_CQ | 0x0c00u, CQ(1, 4) | (2u << 10), ANDI, C_ANDI, 0),
    PC(MASK_CQ | 0x1c60u, CQ(1, 4) | (3u << 10) | (0u << 5), SUB, C_ARITH, 0),
    PC(MASK_CQ | 0x1c60u, CQ(1, 4) | (3u << 10) | (1u << 5), XOR, C_ARITH, 0),
    PC(MASK_CQ | 0x1c60u, CQ(1, 4) | (3u << 10) | (2u << 5), OR, C_ARITH, 0),
    PC(MASK_CQ | 0x1c60u, CQ(1, 4) | (3u << 10) | (3u << 5), AND, C_ARITH, 0),
    PC(MASK_CQ | 0x1c60u, CQ(1, 4) | 0x1000u | (3u << 10) | (0u << 5), SUBW, C_ARITH, 0),
    PC(MASK_CQ | 0x1c60u, CQ(1, 4) | 0x1000u | (3u << 10) | (1u << 5), ADDW, C_ARITH, 0),
    PC(MASK_CQ, CQ(1, 5), JAL, C_J, 0),
    PC(MASK_CQ, CQ(1, 6), BEQ, C_BRANCH, 0),
    PC(MASK_CQ, CQ(1, 7), BNE, C_BRANCH, 0),
    /* quadrant 2 */
    PC(MASK_CQ, CQ(2, 0), SLLI, C_SLLI, 0),
    PC(MASK_CQ, CQ(2, 1), FLD, C_LDSP, 0),
    PC(MASK_CQ, CQ(2, 2), LW, C_LWSP, NZ_RD),
    PC(MASK_CQ, CQ(2, 3), LD, C_LDSP, NZ_RD),
    PC(MASK_CQ | 0x1ffcu, CQ(2, 4) | 0x1000u, EBREAK, C_EBREAK, 0),
    PC(MASK_CQ | 0x107cu, CQ(2, 4) | 0x1000u, JALR, C_JALR, 0),
    PC(MASK_CQ | 0x1000u, CQ(2, 4) | 0x1000u, ADD, C_ADD, 0),
    PC(MASK_CQ | 0x107cu, CQ(2, 4), JALR, C_JR, NZ_RD), /* rs1 (in the rd field) must not be x0 */
    PC(MASK_CQ | 0x1000u, CQ(2, 4), ADD, C_MV, 0),
    PC(MASK_CQ, CQ(2, 5), FSD, C_SDSP, 0),
    PC(MASK_CQ, CQ(2, 6), SW, C_SWSP, 0),
    PC(MASK_CQ, CQ(2, 7), SD, C_SDSP, 0),
};

/* Buckets: 0..23 compressed (quadrant * 8 + funct3), 24..55 the 32-bit major opcode (bits 6:2). */
#define NBUCKETS       56
#define MAX_PER_BUCKET 64
static struct {
	uint8_t count;
	const struct pattern *p[MAX_PER_BUCKET];
} buckets[NBUCKETS];
static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

static unsigned bucket_of(uint32_t raw)
{
	if ((raw & 3) != 3)
		return (raw & 3) * 8 + ((raw >> 13) & 7);
	return 24 + ((raw >> 2) & 31);
}

static void add_patterns(const struct pattern *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned b = bucket_of(table[i].match);
		if (buckets[b].count >= MAX_PER_BUCKET) {
			/* a table edit outgrew the bucket: every later pattern would silently decode as illegal */
			fprintf(stderr, "rv_decode: bucket %u overflows (raise MAX_PER_BUCKET)\n", b);
			abort();
		}
		buckets[b].p[buckets[b].count++] = &table[i];
	}
}

static void build_buckets(void)
{
	add_patterns(patterns16, sizeof(patterns16) / sizeof(patterns16[0]));
	add_patterns(patterns32, sizeof(patterns32) / sizeof(patterns32[0]));
}

static inline uint32_t bits(uint32_t x, unsigned hi, unsigned lo)
{
	return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int64_t sext(uint64_t x, unsigned width)
{
	return (int64_t)(x << (64 - width)) >> (64 - width);
}

static bool decode32(const struct pattern *p, uint32_t raw, struct rv_insn *in)
{
	unsigned rd = bits(raw, 11, 7), rs1 = bits(raw, 19, 15), rs2 = bits(raw, 24, 20);
	unsigned rm = bits(raw, 14, 12);

	switch ((enum fmt32)p->fmt) {
	case F_NONE: break;
	case F_R:
		in->rd = rd;
		in->rs1 = rs1;
		in->rs2 = rs2;
		break;
	case F_R1:
		in->rd = rd;
		in->rs1 = rs1;
		break;
	case F_R_RM:
	case F_R1_RM:
	case F_R4:
		if (rm == 5 || rm == 6)
			return false; /* reserved rounding modes */
		in->rd = rd;
		in->rs1 = rs1;
		in->rm = rm;
		if (p->fmt != F_R1_RM)
			in->rs2 = rs2;
		if (p->fmt == F_R4)
			in->rs3 = bits(raw, 31, 27);
		break;
	case F_I:
		in->rd = rd;
		in->rs1 = rs1;
		in->imm = sext(bits(raw, 31, 20), 12);
		break;
	case F_S:
		in->rs1 = rs1;
		in->rs2 = rs2;
		in->imm = sext((bits(raw, 31, 25) << 5) | bits(raw, 11, 7), 12);
		break;
	case F_B:
		in->rs1 = rs1;
		in->rs2 = rs2;
		in->imm = sext((bits(raw, 31, 31) << 12) | (bits(raw, 7, 7) << 11) |
		                   (bits(raw, 30, 25) << 5) | (bits(raw, 11, 8) << 1),
		               13);
		break;
	case F_U:
		in->rd = rd;
		in->imm = sext(raw & 0xfffff000u, 32);
		break;
	case F_J:
		in->rd = rd;
		in->imm = sext((bits(raw, 31, 31) << 20) | (bits(raw, 19, 12) << 12) |
		                   (bits(raw, 20, 20) << 11) | (bits(raw, 30, 21) << 1),
		               21);
		break;
	case F_SHIFT64:
		in->rd = rd;
		in->rs1 = rs1;
		in->imm = bits(raw, 25, 20);
		break;
	case F_SHIFT32:
		in->rd = rd;
		in->rs1 = rs1;
		in->imm = bits(raw, 24, 20);
		break;
	case F_CSR:
		in->rd = rd;
		in->rs1 = rs1;
		in->csr = bits(raw, 31, 20);
		break;
	case F_CSRI:
		in->rd = rd;
		in->imm = rs1; /* zimm */
		in->csr = bits(raw, 31, 20);
		break;
	case F_FENCE: in->imm = (bits(raw, 31, 28) << 8) | bits(raw, 27, 20); break;
	case F_AMO:
		in->rd = rd;
		in->rs1 = rs1;
		in->rs2 = rs2;
		in->aqrl = bits(raw, 26, 25);
		break;
	case F_SFENCE:
		in->rs1 = rs1;
		in->rs2 = rs2;
		break;
	}
	return true;
}

/* Compressed register fields rd'/rs1'/rs2' name x8..x15 (or f8..f15). */
static inline unsigned creg(uint32_t field3)
{
	return 8 + field3;
}

static bool decode16(const struct pattern *p, uint32_t raw, struct rv_insn *in)
{
	unsigned rd_full = bits(raw, 11, 7), rs2_full = bits(raw, 6, 2);
	unsigned rp_hi = creg(bits(raw, 9, 7)), rp_lo = creg(bits(raw, 4, 2));
	int64_t imm6 = sext((bits(raw, 12, 12) << 5) | bits(raw, 6, 2), 6);
	unsigned shamt = (bits(raw, 12, 12) << 5) | bits(raw, 6, 2);

	switch ((enum fmtc)p->fmt) {
	case C_ADDI4SPN:
		in->rd = rp_lo;
		in->rs1 = 2;
		in->imm = (bits(raw, 12, 11) << 4) | (bits(raw, 10, 7) << 6) | (bits(raw, 6, 6) << 2) |
		          (bits(raw, 5, 5) << 3);
		break;
	case C_LOAD_W:
	case C_STORE_W:
		in->rs1 = rp_hi;
		in->imm = (bits(raw, 12, 10) << 3) | (bits(raw, 6, 6) << 2) | (bits(raw, 5, 5) << 6);
		if (p->fmt == C_LOAD_W)
			in->rd = rp_lo;
		else
			in->rs2 = rp_lo;
		break;
	case C_LOAD_D:
	case C_STORE_D:
		in->rs1 = rp_hi;
		in->imm = (bits(raw, 12, 10) << 3) | (bits(raw, 6, 5) << 6);
		if (p->fmt == C_LOAD_D)
			in->rd = rp_lo;
		else
			in->rs2 = rp_lo;
		break;
	case C_ADDI:
		in->rd = in->rs1 = rd_full;
		in->imm = imm6;
		break;
	case C_LI:
		in->rd = rd_full;
		in->imm = imm6;
		break;
	case C_ADDI16SP:
		in->rd = in->rs1 = 2;
		in->imm = sext((bits(raw, 12, 12) << 9) | (bits(raw, 6, 6) << 4) | (bits(raw, 5, 5) << 6) |
		                   (bits(raw, 4, 3) << 7) | (bits(raw, 2, 2) << 5),
		               10);
		break;
	case C_LUI:
		in->rd = rd_full;
		in->imm = sext(((uint64_t)bits(raw, 12, 12) << 17) | (bits(raw, 6, 2) << 12), 18);
		break;
	case C_SHIFT_RP:
		in->rd = in->rs1 = rp_hi;
		in->imm = shamt;
		break;
	case C_ANDI:
		in->rd = in->rs1 = rp_hi;
		in->imm = imm6;
		break;
	case C_ARITH:
		in->rd = in->rs1 = rp_hi;
		in->rs2 = rp_lo;
		break;
	case C_J:
		in->imm =
		    sext((bits(raw, 12, 12) << 11) | (bits(raw, 11, 11) << 4) | (bits(raw, 10, 9) << 8) |
		             (bits(raw, 8, 8) << 10) | (bits(raw, 7, 7) << 6) | (bits(raw, 6, 6) << 7) |
		             (bits(raw, 5, 3) << 1) | (bits(raw, 2, 2) << 5),
		         12);
		break;
	case C_BRANCH:
		in->rs1 = rp_hi;
		in->imm = sext((bits(raw, 12, 12) << 8) | (bits(raw, 11, 10) << 3) | (bits(raw, 6, 5) << 6) |
		                   (bits(raw, 4, 3) << 1) | (bits(raw, 2, 2) << 5),
		               9);
		break;
	case C_SLLI:
		in->rd = in->rs1 = rd_full;
		in->imm = shamt;
		break;
	case C_LWSP:
		in->rd = rd_full;
		in->rs1 = 2;
		in->imm = (bits(raw, 12, 12) << 5) | (bits(raw, 6, 4) << 2) | (bits(raw, 3, 2) << 6);
		break;
	case C_LDSP:
		in->rd = rd_full;
		in->rs1 = 2;
		in->imm = (bits(raw, 12, 12) << 5) | (bits(raw, 6, 5) << 3) | (bits(raw, 4, 2) << 6);
		break;
	case C_JR:
	case C_JALR:
		in->rd = p->fmt == C_JALR ? 1 : 0;
		in->rs1 = rd_full;
		break;
	case C_MV:
		in->rd = rd_full;
		in->rs2 = rs2_full;
		break;
	case C_ADD:
		in->rd = in->rs1 = rd_full;
		in->rs2 = rs2_full;
		break;
	case C_EBREAK: break;
	case C_SWSP:
		in->rs1 = 2;
		in->rs2 = rs2_full;
		in->imm = (bits(raw, 12, 9) << 2) | (bits(raw, 8, 7) << 6);
		break;
	case C_SDSP:
		in->rs1 = 2;
		in->rs2 = rs2_full;
		in->imm = (bits(raw, 12, 10) << 3) | (bits(raw, 9, 7) << 6);
		break;
	}
	if ((p->constraints & NZ_IMM) && in->imm == 0)
		return false;
	if ((p->constraints & NZ_RD) && rd_full == 0)
		return false;
	return true;
}

int rv_decode(uint32_t raw_bits, struct rv_insn *out)
{
	pthread_once(&buckets_once, build_buckets);

	bool compressed = (raw_bits & 3) != 3;
	uint32_t raw = compressed ? (raw_bits & 0xffffu) : raw_bits;
	memset(out, 0, sizeof(*out));
	out->len = compressed ? 2 : 4;
	out->raw = raw;
	out->op = RV_OP_ILLEGAL;
	/* 48-bit and longer encodings (bits 4:2 = 111 with bits 1:0 = 11) are not part of RV64GC. */
	if (!compressed && (raw & 0x1c) == 0x1c)
		return 4;

	unsigned b = bucket_of(raw);
	for (unsigned i = 0; i < buckets[b].count; i++) {
		const struct pattern *p = buckets[b].p[i];
		if ((raw & p->mask) != p->match)
			continue;
		bool ok = compressed ? decode16(p, raw, out) : decode32(p, raw, out);
		if (ok) {
			out->op = p->op;
		} else {
			uint8_t len = out->len;
			memset(out, 0, sizeof(*out));
			out->len = len;
			out->raw = raw;
			out->op = RV_OP_ILLEGAL;
		}
		break;
	}
	return out->len;
}
