/* Executing single instructions: the JIT's helper and the interpreter's step. */
#include <stdint.h>

#include "rv/interp/exec_inline.h"
#include "rv/interp/interp.h"

_Thread_local sigjmp_buf *rv_interp_recover;
_Thread_local uint64_t rv_interp_recover_addr;
_Thread_local uint32_t rv_interp_recover_kind;

void rv_interp_host_fault(uint64_t guest_addr, uint32_t fault_kind)
{
	if (rv_interp_recover) {
		rv_interp_recover_addr = guest_addr;
		rv_interp_recover_kind = fault_kind;
		siglongjmp(*rv_interp_recover, 1);
	}
}

bool rv_fetch_guarded(struct rv_cpu *cpu_arg, uint64_t addr_arg, uint32_t *raw)
{
	struct rv_cpu *volatile cpu = cpu_arg;
	volatile uint64_t addr = addr_arg;
	sigjmp_buf *volatile saved = rv_interp_recover;
	sigjmp_buf jb;
	if (sigsetjmp(jb, 0)) {
		rv_interp_recover = saved;
		cpu->fault_addr = rv_interp_recover_addr;
		cpu->fault_kind = rv_interp_recover_kind == RV_FAULT_BUS ? RV_FAULT_BUS : RV_FAULT_FETCH;
		return false;
	}
	rv_interp_recover = &jb;
	bool ok = rv_mem_fetch(cpu, addr, raw);
	rv_interp_recover = saved;
	return ok;
}

static enum rv_exit exec_unguarded(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc)
{
	uint64_t npc = pc + in->len;
	enum rv_exit e = exec_one(cpu, in, pc, &npc);
	if (e == RV_EXIT_NONE) {
		if (rv_op_flags(in->op) & RV_OPF_CONTROL)
			cpu->pc = npc;
	} else if (e != RV_EXIT_STATE) { /* a state change set pc itself */
		cpu->pc = e == RV_EXIT_FENCE_I ? npc : pc;
	}
	return e;
}

enum rv_exit rv_exec_insn(struct rv_cpu *cpu_arg, const struct rv_insn *in_arg, uint64_t pc_arg)
{
	/* only volatile copies are used across sigsetjmp */
	struct rv_cpu *volatile cpu = cpu_arg;
	const struct rv_insn *volatile in = in_arg;
	volatile uint64_t pc = pc_arg;
	sigjmp_buf *volatile saved = rv_interp_recover;
	sigjmp_buf jb;
	if (sigsetjmp(jb, 0)) {
		rv_interp_recover = saved;
		cpu->fault_addr = rv_interp_recover_addr;
		cpu->fault_kind = rv_interp_recover_kind;
		cpu->pc = pc;
		return RV_EXIT_FAULT;
	}
	rv_interp_recover = &jb;
	enum rv_exit e = exec_unguarded(cpu, in, pc);
	rv_interp_recover = saved;
	return e;
}

enum rv_exit rv_interp_step(struct rv_cpu *cpu)
{
	uint64_t pc = cpu->pc;
	if (cpu->exit_pc != 0 && pc == cpu->exit_pc)
		return RV_EXIT_HALT;
	uint32_t raw;
	if (!rv_mem_fetch(cpu, pc, &raw))
		return RV_EXIT_FAULT;
	struct rv_insn in;
	rv_decode(raw, &in);
	enum rv_exit e = rv_exec_insn(cpu, &in, pc);
	if (e == RV_EXIT_NONE && !(rv_op_flags(in.op) & RV_OPF_CONTROL))
		cpu->pc = pc + in.len;
	if (e == RV_EXIT_NONE || e == RV_EXIT_FENCE_I || e == RV_EXIT_STATE)
		cpu->insn_count++;
	return e;
}
