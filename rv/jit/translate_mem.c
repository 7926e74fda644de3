/* Guest loads and stores in translated code, for both memory back ends (rv/mem/mem.h):
 *
 * - flat memory (user mode): one compare of the address with cpu->mem_limit, then the access at
 *   [mem_base + address]; pages the guest may not touch fault on the host and are recovered precisely
 *   (fault.c), so every access records its site. A positive offset is folded into the access
 *   ([mem_base + rs1 + offset]) and rs1 alone is compared: an address that passes the check but
 *   reaches past mem_limit lands in the guard gap after it (RV_MEM_GUARD, far larger than any offset)
 *   and faults there; rs1 at or above the limit goes to the interpreter helper (a fault, or an address
 *   that wraps around 2^64 to a valid one).
 * - system mode: the software TLB (rv/mem/tlb.h) checked inline. r15 holds cpu->dtlb for the whole run;
 *   the entry is found from the address's page number, its tag compared with the page of the access's
 *   last byte (which also sends accesses crossing a page to the slow path), then the access goes to
 *   [address + addend]. A miss jumps to a cold stub that calls jit_sys_load/jit_sys_store (the slow paths
 *   of rv/mem/mem.h: walk, fill, device access, fault) and comes back. */
#include "rv/jit/tctx.h"
#include "rv/mem/mem.h"

void jit_record_site(struct jit_tctx *t, enum x86_gpr addr_reg, unsigned fault_kind, unsigned size)
{
	if (t->n_sites >= JIT_BLOCK_MAX_INSNS) {
		t->buf.overflow = true;
		return;
	}
	struct jit_mem_site *s = &t->sites[t->n_sites++];
	s->host_off = (uint32_t)(t->buf.p - t->b->host_rw);
	s->addr_reg = (uint8_t)addr_reg;
	s->disp = (int16_t)t->access_disp;
	s->kind = (uint8_t)fault_kind;
	s->size = (uint8_t)size;
	s->insn_off = (uint16_t)(t->pc - t->b->pc);
}

enum x86_gpr jit_emit_address(struct jit_tctx *t, unsigned rs1, int64_t imm, unsigned fault_kind)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd base = jit_gpr(t, rs1);
	enum x86_gpr a;
	if (base.kind == OPND_REG && imm == 0) {
		a = base.reg;
	} else if (base.kind == OPND_REG) {
		a = JIT_TMP0;
		x86_lea(b, true, a, x86_mem_bd(base.reg, (int32_t)imm));
	} else {
		a = JIT_TMP0;
		if (base.kind == OPND_IMM) {
			x86_mov_ri(b, a, (uint64_t)imm);
		} else {
			x86_load(b, 8, false, a, base.mem);
			if (imm)
				x86_alu_ri(b, X86_ADD, true, a, (int32_t)imm);
		}
	}
	/* guest addresses at or above mem_limit are never mapped: leave with a fault */
	x86_alu_rm(b, X86_CMP, true, a, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(mem_limit)));
	uint8_t *f = x86_jcc32(b, X86_CC_AE, x86_here(b));
	struct jit_cold *c = jit_add_cold(t, COLD_FAULT, f);
	c->reg = (uint8_t)a;
	c->fault_kind = (uint8_t)fault_kind;
	return a;
}

/* Flat memory: the host register with the access's base address and, in t->access_disp, the offset the
 * access adds itself. A positive offset from a register is folded (see the top of this file): then
 * *slow is the cold stub that runs the instruction in the interpreter when the register is at or above
 * mem_limit, to resume after the access (the caller sets its resume address). */
static enum x86_gpr flat_address(struct jit_tctx *t, const struct rv_insn *in, unsigned fault_kind,
                                 struct jit_cold **slow)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd base = jit_gpr(t, in->rs1);
	*slow = NULL;
	t->access_disp = 0;
	if (in->imm <= 0 || base.kind == OPND_IMM)
		return jit_emit_address(t, in->rs1, in->imm, fault_kind);
	enum x86_gpr a = base.kind == OPND_REG ? base.reg : JIT_TMP0;
	if (base.kind == OPND_MEM)
		x86_load(b, 8, false, a, base.mem);
	x86_alu_rm(b, X86_CMP, true, a, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(mem_limit)));
	*slow = jit_add_cold(t, COLD_HELPER, x86_jcc32(b, X86_CC_AE, x86_here(b)));
	(*slow)->insn = *in;
	t->access_disp = (int32_t)in->imm;
	return a;
}

