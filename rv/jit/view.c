/* Register views of translated blocks: which guest registers a block keeps where, and the code that
 * switches between the global mapping and a block's view. See docs/karasu-rv-jit.md. */
#include <string.h>

#include "rv/jit/tctx.h"

/* ---- register view ----
 * Outside translated blocks (and at every block boundary) the guest state is: the globally mapped guest
 * registers in their host registers (j->map), everything else in *cpu. Inside a block, FP registers
 * the block uses are cached in xmm3..15, and a loop block lends host registers of mapped guest registers
 * it does not use to unmapped ones it does use. view_enter switches to the block's view, view_leave
 * back; every way out of a block body passes through view_leave. */

int jit_fp_xmm(const struct jit_tctx *t, unsigned f)
{
	return t->xmm_of[f];
}

void jit_fp_get_bits(struct jit_tctx *t, enum x86_gpr dst, unsigned f)
{
	int x = t->xmm_of[f];
	if (x >= 0)
		x86_movq_rx(&t->buf, true, dst, x);
	else
		x86_load(&t->buf, 8, false, dst, x86_mem_bd(JIT_REG_CPU, JIT_F_OFF(f)));
}

void jit_fp_set_bits(struct jit_tctx *t, unsigned f, enum x86_gpr src)
{
	int x = t->xmm_of[f];
	if (x >= 0)
		x86_movq_xr(&t->buf, true, x, src);
	else
		x86_store(&t->buf, 8, x86_mem_bd(JIT_REG_CPU, JIT_F_OFF(f)), src);
}

void jit_view_enter(struct jit_tctx *t)
{
	struct x86_buf *b = &t->buf;
	for (unsigned i = 0; i < t->n_remap; i++) {
		const struct jit_remap *r = &t->remap[i];
		x86_store(b, 8, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(r->orig)), (enum x86_gpr)r->host);
		x86_load(b, 8, false, (enum x86_gpr)r->host, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(r->guest)));
	}
	for (unsigned f = 0; f < 32; f++)
		if (t->xmm_of[f] >= 0)
			x86_sse_load(b, true, t->xmm_of[f], x86_mem_bd(JIT_REG_CPU, JIT_F_OFF(f)));
	if (t->instret_reg != X86_NO_REG) {
		x86_store(b, 8, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(t->instret_orig)),
		          (enum x86_gpr)t->instret_reg);
		x86_alu_rr(b, X86_XOR, false, (enum x86_gpr)t->instret_reg, (enum x86_gpr)t->instret_reg);
	}
}

void jit_count_insns(struct jit_tctx *t, int32_t n)
{
	if (t->instret_reg != X86_NO_REG)
		x86_alu_ri(&t->buf, X86_ADD, true, (enum x86_gpr)t->instret_reg, n);
	else
		x86_alu_mi(&t->buf, X86_ADD, true, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(insn_count)), n);
}

void jit_view_leave(struct jit_tctx *t)
{
	struct x86_buf *b = &t->buf;
	for (unsigned i = 0; i < t->n_remap; i++) {
		const struct jit_remap *r = &t->remap[i];
		x86_store(b, 8, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(r->guest)), (enum x86_gpr)r->host);
		x86_load(b, 8, false, (enum x86_gpr)r->host, x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(r->orig)));
	}
	for (unsigned f = 0; f < 32; f++)
		if (t->xmm_of[f] >= 0 && (t->fp_written & (1u << f)))
			x86_sse_store(b, true, x86_mem_bd(JIT_REG_CPU, JIT_F_OFF(f)), t->xmm_of[f]);
	if (t->instret_reg != X86_NO_REG) {
		/* (changes the flags: no way out of a block leaves the view between a compare and its use) */
		x86_alu_mr(b, X86_ADD, true, x86_mem_bd(JIT_REG_CPU, JIT_CPU_OFF(insn_count)),
		           (enum x86_gpr)t->instret_reg);
		x86_load(b, 8, false, (enum x86_gpr)t->instret_reg,
		         x86_mem_bd(JIT_REG_CPU, JIT_X_OFF(t->instret_orig)));
	}
}

