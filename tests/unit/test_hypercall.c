/* Unit tests for the hypercall dispatcher's generic rules (lib/hypercall.c): the input value, GPAs,
 * caller mode and privileges, rep processing and fast calls, against the fake partition of
 * test_hypercall_fake.h. The expected statuses are the rules of docs/abi.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "karasu/hv.h"
#include "lib/hypercall.h"
#include "tests/unit/test_hypercall_fake.h"

/* ---- the input value ---- */

static void test_reserved_bit(void **state)
{
	unsigned bit = *(const unsigned *)*state;
	setup(NULL);
	uint64_t r = call(simple(HVCALL_GET_PARTITION_ID) | (1ULL << bit), 0, OUT_GPA);
	assert_status(r, HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_true(untouched(OUT_GPA, 8)); /* nothing was executed */
}

static void test_reserved_bit_on_rep_call(void **state)
{
	unsigned bit = *(const unsigned *)*state;
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	setup(NULL);
	put_get_input(&name, 1);
	uint64_t r = call(rep(HVCALL_GET_VP_REGISTERS, 1, 0) | (1ULL << bit), IN_GPA, OUT_GPA);
	assert_status(r, HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_true(untouched(OUT_GPA, 16));
}

static void test_valid_call_succeeds(void **state)
{
	(void)state;
	uint64_t r = call(simple(HVCALL_GET_PARTITION_ID), 0, OUT_GPA);
	assert_status(r, HV_STATUS_SUCCESS, 0);
	uint64_t id;
	memcpy(&id, guest(OUT_GPA), 8);
	assert_int_equal(id, FAKE_PARTITION_ID);
	assert_true(untouched(OUT_GPA + 8, 8)); /* exactly the 8-byte output block */
}

static void test_unknown_codes(void **state)
{
	(void)state;
	static const uint16_t codes[] = {
	    0xbeef, 0x0000, 0x0001, 0x0047, 0xffff, HVCALL_MAP_GPA_PAGES, HVCALL_UNMAP_GPA_PAGES};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		assert_status(call(simple(codes[i]), IN_GPA, OUT_GPA), HV_STATUS_INVALID_HYPERCALL_CODE, 0);
	/* also as a rep call and as a fast call */
	assert_status(call(rep(0xbeef, 3, 0), IN_GPA, OUT_GPA), HV_STATUS_INVALID_HYPERCALL_CODE, 0);
	uint64_t regs[16] = {0};
	assert_status(call_regs(simple(0xbeef) | HV_HYPERCALL_FAST_BIT, regs, 16),
	              HV_STATUS_INVALID_HYPERCALL_CODE, 0);
}

static void test_simple_call_with_rep_fields(void **state)
{
	(void)state;
	assert_status(call(rep(HVCALL_GET_PARTITION_ID, 1, 0), 0, OUT_GPA), HV_STATUS_INVALID_HYPERCALL_INPUT,
	              0);
	assert_status(
	    call(simple(HVCALL_GET_PARTITION_ID) | (1ULL << HV_HYPERCALL_REP_START_SHIFT), 0, OUT_GPA),
	    HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_true(untouched(OUT_GPA, 8));
}

static void test_rep_call_count_and_start(void **state)
{
	(void)state;
	HV_REGISTER_NAME names[2] = {HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX};
	put_get_input(names, 2);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 0, 0), IN_GPA, OUT_GPA),
	              HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 2, 2), IN_GPA, OUT_GPA),
	              HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 2, 3), IN_GPA, OUT_GPA),
	              HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 0, 0xFFF), IN_GPA, OUT_GPA),
	              HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_true(untouched(OUT_GPA, 32));
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 2, 1), IN_GPA, OUT_GPA), HV_STATUS_SUCCESS, 2);
}

