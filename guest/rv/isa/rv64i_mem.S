/* RV64I loads and stores: sign/zero extension of every width, negative offsets, stores that write only
 * their own bytes, little-endian byte order, misaligned accesses (allowed for Linux user programs), and a
 * load into the base register. */
#include "guest/rv/isa/rvtest.inc"
	.option norvc
TEST_BEGIN
	FILL_SCRATCH_D(0, 0x8899aabbccddeeff)
	TEST_LOAD(1, ld, 0x8899aabbccddeeff, 0)
	TEST_LOAD(2, lw, 0xffffffffccddeeff, 0)
	TEST_LOAD(3, lw, 0xffffffff8899aabb, 4)
	TEST_LOAD(4, lwu, 0x00000000ccddeeff, 0)
	TEST_LOAD(5, lh, 0xffffffffffffeeff, 0)
	TEST_LOAD(6, lhu, 0x000000000000eeff, 0)
	TEST_LOAD(7, lb, 0xffffffffffffffff, 0)
	TEST_LOAD(8, lbu, 0x00000000000000ff, 0)
	TEST_LOAD(9, lb, 0xffffffffffffff88, 7)
	TEST_LOAD(10, lh, 0xffffffffffff8899, 6)
	FILL_SCRATCH_D(-8, 0x0011223344556677)
	TEST_LOAD(11, ld, 0x0011223344556677, -8)
	TEST_LOAD(12, lw, 0x0000000000112233, -4)
	TEST_LOAD(13, lh, 0x0000000000000011, -2)
	TEST_LOAD(14, lb, 0x0000000000000077, -8)
	/* misaligned: spans the two doublewords above (bytes 77 66 55 44 33 22 11 00 | ff ee dd cc bb aa 99 88) */
	TEST_LOAD(15, ld, 0xccddeeff00112233, -4)
	TEST_LOAD(16, lw, 0xffffffffff001122, -3)
	TEST_LOAD(17, lhu, 0x000000000000ff00, -1)
	/* stores write exactly their width */
	FILL_SCRATCH_D(16, 0)
	TEST_CASE(18, a3, 0x00000000000000ab, lla a4, scratch + 128; li a1, 0x12ab; sb a1, 16(a4); ld a3, 16(a4))
	TEST_CASE(19, a3, 0x000000000078cdab, lla a4, scratch + 128; li a1, 0x5678cd; sh a1, 17(a4); ld a3, 16(a4))
	TEST_CASE(20, a3, 0x89abcdef0078cdab, lla a4, scratch + 128; li a1, 0x123456789abcdef; sw a1, 20(a4);
		  ld a3, 16(a4))
	TEST_STORE_LOAD(21, sd, ld, 0xfedcba9876543210, 0xfedcba9876543210, 24)
	TEST_STORE_LOAD(22, sd, ld, 0x0123456789abcdef, 0x0123456789abcdef, -128)
	TEST_STORE_LOAD(23, sd, ld, 0x0123456789abcdef, 0x0123456789abcdef, 120)
	TEST_STORE_LOAD(24, sw, lw, 0xffffffff80000001, 0x1234567880000001, 32)
	TEST_STORE_LOAD(25, sh, lhu, 0x0000000000008001, 0x1234567880008001, 36)
	/* misaligned store across a doubleword boundary */
	TEST_CASE(26, a3, 0x4433221100000000, lla a4, scratch + 128; sd x0, 40(a4); sd x0, 48(a4);
		  li a1, 0x7766554433221100; sd a1, 43(a4); ld a3, 40(a4))
	TEST_CASE(27, a3, 0x0000000000776655, ld a3, 48(a4))
	/* load into the base register */
	TEST_CASE(28, a3, 0x5a5a, lla a4, scratch + 128; li a1, 0x5a5a; sd a1, 56(a4); ld a4, 56(a4); mv a3, a4)
	/* store of x0 and of the base register itself */
	TEST_CASE(29, a3, 0, lla a4, scratch + 128; li a1, -1; sd a1, 64(a4); sd x0, 64(a4); ld a3, 64(a4))
	TEST_CASE(30, a3, 0, lla a4, scratch + 128; sd a4, 72(a4); ld a1, 72(a4); sub a3, a1, a4)
	/* a read of the program's own code (the text segment is readable) */
	TEST_CASE(31, a3, 0x00000d93, lla a1, _start; lw a3, 0(a1))
TEST_END
