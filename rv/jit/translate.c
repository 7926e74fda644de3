/* The block builder: decodes guest instructions from pc up to a jump, a backward branch or a limit
 * (forward branches become side exits: superblocks), plans the block's register view (view.c), emits
 * x86-64 for each instruction, then the block's out-of-line (cold) stubs. Memory accesses, control flow
 * and the helper fallback live here; integer ALU ops in translate_int.c, F/D in translate_fp.c. */
#include <stdlib.h>
#include <string.h>

#include "rv/interp/interp.h"
#include "rv/jit/tctx.h"
#include "rv/mem/mem.h"
#include "rv/mem/tlb.h"

/* ---- operands ---- */

struct jit_opnd jit_gpr(const struct jit_tctx *t, unsigned g)
{
	struct jit_opnd o = {0};
	if (g == 0) {
		o.kind = OPND_IMM;
		o.imm = 0;
	} else if (t->host_of[g] != X86_NO_REG) {
		o.kind = OPND_REG;
		o.reg = (enum x86_gpr)t->host_of[g];
	} else {
		o.kind = OPND_MEM;
		o.mem = x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(g));
	}
	return o;
}

struct jit_opnd jit_imm(int64_t v)
{
	struct jit_opnd o = {0};
	o.kind = OPND_IMM;
	o.imm = v;
	return o;
}

static bool fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

void jit_load_opnd(struct jit_tctx *t, enum x86_gpr dst, struct jit_opnd o)
{
	switch (o.kind) {
	case OPND_REG:
		if (o.reg != dst)
			x86_mov_rr(&t->buf, true, dst, o.reg);
		break;
	case OPND_MEM: x86_load(&t->buf, 8, false, dst, o.mem); break;
	case OPND_IMM: x86_mov_ri(&t->buf, dst, (uint64_t)o.imm); break;
	}
}

void jit_store_gpr(struct jit_tctx *t, unsigned g, enum x86_gpr src)
{
	if (g == 0)
		return;
	int8_t h = t->host_of[g];
	if (h != X86_NO_REG) {
		if (h != src)
			x86_mov_rr(&t->buf, true, (enum x86_gpr)h, src);
	} else {
		x86_store(&t->buf, 8, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(g)), src);
	}
}

void jit_store_gpr_imm(struct jit_tctx *t, unsigned g, uint64_t v)
{
	if (g == 0)
		return;
	int8_t h = t->host_of[g];
	if (h != X86_NO_REG)
		x86_mov_ri(&t->buf, (enum x86_gpr)h, v);
	else if (fits_s32((int64_t)v))
		x86_store_imm(&t->buf, 8, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(g)), (int32_t)v);
	else {
		/* r11, not rax: jalr keeps its target in rax while it writes the link register */
		x86_mov_ri(&t->buf, JIT_TMP3, v);
		x86_store(&t->buf, 8, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(g)), JIT_TMP3);
	}
}

enum x86_gpr jit_dest_reg(const struct jit_tctx *t, unsigned g, enum x86_gpr tmp)
{
	int8_t h = g ? t->host_of[g] : X86_NO_REG;
	return h != X86_NO_REG ? (enum x86_gpr)h : tmp;
}

void jit_alu_opnd(struct jit_tctx *t, enum x86_alu op, bool w64, enum x86_gpr dst, struct jit_opnd src)
{
	switch (src.kind) {
	case OPND_REG: x86_alu_rr(&t->buf, op, w64, dst, src.reg); break;
	case OPND_MEM: x86_alu_rm(&t->buf, op, w64, dst, src.mem); break;
	case OPND_IMM:
		if (fits_s32(src.imm)) {
			x86_alu_ri(&t->buf, op, w64, dst, (int32_t)src.imm);
		} else {
			x86_mov_ri(&t->buf, JIT_TMP3, (uint64_t)src.imm);
			x86_alu_rr(&t->buf, op, w64, dst, JIT_TMP3);
		}
		break;
	}
}

/* ---- cold stubs ---- */

struct jit_cold *jit_add_cold(struct jit_tctx *t, enum jit_cold_kind kind, uint8_t *field)
{
	if (t->n_cold >= JIT_MAX_COLD) {
		t->buf.overflow = true; /* cannot happen with the per-block limits; fail the block safely */
		return &t->cold[0];
	}
	struct jit_cold *c = &t->cold[t->n_cold++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->field = field;
	c->pc = t->pc;
	return c;
}

void jit_emit_store_pc(struct jit_tctx *t, uint64_t pc)
{
	struct x86_mem m = x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(pc));
	if (fits_s32((int64_t)pc)) {
		x86_store_imm(&t->buf, 8, m, (int32_t)pc);
	} else {
		x86_mov_ri(&t->buf, JIT_TMP0, pc);
		x86_store(&t->buf, 8, m, JIT_TMP0);
	}
}

