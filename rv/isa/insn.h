/* karasu-rv: decoded RISC-V instructions (RV64GC + Zicsr + Zifencei + Zba/Zbb/Zbs (the B extension) +
 * Zicond, plus the few privileged ops).
 *
 * One table-driven decoder serves the interpreter, the translator and the disassembler. Compressed
 * instructions decode to the base op they expand to (c.addi4spn -> addi rd,x2,imm), with len = 2. */
#ifndef KARASU_RV_ISA_INSN_H
#define KARASU_RV_ISA_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Operand letters used by the disassembler (rv_op_operands()):
 *   d x rd    s x rs1    t x rs2    D f rd    S f rs1    T f rs2    R f rs3
 *   i imm (decimal)      o imm(rs1) memory operand        b pc-relative target (hex)
 *   u imm >> 12 (hex)    c csr (name if known, else hex)  z shift amount (hex)   Z csr*i zimm (decimal)
 *   a (rs1) for LR/SC/AMO            f fence pred,succ      r rounding mode (only printed if not dyn)
 * Flags (rv_op_flags()): RV_OPF_*. */
#define RV_OPS(X)                                                             \
	X(ILLEGAL, "illegal", "", 0)                                          \
	/* RV64I */                                                           \
	X(LUI, "lui", "d,u", 0)                                               \
	X(AUIPC, "auipc", "d,u", 0)                                           \
	X(JAL, "jal", "d,b", RV_OPF_JUMP)                                     \
	X(JALR, "jalr", "d,o", RV_OPF_JUMP | RV_OPF_INDIRECT)                 \
	X(BEQ, "beq", "s,t,b", RV_OPF_BRANCH)                                 \
	X(BNE, "bne", "s,t,b", RV_OPF_BRANCH)                                 \
	X(BLT, "blt", "s,t,b", RV_OPF_BRANCH)                                 \
	X(BGE, "bge", "s,t,b", RV_OPF_BRANCH)                                 \
	X(BLTU, "bltu", "s,t,b", RV_OPF_BRANCH)                               \
	X(BGEU, "bgeu", "s,t,b", RV_OPF_BRANCH)                               \
	X(LB, "lb", "d,o", RV_OPF_LOAD | RV_OPF_SIZE1 | RV_OPF_SIGNED)        \
	X(LH, "lh", "d,o", RV_OPF_LOAD | RV_OPF_SIZE2 | RV_OPF_SIGNED)        \
	X(LW, "lw", "d,o", RV_OPF_LOAD | RV_OPF_SIZE4 | RV_OPF_SIGNED)        \
	X(LD, "ld", "d,o", RV_OPF_LOAD | RV_OPF_SIZE8)                        \
	X(LBU, "lbu", "d,o", RV_OPF_LOAD | RV_OPF_SIZE1)                      \
	X(LHU, "lhu", "d,o", RV_OPF_LOAD | RV_OPF_SIZE2)                      \
	X(LWU, "lwu", "d,o", RV_OPF_LOAD | RV_OPF_SIZE4)                      \
	X(SB, "sb", "t,o", RV_OPF_STORE | RV_OPF_SIZE1)                       \
	X(SH, "sh", "t,o", RV_OPF_STORE | RV_OPF_SIZE2)                       \
	X(SW, "sw", "t,o", RV_OPF_STORE | RV_OPF_SIZE4)                       \
	X(SD, "sd", "t,o", RV_OPF_STORE | RV_OPF_SIZE8)                       \
	X(ADDI, "addi", "d,s,i", 0)                                           \
	X(SLTI, "slti", "d,s,i", 0)                                           \
	X(SLTIU, "sltiu", "d,s,i", 0)                                         \
	X(XORI, "xori", "d,s,i", 0)                                           \
	X(ORI, "ori", "d,s,i", 0)                                             \
	X(ANDI, "andi", "d,s,i", 0)                                           \
	X(SLLI, "slli", "d,s,z", 0)                                           \
	X(SRLI, "srli", "d,s,z", 0)                                           \
	X(SRAI, "srai", "d,s,z", 0)                                           \
	X(ADD, "add", "d,s,t", 0)                                             \
	X(SUB, "sub", "d,s,t", 0)                                             \
	X(SLL, "sll", "d,s,t", 0)                                             \
	X(SLT, "slt", "d,s,t", 0)                                             \
	X(SLTU, "sltu", "d,s,t", 0)                                           \
	X(XOR, "xor", "d,s,t", 0)                                             \
	X(SRL, "srl", "d,s,t", 0)                                             \
	X(SRA, "sra", "d,s,t", 0)                                             \
	X(OR, "or", "d,s,t", 0)                                               \
	X(AND, "and", "d,s,t", 0)                                             \
	X(ADDIW, "addiw", "d,s,i", 0)                                         \
	X(SLLIW, "slliw", "d,s,z", 0)                                         \
	X(SRLIW, "srliw", "d,s,z", 0)                                         \
	X(SRAIW, "sraiw", "d,s,z", 0)                                         \
	X(ADDW, "addw", "d,s,t", 0)                                           \
	X(SUBW, "subw", "d,s,t", 0)                                           \
	X(SLLW, "sllw", "d,s,t", 0)                                           \
	X(SRLW, "srlw", "d,s,t", 0)                                           \
	X(SRAW, "sraw", "d,s,t", 0)                                           \
	X(FENCE, "fence", "f", 0)                                             \
	X(ECALL, "ecall", "", RV_OPF_SYSTEM)                                  \
	X(EBREAK, "ebreak", "", RV_OPF_SYSTEM)                                \
	/* Zifencei */                                                        \
	X(FENCE_I, "fence.i", "", RV_OPF_SYSTEM)                              \
	/* Zicsr */                                                           \
	X(CSRRW, "csrrw", "d,c,s", RV_OPF_CSR)                                \
	X(CSRRS, "csrrs", "d,c,s", RV_OPF_CSR)                                \
	X(CSRRC, "csrrc", "d,c,s", RV_OPF_CSR)                                \
	X(CSRRWI, "csrrwi", "d,c,Z", RV_OPF_CSR)                              \
	X(CSRRSI, "csrrsi", "d,c,Z", RV_OPF_CSR)                              \
	X(CSRRCI, "csrrci", "d,c,Z", RV_OPF_CSR)                              \
	/* M */                                                               \
	X(MUL, "mul", "d,s,t", 0)                                             \
	X(MULH, "mulh", "d,s,t", 0)                                           \
	X(MULHSU, "mulhsu", "d,s,t", 0)                                       \
	X(MULHU, "mulhu", "d,s,t", 0)                                         \
	X(DIV, "div", "d,s,t", 0)                                             \
	X(DIVU, "divu", "d,s,t", 0)                                           \
	X(REM, "rem", "d,s,t", 0)                                             \
	X(REMU, "remu", "d,s,t", 0)                                           \
	X(MULW, "mulw", "d,s,t", 0)                                           \
	X(DIVW, "divw", "d,s,t", 0)                                           \
	X(DIVUW, "divuw", "d,s,t", 0)                                         \
	X(REMW, "remw", "d,s,t", 0)                                           \
	X(REMUW, "remuw", "d,s,t", 0)                                         \
	/* Zba: address generation */                                         \
	X(ADD_UW, "add.uw", "d,s,t", 0)                                       \
	X(SH1ADD, "sh1add", "d,s,t", 0)                                       \
	X(SH2ADD, "sh2add", "d,s,t", 0)                                       \
	X(SH3ADD, "sh3add", "d,s,t", 0)                                       \
	X(SH1ADD_UW, "sh1add.uw", "d,s,t", 0)                                 \
	X(SH2ADD_UW, "sh2add.uw", "d,s,t", 0)                                 \
	X(SH3ADD_UW, "sh3add.uw", "d,s,t", 0)                                 \
	X(SLLI_UW, "slli.uw", "d,s,z", 0)                                     \
	/* Zbb: basic bit manipulation */                                     \
	X(ANDN, "andn", "d,s,t", 0)                                           \
	X(ORN, "orn", "d,s,t", 0)                                             \
	X(XNOR, "xnor", "d,s,t", 0)                                           \
	X(CLZ, "clz", "d,s", 0)                                               \
	X(CLZW, "clzw", "d,s", 0)                                             \
	X(CTZ, "ctz", "d,s", 0)                                               \
	X(CTZW, "ctzw", "d,s", 0)                                             \
	X(CPOP, "cpop", "d,s", 0)                                             \
	X(CPOPW, "cpopw", "d,s", 0)                                           \
	X(MAX, "max", "d,s,t", 0)                                             \
	X(MAXU, "maxu", "d,s,t", 0)                                           \
	X(MIN, "min", "d,s,t", 0)                                             \
	X(MINU, "minu", "d,s,t", 0)                                           \
	X(SEXT_B, "sext.b", "d,s", 0)                                         \
	X(SEXT_H, "sext.h", "d,s", 0)                                         \
	X(ZEXT_H, "zext.h", "d,s", 0)                                         \
	X(ROL, "rol", "d,s,t", 0)                                             \
	X(ROLW, "rolw", "d,s,t", 0)                                           \
	X(ROR, "ror", "d,s,t", 0)                                             \
	X(RORI, "rori", "d,s,z", 0)                                           \
	X(RORIW, "roriw", "d,s,z", 0)                                         \
	X(RORW, "rorw", "d,s,t", 0)                                           \
	X(ORC_B, "orc.b", "d,s", 0)                                           \
	X(REV8, "rev8", "d,s", 0)                                             \
	/* Zbs: single-bit instructions */                                    \
	X(BCLR, "bclr", "d,s,t", 0)                                           \
	X(BCLRI, "bclri", "d,s,z", 0)                                         \
	X(BEXT, "bext", "d,s,t", 0)                                           \
	X(BEXTI, "bexti", "d,s,z", 0)                                         \
	X(BINV, "binv", "d,s,t", 0)                                           \
	X(BINVI, "binvi", "d,s,z", 0)                                         \
	X(BSET, "bset", "d,s,t", 0)                                           \
	X(BSETI, "bseti", "d,s,z", 0)                                         \
	/* Zicond: conditional zero */                                        \
	X(CZERO_EQZ, "czero.eqz", "d,s,t", 0)                                 \
	X(CZERO_NEZ, "czero.nez", "d,s,t", 0)                                 \
	/* A */                                                               \
	X(LR_W, "lr.w", "d,a", RV_OPF_ATOMIC | RV_OPF_LOAD | RV_OPF_SIZE4)    \
	X(SC_W, "sc.w", "d,t,a", RV_OPF_ATOMIC | RV_OPF_STORE | RV_OPF_SIZE4) \
	X(AMOSWAP_W, "amoswap.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)         \
	X(AMOADD_W, "amoadd.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)           \
	X(AMOXOR_W, "amoxor.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)           \
	X(AMOAND_W, "amoand.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)           \
	X(AMOOR_W, "amoor.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)             \
	X(AMOMIN_W, "amomin.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)           \
	X(AMOMAX_W, "amomax.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)           \
	X(AMOMINU_W, "amominu.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)         \
	X(AMOMAXU_W, "amomaxu.w", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE4)         \
	X(LR_D, "lr.d", "d,a", RV_OPF_ATOMIC | RV_OPF_LOAD | RV_OPF_SIZE8)    \
	X(SC_D, "sc.d", "d,t,a", RV_OPF_ATOMIC | RV_OPF_STORE | RV_OPF_SIZE8) \
	X(AMOSWAP_D, "amoswap.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)         \
	X(AMOADD_D, "amoadd.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)           \
	X(AMOXOR_D, "amoxor.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)           \
	X(AMOAND_D, "amoand.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)           \
	X(AMOOR_D, "amoor.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)             \
	X(AMOMIN_D, "amomin.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)           \
	X(AMOMAX_D, "amomax.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)           \
	X(AMOMINU_D, "amominu.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)         \
	X(AMOMAXU_D, "amomaxu.d", "d,t,a", RV_OPF_AMO | RV_OPF_SIZE8)         \
	/* F */                                                               \
	X(FLW, "flw", "D,o", RV_OPF_FP | RV_OPF_LOAD | RV_OPF_SIZE4)          \
	X(FSW, "fsw", "T,o", RV_OPF_FP | RV_OPF_STORE | RV_OPF_SIZE4)         \
	X(FMADD_S, "fmadd.s", "D,S,T,R,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FMSUB_S, "fmsub.s", "D,S,T,R,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FNMSUB_S, "fnmsub.s", "D,S,T,R,r", RV_OPF_FP | RV_OPF_RM)           \
	X(FNMADD_S, "fnmadd.s", "D,S,T,R,r", RV_OPF_FP | RV_OPF_RM)           \
	X(FADD_S, "fadd.s", "D,S,T,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FSUB_S, "fsub.s", "D,S,T,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FMUL_S, "fmul.s", "D,S,T,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FDIV_S, "fdiv.s", "D,S,T,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FSQRT_S, "fsqrt.s", "D,S,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FSGNJ_S, "fsgnj.s", "D,S,T", RV_OPF_FP)                             \
	X(FSGNJN_S, "fsgnjn.s", "D,S,T", RV_OPF_FP)                           \
	X(FSGNJX_S, "fsgnjx.s", "D,S,T", RV_OPF_FP)                           \
	X(FMIN_S, "fmin.s", "D,S,T", RV_OPF_FP)                               \
	X(FMAX_S, "fmax.s", "D,S,T", RV_OPF_FP)                               \
	X(FCVT_W_S, "fcvt.w.s", "d,S,r", RV_OPF_FP | RV_OPF_RM)               \
	X(FCVT_WU_S, "fcvt.wu.s", "d,S,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FMV_X_W, "fmv.x.w", "d,S", RV_OPF_FP)                               \
	X(FEQ_S, "feq.s", "d,S,T", RV_OPF_FP)                                 \
	X(FLT_S, "flt.s", "d,S,T", RV_OPF_FP)                                 \
	X(FLE_S, "fle.s", "d,S,T", RV_OPF_FP)                                 \
	X(FCLASS_S, "fclass.s", "d,S", RV_OPF_FP)                             \
	X(FCVT_S_W, "fcvt.s.w", "D,s,r", RV_OPF_FP | RV_OPF_RM)               \
	X(FCVT_S_WU, "fcvt.s.wu", "D,s,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FMV_W_X, "fmv.w.x", "D,s", RV_OPF_FP)                               \
	X(FCVT_L_S, "fcvt.l.s", "d,S,r", RV_OPF_FP | RV_OPF_RM)               \
	X(FCVT_LU_S, "fcvt.lu.s", "d,S,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FCVT_S_L, "fcvt.s.l", "D,s,r", RV_OPF_FP | RV_OPF_RM)               \
	X(FCVT_S_LU, "fcvt.s.lu", "D,s,r", RV_OPF_FP | RV_OPF_RM)             \
	/* D */                                                               \
	X(FLD, "fld", "D,o", RV_OPF_FP | RV_OPF_LOAD | RV_OPF_SIZE8)          \
	X(FSD, "fsd", "T,o", RV_OPF_FP | RV_OPF_STORE | RV_OPF_SIZE8)         \
	X(FMADD_D, "fmadd.d", "D,S,T,R,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FMSUB_D, "fmsub.d", "D,S,T,R,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FNMSUB_D, "fnmsub.d", "D,S,T,R,r", RV_OPF_FP | RV_OPF_RM)           \
	X(FNMADD_D, "fnmadd.d", "D,S,T,R,r", RV_OPF_FP | RV_OPF_RM)           \
	X(FADD_D, "fadd.d", "D,S,T,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FSUB_D, "fsub.d", "D,S,T,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FMUL_D, "fmul.d", "D,S,T,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FDIV_D, "fdiv.d", "D,S,T,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FSQRT_D, "fsqrt.d", "D,S,r", RV_OPF_FP | RV_OPF_RM)                 \
	X(FSGNJ_D, "fsgnj.d", "D,S,T", RV_OPF_FP)                             \
	X(FSGNJN_D, "fsgnjn.d", "D,S,T", RV_OPF_FP)                           \
	X(FSGNJX_D, "fsgnjx.d", "D,S,T", RV_OPF_FP)                           \
	X(FMIN_D, "fmin.d", "D,S,T", RV_OPF_FP)                               \
	X(FMAX_D, "fmax.d", "D,S,T", RV_OPF_FP)                               \
	X(FCVT_S_D, "fcvt.s.d", "D,S,r", RV_OPF_FP | RV_OPF_RM)               \
	X(FCVT_D_S, "fcvt.d.s", "D,S", RV_OPF_FP)                             \
	X(FEQ_D, "feq.d", "d,S,T", RV_OPF_FP)                                 \
	X(FLT_D, "flt.d", "d,S,T", RV_OPF_FP)                                 \
	X(FLE_D, "fle.d", "d,S,T", RV_OPF_FP)                                 \
	X(FCLASS_D, "fclass.d", "d,S", RV_OPF_FP)                             \
	X(FCVT_W_D, "fcvt.w.d", "d,S,r", RV_OPF_FP | RV_OPF_RM)               \
	X(FCVT_WU_D, "fcvt.wu.d", "d,S,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FCVT_D_W, "fcvt.d.w", "D,s", RV_OPF_FP)                             \
	X(FCVT_D_WU, "fcvt.d.wu", "D,s", RV_OPF_FP)                           \
	X(FCVT_L_D, "fcvt.l.d", "d,S,r", RV_OPF_FP | RV_OPF_RM)               \
	X(FCVT_LU_D, "fcvt.lu.d", "d,S,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FMV_X_D, "fmv.x.d", "d,S", RV_OPF_FP)                               \
	X(FCVT_D_L, "fcvt.d.l", "D,s,r", RV_OPF_FP | RV_OPF_RM)               \
	X(FCVT_D_LU, "fcvt.d.lu", "D,s,r", RV_OPF_FP | RV_OPF_RM)             \
	X(FMV_D_X, "fmv.d.x", "D,s", RV_OPF_FP)                               \
	/* Privileged (decoded for system mode; illegal in user mode) */      \
	X(SRET, "sret", "", RV_OPF_SYSTEM | RV_OPF_PRIV)                      \
	X(MRET, "mret", "", RV_OPF_SYSTEM | RV_OPF_PRIV)                      \
	X(WFI, "wfi", "", RV_OPF_SYSTEM | RV_OPF_PRIV)                        \
	X(SFENCE_VMA, "sfence.vma", "s,t", RV_OPF_SYSTEM | RV_OPF_PRIV)

