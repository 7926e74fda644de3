/* Unit tests of the reference interpreter (rv/interp): edge cases of the ISA's semantics, checked
 * against values derived from the specification (and IEEE 754 for F/D), one instruction at a time. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rv/interp/interp.h"
#include "rv/user/mem.h"

#define DATA 0x2000ull /* a mapped read-write page */
#define CODE 0x1000ull /* a mapped read+exec page */

struct env {
	struct rv_mem mem;
	struct rv_cpu cpu;
};

static int setup(void **state)
{
	static struct env e;
	memset(&e, 0, sizeof(e));
	if (rv_mem_init(&e.mem, 1u << 20) != 0)
		return -1;
	if (rv_mem_map(&e.mem, CODE, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE) != 0 ||
	    rv_mem_map(&e.mem, DATA, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE) != 0)
		return -1;
	rv_mem_attach(&e.mem, &e.cpu);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	rv_mem_fini(&e->mem);
	return 0;
}

static struct rv_cpu *fresh(void **state)
{
	struct env *e = *state;
	memset(e->cpu.x, 0, sizeof(e->cpu.x));
	memset(e->cpu.f, 0, sizeof(e->cpu.f));
	e->cpu.fflags = 0;
	e->cpu.frm = 0;
	e->cpu.pc = CODE;
	e->cpu.resv_valid = 0;
	return &e->cpu;
}

/* Runs op rd, rs1, rs2 (x10 = x11 op x12) and returns x10. */
static uint64_t rr(struct rv_cpu *cpu, unsigned op, uint64_t a, uint64_t b)
{
	struct rv_insn in = {.op = (uint16_t)op, .rd = 10, .rs1 = 11, .rs2 = 12, .len = 4};
	cpu->x[11] = a;
	cpu->x[12] = b;
	assert_int_equal(rv_exec_insn(cpu, &in, cpu->pc), RV_EXIT_NONE);
	return cpu->x[10];
}

static void test_division_edge_cases(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	/* division by zero: quotient all ones, remainder the dividend (M extension table) */
	assert_true(rr(cpu, RV_OP_DIV, 7, 0) == UINT64_MAX);
	assert_true(rr(cpu, RV_OP_DIVU, 7, 0) == UINT64_MAX);
	assert_true(rr(cpu, RV_OP_REM, (uint64_t)-7, 0) == (uint64_t)-7);
	assert_true(rr(cpu, RV_OP_REMU, 7, 0) == 7);
	assert_true(rr(cpu, RV_OP_DIVW, 7, 0) == UINT64_MAX);
	assert_true(rr(cpu, RV_OP_DIVUW, 7, 0x100000000ull) == UINT64_MAX); /* divisor's low word is 0 */
	assert_true(rr(cpu, RV_OP_REMW, 0x80000005ull, 0) == 0xffffffff80000005ull);
	assert_true(rr(cpu, RV_OP_REMUW, 0xfffffffful, 0) == UINT64_MAX);
	/* signed overflow: quotient = dividend, remainder 0 */
	assert_true(rr(cpu, RV_OP_DIV, (uint64_t)INT64_MIN, (uint64_t)-1) == (uint64_t)INT64_MIN);
	assert_true(rr(cpu, RV_OP_REM, (uint64_t)INT64_MIN, (uint64_t)-1) == 0);
	assert_true(rr(cpu, RV_OP_DIVW, 0x80000000ull, (uint64_t)-1) == 0xffffffff80000000ull);
	assert_true(rr(cpu, RV_OP_REMW, 0x80000000ull, (uint64_t)-1) == 0);
	/* rounding toward zero */
	assert_true(rr(cpu, RV_OP_DIV, (uint64_t)-7, 2) == (uint64_t)-3);
	assert_true(rr(cpu, RV_OP_REM, (uint64_t)-7, 2) == (uint64_t)-1);
	assert_true(rr(cpu, RV_OP_DIVUW, 0xfffffffe, 2) == 0x7fffffff);
	assert_true(rr(cpu, RV_OP_DIVUW, 0xfffffffe, 1) == 0xfffffffffffffffeull); /* sign-extended */
}

static void test_multiply_high(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	assert_true(rr(cpu, RV_OP_MULH, (uint64_t)-1, (uint64_t)-1) == 0);
	assert_true(rr(cpu, RV_OP_MULHU, UINT64_MAX, UINT64_MAX) == 0xfffffffffffffffeull);
	assert_true(rr(cpu, RV_OP_MULHSU, (uint64_t)-1, UINT64_MAX) == UINT64_MAX);
	assert_true(rr(cpu, RV_OP_MULHSU, 2, UINT64_MAX) == 1);
	assert_true(rr(cpu, RV_OP_MULH, (uint64_t)INT64_MIN, (uint64_t)INT64_MIN) == 0x4000000000000000ull);
	assert_true(rr(cpu, RV_OP_MULW, 0x10000, 0x10000) == 0); /* 2^32 truncated */
	assert_true(rr(cpu, RV_OP_MULW, 0x8000, 0x10000) == 0xffffffff80000000ull);
}

