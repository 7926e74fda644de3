/* libFuzzer harness: the RISC-V decoder (rv/isa/decode.c) and disassembler (rv/isa/disasm.c) on any 16- or
 * 32-bit word.
 *
 * Asserted, beyond "no crash":
 *   - the length is 2 exactly when bits 1:0 are not 11 (whatever the op), and a compressed decode does not
 *     depend on the upper halfword; words of the 48-bit-and-longer encodings (bits 4:0 = 11111), the
 *     all-zero halfword and the reserved compressed forms (c.addi4spn with a zero immediate, c.lwsp/c.ldsp
 *     to x0, c.jr x0) are illegal;
 *   - a legal op is a known enum value, its registers are < 32, rm is 0..4 or 7 (dynamic) and only for ops
 *     with a rounding-mode field, aqrl only for LR/SC/AMOs, raw holds exactly the instruction's bits;
 *   - every compressed word is checked against an expansion table written from the RVC chapter (RV64C):
 *     reserved encodings are illegal, every other one (HINTs included) decodes to the instruction it expands
 *     to, with its registers and immediate;
 *   - for 32-bit forms the decoded fields are re-derived from the unprivileged specification's formats,
 *     chosen by the op's operand letters: rd/rs1/rs2/rs3 positions, I/S/B/U/J immediates, shift amounts,
 *     CSR numbers and zimm, the rounding-mode and aq/rl fields; loads and stores have a size of 1/2/4/8;
 *   - rv_disasm always NUL-terminates, never writes past a short buffer, and returns the full length.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rv/isa/insn.h"
#include "tests/fuzz/harness/fuzz_require.h"

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

static uint32_t field(uint32_t w, unsigned hi, unsigned lo)
{
	return (w >> lo) & ((1u << (hi - lo + 1)) - 1u);
}

static int64_t sext(uint64_t v, unsigned width)
{
	return (int64_t)(v << (64 - width)) >> (64 - width);
}

static int64_t imm_i(uint32_t w)
{
	return sext(field(w, 31, 20), 12);
}

static int64_t imm_s(uint32_t w)
{
	return sext(field(w, 31, 25) << 5 | field(w, 11, 7), 12);
}

static int64_t imm_b(uint32_t w)
{
	return sext(
	    field(w, 31, 31) << 12 | field(w, 7, 7) << 11 | field(w, 30, 25) << 5 | field(w, 11, 8) << 1, 13);
}

static int64_t imm_j(uint32_t w)
{
	return sext(field(w, 31, 31) << 20 | field(w, 19, 12) << 12 | field(w, 20, 20) << 11 |
	                field(w, 30, 21) << 1,
	            21);
}

static bool has(const char *letters, char c)
{
	return strchr(letters, c) != NULL;
}

static void check_fields32(uint32_t w, const struct rv_insn *in)
{
	const char *ops = rv_op_operands(in->op);
	uint32_t flags = rv_op_flags(in->op);
	unsigned opcode = field(w, 6, 0);
	if (has(ops, 'd') || has(ops, 'D'))
		CHECK(in->rd == field(w, 11, 7));
	if (has(ops, 's') || has(ops, 'S') || has(ops, 'o') || has(ops, 'a'))
		CHECK(in->rs1 == field(w, 19, 15));
	if (has(ops, 't') || has(ops, 'T'))
		CHECK(in->rs2 == field(w, 24, 20));
	if (has(ops, 'R'))
		CHECK(in->rs3 == field(w, 31, 27));
	if (flags & RV_OPF_RM)
		CHECK(in->rm == field(w, 14, 12));
	if ((flags & RV_OPF_ATOMIC) || (flags & RV_OPF_AMO) == RV_OPF_AMO)
		CHECK(in->aqrl == field(w, 26, 25));
	if (has(ops, 'c'))
		CHECK(in->csr == field(w, 31, 20));
	if (has(ops, 'Z'))
		CHECK(in->imm == field(w, 19, 15));
	if (has(ops, 'u'))
		CHECK(in->imm == (int64_t)(int32_t)(w & 0xfffff000u));
	if (has(ops, 'z')) {
		/* RV64 shifts take a 6-bit amount, the *W forms (OP-IMM-32) a 5-bit one, except Zba's slli.uw,
		 * which shifts the zero-extended word by up to 63 */
		bool word = opcode == 0x1b && in->op != RV_OP_SLLI_UW;
		CHECK(in->imm == (word ? field(w, 24, 20) : field(w, 25, 20)));
	}
	if (has(ops, 'i'))
		CHECK(in->imm == imm_i(w));
	if (has(ops, 'b'))
		CHECK(in->imm == (opcode == 0x6f ? imm_j(w) : imm_b(w)));
	if (has(ops, 'o'))
		CHECK(in->imm == ((flags & RV_OPF_STORE) ? imm_s(w) : imm_i(w)));
}

