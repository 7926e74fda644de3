/* misa and the machine identity (spec 1.12 sections 3.1.1, 3.1.5, 3.1.6.2, 4.1.1):
 *   - misa.MXL = 2 (64-bit) and the extension bits of RV64IMAFDC with S and U: I, M, A, F, D, C, S, U;
 *     E (the reduced base) is clear when I is set;
 *   - mhartid of the boot hart is 0 (QEMU's virt numbers harts from 0);
 *   - on RV64, mstatus.SXL and UXL (bits 35:34 and 33:32) read 2 (64-bit S and U), and sstatus
 *     shows the same UXL;
 *   - machine CSRs are not accessible from S: reading misa there is an illegal instruction;
 *   - misa is a WARL read-write register: M may write it (writing back the value read changes
 *     nothing and does not trap; an implementation may ignore writes, but not refuse them). */
#include "guest/rv/priv/env/privtest.inc"

#define REQUIRED (MISA_I | MISA_M | MISA_A | MISA_F | MISA_D | MISA_C | MISA_S | MISA_U)
#define SXL_SHIFT 34
#define UXL_SHIFT 32
#define XL_MASK   3
#define XLEN_64   2

TEST_BEGIN
	csrr s1, misa
	/* 1: MXL = 2 */
	SET_CASE 1
	srli a0, s1, MISA_MXL_SHIFT
	CHECK_EQ a0, MISA_MXL_64
	/* 2: I M A F D C S U */
	SET_CASE 2
	CHECK_MASKED s1, REQUIRED, REQUIRED
	/* 3: not E */
	SET_CASE 3
	CHECK_MASKED s1, MISA_E, 0
	/* 4: hart 0 */
	SET_CASE 4
	CHECK_CSR mhartid, 0
	/* 5: SXL = UXL = 2 in mstatus, UXL = 2 in sstatus */
	SET_CASE 5
	csrr a0, mstatus
	srli a1, a0, SXL_SHIFT
	andi a1, a1, XL_MASK
	CHECK_EQ a1, XLEN_64
	srli a1, a0, UXL_SHIFT
	andi a1, a1, XL_MASK
	CHECK_EQ a1, XLEN_64
	csrr a0, sstatus
	srli a1, a0, UXL_SHIFT
	andi a1, a1, XL_MASK
	CHECK_EQ a1, XLEN_64
	/* 6: the identity CSRs can be read in M (values are implementation-defined) */
	SET_CASE 6
	RESET_TRAP_COUNT
	csrr a0, mvendorid
	csrr a0, marchid
	csrr a0, mimpid
	CHECK_TRAP_COUNT 0
	/* 7: misa from S: illegal instruction */
	SET_CASE 7
	EXPECT_TRAP 1f
	GOTO_MODE PRV_S, 2f
2:	csrr a0, misa
	NO_TRAP
1:	EXPECT_ILLEGAL_HERE 2b
	/* 8: writing misa's own value back in M: no trap, misa unchanged */
	SET_CASE 8
	RESET_TRAP_COUNT
	csrw misa, s1
	csrr a0, misa
	CHECK_TRAP_COUNT 0
	CHECK_EQ_REG a0, s1
TEST_END
