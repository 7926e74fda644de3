/* The translator's local optimisations against the reference interpreter (the harness of test_jit.c):
 * inner forward branches (a forward branch to a later instruction of its block jumps there inside the
 * block), fused pairs (slli/srli zero-extension, lui/addi(w), auipc/addi) and positive offsets folded
 * into the access (with the guard gap after mem_limit, the helper for a base at or above the limit, and
 * addresses that wrap around), short forms (andi 0xff as movzx, srliw without the sign-extension),
 * conditional moves (a branch over one computation), and the NOPs that align loop heads.
 * Each test of the translator also checks, from the jit's statistics, that the optimisation it is about
 * was used, so that it cannot pass by testing the plain translation only. The jit runs without the profile
 * (KARASU_RV_JIT_FIXED_MAP): inner branches are made only after profiling. */
#include "tests/unit/test_jit_harness.h"

#include <capstone/capstone.h>

#include "rv/jit/jit_internal.h" /* jit_follow_add, x86_align */

/* Guest registers: some in host registers (a0..a5, s0, s1, sp), some in *cpu (t0, t1, s2..). */
static const unsigned regs[] = {10, 5, 11, 18, 13, 20, 8, 31, 14, 6};
#define N_REGS (sizeof(regs) / sizeof(regs[0]))

static void test_fused_pairs(void **state)
{
	(void)state;
	unsigned long before = stat_value("fused pairs ");
	struct rv_asm a = {0};
	for (unsigned k = 0; k < N_REGS; k++) {
		unsigned d = regs[k], s = regs[(k + 3) % N_REGS];
		asm_shift(&a, RVA_SLLI, d, s, 32); /* zext.w rd, rs */
		asm_shift(&a, RVA_SRLI, d, d, 32);
		asm_shift(&a, RVA_SLLI, s, s, 32); /* in place */
		asm_shift(&a, RVA_SRLI, s, s, 32);
		asm_shift(&a, RVA_SLLI, d, s, 48); /* zext.h */
		asm_shift(&a, RVA_SLLI, d, d, 48); /* not a pair: both slli */
		asm_shift(&a, RVA_SLLI, d, regs[(k + 5) % N_REGS], 48);
		asm_shift(&a, RVA_SRLI, d, d, 48);
		asm_shift(&a, RVA_SLLI, d, 0, 32); /* from x0 */
		asm_shift(&a, RVA_SRLI, d, d, 32);
		asm_shift(&a, RVA_SLLI, d, s, 32); /* srli of another register: not a pair */
		asm_shift(&a, RVA_SRLI, d, s, 32);
		asm_shift(&a, RVA_SLLI, d, s, 40); /* other amounts: not a pair */
		asm_shift(&a, RVA_SRLI, d, d, 40);
		asm_u(&a, RVA_LUI, d, 0x80000000u); /* constants: sign-extended lui, then addi */
		asm_i(&a, RVA_ADDI, d, d, -1);
		asm_u(&a, RVA_LUI, s, 0x7ffff000u);
		asm_i(&a, RVA_ADDIW, s, s, 0x7ff); /* addiw overflows to negative */
		asm_u(&a, RVA_LUI, d, 0x12345000u);
		asm_i(&a, RVA_ADDIW, d, d, -0x800);
		asm_u(&a, RVA_AUIPC, d, 0xfffff000u);
		asm_i(&a, RVA_ADDI, d, d, 0x7f0);
		asm_u(&a, RVA_LUI, 0, 0x1000); /* rd = x0: not fused, nothing written */
		asm_i(&a, RVA_ADDI, 0, 0, 5);
	}
	asm_ebreak(&a);
	for (uint64_t seed = 1; seed <= 4; seed++)
		check_program(&a, seed, "fused pairs", NULL);
	assert_true(stat_value("fused pairs ") > before);
}

/* Short forms: andi rd, rs, 0xff as one movzx (from a host register, from *cpu, in place, x0) and srliw
 * by 1..31 without the sign-extension (its bit 31 is 0); srliw by 0 (sext.w), sraiw and other andi
 * masks keep the general translation. The registers start random, so bits 7 and 31 are set in some. */
