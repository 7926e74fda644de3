/* Random differential tests of the translator: seeded random integer programs, FP programs over special
 * values and counted loops, each run through the interpreter and the translator from the same start
 * state and compared exactly (tests/unit/test_jit_harness.h). The directed tests are in test_jit.c. */
#include "tests/unit/test_jit_harness.h"

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random straight-line and forward-branching programs over all integer ops, loads and stores. */
static void test_random_programs(void **state)
{
	(void)state;
	static const uint32_t rops[] = {RVA_ADD,   RVA_SUB,   RVA_SLL,  RVA_SLT,  RVA_SLTU, RVA_XOR,
	                                RVA_SRL,   RVA_SRA,   RVA_OR,   RVA_AND,  RVA_ADDW, RVA_SUBW,
	                                RVA_SLLW,  RVA_SRLW,  RVA_SRAW, RVA_MUL,  RVA_MULH, RVA_MULHSU,
	                                RVA_MULHU, RVA_DIV,   RVA_DIVU, RVA_REM,  RVA_REMU, RVA_MULW,
	                                RVA_DIVW,  RVA_DIVUW, RVA_REMW, RVA_REMUW};
	static const uint32_t iops[] = {RVA_ADDI, RVA_SLTI, RVA_SLTIU, RVA_XORI,
	                                RVA_ORI,  RVA_ANDI, RVA_ADDIW};
	static const uint32_t sops[] = {RVA_SLLI, RVA_SRLI, RVA_SRAI, RVA_SLLIW, RVA_SRLIW, RVA_SRAIW};
	static const uint32_t lops[] = {RVA_LB, RVA_LH, RVA_LW, RVA_LD, RVA_LBU, RVA_LHU, RVA_LWU};
	static const uint32_t stops[] = {RVA_SB, RVA_SH, RVA_SW, RVA_SD};
	static const uint32_t bops[] = {RVA_BEQ, RVA_BNE, RVA_BLT, RVA_BGE, RVA_BLTU, RVA_BGEU};
	uint64_t s = 0x1234567;
#define RND() xorshift(&s)
	for (int prog = 0; prog < 300; prog++) {
		struct rv_asm a = {0};
		unsigned len = 20 + (unsigned)(RND() % 60);
		for (unsigned k = 0; k < len; k++) {
			unsigned rd = (unsigned)(RND() % 32);
			if (rd == 3 || rd == 12)
				rd = 0; /* keep the data bases */
			unsigned r1 = (unsigned)(RND() % 32), r2 = (unsigned)(RND() % 32);
			unsigned base = RND() % 2 ? 3 : 12;
			switch (RND() % 8) {
			case 0:
			case 1:
			case 2: asm_r(&a, rops[RND() % 28], rd, r1, r2); break;
			case 3: asm_i(&a, iops[RND() % 7], rd, r1, (int)(RND() % 4096) - 2048); break;
			case 4: asm_shift(&a, sops[RND() % 6], rd, r1, (unsigned)(RND() % 64)); break;
			case 5: asm_i(&a, lops[RND() % 7], rd, base, (int)(RND() % 256) - 8); break;
			case 6: asm_s(&a, stops[RND() % 4], base, r2, (int)(RND() % 256) - 8); break;
			default:
				if (k + 4 < len)
					asm_b(&a, bops[RND() % 6], r1, r2, 4 * (int)(1 + RND() % 3));
				else
					asm_u(&a, RVA_LUI, rd, (uint32_t)RND() & 0xfffff000u);
				break;
			}
		}
		asm_ebreak(&a);
		for (int i = 0; i < DATA_SIZE; i++)
			data_init[i] = (uint8_t)RND();
		char what[64];
		snprintf(what, sizeof(what), "random program %d", prog);
		check_program(&a, (uint64_t)prog + 100, what, NULL);
	}
#undef RND
}

/* Self-loops: the block keeps unmapped guest registers in borrowed host registers and FP registers in
 * xmm registers across iterations. Random straight-line bodies (integer, memory, FP) in a counted loop. */
