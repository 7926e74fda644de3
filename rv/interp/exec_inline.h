/* The reference semantics of one decoded instruction, inlined into the interpreter loop (run.c) and the
 * single-instruction helper (exec.c). Internal to rv/interp. */
#ifndef KARASU_RV_INTERP_EXEC_INLINE_H
#define KARASU_RV_INTERP_EXEC_INLINE_H

#include <stdint.h>

#include "rv/interp/bitmanip.h"
#include "rv/interp/internal.h"
#include "rv/interp/interp.h"
#include "rv/mem/mem.h"

static inline uint64_t sext32(uint64_t x)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)x;
}

static uint64_t div_s64(int64_t a, int64_t b)
{
	if (b == 0)
		return UINT64_MAX;
	if (a == INT64_MIN && b == -1)
		return (uint64_t)INT64_MIN;
	return (uint64_t)(a / b);
}

static uint64_t rem_s64(int64_t a, int64_t b)
{
	if (b == 0)
		return (uint64_t)a;
	if (a == INT64_MIN && b == -1)
		return 0;
	return (uint64_t)(a % b);
}

static uint64_t div_s32(int32_t a, int32_t b)
{
	if (b == 0)
		return UINT64_MAX;
	if (a == INT32_MIN && b == -1)
		return sext32((uint32_t)INT32_MIN);
	return sext32((uint32_t)(a / b));
}

static uint64_t rem_s32(int32_t a, int32_t b)
{
	if (b == 0)
		return sext32((uint32_t)a);
	if (a == INT32_MIN && b == -1)
		return 0;
	return sext32((uint32_t)(a % b));
}

static uint64_t mulh_ss(int64_t a, int64_t b)
{
	return (uint64_t)(((__int128)a * (__int128)b) >> 64);
}

static uint64_t mulh_uu(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * (unsigned __int128)b) >> 64);
}

static uint64_t mulh_su(int64_t a, uint64_t b)
{
	/* signed x unsigned: the high word of the 128-bit two's-complement product. */
	uint64_t hi = mulh_uu((uint64_t)a, b);
	if (a < 0)
		hi -= b;
	return hi;
}

/* Loads and stores with the access width and extension the ISA gives them. */
#define LOAD(type, size)                                                          \
	do {                                                                      \
		uint64_t v_;                                                      \
		if (!rv_mem_load(cpu, x[in->rs1] + (uint64_t)in->imm, size, &v_)) \
			return RV_EXIT_FAULT;                                     \
		rv_set_x(cpu, in->rd, (uint64_t)(type)v_);                        \
	} while (0)
#define STORE(size, value)                                                           \
	do {                                                                         \
		if (!rv_mem_store(cpu, x[in->rs1] + (uint64_t)in->imm, size, value)) \
			return RV_EXIT_FAULT;                                        \
	} while (0)

/* One instruction. *npc holds pc + len on entry; control flow replaces it with the target. On an exit
 * nothing architectural has changed (pc is the caller's business). */
