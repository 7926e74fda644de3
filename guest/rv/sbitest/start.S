/* Entry of the built-in SBI test: started by karasu-rv in S-mode at the kernel address with a0 = hart id
 * and a1 = the devicetree (hart 0), or by SBI HSM hart_start with a0 = hart id and a1 = the opaque value
 * (second_entry). Each hart gets a stack; unexpected traps end the test as a failure. */
	.section .text.start, "ax"
	.globl _start
_start:
	la	sp, stack_top
	la	t0, trap_vector
	csrw	stvec, t0
	call	sbitest_main
1:	wfi
	j	1b

	.globl	second_entry
second_entry:
	la	sp, stack2_top
	la	t0, trap_vector
	csrw	stvec, t0
	call	sbitest_second
1:	wfi
	j	1b

	.align	2
trap_vector:
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	sbitest_trap
1:	j	1b

	.bss
	.align	4
	.space	8192
stack_top:
	.space	4096
stack2_top:
