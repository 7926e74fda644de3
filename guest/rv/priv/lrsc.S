/* LR/SC reservations on one hart (unprivileged spec, "A" chapter, LR/SC; privileged spec 1.12 section
 * 3.3.2; cause table 3.6 and the note under it):
 *   - an SC without a reservation fails (rd != 0) and writes nothing; a successful LR/SC pair writes
 *     and returns 0; any SC ends the reservation, so a second SC fails;
 *   - LR.W sign-extends;
 *   - xRET: the spec allows it to clear the reservation, not requiring it. QEMU 7.2 clears it on MRET
 *     (checked there: LR, MRET to M, SC fails), and so does karasu-rv, so the test expects an SC after
 *     an xRET to fail - which also makes any trap and return (a context switch) lose the reservation,
 *     as checked with an ecall in M and with LR and SC in U around a trip to M;
 *   - a store by the same hart to the reserved address with a different value makes the SC fail in
 *     QEMU 7.2 (it implements SC as a compare-and-swap with the value LR loaded); the spec does not
 *     require this of a store by the same hart (only of stores by other harts, lrsc_smp2.S), so this is
 *     QEMU's behaviour, which karasu-rv follows;
 *   - a misaligned LR raises a load address-misaligned exception (4), a misaligned SC a store/AMO one
 *     (6), mtval = the address (the A chapter: "an address-misaligned exception or an access-fault
 *     exception will be generated"; karasu-rv and QEMU raise address-misaligned). */
#include "guest/rv/priv/env/privtest.inc"

	.data
	.balign 64
cell:
	.dword 0x1111
cell2:
	.dword 0
	.text

TEST_BEGIN
	lla s1, cell
	/* 1: SC without any LR before: fails, memory unchanged */
	SET_CASE 1
	li a2, 0x2222
	sc.d a0, a2, (s1)
	CHECK_EQ a0, 1
	ld a0, 0(s1)
	CHECK_EQ a0, 0x1111
	/* 2: LR then SC: succeeds (0) and writes */
	SET_CASE 2
	lr.d a0, (s1)
	CHECK_EQ a0, 0x1111
	li a2, 0x3333
	sc.d a0, a2, (s1)
	CHECK_EQ a0, 0
	ld a0, 0(s1)
	CHECK_EQ a0, 0x3333
	/* 3: a second SC: the reservation is gone */
	SET_CASE 3
	li a2, 0x4444
	sc.d a0, a2, (s1)
	CHECK_EQ a0, 1
	ld a0, 0(s1)
	CHECK_EQ a0, 0x3333
	/* 4: LR.W sign-extends; SC.W succeeds after it */
	SET_CASE 4
	li t0, 0x80000000
	sw t0, 0(s1)
	lr.w a0, (s1)
	CHECK_EQ a0, 0xffffffff80000000
	li a2, 0x7fffffff
	sc.w a0, a2, (s1)
	CHECK_EQ a0, 0
	lw a0, 0(s1)
	CHECK_EQ a0, 0x7fffffff
	/* 5: LR, MRET (to M, no trap), SC: fails */
	SET_CASE 5
	lr.d a0, (s1)
	GOTO_MODE PRV_M, 2f
2:	li a2, 0x5555
	sc.d a0, a2, (s1)
	CHECK_EQ a0, 1
	/* 6: LR, ecall (trap to M and MRET back), SC: fails */
	SET_CASE 6
	lr.d a0, (s1)
	EXPECT_TRAP 2f
	ecall
	NO_TRAP
2:	li a2, 0x5555
	sc.d a0, a2, (s1)
	CHECK_EQ a0, 1
	ld a0, 0(s1)
	CHECK_EQ a0, 0x7fffffff
	/* 7: LR in U, back to M, then SC in U: fails (a context switch between them) */
	SET_CASE 7
	mv a1, s1
	PROBE PRV_U, probe_lr, NO_FAULT
	CHECK_EQ a0, 0x7fffffff
	mv a1, s1
	li a2, 0x6666
	PROBE PRV_U, probe_sc, NO_FAULT
	CHECK_EQ a0, 1
	/* 8: LR, a store of another value by this hart, SC: fails (QEMU's behaviour, see above) */
	SET_CASE 8
	lr.d a0, (s1)
	li t0, 0x7777
	sd t0, 0(s1)
	li a2, 0x8888
	sc.d a0, a2, (s1)
	CHECK_EQ a0, 1
	ld a0, 0(s1)
	CHECK_EQ a0, 0x7777
	/* 9: misaligned LR.D: load address misaligned, mtval = the address */
	SET_CASE 9
	addi a1, s1, 4
	EXPECT_TRAP 1f
2:	lr.d a0, (a1)
	NO_TRAP
1:	CHECK_TRAP CAUSE_MISALIGNED_LOAD, PRV_M
	CHECK_EPC 2b
	CHECK_TVAL_REG a1
	/* 10: misaligned LR.W */
	SET_CASE 10
	addi a1, s1, 2
	EXPECT_TRAP 1f
2:	lr.w a0, (a1)
	NO_TRAP
1:	CHECK_TRAP CAUSE_MISALIGNED_LOAD, PRV_M
	CHECK_TVAL_REG a1
	/* 11: misaligned SC.D (after an aligned LR): store/AMO address misaligned, nothing written.
	 * QEMU 7.2 deviates: an SC whose address is not the reserved one fails (rd = 1) without any
	 * alignment check, so a misaligned SC never traps there. */
	SET_CASE 11
	lr.d a0, (s1)
	addi a1, s1, 1
	li a2, -1
	SKIP_ON_QEMU72 3f
	EXPECT_TRAP 1f
2:	sc.d a0, a2, (a1)
	NO_TRAP
1:	CHECK_TRAP CAUSE_MISALIGNED_STORE, PRV_M
	CHECK_EPC 2b
	CHECK_TVAL_REG a1
3:	ld a0, 0(s1)
	CHECK_EQ a0, 0x7777
	ld a0, 8(s1)
	CHECK_EQ a0, 0
TEST_END