static void flat_load_access(struct jit_tctx *t, const struct rv_insn *in, enum x86_gpr a)
{
	struct x86_buf *b = &t->buf;
	unsigned size = rv_op_mem_size(in->op);
	bool sign = (rv_op_flags(in->op) & RV_OPF_SIGNED) != 0;
	struct x86_mem m = x86_mem_bis(JIT_REG_MEM, a, 1, t->access_disp);
	if (in->op == RV_OP_FLD && jit_fp_xmm(t, in->rd) >= 0) {
		jit_record_site(t, a, RV_FAULT_LOAD, size);
		x86_sse_load(b, true, jit_fp_xmm(t, in->rd), m);
		return;
	}
	if (in->op == RV_OP_FLD || in->op == RV_OP_FLW) {
		jit_record_site(t, a, RV_FAULT_LOAD, size);
		x86_load(b, size, false, JIT_TMP1, m);
		if (in->op == RV_OP_FLW) {
			x86_mov_ri(b, JIT_TMP2, 0xffffffff00000000ull);
			x86_alu_rr(b, X86_OR, true, JIT_TMP1, JIT_TMP2);
		}
		jit_fp_set_bits(t, in->rd, JIT_TMP1);
		return;
	}
	enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP1);
	jit_record_site(t, a, RV_FAULT_LOAD, size);
	x86_load(b, size, sign, d, m);
	jit_store_gpr(t, in->rd, d);
}

static void flat_load(struct jit_tctx *t, const struct rv_insn *in)
{
	struct jit_cold *slow;
	enum x86_gpr a = flat_address(t, in, RV_FAULT_LOAD, &slow);
	flat_load_access(t, in, a);
	if (slow)
		slow->resume = x86_here(&t->buf);
	t->access_disp = 0;
}

static void flat_store_access(struct jit_tctx *t, const struct rv_insn *in, enum x86_gpr a)
{
	struct x86_buf *b = &t->buf;
	unsigned size = rv_op_mem_size(in->op);
	struct x86_mem m = x86_mem_bis(JIT_REG_MEM, a, 1, t->access_disp);
	enum x86_gpr v;
	if ((in->op == RV_OP_FSD || in->op == RV_OP_FSW) && jit_fp_xmm(t, in->rs2) >= 0) {
		jit_record_site(t, a, RV_FAULT_STORE, size);
		x86_sse_store(b, in->op == RV_OP_FSD, m, jit_fp_xmm(t, in->rs2));
		return;
	}
	if (in->op == RV_OP_FSD || in->op == RV_OP_FSW) {
		v = JIT_TMP1;
		jit_fp_get_bits(t, v, in->rs2);
	} else {
		struct jit_opnd src = jit_gpr(t, in->rs2);
		if (src.kind == OPND_IMM) {
			jit_record_site(t, a, RV_FAULT_STORE, size);
			x86_store_imm(b, size, m, 0);
			return;
		}
		v = src.kind == OPND_REG ? src.reg : JIT_TMP1;
		jit_load_opnd(t, v, src);
	}
	jit_record_site(t, a, RV_FAULT_STORE, size);
	x86_store(b, size, m, v);
}

static void flat_store(struct jit_tctx *t, const struct rv_insn *in)
{
	struct jit_cold *slow;
	enum x86_gpr a = flat_address(t, in, RV_FAULT_STORE, &slow);
	flat_store_access(t, in, a);
	if (slow)
		slow->resume = x86_here(&t->buf);
	t->access_disp = 0;
}

/* ---- system mode ---- */

/* The host register holding rs1 + imm (rs1's own register when imm is 0). */
static enum x86_gpr sys_address(struct jit_tctx *t, unsigned rs1, int64_t imm)
{
	struct x86_buf *b = &t->buf;
	struct jit_opnd base = jit_gpr(t, rs1);
	if (base.kind == OPND_REG && imm == 0)
		return base.reg;
	if (base.kind == OPND_REG) {
		x86_lea(b, true, JIT_TMP0, x86_mem_bd(base.reg, (int32_t)imm));
	} else if (base.kind == OPND_IMM) {
		x86_mov_ri(b, JIT_TMP0, (uint64_t)imm);
	} else {
		x86_load(b, 8, false, JIT_TMP0, base.mem);
		if (imm)
			x86_alu_ri(b, X86_ADD, true, JIT_TMP0, (int32_t)imm);
	}
	return JIT_TMP0;
}

