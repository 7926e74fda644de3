/* libFuzzer harness: the SynIC (lib/synic.c) of one VP, driven the way an engine does: register writes and
 * reads (SCONTROL, SIMP, SIEFP, SINT0-15, EOM, unknown names), messages posted and events signalled by
 * senders, the guest consuming slots and clearing flags in its own memory, VP resets.
 *
 * Asserted, beyond "no crash":
 *   - guest memory: every access is inside guest RAM (the hooks refuse the rest) and the atomic ones are
 *     8-byte aligned; the module WRITES only into the message slot of the SINT it delivers to, inside an
 *     enabled SIMP page, or into the flag word of an enabled SIEFP page;
 *   - interrupts are raised without the SynIC lock held, for this VP, with a vector in [vector_min,
 *     vector_max]; the lock is never taken twice;
 *   - every status is one the header documents for that entry point; register read-back equals the value
 *     written (EOM reads as zero); a successful signal leaves its flag set; a message delivered into a free
 *     slot reads back with its type, size, sender and payload.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"
#include "lib/synic.h"

#define GUEST_BASE  0x200000ULL
#define GUEST_PAGES 4u
#define GUEST_SIZE  (GUEST_PAGES * HV_PAGE_SIZE)
#define VP_NUMBER   3u
#define VECTOR_MIN  16u
#define VECTOR_MAX  64u
#define MAX_OPS     64u

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

struct harness {
	uint8_t ram[GUEST_SIZE];
	struct synic_vp vp;
	bool locked;
	int part_token;
	/* where the module may write during the current operation */
	bool delivering; /* a message may be written: into an enabled SIMP page's slots */
	uint32_t sint;   /* post_message: the only slot it may write (EOM: any slot) */
	bool any_slot;
	bool signalling; /* signal_event: the SIEFP flag word */
	HV_GPA flag_word;
};

static struct harness h;

static uint8_t *host(HV_GPA gpa, size_t len)
{
	if (gpa < GUEST_BASE || gpa - GUEST_BASE > GUEST_SIZE || len > GUEST_SIZE - (gpa - GUEST_BASE))
		return NULL;
	return h.ram + (gpa - GUEST_BASE);
}

static void check_write_allowed(HV_GPA gpa, size_t len)
{
	bool ok = false;
	if (h.delivering && (h.vp.simp & SYNIC_PAGE_ENABLE) && (h.vp.scontrol & SYNIC_SCONTROL_ENABLE)) {
		HV_GPA page = h.vp.simp & SYNIC_PAGE_GPA_MASK;
		for (uint32_t i = 0; i < SYNIC_SINT_COUNT && !ok; i++) {
			if (!h.any_slot && i != h.sint)
				continue;
			HV_GPA slot = page + i * SYNIC_MESSAGE_SIZE;
			ok = gpa >= slot && gpa + len <= slot + SYNIC_MESSAGE_SIZE;
		}
	}
	if (h.signalling)
		ok = ok || (gpa == h.flag_word && len == 8);
	CHECK(ok);
}

static bool read_gpa(void *part, HV_GPA gpa, void *buf, size_t len)
{
	CHECK(part == &h.part_token);
	CHECK(h.locked || !h.delivering); /* page probes happen outside the lock, the rest inside */
	uint8_t *p = host(gpa, len);
	if (!p)
		return false;
	memcpy(buf, p, len);
	return true;
}

static bool write_gpa(void *part, HV_GPA gpa, const void *buf, size_t len)
{
	CHECK(part == &h.part_token && h.locked);
	check_write_allowed(gpa, len);
	uint8_t *p = host(gpa, len);
	if (!p)
		return false;
	memcpy(p, buf, len);
	return true;
}

static bool fetch_or_u64(void *part, HV_GPA gpa, uint64_t mask, uint64_t *old)
{
	CHECK(part == &h.part_token && h.locked);
	CHECK((gpa & 7) == 0);
	if (mask)
		check_write_allowed(gpa, 8);
	uint8_t *p = host(gpa, 8);
	if (!p)
		return false;
	memcpy(old, p, 8);
	uint64_t v = *old | mask;
	memcpy(p, &v, 8);
	return true;
}