/* Leaves translated code: rax = value for rv_jit_run. */
void jit_emit_return(struct jit_tctx *t, uint64_t value)
{
	x86_mov_ri(&t->buf, JIT_TMP0, value);
	x86_jmp32(&t->buf, t->j->epilogue);
}

static void emit_cold(struct jit_tctx *t, struct jit_cold *c)
{
	struct x86_buf *b = &t->buf;
	uintptr_t here = x86_here(b);
	if (!b->overflow)
		x86_patch_rel32(b->exec_delta, c->field, here);
	t->pc = c->pc; /* the instruction the stub belongs to (helpers and exits report it) */
	switch (c->kind) {
	case COLD_FAULT:
		x86_store(b, 8, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(fault_addr)), (enum x86_gpr)c->reg);
		jit_view_leave(t);
		x86_store_imm(b, 4, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(fault_kind)), c->fault_kind);
		jit_emit_store_pc(t, c->pc);
		jit_emit_return(t, RV_EXIT_FAULT);
		break;
	case COLD_EXIT:
		c->exit->stub = here;
		jit_emit_return(t, (uint64_t)(uintptr_t)c->exit);
		break;
	case COLD_LOOP_INTERRUPT:
		jit_view_leave(t);
		/* fall through */
	case COLD_INTERRUPT:
		if (c->op) /* instructions counted at entry that run again from c->pc */
			x86_alu_mi(b, X86_SUB, true, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(insn_count)), c->op);
		jit_emit_store_pc(t, c->pc);
		jit_emit_return(t, RV_EXIT_INTERRUPT);
		break;
	case COLD_SLOW_VIEW:
		jit_view_leave(t);
		/* fall through */
	case COLD_SLOW:
		if (c->op) /* the interpreter runs (and counts) the rest of the block from c->pc */
			x86_alu_mi(b, X86_SUB, true, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(insn_count)), c->op);
		jit_emit_store_pc(t, c->pc);
		jit_emit_return(t, JIT_RET_SLOW);
		break;
	case COLD_SIDE_EXIT: {
		struct jit_exit *e = jit_new_exit(t); /* the one emit_direct_exit takes */
		if (!e)
			break;
		if (t->j->profiling && c->branch_pc) {
			x86_mov_ri(b, JIT_TMP3, (uint64_t)(uintptr_t)&e->taken);
			x86_alu_mi(b, X86_ADD, false, x86_mem_bd(JIT_TMP3, 0), 1);
		}
		if ((t->j->opt.stats || t->j->sys) &&
		    c->op) /* the block's instructions after the branch did not run */
			x86_alu_mi(b, X86_SUB, true, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(insn_count)), c->op);
		jit_view_leave(t);
		jit_emit_exit_record(t, -1, c->pc, e);
		e->branch_pc = c->branch_pc;
		break;
	}
	case COLD_SKIP:
		if (!t->insn_host[c->skip_to]) {
			b->overflow = true; /* the block ended before the target (not expected): fail it */
			break;
		}
		jit_count_insns(t, -(int32_t)c->op);
		x86_jmp32(b, t->insn_host[c->skip_to]);
		break;
	case COLD_HOT: jit_emit_return(t, (uint64_t)(uintptr_t)t->b | JIT_RET_HOT_TAG); break;
	case COLD_INTERRUPT_RAX:
		x86_store(b, 8, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(pc)), JIT_TMP0);
		jit_emit_return(t, RV_EXIT_INTERRUPT);
		break;
	case COLD_LOOKUP_MISS:
		x86_store(b, 8, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(pc)), JIT_TMP0);
		jit_emit_return(t, JIT_RET_LOOKUP);
		break;
	case COLD_DIV_ZERO:
		/* quotient: all ones; remainder: the dividend (still in rax) */
		if (c->op == RV_OP_REM || c->op == RV_OP_REMU || c->op == RV_OP_REMW || c->op == RV_OP_REMUW)
			x86_mov_rr(b, true, X86_RDX, X86_RAX);
		else
			x86_mov_ri(b, X86_RAX, UINT64_MAX);
		x86_jmp32(b, c->resume);
		break;
	case COLD_DIV_OVERFLOW:
		/* x / -1: quotient -x (INT_MIN stays INT_MIN), remainder 0 */
		if (c->op == RV_OP_REM || c->op == RV_OP_REMW)
			x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
		else
			x86_unary(b, X86_NEG, c->op == RV_OP_DIV, X86_RAX);
		x86_jmp32(b, c->resume);
		break;
	case COLD_FP_NAN:
		x86_mov_ri(b, JIT_TMP0, c->dbl ? 0x7ff8000000000000ull : 0xffffffff7fc00000ull);
		jit_fp_set_bits(t, c->rd, JIT_TMP0);
		x86_jmp32(b, c->resume);
		break;
	case COLD_HELPER:
		jit_emit_helper_call(t, &c->insn);
		x86_jmp32(b, c->resume);
		break;
	case COLD_SYS_LOAD:
	case COLD_SYS_STORE: jit_emit_sys_access_cold(t, c); break;
	case COLD_PAGE_CHECK:
		if (t->j->opt.stats) {
			x86_mov_ri(b, JIT_TMP3, (uint64_t)(uintptr_t)&t->j->stats.page_checks_failed);
			x86_alu_mi(b, X86_ADD, true, x86_mem_bd(JIT_TMP3, 0), 1);
		}
		jit_emit_store_pc(t, c->pc);
		jit_emit_return(t, JIT_RET_LOOKUP);
		break;
	}
}