enum rv_op {
#define RV_OP_ENUM(name, mnemonic, operands, flags) RV_OP_##name,
	RV_OPS(RV_OP_ENUM)
#undef RV_OP_ENUM
	    RV_OP_COUNT
};

/* Per-op properties (rv_op_flags()). */
#define RV_OPF_BRANCH     (1u << 0) /* conditional branch: target pc + imm */
#define RV_OPF_JUMP       (1u << 1) /* jal / jalr: rd = pc + len */
#define RV_OPF_INDIRECT   (1u << 2) /* jalr: target (rs1 + imm) & ~1 */
#define RV_OPF_LOAD       (1u << 3) /* reads memory at rs1 + imm (LR: rs1) */
#define RV_OPF_STORE      (1u << 4) /* writes memory at rs1 + imm (SC: rs1) */
#define RV_OPF_ATOMIC     (1u << 5) /* LR/SC */
#define RV_OPF_AMO        ((1u << 6) | RV_OPF_LOAD | RV_OPF_STORE)
#define RV_OPF_FP         (1u << 7)  /* F or D extension */
#define RV_OPF_RM         (1u << 8)  /* has a rounding-mode field (insn.rm; 7 = dynamic frm) */
#define RV_OPF_CSR        (1u << 9)  /* Zicsr */
#define RV_OPF_SYSTEM     (1u << 10) /* ecall/ebreak/fence.i/privileged: ends a translated block */
#define RV_OPF_PRIV       (1u << 11) /* privileged: illegal in user mode */
#define RV_OPF_SIGNED     (1u << 12) /* load sign-extends */
#define RV_OPF_SIZE_SHIFT 13         /* log2 of the memory access size, 2 bits */
#define RV_OPF_SIZE1      (0u << RV_OPF_SIZE_SHIFT)
#define RV_OPF_SIZE2      (1u << RV_OPF_SIZE_SHIFT)
#define RV_OPF_SIZE4      (2u << RV_OPF_SIZE_SHIFT)
#define RV_OPF_SIZE8      (3u << RV_OPF_SIZE_SHIFT)
#define RV_OPF_CONTROL    (RV_OPF_BRANCH | RV_OPF_JUMP)

