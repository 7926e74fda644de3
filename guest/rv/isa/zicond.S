/* Zicond: czero.eqz rd, rs1, rs2 = (rs2 == 0) ? 0 : rs1; czero.nez rd, rs1, rs2 = (rs2 != 0) ? 0 : rs1.
 * The whole of rs2 is tested (a value whose only set bit is 63 or 32 is non-zero). Mapped (a1..a3) and
 * unmapped (t3..t5) registers of the translator, x0 as either source, destinations aliasing sources, and
 * writes to x0.
 *
 * binutils 2.40 does not know the mnemonics: the instructions are written with .insn (R type, opcode OP,
 * funct3 5 / 7, funct7 0000111). QEMU 7.2 does not implement Zicond (its CPUs have no such property), so
 * in the build for qemu-riscv64 (RVTEST_QEMU) each instruction is replaced by its definition above in base
 * instructions: the qemu run checks the expected values written here against the specification's
 * definition, executed by a reference implementation; karasu-rv runs the real encodings. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc
#ifdef RVTEST_QEMU
#define CZERO_EQZ(rd, rs1, rs2) beqz rs2, 71f; mv rd, rs1; j 72f; 71: li rd, 0; 72:
#define CZERO_NEZ(rd, rs1, rs2) bnez rs2, 71f; mv rd, rs1; j 72f; 71: li rd, 0; 72:
#else
#define CZERO_EQZ(rd, rs1, rs2) .insn r 0x33, 5, 7, rd, rs1, rs2
#define CZERO_NEZ(rd, rs1, rs2) .insn r 0x33, 7, 7, rd, rs1, rs2
#endif
/* TEST_RR and friends with the instruction as a macro call */
#define TEST_CZ(n, op, expected, v1, v2) TEST_CASE(n, a3, expected, li a1, v1; li a2, v2; op(a3, a1, a2))
#define TEST_CZ_T(n, op, expected, v1, v2) TEST_CASE(n, t5, expected, li t3, v1; li t4, v2; op(t5, t3, t4))
TEST_BEGIN
	/* czero.eqz */
	TEST_CZ(1, CZERO_EQZ, 0, 5, 0)
	TEST_CZ(2, CZERO_EQZ, 5, 5, 1)
	TEST_CZ(3, CZERO_EQZ, 0xffffffffffffffff, -1, 0x8000000000000000)
	TEST_CZ(4, CZERO_EQZ, 0, 0, 7)
	TEST_CZ(5, CZERO_EQZ, 0x1234, 0x1234, -1)
	TEST_CZ(6, CZERO_EQZ, 0x8000000000000000, 0x8000000000000000, 0x0000000100000000)
	/* czero.nez */
	TEST_CZ(7, CZERO_NEZ, 5, 5, 0)
	TEST_CZ(8, CZERO_NEZ, 0, 5, 1)
	TEST_CZ(9, CZERO_NEZ, 0, -1, 0x8000000000000000)
	TEST_CZ(10, CZERO_NEZ, 0x1234, 0x1234, 0)
	TEST_CZ(11, CZERO_NEZ, 0, 7, 0x0000000100000000)
	TEST_CZ(12, CZERO_NEZ, 0xffffffffffffffff, -1, 0)
	/* x0 as rs2 (always zero), as rs1, as rd */
	TEST_CASE(13, a3, 0, li a1, 5; li a3, 9; CZERO_EQZ(a3, a1, x0))
	TEST_CASE(14, a3, 5, li a1, 5; li a3, 9; CZERO_NEZ(a3, a1, x0))
	TEST_CASE(15, a3, 0, li a2, 5; li a3, 9; CZERO_EQZ(a3, x0, a2))
	TEST_CASE(16, a3, 0, li a2, 0; li a3, 9; CZERO_NEZ(a3, x0, a2))
	TEST_CASE(17, a3, 0, li a1, 5; li a2, 1; CZERO_EQZ(x0, a1, a2); mv a3, x0)
	/* aliasing: rd = rs1, rd = rs2 (the condition is read before rd is written), rs1 = rs2 */
	TEST_CASE(18, a1, 5, li a1, 5; li a2, 1; CZERO_EQZ(a1, a1, a2))
	TEST_CASE(19, a1, 0, li a1, 5; li a2, 1; CZERO_NEZ(a1, a1, a2))
	TEST_CASE(20, a2, 5, li a1, 5; li a2, 1; CZERO_EQZ(a2, a1, a2))
	TEST_CASE(21, a2, 0, li a1, 5; li a2, 0; CZERO_EQZ(a2, a1, a2))
	TEST_CASE(22, a2, 0, li a1, 5; li a2, 1; CZERO_NEZ(a2, a1, a2))
	TEST_CASE(23, a2, 5, li a1, 5; li a2, 0; CZERO_NEZ(a2, a1, a2))
	TEST_CASE(24, a3, 7, li a1, 7; CZERO_EQZ(a3, a1, a1))
	TEST_CASE(25, a3, 0, li a1, 7; CZERO_NEZ(a3, a1, a1))
	/* registers kept in memory by the translator */
	TEST_CZ_T(26, CZERO_EQZ, 0, 5, 0)
	TEST_CZ_T(27, CZERO_EQZ, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
	TEST_CZ_T(28, CZERO_NEZ, 0x1234, 0x1234, 0)
	TEST_CZ_T(29, CZERO_NEZ, 0, 0x1234, 0x0000000100000000)
	TEST_CASE(30, t4, 5, li t3, 5; li t4, 1; CZERO_EQZ(t4, t3, t4))
	TEST_CASE(31, t4, 5, li t3, 5; li t4, 0; CZERO_NEZ(t4, t3, t4))
	TEST_CASE(32, t3, 0, li t3, 5; li t4, 0; CZERO_EQZ(t3, t3, t4))
TEST_END
