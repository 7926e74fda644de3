/* Bare mode: a jump to an unmapped address. karasu-rv --bare must report the fault, not crash. */
	.text
	.globl _start
_start:
	li a0, 0x1234
	jr a0