/* ---- helper fallback ---- */

void jit_emit_save_mapped(const struct rv_jit *j, struct x86_buf *b)
{
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++)
		x86_store(b, 8, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(j->map[i].guest)),
		          (enum x86_gpr)j->map[i].host);
}

void jit_emit_load_mapped(const struct rv_jit *j, struct x86_buf *b)
{
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++)
		x86_load(b, 8, false, (enum x86_gpr)j->map[i].host,
		         x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(j->map[i].guest)));
}

unsigned jit_insns_from(const struct jit_tctx *t, uint64_t pc)
{
	for (unsigned i = 0; i < t->n_insns; i++)
		if (t->pcs[i] == pc)
			return t->n_insns - i;
	return 0;
}

void jit_emit_helper_call(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	/* the decoded instruction must outlive the code: keep a copy with the block's metadata */
	struct rv_insn *copy = jit_arena_alloc(&t->j->arena, sizeof(*copy));
	if (!copy) {
		b->overflow = true; /* out of memory: fail the block safely */
		return;
	}
	*copy = *in;
	jit_view_leave(t); /* the helper sees and may change any register in *cpu */
	jit_emit_save_mapped(t->j, b);
	/* system mode: instret must be exact during the instruction (the block counted all of its
	 * instructions at entry: take back this one and those after it) */
	int32_t rest = t->j->sys ? (int32_t)jit_insns_from(t, t->pc) : 0;
	struct x86_mem count = x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(insn_count));
	if (rest)
		x86_alu_mi(b, X86_SUB, true, count, rest);
	x86_lea(b, true, X86_RDI, x86_mem_bd(JIT_REG_CPU, -JIT_CPU_BIAS));
	x86_mov_ri(b, X86_RSI, (uint64_t)(uintptr_t)copy);
	x86_mov_ri(b, X86_RDX, t->pc);
	x86_mov_ri(b, X86_RAX, (uint64_t)(uintptr_t)jit_helper_exec);
	x86_call_r(b, X86_RAX);
	jit_emit_load_mapped(t->j, b);
	x86_test_rr(b, false, X86_RAX, X86_RAX);
	if (rest) {
		/* an exit: the instruction retired only if it changed state (RV_EXIT_STATE) */
		uint8_t *ok = x86_jcc32(b, X86_CC_E, x86_here(b));
		x86_alu_ri(b, X86_CMP, false, X86_RAX, RV_EXIT_STATE);
		uint8_t *leave = x86_jcc32(b, X86_CC_NE, t->j->epilogue);
		(void)leave;
		x86_alu_mi(b, X86_ADD, true, count, 1);
		x86_jmp32(b, t->j->epilogue);
		x86_patch_rel32(b->exec_delta, ok, x86_here(b));
		x86_alu_mi(b, X86_ADD, true, count, rest);
	} else {
		x86_jcc32(b, X86_CC_NE, t->j->epilogue); /* the helper set cpu->pc for its exit */
	}
	if (t->j->sys && (rv_op_flags(in->op) & RV_OPF_CSR)) /* SUM, MPRV may have switched the data TLB */
		x86_load(b, 8, false, JIT_REG_MEM, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(dtlb)));
	jit_view_enter(t);
	if (t->frm_checked && (rv_op_flags(in->op) & RV_OPF_CSR)) {
		/* the CSR op may have changed frm, which the block's inline FP code assumes is RNE */
		x86_alu_mi(b, X86_CMP, false, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(frm)), RV_RM_RNE);
		struct jit_cold *c = jit_add_cold(t, COLD_SLOW_VIEW, x86_jcc32(b, X86_CC_NE, x86_here(b)));
		c->pc = t->pc + in->len;
		c->op = (uint16_t)(t->j->sys ? jit_insns_from(t, c->pc) : 0);
	}
	t->j->stats.helper_insns++;
}