static void test_shifts_and_word_ops(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	assert_true(rr(cpu, RV_OP_SLL, 1, 64 + 3) == 8); /* only rs2[5:0] */
	assert_true(rr(cpu, RV_OP_SRA, 0x8000000000000000ull, 63) == UINT64_MAX);
	assert_true(rr(cpu, RV_OP_SRL, 0x8000000000000000ull, 63) == 1);
	assert_true(rr(cpu, RV_OP_SLLW, 1, 31) == 0xffffffff80000000ull);
	assert_true(rr(cpu, RV_OP_SLLW, 1, 32) == 1); /* only rs2[4:0] */
	assert_true(rr(cpu, RV_OP_SRLW, 0xffffffff80000000ull, 4) == 0x08000000);
	assert_true(rr(cpu, RV_OP_SRAW, 0x0000000080000000ull, 4) == 0xfffffffff8000000ull);
	assert_true(rr(cpu, RV_OP_SRLW, 0x80000000, 0) ==
	            0xffffffff80000000ull); /* shift 0 still sign-extends */
	assert_true(rr(cpu, RV_OP_ADDW, 0x7fffffff, 1) == 0xffffffff80000000ull);
	assert_true(rr(cpu, RV_OP_SUBW, 0, 1) == UINT64_MAX);
	assert_true(rr(cpu, RV_OP_SLT, (uint64_t)-1, 0) == 1);
	assert_true(rr(cpu, RV_OP_SLTU, (uint64_t)-1, 0) == 0);
	struct rv_insn sraiw = {.op = RV_OP_SRAIW, .rd = 10, .rs1 = 11, .imm = 31, .len = 4};
	cpu->x[11] = 0x80000000;
	rv_exec_insn(cpu, &sraiw, cpu->pc);
	assert_true(cpu->x[10] == UINT64_MAX);
	struct rv_insn addiw = {.op = RV_OP_ADDIW, .rd = 10, .rs1 = 11, .imm = 0, .len = 4}; /* sext.w */
	cpu->x[11] = 0x12345678ffffffffull;
	rv_exec_insn(cpu, &addiw, cpu->pc);
	assert_true(cpu->x[10] == UINT64_MAX);
}

static void test_x0_stays_zero(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	struct rv_insn in = {.op = RV_OP_ADDI, .rd = 0, .rs1 = 0, .imm = 5, .len = 4};
	rv_exec_insn(cpu, &in, cpu->pc);
	assert_true(cpu->x[0] == 0);
	struct rv_insn jal = {.op = RV_OP_JAL, .rd = 0, .imm = 16, .len = 4};
	assert_int_equal(rv_exec_insn(cpu, &jal, CODE), RV_EXIT_NONE);
	assert_true(cpu->x[0] == 0);
	assert_true(cpu->pc == CODE + 16);
}

static void test_loads_extend_by_width(void **state)
{
	struct env *e = *state;
	struct rv_cpu *cpu = fresh(state);
	static const uint8_t bytes[8] = {0xef, 0xbe, 0xad, 0xde, 0x67, 0x45, 0x23, 0x81};
	memcpy(e->mem.base + DATA, bytes, 8);
	cpu->x[11] = DATA;
	static const struct {
		unsigned op;
		int64_t off;
		uint64_t want;
	} cases[] = {
	    {RV_OP_LB, 0, 0xffffffffffffffefull}, {RV_OP_LBU, 0, 0xef},
	    {RV_OP_LH, 0, 0xffffffffffffbeefull}, {RV_OP_LHU, 0, 0xbeef},
	    {RV_OP_LW, 0, 0xffffffffdeadbeefull}, {RV_OP_LWU, 0, 0xdeadbeef},
	    {RV_OP_LD, 0, 0x81234567deadbeefull}, {RV_OP_LW, 4, 0xffffffff81234567ull},
	    {RV_OP_LH, 1, 0xffffffffffffadbeull}, /* misaligned: allowed in user mode */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rv_insn in = {
		    .op = (uint16_t)cases[i].op, .rd = 10, .rs1 = 11, .imm = cases[i].off, .len = 4};
		assert_int_equal(rv_exec_insn(cpu, &in, cpu->pc), RV_EXIT_NONE);
		if (cpu->x[10] != cases[i].want)
			fail_msg("%s: got %llx", rv_op_name(cases[i].op), (unsigned long long)cpu->x[10]);
	}
	struct rv_insn sh = {.op = RV_OP_SH, .rs1 = 11, .rs2 = 12, .imm = 6, .len = 4};
	cpu->x[12] = 0xaaaa5555;
	rv_exec_insn(cpu, &sh, cpu->pc);
	assert_int_equal(e->mem.base[DATA + 6], 0x55);
	assert_int_equal(e->mem.base[DATA + 7], 0x55);
	assert_int_equal(e->mem.base[DATA + 5], 0x45);
}

