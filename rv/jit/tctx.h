/* The state of one block translation, shared by the translator files (translate*.c). */
#ifndef KARASU_RV_JIT_TCTX_H
#define KARASU_RV_JIT_TCTX_H

#include "rv/jit/jit_internal.h"

#define JIT_BLOCK_MAX_INSNS      64
/* Conditional branches inside a block (their taken paths are side exits; the block goes on). */
#define JIT_BLOCK_MAX_SIDE_EXITS 8
/* Worst-case bytes one block may need (checked before translating; overflow is detected anyway). */
#define JIT_BLOCK_MAX_BYTES      (64 * 1024)
/* A loop block's head (the target of its back edges) starts a 32-byte fetch window: the loop's
 * speed then does not depend on where earlier blocks happened to end (which moved it by up to 30 %
 * when an unrelated block changed size). */
#define JIT_LOOP_ALIGN           32
#define JIT_MAX_COLD             (JIT_BLOCK_MAX_INSNS * 5 + 4)
#define JIT_BLOCK_MAX_HELPERS    (JIT_BLOCK_MAX_INSNS * 4)

/* Out-of-line code emitted after the block's main path, reached by a jcc/jmp whose rel32 is patched. */
enum jit_cold_kind {
	COLD_FAULT,          /* guest address out of range: RV_EXIT_FAULT */
	COLD_EXIT,           /* unchained direct exit: return the exit record */
	COLD_INTERRUPT,      /* interrupt_request set at block entry */
	COLD_INTERRUPT_RAX,  /* interrupt_request set at an indirect jump (the target in rax is the pc) */
	COLD_LOOP_INTERRUPT, /* interrupt_request set at a loop block head */
	COLD_HOT,            /* the block's profile counter ran out: return the block to the dispatcher */
	COLD_SLOW,           /* frm is not RNE: the dispatcher interprets from pc (at block entry) */
	COLD_SLOW_VIEW,      /* the same inside the block body (after a CSR write) */
	COLD_SIDE_EXIT,      /* a taken branch in the middle of a block: leave the view, exit to pc */
	COLD_SKIP,           /* a taken branch to a later instruction of the block, counting instret:
	                      * take back the instructions it skips, then continue there (in the view) */
	COLD_LOOKUP_MISS,    /* indirect jump target not in the jump cache (target in rax) */
	COLD_DIV_ZERO,       /* division by zero: RISC-V result, then resume */
	COLD_DIV_OVERFLOW,   /* signed division by -1: RISC-V result, then resume */
	COLD_FP_NAN,         /* FP result is NaN: store the canonical NaN, then resume */
	COLD_HELPER,         /* do this instruction with the interpreter helper, then resume */
	COLD_SYS_LOAD,       /* system mode: TLB miss of a load: the slow path, then resume */
	COLD_SYS_STORE,      /* system mode: TLB miss of a store: the slow path, then resume */
	COLD_PAGE_CHECK,     /* system mode: the block's page is mapped otherwise now: to the dispatcher */
};

struct jit_cold {
	enum jit_cold_kind kind;
	uint8_t *field; /* rel32 to point at the stub */
	uintptr_t resume;
	uint64_t pc;
	uint8_t reg; /* COLD_FAULT, COLD_SYS_*: host register with the address */
	uint8_t fault_kind;
	uint16_t op; /* COLD_DIV_*: the guest op; COLD_FP_NAN: destination FP reg in rd; COLD_SIDE_EXIT,
	              * COLD_INTERRUPT, COLD_SLOW(_VIEW): instructions to take back from instret */
	uint8_t rd;
	bool dbl;
	uint64_t branch_pc; /* COLD_SIDE_EXIT */
	uint8_t skip_to;    /* COLD_SKIP: index of the instruction to continue at */
	struct jit_exit *exit;
	struct rv_insn insn; /* COLD_HELPER, COLD_SYS_* */
};

