/* Planning and rendering system-mode programs (sys_gen.h); the items themselves are in sys_items.c. */
#include "tests/fuzz/sys_gen.h"

#include <stdlib.h>
#include <string.h>

#include "rv/cpu.h"
#include "rv/system/priv.h"
#include "tests/fuzz/sys_handler.h"
#include "tests/fuzz/rv_gen.h"
#include "tests/fuzz/sys_random.h"

enum { T3 = 28, T4 = 29, A6 = SYS_REG_ARG, A7 = SYS_REG_MAGIC, CONT = SYS_REG_CONT };

const char *sys_item_name(unsigned kind)
{
	static const char *const names[SYS_ITEM_KINDS] = {
	    [SYS_ITEM_GEN] = "random code",
	    [SYS_ITEM_CSR] = "csr access",
	    [SYS_ITEM_STATUS] = "status bits",
	    [SYS_ITEM_MEM] = "memory access",
	    [SYS_ITEM_BASES] = "data bases",
	    [SYS_ITEM_SFENCE] = "sfence.vma",
	    [SYS_ITEM_FENCE] = "fence",
	    [SYS_ITEM_WFI] = "wfi",
	    [SYS_ITEM_TRAP] = "trapping insn",
	    [SYS_ITEM_XRET] = "xret",
	    [SYS_ITEM_SATP] = "satp switch",
	    [SYS_ITEM_IRQ] = "software interrupt",
	    [SYS_ITEM_LRSC] = "lr/trap/sc",
	    [SYS_ITEM_WILD_JUMP] = "fetch fault",
	    [SYS_ITEM_SMC] = "store into code",
	    [SYS_ITEM_STRADDLE] = "page-crossing insn",
	    [SYS_ITEM_PLACEHOLDER] = "variant insn",
	    [SYS_ITEM_PTE_EDIT] = "pte rewrite",
	    [SYS_ITEM_CODE_REMAP] = "code remap",
	    [SYS_ITEM_PMP] = "pmp setup",
	    [SYS_ITEM_TRAP_BIT] = "tsr/tw/tvm",
	    [SYS_ITEM_MPRV] = "mprv accesses",
	    [SYS_ITEM_CALL] = "routine call",
	};
	return kind < SYS_ITEM_KINDS ? names[kind] : "?";
}

const char *sys_item_short_name(unsigned kind)
{
	static const char *const names[SYS_ITEM_KINDS] = {
	    [SYS_ITEM_GEN] = "gen",
	    [SYS_ITEM_CSR] = "csr",
	    [SYS_ITEM_STATUS] = "status",
	    [SYS_ITEM_MEM] = "mem",
	    [SYS_ITEM_BASES] = "bases",
	    [SYS_ITEM_SFENCE] = "sfence",
	    [SYS_ITEM_FENCE] = "fence",
	    [SYS_ITEM_WFI] = "wfi",
	    [SYS_ITEM_TRAP] = "trap",
	    [SYS_ITEM_XRET] = "xret",
	    [SYS_ITEM_SATP] = "satp",
	    [SYS_ITEM_IRQ] = "irq",
	    [SYS_ITEM_LRSC] = "lrsc",
	    [SYS_ITEM_WILD_JUMP] = "wild",
	    [SYS_ITEM_SMC] = "smc",
	    [SYS_ITEM_STRADDLE] = "straddle",
	    [SYS_ITEM_PLACEHOLDER] = "variant",
	    [SYS_ITEM_PTE_EDIT] = "pte",
	    [SYS_ITEM_CODE_REMAP] = "remap",
	    [SYS_ITEM_PMP] = "pmp",
	    [SYS_ITEM_TRAP_BIT] = "trapbit",
	    [SYS_ITEM_MPRV] = "mprv",
	    [SYS_ITEM_CALL] = "call",
	};
	return kind < SYS_ITEM_KINDS ? names[kind] : "?";
}

char sys_mode_letter(unsigned mode)
{
	return "USHM"[mode & 3];
}