/* Translates one instruction; returns true if it ends the block. */
static bool translate_insn(struct jit_tctx *t, const struct rv_insn *in, bool last)
{
	uint32_t flags = rv_op_flags(in->op);
	if ((flags & RV_OPF_FP) && t->b->fp_off) {
		jit_emit_exit_at(t, t->pc, RV_EXIT_ILLEGAL); /* mstatus.FS is Off */
		return true;
	}
	switch (in->op) {
	case RV_OP_JAL:
		jit_store_gpr_imm(t, in->rd, t->pc + in->len);
		if (t->loop) {
			x86_jmp32(&t->buf, t->loop_head); /* the back edge of a loop block */
			return true;
		}
		jit_view_leave(t);
		if (in->imm <= 0)
			jit_emit_interrupt_check(t, t->pc + (uint64_t)in->imm, 0); /* the jal retired */
		jit_emit_direct_exit(t, -1, t->pc + (uint64_t)in->imm);
		return true;
	case RV_OP_JALR: jit_translate_jalr(t, in); return true;
	case RV_OP_ECALL: jit_emit_exit_at(t, t->pc, RV_EXIT_ECALL); return true;
	case RV_OP_EBREAK: jit_emit_exit_at(t, t->pc, RV_EXIT_EBREAK); return true;
	case RV_OP_ILLEGAL: jit_emit_exit_at(t, t->pc, RV_EXIT_ILLEGAL); return true;
	case RV_OP_FENCE_I: jit_emit_exit_at(t, t->pc + in->len, RV_EXIT_FENCE_I); return true;
	case RV_OP_FENCE:
		/* system mode: PAUSE tells the hart's environment that it spins (it may yield the host CPU) */
		if (t->j->sys && in->imm == RV_FENCE_PAUSE_IMM) {
			jit_emit_helper_call(t, in);
			return false;
		}
		/* guest threads are host threads: a full barrier covers every pred/succ combination */
		x86_mfence(&t->buf);
		return false;
	default: break;
	}
	if (flags & RV_OPF_BRANCH) {
		if (!last) {
			jit_translate_side_branch(t, in);
			return false;
		}
		jit_translate_branch(t, in);
		return true;
	}
	if (jit_translate_int(t, in))
		return false;
	bool atomic = (flags & (RV_OPF_ATOMIC | (RV_OPF_AMO & ~(RV_OPF_LOAD | RV_OPF_STORE)))) != 0;
	if (!atomic && (flags & RV_OPF_LOAD)) {
		jit_translate_load(t, in);
		return false;
	}
	if (!atomic && (flags & RV_OPF_STORE)) {
		jit_translate_store(t, in);
		return false;
	}
	if ((flags & RV_OPF_FP) && jit_translate_fp(t, in))
		return false;
	/* in system mode every CSR access goes to the hart (access rules, side effects) */
	if ((flags & RV_OPF_CSR) && !t->j->sys && jit_translate_csr(t, in))
		return false;
	/* everything else (CSRs, AMOs, LR/SC, most F/D, privileged ops): the interpreter's semantics */
	jit_emit_helper_call(t, in);
	return (flags & RV_OPF_SYSTEM) != 0;
}

/* ---- fused pairs ---- */

/* Whether instructions i and i + 1 can be translated as one: both in the block, and no branch of the
 * block jumps to the second. */
static bool pair_ok(const struct jit_tctx *t, unsigned i)
{
	if (i + 1 >= t->n_insns || t->insns[i].rd == 0)
		return false;
	for (unsigned k = 0; k < i; k++)
		if (t->skip_to[k] == (int)(i + 1))
			return false;
	return true;
}

