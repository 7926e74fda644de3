/* The bridge from translated code to the interpreter, and the host floating-point environment.
 *
 * Translated F/D arithmetic runs on SSE with MXCSR in its default state (round to nearest, all
 * exceptions masked); its sticky exception flags are moved into cpu->fflags whenever C code may look at
 * fflags (before a helper runs, and when translated code returns to the dispatcher). */
#include <xmmintrin.h>

#include "rv/interp/interp.h"
#include "rv/jit/jit_internal.h"
#include "rv/mem/mem.h"

enum {
	MXCSR_IE = 1u << 0, /* invalid operation */
	MXCSR_DE = 1u << 1, /* denormal operand: no RISC-V equivalent, ignored */
	MXCSR_ZE = 1u << 2, /* divide by zero */
	MXCSR_OE = 1u << 3, /* overflow */
	MXCSR_UE = 1u << 4, /* underflow */
	MXCSR_PE = 1u << 5, /* precision (inexact) */
	MXCSR_FLAGS = 0x3fu,
	MXCSR_DEFAULT = 0x1f80u, /* all exceptions masked, round to nearest, no FTZ/DAZ */
};

void jit_reset_host_fp(void)
{
	_mm_setcsr(MXCSR_DEFAULT);
}

void jit_fold_host_fp_flags(struct rv_cpu *cpu)
{
	unsigned m = _mm_getcsr();
	if (!(m & (MXCSR_FLAGS & ~MXCSR_DE)))
		return;
	uint32_t f = 0;
	if (m & MXCSR_IE)
		f |= RV_FFLAG_NV;
	if (m & MXCSR_ZE)
		f |= RV_FFLAG_DZ;
	if (m & MXCSR_OE)
		f |= RV_FFLAG_OF;
	if (m & MXCSR_UE)
		f |= RV_FFLAG_UF;
	if (m & MXCSR_PE)
		f |= RV_FFLAG_NX;
	cpu->fflags |= f;
	_mm_setcsr(m & ~MXCSR_FLAGS);
}

uint64_t jit_helper_exec(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc)
{
	jit_fold_host_fp_flags(cpu);
	enum rv_exit e = rv_exec_insn(cpu, in, pc);
	jit_reset_host_fp(); /* the interpreter may have used the host FPU with other modes/flags */
	return e;
}

struct jit_sys_result jit_sys_load(struct rv_cpu *cpu, uint64_t addr, uint64_t op)
{
	struct jit_sys_result r = {0, 0};
	unsigned size = rv_op_mem_size((unsigned)op);
	uint64_t v;
	if (!rv_mem_load(cpu, addr, size, &v)) {
		r.exit = RV_EXIT_FAULT;
		return r;
	}
	if (rv_op_flags((unsigned)op) & RV_OPF_SIGNED) {
		unsigned shift = 64 - 8 * size;
		v = (uint64_t)((int64_t)(v << shift) >> shift);
	}
	r.value = v;
	return r;
}

uint64_t jit_sys_store(struct rv_cpu *cpu, uint64_t addr, uint64_t value, uint64_t size)
{
	return rv_mem_store(cpu, addr, (unsigned)size, value) ? 0 : RV_EXIT_FAULT;
}
