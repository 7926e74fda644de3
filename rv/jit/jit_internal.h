/* karasu-rv translator internals shared by the files of rv/jit (not a public interface). */
#ifndef KARASU_RV_JIT_JIT_INTERNAL_H
#define KARASU_RV_JIT_JIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rv/cpu.h"
#include "rv/isa/insn.h"
#include "rv/jit/arena.h"
#include "rv/jit/codecache.h"
#include "rv/jit/jit.h"
#include "rv/jit/x86_emit.h"

/* Fixed host registers while translated code runs. */
#define JIT_REG_CPU X86_RBP /* = (uint8_t *)cpu + JIT_CPU_BIAS */
#define JIT_REG_MEM X86_R15 /* = cpu->mem_base */
/* Scratch registers: never hold guest state across guest instructions. */
#define JIT_TMP0    X86_RAX
#define JIT_TMP1    X86_RCX
#define JIT_TMP2    X86_RDX
#define JIT_TMP3    X86_R11

/* rbp points 128 bytes into struct rv_cpu so that all of x[0..31] is reachable with a disp8. */
#define JIT_CPU_BIAS       128
#define JIT_CPU_OFF(field) ((int32_t)offsetof(struct rv_cpu, field) - JIT_CPU_BIAS)
#define JIT_X_OFF(reg)     ((int32_t)(offsetof(struct rv_cpu, x) + 8 * (reg)) - JIT_CPU_BIAS)
#define JIT_F_OFF(reg)     ((int32_t)(offsetof(struct rv_cpu, f) + 8 * (reg)) - JIT_CPU_BIAS)

/* Guest integer registers that live in host registers for the whole time translated code runs
 * (static mapping, see docs/karasu-rv-jit.md); all others are read and written in *cpu directly. */
#define JIT_MAPPED_COUNT 9
struct jit_reg_map {
	uint8_t guest;
	int8_t host;
};
/* The mapping translated code starts with (the jit adapts it to the program, see jit_replan). */
extern const struct jit_reg_map jit_default_reg_map[JIT_MAPPED_COUNT];

/* Values translated code returns to rv_jit_run besides enum rv_exit and exit-record pointers. */
#define JIT_RET_LOOKUP     0x100  /* indirect jump whose target is not in the jump cache; cpu->pc = target */
#define JIT_RET_SLOW       0x101  /* frm is not RNE: interpret from cpu->pc for a while */
#define JIT_RET_MAX_CODE   0x1000 /* values >= this are struct jit_exit pointers... */
#define JIT_RET_HOT_TAG    1      /* ...or, with this bit set, a struct jit_block whose counter ran out */
/* Profile of which guest registers hot code uses: every JIT_HOT_PERIOD entries of a block add its
 * register uses to the weights; every JIT_REPLAN_EVENTS such events the mapping is reconsidered. */
#define JIT_HOT_PERIOD     (1u << 14)
#define JIT_REPLAN_EVENTS  32
/* Profiling costs a counter update per block entry: it stops after this many events. */
#define JIT_PROFILE_EVENTS 1024

/* One direct exit of a block: a patchable rel32 (jmp or jcc) that goes to the exit stub until the
 * target is translated, then straight to the target block's code. */
struct jit_exit {
	uint8_t *patch;           /* writable address of the rel32 field */
	uintptr_t stub;           /* executable address of the unchained destination */
	uint64_t target_pc;       /* guest pc the exit continues at */
	struct jit_block *from;   /* block holding this exit */
	struct jit_block *to;     /* block chained to, or NULL */
	struct jit_exit *next_in; /* next exit chained into the same block */
	uint64_t branch_pc;       /* side exits: the conditional branch taking it (else 0) */
	uint32_t taken;           /* side exits, while profiling: times taken */
	bool cross_page;          /* system mode: to another virtual page: chained to the checked entry */
};

/* Loop blocks lend host registers of global mappings their block does not use to guest registers
 * that live in *cpu otherwise (see docs/karasu-rv-jit.md, "register views"). */
