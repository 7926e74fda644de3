/* The items of system-mode programs (sys_gen.h): each renders a self-contained piece of code for the
 * privilege its segment runs in, from its own seed. Templates use x28-x30 and a6/a7 as scratch (the trap
 * handlers clobber x28-x30 too), never x2/x8 (data bases, but in SYS_ITEM_BASES), x27 (the fetch-fault
 * continuation, but in SYS_ITEM_WILD_JUMP) or x31 (rv_gen's loop counter).
 *
 * What keeps every program terminating and every difference meaningful:
 *  - mtvec/stvec/satp only ever get values whose handlers and mappings exist (satp: one of the two
 *    address spaces, or an unsupported mode, which the write ignores), and TSR/TW/TVM are set only by
 *    SYS_ITEM_TRAP_BIT, which clears them again;
 *  - wfi runs only when an interrupt is pending and enabled (or in U-mode, where it is illegal);
 *  - a segment may run in another privilege than the one it was rendered for (an xRET item or a failed
 *    transition): templates must stay safe there too (their privileged steps are then illegal);
 *  - PMP entries only cover the program, alternative and data pages (sys_layout.h);
 *  - page tables are written only by M-mode templates, followed by sfence.vma; code only by
 *    SYS_ITEM_SMC, followed by fence.i before it runs again, or never run again (the architecture lets a
 *    hart use stale translations and instructions until the fence, so the two engines may legitimately
 *    differ before it); other loads and stores reach data pages, the device page, and read-only aliases
 *    of code and page tables;
 *  - stimecmp only gets values far in the future or in the past (0, 1), and nothing reads time or cycle;
 *  - mstatus.FS only changes as a whole (FS bits all or none in csrrs/csrrc masks) and no mstatus or
 *    sstatus value reaches a register: the privileged spec (3.1.6.6) lets an implementation report FS
 *    Dirty when the FP state was not written (the translator marks it on entry to a block with FP
 *    instructions), so the engines may differ there; the comparison accepts exactly that. */
#include <string.h>

#include "rv/system/priv.h"
#include "tests/fuzz/rv_gen.h"
#include "tests/fuzz/sys_gen.h"
#include "tests/fuzz/sys_handler.h"
#include "tests/fuzz/sys_items.h"
#include "tests/fuzz/sys_random.h"

/* ---- helpers ---- */

unsigned sys_random_rd(uint64_t *s)
{
	/* not x2/x8/x27/x31 (see above), nor a6/a7 (a template's loop counter, the handlers' requests), nor
	 * x1 (the library routines return through it: an instruction stored into one must not change it) */
	static const uint8_t regs[] = {0,  3,  4,  5,  6,  7,  9,  10, 11, 12, 13, 14, 15,
	                               18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30};
	return regs[sys_pick(s, sizeof(regs))];
}

static unsigned random_rd_nonzero(uint64_t *s)
{
	unsigned r;
	do
		r = sys_random_rd(s);
	while (r == 0);
	return r;
}

static uint64_t random_value(uint64_t *s)
{
	static const uint64_t special[] = {0,
	                                   1,
	                                   ~0ull,
	                                   0x8000000000000000ull,
	                                   0x7fffffffffffffffull,
	                                   0xffffffffull,
	                                   0x80000000ull,
	                                   2,
	                                   0xaaaaaaaaaaaaaaaaull,
	                                   0x5555555555555555ull};
	switch (sys_pick(s, 4)) {
	case 0: return special[sys_pick(s, sizeof(special) / sizeof(special[0]))];
	case 1: return 1ull << sys_pick(s, 64);
	case 2: return sys_random(s) & 0xfff;
	default: return sys_random(s);
	}
}

/* A 4-byte instruction that only computes (never traps), writing a register templates may clobber. */
static uint32_t random_alu32(uint64_t *s)
{
	unsigned rd = sys_random_rd(s), rs1 = sys_pick(s, 32), rs2 = sys_pick(s, 32);
	switch (sys_pick(s, 6)) {
	case 0: return enc_i(OPC_OP_IMM, rd, 0, rs1, (int32_t)sys_pick(s, 4096) - 2048);     /* addi */
	case 1: return enc_i(OPC_OP_IMM, rd, 4, rs1, (int32_t)sys_pick(s, 4096) - 2048);     /* xori */
	case 2: return enc_i(OPC_OP_IMM, rd, 1, rs1, (int32_t)sys_pick(s, 64));              /* slli */
	case 3: return enc_r(OPC_OP, rd, 0, rs1, rs2, sys_chance(s, 50) ? 0x20 : 0);         /* add/sub */
	case 4: return enc_r(OPC_OP, rd, 4, rs1, rs2, 0);                                    /* xor */
	default: return enc_i(OPC_OP_IMM_32, rd, 0, rs1, (int32_t)sys_pick(s, 4096) - 2048); /* addiw */
	}
}

