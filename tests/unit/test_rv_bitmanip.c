/* The interpreter's Zba, Zbb, Zbs and Zicond against the specifications' definitions, written here bit by
 * bit (loops over bit and byte positions, the rotation as a permutation of bits, shifts as
 * multiplications), for every op on edge values and pseudo-random ones. Each instruction is encoded from
 * its fields (R/I formats, the funct3/funct7/imm values of the specs), decoded by rv_decode and executed
 * by rv_exec_insn, so the decoder's operand extraction is covered too. The ISA tests
 * (guest/rv/isa/zb*.S, zicond.S) check the same ops on chosen values against qemu-riscv64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rv/interp/interp.h"

enum { OPC_OP_IMM = 0x13, OPC_OP_IMM_32 = 0x1b, OPC_OP = 0x33, OPC_OP_32 = 0x3b };
enum { RD = 10, RS1 = 11, RS2 = 12 };

/* One op: how to encode it, and its definition. kind: R (rd, rs1, rs2), U (rd, rs1: imm[11:0] names
 * the op), I6 / I5 (rd, rs1, shamt of 6 / 5 bits). */
enum kind { R, U, I6, I5 };
struct op_case {
	const char *name;
	enum kind kind;
	unsigned opcode, funct3, funct7; /* U: funct7 holds imm[11:0]; I6/I5: funct7 << 25 (funct6 << 26) */
	uint64_t (*ref)(uint64_t a, uint64_t b);
};

static uint64_t bit(uint64_t x, unsigned i)
{
	return (x >> i) & 1;
}

static uint64_t sign_extend_from(uint64_t x, unsigned width)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < 64; i++)
		r |= bit(x, i < width ? i : width - 1) << i;
	return r;
}

static uint64_t low_word(uint64_t x)
{
	return x & 0xffffffffull;
}

static uint64_t rotate_left(uint64_t x, unsigned n, unsigned width)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < width; i++) /* result bit (i + n) mod width = source bit i */
		r |= bit(x, i) << ((i + n) % width);
	return r;
}

static int64_t as_signed(uint64_t x)
{
	/* two's complement read of the bits, without relying on a conversion */
	return bit(x, 63) ? -(int64_t)(~x) - 1 : (int64_t)x;
}

