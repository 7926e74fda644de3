/* The translator's Zba, Zbb, Zbs and Zicond code (rv/jit/translate_bitmanip.c) against the interpreter,
 * twice: with the host's BMI1/BMI2/LZCNT/POPCNT (what jit_host_isa() found) and with none of them (the
 * baseline sequences, forced with jit_host_isa_override). Every op runs with its operands in mapped host
 * registers, in *cpu, x0, with rd equal to rs1, to rs2, to both, and x0 as rd; on random values and on
 * edge values (0, all ones, sign bits, bit 31/32, shift amounts 0/31/32/63/64, zero bytes); inside loop
 * blocks (registers lent to unmapped guest registers); and the code each path emits is checked for the
 * host instructions it should (and should not) use. */
#include "rv/jit/host_isa.h"
#include "tests/unit/test_jit_harness.h"

/* Encodings: the opcode/funct3/funct7 bits (R), or with the whole imm[11:0] (U: unary ops), or with
 * funct6/funct7 and a shift amount of 6 or 5 bits (I6, I5). */
enum kind { R, U, I6, I5 };
struct op {
	const char *name;
	enum kind kind;
	uint32_t bits;
};
#define OPB(opc, f3, top) ((uint32_t)(opc) | (uint32_t)(f3) << 12 | (uint32_t)(top))
#define F7(f7)            ((uint32_t)(f7) << 25)
#define IMM12(v)          ((uint32_t)(v) << 20)
enum { OP_IMM = 0x13, OP_IMM_32 = 0x1b, OP = 0x33, OP_32 = 0x3b };

static const struct op ops[] = {
    {"add.uw", R, OPB(OP_32, 0, F7(0x04))},
    {"sh1add", R, OPB(OP, 2, F7(0x10))},
    {"sh2add", R, OPB(OP, 4, F7(0x10))},
    {"sh3add", R, OPB(OP, 6, F7(0x10))},
    {"sh1add.uw", R, OPB(OP_32, 2, F7(0x10))},
    {"sh2add.uw", R, OPB(OP_32, 4, F7(0x10))},
    {"sh3add.uw", R, OPB(OP_32, 6, F7(0x10))},
    {"slli.uw", I6, OPB(OP_IMM_32, 1, F7(0x04))},
    {"andn", R, OPB(OP, 7, F7(0x20))},
    {"orn", R, OPB(OP, 6, F7(0x20))},
    {"xnor", R, OPB(OP, 4, F7(0x20))},
    {"clz", U, OPB(OP_IMM, 1, IMM12(0x600))},
    {"clzw", U, OPB(OP_IMM_32, 1, IMM12(0x600))},
    {"ctz", U, OPB(OP_IMM, 1, IMM12(0x601))},
    {"ctzw", U, OPB(OP_IMM_32, 1, IMM12(0x601))},
    {"cpop", U, OPB(OP_IMM, 1, IMM12(0x602))},
    {"cpopw", U, OPB(OP_IMM_32, 1, IMM12(0x602))},
    {"max", R, OPB(OP, 6, F7(0x05))},
    {"maxu", R, OPB(OP, 7, F7(0x05))},
    {"min", R, OPB(OP, 4, F7(0x05))},
    {"minu", R, OPB(OP, 5, F7(0x05))},
    {"sext.b", U, OPB(OP_IMM, 1, IMM12(0x604))},
    {"sext.h", U, OPB(OP_IMM, 1, IMM12(0x605))},
    {"zext.h", U, OPB(OP_32, 4, IMM12(0x080))},
    {"rol", R, OPB(OP, 1, F7(0x30))},
    {"rolw", R, OPB(OP_32, 1, F7(0x30))},
    {"ror", R, OPB(OP, 5, F7(0x30))},
    {"rori", I6, OPB(OP_IMM, 5, F7(0x30))},
    {"roriw", I5, OPB(OP_IMM_32, 5, F7(0x30))},
    {"rorw", R, OPB(OP_32, 5, F7(0x30))},
    {"orc.b", U, OPB(OP_IMM, 5, IMM12(0x287))},
    {"rev8", U, OPB(OP_IMM, 5, IMM12(0x6b8))},
    {"bclr", R, OPB(OP, 1, F7(0x24))},
    {"bclri", I6, OPB(OP_IMM, 1, F7(0x24))},
    {"bext", R, OPB(OP, 5, F7(0x24))},
    {"bexti", I6, OPB(OP_IMM, 5, F7(0x24))},
    {"binv", R, OPB(OP, 1, F7(0x34))},
    {"binvi", I6, OPB(OP_IMM, 1, F7(0x34))},
    {"bset", R, OPB(OP, 1, F7(0x14))},
    {"bseti", I6, OPB(OP_IMM, 1, F7(0x14))},
    {"czero.eqz", R, OPB(OP, 5, F7(0x07))},
    {"czero.nez", R, OPB(OP, 7, F7(0x07))},
};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