/* A 2-byte one: c.addi / c.li / c.slli with a nonzero destination. */
static uint16_t random_alu16(uint64_t *s)
{
	unsigned rd = random_rd_nonzero(s);
	int32_t imm = (int32_t)sys_pick(s, 63) - 31;
	switch (sys_pick(s, 3)) {
	case 0: return (uint16_t)enc_ci(0, rd, imm ? imm : 1, 1);
	case 1: return (uint16_t)enc_ci(2, rd, imm, 1);
	default: return (uint16_t)enc_ci(0, rd, 1 + (int32_t)sys_pick(s, 63), 2);
	}
}

static void placeholder(struct sys_render *r, uint64_t *s, bool compressed)
{
	struct sys_image *img = r->img;
	if (img->n_placeholders < SYS_MAX_PLACEHOLDERS) {
		img->placeholder[img->n_placeholders].off = r->code->pos;
		img->placeholder[img->n_placeholders].len = compressed ? 2 : 4;
		img->n_placeholders++;
	}
	if (compressed)
		sys_emit16(r->code, random_alu16(s));
	else
		sys_emit32(r->code, random_alu32(s));
}

/* mstatus.MPRV off (a template's physical accesses in M-mode). */
void sys_mprv_off(struct sys_code *c)
{
	sys_emit32(c, enc_u(OPC_LUI, T3, (uint32_t)(MSTATUS_MPRV >> 12)));
	sys_emit32(c, enc_csr(CSR_OP_RC, 0, CSR_MSTATUS, T3));
}

/* A data slot's address, sometimes with another privilege's view in M-mode (virtual addresses there
 * are physical ones: mostly no RAM, access faults). */
static uint64_t some_slot_addr(struct sys_render *r, uint64_t *s)
{
	if (r->mode == SYS_MODE_M && sys_chance(s, 5))
		return SYS_MMIO_BASE; /* the device page, physically */
	unsigned slot = sys_pick(s, SYS_N_SLOTS);
	unsigned mode = r->mode == SYS_MODE_M && sys_chance(s, 15) ? SYS_MODE_S : r->mode;
	return sys_slot_addr(r, slot, mode);
}

/* ---- CSRs ---- */

enum csr_kind {
	K_FREE,    /* any value */
	K_READ,    /* read-only CSR (a write is illegal) */
	K_PEEK,    /* only read here (PMP: SYS_ITEM_PMP writes them) */
	K_MSTATUS, /* never TSR/TW/TVM */
	K_MTVEC,   /* only handler entries */
	K_STVEC,
	K_SATP,     /* only the two address spaces, or modes the write ignores */
	K_STIMECMP, /* only far in the future */
	K_NO_READ,  /* mcycle: its value depends on host time, so only written (rd = x0) */
	K_ABSENT,   /* not implemented: illegal */
};

static const struct {
	uint16_t csr;
	uint8_t kind;
} csr_table[] = {
    {CSR_FFLAGS, K_FREE},        {CSR_FRM, K_FREE},          {CSR_FCSR, K_FREE},
    {CSR_SSTATUS, K_FREE},       {CSR_SIE, K_FREE},          {CSR_STVEC, K_STVEC},
    {CSR_SCOUNTEREN, K_FREE},    {CSR_SENVCFG, K_FREE},      {CSR_SSCRATCH, K_FREE},
    {CSR_SEPC, K_FREE},          {CSR_SCAUSE, K_FREE},       {CSR_STVAL, K_FREE},
    {CSR_SIP, K_FREE},           {CSR_STIMECMP, K_STIMECMP}, {CSR_SATP, K_SATP},
    {CSR_MSTATUS, K_MSTATUS},    {CSR_MSTATUS, K_MSTATUS},   {CSR_MISA, K_FREE},
    {CSR_MEDELEG, K_FREE},       {CSR_MEDELEG, K_FREE},      {CSR_MIDELEG, K_FREE},
    {CSR_MIDELEG, K_FREE},       {CSR_MIE, K_FREE},          {CSR_MTVEC, K_MTVEC},
    {CSR_MCOUNTEREN, K_FREE},    {CSR_MENVCFG, K_FREE},      {CSR_MCOUNTINHIBIT, K_FREE},
    {CSR_MHPMEVENT3, K_FREE},    {CSR_MHPMEVENT31, K_FREE},  {CSR_MSCRATCH, K_FREE},
    {CSR_MEPC, K_FREE},          {CSR_MCAUSE, K_FREE},       {CSR_MTVAL, K_FREE},
    {CSR_MIP, K_FREE},           {CSR_MIP, K_FREE},          {CSR_MTINST, K_ABSENT},
    {CSR_MTVAL2, K_ABSENT},      {CSR_TSELECT, K_FREE},      {CSR_TDATA1, K_FREE},
    {CSR_TDATA2, K_FREE},        {CSR_MCYCLE, K_NO_READ},    {CSR_MINSTRET, K_FREE},
    {CSR_MINSTRET, K_FREE},      {CSR_MHPMCOUNTER3, K_FREE}, {CSR_INSTRET, K_READ},
    {CSR_INSTRET, K_READ},       {CSR_HPMCOUNTER3, K_READ},  {CSR_HPMCOUNTER31, K_READ},
    {CSR_MVENDORID, K_READ},     {CSR_MARCHID, K_READ},      {CSR_MHARTID, K_READ},
    {CSR_MCONFIGPTR, K_READ},    {CSR_PMPCFG0, K_PEEK},      {CSR_PMPCFG0 + 1, K_ABSENT},
    {CSR_PMPCFG0 + 2, K_PEEK},   {CSR_PMPADDR0, K_PEEK},     {CSR_PMPADDR0 + 15, K_PEEK},
    {CSR_PMPADDR0 + 40, K_PEEK}, {0x7c0, K_ABSENT},          {0x600, K_ABSENT},
    {0x200, K_ABSENT},           {0x105 + 0x100, K_ABSENT},
};