uint64_t sys_mode_base(unsigned mode)
{
	return mode == SYS_MODE_M ? SYS_RAM_BASE : mode == SYS_MODE_S ? SYS_VA_KERNEL : SYS_VA_USER;
}

uint64_t sys_slot_addr(const struct sys_render *r, unsigned slot, unsigned mode)
{
	const struct sys_pt *pt = &r->img->pt;
	return mode == SYS_MODE_M ? SYS_RAM_BASE + pt->slot_data_off[slot] : pt->slot_va[slot];
}

void sys_li_code_addr(struct sys_code *c, unsigned rd, unsigned tmp, unsigned mode, unsigned label)
{
	sys_li_label(c, rd, label);
	uint64_t base = sys_mode_base(mode);
	if (base) {
		sys_li(c, tmp, base);
		sys_emit32(c, sys_add(rd, rd, tmp));
	}
}

void sys_program_plan(struct sys_program *p, unsigned n_segments, unsigned gen_length, unsigned gen_mask,
                      bool fixed_frm, uint32_t no_items, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	uint64_t s = seed;
	p->seed = sys_random(&s);
	p->gen_length = gen_length;
	p->gen_mask = fixed_frm ? gen_mask & ~(unsigned)GEN_CSR : gen_mask;
	p->fixed_frm = fixed_frm;
	p->no_items = no_items;
	p->n_segments = n_segments < 1 ? 1 : n_segments > SYS_MAX_SEGMENTS ? SYS_MAX_SEGMENTS : n_segments;
	for (unsigned i = 0; i < p->n_segments; i++) {
		struct sys_segment *g = &p->seg[i];
		unsigned m = sys_pick(&s, 100);
		g->mode = i == 0 ? SYS_MODE_M : m < 40 ? SYS_MODE_S : m < 75 ? SYS_MODE_U : SYS_MODE_M;
		g->transition = (uint8_t)sys_pick(&s, 4);
		g->seed = sys_random(&s);
		g->n_items = (i == 0 ? 4 : 2) + sys_pick(&s, 8);
		for (unsigned k = 0; k < g->n_items; k++) {
			g->item[k].kind = (uint8_t)sys_item_pick(g->mode, i == 0, no_items, &s);
			g->item[k].seed = sys_random(&s);
		}
	}
}

/* ---- rendering ---- */

static uint64_t random_reg_value(uint64_t *s)
{
	static const uint64_t special[] = {0,
	                                   1,
	                                   ~0ull,
	                                   0x8000000000000000ull,
	                                   0x7fffffffffffffffull,
	                                   0x80000000ull,
	                                   0xffffffff80000000ull,
	                                   0x100000000ull};
	switch (sys_pick(s, 3)) {
	case 0: return special[sys_pick(s, sizeof(special) / sizeof(special[0]))];
	case 1: return (uint64_t)(int64_t)(int32_t)sys_random(s);
	default: return sys_random(s);
	}
}

static uint64_t random_fp_value(uint64_t *s)
{
	static const uint64_t special[] = {
	    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
	    0x7ff0000000000000ull, 0x7ff8000000000000ull, 0x0000000000000001ull,
	    0xffffffff3f800000ull, 0xffffffff7fc00000ull, 0xffffffff00000001ull};
	switch (sys_pick(s, 3)) {
	case 0: return special[sys_pick(s, sizeof(special) / sizeof(special[0]))];
	case 1: return 0x3f00000000000000ull + (sys_random(s) & 0x00ffffffffffffffull);
	default: return sys_random(s);
	}
}

static void initial_state(struct sys_image *img, uint64_t *s)
{
	for (unsigned i = 1; i < 32; i++)
		img->x[i] = random_reg_value(s);
	for (unsigned i = 0; i < 32; i++)
		img->f[i] = random_fp_value(s);
	img->frm = sys_pick(s, 5);
	img->fflags = sys_chance(s, 25) ? sys_pick(s, 32) : 0;
	do
		img->mtvec = sys_random_mtvec(s);
	while ((img->mtvec & TVEC_MODE_MASK) > TVEC_MODE_VECTOR);
	do
		img->stvec = sys_random_stvec(s);
	while ((img->stvec & TVEC_MODE_MASK) > TVEC_MODE_VECTOR);
	img->satp = img->pt.as[sys_pick(s, SYS_N_ASPACES)].satp;
}