static void test_variable_header_rejected(void **state)
{
	(void)state;
	for (unsigned size = 1; size <= HV_HYPERCALL_VARHEAD_MASK; size <<= 1) {
		uint64_t iv =
		    simple(HVCALL_GET_PARTITION_ID) | ((uint64_t)size << HV_HYPERCALL_VARHEAD_SHIFT);
		assert_int_equal(hv_input_varhead_size(iv), size);
		assert_status(call(iv, 0, OUT_GPA), HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	}
}

/* ---- GPAs ---- */

static void test_misaligned_gpas(void **state)
{
	(void)state;
	struct hv_input_signal_event e = {.connection_id = 1, .flag_number = 2};
	put(IN_GPA + 4, &e, sizeof(e));
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), IN_GPA + 4, 0), HV_STATUS_INVALID_ALIGNMENT, 0);
	assert_int_equal(f.events_signalled, 0);
	for (unsigned off = 1; off < 8; off++)
		assert_status(call(simple(HVCALL_GET_PARTITION_ID), 0, OUT_GPA + off),
		              HV_STATUS_INVALID_ALIGNMENT, 0);
	assert_true(untouched(OUT_GPA, 16));
	/* the same block, aligned, works */
	put(IN_GPA + 8, &e, sizeof(e));
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), IN_GPA + 8, 0), HV_STATUS_SUCCESS, 0);
	assert_int_equal(f.events_signalled, 1);
}

static void test_unused_gpas_ignored(void **state)
{
	(void)state;
	/* GetPartitionId has no input, SignalEvent no output: those GPAs are not looked at. */
	assert_status(call(simple(HVCALL_GET_PARTITION_ID), 0x3, OUT_GPA), HV_STATUS_SUCCESS, 0);
	struct hv_input_signal_event e = {.connection_id = 1};
	put(IN_GPA, &e, sizeof(e));
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), IN_GPA, OUTSIDE_GPA + 5), HV_STATUS_SUCCESS, 0);
}

static void test_page_straddle(void **state)
{
	(void)state;
	/* a 16-byte header at PAGE_SIZE-8 crosses into the next page */
	HV_GPA in = IN_GPA + HV_PAGE_SIZE - 8;
	put_vp_header(in, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), in, OUT_GPA), HV_STATUS_INVALID_ALIGNMENT, 0);
	/* output list crossing: one 16-byte value at PAGE_SIZE-8 */
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	put_get_input(&name, 1);
	HV_GPA out = OUT_GPA + HV_PAGE_SIZE - 8;
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, out), HV_STATUS_INVALID_ALIGNMENT, 0);
	assert_true(untouched(out, 16));
	/* ending exactly at the page end is fine */
	out = OUT_GPA + HV_PAGE_SIZE - 16;
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, out), HV_STATUS_SUCCESS, 1);
	/* the header fits but the element list runs over the page: header at 0xFE8, 2 names end at 0x1000,
	 * 3 names end at 0x1004 */
	in = IN_GPA + HV_PAGE_SIZE - 24;
	put_vp_header(in, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	HV_REGISTER_NAME names[3] = {HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX};
	put(in + 16, names, 8);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 2, 0), in, OUT_GPA), HV_STATUS_SUCCESS, 2);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 3, 0), in, OUT_GPA), HV_STATUS_INVALID_ALIGNMENT, 0);
}

static void test_gpa_outside_partition(void **state)
{
	(void)state;
	assert_status(call(simple(HVCALL_GET_PARTITION_ID), 0, OUTSIDE_GPA), HV_STATUS_INVALID_ALIGNMENT, 0);
	assert_status(call(simple(HVCALL_GET_PARTITION_ID), 0, FAKE_BASE - HV_PAGE_SIZE),
	              HV_STATUS_INVALID_ALIGNMENT, 0);
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), OUTSIDE_GPA, 0), HV_STATUS_INVALID_ALIGNMENT, 0);
	/* an address near 2^64 must not wrap around into the partition */
	assert_status(call(simple(HVCALL_GET_PARTITION_ID), 0, 0xFFFFFFFFFFFFF000ULL),
	              HV_STATUS_INVALID_ALIGNMENT, 0);
	assert_int_equal(f.events_signalled, 0);
	/* a rep call whose output page is outside fails on its first rep */
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	put_get_input(&name, 1);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), IN_GPA, OUTSIDE_GPA),
	              HV_STATUS_INVALID_ALIGNMENT, 0);
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 1, 0), OUTSIDE_GPA, OUT_GPA),
	              HV_STATUS_INVALID_ALIGNMENT, 0);
	assert_true(untouched(OUT_GPA, 16));
}

