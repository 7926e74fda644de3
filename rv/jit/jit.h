/* karasu-rv translator: RV64GC guest basic blocks -> x86-64 host code, run from a code cache.
 *
 * One struct rv_jit owns one code cache and is used by one host thread at a time (create one per host
 * thread that runs guest code). See docs/karasu-rv-jit.md for the internals.
 */
#ifndef KARASU_RV_JIT_JIT_H
#define KARASU_RV_JIT_JIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rv/cpu.h"

/* System mode: how the translator reaches the machine around its hart (rv/system/translator.c). Guest
 * addresses are virtual: translated code checks the hart's software TLB inline (cpu->dtlb, rv/mem/tlb.h)
 * and calls rv/mem/mem.h's slow paths on a miss; blocks are keyed by virtual pc, the physical address of
 * their page and whether FP is enabled, and dropped by physical page when a store reaches it. A block
 * never crosses a page (but for one instruction that does, alone in its block). Every block has a
 * checked entry, which compares the fetch TLB's entry for its page with the mapping it was made under
 * and otherwise returns to the dispatcher (which walks the page table): exits to another page and the
 * jump cache lead there, so they stay valid whatever happens to the page tables. Exits within the page
 * and the dispatcher use the entry after the check. */
struct rv_jit_system {
	void *ctx;
	/* Translates the fetch address pc for the current privilege: the physical address and the host
	 * pointer of the byte at pc (filling the TLB). False: the fetch faults (cpu->trap_cause and
	 * fault_addr are set). */
	bool (*fetch)(void *ctx, uint64_t pc, uint64_t *pa, const uint8_t **host);
	/* Code is about to be translated from the RAM page at pa (stores into it must now be seen).
	 * False: the page's code is to be interpreted instead. */
	bool (*code_page)(void *ctx, uint64_t pa);
	/* Whether translated code may run from the RAM page at pa at the current privilege: false when
	 * permissions differ within the page (PMP boundaries inside it), which a block, checked once at its
	 * start, cannot honour: its code is interpreted, every fetch checked. */
	bool (*runnable)(void *ctx, uint64_t pa);
};

struct jit_perf_symbols; /* rv/jit/perfmap.h */

struct rv_jit_options {
	FILE *dump;     /* --dump-jit: every translated block is printed here (NULL: off) */
	FILE *perf_map; /* --perf-map: one line per block for Linux perf (/tmp/perf-PID.map; NULL: off) */
	const struct jit_perf_symbols *perf_symbols; /* guest function names for it (NULL: addresses only) */
	bool stats;                                  /* --stats: count blocks, cache hits and chained jumps */
	/* Flat memory (user mode): called before code is read from a guest-writable page, so that the
	 * runtime can write-protect it on the host and see a store into translated code (rv/user/mem.h,
	 * rv_mem_code_page_use). False: the page is not to be translated (RV_PAGE_NOJIT), its instructions
	 * are interpreted. NULL: stores into code need fence.i. */
	bool (*code_page_use)(void *ctx, uint64_t addr);
	void *code_page_ctx;
	/* System mode (NULL: user mode). */
	const struct rv_jit_system *system;
};

struct rv_jit;

/* Returns NULL (with a message on stderr) if the code cache cannot be mapped. */
struct rv_jit *rv_jit_create(const struct rv_jit_options *o);
void rv_jit_destroy(struct rv_jit *j);

/* Runs translated code from cpu->pc until an exit that the runtime must handle. On return cpu->pc is
 * the instruction that caused the exit (ECALL/EBREAK/ILLEGAL/FAULT/FENCE_I) and every guest register is
 * in *cpu (nothing stays cached in host registers between calls). FENCE.I is handled inside (all
 * translations are dropped and execution continues after it), so RV_EXIT_FENCE_I is not returned. */
enum rv_exit rv_jit_run(struct rv_jit *j, struct rv_cpu *cpu);

/* Guest code in [guest_addr, guest_addr + len) was written, unmapped or remapped: drop every
 * translation that contains an instruction from it (and unchain the blocks that jump to them).
 * Must not be called while rv_jit_run is executing translated code on this jit (call it from the
 * runtime's exit handling, e.g. in the syscall layer). */
void rv_jit_invalidate(struct rv_jit *j, uint64_t guest_addr, uint64_t len);

/* System mode: drop every translation; drop those made from the physical page at pa_page. Only from the
 * thread that runs the jit, outside rv_jit_run. (A change of virtual translations - satp, sfence.vma -
 * needs nothing: see "checked entries" above.) */
void rv_jit_flush(struct rv_jit *j);
void rv_jit_invalidate_phys(struct rv_jit *j, uint64_t pa_page);

/* Blocks translated, block-cache hits/misses, chained jumps, indirect-jump cache hits/misses. */
void rv_jit_print_stats(struct rv_jit *j, FILE *out);

/* Called by the runtime's SIGSEGV/SIGBUS handler with the handler's ucontext. If the host pc is inside
 * this jit's code cache (a guest load/store hit an unmapped or protected page): writes the guest
 * registers cached in host registers back to *cpu, sets cpu->pc to the guest instruction that faulted,
 * and rewrites the ucontext so that returning from the signal handler leaves the translated code and
 * makes rv_jit_run return RV_EXIT_FAULT. The handler fills cpu->fault_addr/fault_kind itself (from
 * siginfo) and simply returns. Returns false if the host pc is not in translated code (a host bug). */
bool rv_jit_recover_fault(struct rv_jit *j, struct rv_cpu *cpu, void *ucontext);

/* True if host_pc is inside this jit's code cache (for the runtime's fault handler). */
bool rv_jit_owns_host_pc(const struct rv_jit *j, uintptr_t host_pc);

#endif
