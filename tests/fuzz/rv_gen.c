/* Random RISC-V program generator (see rv_gen.h). The encoders below follow the instruction formats of
 * the RISC-V unprivileged specification (R/I/S/B/U/J/R4 and the compressed CR/CI/CSS/CIW/CL/CS/CA/CB/CJ
 * formats); the fuzzer checks every generated word with rv_decode. */
#include "tests/fuzz/rv_gen.h"

#include <string.h>

#include "tests/fuzz/rv_enc.h"
#include "tests/fuzz/rv_gen_bitmanip.h"

/* Registers with a fixed role in generated programs. */
#define REG_SP   2  /* scratch base, used by c.*sp forms */
#define REG_BASE 8  /* scratch base for c.lw/c.sw/... (x8 = s0, compressed register 0) */
#define REG_LOOP 31 /* loop counter: only the loop template writes it */

/* Instructions whose offset is only known once every instruction has its address. */
enum fixup {
	FIX_NONE,
	FIX_BRANCH,   /* B-type, funct3 in raw */
	FIX_JAL,      /* jal link_rd */
	FIX_JALR,     /* jalr link_rd, off(rs1) after an auipc rs1 one instruction before */
	FIX_C_J,      /* c.j */
	FIX_C_BZ,     /* c.beqz / c.bnez (funct3 in raw) */
	FIX_CJR_ADDI, /* addi rs1, rs1, off preceding a c.jr/c.jalr (off from the auipc before it) */
	FIX_LOOP,     /* bnez x31 back to `target` */
};