/* ---- caller mode and privileges ---- */

static void test_user_mode_is_undefined(void **state)
{
	(void)state;
	f.mode = HV_CALLER_USER;
	assert_true(hv_hypercall(&caller, simple(HVCALL_GET_PARTITION_ID), 0, OUT_GPA) ==
	            HV_HYPERCALL_UNDEFINED);
	assert_true(hv_hypercall(&caller, simple(0xbeef), 0, 0) == HV_HYPERCALL_UNDEFINED);
	assert_true(hv_hypercall(&caller, ~0ULL, 3, 3) == HV_HYPERCALL_UNDEFINED);
	uint64_t regs[16] = {0};
	assert_true(hv_hypercall_regs(&caller, simple(HVCALL_GET_PARTITION_ID) | HV_HYPERCALL_FAST_BIT, regs,
	                              16) == HV_HYPERCALL_UNDEFINED);
	assert_int_equal(regs[0], 0);
	assert_true(untouched(OUT_GPA, 8));
	assert_false(hv_hypercall_is_partial(rep(HVCALL_GET_VP_REGISTERS, 2, 0), HV_HYPERCALL_UNDEFINED));
}

static void test_access_denied_has_priority(void **state)
{
	(void)state;
	f.privileges = FAKE_PRIVILEGES & ~HV_PRIVILEGE_ACCESS_PARTITION_ID;
	/* well-formed */
	assert_status(call(simple(HVCALL_GET_PARTITION_ID), 0, OUT_GPA), HV_STATUS_ACCESS_DENIED, 0);
	/* also reserved bits, a rep count, a variable header and a misaligned output GPA */
	uint64_t bad = rep(HVCALL_GET_PARTITION_ID, 5, 7) | HV_HYPERCALL_RSVDZ_HIGH_MASK |
	               (1ULL << HV_HYPERCALL_VARHEAD_SHIFT);
	assert_status(call(bad, 0, OUT_GPA + 4), HV_STATUS_ACCESS_DENIED, 0);
	assert_true(untouched(OUT_GPA, 16));

	f.privileges = FAKE_PRIVILEGES & ~HV_PRIVILEGE_SIGNAL_EVENTS;
	struct hv_input_signal_event e = {.connection_id = 1, .rsvdz0 = 1};
	put(IN_GPA, &e, sizeof(e));
	assert_status(call(simple(HVCALL_SIGNAL_EVENT), IN_GPA, 0), HV_STATUS_ACCESS_DENIED, 0);
	f.privileges = FAKE_PRIVILEGES & ~HV_PRIVILEGE_POST_MESSAGES;
	assert_status(call(simple(HVCALL_POST_MESSAGE), OUTSIDE_GPA, 0), HV_STATUS_ACCESS_DENIED, 0);
	assert_int_equal(f.events_signalled + f.messages_posted, 0);
}

/* ---- rep processing ---- */

static void test_rep_start_index(void **state)
{
	(void)state;
	HV_REGISTER_NAME names[3] = {0x12345, HV_REGISTER_VP_INDEX, HV_REGISTER_TIME_REF_COUNT};
	put_get_input(names, 3);
	/* element 0 (an unknown name) is skipped: only 1 and 2 run, written at their absolute positions */
	assert_status(call(rep(HVCALL_GET_VP_REGISTERS, 3, 1), IN_GPA, OUT_GPA), HV_STATUS_SUCCESS, 3);
	assert_true(untouched(OUT_GPA, 16));
	assert_int_equal(out_value(1).reg64, FAKE_VP_INDEX);
	assert_int_equal(out_value(2).reg64, FAKE_TIME);
}

