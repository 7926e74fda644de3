/* mstatus.FS and SD (spec 1.12 section 3.1.6.6; sstatus shows the same fields, 4.1.1):
 *   - FS = Off: every instruction that reads or writes FP state (FP arithmetic, loads, stores, moves,
 *     the fcsr/frm/fflags CSRs) raises illegal instruction, in every mode (mtval = the bits);
 *   - an instruction that changes an FP register or fcsr with FS = Initial or Clean sets FS = Dirty;
 *     (an implementation may also report Dirty imprecisely, or not track Initial/Clean at all, so the
 *     test never requires FS to stay Clean or Initial);
 *   - SD is read-only and is 1 exactly when FS (or VS, XS, both 0 here) is Dirty;
 *   - changing FS does not change the FP registers: Off and back keeps their values. */
#include "guest/rv/priv/env/privtest.inc"

#define SD (1 << MSTATUS_SD_SHIFT)

.macro SET_FS value
	li t0, MSTATUS_FS
	csrc mstatus, t0
	li t0, \value
	csrs mstatus, t0
.endm

/* insn must raise illegal instruction in M (FS = Off) */
.macro FP_ILLEGAL insn
	EXPECT_TRAP .Lback\@
.Linsn\@:
	\insn
	NO_TRAP
.Lback\@:
	EXPECT_ILLEGAL_HERE .Linsn\@
.endm

	.data
	.balign 8
fp_value:
	.dword 0x400921fb54442d18 /* pi */
	.text

TEST_BEGIN
	.option push
	.option norvc
	lla s1, fp_value
	/* 1-8: FS = Off in M: FP arithmetic, load, store, moves and the FP CSRs are illegal */
	SET_FS MSTATUS_FS_OFF
	SET_CASE 1
	FP_ILLEGAL "fadd.d fa0, fa1, fa2"
	SET_CASE 2
	FP_ILLEGAL "fld fa0, 0(s1)"
	SET_CASE 3
	FP_ILLEGAL "fsd fa0, 0(s1)"
	SET_CASE 4
	FP_ILLEGAL "fmv.x.d a0, fa0"
	SET_CASE 5
	FP_ILLEGAL "fmv.w.x fa0, a0"
	SET_CASE 6
	FP_ILLEGAL "csrr a0, fcsr"
	SET_CASE 7
	FP_ILLEGAL "csrw frm, zero"
	SET_CASE 8
	FP_ILLEGAL "csrrs a0, fflags, zero"
	/* 9: SD = 0 with FS = Off */
	SET_CASE 9
	CHECK_CSR_MASKED mstatus, SD | MSTATUS_FS, 0
	/* 10: FS = Off in S and in U */
	SET_CASE 10
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	fcvt.d.l fa0, a0
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	flw fa0, 0(s1)
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b

	/* 11: FS = Initial, then an FP register changes: FS = Dirty, SD = 1 */
	SET_CASE 11
	SET_FS MSTATUS_FS_INITIAL
	li a0, 0x1234
	fmv.d.x fa3, a0
	CHECK_CSR_MASKED mstatus, SD | MSTATUS_FS, SD | MSTATUS_FS_DIRTY
	/* 12: sstatus shows the same FS and SD */
	SET_CASE 12
	CHECK_CSR_MASKED sstatus, SD | MSTATUS_FS, SD | MSTATUS_FS_DIRTY
	/* 13: FS = Clean, then an FP load of a different value: Dirty */
	SET_CASE 13
	SET_FS MSTATUS_FS_CLEAN
	fld fa3, 0(s1)
	CHECK_CSR_MASKED mstatus, SD | MSTATUS_FS, SD | MSTATUS_FS_DIRTY
	/* 14: FS = Clean, then fcsr changes: Dirty */
	SET_CASE 14
	csrw fcsr, zero
	SET_FS MSTATUS_FS_CLEAN
	csrwi fflags, 0x1f
	CHECK_CSR_MASKED mstatus, SD | MSTATUS_FS, SD | MSTATUS_FS_DIRTY
	csrw fcsr, zero
	/* 15: FS = Clean, then an FP operation writes a new result (in S): Dirty */
	SET_CASE 15
	SET_FS MSTATUS_FS_CLEAN
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	fadd.d fa4, fa3, fa3
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	CHECK_CSR_MASKED mstatus, SD | MSTATUS_FS, SD | MSTATUS_FS_DIRTY
	/* 16: SD follows FS when software writes FS: Off -> 0, Dirty -> 1 */
	SET_CASE 16
	SET_FS MSTATUS_FS_OFF
	CHECK_CSR_MASKED mstatus, SD, 0
	SET_FS MSTATUS_FS_DIRTY
	CHECK_CSR_MASKED mstatus, SD | MSTATUS_FS, SD | MSTATUS_FS_DIRTY
	/* 17: FS = Off and back does not change the registers: fa3 still holds pi */
	SET_CASE 17
	SET_FS MSTATUS_FS_OFF
	SET_FS MSTATUS_FS_INITIAL
	fmv.x.d a0, fa3
	CHECK_EQ a0, 0x400921fb54442d18
	/* 18: FP works in U with FS on (pi + pi) */
	SET_CASE 18
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	fadd.d fa5, fa3, fa3
	fmv.x.d a0, fa5
	ecall
	NO_TRAP
1:	CHECK_TRAP CAUSE_ECALL_U, PRV_M
	CHECK_EQ a0, 0x401921fb54442d18
	.option pop
TEST_END
