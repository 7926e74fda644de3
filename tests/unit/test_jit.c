/* Directed tests of the translator against the reference interpreter: small hand-assembled guest
 * programs run through rv_interp_run and rv_jit_run from the same start state; registers, pc, fflags,
 * the exit reason and the data memory must match exactly. Plus the paths only the JIT has: chaining,
 * the jump cache, invalidation, fence.i, interrupt requests and host-fault recovery. The random
 * differential tests are in test_jit_random.c; the shared harness in test_jit_harness.h. */
#include <pthread.h>
#include <time.h>

#include "tests/unit/test_jit_harness.h"

static void test_alu_directed(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	/* every integer op with mapped (a0..a5, s0, s1, sp) and memory (t0.., s2..) registers */
	static const unsigned regs[] = {2, 5, 8, 10, 11, 13, 14, 15, 17, 20, 31};
	unsigned n = sizeof(regs) / sizeof(regs[0]);
	for (unsigned k = 0; k < n; k++) {
		unsigned d = regs[k], s1 = regs[(k + 3) % n], s2 = regs[(k + 5) % n];
		asm_r(&a, RVA_ADD, d, s1, s2);
		asm_r(&a, RVA_SUB, regs[(k + 1) % n], s2, s1);
		asm_r(&a, RVA_SUB, s1, d, s1); /* rd == rs2 for a non-commutative op */
		asm_r(&a, RVA_SLL, d, s1, s2);
		asm_r(&a, RVA_SRL, s2, s1, s2);
		asm_r(&a, RVA_SRA, d, d, s1);
		asm_r(&a, RVA_SLT, d, s1, s2);
		asm_r(&a, RVA_SLTU, s1, s2, d);
		asm_r(&a, RVA_XOR, d, s1, d);
		asm_r(&a, RVA_OR, s2, s2, s1);
		asm_r(&a, RVA_AND, d, s2, s1);
		asm_r(&a, RVA_ADDW, d, s1, s2);
		asm_r(&a, RVA_SUBW, s2, d, s2);
		asm_r(&a, RVA_SLLW, d, s1, s2);
		asm_r(&a, RVA_SRLW, d, s1, d);
		asm_r(&a, RVA_SRAW, s1, s2, d);
		asm_i(&a, RVA_ADDI, d, s1, -2048);
		asm_i(&a, RVA_ADDI, s1, s1, 2047);
		asm_i(&a, RVA_SLTI, d, s2, -5);
		asm_i(&a, RVA_SLTIU, d, s2, -5);
		asm_i(&a, RVA_XORI, d, s1, -1);
		asm_i(&a, RVA_ORI, s2, d, 0x555);
		asm_i(&a, RVA_ANDI, d, s2, -16);
		asm_i(&a, RVA_ADDIW, s1, d, 100);
		asm_shift(&a, RVA_SLLI, d, s1, 63);
		asm_shift(&a, RVA_SRLI, s2, d, 1);
		asm_shift(&a, RVA_SRAI, d, s1, 35);
		asm_shift(&a, RVA_SLLIW, s1, s2, 31);
		asm_shift(&a, RVA_SRLIW, d, s1, 0);
		asm_shift(&a, RVA_SRAIW, s2, d, 7);
		asm_u(&a, RVA_LUI, d, 0x80000000u);
		asm_u(&a, RVA_AUIPC, s1, 0x7ffff000u);
		asm_r(&a, RVA_MUL, d, s1, s2);
		asm_r(&a, RVA_MULH, d, d, s2);
		asm_r(&a, RVA_MULHSU, s1, d, s2);
		asm_r(&a, RVA_MULHU, s2, s1, d);
		asm_r(&a, RVA_MULW, d, s1, s2);
		asm_r(&a, RVA_DIV, d, s1, s2);
		asm_r(&a, RVA_DIVU, s1, d, s2);
		asm_r(&a, RVA_REM, s2, s1, d);
		asm_r(&a, RVA_REMU, d, s2, s1);
		asm_r(&a, RVA_DIVW, d, s1, s2);
		asm_r(&a, RVA_DIVUW, s1, d, s2);
		asm_r(&a, RVA_REMW, s2, s1, d);
		asm_r(&a, RVA_REMUW, d, s2, s1);
		/* x0 as source and destination */
		asm_r(&a, RVA_ADD, 0, s1, s2);
		asm_r(&a, RVA_SUB, d, 0, s1);
		asm_i(&a, RVA_ADDI, s2, 0, -7);
		asm_r(&a, RVA_SLTU, d, 0, s1);
	}
	asm_ebreak(&a);
	for (uint64_t seed = 1; seed <= 8; seed++)
		check_program(&a, seed, "alu directed", NULL);
}

