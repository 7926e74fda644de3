/* The M-mode items of system-mode programs (sys_gen.h): page-table and code-mapping rewrites, PMP,
 * the TSR/TW/TVM traps, MPRV. Conventions as in sys_items.c. */
#include "rv/system/priv.h"
#include "tests/fuzz/sys_items.h"
#include "tests/fuzz/sys_random.h"

/* Skips to the returned label unless the hart is in M-mode: a page-table store that ran in a lower
 * privilege (through an identity mapping) could not be followed by its sfence.vma there. a6 stays 0 when
 * reading misa is illegal (the handlers leave a6 alone); misa is never 0. */
static unsigned skip_unless_machine(struct sys_code *c)
{
	unsigned skip = sys_label(c);
	sys_emit32(c, sys_addi(A6, 0, 0));
	sys_emit32(c, sys_csrr(A6, CSR_MISA));
	sys_branch(c, F3_BEQ, A6, 0, skip);
	return skip;
}

/* pte at physical offset pte_off (M-mode only, MPRV off), then sfence.vma of everything or of va. */
static void emit_pte_store(struct sys_code *c, uint64_t *s, uint64_t pte_off, uint64_t pte, uint64_t va)
{
	unsigned skip = skip_unless_machine(c);
	sys_mprv_off(c);
	sys_li(c, T3, SYS_RAM_BASE + pte_off);
	sys_li(c, T4, pte);
	sys_emit32(c, sys_sd(T4, T3, 0));
	if (sys_chance(s, 50)) {
		sys_emit32(c, enc_sfence_vma(0, 0));
	} else {
		sys_li(c, T5, va);
		sys_emit32(c, enc_sfence_vma(T5, 0));
	}
	sys_bind(c, skip);
}

void sys_item_pte_edit(struct sys_render *r, uint64_t *s)
{
	const struct sys_pt *pt = &r->img->pt;
	unsigned a = sys_pick(s, SYS_N_ASPACES), slot = sys_pick(s, SYS_N_SLOTS);
	const struct sys_slot_map *m = &pt->as[a].slot[slot];
	if (!m->pte_off)
		return; /* not mapped in this address space */
	bool next = m->next_pte_off && sys_chance(s, 25);
	uint64_t pte = sys_pt_random_slot_pte(pt, slot, m->level, s);
	emit_pte_store(r->code, s, next ? m->next_pte_off : m->pte_off, pte,
	               pt->slot_va[slot] + (next ? PAGE_SIZE : 0) + sys_pick(s, PAGE_SIZE));
}

void sys_item_code_remap(struct sys_render *r, uint64_t *s)
{
	const struct sys_aspace *as = &r->img->pt.as[sys_pick(s, SYS_N_ASPACES)];
	bool user = sys_chance(s, 50);
	/* the pages a program of this size occupies, mostly (page 0: the library) */
	unsigned page = sys_chance(s, 80) ? sys_pick(s, 4) : sys_pick(s, SYS_PROG_PAGES);
	uint64_t pte_off = user ? as->user_code_pte[page] : as->kernel_code_pte[page];
	if (!pte_off)
		return; /* that region is mapped by a superpage there */
	uint64_t pte = sys_pt_random_code_pte(page, user, s);
	emit_pte_store(r->code, s, pte_off, pte,
	               (user ? SYS_VA_USER : SYS_VA_KERNEL) + SYS_PROG_OFF + (uint64_t)page * PAGE_SIZE);
}

/* A pmpaddr value inside the PMP window: a NAPOT region (4 KiB .. 64 KiB), or a TOR/NA4 boundary. */
static uint64_t pmp_window_addr(uint64_t *s)
{
	uint64_t lo = SYS_RAM_BASE + SYS_PMP_WINDOW_LO, pages = (SYS_PMP_WINDOW_HI - SYS_PMP_WINDOW_LO) >> 12;
	unsigned k = 12 + sys_pick(s, 5);
	uint64_t base = (lo + (uint64_t)sys_pick(s, (unsigned)pages) * PAGE_SIZE) & ~((1ull << k) - 1);
	if (base < lo)
		base = lo;
	if (sys_chance(s, 50))
		return (base >> 2) | ((1ull << (k - 3)) - 1); /* NAPOT of 2^k bytes */
	return (base + 4 * sys_pick(s, 1024)) >> 2;
}