static void test_bad_access_faults_precisely(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	cpu->x[10] = 0x1234;
	cpu->x[11] = DATA + RV_PAGE_SIZE - 4; /* an 8-byte load crossing into an unmapped page */
	struct rv_insn ld = {.op = RV_OP_LD, .rd = 10, .rs1 = 11, .len = 4};
	cpu->pc = 0x5550;
	assert_int_equal(rv_exec_insn(cpu, &ld, CODE + 8), RV_EXIT_FAULT);
	assert_true(cpu->pc == CODE + 8);
	assert_true(cpu->fault_addr == DATA + RV_PAGE_SIZE); /* the first inaccessible byte, as Linux */
	assert_int_equal(cpu->fault_kind, RV_FAULT_LOAD);
	assert_true(cpu->x[10] == 0x1234); /* rd untouched */
	/* beyond the address space, and address wrap-around */
	cpu->x[11] = UINT64_MAX - 2;
	assert_int_equal(rv_exec_insn(cpu, &ld, CODE), RV_EXIT_FAULT);
	struct rv_insn sd = {.op = RV_OP_SD, .rs1 = 11, .rs2 = 10, .len = 4};
	cpu->x[11] = 0; /* page zero is not mapped */
	assert_int_equal(rv_exec_insn(cpu, &sd, CODE), RV_EXIT_FAULT);
	assert_int_equal(cpu->fault_kind, RV_FAULT_STORE);
}

static void test_jalr_rd_equals_rs1(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	cpu->x[5] = CODE + 0x101; /* bit 0 of the target is cleared */
	struct rv_insn in = {.op = RV_OP_JALR, .rd = 5, .rs1 = 5, .imm = 2, .len = 2};
	assert_int_equal(rv_exec_insn(cpu, &in, CODE + 0x20), RV_EXIT_NONE);
	assert_true(cpu->pc == CODE + 0x102);
	assert_true(cpu->x[5] == CODE + 0x22); /* link = pc + 2 for a compressed jalr */
}

/* ---- F and D ---- */

static uint64_t dbits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}
static uint64_t sbox(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return 0xffffffff00000000ull | u;
}

#define QNAN_D 0x7ff8000000000000ull
#define SNAN_D 0x7ff0000000000001ull
#define QNAN_S 0xffffffff7fc00000ull
#define SNAN_S 0xffffffff7f800001ull

/* f1 = f2 op f3 (fused: f4) with rounding mode rm; returns f1. */
static uint64_t fop(struct rv_cpu *cpu, unsigned op, uint64_t a, uint64_t b, uint64_t c, unsigned rm)
{
	struct rv_insn in = {
	    .op = (uint16_t)op, .rd = 1, .rs1 = 2, .rs2 = 3, .rs3 = 4, .rm = (uint8_t)rm, .len = 4};
	cpu->f[2] = a;
	cpu->f[3] = b;
	cpu->f[4] = c;
	assert_int_equal(rv_exec_insn(cpu, &in, cpu->pc), RV_EXIT_NONE);
	return cpu->f[1];
}

/* x10 = op(f2) with rounding mode rm. */
static uint64_t fcvt(struct rv_cpu *cpu, unsigned op, uint64_t a, unsigned rm)
{
	struct rv_insn in = {.op = (uint16_t)op, .rd = 10, .rs1 = 2, .rm = (uint8_t)rm, .len = 4};
	cpu->f[2] = a;
	assert_int_equal(rv_exec_insn(cpu, &in, cpu->pc), RV_EXIT_NONE);
	return cpu->x[10];
}

static void test_rounding_modes(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	const uint64_t one = dbits(1.0), half_ulp = dbits(0x1p-53), next = dbits(1.0 + 0x1p-52);
	/* 1 + 2^-53 is exactly halfway between 1 and 1 + 2^-52 */
	assert_true(fop(cpu, RV_OP_FADD_D, one, half_ulp, 0, RV_RM_RNE) == one);
	assert_true(fop(cpu, RV_OP_FADD_D, one, half_ulp, 0, RV_RM_RMM) == next);
	assert_true(fop(cpu, RV_OP_FADD_D, one, half_ulp, 0, RV_RM_RUP) == next);
	assert_true(fop(cpu, RV_OP_FADD_D, one, half_ulp, 0, RV_RM_RDN) == one);
	assert_true(fop(cpu, RV_OP_FADD_D, one, half_ulp, 0, RV_RM_RTZ) == one);
	assert_true(cpu->fflags == RV_FFLAG_NX);
	/* negative tie: ties away from zero goes more negative; RDN too, RUP toward zero */
	assert_true(fop(cpu, RV_OP_FSUB_D, dbits(-1.0), half_ulp, 0, RV_RM_RMM) == dbits(-1.0 - 0x1p-52));
	assert_true(fop(cpu, RV_OP_FSUB_D, dbits(-1.0), half_ulp, 0, RV_RM_RUP) == dbits(-1.0));
	/* single precision: 1 + 2^-24 is the tie */
	assert_true(fop(cpu, RV_OP_FADD_S, sbox(1.0f), sbox(0x1p-24f), 0, RV_RM_RMM) ==
	            sbox(1.0f + 0x1p-23f));
	assert_true(fop(cpu, RV_OP_FADD_S, sbox(1.0f), sbox(0x1p-24f), 0, RV_RM_RNE) == sbox(1.0f));
	/* RMM multiply and fused multiply-add: (1 + 2^-27)^2 = 1 + 2^-26 + 2^-54 in single is near a tie... */
	assert_true(fop(cpu, RV_OP_FMUL_D, dbits(3.0), dbits(1.0 / 3.0), 0, RV_RM_RMM) == one);
	/* dynamic rounding mode from frm */
	cpu->frm = RV_RM_RUP;
	assert_true(fop(cpu, RV_OP_FADD_D, one, half_ulp, 0, RV_RM_DYN) == next);
	/* frm 5..7 are reserved: a dynamic-rm instruction is illegal */
	cpu->frm = 5;
	struct rv_insn in = {.op = RV_OP_FADD_D, .rd = 1, .rs1 = 2, .rs2 = 3, .rm = RV_RM_DYN, .len = 4};
	assert_int_equal(rv_exec_insn(cpu, &in, CODE), RV_EXIT_ILLEGAL);
	cpu->frm = 0;
}

