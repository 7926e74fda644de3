/* The x86-64 encoder checked against an independent disassembler (capstone, AT&T syntax): every case
 * emits one instruction, which must decode as exactly one instruction of the emitted length with the
 * expected text. Expected strings are written from the Intel SDM / AT&T conventions, not from output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <capstone/capstone.h>

#include "rv/jit/x86_emit.h"

enum { BUF_SIZE = 64, EXEC_BASE = 0x400000 };

static csh cs;
static uint8_t code[BUF_SIZE];
static struct x86_buf buf;

static int setup(void **state)
{
	(void)state;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -1;
	cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cs_close(&cs);
	return 0;
}

/* Buffer whose executable address is EXEC_BASE, so rel32 targets are predictable. */
static struct x86_buf *fresh(void)
{
	memset(code, 0xcc, sizeof(code));
	x86_buf_init(&buf, code, sizeof(code), (intptr_t)EXEC_BASE - (intptr_t)(uintptr_t)code);
	return &buf;
}

/* capstone writes "(%r15, %rax)"; the expectations use the usual AT&T "(%r15,%rax)". */
static void squeeze_index_spaces(char *text)
{
	int depth = 0;
	char *out = text;
	for (const char *in = text; *in; in++) {
		if (*in == '(')
			depth++;
		else if (*in == ')')
			depth--;
		if (depth > 0 && *in == ' ' && in > text && in[-1] == ',')
			continue;
		*out++ = *in;
	}
	*out = 0;
}

static void expect_text(const char *what, const char *expected)
{
	size_t len = (size_t)(buf.p - buf.start);
	assert_false(buf.overflow);
	assert_true(len > 0);
	cs_insn *insn = NULL;
	size_t n = cs_disasm(cs, code, len, EXEC_BASE, 0, &insn);
	if (n != 1 || insn[0].size != len) {
		fprintf(stderr, "%s: %zu bytes decoded as %zu instructions\n", what, len, n);
		if (n)
			cs_free(insn, n);
		fail();
	}
	char text[sizeof(insn->mnemonic) + sizeof(insn->op_str) + 2];
	if (insn[0].op_str[0])
		snprintf(text, sizeof(text), "%s %s", insn[0].mnemonic, insn[0].op_str);
	else
		snprintf(text, sizeof(text), "%s", insn[0].mnemonic);
	cs_free(insn, n);
	squeeze_index_spaces(text);
	if (strcmp(text, expected) != 0) {
		fprintf(stderr, "%s: got \"%s\", expected \"%s\"\n", what, text, expected);
		fail();
	}
}

