/*
 * A trap with no handler: the guest clears its trap vector (mtvec = 0 in M-mode, or stvec = 0 in the
 * S-mode build under karasu-rv's built-in SBI) and executes an illegal instruction. The trap goes to
 * address 0, where the machine has no memory, so fetching the handler raises an instruction access
 * fault, which goes to address 0 again, and so on: the hart can never run another instruction (QEMU
 * spins there forever). karasu-rv must end the run by itself with its error status and a message, and
 * never crash or hang. Prints one line first, so that the test knows the guest ran.
 */
#include "guest/rv/hostile-sys/hsys.inc"

	HSYS_ENTRY
	TRAP_HANDLER

	.text
	.option norvc
test_main:
	lla a0, msg_ready
	call hsys_puts
	csrw XTVEC, zero
	.word 0x00000000 /* illegal */
	/* not reached: nothing can return here */
	SET_CASE 1
	j hsys_fail_no_trap

	.section .rodata
msg_ready:
	.asciz "HSYS no_handler: trap vector cleared, executing an illegal instruction\n"
