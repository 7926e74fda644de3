/* RISC-V instruction encoders for the karasu-rv fuzzers (user-mode rv_gen.c and the system-mode
 * generator): the R/I/S/B/U/J/R4 formats of the unprivileged specification, the compressed
 * CI/CA/CJ/CB/CL formats, and the Zicsr/privileged encodings. The fuzzers check every generated word
 * with rv_decode, so a mistake here shows up as a generator error, not as a false difference. */
#ifndef KARASU_TESTS_FUZZ_RV_ENC_H
#define KARASU_TESTS_FUZZ_RV_ENC_H

#include <stdint.h>

enum rv_enc_opcode {
	OPC_LOAD = 0x03,
	OPC_LOAD_FP = 0x07,
	OPC_MISC_MEM = 0x0f,
	OPC_OP_IMM = 0x13,
	OPC_AUIPC = 0x17,
	OPC_OP_IMM_32 = 0x1b,
	OPC_STORE = 0x23,
	OPC_STORE_FP = 0x27,
	OPC_AMO = 0x2f,
	OPC_OP = 0x33,
	OPC_LUI = 0x37,
	OPC_OP_32 = 0x3b,
	OPC_MADD = 0x43,
	OPC_OP_FP = 0x53,
	OPC_BRANCH = 0x63,
	OPC_JALR = 0x67,
	OPC_JAL = 0x6f,
	OPC_SYSTEM = 0x73,
};

/* funct3 of SYSTEM: 0 = ECALL/EBREAK/xRET/WFI/SFENCE.VMA, 1..3 CSRRW/S/C, 5..7 their immediate forms. */
enum rv_enc_csr_op {
	CSR_OP_RW = 1,
	CSR_OP_RS = 2,
	CSR_OP_RC = 3,
	CSR_OP_RWI = 5,
	CSR_OP_RSI = 6,
	CSR_OP_RCI = 7,
};

/* Fixed encodings. */
#define ENC_ECALL    0x00000073u
#define ENC_EBREAK   0x00100073u
#define ENC_C_EBREAK 0x9002u
#define ENC_C_NOP    0x0001u
#define ENC_SRET     0x10200073u
#define ENC_MRET     0x30200073u
#define ENC_WFI      0x10500073u
#define ENC_FENCE_I  0x0000100fu

/* ---- 32-bit formats ---- */
static inline uint32_t enc_r(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2, unsigned f7)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static inline uint32_t enc_i(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static inline uint32_t enc_s(unsigned opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
	uint32_t u = (uint32_t)imm & 0xfff;
	return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | opc;
}

static inline uint32_t enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | OPC_BRANCH;
}

static inline uint32_t enc_u(unsigned opc, unsigned rd, uint32_t imm20)
{
	return (imm20 & 0xfffff) << 12 | rd << 7 | opc;
}

static inline uint32_t enc_j(unsigned rd, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
	       ((u >> 12) & 0xff) << 12 | rd << 7 | OPC_JAL;
}

static inline uint32_t enc_r4(unsigned opc, unsigned rd, unsigned rm, unsigned rs1, unsigned rs2,
                              unsigned fmt, unsigned rs3)
{
	return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opc;
}

/* csrrw/s/c rd, csr, rs1 (or the 5-bit zimm in rs1 for the immediate forms). */
static inline uint32_t enc_csr(enum rv_enc_csr_op op, unsigned rd, unsigned csr, unsigned rs1_or_zimm)
{
	return (uint32_t)csr << 20 | rs1_or_zimm << 15 | (unsigned)op << 12 | rd << 7 | OPC_SYSTEM;
}

/* sfence.vma rs1, rs2 */
static inline uint32_t enc_sfence_vma(unsigned rs1, unsigned rs2)
{
	return 0x09u << 25 | rs2 << 20 | rs1 << 15 | OPC_SYSTEM;
}

/* fence pred, succ (4-bit sets IORW) */
static inline uint32_t enc_fence(unsigned pred, unsigned succ)
{
	return (pred & 0xf) << 24 | (succ & 0xf) << 20 | OPC_MISC_MEM;
}

/* ---- compressed formats (rd'/rs' are x8..x15, encoded as 0..7) ---- */
static inline unsigned creg(unsigned x)
{
	return x - 8;
}

static inline uint32_t enc_ci(unsigned f3, unsigned rd, int32_t imm6, unsigned op)
{
	uint32_t u = (uint32_t)imm6;
	return f3 << 13 | ((u >> 5) & 1) << 12 | rd << 7 | (u & 0x1f) << 2 | op;
}

static inline uint32_t enc_ca(unsigned f6, unsigned rd, unsigned f2, unsigned rs2)
{
	return f6 << 10 | creg(rd) << 7 | f2 << 5 | creg(rs2) << 2 | 1;
}

static inline uint32_t enc_cj(int32_t off)
{
	uint32_t u = (uint32_t)off;
	return 5u << 13 | ((u >> 11) & 1) << 12 | ((u >> 4) & 1) << 11 | ((u >> 8) & 3) << 9 |
	       ((u >> 10) & 1) << 8 | ((u >> 6) & 1) << 7 | ((u >> 7) & 1) << 6 | ((u >> 1) & 7) << 3 |
	       ((u >> 5) & 1) << 2 | 1;
}

static inline uint32_t enc_cb_branch(unsigned f3, unsigned rs1, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return f3 << 13 | ((u >> 8) & 1) << 12 | ((u >> 3) & 3) << 10 | creg(rs1) << 7 | ((u >> 6) & 3) << 5 |
	       ((u >> 1) & 3) << 3 | ((u >> 5) & 1) << 2 | 1;
}

/* c.lw / c.sw (word: uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5) */
static inline uint32_t enc_cl_w(unsigned f3, unsigned rs1, unsigned rd, unsigned uimm)
{
	return f3 << 13 | ((uimm >> 3) & 7) << 10 | creg(rs1) << 7 | ((uimm >> 2) & 1) << 6 |
	       ((uimm >> 6) & 1) << 5 | creg(rd) << 2;
}

/* c.ld / c.sd / c.fld / c.fsd (doubleword: uimm[5:3] at 12:10, uimm[7:6] at 6:5); rd is a raw 0..7 for FP */
static inline uint32_t enc_cl_d(unsigned f3, unsigned rs1, unsigned rd_enc, unsigned uimm)
{
	return f3 << 13 | ((uimm >> 3) & 7) << 10 | creg(rs1) << 7 | ((uimm >> 6) & 3) << 5 | rd_enc << 2;
}

#endif