static void test_division_edges(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	/* a0 = INT64_MIN, a1 = -1, a3 = 0, t0 = INT32_MIN (sign-extended), t1 = 7 */
	asm_i(&a, RVA_ADDI, 10, 0, 1);
	asm_shift(&a, RVA_SLLI, 10, 10, 63);
	asm_i(&a, RVA_ADDI, 11, 0, -1);
	asm_i(&a, RVA_ADDI, 13, 0, 0);
	asm_u(&a, RVA_LUI, 5, 0x80000000u);
	asm_i(&a, RVA_ADDI, 6, 0, 7);
	static const uint32_t ops[] = {RVA_DIV,  RVA_DIVU,  RVA_REM,  RVA_REMU,
	                               RVA_DIVW, RVA_DIVUW, RVA_REMW, RVA_REMUW};
	unsigned d = 16;
	for (unsigned k = 0; k < 8; k++) {
		asm_r(&a, ops[k], d, 10, 11);     /* INT64_MIN / -1 */
		asm_r(&a, ops[k], d + 1, 10, 13); /* x / 0 */
		asm_r(&a, ops[k], d + 2, 5, 11);  /* INT32_MIN / -1 */
		asm_r(&a, ops[k], 14, 6, 0);      /* 7 / x0 */
		asm_r(&a, ops[k], 15, 5, 6);
		d = d + 3 > 28 ? 16 : d + 3;
	}
	asm_ebreak(&a);
	check_program(&a, 3, "division edges", NULL);
}

static void test_loads_stores(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	static const uint32_t stores[] = {RVA_SB, RVA_SH, RVA_SW, RVA_SD};
	static const uint32_t loads[] = {RVA_LB, RVA_LH, RVA_LW, RVA_LD, RVA_LBU, RVA_LHU, RVA_LWU};
	int off = 0;
	for (unsigned k = 0; k < 4; k++) {
		asm_s(&a, stores[k], 3, 10 + k, off); /* base gp (memory), value a0.. (mapped) */
		asm_s(&a, stores[k], 12, 20 + k,
		      off + 3);                       /* base a2 (mapped), value s4.. (memory), misaligned */
		asm_s(&a, stores[k], 3, 0, off + 16); /* x0 value */
		off += 32;
	}
	for (unsigned k = 0; k < 7; k++) {
		asm_i(&a, loads[k], 10 + (k % 6), 3, (int)(k * 9));
		asm_i(&a, loads[k], 20 + k, 12, -(int)(k * 5));
		asm_i(&a, loads[k], 0, 3, 1); /* to x0: still an access */
	}
	/* load into the base register itself */
	asm_i(&a, RVA_LD, 12, 12, 8);
	asm_ebreak(&a);
	for (int i = 0; i < DATA_SIZE; i++)
		data_init[i] = (uint8_t)(i * 37 + 0x81);
	for (uint64_t seed = 1; seed <= 4; seed++)
		check_program(&a, seed, "loads and stores", NULL);
}

static void test_loop_and_calls(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	/* t0 = 1000; loop: s0 += t0; call f; t0 -= 1; bnez t0, loop; ebreak.  f: a0 = a0*3 + s0; ret */
	asm_i(&a, RVA_ADDI, 5, 0, 1000);
	asm_i(&a, RVA_ADDI, 8, 0, 0);
	asm_i(&a, RVA_ADDI, 10, 0, 1);
	unsigned loop = a.n;
	asm_r(&a, RVA_ADD, 8, 8, 5);
	unsigned call = asm_jal(&a, 1, 0); /* patched below */
	asm_i(&a, RVA_ADDI, 5, 5, -1);
	asm_b(&a, RVA_BNE, 5, 0, (int)(loop - a.n) * 4);
	asm_ebreak(&a);
	unsigned f = a.n;
	asm_i(&a, RVA_ADDI, 6, 0, 3);
	asm_r(&a, RVA_MUL, 10, 10, 6);
	asm_r(&a, RVA_ADD, 10, 10, 8);
	asm_i(&a, RVA_JALR, 0, 1, 0);
	asm_patch_jal(&a, call, 1, (int)(f - call) * 4);
	struct outcome o;
	check_program(&a, 5, "loop with calls", &o);
	assert_int_equal(o.exit, RV_EXIT_EBREAK);
	assert_int_equal(o.cpu.x[8], 500500);
}