struct jit_remap {
	uint8_t host;  /* enum x86_gpr */
	uint8_t guest; /* guest register held there inside the block */
	uint8_t orig;  /* guest register the host register holds outside (spilled to *cpu meanwhile) */
};

/* FP registers cached in xmm registers inside a block: xmm JIT_XMM_FIRST.. */
#define JIT_XMM_FIRST 3
#define JIT_XMM_COUNT 13

/* A host instruction that can fault on a guest access: for precise recovery. */
struct jit_mem_site {
	uint32_t host_off; /* offset of the access instruction from the block's host start */
	uint8_t addr_reg;  /* host register holding the guest address (minus disp) */
	int16_t disp;      /* displacement folded into the access's addressing mode */
	uint8_t kind;      /* enum rv_fault_kind */
	uint8_t size;      /* bytes accessed: a straddling access faults at its second page (si_addr) */
	uint16_t insn_off; /* guest pc - block pc */
};

/* Host code range generated for one guest instruction (for --dump-jit). */
struct jit_insn_span {
	uint64_t pc;
	struct rv_insn insn;
	uint32_t host_start, host_end; /* offsets from the block's host start */
};

#define JIT_BLOCK_MAX_EXITS 12

struct jit_block {
	uint64_t pc, end_pc; /* guest code [pc, end_pc) */
	/* system mode: the physical page the code came from, whether FP was off (FP ops translated as
	 * illegal), and the next block made from the same page */
	uint64_t pa;
	bool fp_off;
	struct jit_block *page_next;
	/* a block of one instruction that crosses into the next page: that page's physical address, and the
	 * next block in its list (0 / NULL otherwise) */
	uint64_t pa2;
	struct jit_block *page_next2;
	uintptr_t host;      /* executable address of the entry (system mode: the checked entry, see jit.h) */
	uintptr_t host_fast; /* entry when the block's page is known to be mapped as when it was made */
	uint8_t *host_rw;    /* writable address of the entry */
	uint32_t host_len;   /* bytes of code incl. cold stubs */
	uint32_t main_len;   /* bytes before the cold stubs */
	uint32_t n_insns;
	bool valid;
	struct jit_block *hash_next;
	struct jit_exit *incoming; /* exits of other blocks chained to this one */
	unsigned n_exits;
	struct jit_exit *exits[JIT_BLOCK_MAX_EXITS]; /* in the metadata arena */
	bool loop;                                   /* translated as a loop: back edge inside the block */
	uint8_t n_remap; /* register view of the block body (for fault recovery) */
	struct jit_remap remap[JIT_MAPPED_COUNT];
	int8_t instret_reg; /* host register counting instret in the body (struct jit_tctx), or X86_NO_REG */
	int8_t xmm_of[32];  /* guest f reg -> xmm, or -1 */
	uint32_t hot_counter; /* decremented on every entry; at 0 the dispatcher profiles the block */
	uint16_t uses[32];    /* how often each guest x register appears in the block */
	unsigned n_sites;
	struct jit_mem_site *sites;
	struct jit_insn_span *spans; /* only with --dump-jit */
};

/* Direct-mapped cache guest pc -> host code used by translated indirect jumps: small for a user program
 * (one per thread, emptied when code changes), large for a hart (a kernel and its processes). */
#define JIT_JUMP_CACHE_BITS_USER   12
#define JIT_JUMP_CACHE_BITS_SYSTEM 16
struct jit_jump_entry {
	uint64_t pc; /* tag: jit_jump_tag */
	uintptr_t host;
};

/* The tag of a jump cache entry: the pc, with bit 0 set for a block translated with FP off (system
 * mode: the kernel turns FP off at every trap and on again for user code, so both live side by side). */
static inline uint64_t jit_jump_tag(uint64_t pc, bool fp_off)
{
	return pc | (fp_off ? 1 : 0);
}

