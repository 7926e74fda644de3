/*
 * Every hart spins forever with interrupts off (`csrci mstatus, MIE; 1: j 1b`): nothing in the guest
 * will ever stop it. The test ends it from outside: with the console escape (Ctrl-] x on stdin, after
 * which karasu-rv must exit 0 at once) and with a signal (timeout(1)). Hart 0 prints one line first, so
 * that the test knows the guest runs. Run with -bios none, any number of harts.
 */
#include "guest/rv/hostile-sys/hsys.inc"

	HSYS_ENTRY all
	TRAP_HANDLER

	.text
	.option norvc
test_main:
	csrr t0, mhartid
	bnez t0, 1f
	lla a0, msg_ready
	call hsys_puts
1:	csrci mstatus, MSTATUS_MIE
2:	j 2b

	.section .rodata
msg_ready:
	.asciz "HSYS spin: spinning with interrupts off\n"
