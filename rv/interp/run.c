/* The interpreter's run loop: fetch, look the decoded form up in a small cache, execute.
 *
 * The executable page being run is validated once and then read directly: page permissions change
 * only in syscalls, which end a run (another thread's munmap of running code is not covered). */
#include <stdlib.h>

#include "rv/interp/exec_inline.h"
#include "rv/interp/interp.h"

/* Direct-mapped cache of decoded instructions, per host thread. An entry is used only when both the pc
 * and the raw bits match what was fetched now, so rewritten code is always decoded afresh. */
#define DECODE_CACHE_BITS 15
struct decode_entry {
	uint64_t pc;
	uint32_t raw;
	uint32_t control; /* control flow: check for interrupts after it */
	struct rv_insn insn;
};
static _Thread_local struct decode_entry *decode_cache;

static struct decode_entry *cache_init(void)
{
	decode_cache = calloc(1u << DECODE_CACHE_BITS, sizeof(*decode_cache));
	if (decode_cache)
		for (unsigned i = 0; i < (1u << DECODE_CACHE_BITS); i++)
			decode_cache[i].pc = 1; /* never matches: instruction addresses are even */
	return decode_cache;
}

enum rv_exit rv_interp_run(struct rv_cpu *cpu, uint64_t max_insns)
{
	struct decode_entry *cache = decode_cache ? decode_cache : cache_init();
	uint64_t done = 0;
	uint64_t page = UINT64_MAX; /* guest page number validated for execution */
	const uint8_t *page_host = NULL;
	enum rv_exit r;

	if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED))
		return RV_EXIT_INTERRUPT;
	for (;;) {
		uint64_t pc = cpu->pc;
		if (cpu->exit_pc != 0 && pc == cpu->exit_pc) {
			r = RV_EXIT_HALT;
			break;
		}
		if (max_insns != 0 && done >= max_insns) {
			r = RV_EXIT_LIMIT;
			break;
		}
		uint32_t raw;
		uint64_t off = pc & (RV_PAGE_SIZE - 1);
		if ((pc >> RV_PAGE_SHIFT) == page && off <= RV_PAGE_SIZE - 4) {
			memcpy(&raw, page_host + off, 4);
		} else {
			if (!rv_mem_fetch(cpu, pc, &raw)) {
				r = RV_EXIT_FAULT;
				break;
			}
			if (off <= RV_PAGE_SIZE - 4) {
				page = pc >> RV_PAGE_SHIFT;
				page_host = cpu->mem_base + (page << RV_PAGE_SHIFT);
			}
		}
		uint32_t key = (raw & 3) == 3 ? raw : (raw & 0xffffu);
		struct rv_insn local;
		const struct rv_insn *in;
		bool control;
		if (cache) {
			struct decode_entry *e = &cache[(pc >> 1) & ((1u << DECODE_CACHE_BITS) - 1)];
			if (e->pc != pc || e->raw != key) {
				rv_decode(key, &e->insn);
				e->pc = pc;
				e->raw = key;
				e->control = (rv_op_flags(e->insn.op) & RV_OPF_CONTROL) != 0;
			}
			in = &e->insn;
			control = e->control;
		} else {
			rv_decode(key, &local);
			in = &local;
			control = (rv_op_flags(local.op) & RV_OPF_CONTROL) != 0;
		}
		uint64_t npc = pc + in->len;
		r = exec_one(cpu, in, pc, &npc);
		if (r != RV_EXIT_NONE) {
			if (r == RV_EXIT_FENCE_I) {
				cpu->pc = npc;
				cpu->insn_count++;
			}
			break;
		}
		cpu->pc = npc;
		done++;
		cpu->insn_count++; /* kept exact: rdinstret may read it */
		if (control && __atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED)) {
			r = RV_EXIT_INTERRUPT;
			break;
		}
	}
	return r;
}