/* insn.aqrl bits (A extension). */
#define RV_AQRL_RL 0x1u
#define RV_AQRL_AQ 0x2u

struct rv_insn {
	uint16_t op; /* enum rv_op */
	uint8_t rd, rs1, rs2, rs3;
	uint8_t len;  /* 2 (compressed) or 4 */
	uint8_t rm;   /* FP rounding mode field (RV_OPF_RM ops; 7 = dynamic); also kept for the exact
	               * conversions fcvt.d.s/fcvt.d.w/fcvt.d.wu, where it has no effect; 0 otherwise */
	uint8_t aqrl; /* RV_AQRL_* (A extension) */
	int64_t imm;  /* sign-extended immediate; shift amount; csr*i zimm; fence: fm<<8 | pred<<4 | succ;
		       * lui/auipc: the value added (already << 12) */
	uint16_t csr; /* Zicsr: CSR number */
	uint32_t raw; /* the instruction bits (16-bit forms: zero-extended halfword) */
};

/* Decodes the instruction whose first bits are in raw_bits (a 16-bit form uses only the low halfword;
 * pass the 32 bits at pc, or the halfword when only 2 bytes are readable). Returns the length (2 or 4);
 * out->op is RV_OP_ILLEGAL for an illegal or reserved encoding (including the all-zero halfword, and
 * static rounding modes 5/6). Never fails otherwise; thread-safe. */
