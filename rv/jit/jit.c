/* The translator's runtime: block cache, dispatcher loop, chaining, invalidation, statistics.
 *
 * rv_jit_run enters translated code through a trampoline at the start of the code cache. Translated code
 * returns to the dispatcher only for exits the runtime must see, for direct exits whose target was not
 * translated yet (then the exit is patched to jump straight to the target: chaining), and for indirect
 * jumps whose target is not in the jump cache. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rv/interp/interp.h"
#include "rv/jit/jit_internal.h"
#include "rv/jit/perfmap.h"
#include "rv/jit/tctx.h"
#include "rv/mem/mem.h"

#define JIT_CODE_CACHE_SIZE    (64u << 20)
/* Instructions the interpreter runs when translated code assumed frm == RNE and it is not. */
#define JIT_SLOW_INSNS         64
/* Instructions interpreted per dispatcher pass on pages that are not translated. */
#define JIT_UNTRANSLATED_INSNS 4096

/* Guest registers that start out in host registers: sp, s0, s1, a0..a5 (what gcc -O2 code uses most);
 * jit_replan then follows the registers the program's hot code actually uses. */
const struct jit_reg_map jit_default_reg_map[JIT_MAPPED_COUNT] = {
    {2, X86_RBX},  {8, X86_R12}, {9, X86_R13}, {10, X86_R14}, {11, X86_RSI},
    {12, X86_RDI}, {13, X86_R8}, {14, X86_R9}, {15, X86_R10},
};

static void set_mapping(struct rv_jit *j, const struct jit_reg_map *map)
{
	memcpy(j->map, map, sizeof(j->map));
	for (unsigned g = 0; g < 32; g++)
		j->host_of_guest[g] = X86_NO_REG;
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++)
		j->host_of_guest[map[i].guest] = map[i].host;
}

/* Guest threads are host threads with one jit each, sharing guest memory, so code changed through one
 * of them must reach the others. Process-wide: the guest range any jit has translated, and a generation
 * bumped by every invalidation that touches it; a jit that sees a newer generation in its dispatcher
 * loop drops all its translations. */
static _Atomic uint64_t shared_code_lo = UINT64_MAX;
static _Atomic uint64_t shared_code_hi = 0;
static _Atomic uint64_t shared_generation = 0;

static void widen_shared_range(uint64_t lo, uint64_t hi)
{
	uint64_t cur = atomic_load(&shared_code_lo);
	while (lo < cur && !atomic_compare_exchange_weak(&shared_code_lo, &cur, lo)) {
	}
	cur = atomic_load(&shared_code_hi);
	while (hi > cur && !atomic_compare_exchange_weak(&shared_code_hi, &cur, hi)) {
	}
}

typedef uint64_t (*jit_enter_fn)(struct rv_cpu *cpu, uintptr_t host);

static const enum x86_gpr saved_regs[] = {X86_RBX, X86_RBP, X86_R12, X86_R13, X86_R14, X86_R15};
#define N_SAVED (sizeof(saved_regs) / sizeof(saved_regs[0]))

/* The host registers a C call may change that can hold guest state: the mapped ones among the
 * caller-saved registers, and the xmm registers blocks cache FP registers in. */
static const enum x86_gpr thunk_saved[] = {X86_RSI, X86_RDI, X86_R8, X86_R9, X86_R10};
#define THUNK_NSAVED   (sizeof(thunk_saved) / sizeof(thunk_saved[0]))
#define THUNK_XMM_AREA (JIT_XMM_COUNT * 8 + 8) /* keeps rsp 16-byte aligned at the call (see enter) */

/* A system-mode slow-path thunk (see rv_jit.sys_load_thunk): translated code calls it with rsp 16-byte
 * aligned; after the return address and the five pushes it is aligned again, and the xmm area keeps it
 * so. */
