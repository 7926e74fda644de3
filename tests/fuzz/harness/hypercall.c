/* libFuzzer harness: the hypercall dispatcher (lib/hypercall*.c) through struct hv_caller, the way karasu-hv
 * (hv/core/guest_calls.c) and karasu-rv (rv/system/hypercall.c) call it.
 *
 * The input configures a fake partition (VP count, privileges, which optional hooks exist, caller mode) and
 * then issues a sequence of operations: guest memory writes, memory-form calls, fast calls with the arm64 (16)
 * or RISC-V (5) register block, partition resets. Hook answers and should_yield come from the input too.
 *
 * Asserted for every call, beyond "no crash":
 *   - the result is HV_HYPERCALL_UNDEFINED exactly for user-mode callers, else a status docs/abi.md lists as
 *     one karasu returns, with the Rsvd result bits zero and reps completed <= rep count (0 for simple calls);
 *   - the ABI's check order: unknown/unoffered code -> INVALID_HYPERCALL_CODE, missing privilege ->
 *     ACCESS_DENIED, any RsvdZ bit of the input value -> INVALID_HYPERCALL_INPUT, computed here independently;
 *   - guest memory: reads only inside the declared input area, writes only inside the declared output area
 *     (both 8-byte aligned and inside one page), nothing else in guest memory changes;
 *   - fast calls: register bytes before the output area are never written;
 *   - hooks only see validated arguments (VP < VP count, flag < 2048, payload <= 240, valid flush flags/mask).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"
#include "karasu/hv.h"
#include "lib/hypercall.h"

#define GUEST_BASE    0x40000ULL /* first GPA of the fake partition's RAM */
#define GUEST_PAGES   3u
#define GUEST_SIZE    (GUEST_PAGES * HV_PAGE_SIZE)
#define PARTITION_ID  0x1234ULL
#define ARM64_REGS    16u /* X2..X17 */
#define RISCV_REGS    5u  /* a1..a5 */
#define MAX_REGS      16u
#define MAX_OPS       64u
#define REG_VALUE_LEN sizeof(HV_REGISTER_VALUE)

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

/* ---- the fake partition ---- */
struct partition {
	uint8_t mem[GUEST_SIZE];
	enum hv_caller_mode mode;
	uint32_t vp_count;
	HV_VP_INDEX vp_index;
	uint64_t privileges;
	uint64_t guest_os_id[80];
	struct fuzz_input *s; /* hook answers come from the input */
	/* The areas the current call may touch (set before each call). */
	HV_GPA read_lo, read_hi, write_lo, write_hi;
	bool check_areas;
};

static struct partition part;

static bool in_guest(HV_GPA gpa, size_t len)
{
	return gpa >= GUEST_BASE && gpa - GUEST_BASE <= GUEST_SIZE && len <= GUEST_SIZE - (gpa - GUEST_BASE);
}

static bool within(HV_GPA gpa, size_t len, HV_GPA lo, HV_GPA hi)
{
	return gpa >= lo && gpa <= hi && len <= hi - gpa;
}

static bool read_gpa(void *ctx, HV_GPA gpa, void *buf, size_t len)
{
	struct partition *p = ctx;
	if (p->check_areas)
		CHECK(within(gpa, len, p->read_lo, p->read_hi));
	if (!in_guest(gpa, len))
		return false;
	memcpy(buf, p->mem + (gpa - GUEST_BASE), len);
	return true;
}

static bool write_gpa(void *ctx, HV_GPA gpa, const void *buf, size_t len)
{
	struct partition *p = ctx;
	if (p->check_areas)
		CHECK(within(gpa, len, p->write_lo, p->write_hi));
	if (!in_guest(gpa, len))
		return false;
	memcpy(p->mem + (gpa - GUEST_BASE), buf, len);
	return true;
}

static HV_PARTITION_ID partition_id(void *ctx)
{
	(void)ctx;
	return PARTITION_ID;
}