static uint32_t encode(const struct op *o, unsigned rd, unsigned rs1, unsigned rs2, unsigned shamt)
{
	uint32_t w = o->bits | (rd & 31) << 7 | (rs1 & 31) << 15;
	switch (o->kind) {
	case R: return w | (rs2 & 31) << 20;
	case U: return w;
	case I6: return w | (shamt & 63) << 20;
	case I5: return w | (shamt & 31) << 20;
	}
	return w;
}

/* Operand registers: x10, x11, x12, x14, x9, x2 are in host registers with the default mapping; x5, x6,
 * x7, x28, x29, x30 live in *cpu. (rd, rs1, rs2) triples cover every combination of the two kinds, x0
 * in each position and every aliasing. */
static const uint8_t operand_sets[][3] = {
    {10, 11, 12}, {28, 29, 30}, {10, 28, 29}, {28, 10, 11}, {28, 29, 10}, {10, 28, 11},
    {10, 11, 28}, {11, 11, 12}, {12, 11, 12}, {14, 14, 14}, {29, 29, 30}, {30, 29, 30},
    {5, 5, 5},    {9, 5, 9},    {9, 9, 5},    {6, 2, 2},    {7, 0, 11},   {10, 11, 0},
    {29, 0, 28},  {28, 30, 0},  {0, 11, 12},  {0, 28, 29},  {10, 0, 0},
};
#define N_SETS (sizeof(operand_sets) / sizeof(operand_sets[0]))

static const unsigned shamts[] = {0, 1, 31, 32, 63, 17};

/* One op in every operand set (shift amounts cycling through shamts), then ebreak. */
static void program_for(const struct op *o, struct rv_asm *a)
{
	a->n = 0;
	for (unsigned i = 0; i < N_SETS; i++)
		asm_word(a, encode(o, operand_sets[i][0], operand_sets[i][1], operand_sets[i][2],
		                   shamts[i % (sizeof(shamts) / sizeof(shamts[0]))]));
	asm_ebreak(a);
}

static const uint64_t edge_values[] = {
    0,
    1,
    0xffffffffffffffffull,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0x0000000080000000ull,
    0x00000000ffffffffull,
    0xffffffff80000000ull,
    0x0000000100000000ull,
    31,
    32,
    63,
    64,
    0x0000ff0000010000ull,
    0x00ff00ff00ff00ffull,
    0x0123456789abcdefull,
    0x80,
    0x8000,
};
#define N_EDGES (sizeof(edge_values) / sizeof(edge_values[0]))

/* Start state: random registers (fill 0), edge values everywhere (fill 1), or a mix (fill 2). */
static void start_state(struct rv_cpu *cpu, uint64_t seed, unsigned fill)
{
	init_cpu(cpu, seed);
	for (unsigned r = 1; r < 32; r++) {
		if (fill == 1 || (fill == 2 && (r + seed) % 2))
			cpu->x[r] = edge_values[(r * 7 + seed) % N_EDGES];
		if (fill == 2 && (r + seed) % 5 == 0)
			cpu->x[r] &= 0xff00ff0000ff00ffull; /* whole zero bytes (orc.b) */
	}
}

static const struct jit_host_isa baseline_isa = {false, false, false, false};

static void run_every_op(const char *path)
{
	static struct rv_asm a;
	struct rv_cpu start;
	char what[96];
	for (size_t k = 0; k < N_OPS; k++) {
		program_for(&ops[k], &a);
		for (uint64_t seed = 1; seed <= 24; seed++) {
			start_state(&start, seed, (unsigned)(seed % 3));
			run_both(&a, &start, &out_interp, &out_jit);
			snprintf(what, sizeof(what), "%s (%s), seed %llu", ops[k].name, path,
			         (unsigned long long)seed);
			expect_same(&out_interp, &out_jit, what);
			assert_int_equal(out_interp.exit, RV_EXIT_EBREAK);
		}
	}
}

static void test_every_op_host_isa(void **state)
{
	(void)state;
	jit_host_isa_override(NULL);
	run_every_op("host extensions");
}

static void test_every_op_baseline(void **state)
{
	(void)state;
	jit_host_isa_override(&baseline_isa);
	run_every_op("baseline x86-64");
	jit_host_isa_override(NULL);
}

/* A loop block whose body uses unmapped registers (lent host registers inside the loop) with a mix of
 * the ops, 40 iterations, values feeding each other. */