/* System mode: blocks by physical page, to drop them when a store reaches the page. */
#define JIT_PAGE_HASH_BITS 12
struct jit_page {
	uint64_t pa; /* page address */
	struct jit_block *blocks;
	struct jit_page *next;
};

#define JIT_HASH_BITS   16
#define JIT_FOLLOW_SIZE 1024 /* open-addressing set of branch pcs (at most half full) */

struct jit_stats {
	uint64_t blocks;             /* translated */
	uint64_t guest_insns;        /* translated */
	uint64_t lookups_hit;        /* dispatcher found the block */
	uint64_t lookups_miss;       /* dispatcher had to translate */
	uint64_t chained;            /* exits patched to jump block to block */
	uint64_t indirect_misses;    /* jump-cache misses that returned to the dispatcher */
	uint64_t flushes;            /* whole-cache flushes (full cache, fence.i, exit_pc change) */
	uint64_t invalidated;        /* blocks dropped by rv_jit_invalidate */
	uint64_t helper_insns;       /* instructions translated as interpreter-helper calls */
	uint64_t loop_blocks;        /* blocks translated as loops (back edge inside, registers lent) */
	uint64_t hot_events;         /* profile events (block counters running out) */
	uint64_t remaps;             /* global register mapping changes (each flushes the cache) */
	uint64_t followed;           /* blocks retranslated to continue along a hot taken branch */
	uint64_t inner_branches;     /* forward branches translated as jumps inside their block */
	uint64_t fused_pairs;        /* instruction pairs translated as one host operation */
	uint64_t selects;            /* branches over one computation translated as a conditional move */
	uint64_t short_forms;        /* andi 0xff as movzx, srliw without the sign-extension */
	uint64_t straddles;          /* system mode: instructions across a page end, interpreted */
	uint64_t page_checks_failed; /* system mode: checked entries whose page was mapped otherwise */
};

struct rv_jit {
	struct rv_jit_options opt;
	struct jit_code_cache cache;
	struct jit_arena arena;    /* block records and their metadata, until the next flush */
	size_t cache_populated;    /* bytes of the code cache whose pages are known to be present */
	uintptr_t enter;           /* uint64_t enter(struct rv_cpu *, uintptr_t host) */
	uintptr_t epilogue;        /* stores the mapped registers, returns rax */
	uintptr_t epilogue_nosave; /* returns rax; the guest registers are in *cpu already (faults) */
	uintptr_t lookup_stub;     /* where empty jump cache entries lead: JIT_RET_LOOKUP */
	/* system mode: the shared slow paths of loads and stores (jit_emit_stubs): they keep every guest
	 * register where translated code has it and call jit_sys_load / jit_sys_store.
	 *   load:  r11 = address, edx = op       -> rax = value, rdx = 0 or an exit
	 *   store: r11 = address, rcx = value, edx = size -> rax = 0 or an exit */
	uintptr_t sys_load_thunk, sys_store_thunk;
	uintptr_t blocks_start; /* first byte after the fixed stubs */
	struct jit_block *hash[1u << JIT_HASH_BITS];
	struct jit_block **blocks; /* in host-address order (the cache is a bump allocator) */
	size_t n_blocks, cap_blocks;
	uint64_t generation;       /* incremented by every flush */
	uint64_t exit_pc;          /* cpu->exit_pc the translations were made for */
	uint64_t code_lo, code_hi; /* guest range holding translated code (for quick invalidate) */
	uint64_t seen_generation;  /* process-wide invalidation generation this jit is up to date with */
	struct jit_stats stats;
	struct jit_jump_entry *jump_cache; /* jump_cache_mask + 1 entries */
	unsigned jump_cache_mask;
	void *disasm;          /* capstone handle for --dump-jit */
	struct jit_tctx *tctx; /* scratch state of the translation in progress */
	/* global register mapping (guest <-> host registers between blocks) and its profile */
	struct jit_reg_map map[JIT_MAPPED_COUNT];
	int8_t host_of_guest[32];
	uint64_t weight[32];
	unsigned events_since_plan;
	/* forward branches whose taken path the profile found hot: blocks continue along it */
	uint64_t follow_taken[JIT_FOLLOW_SIZE];
	unsigned n_follow_taken;
	/* system mode */
	const struct rv_jit_system *sys;
	struct jit_page *pages[1u << JIT_PAGE_HASH_BITS];
	/* the page of the block being translated: its first pc, physical address, host bytes, FP off */
	uint64_t sys_block_pc, sys_block_pa;
	const uint8_t *sys_page_host;
	bool sys_fp_off;
	/* ... and for an instruction crossing into the next page, that page (else 0 / NULL) */
	uint64_t sys_block_pa2;
	const uint8_t *sys_page2_host;
	bool fixed_mapping; /* KARASU_RV_JIT_FIXED_MAP set: never remap (for measurements) */
	bool profiling;     /* blocks count their entries (the first JIT_PROFILE_EVENTS events) */
};

