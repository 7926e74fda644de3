/* EBREAK and C.EBREAK (spec 1.12 section 3.3.1): breakpoint exception, cause 3 (table 3.6), from every
 * privilege; mepc = the address of the EBREAK itself, not the next instruction (3.3.1). mtval: for a
 * breakpoint on an instruction fetch, mtval is either 0 or the faulting virtual address, the address
 * of the EBREAK (3.1.16); the test accepts both, and requires the same choice in every mode.
 * (QEMU 7.2 writes 0 for EBREAK.) */
#include "guest/rv/priv/env/privtest.inc"

/* mtval is 0 or the address at `label` */
.macro CHECK_BREAK_TVAL label
	ld t1, HB_TVAL(tp)
	beqz t1, .Lzero\@
	CHECK_TVAL_LABEL \label
.Lzero\@:
.endm

TEST_BEGIN
	.option push
	.option norvc
	/* 1-2: EBREAK in M */
	SET_CASE 1
	EXPECT_TRAP 1f
2:	ebreak
	NO_TRAP
1:	CHECK_TRAP CAUSE_BREAKPOINT, PRV_M
	CHECK_EPC 2b
	SET_CASE 2
	CHECK_BREAK_TVAL 2b
	ld s1, HB_TVAL(tp) /* the choice for mtval: zero or not */
	snez s1, s1

	/* 3: EBREAK in S */
	SET_CASE 3
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	ebreak
	NO_TRAP
1:	CHECK_TRAP CAUSE_BREAKPOINT, PRV_M
	CHECK_EPC 2b
	CHECK_BREAK_TVAL 2b
	CHECK_STATUS MSTATUS_MPP, MSTATUS_MPP_S

	/* 4: EBREAK in U */
	SET_CASE 4
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	ebreak
	NO_TRAP
1:	CHECK_TRAP CAUSE_BREAKPOINT, PRV_M
	CHECK_EPC 2b
	CHECK_BREAK_TVAL 2b
	CHECK_STATUS MSTATUS_MPP, 0
	.option pop

	/* 5: C.EBREAK (16 bits, 0x9002) in M: same cause, mepc = its address */
	SET_CASE 5
	EXPECT_TRAP 1f
2:	.half 0x9002
	.half 0x0001
	NO_TRAP
1:	CHECK_TRAP CAUSE_BREAKPOINT, PRV_M
	CHECK_EPC 2b
	CHECK_BREAK_TVAL 2b

	/* 6: C.EBREAK in U */
	SET_CASE 6
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	.half 0x9002
	.half 0x0001
	NO_TRAP
1:	CHECK_TRAP CAUSE_BREAKPOINT, PRV_M
	CHECK_EPC 2b
	CHECK_BREAK_TVAL 2b

	/* 7: the same mtval choice as in case 1 */
	SET_CASE 7
	ld t1, HB_TVAL(tp)
	snez t1, t1
	CHECK_EQ_REG t1, s1
TEST_END
