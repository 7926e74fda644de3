/* If-conversion: a forward branch that only skips the computation of one register,
 *     beq  a4, x0, 1f        (or any conditional branch)
 *     xor  a0, a0, a1        (one instruction, or a fused pair such as zext.h, all writing a0)
 * 1:
 * is translated without a jump: the skipped value is computed into a scratch register, then the branch's
 * comparison selects it with cmov. A data-dependent branch (a CRC's "if the low bit is set", a
 * min/max) is mispredicted about half of the time; the conditional move never is, and costs one
 * instruction more than the taken path.
 * Only pure register operations qualify (no memory access, no trap, no other register written), so
 * running them when the branch is taken changes nothing but the scratch register. Not in system mode:
 * there instret is exact, and a taken branch takes back the instructions it skipped, which only a jump
 * can do (user mode's --stats count is approximate: it counts them as run). */
#include "rv/interp/interp.h"
#include "rv/jit/tctx.h"

/* Integer operations that read registers and immediates and write rd only, and that jit_translate_int
 * translates without the scratch register the selected value is kept in (JIT_TMP3). */
static bool pure_op(const struct rv_insn *in)
{
	switch (in->op) {
	case RV_OP_LUI:
	case RV_OP_AUIPC:
	case RV_OP_ADDI:
	case RV_OP_XORI:
	case RV_OP_ORI:
	case RV_OP_ANDI:
	case RV_OP_ADDIW:
	case RV_OP_SLLI:
	case RV_OP_SRLI:
	case RV_OP_SRAI:
	case RV_OP_SLLIW:
	case RV_OP_SRLIW:
	case RV_OP_SRAIW:
	case RV_OP_ADD:
	case RV_OP_SUB:
	case RV_OP_XOR:
	case RV_OP_OR:
	case RV_OP_AND:
	case RV_OP_ADDW:
	case RV_OP_SUBW: return true;
	default: return false;
	}
}

/* Decoding, user mode: whether the forward branch at pc skips only one or two pure instructions writing
 * one register. The block then goes on through them even when the profile says the branch is mostly
 * taken (jit_follow_taken): a conditional move is better than a side exit for the other case. Only a
 * look ahead: the instructions are fetched again, with the code page checks, if the block takes them. */
bool jit_select_candidate(struct jit_tctx *t, uint64_t pc, const struct rv_insn *br)
{
	if (t->j->sys || br->imm <= 0)
		return false;
	uint64_t target = pc + (uint64_t)br->imm, p = pc + br->len;
	unsigned rd = 0;
	for (unsigned n = 0; n < 2 && p < target; n++) {
		uint32_t raw;
		struct rv_insn in;
		if (!rv_fetch_guarded(t->cpu, p, &raw))
			return false;
		rv_decode(raw, &in);
		if (!pure_op(&in) || in.rd == 0 || (n && in.rd != rd))
			return false;
		rd = in.rd;
		p += in.len;
	}
	return p == target && rd != 0;
}

/* How many instructions the branch at i skips if it has the shape above (1 or 2), else 0. */
static unsigned skipped_count(const struct jit_tctx *t, unsigned i)
{
	if (t->j->sys || t->skip_to[i] < 0)
		return 0;
	unsigned n = (unsigned)t->skip_to[i] - i - 1;
	if (n < 1 || n > 2)
		return 0;
	unsigned rd = t->insns[i + 1].rd;
	for (unsigned k = i + 1; k <= i + n; k++)
		if (!pure_op(&t->insns[k]) || t->insns[k].rd != rd || rd == 0)
			return 0;
	/* no other branch may land between the branch and its target: that path must run them */
	for (unsigned k = 0; k < t->n_insns; k++) {
		if (k != i && t->skip_to[k] > (int)i && t->skip_to[k] <= (int)(i + n))
			return 0;
	}
	return n;
}

unsigned jit_translate_select(struct jit_tctx *t, unsigned i)
{
	unsigned n = skipped_count(t, i);
	if (!n)
		return 0;
	struct x86_buf *b = &t->buf;
	const struct rv_insn *br = &t->insns[i];
	unsigned rd = t->insns[i + 1].rd;
	/* the value rd gets on the fall-through path, in r11: the skipped code runs with rd mapped there
	 * (starting from rd's value, which it may read) */
	jit_load_opnd(t, JIT_TMP3, jit_gpr(t, rd));
	int8_t home = t->host_of[rd];
	t->host_of[rd] = (int8_t)JIT_TMP3;
	for (unsigned k = i + 1; k <= i + n; k++) {
		t->pc = t->pcs[k];
		t->in = &t->insns[k];
		t->insn_host[k] = x86_here(b);
		if (k + 1 <= i + n && jit_translate_pair(t, k)) {
			t->j->stats.fused_pairs++;
			t->insn_host[++k] = x86_here(b);
		} else if (!jit_translate_int(t, &t->insns[k])) {
			b->overflow =
			    true; /* cannot happen: pure_op lists only integer ops; fail the block */
		}
	}
	t->host_of[rd] = home;
	t->pc = t->pcs[i];
	t->in = br;
	/* the branch's comparison (after the skipped code: that may change the flags) */
	struct jit_opnd a = jit_gpr(t, br->rs1), c = jit_gpr(t, br->rs2);
	enum x86_gpr ra = JIT_TMP0;
	if (a.kind == OPND_REG)
		ra = a.reg;
	else
		jit_load_opnd(t, ra, a);
	if (c.kind == OPND_IMM && c.imm == 0)
		x86_test_rr(b, true, ra, ra);
	else
		jit_alu_opnd(t, X86_CMP, true, ra, c);
	/* not taken: rd = r11 (moves do not change the flags) */
	enum x86_cc not_taken = x86_cc_invert(jit_branch_cc(br->op));
	if (home != X86_NO_REG) {
		x86_cmov(b, not_taken, true, (enum x86_gpr)home, JIT_TMP3);
	} else {
		struct x86_mem slot = x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(rd));
		x86_load(b, 8, false, JIT_TMP1, slot);
		x86_cmov(b, not_taken, true, JIT_TMP1, JIT_TMP3);
		x86_store(b, 8, slot, JIT_TMP1);
	}
	t->j->stats.selects++;
	return n + 1;
}