static void test_random_loops(void **state)
{
	(void)state;
	static const uint32_t rops[] = {RVA_ADD, RVA_SUB,  RVA_XOR,  RVA_OR,   RVA_AND, RVA_SLL, RVA_SRA,
	                                RVA_MUL, RVA_ADDW, RVA_SUBW, RVA_SLTU, RVA_DIV, RVA_REMW};
	static const uint32_t fops[] = {RVA_FADD_D, RVA_FMUL_D, RVA_FSUB_D,
	                                RVA_FADD_S, RVA_FMUL_S, RVA_FSGNJN_D};
	static const uint32_t lops[] = {RVA_LW, RVA_LD, RVA_LBU, RVA_FLD, RVA_FLW};
	static const uint32_t stops[] = {RVA_SW, RVA_SD, RVA_SB, RVA_FSD, RVA_FSW};
	uint64_t s = 0xabcdef12;
	for (int prog = 0; prog < 150; prog++) {
		struct rv_asm a = {0};
		/* t6 (x31) counts iterations; gp (x3) and a2 (x12) are data bases, advanced by 8 per pass */
		asm_i(&a, RVA_ADDI, 31, 0, 3 + (int)(xorshift(&s) % 20));
		unsigned loop = a.n;
		unsigned len = 4 + (unsigned)(xorshift(&s) % 24);
		for (unsigned k = 0; k < len; k++) {
			unsigned rd = (unsigned)(xorshift(&s) % 31);
			if (rd == 3 || rd == 12)
				rd = 1;
			unsigned r1 = (unsigned)(xorshift(&s) % 32), r2 = (unsigned)(xorshift(&s) % 32);
			/* few registers per loop, so some are reused across iterations */
			r1 = r1 % 4 ? 16 + r1 % 8 : r1;
			rd = rd % 3 ? 16 + rd % 8 : rd;
			unsigned fd = (unsigned)(xorshift(&s) % 6), f1 = (unsigned)(xorshift(&s) % 6);
			unsigned base = xorshift(&s) % 2 ? 3 : 12;
			int off = (int)(xorshift(&s) % 64) * 8;
			unsigned pick = (unsigned)(xorshift(&s) % 5);
			switch (xorshift(&s) % 5) {
			case 0:
			case 1: asm_r(&a, rops[xorshift(&s) % 13], rd, r1, r2); break;
			case 2:
				asm_r(&a, fops[xorshift(&s) % 6] | (pick < 3 ? RVA_RM_DYN : 0), fd, f1, fd);
				break;
			case 3: asm_i(&a, lops[pick], pick >= 3 ? fd : rd, base, off); break;
			default: asm_s(&a, stops[pick], base, pick >= 3 ? f1 : r2, off); break;
			}
		}
		asm_i(&a, RVA_ADDI, 3, 3, 8);
		asm_i(&a, RVA_ADDI, 12, 12, 8);
		asm_i(&a, RVA_ADDI, 31, 31, -1);
		asm_b(&a, RVA_BNE, 31, 0, (int)(loop - a.n) * 4);
		asm_ebreak(&a);
		for (int i = 0; i < DATA_SIZE; i++)
			data_init[i] = (uint8_t)xorshift(&s);
		char what[64];
		snprintf(what, sizeof(what), "random loop %d", prog);
		check_program(&a, (uint64_t)prog + 1000, what, NULL);
	}
}