static void test_exception_flags(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	assert_true(fop(cpu, RV_OP_FDIV_D, dbits(1.0), dbits(0.0), 0, RV_RM_RNE) == dbits(INFINITY));
	assert_int_equal(cpu->fflags, RV_FFLAG_DZ);
	cpu->fflags = 0;
	assert_true(fop(cpu, RV_OP_FSQRT_D, dbits(-1.0), 0, 0, RV_RM_RNE) == QNAN_D); /* canonical NaN */
	assert_int_equal(cpu->fflags, RV_FFLAG_NV);
	cpu->fflags = 0;
	assert_true(fop(cpu, RV_OP_FMUL_D, dbits(0x1p1000), dbits(0x1p1000), 0, RV_RM_RNE) ==
	            dbits(INFINITY));
	assert_int_equal(cpu->fflags, RV_FFLAG_OF | RV_FFLAG_NX);
	cpu->fflags = 0;
	assert_true(fop(cpu, RV_OP_FMUL_D, dbits(0x1p-1000), dbits(0x1p-100), 0, RV_RM_RNE) == 0);
	assert_int_equal(cpu->fflags, RV_FFLAG_UF | RV_FFLAG_NX);
	cpu->fflags = 0;
	/* NaN payloads are not propagated: x86 would return the input NaN */
	assert_true(fop(cpu, RV_OP_FADD_D, 0x7ff8000000001234ull, dbits(1.0), 0, RV_RM_RNE) == QNAN_D);
	assert_int_equal(cpu->fflags, 0);
	assert_true(fop(cpu, RV_OP_FADD_D, SNAN_D, dbits(1.0), 0, RV_RM_RNE) == QNAN_D);
	assert_int_equal(cpu->fflags, RV_FFLAG_NV);
	cpu->fflags = 0;
	/* inf * 0 + qNaN is invalid even though the addend is a quiet NaN */
	assert_true(fop(cpu, RV_OP_FMADD_D, dbits(INFINITY), 0, QNAN_D, RV_RM_RNE) == QNAN_D);
	assert_int_equal(cpu->fflags, RV_FFLAG_NV);
	cpu->fflags = 0;
	assert_true(fop(cpu, RV_OP_FMADD_S, sbox(INFINITY), sbox(0.0f), QNAN_S, RV_RM_RNE) == QNAN_S);
	assert_int_equal(cpu->fflags, RV_FFLAG_NV);
	cpu->fflags = 0;
	/* fcvt.s.d overflow */
	assert_true(fop(cpu, RV_OP_FCVT_S_D, dbits(1e300), 0, 0, RV_RM_RNE) == sbox(INFINITY));
	assert_int_equal(cpu->fflags, RV_FFLAG_OF | RV_FFLAG_NX);
	cpu->fflags = 0;
	/* fused: a*b+c with a single rounding (a*b alone would round) */
	double a = 1.0 + 0x1p-30, c = -(1.0 + 0x1p-29);
	assert_true(fop(cpu, RV_OP_FMADD_D, dbits(a), dbits(a), dbits(c), RV_RM_RNE) == dbits(0x1p-60));
	assert_true(fop(cpu, RV_OP_FNMSUB_D, dbits(2.0), dbits(3.0), dbits(1.0), RV_RM_RNE) == dbits(-5.0));
	assert_true(fop(cpu, RV_OP_FNMADD_D, dbits(2.0), dbits(3.0), dbits(1.0), RV_RM_RNE) == dbits(-7.0));
	assert_true(fop(cpu, RV_OP_FMSUB_D, dbits(2.0), dbits(3.0), dbits(1.0), RV_RM_RNE) == dbits(5.0));
}

