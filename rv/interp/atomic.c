/* A extension: LR/SC and AMOs, atomic with respect to other guest threads (which are host threads) by
 * using host atomics on the guest memory itself. SC is a compare-and-swap against the value LR read:
 * it fails whenever the value changed, and (like most emulators) succeeds after an ABA write. */
#include "rv/interp/internal.h"
#include "rv/mem/mem.h"

static uint64_t amo32(unsigned op, uint32_t *p, uint32_t v)
{
	uint32_t old;
	switch (op) {
	case RV_OP_AMOSWAP_W: return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
	case RV_OP_AMOADD_W: return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
	case RV_OP_AMOXOR_W: return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);
	case RV_OP_AMOAND_W: return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
	case RV_OP_AMOOR_W: return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
	default: break;
	}
	old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
	for (;;) {
		uint32_t next;
		switch (op) {
		case RV_OP_AMOMIN_W: next = (int32_t)old < (int32_t)v ? old : v; break;
		case RV_OP_AMOMAX_W: next = (int32_t)old > (int32_t)v ? old : v; break;
		case RV_OP_AMOMINU_W: next = old < v ? old : v; break;
		default: next = old > v ? old : v; break; /* AMOMAXU_W */
		}
		if (__atomic_compare_exchange_n(p, &old, next, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return old;
	}
}

static uint64_t amo64(unsigned op, uint64_t *p, uint64_t v)
{
	uint64_t old;
	switch (op) {
	case RV_OP_AMOSWAP_D: return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
	case RV_OP_AMOADD_D: return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
	case RV_OP_AMOXOR_D: return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);
	case RV_OP_AMOAND_D: return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
	case RV_OP_AMOOR_D: return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
	default: break;
	}
	old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
	for (;;) {
		uint64_t next;
		switch (op) {
		case RV_OP_AMOMIN_D: next = (int64_t)old < (int64_t)v ? old : v; break;
		case RV_OP_AMOMAX_D: next = (int64_t)old > (int64_t)v ? old : v; break;
		case RV_OP_AMOMINU_D: next = old < v ? old : v; break;
		default: next = old > v ? old : v; break; /* AMOMAXU_D */
		}
		if (__atomic_compare_exchange_n(p, &old, next, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return old;
	}
}

enum rv_exit rv_exec_atomic(struct rv_cpu *cpu, const struct rv_insn *in)
{
	unsigned size = rv_op_mem_size(in->op);
	uint64_t addr = cpu->x[in->rs1];
	void *host;

	if (in->op == RV_OP_LR_W || in->op == RV_OP_LR_D) {
		host = rv_mem_atomic(cpu, addr, size, false);
		if (!host)
			return RV_EXIT_FAULT;
		uint64_t v = size == 4 ? (uint64_t)__atomic_load_n((uint32_t *)host, __ATOMIC_SEQ_CST)
		                       : __atomic_load_n((uint64_t *)host, __ATOMIC_SEQ_CST);
		cpu->resv_addr = addr;
		cpu->resv_value = v;
		cpu->resv_size = (uint8_t)size;
		cpu->resv_valid = 1;
		rv_set_x(cpu, in->rd, size == 4 ? (uint64_t)(int64_t)(int32_t)v : v);
		return RV_EXIT_NONE;
	}
	host = rv_mem_atomic(cpu, addr, size, true);
	if (!host)
		return RV_EXIT_FAULT;
	uint64_t src = cpu->x[in->rs2];

	if (in->op == RV_OP_SC_W || in->op == RV_OP_SC_D) {
		bool ok = false;
		if (cpu->resv_valid && cpu->resv_addr == addr && cpu->resv_size == size) {
			if (size == 4) {
				uint32_t expected = (uint32_t)cpu->resv_value;
				ok = __atomic_compare_exchange_n((uint32_t *)host, &expected, (uint32_t)src,
				                                 false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			} else {
				uint64_t expected = cpu->resv_value;
				ok = __atomic_compare_exchange_n((uint64_t *)host, &expected, src, false,
				                                 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			}
		}
		cpu->resv_valid = 0;
		rv_set_x(cpu, in->rd, ok ? 0 : 1);
		return RV_EXIT_NONE;
	}

	uint64_t old = size == 4 ? (uint64_t)(int64_t)(int32_t)amo32(in->op, host, (uint32_t)src)
	                         : amo64(in->op, host, src);
	rv_set_x(cpu, in->rd, old);
	return RV_EXIT_NONE;
}