static void test_short_forms(void **state)
{
	(void)state;
	unsigned long before = stat_value("short forms ");
	struct rv_asm a = {0};
	for (unsigned k = 0; k < N_REGS; k++) {
		unsigned d = regs[k], s = regs[(k + 3) % N_REGS], u = regs[(k + 6) % N_REGS];
		asm_i(&a, RVA_ANDI, d, s, 0xff);
		asm_r(&a, RVA_ADD, u, u, d);
		asm_i(&a, RVA_ANDI, s, s, 0xff); /* in place */
		asm_i(&a, RVA_ANDI, d, u, 0x7f); /* another mask */
		asm_i(&a, RVA_ANDI, u, 0, 0xff); /* from x0 */
		asm_i(&a, RVA_ANDI, 0, d, 0xff); /* to x0: nothing written */
		asm_r(&a, RVA_MUL, s, s, 10 + k % 6);
		asm_shift(&a, RVA_SRLIW, d, s, 1);
		asm_shift(&a, RVA_SRLIW, u, d, 31);
		asm_shift(&a, RVA_SRLIW, s, s, 0); /* sext.w: sign-extends */
		asm_r(&a, RVA_SUB, d, d, s);
		asm_shift(&a, RVA_SRLIW, d, d, 7); /* in place */
		asm_shift(&a, RVA_SRAIW, u, s, 3);
		asm_r(&a, RVA_XOR, s, s, u);
	}
	asm_ebreak(&a);
	for (uint64_t seed = 1; seed <= 8; seed++)
		check_program(&a, seed, "short forms", NULL);
	assert_true(stat_value("short forms ") > before);
}

/* If-conversion: a branch over one or two instructions computing one register becomes a conditional
 * move (in a host register or in *cpu; rd read by the skipped code or by the branch; a fused pair;
 * every condition, taken or not depending on the random registers); a skip over an instruction that is
 * not a pure register operation, over two writing different registers, or with another branch landing
 * in the skipped part stays a jump. */
static void test_selects(void **state)
{
	(void)state;
	unsigned long before = stat_value("conditional moves ");
	static const uint32_t conds[] = {RVA_BEQ, RVA_BNE, RVA_BLT, RVA_BGE, RVA_BLTU, RVA_BGEU};
	struct rv_asm a = {0};
	for (unsigned k = 0; k < N_REGS; k++) {
		unsigned d = regs[k], s = regs[(k + 3) % N_REGS], u = regs[(k + 6) % N_REGS];
		uint32_t cond = conds[k % 6];
		asm_i(&a, RVA_ANDI, u, s, 1); /* CRC-style: if the low bit is set */
		asm_b(&a, RVA_BEQ, u, 0, 8);
		asm_r(&a, RVA_XOR, d, d, s);
		asm_b(&a, cond, d, s, 12); /* a fused pair: zext.h */
		asm_shift(&a, RVA_SLLI, d, u, 48);
		asm_shift(&a, RVA_SRLI, d, d, 48);
		asm_b(&a, cond, s, d, 12); /* two instructions, not a pair */
		asm_i(&a, RVA_ADDI, d, d, 5);
		asm_i(&a, RVA_XORI, d, d, -3);
		asm_b(&a, cond, d, 0, 8); /* the branch reads rd */
		asm_r(&a, RVA_SUB, d, s, d);
		asm_b(&a, cond, u, d, 8);
		asm_u(&a, RVA_AUIPC, u, 0x1000);
		asm_b(&a, cond, s, u, 8);
		asm_u(&a, RVA_LUI, s, 0x80000000u);
		asm_b(&a, cond, d, u, 8); /* not pure: a multiplication */
		asm_r(&a, RVA_MUL, d, d, u);
		asm_b(&a, cond, u, s, 12); /* two registers written */
		asm_i(&a, RVA_ADDI, d, d, 1);
		asm_i(&a, RVA_ADDI, u, u, 1);
		asm_b(&a, cond, u, 0, 12); /* lands on the second instruction the next one skips */
		asm_b(&a, cond, d, s, 12);
		asm_i(&a, RVA_ADDI, s, s, 7);
		asm_i(&a, RVA_ADDI, s, s, 1);
		asm_r(&a, RVA_ADD, u, u, d);
	}
	asm_ebreak(&a);
	for (uint64_t seed = 1; seed <= 12; seed++)
		check_program(&a, seed, "conditional moves", NULL);
	assert_true(stat_value("conditional moves ") > before);
}

