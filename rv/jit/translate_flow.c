/* Control flow in translated blocks: direct exits (patchable, chained by the dispatcher), conditional
 * branches (block-ending and side exits), indirect jumps through the jump cache, the interrupt checks
 * every cycle of translated code passes, exits to the runtime, and system mode's page checks. */
#include "rv/jit/tctx.h"
#include "rv/mem/tlb.h"

/* System mode: whether a direct exit leaves the block's virtual page (it is then chained to the
 * target's checked entry). */
static bool cross_page(const struct jit_tctx *t, uint64_t target_pc)
{
	return t->j->sys && ((target_pc ^ t->b->pc) & ~(uint64_t)(RV_PAGE_SIZE - 1)) != 0;
}

/* A new exit record of the block (in the metadata arena); NULL (the block fails) if there is none left. */
struct jit_exit *jit_new_exit(struct jit_tctx *t)
{
	struct jit_block *blk = t->b;
	struct jit_exit *e =
	    blk->n_exits < JIT_BLOCK_MAX_EXITS ? jit_arena_alloc(&t->j->arena, sizeof(*e)) : NULL;
	if (!e) {
		t->buf.overflow = true;
		return NULL;
	}
	blk->exits[blk->n_exits++] = e;
	return e;
}

/* A direct exit to target_pc through a patchable jmp (cc < 0) or jcc, recorded in e. */
void jit_emit_exit_record(struct jit_tctx *t, int cc, uint64_t target_pc, struct jit_exit *e)
{
	struct jit_block *blk = t->b;
	e->target_pc = target_pc;
	e->from = blk;
	e->cross_page = cross_page(t, target_pc);
	uintptr_t placeholder = x86_here(&t->buf);
	e->patch =
	    cc < 0 ? x86_jmp32(&t->buf, placeholder) : x86_jcc32(&t->buf, (enum x86_cc)cc, placeholder);
	struct jit_cold *c = jit_add_cold(t, COLD_EXIT, e->patch);
	c->exit = e;
}

void jit_emit_direct_exit(struct jit_tctx *t, int cc, uint64_t target_pc)
{
	struct jit_exit *e = jit_new_exit(t);
	if (e)
		jit_emit_exit_record(t, cc, target_pc, e);
}

enum x86_cc jit_branch_cc(unsigned op)
{
	switch (op) {
	case RV_OP_BEQ: return X86_CC_E;
	case RV_OP_BNE: return X86_CC_NE;
	case RV_OP_BLT: return X86_CC_L;
	case RV_OP_BGE: return X86_CC_GE;
	case RV_OP_BLTU: return X86_CC_B;
	default: return X86_CC_AE; /* BGEU */
	}
}

void jit_translate_branch(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2);
	/* stores of the view's registers do not touch the flags, but remapped registers are reloaded:
	 * leave the view first unless the block loops (then only the exit path leaves it) */
	if (!t->loop) {
		jit_view_leave(t);
		a = jit_gpr(t, in->rs1);
		c = jit_gpr(t, in->rs2);
		if (in->imm <= 0)
			/* a backward branch: stop here if asked to (it runs again: it has not retired) */
			jit_emit_interrupt_check(t, t->pc, jit_insns_from(t, t->pc));
	}
	enum x86_gpr ra;
	if (a.kind == OPND_REG) {
		ra = a.reg;
	} else {
		ra = JIT_TMP0;
		jit_load_opnd(t, ra, a);
	}
	if (c.kind == OPND_IMM && c.imm == 0)
		x86_test_rr(b, true, ra, ra);
	else
		jit_alu_opnd(t, X86_CMP, true, ra, c);
	if (t->loop) {
		/* the back edge stays inside the block, in the block's register view */
		x86_jcc32(b, jit_branch_cc(in->op), t->loop_head);
		jit_view_leave(t);
		jit_emit_direct_exit(t, -1, t->pc + in->len);
		return;
	}
	jit_emit_direct_exit(t, jit_branch_cc(in->op), t->pc + (uint64_t)in->imm);
	jit_emit_direct_exit(t, -1, t->pc + in->len);
}