static void test_nan_boxing(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	/* a single-precision operand whose upper half is not all ones reads as the canonical NaN */
	uint64_t unboxed = 0x000000003f800000ull; /* 1.0f without the box */
	assert_true(fop(cpu, RV_OP_FADD_S, unboxed, sbox(1.0f), 0, RV_RM_RNE) == QNAN_S);
	assert_true(fop(cpu, RV_OP_FSGNJ_S, unboxed, sbox(-1.0f), 0, 0) == 0xffffffffffc00000ull);
	/* fmv.x.w takes the low word as is and sign-extends it */
	assert_true(fcvt(cpu, RV_OP_FMV_X_W, 0x00000000bf800000ull, 0) == 0xffffffffbf800000ull);
	/* flw / fmv.w.x box their results */
	struct rv_insn mv = {.op = RV_OP_FMV_W_X, .rd = 1, .rs1 = 11, .len = 4};
	cpu->x[11] = 0x123456783f800000ull;
	rv_exec_insn(cpu, &mv, CODE);
	assert_true(cpu->f[1] == sbox(1.0f));
	/* fcvt.d.s of a boxed value; of an unboxed one it is a NaN */
	assert_true(fop(cpu, RV_OP_FCVT_D_S, sbox(1.5f), 0, 0, RV_RM_RNE) == dbits(1.5));
	assert_true(fop(cpu, RV_OP_FCVT_D_S, unboxed, 0, 0, RV_RM_RNE) == QNAN_D);
	/* fclass of an unboxed value: quiet NaN */
	assert_true(fcvt(cpu, RV_OP_FCLASS_S, unboxed, 0) == (1u << 9));
}

static void test_fcvt_saturation(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	static const struct {
		unsigned op;
		double in;
		unsigned rm;
		uint64_t want;
		uint32_t flags;
	} cases[] = {
	    {RV_OP_FCVT_W_D, NAN, RV_RM_RTZ, 0x7fffffff, RV_FFLAG_NV},
	    {RV_OP_FCVT_W_D, INFINITY, RV_RM_RTZ, 0x7fffffff, RV_FFLAG_NV},
	    {RV_OP_FCVT_W_D, -INFINITY, RV_RM_RTZ, 0xffffffff80000000ull, RV_FFLAG_NV},
	    {RV_OP_FCVT_W_D, 3e9, RV_RM_RTZ, 0x7fffffff, RV_FFLAG_NV},
	    {RV_OP_FCVT_W_D, -2147483648.9, RV_RM_RTZ, 0xffffffff80000000ull, RV_FFLAG_NX},
	    {RV_OP_FCVT_W_D, -2147483648.9, RV_RM_RDN, 0xffffffff80000000ull, RV_FFLAG_NV},
	    {RV_OP_FCVT_W_D, 2.5, RV_RM_RNE, 2, RV_FFLAG_NX},
	    {RV_OP_FCVT_W_D, 2.5, RV_RM_RMM, 3, RV_FFLAG_NX},
	    {RV_OP_FCVT_W_D, -2.5, RV_RM_RMM, (uint64_t)-3, RV_FFLAG_NX},
	    {RV_OP_FCVT_W_D, 2.1, RV_RM_RUP, 3, RV_FFLAG_NX},
	    {RV_OP_FCVT_W_D, -2.1, RV_RM_RDN, (uint64_t)-3, RV_FFLAG_NX},
	    {RV_OP_FCVT_WU_D, NAN, RV_RM_RTZ, UINT64_MAX, RV_FFLAG_NV}, /* 0xffffffff sign-extended */
	    {RV_OP_FCVT_WU_D, -1.0, RV_RM_RTZ, 0, RV_FFLAG_NV},
	    {RV_OP_FCVT_WU_D, -0.5, RV_RM_RTZ, 0, RV_FFLAG_NX},        /* rounds to -0: in range */
	    {RV_OP_FCVT_WU_D, 4294967295.0, RV_RM_RTZ, UINT64_MAX, 0}, /* sign-extended 0xffffffff */
	    {RV_OP_FCVT_WU_D, 4294967296.0, RV_RM_RTZ, UINT64_MAX, RV_FFLAG_NV},
	    {RV_OP_FCVT_L_D, 0x1p63, RV_RM_RTZ, (uint64_t)INT64_MAX, RV_FFLAG_NV},
	    {RV_OP_FCVT_L_D, -0x1p63, RV_RM_RTZ, (uint64_t)INT64_MIN, 0},
	    {RV_OP_FCVT_L_D, NAN, RV_RM_RTZ, (uint64_t)INT64_MAX, RV_FFLAG_NV},
	    {RV_OP_FCVT_LU_D, NAN, RV_RM_RTZ, UINT64_MAX, RV_FFLAG_NV},
	    {RV_OP_FCVT_LU_D, 0x1p64, RV_RM_RTZ, UINT64_MAX, RV_FFLAG_NV},
	    {RV_OP_FCVT_LU_D, 0x1p63, RV_RM_RTZ, 0x8000000000000000ull, 0},
	    {RV_OP_FCVT_LU_D, -INFINITY, RV_RM_RTZ, 0, RV_FFLAG_NV},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cpu->fflags = 0;
		uint64_t got = fcvt(cpu, cases[i].op, dbits(cases[i].in), cases[i].rm);
		if (got != cases[i].want || cpu->fflags != cases[i].flags)
			fail_msg("case %zu %s(%g, rm %u): got %llx flags %x, want %llx flags %x", i,
			         rv_op_name(cases[i].op), cases[i].in, cases[i].rm, (unsigned long long)got,
			         cpu->fflags, (unsigned long long)cases[i].want, cases[i].flags);
	}
	/* single precision source */
	cpu->fflags = 0;
	assert_true(fcvt(cpu, RV_OP_FCVT_W_S, sbox(-3.75f), RV_RM_RTZ) == (uint64_t)-3);
	assert_true(fcvt(cpu, RV_OP_FCVT_L_S, SNAN_S, RV_RM_RTZ) == (uint64_t)INT64_MAX);
	assert_int_equal(cpu->fflags, RV_FFLAG_NX | RV_FFLAG_NV);
}