static uintptr_t emit_sys_thunk(struct x86_buf *b, bool load)
{
	uintptr_t start = x86_here(b);
	for (unsigned i = 0; i < THUNK_NSAVED; i++)
		x86_push(b, thunk_saved[i]);
	x86_alu_ri(b, X86_SUB, true, X86_RSP, THUNK_XMM_AREA);
	for (unsigned i = 0; i < JIT_XMM_COUNT; i++)
		x86_sse_store(b, true, x86_mem_bd(X86_RSP, (int32_t)(8 * i)), JIT_XMM_FIRST + (int)i);
	/* C arguments: (cpu, address, op) or (cpu, address, value, size) */
	x86_lea(b, true, X86_RDI, x86_mem_bd(JIT_REG_CPU, -JIT_CPU_BIAS));
	x86_mov_rr(b, true, X86_RSI, JIT_TMP3);
	if (!load) {
		x86_mov_rr(b, true, JIT_TMP3, X86_RDX); /* size */
		x86_mov_rr(b, true, X86_RDX, X86_RCX);  /* value */
		x86_mov_rr(b, true, X86_RCX, JIT_TMP3);
	}
	x86_mov_ri(b, X86_RAX, (uint64_t)(uintptr_t)(load ? (void *)jit_sys_load : (void *)jit_sys_store));
	x86_call_r(b, X86_RAX);
	for (unsigned i = 0; i < JIT_XMM_COUNT; i++)
		x86_sse_load(b, true, JIT_XMM_FIRST + (int)i, x86_mem_bd(X86_RSP, (int32_t)(8 * i)));
	x86_alu_ri(b, X86_ADD, true, X86_RSP, THUNK_XMM_AREA);
	for (int i = (int)THUNK_NSAVED - 1; i >= 0; i--)
		x86_pop(b, thunk_saved[i]);
	x86_ret(b);
	return start;
}

bool jit_emit_stubs(struct rv_jit *j)
{
	struct jit_code_cache *cc = &j->cache;
	struct x86_buf b;
	x86_buf_init(&b, cc->rw, 4096, jit_code_cache_delta(cc));

	/* Where empty jump cache entries lead (rax = the target pc): to the dispatcher, so that an entry
	 * whose tag happens to match never jumps anywhere else. First, and of a fixed size: its address
	 * stays the same when the stubs are made again for another register mapping. */
	j->lookup_stub = x86_here(&b);
	x86_store(&b, 8, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(pc)), X86_RAX);
	x86_mov_ri(&b, X86_RAX, JIT_RET_LOOKUP);
	uint8_t *to_epilogue = x86_jmp32(&b, x86_here(&b));

	/* epilogue: guest registers back to *cpu, host callee-saved registers restored, return rax */
	j->epilogue = x86_here(&b);
	x86_patch_rel32(b.exec_delta, to_epilogue, j->epilogue);
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++)
		x86_store(&b, 8, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(j->map[i].guest)),
		          (enum x86_gpr)j->map[i].host);
	j->epilogue_nosave = x86_here(&b);
	x86_alu_ri(&b, X86_ADD, true, X86_RSP, 8);
	for (int i = (int)N_SAVED - 1; i >= 0; i--)
		x86_pop(&b, saved_regs[i]);
	x86_ret(&b);

	/* enter(cpu = rdi, host code = rsi): 6 pushes + 8 keep rsp 16-byte aligned for helper calls */
	b.p = b.start + ((b.p - b.start + 15) & ~15);
	j->enter = x86_here(&b);
	for (unsigned i = 0; i < N_SAVED; i++)
		x86_push(&b, saved_regs[i]);
	x86_alu_ri(&b, X86_SUB, true, X86_RSP, 8);
	x86_lea(&b, true, JIT_REG_CPU, x86_mem_bd(X86_RDI, JIT_CPU_BIAS));
	/* flat memory: the guest region's base; system mode: the TLB of the data regime */
	x86_load(&b, 8, false, JIT_REG_MEM,
	         x86_mem_bd(X86_RDI, j->sys ? (int32_t)offsetof(struct rv_cpu, dtlb)
	                                    : (int32_t)offsetof(struct rv_cpu, mem_base)));
	x86_mov_rr(&b, true, X86_RAX, X86_RSI);
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++)
		x86_load(&b, 8, false, (enum x86_gpr)j->map[i].host,
		         x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(j->map[i].guest)));
	x86_jmp_r(&b, X86_RAX);
	if (j->sys) {
		j->sys_load_thunk = emit_sys_thunk(&b, true);
		j->sys_store_thunk = emit_sys_thunk(&b, false);
	}
	if (b.overflow)
		return false;
	size_t stubs_len = ((size_t)(b.p - b.start) + 63) & ~(size_t)63;
	j->blocks_start = (uintptr_t)cc->rx + stubs_len;
	if (cc->used < stubs_len || !j->opt.perf_map) /* --perf-map: see flush_code */
		cc->used = stubs_len;
	return true;
}

