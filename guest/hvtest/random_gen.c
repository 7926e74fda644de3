/* The call generator of hvtest.mode=random (random.h): a seeded pseudo-random generator, and from it one
 * hypercall at a time — the 64-bit input value (call codes karasu knows, their neighbours and any 16-bit
 * code; rep count and start; variable header size; fast bit; RsvdZ bits), the register block, and the
 * parameter GPAs, drawn from classes that aim at every kind of guest-physical address: the parameter pages
 * (aligned, unaligned, across the page end), the guest's own code and data, canaries, the end of RAM, RAM
 * below the image, device windows, and addresses outside RAM up to 2^64 - 8.
 *
 * Output GPAs are what a correct hypervisor writes to, so one class is restricted: an output GPA inside
 * the guest's own image outside the canary and parameter pages (its code, its data, its stacks) is always
 * unaligned. The TLFS makes such a call fail with INVALID_ALIGNMENT before anything is written, so only a
 * wrong hypervisor writes there — an aligned one would let a correct call overwrite the running code or the
 * stack and stop the loop. Input GPAs may point anywhere (they are only read). */
#include <stdint.h>

#include "guest/hvtest/random.h"
#include "karasu/hv.h"
#include "lib/mem.h"

static uint64_t state;

/* splitmix64 (Steele, Lea, Flood 2014): each seed, even 0, gives a full-period, well-mixed sequence. */
void rnd_seed(uint64_t seed)
{
	state = seed;
}

uint64_t rnd_next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t rnd_below(uint64_t n)
{
	return rnd_next() % n;
}