static void test_branches(void **state)
{
	(void)state;
	static const uint32_t ops[] = {RVA_BEQ, RVA_BNE, RVA_BLT, RVA_BGE, RVA_BLTU, RVA_BGEU};
	for (unsigned k = 0; k < 6; k++) {
		struct rv_asm a = {0};
		/* pairs: equal, less, greater, signed/unsigned disagreement; count taken branches in s1 */
		static const int64_t va[] = {5, -3, 7, -1, 0};
		static const int64_t vb[] = {5, 4, -2, 1, 0};
		asm_i(&a, RVA_ADDI, 9, 0, 0);
		for (unsigned p = 0; p < 5; p++) {
			asm_i(&a, RVA_ADDI, 10, 0, (int)va[p]);
			asm_i(&a, RVA_ADDI, 7, 0, (int)vb[p]); /* t2: memory operand */
			asm_b(&a, ops[k], 10, 7, 8);
			asm_i(&a, RVA_ADDI, 9, 9, 1 << p);
			asm_b(&a, ops[k], 7, 10, 8);
			asm_i(&a, RVA_ADDI, 9, 9, 32 << p);
			asm_b(&a, ops[k], 0, 10, 8);
			asm_i(&a, RVA_ADDI, 9, 9, 1024 << (p & 1));
		}
		asm_ebreak(&a);
		check_program(&a, 9, "branches", NULL);
	}
}

static void test_exits(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	asm_i(&a, RVA_ADDI, 10, 0, 42);
	asm_i(&a, RVA_ADDI, 17, 0, 93);
	asm_ecall(&a);
	asm_i(&a, RVA_ADDI, 10, 0, 43);
	struct outcome o;
	check_program(&a, 1, "ecall", &o);
	assert_int_equal(o.exit, RV_EXIT_ECALL);
	assert_int_equal(o.cpu.pc, CODE_ADDR + 8);
	assert_int_equal(o.cpu.x[10], 42);

	struct rv_asm ill = {0};
	asm_i(&ill, RVA_ADDI, 10, 0, 1);
	asm_word(&ill, 0xffffffffu); /* reserved encoding */
	check_program(&ill, 1, "illegal", &o);
	assert_int_equal(o.exit, RV_EXIT_ILLEGAL);
	assert_int_equal(o.cpu.pc, CODE_ADDR + 4);
}

static void test_faults(void **state)
{
	(void)state;
	struct outcome o;
	/* unmapped page inside the guest region: a host SIGSEGV recovered precisely */
	struct rv_asm a = {0};
	asm_i(&a, RVA_ADDI, 10, 0, 11);
	asm_i(&a, RVA_ADDI, 20, 0, 12); /* memory-resident register must be in *cpu */
	asm_u(&a, RVA_LUI, 11, UNMAPPED_ADDR);
	asm_i(&a, RVA_ADDI, 8, 0, 13);
	asm_i(&a, RVA_LD, 13, 11, 8);
	asm_i(&a, RVA_ADDI, 10, 0, 99);
	asm_ebreak(&a);
	check_program(&a, 1, "load fault", &o);
	assert_int_equal(o.exit, RV_EXIT_FAULT);
	assert_int_equal(o.cpu.pc, CODE_ADDR + 16);
	assert_int_equal(o.cpu.fault_addr, UNMAPPED_ADDR + 8);
	assert_int_equal(o.cpu.x[10], 11);
	assert_int_equal(o.cpu.x[8], 13);

	/* a store that straddles into a read-only page: nothing is written, the fault is precise */
	struct rv_asm s = {0};
	asm_i(&s, RVA_ADDI, 14, 0, 5);
	asm_u(&s, RVA_LUI, 7, RW_BEFORE_RO_ADDR);
	asm_s(&s, RVA_SW, 7, 14, 0x1000 - 2);
	asm_ebreak(&s);
	check_program(&s, 2, "store fault", &o);
	assert_int_equal(o.exit, RV_EXIT_FAULT);
	assert_int_equal(o.cpu.pc, CODE_ADDR + 8);
	assert_int_equal(o.cpu.fault_kind, RV_FAULT_STORE);

	/* beyond mem_limit: the inline bounds check */
	struct rv_asm b = {0};
	asm_i(&b, RVA_ADDI, 15, 0, -8);
	asm_i(&b, RVA_LBU, 9, 15, 0);
	asm_ebreak(&b);
	check_program(&b, 3, "bounds fault", &o);
	assert_int_equal(o.exit, RV_EXIT_FAULT);
	assert_int_equal(o.cpu.fault_addr, (uint64_t)-8);
	assert_int_equal(o.cpu.pc, CODE_ADDR + 4);

	/* fetching from a non-executable page */
	struct rv_asm f = {0};
	asm_u(&f, RVA_LUI, 5, DATA_ADDR);
	asm_i(&f, RVA_JALR, 0, 5, 0);
	check_program(&f, 4, "fetch fault", &o);
	assert_int_equal(o.exit, RV_EXIT_FAULT);
	assert_int_equal(o.cpu.pc, DATA_ADDR);
}