static HV_VP_INDEX vp_index(void *ctx)
{
	return ((struct partition *)ctx)->vp_index;
}

static uint32_t vp_count(void *ctx)
{
	return ((struct partition *)ctx)->vp_count;
}

static enum hv_caller_mode mode(void *ctx)
{
	return ((struct partition *)ctx)->mode;
}

static uint64_t privileges(void *ctx)
{
	return ((struct partition *)ctx)->privileges;
}

static uint64_t reference_time(void *ctx)
{
	(void)ctx;
	return 0x0123456789abcdefULL;
}

/* What an engine's hook may answer (hv_caller_ops' comments). */
static HV_STATUS hook_status(struct partition *p, const HV_STATUS *choices, size_t n)
{
	uint8_t b = fuzz_take_u8(p->s);
	return b < 0xc0 ? HV_STATUS_SUCCESS : choices[b % n];
}

static HV_STATUS get_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name, HV_REGISTER_VALUE *value)
{
	struct partition *p = ctx;
	CHECK(vp < p->vp_count);
	if (name != HV_REGISTER_GUEST_OS_ID && !(name >= HV_REGISTER_SINT0 && name <= HV_REGISTER_EOM))
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	value->reg128.low64 = name == HV_REGISTER_GUEST_OS_ID ? p->guest_os_id[vp] : name;
	value->reg128.high64 = 0;
	return HV_STATUS_SUCCESS;
}

static HV_STATUS set_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name,
                                 const HV_REGISTER_VALUE *value)
{
	struct partition *p = ctx;
	static const HV_STATUS answers[] = {HV_STATUS_ACCESS_DENIED, HV_STATUS_INVALID_REGISTER_VALUE};
	CHECK(vp < p->vp_count);
	if (name == HV_REGISTER_GUEST_OS_ID) {
		/* the dispatcher has checked the width of the registers it knows */
		CHECK(value->reg128.high64 == 0);
		p->guest_os_id[vp] = value->reg128.low64;
		return HV_STATUS_SUCCESS;
	}
	if (!(name >= HV_REGISTER_SINT0 && name <= HV_REGISTER_EOM))
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	return hook_status(p, answers, sizeof(answers) / sizeof(answers[0]));
}

static HV_STATUS post_message(void *ctx, const struct hv_input_post_message *m)
{
	static const HV_STATUS answers[] = {HV_STATUS_INVALID_CONNECTION_ID, HV_STATUS_INSUFFICIENT_BUFFERS,
	                                    HV_STATUS_ACCESS_DENIED};
	CHECK(m->rsvdz0 == 0 && m->message_type != 0 && !(m->message_type & HV_MESSAGE_TYPE_HYPERVISOR_MASK));
	CHECK(m->payload_size <= HV_MESSAGE_PAYLOAD_BYTE_COUNT);
	return hook_status(ctx, answers, sizeof(answers) / sizeof(answers[0]));
}

static HV_STATUS signal_event(void *ctx, HV_CONNECTION_ID connection_id, uint16_t flag_number)
{
	static const HV_STATUS answers[] = {HV_STATUS_INVALID_CONNECTION_ID, HV_STATUS_INVALID_SYNIC_STATE};
	(void)connection_id;
	CHECK(flag_number < HV_EVENT_FLAGS_COUNT);
	return hook_status(ctx, answers, sizeof(answers) / sizeof(answers[0]));
}

static HV_STATUS flush(void *ctx, HV_ADDRESS_SPACE_ID address_space, uint64_t flags, uint64_t processor_mask)
{
	struct partition *p = ctx;
	(void)address_space;
	CHECK((flags & ~HV_FLUSH_VALID_MASK) == 0);
	if (flags & HV_FLUSH_ALL_PROCESSORS)
		CHECK(processor_mask == 0);
	else
		CHECK(processor_mask != 0 && (p->vp_count >= 64 || (processor_mask >> p->vp_count) == 0));
	return HV_STATUS_SUCCESS;
}

static bool should_yield(void *ctx)
{
	return fuzz_take_u8(((struct partition *)ctx)->s) >= 0xe0;
}

