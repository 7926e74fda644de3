/* hvtest in U-mode: hvtest_run_umode drops to U-mode for a small routine and comes back when the routine makes
 * the "done" ECALL (a7 = UMODE_DONE; traps.c sends it to hvtest_umode_resume in S-mode). The routines below are
 * what the hostile cases (cases_hostile_umode.c) run in U-mode; each gets a0 = argument, a1 = result address.
 * satp is 0, so U-mode addresses are physical too. */
#define UMODE_DONE   0x48565544 /* keep equal to HVTEST_UMODE_DONE (arch.h) */
#define SSTATUS_SPIE 0x20
#define SSTATUS_SPP  0x100
#define SAVED        112 /* ra, s0..s11 */
#define UNTOUCHED    0x5a5a5a5a5a5a5a5a

.macro	umode_done
	li	a7, UMODE_DONE
	ecall
.endm

	.text
/* void hvtest_run_umode(void (*fn)(void), uint64_t sp, uint64_t arg, uint64_t *result) */
	.globl	hvtest_run_umode
hvtest_run_umode:
	addi	sp, sp, -SAVED
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	la	t0, hvtest_umode_sp
	sd	sp, 0(t0)
	csrw	sepc, a0
	li	t0, SSTATUS_SPP | SSTATUS_SPIE
	csrc	sstatus, t0		/* sret goes to U-mode */
	csrw	sscratch, sp		/* the S-mode stack for traps from U-mode (start.S trap_entry) */
	mv	sp, a1
	mv	a0, a2
	mv	a1, a3
	sret

/* traps.c sets sp back to hvtest_umode_sp and sret lands here, in S-mode. */
	.globl	hvtest_umode_resume
hvtest_umode_resume:
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, SAVED
	ret

/* ECALL with a0..a7 loaded from the 8 words at a0; a0..a7 afterwards go to the 8 words at a1. */
	.globl	umode_ecall
umode_ecall:
	mv	t0, a0
	mv	t1, a1
	ld	a0, 0(t0)
	ld	a1, 8(t0)
	ld	a2, 16(t0)
	ld	a3, 24(t0)
	ld	a4, 32(t0)
	ld	a5, 40(t0)
	ld	a6, 48(t0)
	ld	a7, 56(t0)
	ecall
	sd	a0, 0(t1)
	sd	a1, 8(t1)
	sd	a2, 16(t1)
	sd	a3, 24(t1)
	sd	a4, 32(t1)
	sd	a5, 40(t1)
	sd	a6, 48(t1)
	sd	a7, 56(t1)
	umode_done

/* A doubleword load from the address in a0; the value (or UNTOUCHED if the load did not complete) to *a1. */
	.globl	umode_load
umode_load:
	li	t0, UNTOUCHED
	ld	t0, 0(a0)
	sd	t0, 0(a1)
	umode_done

/* A word load (MMIO) from the address in a0, zero-extended, to *a1. */
	.globl	umode_load32
umode_load32:
	li	t0, UNTOUCHED
	lwu	t0, 0(a0)
	sd	t0, 0(a1)
	umode_done

/* Reading sstatus in U-mode: an illegal instruction; the destination keeps UNTOUCHED, stored to *a1. */
	.globl	umode_csr_sstatus
umode_csr_sstatus:
	li	t0, UNTOUCHED
	csrr	t0, sstatus
	sd	t0, 0(a1)
	umode_done

/* SRET in U-mode: an illegal instruction. */
	.globl	umode_sret
umode_sret:
	sret
	sd	zero, 0(a1)
	umode_done

	.bss
	.balign	8
	.globl	hvtest_umode_sp
hvtest_umode_sp:
	.space	8