/* Every cycle of translated code passes a backward jump, an indirect jump or a loop block's head: the
 * interrupt_request check sits there (state: outside the view; pc = where to resume). */
void jit_emit_interrupt_check(struct jit_tctx *t, uint64_t resume_pc, unsigned not_retired)
{
	struct x86_buf *b = &t->buf;
	x86_alu_mi(b, X86_CMP, false, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(interrupt_request)), 0);
	struct jit_cold *c = jit_add_cold(t, COLD_INTERRUPT, x86_jcc32(b, X86_CC_NE, x86_here(b)));
	c->pc = resume_pc;
	c->op = (uint16_t)(t->j->sys ? not_retired : 0); /* taken back from instret (counted at entry) */
}

/* A conditional branch that does not end the block: the taken path is a side exit through a cold stub
 * (which leaves the register view), the fall-through path continues in the block; or, when the target
 * is a later instruction of the block (an if-then), a jump there (the block's register view is the same
 * at every instruction of its main path). */
void jit_translate_side_branch(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd a = jit_gpr(t, in->rs1), c = jit_gpr(t, in->rs2);
	enum x86_gpr ra = JIT_TMP0;
	if (a.kind == OPND_REG)
		ra = a.reg;
	else
		jit_load_opnd(t, ra, a);
	if (c.kind == OPND_IMM && c.imm == 0)
		x86_test_rr(b, true, ra, ra);
	else
		jit_alu_opnd(t, X86_CMP, true, ra, c);
	unsigned index = (unsigned)(in - t->insns);
	int skip_to = t->skip_to[index];
	if (skip_to >= 0) {
		/* the target is a later instruction of this block: jump there, staying in the view */
		unsigned skipped = (unsigned)skip_to - index - 1;
		uint8_t *field = x86_jcc32(b, jit_branch_cc(in->op), x86_here(b));
		t->j->stats.inner_branches++;
		if ((t->j->opt.stats || t->j->sys) && skipped) {
			struct jit_cold *c = jit_add_cold(t, COLD_SKIP, field);
			c->skip_to = (uint8_t)skip_to;
			c->op = (uint16_t)skipped; /* counted at entry, not run */
		} else if (t->n_skips < JIT_BLOCK_MAX_SIDE_EXITS) {
			t->skips[t->n_skips].field = field;
			t->skips[t->n_skips++].to = (uint8_t)skip_to;
		} else {
			t->buf.overflow =
			    true; /* cannot happen: one per forward branch; fail the block safely */
		}
		return;
	}
	bool follow = t->follow[index];
	enum x86_cc cc = follow ? x86_cc_invert(jit_branch_cc(in->op)) : jit_branch_cc(in->op);
	struct jit_cold *side = jit_add_cold(t, COLD_SIDE_EXIT, x86_jcc32(b, cc, x86_here(b)));
	side->pc = follow ? t->pc + in->len : t->pc + (uint64_t)in->imm;
	side->branch_pc = follow ? 0 : t->pc; /* a followed branch is not profiled again */
	side->op = (uint16_t)(t->n_insns - 1 - (unsigned)(in - t->insns)); /* instructions skipped */
}

