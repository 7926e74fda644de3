/* hv/base: the one spinlock (mutual exclusion under threads, the enable switch), the lock-order check
 * against hv/base/lock_order.h, and the logger's two outputs. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/base/lock_order.h"
#include "hv/base/log.h"
#include "hv/base/spinlock.h"

#define THREADS    4
#define ITERATIONS 20000

/* ---- mutual exclusion ---- */

static struct spinlock counter_lock = SPINLOCK_INIT(LOCK_CLASS_NONE);
static volatile uint64_t counter; /* incremented non-atomically under the lock */

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERATIONS; i++) {
		spin_lock(&counter_lock);
		uint64_t v = counter;
		counter = v + 1;
		spin_unlock(&counter_lock);
	}
	return NULL;
}

static void test_mutual_exclusion(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	counter = 0;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_up, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, (uint64_t)THREADS * ITERATIONS);
	/* Every ticket handed out was served. */
	assert_int_equal(counter_lock.next, counter_lock.owner);
	assert_int_equal(counter_lock.next, (uint32_t)(THREADS * ITERATIONS));
}

/* spin_trylock: takes a free lock (and it then counts as held for the order check), refuses a held one
 * without taking a ticket, and mixed with spin_lock under threads still excludes. */
static void test_trylock(void **state)
{
	(void)state;
	struct spinlock l = SPINLOCK_INIT(LOCK_CLASS_CONSOLE);
	assert_true(spin_trylock(&l));
	assert_int_equal(*lock_order_held_mask(), 1u << LOCK_CLASS_CONSOLE);
	assert_false(spin_trylock(&l)); /* held: refused at once */
	assert_int_equal(l.next, 1);    /* and no ticket was taken */
	spin_unlock(&l);
	assert_int_equal(*lock_order_held_mask(), 0);
	spin_lock(&l);
	assert_false(spin_trylock(&l));
	spin_unlock(&l);
	assert_true(spin_trylock(&l));
	spin_unlock(&l);
	assert_int_equal(l.next, l.owner);
}

static void *count_up_trying(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERATIONS; i++) {
		while (!spin_trylock(&counter_lock)) {
		}
		uint64_t v = counter;
		counter = v + 1;
		spin_unlock(&counter_lock);
	}
	return NULL;
}

static void test_trylock_mutual_exclusion(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	counter = 0;
	counter_lock = (struct spinlock)SPINLOCK_INIT(LOCK_CLASS_NONE);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, i % 2 ? count_up_trying : count_up, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, (uint64_t)THREADS * ITERATIONS);
	assert_int_equal(counter_lock.next, counter_lock.owner);
}

static void test_disabled_locks_do_nothing(void **state)
{
	(void)state;
	struct spinlock l = SPINLOCK_INIT(LOCK_CLASS_VGIC);
	spin_locking_enabled = false; /* as on the hypervisor before its MMU is on */
	spin_lock(&l);
	spin_lock(&l); /* no deadlock, no order violation: nothing is taken */
	assert_int_equal(l.next, 0);
	assert_int_equal(*lock_order_held_mask(), 0);
	spin_unlock(&l);
	spin_locking_enabled = true;
	spin_lock(&l);
	assert_int_equal(l.next, 1);
	spin_unlock(&l);
	assert_int_equal(l.owner, 1);
}

/* ---- lock order ---- */

static char raw[1024];
static size_t raw_len;
static jmp_buf halted;

static void capture_putc(char c)
{
	if (raw_len + 1 < sizeof(raw))
		raw[raw_len++] = c;
	raw[raw_len] = '\0';
}

static void halt_to_test(void)
{
	longjmp(halted, 1);
}

static int setup_capture(void **state)
{
	(void)state;
	raw_len = 0;
	raw[0] = '\0';
	log_set_output(capture_putc);
	log_set_sink(NULL);
	panic_set_hooks(NULL, halt_to_test);
	return 0;
}

static void test_order_respected(void **state)
{
	(void)state;
	struct spinlock outer = SPINLOCK_INIT(LOCK_CLASS_UART);
	struct spinlock middle = SPINLOCK_INIT(LOCK_CLASS_VGIC);
	struct spinlock inner = SPINLOCK_INIT(LOCK_CLASS_LR_QUEUE);
	spin_lock(&outer);
	spin_lock(&middle);
	spin_lock(&inner);
	assert_int_equal(*lock_order_held_mask(),
	                 (1u << LOCK_CLASS_UART) | (1u << LOCK_CLASS_VGIC) | (1u << LOCK_CLASS_LR_QUEUE));
	spin_unlock(&inner);
	spin_unlock(&middle);
	/* Skipping a level is fine: only the direction matters. */
	spin_lock(&inner);
	spin_unlock(&inner);
	spin_unlock(&outer);
	assert_int_equal(*lock_order_held_mask(), 0);
	assert_int_equal(raw_len, 0); /* no message */
}

