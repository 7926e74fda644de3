/* Unit tests for lib/synic.c against a fake partition: 4 pages of guest RAM at RAM_BASE, recorded
 * interrupts, a lock that must be balanced and never held while an interrupt is raised. Register values
 * and layouts are the TLFS's, written out literally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/synic.h"

#define RAM_BASE  0x40000000ull
#define RAM_PAGES 4u
#define PAGE      4096u
#define SIMP_GPA  (RAM_BASE + 1 * PAGE)
#define SIEFP_GPA (RAM_BASE + 2 * PAGE)
#define VEC_MIN   16u
#define VEC_MAX   31u
#define MAX_RAISE 32u

static uint8_t ram[RAM_PAGES * PAGE] __attribute__((aligned(PAGE)));
static struct {
	uint32_t vp, vector;
} raised[MAX_RAISE];
static unsigned nraised;
static int lock_depth;
static bool free_slot_before_pending_or; /* simulate the guest freeing the slot at that very moment */
static unsigned lock_calls;
static struct synic_vp s;

static bool in_ram(HV_GPA gpa, size_t len)
{
	return gpa >= RAM_BASE && len <= sizeof(ram) && gpa - RAM_BASE <= sizeof(ram) - len;
}

static bool f_read(void *part, HV_GPA gpa, void *buf, size_t len)
{
	assert_ptr_equal(part, ram);
	if (!in_ram(gpa, len))
		return false;
	memcpy(buf, ram + (gpa - RAM_BASE), len);
	return true;
}

static bool f_write(void *part, HV_GPA gpa, const void *buf, size_t len)
{
	assert_ptr_equal(part, ram);
	if (!in_ram(gpa, len))
		return false;
	memcpy(ram + (gpa - RAM_BASE), buf, len);
	return true;
}

static bool f_fetch_or(void *part, HV_GPA gpa, uint64_t mask, uint64_t *old)
{
	assert_ptr_equal(part, ram);
	assert_int_equal(gpa % 8, 0);
	assert_int_equal(lock_depth, 1); /* the module only touches the pages under its lock */
	if (!in_ram(gpa, 8))
		return false;
	uint64_t *w = (uint64_t *)(void *)(ram + (gpa - RAM_BASE));
	if (free_slot_before_pending_or && mask == SYNIC_HEADER_WORD_PENDING_MASK) {
		*w &= ~SYNIC_HEADER_WORD_TYPE_MASK;
		free_slot_before_pending_or = false;
	}
	*old = *w;
	*w |= mask;
	return true;
}

static bool f_store(void *part, HV_GPA gpa, uint64_t value)
{
	assert_ptr_equal(part, ram);
	assert_int_equal(gpa % 8, 0);
	if (!in_ram(gpa, 8))
		return false;
	memcpy(ram + (gpa - RAM_BASE), &value, 8);
	return true;
}

static void f_raise(void *part, uint32_t vp, uint32_t vector)
{
	assert_ptr_equal(part, ram);
	assert_int_equal(lock_depth, 0); /* never with the SynIC lock held */
	assert_true(nraised < MAX_RAISE);
	raised[nraised].vp = vp;
	raised[nraised].vector = vector;
	nraised++;
}

static int the_lock;

static void f_lock(void *l)
{
	assert_ptr_equal(l, &the_lock);
	assert_int_equal(lock_depth, 0);
	lock_depth++;
	lock_calls++;
}

static void f_unlock(void *l)
{
	assert_ptr_equal(l, &the_lock);
	assert_int_equal(lock_depth, 1);
	lock_depth--;
}

static const struct synic_ops ops = {
    .read_gpa = f_read,
    .write_gpa = f_write,
    .fetch_or_u64 = f_fetch_or,
    .store_u64_release = f_store,
    .raise_interrupt = f_raise,
    .lock = f_lock,
    .unlock = f_unlock,
};

static HV_STATUS set(HV_REGISTER_NAME name, uint64_t low, uint64_t high)
{
	HV_REGISTER_VALUE v;
	memset(&v, 0, sizeof(v));
	v.reg128.low64 = low;
	v.reg128.high64 = high;
	return synic_set_register(&s, name, &v);
}

static uint64_t get(HV_REGISTER_NAME name)
{
	HV_REGISTER_VALUE v;
	memset(&v, 0xa5, sizeof(v));
	assert_int_equal(synic_get_register(&s, name, &v), HV_STATUS_SUCCESS);
	assert_int_equal(v.reg128.high64, 0);
	return v.reg128.low64;
}

