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
	uint32_t special;    /* SPECIAL_*: what the loop must do around this instruction */
	const void *handler; /* run_loop's label for this op (threaded dispatch) */
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

/* Decodes key (the instruction at pc) into cache entry e. */
static void fill(struct decode_entry *e, uint64_t pc, uint32_t key, const void *const *handlers,
                 const void *generic)
{
	rv_decode(key, &e->insn);
	e->pc = pc;
	e->raw = key;
	uint32_t flags = rv_op_flags(e->insn.op);
	e->special =
	    ((flags & RV_OPF_CONTROL) ? SPECIAL_CONTROL : 0) | ((flags & RV_OPF_CSR) ? SPECIAL_CSR : 0);
	e->handler = handlers[e->insn.op] ? handlers[e->insn.op] : generic;
}

/* Threaded dispatch: every handler ends with its own copy of fetch-lookup-jump, so the host's branch
 * predictor sees one indirect jump per handler instead of one shared one. The common integer ops have
 * handlers here; everything else goes through exec_one() (the same semantics as rv_exec_insn). */
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
	static const void *const handlers[RV_OP_COUNT] = {
	    [RV_OP_LUI] = &&op_lui,     [RV_OP_AUIPC] = &&op_auipc, [RV_OP_ADDI] = &&op_addi,
	    [RV_OP_ADDIW] = &&op_addiw, [RV_OP_ANDI] = &&op_andi,   [RV_OP_ORI] = &&op_ori,
	    [RV_OP_XORI] = &&op_xori,   [RV_OP_SLLI] = &&op_slli,   [RV_OP_SRLI] = &&op_srli,
	    [RV_OP_SRAI] = &&op_srai,   [RV_OP_ADD] = &&op_add,     [RV_OP_SUB] = &&op_sub,
	    [RV_OP_ADDW] = &&op_addw,   [RV_OP_AND] = &&op_and,     [RV_OP_OR] = &&op_or,
	    [RV_OP_XOR] = &&op_xor,     [RV_OP_SLTU] = &&op_sltu,   [RV_OP_LD] = &&op_ld,
	    [RV_OP_LW] = &&op_lw,       [RV_OP_LWU] = &&op_lwu,     [RV_OP_LBU] = &&op_lbu,
	    [RV_OP_SD] = &&op_sd,       [RV_OP_SW] = &&op_sw,       [RV_OP_SB] = &&op_sb,
	    [RV_OP_BEQ] = &&op_beq,     [RV_OP_BNE] = &&op_bne,     [RV_OP_BLT] = &&op_blt,
	    [RV_OP_BGE] = &&op_bge,     [RV_OP_BLTU] = &&op_bltu,   [RV_OP_BGEU] = &&op_bgeu,
	    [RV_OP_JAL] = &&op_jal,     [RV_OP_JALR] = &&op_jalr,
	};
	/* loop invariants kept in registers: the run ends before anything can change them */
	const uint64_t exit_pc = cpu->exit_pc ? cpu->exit_pc : 1; /* 1: never matches (pcs are even) */
	const uint64_t limit = max_insns ? max_insns : UINT64_MAX;
	const uint64_t count_base = cpu->insn_count;
	uint64_t *const x = cpu->x;
	uint64_t done = 0;
	uint64_t page = UINT64_MAX; /* guest page number validated for execution */
	const uint8_t *page_host = NULL;
	uint64_t pc = cpu->pc;
	struct decode_entry *e;
	const struct rv_insn *in;
	enum rv_exit r;

	if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED))
		return RV_EXIT_INTERRUPT;

/* Fetches and decodes (through the cache) the instruction at pc and jumps to its handler. */
#define DISPATCH()                                                                   \
	do {                                                                         \
		if (pc == exit_pc) {                                                 \
			r = RV_EXIT_HALT;                                            \
			goto out;                                                    \
		}                                                                    \
		if (done >= limit) {                                                 \
			r = RV_EXIT_LIMIT;                                           \
			goto out;                                                    \
		}                                                                    \
		uint32_t raw_;                                                       \
		uint64_t off_ = pc & (RV_PAGE_SIZE - 1);                             \
		if ((pc >> RV_PAGE_SHIFT) == page && off_ <= RV_PAGE_SIZE - 4) {     \
			memcpy(&raw_, page_host + off_, 4);                          \
		} else {                                                             \
			if (!rv_mem_fetch(cpu, pc, &raw_)) {                         \
				r = RV_EXIT_FAULT;                                   \
				goto out;                                            \
			}                                                            \
			if (off_ <= RV_PAGE_SIZE - 4) {                              \
				page = pc >> RV_PAGE_SHIFT;                          \
				page_host = cpu->mem_base + (page << RV_PAGE_SHIFT); \
			}                                                            \
		}                                                                    \
		uint32_t key_ = (raw_ & 3) == 3 ? raw_ : (raw_ & 0xffffu);           \
		e = &cache[(pc >> 1) & ((1u << DECODE_CACHE_BITS) - 1)];             \
		if (e->pc != pc || e->raw != key_)                                   \
			fill(e, pc, key_, handlers, &&op_generic);                   \
		in = &e->insn;                                                       \
		goto * e->handler;                                                   \
	} while (0)