static inline __attribute__((always_inline)) enum rv_exit
exec_one(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc, uint64_t *npc)
{
	uint64_t *x = cpu->x;
	const uint64_t a = x[in->rs1], b = x[in->rs2];
	const uint64_t imm = (uint64_t)in->imm;
	uint64_t r;

	switch (in->op) {
	case RV_OP_LUI: r = imm; break;
	case RV_OP_AUIPC: r = pc + imm; break;
	case RV_OP_ADDI: r = a + imm; break;
	case RV_OP_SLTI: r = (int64_t)a < (int64_t)imm; break;
	case RV_OP_SLTIU: r = a < imm; break;
	case RV_OP_XORI: r = a ^ imm; break;
	case RV_OP_ORI: r = a | imm; break;
	case RV_OP_ANDI: r = a & imm; break;
	case RV_OP_SLLI: r = a << (imm & 63); break;
	case RV_OP_SRLI: r = a >> (imm & 63); break;
	case RV_OP_SRAI: r = (uint64_t)((int64_t)a >> (imm & 63)); break;
	case RV_OP_ADD: r = a + b; break;
	case RV_OP_SUB: r = a - b; break;
	case RV_OP_SLL: r = a << (b & 63); break;
	case RV_OP_SLT: r = (int64_t)a < (int64_t)b; break;
	case RV_OP_SLTU: r = a < b; break;
	case RV_OP_XOR: r = a ^ b; break;
	case RV_OP_SRL: r = a >> (b & 63); break;
	case RV_OP_SRA: r = (uint64_t)((int64_t)a >> (b & 63)); break;
	case RV_OP_OR: r = a | b; break;
	case RV_OP_AND: r = a & b; break;
	case RV_OP_ADDIW: r = sext32(a + imm); break;
	case RV_OP_SLLIW: r = sext32((uint32_t)a << (imm & 31)); break;
	case RV_OP_SRLIW: r = sext32((uint32_t)a >> (imm & 31)); break;
	case RV_OP_SRAIW: r = sext32((uint32_t)((int32_t)a >> (imm & 31))); break;
	case RV_OP_ADDW: r = sext32(a + b); break;
	case RV_OP_SUBW: r = sext32(a - b); break;
	case RV_OP_SLLW: r = sext32((uint32_t)a << (b & 31)); break;
	case RV_OP_SRLW: r = sext32((uint32_t)a >> (b & 31)); break;
	case RV_OP_SRAW: r = sext32((uint32_t)((int32_t)a >> (b & 31))); break;
	case RV_OP_MUL: r = a * b; break;
	case RV_OP_MULH: r = mulh_ss((int64_t)a, (int64_t)b); break;
	case RV_OP_MULHSU: r = mulh_su((int64_t)a, b); break;
	case RV_OP_MULHU: r = mulh_uu(a, b); break;
	case RV_OP_DIV: r = div_s64((int64_t)a, (int64_t)b); break;
	case RV_OP_DIVU: r = b ? a / b : UINT64_MAX; break;
	case RV_OP_REM: r = rem_s64((int64_t)a, (int64_t)b); break;
	case RV_OP_REMU: r = b ? a % b : a; break;
	case RV_OP_MULW: r = sext32((uint32_t)a * (uint32_t)b); break;
	case RV_OP_DIVW: r = div_s32((int32_t)a, (int32_t)b); break;
	case RV_OP_DIVUW: r = (uint32_t)b ? sext32((uint32_t)a / (uint32_t)b) : UINT64_MAX; break;
	case RV_OP_REMW: r = rem_s32((int32_t)a, (int32_t)b); break;
	case RV_OP_REMUW: r = (uint32_t)b ? sext32((uint32_t)a % (uint32_t)b) : sext32(a); break;

	/* Zba */
	case RV_OP_ADD_UW: r = b + rv_zext_w(a); break;
	case RV_OP_SH1ADD: r = b + (a << 1); break;
	case RV_OP_SH2ADD: r = b + (a << 2); break;
	case RV_OP_SH3ADD: r = b + (a << 3); break;
	case RV_OP_SH1ADD_UW: r = b + (rv_zext_w(a) << 1); break;
	case RV_OP_SH2ADD_UW: r = b + (rv_zext_w(a) << 2); break;
	case RV_OP_SH3ADD_UW: r = b + (rv_zext_w(a) << 3); break;
	case RV_OP_SLLI_UW: r = rv_zext_w(a) << (imm & 63); break;
	/* Zbb */
	case RV_OP_ANDN: r = a & ~b; break;
	case RV_OP_ORN: r = a | ~b; break;
	case RV_OP_XNOR: r = ~(a ^ b); break;
	case RV_OP_CLZ: r = rv_clz64(a); break;
	case RV_OP_CLZW: r = rv_clz32(a); break;
	case RV_OP_CTZ: r = rv_ctz64(a); break;
	case RV_OP_CTZW: r = rv_ctz32(a); break;
	case RV_OP_CPOP: r = rv_cpop64(a); break;
	case RV_OP_CPOPW: r = rv_cpop32(a); break;
	case RV_OP_MAX: r = rv_max(a, b); break;
	case RV_OP_MAXU: r = a < b ? b : a; break;
	case RV_OP_MIN: r = rv_min(a, b); break;
	case RV_OP_MINU: r = a < b ? a : b; break;
	case RV_OP_SEXT_B: r = (uint64_t)(int64_t)(int8_t)a; break;
	case RV_OP_SEXT_H: r = (uint64_t)(int64_t)(int16_t)a; break;
	case RV_OP_ZEXT_H: r = (uint16_t)a; break;
	case RV_OP_ROL: r = rv_rol64(a, b); break;
	case RV_OP_ROLW: r = rv_rol32(a, b); break;
	case RV_OP_ROR: r = rv_ror64(a, b); break;
	case RV_OP_RORI: r = rv_ror64(a, imm); break;
	case RV_OP_RORIW: r = rv_ror32(a, imm); break;
	case RV_OP_RORW: r = rv_ror32(a, b); break;
	case RV_OP_ORC_B: r = rv_orc_b(a); break;
	case RV_OP_REV8: r = __builtin_bswap64(a); break;
	/* Zbs */
	case RV_OP_BCLR: r = a & ~rv_bit(b); break;
	case RV_OP_BCLRI: r = a & ~rv_bit(imm); break;
	case RV_OP_BEXT: r = (a & rv_bit(b)) != 0; break;
	case RV_OP_BEXTI: r = (a & rv_bit(imm)) != 0; break;
	case RV_OP_BINV: r = a ^ rv_bit(b); break;
	case RV_OP_BINVI: r = a ^ rv_bit(imm); break;
	case RV_OP_BSET: r = a | rv_bit(b); break;
	case RV_OP_BSETI: r = a | rv_bit(imm); break;
	/* Zicond */
	case RV_OP_CZERO_EQZ: r = b == 0 ? 0 : a; break;
	case RV_OP_CZERO_NEZ: r = b != 0 ? 0 : a; break;

	case RV_OP_LB: LOAD(int8_t, 1); return RV_EXIT_NONE;
	case RV_OP_LH: LOAD(int16_t, 2); return RV_EXIT_NONE;
	case RV_OP_LW: LOAD(int32_t, 4); return RV_EXIT_NONE;
	case RV_OP_LD: LOAD(uint64_t, 8); return RV_EXIT_NONE;
	case RV_OP_LBU: LOAD(uint8_t, 1); return RV_EXIT_NONE;
	case RV_OP_LHU: LOAD(uint16_t, 2); return RV_EXIT_NONE;
	case RV_OP_LWU: LOAD(uint32_t, 4); return RV_EXIT_NONE;
	case RV_OP_SB: STORE(1, b); return RV_EXIT_NONE;
	case RV_OP_SH: STORE(2, b); return RV_EXIT_NONE;
	case RV_OP_SW: STORE(4, b); return RV_EXIT_NONE;
	case RV_OP_SD: STORE(8, b); return RV_EXIT_NONE;
	case RV_OP_FLW:
	case RV_OP_FLD: {
		uint64_t v;
		unsigned size = in->op == RV_OP_FLW ? 4 : 8;
		if (cpu->fp_disabled)
			return RV_EXIT_ILLEGAL;
		if (!rv_mem_load(cpu, a + imm, size, &v))
			return RV_EXIT_FAULT;
		cpu->f[in->rd] = size == 4 ? rv_box_f32((uint32_t)v) : v;
		cpu->fp_dirty = 1;
		return RV_EXIT_NONE;
	}
	case RV_OP_FSW:
	case RV_OP_FSD:
		if (cpu->fp_disabled)
			return RV_EXIT_ILLEGAL;
		STORE(in->op == RV_OP_FSW ? 4 : 8, cpu->f[in->rs2]);
		return RV_EXIT_NONE;

	case RV_OP_BEQ:
		if (a == b)
			*npc = pc + imm;
		return RV_EXIT_NONE;
	case RV_OP_BNE:
		if (a != b)
			*npc = pc + imm;
		return RV_EXIT_NONE;
	case RV_OP_BLT:
		if ((int64_t)a < (int64_t)b)
			*npc = pc + imm;
		return RV_EXIT_NONE;
	case RV_OP_BGE:
		if ((int64_t)a >= (int64_t)b)
			*npc = pc + imm;
		return RV_EXIT_NONE;
	case RV_OP_BLTU:
		if (a < b)
			*npc = pc + imm;
		return RV_EXIT_NONE;
	case RV_OP_BGEU:
		if (a >= b)
			*npc = pc + imm;
		return RV_EXIT_NONE;
	case RV_OP_JAL:
		rv_set_x(cpu, in->rd, pc + in->len);
		*npc = pc + imm;
		return RV_EXIT_NONE;
	case RV_OP_JALR:
		/* the target uses rs1 before rd is written (rd may equal rs1) */
		*npc = (a + imm) & ~1ull;
		rv_set_x(cpu, in->rd, pc + in->len);
		return RV_EXIT_NONE;

	case RV_OP_FENCE:
		/* guest threads are host threads: a full host barrier covers every pred/succ set */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (in->imm == RV_FENCE_PAUSE_IMM && cpu->priv_ops && cpu->priv_ops->pause)
			cpu->priv_ops->pause(cpu);
		return RV_EXIT_NONE;
	case RV_OP_FENCE_I: return RV_EXIT_FENCE_I;
	case RV_OP_ECALL: return RV_EXIT_ECALL;
	case RV_OP_EBREAK: return RV_EXIT_EBREAK;

	case RV_OP_CSRRW:
	case RV_OP_CSRRS:
	case RV_OP_CSRRC:
	case RV_OP_CSRRWI:
	case RV_OP_CSRRSI:
	case RV_OP_CSRRCI:
		if (cpu->priv_ops)
			return cpu->priv_ops->csr(cpu, in, pc);
		return rv_exec_csr(cpu, in);

	default:
		if (in->op >= RV_OP_LR_W && in->op <= RV_OP_AMOMAXU_D)
			return rv_exec_atomic(cpu, in);
		if (in->op >= RV_OP_FMADD_S && in->op <= RV_OP_FMV_D_X && in->op != RV_OP_FLD &&
		    in->op != RV_OP_FSD) {
			if (cpu->fp_disabled)
				return RV_EXIT_ILLEGAL;
			cpu->fp_dirty = 1; /* conservatively: every F/D op may write FP registers or fflags */
			return rv_exec_fp(cpu, in);
		}
		/* privileged ops: the system-mode environment performs them (user mode has none) */
		if (cpu->priv_ops && (rv_op_flags(in->op) & RV_OPF_PRIV))
			return cpu->priv_ops->system(cpu, in, pc);
		/* illegal encodings, and privileged ops in user mode */
		return RV_EXIT_ILLEGAL;
	}
	rv_set_x(cpu, in->rd, r);
	return RV_EXIT_NONE;
}

#endif