static void test_order_violation_panics(void **state)
{
	(void)state;
	struct spinlock vgic = SPINLOCK_INIT(LOCK_CLASS_VGIC);
	struct spinlock lrq = SPINLOCK_INIT(LOCK_CLASS_LR_QUEUE);
	spin_lock(&lrq);
	if (setjmp(halted) == 0) {
		spin_lock(&vgic); /* the vGIC lock is outside the LR queue's: wrong way round */
		fail_msg("taking the vGIC lock inside the LR queue lock did not panic");
	}
	assert_non_null(strstr(raw, "karasu: PANIC on PE 0: lock order violated: taking the vGIC lock while "
	                            "holding the list-register queue lock"));
	assert_non_null(strstr(raw, "\r\n")); /* raw output: newlines as CR LF */
	assert_int_equal(vgic.next, 0);       /* the offending lock was not taken */
	spin_unlock(&lrq);
	assert_int_equal(*lock_order_held_mask(), 0);
}

static void test_same_class_twice_panics(void **state)
{
	(void)state;
	struct spinlock a = SPINLOCK_INIT(LOCK_CLASS_UART), b = SPINLOCK_INIT(LOCK_CLASS_UART);
	spin_lock(&a);
	if (setjmp(halted) == 0) {
		spin_lock(&b); /* two vPL011 locks nested: a deadlock waiting to happen */
		fail_msg("nesting two locks of one class did not panic");
	}
	assert_non_null(strstr(raw, "taking the vPL011 lock while holding the vPL011 lock"));
	spin_unlock(&a);
}

static void test_unchecked_class(void **state)
{
	(void)state;
	struct spinlock inner = SPINLOCK_INIT(LOCK_CLASS_LOG_OUTPUT);
	struct spinlock free_lock = SPINLOCK_INIT(LOCK_CLASS_NONE);
	spin_lock(&inner);
	spin_lock(&free_lock); /* LOCK_CLASS_NONE opts out of the check */
	spin_unlock(&free_lock);
	spin_unlock(&inner);
	assert_int_equal(raw_len, 0);
}

static void test_class_names(void **state)
{
	(void)state;
	assert_string_equal(lock_class_name(LOCK_CLASS_PARTITION), "partition");
	assert_string_equal(lock_class_name(LOCK_CLASS_LOG_OUTPUT), "log output");
	assert_string_equal(lock_class_name(LOCK_CLASS_COUNT), "unknown");
	for (unsigned c = 0; c < LOCK_CLASS_COUNT; c++)
		assert_non_null(lock_class_name(c));
}

/* ---- the logger ---- */

static char sunk[512];

static void sink(const char *line, size_t len)
{
	assert_true(len < sizeof(sunk));
	memcpy(sunk, line, len);
	sunk[len] = '\0';
}

static void test_log_outputs(void **state)
{
	(void)state;
	hv_log("raw %d", 1);
	assert_string_equal(raw, "karasu: raw 1\r\n");
	log_set_sink(sink);
	hv_log("to the console %s", "now");
	assert_string_equal(sunk, "karasu: to the console now\n"); /* whole line, plain newline */
	assert_string_equal(raw, "karasu: raw 1\r\n");             /* nothing more on the raw output */
	log_set_sink(NULL);
}

static void test_log_truncates_long_lines(void **state)
{
	(void)state;
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_set_sink(sink);
	hv_log("%s", big);
	size_t len = strlen(sunk);
	assert_true(len < 330);
	assert_int_equal(sunk[len - 1], '\n'); /* still a whole line */
	log_set_sink(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mutual_exclusion),
	    cmocka_unit_test(test_trylock),
	    cmocka_unit_test(test_trylock_mutual_exclusion),
	    cmocka_unit_test(test_disabled_locks_do_nothing),
	    cmocka_unit_test_setup(test_order_respected, setup_capture),
	    cmocka_unit_test_setup(test_order_violation_panics, setup_capture),
	    cmocka_unit_test_setup(test_same_class_twice_panics, setup_capture),
	    cmocka_unit_test_setup(test_unchecked_class, setup_capture),
	    cmocka_unit_test(test_class_names),
	    cmocka_unit_test_setup(test_log_outputs, setup_capture),
	    cmocka_unit_test_setup(test_log_truncates_long_lines, setup_capture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