/* A branch over one computation that the profile says is mostly taken is not followed (the block would
 * leave through a side exit whenever it is not taken) but becomes a conditional move: the same loop as
 * test_follow_taken_branch in test_jit.c, with its branch put in the follow set by hand (this jit does
 * not profile). */
static void test_select_instead_of_follow(void **state)
{
	(void)state;
	unsigned long before = stat_value("conditional moves ");
	struct rv_asm a = {0};
	asm_u(&a, RVA_LUI, 5, 0x1000); /* 4096 iterations */
	unsigned loop = a.n;
	asm_i(&a, RVA_ADDI, 6, 6, 1);
	asm_i(&a, RVA_ANDI, 7, 6, 7);
	unsigned branch = asm_b(&a, RVA_BNE, 7, 0, 8); /* taken 7 times in 8 */
	asm_i(&a, RVA_ADDI, 28, 28, 5);
	asm_r(&a, RVA_ADD, 29, 29, 6);
	asm_i(&a, RVA_ADDI, 5, 5, -1);
	asm_b(&a, RVA_BNE, 5, 0, (int)(loop - a.n) * 4);
	asm_ebreak(&a);
	jit_follow_add(jit, CODE_ADDR + 4 * (uint64_t)branch);
	struct outcome o;
	check_program(&a, 5, "branch over one computation", &o);
	struct rv_cpu start;
	init_cpu(&start, 5);
	assert_int_equal(o.cpu.x[28], start.x[28] + 5 * (0x1000 / 8));
	assert_true(stat_value("conditional moves ") > before);
}

/* Loop heads are aligned with NOPs (x86_align): from every offset, the padding ends at the alignment and
 * capstone decodes it as NOPs only, which end exactly there (no instruction runs into the aligned code). */
static void test_loop_head_padding(void **state)
{
	(void)state;
	csh cs;
	assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
	static uint8_t code[256] __attribute__((aligned(64)));
	for (unsigned off = 0; off < 64; off++) {
		struct x86_buf b;
		x86_buf_init(&b, code, sizeof(code), 0);
		for (unsigned k = 0; k < off; k++)
			x86_byte(&b, 0xcc);
		x86_align(&b, 32);
		size_t len = (size_t)(b.p - code);
		assert_false(b.overflow);
		assert_int_equal(len % 32, 0);
		assert_true(len - off < 32);
		size_t pos = off;
		while (pos < len) {
			cs_insn *insn;
			size_t n = cs_disasm(cs, code + pos, len - pos, (uint64_t)pos, 1, &insn);
			assert_int_equal(n, 1);
			assert_true(strncmp(insn[0].mnemonic, "nop", 3) == 0);
			pos += insn[0].size;
			cs_free(insn, n);
		}
		assert_int_equal(pos, len);
	}
	cs_close(&cs);
}

/* A pair whose second instruction is the target of an inner branch is not fused: the branch lands on
 * the srli, which must run alone. */
static void test_pair_split_by_branch(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	for (unsigned k = 0; k < 4; k++) {
		asm_i(&a, RVA_ANDI, 6, 10 + k, 1);
		asm_b(&a, RVA_BEQ, 6, 0, 8);         /* to the srli when even */
		asm_shift(&a, RVA_SLLI, 11, 12, 32); /* odd: a1 = zext.w(a2) */
		asm_shift(&a, RVA_SRLI, 11, 11, 32); /* even: a1 >>= 32 */
		asm_r(&a, RVA_ADD, 13, 13, 11);
	}
	asm_ebreak(&a);
	for (uint64_t seed = 1; seed <= 8; seed++)
		check_program(&a, seed, "pair split by a branch", NULL);
}

