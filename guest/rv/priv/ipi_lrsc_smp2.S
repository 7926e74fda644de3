/* Two harts (run with -smp 2; the name's _smp2 tells the runner): inter-processor interrupts and
 * LR/SC between harts.
 *   - mhartid is 1 on the second hart (a0 = 1 at its entry, like the boot convention);
 *   - CLINT msip[h] raises MSIP on hart h only (spec 1.12 section 3.1.9: "used by remote harts to
 *     provide machine-level interprocessor interrupts"): hart 0 writing msip[1] does not make hart 0's
 *     MSIP pending; hart 1 writing msip[0] interrupts hart 0 (interrupt | 3);
 *   - a store by another hart to the reservation set between LR and SC makes the SC fail (A chapter:
 *     "The SC must fail if a store to the reservation set from another hart can be observed to occur
 *     between the LR and SC"). The other hart stores a different value: an implementation of SC as a
 *     compare-and-swap of the loaded value, like QEMU's, would miss a store of the same value (a
 *     deviation from the spec that this test does not probe).
 * The harts hand over through `step` (a different cache line than `cell`). */
#include "guest/rv/priv/env/privtest.inc"

#define SECOND_HART 1

	.data
	.balign 64
cell:
	.dword 0x1000
	.balign 64
step:
	.dword 0
	.text

/* Waits until `step` == value (any hart); fails after SPIN_LIMIT polls */
.macro WAIT_STEP value
	li t0, SPIN_LIMIT
	lla t1, step
.Lwait\@:
	ld t2, 0(t1)
	addi t2, t2, -(\value)
	beqz t2, .Lreached\@
	addi t0, t0, -1
	bnez t0, .Lwait\@
	j test_fail_no_trap
.Lreached\@:
.endm

.macro SET_STEP value
	fence
	lla t1, step
	li t2, \value
	sd t2, 0(t1)
.endm

/* The second hart: entered from the environment's parking loop in M with a0 = its hart id */
second_hart:
	li s11, 100
	CHECK_EQ a0, SECOND_HART
	csrr a1, mhartid
	CHECK_EQ a1, SECOND_HART
	SET_STEP 1
	/* interrupt hart 0 */
	WAIT_STEP 2
	li t0, CLINT_BASE + CLINT_MSIP
	li t1, 1
	sw t1, 0(t0)
	/* store to the cell hart 0 has reserved */
	WAIT_STEP 3
	li t0, 0x2000
	lla t1, cell
	sd t0, 0(t1)
	SET_STEP 4
	j park_forever

TEST_BEGIN
	csrw mie, zero
	/* 1: waking hart 1 through msip[1] does not make hart 0's MSIP pending; hart 1 reports in */
	SET_CASE 1
	li a0, SECOND_HART
	lla a1, second_hart
	call start_secondary
	WAIT_STEP 1
	SETTLE
	CHECK_CSR_MASKED mip, MIP_MSIP, 0
	/* 2: hart 1 writes msip[0]: hart 0 takes a machine software interrupt */
	SET_CASE 2
	li t0, MIP_MSIP
	csrw mie, t0
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
	SET_STEP 2
	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_SOFT), PRV_M
	SET_MSIP 0
	WAIT_NOT_PENDING mip, MIP_MSIP
	csrw mie, zero
	/* 3: LR here, a store of another value by hart 1, SC here: the SC fails, hart 1's value stays */
	SET_CASE 3
	lla s1, cell
	lr.d a0, (s1)
	CHECK_EQ a0, 0x1000
	SET_STEP 3
	WAIT_STEP 4
	li a2, 0x3000
	sc.d a0, a2, (s1)
	CHECK_EQ a0, 1
	ld a0, 0(s1)
	CHECK_EQ a0, 0x2000
	/* 4: without interference, LR/SC succeeds */
	SET_CASE 4
	lr.d a0, (s1)
	li a2, 0x3000
	sc.d a0, a2, (s1)
	CHECK_EQ a0, 0
TEST_END
