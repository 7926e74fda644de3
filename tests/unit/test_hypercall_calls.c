/* Unit tests for the hypercall handlers (lib/hypercall_*.c): Get/SetVpRegisters, PostMessage,
 * SignalEvent and FlushVirtualAddressSpace, against the fake partition of test_hypercall_fake.h. The
 * expected statuses are the rules of docs/abi.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "karasu/hv.h"
#include "lib/hypercall.h"
#include "tests/unit/test_hypercall_fake.h"

/* ---- GetVpRegisters / SetVpRegisters ---- */

static void test_get_dispatcher_registers(void **state)
{
	(void)state;
	HV_REGISTER_NAME names[] = {HV_REGISTER_HYPERVISOR_VERSION, HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO,
	                            HV_REGISTER_FEATURES_INFO, HV_REGISTER_VP_INDEX,
	                            HV_REGISTER_TIME_REF_COUNT};
	put_get_input(names, 5);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 5, 0), IN_GPA, OUT_GPA), HV_STATUS_SUCCESS, 5);
	HV_REGISTER_VALUE v = out_value(0);
	/* read the way Linux's arm64 guest does: 32-bit words a, b */
	assert_int_equal((uint32_t)v.reg128.low64, KARASU_HV_VERSION_BUILD);
	assert_int_equal((uint32_t)(v.reg128.low64 >> 32) >> 16, KARASU_HV_VERSION_MAJOR);
	assert_int_equal((uint32_t)(v.reg128.low64 >> 32) & 0xFFFF, KARASU_HV_VERSION_MINOR);
	v = out_value(1);
	assert_int_equal(v.reg128.low64, FAKE_PRIVILEGES);
	assert_int_equal(v.reg128.high64, 0);
	v = out_value(2);
	assert_int_equal(v.reg128.low64 | v.reg128.high64, 0);
	v = out_value(3);
	assert_int_equal(v.reg128.low64, FAKE_VP_INDEX);
	assert_int_equal(v.reg128.high64, 0);
	v = out_value(4);
	assert_int_equal(v.reg128.low64, FAKE_TIME);
	assert_true(untouched(OUT_GPA + 5 * 16, 16));
	assert_int_equal(f.reps_seen, 0); /* none of those went to the engine */
}

static void test_get_vp_index_of_other_vp(void **state)
{
	(void)state;
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	for (HV_VP_INDEX vp = 0; vp < FAKE_VP_COUNT; vp++) {
		put_vp_header(IN_GPA, FAKE_PARTITION_ID, vp); /* own id given explicitly */
		put(IN_GPA + 16, &name, 4);
		assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA), HV_STATUS_SUCCESS,
		              1);
		assert_int_equal(out_value(0).reg64, vp);
	}
}

static void test_guest_os_id_round_trip(void **state)
{
	(void)state;
	const uint64_t id = 0x8100000000000000ULL | 0x060F00; /* an open-source-style OS id */
	put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	put_set_element(IN_GPA, 0, HV_REGISTER_GUEST_OS_ID, id, 0);
	assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 1, 0), IN_GPA, 0), HV_STATUS_SUCCESS, 1);
	assert_int_equal(f.guest_os_id[FAKE_VP_INDEX], id);

	HV_REGISTER_NAME name = HV_REGISTER_GUEST_OS_ID;
	put_get_input(&name, 1);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA), HV_STATUS_SUCCESS, 1);
	assert_int_equal(out_value(0).reg128.low64, id);
	assert_int_equal(out_value(0).reg128.high64, 0);

	/* bits above the register's 64 bits must be zero */
	put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	put_set_element(IN_GPA, 0, HV_REGISTER_GUEST_OS_ID, 1, 1);
	assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 1, 0), IN_GPA, 0), HV_STATUS_INVALID_REGISTER_VALUE,
	              0);
	assert_int_equal(f.guest_os_id[FAKE_VP_INDEX], id);
}

static void test_read_only_registers(void **state)
{
	(void)state;
	static const HV_REGISTER_NAME ro[] = {
	    HV_REGISTER_HYPERVISOR_VERSION, HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO,
	    HV_REGISTER_FEATURES_INFO, HV_REGISTER_VP_INDEX, HV_REGISTER_TIME_REF_COUNT};
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
		put_set_element(IN_GPA, 0, HV_REGISTER_GUEST_OS_ID, 42, 0);
		put_set_element(IN_GPA, 1, ro[i], 0, 0);
		put_set_element(IN_GPA, 2, HV_REGISTER_GUEST_OS_ID, 43, 0);
		/* the first rep succeeds, the second is refused, the third is never reached */
		assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 3, 0), IN_GPA, 0), HV_STATUS_ACCESS_DENIED,
		              1);
		assert_int_equal(f.guest_os_id[FAKE_VP_INDEX], 42);
	}
}

