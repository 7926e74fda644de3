/*
 * How the hostile guests end (linked into every guest/rv/hostile-sys/*.elf): a line on the ns16550a UART,
 * then the SiFive test device, which ends the machine with exit status 0 (0x5555) or N
 * ((N << 16) | 0x3333, N = the failing case, never 0). Needs no stack and no RAM of its own, so that it
 * works whatever the guest did; runs in M or S mode (it touches no CSR).
 *
 * Entered with a jump (never returns): hsys_pass, hsys_fail_check (a1 = found, a2 = expected),
 * hsys_fail_no_trap, hsys_fail_unexpected (s2/s3/s4 = the trap's cause/tval/epc). s11 = the case, s9 =
 * checks skipped on QEMU.
 */
#define VIRT_TEST_BASE       0x100000
#define VIRT_TEST_PASS       0x5555
#define VIRT_TEST_FAIL       0x3333
#define VIRT_TEST_CODE_SHIFT 16
#define UART_BASE            0x10000000
#define UART_LSR             5
#define UART_LSR_THRE        (1 << 5)
#define FAIL_CODE_OTHER      255

/* Writes the byte in `reg` once the transmitter holding register is empty (t5 = UART_BASE; clobbers t2). */
.macro PUTC reg
.Lwait\@:
	lbu t2, UART_LSR(t5)
	andi t2, t2, UART_LSR_THRE
	beqz t2, .Lwait\@
	sb \reg, 0(t5)
.endm

	.text

/* puts(a0 = NUL-terminated string). Clobbers a0, t2-t5; `\n` goes out as CR LF. */
	.globl hsys_puts
hsys_puts:
	mv t3, a0
	li t5, UART_BASE
1:	lbu a0, 0(t3)
	beqz a0, 3f
	li t4, '\n'
	bne a0, t4, 2f
	li t4, '\r'
	PUTC t4
2:	PUTC a0
	addi t3, t3, 1
	j 1b
3:	ret

/* puthex(a0): "0x" and 16 hex digits. Clobbers a0, t1-t5. */
	.globl hsys_puthex
hsys_puthex:
	mv t1, a0
	li t5, UART_BASE
	li a0, '0'
	PUTC a0
	li a0, 'x'
	PUTC a0
	li t3, 60
1:	srl t2, t1, t3
	andi t2, t2, 15
	lla t4, hex_digits
	add t4, t4, t2
	lbu a0, 0(t4)
	PUTC a0
	addi t3, t3, -4
	bgez t3, 1b
	ret

/* putdec(a0 < 1000): decimal. Clobbers a0, t1-t5. */
putdec:
	mv t1, a0
	li t5, UART_BASE
	li t3, 100
	li t4, 0 /* a digit was printed */
1:	divu a0, t1, t3
	remu t1, t1, t3
	bnez a0, 2f
	bnez t4, 2f
	li t2, 1
	bne t3, t2, 3f
2:	addi a0, a0, '0'
	PUTC a0
	li t4, 1
3:	li t2, 10
	divu t3, t3, t2
	bnez t3, 1b
	ret

/* "FAIL NAME case N: " */
fail_prefix:
	mv s8, ra
	lla a0, str_fail
	call hsys_puts
	lla a0, hsys_name
	call hsys_puts
	lla a0, str_case
	call hsys_puts
	mv a0, s11
	call putdec
	lla a0, str_colon
	call hsys_puts
	mv ra, s8
	ret

	.globl hsys_fail_check
hsys_fail_check:
	mv s6, a1
	mv s7, a2
	call fail_prefix
	lla a0, str_found
	call hsys_puts
	mv a0, s6
	call hsys_puthex
	lla a0, str_expected
	call hsys_puts
	mv a0, s7
	call hsys_puthex
	lla a0, str_newline
	call hsys_puts
	j finish_failure

	.globl hsys_fail_no_trap
hsys_fail_no_trap:
	call fail_prefix
	lla a0, str_no_trap
	call hsys_puts
	j finish_failure

	.globl hsys_fail_unexpected
hsys_fail_unexpected:
	call fail_prefix
	lla a0, str_unexpected
	call hsys_puts
	mv a0, s2
	call hsys_puthex
	lla a0, str_tval
	call hsys_puts
	mv a0, s3
	call hsys_puthex
	lla a0, str_epc
	call hsys_puts
	mv a0, s4
	call hsys_puthex
	lla a0, str_newline
	call hsys_puts
	j finish_failure

finish_failure:
	mv t0, s11
	li t1, 1
	bltu t0, t1, 1f
	li t1, 254
	bleu t0, t1, 2f
1:	li t0, FAIL_CODE_OTHER
2:	slli t0, t0, VIRT_TEST_CODE_SHIFT
	li t1, VIRT_TEST_FAIL
	or t0, t0, t1
	li t1, VIRT_TEST_BASE
	sw t0, 0(t1)
	j hsys_park

	.globl hsys_pass
hsys_pass:
	lla a0, str_pass
	call hsys_puts
	lla a0, hsys_name
	call hsys_puts
	beqz s9, 1f
	lla a0, str_skipped1
	call hsys_puts
	mv a0, s9
	call putdec
	lla a0, str_skipped2
	call hsys_puts
1:	lla a0, str_newline
	call hsys_puts
	li t0, VIRT_TEST_PASS
	li t1, VIRT_TEST_BASE
	sw t0, 0(t1)
	j hsys_park

/* Where harts wait for good: interrupts are never enabled here, so WFI only waits. */
	.globl hsys_park
hsys_park:
1:	wfi
	j 1b

	.section .rodata
hex_digits:	.ascii "0123456789abcdef"
str_fail:	.asciz "FAIL "
str_pass:	.asciz "PASS "
str_case:	.asciz " case "
str_colon:	.asciz ": "
str_found:	.asciz "found "
str_expected:	.asciz ", expected "
str_no_trap:	.asciz "an instruction that must trap did not\n"
str_unexpected:	.asciz "unexpected trap: cause "
str_tval:	.asciz " tval "
str_epc:	.asciz " epc "
str_newline:	.asciz "\n"
str_skipped1:	.asciz " ("
str_skipped2:	.asciz " check(s) skipped on QEMU 7.2: see the guest's source)"
