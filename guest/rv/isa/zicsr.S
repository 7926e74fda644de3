/* Zicsr on the user-level floating-point CSRs: fcsr = frm << 5 | fflags; csrrw/csrrs/csrrc and their
 * immediate forms return the old value; rs1 = x0 / uimm = 0 reads without writing; writes to fflags and frm
 * keep only their bits. Also the read-only counters (cycle, time, instret) advance. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc
TEST_BEGIN
	TEST_CASE(1, a3, 0, csrr a3, fcsr)
	TEST_CASE(2, a3, 0, li a1, 0xff; csrrw a3, fcsr, a1)
	TEST_CASE(3, a3, 0xff, csrr a3, fcsr)
	TEST_CASE(4, a3, 0x7, csrr a3, frm)
	TEST_CASE(5, a3, 0x1f, csrr a3, fflags)
	TEST_CASE(6, a3, 0xff, li a1, 0xfff; csrrw a3, fcsr, a1)
	TEST_CASE(7, a3, 0xff, csrr a3, fcsr) /* bits above 7 are not kept */
	TEST_CASE(8, a3, 0xff, li a1, 0x3; csrrc a3, fcsr, a1)
	TEST_CASE(9, a3, 0xfc, csrr a3, fcsr)
	TEST_CASE(10, a3, 0x1c, csrrci a3, fflags, 0x1f)
	TEST_CASE(11, a3, 0xe0, csrr a3, fcsr)
	TEST_CASE(12, a3, 0x00, csrrsi a3, fflags, 0x5)
	TEST_CASE(13, a3, 0xe5, csrr a3, fcsr)
	TEST_CASE(14, a3, 0x7, csrrwi a3, frm, 2)
	TEST_CASE(15, a3, 0x45, csrr a3, fcsr)
	TEST_CASE(16, a3, 0x5, li a1, 0xffffffffffffffea; csrrw a3, fflags, a1)
	TEST_CASE(17, a3, 0x4a, csrr a3, fcsr)
	TEST_CASE(18, a3, 0x2, li a1, 0xfc; csrrw a3, frm, a1)
	TEST_CASE(19, a3, 0x8a, csrr a3, fcsr)
	/* rs1 = x0 and uimm = 0: read only */
	TEST_CASE(20, a3, 0x8a, csrrs a3, fcsr, x0; csrrc a3, fcsr, x0; csrrsi a3, fcsr, 0; csrrci a3, fcsr, 0)
	TEST_CASE(21, a3, 0x8a, csrr a3, fcsr)
	/* rd = x0: write only (csrw) */
	TEST_CASE(22, a3, 0x0, csrw fcsr, x0; csrr a3, fcsr)
	/* rd == rs1: the old value is returned, the register's old value is written */
	TEST_CASE(23, a3, 0x13, li a3, 0x13; csrw fflags, a3; li a3, 0x0c; csrrw a3, fflags, a3)
	TEST_CASE(24, a3, 0x0c, csrr a3, fflags)
	/* the flags an FP instruction raises are visible in fcsr (here: 1/0 -> DZ) */
	TEST_CASE(25, a3, 0x48, csrw fcsr, x0; fsrmi 2; li a1, 1; fcvt.d.l fa0, a1; fcvt.d.l fa1, x0;
		  fdiv.d fa2, fa0, fa1; csrr a3, fcsr)
	TEST_CASE(26, a3, 0x08, fsflagsi 0; fsrmi 0; csrrsi a3, fcsr, 0x08; csrr a3, fcsr)
	csrw fcsr, x0
	/* counters: instret and cycle advance across a loop; time does not go backwards */
	TEST_CASE(27, a3, 1, rdinstret a1; li a2, 100; 5: addi a2, a2, -1; bnez a2, 5b; rdinstret a4; sltu a3, a1, a4)
	TEST_CASE(28, a3, 1, rdcycle a1; li a2, 100; 5: addi a2, a2, -1; bnez a2, 5b; rdcycle a4; sltu a3, a1, a4)
	TEST_CASE(29, a3, 0, rdtime a1; rdtime a4; sltu a3, a4, a1)
TEST_END