/* Pairs compilers emit for one operation, translated as one host operation (both instructions still
 * retire; only the intermediate value, overwritten by the second, is never made):
 *   slli rd, rs, 32 + srli rd, rd, 32   zero-extend a word:      mov r32, r32 (or a 4-byte load)
 *   slli rd, rs, 48 + srli rd, rd, 48   zero-extend a halfword:  movzx (or a 2-byte load)
 *   lui rd, hi + addi(w) rd, rd, lo     a 32-bit constant:       one mov
 *   auipc rd, hi + addi rd, rd, lo      a pc-relative address:   one mov
 * Returns true if instructions i and i + 1 were translated. */
bool jit_translate_pair(struct jit_tctx *t, unsigned i)
{
	if (!pair_ok(t, i))
		return false;
	const struct rv_insn *a = &t->insns[i], *b = &t->insns[i + 1];
	unsigned rd = a->rd;
	if (b->rd != rd || b->rs1 != rd)
		return false;
	if (a->op == RV_OP_SLLI && b->op == RV_OP_SRLI && a->imm == b->imm &&
	    (a->imm == 32 || a->imm == 48)) {
		unsigned bytes = a->imm == 32 ? 4 : 2;
		struct jit_opnd src = jit_gpr(t, a->rs1);
		enum x86_gpr d = jit_dest_reg(t, rd, JIT_TMP0);
		if (src.kind == OPND_IMM) {
			jit_store_gpr_imm(t, rd, 0); /* rs = x0 */
			return true;
		}
		if (src.kind == OPND_MEM)
			x86_load(&t->buf, bytes, false, d, src.mem); /* zero-extends */
		else if (bytes == 4)
			x86_mov_rr(&t->buf, false, d, src.reg); /* a 32-bit move clears bits 63..32 */
		else
			x86_movzx_rr(&t->buf, 2, d, src.reg);
		jit_store_gpr(t, rd, d);
		return true;
	}
	uint64_t value;
	if (a->op == RV_OP_LUI && b->op == RV_OP_ADDI)
		value = (uint64_t)a->imm + (uint64_t)b->imm;
	else if (a->op == RV_OP_LUI && b->op == RV_OP_ADDIW)
		value = (uint64_t)(int64_t)(int32_t)(uint32_t)((uint64_t)a->imm + (uint64_t)b->imm);
	else if (a->op == RV_OP_AUIPC && b->op == RV_OP_ADDI)
		value = t->pcs[i] + (uint64_t)a->imm + (uint64_t)b->imm;
	else
		return false;
	jit_store_gpr_imm(t, rd, value);
	return true;
}

/* Jumps and system instructions end a block. A forward conditional branch does not (its taken path is a
 * side exit) until the side-exit limit; a backward one does: it is a loop's latch, and the block that
 * starts at its target can then be translated as a loop. */
static bool ends_block(const struct rv_insn *in, unsigned *branches)
{
	uint32_t flags = rv_op_flags(in->op);
	if ((flags & RV_OPF_BRANCH) && in->imm > 0 && ++*branches < JIT_BLOCK_MAX_SIDE_EXITS)
		return false;
	return in->op == RV_OP_ILLEGAL || (flags & (RV_OPF_CONTROL | RV_OPF_SYSTEM)) != 0;
}

/* Code from a page the guest may write: the runtime write-protects the page on the host before the
 * instructions are read, so a later store into it is seen (see rv_mem_code_page_use). False: the page is
 * not translated (code next to data written often), its instructions are interpreted. */
static bool code_page_ok(const struct jit_tctx *t, uint64_t addr)
{
	if (!t->j->opt.code_page_use || addr >= t->cpu->mem_limit)
		return true;
	uint8_t bits = t->cpu->page_prot[addr >> RV_PAGE_SHIFT];
	if (bits & RV_PAGE_NOJIT)
		return false;
	if (!(bits & RV_PROT_WRITE) || (bits & RV_PAGE_CODE))
		return true; /* not writable, or protected already */
	return t->j->opt.code_page_use(t->j->opt.code_page_ctx, addr);
}

/* System mode: the instruction at pc from the block's physical page (the dispatcher translated its
 * address and marked the page). False for an instruction outside the page or crossing its end: blocks
 * never span pages (another page may be mapped differently the next time). */