/* The transition from segment i (in r->mode) to the code at label `next` in privilege `to`. */
static void render_transition(struct sys_render *r, unsigned kind, unsigned to, unsigned next, uint64_t *s)
{
	struct sys_code *c = r->code;
	if ((kind == SYS_TR_FALL || kind == SYS_TR_JUMP) && to != r->mode)
		kind = r->mode == SYS_MODE_U || sys_chance(s, 40) ? SYS_TR_ECALL : SYS_TR_XRET;
	if (kind == SYS_TR_XRET && (r->mode == SYS_MODE_U || (r->mode == SYS_MODE_S && to == SYS_MODE_M)))
		kind = SYS_TR_ECALL;
	switch (kind) {
	case SYS_TR_FALL: break;
	case SYS_TR_JUMP:
		if (sys_chance(s, 50)) {
			sys_jal(c, 0, next);
		} else {
			sys_li_code_addr(c, T3, T4, r->mode, next);
			sys_emit32(c, enc_i(OPC_JALR, 0, 0, T3, 0));
		}
		break;
	case SYS_TR_XRET: {
		bool m = r->mode == SYS_MODE_M;
		/* an ecall with the same request follows, in case the xRET is illegal (sret under TSR) */
		sys_li(c, A7, SYS_MAGIC + to);
		sys_li_label(c, A6, next);
		sys_li_code_addr(c, T4, T3, to, next);
		sys_emit32(c, sys_csrw(m ? CSR_MEPC : CSR_SEPC, T4));
		sys_li(c, T3, m ? MSTATUS_MPP : MSTATUS_SPP);
		sys_emit32(c, enc_csr(CSR_OP_RC, 0, m ? CSR_MSTATUS : CSR_SSTATUS, T3));
		uint64_t pp = m ? (uint64_t)to << MSTATUS_MPP_SHIFT : (to == SYS_MODE_S ? MSTATUS_SPP : 0);
		if (pp) {
			sys_li(c, T3, pp);
			sys_emit32(c, enc_csr(CSR_OP_RS, 0, m ? CSR_MSTATUS : CSR_SSTATUS, T3));
		}
		sys_emit32(c, m ? ENC_MRET : ENC_SRET);
		sys_emit32(c, ENC_ECALL);
		break;
	}
	default:
		sys_li(c, A7, SYS_MAGIC + to);
		sys_li_label(c, A6, next);
		sys_emit32(c, ENC_ECALL);
		break;
	}
}

static void render_segment(struct sys_render *r, const struct sys_program *p, unsigned i,
                           const unsigned *labels)
{
	struct sys_code *c = r->code;
	const struct sys_segment *g = &p->seg[i];
	uint64_t seed = g->seed;
	uint64_t *s = &seed;
	r->mode = g->mode;
	r->next_seg = labels[i + 1];
	/* prologue: where a fetch fault continues, and the data bases of rv_gen's loads and stores */
	sys_li_label(c, CONT, labels[i + 1]);
	sys_li(c, 2, sys_slot_addr(r, sys_pick(s, SYS_N_SLOTS), r->mode) + 0x800);
	sys_li(c, 8, sys_slot_addr(r, sys_pick(s, SYS_N_SLOTS), r->mode) + 0x800);
	if (i == 0 && sys_chance(s, 85)) { /* FP on (mstatus.FS is Off at reset) */
		sys_li(c, T3, (uint64_t)(1 + sys_pick(s, 3)) << MSTATUS_FS_SHIFT);
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_MSTATUS, T3));
	}
	if (i == 0 && p->raw) {
		for (unsigned k = 0; k + 1 < p->raw_len; k += 2) {
			uint16_t h;
			memcpy(&h, p->raw + k, 2);
			sys_emit16(c, h);
		}
	}
	for (unsigned k = 0; k < g->n_items; k++) {
		r->img->item_off[i][k] = c->pos;
		sys_item_render(r, &g->item[k]);
	}
	if (i + 1 < p->n_segments)
		render_transition(r, g->transition, p->seg[i + 1].mode, labels[i + 1], s);
}