static void test_unknown_register_name(void **state)
{
	(void)state;
	HV_REGISTER_NAME names[3] = {HV_REGISTER_VP_INDEX, 0x12345, HV_REGISTER_GUEST_OS_ID};
	put_get_input(names, 3);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 3, 0), IN_GPA, OUT_GPA),
	              HV_STATUS_UNKNOWN_REGISTER_NAME, 1);
	assert_int_equal(out_value(0).reg64, FAKE_VP_INDEX); /* rep 0's output was written */
	assert_true(untouched(OUT_GPA + 16, 32));
	/* an engine-owned register the dispatcher does not know is passed through */
	HV_REGISTER_NAME sint0 = FAKE_SINT0;
	put_get_input(&sint0, 1);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA), HV_STATUS_SUCCESS, 1);
	assert_int_equal(out_value(0).reg64, 0x10000);
	/* and for set */
	put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	put_set_element(IN_GPA, 0, 0x12345, 1, 0);
	assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 1, 0), IN_GPA, 0), HV_STATUS_UNKNOWN_REGISTER_NAME,
	              0);
}

static void test_register_privileges(void **state)
{
	(void)state;
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	put_get_input(&name, 1);
	f.privileges = FAKE_PRIVILEGES & ~HV_PRIVILEGE_ACCESS_VP_INDEX;
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA), HV_STATUS_ACCESS_DENIED, 0);
	name = HV_REGISTER_TIME_REF_COUNT;
	put_get_input(&name, 1);
	f.privileges = FAKE_PRIVILEGES & ~HV_PRIVILEGE_ACCESS_PARTITION_REFERENCE_COUNTER;
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA), HV_STATUS_ACCESS_DENIED, 0);
	f.privileges = FAKE_PRIVILEGES & ~HV_PRIVILEGE_ACCESS_HYPERCALL_REGS;
	put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	put_set_element(IN_GPA, 0, HV_REGISTER_GUEST_OS_ID, 5, 0);
	assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 1, 0), IN_GPA, 0), HV_STATUS_ACCESS_DENIED, 0);
	assert_int_equal(f.guest_os_id[FAKE_VP_INDEX], 0);
}

static void test_partition_and_vp_checks(void **state)
{
	(void)state;
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	static const HV_PARTITION_ID bad_ids[] = {HV_PARTITION_ID_INVALID, FAKE_PARTITION_ID + 1, 1,
	                                          0xFFFFFFFFFFFFFFFEULL};
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		put_vp_header(IN_GPA, bad_ids[i], HV_VP_INDEX_SELF);
		put(IN_GPA + 16, &name, 4);
		assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA),
		              HV_STATUS_INVALID_PARTITION_ID, 0);
	}
	static const HV_VP_INDEX bad_vps[] = {FAKE_VP_COUNT, 1000, HV_VP_INDEX_ANY};
	for (size_t i = 0; i < sizeof(bad_vps) / sizeof(bad_vps[0]); i++) {
		put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, bad_vps[i]);
		put(IN_GPA + 16, &name, 4);
		assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA),
		              HV_STATUS_INVALID_VP_INDEX, 0);
		put_set_element(IN_GPA, 0, HV_REGISTER_GUEST_OS_ID, 9, 0);
		assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 1, 0), IN_GPA, 0), HV_STATUS_INVALID_VP_INDEX,
		              0);
	}
	assert_true(untouched(OUT_GPA, 16));
	assert_int_equal(f.reps_seen, 0);
	/* a header failure on a re-issued call reports the reps done before it */
	put_vp_header(IN_GPA, HV_PARTITION_ID_INVALID, HV_VP_INDEX_SELF);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 3, 2), IN_GPA, OUT_GPA),
	              HV_STATUS_INVALID_PARTITION_ID, 2);
}

static void test_rsvdz_in_parameter_blocks(void **state)
{
	(void)state;
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	for (unsigned byte = 0; byte < 3; byte++) {
		struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
		                                         .vp_index = HV_VP_INDEX_SELF};
		h.rsvdz0[byte] = 0x80;
		put(IN_GPA, &h, sizeof(h));
		put(IN_GPA + 16, &name, 4);
		assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA),
		              HV_STATUS_INVALID_PARAMETER, 0);
	}
	for (unsigned bit = 5; bit < 8; bit++) {
		struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
		                                         .vp_index = HV_VP_INDEX_SELF,
		                                         .input_vtl = (HV_INPUT_VTL)(1U << bit)};
		put(IN_GPA, &h, sizeof(h));
		assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA),
		              HV_STATUS_INVALID_PARAMETER, 0);
	}
	/* VTL 0 named explicitly is fine; VTL 1 does not exist */
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF,
	                                         .input_vtl = HV_INPUT_VTL_USE_TARGET};
	put(IN_GPA, &h, sizeof(h));
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA), HV_STATUS_SUCCESS, 1);
	h.input_vtl = HV_INPUT_VTL_USE_TARGET | 1;
	put(IN_GPA, &h, sizeof(h));
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUT_GPA), HV_STATUS_INVALID_PARAMETER,
	              0);

	/* RsvdZ words of a SetVpRegisters element */
	put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	struct hv_register_assoc a = {.name = HV_REGISTER_GUEST_OS_ID, .rsvdz0 = 1};
	put(IN_GPA + 16, &a, sizeof(a));
	assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 1, 0), IN_GPA, 0), HV_STATUS_INVALID_PARAMETER, 0);
	a.rsvdz0 = 0;
	a.rsvdz1 = 1ULL << 63;
	put(IN_GPA + 16, &a, sizeof(a));
	assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 1, 0), IN_GPA, 0), HV_STATUS_INVALID_PARAMETER, 0);
	assert_int_equal(f.guest_os_id[FAKE_VP_INDEX], 0);
}

/* ---- PostMessage / SignalEvent ---- */

static struct hv_input_post_message message(uint32_t type, uint32_t size)
{
	struct hv_input_post_message m = {.connection_id = 0x100, .message_type = type, .payload_size = size};
	for (unsigned i = 0; i < HV_MESSAGE_PAYLOAD_QWORD_COUNT; i++)
		m.payload[i] = 0x0101010101010101ULL * i;
	return m;
}

static uint64_t post(const struct hv_input_post_message *m)
{
	put(IN_GPA, m, sizeof(*m));
	return call(simple(HVCALL_POST_MESSAGE), IN_GPA, 0);
}

static void test_post_message(void **state)
{
	(void)state;
	struct hv_input_post_message m = message(1, HV_MESSAGE_PAYLOAD_BYTE_COUNT);
	assert_status(post(&m), HV_STATUS_SUCCESS, 0);
	assert_int_equal(f.messages_posted, 1);
	assert_memory_equal(&f.last_message, &m, sizeof(m));
	/* the hook's answer is the call's status */
	f.post_status = HV_STATUS_INSUFFICIENT_BUFFERS;
	m = message(0x7FFFFFFF, 0);
	assert_status(post(&m), HV_STATUS_INSUFFICIENT_BUFFERS, 0);
	assert_int_equal(f.messages_posted, 2);
}

static void test_post_message_validation(void **state)
{
	(void)state;
	struct hv_input_post_message m = message(0, 8);
	assert_status(post(&m), HV_STATUS_INVALID_PARAMETER, 0);
	m = message(0x80000000, 8);
	assert_status(post(&m), HV_STATUS_INVALID_PARAMETER, 0);
	m = message(0x80000001, 8);
	assert_status(post(&m), HV_STATUS_INVALID_PARAMETER, 0);
	m = message(1, HV_MESSAGE_PAYLOAD_BYTE_COUNT + 1);
	assert_status(post(&m), HV_STATUS_INVALID_PARAMETER, 0);
	m = message(1, 0xFFFFFFFF);
	assert_status(post(&m), HV_STATUS_INVALID_PARAMETER, 0);
	m = message(1, 8);
	m.rsvdz0 = 0x10;
	assert_status(post(&m), HV_STATUS_INVALID_PARAMETER, 0);
	assert_int_equal(f.messages_posted, 0);
	/* a 256-byte block at offset 0xF08 crosses the page */
	m = message(1, 8);
	put(IN_GPA + 0xF08, &m, sizeof(m));
	assert_status(call(simple(HVCALL_POST_MESSAGE), IN_GPA + 0xF08, 0), HV_STATUS_INVALID_ALIGNMENT, 0);
	put(IN_GPA + 0xF00, &m, sizeof(m));
	assert_status(call(simple(HVCALL_POST_MESSAGE), IN_GPA + 0xF00, 0), HV_STATUS_SUCCESS, 0);
	/* without a delivery hook there is no connection to post to */
	caller.ops = &fake_ops_minimal;
	assert_status(post(&m), HV_STATUS_INVALID_CONNECTION_ID, 0);
	assert_int_equal(f.messages_posted, 1);
}