/* If-then code in loops and in straight code: taken and not taken (data-dependent), several branches
 * to one target, a branch to the block's last instruction, nested skips. */
static void test_inner_branches(void **state)
{
	(void)state;
	unsigned long before = stat_value("inner forward branches ");
	struct rv_asm a = {0};
	asm_i(&a, RVA_ADDI, 28, 0, 200); /* t3 = iterations */
	unsigned loop = a.n;
	/* a CRC-like step: x = (x >> 1) ^ (odd ? poly : 0), with the xor skipped when even */
	asm_i(&a, RVA_ANDI, 6, 10, 1);
	asm_shift(&a, RVA_SRLI, 10, 10, 1);
	asm_b(&a, RVA_BEQ, 6, 0, 8);
	asm_r(&a, RVA_XOR, 10, 10, 11);
	/* nested: if (t1 & 2) { s2 += 3; if (t1 & 4) s3 += s2; } */
	asm_i(&a, RVA_ANDI, 7, 10, 2);
	asm_b(&a, RVA_BEQ, 7, 0, 20);
	asm_i(&a, RVA_ADDI, 18, 18, 3);
	asm_i(&a, RVA_ANDI, 7, 10, 4);
	asm_b(&a, RVA_BEQ, 7, 0, 8);
	asm_r(&a, RVA_ADD, 19, 19, 18);
	/* two branches to one target */
	asm_b(&a, RVA_BLTU, 10, 11, 12);
	asm_b(&a, RVA_BEQ, 18, 19, 8);
	asm_i(&a, RVA_ADDI, 20, 20, 1);
	asm_i(&a, RVA_ADDI, 28, 28, -1);
	asm_b(&a, RVA_BNE, 28, 0, (int)(loop - a.n) * 4);
	/* straight code: a branch to the last instruction of its block (the ebreak ends it) */
	asm_b(&a, RVA_BGE, 12, 13, 8);
	asm_i(&a, RVA_ADDI, 21, 21, 7);
	asm_ebreak(&a);
	for (uint64_t seed = 1; seed <= 8; seed++)
		check_program(&a, seed, "inner branches", NULL);
	assert_true(stat_value("inner forward branches ") > before);
}

/* An inner branch that skips a faulting load: taken, nothing faults; not taken, the fault is reported
 * at the load with the registers of that point (fault recovery inside a block with inner jumps). */
static void test_inner_branch_over_fault(void **state)
{
	(void)state;
	for (int taken = 0; taken < 2; taken++) {
		struct rv_asm a = {0};
		asm_i(&a, RVA_ADDI, 6, 0, taken);
		asm_u(&a, RVA_LUI, 7, UNMAPPED_ADDR);
		asm_i(&a, RVA_ADDI, 18, 18, 1);
		asm_b(&a, RVA_BNE, 6, 0, 12);
		asm_i(&a, RVA_ADDI, 19, 19, 1);
		asm_i(&a, RVA_LW, 20, 7, 16); /* faults */
		asm_i(&a, RVA_ADDI, 21, 21, 1);
		asm_ebreak(&a);
		struct outcome o;
		check_program(&a, 5, taken ? "branch over a fault (taken)" : "branch over a fault", &o);
		assert_int_equal(o.exit, taken ? RV_EXIT_EBREAK : RV_EXIT_FAULT);
	}
}

/* Positive offsets folded into the access: from host and *cpu registers, every width, and at the edges:
 * an access that starts below mem_limit and ends past it (the guard gap), a base at or above the limit
 * (the helper), a base that wraps around 2^64, and a folded access to an unmapped page. */