uint64_t sys_satp_value(const struct sys_render *r, uint64_t *s)
{
	uint64_t v = r->img->pt.as[sys_pick(s, SYS_N_ASPACES)].satp;
	switch (sys_pick(s, 8)) {
	case 0: return v | (sys_random(s) & (0xffffull << SATP_ASID_SHIFT)); /* ASID bits: not implemented */
	case 1: return (v & ~(15ull << SATP_MODE_SHIFT)) | (10ull << SATP_MODE_SHIFT); /* Sv57: unsupported */
	case 2: return (v & ~(15ull << SATP_MODE_SHIFT)) | ((1ull + sys_pick(s, 7)) << SATP_MODE_SHIFT);
	default: return v;
	}
}

static void item_csr(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	unsigned i;
	do
		i = sys_pick(s, sizeof(csr_table) / sizeof(csr_table[0]));
	while (r->fixed_frm && csr_table[i].csr <= CSR_FCSR);
	unsigned csr = csr_table[i].csr, kind = csr_table[i].kind, rd = sys_random_rd(s);
	bool status = csr == CSR_MSTATUS || csr == CSR_SSTATUS;
	bool counter = csr == CSR_MINSTRET || csr == CSR_INSTRET;
	bool hidden = status || (counter && r->hide_instret);
	bool read = sys_chance(s, 25) && !hidden;
	if (hidden)
		rd =
		    0; /* FS may legitimately differ (see above); instret is not compared (--ignore-instret) */
	if (kind == K_PEEK)
		read = true;
	if (kind == K_NO_READ)
		rd = 0;
	if (read && kind != K_NO_READ) {
		sys_emit32(c, enc_csr(sys_chance(s, 50) ? CSR_OP_RS : CSR_OP_RCI, rd, csr, 0));
		return;
	}
	uint64_t v = random_value(s);
	switch (kind) {
	case K_MTVEC: v = sys_random_mtvec(s); break;
	case K_STVEC: v = sys_random_stvec(s); break;
	case K_SATP: v = sys_satp_value(r, s); break;
	case K_STIMECMP: /* now or far away: STIP is then set or clear whenever it is evaluated */
		v = sys_chance(s, 40) ? sys_pick(s, 2) : v | 1ull << 62;
		break;
	case K_MSTATUS: v &= ~(MSTATUS_TSR | MSTATUS_TW | MSTATUS_TVM); break;
	default: break;
	}
	if (status && (v & MSTATUS_FS) && (v & MSTATUS_FS) != MSTATUS_FS)
		v |= MSTATUS_FS; /* both FS bits: set/clear must move FS as a whole */
	/* values that must stay valid are written whole; the others also by set/clear and immediates */
	bool whole = kind == K_MTVEC || kind == K_STVEC || kind == K_SATP || kind == K_STIMECMP;
	unsigned op = whole ? 0 : sys_pick(s, 6);
	if (kind == K_NO_READ)
		op = 0;
	if (op >= 3) { /* csrrwi/csrrsi/csrrci with a 5-bit immediate */
		static const enum rv_enc_csr_op imm_ops[] = {CSR_OP_RWI, CSR_OP_RSI, CSR_OP_RCI};
		sys_emit32(c, enc_csr(imm_ops[op - 3], rd, csr, sys_pick(s, 32)));
		return;
	}
	static const enum rv_enc_csr_op reg_ops[] = {CSR_OP_RW, CSR_OP_RS, CSR_OP_RC};
	sys_li(c, T3, v);
	sys_emit32(c, enc_csr(reg_ops[op], rd, csr, T3));
}