/* ---- what the ABI says about a call, computed independently of lib/hypercall.c ---- */
struct call_shape {
	bool known;         /* implemented and offered */
	uint64_t privilege; /* needed for the call itself */
	bool rep;
	size_t input_len, output_len; /* for the given rep count */
};

static struct call_shape shape_of(uint16_t code, uint16_t rep_count, bool flush_offered)
{
	struct call_shape c = {0};
	switch (code) {
	case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE:
		c.known = flush_offered;
		c.input_len = 24;
		break;
	case HVCALL_GET_PARTITION_ID:
		c.known = true;
		c.privilege = HV_PRIVILEGE_ACCESS_PARTITION_ID;
		c.output_len = 8;
		break;
	case HVCALL_GET_VP_REGISTERS:
		c.known = c.rep = true;
		c.input_len = 16 + 4 * (size_t)rep_count;
		c.output_len = 16 * (size_t)rep_count;
		break;
	case HVCALL_SET_VP_REGISTERS:
		c.known = c.rep = true;
		c.input_len = 16 + 32 * (size_t)rep_count;
		break;
	case HVCALL_POST_MESSAGE:
		c.known = true;
		c.privilege = HV_PRIVILEGE_POST_MESSAGES;
		c.input_len = 256;
		break;
	case HVCALL_SIGNAL_EVENT:
		c.known = true;
		c.privilege = HV_PRIVILEGE_SIGNAL_EVENTS;
		c.input_len = 8;
		break;
	default: break;
	}
	return c;
}

static bool status_defined(HV_STATUS st)
{
	switch (st) {
	case HV_STATUS_SUCCESS:
	case HV_STATUS_INVALID_HYPERCALL_CODE:
	case HV_STATUS_INVALID_HYPERCALL_INPUT:
	case HV_STATUS_INVALID_ALIGNMENT:
	case HV_STATUS_INVALID_PARAMETER:
	case HV_STATUS_ACCESS_DENIED:
	case HV_STATUS_INVALID_PARTITION_ID:
	case HV_STATUS_INVALID_VP_INDEX:
	case HV_STATUS_INVALID_CONNECTION_ID:
	case HV_STATUS_INSUFFICIENT_BUFFERS:
	case HV_STATUS_INVALID_SYNIC_STATE:
	case HV_STATUS_INVALID_REGISTER_VALUE:
	case HV_STATUS_UNKNOWN_REGISTER_NAME: return true;
	default: return false;
	}
}

/* ---- building calls from the input ---- */
static const uint16_t interesting_codes[] = {
    HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE,
    HVCALL_GET_PARTITION_ID,
    HVCALL_GET_VP_REGISTERS,
    HVCALL_SET_VP_REGISTERS,
    HVCALL_POST_MESSAGE,
    HVCALL_SIGNAL_EVENT,
    HVCALL_MAP_GPA_PAGES,
    0,
    0xffff,
};

static uint64_t take_input_value(struct fuzz_input *s)
{
	uint8_t sel = fuzz_take_u8(s);
	uint16_t code =
	    sel < 0xf0 ? interesting_codes[sel % (sizeof(interesting_codes) / sizeof(interesting_codes[0]))]
	               : (uint16_t)fuzz_take_bytes(s, 2);
	uint8_t shape = fuzz_take_u8(s);
	uint16_t rep_count = 0, rep_start = 0;
	if (shape & 1) {
		rep_count = (shape & 2) ? (uint16_t)(fuzz_take_u8(s) & 7) : (uint16_t)fuzz_take_bytes(s, 2);
		rep_start = (shape & 4) ? (uint16_t)(fuzz_take_u8(s) & 7) : 0;
	}
	uint64_t v = hv_input_value(code, (shape & 8) != 0, rep_count, rep_start);
	if (shape & 0x80) /* stray bits anywhere: RsvdZ, nested, variable header */
		v ^= fuzz_take_bytes(s, 8) & ~0xffffULL;
	return v;
}

