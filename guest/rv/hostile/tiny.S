/* The smallest static riscv64 Linux program with a text and a data segment: it exits with the value
 * stored in its data segment (42). tests/integration/test-rv-hostile.sh patches its ELF headers into
 * malformed programs the loader must refuse (or run safely). */
	.section .text
	.globl _start
_start:
	la	a0, value
	ld	a0, 0(a0)
	li	a7, 93		/* exit */
	ecall

	.section .data
	.balign 8
value:
	.dword 42