static void loop_program(struct rv_asm *a, uint64_t seed)
{
	a->n = 0;
	asm_i(a, RVA_ADDI, 31, 0, 40);
	unsigned head = a->n;
	uint64_t s = seed;
	for (unsigned i = 0; i < 12; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		const struct op *o = &ops[(s >> 33) % N_OPS];
		static const uint8_t regs[] = {28, 29, 30, 5, 6, 7, 10, 11};
		unsigned rd = regs[(s >> 20) % 8], rs1 = regs[(s >> 24) % 8], rs2 = regs[(s >> 28) % 8];
		asm_word(a, encode(o, rd, rs1, rs2, (unsigned)(s >> 40)));
	}
	asm_i(a, RVA_ADDI, 31, 31, -1);
	asm_b(a, RVA_BNE, 31, 0, -(int)(4 * (a->n - head)));
	asm_ebreak(a);
}

static void test_loop_blocks(void **state)
{
	(void)state;
	static struct rv_asm a;
	struct rv_cpu start;
	char what[64];
	for (int path = 0; path < 2; path++) {
		jit_host_isa_override(path ? &baseline_isa : NULL);
		for (uint64_t seed = 1; seed <= 60; seed++) {
			loop_program(&a, seed);
			start_state(&start, seed, (unsigned)(seed % 3));
			run_both(&a, &start, &out_interp, &out_jit);
			snprintf(what, sizeof(what), "loop %llu (%s)", (unsigned long long)seed,
			         path ? "baseline" : "host");
			expect_same(&out_interp, &out_jit, what);
		}
	}
	jit_host_isa_override(NULL);
}

/* The x86 text --dump-jit prints for a block with clz, ctz, cpop, andn and rori, translated with the
 * given host ISA (a jit of its own that dumps into a temporary file). */
static void dump_block(const struct jit_host_isa *isa, char *text, size_t size)
{
	static struct rv_asm a;
	struct rv_cpu start;
	static const char *const names[] = {"clz", "ctz", "cpop", "andn", "rori"};
	a.n = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t k = 0; k < N_OPS; k++)
			if (strcmp(ops[k].name, names[i]) == 0)
				asm_word(&a, encode(&ops[k], 10, 11, 12, 7));
	asm_ebreak(&a);
	FILE *f = tmpfile();
	assert_non_null(f);
	struct rv_jit_options o = {.dump = f};
	struct rv_jit *saved = jit;
	jit_host_isa_override(isa);
	jit = rv_jit_create(&o);
	assert_non_null(jit);
	start_state(&start, 5, 0);
	run_both(&a, &start, &out_interp, &out_jit);
	expect_same(&out_interp, &out_jit, "dumped block");
	rv_jit_destroy(jit);
	jit = saved;
	jit_host_isa_override(NULL);
	rewind(f);
	size_t n = fread(text, 1, size - 1, f);
	text[n] = '\0';
	fclose(f);
}

/* Whether an x86 instruction line of the dump (indented by 6, after the guest instruction lines) has
 * the mnemonic. */
static bool host_code_has(const char *text, const char *mnemonic)
{
	for (const char *line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t len = strcspn(line, "\n");
		if (strncmp(line, "      0x", 8) != 0)
			continue;
		char buf[256];
		snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) - 1 ? len : sizeof(buf) - 1),
		         line);
		if (strstr(buf, mnemonic))
			return true;
	}
	return false;
}

static void test_code_uses_host_extensions(void **state)
{
	(void)state;
	static char text[1 << 16];
	const struct jit_host_isa *host = jit_host_isa();
	dump_block(host, text, sizeof(text));
	/* each op by its host instruction when the host has it, else the baseline sequence */
	assert_true(host_code_has(text, "lzcnt") == host->lzcnt);
	assert_true(host_code_has(text, "tzcnt") == host->bmi1);
	assert_true(host_code_has(text, "popcnt") == host->popcnt);
	assert_true(host_code_has(text, "andn") == host->bmi1);
	assert_true(host_code_has(text, "rorx") == host->bmi2);
	assert_true(host_code_has(text, "bsr") == !host->lzcnt);
	assert_true(host_code_has(text, "bsf") == !host->bmi1);

	dump_block(&baseline_isa, text, sizeof(text));
	static const char *const absent[] = {"lzcnt", "tzcnt", "popcnt", "andn", "rorx"};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (host_code_has(text, absent[i]))
			fail_msg("baseline code uses %s", absent[i]);
	assert_true(host_code_has(text, "bsr"));
	assert_true(host_code_has(text, "bsf"));
	assert_true(host_code_has(text, "imul")); /* the SWAR population count's final sum */
	assert_true(host_code_has(text, "ror"));
	/* and the guest side of the dump names the ops */
	assert_non_null(strstr(text, "clz x10,x11"));
	assert_non_null(strstr(text, "rori x10,x11,0x7"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_op_host_isa),
	    cmocka_unit_test(test_every_op_baseline),
	    cmocka_unit_test(test_loop_blocks),
	    cmocka_unit_test(test_code_uses_host_extensions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