static void item_status(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	unsigned csr = r->mode == SYS_MODE_M && sys_chance(s, 70) ? CSR_MSTATUS : CSR_SSTATUS;
	if (sys_chance(s, 35)) { /* FS: Off, Initial, Clean or Dirty */
		sys_li(c, T3, MSTATUS_FS);
		sys_emit32(c, enc_csr(CSR_OP_RC, 0, csr, T3));
		sys_li(c, T3, (uint64_t)sys_pick(s, 4) << MSTATUS_FS_SHIFT);
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, csr, T3));
		return;
	}
	static const uint64_t bits[] = {MSTATUS_SUM,
	                                MSTATUS_MXR,
	                                MSTATUS_MPRV,
	                                MSTATUS_SIE,
	                                MSTATUS_MIE,
	                                MSTATUS_SPIE,
	                                MSTATUS_MPIE,
	                                MSTATUS_SPP,
	                                1ull << MSTATUS_MPP_SHIFT,
	                                2ull << MSTATUS_MPP_SHIFT};
	uint64_t mask = 0;
	unsigned n = 1 + sys_pick(s, 3);
	for (unsigned i = 0; i < n; i++)
		mask |= bits[sys_pick(s, sizeof(bits) / sizeof(bits[0]))];
	sys_li(c, T3, mask);
	sys_emit32(c, enc_csr(sys_chance(s, 55) ? CSR_OP_RS : CSR_OP_RC, 0, csr, T3));
}

/* ---- memory ---- */

/* One access at the address in t3 (random kind, size, registers). */
void sys_emit_access(struct sys_code *c, uint64_t *s, int32_t imm)
{
	unsigned rd = sys_random_rd(s), rs2 = sys_pick(s, 32), aq = sys_pick(s, 4);
	switch (sys_pick(s, 8)) {
	case 0:
	case 1: { /* integer loads */
		static const uint8_t f3[] = {0, 1, 2, 3, 4, 5, 6};
		sys_emit32(c, enc_i(OPC_LOAD, rd, f3[sys_pick(s, 7)], T3, imm));
		break;
	}
	case 2:
	case 3: sys_emit32(c, enc_s(OPC_STORE, sys_pick(s, 4), T3, rs2, imm)); break;
	case 4: /* FP loads and stores */
		if (sys_chance(s, 50))
			sys_emit32(c, enc_i(OPC_LOAD_FP, sys_pick(s, 32), 2 + sys_pick(s, 2), T3, imm));
		else
			sys_emit32(c, enc_s(OPC_STORE_FP, 2 + sys_pick(s, 2), T3, sys_pick(s, 32), imm));
		break;
	case 5:
	case 6: { /* AMOs */
		static const uint8_t amo[] = {0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c};
		if (imm)
			sys_emit32(c, sys_addi(T3, T3, imm));
		sys_emit32(c, enc_r(OPC_AMO, rd, 2 + sys_pick(s, 2), T3, rs2,
		                    (unsigned)amo[sys_pick(s, 9)] << 2 | aq));
		break;
	}
	default: /* LR/SC */
		if (imm)
			sys_emit32(c, sys_addi(T3, T3, imm));
		{
			unsigned f3 = 2 + sys_pick(s, 2);
			if (sys_chance(s, 60))
				sys_emit32(c, enc_r(OPC_AMO, rd == T3 ? 0 : rd, f3, T3, 0, 0x02 << 2 | aq));
			sys_emit32(c, enc_r(OPC_AMO, sys_random_rd(s), f3, T3, rs2, 0x03 << 2 | aq));
		}
		break;
	}
}

/* An offset into a slot's page: the middle, the edges, across the end into the next page, misaligned. */
uint64_t sys_random_offset(uint64_t *s)
{
	switch (sys_pick(s, 6)) {
	case 0: return 0;
	case 1: return 0x1000 - 8 + sys_pick(s, 8); /* crosses the end for most sizes */
	case 2: return 0xffc;
	case 3: return sys_pick(s, 0x1000);
	default: return 0x800 + 8 * sys_pick(s, 32);
	}
}

static void item_mem(struct sys_render *r, uint64_t *s)
{
	sys_li(r->code, T3, some_slot_addr(r, s) + sys_random_offset(s));
	sys_emit_access(r->code, s, 0);
}

static void item_bases(struct sys_render *r, uint64_t *s)
{
	if (sys_chance(s, 70))
		sys_li(r->code, 2, some_slot_addr(r, s) + 0x800);
	if (sys_chance(s, 70))
		sys_li(r->code, 8, some_slot_addr(r, s) + 0x800);
}

static void item_sfence(struct sys_render *r, uint64_t *s)
{
	unsigned rs1 = 0, rs2 = sys_chance(s, 20) ? sys_random_rd(s) : 0;
	if (sys_chance(s, 50)) {
		uint64_t va =
		    sys_chance(s, 70) ? some_slot_addr(r, s) : sys_mode_base(r->mode) + SYS_PROG_OFF;
		sys_li(r->code, T3, va + sys_pick(s, 0x1000));
		rs1 = T3;
	}
	sys_emit32(r->code, enc_sfence_vma(rs1, rs2));
}

static void item_fence(struct sys_render *r, uint64_t *s)
{
	switch (sys_pick(s, 3)) {
	case 0: sys_emit32(r->code, ENC_FENCE_I); break;
	case 1: sys_emit32(r->code, enc_fence(sys_pick(s, 16), sys_pick(s, 16))); break;
	default: sys_emit32(r->code, enc_fence(1, 0)); break; /* pause */
	}
}