static void clear_jump_cache(struct rv_jit *j)
{
	for (unsigned i = 0; i <= j->jump_cache_mask; i++) {
		j->jump_cache[i].pc = 1; /* an odd tag: no block of a user program, nor one with FP on */
		j->jump_cache[i].host = j->lookup_stub;
	}
}

/* User mode: the jits of guest threads that ended, for the next threads to start with. A thread's jit
 * holds a code cache of translations that stay valid after the thread (code is the process's; what
 * changed since is caught by the process-wide generation, which makes the next dispatcher pass flush);
 * threads that come and go (a worker pool, one thread per task) would otherwise map a new cache,
 * translate everything again and profile it again each time. A fork child does not take its parent's
 * (their code caches are shared memory): the pool belongs to the process that filled it. */
#define JIT_POOL_SIZE 8
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rv_jit *pool[JIT_POOL_SIZE];
static unsigned pool_n;
static pid_t pool_pid;

static void destroy(struct rv_jit *j);

static bool same_options(const struct rv_jit_options *a, const struct rv_jit_options *b)
{
	return a->dump == b->dump && a->perf_map == b->perf_map && a->perf_symbols == b->perf_symbols &&
	       a->stats == b->stats && a->code_page_use == b->code_page_use &&
	       a->code_page_ctx == b->code_page_ctx && a->system == b->system;
}

/* A pooled jit made with the same options, or NULL. */
static struct rv_jit *pool_take(const struct rv_jit_options *o)
{
	struct rv_jit *j = NULL;
	pthread_mutex_lock(&pool_lock);
	if (pool_pid != getpid()) {
		pool_n =
		    0; /* a fork child: those are the parent's (left alone, as rv_runtime_after_fork does) */
		pool_pid = getpid();
	}
	for (unsigned i = pool_n; i-- > 0 && !j;)
		if (same_options(&pool[i]->opt, o)) {
			j = pool[i];
			pool[i] = pool[--pool_n];
		}
	pthread_mutex_unlock(&pool_lock);
	if (j)
		memset(&j->stats, 0, sizeof(j->stats)); /* --stats: this thread's */
	return j;
}

/* Keeps the jit of a thread that ended for the next one; false if the pool is full. */
static bool pool_put(struct rv_jit *j)
{
	bool kept = false;
	pthread_mutex_lock(&pool_lock);
	if (pool_pid != getpid()) {
		pool_n = 0;
		pool_pid = getpid();
	}
	if (pool_n < JIT_POOL_SIZE) {
		pool[pool_n++] = j;
		kept = true;
	}
	pthread_mutex_unlock(&pool_lock);
	return kept;
}

struct rv_jit *rv_jit_create(const struct rv_jit_options *o)
{
	static const struct rv_jit_options no_options;
	if (!(o ? o : &no_options)->system) {
		struct rv_jit *pooled = pool_take(o ? o : &no_options);
		if (pooled)
			return pooled;
	}
	struct rv_jit *j = calloc(1, sizeof(*j));
	if (!j) {
		fprintf(stderr, "karasu-rv: out of memory for the translator\n");
		return NULL;
	}
	if (o)
		j->opt = *o;
	j->sys = j->opt.system;
	j->jump_cache_mask = (1u << (j->sys ? JIT_JUMP_CACHE_BITS_SYSTEM : JIT_JUMP_CACHE_BITS_USER)) - 1;
	j->jump_cache = malloc(((size_t)j->jump_cache_mask + 1) * sizeof(*j->jump_cache));
	set_mapping(j, jit_default_reg_map);
	/* A kernel's code is too large and varied for the profile to pay for its retranslations: system
	 * mode keeps the initial mapping. */
	j->fixed_mapping = getenv("KARASU_RV_JIT_FIXED_MAP") != NULL || j->sys;
	j->profiling = !j->fixed_mapping;
	j->tctx = malloc(sizeof(*j->tctx));
	if (!j->tctx || !j->jump_cache ||
	    !jit_code_cache_init(&j->cache, JIT_CODE_CACHE_SIZE, j->opt.perf_map != NULL) ||
	    !jit_emit_stubs(j) || (j->opt.dump && !jit_dump_open(j))) {
		fprintf(stderr, "karasu-rv: cannot set up the translator\n");
		destroy(j);
		return NULL;
	}
	clear_jump_cache(j);
	j->code_lo = UINT64_MAX;
	j->seen_generation = atomic_load(&shared_generation);
	return j;
}