static uint64_t ref_add_uw(uint64_t a, uint64_t b)
{
	return b + low_word(a);
}
static uint64_t ref_sh1add(uint64_t a, uint64_t b)
{
	return b + a * 2;
}
static uint64_t ref_sh2add(uint64_t a, uint64_t b)
{
	return b + a * 4;
}
static uint64_t ref_sh3add(uint64_t a, uint64_t b)
{
	return b + a * 8;
}
static uint64_t ref_sh1add_uw(uint64_t a, uint64_t b)
{
	return b + low_word(a) * 2;
}
static uint64_t ref_sh2add_uw(uint64_t a, uint64_t b)
{
	return b + low_word(a) * 4;
}
static uint64_t ref_sh3add_uw(uint64_t a, uint64_t b)
{
	return b + low_word(a) * 8;
}
static uint64_t ref_slli_uw(uint64_t a, uint64_t sh)
{
	uint64_t r = low_word(a);
	for (unsigned i = 0; i < sh; i++)
		r *= 2;
	return r;
}
static uint64_t ref_andn(uint64_t a, uint64_t b)
{
	return a & ~b;
}
static uint64_t ref_orn(uint64_t a, uint64_t b)
{
	return a | ~b;
}
static uint64_t ref_xnor(uint64_t a, uint64_t b)
{
	return ~(a ^ b);
}
static uint64_t leading_zeros(uint64_t a, unsigned width)
{
	uint64_t n = 0;
	for (int i = (int)width - 1; i >= 0 && !bit(a, (unsigned)i); i--)
		n++;
	return n;
}
static uint64_t trailing_zeros(uint64_t a, unsigned width)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < width && !bit(a, i); i++)
		n++;
	return n;
}
static uint64_t ones(uint64_t a, unsigned width)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < width; i++)
		n += bit(a, i);
	return n;
}
static uint64_t ref_clz(uint64_t a, uint64_t b)
{
	(void)b;
	return leading_zeros(a, 64);
}
static uint64_t ref_clzw(uint64_t a, uint64_t b)
{
	(void)b;
	return leading_zeros(a, 32);
}
static uint64_t ref_ctz(uint64_t a, uint64_t b)
{
	(void)b;
	return trailing_zeros(a, 64);
}
static uint64_t ref_ctzw(uint64_t a, uint64_t b)
{
	(void)b;
	return trailing_zeros(a, 32);
}
static uint64_t ref_cpop(uint64_t a, uint64_t b)
{
	(void)b;
	return ones(a, 64);
}
static uint64_t ref_cpopw(uint64_t a, uint64_t b)
{
	(void)b;
	return ones(a, 32);
}
static uint64_t ref_max(uint64_t a, uint64_t b)
{
	return as_signed(a) < as_signed(b) ? b : a;
}
static uint64_t ref_maxu(uint64_t a, uint64_t b)
{
	return a < b ? b : a;
}
static uint64_t ref_min(uint64_t a, uint64_t b)
{
	return as_signed(a) < as_signed(b) ? a : b;
}
static uint64_t ref_minu(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}
static uint64_t ref_sext_b(uint64_t a, uint64_t b)
{
	(void)b;
	return sign_extend_from(a, 8);
}
static uint64_t ref_sext_h(uint64_t a, uint64_t b)
{
	(void)b;
	return sign_extend_from(a, 16);
}
static uint64_t ref_zext_h(uint64_t a, uint64_t b)
{
	(void)b;
	return a & 0xffff;
}
static uint64_t ref_rol(uint64_t a, uint64_t b)
{
	return rotate_left(a, b % 64, 64);
}
static uint64_t ref_ror(uint64_t a, uint64_t b)
{
	return rotate_left(a, (64 - b % 64) % 64, 64);
}
static uint64_t ref_rolw(uint64_t a, uint64_t b)
{
	return sign_extend_from(rotate_left(a, b % 32, 32), 32);
}
static uint64_t ref_rorw(uint64_t a, uint64_t b)
{
	return sign_extend_from(rotate_left(a, (32 - b % 32) % 32, 32), 32);
}
static uint64_t ref_orc_b(uint64_t a, uint64_t b)
{
	(void)b;
	uint64_t r = 0;
	for (unsigned byte = 0; byte < 8; byte++)
		if (ones(a >> (8 * byte), 8))
			r |= 0xffull << (8 * byte);
	return r;
}
static uint64_t ref_rev8(uint64_t a, uint64_t b)
{
	(void)b;
	uint64_t r = 0;
	for (unsigned byte = 0; byte < 8; byte++)
		r |= ((a >> (8 * byte)) & 0xff) << (8 * (7 - byte));
	return r;
}
static uint64_t ref_bclr(uint64_t a, uint64_t b)
{
	return a & ~(1ull << (b % 64));
}
static uint64_t ref_bext(uint64_t a, uint64_t b)
{
	return bit(a, b % 64);
}
static uint64_t ref_binv(uint64_t a, uint64_t b)
{
	return a ^ (1ull << (b % 64));
}
static uint64_t ref_bset(uint64_t a, uint64_t b)
{
	return a | (1ull << (b % 64));
}
static uint64_t ref_czero_eqz(uint64_t a, uint64_t b)
{
	return b == 0 ? 0 : a;
}
static uint64_t ref_czero_nez(uint64_t a, uint64_t b)
{
	return b != 0 ? 0 : a;
}