static void test_rep_failure_reports_progress(void **state)
{
	(void)state;
	put_vp_header(IN_GPA, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);
	put_set_element(IN_GPA, 0, HV_REGISTER_GUEST_OS_ID, 1, 0);
	put_set_element(IN_GPA, 1, FAKE_SINT0, 0, 0);
	put_set_element(IN_GPA, 2, HV_REGISTER_GUEST_OS_ID, 3, 1); /* bad value */
	put_set_element(IN_GPA, 3, HV_REGISTER_GUEST_OS_ID, 4, 0);
	assert_status(call(rep(HVCALL_SET_VP_REGISTERS, 4, 0), IN_GPA, 0), HV_STATUS_INVALID_REGISTER_VALUE,
	              2);
	assert_int_equal(f.guest_os_id[FAKE_VP_INDEX], 1);
	assert_int_equal(f.reps_seen, 2);
}

static void test_rep_yield_and_reissue(void **state)
{
	(void)state;
	HV_REGISTER_NAME names[4] = {HV_REGISTER_VP_INDEX, HV_REGISTER_TIME_REF_COUNT,
	                             HV_REGISTER_GUEST_OS_ID, HV_REGISTER_VP_INDEX};
	put_get_input(names, 4);
	f.yield_after = 0; /* the engine always wants the CPU back */
	uint64_t iv = rep(HVCALL_GET_VP_REGISTERS, 4, 0);
	unsigned issues = 0;
	uint64_t r;
	for (;;) {
		r = call(iv, IN_GPA, OUT_GPA);
		issues++;
		assert_int_equal(hv_result_status(r), HV_STATUS_SUCCESS);
		/* at least one rep per issue, even though the engine asks to yield at once */
		assert_int_equal(hv_result_reps_completed(r), hv_input_rep_start(iv) + 1);
		if (!hv_hypercall_is_partial(iv, r))
			break;
		iv = hv_hypercall_continuation(iv, r);
		assert_int_equal(hv_input_rep_start(iv), hv_result_reps_completed(r));
		assert_int_equal(hv_input_rep_count(iv), 4);
	}
	assert_int_equal(issues, 4);
	assert_status(r, HV_STATUS_SUCCESS, 4);
	assert_int_equal(out_value(0).reg64, FAKE_VP_INDEX);
	assert_int_equal(out_value(1).reg64, FAKE_TIME);
	assert_int_equal(out_value(2).reg64, 0);
	assert_int_equal(out_value(3).reg64, FAKE_VP_INDEX);
	/* the last rep does not ask the engine (nothing remains) */
	assert_int_equal(f.yield_calls, 3);

	/* yielding after two reps */
	setup(NULL);
	put_get_input(names, 4);
	f.yield_after = 1;
	iv = rep(HVCALL_GET_VP_REGISTERS, 4, 0);
	r = call(iv, IN_GPA, OUT_GPA);
	assert_status(r, HV_STATUS_SUCCESS, 2);
	assert_true(hv_hypercall_is_partial(iv, r));
	assert_true(untouched(OUT_GPA + 32, 32));
	/* without a should_yield hook every rep runs */
	setup(NULL);
	caller.ops = &fake_ops_minimal;
	put_get_input(names, 4);
	r = call(rep(HVCALL_GET_VP_REGISTERS, 4, 0), IN_GPA, OUT_GPA);
	assert_status(r, HV_STATUS_SUCCESS, 4);
	assert_false(hv_hypercall_is_partial(rep(HVCALL_GET_VP_REGISTERS, 4, 0), r));
}

/* ---- fast calls ---- */