static void free_blocks(struct rv_jit *j)
{
	jit_arena_reset(&j->arena); /* every block record lives there */
	j->n_blocks = 0;
	memset(j->hash, 0, sizeof(j->hash));
}

/* Frees the jit (system mode, or a full pool). */
static void destroy(struct rv_jit *j)
{
	free_blocks(j);
	if (j->sys)
		jit_sys_forget_pages(j); /* the per-page block lists (system mode) */
	free(j->blocks);
	jit_dump_close(j);
	jit_code_cache_fini(&j->cache);
	jit_arena_fini(&j->arena);
	free(j->tctx);
	free(j->jump_cache);
	free(j);
}

void rv_jit_destroy(struct rv_jit *j)
{
	if (!j)
		return;
	if (!j->sys && j->cache.rx && pool_put(j))
		return;
	destroy(j);
}

static unsigned hash_pc(uint64_t pc)
{
	return (unsigned)(((pc >> 1) * 0x9e3779b97f4a7c15ull) >> (64 - JIT_HASH_BITS));
}

static unsigned jump_cache_index(const struct rv_jit *j, uint64_t pc)
{
	return (unsigned)(pc >> 1) & j->jump_cache_mask;
}

unsigned jit_jump_cache_index(const struct rv_jit *j, uint64_t pc)
{
	return jump_cache_index(j, pc);
}

void jit_clear_jump_cache(struct rv_jit *j)
{
	clear_jump_cache(j);
}

static struct jit_block *lookup(struct rv_jit *j, uint64_t pc)
{
	for (struct jit_block *b = j->hash[hash_pc(pc)]; b; b = b->hash_next)
		if (b->pc == pc)
			return b;
	return NULL;
}

struct jit_block *jit_lookup_block(struct rv_jit *j, uint64_t pc, uint64_t pa, uint64_t pa2, bool fp_off)
{
	for (struct jit_block *b = j->hash[hash_pc(pc)]; b; b = b->hash_next)
		if (b->pc == pc && b->pa == pa && b->pa2 == pa2 && b->fp_off == fp_off)
			return b;
	return NULL;
}

/* Drops every translation and reuses the code cache from the start. With --perf-map the code space is
 * reused only when it is full (full_cache), so that every host address is named by one line of the map
 * until then (perf keeps every line it reads, and the first would win). */
static void flush_code(struct rv_jit *j, bool full_cache)
{
	free_blocks(j);
	clear_jump_cache(j);
	if (full_cache || !j->opt.perf_map)
		j->cache.used = j->blocks_start - (uintptr_t)j->cache.rx;
	j->code_lo = UINT64_MAX;
	j->code_hi = 0;
	j->generation++;
	j->stats.flushes++;
	if (j->sys)
		jit_sys_forget_pages(j);
}

static void flush(struct rv_jit *j)
{
	flush_code(j, false);
}

static bool remember(struct rv_jit *j, struct jit_block *b)
{
	if (j->n_blocks == j->cap_blocks) {
		size_t cap = j->cap_blocks ? 2 * j->cap_blocks : 1024;
		struct jit_block **nb = realloc(j->blocks, cap * sizeof(*nb));
		if (!nb)
			return false;
		j->blocks = nb;
		j->cap_blocks = cap;
	}
	j->blocks[j->n_blocks++] = b;
	unsigned h = hash_pc(b->pc);
	b->hash_next = j->hash[h];
	j->hash[h] = b;
	if (b->pc < j->code_lo)
		j->code_lo = b->pc;
	if (b->end_pc > j->code_hi)
		j->code_hi = b->end_pc;
	if (j->sys)
		jit_sys_remember(j, b);
	else
		widen_shared_range(b->pc, b->end_pc);
	if (j->opt.dump)
		jit_dump_block(j, b);
	if (j->opt.perf_map)
		jit_perf_map_write_block(j->opt.perf_map, j->opt.perf_symbols, b->host, b->host_len, b->pc);
	return true;
}