struct jit_tctx {
	struct rv_jit *j;
	struct rv_cpu *cpu;
	struct jit_block *b;
	struct x86_buf buf;
	uint64_t pc; /* of the instruction being translated */
	const struct rv_insn *in;
	/* the block's instructions, decoded before translation */
	unsigned n_insns;
	struct rv_insn insns[JIT_BLOCK_MAX_INSNS];
	uint64_t pcs[JIT_BLOCK_MAX_INSNS];
	bool follow[JIT_BLOCK_MAX_INSNS]; /* branch whose taken path the block continues on */
	/* a forward branch whose target is a later instruction of the block (its index; -1: none): its
	 * taken path jumps there inside the block, in the view, instead of leaving (if-then code) */
	int8_t skip_to[JIT_BLOCK_MAX_INSNS];
	uintptr_t insn_host[JIT_BLOCK_MAX_INSNS]; /* host address of each instruction's code */
	unsigned n_skips;                         /* skip jumps waiting for their target's address */
	struct {
		uint8_t *field;
		uint8_t to;
	} skips[JIT_BLOCK_MAX_SIDE_EXITS];
	/* register view of the block body */
	int8_t host_of[32];  /* guest x reg -> host reg, X86_NO_REG: in *cpu */
	int8_t xmm_of[32];   /* guest f reg -> xmm, -1: in *cpu */
	uint32_t fp_written; /* cached f regs the block writes (stored back at every exit) */
	unsigned n_remap;
	struct jit_remap remap[JIT_MAPPED_COUNT];
	/* system-mode loop blocks: a host register (of a mapped guest register the loop does not use)
	 * that counts the block's retired instructions, added to cpu->insn_count when the view is left;
	 * X86_NO_REG: the count goes straight to memory */
	int8_t instret_reg;
	uint8_t instret_orig; /* the guest register instret_reg holds outside the block */
	bool loop;
	uintptr_t loop_head;
	unsigned uses[64];  /* uses of x regs (0..31) and f regs (32..63) in the block */
	bool too_big;       /* the block did not fit its buffer or stub tables */
	bool interpret;     /* the first instruction is on a page that is not translated (RV_PAGE_NOJIT) */
	unsigned max_insns; /* instructions per block for this attempt */
	bool frm_checked;   /* frm == RNE is checked at entry (and after CSR helpers): dynamic rm is RNE */
	unsigned n_cold;
	struct jit_cold cold[JIT_MAX_COLD];
	unsigned n_sites;
	struct jit_mem_site sites[JIT_BLOCK_MAX_INSNS];
	int32_t access_disp; /* flat memory: the offset folded into the access being emitted (its site) */
};

/* A guest integer operand: a host register, the register's slot in *cpu, or a constant (x0). */
enum jit_opnd_kind { OPND_REG, OPND_MEM, OPND_IMM };
struct jit_opnd {
	enum jit_opnd_kind kind;
	enum x86_gpr reg;
	struct x86_mem mem;
	int64_t imm;
};

struct jit_opnd jit_gpr(const struct jit_tctx *t, unsigned g);
struct jit_opnd jit_imm(int64_t v);
void jit_load_opnd(struct jit_tctx *t, enum x86_gpr dst, struct jit_opnd o);
/* Whether o lives in host register r. */
static inline bool jit_opnd_is_reg(struct jit_opnd o, enum x86_gpr r)
{
	return o.kind == OPND_REG && o.reg == r;
}
/* o in a host register: its mapped register, else loaded into tmp. */
static inline enum x86_gpr jit_opnd_in_reg(struct jit_tctx *t, struct jit_opnd o, enum x86_gpr tmp)
{
	if (o.kind == OPND_REG)
		return o.reg;
	jit_load_opnd(t, tmp, o);
	return tmp;
}
/* Writes host register src to guest register g (x0: nothing). */
void jit_store_gpr(struct jit_tctx *t, unsigned g, enum x86_gpr src);
/* Writes a constant to guest register g. */
void jit_store_gpr_imm(struct jit_tctx *t, unsigned g, uint64_t v);
/* The host register to compute guest register g's new value in: its mapped register, else tmp. */
enum x86_gpr jit_dest_reg(const struct jit_tctx *t, unsigned g, enum x86_gpr tmp);
/* FP registers: the xmm caching f (or -1), and 64-bit moves between f and a host register. */
int jit_fp_xmm(const struct jit_tctx *t, unsigned f);
void jit_fp_get_bits(struct jit_tctx *t, enum x86_gpr dst, unsigned f);
void jit_fp_set_bits(struct jit_tctx *t, unsigned f, enum x86_gpr src);
void jit_alu_opnd(struct jit_tctx *t, enum x86_alu op, bool w64, enum x86_gpr dst, struct jit_opnd src);

