/* Unit tests for hv/arch/arm64/insn_decode.c. The instruction words were produced once with
 * aarch64-linux-gnu-as (-march=armv8.5-a+memtag+lse) and checked with aarch64-linux-gnu-objdump; the
 * assembly is next to each word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/arch/arm64/insn_decode.h"

struct expect {
	uint32_t insn;
	const char *text;
	bool is_write;
	unsigned size;
	bool sign_extend, dest_64, pair;
	unsigned rt, rt2, rn;
	enum a64_addr_mode mode;
	int64_t offset;
	unsigned rm;
	enum a64_extend extend;
	unsigned shift;
};

#define W    true
#define R    false
#define OFF  A64_ADDR_OFFSET
#define PRE  A64_ADDR_PRE_INDEX
#define POST A64_ADDR_POST_INDEX
#define REG  A64_ADDR_REG_OFFSET

static const struct expect good[] = {
    /* insn, text, write, size, sext, x, pair, rt, rt2, rn, mode, offset, rm, extend, shift */
    {0xf9400041, "ldr x1, [x2]", R, 8, false, true, false, 1, 0, 2, OFF, 0, 0, 0, 0},
    {0xf9400441, "ldr x1, [x2, #8]", R, 8, false, true, false, 1, 0, 2, OFF, 8, 0, 0, 0},
    {0xb94ffc83, "ldr w3, [x4, #4092]", R, 4, false, false, false, 3, 0, 4, OFF, 4092, 0, 0, 0},
    {0x397ffcc5, "ldrb w5, [x6, #4095]", R, 1, false, false, false, 5, 0, 6, OFF, 4095, 0, 0, 0},
    {0x794007e7, "ldrh w7, [sp, #2]", R, 2, false, false, false, 7, 0, 31, OFF, 2, 0, 0, 0},
    {0x39800528, "ldrsb x8, [x9, #1]", R, 1, true, true, false, 8, 0, 9, OFF, 1, 0, 0, 0},
    {0x39c00528, "ldrsb w8, [x9, #1]", R, 1, true, false, false, 8, 0, 9, OFF, 1, 0, 0, 0},
    {0x79800d6a, "ldrsh x10, [x11, #6]", R, 2, true, true, false, 10, 0, 11, OFF, 6, 0, 0, 0},
    {0x79c00d6a, "ldrsh w10, [x11, #6]", R, 2, true, false, false, 10, 0, 11, OFF, 6, 0, 0, 0},
    {0xb98011ac, "ldrsw x12, [x13, #16]", R, 4, true, true, false, 12, 0, 13, OFF, 16, 0, 0, 0},
    {0xf93ffdee, "str x14, [x15, #32760]", W, 8, false, false, false, 14, 0, 15, OFF, 32760, 0, 0, 0},
    {0xb9000230, "str w16, [x17]", W, 4, false, false, false, 16, 0, 17, OFF, 0, 0, 0, 0},
    {0x39001e72, "strb w18, [x19, #7]", W, 1, false, false, false, 18, 0, 19, OFF, 7, 0, 0, 0},
    {0x7900069f, "strh wzr, [x20, #2]", W, 2, false, false, false, 31, 0, 20, OFF, 2, 0, 0, 0},
    {0xf85f8041, "ldur x1, [x2, #-8]", R, 8, false, true, false, 1, 0, 2, OFF, -8, 0, 0, 0},
    {0xb80ff083, "stur w3, [x4, #255]", W, 4, false, false, false, 3, 0, 4, OFF, 255, 0, 0, 0},
    {0x385000c5, "ldurb w5, [x6, #-256]", R, 1, false, false, false, 5, 0, 6, OFF, -256, 0, 0, 0},
    {0xb89fc107, "ldursw x7, [x8, #-4]", R, 4, true, true, false, 7, 0, 8, OFF, -4, 0, 0, 0},
    {0x78401041, "ldurh w1, [x2, #1]", R, 2, false, false, false, 1, 0, 2, OFF, 1, 0, 0, 0},
    {0x781ff041, "sturh w1, [x2, #-1]", W, 2, false, false, false, 1, 0, 2, OFF, -1, 0, 0, 0},
    {0xf8410441, "ldr x1, [x2], #16", R, 8, false, true, false, 1, 0, 2, POST, 16, 0, 0, 0},
    {0xb85fcc41, "ldr w1, [x2, #-4]!", R, 4, false, false, false, 1, 0, 2, PRE, -4, 0, 0, 0},
    {0xf81f0fe3, "str x3, [sp, #-16]!", W, 8, false, false, false, 3, 0, 31, PRE, -16, 0, 0, 0},
    {0x381ff4a4, "strb w4, [x5], #-1", W, 1, false, false, false, 4, 0, 5, POST, -1, 0, 0, 0},
    {0x788024e6, "ldrsh x6, [x7], #2", R, 2, true, true, false, 6, 0, 7, POST, 2, 0, 0, 0},
    {0xf8408841, "ldtr x1, [x2, #8]", R, 8, false, true, false, 1, 0, 2, OFF, 8, 0, 0, 0},
    {0x38000883, "sttrb w3, [x4]", W, 1, false, false, false, 3, 0, 4, OFF, 0, 0, 0, 0},
    {0xf8636841, "ldr x1, [x2, x3]", R, 8, false, true, false, 1, 0, 2, REG, 0, 3, A64_EXTEND_LSL, 0},
    {0xf8637841, "ldr x1, [x2, x3, lsl #3]", R, 8, false, true, false, 1, 0, 2, REG, 0, 3, A64_EXTEND_LSL, 3},
    {0xb8634841, "ldr w1, [x2, w3, uxtw]", R, 4, false, false, false, 1, 0, 2, REG, 0, 3, A64_EXTEND_UXTW, 0},
    {0xb863d841, "ldr w1, [x2, w3, sxtw #2]", R, 4, false, false, false, 1, 0, 2, REG, 0, 3, A64_EXTEND_SXTW,
     2},
    {0x7823f841, "strh w1, [x2, x3, sxtx #1]", W, 2, false, false, false, 1, 0, 2, REG, 0, 3, A64_EXTEND_SXTX,
     1},
    {0x38a36841, "ldrsb x1, [x2, x3]", R, 1, true, true, false, 1, 0, 2, REG, 0, 3, A64_EXTEND_LSL, 0},
    {0xf863c841, "ldr x1, [x2, w3, sxtw]", R, 8, false, true, false, 1, 0, 2, REG, 0, 3, A64_EXTEND_SXTW, 0},
    {0xb8a37841, "ldrsw x1, [x2, x3, lsl #2]", R, 4, true, true, false, 1, 0, 2, REG, 0, 3, A64_EXTEND_LSL,
     2},
    {0xa9400861, "ldp x1, x2, [x3]", R, 8, false, true, true, 1, 2, 3, OFF, 0, 0, 0, 0},
    {0xa9600861, "ldp x1, x2, [x3, #-512]", R, 8, false, true, true, 1, 2, 3, OFF, -512, 0, 0, 0},
    {0x295f8861, "ldp w1, w2, [x3, #252]", R, 4, false, false, true, 1, 2, 3, OFF, 252, 0, 0, 0},
    {0xa9bf7bfd, "stp x29, x30, [sp, #-16]!", W, 8, false, true, true, 29, 30, 31, PRE, -16, 0, 0, 0},
    {0xa8c17bfd, "ldp x29, x30, [sp], #16", R, 8, false, true, true, 29, 30, 31, POST, 16, 0, 0, 0},
    {0x298118e5, "stp w5, w6, [x7, #8]!", W, 4, false, false, true, 5, 6, 7, PRE, 8, 0, 0, 0},
    {0x69410861, "ldpsw x1, x2, [x3, #8]", R, 4, true, true, true, 1, 2, 3, OFF, 8, 0, 0, 0},
    {0xa8410861, "ldnp x1, x2, [x3, #16]", R, 8, false, true, true, 1, 2, 3, OFF, 16, 0, 0, 0},
    {0x28000861, "stnp w1, w2, [x3]", W, 4, false, false, true, 1, 2, 3, OFF, 0, 0, 0, 0},
};

