/* The interpreter's run loop: fetch, look the decoded form up in a small cache, execute.
 *
 * The executable page being run is validated once and then read directly: page permissions change
 * only in syscalls, which end a run (another thread's munmap of running code is not covered). */
#include <pthread.h>
#include <stdlib.h>

#include "rv/interp/exec_inline.h"
#include "rv/interp/interp.h"

/* Direct-mapped cache of decoded instructions, per host thread. An entry is used only when both the pc
 * and the raw bits match what was fetched now, so rewritten code is always decoded afresh. */
#define DECODE_CACHE_BITS 15
struct decode_entry {
	uint64_t pc;
	uint32_t raw;
	uint32_t special; /* SPECIAL_*: what the loop must do around this instruction */
	struct rv_insn insn;
};
#define SPECIAL_CONTROL 1u /* control flow: check for interrupts after it */
#define SPECIAL_CSR     2u /* may read instret: make insn_count exact first */
static _Thread_local struct decode_entry *decode_cache;

/* The cache is freed when its thread ends (a program may start and end many threads). */
static pthread_key_t cache_key;
static pthread_once_t cache_key_once = PTHREAD_ONCE_INIT;

static void cache_key_create(void)
{
	pthread_key_create(&cache_key, free);
}

static struct decode_entry *cache_init(void)
{
	/* all-zero entries are empty: pc 0 is never executable (page zero cannot be mapped) */
	decode_cache = calloc(1u << DECODE_CACHE_BITS, sizeof(*decode_cache));
	pthread_once(&cache_key_once, cache_key_create);
	if (decode_cache)
		pthread_setspecific(cache_key, decode_cache);
	return decode_cache;
}

static enum rv_exit run_loop(struct rv_cpu *cpu, uint64_t max_insns)
{
	struct decode_entry *cache = decode_cache ? decode_cache : cache_init();
	if (!cache) {
		/* no memory for the cache: decode every time */
		for (uint64_t n = 0; max_insns == 0 || n < max_insns; n++) {
			if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED))
				return RV_EXIT_INTERRUPT;
			enum rv_exit r = rv_interp_step(cpu);
			if (r != RV_EXIT_NONE)
				return r;
		}
		return RV_EXIT_LIMIT;
	}
	/* loop invariants kept in registers: the run ends before anything can change them */
	const uint64_t exit_pc = cpu->exit_pc ? cpu->exit_pc : 1; /* 1: never matches (pcs are even) */
	const uint64_t limit = max_insns ? max_insns : UINT64_MAX;
	const uint64_t count_base = cpu->insn_count;
	uint64_t done = 0;
	uint64_t page = UINT64_MAX; /* guest page number validated for execution */
	const uint8_t *page_host = NULL;
	uint64_t pc = cpu->pc;
	enum rv_exit r;

	if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED))
		return RV_EXIT_INTERRUPT;
	for (;;) {
		if (pc == exit_pc) {
			r = RV_EXIT_HALT;
			break;
		}
		if (done >= limit) {
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
			if (off <= RV_PAGE_SIZE - 4 && !cpu->mem_ops) { /* flat memory only */
				page = pc >> RV_PAGE_SHIFT;
				page_host = cpu->mem_base + (page << RV_PAGE_SHIFT);
			}
		}
		uint32_t key = (raw & 3) == 3 ? raw : (raw & 0xffffu);
		struct decode_entry *e = &cache[(pc >> 1) & ((1u << DECODE_CACHE_BITS) - 1)];
		if (e->pc != pc || e->raw != key) {
			rv_decode(key, &e->insn);
			e->pc = pc;
			e->raw = key;
			uint32_t flags = rv_op_flags(e->insn.op);
			e->special = ((flags & RV_OPF_CONTROL) ? SPECIAL_CONTROL : 0) |
			             ((flags & RV_OPF_CSR) ? SPECIAL_CSR : 0);
		}
		const struct rv_insn *in = &e->insn;
		if (e->special & SPECIAL_CSR)
			cpu->insn_count = count_base + done; /* instret must be exact when read */
		uint64_t npc = pc + in->len;
		r = exec_one(cpu, in, pc, &npc);
		if (r != RV_EXIT_NONE) {
			if (r == RV_EXIT_FENCE_I) {
				cpu->pc = npc;
				done++;
			} else if (r == RV_EXIT_STATE) {
				done++; /* the instruction completed and set pc itself */
			}
			break;
		}
		cpu->pc = pc = npc; /* kept current: a host fault recovery reads it */
		done++;
		if ((e->special & SPECIAL_CONTROL) &&
		    __atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED)) {
			r = RV_EXIT_INTERRUPT;
			break;
		}
	}
	cpu->insn_count = count_base + done;
	return r;
}

enum rv_exit rv_interp_run(struct rv_cpu *cpu_arg, uint64_t max_insns)
{
	/* a host fault on a guest access lands here, with pc still the faulting instruction's */
	struct rv_cpu *volatile cpu = cpu_arg;
	sigjmp_buf *volatile saved = rv_interp_recover;
	sigjmp_buf jb;
	if (sigsetjmp(jb, 0)) {
		rv_interp_recover = saved;
		cpu->fault_addr = rv_interp_recover_addr;
		cpu->fault_kind = rv_interp_recover_kind;
		return RV_EXIT_FAULT;
	}
	rv_interp_recover = &jb;
	enum rv_exit r = run_loop(cpu, max_insns);
	rv_interp_recover = saved;
	return r;
}
