/* hv/core/mmio_bus: binding devices to a partition's bus and dispatching guest accesses to them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/core/mmio_bus.h"

/* A fake device: 16 bytes of registers; records the last access; refuses 8-byte accesses. */
struct fake_dev {
	uint8_t regs[16];
	struct mmio_access last;
	unsigned calls;
};

static enum mmio_result fake_access(void *ctx, const struct mmio_access *a, uint64_t *val)
{
	struct fake_dev *d = ctx;
	d->last = *a;
	d->calls++;
	if (a->size == 8)
		return MMIO_ABORT;
	if (a->write) {
		for (unsigned i = 0; i < a->size; i++)
			d->regs[a->offset + i] = (uint8_t)(*val >> (8 * i));
	} else {
		*val = 0;
		for (unsigned i = 0; i < a->size; i++)
			*val |= (uint64_t)d->regs[a->offset + i] << (8 * i);
	}
	return MMIO_HANDLED;
}

static const struct mmio_ops fake_ops = {.access = fake_access};
static const struct mmio_ops no_ops = {.access = NULL};

static void test_add_rejects_bad_windows(void **state)
{
	(void)state;
	struct mmio_bus bus;
	struct fake_dev d = {0};
	mmio_bus_init(&bus);
	assert_true(mmio_bus_add(&bus, "a", 0x1000, 0x100, &fake_ops, &d));
	assert_false(mmio_bus_add(&bus, "empty", 0x3000, 0, &fake_ops, &d));
	assert_false(mmio_bus_add(&bus, "wraps", ~0ull - 0xf, 0x20, &fake_ops, &d));
	assert_false(mmio_bus_add(&bus, "no ops", 0x3000, 0x10, NULL, &d));
	assert_false(mmio_bus_add(&bus, "no access", 0x3000, 0x10, &no_ops, &d));
	/* Overlaps: inside, across the start, across the end, covering. */
	assert_false(mmio_bus_add(&bus, "inside", 0x1080, 0x10, &fake_ops, &d));
	assert_false(mmio_bus_add(&bus, "start", 0xff0, 0x20, &fake_ops, &d));
	assert_false(mmio_bus_add(&bus, "end", 0x10f0, 0x20, &fake_ops, &d));
	assert_false(mmio_bus_add(&bus, "cover", 0x0, 0x10000, &fake_ops, &d));
	/* Touching is fine. */
	assert_true(mmio_bus_add(&bus, "below", 0xf00, 0x100, &fake_ops, &d));
	assert_true(mmio_bus_add(&bus, "above", 0x1100, 0x100, &fake_ops, &d));
	assert_int_equal(bus.count, 3);
}

static void test_bus_full(void **state)
{
	(void)state;
	struct mmio_bus bus;
	struct fake_dev d = {0};
	mmio_bus_init(&bus);
	for (unsigned i = 0; i < MMIO_BUS_MAX_DEVICES; i++)
		assert_true(mmio_bus_add(&bus, "dev", 0x10000u * (i + 1), 0x1000, &fake_ops, &d));
	assert_false(mmio_bus_add(&bus, "one too many", 0x10000000, 0x1000, &fake_ops, &d));
}

static void test_find_boundaries(void **state)
{
	(void)state;
	struct mmio_bus bus;
	struct fake_dev a = {0}, b = {0};
	mmio_bus_init(&bus);
	mmio_bus_add(&bus, "a", 0x08000000, 0x10000, &fake_ops, &a);
	mmio_bus_add(&bus, "b", 0x09000000, 0x1000, &fake_ops, &b);
	assert_null(mmio_bus_find(&bus, 0x07ffffff));
	assert_ptr_equal(mmio_bus_find(&bus, 0x08000000)->ctx, &a);
	assert_ptr_equal(mmio_bus_find(&bus, 0x0800ffff)->ctx, &a);
	assert_null(mmio_bus_find(&bus, 0x08010000));
	assert_string_equal(mmio_bus_find(&bus, 0x09000fff)->name, "b");
	assert_null(mmio_bus_find(&bus, 0x09001000));
	assert_null(mmio_bus_find(&bus, 0));
}

static void test_access_dispatch(void **state)
{
	(void)state;
	struct mmio_bus bus;
	struct fake_dev d = {0};
	mmio_bus_init(&bus);
	mmio_bus_add(&bus, "d", 0x2000, 0x10, &fake_ops, &d);
	/* A write reaches the device at its offset, with the vCPU and the value truncated to the size. */
	uint64_t val = 0x1122334455667788ull;
	assert_int_equal(mmio_bus_access(&bus, 3, 0x2004, 2, true, &val), MMIO_HANDLED);
	assert_int_equal(d.last.vcpu, 3);
	assert_int_equal(d.last.offset, 4);
	assert_int_equal(d.last.size, 2);
	assert_true(d.last.write);
	assert_int_equal(d.regs[4], 0x88);
	assert_int_equal(d.regs[5], 0x77);
	assert_int_equal(d.regs[6], 0);
	val = 0;
	assert_int_equal(mmio_bus_access(&bus, 0, 0x2004, 4, false, &val), MMIO_HANDLED);
	assert_int_equal(val, 0x7788);
	/* The device's refusal comes back as it is. */
	assert_int_equal(mmio_bus_access(&bus, 0, 0x2008, 8, false, &val), MMIO_ABORT);
	/* Nothing there; an access running past the window's end never reaches the device. */
	unsigned calls = d.calls;
	assert_int_equal(mmio_bus_access(&bus, 0, 0x3000, 4, false, &val), MMIO_UNHANDLED);
	assert_int_equal(mmio_bus_access(&bus, 0, 0x200e, 4, true, &val), MMIO_OUT_OF_RANGE);
	assert_int_equal(mmio_bus_access(&bus, 0, 0x200f, 2, false, &val), MMIO_OUT_OF_RANGE);
	assert_int_equal(d.calls, calls);
	assert_int_equal(mmio_bus_access(&bus, 0, 0x200c, 4, false, &val), MMIO_HANDLED);
}

/* The second access of a pair goes to the first one's device: past its window it is refused, even when the
 * next device starts right there. */
static void test_binding_access_stays_in_window(void **state)
{
	(void)state;
	struct mmio_bus bus;
	struct fake_dev a = {0}, b = {0};
	mmio_bus_init(&bus);
	mmio_bus_add(&bus, "a", 0x4000, 0x10, &fake_ops, &a);
	mmio_bus_add(&bus, "b", 0x4010, 0x10, &fake_ops, &b);
	const struct mmio_binding *first = mmio_bus_find(&bus, 0x400c);
	uint64_t val = 1;
	assert_int_equal(mmio_binding_access(first, 0, 0x400c, 4, true, &val), MMIO_HANDLED);
	assert_int_equal(mmio_binding_access(first, 0, 0x4010, 4, true, &val), MMIO_OUT_OF_RANGE);
	assert_int_equal(mmio_binding_access(first, 0, 0x3ffc, 4, true, &val), MMIO_OUT_OF_RANGE);
	assert_int_equal(b.calls, 0);
	assert_int_equal(a.calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_rejects_bad_windows),
	    cmocka_unit_test(test_bus_full),
	    cmocka_unit_test(test_find_boundaries),
	    cmocka_unit_test(test_access_dispatch),
	    cmocka_unit_test(test_binding_access_stays_in_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