static void test_signal_event(void **state)
{
	(void)state;
	struct hv_input_signal_event e = {.connection_id = 0x77, .flag_number = HV_EVENT_FLAGS_COUNT - 1};
	put(IN_GPA, &e, sizeof(e));
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), IN_GPA, 0), HV_STATUS_SUCCESS, 0);
	assert_int_equal(f.events_signalled, 1);
	assert_int_equal(f.last_event_connection, 0x77);
	assert_int_equal(f.last_event_flag, HV_EVENT_FLAGS_COUNT - 1);
	e.flag_number = HV_EVENT_FLAGS_COUNT;
	put(IN_GPA, &e, sizeof(e));
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), IN_GPA, 0), HV_STATUS_INVALID_PARAMETER, 0);
	e.flag_number = 0;
	e.rsvdz0 = 0x8000;
	put(IN_GPA, &e, sizeof(e));
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), IN_GPA, 0), HV_STATUS_INVALID_PARAMETER, 0);
	assert_int_equal(f.events_signalled, 1);
	e.rsvdz0 = 0;
	put(IN_GPA, &e, sizeof(e));
	caller.ops = &fake_ops_minimal;
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), IN_GPA, 0), HV_STATUS_INVALID_CONNECTION_ID, 0);
}

/* ---- FlushVirtualAddressSpace ---- */

static uint64_t flush(uint64_t address_space, uint64_t flags, uint64_t mask)
{
	struct hv_input_flush_virtual_address_space in = {address_space, flags, mask};
	put(IN_GPA, &in, sizeof(in));
	return call(simple(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE), IN_GPA, 0);
}

static void test_flush_virtual_address_space(void **state)
{
	(void)state;
	assert_status(flush(0x1000, HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY, 0xA), HV_STATUS_SUCCESS, 0);
	assert_int_equal(f.flushes, 1);
	assert_int_equal(f.last_flush.address_space, 0x1000);
	assert_int_equal(f.last_flush.flags, HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY);
	assert_int_equal(f.last_flush.processor_mask, 0xA);
	/* ALL_PROCESSORS: the mask is ignored, even bits naming VPs that do not exist */
	assert_status(flush(0, HV_FLUSH_ALL_PROCESSORS | HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES, ~0ULL),
	              HV_STATUS_SUCCESS, 0);
	assert_int_equal(f.flushes, 2);
	assert_int_equal(f.last_flush.processor_mask, 0);
	/* an empty mask flushes nothing */
	assert_status(flush(0, 0, 0), HV_STATUS_SUCCESS, 0);
	assert_int_equal(f.flushes, 2);
	/* RsvdZ flag bits, and a VP the partition does not have (4 VPs: bit 4) */
	assert_status(flush(0, 0x8, 1), HV_STATUS_INVALID_PARAMETER, 0);
	assert_status(flush(0, 1ULL << 63, 1), HV_STATUS_INVALID_PARAMETER, 0);
	assert_status(flush(0, 0, 1ULL << FAKE_VP_COUNT), HV_STATUS_INVALID_PARAMETER, 0);
	assert_int_equal(f.flushes, 2);
	/* fast form: the 24 bytes in X2..X4 */
	uint64_t regs[16] = {0x2000, 0, 0x1};
	assert_status(call_regs(simple(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE) | HV_HYPERCALL_FAST_BIT, regs, 16),
	              HV_STATUS_SUCCESS, 0);
	assert_int_equal(f.last_flush.address_space, 0x2000);
	assert_int_equal(f.last_flush.processor_mask, 0x1);
	/* an engine without the hook does not offer the call at all */
	caller.ops = &fake_ops_minimal;
	assert_status(flush(0, 0, 1), HV_STATUS_INVALID_HYPERCALL_CODE, 0);
	assert_int_equal(f.flushes, 3);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_get_dispatcher_registers),
	    T(test_get_vp_index_of_other_vp),
	    T(test_guest_os_id_round_trip),
	    T(test_read_only_registers),
	    T(test_unknown_register_name),
	    T(test_register_privileges),
	    T(test_partition_and_vp_checks),
	    T(test_rsvdz_in_parameter_blocks),
	    T(test_post_message),
	    T(test_post_message_validation),
	    T(test_signal_event),
	    T(test_flush_virtual_address_space),
	};
	return cmocka_run_group_tests_name("hypercall_calls", tests, NULL, NULL);
}
