/* The bit-manipulation encoders of rv/jit/x86_emit.c (popcnt/lzcnt/tzcnt, bsf/bsr, bt/bts/btr/btc, the
 * VEX-encoded andn and rorx, pcmpeqb/pxor) checked against an independent disassembler (capstone, AT&T
 * syntax). Each case emits one instruction, which must decode as exactly one instruction of the emitted
 * length with the expected text; the expected strings follow the Intel SDM's operand order, reversed for
 * AT&T. Registers 8..15 are used in every operand position (REX.R/REX.B, VEX.R/VEX.B/VEX.vvvv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <capstone/capstone.h>

#include "rv/jit/x86_emit.h"

enum { CODE_SIZE = 32, EXEC_ADDR = 0x10000 };

static csh disasm;
static uint8_t code[CODE_SIZE];
static struct x86_buf buf;

static int setup(void **state)
{
	(void)state;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &disasm) != CS_ERR_OK)
		return -1;
	cs_option(disasm, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cs_close(&disasm);
	return 0;
}

static struct x86_buf *empty_buffer(void)
{
	memset(code, 0xcc, sizeof(code));
	x86_buf_init(&buf, code, sizeof(code), (intptr_t)EXEC_ADDR - (intptr_t)(uintptr_t)code);
	return &buf;
}

static void expect(const char *call, const char *want)
{
	size_t len = (size_t)(buf.p - buf.start);
	assert_false(buf.overflow);
	cs_insn *insn = NULL;
	size_t n = cs_disasm(disasm, code, len, EXEC_ADDR, 0, &insn);
	if (n != 1 || insn[0].size != len) {
		if (n)
			cs_free(insn, n);
		fail_msg("%s: %zu bytes decode as %zu instructions", call, len, n);
	}
	char text[sizeof(insn->mnemonic) + sizeof(insn->op_str) + 2];
	snprintf(text, sizeof(text), "%s %s", insn[0].mnemonic, insn[0].op_str);
	cs_free(insn, n);
	if (strcmp(text, want) != 0)
		fail_msg("%s: \"%s\", want \"%s\"", call, text, want);
}

#define CHECK(want, ...)                            \
	do {                                        \
		struct x86_buf *b = empty_buffer(); \
		__VA_ARGS__;                        \
		expect(#__VA_ARGS__, want);         \
	} while (0)

static void test_bit_counts(void **state)
{
	(void)state;
	CHECK("popcntq %rcx, %rax", x86_bitcount(b, X86_POPCNT, true, X86_RAX, X86_RCX));
	CHECK("popcntl %r9d, %r10d", x86_bitcount(b, X86_POPCNT, false, X86_R10, X86_R9));
	CHECK("lzcntq %rsi, %r8", x86_bitcount(b, X86_LZCNT, true, X86_R8, X86_RSI));
	CHECK("lzcntl %r15d, %ebx", x86_bitcount(b, X86_LZCNT, false, X86_RBX, X86_R15));
	CHECK("tzcntq %r12, %r13", x86_bitcount(b, X86_TZCNT, true, X86_R13, X86_R12));
	CHECK("tzcntl %r13d, %edi", x86_bitcount(b, X86_TZCNT, false, X86_RDI, X86_R13));
}

static void test_bit_scans(void **state)
{
	(void)state;
	CHECK("bsfq %r12, %rax", x86_bitscan(b, false, true, X86_RAX, X86_R12));
	CHECK("bsfl %edx, %r11d", x86_bitscan(b, false, false, X86_R11, X86_RDX));
	CHECK("bsrq %r14, %r9", x86_bitscan(b, true, true, X86_R9, X86_R14));
	CHECK("bsrl %edx, %ecx", x86_bitscan(b, true, false, X86_RCX, X86_RDX));
}

static void test_bit_tests(void **state)
{
	(void)state;
	CHECK("btq %rcx, %rsi", x86_bt_rr(b, X86_BT, true, X86_RSI, X86_RCX));
	CHECK("btsq %r10, %r9", x86_bt_rr(b, X86_BTS, true, X86_R9, X86_R10));
	CHECK("btrq %rax, %r14", x86_bt_rr(b, X86_BTR, true, X86_R14, X86_RAX));
	CHECK("btcl %ecx, %ebx", x86_bt_rr(b, X86_BTC, false, X86_RBX, X86_RCX));
	CHECK("btq $0x3f, %r8", x86_bt_ri(b, X86_BT, true, X86_R8, 63));
	CHECK("btsq $0x1f, %rax", x86_bt_ri(b, X86_BTS, true, X86_RAX, 31));
	CHECK("btrq $0x20, %r15", x86_bt_ri(b, X86_BTR, true, X86_R15, 32));
	CHECK("btcl $5, %esi", x86_bt_ri(b, X86_BTC, false, X86_RSI, 5));
}

static void test_vex_bmi(void **state)
{
	(void)state;
	/* Intel: andn dst, src1, src2 (dst = ~src1 & src2); AT&T lists src2, src1, dst */
	CHECK("andnq %rdx, %rcx, %rax", x86_andn(b, true, X86_RAX, X86_RCX, X86_RDX));
	CHECK("andnq %r11, %r10, %r9", x86_andn(b, true, X86_R9, X86_R10, X86_R11));
	CHECK("andnl %r8d, %r14d, %ebx", x86_andn(b, false, X86_RBX, X86_R14, X86_R8));
	CHECK("andnq %rsi, %r13, %r12", x86_andn(b, true, X86_R12, X86_R13, X86_RSI));
	/* Intel: rorx dst, src, imm8 */
	CHECK("rorxq $0xd, %rsi, %r8", x86_rorx(b, true, X86_R8, X86_RSI, 13));
	CHECK("rorxl $0x1f, %r12d, %eax", x86_rorx(b, false, X86_RAX, X86_R12, 31));
	CHECK("rorxq $0x3f, %r15, %r14", x86_rorx(b, true, X86_R14, X86_R15, 63));
}

static void test_sse2_integer(void **state)
{
	(void)state;
	CHECK("pcmpeqb %xmm1, %xmm0", x86_sse_int(b, X86_PCMPEQB, 0, 1));
	CHECK("pcmpeqb %xmm12, %xmm9", x86_sse_int(b, X86_PCMPEQB, 9, 12));
	CHECK("pxor %xmm1, %xmm1", x86_sse_int(b, X86_PXOR, 1, 1));
	CHECK("pxor %xmm3, %xmm15", x86_sse_int(b, X86_PXOR, 15, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bit_counts),   cmocka_unit_test(test_bit_scans),
	    cmocka_unit_test(test_bit_tests),    cmocka_unit_test(test_vex_bmi),
	    cmocka_unit_test(test_sse2_integer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