static bool store_u64_release(void *part, HV_GPA gpa, uint64_t value)
{
	CHECK(part == &h.part_token && h.locked);
	CHECK((gpa & 7) == 0);
	check_write_allowed(gpa, 8);
	uint8_t *p = host(gpa, 8);
	if (!p)
		return false;
	memcpy(p, &value, 8);
	return true;
}

static void raise_interrupt(void *part, uint32_t vp, uint32_t vector)
{
	CHECK(part == &h.part_token && !h.locked);
	CHECK(vp == VP_NUMBER);
	CHECK(vector >= VECTOR_MIN && vector <= VECTOR_MAX);
}

static void lock(void *l)
{
	CHECK(l == &h.locked && !h.locked);
	h.locked = true;
}

static void unlock(void *l)
{
	CHECK(l == &h.locked && h.locked);
	h.locked = false;
}

static const struct synic_ops ops = {
    .read_gpa = read_gpa,
    .write_gpa = write_gpa,
    .fetch_or_u64 = fetch_or_u64,
    .store_u64_release = store_u64_release,
    .raise_interrupt = raise_interrupt,
    .lock = lock,
    .unlock = unlock,
};

static HV_REGISTER_NAME take_name(struct fuzz_input *s)
{
	uint8_t sel = fuzz_take_u8(s);
	if (sel < 16)
		return HV_REGISTER_SINT(sel);
	switch (sel % 8) {
	case 0: return HV_REGISTER_SCONTROL;
	case 1:
	case 2: return HV_REGISTER_SIMP;
	case 3:
	case 4: return HV_REGISTER_SIEFP;
	case 5: return HV_REGISTER_EOM;
	case 6: return HV_REGISTER_SINT(sel % 20); /* SINT16..19 do not exist */
	default: return (HV_REGISTER_NAME)fuzz_take_bytes(s, 4);
	}
}

static uint64_t take_value(struct fuzz_input *s, HV_REGISTER_NAME name)
{
	uint8_t sel = fuzz_take_u8(s);
	if (sel >= 0xf0)
		return fuzz_take_bytes(s, 8);
	if (name == HV_REGISTER_SIMP || name == HV_REGISTER_SIEFP) {
		/* a page in RAM, just outside, or anywhere; enabled or not; RsvdP bits kept */
		uint64_t page = sel & 0x40 ? GUEST_BASE + (HV_GPA)(sel % (GUEST_PAGES + 1)) * HV_PAGE_SIZE
		                           : fuzz_take_bytes(s, 8) & SYNIC_PAGE_GPA_MASK;
		return page | (sel & 1 ? SYNIC_PAGE_ENABLE : 0) | (sel & 0x80 ? 0x5a0 : 0);
	}
	if (name >= HV_REGISTER_SINT0 && name < HV_REGISTER_SINT(SYNIC_SINT_COUNT))
		return (uint64_t)fuzz_take_u8(s) | (sel & 1 ? SYNIC_SINT_MASKED : 0) |
		       (sel & 2 ? SYNIC_SINT_AUTO_EOI : 0);
	return sel & 1;
}

static void op_set(struct fuzz_input *s)
{
	HV_REGISTER_NAME name = take_name(s);
	HV_REGISTER_VALUE v;
	memset(&v, 0, sizeof(v));
	v.reg128.low64 = take_value(s, name);
	if (fuzz_take_u8(s) >= 0xf8)
		v.reg128.high64 = fuzz_take_bytes(s, 8);
	h.delivering = h.any_slot = name == HV_REGISTER_EOM;
	HV_STATUS st = synic_set_register(&h.vp, name, &v);
	h.delivering = h.any_slot = false;
	CHECK(st == HV_STATUS_SUCCESS || st == HV_STATUS_INVALID_REGISTER_VALUE ||
	      st == HV_STATUS_UNKNOWN_REGISTER_NAME);
	CHECK((st == HV_STATUS_UNKNOWN_REGISTER_NAME) == !synic_is_register(name));
	if (v.reg128.high64 && synic_is_register(name))
		CHECK(st == HV_STATUS_INVALID_REGISTER_VALUE);
	if (st == HV_STATUS_SUCCESS && name != HV_REGISTER_EOM) {
		HV_REGISTER_VALUE back;
		CHECK(synic_get_register(&h.vp, name, &back) == HV_STATUS_SUCCESS);
		CHECK(back.reg128.low64 == v.reg128.low64 && back.reg128.high64 == 0);
		if (name >= HV_REGISTER_SINT0 && name < HV_REGISTER_SINT(SYNIC_SINT_COUNT) &&
		    !(v.reg128.low64 & SYNIC_SINT_MASKED)) {
			uint64_t vector = v.reg128.low64 & SYNIC_SINT_VECTOR_MASK;
			CHECK(vector >= VECTOR_MIN && vector <= VECTOR_MAX);
		}
		if ((name == HV_REGISTER_SIMP || name == HV_REGISTER_SIEFP) &&
		    (v.reg128.low64 & SYNIC_PAGE_ENABLE))
			CHECK(host(v.reg128.low64 & SYNIC_PAGE_GPA_MASK, HV_PAGE_SIZE) != NULL);
	}
}