static bool sys_fetch(const struct jit_tctx *t, uint64_t pc, uint32_t *raw)
{
	uint64_t off = pc & (RV_PAGE_SIZE - 1);
	if ((pc ^ t->j->sys_block_pc) & ~(uint64_t)(RV_PAGE_SIZE - 1))
		return false;
	uint16_t lo;
	memcpy(&lo, t->j->sys_page_host + off, 2);
	if ((lo & 3) != 3) {
		*raw = lo;
		return true;
	}
	if (off + 4 > RV_PAGE_SIZE) {
		/* only a block of its own may cross into the next page (the dispatcher found that page) */
		if (pc != t->j->sys_block_pc || !t->j->sys_page2_host)
			return false;
		uint16_t hi;
		memcpy(&hi, t->j->sys_page2_host, 2);
		*raw = (uint32_t)lo | ((uint32_t)hi << 16);
		return true;
	}
	memcpy(raw, t->j->sys_page_host + off, 4);
	return true;
}

/* Decodes the block's instructions; false if the first one cannot be fetched (or is not to be
 * translated: t->interpret). */
static bool decode_block(struct jit_tctx *t, uint64_t pc)
{
	t->n_insns = 0;
	unsigned branches = 0;
	bool sys = t->j->sys != NULL;
	for (;;) {
		uint32_t raw;
		if (sys) {
			if (!sys_fetch(t, pc, &raw)) {
				t->interpret = t->n_insns == 0; /* an instruction across two pages */
				return t->n_insns > 0;
			}
		} else {
			/* both pages a 4-byte instruction may touch, before reading it */
			if (!code_page_ok(t, pc) || !code_page_ok(t, pc + 3)) {
				t->interpret = t->n_insns == 0;
				return t->n_insns > 0;
			}
			if (!rv_fetch_guarded(t->cpu, pc, &raw))
				return t->n_insns > 0; /* a later one: the next block reports the fault */
		}
		struct rv_insn *in = &t->insns[t->n_insns];
		rv_decode(raw, in);
		t->pcs[t->n_insns] = pc;
		bool ends = ends_block(in, &branches);
		if (sys && t->j->sys_fp_off && (rv_op_flags(in->op) & RV_OPF_FP))
			ends = true; /* translated as an illegal instruction */
		if (sys && t->j->sys_page2_host)
			ends = true; /* an instruction crossing pages is a block of its own */
		if (!ends && (rv_op_flags(in->op) & RV_OPF_BRANCH) && jit_follow_taken(t->j, pc) &&
		    !(sys && ((pc + (uint64_t)in->imm) ^ pc) & ~(uint64_t)(RV_PAGE_SIZE - 1)) &&
		    !jit_select_candidate(t, pc, in)) {
			t->follow[t->n_insns] = true; /* the profile says the taken path is the usual one */
			pc += (uint64_t)in->imm;
		} else {
			pc += in->len;
		}
		t->n_insns++;
		if (ends || t->n_insns == t->max_insns || pc == t->cpu->exit_pc)
			return true;
	}
}

/* Forward branches in the middle of the block whose target is a later instruction of it (the decoded
 * pcs only grow: followed branches jump forward): their taken path stays in the block (t->skip_to).
 * Not while profiling: then they are side exits, whose counts tell whether the block should rather
 * continue along the taken path (jit_follow_taken; an if-then whose condition is nearly always true
 * then runs straight through, and the skipped code becomes the side exit). */
static void find_skips(struct jit_tctx *t)
{
	for (unsigned i = 0; i < t->n_insns; i++) {
		const struct rv_insn *in = &t->insns[i];
		t->skip_to[i] = -1;
		if (t->j->profiling || i + 1 == t->n_insns || !(rv_op_flags(in->op) & RV_OPF_BRANCH) ||
		    t->follow[i] || in->imm <= 0)
			continue;
		uint64_t target = t->pcs[i] + (uint64_t)in->imm;
		for (unsigned k = i + 1; k < t->n_insns && t->pcs[k] <= target; k++)
			if (t->pcs[k] == target)
				t->skip_to[i] = (int8_t)k;
	}
}

static struct jit_block *block_alloc(struct rv_jit *j, uint64_t pc)
{
	struct jit_block *blk = jit_arena_alloc(&j->arena, sizeof(*blk));
	if (!blk)
		return NULL;
	blk->pc = pc;
	if (j->opt.dump) {
		blk->spans = jit_arena_alloc(&j->arena, JIT_BLOCK_MAX_INSNS * sizeof(*blk->spans));
		if (!blk->spans)
			return NULL;
	}
	return blk;
}