static void test_invalidate_and_fence_i(void **state)
{
	(void)state;
	struct outcome o;
	struct rv_asm a = {0};
	asm_i(&a, RVA_ADDI, 10, 0, 1);
	asm_ebreak(&a);
	check_program(&a, 1, "before rewrite", &o);
	assert_int_equal(o.cpu.x[10], 1);
	/* rewrite from outside + rv_jit_invalidate (done by load_program) */
	a.code[0] = rv_enc_i(RVA_ADDI, 10, 0, 2);
	check_program(&a, 1, "after rewrite", &o);
	assert_int_equal(o.cpu.x[10], 2);

	/* self-modifying code made visible with fence.i: the loop body's first addi is rewritten during
	 * the first pass, so the second pass must run the new instruction */
	struct rv_asm s = {0};
	asm_i(&s, RVA_ADDI, 6, 0, 2); /* passes */
	unsigned base = asm_u(&s, RVA_AUIPC, 5, 0);
	unsigned loop = asm_i(&s, RVA_ADDI, 10, 10, 1);
	unsigned lw = asm_i(&s, RVA_LW, 28, 5, 0); /* offset patched below */
	asm_s(&s, RVA_SW, 5, 28, (int)(loop - base) * 4);
	asm_fence_i(&s);
	asm_i(&s, RVA_ADDI, 6, 6, -1);
	asm_b(&s, RVA_BNE, 6, 0, (int)(loop - s.n) * 4);
	asm_ebreak(&s);
	unsigned literal = asm_word(&s, rv_enc_i(RVA_ADDI, 10, 10, 100));
	s.code[lw] = rv_enc_i(RVA_LW, 28, 5, (int)(literal - base) * 4);
	struct rv_cpu start;
	init_cpu(&start, 2);
	check_program(&s, 2, "fence.i", &o);
	assert_int_equal(o.exit, RV_EXIT_EBREAK);
	assert_int_equal(o.cpu.x[10], start.x[10] + 101);
}

/* Invalidating part of the translated code: blocks chained to the dropped ones are unchained, other
 * blocks stay. */
static void test_partial_invalidate(void **state)
{
	(void)state;
	enum { B_OFF = 0x800 };
	struct rv_asm a = {0};
	asm_i(&a, RVA_ADDI, 10, 0, 0);
	unsigned call = asm_jal(&a, 1, 0);
	asm_i(&a, RVA_ADDI, 11, 10, 0);
	asm_ebreak(&a);
	asm_patch_jal(&a, call, 1, (int)(B_OFF - call * 4));
	while (a.n < B_OFF / 4)
		asm_word(&a, 0);
	unsigned b = asm_i(&a, RVA_ADDI, 10, 10, 5);
	asm_i(&a, RVA_JALR, 0, 1, 0);
	load_program(&a);
	for (int pass = 0; pass < 3; pass++) {
		struct rv_cpu cpu;
		init_cpu(&cpu, 3);
		assert_int_equal(rv_jit_run(jit, &cpu), RV_EXIT_EBREAK);
		assert_int_equal(cpu.x[11], pass == 0 ? 5 : 7);
		/* rewrite the callee only, and tell the jit about that range alone */
		uint32_t w = rv_enc_i(RVA_ADDI, 10, 10, 7);
		assert_true(rv_mem_write(&mem, CODE_ADDR + b * 4, &w, 4));
		rv_jit_invalidate(jit, CODE_ADDR + b * 4, 4);
	}
}

/* Guest threads have one jit each: code changed through another thread's jit (e.g. its munmap/mmap or
 * riscv_flush_icache) must not keep running from this jit's translations. */
