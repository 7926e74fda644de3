/* Unit tests for rv/system/dev/sifive_test.c. The finisher's codes (0x3333 fail with the code in bits
 * 31:16, 0x5555 pass, 0x7777 reset) are those QEMU's sifive_test device and OpenSBI's driver use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rv/system/dev/sifive_test.h"

static struct rv_sifive_test t;
static unsigned calls;
static enum rv_sifive_test_kind last_kind;
static uint32_t last_code;

static void h_finish(void *ctx, enum rv_sifive_test_kind kind, uint32_t code)
{
	assert_ptr_equal(ctx, &t);
	calls++;
	last_kind = kind;
	last_code = code;
}

static void setup(void)
{
	calls = 0;
	last_kind = (enum rv_sifive_test_kind) - 1;
	last_code = 0xdeadbeef;
	struct rv_sifive_test_hooks hooks = {.ctx = &t, .finish = h_finish};
	rv_sifive_test_init(&t, &hooks);
}

static void wr(uint64_t off, unsigned size, uint64_t v)
{
	assert_int_equal(rv_sifive_test_mmio_ops.write(&t, off, size, v), RV_MMIO_OK);
}

static void test_power_off(void **state)
{
	(void)state;
	setup();
	wr(0, 4, 0x5555);
	assert_int_equal(calls, 1);
	assert_int_equal(last_kind, RV_SIFIVE_TEST_POWER_OFF);
	assert_int_equal(last_code, 0);
	/* Only the low 16 bits select the command. */
	wr(0, 4, 0xabcd5555);
	assert_int_equal(calls, 2);
	assert_int_equal(last_kind, RV_SIFIVE_TEST_POWER_OFF);
	assert_int_equal(last_code, 0);
}

static void test_reset(void **state)
{
	(void)state;
	setup();
	wr(0, 4, 0x7777);
	assert_int_equal(calls, 1);
	assert_int_equal(last_kind, RV_SIFIVE_TEST_RESET);
	assert_int_equal(last_code, 0);
}

static void test_failure_code(void **state)
{
	(void)state;
	setup();
	wr(0, 4, 0x00423333);
	assert_int_equal(calls, 1);
	assert_int_equal(last_kind, RV_SIFIVE_TEST_FAILURE);
	assert_int_equal(last_code, 0x42);
	wr(0, 4, 0xffff3333);
	assert_int_equal(last_code, 0xffff);
	wr(0, 4, 0x3333);
	assert_int_equal(last_kind, RV_SIFIVE_TEST_FAILURE);
	assert_int_equal(last_code, 0);
	assert_int_equal(calls, 3);
}

static void test_halfword_write(void **state)
{
	(void)state;
	setup();
	/* QEMU's device takes 2-byte writes too; the code is then 0. */
	wr(0, 2, 0x5555);
	assert_int_equal(calls, 1);
	assert_int_equal(last_kind, RV_SIFIVE_TEST_POWER_OFF);
}

static void test_other_values_and_reads(void **state)
{
	(void)state;
	setup();
	wr(0, 4, 0);
	wr(0, 4, 0x1234);
	wr(0, 4, 0x5556);
	wr(0, 4, 0x55550000); /* the command is in the low half */
	wr(4, 4, 0x5555);     /* another offset */
	wr(0xffc, 4, 0x7777);
	assert_int_equal(calls, 0);
	uint64_t v = 0xdead;
	assert_int_equal(rv_sifive_test_mmio_ops.read(&t, 0, 4, &v), RV_MMIO_OK);
	assert_int_equal(v, 0);
	v = 0xdead;
	assert_int_equal(rv_sifive_test_mmio_ops.read(&t, 0x10, 2, &v), RV_MMIO_OK);
	assert_int_equal(v, 0);
	assert_int_equal(calls, 0);
}

static void test_access_errors(void **state)
{
	(void)state;
	setup();
	uint64_t v = 0;
	assert_int_equal(rv_sifive_test_mmio_ops.write(&t, 0, 1, 0x55), RV_MMIO_ERROR);
	assert_int_equal(rv_sifive_test_mmio_ops.write(&t, 0, 8, 0x5555), RV_MMIO_ERROR);
	assert_int_equal(rv_sifive_test_mmio_ops.write(&t, 2, 4, 0x5555), RV_MMIO_ERROR);
	assert_int_equal(rv_sifive_test_mmio_ops.write(&t, 0x1000, 4, 0x5555), RV_MMIO_ERROR);
	assert_int_equal(rv_sifive_test_mmio_ops.read(&t, 0, 8, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_sifive_test_mmio_ops.read(&t, 0, 1, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_sifive_test_mmio_ops.read(&t, 0x1000, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_sifive_test_mmio_ops.read(&t, UINT64_MAX - 3, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(calls, 0);
	/* Without a hook a finisher write is harmless. */
	rv_sifive_test_init(&t, NULL);
	wr(0, 4, 0x5555);
	assert_int_equal(calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_power_off),
	    cmocka_unit_test(test_reset),
	    cmocka_unit_test(test_failure_code),
	    cmocka_unit_test(test_halfword_write),
	    cmocka_unit_test(test_other_values_and_reads),
	    cmocka_unit_test(test_access_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