/* The block for pc, translated if needed. NULL: *exit says why (RV_EXIT_FAULT for a bad fetch). */
static struct jit_block *get_block(struct rv_jit *j, struct rv_cpu *cpu, uint64_t pc, enum rv_exit *exit)
{
	struct jit_block *b;
	if (j->sys) {
		b = jit_sys_lookup(j, cpu, pc, exit);
		if (!b && *exit != RV_EXIT_NONE)
			return NULL; /* a fetch fault, or code that is interpreted */
	} else {
		b = lookup(j, pc);
	}
	if (b) {
		j->stats.lookups_hit++;
		return b;
	}
	j->stats.lookups_miss++;
	for (int attempt = 0; attempt < 2; attempt++) {
		b = jit_translate(j, cpu, pc, exit);
		if (b) {
			if (remember(j, b))
				return b;
			b = NULL; /* its record stays in the arena until the flush below */
		}
		if (*exit != RV_EXIT_NONE)
			return NULL;
		flush_code(j, true); /* out of code space (or memory): start over once */
	}
	fprintf(stderr, "karasu-rv: cannot translate the block at 0x%llx\n", (unsigned long long)pc);
	abort();
}

/* Reconsiders the global register mapping from the profile weights: if the guest registers hot code
 * uses most are not the mapped ones (by a clear margin), remap and retranslate everything. */
static void jit_replan(struct rv_jit *j)
{
	bool want[32] = {false};
	uint64_t w_new = 0, w_cur = 0;
	for (unsigned k = 0; k < JIT_MAPPED_COUNT; k++) {
		int best = -1;
		for (unsigned g = 1; g < 32; g++)
			if (!want[g] && (best < 0 || j->weight[g] > j->weight[best]))
				best = (int)g;
		want[best] = true;
		w_new += j->weight[best];
	}
	unsigned incoming = 0;
	for (unsigned g = 1; g < 32; g++) {
		if (j->host_of_guest[g] != X86_NO_REG)
			w_cur += j->weight[g];
		if (want[g] && j->host_of_guest[g] == X86_NO_REG)
			incoming++;
	}
	if (incoming >= 2 && w_new > w_cur + w_cur / 8) {
		/* registers that stay keep their host register; the others take the freed ones */
		struct jit_reg_map map[JIT_MAPPED_COUNT];
		memcpy(map, j->map, sizeof(map));
		for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++) {
			if (want[map[i].guest]) {
				want[map[i].guest] = false;
				continue;
			}
			map[i].guest = 0; /* free */
		}
		for (unsigned i = 0, g = 1; i < JIT_MAPPED_COUNT; i++) {
			if (map[i].guest)
				continue;
			while (!want[g])
				g++;
			map[i].guest = (uint8_t)g;
			want[g] = false;
		}
		set_mapping(j, map);
		flush(j);
		jit_emit_stubs(j); /* the enter/epilogue stubs load and store the mapped registers */
		j->stats.remaps++;
	}
	for (unsigned g = 0; g < 32; g++)
		j->weight[g] /= 2; /* older phases of the program count less */
}

static unsigned follow_slot(uint64_t pc)
{
	return (unsigned)(((pc >> 1) * 0x9e3779b97f4a7c15ull) >> 54) & (JIT_FOLLOW_SIZE - 1);
}

bool jit_follow_taken(const struct rv_jit *j, uint64_t pc)
{
	for (unsigned i = follow_slot(pc);; i = (i + 1) & (JIT_FOLLOW_SIZE - 1)) {
		if (j->follow_taken[i] == pc)
			return true;
		if (j->follow_taken[i] == 0)
			return false;
	}
}

