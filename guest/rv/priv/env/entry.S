/*
 * The bare-metal environment of the privileged-architecture tests: reset entry, the per-hart block, the
 * M-mode and S-mode trap handlers and the parking loop of secondary harts.
 *
 * Entry (like QEMU's virt with -bios none): every hart starts here in M-mode, a0 = hart id.
 * Each hart gets a block (layout: HB_* in priv_defs.h) and a stack; tp, mscratch and sscratch hold the
 * block's address for the whole test (tests never change tp). Hart 0 runs `test_main` (the test);
 * the others wait in `park` until a test hands them code with start_secondary.
 *
 * The trap handlers record every trap in the block (cause, tval, epc, status, ip, which handler) and then:
 *   - if an expectation is armed (HB_RESUME != 0, see EXPECT_TRAP in privtest.inc), disarm it and resume
 *     at HB_RESUME in the handler's own mode with interrupts disabled there (M handler: MPP = M,
 *     MPIE = 0 then mret; S handler: SPP = S, SPIE = 0 then sret), so that the test checks the record;
 *   - otherwise the trap was not expected: the test fails, reporting it.
 * The handlers touch only t0/t1 (saved in the block) and sp (swapped with the scratch register).
 */
#include "guest/rv/priv/env/priv_defs.h"

	.section .text.entry, "ax"
	.globl _start
_start:
	csrw mie, zero
	/* mstatus: FS = Initial (tests use FP), MPP = U, all interrupts and MPRV/SUM/MXR/TVM/TW/TSR off */
	li t0, MSTATUS_FS_INITIAL
	csrw mstatus, t0
	csrr t0, mhartid
	li t1, MAX_HARTS
	bgeu t0, t1, park_forever
	/* tp = hart_blocks + hartid * HB_SIZE, sp = top of this hart's stack */
	lla tp, hart_blocks
	li t1, HB_SIZE
	mul t1, t1, t0
	add tp, tp, t1
	lla sp, hart_stacks
	addi t1, t0, 1
	li t2, STACK_SIZE
	mul t1, t1, t2
	add sp, sp, t1
	/* RAM is not assumed zero: each hart clears its own block */
	mv t1, tp
	addi t2, tp, HB_SIZE