bool sys_program_render(const struct sys_program *p, struct sys_image *img)
{
	uint8_t *ram = img->ram;
	memset(img, 0, sizeof(*img));
	img->ram = ram;
	memset(ram, 0, SYS_RAM_SIZE);
	uint64_t seed = p->seed;
	uint64_t *s = &seed;

	for (uint64_t off = SYS_DATA_OFF; off < SYS_DATA_OFF + SYS_DATA_PAGES * PAGE_SIZE; off += 8) {
		uint64_t v = random_reg_value(s);
		memcpy(ram + off, &v, 8);
	}
	for (unsigned off = 0; off < SYS_MMIO_SIZE; off += 8) {
		uint64_t v = random_reg_value(s);
		memcpy(img->mmio + off, &v, 8);
	}
	sys_pt_build(&img->pt, ram, s);
	if (img->pt.overflow || !sys_handlers_emit(ram))
		return false;
	initial_state(img, s);

	struct sys_code *c = malloc(sizeof(*c));
	if (!c)
		return false;
	sys_code_init(c, ram, SYS_LIB_OFF, SYS_CODE_OFF);
	if (p->fixed_frm)
		img->frm = RV_RM_RNE;
	struct sys_render r = {.code = c,
	                       .img = img,
	                       .gen_length = p->gen_length,
	                       .gen_mask = p->gen_mask,
	                       .fixed_frm = p->fixed_frm,
	                       .hide_instret = p->hide_instret};
	sys_library_render(&r, s);
	img->lib_end = c->pos;
	c->pos = SYS_CODE_OFF; /* the rest of the library page stays zero (never run) */
	c->limit = SYS_PROG_OFF + SYS_PROG_SIZE;
	unsigned labels[SYS_MAX_SEGMENTS + 1];
	for (unsigned i = 0; i <= p->n_segments; i++)
		labels[i] = sys_label(c);
	for (unsigned i = 0; i < p->n_segments; i++) {
		sys_bind(c, labels[i]);
		img->seg_off[i] = c->pos;
		render_segment(&r, p, i, labels);
	}
	/* the end: whatever the privilege, the handlers end the run */
	sys_bind(c, labels[p->n_segments]);
	img->seg_off[p->n_segments] = c->pos;
	sys_li(c, A7, SYS_MAGIC_FINISH);
	sys_emit32(c, ENC_ECALL);
	bool ok = sys_code_resolve(c);
	img->prog_end = c->pos;
	free(c);
	if (!ok)
		return false;

	/* the alternative pages: the program with different instructions in the placeholders */
	memcpy(ram + SYS_ALT_OFF, ram + SYS_PROG_OFF, SYS_PROG_SIZE);
	for (unsigned i = 0; i < img->n_placeholders; i++) {
		uint64_t alt = SYS_ALT_OFF + (img->placeholder[i].off - SYS_PROG_OFF);
		if (img->placeholder[i].len == 2) {
			uint16_t h = (uint16_t)enc_ci(0, 5 + sys_pick(s, 3), 1 + (int32_t)sys_pick(s, 30),
			                              1); /* c.addi */
			memcpy(ram + alt, &h, 2);
		} else {
			uint32_t w = enc_i(OPC_OP_IMM, 5 + sys_pick(s, 3), 4, sys_pick(s, 32),
			                   (int32_t)sys_pick(s, 2048));
			memcpy(ram + alt, &w, 4); /* xori t0..t2 */
		}
	}
	return true;
}