bool jit_follow_add(struct rv_jit *j, uint64_t pc)
{
	if (j->n_follow_taken >= JIT_FOLLOW_SIZE / 2 || jit_follow_taken(j, pc))
		return false;
	unsigned s = follow_slot(pc);
	while (j->follow_taken[s])
		s = (s + 1) & (JIT_FOLLOW_SIZE - 1);
	j->follow_taken[s] = pc;
	j->n_follow_taken++;
	return true;
}

static void clear_jump_cache(struct rv_jit *j);

/* A side exit taken on most passes through its block: from now on blocks continue along the branch's
 * taken path instead (a loop whose body is split by such a branch becomes a loop block). */
static void profile_side_exits(struct rv_jit *j, struct jit_block *b)
{
	bool retranslate = false;
	for (unsigned i = 0; i < b->n_exits; i++) {
		struct jit_exit *e = b->exits[i];
		if (e->branch_pc && e->taken > JIT_HOT_PERIOD / 4 * 3 && jit_follow_add(j, e->branch_pc))
			retranslate = true;
		e->taken = 0;
	}
	if (retranslate) {
		jit_invalidate_block(j, b); /* translated again on its next entry */
		clear_jump_cache(j);
		j->stats.followed++;
	}
}

static void profile_block(struct rv_jit *j, struct jit_block *b)
{
	b->hot_counter = JIT_HOT_PERIOD;
	profile_side_exits(j, b);
	for (unsigned g = 0; g < 32; g++)
		j->weight[g] += b->uses[g];
	j->stats.hot_events++;
	if (++j->events_since_plan >= JIT_REPLAN_EVENTS) {
		j->events_since_plan = 0;
		jit_replan(j);
	}
	if (j->profiling && j->stats.hot_events >= JIT_PROFILE_EVENTS) {
		/* the mapping stays as it is now: retranslate without the counters */
		j->profiling = false;
		flush(j);
	}
}

static void chain(struct rv_jit *j, struct jit_exit *e, struct jit_block *to)
{
	if (e->to || !to->valid)
		return;
	/* to another page: the checked entry (the page may be mapped elsewhere next time) */
	if (!x86_patch_rel32(jit_code_cache_delta(&j->cache), e->patch,
	                     e->cross_page ? to->host : to->host_fast))
		return;
	e->to = to;
	e->next_in = to->incoming;
	to->incoming = e;
	j->stats.chained++;
}

static void unchain(struct rv_jit *j, struct jit_exit *e)
{
	x86_patch_rel32(jit_code_cache_delta(&j->cache), e->patch, e->stub);
	e->to = NULL;
	e->next_in = NULL;
}

/* Code on a page that is not translated (RV_PAGE_NOJIT: code next to data it writes often, see
 * rv/mem/mem.h) runs in the interpreter until it leaves such pages, for a bounded number of steps. */
static enum rv_exit interpret_untranslated(const struct rv_jit *j, struct rv_cpu *cpu)
{
	enum rv_exit e;
	unsigned n = 0;
	uint64_t page = cpu->pc >> RV_PAGE_SHIFT;
	do
		e = rv_interp_step(cpu);
	while (e == RV_EXIT_NONE && ++n < JIT_UNTRANSLATED_INSNS && !cpu->interrupt_request &&
	       (j->sys ? (cpu->pc >> RV_PAGE_SHIFT) == page /* system mode: until it leaves the page */
	               : cpu->pc < cpu->mem_limit &&
	                     (cpu->page_prot[cpu->pc >> RV_PAGE_SHIFT] & RV_PAGE_NOJIT)));
	jit_reset_host_fp();
	return e;
}