static void test_fast_get_vp_register_linux_style(void **state)
{
	(void)state;
	/* X2 = partition, X3 = VP index (+ VTL byte), X4 = name; output at the next pair: X6, X7 */
	uint64_t regs[16] = {
	    HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, HV_REGISTER_TIME_REF_COUNT, 0x55, 0x66, 0x77};
	uint64_t r = call_regs(rep(HVCALL_GET_VP_REGISTERS, 1, 0) | HV_HYPERCALL_FAST_BIT, regs, 16);
	assert_status(r, HV_STATUS_SUCCESS, 1);
	assert_int_equal(regs[4], FAKE_TIME);
	assert_int_equal(regs[5], 0);
	assert_int_equal(regs[0], HV_PARTITION_ID_SELF); /* input registers left alone */
	assert_int_equal(regs[2], HV_REGISTER_TIME_REF_COUNT);
	assert_int_equal(regs[3], 0x55); /* padding register untouched */
	assert_true(untouched(FAKE_BASE, FAKE_SIZE));
}

static void test_fast_set_vp_register_linux_style(void **state)
{
	(void)state;
	/* X2, X3 header; X4 = name (+ RsvdZ), X5 RsvdZ, X6/X7 value */
	uint64_t regs[16] = {HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, HV_REGISTER_GUEST_OS_ID, 0, 0xABCDEF, 0};
	assert_status(call_regs(rep(HVCALL_SET_VP_REGISTERS, 1, 0) | HV_HYPERCALL_FAST_BIT, regs, 16),
	              HV_STATUS_SUCCESS, 1);
	assert_int_equal(f.guest_os_id[FAKE_VP_INDEX], 0xABCDEF);
	regs[3] = 1; /* RsvdZ */
	assert_status(call_regs(rep(HVCALL_SET_VP_REGISTERS, 1, 0) | HV_HYPERCALL_FAST_BIT, regs, 16),
	              HV_STATUS_INVALID_PARAMETER, 0);
}

