/*
 * A bare-metal program for karasu-rv's system-mode GDB stub (tests/integration/test-rv-gdb-system.sh),
 * for QEMU's `virt` with -bios none -smp 2: both harts start here in M-mode.
 *
 *   hart 1: counts in `hart1_counter` forever (hart1_loop), so that gdb sees a second, running thread.
 *   hart 0: waits until `go` is nonzero (the debugger sets it: without one the program spins forever)
 *           and hart 1 has counted to HART1_WARMUP (so that both harts are known to run by then),
 *           computes compute(7) = 3 * 7 + 1 = 22,
 *           turns on Sv39 with three gigapages and enters S-mode at s_main through its ALIAS: RAM is mapped
 *           twice, at its physical address and ALIAS_OFFSET below it, and s_main runs from the alias (a
 *           breakpoint on the alias address hits, one on the physical address does not).
 *   s_main: passes (sifive test device: 0x5555, exit status 0) only if compute's result was 61 and the
 *           word `magic`, read through the alias, is 0x600df00d. Released by gdb but otherwise undisturbed,
 *           the program therefore fails with status 22 (its result); it passes when gdb also sets a0 = 20
 *           at compute's entry and writes 0x600df00d into `magic` through the alias (status 3 when only
 *           the first was done).
 */
#define VIRT_TEST_BASE       0x100000
#define VIRT_TEST_PASS       0x5555
#define VIRT_TEST_FAIL       0x3333
#define VIRT_TEST_CODE_SHIFT 16

#define ALIAS_OFFSET    0x40000000 /* S-mode virtual address = physical address - ALIAS_OFFSET */
#define EXPECTED_RESULT 61         /* compute(20) */
#define EXPECTED_MAGIC  0x600df00d
#define INITIAL_MAGIC   0xbad0bad0
#define MAGIC_FAILURE   3 /* the exit status when `magic` was not changed */
#define HART1_WARMUP    1000

#define MSTATUS_MPP_MASK (3 << 11)
#define MSTATUS_MPP_S    (1 << 11)
#define SATP_SV39        (8 << 60)
#define PMP_NAPOT_RWX    0x1f /* pmpcfg: R | W | X | A = NAPOT */

/* Sv39 leaf PTEs for gigapages: V R W (X) A D */
#define PTE_DEVICES 0xc7
#define PTE_RAM     0xcf
#define PTE_PPN(pa) (((pa) >> 12) << 10)

	.section .text.entry, "ax"
	.globl _start
_start:
	csrr a0, mhartid
	bnez a0, hart1_entry
	/* hart 0: wait for the debugger, then for hart 1 to be running */
	lla t0, go
1:	lw t1, 0(t0)
	beqz t1, 1b
	lla t0, hart1_counter
	li t2, HART1_WARMUP
2:	ld t1, 0(t0)
	bltu t1, t2, 2b
	li a0, 7
	call compute
	mv s0, a0
	/* Sv39: VA 0..1G -> devices, 1G..2G -> RAM (the alias), 2G..3G -> RAM (identity) */
	lla t0, root_table
	srli t0, t0, 12
	li t1, SATP_SV39
	or t0, t0, t1
	csrw satp, t0
	sfence.vma
	/* PMP entry 0 over the whole address space: S-mode may access everything */
	li t0, -1
	csrw pmpaddr0, t0
	li t0, PMP_NAPOT_RWX
	csrw pmpcfg0, t0
	/* mret into S-mode at s_main's alias, with the result in a0 */
	li t0, MSTATUS_MPP_MASK
	csrc mstatus, t0
	li t0, MSTATUS_MPP_S
	csrs mstatus, t0
	lla t0, s_main
	li t1, ALIAS_OFFSET
	sub t0, t0, t1
	csrw mepc, t0
	mv a0, s0
	mret

/* a0 = 3 * a0 + 1, without a prologue: gdb stops at its first instruction */
	.globl compute
	.type compute, @function
compute:
	slli t0, a0, 1
	add a0, t0, a0
	addi a0, a0, 1
	ret
	.size compute, . - compute

/* S-mode, running at its alias; a0 = compute's result */
	.globl s_main
	.type s_main, @function
s_main:
	li t0, EXPECTED_RESULT
	bne a0, t0, fail_with_a0
	lla t1, magic /* pc-relative: the alias of magic */
	lw t2, 0(t1)
	li t0, EXPECTED_MAGIC
	bne t2, t0, fail_magic
	li t0, VIRT_TEST_BASE
	li t1, VIRT_TEST_PASS
	sw t1, 0(t0)
1:	j 1b
fail_magic:
	li a0, MAGIC_FAILURE
fail_with_a0:
	li t0, VIRT_TEST_BASE
	slli a0, a0, VIRT_TEST_CODE_SHIFT
	li t1, VIRT_TEST_FAIL
	or a0, a0, t1
	sw a0, 0(t0)
1:	j 1b
	.size s_main, . - s_main

hart1_entry:
	lla t0, hart1_counter
	.globl hart1_loop
hart1_loop:
	ld t1, 0(t0)
	addi t1, t1, 1
	sd t1, 0(t0)
	j hart1_loop

	.data
	.balign 8
	.globl go
go:
	.word 0
	.balign 8
	.globl magic
magic:
	.word INITIAL_MAGIC
	.balign 8
	.globl hart1_counter
hart1_counter:
	.dword 0

	.balign 4096
root_table:
	.dword PTE_PPN(0x00000000) | PTE_DEVICES
	.dword PTE_PPN(0x80000000) | PTE_RAM
	.dword PTE_PPN(0x80000000) | PTE_RAM
	.fill 509, 8, 0