/* ---- the compressed instructions (RVC chapter, RV64C), decoded independently ---- */
struct expansion {
	bool
	    legal; /* false: reserved (HINTs are legal: they decode as the op with rd = x0 or a zero immediate) */
	const char *name;
	int rd, rs1, rs2; /* -1: not compared */
	int64_t imm;
};

static struct expansion expand(uint16_t h)
{
	struct expansion e = {true, NULL, -1, -1, -1, 0};
	unsigned op = field(h, 1, 0), f3 = field(h, 15, 13);
	unsigned rdp = 8 + field(h, 4, 2), rs1p = 8 + field(h, 9, 7), r = field(h, 11, 7),
	         r2 = field(h, 6, 2);
	int64_t imm6 = sext(field(h, 12, 12) << 5 | field(h, 6, 2), 6);
	unsigned shamt = field(h, 12, 12) << 5 | field(h, 6, 2);
	uint32_t ld_off = field(h, 12, 10) << 3 | field(h, 6, 5) << 6; /* C.LD/C.SD/C.FLD/C.FSD */
	uint32_t lw_off = field(h, 12, 10) << 3 | field(h, 6, 6) << 2 | field(h, 5, 5) << 6;
	if (op == 0) {
		switch (f3) {
		case 0: {
			uint32_t nz = field(h, 12, 11) << 4 | field(h, 10, 7) << 6 | field(h, 6, 6) << 2 |
			              field(h, 5, 5) << 3;
			e = (struct expansion){nz != 0, "addi", (int)rdp, 2, -1, nz};
			break;
		}
		case 1: e = (struct expansion){true, "fld", (int)rdp, (int)rs1p, -1, ld_off}; break;
		case 2: e = (struct expansion){true, "lw", (int)rdp, (int)rs1p, -1, lw_off}; break;
		case 3: e = (struct expansion){true, "ld", (int)rdp, (int)rs1p, -1, ld_off}; break;
		case 5: e = (struct expansion){true, "fsd", -1, (int)rs1p, (int)rdp, ld_off}; break;
		case 6: e = (struct expansion){true, "sw", -1, (int)rs1p, (int)rdp, lw_off}; break;
		case 7: e = (struct expansion){true, "sd", -1, (int)rs1p, (int)rdp, ld_off}; break;
		default: e.legal = false; break;
		}
	} else if (op == 1) {
		switch (f3) {
		case 0: e = (struct expansion){true, "addi", (int)r, (int)r, -1, imm6}; break;
		case 1: e = (struct expansion){r != 0, "addiw", (int)r, (int)r, -1, imm6}; break;
		case 2: e = (struct expansion){true, "addi", (int)r, 0, -1, imm6}; break;
		case 3:
			if (r == 2) {
				int64_t nz =
				    sext(field(h, 12, 12) << 9 | field(h, 6, 6) << 4 | field(h, 5, 5) << 6 |
				             field(h, 4, 3) << 7 | field(h, 2, 2) << 5,
				         10);
				e = (struct expansion){nz != 0, "addi", 2, 2, -1, nz};
			} else {
				e = (struct expansion){imm6 != 0, "lui", (int)r, -1, -1, imm6 * 4096};
			}
			break;
		case 4: {
			unsigned sub = field(h, 11, 10);
			if (sub == 0)
				e = (struct expansion){true, "srli", (int)rs1p, (int)rs1p, -1, shamt};
			else if (sub == 1)
				e = (struct expansion){true, "srai", (int)rs1p, (int)rs1p, -1, shamt};
			else if (sub == 2)
				e = (struct expansion){true, "andi", (int)rs1p, (int)rs1p, -1, imm6};
			else {
				static const char *const names[2][4] = {{"sub", "xor", "or", "and"},
				                                        {"subw", "addw", NULL, NULL}};
				const char *n = names[field(h, 12, 12)][field(h, 6, 5)];
				e = (struct expansion){n != NULL, n, (int)rs1p, (int)rs1p, (int)rdp, 0};
			}
			break;
		}
		case 5: {
			int64_t off =
			    sext(field(h, 12, 12) << 11 | field(h, 11, 11) << 4 | field(h, 10, 9) << 8 |
			             field(h, 8, 8) << 10 | field(h, 7, 7) << 6 | field(h, 6, 6) << 7 |
			             field(h, 5, 3) << 1 | field(h, 2, 2) << 5,
			         12);
			e = (struct expansion){true, "jal", 0, -1, -1, off};
			break;
		}
		default: {
			int64_t off =
			    sext(field(h, 12, 12) << 8 | field(h, 11, 10) << 3 | field(h, 6, 5) << 6 |
			             field(h, 4, 3) << 1 | field(h, 2, 2) << 5,
			         9);
			e = (struct expansion){true, f3 == 6 ? "beq" : "bne", -1, (int)rs1p, 0, off};
			break;
		}
		}
	} else {
		switch (f3) {
		case 0: e = (struct expansion){true, "slli", (int)r, (int)r, -1, shamt}; break;
		case 1: {
			uint32_t off = field(h, 12, 12) << 5 | field(h, 6, 5) << 3 | field(h, 4, 2) << 6;
			e = (struct expansion){true, "fld", (int)r, 2, -1, off};
			break;
		}
		case 2: {
			uint32_t off = field(h, 12, 12) << 5 | field(h, 6, 4) << 2 | field(h, 3, 2) << 6;
			e = (struct expansion){r != 0, "lw", (int)r, 2, -1, off};
			break;
		}
		case 3: {
			uint32_t off = field(h, 12, 12) << 5 | field(h, 6, 5) << 3 | field(h, 4, 2) << 6;
			e = (struct expansion){r != 0, "ld", (int)r, 2, -1, off};
			break;
		}
		case 4:
			if (!field(h, 12, 12))
				e = r2 == 0 ? (struct expansion){r != 0, "jalr", 0, (int)r, -1, 0}
				            : (struct expansion){true, "add", (int)r, 0, (int)r2, 0};
			else if (r == 0 && r2 == 0)
				e = (struct expansion){true, "ebreak", -1, -1, -1, 0};
			else
				e = r2 == 0 ? (struct expansion){true, "jalr", 1, (int)r, -1, 0}
				            : (struct expansion){true, "add", (int)r, (int)r, (int)r2, 0};
			break;
		case 5: {
			uint32_t off = field(h, 12, 10) << 3 | field(h, 9, 7) << 6;
			e = (struct expansion){true, "fsd", -1, 2, (int)r2, off};
			break;
		}
		case 6: {
			uint32_t off = field(h, 12, 9) << 2 | field(h, 8, 7) << 6;
			e = (struct expansion){true, "sw", -1, 2, (int)r2, off};
			break;
		}
		default: {
			uint32_t off = field(h, 12, 10) << 3 | field(h, 9, 7) << 6;
			e = (struct expansion){true, "sd", -1, 2, (int)r2, off};
			break;
		}
		}
	}
	if (h == 0)
		e.legal = false;
	return e;
}