static void test_invalidate_from_other_jit(void **state)
{
	(void)state;
	struct rv_jit_options o = {0};
	struct rv_jit *other = rv_jit_create(&o);
	assert_non_null(other);
	struct rv_asm a = {0};
	asm_i(&a, RVA_ADDI, 10, 0, 1);
	asm_ebreak(&a);
	load_program(&a);
	struct rv_cpu cpu;
	init_cpu(&cpu, 1);
	assert_int_equal(rv_jit_run(jit, &cpu), RV_EXIT_EBREAK);
	assert_int_equal(cpu.x[10], 1);
	uint32_t w = rv_enc_i(RVA_ADDI, 10, 0, 2);
	assert_true(rv_mem_write(&mem, CODE_ADDR, &w, 4));
	rv_jit_invalidate(other, CODE_ADDR, 4); /* the other thread's jit has nothing translated */
	init_cpu(&cpu, 1);
	assert_int_equal(rv_jit_run(jit, &cpu), RV_EXIT_EBREAK);
	assert_int_equal(cpu.x[10], 2);
	rv_jit_destroy(other);
}

static void test_interrupt_request(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	unsigned loop = a.n;
	asm_i(&a, RVA_ADDI, 10, 10, 1);
	asm_jal(&a, 0, (int)(loop - a.n) * 4); /* endless loop */
	load_program(&a);
	struct rv_cpu cpu;
	init_cpu(&cpu, 1);
	cpu.interrupt_request = 1;
	assert_int_equal(rv_jit_run(jit, &cpu), RV_EXIT_INTERRUPT);
	assert_int_equal(cpu.pc, CODE_ADDR);
}

/* A fault in the middle of a loop block: registers lent to unmapped guest registers and FP registers
 * cached in xmm must all be back in *cpu, with pc at the faulting instruction. */
static void test_fault_in_loop(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	asm_i(&a, RVA_ADDI, 20, 3, 0); /* s4 = DATA_ADDR: walks off the end of the data mapping */
	asm_i(&a, RVA_ADDI, 21, 0, 0); /* s5: iteration count */
	unsigned loop = a.n;
	asm_r(&a, RVA_FADD_D | RVA_RM_DYN, 1, 1, 2); /* f1 += f2: cached in xmm, written */
	asm_i(&a, RVA_ADDI, 21, 21, 1);
	asm_i(&a, RVA_LD, 22, 20, 0); /* faults once s4 leaves the data mapping */
	asm_i(&a, RVA_ADDI, 20, 20, 256);
	asm_b(&a, RVA_BNE, 20, 0, (int)(loop - a.n) * 4);
	asm_ebreak(&a);
	struct outcome o;
	check_program(&a, 11, "fault in a loop", &o);
	assert_int_equal(o.exit, RV_EXIT_FAULT);
	assert_int_equal(o.cpu.x[21], DATA_SIZE / 256 + 1);
	assert_int_equal(o.cpu.fault_addr, DATA_ADDR + DATA_SIZE);
	assert_int_equal(o.cpu.pc, CODE_ADDR + 16);
}

/* Another thread sets interrupt_request while translated code spins in a loop block. */
static void *interrupt_later(void *arg)
{
	struct rv_cpu *cpu = arg;
	struct timespec ts = {0, 20 * 1000 * 1000};
	nanosleep(&ts, NULL);
	__atomic_store_n(&cpu->interrupt_request, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void run_until_interrupted(const struct rv_asm *a, const char *what)
{
	load_program(a);
	static struct rv_cpu cpu;
	init_cpu(&cpu, 1);
	cpu.x[25] = 1;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, interrupt_later, &cpu), 0);
	enum rv_exit e = rv_jit_run(jit, &cpu);
	pthread_join(th, NULL);
	if (e != RV_EXIT_INTERRUPT || cpu.x[25] < 1000)
		fail_msg("%s: exit %d after %llu iterations", what, e, (unsigned long long)cpu.x[25]);
	assert_true(cpu.pc >= CODE_ADDR && cpu.pc < CODE_ADDR + a->n * 4);
}

static void test_interrupt_running_loop(void **state)
{
	(void)state;
	/* a loop block (back edge inside the block) */
	struct rv_asm a = {0};
	unsigned loop = a.n;
	asm_i(&a, RVA_ADDI, 25, 25, 1);
	asm_b(&a, RVA_BNE, 25, 0, (int)(loop - a.n) * 4);
	run_until_interrupted(&a, "loop block");

	/* a cycle of two blocks: forward jal, then backward jal */
	struct rv_asm c = {0};
	asm_i(&c, RVA_ADDI, 25, 25, 1);
	asm_jal(&c, 0, 8);
	asm_ebreak(&c);
	asm_jal(&c, 0, -12);
	run_until_interrupted(&c, "cycle of blocks");

	/* a cycle through an indirect jump (the jump cache) */
	struct rv_asm r = {0};
	asm_u(&r, RVA_AUIPC, 5, 0);
	loop = r.n;
	asm_i(&r, RVA_ADDI, 25, 25, 1);
	asm_i(&r, RVA_JALR, 0, 5, 4);
	run_until_interrupted(&r, "indirect cycle");
}