bool rnd_chance(unsigned percent)
{
	return rnd_below(100) < percent;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Codes karasu dispatches, codes whose layout it knows but does not offer (FlushVirtualAddressSpace needs an
 * engine hook neither engine has; Map/UnmapGpaPages are structures only), and neighbours. */
static const uint16_t dispatched_codes[] = {HVCALL_GET_PARTITION_ID, HVCALL_GET_VP_REGISTERS,
                                            HVCALL_SET_VP_REGISTERS, HVCALL_POST_MESSAGE,
                                            HVCALL_SIGNAL_EVENT};
static const uint16_t other_codes[] = {HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, HVCALL_MAP_GPA_PAGES,
                                       HVCALL_UNMAP_GPA_PAGES};
static const uint16_t neighbour_codes[] = {0x0000, 0x0001, 0x0003, 0x0045, 0x0047, 0x004a, 0x004d,
                                           0x004f, 0x0052, 0x005b, 0x005e, 0x00ff, 0x0100, 0xffff};

/* Register names: every one karasu answers, SynIC names it does not have, and some it never heard of. */
static const uint32_t register_names[] = {
    HV_REGISTER_HYPERVISOR_VERSION,
    HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO,
    HV_REGISTER_FEATURES_INFO,
    HV_REGISTER_GUEST_OS_ID,
    HV_REGISTER_VP_INDEX,
    HV_REGISTER_TIME_REF_COUNT,
    HV_REGISTER_SINT(0),
    HV_REGISTER_SINT(2),
    HV_REGISTER_SINT(15),
    HV_REGISTER_SCONTROL,
    0x000a0011u, /* SVERSION: not implemented */
    HV_REGISTER_SIEFP,
    HV_REGISTER_SIMP,
    HV_REGISTER_EOM,
    0x000a0015u,
    0x000b0000u, /* STIMER0_CONFIG: not implemented */
    0x00000000u,
    0xffffffffu,
};

static bool is_rep_code(uint16_t code)
{
	return code == HVCALL_GET_VP_REGISTERS || code == HVCALL_SET_VP_REGISTERS ||
	       code == HVCALL_MAP_GPA_PAGES || code == HVCALL_UNMAP_GPA_PAGES;
}

static uint16_t pick_code(void)
{
	unsigned r = (unsigned)rnd_below(100);
	if (r < 75)
		return dispatched_codes[rnd_below(ARRAY_LEN(dispatched_codes))];
	if (r < 83)
		return other_codes[rnd_below(ARRAY_LEN(other_codes))];
	if (r < 90)
		return neighbour_codes[rnd_below(ARRAY_LEN(neighbour_codes))];
	if (r < 95)
		return (uint16_t)rnd_below(0x100);
	return (uint16_t)rnd_next();
}

static uint16_t pick_rep_count(void)
{
	unsigned r = (unsigned)rnd_below(100);
	if (r < 60)
		return (uint16_t)(1 + rnd_below(8));
	if (r < 80)
		return (uint16_t)(1 + rnd_below(256));
	if (r < 95)
		return (uint16_t)(1 + rnd_below(HV_HYPERCALL_REP_COUNT_MASK));
	return 0;
}

static uint64_t make_input(uint16_t code)
{
	if (rnd_chance(3))
		return rnd_next(); /* anything at all */
	bool rep = is_rep_code(code), fast = rnd_chance(35);
	uint16_t count = 0, start = 0;
	if (rep ? rnd_chance(95) : rnd_chance(4))
		/* the fast-call block holds a few elements at most: mostly counts that fit */
		count = fast && rnd_chance(80) ? (uint16_t)(1 + rnd_below(4)) : pick_rep_count();
	if (rnd_chance(6))
		start = (uint16_t)(count && rnd_chance(70) ? rnd_below(count + 1u) : rnd_below(0x1000));
	uint64_t v = hv_input_value(code, fast, count, start);
	if (rnd_chance(5))
		v |= (rnd_below(HV_HYPERCALL_VARHEAD_MASK) + 1) << HV_HYPERCALL_VARHEAD_SHIFT;
	if (rnd_chance(5))
		v |= rnd_next() & HV_HYPERCALL_INPUT_RSVDZ_MASK;
	return v;
}

/* ---- parameter blocks ---- */

static void put(uint8_t *buf, size_t cap, size_t off, const void *v, size_t len)
{
	if (off < cap)
		k_memcpy(buf + off, v, len < cap - off ? len : cap - off);
}

static uint64_t own_id_or_random(void)
{
	unsigned r = (unsigned)rnd_below(100);
	if (r < 60)
		return HV_PARTITION_ID_SELF;
	if (r < 75)
		return own_partition_id;
	if (r < 85)
		return rnd_below(4);
	return rnd_next();
}

static void vp_header(uint8_t *buf, size_t cap)
{
	struct hv_input_vp_registers_header h = {.partition_id = own_id_or_random()};
	unsigned r = (unsigned)rnd_below(100);
	h.vp_index = r < 70 ? HV_VP_INDEX_SELF : r < 85 ? (uint32_t)rnd_below(3) : (uint32_t)rnd_next();
	if (rnd_chance(15))
		h.input_vtl = (uint8_t)rnd_next();
	if (rnd_chance(8))
		h.rsvdz0[rnd_below(3)] = (uint8_t)(1 + rnd_below(255));
	put(buf, cap, 0, &h, sizeof(h));
}

static uint32_t pick_register(void)
{
	return rnd_chance(85) ? register_names[rnd_below(ARRAY_LEN(register_names))] : (uint32_t)rnd_next();
}

/* A value for a SynIC or identity register: mostly well-formed, sometimes not. */
static uint64_t pick_register_value(const struct random_targets *t, uint32_t name)
{
	if (rnd_chance(20))
		return rnd_next();
	if (name == HV_REGISTER_SIMP || name == HV_REGISTER_SIEFP) {
		uint64_t page =
		    rnd_chance(70) ? t->ram_base + rnd_below(t->ram_end - t->ram_base) : rnd_next();
		return (page & ~(uint64_t)HV_PAGE_MASK) | rnd_below(2);
	}
	if (name >= HV_REGISTER_SINT(0) && name <= HV_REGISTER_SINT(15))
		return (rnd_chance(50) ? 1ull << 16 : 0) |
		       (rnd_chance(70) ? 16 + rnd_below(16) : rnd_below(256));
	return rnd_below(4);
}

static void fill_block(const struct random_targets *t, uint16_t code, uint16_t reps, uint8_t *buf, size_t cap)
{
	switch (code) {
	case HVCALL_GET_VP_REGISTERS:
		vp_header(buf, cap);
		for (size_t i = 0; i < reps; i++) {
			uint32_t name = pick_register();
			put(buf, cap, 16 + 4 * i, &name, sizeof(name));
		}
		break;
	case HVCALL_SET_VP_REGISTERS:
		vp_header(buf, cap);
		for (size_t i = 0; i < reps; i++) {
			struct hv_register_assoc a = {.name = pick_register()};
			a.value.reg128.low64 = pick_register_value(t, a.name);
			if (rnd_chance(10))
				a.value.reg128.high64 = rnd_next();
			if (rnd_chance(8))
				a.rsvdz0 = (uint32_t)rnd_next() | 1u;
			if (rnd_chance(8))
				a.rsvdz1 = rnd_next() | 1u;
			put(buf, cap, 16 + sizeof(a) * i, &a, sizeof(a));
		}
		break;
	case HVCALL_POST_MESSAGE: {
		struct hv_input_post_message m = {0};
		m.connection_id = rnd_chance(70) ? (uint32_t)rnd_below(4) : (uint32_t)rnd_next();
		m.rsvdz0 = rnd_chance(8) ? (uint32_t)rnd_next() : 0;
		m.message_type = rnd_chance(75) ? (uint32_t)(1 + rnd_below(0x100)) : (uint32_t)rnd_next();
		m.payload_size = rnd_chance(80) ? (uint32_t)rnd_below(HV_MESSAGE_PAYLOAD_BYTE_COUNT + 1)
		                                : (uint32_t)rnd_next();
		for (unsigned i = 0; i < HV_MESSAGE_PAYLOAD_QWORD_COUNT; i++)
			m.payload[i] = rnd_next();
		put(buf, cap, 0, &m, sizeof(m));
		break;
	}
	case HVCALL_SIGNAL_EVENT: {
		struct hv_input_signal_event e = {0};
		e.connection_id = rnd_chance(70) ? (uint32_t)rnd_below(4) : (uint32_t)rnd_next();
		e.flag_number =
		    rnd_chance(80) ? (uint16_t)rnd_below(HV_EVENT_FLAGS_COUNT) : (uint16_t)rnd_next();
		e.rsvdz0 = rnd_chance(8) ? (uint16_t)rnd_next() : 0;
		put(buf, cap, 0, &e, sizeof(e));
		break;
	}
	case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE: {
		struct hv_input_flush_virtual_address_space f = {
		    .address_space = rnd_next(),
		    .flags = rnd_chance(80) ? rnd_below(8) : rnd_next(),
		    .processor_mask = rnd_chance(80) ? rnd_below(8) : rnd_next(),
		};
		put(buf, cap, 0, &f, sizeof(f));
		break;
	}
	default:
		for (size_t i = 0; i + 8 <= cap; i += 8) {
			uint64_t v = rnd_next();
			put(buf, cap, i, &v, sizeof(v));
		}
		break;
	}
}

/* ---- GPAs ---- */

enum gpa_use { GPA_IN, GPA_OUT };

static uint64_t in_window(uint64_t base, uint64_t size)
{
	return base + rnd_below(size);
}

/* An address in RAM outside the image: below it or above it. */
static uint64_t ram_outside_image(const struct random_targets *t)
{
	uint64_t below = t->image_start - t->ram_base, above = t->ram_end - t->image_end;
	uint64_t r = rnd_below(below + above);
	return r < below ? t->ram_base + r : t->image_end + (r - below);
}

static uint64_t unaligned(uint64_t gpa)
{
	return gpa | (1 + rnd_below(7));
}

/* Draws a GPA for one use. page is the call's own parameter page pair (page_in or page_out). */
static uint64_t pick_gpa(const struct random_targets *t, enum gpa_use use, uintptr_t page, const char **kind)
{
	unsigned r = (unsigned)rnd_below(100);
	if (r < 30) {
		*kind = "page";
		return page;
	}
	if (r < 40) {
		*kind = "page+off"; /* aligned, possibly so close to the page end that the block crosses it */
		return page + (rnd_below(2 * HVTEST_PAGE) & ~7ull);
	}
	if (r < 45) {
		*kind = "page+unaligned";
		return unaligned(page + rnd_below(2 * HVTEST_PAGE));
	}
	if (r < 53) {
		*kind = "image";
		uint64_t g = in_window(t->image_start, t->image_end - t->image_start);
		return use == GPA_OUT || rnd_chance(50) ? unaligned(g) : g & ~7ull;
	}
	if (r < 58) {
		*kind = "canary-bss";
		return in_window(t->canary_bss, sizeof(random_canary_bss)) & ~(rnd_chance(80) ? 7ull : 0);
	}
	if (r < 63 && t->canary_ram_size) {
		*kind = "canary-ram";
		return in_window(t->canary_ram, t->canary_ram_size) & ~(rnd_chance(80) ? 7ull : 0);
	}
	if (r < 70) {
		*kind = "ram-end";
		static const uint64_t back[] = {0, 8, 16, 24, 256, 4088, HVTEST_PAGE, HVTEST_PAGE + 8};
		uint64_t g = t->ram_end - back[rnd_below(ARRAY_LEN(back))];
		return rnd_chance(15) ? t->ram_end + 8 * rnd_below(4) : g;
	}
	if (r < 77) {
		*kind = "ram";
		return ram_outside_image(t) & ~(rnd_chance(85) ? 7ull : 0);
	}
	if (r < 81) {
		*kind = "below-ram";
		static const uint64_t back[] = {8, 16, HVTEST_PAGE, 1ull << 20};
		return t->ram_base >= 1ull << 20 ? t->ram_base - back[rnd_below(ARRAY_LEN(back))] : 0;
	}
	if (r < 89 && t->ndevices) {
		const struct random_window *w = &t->devices[rnd_below(t->ndevices)];
		*kind = w->what;
		uint64_t off = rnd_chance(50) ? 0 : rnd_below(w->size);
		return (w->base + off) & ~(rnd_chance(85) ? 7ull : 0);
	}
	if (r < 94) {
		*kind = "wild";
		return rnd_next();
	}
	*kind = "top";
	static const uint64_t top[] = {0,
	                               8,
	                               0xfffffffffffffff8ull,
	                               0xfffffffffffff000ull,
	                               1ull << 63,
	                               (1ull << 48) - 8,
	                               1ull << 48,
	                               (1ull << 32) - 8};
	return top[rnd_below(ARRAY_LEN(top))];
}

void random_generate(const struct random_targets *t, struct random_call *c)
{
	uint16_t code = pick_code();
	c->input = make_input(code);
	for (unsigned i = 0; i < HVTEST_FAST_REGS_MAX; i++)
		c->regs[i] = i < HVTEST_FAST_REGS ? rnd_next() : 0;
	uint16_t reps = hv_input_rep_count(c->input);
	uint8_t block[HVTEST_FAST_REGS * 8];

	if (hv_input_is_fast(c->input)) {
		c->in_kind = c->out_kind = "regs";
		if (rnd_chance(
		        80)) { /* a block that makes sense for the code, the rest of the registers random */
			k_memcpy(block, c->regs, sizeof(block));
			fill_block(t, hv_input_call_code(c->input), reps, block, sizeof(block));
			k_memcpy(c->regs, block, sizeof(block));
		}
		return;
	}
	c->regs[0] = pick_gpa(t, GPA_IN, (uintptr_t)page_in, &c->in_kind);
	c->regs[1] = pick_gpa(t, GPA_OUT, (uintptr_t)page_out, &c->out_kind);
	/* A block for the call where it will be read, when that is the input page pair. */
	uintptr_t in = (uintptr_t)page_in;
	if (c->regs[0] >= in && c->regs[0] < in + sizeof(page_in)) {
		size_t off = (size_t)(c->regs[0] - in);
		fill_block(t, hv_input_call_code(c->input), reps, page_in + off, sizeof(page_in) - off);
	}
}