static HV_GPA take_gpa(struct fuzz_input *s)
{
	uint8_t sel = fuzz_take_u8(s);
	switch (sel & 3) {
	case 0: return GUEST_BASE + (sel >> 2) % GUEST_PAGES * HV_PAGE_SIZE;   /* page-aligned in RAM */
	case 1: return GUEST_BASE + fuzz_take_bytes(s, 2) % (GUEST_SIZE + 64); /* anywhere, unaligned too */
	case 2: return GUEST_BASE + GUEST_SIZE - 8 * (sel >> 2);               /* near the end of RAM */
	default: return fuzz_take_bytes(s, 8);
	}
}

/* The value GetVpRegisters must return for a name whose value this fake partition knows; false for the
 * others (the engine's registers answered by the hooks with per-call status). */
static bool expected_register(HV_REGISTER_NAME name, HV_VP_INDEX vp, uint64_t *low, uint64_t *high)
{
	*high = 0;
	switch (name) {
	case HV_REGISTER_HYPERVISOR_VERSION:
		*low = (uint64_t)KARASU_HV_VERSION_MAJOR << HV_VERSION_MAJOR_SHIFT |
		       (uint64_t)KARASU_HV_VERSION_MINOR << HV_VERSION_MINOR_SHIFT | KARASU_HV_VERSION_BUILD;
		return true;
	case HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO: *low = part.privileges; return true;
	case HV_REGISTER_FEATURES_INFO: *low = 0; return true;
	case HV_REGISTER_VP_INDEX: *low = vp; return true;
	case HV_REGISTER_TIME_REF_COUNT: *low = reference_time(&part); return true;
	case HV_REGISTER_GUEST_OS_ID: *low = part.guest_os_id[vp]; return true;
	default:
		if (name >= HV_REGISTER_SINT0 && name <= HV_REGISTER_EOM) {
			*low = name; /* what this engine's hook answers */
			return true;
		}
		return false;
	}
}

/* Each completed rep of a GetVpRegisters wrote the named register's value into its output element. in and
 * out are the parameter lists (guest memory or register bytes) as they were before / after the call. */
static void check_get_registers(const uint8_t *in, const uint8_t *out, uint16_t first, uint16_t reps)
{
	struct hv_input_vp_registers_header hdr;
	memcpy(&hdr, in, sizeof(hdr));
	HV_VP_INDEX vp = hdr.vp_index == HV_VP_INDEX_SELF ? part.vp_index : hdr.vp_index;
	for (uint16_t i = first; i < reps; i++) {
		HV_REGISTER_NAME name;
		uint64_t low, high, got_low, got_high;
		memcpy(&name, in + sizeof(hdr) + 4u * i, 4);
		if (!expected_register(name, vp, &low, &high))
			continue;
		memcpy(&got_low, out + 16u * i, 8);
		memcpy(&got_high, out + 16u * i + 8, 8);
		CHECK(got_low == low && got_high == high);
	}
}