/* A long-running loop over registers the initial mapping keeps in *cpu: the profile must move them to
 * host registers (a remap retranslates everything), and the results must not change. */
static void test_profile_remap(void **state)
{
	(void)state;
	/* loop: t1 += t2; call f; t5 ^= t1; bnez t0 (a call splits the loop into several blocks)
	 * f: t3 = t1 & 1; if (t3) t4 += 3; ret */
	struct rv_asm a = {0};
	asm_u(&a, RVA_LUI, 5, 0x40000); /* t0 = 262144 iterations */
	unsigned loop = a.n;
	asm_r(&a, RVA_ADD, 6, 6, 7);
	unsigned call = asm_jal(&a, 1, 0);
	asm_r(&a, RVA_XOR, 30, 30, 6);
	asm_i(&a, RVA_ADDI, 5, 5, -1);
	asm_b(&a, RVA_BNE, 5, 0, (int)(loop - a.n) * 4);
	asm_ebreak(&a);
	unsigned func = a.n;
	asm_patch_jal(&a, call, 1, (int)(func - call) * 4);
	asm_i(&a, RVA_ANDI, 28, 6, 1);
	asm_b(&a, RVA_BEQ, 28, 0, 8);
	asm_i(&a, RVA_ADDI, 29, 29, 3);
	asm_i(&a, RVA_JALR, 0, 1, 0);
	check_program(&a, 21, "profiled loop", NULL);

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	rv_jit_print_stats(jit, f);
	fclose(f);
	const char *r = strstr(text, "register remaps ");
	assert_non_null(r);
	unsigned long remaps = strtoul(r + strlen("register remaps "), NULL, 10);
	const char *now = strstr(text, "mapped now:");
	assert_non_null(now);
	bool has_t1 = strstr(now, " x6 ") || strstr(now, " x6)");
	free(text);
	assert_true(remaps >= 1);
	assert_true(has_t1); /* t1 is used in every block of the loop */
}

/* Fused multiply-add where x86 and RISC-V disagree on flags: inf * 0 + qNaN raises NV on RISC-V. */
static void test_fma_invalid(void **state)
{
	(void)state;
	static const uint32_t fma[] = {RVA_FMADD_D, RVA_FMSUB_D, RVA_FNMSUB_D, RVA_FNMADD_D};
	for (unsigned k = 0; k < 8; k++) {
		struct rv_asm a = {0};
		bool dbl = k < 4;
		asm_r4(&a, (fma[k % 4] & ~(dbl ? 0u : 1u << 25)) | RVA_RM_DYN, 4, 1, 2, 3);
		asm_ebreak(&a);
		struct rv_cpu start;
		init_cpu(&start, 5);
		start.f[1] = dbl ? 0x7ff0000000000000ull : 0xffffffff7f800000ull; /* inf */
		start.f[2] = dbl ? 0 : 0xffffffff00000000ull;                     /* +0 */
		start.f[3] = dbl ? 0x7ff8000000000000ull : 0xffffffff7fc00000ull; /* qNaN */
		run_both(&a, &start, &out_interp, &out_jit);
		expect_same(&out_interp, &out_jit, "fma inf*0+qNaN");
		assert_int_equal(out_jit.cpu.fflags, RV_FFLAG_NV);
	}
}

/* A block whose translation is as large as blocks get (single-precision FMAs: NaN-box checks and helper
 * fallbacks for every operand, in a loop block with a full register view) is translated in shorter
 * pieces instead of failing. */
static void test_huge_block(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	asm_i(&a, RVA_ADDI, 20, 0, 3);
	unsigned loop = a.n;
	for (unsigned k = 0; k < 70; k++)
		asm_r4(&a, (RVA_FMADD_D & ~(1u << 25)) | RVA_RM_DYN, k % 16, (k + 1) % 16, (k + 2) % 16,
		       (k + 3) % 16);
	asm_i(&a, RVA_ADDI, 20, 20, -1);
	asm_b(&a, RVA_BNE, 20, 0, (int)(loop - a.n) * 4);
	asm_ebreak(&a);
	check_program(&a, 9, "huge block", NULL);
}

/* A forward branch taken on most iterations: the profile makes blocks continue along its taken path
 * (the loop becomes one loop block); results must not change. */