static void test_min_max_and_compare(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	assert_true(fop(cpu, RV_OP_FMIN_D, SNAN_D, dbits(1.0), 0, 0) == dbits(1.0));
	assert_int_equal(cpu->fflags, RV_FFLAG_NV);
	cpu->fflags = 0;
	assert_true(fop(cpu, RV_OP_FMAX_D, dbits(1.0), QNAN_D, 0, 0) == dbits(1.0));
	assert_int_equal(cpu->fflags, 0);
	assert_true(fop(cpu, RV_OP_FMIN_D, QNAN_D, 0x7ff8000000000042ull, 0, 0) == QNAN_D);
	assert_true(fop(cpu, RV_OP_FMIN_D, dbits(0.0), dbits(-0.0), 0, 0) == dbits(-0.0));
	assert_true(fop(cpu, RV_OP_FMAX_D, dbits(-0.0), dbits(0.0), 0, 0) == dbits(0.0));
	assert_true(fop(cpu, RV_OP_FMIN_S, sbox(-2.0f), sbox(3.0f), 0, 0) == sbox(-2.0f));
	assert_true(fop(cpu, RV_OP_FMAX_S, SNAN_S, SNAN_S, 0, 0) == QNAN_S);
	cpu->fflags = 0;
	/* feq is quiet, flt/fle signal on any NaN */
	struct rv_insn feq = {.op = RV_OP_FEQ_D, .rd = 10, .rs1 = 2, .rs2 = 3, .len = 4};
	cpu->f[2] = QNAN_D;
	cpu->f[3] = dbits(1.0);
	rv_exec_insn(cpu, &feq, CODE);
	assert_true(cpu->x[10] == 0);
	assert_int_equal(cpu->fflags, 0);
	struct rv_insn flt = {.op = RV_OP_FLT_D, .rd = 10, .rs1 = 2, .rs2 = 3, .len = 4};
	rv_exec_insn(cpu, &flt, CODE);
	assert_int_equal(cpu->fflags, RV_FFLAG_NV);
	cpu->f[2] = dbits(-0.0);
	cpu->f[3] = dbits(0.0);
	rv_exec_insn(cpu, &feq, CODE);
	assert_true(cpu->x[10] == 1); /* -0 == +0 */
	struct rv_insn fle = {.op = RV_OP_FLE_D, .rd = 10, .rs1 = 2, .rs2 = 3, .len = 4};
	rv_exec_insn(cpu, &fle, CODE);
	assert_true(cpu->x[10] == 1);
}