/* Issues one call and checks the result and what it touched. */
static void run_call(struct fuzz_input *s, bool fast_regs, bool flush_offered)
{
	uint64_t input = take_input_value(s);
	uint64_t regs[MAX_REGS], regs_before[MAX_REGS];
	unsigned count = (fuzz_take_u8(s) & 1) ? ARM64_REGS : RISCV_REGS;
	HV_GPA in_gpa = take_gpa(s), out_gpa = take_gpa(s);
	bool fast = hv_input_is_fast(input);
	for (unsigned i = 0; i < MAX_REGS; i++)
		regs[i] = fuzz_take_bytes(s, 8);
	if (!fast) { /* the memory form: the first two registers are the GPAs */
		regs[0] = in_gpa;
		regs[1] = out_gpa;
	}
	memcpy(regs_before, regs, sizeof(regs));

	uint16_t code = hv_input_call_code(input);
	uint16_t rep_count = hv_input_rep_count(input);
	struct call_shape c = shape_of(code, rep_count, flush_offered);

	/* the memory form may read only its input list and write only its output list */
	part.check_areas = true;
	part.read_lo = regs[0];
	part.read_hi = regs[0] + c.input_len;
	part.write_lo = regs[1];
	part.write_hi = regs[1] + c.output_len;
	if (fast || part.read_hi < part.read_lo || part.write_hi < part.write_lo) {
		part.read_lo = part.read_hi = part.write_lo = part.write_hi = 0; /* nothing at all */
	}
	static uint8_t before[GUEST_SIZE];
	memcpy(before, part.mem, GUEST_SIZE);

	struct hv_caller_ops ops = {
	    .read_gpa = read_gpa,
	    .write_gpa = write_gpa,
	    .partition_id = partition_id,
	    .vp_index = vp_index,
	    .vp_count = vp_count,
	    .mode = mode,
	    .privileges = privileges,
	    .reference_time = reference_time,
	    .get_vp_register = get_vp_register,
	    .set_vp_register = set_vp_register,
	    .post_message = (fuzz_take_u8(s) & 1) ? post_message : NULL,
	    .signal_event = (fuzz_take_u8(s) & 1) ? signal_event : NULL,
	    .flush_virtual_address_space = flush_offered ? flush : NULL,
	    .should_yield = (fuzz_take_u8(s) & 1) ? should_yield : NULL,
	};
	struct hv_caller caller = {&ops, &part};
	/* fast_regs: the engines' entry point; else the memory-form-only one */
	uint64_t result = fast_regs ? hv_hypercall_regs(&caller, input, regs, count)
	                            : hv_hypercall(&caller, input, regs[0], regs[1]);
	part.check_areas = false;

	/* the result value */
	if (part.mode == HV_CALLER_USER) {
		CHECK(result == HV_HYPERCALL_UNDEFINED);
		CHECK(memcmp(before, part.mem, GUEST_SIZE) == 0);
		CHECK(memcmp(regs, regs_before, sizeof(regs)) == 0);
		return;
	}
	CHECK(result != HV_HYPERCALL_UNDEFINED);
	HV_STATUS st = hv_result_status(result);
	CHECK(status_defined(st));
	CHECK((result & ~(HV_RESULT_STATUS_MASK |
	                  (HV_RESULT_REPS_COMPLETED_MASK << HV_RESULT_REPS_COMPLETED_SHIFT))) == 0);
	uint16_t reps = hv_result_reps_completed(result);
	if (c.known && c.rep)
		CHECK(reps <= rep_count);
	else
		CHECK(reps == 0);

	/* the checks whose order the ABI fixes */
	if (!c.known) {
		CHECK(st == HV_STATUS_INVALID_HYPERCALL_CODE);
	} else if ((part.privileges & c.privilege) != c.privilege) {
		CHECK(st == HV_STATUS_ACCESS_DENIED);
	} else if (input & HV_HYPERCALL_INPUT_RSVDZ_MASK) {
		CHECK(st == HV_STATUS_INVALID_HYPERCALL_INPUT);
	} else if (hv_input_varhead_size(input) != 0) {
		CHECK(st == HV_STATUS_INVALID_HYPERCALL_INPUT);
	} else if (c.rep ? (rep_count == 0 || hv_input_rep_start(input) >= rep_count)
	                 : (rep_count != 0 || hv_input_rep_start(input) != 0)) {
		CHECK(st == HV_STATUS_INVALID_HYPERCALL_INPUT);
	} else if (fast && !fast_regs) {
		CHECK(st == HV_STATUS_INVALID_HYPERCALL_INPUT); /* hv_hypercall has no register block */
	} else if (fast) {
		size_t padded = (c.input_len + 15) & ~(size_t)15;
		if (padded + c.output_len > count * 8u)
			CHECK(st == HV_STATUS_INVALID_HYPERCALL_INPUT);
	} else {
		bool in_ok = c.input_len == 0 ||
		             ((regs[0] & 7) == 0 && (regs[0] & HV_PAGE_MASK) + c.input_len <= HV_PAGE_SIZE);
		bool out_ok = c.output_len == 0 ||
		              ((regs[1] & 7) == 0 && (regs[1] & HV_PAGE_MASK) + c.output_len <= HV_PAGE_SIZE);
		if (!in_ok || !out_ok)
			CHECK(st == HV_STATUS_INVALID_ALIGNMENT);
	}

	/* what changed */
	if (fast) {
		CHECK(memcmp(before, part.mem, GUEST_SIZE) == 0);
		size_t padded = (c.input_len + 15) & ~(size_t)15;
		for (size_t b = 0; b < padded && b < sizeof(regs); b++)
			CHECK(((const uint8_t *)regs)[b] == ((const uint8_t *)regs_before)[b]);
		for (size_t b = count * 8u; b < sizeof(regs); b++) /* beyond the engine's block */
			CHECK(((const uint8_t *)regs)[b] == ((const uint8_t *)regs_before)[b]);
	} else {
		CHECK(memcmp(regs, regs_before, sizeof(regs)) == 0);
		for (size_t i = 0; i < GUEST_SIZE; i++)
			if (before[i] != part.mem[i])
				CHECK(within(GUEST_BASE + i, 1, regs[1], regs[1] + c.output_len));
	}
	/* the values a GetVpRegisters returned, when its lists do not overlap (the TLFS forbids it) */
	uint16_t first = hv_input_rep_start(input);
	if (code == HVCALL_GET_VP_REGISTERS && c.known && reps > first) {
		if (fast) {
			size_t padded = (c.input_len + 15) & ~(size_t)15;
			check_get_registers((const uint8_t *)regs_before, (const uint8_t *)regs + padded,
			                    first, reps);
		} else if (regs[1] + c.output_len <= regs[0] || regs[0] + c.input_len <= regs[1]) {
			check_get_registers(before + (regs[0] - GUEST_BASE),
			                    part.mem + (regs[1] - GUEST_BASE), first, reps);
		}
	}
	/* a successful GetPartitionId reports the caller's id */
	if (code == HVCALL_GET_PARTITION_ID && st == HV_STATUS_SUCCESS && !fast) {
		uint64_t id;
		memcpy(&id, part.mem + (regs[1] - GUEST_BASE), 8);
		CHECK(id == PARTITION_ID);
	}
}