static void test_follow_taken_branch(void **state)
{
	(void)state;
	struct rv_asm a = {0};
	asm_u(&a, RVA_LUI, 5, 0x30000); /* t0 = 196608 iterations */
	unsigned loop = a.n;
	asm_i(&a, RVA_ADDI, 6, 6, 1);
	asm_i(&a, RVA_ANDI, 7, 6, 7);
	asm_b(&a, RVA_BNE, 7, 0, 12); /* taken 7 times in 8 (over two registers: no conditional move) */
	asm_i(&a, RVA_ADDI, 28, 28, 5);
	asm_r(&a, RVA_ADD, 29, 29, 6);
	asm_i(&a, RVA_ADDI, 5, 5, -1);
	asm_b(&a, RVA_BNE, 5, 0, (int)(loop - a.n) * 4);
	asm_ebreak(&a);
	struct outcome o;
	check_program(&a, 31, "followed branch", &o);
	struct rv_cpu start;
	init_cpu(&start, 31);
	assert_int_equal(o.cpu.x[28], start.x[28] + 5 * (0x30000 / 8));

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	rv_jit_print_stats(jit, f);
	fclose(f);
	const char *r = strstr(text, "hot branches followed: ");
	assert_non_null(r);
	unsigned long followed = strtoul(r + strlen("hot branches followed: "), NULL, 10);
	free(text);
	assert_true(followed >= 1);
}

/* Stores into translated code WITHOUT fence.i: a jit with code_pages write-protects the guest-writable
 * pages it translates from (rv_mem_code_page_use); a store into one faults on the host, and the
 * runtime's answer (done here as rv/user/run.c does it) is rv_mem_code_write_fault, which makes the page
 * writable and reports it through mem.code_unprotected (-> rv_jit_invalidate), then the store runs
 * again. A page that keeps faulting is interpreted instead (RV_PAGE_NOJIT). */
static void smc_unprotected(struct rv_mem *m, uint64_t addr, uint64_t len)
{
	(void)m;
	rv_jit_invalidate(jit, addr, len);
}

static enum rv_exit run_jit_smc(struct rv_cpu *cpu, unsigned *code_faults)
{
	struct sigaction sa, old_segv, old_bus;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	current_jit_cpu = cpu;
	enum rv_exit e;
	for (;;) {
		e = rv_jit_run(jit, cpu);
		if (e != RV_EXIT_FAULT || !rv_mem_code_write_fault(&mem, cpu->fault_addr))
			break;
		++*code_faults;
		e = rv_interp_step(cpu); /* the store, with the page writable (as rv/user/run.c) */
		if (e != RV_EXIT_NONE)
			break;
	}
	current_jit_cpu = NULL;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return e;
}

static enum rv_exit run_interp_smc(const struct rv_asm *a, struct rv_cpu *cpu)
{
	load_program(a);
	enum rv_exit e;
	do
		e = rv_interp_run(cpu, 50000000);
	while (e == RV_EXIT_FENCE_I);
	return e;
}

static bool code_page_use(void *ctx, uint64_t addr)
{
	return rv_mem_code_page_use(ctx, addr);
}