static void op_get(struct fuzz_input *s)
{
	HV_REGISTER_NAME name = take_name(s);
	HV_REGISTER_VALUE v;
	memset(&v, 0xcc, sizeof(v));
	HV_STATUS st = synic_get_register(&h.vp, name, &v);
	CHECK(st == (synic_is_register(name) ? HV_STATUS_SUCCESS : HV_STATUS_UNKNOWN_REGISTER_NAME));
	if (st == HV_STATUS_SUCCESS) {
		CHECK(v.reg128.high64 == 0);
		if (name == HV_REGISTER_EOM)
			CHECK(v.reg128.low64 == 0);
	}
}

static void op_post(struct fuzz_input *s)
{
	uint8_t sel = fuzz_take_u8(s);
	uint32_t sint = sel < 0xf0 ? sel % SYNIC_SINT_COUNT : sel;
	HV_MESSAGE_TYPE type =
	    fuzz_take_u8(s) < 0xf0 ? 1u + fuzz_take_u8(s) : (HV_MESSAGE_TYPE)fuzz_take_bytes(s, 4);
	uint32_t size = fuzz_take_u8(s) % 0xf8; /* 0..247: a little past the limit */
	uint8_t payload[256];
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + size);
	uint64_t sender = fuzz_take_bytes(s, 8);

	/* was the slot free and the SynIC ready before? then the message must land there */
	bool ready = (h.vp.scontrol & SYNIC_SCONTROL_ENABLE) && (h.vp.simp & SYNIC_PAGE_ENABLE);
	HV_GPA slot =
	    (h.vp.simp & SYNIC_PAGE_GPA_MASK) + (HV_GPA)(sint % SYNIC_SINT_COUNT) * SYNIC_MESSAGE_SIZE;
	uint8_t *slot_host = ready && sint < SYNIC_SINT_COUNT ? host(slot, SYNIC_MESSAGE_SIZE) : NULL;
	uint32_t old_type = 0;
	if (slot_host)
		memcpy(&old_type, slot_host, 4);
	bool queued_before = sint < SYNIC_SINT_COUNT && (h.vp.pending & (1u << sint));

	h.delivering = true;
	h.sint = sint;
	HV_STATUS st = synic_post_message(&h.vp, sint, type, size, payload, sender);
	h.delivering = false;
	CHECK(st == HV_STATUS_SUCCESS || st == HV_STATUS_INSUFFICIENT_BUFFERS ||
	      st == HV_STATUS_INVALID_PARAMETER);
	bool valid = sint < SYNIC_SINT_COUNT && size <= HV_MESSAGE_PAYLOAD_BYTE_COUNT && type != 0;
	CHECK((st == HV_STATUS_INVALID_PARAMETER) == !valid);
	if (valid && !ready)
		CHECK(st == HV_STATUS_INSUFFICIENT_BUFFERS);
	if (st == HV_STATUS_SUCCESS && slot_host && old_type == 0 && !queued_before) {
		struct synic_message m;
		memcpy(&m, slot_host, sizeof(m));
		CHECK(m.header.message_type == type && m.header.payload_size == size &&
		      m.header.sender == sender);
		CHECK(memcmp(m.payload, payload, size) == 0);
		for (unsigned i = size; i < HV_MESSAGE_PAYLOAD_BYTE_COUNT; i++)
			CHECK(((const uint8_t *)m.payload)[i] == 0);
	}
}