static void check_compressed(uint16_t h, const struct rv_insn *in)
{
	struct expansion e = expand(h);
	if (!e.legal) {
		CHECK(in->op == RV_OP_ILLEGAL);
		return;
	}
	REQUIRE(in->op != RV_OP_ILLEGAL, "%04x is %s", h, e.name);
	REQUIRE(strcmp(rv_op_name(in->op), e.name) == 0, "%04x: %s, expected %s", h, rv_op_name(in->op),
	        e.name);
	if (e.rd >= 0)
		REQUIRE(in->rd == e.rd, "%04x: rd %u, expected %d", h, in->rd, e.rd);
	if (e.rs1 >= 0)
		REQUIRE(in->rs1 == e.rs1, "%04x: rs1 %u, expected %d", h, in->rs1, e.rs1);
	if (e.rs2 >= 0)
		REQUIRE(in->rs2 == e.rs2, "%04x: rs2 %u, expected %d", h, in->rs2, e.rs2);
	REQUIRE(in->imm == e.imm, "%04x: imm %lld, expected %lld", h, (long long)in->imm, (long long)e.imm);
}

static void check_disasm(const struct rv_insn *in, uint64_t pc)
{
	char full[128], small[12];
	int n = rv_disasm(in, pc, full, sizeof(full));
	CHECK(n > 0 && (size_t)n < sizeof(full) && strlen(full) == (size_t)n);
	memset(small, 0x7f, sizeof(small));
	int m = rv_disasm(in, pc, small, 8);
	CHECK(m == n);
	CHECK(small[8] == 0x7f && small[9] == 0x7f); /* nothing past the given length */
	CHECK(memchr(small, 0, 8) != NULL && strncmp(small, full, strlen(small)) == 0);
}

