/* Interpreter internals shared by its files (not for other areas). */
#ifndef KARASU_RV_INTERP_INTERNAL_H
#define KARASU_RV_INTERP_INTERNAL_H

#include "rv/cpu.h"
#include "rv/isa/insn.h"

/* F/D arithmetic, conversions, compares, moves (not loads/stores). */
enum rv_exit rv_exec_fp(struct rv_cpu *cpu, const struct rv_insn *in);
/* LR/SC and AMOs. */
enum rv_exit rv_exec_atomic(struct rv_cpu *cpu, const struct rv_insn *in);
/* Zicsr. */
enum rv_exit rv_exec_csr(struct rv_cpu *cpu, const struct rv_insn *in);

/* Host-fault recovery point of this thread (see rv_interp_host_fault), NULL when none. */
#include <setjmp.h>
extern _Thread_local sigjmp_buf *rv_interp_recover;
extern _Thread_local uint64_t rv_interp_recover_addr;
extern _Thread_local uint32_t rv_interp_recover_kind;

/* NaN-boxing of single-precision values in the 64-bit FP registers. */
#define RV_NANBOX_HI 0xffffffff00000000ull
static inline uint64_t rv_box_f32(uint32_t bits)
{
	return RV_NANBOX_HI | bits;
}

#endif