void sys_item_pmp(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	/* entry 15 lets everything else through (S/U accesses that match no entry fail once any is on) */
	sys_li(c, T3, PMP_ADDR_MASK);
	sys_emit32(c, sys_csrw(CSR_PMPADDR0 + 15, T3));
	uint64_t cfg2 = (uint64_t)(PMP_A_NAPOT << PMP_A_SHIFT | PMP_R | PMP_W | PMP_X) << 56;
	for (unsigned b = 0; b < 7; b++)
		if (sys_chance(s, 15))
			cfg2 |= (uint64_t)(sys_random(s) & (PMP_CFG_MASK & ~PMP_L)) << (8 * b);
	sys_li(c, T3, cfg2);
	sys_emit32(c, sys_csrw(CSR_PMPCFG0 + 2, T3));
	for (unsigned i = 0; i < 8; i++) {
		sys_li(c, T3, pmp_window_addr(s));
		sys_emit32(c, sys_csrw(CSR_PMPADDR0 + i, T3));
	}
	uint64_t cfg0 = 0;
	for (unsigned b = 0; b < 8; b++) {
		if (!sys_chance(s, 40))
			continue;
		unsigned a = 1 + sys_pick(s, 3);
		if (b == 0 && a == PMP_A_TOR)
			a = PMP_A_NAPOT; /* entry 0's TOR region would start at address 0 */
		uint64_t byte = (uint64_t)(a << PMP_A_SHIFT) | (sys_random(s) & (PMP_R | PMP_W | PMP_X));
		if (sys_chance(s, 3))
			byte |= PMP_L; /* locked: binds M-mode too, until reset */
		cfg0 |= byte << (8 * b);
	}
	sys_li(c, T3, cfg0);
	sys_emit32(c, enc_csr(CSR_OP_RW, sys_random_rd(s), CSR_PMPCFG0, T3));
}

void sys_item_trap_bit(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	static const uint64_t bits[] = {MSTATUS_TSR, MSTATUS_TW, MSTATUS_TVM};
	unsigned which = sys_pick(s, 3);
	unsigned in_s = sys_label(c), back = sys_label(c);
	sys_li(c, T3, bits[which]);
	sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_MSTATUS, T3));
	sys_emit_xret_to(r, SYS_MODE_S, in_s);
	/* in S-mode: what the bit forbids */
	sys_bind(c, in_s);
	unsigned saved_mode = r->mode;
	r->mode = SYS_MODE_S;
	switch (which) {
	case 0: { /* TSR: sret */
		unsigned after = sys_label(c);
		sys_emit_xret_to(r, SYS_MODE_S, after);
		sys_bind(c, after);
		break;
	}
	case 1: sys_emit_guarded_wfi(c, SYS_MODE_S); break; /* TW: wfi is illegal */
	default:                                            /* TVM: satp and sfence.vma */
		if (sys_chance(s, 50)) {
			sys_emit32(c, sys_csrr(sys_random_rd(s), CSR_SATP));
		} else if (sys_chance(s, 50)) {
			sys_li(c, T3, sys_satp_value(r, s));
			sys_emit32(c, sys_csrw(CSR_SATP, T3));
		} else {
			sys_emit32(c, enc_sfence_vma(0, 0));
		}
		break;
	}
	r->mode = saved_mode;
	/* back to M-mode here, and clear the bit */
	sys_li(c, A7, SYS_MAGIC + SYS_MODE_M);
	sys_li_label(c, A6, back);
	sys_emit32(c, ENC_ECALL);
	sys_bind(c, back);
	sys_li(c, T3, bits[which]);
	sys_emit32(c, enc_csr(CSR_OP_RC, 0, CSR_MSTATUS, T3));
}

void sys_item_mprv(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	static const unsigned mpp[] = {SYS_MODE_U, SYS_MODE_S, SYS_MODE_M};
	unsigned to = mpp[sys_pick(s, 3)];
	sys_li(c, T4, MSTATUS_MPP);
	sys_emit32(c, enc_csr(CSR_OP_RC, 0, CSR_MSTATUS, T4));
	uint64_t set = MSTATUS_MPRV | ((uint64_t)to << MSTATUS_MPP_SHIFT);
	if (sys_chance(s, 40))
		set |= MSTATUS_SUM;
	if (sys_chance(s, 30))
		set |= MSTATUS_MXR;
	sys_li(c, T4, set);
	sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_MSTATUS, T4));
	unsigned n = 1 + sys_pick(s, 3);
	for (unsigned i = 0; i < n; i++) {
		sys_li(c, T3, sys_slot_addr(r, sys_pick(s, SYS_N_SLOTS), SYS_MODE_S) + sys_random_offset(s));
		sys_emit_access(c, s, 0);
	}
	if (sys_chance(s, 80))
		sys_mprv_off(c);
}