/* Jumps to the host code of the guest pc in rax through the jump cache, or leaves to the dispatcher. */
void jit_emit_indirect_jump(struct jit_tctx *t)
{
	struct x86_buf *b = &t->buf;
	/* entry = jump_cache[(pc >> 1) & (SIZE-1)], 16 bytes each: at byte offset (pc & ((SIZE-1) << 1)) * 8,
	 * the scale of the addressing mode */
	x86_mov_rr(b, false, X86_RDX, X86_RAX);
	x86_alu_ri(b, X86_AND, false, X86_RDX, (int32_t)(t->j->jump_cache_mask << 1));
	x86_mov_ri(b, JIT_TMP3, (uint64_t)(uintptr_t)t->j->jump_cache);
	if (t->b->fp_off) {
		/* the tag of blocks with FP off has bit 0 set (jit_jump_tag) */
		x86_lea(b, true, JIT_TMP1, x86_mem_bd(X86_RAX, 1));
		x86_alu_rm(b, X86_CMP, true, JIT_TMP1, x86_mem_bis(JIT_TMP3, X86_RDX, 8, 0));
	} else {
		x86_alu_rm(b, X86_CMP, true, X86_RAX, x86_mem_bis(JIT_TMP3, X86_RDX, 8, 0));
	}
	uint8_t *miss = x86_jcc32(b, X86_CC_NE, x86_here(b));
	jit_add_cold(t, COLD_LOOKUP_MISS, miss);
	x86_jmp_m(b, x86_mem_bis(JIT_TMP3, X86_RDX, 8, 8));
}

void jit_translate_jalr(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	jit_load_opnd(t, X86_RAX, jit_gpr(t, in->rs1));
	if (in->imm)
		x86_alu_ri(b, X86_ADD, true, X86_RAX, (int32_t)in->imm);
	x86_alu_ri(b, X86_AND, true, X86_RAX, -2);
	jit_store_gpr_imm(t, in->rd, t->pc + in->len);
	jit_view_leave(t);
	if (t->cpu->exit_pc) {
		/* bare mode: a return to exit_pc must reach the dispatcher, never a cached block */
		x86_store(b, 8, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(pc)), X86_RAX);
		jit_emit_return(t, JIT_RET_LOOKUP);
		return;
	}
	x86_alu_mi(b, X86_CMP, false, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(interrupt_request)), 0);
	jit_add_cold(t, COLD_INTERRUPT_RAX, x86_jcc32(b, X86_CC_NE, x86_here(b)));
	jit_emit_indirect_jump(t);
}

void jit_emit_exit_at(struct jit_tctx *t, uint64_t pc, enum rv_exit why)
{
	jit_view_leave(t);
	/* system mode counts instret: an ECALL, EBREAK or illegal instruction does not retire */
	if (t->j->sys && why != RV_EXIT_FENCE_I)
		x86_alu_mi(&t->buf, X86_SUB, true, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(insn_count)),
		           (int32_t)jit_insns_from(t, pc));
	jit_emit_store_pc(t, pc);
	jit_emit_return(t, why);
}

/* System mode: the block's code came from the physical page behind the virtual page of va; check that the
 * fetch TLB still maps it there (the tag of the entry, and its addend, which tells the physical page),
 * else leave to the dispatcher with pc = the block's start: it walks the page table and finds (or makes)
 * the right block. A miss of the TLB entry itself ends up there too. */
void jit_emit_page_check(struct jit_tctx *t, uint64_t va, const uint8_t *page_host)
{
	struct x86_buf *b = &t->buf;
	uint64_t page = va & ~(uint64_t)(RV_PAGE_SIZE - 1);
	int32_t entry = (int32_t)(rv_tlb_index(va) * sizeof(struct rv_tlb_entry));
	x86_load(b, 8, false, JIT_TMP3, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(itlb)));
	x86_mov_ri(b, JIT_TMP2, page);
	x86_alu_rm(b, X86_CMP, true, JIT_TMP2,
	           x86_mem_bd(JIT_TMP3, entry + (int32_t)offsetof(struct rv_tlb_entry, tag_exec)));
	struct jit_cold *c = jit_add_cold(t, COLD_PAGE_CHECK, x86_jcc32(b, X86_CC_NE, x86_here(b)));
	c->pc = t->b->pc;
	x86_mov_ri(b, JIT_TMP2, (uintptr_t)page_host - page);
	x86_alu_rm(b, X86_CMP, true, JIT_TMP2,
	           x86_mem_bd(JIT_TMP3, entry + (int32_t)offsetof(struct rv_tlb_entry, addend)));
	c = jit_add_cold(t, COLD_PAGE_CHECK, x86_jcc32(b, X86_CC_NE, x86_here(b)));
	c->pc = t->b->pc;
}