static const struct op_case ops[] = {
    {"add.uw", R, OPC_OP_32, 0, 0x04, ref_add_uw},
    {"sh1add", R, OPC_OP, 2, 0x10, ref_sh1add},
    {"sh2add", R, OPC_OP, 4, 0x10, ref_sh2add},
    {"sh3add", R, OPC_OP, 6, 0x10, ref_sh3add},
    {"sh1add.uw", R, OPC_OP_32, 2, 0x10, ref_sh1add_uw},
    {"sh2add.uw", R, OPC_OP_32, 4, 0x10, ref_sh2add_uw},
    {"sh3add.uw", R, OPC_OP_32, 6, 0x10, ref_sh3add_uw},
    {"slli.uw", I6, OPC_OP_IMM_32, 1, 0x04, ref_slli_uw},
    {"andn", R, OPC_OP, 7, 0x20, ref_andn},
    {"orn", R, OPC_OP, 6, 0x20, ref_orn},
    {"xnor", R, OPC_OP, 4, 0x20, ref_xnor},
    {"clz", U, OPC_OP_IMM, 1, 0x600, ref_clz},
    {"clzw", U, OPC_OP_IMM_32, 1, 0x600, ref_clzw},
    {"ctz", U, OPC_OP_IMM, 1, 0x601, ref_ctz},
    {"ctzw", U, OPC_OP_IMM_32, 1, 0x601, ref_ctzw},
    {"cpop", U, OPC_OP_IMM, 1, 0x602, ref_cpop},
    {"cpopw", U, OPC_OP_IMM_32, 1, 0x602, ref_cpopw},
    {"max", R, OPC_OP, 6, 0x05, ref_max},
    {"maxu", R, OPC_OP, 7, 0x05, ref_maxu},
    {"min", R, OPC_OP, 4, 0x05, ref_min},
    {"minu", R, OPC_OP, 5, 0x05, ref_minu},
    {"sext.b", U, OPC_OP_IMM, 1, 0x604, ref_sext_b},
    {"sext.h", U, OPC_OP_IMM, 1, 0x605, ref_sext_h},
    {"zext.h", U, OPC_OP_32, 4, 0x080, ref_zext_h},
    {"rol", R, OPC_OP, 1, 0x30, ref_rol},
    {"rolw", R, OPC_OP_32, 1, 0x30, ref_rolw},
    {"ror", R, OPC_OP, 5, 0x30, ref_ror},
    {"rori", I6, OPC_OP_IMM, 5, 0x30, ref_ror},
    {"roriw", I5, OPC_OP_IMM_32, 5, 0x30, ref_rorw},
    {"rorw", R, OPC_OP_32, 5, 0x30, ref_rorw},
    {"orc.b", U, OPC_OP_IMM, 5, 0x287, ref_orc_b},
    {"rev8", U, OPC_OP_IMM, 5, 0x6b8, ref_rev8},
    {"bclr", R, OPC_OP, 1, 0x24, ref_bclr},
    {"bclri", I6, OPC_OP_IMM, 1, 0x24, ref_bclr},
    {"bext", R, OPC_OP, 5, 0x24, ref_bext},
    {"bexti", I6, OPC_OP_IMM, 5, 0x24, ref_bext},
    {"binv", R, OPC_OP, 1, 0x34, ref_binv},
    {"binvi", I6, OPC_OP_IMM, 1, 0x34, ref_binv},
    {"bset", R, OPC_OP, 1, 0x14, ref_bset},
    {"bseti", I6, OPC_OP_IMM, 1, 0x14, ref_bset},
    {"czero.eqz", R, OPC_OP, 5, 0x07, ref_czero_eqz},
    {"czero.nez", R, OPC_OP, 7, 0x07, ref_czero_nez},
};

/* The instruction word of c with operand b (a register for R, the shift amount for I6/I5). zext.h is
 * kind U with imm 0x080: funct7 0000100 and rs2 = 0. */
static uint32_t encode(const struct op_case *c, uint64_t b)
{
	uint32_t w = c->opcode | c->funct3 << 12 | (uint32_t)RD << 7 | (uint32_t)RS1 << 15;
	switch (c->kind) {
	case R: return w | (uint32_t)RS2 << 20 | c->funct7 << 25;
	case U: return w | c->funct7 << 20;
	case I6: return w | c->funct7 << 25 | (uint32_t)(b & 63) << 20;
	case I5: return w | c->funct7 << 25 | (uint32_t)(b & 31) << 20;
	}
	return 0;
}

