/* Counters and their enables (spec 1.12 sections 3.1.10, 3.1.11 mcounteren, 4.1.5 scounteren; Zicntr):
 *   - cycle, time, instret are read-only shadows of mcycle, mtime, minstret; M can always read them;
 *   - S may read one only when its mcounteren bit (CY 0, TM 1, IR 2) is set; U only when both the
 *     mcounteren and the scounteren bits are set; otherwise illegal instruction (mtval = the bits);
 *   - mcycle and minstret are writable and count up from the value written; minstret counts retired
 *     instructions, so it grows by at least the number of instructions executed;
 *   - a CSR instruction that writes minstret does so instead of the increment, so the value written
 *     is the value the next instruction reads (unprivileged spec, Zicsr chapter, "CSR access
 *     ordering"), and it then counts exactly the instructions retired after it.
 * QEMU 7.2 deviates: it counts minstret in host clock ticks (the exact cases are skipped there; the
 * lower bound holds for the loop used, whose iterations take a division each). */
#include "guest/rv/priv/env/privtest.inc"

#define ALL_COUNTERS (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR)
#define LOOPS 10000

/* In `prv`, read counter `csr` into a0: cause = NO_FAULT or CAUSE_ILLEGAL (checked with mtval) */
.macro READ_COUNTER_IN prv, csr, cause
	EXPECT_TRAP .Lback\@
	GOTO_MODE \prv, .Lread\@
.Lread\@:
	csrr a0, \csr
	ecall
	NO_TRAP
.Lback\@:
	.if \cause == NO_FAULT
	.if \prv == PRV_S
	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	.else
	CHECK_TRAP CAUSE_ECALL_U, PRV_M
	.endif
	.else
	EXPECT_ILLEGAL_HERE .Lread\@
	.endif
.endm

TEST_BEGIN
	/* 1: mcounteren/scounteren hold the three bits */
	SET_CASE 1
	li t0, ALL_COUNTERS
	csrw mcounteren, t0
	CHECK_CSR_MASKED mcounteren, ALL_COUNTERS, ALL_COUNTERS
	li t0, ALL_COUNTERS
	csrw scounteren, t0
	CHECK_CSR_MASKED scounteren, ALL_COUNTERS, ALL_COUNTERS
	csrw mcounteren, zero
	csrw scounteren, zero
	/* 2-4: mcounteren = 0: S may not read cycle, time, instret */
	SET_CASE 2
	READ_COUNTER_IN PRV_S, cycle, CAUSE_ILLEGAL
	SET_CASE 3
	READ_COUNTER_IN PRV_S, time, CAUSE_ILLEGAL
	SET_CASE 4
	READ_COUNTER_IN PRV_S, instret, CAUSE_ILLEGAL
	/* 5-7: one bit at a time */
	SET_CASE 5
	li t0, COUNTEREN_TM
	csrw mcounteren, t0
	READ_COUNTER_IN PRV_S, time, NO_FAULT
	READ_COUNTER_IN PRV_S, cycle, CAUSE_ILLEGAL
	READ_COUNTER_IN PRV_S, instret, CAUSE_ILLEGAL
	SET_CASE 6
	li t0, COUNTEREN_CY
	csrw mcounteren, t0
	READ_COUNTER_IN PRV_S, cycle, NO_FAULT
	READ_COUNTER_IN PRV_S, time, CAUSE_ILLEGAL
	SET_CASE 7
	li t0, COUNTEREN_IR
	csrw mcounteren, t0
	READ_COUNTER_IN PRV_S, instret, NO_FAULT
	READ_COUNTER_IN PRV_S, cycle, CAUSE_ILLEGAL
	/* 8: time read in S lies between two reads of mtime by M around it */
	SET_CASE 8
	li t0, ALL_COUNTERS
	csrw mcounteren, t0
	READ_MTIME s1
	READ_COUNTER_IN PRV_S, time, NO_FAULT
	READ_MTIME s2
	sltu t0, a0, s1
	CHECK_EQ t0, 0
	sltu t0, s2, a0
	CHECK_EQ t0, 0
	/* 9-10: U needs scounteren too: mcounteren = all, scounteren = 0: illegal */
	SET_CASE 9
	READ_COUNTER_IN PRV_U, cycle, CAUSE_ILLEGAL
	READ_COUNTER_IN PRV_U, time, CAUSE_ILLEGAL
	READ_COUNTER_IN PRV_U, instret, CAUSE_ILLEGAL
	SET_CASE 10
	li t0, ALL_COUNTERS
	csrw scounteren, t0
	READ_COUNTER_IN PRV_U, cycle, NO_FAULT
	READ_COUNTER_IN PRV_U, time, NO_FAULT
	READ_COUNTER_IN PRV_U, instret, NO_FAULT
	/* 11: scounteren alone is not enough */
	SET_CASE 11
	csrw mcounteren, zero
	READ_COUNTER_IN PRV_U, time, CAUSE_ILLEGAL
	READ_COUNTER_IN PRV_U, cycle, CAUSE_ILLEGAL
	/* 12: S is not affected by scounteren */
	SET_CASE 12
	READ_COUNTER_IN PRV_S, time, CAUSE_ILLEGAL
	csrw scounteren, zero

	/* 13: mcycle written, then read: at least the value written, and not far above it */
	SET_CASE 13
	li s1, 0x100000000000
	csrw mcycle, s1
	csrr a0, mcycle
	sub a0, a0, s1
	srli a0, a0, 32
	CHECK_EQ a0, 0
	/* 14: cycle shadows mcycle, and counts up */
	SET_CASE 14
	csrr a0, cycle
	sltu t0, a0, s1
	CHECK_EQ t0, 0
	li t0, 1000
