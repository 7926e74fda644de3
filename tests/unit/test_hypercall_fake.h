/* The fake partition the hypercall unit tests run against (included by tests/unit/test_hypercall*.c):
 * a few pages of byte-array guest memory, 4 VPs, engine-owned GuestOsId storage, recording
 * message/event/flush hooks, and helpers to lay out parameter blocks and issue calls. */
#ifndef KARASU_TEST_HYPERCALL_FAKE_H
#define KARASU_TEST_HYPERCALL_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "karasu/hv.h"
#include "lib/hypercall.h"

#define FAKE_BASE         0x80000ULL /* first GPA of the fake partition's memory */
#define FAKE_PAGES        3
#define FAKE_SIZE         (FAKE_PAGES * HV_PAGE_SIZE)
#define FAKE_PARTITION_ID 7ULL
#define FAKE_VP_COUNT     4U
#define FAKE_VP_INDEX     1U
#define FAKE_TIME         123456789ULL
#define FAKE_PRIVILEGES   HV_PRIVILEGES_KARASU_DEFAULT
#define FAKE_SINT0        HV_REGISTER_SINT0 /* an engine-owned register the dispatcher does not know */
#define IN_GPA            FAKE_BASE
#define OUT_GPA           (FAKE_BASE + HV_PAGE_SIZE)
#define OUTSIDE_GPA       (FAKE_BASE + 0x100000ULL)
#define POISON            0xA5

struct fake {
	uint8_t mem[FAKE_SIZE];
	enum hv_caller_mode mode;
	uint64_t privileges;
	uint64_t guest_os_id[FAKE_VP_COUNT]; /* engine-owned (per VP here; the engine decides) */
	int messages_posted;
	struct hv_input_post_message last_message;
	HV_STATUS post_status; /* what the post hook answers */
	int events_signalled;
	HV_CONNECTION_ID last_event_connection;
	uint16_t last_event_flag;
	int yield_after; /* should_yield returns true after this many calls; < 0: never */
	int yield_calls;
	int reps_seen; /* get_vp_register/set_vp_register calls */
	int flushes;
	struct hv_input_flush_virtual_address_space last_flush;
};

static struct fake f;

static bool fake_read_gpa(void *ctx, HV_GPA gpa, void *buf, size_t len)
{
	struct fake *fk = ctx;
	if (gpa < FAKE_BASE || gpa - FAKE_BASE > FAKE_SIZE || len > FAKE_SIZE - (gpa - FAKE_BASE))
		return false;
	memcpy(buf, fk->mem + (gpa - FAKE_BASE), len);
	return true;
}

static bool fake_write_gpa(void *ctx, HV_GPA gpa, const void *buf, size_t len)
{
	struct fake *fk = ctx;
	if (gpa < FAKE_BASE || gpa - FAKE_BASE > FAKE_SIZE || len > FAKE_SIZE - (gpa - FAKE_BASE))
		return false;
	memcpy(fk->mem + (gpa - FAKE_BASE), buf, len);
	return true;
}

static HV_PARTITION_ID fake_partition_id(void *ctx)
{
	(void)ctx;
	return FAKE_PARTITION_ID;
}

static HV_VP_INDEX fake_vp_index(void *ctx)
{
	(void)ctx;
	return FAKE_VP_INDEX;
}

static uint32_t fake_vp_count(void *ctx)
{
	(void)ctx;
	return FAKE_VP_COUNT;
}

static enum hv_caller_mode fake_mode(void *ctx)
{
	return ((struct fake *)ctx)->mode;
}

static uint64_t fake_privileges(void *ctx)
{
	return ((struct fake *)ctx)->privileges;
}

static uint64_t fake_reference_time(void *ctx)
{
	(void)ctx;
	return FAKE_TIME;
}

static HV_STATUS fake_get_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name,
                                      HV_REGISTER_VALUE *value)
{
	struct fake *fk = ctx;
	assert_true(vp < FAKE_VP_COUNT);
	fk->reps_seen++;
	switch (name) {
	case HV_REGISTER_GUEST_OS_ID: value->reg64 = fk->guest_os_id[vp]; return HV_STATUS_SUCCESS;
	case FAKE_SINT0: value->reg64 = 0x10000; return HV_STATUS_SUCCESS;
	default: return HV_STATUS_UNKNOWN_REGISTER_NAME;
	}
}

static HV_STATUS fake_set_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name,
                                      const HV_REGISTER_VALUE *value)
{
	struct fake *fk = ctx;
	assert_true(vp < FAKE_VP_COUNT);
	fk->reps_seen++;
	switch (name) {
	case HV_REGISTER_GUEST_OS_ID: fk->guest_os_id[vp] = value->reg64; return HV_STATUS_SUCCESS;
	case FAKE_SINT0: return HV_STATUS_SUCCESS;
	default: return HV_STATUS_UNKNOWN_REGISTER_NAME;
	}
}

static HV_STATUS fake_post_message(void *ctx, const struct hv_input_post_message *message)
{
	struct fake *fk = ctx;
	fk->messages_posted++;
	fk->last_message = *message;
	return fk->post_status;
}