static void check_word(uint32_t w, uint64_t pc)
{
	struct rv_insn in;
	memset(&in, 0xcc, sizeof(in));
	int len = rv_decode(w, &in);
	bool compressed = (w & 3) != 3;
	CHECK(len == (compressed ? 2 : 4) && in.len == len && rv_insn_length((uint16_t)w) == len);
	CHECK(in.op < RV_OP_COUNT);
	CHECK(in.raw == (compressed ? (w & 0xffffu) : w));
	if (compressed) {
		struct rv_insn low;
		memset(&low, 0x33, sizeof(low));
		rv_decode(w & 0xffffu, &low);
		CHECK(low.op == in.op && low.rd == in.rd && low.rs1 == in.rs1 && low.rs2 == in.rs2 &&
		      low.imm == in.imm);
		uint16_t h = (uint16_t)w;
		bool reserved = h == 0 ||
		                (field(h, 15, 13) == 0 && field(h, 1, 0) == 0 && field(h, 12, 5) == 0) ||
		                (field(h, 1, 0) == 2 && (field(h, 15, 13) == 2 || field(h, 15, 13) == 3) &&
		                 field(h, 11, 7) == 0) ||
		                (field(h, 1, 0) == 2 && field(h, 15, 12) == 8 && field(h, 11, 7) == 0 &&
		                 field(h, 6, 2) == 0);
		if (reserved)
			CHECK(in.op == RV_OP_ILLEGAL);
	} else if ((w & 0x1f) == 0x1f) {
		CHECK(in.op == RV_OP_ILLEGAL);
	}
	check_disasm(&in, pc);
	if (compressed)
		check_compressed((uint16_t)w, &in);
	if (in.op == RV_OP_ILLEGAL)
		return;
	uint32_t flags = rv_op_flags(in.op);
	CHECK(in.rd < 32 && in.rs1 < 32 && in.rs2 < 32 && in.rs3 < 32);
	/* Exact widening conversions have an rm field that decodes as usual (5 and 6 reserved: F chapter,
	 * "implementations must treat the rm field as usual") but no rounding to do: the decoder keeps rm,
	 * the op has no RV_OPF_RM, so the translator and the disassembler ignore it. */
	bool exact_conversion =
	    in.op == RV_OP_FCVT_D_S || in.op == RV_OP_FCVT_D_W || in.op == RV_OP_FCVT_D_WU;
	if ((flags & RV_OPF_RM) || exact_conversion)
		CHECK(in.rm <= 4 || in.rm == 7);
	else
		CHECK(in.rm == 0);
	if (exact_conversion && !compressed)
		CHECK(in.rm == field(w, 14, 12));
	if (!((flags & RV_OPF_ATOMIC) || (flags & RV_OPF_AMO) == RV_OPF_AMO))
		CHECK(in.aqrl == 0);
	CHECK(in.aqrl <= 3);
	if (flags & (RV_OPF_LOAD | RV_OPF_STORE)) {
		unsigned size = rv_op_mem_size(in.op);
		CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	}
	if (flags & RV_OPF_BRANCH)
		CHECK((in.imm & 1) == 0);
	if (!compressed)
		check_fields32(w, &in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the input is a code stream: decode at every halfword, the way a fetch would see it */
	for (size_t at = 0; at + 2 <= size; at += 2) {
		uint32_t w = 0;
		memcpy(&w, data + at, size - at < 4 ? size - at : 4);
		check_word(w, 0x80000000u + at);
	}
	return 0;
}