static void op_signal(struct fuzz_input *s)
{
	uint8_t sel = fuzz_take_u8(s);
	uint32_t sint = sel < 0xf0 ? sel % SYNIC_SINT_COUNT : sel;
	uint32_t flag = (uint32_t)fuzz_take_bytes(s, 2) % (HV_EVENT_FLAGS_COUNT + 16);
	bool ready = (h.vp.scontrol & SYNIC_SCONTROL_ENABLE) && (h.vp.siefp & SYNIC_PAGE_ENABLE);
	h.flag_word =
	    (h.vp.siefp & SYNIC_PAGE_GPA_MASK) + (HV_GPA)sint * SYNIC_EVENT_FLAGS_BYTES + (flag / 64u) * 8u;
	h.signalling = true;
	HV_STATUS st = synic_signal_event(&h.vp, sint, flag);
	h.signalling = false;
	bool valid = sint < SYNIC_SINT_COUNT && flag < HV_EVENT_FLAGS_COUNT;
	CHECK(st == HV_STATUS_SUCCESS || st == HV_STATUS_INVALID_SYNIC_STATE ||
	      st == HV_STATUS_INVALID_PARAMETER);
	CHECK((st == HV_STATUS_INVALID_PARAMETER) == !valid);
	if (valid && !ready)
		CHECK(st == HV_STATUS_INVALID_SYNIC_STATE);
	if (st == HV_STATUS_SUCCESS) {
		uint8_t *w = host(h.flag_word, 8);
		CHECK(w != NULL);
		uint64_t word;
		memcpy(&word, w, 8);
		CHECK(word & (1ull << (flag % 64u)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input s = fuzz_input_init(data, size);
	memset(h.ram, 0, sizeof(h.ram));
	h.locked = h.delivering = h.signalling = h.any_slot = false;
	synic_vp_init(&h.vp, &ops, &h.part_token, VP_NUMBER, &h.locked, VECTOR_MIN, VECTOR_MAX);
	for (unsigned n = 0; n < MAX_OPS && s.pos < s.size; n++) {
		uint8_t op = fuzz_take_u8(&s);
		switch (op % 8) {
		case 0:
		case 1: op_set(&s); break;
		case 2: op_get(&s); break;
		case 3: op_post(&s); break;
		case 4: op_signal(&s); break;
		case 5: { /* the guest frees a slot or clears flags: writes its own memory */
			size_t off = fuzz_take_bytes(&s, 2) % GUEST_SIZE;
			size_t len = fuzz_take_u8(&s) % 16;
			for (size_t i = 0; i < len && off + i < GUEST_SIZE; i++)
				h.ram[off + i] = fuzz_take_u8(&s);
			break;
		}
		case 6: { /* the guest frees the slot it was told about, then EOM, as a driver does */
			uint32_t sint = fuzz_take_u8(&s) % SYNIC_SINT_COUNT;
			uint8_t *slot =
			    host((h.vp.simp & SYNIC_PAGE_GPA_MASK) + sint * SYNIC_MESSAGE_SIZE, 8);
			if (slot)
				memset(slot, 0, 8);
			HV_REGISTER_VALUE eom;
			memset(&eom, 0, sizeof(eom));
			h.delivering = h.any_slot = true;
			CHECK(synic_set_register(&h.vp, HV_REGISTER_EOM, &eom) == HV_STATUS_SUCCESS);
			h.delivering = h.any_slot = false;
			break;
		}
		default: synic_vp_reset(&h.vp); break;
		}
		CHECK(!h.locked);
		for (unsigned i = 0; i < SYNIC_SINT_COUNT; i++)
			if (!(h.vp.sint[i] & SYNIC_SINT_MASKED))
				CHECK((h.vp.sint[i] & SYNIC_SINT_VECTOR_MASK) >= VECTOR_MIN &&
				      (h.vp.sint[i] & SYNIC_SINT_VECTOR_MASK) <= VECTOR_MAX);
	}
	return 0;
}