/* view.c: the block's register view (plan from the decoded instructions; switch to and from it). */
void jit_plan_view(struct jit_tctx *t);
void jit_view_enter(struct jit_tctx *t);
void jit_view_leave(struct jit_tctx *t);
/* Adds n to the retired-instruction count (in the block's instret register when it has one). */
void jit_count_insns(struct jit_tctx *t, int32_t n);

struct jit_cold *jit_add_cold(struct jit_tctx *t, enum jit_cold_kind kind, uint8_t *field);
/* Calls the interpreter helper for t->in (all mapped registers saved and reloaded around it). */
void jit_emit_helper_call(struct jit_tctx *t, const struct rv_insn *in);

/* translate.c: pieces of the helper-call sequences. */
/* Instructions of the block from the one at pc to the last (0 if pc is not in the block). */
unsigned jit_insns_from(const struct jit_tctx *t, uint64_t pc);
void jit_emit_store_pc(struct jit_tctx *t, uint64_t pc);
void jit_emit_save_mapped(const struct rv_jit *j, struct x86_buf *b);
void jit_emit_load_mapped(const struct rv_jit *j, struct x86_buf *b);

/* translate_mem.c: guest loads and stores (flat memory: bounds check; system mode: the inline TLB
 * check), and the out-of-line slow path of the latter. */
void jit_translate_load(struct jit_tctx *t, const struct rv_insn *in);
void jit_translate_store(struct jit_tctx *t, const struct rv_insn *in);
void jit_emit_sys_access_cold(struct jit_tctx *t, const struct jit_cold *c);

/* translate.c: leaves translated code with rax = value for rv_jit_run. */
void jit_emit_return(struct jit_tctx *t, uint64_t value);

/* translate_flow.c: control flow (see there). */
struct jit_exit *jit_new_exit(struct jit_tctx *t);
void jit_emit_exit_record(struct jit_tctx *t, int cc, uint64_t target_pc, struct jit_exit *e);
void jit_emit_direct_exit(struct jit_tctx *t, int cc, uint64_t target_pc);
/* not_retired: instructions of the block from resume_pc on that were counted but will run again. */
void jit_emit_interrupt_check(struct jit_tctx *t, uint64_t resume_pc, unsigned not_retired);
void jit_emit_indirect_jump(struct jit_tctx *t);
void jit_emit_exit_at(struct jit_tctx *t, uint64_t pc, enum rv_exit why);
void jit_emit_page_check(struct jit_tctx *t, uint64_t va, const uint8_t *page_host);
void jit_translate_branch(struct jit_tctx *t, const struct rv_insn *in);
void jit_translate_side_branch(struct jit_tctx *t, const struct rv_insn *in);
void jit_translate_jalr(struct jit_tctx *t, const struct rv_insn *in);
/* The x86 condition under which a RISC-V conditional branch is taken (after cmp rs1, rs2). */
enum x86_cc jit_branch_cc(unsigned op);

/* translate.c: instructions i and i + 1 as one host operation (see there); false: not a fused pair. */
bool jit_translate_pair(struct jit_tctx *t, unsigned i);
/* translate_select.c: the branch at index i that only skips one or two instructions computing one
 * register, as a conditional move; returns how many instructions it translated (0: not that shape). */
unsigned jit_translate_select(struct jit_tctx *t, unsigned i);
/* Decoding: whether the branch at pc has that shape (then it is not followed, see there). */
bool jit_select_candidate(struct jit_tctx *t, uint64_t pc, const struct rv_insn *br);

/* translate_int.c: integer computational instructions (RV64I/M without memory or control flow).
 * Returns false if the op is not one of them. */
bool jit_translate_int(struct jit_tctx *t, const struct rv_insn *in);
/* translate_fp.c: F/D instructions translated inline; false: use the helper. */
bool jit_translate_fp(struct jit_tctx *t, const struct rv_insn *in);
/* frflags/fsflags inline; false: use the helper. */
bool jit_translate_csr(struct jit_tctx *t, const struct rv_insn *in);
/* translate.c: address computation + bounds check (returns the address register); jit_record_site
 * records the fault site of the access the caller emits next. */
enum x86_gpr jit_emit_address(struct jit_tctx *t, unsigned rs1, int64_t imm, unsigned fault_kind);
void jit_record_site(struct jit_tctx *t, enum x86_gpr addr_reg, unsigned fault_kind, unsigned size);

#endif