static struct jit_block *translate_block(struct rv_jit *j, struct rv_cpu *cpu, uint64_t pc,
                                         enum rv_exit *exit, unsigned max_insns)
{
	struct jit_code_cache *cc = &j->cache;
	struct jit_tctx *t = j->tctx;
	memset(t, 0, offsetof(struct jit_tctx, cold));
	t->n_sites = 0;
	t->access_disp = 0;
	t->j = j;
	t->cpu = cpu;
	t->max_insns = max_insns;
	if (!decode_block(t, pc)) {
		if (t->interpret) {
			*exit = RV_EXIT_LIMIT; /* to the dispatcher: interpret this code */
			return NULL;
		}
		cpu->pc = pc;
		*exit = RV_EXIT_FAULT; /* rv_mem_fetch set fault_addr/fault_kind */
		return NULL;
	}
	find_skips(t);
	const struct rv_insn *last = &t->insns[t->n_insns - 1];
	t->loop = ((rv_op_flags(last->op) & RV_OPF_BRANCH) || last->op == RV_OP_JAL) &&
	          t->pcs[t->n_insns - 1] + (uint64_t)last->imm == pc;
	jit_plan_view(t);
	t->b = block_alloc(j, pc);
	if (!t->b)
		return NULL;
	struct jit_block *blk = t->b;
	x86_buf_init(&t->buf, cc->rw + cc->used, JIT_BLOCK_MAX_BYTES, jit_code_cache_delta(cc));
	blk->host_rw = t->buf.p;
	blk->host = x86_here(&t->buf);
	blk->loop = t->loop;
	blk->n_remap = (uint8_t)t->n_remap;
	blk->instret_reg = t->instret_reg;
	memcpy(blk->remap, t->remap, sizeof(blk->remap));
	memcpy(blk->xmm_of, t->xmm_of, sizeof(blk->xmm_of));
	for (unsigned g = 0; g < 32; g++)
		blk->uses[g] = (uint16_t)(t->uses[g] < UINT16_MAX ? t->uses[g] : UINT16_MAX);
	blk->hot_counter = JIT_HOT_PERIOD;
	blk->pa = j->sys_block_pa;
	blk->pa2 = j->sys_block_pa2;
	blk->fp_off = j->sys && j->sys_fp_off;
	if (j->sys) {
		/* the checked entry (from other pages and jump caches), then the one after the check; a
		 * block crossing pages checks its second page in both */
		jit_emit_page_check(t, pc, j->sys_page_host);
		blk->host_fast = x86_here(&t->buf);
		if (blk->pa2)
			jit_emit_page_check(t, pc + 2, j->sys_page2_host);
	} else {
		blk->host_fast = blk->host;
	}

	/* the runtime may ask the hart to stop (signals): checked on every block entry, and on every
	 * iteration of a loop block */
	t->pc = pc;