static void reset_partition(struct fuzz_input *s)
{
	uint8_t cfg = fuzz_take_u8(s);
	part.mode = (cfg & 0x80) && (cfg & 0x40) ? HV_CALLER_USER : HV_CALLER_KERNEL;
	part.vp_count = 1 + fuzz_take_u8(s) % 70; /* past 64: the flush processor mask cannot name them all */
	part.vp_index = fuzz_take_u8(s) % part.vp_count;
	part.privileges = (cfg & 1) ? fuzz_take_bytes(s, 8) : HV_PRIVILEGES_KARASU_DEFAULT;
	memset(part.guest_os_id, 0, sizeof(part.guest_os_id));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input s = fuzz_input_init(data, size);
	part.s = &s;
	memset(part.mem, 0, sizeof(part.mem));
	reset_partition(&s);
	bool flush_offered = fuzz_take_u8(&s) & 1;
	for (unsigned n = 0; n < MAX_OPS && s.pos < s.size; n++) {
		uint8_t op = fuzz_take_u8(&s);
		switch (op % 5) {
		case 0: { /* guest writes a parameter block */
			size_t off = fuzz_take_bytes(&s, 2) % GUEST_SIZE;
			size_t len = fuzz_take_u8(&s);
			for (size_t i = 0; i < len && off + i < GUEST_SIZE; i++)
				part.mem[off + i] = fuzz_take_u8(&s);
			break;
		}
		case 1: run_call(&s, false, flush_offered); break;
		case 2:
		case 3: run_call(&s, true, flush_offered); break;
		default: reset_partition(&s); break;
		}
	}
	return 0;
}