static void test_fast_multiple_reps(void **state)
{
	(void)state;
	/* 5 names: input 16 + 20 = 36 bytes -> output at 48, 80 bytes: exactly 128 */
	uint64_t regs[16] = {HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF,
	                     HV_REGISTER_VP_INDEX | ((uint64_t)HV_REGISTER_TIME_REF_COUNT << 32),
	                     HV_REGISTER_GUEST_OS_ID | ((uint64_t)HV_REGISTER_HYPERVISOR_VERSION << 32),
	                     HV_REGISTER_VP_INDEX};
	f.guest_os_id[FAKE_VP_INDEX] = 0x1234;
	assert_status(call_regs(rep(HVCALL_GET_VP_REGISTERS, 5, 0) | HV_HYPERCALL_FAST_BIT, regs, 16),
	              HV_STATUS_SUCCESS, 5);
	assert_int_equal(regs[6], FAKE_VP_INDEX);
	assert_int_equal(regs[8], FAKE_TIME);
	assert_int_equal(regs[10], 0x1234);
	assert_int_equal(regs[12] & 0xFFFFFFFF, KARASU_HV_VERSION_BUILD);
	assert_int_equal(regs[14], FAKE_VP_INDEX);
	/* 6 names: 16 + 24 -> 48, + 96 = 144 bytes: more than the 128 the registers hold */
	assert_status(call_regs(rep(HVCALL_GET_VP_REGISTERS, 6, 0) | HV_HYPERCALL_FAST_BIT, regs, 16),
	              HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
}

static void test_fast_simple_calls(void **state)
{
	(void)state;
	/* GetPartitionId: no input, so the output starts at the first register */
	uint64_t regs[16] = {0};
	assert_status(call_regs(simple(HVCALL_GET_PARTITION_ID) | HV_HYPERCALL_FAST_BIT, regs, 16),
	              HV_STATUS_SUCCESS, 0);
	assert_int_equal(regs[0], FAKE_PARTITION_ID);
	/* SignalEvent: ConnectionId | FlagNumber << 32 in one register, also in the 5-register RISC-V block */
	uint64_t rv[5] = {0x2A | (5ULL << 32)};
	assert_status(call_regs(simple(HVCALL_SIGNAL_EVENT) | HV_HYPERCALL_FAST_BIT, rv, 5),
	              HV_STATUS_SUCCESS, 0);
	assert_int_equal(f.last_event_connection, 0x2A);
	assert_int_equal(f.last_event_flag, 5);
	/* PostMessage's 256 bytes do not fit in registers */
	assert_status(call_regs(simple(HVCALL_POST_MESSAGE) | HV_HYPERCALL_FAST_BIT, regs, 16),
	              HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	/* a GetVpRegisters with one rep needs 48 bytes: too many for RISC-V's a1..a5 */
	uint64_t rv2[5] = {HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, HV_REGISTER_VP_INDEX, 0, 0};
	assert_status(call_regs(rep(HVCALL_GET_VP_REGISTERS, 1, 0) | HV_HYPERCALL_FAST_BIT, rv2, 5),
	              HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_int_equal(rv2[3] | rv2[4], 0);
	assert_int_equal(f.messages_posted, 0);
}

static void test_fast_bit_on_memory_entry(void **state)
{
	(void)state;
	assert_status(call(simple(HVCALL_GET_PARTITION_ID) | HV_HYPERCALL_FAST_BIT, 0, OUT_GPA),
	              HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	assert_true(untouched(OUT_GPA, 8));
}

static void test_regs_entry_memory_form(void **state)
{
	(void)state;
	/* fast bit clear: regs[0] and regs[1] are the GPAs and no register is written */
	uint64_t regs[16] = {0, OUT_GPA};
	assert_status(call_regs(simple(HVCALL_GET_PARTITION_ID), regs, 16), HV_STATUS_SUCCESS, 0);
	assert_int_equal(regs[0], 0);
	assert_int_equal(regs[1], OUT_GPA);
	uint64_t id;
	memcpy(&id, guest(OUT_GPA), 8);
	assert_int_equal(id, FAKE_PARTITION_ID);
	/* no register block, or one too small to hold even the GPAs */
	assert_status(call_regs(simple(HVCALL_GET_PARTITION_ID), NULL, 16), HV_STATUS_INVALID_HYPERCALL_INPUT,
	              0);
	assert_status(call_regs(simple(HVCALL_GET_PARTITION_ID), regs, 1), HV_STATUS_INVALID_HYPERCALL_INPUT,
	              0);
}

/* ---- the ABI header's own accessors ---- */

static void test_input_value_accessors(void **state)
{
	(void)state;
	uint64_t iv = hv_input_value(0x1234, true, 0xABC, 0x123);
	assert_int_equal(iv, 0x01230ABC00011234ULL);
	assert_int_equal(hv_input_call_code(iv), 0x1234);
	assert_true(hv_input_is_fast(iv));
	assert_int_equal(hv_input_rep_count(iv), 0xABC);
	assert_int_equal(hv_input_rep_start(iv), 0x123);
	assert_int_equal(hv_input_with_rep_start(iv, 0x7), 0x00070ABC00011234ULL);
	uint64_t r = hv_result_value(HV_STATUS_INVALID_VP_INDEX, 0xFFF);
	assert_int_equal(r, 0x00000FFF0000000EULL);
	assert_int_equal(hv_result_status(r), HV_STATUS_INVALID_VP_INDEX);
	assert_int_equal(hv_result_reps_completed(r), 0xFFF);
}

static unsigned hex_digit(char ch)
{
	return ch <= '9' ? (unsigned)(ch - '0') : (unsigned)(ch - 'a' + 10);
}

/* The UID words an SMCCC caller compares are the UUID's bytes read little-endian, four at a time. */
static void test_vendor_uuid_words(void **state)
{
	(void)state;
	const char *text = KARASU_UUID_STRING;
	uint8_t bytes[16];
	size_t n = 0;
	assert_int_equal(strlen(text), 36);
	for (size_t i = 0; text[i]; i++) {
		if (text[i] == '-')
			continue;
		assert_true(n < 32);
		if (n % 2 == 0)
			bytes[n / 2] = (uint8_t)(hex_digit(text[i]) << 4);
		else
			bytes[n / 2] |= (uint8_t)hex_digit(text[i]);
		n++;
	}
	assert_int_equal(n, 32);
	const uint32_t words[4] = {KARASU_UUID_W0, KARASU_UUID_W1, KARASU_UUID_W2, KARASU_UUID_W3};
	for (unsigned w = 0; w < 4; w++) {
		uint32_t le = (uint32_t)bytes[4 * w] | (uint32_t)bytes[4 * w + 1] << 8 |
		              (uint32_t)bytes[4 * w + 2] << 16 | (uint32_t)bytes[4 * w + 3] << 24;
		assert_int_equal(le, words[w]);
	}
	assert_memory_equal(bytes, "KARASU", 6);
	assert_int_equal(bytes[6] >> 4, 4);              /* version 4 (random) */
	assert_int_equal(bytes[8] >> 6, 2);              /* RFC 4122 variant */
	assert_int_equal(HV_SBI_EXT_KARASU >> 24, 0x09); /* SBI vendor extension space */
}

static const unsigned reserved_bits[] = {27, 28, 29, 30, 31, 44, 45, 46, 47, 60, 61, 62, 63};

#define RESERVED_BIT_TEST(fn, i) cmocka_unit_test_prestate(fn, (void *)&reserved_bits[i])
#define RESERVED_BIT_TESTS(fn)                                                              \
	RESERVED_BIT_TEST(fn, 0), RESERVED_BIT_TEST(fn, 1), RESERVED_BIT_TEST(fn, 2),       \
	    RESERVED_BIT_TEST(fn, 3), RESERVED_BIT_TEST(fn, 4), RESERVED_BIT_TEST(fn, 5),   \
	    RESERVED_BIT_TEST(fn, 6), RESERVED_BIT_TEST(fn, 7), RESERVED_BIT_TEST(fn, 8),   \
	    RESERVED_BIT_TEST(fn, 9), RESERVED_BIT_TEST(fn, 10), RESERVED_BIT_TEST(fn, 11), \
	    RESERVED_BIT_TEST(fn, 12)

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	_Static_assert(sizeof(reserved_bits) / sizeof(reserved_bits[0]) == 13, "13 RsvdZ bits");
	const struct CMUnitTest tests[] = {
	    RESERVED_BIT_TESTS(test_reserved_bit),
	    RESERVED_BIT_TESTS(test_reserved_bit_on_rep_call),
	    T(test_valid_call_succeeds),
	    T(test_unknown_codes),
	    T(test_simple_call_with_rep_fields),
	    T(test_rep_call_count_and_start),
	    T(test_variable_header_rejected),
	    T(test_misaligned_gpas),
	    T(test_unused_gpas_ignored),
	    T(test_page_straddle),
	    T(test_gpa_outside_partition),
	    T(test_user_mode_is_undefined),
	    T(test_access_denied_has_priority),
	    T(test_rep_start_index),
	    T(test_rep_failure_reports_progress),
	    T(test_rep_yield_and_reissue),
	    T(test_fast_get_vp_register_linux_style),
	    T(test_fast_set_vp_register_linux_style),
	    T(test_fast_multiple_reps),
	    T(test_fast_simple_calls),
	    T(test_fast_bit_on_memory_entry),
	    T(test_regs_entry_memory_form),
	    T(test_input_value_accessors),
	    T(test_vendor_uuid_words),
	};
	return cmocka_run_group_tests_name("hypercall", tests, NULL, NULL);
}
