/* Zicsr in user mode: the FP CSRs (fflags, frm, fcsr) and the read-only counters. */
#include <time.h>
#include <x86intrin.h>

#include "rv/interp/interp.h"
#include "rv/interp/internal.h"

bool rv_csr_read(struct rv_cpu *cpu, unsigned csr, uint64_t *value)
{
	switch (csr) {
	case RV_CSR_FFLAGS: *value = cpu->fflags & RV_FFLAGS_MASK; return true;
	case RV_CSR_FRM: *value = cpu->frm & 7; return true;
	case RV_CSR_FCSR: *value = ((cpu->frm & 7) << 5) | (cpu->fflags & RV_FFLAGS_MASK); return true;
	case RV_CSR_CYCLE: *value = __rdtsc(); return true; /* the host's cycle counter */
	case RV_CSR_INSTRET: *value = cpu->insn_count; return true;
	case RV_CSR_TIME: {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		*value = (uint64_t)ts.tv_sec * RV_TIME_CSR_HZ +
		         (uint64_t)ts.tv_nsec / (1000000000ull / RV_TIME_CSR_HZ);
		return true;
	}
	default: return false;
	}
}

static bool csr_write(struct rv_cpu *cpu, unsigned csr, uint64_t value)
{
	switch (csr) {
	case RV_CSR_FFLAGS: cpu->fflags = value & RV_FFLAGS_MASK; return true;
	case RV_CSR_FRM: cpu->frm = value & 7; return true;
	case RV_CSR_FCSR:
		cpu->fflags = value & RV_FFLAGS_MASK;
		cpu->frm = (value >> 5) & 7;
		return true;
	default: return false; /* counters are read-only */
	}
}

enum rv_exit rv_exec_csr(struct rv_cpu *cpu, const struct rv_insn *in)
{
	bool immediate = in->op == RV_OP_CSRRWI || in->op == RV_OP_CSRRSI || in->op == RV_OP_CSRRCI;
	uint64_t src = immediate ? (uint64_t)in->imm : cpu->x[in->rs1];
	bool is_write = in->op == RV_OP_CSRRW || in->op == RV_OP_CSRRWI;
	/* csrrs/csrrc with x0 (or zimm 0) do not write, so they may read read-only CSRs. */
	bool writes = is_write || (immediate ? in->imm != 0 : in->rs1 != 0);
	uint64_t old = 0;

	/* csrrw with rd = x0 does not read; the CSR must still exist. */
	if (!rv_csr_read(cpu, in->csr, &old))
		return RV_EXIT_ILLEGAL;
	if (writes) {
		uint64_t next = is_write                                            ? src
		                : (in->op == RV_OP_CSRRS || in->op == RV_OP_CSRRSI) ? old | src
		                                                                    : old & ~src;
		if (!csr_write(cpu, in->csr, next))
			return RV_EXIT_ILLEGAL;
	}
	rv_set_x(cpu, in->rd, old);
	return RV_EXIT_NONE;
}