enum rv_exit rv_jit_run(struct rv_jit *j, struct rv_cpu *cpu)
{
	if (cpu->exit_pc != j->exit_pc) {
		flush(j); /* translations assumed the old exit_pc */
		j->exit_pc = cpu->exit_pc;
	}
	unsigned host_mxcsr = 0;
	__asm__ volatile("stmxcsr %0" : "=m"(host_mxcsr));
	jit_reset_host_fp();
	jit_enter_fn enter = (jit_enter_fn)j->enter;
	enum rv_exit result;
	for (;;) {
		uint64_t generation = atomic_load_explicit(&shared_generation, memory_order_acquire);
		if (generation != j->seen_generation) {
			j->seen_generation = generation; /* another thread changed translated code */
			flush(j);
		}
		if (cpu->interrupt_request) {
			result = RV_EXIT_INTERRUPT;
			break;
		}
		if (cpu->exit_pc && cpu->pc == cpu->exit_pc) {
			result = RV_EXIT_HALT;
			break;
		}
		enum rv_exit why;
		struct jit_block *b = get_block(j, cpu, cpu->pc, &why);
		if (!b && why == RV_EXIT_LIMIT) {
			why = interpret_untranslated(j, cpu);
			if (why == RV_EXIT_NONE)
				continue;
			if (why == RV_EXIT_FENCE_I && !j->sys) {
				flush(j); /* cpu->pc is already the next instruction */
				continue;
			}
		}
		if (!b) {
			result = why;
			break;
		}
		uint64_t r = enter(cpu, b->host_fast); /* get_block found it through the page table */
		jit_fold_host_fp_flags(cpu);
		if (r >= JIT_RET_MAX_CODE && (r & JIT_RET_HOT_TAG)) {
			struct jit_block *hot =
			    (struct jit_block *)(uintptr_t)(r & ~(uint64_t)JIT_RET_HOT_TAG);
			cpu->pc = hot->pc; /* left at its entry, before any guest instruction */
			profile_block(j, hot);
			continue;
		}
		if (r >= JIT_RET_MAX_CODE) {
			struct jit_exit *e = (struct jit_exit *)(uintptr_t)r;
			uint64_t target = e->target_pc;
			uint64_t generation = j->generation;
			cpu->pc = target;
			if (cpu->interrupt_request || (cpu->exit_pc && target == cpu->exit_pc))
				continue;
			struct jit_block *to = get_block(j, cpu, target, &why);
			if (to && generation == j->generation)
				chain(j, e, to);
			continue;
		}
		if (r == JIT_RET_LOOKUP) {
			j->stats.indirect_misses++;
			if (cpu->exit_pc && cpu->pc == cpu->exit_pc)
				continue;
			struct jit_block *to = get_block(j, cpu, cpu->pc, &why);
			if (to) {
				struct jit_jump_entry *je = &j->jump_cache[jump_cache_index(j, to->pc)];
				je->pc = jit_jump_tag(to->pc, to->fp_off);
				je->host = to->host; /* system mode: the checked entry */
			}
			continue;
		}
		if (r == JIT_RET_SLOW) {
			/* frm is not round-to-nearest: the interpreter runs the next instructions */
			enum rv_exit e = RV_EXIT_NONE;
			for (unsigned n = 0; n < JIT_SLOW_INSNS && e == RV_EXIT_NONE; n++)
				e = rv_interp_step(cpu);
			jit_reset_host_fp();
			if (e == RV_EXIT_NONE)
				continue;
			r = e;
		}
		if (r == RV_EXIT_FENCE_I && !j->sys) {
			/* system mode returns it: the hart drops what stores made stale */
			flush(j); /* cpu->pc is already the next instruction */
			continue;
		}
		result = (enum rv_exit)r;
		break;
	}
	__asm__ volatile("ldmxcsr %0" : : "m"(host_mxcsr));
	return result;
}

void jit_invalidate_block(struct rv_jit *j, struct jit_block *b)
{
	/* remove from the hash chain */
	struct jit_block **pp = &j->hash[hash_pc(b->pc)];
	while (*pp && *pp != b)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = b->hash_next;
	/* exits of other blocks that jump here go back to their stubs */
	for (struct jit_exit *e = b->incoming, *next; e; e = next) {
		next = e->next_in;
		unchain(j, e);
	}
	b->incoming = NULL;
	/* this block's own chained exits leave their targets' incoming lists */
	for (unsigned i = 0; i < b->n_exits; i++) {
		struct jit_exit *e = b->exits[i];
		if (!e->to)
			continue;
		struct jit_exit **ep = &e->to->incoming;
		while (*ep && *ep != e)
			ep = &(*ep)->next_in;
		if (*ep)
			*ep = e->next_in;
		unchain(j, e);
	}
	b->valid = false;
	j->stats.invalidated++;
}

