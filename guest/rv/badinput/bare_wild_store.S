/* Bare mode: a store far outside the program. karasu-rv --bare must report the fault, not crash. */
	.text
	.globl _start
_start:
	li a0, 0x7fff00000000
	sd a0, 0(a0)
	ebreak