static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	memset(raised, 0, sizeof(raised));
	nraised = 0;
	lock_depth = 0;
	lock_calls = 0;
	free_slot_before_pending_or = false;
	synic_vp_init(&s, &ops, ram, 3, &the_lock, VEC_MIN, VEC_MAX);
	return 0;
}

/* A receiver that has switched everything on: SCONTROL, SIMP, SIEFP, SINT2 -> INTID 20. */
static void enable_all(void)
{
	assert_int_equal(set(0xA0010, 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(set(0xA0013, SIMP_GPA | 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(set(0xA0012, SIEFP_GPA | 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(set(0xA0002, 20, 0), HV_STATUS_SUCCESS);
}

static uint8_t *slot(unsigned sint)
{
	return ram + (SIMP_GPA - RAM_BASE) + sint * 256u;
}

static uint32_t slot_type(unsigned sint)
{
	uint32_t t;
	memcpy(&t, slot(sint), 4);
	return t;
}

static HV_STATUS post(unsigned sint, uint32_t type, const char *text)
{
	return synic_post_message(&s, sint, type, (uint32_t)strlen(text), text, 0x77);
}

static void test_reset_values(void **state)
{
	(void)state;
	assert_int_equal(get(0xA0010), 0);
	assert_int_equal(get(0xA0012), 0);
	assert_int_equal(get(0xA0013), 0);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(get(0xA0000 + i), 0x10000); /* masked, vector 0 */
	assert_int_equal(get(0xA0014), 0);                   /* EOM reads as zero */
	assert_true(synic_is_register(0xA000F));
	assert_false(synic_is_register(0xA0011)); /* SVERSION: not implemented */
	assert_false(synic_is_register(0x90002));
	HV_REGISTER_VALUE v;
	assert_int_equal(synic_get_register(&s, 0xA0011, &v), HV_STATUS_UNKNOWN_REGISTER_NAME);
	assert_int_equal(set(0xA0015, 0, 0), HV_STATUS_UNKNOWN_REGISTER_NAME);
	assert_int_equal(lock_depth, 0);
}

static void test_register_rules(void **state)
{
	(void)state;
	/* High 64 bits: every SynIC register is 64 bits wide. */
	assert_int_equal(set(0xA0010, 1, 1), HV_STATUS_INVALID_REGISTER_VALUE);
	assert_int_equal(get(0xA0010), 0);
	/* RsvdP bits are kept as written. */
	assert_int_equal(set(0xA0010, 0xf001, 0), HV_STATUS_SUCCESS);
	assert_int_equal(get(0xA0010), 0xf001);
	/* SIMP: enabled page must be guest RAM, whole page; disabled: anything goes (not used). */
	assert_int_equal(set(0xA0013, 0x1000 | 1, 0), HV_STATUS_INVALID_REGISTER_VALUE);
	assert_int_equal(set(0xA0013, (RAM_BASE + RAM_PAGES * PAGE) | 1, 0),
	                 HV_STATUS_INVALID_REGISTER_VALUE);
	assert_int_equal(get(0xA0013), 0);
	assert_int_equal(set(0xA0013, 0x1000, 0), HV_STATUS_SUCCESS);
	assert_int_equal(get(0xA0013), 0x1000);
	assert_int_equal(set(0xA0013, SIMP_GPA | 0x7fe | 1, 0), HV_STATUS_SUCCESS); /* RsvdP 11:1 kept */
	assert_int_equal(get(0xA0013), SIMP_GPA | 0x7ff);
	assert_int_equal(set(0xA0012, (RAM_BASE + (RAM_PAGES - 1) * PAGE) | 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(get(0xA0012), (RAM_BASE + (RAM_PAGES - 1) * PAGE) | 1);
	/* SINT: unmasked vectors must be ones the engine can raise; masked ones may hold anything. */
	assert_int_equal(set(0xA0005, 15, 0), HV_STATUS_INVALID_REGISTER_VALUE);
	assert_int_equal(set(0xA0005, 32, 0), HV_STATUS_INVALID_REGISTER_VALUE);
	assert_int_equal(get(0xA0005), 0x10000);
	assert_int_equal(set(0xA0005, 16, 0), HV_STATUS_SUCCESS);
	assert_int_equal(set(0xA0006, 31 | 0x20000, 0), HV_STATUS_SUCCESS); /* AutoEOI stored */
	assert_int_equal(set(0xA0007, 0x10000 | 200, 0), HV_STATUS_SUCCESS);
	assert_int_equal(get(0xA0005), 16);
	assert_int_equal(get(0xA0006), 0x2001f);
	assert_int_equal(get(0xA0007), 0x100c8);
	assert_int_equal(lock_depth, 0);
	/* Reset puts every register back. */
	synic_vp_reset(&s);
	assert_int_equal(get(0xA0013), 0);
	assert_int_equal(get(0xA0005), 0x10000);
}

static void test_post_delivers_and_raises(void **state)
{
	(void)state;
	enable_all();
	memset(slot(2) + 16, 0xee, 240); /* stale payload bytes must not survive */
	assert_int_equal(post(2, 0x42, "hello"), HV_STATUS_SUCCESS);
	struct synic_message m;
	memcpy(&m, slot(2), sizeof(m));
	assert_int_equal(m.header.message_type, 0x42);
	assert_int_equal(m.header.payload_size, 5);
	assert_int_equal(m.header.message_flags, 0);
	assert_int_equal(m.header.sender, 0x77);
	assert_memory_equal(m.payload, "hello", 5);
	assert_int_equal(((uint8_t *)m.payload)[5], 0);
	assert_int_equal(((uint8_t *)m.payload)[239], 0);
	/* Raw bytes at the TLFS offsets. */
	assert_int_equal(slot(2)[0], 0x42);
	assert_int_equal(slot(2)[4], 5);
	assert_int_equal(slot(2)[8], 0x77);
	assert_int_equal(slot(2)[16], 'h');
	assert_int_equal(nraised, 1);
	assert_int_equal(raised[0].vp, 3);
	assert_int_equal(raised[0].vector, 20);
	/* Other slots untouched. */
	assert_int_equal(slot_type(1), 0);
	assert_int_equal(slot_type(3), 0);
	assert_int_equal(s.stats.messages_delivered, 1);
}

static void test_post_disabled(void **state)
{
	(void)state;
	/* Nothing enabled. */
	assert_int_equal(post(2, 1, "x"), HV_STATUS_INSUFFICIENT_BUFFERS);
	/* SIMP without SCONTROL. */
	assert_int_equal(set(0xA0013, SIMP_GPA | 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(post(2, 1, "x"), HV_STATUS_INSUFFICIENT_BUFFERS);
	/* SCONTROL without SIMP. */
	assert_int_equal(set(0xA0010, 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(set(0xA0013, SIMP_GPA, 0), HV_STATUS_SUCCESS);
	assert_int_equal(post(2, 1, "x"), HV_STATUS_INSUFFICIENT_BUFFERS);
	assert_int_equal(slot_type(2), 0);
	assert_int_equal(nraised, 0);
	assert_int_equal(s.stats.messages_rejected, 3);
}

static void test_masked_sint_delivers_silently(void **state)
{
	(void)state;
	enable_all();
	assert_int_equal(set(0xA0002, 0x10000 | 20, 0), HV_STATUS_SUCCESS);
	assert_int_equal(post(2, 9, "m"), HV_STATUS_SUCCESS);
	assert_int_equal(slot_type(2), 9);
	assert_int_equal(nraised, 0);
}

static void test_slot_busy_queue_and_eom(void **state)
{
	(void)state;
	enable_all();
	assert_int_equal(post(2, 1, "first-long"), HV_STATUS_SUCCESS);
	assert_int_equal(nraised, 1);
	/* Busy: the second waits in the hypervisor, MessagePending tells the guest to write EOM. */
	assert_int_equal(post(2, 2, "second"), HV_STATUS_SUCCESS);
	assert_int_equal(slot_type(2), 1);
	assert_int_equal(slot(2)[5] & 1, 1);
	assert_memory_equal(slot(2) + 16, "first-long", 10);
	assert_int_equal(nraised, 1);
	/* Third: no buffer left. */
	assert_int_equal(post(2, 3, "third"), HV_STATUS_INSUFFICIENT_BUFFERS);
	/* EOM while the slot is still busy: nothing moves. */
	assert_int_equal(set(0xA0014, 0, 0), HV_STATUS_SUCCESS);
	assert_int_equal(slot_type(2), 1);
	assert_int_equal(nraised, 1);
	/* The guest frees the slot (MessageType = 0) and writes EOM: the queued message arrives. */
	memset(slot(2), 0, 4);
	assert_int_equal(set(0xA0014, 0, 0), HV_STATUS_SUCCESS);
	assert_int_equal(slot_type(2), 2);
	assert_int_equal(slot(2)[5] & 1, 0); /* nothing else queued */
	assert_memory_equal(slot(2) + 16, "second", 6);
	assert_int_equal(slot(2)[16 + 6], 0); /* the tail of "first-long" is zeroed */
	assert_int_equal(nraised, 2);
	assert_int_equal(raised[1].vector, 20);
	/* A second EOM has nothing to deliver. */
	assert_int_equal(set(0xA0014, 0, 0), HV_STATUS_SUCCESS);
	assert_int_equal(nraised, 2);
	assert_int_equal(s.stats.eoms, 3);
	assert_int_equal(s.stats.messages_queued, 1);
	assert_int_equal(s.stats.messages_rejected, 1);
}

static void test_freed_slot_without_eom_keeps_order(void **state)
{
	(void)state;
	enable_all();
	assert_int_equal(post(2, 1, "a"), HV_STATUS_SUCCESS);
	assert_int_equal(post(2, 2, "b"), HV_STATUS_SUCCESS); /* queued */
	memset(slot(2), 0, 8);                                /* freed, no EOM yet */
	/* The next post first delivers the queued "b", then queues "c" behind it. */
	assert_int_equal(post(2, 3, "c"), HV_STATUS_SUCCESS);
	assert_int_equal(slot_type(2), 2);
	assert_int_equal(slot(2)[5] & 1, 1);
	memset(slot(2), 0, 8);
	assert_int_equal(set(0xA0014, 0, 0), HV_STATUS_SUCCESS);
	assert_int_equal(slot_type(2), 3);
	assert_int_equal(nraised, 3);
}

/* The guest frees the slot between karasu's busy check and its MessagePending OR: the old word shows the
 * free slot, so the message goes in at once instead of waiting for an EOM the guest will never write. */
static void test_slot_freed_during_queueing(void **state)
{
	(void)state;
	enable_all();
	assert_int_equal(post(2, 1, "a"), HV_STATUS_SUCCESS);
	free_slot_before_pending_or = true;
	assert_int_equal(post(2, 2, "b"), HV_STATUS_SUCCESS);
	assert_false(free_slot_before_pending_or); /* the race was really exercised */
	assert_int_equal(slot_type(2), 2);
	assert_int_equal(slot(2)[5] & 1, 0);
	assert_memory_equal(slot(2) + 16, "b", 1);
	assert_int_equal(nraised, 2);
	/* Nothing is held any more: the next busy post is queued again, not rejected. */
	assert_int_equal(post(2, 3, "c"), HV_STATUS_SUCCESS);
	assert_int_equal(s.stats.messages_rejected, 0);
	assert_int_equal(s.stats.messages_queued, 2);
}

static void test_post_bad_arguments(void **state)
{
	(void)state;
	enable_all();
	assert_int_equal(post(16, 1, "x"), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(synic_post_message(&s, 2, 1, 241, "", 0), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(synic_post_message(&s, 2, 0, 1, "x", 0), HV_STATUS_INVALID_PARAMETER);
	/* Full 240-byte payload goes in. */
	uint8_t big[240];
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i + 1);
	assert_int_equal(synic_post_message(&s, 15, 7, 240, big, 0), HV_STATUS_SUCCESS);
	assert_memory_equal(slot(15) + 16, big, 240);
	assert_int_equal(slot(15)[4], 240);
	/* The slot after the last one (SINT 15) is the next page: untouched. */
	assert_int_equal(ram[SIMP_GPA - RAM_BASE + PAGE], 0);
	assert_int_equal(nraised, 0); /* SINT15 is masked */
}

static void test_page_bounds_last_page(void **state)
{
	(void)state;
	/* SIMP on the last page of RAM: slot 15 ends exactly at the end of RAM. */
	assert_int_equal(set(0xA0010, 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(set(0xA0013, (RAM_BASE + 3 * PAGE) | 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(post(15, 5, "end"), HV_STATUS_SUCCESS);
	assert_memory_equal(ram + sizeof(ram) - 240, "end", 3);
	assert_int_equal(ram[sizeof(ram) - 256], 5);
}

static void test_events(void **state)
{
	(void)state;
	enable_all();
	assert_int_equal(synic_signal_event(&s, 2, 0), HV_STATUS_SUCCESS);
	assert_int_equal(synic_signal_event(&s, 2, 2047), HV_STATUS_SUCCESS);
	assert_int_equal(synic_signal_event(&s, 2, 65), HV_STATUS_SUCCESS);
	const uint8_t *flags = ram + (SIEFP_GPA - RAM_BASE) + 2 * 256;
	assert_int_equal(flags[0], 0x01);
	assert_int_equal(flags[8], 0x02);   /* flag 65: byte 8, bit 1 */
	assert_int_equal(flags[255], 0x80); /* flag 2047: last bit of SINT2's area */
	assert_int_equal(flags[-1], 0);     /* SINT1's area untouched */
	assert_int_equal(flags[256], 0);    /* SINT3's area untouched */
	assert_int_equal(nraised, 3);
	/* Already set: success, no new interrupt. */
	assert_int_equal(synic_signal_event(&s, 2, 65), HV_STATUS_SUCCESS);
	assert_int_equal(nraised, 3);
	assert_int_equal(s.stats.events_already_set, 1);
	/* The guest clears it: the next signal raises again. */
	((uint8_t *)flags)[8] = 0;
	assert_int_equal(synic_signal_event(&s, 2, 65), HV_STATUS_SUCCESS);
	assert_int_equal(nraised, 4);
	/* Masked SINT: flag set, no interrupt. */
	assert_int_equal(synic_signal_event(&s, 4, 3), HV_STATUS_SUCCESS);
	assert_int_equal(flags[2 * 256], 0x08);
	assert_int_equal(nraised, 4);
	/* Bad arguments. */
	assert_int_equal(synic_signal_event(&s, 16, 0), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(synic_signal_event(&s, 2, 2048), HV_STATUS_INVALID_PARAMETER);
}

static void test_events_disabled(void **state)
{
	(void)state;
	assert_int_equal(synic_signal_event(&s, 2, 0), HV_STATUS_INVALID_SYNIC_STATE);
	assert_int_equal(set(0xA0012, SIEFP_GPA | 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(synic_signal_event(&s, 2, 0), HV_STATUS_INVALID_SYNIC_STATE); /* SCONTROL off */
	assert_int_equal(set(0xA0010, 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(set(0xA0012, SIEFP_GPA, 0), HV_STATUS_SUCCESS);
	assert_int_equal(synic_signal_event(&s, 2, 0), HV_STATUS_INVALID_SYNIC_STATE); /* SIEFP off */
	for (unsigned i = 0; i < sizeof(ram); i++)
		assert_int_equal(ram[i], 0);
	assert_int_equal(nraised, 0);
}

static void test_connections(void **state)
{
	(void)state;
	const struct synic_connection table[] = {
	    {.id = 1, .kinds = SYNIC_CONNECTION_MESSAGES, .sint = 2},
	    {.id = 0xffffff, .kinds = SYNIC_CONNECTION_EVENTS, .sint = 3},
	};
	assert_ptr_equal(synic_find_connection(table, 2, 1), &table[0]);
	assert_ptr_equal(synic_find_connection(table, 2, 0xffffff), &table[1]);
	assert_null(synic_find_connection(table, 2, 2));
	assert_null(synic_find_connection(table, 2, 0x01000001)); /* reserved bits set */
	assert_null(synic_find_connection(table, 0, 1));
}

static void test_no_lock_ops(void **state)
{
	(void)state;
	static const struct synic_ops nolock = {
	    .read_gpa = f_read,
	    .write_gpa = f_write,
	    .fetch_or_u64 = f_fetch_or,
	    .store_u64_release = f_store,
	    .raise_interrupt = f_raise,
	};
	synic_vp_init(&s, &nolock, ram, 0, NULL, VEC_MIN, VEC_MAX);
	lock_depth = 1; /* f_fetch_or insists on a held lock; pretend */
	assert_int_equal(set(0xA0010, 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(set(0xA0012, SIEFP_GPA | 1, 0), HV_STATUS_SUCCESS);
	assert_int_equal(synic_signal_event(&s, 0, 1), HV_STATUS_SUCCESS);
	assert_int_equal(ram[SIEFP_GPA - RAM_BASE], 0x02);
	lock_depth = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_reset_values, setup),
	    cmocka_unit_test_setup(test_register_rules, setup),
	    cmocka_unit_test_setup(test_post_delivers_and_raises, setup),
	    cmocka_unit_test_setup(test_post_disabled, setup),
	    cmocka_unit_test_setup(test_masked_sint_delivers_silently, setup),
	    cmocka_unit_test_setup(test_slot_busy_queue_and_eom, setup),
	    cmocka_unit_test_setup(test_freed_slot_without_eom_keeps_order, setup),
	    cmocka_unit_test_setup(test_slot_freed_during_queueing, setup),
	    cmocka_unit_test_setup(test_post_bad_arguments, setup),
	    cmocka_unit_test_setup(test_page_bounds_last_page, setup),
	    cmocka_unit_test_setup(test_events, setup),
	    cmocka_unit_test_setup(test_events_disabled, setup),
	    cmocka_unit_test_setup(test_connections, setup),
	    cmocka_unit_test_setup(test_no_lock_ops, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