	/* inline FP code with a dynamic rounding mode assumes frm == RNE: checked once here */
	for (unsigned i = 0; i < t->n_insns; i++) {
		const struct rv_insn *in = &t->insns[i];
		uint32_t fl = rv_op_flags(in->op);
		if ((fl & RV_OPF_FP) && (fl & RV_OPF_RM) && in->rm == RV_RM_DYN)
			t->frm_checked = true;
	}
	if (t->frm_checked) {
		x86_alu_mi(&t->buf, X86_CMP, false, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(frm)), RV_RM_RNE);
		jit_add_cold(t, COLD_SLOW, x86_jcc32(&t->buf, X86_CC_NE, x86_here(&t->buf)));
	}
	/* system mode: a block that may write FP state makes mstatus.FS Dirty */
	if (j->sys && !blk->fp_off) {
		for (unsigned i = 0; i < t->n_insns; i++) {
			if (rv_op_flags(t->insns[i].op) & RV_OPF_FP) {
				x86_store_imm(&t->buf, 1, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(fp_dirty)), 1);
				break;
			}
		}
	}
	/* while profiling, every JIT_HOT_PERIOD entries the dispatcher sees the block (see jit_replan) */
	if (j->profiling) {
		x86_mov_ri(&t->buf, JIT_TMP3, (uint64_t)(uintptr_t)&blk->hot_counter);
		x86_alu_mi(&t->buf, X86_SUB, false, x86_mem_bd(JIT_TMP3, 0), 1);
		jit_add_cold(t, COLD_HOT, x86_jcc32(&t->buf, X86_CC_E, x86_here(&t->buf)));
	}
	jit_view_enter(t);
	if (t->loop) {
		x86_align(&t->buf, JIT_LOOP_ALIGN);
		t->loop_head = x86_here(&t->buf);
		x86_alu_mi(&t->buf, X86_CMP, false, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(interrupt_request)),
		           0);
		jit_add_cold(t, COLD_LOOP_INTERRUPT, x86_jcc32(&t->buf, X86_CC_NE, x86_here(&t->buf)));
	}
	if (j->opt.stats || j->sys) {
		/* count retired instructions per block pass (system mode: exact, side exits and faults take
		 * back what did not run; --stats in user mode: approximate) */
		jit_count_insns(t, (int32_t)t->n_insns);
	}

	bool ended = false;
	for (unsigned i = 0; i < t->n_insns && !ended; i++) {
		const struct rv_insn *in = &t->insns[i];
		t->pc = t->pcs[i];
		t->in = in;
		uint32_t start = (uint32_t)(t->buf.p - blk->host_rw);
		t->insn_host[i] = x86_here(&t->buf);
		unsigned n = jit_translate_select(t, i); /* a branch with what it skips, or 0 */
		if (!n && jit_translate_pair(t, i)) {
			n = 2; /* the second one's code is empty (for --dump-jit) */
			j->stats.fused_pairs++;
		}
		if (!n) {
			n = 1;
			ended = translate_insn(t, in, i + 1 == t->n_insns);
		}
		for (unsigned k = 0; k < n; k++) {
			if (blk->spans) {
				struct jit_insn_span *s = &blk->spans[blk->n_insns];
				s->pc = t->pcs[i + k];
				s->insn = t->insns[i + k];
				s->host_start = k ? (uint32_t)(t->buf.p - blk->host_rw) : start;
				s->host_end = (uint32_t)(t->buf.p - blk->host_rw);
			}
			blk->n_insns++;
		}
		i += n - 1;
	}
	uint64_t end = t->pcs[t->n_insns - 1] + t->insns[t->n_insns - 1].len;
	if (!ended) {
		/* a limit, or the next instruction cannot be fetched: its own block reports the fault */
		t->pc = end;
		jit_view_leave(t);
		jit_emit_direct_exit(t, -1, end);
	}
	blk->end_pc = end; /* the guest range the block was made from (followed branches skip ahead) */
	for (unsigned i = 0; i < t->n_insns; i++)
		if (t->pcs[i] + t->insns[i].len > blk->end_pc)
			blk->end_pc = t->pcs[i] + t->insns[i].len;
	blk->main_len = (uint32_t)(t->buf.p - blk->host_rw);
	for (unsigned i = 0; i < t->n_skips && !t->buf.overflow; i++) {
		if (!t->insn_host[t->skips[i]
		                      .to]) /* not translated: the block ended before it (not expected) */
			t->buf.overflow = true;
		else
			x86_patch_rel32(t->buf.exec_delta, t->skips[i].field, t->insn_host[t->skips[i].to]);
	}
	for (unsigned i = 0; i < t->n_cold; i++)
		emit_cold(t, &t->cold[i]);
	if (t->buf.overflow) {
		t->too_big = true;
		return NULL;
	}
	blk->host_len = (uint32_t)(t->buf.p - blk->host_rw);
	if (t->n_sites) {
		blk->sites = jit_arena_alloc(&j->arena, t->n_sites * sizeof(*blk->sites));
		if (!blk->sites)
			return NULL;
		memcpy(blk->sites, t->sites, t->n_sites * sizeof(*blk->sites));
		blk->n_sites = t->n_sites;
	}
	cc->used += (blk->host_len + 15) & ~15u;
	blk->valid = true;
	j->stats.blocks++;
	j->stats.loop_blocks += t->loop;
	j->stats.guest_insns += blk->n_insns;
	return blk;
}

struct jit_block *jit_translate(struct rv_jit *j, struct rv_cpu *cpu, uint64_t pc, enum rv_exit *exit)
{
	*exit = RV_EXIT_NONE;
	struct jit_code_cache *cc = &j->cache;
	if (cc->size - cc->used < JIT_BLOCK_MAX_BYTES)
		return NULL; /* full: the caller flushes */
	jit_code_cache_prepare(cc, JIT_BLOCK_MAX_BYTES);
	/* a block whose code (with its cold stubs) does not fit is translated again, shorter */
	for (unsigned limit = JIT_BLOCK_MAX_INSNS;; limit /= 2) {
		j->tctx->too_big = false;
		struct jit_arena_mark mark = jit_arena_mark(&j->arena);
		struct jit_block *b = translate_block(j, cpu, pc, exit, limit);
		if (!b)
			jit_arena_release(&j->arena, mark); /* what the failed attempt allocated */
		if (b || !j->tctx->too_big || limit == 1)
			return b;
	}
}