static const struct {
	uint32_t insn;
	const char *text;
} bad[] = {
    {0x3dc00020, "ldr q0, [x1]"},
    {0xfd400420, "ldr d0, [x1, #8]"},
    {0xad400440, "ldp q0, q1, [x2]"},
    {0xc85f7c41, "ldxr x1, [x2]"},
    {0xc89ffc41, "stlr x1, [x2]"},
    {0x88dffc41, "ldar w1, [x2]"},
    {0xf9800020, "prfm pldl1keep, [x1]"},
    {0x58000161, "ldr x1, <literal>"},
    {0xf8210062, "ldadd x1, x2, [x3]"},
    {0x69000861, "stgp x1, x2, [x3]"},
    {0xf8408442, "ldr x2, [x2], #8 (writeback onto Rt)"},
    {0xf8008c42, "str x2, [x2, #8]! (writeback onto Rt)"},
    {0xa9400441, "ldp x1, x1, [x2]"},
    {0x8b030041, "add x1, x2, x3"},
    {0x00000000, "udf #0"},
    {0xb9c00041, "ldrsw with opc 11 (unallocated)"},
    {0xf8632841, "ldr x1, [x2, x3, option 001] (unallocated)"},
    {0xe9400861, "ldp with opc 11 (unallocated)"},
};

