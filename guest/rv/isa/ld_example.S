/* The load example of the karasu-rv spec. The script checks the registers from --dump-regs exactly
 * (x11 = 01234567deadbeef, x12 = 0000000001234567, ...); the test also checks them itself so that it can be
 * cross-checked under qemu-riscv64. It ends with `ret` to the initial return address (bare mode's other
 * way to stop), so it must not touch ra. */
#define RVTEST_END_WITH_RET
#include "guest/rv/isa/rvtest.inc"
	.option norvc
	.text
	.globl _start
_start:
	li TESTNUM, 0
	lla x10, data_region
	ld x11, 0(x10)
	lw x12, 4(x10)
	lh x13, 6(x10)
	lb x14, 7(x10)
	lw x16, 0(x10)
	lh x17, 0(x10)
	lb x18, 0(x10)
	lwu x20, 4(x10)
	lhu x21, 6(x10)
	lbu x22, 7(x10)
	lwu x20, 0(x10)
	lhu x21, 0(x10)
	lbu x22, 0(x10)
	/* self-check with x5/x6/x7 only, leaving the loaded registers as they are */
	li TESTNUM, 1
	FAIL_IF_NE(x11, 0x01234567deadbeef)
	li TESTNUM, 2
	FAIL_IF_NE(x12, 0x0000000001234567)
	li TESTNUM, 3
	FAIL_IF_NE(x13, 0x0000000000000123)
	li TESTNUM, 4
	FAIL_IF_NE(x14, 0x0000000000000001)
	li TESTNUM, 5
	FAIL_IF_NE(x16, 0xffffffffdeadbeef)
	li TESTNUM, 6
	FAIL_IF_NE(x17, 0xffffffffffffbeef)
	li TESTNUM, 7
	FAIL_IF_NE(x18, 0xffffffffffffffef)
	li TESTNUM, 8
	FAIL_IF_NE(x20, 0x00000000deadbeef)
	li TESTNUM, 9
	FAIL_IF_NE(x21, 0x000000000000beef)
	li TESTNUM, 10
	FAIL_IF_NE(x22, 0x00000000000000ef)
TEST_END
	.balign 8
data_region:
	.word 0xdeadbeef, 0x01234567
