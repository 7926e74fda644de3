/* Small routines the tests run in S or U to make one access and come back to M with an ecall
 * (see PROBE/PROBE_USER in privtest.inc). They live in .user, a page of their own, so that tests can
 * map that page for U at its alias (USER_VA). Inputs: a1 = address, a2 = value; output: a0.
 * Uncompressed, so that each access is a 4-byte instruction at the routine's first address. */
#include "guest/rv/priv/env/priv_defs.h"

	.section .user, "ax"
	.option norvc
	.balign 4

	.globl probe_ld
probe_ld:
	ld a0, 0(a1)
	ecall

	.globl probe_lw
probe_lw:
	lw a0, 0(a1)
	ecall

	.globl probe_lbu
probe_lbu:
	lbu a0, 0(a1)
	ecall

	.globl probe_sd
probe_sd:
	sd a2, 0(a1)
	ecall

	.globl probe_sb
probe_sb:
	sb a2, 0(a1)
	ecall

	.globl probe_amoadd
probe_amoadd:
	amoadd.d a0, a2, (a1)
	ecall

	.globl probe_lr
probe_lr:
	lr.d a0, (a1)
	ecall

	.globl probe_sc
probe_sc:
	sc.d a0, a2, (a1)
	ecall

	.globl probe_jump
probe_jump:
	jr a1

/* A target for probe_jump and direct fetch tests: it only returns to M. */
	.globl probe_ecall
probe_ecall:
	ecall