/* ---- privileged instructions ---- */

/* wfi, but only if an interrupt is pending and enabled: nothing else could wake the hart. The segment
 * may run in another privilege than planned (an xRET item went down, a transition failed), so the test
 * must hold in any: a6/a7 keep their initial value when reading ip/ie is illegal (the handlers leave
 * a6/a7 alone), 0 (no wfi) where a lower privilege would not see the pending bits, 1 when planned for
 * U-mode (where wfi is illegal, which is what this tests there). */
void sys_emit_guarded_wfi(struct sys_code *c, unsigned mode)
{
	bool m = mode == SYS_MODE_M;
	unsigned ip = m ? CSR_MIP : CSR_SIP, ie = m ? CSR_MIE : CSR_SIE;
	int32_t initial = mode == SYS_MODE_U ? 1 : 0;
	unsigned skip = sys_label(c);
	sys_emit32(c, sys_addi(A6, 0, initial));
	sys_emit32(c, sys_csrr(A6, ip));
	sys_emit32(c, sys_addi(A7, 0, initial));
	sys_emit32(c, sys_csrr(A7, ie));
	sys_emit32(c, enc_r(OPC_OP, A6, 7, A6, A7, 0)); /* and */
	sys_branch(c, F3_BEQ, A6, 0, skip);
	sys_emit32(c, ENC_WFI);
	sys_bind(c, skip);
}

static void item_wfi(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	if (r->mode != SYS_MODE_U && sys_chance(s, 50)) {
		/* make the supervisor software interrupt pending and enabled first */
		bool m = r->mode == SYS_MODE_M;
		sys_emit32(c, enc_csr(CSR_OP_RSI, 0, m ? CSR_MIP : CSR_SIP, MIP_SSIP));
		sys_emit32(c, enc_csr(CSR_OP_RSI, 0, m ? CSR_MIE : CSR_SIE, MIP_SSIP));
	}
	sys_emit_guarded_wfi(c, r->mode);
}

static void item_trap(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	switch (sys_pick(s, 8)) {
	case 0:
		sys_li(c, A7, sys_pick(s, SYS_MAGIC)); /* not a request to the handlers */
		sys_emit32(c, ENC_ECALL);
		break;
	case 1: sys_emit32(c, ENC_EBREAK); break;
	case 2: sys_emit16(c, ENC_C_EBREAK); break;
	case 3: sys_emit16(c, 0x0000); break;      /* the all-zero halfword: illegal */
	case 4: sys_emit32(c, 0x0000000bu); break; /* custom-0: not implemented */
	case 5: sys_emit32(c, 0x22000073u); break; /* hfence.vvma: no hypervisor extension */
	default:                                   /* an xRET this privilege may not execute */
		if (r->mode == SYS_MODE_U)
			sys_emit32(c, sys_chance(s, 50) ? ENC_SRET : ENC_MRET);
		else if (r->mode == SYS_MODE_S)
			sys_emit32(c, ENC_MRET);
		else
			sys_emit32(c, ENC_EBREAK);
		break;
	}
}

/* xRET to `after` in privilege `to` (M: mret with MPP; S: sret with SPP; U: illegal). */
void sys_emit_xret_to(struct sys_render *r, unsigned to, unsigned after)
{
	struct sys_code *c = r->code;
	if (r->mode == SYS_MODE_U) {
		sys_emit32(c, ENC_SRET);
		return;
	}
	bool m = r->mode == SYS_MODE_M;
	sys_li_code_addr(c, T4, T3, to, after);
	sys_emit32(c, sys_csrw(m ? CSR_MEPC : CSR_SEPC, T4));
	sys_li(c, T3, m ? MSTATUS_MPP : MSTATUS_SPP);
	sys_emit32(c, enc_csr(CSR_OP_RC, 0, m ? CSR_MSTATUS : CSR_SSTATUS, T3));
	uint64_t pp = m ? (uint64_t)to << MSTATUS_MPP_SHIFT : (to == SYS_MODE_S ? MSTATUS_SPP : 0);
	if (pp) {
		sys_li(c, T3, pp);
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, m ? CSR_MSTATUS : CSR_SSTATUS, T3));
	}
	sys_emit32(c, m ? ENC_MRET : ENC_SRET);
}

static void item_xret(struct sys_render *r, uint64_t *s)
{
	unsigned after = sys_label(r->code);
	unsigned to = r->mode;
	/* now and then from M down to S or U for the rest of the segment */
	if (r->mode == SYS_MODE_M && sys_chance(s, 10))
		to = sys_chance(s, 50) ? SYS_MODE_S : SYS_MODE_U;
	sys_emit_xret_to(r, to, after);
	sys_bind(r->code, after);
}

static void item_satp(struct sys_render *r, uint64_t *s)
{
	sys_li(r->code, T3, sys_satp_value(r, s));
	sys_emit32(r->code, enc_csr(CSR_OP_RW, sys_chance(s, 30) ? sys_random_rd(s) : 0, CSR_SATP, T3));
	if (sys_chance(s, 30))
		sys_emit32(r->code, enc_sfence_vma(0, 0));
}

