/* Unit tests for rv/system/dev/goldfish_rtc.c. Offsets are the goldfish RTC's (as in Linux's
 * rtc-goldfish driver), written out literally: 0x00 TIME_LOW, 0x04 TIME_HIGH, 0x08 ALARM_LOW,
 * 0x0c ALARM_HIGH, 0x10 IRQ_ENABLED, 0x14 CLEAR_ALARM, 0x18 ALARM_STATUS, 0x1c CLEAR_INTERRUPT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rv/system/dev/goldfish_rtc.h"

#define SEC 1000000000ull

static struct rv_goldfish_rtc rtc;
static uint64_t host_ns;
static bool irq;
static unsigned irq_calls;
static unsigned changed_calls;

static uint64_t h_now(void *ctx)
{
	assert_ptr_equal(ctx, &rtc);
	return host_ns;
}

static void h_alarm_changed(void *ctx)
{
	assert_ptr_equal(ctx, &rtc);
	changed_calls++;
}

static void h_irq(void *ctx, unsigned line, bool level)
{
	assert_ptr_equal(ctx, &rtc);
	assert_int_equal(line, 11);
	irq = level;
	irq_calls++;
}

static void setup(void)
{
	host_ns = 1700000000ull * SEC; /* Nov 2023 */
	irq = false;
	irq_calls = changed_calls = 0;
	struct rv_goldfish_rtc_hooks hooks = {.ctx = &rtc, .now_ns = h_now, .alarm_changed = h_alarm_changed};
	struct rv_irq_line line = {.set = h_irq, .ctx = &rtc, .line = 11};
	memset(&rtc, 0x77, sizeof(rtc));
	assert_true(rv_goldfish_rtc_init(&rtc, &hooks, &line));
}

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeefcafeull;
	assert_int_equal(rv_goldfish_rtc_mmio_ops.read(&rtc, off, 4, &v), RV_MMIO_OK);
	assert_true(v <= 0xffffffffull);
	return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
	assert_int_equal(rv_goldfish_rtc_mmio_ops.write(&rtc, off, 4, v), RV_MMIO_OK);
}

/* Linux's read: TIME_LOW then TIME_HIGH. */
static uint64_t read_time(void)
{
	uint32_t lo = rd(0x00);
	return (uint64_t)rd(0x04) << 32 | lo;
}

/* Linux's set_time: TIME_HIGH then TIME_LOW. */
static void set_time(uint64_t t)
{
	wr(0x04, (uint32_t)(t >> 32));
	wr(0x00, (uint32_t)t);
}

/* Linux's set_alarm: ALARM_HIGH then ALARM_LOW (which arms). */
static void set_alarm(uint64_t t)
{
	wr(0x0c, (uint32_t)(t >> 32));
	wr(0x08, (uint32_t)t);
}

static void test_init(void **state)
{
	(void)state;
	struct rv_goldfish_rtc r;
	struct rv_goldfish_rtc_hooks none = {0};
	assert_false(rv_goldfish_rtc_init(&r, &none, NULL));
	assert_false(rv_goldfish_rtc_init(&r, NULL, NULL));
	setup();
	/* Starts at the host's time, no alarm, interrupt disabled. */
	assert_int_equal(read_time(), host_ns);
	assert_int_equal(rd(0x10), 0);
	assert_int_equal(rd(0x18), 0);
	uint64_t when = 0;
	assert_false(rv_goldfish_rtc_alarm(&rtc, &when));
	assert_false(irq);
	assert_int_equal(irq_calls, 0);
}

static void test_time_latch(void **state)
{
	(void)state;
	setup();
	host_ns = 0x00000005fffffff0ull;
	assert_int_equal(rd(0x00), 0xfffffff0);
	/* Time moves on past a 2^32 boundary before the TIME_HIGH read: it returns the latched half. */
	host_ns = 0x0000000600000010ull;
	assert_int_equal(rd(0x04), 0x5);
	assert_int_equal(rd(0x04), 0x5); /* repeatable */
	assert_int_equal(rd(0x00), 0x10);
	assert_int_equal(rd(0x04), 0x6);
}

static void test_set_time(void **state)
{
	(void)state;
	setup();
	uint64_t t = 946684800ull * SEC; /* 2000-01-01 */
	set_time(t);
	assert_int_equal(read_time(), t);
	assert_int_equal(rv_goldfish_rtc_time(&rtc), t);
	host_ns += 3 * SEC;
	assert_int_equal(read_time(), t + 3 * SEC);
	/* Forward of the host clock too. */
	set_time(4000000000ull * SEC);
	host_ns += 5;
	assert_int_equal(read_time(), 4000000000ull * SEC + 5);
	/* No alarm armed: setting the time does not ask for a reschedule. */
	assert_int_equal(changed_calls, 0);
}