/* F/D: inline SSE paths and helper fallbacks against the interpreter, over special values. */
static void test_random_fp(void **state)
{
	(void)state;
	static const uint64_t specials[] = {
	    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
	    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000001ull,
	    0xfff8000000000123ull, 0x0000000000000001ull, 0x000fffffffffffffull, 0x7fefffffffffffffull,
	    0x43e0000000000000ull, 0xc3e0000000000000ull, 0x41e0000000000000ull, 0xc1e0000000200000ull,
	    0x4059000000000000ull, 0x3fb999999999999aull, 0xffffffff3f800000ull, 0xffffffff7fc00000ull,
	    0xffffffff7f800001ull, 0xffffffff00000001ull, 0x000000003f800000ull, 0xffffffffc2c80000ull,
	};
	static const uint32_t rr[] = {RVA_FADD_D, RVA_FSUB_D, RVA_FMUL_D, RVA_FDIV_D,
	                              RVA_FADD_S, RVA_FSUB_S, RVA_FMUL_S, RVA_FDIV_S};
	static const uint32_t fixed[] = {RVA_FSGNJ_D, RVA_FSGNJN_D, RVA_FSGNJX_D, RVA_FMIN_D, RVA_FMAX_D};
	static const uint32_t cmp[] = {RVA_FEQ_D,
	                               RVA_FLT_D,
	                               RVA_FLE_D,
	                               RVA_FEQ_D & ~(1u << 25),
	                               RVA_FLT_D & ~(1u << 25),
	                               RVA_FLE_D & ~(1u << 25)};
	static const uint32_t fma[] = {RVA_FMADD_D, RVA_FMSUB_D, RVA_FNMSUB_D, RVA_FNMADD_D};
	uint64_t s = 0xfeedface;
	for (int prog = 0; prog < 200; prog++) {
		struct rv_asm a = {0};
		unsigned len = 10 + (unsigned)(xorshift(&s) % 40);
		for (unsigned k = 0; k < len; k++) {
			unsigned fd = (unsigned)(xorshift(&s) % 32), f1 = (unsigned)(xorshift(&s) % 32);
			unsigned f2 = (unsigned)(xorshift(&s) % 32), f3 = (unsigned)(xorshift(&s) % 32);
			unsigned xd = 5 + (unsigned)(xorshift(&s) % 11);       /* t0..a5: mapped and memory */
			uint32_t rm = (xorshift(&s) % 4 == 0 ? 0u : 7u) << 12; /* static RNE or dynamic */
			switch (xorshift(&s) % 9) {
			case 0:
			case 1: asm_r(&a, rr[xorshift(&s) % 8] | rm, fd, f1, f2); break;
			case 2: asm_r(&a, fixed[xorshift(&s) % 5], fd, f1, xorshift(&s) % 3 ? f2 : f1); break;
			case 3: asm_r(&a, cmp[xorshift(&s) % 6], xd, f1, f2); break;
			case 4:
				asm_r4(&a, fma[xorshift(&s) % 4] | (xorshift(&s) % 2 ? 0u : 1u << 25) | rm,
				       fd, f1, f2, f3);
				break;
			case 5:
				asm_r(&a, (xorshift(&s) % 2 ? RVA_FCVT_W_D : RVA_FCVT_L_D) | 1u << 12, xd, f1,
				      0);
				break;
			case 6:
				asm_r(&a, (xorshift(&s) % 2 ? RVA_FCVT_D_W : RVA_FCVT_D_L) | rm, fd, xd, 0);
				break;
			case 7:
				if (xorshift(&s) % 8 == 0) {
					/* fsrmi: change the dynamic rounding mode in the middle of a block */
					static const unsigned modes[] = {0, 0, 1, 3};
					asm_word(&a, 0x73 | 5u << 12 | modes[xorshift(&s) % 4] << 15 |
					                 0x002u << 20);
				} else if (xorshift(&s) % 2) {
					asm_r(&a, RVA_FSQRT_D | rm, fd, f1, 0);
				} else {
					/* frflags / fsflags, as gcc brackets quiet compares with them */
					asm_i(&a, RVA_CSRRS, xd, 0, RVA_CSR_FFLAGS);
					asm_i(&a, RVA_CSRRW, xorshift(&s) % 2 ? xd : 0,
					      5 + (unsigned)(xorshift(&s) % 11), RVA_CSR_FFLAGS);
				}
				break;
			default:
				asm_r(&a, xorshift(&s) % 2 ? RVA_FMV_X_D : RVA_FMV_D_X,
				      xorshift(&s) % 2 ? xd : fd, xorshift(&s) % 2 ? xd : f1, 0);
				break;
			}
		}
		asm_ebreak(&a);
		load_program(&a);
		struct rv_cpu start;
		init_cpu(&start, (uint64_t)prog + 7);
		for (int r = 0; r < 32; r++)
			start.f[r] = specials[xorshift(&s) % (sizeof(specials) / sizeof(specials[0]))];
		start.frm = prog % 3 == 2 ? RV_RM_RTZ : RV_RM_RNE; /* dynamic rm: inline or helper */
		start.fflags = 0;
		run_both(&a, &start, &out_interp, &out_jit);
		char what[64];
		snprintf(what, sizeof(what), "random fp program %d", prog);
		expect_same(&out_interp, &out_jit, what);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_programs),
	    cmocka_unit_test(test_random_fp),
	    cmocka_unit_test(test_random_loops),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
