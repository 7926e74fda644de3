/* Precise guest state after a host fault inside translated code (see rv_jit_recover_fault in jit.h).
 *
 * Every translated guest load/store records its host instruction address in the block's site table.
 * Inside a block the guest registers are where the block's register view puts them (fixed mapping, lent
 * host registers, FP registers in xmm), all known from the block: copy them from the ucontext to *cpu,
 * set pc to the guest instruction, and resume at the epilogue's tail with rax = RV_EXIT_FAULT. */
#include <signal.h>
#include <sys/ucontext.h>

#include "rv/jit/jit_internal.h"
#include "rv/mem/mem.h"

/* gregs index of each x86_gpr. */
static const int greg_index[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static const struct jit_block *block_at(const struct rv_jit *j, uintptr_t host_pc)
{
	size_t lo = 0, hi = j->n_blocks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct jit_block *b = j->blocks[mid];
		if (host_pc < b->host)
			hi = mid;
		else if (host_pc >= b->host + b->host_len)
			lo = mid + 1;
		else
			return b;
	}
	return NULL;
}

bool rv_jit_recover_fault(struct rv_jit *j, struct rv_cpu *cpu, void *ucontext)
{
	ucontext_t *uc = ucontext;
	greg_t *g = uc->uc_mcontext.gregs;
	uintptr_t rip = (uintptr_t)g[REG_RIP];
	if (!rv_jit_owns_host_pc(j, rip))
		return false;
	const struct jit_block *b = block_at(j, rip);
	if (!b)
		return false;
	const struct jit_mem_site *site = NULL;
	for (unsigned i = 0; i < b->n_sites; i++) {
		if (b->host + b->sites[i].host_off == rip) {
			site = &b->sites[i];
			break;
		}
	}
	if (!site)
		return false;
	/* the block's register view: mapped guest registers, lent host registers, cached FP registers */
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++) {
		unsigned guest = j->map[i].guest;
		uint64_t value = (uint64_t)g[greg_index[j->map[i].host]];
		if (j->map[i].host == b->instret_reg) {
			cpu->insn_count += value; /* the original is in *cpu already */
			continue;
		}
		for (unsigned r = 0; r < b->n_remap; r++)
			if (b->remap[r].host == j->map[i].host)
				guest = b->remap[r].guest; /* the original is in *cpu already */
		cpu->x[guest] = value;
	}
	for (unsigned f = 0; f < 32; f++) {
		if (b->xmm_of[f] < 0 || !uc->uc_mcontext.fpregs)
			continue;
		const uint32_t *e = uc->uc_mcontext.fpregs->_xmm[b->xmm_of[f]].element;
		cpu->f[f] = (uint64_t)e[0] | (uint64_t)e[1] << 32;
	}
	cpu->pc = b->pc + site->insn_off;
	/* as the interpreter and Linux report it: the first inaccessible byte */
	cpu->fault_addr =
	    rv_mem_fault_addr(cpu, (uint64_t)g[greg_index[site->addr_reg]] + (uint64_t)site->disp, site->size,
	                      site->kind == RV_FAULT_STORE ? RV_PROT_WRITE : RV_PROT_READ);
	cpu->fault_kind = site->kind;
	g[REG_RAX] = RV_EXIT_FAULT;
	g[REG_RIP] = (greg_t)j->epilogue_nosave; /* *cpu is complete: do not store host registers again */
	return true;
}