/* The inline TLB check of an access of size bytes at the address in a: leaves the entry's offset in rdx
 * and jumps to a new cold stub of the given kind on a miss. tag is the entry field to compare. */
static struct jit_cold *sys_tlb_check(struct jit_tctx *t, const struct rv_insn *in, enum x86_gpr a,
                                      unsigned size, int32_t tag, enum jit_cold_kind kind)
{
	struct x86_buf *b = &t->buf;
	/* rdx = (a >> 12) % RV_TLB_SIZE * sizeof(entry), from the low 32 bits (enough for the index) */
	x86_mov_rr(b, false, JIT_TMP2, a);
	x86_shift_ri(b, X86_SHR, false, JIT_TMP2, 12 - RV_TLB_ENTRY_SHIFT);
	x86_alu_ri(b, X86_AND, false, JIT_TMP2, (int32_t)((RV_TLB_SIZE - 1) << RV_TLB_ENTRY_SHIFT));
	/* r11 = the page of the last byte accessed */
	if (size > 1)
		x86_lea(b, true, JIT_TMP3, x86_mem_bd(a, (int32_t)size - 1));
	else
		x86_mov_rr(b, true, JIT_TMP3, a);
	x86_alu_ri(b, X86_AND, true, JIT_TMP3, (int32_t)RV_TLB_PAGE_MASK);
	x86_alu_rm(b, X86_CMP, true, JIT_TMP3, x86_mem_bis(JIT_REG_MEM, JIT_TMP2, 1, tag));
	struct jit_cold *c = jit_add_cold(t, kind, x86_jcc32(b, X86_CC_NE, x86_here(b)));
	c->reg = (uint8_t)a;
	c->insn = *in;
	/* r11 = addend */
	x86_load(b, 8, false, JIT_TMP3,
	         x86_mem_bis(JIT_REG_MEM, JIT_TMP2, 1, (int32_t)offsetof(struct rv_tlb_entry, addend)));
	return c;
}

static void sys_load(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	unsigned size = rv_op_mem_size(in->op);
	bool sign = (rv_op_flags(in->op) & RV_OPF_SIGNED) != 0;
	enum x86_gpr a = sys_address(t, in->rs1, in->imm);
	struct jit_cold *c =
	    sys_tlb_check(t, in, a, size, (int32_t)offsetof(struct rv_tlb_entry, tag_read), COLD_SYS_LOAD);
	struct x86_mem m = x86_mem_bis(a, JIT_TMP3, 1, 0);
	if (in->op == RV_OP_FLD && jit_fp_xmm(t, in->rd) >= 0) {
		x86_sse_load(b, true, jit_fp_xmm(t, in->rd), m);
	} else if (in->op == RV_OP_FLD || in->op == RV_OP_FLW) {
		x86_load(b, size, false, JIT_TMP1, m);
		if (in->op == RV_OP_FLW) {
			x86_mov_ri(b, JIT_TMP2, 0xffffffff00000000ull);
			x86_alu_rr(b, X86_OR, true, JIT_TMP1, JIT_TMP2);
		}
		jit_fp_set_bits(t, in->rd, JIT_TMP1);
	} else {
		enum x86_gpr d = jit_dest_reg(t, in->rd, JIT_TMP1);
		x86_load(b, size, sign, d, m);
		jit_store_gpr(t, in->rd, d);
	}
	c->resume = x86_here(b);
}