#define CHECK(expected, ...)                         \
	do {                                         \
		struct x86_buf *b = fresh();         \
		__VA_ARGS__;                         \
		expect_text(#__VA_ARGS__, expected); \
	} while (0)

static void test_moves(void **state)
{
	(void)state;
	CHECK("movq %rcx, %rax", x86_mov_rr(b, true, X86_RAX, X86_RCX));
	CHECK("movl %r9d, %r15d", x86_mov_rr(b, false, X86_R15, X86_R9));
	CHECK("movq %r12, %rsp", x86_mov_rr(b, true, X86_RSP, X86_R12));
	CHECK("xorl %edx, %edx", x86_mov_ri(b, X86_RDX, 0));
	CHECK("movl $0x12345678, %r10d", x86_mov_ri(b, X86_R10, 0x12345678));
	CHECK("movq $-2, %rbx", x86_mov_ri(b, X86_RBX, (uint64_t)-2));
	CHECK("movabsq $0x123456789abc, %r13", x86_mov_ri(b, X86_R13, 0x123456789abcull));
	CHECK("movabsq $0x1, %rax", x86_movabs(b, X86_RAX, 1));
	CHECK("leaq 8(%rsi,%rdi,4), %rax", x86_lea(b, true, X86_RAX, x86_mem_bis(X86_RSI, X86_RDI, 4, 8)));
	CHECK("leal -0x800(%r13), %ecx", x86_lea(b, false, X86_RCX, x86_mem_bd(X86_R13, -0x800)));
}

static void test_addressing(void **state)
{
	(void)state;
	/* rbp/r13 bases need an explicit disp8 of 0; rsp/r12 bases need a SIB byte. */
	CHECK("movq (%rbp), %rax", x86_load(b, 8, false, X86_RAX, x86_mem_bd(X86_RBP, 0)));
	CHECK("movq (%r13), %rax", x86_load(b, 8, false, X86_RAX, x86_mem_bd(X86_R13, 0)));
	CHECK("movq (%rsp), %r8", x86_load(b, 8, false, X86_R8, x86_mem_bd(X86_RSP, 0)));
	CHECK("movq 0x10(%r12), %r8", x86_load(b, 8, false, X86_R8, x86_mem_bd(X86_R12, 16)));
	CHECK("movq 0x50(%rbp), %rax", x86_load(b, 8, false, X86_RAX, x86_mem_bd(X86_RBP, 0x50)));
	CHECK("movq -0x80(%rbp), %r11", x86_load(b, 8, false, X86_R11, x86_mem_bd(X86_RBP, -128)));
	CHECK("movq 0x1000(%rbx), %rcx", x86_load(b, 8, false, X86_RCX, x86_mem_bd(X86_RBX, 0x1000)));
	CHECK("movq (%r15,%rax), %rdx", x86_load(b, 8, false, X86_RDX, x86_mem_bis(X86_R15, X86_RAX, 1, 0)));
	CHECK("movq (%rax,%r15), %rdx", x86_load(b, 8, false, X86_RDX, x86_mem_bis(X86_RAX, X86_R15, 1, 0)));
	CHECK("movq (%r13,%r14,8), %r9", x86_load(b, 8, false, X86_R9, x86_mem_bis(X86_R13, X86_R14, 8, 0)));
	CHECK("movq 0x10(,%rcx,8), %rax",
	      x86_load(b, 8, false, X86_RAX, x86_mem_bis(X86_NO_REG, X86_RCX, 8, 16)));
}

static void test_loads_stores(void **state)
{
	(void)state;
	struct x86_mem m = x86_mem_bis(X86_R15, X86_RAX, 1, 0);
	CHECK("movzbl (%r15,%rax), %ecx", x86_load(b, 1, false, X86_RCX, m));
	CHECK("movsbq (%r15,%rax), %rcx", x86_load(b, 1, true, X86_RCX, m));
	CHECK("movzwl (%r15,%rax), %r10d", x86_load(b, 2, false, X86_R10, m));
	CHECK("movswq (%r15,%rax), %r10", x86_load(b, 2, true, X86_R10, m));
	CHECK("movl (%r15,%rax), %esi", x86_load(b, 4, false, X86_RSI, m));
	CHECK("movslq (%r15,%rax), %rsi", x86_load(b, 4, true, X86_RSI, m));
	CHECK("movb %sil, (%r15,%rax)", x86_store(b, 1, m, X86_RSI));
	CHECK("movb %cl, (%r15,%rax)", x86_store(b, 1, m, X86_RCX));
	CHECK("movb %r9b, (%r15,%rax)", x86_store(b, 1, m, X86_R9));
	CHECK("movw %di, (%r15,%rax)", x86_store(b, 2, m, X86_RDI));
	CHECK("movl %r8d, (%r15,%rax)", x86_store(b, 4, m, X86_R8));
	CHECK("movq %rbx, (%r15,%rax)", x86_store(b, 8, m, X86_RBX));
	CHECK("movq $-1, 8(%rbp)", x86_store_imm(b, 8, x86_mem_bd(X86_RBP, 8), -1));
	CHECK("movl $7, 8(%rbp)", x86_store_imm(b, 4, x86_mem_bd(X86_RBP, 8), 7));
	CHECK("movw $0x1234, 8(%rbp)", x86_store_imm(b, 2, x86_mem_bd(X86_RBP, 8), 0x1234));
	CHECK("movb $0x12, 8(%rbp)", x86_store_imm(b, 1, x86_mem_bd(X86_RBP, 8), 0x12));
	CHECK("movsbq %dil, %rax", x86_movsx_rr(b, 1, X86_RAX, X86_RDI));
	CHECK("movswq %r8w, %rax", x86_movsx_rr(b, 2, X86_RAX, X86_R8));
	CHECK("movslq %ecx, %r12", x86_movsx_rr(b, 4, X86_R12, X86_RCX));
	CHECK("movzbl %sil, %eax", x86_movzx_rr(b, 1, X86_RAX, X86_RSI));
	CHECK("movzwl %r11w, %edx", x86_movzx_rr(b, 2, X86_RDX, X86_R11));
}

static void test_alu(void **state)
{
	(void)state;
	CHECK("addq %rbx, %rax", x86_alu_rr(b, X86_ADD, true, X86_RAX, X86_RBX));
	CHECK("subl %r14d, %r9d", x86_alu_rr(b, X86_SUB, false, X86_R9, X86_R14));
	CHECK("andq %rsi, %rdi", x86_alu_rr(b, X86_AND, true, X86_RDI, X86_RSI));
	CHECK("orq %r8, %r9", x86_alu_rr(b, X86_OR, true, X86_R9, X86_R8));
	CHECK("xorq %r10, %r11", x86_alu_rr(b, X86_XOR, true, X86_R11, X86_R10));
	CHECK("cmpq %rcx, %rdx", x86_alu_rr(b, X86_CMP, true, X86_RDX, X86_RCX));
	CHECK("addq $1, %rax", x86_alu_ri(b, X86_ADD, true, X86_RAX, 1));
	CHECK("addq $-0x800, %r12", x86_alu_ri(b, X86_ADD, true, X86_R12, -2048));
	CHECK("andl $0x7ff, %ecx", x86_alu_ri(b, X86_AND, false, X86_RCX, 0x7ff));
	CHECK("cmpq $0x7f, %rsi", x86_alu_ri(b, X86_CMP, true, X86_RSI, 127));
	CHECK("cmpq $0x80, %rsi", x86_alu_ri(b, X86_CMP, true, X86_RSI, 128));
	CHECK("cmpq 0x128(%rbp), %rax", x86_alu_rm(b, X86_CMP, true, X86_RAX, x86_mem_bd(X86_RBP, 0x128)));
	CHECK("addq %rdx, 0x10(%rbp)", x86_alu_mr(b, X86_ADD, true, x86_mem_bd(X86_RBP, 16), X86_RDX));
	CHECK("cmpl $0, 0x140(%rbp)", x86_alu_mi(b, X86_CMP, false, x86_mem_bd(X86_RBP, 0x140), 0));
	CHECK("testq %rax, %rax", x86_test_rr(b, true, X86_RAX, X86_RAX));
	CHECK("testl $0x100, %r9d", x86_test_ri(b, false, X86_R9, 0x100));
	CHECK("shlq $0x3f, %rax", x86_shift_ri(b, X86_SHL, true, X86_RAX, 63));
	CHECK("shrl $5, %r13d", x86_shift_ri(b, X86_SHR, false, X86_R13, 5));
	CHECK("sarq $0x20, %rdi", x86_shift_ri(b, X86_SAR, true, X86_RDI, 32));
	CHECK("shlq %cl, %rbx", x86_shift_cl(b, X86_SHL, true, X86_RBX));
	CHECK("sarl %cl, %r8d", x86_shift_cl(b, X86_SAR, false, X86_R8));
	CHECK("shrq %cl, %r15", x86_shift_cl(b, X86_SHR, true, X86_R15));
	CHECK("negq %rsi", x86_unary(b, X86_NEG, true, X86_RSI));
	CHECK("notl %eax", x86_unary(b, X86_NOT, false, X86_RAX));
	CHECK("mulq %rcx", x86_unary(b, X86_MUL, true, X86_RCX));
	CHECK("imulq %r10", x86_unary(b, X86_IMUL1, true, X86_R10));
	CHECK("divq %r11", x86_unary(b, X86_DIV, true, X86_R11));
	CHECK("idivl %ecx", x86_unary(b, X86_IDIV, false, X86_RCX));
	CHECK("imulq %r9, %rax", x86_imul_rr(b, true, X86_RAX, X86_R9));
	CHECK("imull %ecx, %r12d", x86_imul_rr(b, false, X86_R12, X86_RCX));
	CHECK("imulq $0xa, %rbx, %rdx", x86_imul_rri(b, true, X86_RDX, X86_RBX, 10));
	CHECK("imulq $0x1000, %rbx, %rdx", x86_imul_rri(b, true, X86_RDX, X86_RBX, 4096));
	CHECK("cqto", x86_cqo(b));
	CHECK("cltd", x86_cdq(b));
	CHECK("bswapq %r8", x86_bswap(b, true, X86_R8));
	CHECK("bswapl %eax", x86_bswap(b, false, X86_RAX));
}

static void test_conditions(void **state)
{
	(void)state;
	CHECK("setl %al", x86_setcc(b, X86_CC_L, X86_RAX));
	CHECK("setb %sil", x86_setcc(b, X86_CC_B, X86_RSI));
	CHECK("sete %r10b", x86_setcc(b, X86_CC_E, X86_R10));
	CHECK("cmovgeq %rcx, %rax", x86_cmov(b, X86_CC_GE, true, X86_RAX, X86_RCX));
	CHECK("cmovnel %r8d, %r14d", x86_cmov(b, X86_CC_NE, false, X86_R14, X86_R8));
	assert_int_equal(x86_cc_invert(X86_CC_L), X86_CC_GE);
	assert_int_equal(x86_cc_invert(X86_CC_E), X86_CC_NE);
	assert_int_equal(x86_cc_invert(X86_CC_AE), X86_CC_B);
}

static void test_control(void **state)
{
	(void)state;
	CHECK("jmp 0x400100", x86_jmp32(b, EXEC_BASE + 0x100));
	CHECK("jmp 0x3ff000", x86_jmp32(b, EXEC_BASE - 0x1000));
	CHECK("jne 0x400100", x86_jcc32(b, X86_CC_NE, EXEC_BASE + 0x100));
	CHECK("jae 0x400100", x86_jcc32(b, X86_CC_AE, EXEC_BASE + 0x100));
	CHECK("callq 0x410000", x86_call32(b, EXEC_BASE + 0x10000));
	CHECK("jmp 0x400010", x86_jmp8(b, EXEC_BASE + 0x10));
	CHECK("jl 0x3ffff0", x86_jcc8(b, X86_CC_L, EXEC_BASE - 0x10));
	CHECK("jmpq *%r11", x86_jmp_r(b, X86_R11));
	CHECK("jmpq *8(%rax,%rdx,8)", x86_jmp_m(b, x86_mem_bis(X86_RAX, X86_RDX, 8, 8)));
	CHECK("callq *%rax", x86_call_r(b, X86_RAX));
	CHECK("retq", x86_ret(b));
	CHECK("ud2", x86_ud2(b));
	CHECK("mfence", x86_mfence(b));
	CHECK("pushq %rbx", x86_push(b, X86_RBX));
	CHECK("pushq %r15", x86_push(b, X86_R15));
	CHECK("popq %r12", x86_pop(b, X86_R12));
	CHECK("popq %rbp", x86_pop(b, X86_RBP));
}

static void test_patching(void **state)
{
	(void)state;
	struct x86_buf *b = fresh();
	uint8_t *field = x86_jcc32(b, X86_CC_E, EXEC_BASE + 0x40);
	assert_true(x86_patch_rel32(b->exec_delta, field, EXEC_BASE + 0x2000));
	expect_text("patched jcc", "je 0x402000");
	/* out of range: refused, the field keeps its old value */
	assert_false(x86_patch_rel32(b->exec_delta, field, EXEC_BASE + 0x100000000ull));
	expect_text("unchanged jcc", "je 0x402000");
	/* a rel8 that cannot reach marks the buffer as unusable */
	b = fresh();
	x86_jmp8(b, EXEC_BASE + 0x1000);
	assert_true(b->overflow);
	/* running out of space too */
	b = fresh();
	for (int i = 0; i < BUF_SIZE; i++)
		x86_movabs(b, X86_RAX, 0);
	assert_true(b->overflow);
	assert_true(b->p <= b->end);
}

static void test_sse(void **state)
{
	(void)state;
	CHECK("addsd %xmm1, %xmm0", x86_sse_arith(b, X86_SSE_ADD, true, 0, 1));
	CHECK("subss %xmm9, %xmm2", x86_sse_arith(b, X86_SSE_SUB, false, 2, 9));
	CHECK("mulsd %xmm3, %xmm12", x86_sse_arith(b, X86_SSE_MUL, true, 12, 3));
	CHECK("divss %xmm1, %xmm0", x86_sse_arith(b, X86_SSE_DIV, false, 0, 1));
	CHECK("sqrtsd %xmm1, %xmm1", x86_sse_arith(b, X86_SSE_SQRT, true, 1, 1));
	CHECK("minsd %xmm1, %xmm0", x86_sse_arith(b, X86_SSE_MIN, true, 0, 1));
	CHECK("maxss %xmm1, %xmm0", x86_sse_arith(b, X86_SSE_MAX, false, 0, 1));
	CHECK("addsd 0x108(%rbp), %xmm0",
	      x86_sse_arith_m(b, X86_SSE_ADD, true, 0, x86_mem_bd(X86_RBP, 0x108)));
	CHECK("divss -4(%r13), %xmm9", x86_sse_arith_m(b, X86_SSE_DIV, false, 9, x86_mem_bd(X86_R13, -4)));
	CHECK("movsd 0x100(%rbp), %xmm0", x86_sse_load(b, true, 0, x86_mem_bd(X86_RBP, 0x100)));
	CHECK("movss (%r15,%rax), %xmm8", x86_sse_load(b, false, 8, x86_mem_bis(X86_R15, X86_RAX, 1, 0)));
	CHECK("movsd %xmm1, 0x108(%rbp)", x86_sse_store(b, true, x86_mem_bd(X86_RBP, 0x108), 1));
	/* capstone names the REX.W forms of 66 0F 6E/7E "movd" too; the 64-bit register shows the width */
	CHECK("movd %rax, %xmm0", x86_movq_xr(b, true, 0, X86_RAX));
	CHECK("movaps %xmm11, %xmm0", x86_movaps(b, 0, 11));
	CHECK("movaps %xmm2, %xmm15", x86_movaps(b, 15, 2));
	CHECK("movd %r9d, %xmm1", x86_movq_xr(b, false, 1, X86_R9));
	CHECK("movd %xmm1, %rcx", x86_movq_rx(b, true, X86_RCX, 1));
	CHECK("movd %xmm10, %eax", x86_movq_rx(b, false, X86_RAX, 10));
	CHECK("ucomisd %xmm1, %xmm0", x86_ucomi(b, true, 0, 1));
	CHECK("ucomiss %xmm1, %xmm0", x86_ucomi(b, false, 0, 1));
	CHECK("comisd %xmm1, %xmm0", x86_comi(b, true, 0, 1));
	CHECK("cvtsi2sdq %rax, %xmm0", x86_cvtsi2f(b, true, true, 0, X86_RAX));
	CHECK("cvtsi2ssl %ecx, %xmm1", x86_cvtsi2f(b, false, false, 1, X86_RCX));
	CHECK("cvttsd2si %xmm0, %rax", x86_cvtf2si(b, true, true, true, X86_RAX, 0));
	CHECK("cvtss2si %xmm2, %r8d", x86_cvtf2si(b, false, false, false, X86_R8, 2));
	CHECK("cvtsd2ss %xmm1, %xmm0", x86_cvtf2f(b, true, 0, 1));
	CHECK("cvtss2sd %xmm1, %xmm0", x86_cvtf2f(b, false, 0, 1));
	CHECK("ldmxcsr -8(%rsp)", x86_ldmxcsr(b, x86_mem_bd(X86_RSP, -8)));
	CHECK("stmxcsr 4(%rbp)", x86_stmxcsr(b, x86_mem_bd(X86_RBP, 4)));
	CHECK("vfmadd231sd %xmm2, %xmm1, %xmm0", x86_vfma231(b, true, 0, 0, 1, 2));
	CHECK("vfmsub231ss %xmm10, %xmm9, %xmm8", x86_vfma231(b, false, 1, 8, 9, 10));
	CHECK("vfnmadd231sd %xmm2, %xmm1, %xmm0", x86_vfma231(b, true, 2, 0, 1, 2));
	CHECK("vfnmsub231sd %xmm2, %xmm1, %xmm0", x86_vfma231(b, true, 3, 0, 1, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_moves),        cmocka_unit_test(test_addressing),
	    cmocka_unit_test(test_loads_stores), cmocka_unit_test(test_alu),
	    cmocka_unit_test(test_conditions),   cmocka_unit_test(test_control),
	    cmocka_unit_test(test_patching),     cmocka_unit_test(test_sse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