static void item_irq(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	if (r->mode == SYS_MODE_M) {
		static const uint64_t pend[] = {MIP_SSIP, MIP_STIP, MIP_SEIP};
		uint64_t p = pend[sys_pick(s, 3)] | (sys_chance(s, 30) ? pend[sys_pick(s, 3)] : 0);
		sys_li(c, T3, p);
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_MIP, T3));
		sys_li(c, T4, sys_chance(s, 70) ? p : (sys_random(s) & MIP_ALL));
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_MIE, T4));
		if (sys_chance(s, 50))
			sys_emit32(c, enc_csr(CSR_OP_RSI, 0, CSR_MSTATUS,
			                      sys_chance(s, 50) ? MSTATUS_MIE : MSTATUS_SIE));
	} else {
		sys_emit32(c, enc_csr(CSR_OP_RSI, 0, CSR_SIP, MIP_SSIP));
		sys_li(c, T4, sys_chance(s, 70) ? MIP_SSIP : (sys_random(s) & MIP_S_MASK));
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_SIE, T4));
		if (sys_chance(s, 50))
			sys_emit32(c, enc_csr(CSR_OP_RSI, 0, CSR_SSTATUS, MSTATUS_SIE));
	}
}

static void item_lrsc(struct sys_render *r, uint64_t *s)
{
	/* the address in a6: the items in between and the handlers may clobber x28-x30 */
	struct sys_code *c = r->code;
	bool dw = sys_chance(s, 50);
	unsigned f3 = dw ? 3 : 2;
	sys_li(c, A6, some_slot_addr(r, s) + (0x800 + 8 * sys_pick(s, 16)));
	sys_emit32(c, enc_r(OPC_AMO, T4, f3, A6, 0, 0x02 << 2));
	switch (sys_pick(s, 4)) {
	case 0: item_trap(r, s); break;
	case 1: item_xret(r, s); break;
	case 2: /* another access to the same place */
		sys_emit32(c, sys_addi(T3, A6, 0));
		sys_emit_access(c, s, 0);
		break;
	default: break;
	}
	sys_emit32(c, enc_r(OPC_AMO, T5, f3, A6, sys_pick(s, 32), 0x03 << 2));
}

/* A jump that must fault on fetch, whatever privilege runs it: not canonical, beyond the physical address
 * space, no memory there (all privileges); or the other privilege's region (U-mode may not run
 * kernel pages, S-mode user pages), at the landing pad, in case the segment runs in another privilege
 * than planned. The fault continues after the jump, through x27. */
static void item_wild_jump(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	static const uint64_t anywhere[] = {
	    0x0000800000000000ull + SYS_PROG_OFF, /* not canonical in Sv39 or Sv48; physically: nothing */
	    0xffff7ffffffff000ull,                /* not canonical; beyond 56-bit physical addresses */
	    0x0000004000000000ull,                /* Sv39: not canonical; Sv48: unmapped; no memory */
	    0x0000007ffffff000ull,                /* Sv39: not canonical; Sv48: unmapped; no memory */
	};
	uint64_t target = anywhere[sys_pick(s, 4)] + 2 * sys_pick(s, 8);
	if (sys_chance(s, 40)) {
		if (r->mode == SYS_MODE_U)
			target = SYS_VA_KERNEL + SYS_LANDING_OFF;
		else if (r->mode == SYS_MODE_S)
			target = SYS_VA_USER + SYS_LANDING_OFF;
		else /* the device page: no instructions from devices */
			target = SYS_MMIO_BASE + 4 * sys_pick(s, 16);
	}
	unsigned after = sys_label(c);
	sys_li_label(c, CONT, after);
	sys_li(c, T3, target);
	static const uint8_t links[] = {0, 1, T4};
	sys_emit32(c, enc_i(OPC_JALR, links[sys_pick(s, 3)], 0, T3, 0));
	sys_bind(c, after);
	sys_li_label(c, CONT, r->next_seg);
}

/* ---- code ---- */

/* A store of a new instruction into the placeholder at `label` (through this privilege's address of
 * it), then (fence) fence.i. */
static void emit_code_store(struct sys_render *r, uint64_t *s, unsigned label, bool compressed, bool fence)
{
	struct sys_code *c = r->code;
	sys_li_code_addr(c, T3, T4, r->mode, label);
	if (compressed) {
		sys_li(c, T4, random_alu16(s));
		sys_emit32(c, enc_s(OPC_STORE, 1, T3, T4, 0)); /* sh */
	} else {
		sys_li(c, T4, random_alu32(s));
		sys_emit32(c, enc_s(OPC_STORE, 2, T3, T4, 0)); /* sw */
	}
	if (fence)
		sys_emit32(c, ENC_FENCE_I);
}