static void sys_store(struct jit_tctx *t, const struct rv_insn *in)
{
	struct x86_buf *b = &t->buf;
	unsigned size = rv_op_mem_size(in->op);
	enum x86_gpr a = sys_address(t, in->rs1, in->imm);
	struct jit_cold *c =
	    sys_tlb_check(t, in, a, size, (int32_t)offsetof(struct rv_tlb_entry, tag_write), COLD_SYS_STORE);
	struct x86_mem m = x86_mem_bis(a, JIT_TMP3, 1, 0);
	bool fp = in->op == RV_OP_FSD || in->op == RV_OP_FSW;
	if (fp && jit_fp_xmm(t, in->rs2) >= 0) {
		x86_sse_store(b, in->op == RV_OP_FSD, m, jit_fp_xmm(t, in->rs2));
	} else if (fp) {
		jit_fp_get_bits(t, JIT_TMP1, in->rs2);
		x86_store(b, size, m, JIT_TMP1);
	} else {
		struct jit_opnd src = jit_gpr(t, in->rs2);
		if (src.kind == OPND_IMM) {
			x86_store_imm(b, size, m, 0);
		} else {
			enum x86_gpr v = src.kind == OPND_REG ? src.reg : JIT_TMP1;
			jit_load_opnd(t, v, src);
			x86_store(b, size, m, v);
		}
	}
	c->resume = x86_here(b);
}

/* A faulting access does not retire, nor do the block's instructions after it: take them back from
 * instret (the block counted all of them at entry). */
static void sys_uncount(struct jit_tctx *t, uint64_t pc)
{
	x86_alu_mi(&t->buf, X86_SUB, true, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(insn_count)),
	           (int32_t)jit_insns_from(t, pc));
}

/* The slow path of a system-mode access: the shared thunk (jit.c) calls the C slow path with every
 * guest register left where the block's view keeps it. Back here: on a fault, leave the view and the
 * block (pc is the access); else put a loaded value where the instruction wants it and go back. */
void jit_emit_sys_access_cold(struct jit_tctx *t, const struct jit_cold *c)
{
	struct x86_buf *b = &t->buf;
	const struct rv_insn *in = &c->insn;
	bool load = c->kind == COLD_SYS_LOAD;
	x86_mov_rr(b, true, JIT_TMP3, (enum x86_gpr)c->reg); /* the address */
	if (load) {
		x86_mov_ri(b, X86_RDX, in->op);
	} else {
		if (in->op == RV_OP_FSD || in->op == RV_OP_FSW)
			jit_fp_get_bits(t, JIT_TMP1, in->rs2);
		else
			jit_load_opnd(t, JIT_TMP1, jit_gpr(t, in->rs2));
		x86_mov_ri(b, X86_RDX, rv_op_mem_size(in->op));
	}
	x86_call32(b, load ? t->j->sys_load_thunk : t->j->sys_store_thunk);
	enum x86_gpr exit_reg = load ? X86_RDX : X86_RAX;
	x86_test_rr(b, true, exit_reg, exit_reg);
	uint8_t *fault = x86_jcc32(b, X86_CC_NE, x86_here(b));
	if (load) {
		if (in->op == RV_OP_FLD || in->op == RV_OP_FLW) {
			if (in->op == RV_OP_FLW) {
				x86_mov_ri(b, JIT_TMP2, 0xffffffff00000000ull);
				x86_alu_rr(b, X86_OR, true, X86_RAX, JIT_TMP2);
			}
			jit_fp_set_bits(t, in->rd, X86_RAX);
		} else {
			jit_store_gpr(t, in->rd, X86_RAX);
		}
	}
	x86_jmp32(b, c->resume);
	/* the access faulted: the exit (RV_EXIT_FAULT) to rax, the guest state to *cpu */
	x86_patch_rel32(b->exec_delta, fault, x86_here(b));
	if (load)
		x86_mov_rr(b, true, X86_RAX, X86_RDX);
	x86_mov_rr(b, true, JIT_TMP3, X86_RAX);
	jit_view_leave(t);
	sys_uncount(t, c->pc);
	jit_emit_store_pc(t, c->pc); /* may use rax */
	x86_mov_rr(b, true, X86_RAX, JIT_TMP3);
	x86_jmp32(b, t->j->epilogue);
}

void jit_translate_load(struct jit_tctx *t, const struct rv_insn *in)
{
	if (t->j->sys)
		sys_load(t, in);
	else
		flat_load(t, in);
}

void jit_translate_store(struct jit_tctx *t, const struct rv_insn *in)
{
	if (t->j->sys)
		sys_store(t, in);
	else
		flat_store(t, in);
}