1:	sd zero, 0(t1)
	addi t1, t1, 8
	bltu t1, t2, 1b
	li t1, -1
	sd t1, HB_VECTOR(tp)
	sd t0, HB_HARTID(tp)
	sd sp, HB_STACK_TOP(tp)
	csrw mscratch, tp
	csrw sscratch, tp
	lla t1, mtrap_vector
	csrw mtvec, t1
	lla t1, strap_vector
	csrw stvec, t1
	csrw medeleg, zero
	csrw mideleg, zero
	csrw satp, zero
	csrw mcounteren, zero
	csrw scounteren, zero
	csrw menvcfg, zero
	fscsr zero
	/* This hart's timer far in the future (a reset value of mtimecmp is not specified). */
	li t1, CLINT_BASE + CLINT_MTIMECMP
	slli t2, t0, 3
	add t1, t1, t2
	li t2, -1
	sd t2, 0(t1)
	/* PMP: entry 15 (the lowest priority) gives S and U the whole address space. With PMP entries
	 * implemented, an S/U access that matches no entry fails (spec 1.12 section 3.7.1); tests that need
	 * other entries use 0..14. pmpcfg2 holds the configuration bytes of entries 8..15 on RV64. */
	csrw pmpcfg0, zero
	li t1, -1
	csrw pmpaddr15, t1
	li t1, (PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 56
	csrw pmpcfg2, t1
	bnez t0, park
	call test_main
	/* test_main returning means every case passed */
	j test_pass

/* A secondary hart waits (machine software interrupt enabled locally only, so that WFI returns on an IPI
 * without taking a trap) until HB_ENTRY holds code to run, then jumps there with a0 = hart id and mie = 0. */
park:
	li t1, MIP_MSIP
	csrw mie, t1
	/* only now may start_secondary hand over code: the block is initialised */
	li t1, PARKED_MAGIC
	fence
	sd t1, HB_PARKED(tp)
1:	wfi
	li t1, CLINT_BASE + CLINT_MSIP
	slli t2, t0, 2
	add t1, t1, t2
	sw zero, 0(t1)
	fence
	ld t1, HB_ENTRY(tp)
	beqz t1, 1b
	csrw mie, zero
	mv a0, t0
	jr t1

	.globl park_forever
park_forever:
	csrw mie, zero
1:	wfi
	j 1b

	.text
/* start_secondary(a0 = hart id, a1 = entry): waits until that hart is parked (its block is
 * initialised), hands it `entry` and wakes it with an IPI. A hart that never parks (not started,
 * e.g. a run with too few harts) fails the test like a missing interrupt. */
	.globl start_secondary
start_secondary:
	li t0, MAX_HARTS
	bgeu a0, t0, test_fail_no_trap
	lla t0, hart_blocks
	li t1, HB_SIZE
	mul t1, t1, a0
	add t0, t0, t1
	li t2, 100000000
	li a2, PARKED_MAGIC
1:	ld t1, HB_PARKED(t0)
	beq t1, a2, 2f
	addi t2, t2, -1
	bnez t2, 1b
	j test_fail_no_trap
2:	fence
	sd a1, HB_ENTRY(t0)
	fence
	li t0, CLINT_BASE + CLINT_MSIP
	slli t1, a0, 2
	add t0, t0, t1
	li t1, 1
	sw t1, 0(t0)
	ret

/* ---- M-mode trap handler ---- */
	.balign 4
	.globl mtrap_vector
mtrap_vector:
	csrrw sp, mscratch, sp
	sd t0, HB_MSAVE + 0(sp)
	sd t1, HB_MSAVE + 8(sp)
	ld t0, HB_FAILING(sp)
	bnez t0, trap_while_failing
	csrr t0, mcause
	sd t0, HB_CAUSE(sp)
	csrr t0, mtval
	sd t0, HB_TVAL(sp)
	csrr t0, mepc
	sd t0, HB_EPC(sp)
	csrr t0, mstatus
	sd t0, HB_STATUS(sp)
	csrr t0, mip
	sd t0, HB_IP(sp)
	li t0, PRV_M
	sd t0, HB_MODE(sp)
	ld t0, HB_COUNT(sp)
	addi t0, t0, 1
	sd t0, HB_COUNT(sp)
	ld t0, HB_RESUME(sp)
	beqz t0, 1f
	sd zero, HB_RESUME(sp)
	csrw mepc, t0
	li t0, MSTATUS_MPP
	csrs mstatus, t0
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	ld t0, HB_MSAVE + 0(sp)
	ld t1, HB_MSAVE + 8(sp)
	csrrw sp, mscratch, sp
	mret
1:	mv tp, sp
	ld sp, HB_STACK_TOP(tp)
	li a0, PRV_M
	mv a1, s11
	tail env_unexpected_trap

/* ---- S-mode trap handler (used once a test delegates something with medeleg/mideleg) ---- */
	.balign 4
	.globl strap_vector
strap_vector:
	csrrw sp, sscratch, sp
	sd t0, HB_SSAVE + 0(sp)
	sd t1, HB_SSAVE + 8(sp)
	ld t0, HB_FAILING(sp)
	bnez t0, trap_while_failing
	csrr t0, scause
	sd t0, HB_CAUSE(sp)
	csrr t0, stval
	sd t0, HB_TVAL(sp)
	csrr t0, sepc
	sd t0, HB_EPC(sp)
	csrr t0, sstatus
	sd t0, HB_STATUS(sp)
	csrr t0, sip
	sd t0, HB_IP(sp)
	li t0, PRV_S
	sd t0, HB_MODE(sp)
	ld t0, HB_COUNT(sp)
	addi t0, t0, 1
	sd t0, HB_COUNT(sp)
	ld t0, HB_RESUME(sp)
	beqz t0, 1f
	sd zero, HB_RESUME(sp)
	csrw sepc, t0
	li t0, MSTATUS_SPP
	csrs sstatus, t0
	li t0, MSTATUS_SPIE
	csrc sstatus, t0
	ld t0, HB_SSAVE + 0(sp)
	ld t1, HB_SSAVE + 8(sp)
	csrrw sp, sscratch, sp
	sret
1:	mv tp, sp
	ld sp, HB_STACK_TOP(tp)
	li a0, PRV_S
	mv a1, s11
	tail env_unexpected_trap

/* A trap while the failure report itself runs (e.g. the report's accesses fault in a lower mode): give
 * up printing and end the run with the failure code recorded in the block. */
trap_while_failing:
	mv tp, sp
	ld sp, HB_STACK_TOP(tp)
	tail env_final_failure

/* Check failures jump here from the CHECK_* macros: a0 = value found, a1 = value expected, s11 = case. */
	.globl test_fail_check
test_fail_check:
	mv a2, a1
	mv a1, a0
	li a0, 0
	mv a3, s11
	ld sp, HB_STACK_TOP(tp)
	tail env_fail

/* An instruction that had to trap (or an interrupt that had to arrive) did not. */
	.globl test_fail_no_trap
test_fail_no_trap:
	li a0, 1
	li a1, 0
	li a2, 0
	mv a3, s11
	ld sp, HB_STACK_TOP(tp)
	tail env_fail

	.globl test_pass
test_pass:
	mv a0, s11
	ld sp, HB_STACK_TOP(tp)
	tail env_pass

	.bss
	.balign 64
	.globl hart_blocks
hart_blocks:
	.space HB_SIZE * MAX_HARTS
	.balign 16
hart_stacks:
	.space STACK_SIZE * MAX_HARTS
