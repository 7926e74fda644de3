/*
 * Floods the UART: LINES lines of `flood 0x<16 hex digits>` (the line number, counting from 0), written
 * as fast as the transmitter takes them (the guest waits for LSR.THRE before every byte, as the 16550's
 * programming model asks, so no byte may be lost), then PASS. The test reads karasu-rv's stdout through a
 * pipe, slowly: karasu-rv must neither hang nor lose or reorder output, and must exit 0 at the end.
 * Run with -bios none.
 */
#include "guest/rv/hostile-sys/hsys.inc"

#define LINES 100000

	HSYS_ENTRY
	TRAP_HANDLER

	.text
	.option norvc
test_main:
	li s6, 0
1:	lla a0, msg_flood
	call hsys_puts
	mv a0, s6
	call hsys_puthex
	lla a0, msg_newline
	call hsys_puts
	addi s6, s6, 1
	li t0, LINES
	bltu s6, t0, 1b
	j hsys_pass

	.section .rodata
msg_flood:
	.asciz "flood "
msg_newline:
	.asciz "\n"