void rv_jit_invalidate(struct rv_jit *j, uint64_t guest_addr, uint64_t len)
{
	if (!j || len == 0)
		return;
	uint64_t end = guest_addr + len < guest_addr ? UINT64_MAX : guest_addr + len;
	if (end > atomic_load(&shared_code_lo) && guest_addr < atomic_load(&shared_code_hi)) {
		/* other threads' jits may hold translations of this range: they flush on their next
		 * dispatcher pass; this one is handled precisely below */
		uint64_t before = atomic_fetch_add(&shared_generation, 1);
		if (j->seen_generation == before)
			j->seen_generation =
			    before + 1; /* nothing else missed: no need to flush for this one */
	}
	if (end <= j->code_lo || guest_addr >= j->code_hi)
		return;
	if (guest_addr <= j->code_lo && end >= j->code_hi) {
		/* everything translated is affected: start over (this also frees the code space) */
		j->stats.invalidated += j->n_blocks;
		flush(j);
		return;
	}
	bool any = false;
	for (size_t i = 0; i < j->n_blocks; i++) {
		struct jit_block *b = j->blocks[i];
		if (b->valid && b->pc < end && b->end_pc > guest_addr) {
			jit_invalidate_block(j, b);
			any = true;
		}
	}
	if (any)
		clear_jump_cache(j);
}

bool rv_jit_owns_host_pc(const struct rv_jit *j, uintptr_t host_pc)
{
	return j && jit_code_cache_contains(&j->cache, host_pc);
}

void rv_jit_print_stats(struct rv_jit *j, FILE *out)
{
	const struct jit_stats *s = &j->stats;
	fprintf(out, "jit: blocks translated      %llu (%llu guest instructions, %.1f per block)\n",
	        (unsigned long long)s->blocks, (unsigned long long)s->guest_insns,
	        s->blocks ? (double)s->guest_insns / (double)s->blocks : 0.0);
	fprintf(out, "jit: block cache hits       %llu (misses %llu)\n", (unsigned long long)s->lookups_hit,
	        (unsigned long long)s->lookups_miss);
	fprintf(out, "jit: chained jumps          %llu\n", (unsigned long long)s->chained);
	fprintf(out, "jit: jump-cache misses      %llu\n", (unsigned long long)s->indirect_misses);
	fprintf(out, "jit: loop blocks            %llu (hot branches followed: %llu)\n",
	        (unsigned long long)s->loop_blocks, (unsigned long long)s->followed);
	fprintf(out, "jit: inner forward branches %llu, fused pairs %llu, short forms %llu\n",
	        (unsigned long long)s->inner_branches, (unsigned long long)s->fused_pairs,
	        (unsigned long long)s->short_forms);
	fprintf(out, "jit: conditional moves      %llu\n", (unsigned long long)s->selects);
	fprintf(out, "jit: profile events         %llu, register remaps %llu (mapped now:",
	        (unsigned long long)s->hot_events, (unsigned long long)s->remaps);
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++)
		fprintf(out, " x%u", j->map[i].guest);
	fprintf(out, ")\n");
	fprintf(out, "jit: helper instructions    %llu\n", (unsigned long long)s->helper_insns);
	fprintf(out, "jit: blocks invalidated     %llu, cache flushes %llu\n",
	        (unsigned long long)s->invalidated, (unsigned long long)s->flushes);
	if (j->sys)
		fprintf(out, "jit: page-straddling insns  %llu, page checks failed %llu\n",
		        (unsigned long long)s->straddles, (unsigned long long)s->page_checks_failed);
	fprintf(out, "jit: code cache             %zu of %zu KiB used (%s)\n", j->cache.used >> 10,
	        j->cache.size >> 10, j->cache.dual_mapped ? "W^X: separate RW and RX views" : "RWX fallback");
}

void rv_jit_flush(struct rv_jit *j)
{
	flush(j);
}

void rv_jit_invalidate_phys(struct rv_jit *j, uint64_t pa_page)
{
	jit_sys_invalidate_page(j, pa_page);
}