/* Straight-line op done: the next instruction. */
#define NEXT()                                                                   \
	do {                                                                     \
		pc += in->len;                                                   \
		cpu->pc = pc; /* kept current: a host fault recovery reads it */ \
		done++;                                                          \
		DISPATCH();                                                      \
	} while (0)
/* Control transfer to target done: the next instruction, after a look for interrupts. */
#define JUMP(target)                                                              \
	do {                                                                      \
		pc = (target);                                                    \
		cpu->pc = pc;                                                     \
		done++;                                                           \
		if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED)) { \
			r = RV_EXIT_INTERRUPT;                                    \
			goto out;                                                 \
		}                                                                 \
		DISPATCH();                                                       \
	} while (0)
#define RS1       x[in->rs1]
#define RS2       x[in->rs2]
#define IMM       ((uint64_t)in->imm)
#define SET_RD(v) rv_set_x(cpu, in->rd, (v))
#define LOAD_OP(type, size)                                    \
	do {                                                   \
		uint64_t v_;                                   \
		if (!rv_mem_load(cpu, RS1 + IMM, size, &v_)) { \
			r = RV_EXIT_FAULT;                     \
			goto out;                              \
		}                                              \
		SET_RD((uint64_t)(type)v_);                    \
		NEXT();                                        \
	} while (0)
#define STORE_OP(size)                                          \
	do {                                                    \
		if (!rv_mem_store(cpu, RS1 + IMM, size, RS2)) { \
			r = RV_EXIT_FAULT;                      \
			goto out;                               \
		}                                               \
		NEXT();                                         \
	} while (0)

	DISPATCH();

op_lui:
	SET_RD(IMM);
	NEXT();
op_auipc:
	SET_RD(pc + IMM);
	NEXT();
op_addi:
	SET_RD(RS1 + IMM);
	NEXT();
op_addiw:
	SET_RD((uint64_t)(int64_t)(int32_t)(uint32_t)(RS1 + IMM));
	NEXT();
op_andi:
	SET_RD(RS1 & IMM);
	NEXT();
op_ori:
	SET_RD(RS1 | IMM);
	NEXT();
op_xori:
	SET_RD(RS1 ^ IMM);
	NEXT();
op_slli:
	SET_RD(RS1 << (IMM & 63));
	NEXT();
op_srli:
	SET_RD(RS1 >> (IMM & 63));
	NEXT();
op_srai:
	SET_RD((uint64_t)((int64_t)RS1 >> (IMM & 63)));
	NEXT();
op_add:
	SET_RD(RS1 + RS2);
	NEXT();
op_sub:
	SET_RD(RS1 - RS2);
	NEXT();
op_addw:
	SET_RD((uint64_t)(int64_t)(int32_t)(uint32_t)(RS1 + RS2));
	NEXT();
op_and:
	SET_RD(RS1 & RS2);
	NEXT();
op_or:
	SET_RD(RS1 | RS2);
	NEXT();
op_xor:
	SET_RD(RS1 ^ RS2);
	NEXT();
op_sltu:
	SET_RD(RS1 < RS2);
	NEXT();
op_ld:
	LOAD_OP(uint64_t, 8);
op_lw:
	LOAD_OP(int32_t, 4);
op_lwu:
	LOAD_OP(uint32_t, 4);
op_lbu:
	LOAD_OP(uint8_t, 1);
op_sd:
	STORE_OP(8);
op_sw:
	STORE_OP(4);
op_sb:
	STORE_OP(1);
op_beq:
	JUMP(RS1 == RS2 ? pc + IMM : pc + in->len);
op_bne:
	JUMP(RS1 != RS2 ? pc + IMM : pc + in->len);
op_blt:
	JUMP((int64_t)RS1 < (int64_t)RS2 ? pc + IMM : pc + in->len);
op_bge:
	JUMP((int64_t)RS1 >= (int64_t)RS2 ? pc + IMM : pc + in->len);
op_bltu:
	JUMP(RS1 < RS2 ? pc + IMM : pc + in->len);
op_bgeu:
	JUMP(RS1 >= RS2 ? pc + IMM : pc + in->len);
op_jal:
	SET_RD(pc + in->len);
	JUMP(pc + IMM);
op_jalr : {
	uint64_t target = (RS1 + IMM) & ~1ull; /* before rd is written: rd may be rs1 */
	SET_RD(pc + in->len);
	JUMP(target);
}
op_generic : {
	if (e->special & SPECIAL_CSR)
		cpu->insn_count = count_base + done; /* instret must be exact when read */
	uint64_t npc = pc + in->len;
	r = exec_one(cpu, in, pc, &npc);
	if (r != RV_EXIT_NONE) {
		if (r == RV_EXIT_FENCE_I) {
			cpu->pc = npc;
			done++;
		}
		goto out;
	}
	if (e->special & SPECIAL_CONTROL)
		JUMP(npc);
	NEXT();
}

out:
	cpu->insn_count = count_base + done;
	return r;
#undef DISPATCH
#undef NEXT
#undef JUMP
#undef RS1
#undef RS2
#undef IMM
#undef SET_RD
#undef LOAD_OP
#undef STORE_OP
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