static void test_fclass(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	static const struct {
		uint64_t bits;
		unsigned cls;
	} cases[] = {
	    {0xfff0000000000000ull, 0},
	    {0xbff0000000000000ull, 1},
	    {0x800fffffffffffffull, 2},
	    {0x8000000000000000ull, 3},
	    {0x0000000000000000ull, 4},
	    {0x0000000000000001ull, 5},
	    {0x3ff0000000000000ull, 6},
	    {0x7ff0000000000000ull, 7},
	    {SNAN_D, 8},
	    {QNAN_D, 9},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_true(fcvt(cpu, RV_OP_FCLASS_D, cases[i].bits, 0) == (1u << cases[i].cls));
}

static void test_int_to_fp_rounding(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	struct rv_insn in = {.op = RV_OP_FCVT_S_L, .rd = 1, .rs1 = 11, .len = 4};
	/* 2^24 + 1 is a tie between 2^24 and 2^24 + 2 in single precision */
	cpu->x[11] = (1u << 24) + 1;
	in.rm = RV_RM_RNE;
	rv_exec_insn(cpu, &in, CODE);
	assert_true(cpu->f[1] == sbox(16777216.0f));
	in.rm = RV_RM_RMM;
	rv_exec_insn(cpu, &in, CODE);
	assert_true(cpu->f[1] == sbox(16777218.0f));
	assert_int_equal(cpu->fflags, RV_FFLAG_NX);
	/* unsigned 64-bit above 2^63 */
	in.op = RV_OP_FCVT_D_LU;
	in.rm = RV_RM_RNE;
	cpu->x[11] = UINT64_MAX;
	rv_exec_insn(cpu, &in, CODE);
	assert_true(cpu->f[1] == dbits(0x1p64));
	in.rm = RV_RM_RTZ;
	rv_exec_insn(cpu, &in, CODE);
	assert_true(cpu->f[1] == dbits(0x1p64 - 0x1p11));
}

static void test_fp_csrs(void **state)
{
	struct rv_cpu *cpu = fresh(state);
	struct rv_insn w = {.op = RV_OP_CSRRW, .rd = 10, .rs1 = 11, .csr = RV_CSR_FCSR, .len = 4};
	cpu->x[11] = 0xff; /* frm = 7, fflags = 0x1f */
	rv_exec_insn(cpu, &w, CODE);
	assert_int_equal(cpu->frm, 7);
	assert_int_equal(cpu->fflags, 0x1f);
	struct rv_insn clr = {
	    .op = RV_OP_CSRRCI, .rd = 10, .imm = RV_FFLAG_NX, .csr = RV_CSR_FFLAGS, .len = 4};
	rv_exec_insn(cpu, &clr, CODE);
	assert_true(cpu->x[10] == 0x1f);
	assert_int_equal(cpu->fflags, 0x1e);
	struct rv_insn rd_frm = {.op = RV_OP_CSRRS, .rd = 10, .rs1 = 0, .csr = RV_CSR_FRM, .len = 4};
	rv_exec_insn(cpu, &rd_frm, CODE);
	assert_true(cpu->x[10] == 7);
	/* counters are read-only; unknown CSRs are illegal */
	struct rv_insn wr_cycle = {.op = RV_OP_CSRRW, .rd = 10, .rs1 = 11, .csr = RV_CSR_CYCLE, .len = 4};
	assert_int_equal(rv_exec_insn(cpu, &wr_cycle, CODE), RV_EXIT_ILLEGAL);
	struct rv_insn mstatus = {.op = RV_OP_CSRRS, .rd = 10, .csr = 0x300, .len = 4};
	assert_int_equal(rv_exec_insn(cpu, &mstatus, CODE), RV_EXIT_ILLEGAL);
	struct rv_insn rd_cycle = {.op = RV_OP_CSRRS, .rd = 10, .rs1 = 0, .csr = RV_CSR_TIME, .len = 4};
	assert_int_equal(rv_exec_insn(cpu, &rd_cycle, CODE), RV_EXIT_NONE);
}

static void test_atomics(void **state)
{
	struct env *e = *state;
	struct rv_cpu *cpu = fresh(state);
	uint32_t w = 0xfffffff0;
	memcpy(e->mem.base + DATA + 16, &w, 4);
	struct rv_insn add = {.op = RV_OP_AMOADD_W, .rd = 10, .rs1 = 11, .rs2 = 12, .len = 4};
	cpu->x[11] = DATA + 16;
	cpu->x[12] = 0x20;
	assert_int_equal(rv_exec_insn(cpu, &add, CODE), RV_EXIT_NONE);
	assert_true(cpu->x[10] == 0xfffffffffffffff0ull); /* old value, sign-extended */
	memcpy(&w, e->mem.base + DATA + 16, 4);
	assert_int_equal(w, 0x10);
	struct rv_insn minu = {.op = RV_OP_AMOMAX_W, .rd = 10, .rs1 = 11, .rs2 = 12, .len = 4};
	cpu->x[12] = (uint64_t)-5;
	rv_exec_insn(cpu, &minu, CODE);
	memcpy(&w, e->mem.base + DATA + 16, 4);
	assert_int_equal(w, 0x10); /* signed max(16, -5) */
	/* sc without a reservation fails; lr then sc succeeds once */
	struct rv_insn sc = {.op = RV_OP_SC_D, .rd = 10, .rs1 = 11, .rs2 = 12, .len = 4};
	struct rv_insn lr = {.op = RV_OP_LR_D, .rd = 13, .rs1 = 11, .len = 4};
	cpu->x[11] = DATA + 24;
	cpu->x[12] = 77;
	rv_exec_insn(cpu, &sc, CODE);
	assert_true(cpu->x[10] == 1);
	rv_exec_insn(cpu, &lr, CODE);
	rv_exec_insn(cpu, &sc, CODE);
	assert_true(cpu->x[10] == 0);
	uint64_t d;
	memcpy(&d, e->mem.base + DATA + 24, 8);
	assert_true(d == 77);
	rv_exec_insn(cpu, &sc, CODE);
	assert_true(cpu->x[10] == 1); /* the reservation is gone */
	/* misaligned AMO: address-misaligned fault (SIGBUS) */
	cpu->x[11] = DATA + 2;
	assert_int_equal(rv_exec_insn(cpu, &add, CODE), RV_EXIT_FAULT);
	assert_int_equal(cpu->fault_kind, RV_FAULT_MISALIGNED);
}

/* A tiny program (encodings from the assembler) through fetch, decode and the run loop: sum 1..10. */
static void test_run_loop(void **state)
{
	struct env *e = *state;
	struct rv_cpu *cpu = fresh(state);
	static const uint16_t code[] = {
	    0x4501, /* c.li a0, 0 */
	    0x45a9, /* c.li a1, 10 */
	    0x952e, /* c.add a0, a0, a1 (loop) */
	    0x15fd, /* c.addi a1, -1 */
	    0xfdf5, /* c.bnez a1, loop */
	    0x9002, /* c.ebreak */
	};
	memcpy(e->mem.base + CODE, code, sizeof(code));
	assert_int_equal(rv_mem_protect(&e->mem, CODE, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_EXEC), 0);
	cpu->insn_count = 0;
	assert_int_equal(rv_interp_run(cpu, 0), RV_EXIT_EBREAK);
	assert_true(cpu->x[10] == 55);
	assert_true(cpu->pc == CODE + 10);
	assert_true(cpu->insn_count == 2 + 3 * 10);
	/* the budget: stops with RV_EXIT_LIMIT at the next instruction */
	cpu->pc = CODE;
	assert_int_equal(rv_interp_run(cpu, 3), RV_EXIT_LIMIT);
	assert_true(cpu->pc == CODE + 6);
	/* single steps, and a fetch from a non-executable page */
	assert_int_equal(rv_interp_step(cpu), RV_EXIT_NONE);
	assert_true(cpu->pc == CODE + 8);
	cpu->pc = DATA;
	assert_int_equal(rv_interp_step(cpu), RV_EXIT_FAULT);
	assert_int_equal(cpu->fault_kind, RV_FAULT_FETCH);
	/* exit_pc */
	cpu->pc = CODE;
	cpu->exit_pc = CODE + 4;
	assert_int_equal(rv_interp_run(cpu, 0), RV_EXIT_HALT);
	cpu->exit_pc = 0;
	assert_int_equal(rv_mem_protect(&e->mem, CODE, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE), 0);
}

/* Random instruction words with random register contents: whatever they decode to, executing them must
 * end in a defined way (no host fault, no sanitizer report) and never touch memory outside the guest. */
static void test_random_instructions(void **state)
{
	struct env *e = *state;
	struct rv_cpu *cpu = fresh(state);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned counts[RV_EXIT_COUNT] = {0};
	for (int i = 0; i < 300000; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		struct rv_insn in;
		rv_decode((uint32_t)seed, &in);
		for (int r = 1; r < 32; r++) {
			uint64_t v = seed * (uint64_t)(r + 1) + (uint64_t)i;
			/* a third of the registers point into the mapped data page, to reach real memory */
			cpu->x[r] = (r % 3 == 0) ? DATA + (v & 0x7f8) : v;
			cpu->f[r] = v ^ (seed >> r);
		}
		cpu->frm = (uint32_t)(seed >> 61);
		enum rv_exit x = rv_exec_insn(cpu, &in, CODE + 0x100);
		assert_true((unsigned)x < RV_EXIT_COUNT);
		counts[x]++;
		assert_true(cpu->x[0] == 0);
		if (x != RV_EXIT_NONE && x != RV_EXIT_FENCE_I)
			assert_true(cpu->pc == CODE + 0x100);
	}
	/* the mix exercised executing, faulting and illegal encodings */
	assert_true(counts[RV_EXIT_NONE] > 10000);
	assert_true(counts[RV_EXIT_FAULT] > 1000);
	assert_true(counts[RV_EXIT_ILLEGAL] > 1000);
	(void)e;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_division_edge_cases),
	    cmocka_unit_test(test_multiply_high),
	    cmocka_unit_test(test_shifts_and_word_ops),
	    cmocka_unit_test(test_x0_stays_zero),
	    cmocka_unit_test(test_loads_extend_by_width),
	    cmocka_unit_test(test_bad_access_faults_precisely),
	    cmocka_unit_test(test_jalr_rd_equals_rs1),
	    cmocka_unit_test(test_rounding_modes),
	    cmocka_unit_test(test_exception_flags),
	    cmocka_unit_test(test_nan_boxing),
	    cmocka_unit_test(test_fcvt_saturation),
	    cmocka_unit_test(test_min_max_and_compare),
	    cmocka_unit_test(test_fclass),
	    cmocka_unit_test(test_int_to_fp_rounding),
	    cmocka_unit_test(test_fp_csrs),
	    cmocka_unit_test(test_atomics),
	    cmocka_unit_test(test_run_loop),
	    cmocka_unit_test(test_random_instructions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