static void item_smc(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	bool compressed = sys_chance(s, 30);
	unsigned target = sys_label(c);
	unsigned how = sys_pick(s, 6);
	if (how == 5 && r->n_lib_placeholders) {
		/* a library routine's instruction: the next calls run the new one */
		unsigned k = sys_pick(s, r->n_lib_placeholders);
		if (r->mode == SYS_MODE_M)
			sys_mprv_off(c);
		emit_code_store(r, s, r->lib_placeholder[k], r->lib_placeholder_compressed[k], true);
		return;
	}
	if (how == 5)
		how = 0;
	if (how < 2) { /* ahead: store, fence.i, run it */
		if (r->mode == SYS_MODE_M)
			sys_mprv_off(c);
		emit_code_store(r, s, target, compressed, true);
		sys_bind(c, target);
		placeholder(r, s, compressed);
		return;
	}
	if (how == 2) {
		/* behind: rewrite what already ran and never runs again, no fence.i needed (the translator
		 * drops its translations when it next looks, the interpreter never sees them) */
		sys_bind(c, target);
		placeholder(r, s, compressed);
		emit_code_store(r, s, target, compressed, false);
		return;
	}
	/* a loop that runs the placeholder, rewrites it and runs it again; many passes make the
	 * translator give up on the page and interpret it */
	unsigned top = sys_label(c);
	sys_li(c, A6, sys_chance(s, 25) ? 40 : 2 + sys_pick(s, 3));
	sys_bind(c, top);
	sys_bind(c, target);
	placeholder(r, s, compressed);
	emit_code_store(r, s, target, compressed, true);
	sys_emit32(c, sys_addi(A6, A6, -1));
	sys_branch(c, F3_BNE, A6, 0, top);
}

/* The library: small routines in the first program page that items call from any privilege and segment,
 * so that the same virtual code runs again after satp switches, remaps and stores into it - the
 * translator must then find the right translation (by physical page, through its checked entries and
 * its jump cache). Their instructions are placeholders (they differ in the alternative page); one of
 * them loops, so that a block that jumps back into itself is among them. They use no register a
 * template relies on, and return through x1, which nothing in them writes (nor what SYS_ITEM_SMC stores
 * into them). */
void sys_library_render(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	for (unsigned k = 0; k < SYS_LIB_ROUTINES; k++) {
		r->routine[k] = sys_label(c);
		sys_bind(c, r->routine[k]);
		if (k == 0) {
			unsigned top = sys_label(c);
			sys_emit32(c, sys_addi(A6, 0, 3));
			sys_bind(c, top);
			placeholder(r, s, false);
			sys_emit32(c, sys_addi(A6, A6, -1));
			sys_branch(c, F3_BNE, A6, 0, top);
		}
		unsigned n = 1 + sys_pick(s, 6);
		for (unsigned i = 0; i < n; i++) {
			bool compressed = sys_chance(s, 30);
			unsigned label = sys_label(c);
			sys_bind(c, label);
			placeholder(r, s, compressed);
			if (r->n_lib_placeholders < SYS_LIB_ROUTINES * 8) {
				r->lib_placeholder[r->n_lib_placeholders] = label;
				r->lib_placeholder_compressed[r->n_lib_placeholders++] = compressed;
			}
		}
		sys_emit32(c, enc_i(OPC_JALR, 0, 0, 1, 0)); /* ret */
	}
	/* the landing pad (sys_layout.h) */
	uint64_t end = c->pos;
	if (end > SYS_LANDING_OFF)
		c->overflow = true;
	c->pos = SYS_LANDING_OFF;
	sys_li(c, A7, SYS_MAGIC_CONT);
	sys_emit32(c, ENC_ECALL);
	c->pos = end;
}

static void item_call(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	unsigned routine = r->routine[sys_pick(s, SYS_LIB_ROUTINES)];
	if (sys_chance(s, 50)) {
		sys_jal(c, 1, routine);
	} else { /* through the jump cache */
		sys_li_code_addr(c, T3, T4, r->mode, routine);
		sys_emit32(c, enc_i(OPC_JALR, 1, 0, T3, 0));
	}
}

static void item_straddle(struct sys_render *r, uint64_t *s)
{
	struct sys_code *c = r->code;
	uint64_t in_page = c->pos & (PAGE_SIZE - 1);
	if (in_page >= PAGE_SIZE - 256) {
		while ((c->pos & (PAGE_SIZE - 1)) != PAGE_SIZE - 2 && !c->overflow)
			sys_emit16(c, ENC_C_NOP);
		placeholder(r, s, false);
	} else {
		sys_emit32(c, random_alu32(s));
	}
}

/* ---- dispatch ---- */