int rv_decode(uint32_t raw_bits, struct rv_insn *out);

/* Length of the instruction starting with this halfword (2 or 4; 48/64-bit forms are illegal here). */
static inline int rv_insn_length(uint16_t first_halfword)
{
	return (first_halfword & 3) == 3 ? 4 : 2;
}

/* Writes e.g. "ld x11,0(x10)" / "beq x10,x0,0x10074" / "fadd.d f1,f2,f3,rtz" into buf (always
 * NUL-terminated when len > 0): binutils' `objdump -M numeric,no-aliases` text, except that targets are
 * "0x..." without a symbol and compressed instructions print as the instruction they expand to.
 * Returns the length of the full text (snprintf style). */
int rv_disasm(const struct rv_insn *in, uint64_t pc, char *buf, size_t len);

const char *rv_op_name(unsigned op);     /* mnemonic, "illegal" for out-of-range values */
const char *rv_op_operands(unsigned op); /* operand letters, see RV_OPS */
uint32_t rv_op_flags(unsigned op);       /* RV_OPF_* */

/* Memory access size in bytes of a load/store/LR/SC/AMO op. */
static inline unsigned rv_op_mem_size(unsigned op)
{
	return 1u << ((rv_op_flags(op) >> RV_OPF_SIZE_SHIFT) & 3);
}

/* CSR numbers used in user mode. */
#define RV_CSR_FFLAGS  0x001
#define RV_CSR_FRM     0x002
#define RV_CSR_FCSR    0x003
#define RV_CSR_CYCLE   0xc00
#define RV_CSR_TIME    0xc01
#define RV_CSR_INSTRET 0xc02

#endif