static void test_good_encodings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct expect *e = &good[i];
		struct a64_ldst d;
		if (a64_decode_ldst(e->insn, &d) != A64_DECODE_OK)
			fail_msg("%08x %s: not decoded", e->insn, e->text);
		bool match =
		    d.is_write == e->is_write && d.size == e->size && d.sign_extend == e->sign_extend &&
		    (e->is_write || d.dest_64 == e->dest_64) && d.pair == e->pair && d.rt == e->rt &&
		    (!e->pair || d.rt2 == e->rt2) && d.rn == e->rn && d.mode == e->mode &&
		    d.offset == e->offset &&
		    (e->mode != REG || (d.rm == e->rm && d.extend == e->extend && d.shift == e->shift));
		if (!match)
			fail_msg("%08x %s: decoded write=%d size=%u sext=%d x=%d pair=%d rt=%u rt2=%u rn=%u "
			         "mode=%d "
			         "off=%lld rm=%u ext=%d shift=%u",
			         e->insn, e->text, d.is_write, d.size, d.sign_extend, d.dest_64, d.pair, d.rt,
			         d.rt2, d.rn, d.mode, (long long)d.offset, d.rm, d.extend, d.shift);
	}
}

static void test_unsupported(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct a64_ldst d;
		memset(&d, 0x5a, sizeof(d));
		if (a64_decode_ldst(bad[i].insn, &d) != A64_DECODE_UNSUPPORTED)
			fail_msg("%08x %s: decoded, should be unsupported", bad[i].insn, bad[i].text);
		assert_int_equal(d.size, 0); /* cleared */
	}
}

static void test_address_and_values(void **state)
{
	(void)state;
	struct a64_ldst d;
	/* ldr x1, [x2], #16: access at x2, then x2 += 16. */
	assert_int_equal(a64_decode_ldst(0xf8410441, &d), A64_DECODE_OK);
	assert_true(a64_ldst_writeback(&d));
	assert_int_equal(a64_ldst_address(&d, 0x9000000, 0), 0x9000000);
	assert_int_equal(a64_ldst_writeback_value(&d, 0x9000000), 0x9000010);
	/* ldr w1, [x2, #-4]!: access at x2 - 4, x2 = that. */
	assert_int_equal(a64_decode_ldst(0xb85fcc41, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_address(&d, 0x9000010, 0), 0x900000c);
	assert_int_equal(a64_ldst_writeback_value(&d, 0x9000010), 0x900000c);
	/* ldr x1, [x2, #8]: no writeback. */
	assert_int_equal(a64_decode_ldst(0xf9400441, &d), A64_DECODE_OK);
	assert_false(a64_ldst_writeback(&d));
	assert_int_equal(a64_ldst_writeback_value(&d, 0x1234), 0x1234);
	/* Register offsets: sxtw #2 with a negative W index; uxtw ignores the upper half; lsl #3. */
	assert_int_equal(a64_decode_ldst(0xb863d841, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_address(&d, 0x1000, 0xdeadbeefffffffffull), 0x1000 - 4);
	assert_int_equal(a64_decode_ldst(0xb8634841, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_address(&d, 0x1000, 0xffffffff00000010ull), 0x1010);
	assert_int_equal(a64_decode_ldst(0xf8637841, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_address(&d, 0x1000, 3), 0x1018);
	assert_int_equal(a64_decode_ldst(0x7823f841, &d), A64_DECODE_OK); /* sxtx #1 */
	assert_int_equal(a64_ldst_address(&d, 0x1000, (uint64_t)-2), 0x1000 - 4);
	/* Load values: ldrsb x (0x80 -> -128), ldrsb w (0x80 -> 0xffffff80), ldrh zero-extends, ldrsw. */
	assert_int_equal(a64_decode_ldst(0x39800528, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_load_value(&d, 0x1280), 0xffffffffffffff80ull);
	assert_int_equal(a64_decode_ldst(0x39c00528, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_load_value(&d, 0x80), 0xffffff80ull);
	assert_int_equal(a64_decode_ldst(0x794007e7, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_load_value(&d, 0xffff8001ull), 0x8001);
	assert_int_equal(a64_decode_ldst(0xb98011ac, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_load_value(&d, 0x80000000ull), 0xffffffff80000000ull);
	assert_int_equal(a64_decode_ldst(0xb94ffc83, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_load_value(&d, 0x1122334455667788ull), 0x55667788ull);
	assert_int_equal(a64_decode_ldst(0xf9400041, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_load_value(&d, 0x1122334455667788ull), 0x1122334455667788ull);
	/* Store values: strb keeps the low byte, strh the low half. */
	assert_int_equal(a64_decode_ldst(0x39001e72, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_store_value(&d, 0x1234), 0x34);
	assert_int_equal(a64_decode_ldst(0x7900069f, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_store_value(&d, 0xabcdef), 0xcdef);
	/* Pairs: stp x29, x30, [sp, #-16]!: first element at sp - 16, second at +8; ldpsw sign-extends. */
	assert_int_equal(a64_decode_ldst(0xa9bf7bfd, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_address(&d, 0x80000, 0), 0x80000 - 16);
	assert_int_equal(a64_ldst_writeback_value(&d, 0x80000), 0x80000 - 16);
	assert_int_equal(a64_decode_ldst(0x69410861, &d), A64_DECODE_OK);
	assert_int_equal(a64_ldst_load_value(&d, 0xfffffffe), (uint64_t)-2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_encodings),
	    cmocka_unit_test(test_unsupported),
	    cmocka_unit_test(test_address_and_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