static uint64_t execute(const struct op_case *c, uint64_t a, uint64_t b)
{
	struct rv_cpu cpu;
	struct rv_insn in;
	memset(&cpu, 0, sizeof(cpu));
	cpu.x[RS1] = a;
	cpu.x[RS2] = b;
	cpu.x[RD] = 0x5a5a5a5a5a5a5a5aull; /* overwritten by every op */
	uint32_t word = encode(c, b);
	assert_int_equal(rv_decode(word, &in), 4);
	if (strcmp(rv_op_name(in.op), c->name) != 0)
		fail_msg("0x%08x decodes as %s, want %s", word, rv_op_name(in.op), c->name);
	assert_int_equal(rv_exec_insn(&cpu, &in, 0x1000), RV_EXIT_NONE);
	assert_int_equal(cpu.x[0], 0);
	assert_int_equal(cpu.x[RS1], a);
	return cpu.x[RD];
}

static void check(const struct op_case *c, uint64_t a, uint64_t b)
{
	uint64_t shamt_mask = c->kind == I5 ? 31 : 63;
	uint64_t b_used = c->kind == I6 || c->kind == I5 ? b & shamt_mask : b;
	uint64_t got = execute(c, a, b), want = c->ref(a, b_used);
	if (got != want)
		fail_msg("%s(0x%016llx, 0x%016llx) = 0x%016llx, want 0x%016llx", c->name,
		         (unsigned long long)a, (unsigned long long)b_used, (unsigned long long)got,
		         (unsigned long long)want);
}

static const uint64_t edges[] = {
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    0x10000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000,
    0x7fffffffffffffff,
    0x8000000000000000,
    0xffffffff80000000,
    0xfffffffffffffffe,
    0xffffffffffffffff,
    0x0123456789abcdef,
    0x00ff00ff00ff00ff,
    0x0000ff0000010000,
    31,
    32,
    33,
    63,
    64,
    95,
};

static void test_edge_values(void **state)
{
	(void)state;
	const size_t n_edges = sizeof(edges) / sizeof(edges[0]);
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		for (size_t i = 0; i < n_edges; i++)
			for (size_t j = 0; j < n_edges; j++)
				check(&ops[k], edges[i], edges[j]);
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random values, with whole bytes often zero (orc.b) and small second operands (shift/bit indexes). */
static void test_random_values(void **state)
{
	(void)state;
	uint64_t s = 0x9e3779b97f4a7c15ull;
	for (int round = 0; round < 4000; round++) {
		uint64_t a = next_random(&s), b = next_random(&s);
		uint64_t zero_bytes = next_random(&s);
		for (unsigned byte = 0; byte < 8; byte++)
			if ((zero_bytes >> (8 * byte)) % 3 == 0)
				a &= ~(0xffull << (8 * byte));
		if (round % 2)
			b %= 128;
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			check(&ops[k], a, b);
	}
}

/* Every op of the table is one of the new ops, and every new op is in the table. */
static void test_every_op_covered(void **state)
{
	(void)state;
	unsigned n_new = RV_OP_CZERO_NEZ - RV_OP_ADD_UW + 1;
	assert_int_equal(sizeof(ops) / sizeof(ops[0]), n_new);
	for (unsigned op = RV_OP_ADD_UW; op <= RV_OP_CZERO_NEZ; op++) {
		bool found = false;
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			found |= strcmp(ops[k].name, rv_op_name(op)) == 0;
		if (!found)
			fail_msg("%s is not tested", rv_op_name(op));
	}
}

/* Writes to x0 are dropped. */
static void test_x0_destination(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		struct rv_cpu cpu;
		struct rv_insn in;
		memset(&cpu, 0, sizeof(cpu));
		cpu.x[RS1] = 0x8000000000000001ull;
		cpu.x[RS2] = 3;
		rv_decode(encode(&ops[k], 3) & ~(0x1fu << 7), &in);
		assert_int_equal(in.rd, 0);
		assert_int_equal(rv_exec_insn(&cpu, &in, 0x1000), RV_EXIT_NONE);
		assert_int_equal(cpu.x[0], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_op_covered),
	    cmocka_unit_test(test_edge_values),
	    cmocka_unit_test(test_random_values),
	    cmocka_unit_test(test_x0_destination),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