static HV_STATUS fake_signal_event(void *ctx, HV_CONNECTION_ID connection_id, uint16_t flag_number)
{
	struct fake *fk = ctx;
	fk->events_signalled++;
	fk->last_event_connection = connection_id;
	fk->last_event_flag = flag_number;
	return HV_STATUS_SUCCESS;
}

static HV_STATUS fake_flush(void *ctx, HV_ADDRESS_SPACE_ID address_space, uint64_t flags,
                            uint64_t processor_mask)
{
	struct fake *fk = ctx;
	fk->flushes++;
	fk->last_flush.address_space = address_space;
	fk->last_flush.flags = flags;
	fk->last_flush.processor_mask = processor_mask;
	return HV_STATUS_SUCCESS;
}

static bool fake_should_yield(void *ctx)
{
	struct fake *fk = ctx;
	fk->yield_calls++;
	return fk->yield_after >= 0 && fk->yield_calls > fk->yield_after;
}

static const struct hv_caller_ops fake_ops_with_hooks = {
    .read_gpa = fake_read_gpa,
    .write_gpa = fake_write_gpa,
    .partition_id = fake_partition_id,
    .vp_index = fake_vp_index,
    .vp_count = fake_vp_count,
    .mode = fake_mode,
    .privileges = fake_privileges,
    .reference_time = fake_reference_time,
    .get_vp_register = fake_get_vp_register,
    .set_vp_register = fake_set_vp_register,
    .post_message = fake_post_message,
    .signal_event = fake_signal_event,
    .flush_virtual_address_space = fake_flush,
    .should_yield = fake_should_yield,
};

/* The same partition without the optional hooks. */
static const struct hv_caller_ops fake_ops_minimal = {
    .read_gpa = fake_read_gpa,
    .write_gpa = fake_write_gpa,
    .partition_id = fake_partition_id,
    .vp_index = fake_vp_index,
    .vp_count = fake_vp_count,
    .mode = fake_mode,
    .privileges = fake_privileges,
    .reference_time = fake_reference_time,
    .get_vp_register = fake_get_vp_register,
    .set_vp_register = fake_set_vp_register,
};

static struct hv_caller caller;

static inline int setup(void **state)
{
	(void)state;
	memset(&f, 0, sizeof(f));
	memset(f.mem, POISON, sizeof(f.mem));
	f.mode = HV_CALLER_KERNEL;
	f.privileges = FAKE_PRIVILEGES;
	f.post_status = HV_STATUS_SUCCESS;
	f.yield_after = -1;
	caller.ops = &fake_ops_with_hooks;
	caller.ctx = &f;
	return 0;
}

static inline uint8_t *guest(HV_GPA gpa)
{
	assert_true(gpa >= FAKE_BASE && gpa < FAKE_BASE + FAKE_SIZE);
	return f.mem + (gpa - FAKE_BASE);
}

static inline void put(HV_GPA gpa, const void *src, size_t len)
{
	assert_true(gpa >= FAKE_BASE && gpa + len <= FAKE_BASE + FAKE_SIZE);
	memcpy(guest(gpa), src, len);
}

static inline bool untouched(HV_GPA gpa, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (guest(gpa)[i] != POISON)
			return false;
	return true;
}

/* Every result value must keep its Rsvd bits (31-16, 63-44) zero. */
static inline uint64_t call(uint64_t input_value, HV_GPA in, HV_GPA out)
{
	uint64_t r = hv_hypercall(&caller, input_value, in, out);
	assert_int_equal(r & 0xFFFFF000FFFF0000ULL, 0);
	return r;
}

static inline uint64_t call_regs(uint64_t input_value, uint64_t *regs, size_t count)
{
	uint64_t r = hv_hypercall_regs(&caller, input_value, regs, count);
	assert_int_equal(r & 0xFFFFF000FFFF0000ULL, 0);
	return r;
}

static inline void assert_status(uint64_t result, HV_STATUS status, uint16_t reps)
{
	assert_int_equal(hv_result_status(result), status);
	assert_int_equal(hv_result_reps_completed(result), reps);
}

static inline uint64_t simple(uint16_t code)
{
	return hv_input_value(code, false, 0, 0);
}

static inline uint64_t rep(uint16_t code, uint16_t count, uint16_t start)
{
	return hv_input_value(code, false, count, start);
}

static inline void put_vp_header(HV_GPA gpa, HV_PARTITION_ID partition, HV_VP_INDEX vp)
{
	struct hv_input_vp_registers_header h = {.partition_id = partition, .vp_index = vp};
	put(gpa, &h, sizeof(h));
}

/* GetVpRegisters input at IN_GPA: header for SELF/SELF followed by the names. */
static inline void put_get_input(const HV_REGISTER_NAME *names, size_t n)
{
	put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	put(IN_GPA + 16, names, n * sizeof(*names));
}

static inline HV_REGISTER_VALUE out_value(size_t i)
{
	HV_REGISTER_VALUE v;
	memcpy(&v, guest(OUT_GPA + 16 * i), sizeof(v));
	return v;
}

static inline void put_set_element(HV_GPA list, size_t i, HV_REGISTER_NAME name, uint64_t low, uint64_t high)
{
	struct hv_register_assoc a = {.name = name};
	a.value.reg128.low64 = low;
	a.value.reg128.high64 = high;
	put(list + 16 + 32 * i, &a, sizeof(a));
}

#endif