2:	addi t0, t0, -1
	bnez t0, 2b
	csrr a1, cycle
	sltu t0, a0, a1
	CHECK_EQ t0, 1
	/* 15: minstret written, then LOOPS iterations of 3 instructions: it grew by at least 3 * LOOPS,
	 * and instret shadows it */
	SET_CASE 15
	li s1, 0x200000000000
	li t1, 12345
	li t2, 7
	li t3, LOOPS
	csrw minstret, s1
2:	div t4, t1, t2
	addi t3, t3, -1
	bnez t3, 2b
	csrr a0, minstret
	csrr a1, instret
	li t2, 3 * LOOPS
	sub a0, a0, s1
	sltu t0, a0, t2
	CHECK_EQ t0, 0
	li t2, 3 * LOOPS
	sub a1, a1, s1
	sltu t0, a1, t2
	CHECK_EQ t0, 0
	srli a1, a1, 32
	CHECK_EQ a1, 0
	/* 15 (exact): the loop retired exactly 3 * LOOPS instructions between the write and the read (the
	 * csrr reads the count from before its own execution); the translator counts a loop's passes in a
	 * register and must still give the exact sum */
	SKIP_ON_QEMU72 1f
	li s1, 0x200000000000
	li t3, LOOPS
	csrw minstret, s1
2:	div t4, t1, t2
	addi t3, t3, -1
	bnez t3, 2b
	csrr a0, minstret
	sub a0, a0, s1
	li t2, 3 * LOOPS
	CHECK_EQ_REG a0, t2
1:	/* 16: the value written to minstret is the value the next instruction reads */
	SET_CASE 16
	li a1, 0x300000000000
	SKIP_ON_QEMU72 1f
	csrw minstret, a1
	csrr a0, minstret
	CHECK_EQ_REG a0, a1
1:	/* 17: then it counts exactly the instructions retired: three nops (the csrr reads the value from
	 * before its own execution) */
	SET_CASE 17
	SKIP_ON_QEMU72 1f
	csrw minstret, zero
	nop
	nop
	nop
	csrr a0, minstret
	CHECK_EQ a0, 3
1:
TEST_END
