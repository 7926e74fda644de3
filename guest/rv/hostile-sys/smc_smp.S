/*
 * Self-modifying code on every hart at once (-bios none -smp 4). Each hart runs a loop in a page of its
 * own; in every iteration it writes a new routine into a slot of that same page and calls it:
 *     even iterations: addi a0, a0, k ; jalr x0, 0(ra)          (two 32-bit instructions)
 *     odd iterations:  c.addi a0, k ; c.jr ra                    (two compressed ones, in one word)
 * with k different from one iteration to the next. Only the new code adds k, so a hart that ran a stale
 * copy of the routine even once ends with a wrong sum in a0; the loop also adds k to s7 directly, and the
 * two must be equal. The loop's own page is rewritten under it in every iteration, too.
 *
 * With FENCE.I after the stores (smc_smp.elf), the unprivileged spec (Zifencei) guarantees that the hart's
 * instruction fetches see its own stores: the sums must match. Built with -DNO_FENCE_I
 * (smc_smp_nofence.elf), nothing in the spec orders them; karasu-rv documents that a hart drops stale
 * translations at its next block boundary (docs/karasu-rv-system.md) and QEMU runs the new code, so the
 * sums must match there too (checked on both).
 *
 * Hart 0 waits for the others (at most WAIT_TICKS of mtime), then checks: case h + 1 = hart h's sum,
 * case 5 = a hart did not finish in time.
 */
#include "guest/rv/hostile-sys/hsys.inc"

#define HARTS       4
#define ITERATIONS  100000
#define PAGE_SIZE   4096
#define SLOT_OFFSET 2048 /* the routine's place in the hart's page */
#define CLINT_MTIME 0x200bff8
#define WAIT_TICKS  (60 * 10000000) /* 60 s at the 10 MHz timebase */
#define DONE_MAGIC  0x444f4e45      /* "DONE": not a value left in uninitialised RAM */

/* Encodings written at run time (unprivileged spec, chapters 2 and 16 (RVC)): */
#define ADDI_A0_A0    0x00050513 /* addi a0, a0, 0; the immediate goes into bits 31:20 */
#define JALR_X0_RA    0x00008067 /* jalr x0, 0(ra) */
#define C_ADDI_A0     0x0501     /* c.addi a0, 0; nzimm[4:0] into bits 6:2 (bit 12 = nzimm[5] = 0) */
#define C_JR_RA       0x8082     /* c.jr ra */
#define IMM_SHIFT     20
#define C_IMM_SHIFT   2
#define K_MASK_32     0x3ff /* k for the 32-bit addi: 0..1023 */
#define K_MASK_16     0x1f  /* k for c.addi: 1..31 (c.addi needs a nonzero immediate) */

#ifdef NO_FENCE_I
#define SYNC_ICACHE nop
#else
#define SYNC_ICACHE fence.i
#endif

/* Hart `h`'s code: a page of its own, the loop at its start, the slot at SLOT_OFFSET. */
.macro HART_PAGE h
	.balign PAGE_SIZE
hart_page_\h:
	li a0, 0 /* the sum the written routines compute */
	li s7, 0 /* the sum they should compute */
	li s6, ITERATIONS
	lla s1, hart_page_\h + SLOT_OFFSET
1:	/* k = (iteration * 37) masked: changes every time */
	li t0, 37
	mul t1, s6, t0
	andi t0, s6, 1
	bnez t0, 2f
	/* even: addi a0, a0, k ; jalr x0, 0(ra) */
	andi t1, t1, K_MASK_32
	slli t2, t1, IMM_SHIFT
	li t0, ADDI_A0_A0
	or t2, t2, t0
	sw t2, 0(s1)
	li t0, JALR_X0_RA
	sw t0, 4(s1)
	j 3f
2:	/* odd: c.addi a0, k ; c.jr ra (k != 0) */
	andi t1, t1, K_MASK_16
	bnez t1, 4f
	li t1, 1
4:	slli t2, t1, C_IMM_SHIFT
	li t0, C_ADDI_A0
	or t2, t2, t0
	li t0, C_JR_RA << 16
	or t2, t2, t0
	sw t2, 0(s1)
3:	SYNC_ICACHE
	jalr ra, 0(s1)
	add s7, s7, t1
	addi s6, s6, -1
	bnez s6, 1b
	j hart_done
	.balign PAGE_SIZE
.endm

	HSYS_ENTRY all
	TRAP_HANDLER

	.text
	.option norvc
test_main:
	csrr t0, mhartid
	li t1, HARTS
	bgeu t0, t1, hsys_park
	/* jump to this hart's page */
	slli t0, t0, 3
	lla t1, hart_pages
	add t1, t1, t0
	ld t1, 0(t1)
	jr t1

/* a0 = computed sum, s7 = expected: store them and the DONE mark in this hart's result slot. */
hart_done:
	csrr t0, mhartid
	slli t0, t0, 5 /* 32 bytes per hart */
	lla t1, results
	add t1, t1, t0
	sd a0, 0(t1)
	sd s7, 8(t1)
	fence
	li t0, DONE_MAGIC
	sd t0, 16(t1)
	csrr t0, mhartid
	bnez t0, hsys_park
	/* hart 0: wait for everyone, with a deadline in mtime */
	li t2, CLINT_MTIME
	ld s1, 0(t2)
	li t0, WAIT_TICKS
	add s1, s1, t0
	lla s3, results
	li s6, 0 /* hart being waited for */
5:	slli t0, s6, 5
	add t1, s3, t0
	ld t0, 16(t1)
	li t2, DONE_MAGIC
	beq t0, t2, 6f
	li t2, CLINT_MTIME
	ld t2, 0(t2)
	bltu t2, s1, 5b
	SET_CASE 5
	mv a1, s6
	li a2, -1
	j hsys_fail_check /* found = the hart that did not finish */
6:	fence
	/* case h + 1: hart h's sums */
	addi s11, s6, 1
	ld a1, 0(t1)
	ld a2, 8(t1)
	bne a1, a2, hsys_fail_check
	addi s6, s6, 1
	li t0, HARTS
	bltu s6, t0, 5b
	j hsys_pass

	.section .rodata
	.balign 8
hart_pages:
	.dword hart_page_0, hart_page_1, hart_page_2, hart_page_3

	.section .text.pages, "ax"
	HART_PAGE 0
	HART_PAGE 1
	HART_PAGE 2
	HART_PAGE 3

	.bss
	.balign 64
results:
	.space 32 * HARTS