static void test_alarm_fires(void **state)
{
	(void)state;
	setup();
	wr(0x10, 1);
	uint64_t now = read_time();
	set_alarm(now + 2 * SEC);
	assert_int_equal(changed_calls, 1);
	assert_int_equal(rd(0x18), 1);
	assert_int_equal(rd(0x08), (uint32_t)(now + 2 * SEC));
	assert_int_equal(rd(0x0c), (uint32_t)((now + 2 * SEC) >> 32));
	uint64_t when = 0;
	assert_true(rv_goldfish_rtc_alarm(&rtc, &when));
	assert_int_equal(when, host_ns + 2 * SEC);
	/* Not yet due. */
	host_ns += 2 * SEC - 1;
	rv_goldfish_rtc_poll(&rtc);
	assert_false(irq);
	assert_int_equal(rd(0x18), 1);
	/* Due: fires once, disarms, raises the line until CLEAR_INTERRUPT. */
	host_ns += 1;
	rv_goldfish_rtc_poll(&rtc);
	assert_true(irq);
	assert_int_equal(rd(0x18), 0);
	assert_false(rv_goldfish_rtc_alarm(&rtc, &when));
	host_ns += SEC;
	rv_goldfish_rtc_poll(&rtc);
	assert_true(irq);
	assert_int_equal(irq_calls, 1);
	wr(0x1c, 1);
	assert_false(irq);
	rv_goldfish_rtc_poll(&rtc);
	assert_false(irq);
	assert_int_equal(irq_calls, 2);
}

static void test_alarm_in_the_past(void **state)
{
	(void)state;
	setup();
	wr(0x10, 1);
	set_alarm(read_time() - SEC);
	assert_true(irq);
	assert_int_equal(rd(0x18), 0);
	wr(0x1c, 0); /* any value clears */
	assert_false(irq);
}

static void test_irq_enable_gates_line(void **state)
{
	(void)state;
	setup();
	set_alarm(read_time() + 10);
	host_ns += 10;
	rv_goldfish_rtc_poll(&rtc);
	/* Fired, but the interrupt is disabled: the line stays low until it is enabled. */
	assert_false(irq);
	assert_int_equal(rd(0x18), 0);
	wr(0x10, 3); /* bit 0 only */
	assert_int_equal(rd(0x10), 1);
	assert_true(irq);
	wr(0x10, 0);
	assert_false(irq);
	wr(0x1c, 1);
	wr(0x10, 1);
	assert_false(irq);
}

static void test_clear_alarm(void **state)
{
	(void)state;
	setup();
	wr(0x10, 1);
	set_alarm(read_time() + SEC);
	wr(0x14, 1);
	assert_int_equal(rd(0x18), 0);
	assert_int_equal(changed_calls, 2);
	uint64_t when = 0;
	assert_false(rv_goldfish_rtc_alarm(&rtc, &when));
	host_ns += 2 * SEC;
	rv_goldfish_rtc_poll(&rtc);
	assert_false(irq);
	/* Clearing a disarmed alarm asks for nothing. */
	wr(0x14, 1);
	assert_int_equal(changed_calls, 2);
	/* ALARM_HIGH alone does not arm. */
	wr(0x0c, 0xffffffff);
	assert_int_equal(rd(0x18), 0);
	assert_int_equal(rd(0x0c), 0xffffffff);
}

static void test_alarm_follows_time_changes(void **state)
{
	(void)state;
	setup();
	wr(0x10, 1);
	uint64_t now = read_time();
	set_alarm(now + 100 * SEC);
	assert_int_equal(changed_calls, 1);
	/* The guest sets its clock back by 50 s: the alarm is 150 s away in host time. */
	set_time(now - 50 * SEC);
	assert_int_equal(changed_calls, 2);
	uint64_t when = 0;
	assert_true(rv_goldfish_rtc_alarm(&rtc, &when));
	assert_int_equal(when, host_ns + 150 * SEC);
	/* Then forward past the alarm: it fires at once. */
	set_time(now + 200 * SEC);
	assert_true(irq);
	assert_int_equal(rd(0x18), 0);
	assert_int_equal(changed_calls, 3);
	/* A due alarm reports "now". */
	wr(0x1c, 1);
	set_alarm(read_time() + SEC);
	assert_true(rv_goldfish_rtc_alarm(&rtc, &when));
	host_ns += 5 * SEC;
	assert_true(rv_goldfish_rtc_alarm(&rtc, &when));
	assert_int_equal(when, host_ns);
}

static void test_access_errors(void **state)
{
	(void)state;
	setup();
	uint64_t v = 0;
	assert_int_equal(rv_goldfish_rtc_mmio_ops.read(&rtc, 0x00, 8, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_goldfish_rtc_mmio_ops.read(&rtc, 0x00, 2, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_goldfish_rtc_mmio_ops.read(&rtc, 0x00, 1, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_goldfish_rtc_mmio_ops.write(&rtc, 0x08, 8, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_goldfish_rtc_mmio_ops.write(&rtc, 0x0a, 4, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_goldfish_rtc_mmio_ops.read(&rtc, 0x1000, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_goldfish_rtc_mmio_ops.write(&rtc, 0x1000, 4, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_goldfish_rtc_mmio_ops.read(&rtc, UINT64_MAX - 3, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rd(0x18), 0); /* the refused ALARM_LOW write did not arm */
	/* Write-only and unknown registers read 0; unknown ones ignore writes. */
	assert_int_equal(rd(0x14), 0);
	assert_int_equal(rd(0x1c), 0);
	wr(0x20, 5);
	assert_int_equal(rd(0x20), 0);
	assert_int_equal(rd(0xffc), 0);
	/* ALARM_STATUS is read-only. */
	wr(0x18, 1);
	assert_int_equal(rd(0x18), 0);
	assert_int_equal(changed_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),
	    cmocka_unit_test(test_time_latch),
	    cmocka_unit_test(test_set_time),
	    cmocka_unit_test(test_alarm_fires),
	    cmocka_unit_test(test_alarm_in_the_past),
	    cmocka_unit_test(test_irq_enable_gates_line),
	    cmocka_unit_test(test_clear_alarm),
	    cmocka_unit_test(test_alarm_follows_time_changes),
	    cmocka_unit_test(test_access_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