void sys_item_render(struct sys_render *r, const struct sys_item *it)
{
	uint64_t seed = it->seed;
	uint64_t *s = &seed;
	switch (it->kind) {
	case SYS_ITEM_GEN: {
		static struct rv_gen_program gp;
		static uint8_t bytes[8192];
		unsigned n = 2 + sys_pick(s, r->gen_length > 2 ? r->gen_length - 1 : 1);
		rv_gen_program_reserving(&gp, n, r->gen_mask, 1u << CONT, s);
		rv_gen_emit(&gp, bytes, gp.count);
		if (it->limit) { /* a shorter chunk (minimising): nops in place of the rest */
			unsigned off = 0;
			for (unsigned i = 0; i < gp.count; i++) {
				if (i >= it->limit) {
					uint32_t nop = gp.insn[i].len == 2 ? ENC_C_NOP : sys_addi(0, 0, 0);
					memcpy(bytes + off, &nop, gp.insn[i].len);
				}
				off += gp.insn[i].len;
			}
		}
		/* all but the final ebreak: branches to it continue with what follows */
		for (unsigned i = 0; i + 4 < gp.size; i += 2) {
			uint16_t h;
			memcpy(&h, bytes + i, 2);
			sys_emit16(r->code, h);
		}
		break;
	}
	case SYS_ITEM_CSR: item_csr(r, s); break;
	case SYS_ITEM_STATUS: item_status(r, s); break;
	case SYS_ITEM_MEM: item_mem(r, s); break;
	case SYS_ITEM_BASES: item_bases(r, s); break;
	case SYS_ITEM_SFENCE: item_sfence(r, s); break;
	case SYS_ITEM_FENCE: item_fence(r, s); break;
	case SYS_ITEM_WFI: item_wfi(r, s); break;
	case SYS_ITEM_TRAP: item_trap(r, s); break;
	case SYS_ITEM_XRET: item_xret(r, s); break;
	case SYS_ITEM_SATP: item_satp(r, s); break;
	case SYS_ITEM_IRQ: item_irq(r, s); break;
	case SYS_ITEM_LRSC: item_lrsc(r, s); break;
	case SYS_ITEM_WILD_JUMP: item_wild_jump(r, s); break;
	case SYS_ITEM_SMC: item_smc(r, s); break;
	case SYS_ITEM_STRADDLE: item_straddle(r, s); break;
	case SYS_ITEM_PLACEHOLDER: placeholder(r, s, sys_chance(s, 30)); break;
	case SYS_ITEM_PTE_EDIT: sys_item_pte_edit(r, s); break;
	case SYS_ITEM_CODE_REMAP: sys_item_code_remap(r, s); break;
	case SYS_ITEM_PMP: sys_item_pmp(r, s); break;
	case SYS_ITEM_TRAP_BIT: sys_item_trap_bit(r, s); break;
	case SYS_ITEM_MPRV: sys_item_mprv(r, s); break;
	case SYS_ITEM_CALL: item_call(r, s); break;
	default: break;
	}
}

unsigned sys_item_pick(unsigned mode, bool first_segment, uint32_t no_items, uint64_t *seed)
{
	/* weights per kind; M-only kinds weigh nothing elsewhere */
	static const uint8_t weight[SYS_ITEM_KINDS] = {
	    [SYS_ITEM_GEN] = 30,       [SYS_ITEM_CSR] = 12,        [SYS_ITEM_STATUS] = 6,
	    [SYS_ITEM_MEM] = 12,       [SYS_ITEM_BASES] = 3,       [SYS_ITEM_SFENCE] = 3,
	    [SYS_ITEM_FENCE] = 3,      [SYS_ITEM_WFI] = 2,         [SYS_ITEM_TRAP] = 5,
	    [SYS_ITEM_XRET] = 3,       [SYS_ITEM_SATP] = 4,        [SYS_ITEM_IRQ] = 3,
	    [SYS_ITEM_LRSC] = 2,       [SYS_ITEM_WILD_JUMP] = 2,   [SYS_ITEM_SMC] = 4,
	    [SYS_ITEM_STRADDLE] = 2,   [SYS_ITEM_PLACEHOLDER] = 4, [SYS_ITEM_PTE_EDIT] = 4,
	    [SYS_ITEM_CODE_REMAP] = 3, [SYS_ITEM_PMP] = 2,         [SYS_ITEM_TRAP_BIT] = 2,
	    [SYS_ITEM_MPRV] = 4,       [SYS_ITEM_CALL] = 5,
	};
	unsigned w[SYS_ITEM_KINDS], total = 0;
	for (unsigned k = 0; k < SYS_ITEM_KINDS; k++) {
		bool m_only = k >= SYS_ITEM_PTE_EDIT && k <= SYS_ITEM_MPRV;
		w[k] = (m_only && mode != SYS_MODE_M) || ((no_items >> k) & 1) ? 0 : weight[k];
		if (first_segment && (k == SYS_ITEM_CSR || k == SYS_ITEM_STATUS))
			w[k] *= 3; /* the first segment sets the machine up */
		total += w[k];
	}
	if (total == 0)
		return SYS_ITEM_GEN;
	unsigned x = sys_pick(seed, total);
	for (unsigned k = 0; k < SYS_ITEM_KINDS; k++) {
		if (x < w[k])
			return k;
		x -= w[k];
	}
	return SYS_ITEM_GEN;
}