/* How often each guest register appears in the block (x regs 0..31, f regs 32..63). */
static void count_uses(const struct jit_tctx *t, unsigned uses[64])
{
	memset(uses, 0, 64 * sizeof(uses[0]));
	for (unsigned i = 0; i < t->n_insns; i++) {
		const struct rv_insn *in = &t->insns[i];
		for (const char *o = rv_op_operands(in->op); *o; o++) {
			switch (*o) {
			case 'd': uses[in->rd]++; break;
			case 's':
			case 'o':
			case 'a': uses[in->rs1]++; break;
			case 't': uses[in->rs2]++; break;
			case 'D': uses[32 + in->rd]++; break;
			case 'S': uses[32 + in->rs1]++; break;
			case 'T': uses[32 + in->rs2]++; break;
			case 'R': uses[32 + in->rs3]++; break;
			default: break;
			}
		}
	}
}

static uint32_t fp_regs_written(const struct jit_tctx *t)
{
	uint32_t w = 0;
	for (unsigned i = 0; i < t->n_insns; i++)
		if (strchr(rv_op_operands(t->insns[i].op), 'D'))
			w |= 1u << t->insns[i].rd;
	return w;
}

/* Index of the largest count among those with pick[i] set, or -1 if all are zero. */
static int most_used(const unsigned *uses, const bool *pick, unsigned n)
{
	int best = -1;
	for (unsigned i = 0; i < n; i++)
		if (pick[i] && uses[i] && (best < 0 || uses[i] > uses[best]))
			best = (int)i;
	return best;
}

/* Chooses the block's register view (see jit_view_enter). */
void jit_plan_view(struct jit_tctx *t)
{
	unsigned *uses = t->uses;
	count_uses(t, uses);
	for (unsigned g = 0; g < 32; g++) {
		t->host_of[g] = t->j->host_of_guest[g];
		t->xmm_of[g] = -1;
	}
	t->n_remap = 0;
	/* FP registers: the most used ones in xmm3..15 */
	bool fp_pick[32];
	for (unsigned f = 0; f < 32; f++)
		fp_pick[f] = true;
	for (unsigned x = 0; x < JIT_XMM_COUNT; x++) {
		int f = most_used(uses + 32, fp_pick, 32);
		if (f < 0)
			break;
		t->xmm_of[f] = (int8_t)(JIT_XMM_FIRST + x);
		fp_pick[f] = false;
	}
	t->fp_written = fp_regs_written(t);
	t->instret_reg = X86_NO_REG;
	if (!t->loop)
		return;
	/* loops: lend the host registers of mapped guest registers the loop does not use */
	bool unmapped[32];
	for (unsigned g = 0; g < 32; g++)
		unmapped[g] = g != 0 && t->j->host_of_guest[g] == X86_NO_REG;
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++) {
		unsigned orig = t->j->map[i].guest;
		if (uses[orig])
			continue;
		int g = most_used(uses, unmapped, 32);
		if (g < 0)
			break;
		unmapped[g] = false;
		struct jit_remap *r = &t->remap[t->n_remap++];
		r->host = (uint8_t)t->j->map[i].host;
		r->guest = (uint8_t)g;
		r->orig = (uint8_t)orig;
		t->host_of[g] = t->j->map[i].host;
		t->host_of[orig] = X86_NO_REG;
	}
	/* system mode counts instret per pass; a memory add on every iteration makes a chain through
	 * store forwarding that costs a tight loop a fifth of its speed: count in a spare register */
	if (!t->j->sys)
		return;
	for (unsigned i = 0; i < JIT_MAPPED_COUNT; i++) {
		unsigned orig = t->j->map[i].guest;
		bool lent = false;
		for (unsigned r = 0; r < t->n_remap; r++)
			lent |= t->remap[r].host == t->j->map[i].host;
		if (uses[orig] || lent)
			continue;
		t->instret_reg = t->j->map[i].host;
		t->instret_orig = (uint8_t)orig;
		t->host_of[orig] = X86_NO_REG;
		break;
	}
}
