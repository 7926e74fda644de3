/* Executing single instructions: the JIT's helper and the interpreter's step. */
#include <stdint.h>

#include "rv/interp/exec_inline.h"
#include "rv/interp/interp.h"

enum rv_exit rv_exec_insn(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc)
{
	uint64_t npc = pc + in->len;
	enum rv_exit e = exec_one(cpu, in, pc, &npc);
	if (e == RV_EXIT_NONE) {
		if (rv_op_flags(in->op) & RV_OPF_CONTROL)
			cpu->pc = npc;
	} else {
		cpu->pc = e == RV_EXIT_FENCE_I ? npc : pc;
	}
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
	if (e == RV_EXIT_NONE || e == RV_EXIT_FENCE_I)
		cpu->insn_count++;
	return e;
}