uint64_t rv_gen_random(uint64_t *seed)
{
	/* splitmix64: good enough, tiny, and the same on every host */
	uint64_t z = (*seed += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned pick(uint64_t *seed, unsigned n)
{
	return (unsigned)(rv_gen_random(seed) % n);
}

static int64_t pick_range(uint64_t *seed, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rv_gen_random(seed) % (uint64_t)(hi - lo + 1));
}

/* ---- program building ---- */
struct builder {
	struct rv_gen_program *p;
	uint64_t *seed;
	unsigned mask;
	uint32_t reserved; /* registers no instruction may write (bit n = xn) */
	int16_t group;     /* current loop body id, 0 outside loops */
	int16_t next_group;
};

/* ---- register choice ---- */
static unsigned dest_reg(const struct builder *b)
{
	/* x0 sometimes (the write is discarded); never x2/x8 (scratch bases) or x31 (loop counter), nor a
	 * register the caller reserved */
	static const uint8_t regs[] = {0,  1,  3,  4,  5,  6,  7,  9,  10, 11, 12, 13, 14, 15, 16,
	                               17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
	unsigned r;
	do
		r = regs[pick(b->seed, sizeof(regs))];
	while ((b->reserved >> r) & 1);
	return r;
}

static unsigned dest_reg_nonzero(const struct builder *b)
{
	unsigned r;
	do
		r = dest_reg(b);
	while (r == 0);
	return r;
}

static unsigned src_reg(uint64_t *seed)
{
	return pick(seed, 32);
}

static unsigned cdest(uint64_t *seed) /* x9..x15 */
{
	return 9 + pick(seed, 7);
}

static unsigned csrc(uint64_t *seed) /* x8..x15 */
{
	return 8 + pick(seed, 8);
}

static unsigned rounding(uint64_t *seed)
{
	static const uint8_t rms[] = {0, 1, 2, 3, 4, 7, 7, 7};
	return rms[pick(seed, sizeof(rms))];
}

static struct rv_gen_insn *add(struct builder *b, uint32_t raw, unsigned len)
{
	struct rv_gen_insn *in = &b->p->insn[b->p->count++];
	memset(in, 0, sizeof(*in));
	in->raw = raw;
	in->len = (uint8_t)len;
	in->group = b->group;
	return in;
}

static void add32(struct builder *b, uint32_t raw)
{
	add(b, raw, 4);
}

static void add16(struct builder *b, uint32_t raw)
{
	add(b, raw, 2);
}

/* The second instruction of a template must not be entered on its own (it depends on the first). */
static void no_entry(struct builder *b)
{
	b->p->insn[b->p->count - 1].group = -1;
}

static void gen_int_alu(struct builder *b)
{
	uint64_t *s = b->seed;
	unsigned rd = dest_reg(b), rs1 = src_reg(s), rs2 = src_reg(s);
	switch (pick(s, 6)) {
	case 0: { /* OP: add sub sll slt sltu xor srl sra or and */
		static const uint8_t f3[] = {0, 0, 1, 2, 3, 4, 5, 5, 6, 7},
		                     f7[] = {0, 0x20, 0, 0, 0, 0, 0, 0x20, 0, 0};
		unsigned k = pick(s, 10);
		add32(b, enc_r(OPC_OP, rd, f3[k], rs1, rs2, f7[k]));
		break;
	}
	case 1: { /* OP_32: addw subw sllw srlw sraw */
		static const uint8_t f3[] = {0, 0, 1, 5, 5}, f7[] = {0, 0x20, 0, 0, 0x20};
		unsigned k = pick(s, 5);
		add32(b, enc_r(OPC_OP_32, rd, f3[k], rs1, rs2, f7[k]));
		break;
	}
	case 2: { /* OP_IMM: addi slti sltiu xori ori andi */
		static const uint8_t f3[] = {0, 2, 3, 4, 6, 7};
		int32_t imm =
		    pick(s, 4) == 0 ? (int32_t)pick_range(s, -3, 3) : (int32_t)pick_range(s, -2048, 2047);
		add32(b, enc_i(OPC_OP_IMM, rd, f3[pick(s, 6)], rs1, imm));
		break;
	}
	case 3: { /* shifts by immediate, 64- and 32-bit */
		unsigned k = pick(s, 6);
		if (k < 3) {
			int32_t sh = (int32_t)pick(s, 64);
			add32(b, enc_i(OPC_OP_IMM, rd, k == 0 ? 1 : 5, rs1, sh | (k == 2 ? 0x400 : 0)));
		} else {
			int32_t sh = (int32_t)pick(s, 32);
			add32(b, enc_i(OPC_OP_IMM_32, rd, k == 3 ? 1 : 5, rs1, sh | (k == 5 ? 0x400 : 0)));
		}
		break;
	}
	case 4: /* addiw */
		add32(b, enc_i(OPC_OP_IMM_32, rd, 0, rs1, (int32_t)pick_range(s, -2048, 2047)));
		break;
	default: /* lui / auipc */
		add32(b, enc_u(pick(s, 2) ? OPC_LUI : OPC_AUIPC, rd, (uint32_t)rv_gen_random(s)));
		break;
	}
}

static void gen_muldiv(struct builder *b)
{
	uint64_t *s = b->seed;
	unsigned rd = dest_reg(b), rs1 = src_reg(s), rs2 = src_reg(s);
	if (pick(s, 3) == 0) {
		static const uint8_t f3[] = {0, 4, 5, 6, 7}; /* mulw divw divuw remw remuw */
		add32(b, enc_r(OPC_OP_32, rd, f3[pick(s, 5)], rs1, rs2, 1));
	} else {
		add32(b, enc_r(OPC_OP, rd, pick(s, 8), rs1, rs2, 1));
	}
}

/* Offsets from the scratch base (x2/x8 = scratch + 0x800) that keep an access of `size` bytes inside
 * the page; sometimes misaligned. */
static int32_t mem_offset(uint64_t *seed, unsigned size)
{
	int32_t off = (int32_t)pick_range(seed, -2048, 2047 - (int32_t)size);
	if (pick(seed, 4))
		off &= ~(int32_t)(size - 1); /* mostly aligned */
	return off;
}

static void gen_mem(struct builder *b)
{
	uint64_t *s = b->seed;
	unsigned base = pick(s, 2) ? REG_SP : REG_BASE;
	unsigned k = pick(s, 15);
	if (k < 7) { /* lb lh lw ld lbu lhu lwu */
		static const uint8_t sizes[] = {1, 2, 4, 8, 1, 2, 4};
		add32(b, enc_i(OPC_LOAD, dest_reg(b), k, base, mem_offset(s, sizes[k])));
	} else if (k < 11) { /* sb sh sw sd */
		unsigned f3 = k - 7;
		add32(b, enc_s(OPC_STORE, f3, base, src_reg(s), mem_offset(s, 1u << f3)));
	} else if (k < 13) { /* flw fld */
		unsigned f3 = k == 11 ? 2 : 3;
		add32(b, enc_i(OPC_LOAD_FP, pick(s, 32), f3, base, mem_offset(s, f3 == 2 ? 4 : 8)));
	} else { /* fsw fsd */
		unsigned f3 = k == 13 ? 2 : 3;
		add32(b, enc_s(OPC_STORE_FP, f3, base, pick(s, 32), mem_offset(s, f3 == 2 ? 4 : 8)));
	}
}

static void gen_atomic(struct builder *b)
{
	uint64_t *s = b->seed;
	static const uint8_t amo[] = {0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c};
	bool dw = pick(s, 2);
	unsigned size = dw ? 8 : 4, f3 = dw ? 3 : 2;
	unsigned addr = dest_reg_nonzero(b);
	int32_t off = (int32_t)pick_range(s, -256, 255) * (int32_t)size;
	unsigned aqrl = pick(s, 4);
	add32(b, enc_i(OPC_OP_IMM, addr, 0, REG_BASE, off)); /* addr = base + aligned offset */
	switch (pick(s, 4)) {
	case 0: /* lr; op; sc (usually succeeds) */
	case 1: {
		unsigned rd = dest_reg(b);
		if (rd == addr)
			rd = 0;
		add32(b, enc_r(OPC_AMO, rd, f3, addr, 0, 0x02 << 2 | aqrl));
		no_entry(b);
		if (pick(s, 2)) {
			unsigned t = dest_reg(b);
			add32(b, enc_i(OPC_OP_IMM, t == addr ? 0 : t, 0, src_reg(s),
			               (int32_t)pick_range(s, -5, 5)));
			no_entry(b);
		}
		add32(b, enc_r(OPC_AMO, dest_reg(b), f3, addr, src_reg(s), 0x03 << 2 | aqrl));
		no_entry(b);
		break;
	}
	case 2: /* a lone sc: no reservation (or a stale one) */
		add32(b, enc_r(OPC_AMO, dest_reg(b), f3, addr, src_reg(s), 0x03 << 2 | aqrl));
		no_entry(b);
		break;
	default:
		add32(b, enc_r(OPC_AMO, dest_reg(b), f3, addr, src_reg(s),
		               (unsigned)amo[pick(s, 9)] << 2 | aqrl));
		no_entry(b);
		break;
	}
}

static void gen_fp(struct builder *b, unsigned fmt /* 0 = S, 1 = D */)
{
	uint64_t *s = b->seed;
	unsigned fd = pick(s, 32), f1 = pick(s, 32), f2 = pick(s, 32), rm = rounding(s);
	switch (pick(s, 12)) {
	case 0:
	case 1: /* fadd fsub fmul fdiv */
		add32(b, enc_r(OPC_OP_FP, fd, rm, f1, f2, pick(s, 4) << 2 | fmt));
		break;
	case 2: /* fsqrt */ add32(b, enc_r(OPC_OP_FP, fd, rm, f1, 0, 0x0b << 2 | fmt)); break;
	case 3: /* fsgnj fsgnjn fsgnjx */
		add32(b, enc_r(OPC_OP_FP, fd, pick(s, 3), f1, f2, 0x04 << 2 | fmt));
		break;
	case 4: /* fmin fmax */ add32(b, enc_r(OPC_OP_FP, fd, pick(s, 2), f1, f2, 0x05 << 2 | fmt)); break;
	case 5: /* fmadd fmsub fnmsub fnmadd */
	case 6: add32(b, enc_r4(OPC_MADD + 4 * pick(s, 4), fd, rm, f1, f2, fmt, pick(s, 32))); break;
	case 7: /* feq flt fle */
		add32(b, enc_r(OPC_OP_FP, dest_reg(b), pick(s, 3), f1, f2, 0x14 << 2 | fmt));
		break;
	case 8: /* fcvt.{w,wu,l,lu}.fmt */
		add32(b, enc_r(OPC_OP_FP, dest_reg(b), rm, f1, pick(s, 4), 0x18 << 2 | fmt));
		break;
	case 9: /* fcvt.fmt.{w,wu,l,lu} */
		add32(b, enc_r(OPC_OP_FP, fd, rm, src_reg(s), pick(s, 4), 0x1a << 2 | fmt));
		break;
	case 10: /* fmv.x.{w,d} / fclass ; fmv.{w,d}.x */
		if (pick(s, 2))
			add32(b, enc_r(OPC_OP_FP, dest_reg(b), pick(s, 2), f1, 0, 0x1c << 2 | fmt));
		else
			add32(b, enc_r(OPC_OP_FP, fd, 0, src_reg(s), 0, 0x1e << 2 | fmt));
		break;
	default: /* fcvt.s.d / fcvt.d.s */
		add32(b, enc_r(OPC_OP_FP, fd, rm, f1, fmt ? 0 : 1, 0x08 << 2 | fmt));
		break;
	}
	/* Often read and clear fflags (csrrw rd, fflags, x0) so the flags of each operation are seen, not
	 * only their union at the end. */
	if (pick(s, 3) == 0)
		add32(b, 0x001u << 20 | 0u << 15 | 1u << 12 | dest_reg(b) << 7 | OPC_SYSTEM);
}

static void gen_csr(struct builder *b)
{
	uint64_t *s = b->seed;
	static const uint16_t csrs[] = {0x001, 0x002, 0x003}; /* fflags frm fcsr */
	unsigned csr = csrs[pick(s, 3)], f3 = 1 + pick(s, 3);
	unsigned src = pick(s, 3) == 0 ? 0 : src_reg(s);
	if (pick(s, 2))
		f3 += 4; /* immediate forms: rs1 is a 5-bit zimm */
	/* Keep frm valid most of the time: writing a random value into frm makes later dynamic-rounding
	 * instructions illegal, which ends the program early (still a valid comparison). */
	if (csr != 0x001 && (f3 == 1 || f3 == 5) && pick(s, 4)) {
		f3 = 5;
		src = csr == 0x002 ? pick(s, 5) : pick(s, 32); /* zimm: 5 bits (fcsr: frm becomes 0) */
	}
	add32(b, (uint32_t)csr << 20 | src << 15 | f3 << 12 | dest_reg(b) << 7 | OPC_SYSTEM);
}

static void gen_compressed(struct builder *b)
{
	uint64_t *s = b->seed;
	unsigned rd = dest_reg_nonzero(b);
	switch (pick(s, 16)) {
	case 0: { /* c.addi (nonzero imm), c.addiw, c.li */
		static const uint8_t f3[] = {0, 1, 2};
		int32_t imm = (int32_t)pick_range(s, -32, 31);
		unsigned k = pick(s, 3);
		if (k == 0 && imm == 0)
			imm = 1;
		add16(b, enc_ci(f3[k], rd, imm, 1));
		break;
	}
	case 1: { /* c.lui: nonzero imm, rd != 0, 2 */
		int32_t imm = (int32_t)pick_range(s, -32, 31);
		add16(b, enc_ci(3, rd, imm == 0 ? 1 : imm, 1));
		break;
	}
	case 2: /* c.slli (nonzero shamt) */ add16(b, enc_ci(0, rd, (int32_t)(1 + pick(s, 63)), 2)); break;
	case 3: { /* c.srli c.srai c.andi */
		unsigned k = pick(s, 3), r = cdest(s);
		int32_t imm = k == 2 ? (int32_t)pick_range(s, -32, 31) : (int32_t)(1 + pick(s, 63));
		uint32_t u = (uint32_t)imm;
		add16(b, 4u << 13 | ((u >> 5) & 1) << 12 | k << 10 | creg(r) << 7 | (u & 0x1f) << 2 | 1);
		break;
	}
	case 4: { /* c.sub c.xor c.or c.and c.subw c.addw */
		unsigned k = pick(s, 6);
		add16(b, enc_ca(k < 4 ? 0x23 : 0x27, cdest(s), k & 3, csrc(s)));
		break;
	}
	case 5: /* c.mv / c.add */
		add16(b, (pick(s, 2) ? 0x9u : 0x8u) << 12 | rd << 7 | (1 + pick(s, 31)) << 2 | 2);
		break;
	case 6: { /* c.addi4spn: rd' = sp + nzuimm (multiple of 4) */
		unsigned u = 4 * (1 + pick(s, 255));
		add16(b, ((u >> 4) & 3) << 11 | ((u >> 6) & 0xf) << 7 | ((u >> 2) & 1) << 6 |
		             ((u >> 3) & 1) << 5 | creg(cdest(s)) << 2);
		break;
	}
	case 7: { /* c.lw / c.sw through x8 (offsets 0..124 from scratch + 0x800) */
		bool load = pick(s, 2);
		add16(b, enc_cl_w(load ? 2 : 6, REG_BASE, load ? cdest(s) : csrc(s), 4 * pick(s, 32)));
		break;
	}
	case 8: { /* c.ld / c.sd / c.fld / c.fsd */
		static const uint8_t f3[] = {3, 7, 1, 5};
		unsigned k = pick(s, 4);
		unsigned r = k == 0 ? creg(cdest(s)) : k == 1 ? creg(csrc(s)) : pick(s, 8);
		add16(b, enc_cl_d(f3[k], REG_BASE, r, 8 * pick(s, 32)));
		break;
	}
	case 9: { /* c.lwsp / c.ldsp / c.fldsp */
		unsigned k = pick(s, 3);
		if (k == 0) {
			unsigned u = 4 * pick(s, 64);
			add16(b, 2u << 13 | ((u >> 5) & 1) << 12 | rd << 7 | ((u >> 2) & 7) << 4 |
			             ((u >> 6) & 3) << 2 | 2);
		} else {
			unsigned u = 8 * pick(s, 64), r = k == 1 ? rd : pick(s, 32);
			add16(b, (k == 1 ? 3u : 1u) << 13 | ((u >> 5) & 1) << 12 | r << 7 |
			             ((u >> 3) & 3) << 5 | ((u >> 6) & 7) << 2 | 2);
		}
		break;
	}
	case 10: { /* c.swsp / c.sdsp / c.fsdsp */
		unsigned k = pick(s, 3), r = pick(s, 32);
		if (k == 0) {
			unsigned u = 4 * pick(s, 64);
			add16(b, 6u << 13 | ((u >> 2) & 0xf) << 9 | ((u >> 6) & 3) << 7 | r << 2 | 2);
		} else {
			unsigned u = 8 * pick(s, 64);
			add16(b, (k == 1 ? 7u : 5u) << 13 | ((u >> 3) & 7) << 10 | ((u >> 6) & 7) << 7 |
			             r << 2 | 2);
		}
		break;
	}
	case 11: /* c.nop */ add16(b, 0x0001); break;
	default: /* the C forms the assembler picks for common 32-bit ones: mix them with full-size code */
		gen_int_alu(b);
		break;
	}
}

static void gen_branch(struct builder *b)
{
	uint64_t *s = b->seed;
	struct rv_gen_insn *in;
	switch (pick(s, 8)) {
	case 0:
	case 1:
	case 2: { /* conditional branch */
		static const uint8_t f3[] = {0, 1, 4, 5, 6, 7};
		in = add(b, f3[pick(s, 6)], 4);
		in->fixup = FIX_BRANCH;
		in->rs1 = (uint8_t)src_reg(s);
		in->rs2 = (uint8_t)(pick(s, 4) ? src_reg(s) : in->rs1);
		break;
	}
	case 3: /* jal */
		in = add(b, 0, 4);
		in->fixup = FIX_JAL;
		in->link_rd = (uint8_t)dest_reg(b);
		break;
	case 4: { /* auipc t; jalr rd, off(t) (sometimes with bit 0 of the target set: ignored) */
		unsigned t = dest_reg_nonzero(b);
		add32(b, enc_u(OPC_AUIPC, t, 0));
		in = add(b, 0, 4);
		in->group = -1;
		in->fixup = FIX_JALR;
		in->rs1 = (uint8_t)t;
		in->link_rd = (uint8_t)dest_reg(b);
		in->rs2 = (uint8_t)pick(s, 2); /* low bit */
		break;
	}
	case 5: /* c.j / c.beqz / c.bnez */
		in = add(b, pick(s, 3), 2);
		in->fixup = in->raw == 0 ? FIX_C_J : FIX_C_BZ;
		in->raw = in->raw == 1 ? 6 : 7;
		in->rs1 = (uint8_t)csrc(s);
		break;
	case 6: { /* auipc t; addi t, t, off; c.jr t / c.jalr t */
		unsigned t = dest_reg_nonzero(b);
		add32(b, enc_u(OPC_AUIPC, t, 0));
		in = add(b, 0, 4);
		in->group = -1;
		in->fixup = FIX_CJR_ADDI;
		in->rs1 = (uint8_t)t;
		add16(b, (pick(s, 2) ? 0x9u : 0x8u) << 12 | t << 7 | 2);
		no_entry(b);
		break;
	}
	default: { /* a bounded loop: x31 = n; body; x31 -= 1; bnez x31, body */
		if (b->group != 0 || b->p->count > 900)
			break;
		add32(b, enc_i(OPC_OP_IMM, REG_LOOP, 0, 0, (int32_t)(1 + pick(s, 12))));
		unsigned head = b->p->count;
		b->group = ++b->next_group;
		unsigned body = 2 + pick(s, 6);
		for (unsigned i = 0; i < body; i++) {
			unsigned k = pick(s, 4);
			if (k == 0 && (b->mask & GEN_BRANCH) && pick(s, 3) == 0) {
				/* a forward branch inside the body (may leave the loop early) */
				static const uint8_t f3[] = {0, 1, 4, 5, 6, 7};
				in = add(b, f3[pick(s, 6)], 4);
				in->fixup = FIX_BRANCH;
				in->rs1 = (uint8_t)src_reg(s);
				in->rs2 = (uint8_t)src_reg(s);
			} else if ((b->mask & (GEN_F | GEN_D)) && k == 1) {
				gen_fp(b, (b->mask & GEN_D) ? 1 : 0);
			} else if ((b->mask & GEN_I) && k == 2) {
				gen_mem(b);
			} else {
				gen_int_alu(b);
			}
		}
		add32(b, enc_i(OPC_OP_IMM, REG_LOOP, 0, REG_LOOP, -1));
		in = add(b, 1, 4);
		in->fixup = FIX_LOOP;
		in->target = (int16_t)head;
		in->group = -1; /* entering at the bnez would skip the decrement: never a target */
		b->group = 0;
		break;
	}
	}
}

/* One planted fault: a load/store to an unmapped page, past the scratch page, across its end, to the
 * read-only page, beyond the guest address space, or a jump to an unmapped address. */
static void gen_fault(struct builder *b)
{
	uint64_t *s = b->seed;
	unsigned t = dest_reg_nonzero(b);
	switch (pick(s, 6)) {
	case 0: /* load from an unmapped page */
		add32(b, enc_u(OPC_LUI, t, 0x7ff00));
		add32(b, enc_i(OPC_LOAD, dest_reg(b), 3, t, (int32_t)pick_range(s, 0, 64)));
		break;
	case 1: /* 8-byte store across the end of the scratch page */
		add32(b, enc_i(OPC_OP_IMM, t, 0, REG_BASE, 0x7fc));
		add32(b, enc_s(OPC_STORE, 3, t, src_reg(s), 0));
		break;
	case 2: /* store to the read-only page */
		add32(b, enc_u(OPC_LUI, t, RV_GEN_READONLY_BASE >> 12));
		add32(b, enc_s(OPC_STORE, 2, t, src_reg(s), (int32_t)pick_range(s, 0, 1000)));
		break;
	case 3: /* load far beyond the address space (-8) */
		add32(b, enc_i(OPC_OP_IMM, t, 0, 0, -8));
		add32(b, enc_i(OPC_LOAD, dest_reg(b), 2, t, 0));
		break;
	case 4: /* AMO on the unmapped page after scratch */
		add32(b, enc_u(OPC_LUI, t, RV_GEN_UNMAPPED >> 12));
		add32(b, enc_r(OPC_AMO, dest_reg(b), 3, t, src_reg(s), 0));
		break;
	default: /* jump to an unmapped address */
		add32(b, enc_u(OPC_LUI, t, 0x12345));
		add32(b, enc_i(OPC_JALR, dest_reg(b), 0, t, 0));
		break;
	}
	no_entry(b);
}

/* One Zba/Zbb/Zbs/Zicond instruction of the classes in the mask, sometimes after an instruction that
 * gives its operand an edge value (then it must not be entered on its own). */
static void gen_bitmanip(struct builder *b)
{
	uint64_t *s = b->seed;
	unsigned exts =
	    ((b->mask & GEN_ZBA) ? RV_GEN_EXT_ZBA : 0) | ((b->mask & GEN_ZBB) ? RV_GEN_EXT_ZBB : 0) |
	    ((b->mask & GEN_ZBS) ? RV_GEN_EXT_ZBS : 0) | ((b->mask & GEN_ZICOND) ? RV_GEN_EXT_ZICOND : 0);
	uint32_t words[RV_GEN_BITMANIP_MAX_WORDS];
	unsigned rd = dest_reg(b), tmp = dest_reg(b), rs1 = src_reg(s), rs2 = src_reg(s);
	unsigned n = rv_gen_bitmanip(words, exts, rd, tmp, rs1, rs2, s);
	for (unsigned i = 0; i < n; i++) {
		add32(b, words[i]);
		if (i > 0)
			no_entry(b);
	}
}

void rv_gen_program(struct rv_gen_program *p, unsigned n, unsigned mask, uint64_t *seed)
{
	rv_gen_program_reserving(p, n, mask, 0, seed);
}

void rv_gen_program_reserving(struct rv_gen_program *p, unsigned n, unsigned mask, uint32_t reserved,
                              uint64_t *seed)
{
	struct builder b = {.p = p, .seed = seed, .mask = mask, .reserved = reserved};
	p->count = 0;
	if (n > 900)
		n = 900;
	if (!(mask & ~(unsigned)GEN_FAULT))
		mask |= GEN_I;
	int fault_at = (mask & GEN_FAULT) && pick(seed, 4) == 0 ? (int)pick(seed, n) : -1;
	while (p->count < n) {
		if ((int)p->count >= fault_at && fault_at >= 0) {
			gen_fault(&b);
			fault_at = -1;
			continue;
		}
		switch (pick(seed, 10)) {
		case 0:
		case 1:
			if (mask & GEN_I)
				gen_int_alu(&b);
			break;
		case 2:
			if (mask & GEN_M)
				gen_muldiv(&b);
			break;
		case 3:
			if (mask & GEN_I)
				gen_mem(&b);
			break;
		case 4:
			if (mask & GEN_A)
				gen_atomic(&b);
			break;
		case 5:
			if (mask & (GEN_F | GEN_D))
				gen_fp(&b, (mask & GEN_D) && (!(mask & GEN_F) || pick(seed, 2)) ? 1 : 0);
			else if (mask & GEN_CSR)
				gen_csr(&b);
			break;
		case 6:
			if (mask & GEN_C)
				gen_compressed(&b);
			break;
		case 7:
			if (mask & GEN_BRANCH)
				gen_branch(&b);
			break;
		case 8:
			if (mask & GEN_BITMANIP)
				gen_bitmanip(&b);
			else if (mask & GEN_I)
				gen_int_alu(&b);
			break;
		default:
			if ((mask & GEN_CSR) && pick(seed, 3) == 0)
				gen_csr(&b);
			else if (mask & GEN_I)
				gen_int_alu(&b);
			else if (mask & GEN_C)
				gen_compressed(&b);
			break;
		}
	}
	/* the final ebreak: always a valid target */
	struct rv_gen_insn *end = add(&b, 0x00100073u, 4);
	end->group = 0;

	/* branch targets: forward, to an instruction that may be entered from here */
	p->size = 0;
	for (unsigned i = 0; i < p->count; i++)
		p->size += p->insn[i].len;
	for (unsigned i = 0; i < p->count; i++) {
		struct rv_gen_insn *in = &p->insn[i];
		if (in->fixup == FIX_NONE || in->fixup == FIX_LOOP)
			continue;
		unsigned first = in->fixup == FIX_CJR_ADDI ? i + 2 : i + 1;
		unsigned t;
		for (;;) {
			t = first + pick(seed, 12);
			if (t >= p->count)
				t = p->count - 1;
			int16_t g = p->insn[t].group;
			if (g == 0 || (g > 0 && g == in->group) || t == p->count - 1)
				break;
		}
		in->target = (int16_t)t;
	}
}

void rv_gen_emit(const struct rv_gen_program *p, uint8_t *code, unsigned stop_at)
{
	uint32_t addr[1025];
	uint32_t a = 0;
	for (unsigned i = 0; i < p->count; i++) {
		addr[i] = a;
		a += p->insn[i].len;
	}
	for (unsigned i = 0; i < p->count; i++) {
		const struct rv_gen_insn *in = &p->insn[i];
		uint32_t raw = in->raw;
		int32_t off = (int32_t)addr[in->target] - (int32_t)addr[i];
		switch (in->fixup) {
		case FIX_BRANCH: raw = enc_b(in->raw, in->rs1, in->rs2, off); break;
		case FIX_JAL: raw = enc_j(in->link_rd, off); break;
		case FIX_JALR: /* offset from the auipc just before */
			raw = enc_i(OPC_JALR, in->link_rd, 0, in->rs1, off + 4 + in->rs2);
			break;
		case FIX_C_J: raw = enc_cj(off); break;
		case FIX_C_BZ: raw = enc_cb_branch(in->raw, in->rs1, off); break;
		case FIX_CJR_ADDI: raw = enc_i(OPC_OP_IMM, in->rs1, 0, in->rs1, off + 4); break;
		case FIX_LOOP: raw = enc_b(1, REG_LOOP, 0, off); break;
		default: break;
		}
		if (i >= stop_at)
			raw = in->len == 2 ? 0x9002u : 0x00100073u; /* c.ebreak / ebreak */
		memcpy(code + addr[i], &raw, in->len);
	}
}

unsigned rv_gen_parse_classes(const char *list)
{
	static const struct {
		const char *name;
		unsigned mask;
	} names[] = {{"I", GEN_I},           {"M", GEN_M},
	             {"A", GEN_A},           {"F", GEN_F},
	             {"D", GEN_D},           {"C", GEN_C},
	             {"CSR", GEN_CSR},       {"BRANCH", GEN_BRANCH},
	             {"FAULT", GEN_FAULT},   {"ZBA", GEN_ZBA},
	             {"ZBB", GEN_ZBB},       {"ZBS", GEN_ZBS},
	             {"ZICOND", GEN_ZICOND}, {"B", GEN_ZBA | GEN_ZBB | GEN_ZBS},
	             {"all", GEN_ALL}};
	unsigned mask = 0;
	const char *p = list;
	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned found = 0;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0)
				found = names[i].mask;
		if (!found)
			return 0;
		mask |= found;
		p += len;
		if (*p == ',')
			p++;
	}
	return mask;
}