static void test_folded_offsets(void **state)
{
	(void)state;
	static const uint32_t stores[] = {RVA_SB, RVA_SH, RVA_SW, RVA_SD};
	static const uint32_t loads[] = {RVA_LB, RVA_LH, RVA_LW, RVA_LD, RVA_LBU, RVA_LHU, RVA_LWU};
	struct rv_asm a = {0};
	for (unsigned k = 0; k < 4; k++) {
		asm_s(&a, stores[k], 3, 10 + k, 8 + 33 * (int)k);    /* base gp: in *cpu */
		asm_s(&a, stores[k], 12, 20 + k, 2047 - 8 * (int)k); /* base a2: host register */
	}
	for (unsigned k = 0; k < 7; k++) {
		static const unsigned dest[] = {10, 11, 13, 14, 15, 16, 17}; /* not a2, the next base */
		asm_i(&a, loads[k], dest[k], 3, (int)(k * 9 + 1));
		asm_i(&a, loads[k], 20 + k, 12, 2040 - (int)k);
		asm_i(&a, loads[k], 12, 12, (int)k + 1); /* rd = base */
		asm_i(&a, RVA_ADDI, 12, 0, 0);
		asm_u(&a, RVA_LUI, 12, DATA_ADDR);
		asm_i(&a, RVA_ADDI, 12, 12, 0x100);
	}
	asm_ebreak(&a);
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct outcome o;
		check_program(&a, seed, "folded offsets", &o);
		assert_int_equal(o.exit, RV_EXIT_EBREAK); /* every access inside the data page */
	}

	/* edges: each program ends at its access, which faults (the fault address must be the
	 * interpreter's) */
	static const struct {
		uint64_t base;
		int off;
		uint32_t op;
	} edges[] = {
	    {MEM_LIMIT - 4, 2, RVA_LW},             /* starts below the limit, ends in the guard gap */
	    {MEM_LIMIT - 8, 8, RVA_LD},             /* starts at the limit */
	    {MEM_LIMIT - 2, 2040, RVA_LBU},         /* far into the guard gap */
	    {MEM_LIMIT, 4, RVA_LW},                 /* base at the limit: the helper */
	    {UINT64_MAX - 7, 16, RVA_LD},           /* wraps around to 8: unmapped page 0 */
	    {UNMAPPED_ADDR, 100, RVA_LHU},          /* an unmapped page inside the region */
	    {RO_ADDR, 8, RVA_SW},                   /* a read-only page */
	    {RW_BEFORE_RO_ADDR + 0xffc, 2, RVA_SW}, /* straddles into the read-only page */
	};
	for (unsigned e = 0; e < sizeof(edges) / sizeof(edges[0]); e++) {
		for (int in_cpu = 0; in_cpu < 2; in_cpu++) {
			struct rv_asm p = {0};
			unsigned base = in_cpu ? 7 : 11; /* t2 (in *cpu) or a1 (host register) */
			asm_i(&p, RVA_ADDI, base, 0, 0);
			/* base = edges[e].base, built a byte at a time from the top */
			for (int shift = 56; shift >= 0; shift -= 8) {
				asm_shift(&p, RVA_SLLI, base, base, 8);
				asm_i(&p, RVA_ORI, base, base, (int)((edges[e].base >> shift) & 0xff));
			}
			asm_i(&p, RVA_ADDI, 18, 18, 1);
			if ((edges[e].op & 0x7f) == 0x23)
				asm_s(&p, edges[e].op, base, 10, edges[e].off);
			else
				asm_i(&p, edges[e].op, 20, base, edges[e].off);
			asm_i(&p, RVA_ADDI, 19, 19, 1);
			asm_ebreak(&p);
			struct outcome o;
			check_program(&p, 3, "folded offset at an edge", &o);
			assert_int_equal(o.exit, RV_EXIT_FAULT);
		}
	}
}

int main(void)
{
	setenv("KARASU_RV_JIT_FIXED_MAP", "1", 1); /* no profile: inner branches from the first translation */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fused_pairs),       cmocka_unit_test(test_pair_split_by_branch),
	    cmocka_unit_test(test_inner_branches),    cmocka_unit_test(test_inner_branch_over_fault),
	    cmocka_unit_test(test_folded_offsets),    cmocka_unit_test(test_short_forms),
	    cmocka_unit_test(test_selects),           cmocka_unit_test(test_select_instead_of_follow),
	    cmocka_unit_test(test_loop_head_padding),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