/* translate.c: translates the block at pc. Returns NULL with *exit set when the first instruction
 * cannot be fetched (RV_EXIT_FAULT, cpu->fault_* set), or with *exit = RV_EXIT_NONE when the code
 * cache is full (the caller flushes and retries). */
struct jit_block *jit_translate(struct rv_jit *j, struct rv_cpu *cpu, uint64_t pc, enum rv_exit *exit);
/* Emits the enter trampoline and the epilogue at the start of the cache. */
bool jit_emit_stubs(struct rv_jit *j);
/* The C function translated code calls for instructions it does not translate inline. */
uint64_t jit_helper_exec(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc);
/* System mode's load/store slow paths (rv/mem/mem.h) for translated code: the load returns the value
 * extended as op says in rax and 0 (or RV_EXIT_FAULT) in rdx; the store returns 0 or RV_EXIT_FAULT. */
struct jit_sys_result {
	uint64_t value, exit;
};
struct jit_sys_result jit_sys_load(struct rv_cpu *cpu, uint64_t addr, uint64_t op);
uint64_t jit_sys_store(struct rv_cpu *cpu, uint64_t addr, uint64_t value, uint64_t size);
/* Moves the x86 MXCSR exception flags into cpu->fflags and clears them. */
void jit_fold_host_fp_flags(struct rv_cpu *cpu);
/* Sets MXCSR to round-to-nearest, all exceptions masked, flags clear. */
void jit_reset_host_fp(void);

/* sysmode.c: system mode's side of the dispatcher. */
/* The block for the virtual pc in the current mode (translated if needed); NULL with *exit set as
 * get_block does. */
struct jit_block *jit_sys_lookup(struct rv_jit *j, struct rv_cpu *cpu, uint64_t pc, enum rv_exit *exit);
void jit_sys_remember(struct rv_jit *j, struct jit_block *b);
void jit_sys_forget_pages(struct rv_jit *j);
void jit_sys_invalidate_page(struct rv_jit *j, uint64_t pa);
unsigned jit_jump_cache_index(const struct rv_jit *j, uint64_t pc);
void jit_clear_jump_cache(struct rv_jit *j);
/* jit.c */
struct jit_block *jit_lookup_block(struct rv_jit *j, uint64_t pc, uint64_t pa, uint64_t pa2, bool fp_off);
void jit_invalidate_block(struct rv_jit *j, struct jit_block *b);

/* dump.c */
bool jit_dump_open(struct rv_jit *j);
void jit_dump_close(struct rv_jit *j);
void jit_dump_block(struct rv_jit *j, const struct jit_block *b);

/* jit.c: whether the block builder should continue along the taken path of the branch at pc. */
bool jit_follow_taken(const struct rv_jit *j, uint64_t pc);
/* Adds pc to the branches to follow; false if it is there already or the set is full. */
bool jit_follow_add(struct rv_jit *j, uint64_t pc);

#endif