static void test_store_into_code_without_fence_i(void **state)
{
	(void)state;
	struct rv_jit *plain = jit;
	struct rv_jit_options o = {0};
	o.code_page_use = code_page_use;
	o.code_page_ctx = &mem;
	jit = rv_jit_create(&o);
	assert_non_null(jit);
	mem.code_unprotected = smc_unprotected;
	const uint8_t *page = &mem.prot[CODE_ADDR >> RV_PAGE_SHIFT];

	/* 1. the loop body's first addi is rewritten by a plain sw during the first pass */
	struct rv_asm s = {0};
	asm_i(&s, RVA_ADDI, 6, 0, 2); /* passes */
	unsigned base = asm_u(&s, RVA_AUIPC, 5, 0);
	unsigned loop = asm_i(&s, RVA_ADDI, 10, 10, 1);
	unsigned lw = asm_i(&s, RVA_LW, 28, 5, 0); /* offset patched below */
	asm_s(&s, RVA_SW, 5, 28, (int)(loop - base) * 4);
	asm_i(&s, RVA_ADDI, 6, 6, -1);
	asm_b(&s, RVA_BNE, 6, 0, (int)(loop - s.n) * 4);
	asm_ebreak(&s);
	unsigned literal = asm_word(&s, rv_enc_i(RVA_ADDI, 10, 10, 100));
	s.code[lw] = rv_enc_i(RVA_LW, 28, 5, (int)(literal - base) * 4);
	struct rv_cpu start, ci, cj;
	init_cpu(&start, 2);
	ci = start;
	assert_int_equal(run_interp_smc(&s, &ci), RV_EXIT_EBREAK);
	assert_int_equal(ci.x[10], start.x[10] + 101);
	load_program(&s);
	cj = start;
	unsigned faults = 0;
	assert_int_equal(run_jit_smc(&cj, &faults), RV_EXIT_EBREAK);
	assert_int_equal(cj.x[10], start.x[10] + 101); /* the second pass ran the new instruction */
	assert_int_equal(faults, 2);                   /* the sw of each pass */
	assert_true(*page & RV_PAGE_CODE);             /* translated again: protected again */

	/* 2. a host write (the syscall path: rv_mem_write) into translated code needs no fault */
	uint32_t w = rv_enc_i(RVA_ADDI, 10, 10, 2);
	assert_true(rv_mem_write(&mem, CODE_ADDR + loop * 4, &w, 4));
	assert_false(*page & RV_PAGE_CODE);
	/* one pass of the loop: the new addi, then its own sw into the page (protected again) */
	cj = start;
	cj.pc = CODE_ADDR + loop * 4;
	cj.x[5] = CODE_ADDR + base * 4;
	cj.x[6] = 1;
	faults = 0;
	assert_int_equal(run_jit_smc(&cj, &faults), RV_EXIT_EBREAK);
	assert_int_equal(cj.x[10], start.x[10] + 2);
	assert_int_equal(faults, 1);

	/* 3. a loop that keeps writing a word in its own page: after RV_CODE_FAULT_LIMIT faults the page
	 * is no longer translated (interpreted), and the result is still the interpreter's */
	enum { COUNTER = 32 }; /* word index of the 8-byte counter */
	struct rv_asm d = {0};
	asm_u(&d, RVA_AUIPC, 5, 0); /* x5 = CODE_ADDR */
	asm_i(&d, RVA_ADDI, 6, 0, 200);
	unsigned dloop = asm_i(&d, RVA_LD, 28, 5, COUNTER * 4);
	asm_r(&d, RVA_ADD, 28, 28, 6);
	asm_s(&d, RVA_SD, 5, 28, COUNTER * 4);
	asm_i(&d, RVA_ADDI, 6, 6, -1);
	asm_b(&d, RVA_BNE, 6, 0, (int)(dloop - d.n) * 4);
	asm_ebreak(&d);
	while (d.n < COUNTER + 2)
		asm_word(&d, 0);
	init_cpu(&start, 4);
	ci = start;
	assert_int_equal(run_interp_smc(&d, &ci), RV_EXIT_EBREAK);
	assert_int_equal(ci.x[28], 200 * 201 / 2);
	rv_mem_protect(&mem, CODE_ADDR, CODE_SIZE, RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC); /* reset */
	rv_jit_invalidate(jit, CODE_ADDR, CODE_SIZE);
	load_program(&d);
	cj = start;
	faults = 0;
	assert_int_equal(run_jit_smc(&cj, &faults), RV_EXIT_EBREAK);
	for (int r = 0; r < 32; r++)
		assert_int_equal(cj.x[r], ci.x[r]);
	assert_int_equal(cj.pc, ci.pc);
	assert_int_equal(faults, RV_CODE_FAULT_LIMIT);
	assert_true(*page & RV_PAGE_NOJIT);
	assert_false(*page & RV_PAGE_CODE);

	/* restore the shared fixture: no protection, the plain jit */
	mem.code_unprotected = NULL;
	rv_mem_protect(&mem, CODE_ADDR, CODE_SIZE, RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	rv_jit_destroy(jit);
	jit = plain;
	rv_jit_invalidate(jit, CODE_ADDR, CODE_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alu_directed),
	    cmocka_unit_test(test_division_edges),
	    cmocka_unit_test(test_loads_stores),
	    cmocka_unit_test(test_loop_and_calls),
	    cmocka_unit_test(test_branches),
	    cmocka_unit_test(test_exits),
	    cmocka_unit_test(test_faults),
	    cmocka_unit_test(test_invalidate_and_fence_i),
	    cmocka_unit_test(test_invalidate_from_other_jit),
	    cmocka_unit_test(test_interrupt_request),
	    cmocka_unit_test(test_partial_invalidate),
	    cmocka_unit_test(test_huge_block),
	    cmocka_unit_test(test_fma_invalid),
	    cmocka_unit_test(test_profile_remap),
	    cmocka_unit_test(test_follow_taken_branch),
	    cmocka_unit_test(test_fault_in_loop),
	    cmocka_unit_test(test_interrupt_running_loop),
	    cmocka_unit_test(test_store_into_code_without_fence_i),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
