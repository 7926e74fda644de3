/* hv/core/ram_scrub: guest RAM blocks scrubbed and mapped on first use, with PEs (here: threads) faulting on
 * the same blocks at once. Every block must be scrubbed exactly once, mapped exactly once and only after its
 * scrub, and nobody may return from a fault before the block is mapped. */
#include <pthread.h>
#include <setjmp.h>
#include <time.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/core/ram_scrub.h"

#define BASE    0x40000000ull
#define BLOCK   0x200000ull
#define NBLOCKS 64u
#define THREADS 6

struct fake_ram {
	unsigned scrubs[NBLOCKS];   /* atomic */
	unsigned maps[NBLOCKS];     /* atomic */
	unsigned scrubbed[NBLOCKS]; /* 1 once the scrub finished (atomic) */
	unsigned bad_order;         /* maps seen before the scrub finished (atomic) */
};

static struct fake_ram ram;
static struct ram_scrub scrub;

static void fake_scrub(void *ctx, unsigned b)
{
	struct fake_ram *r = ctx;
	__atomic_fetch_add(&r->scrubs[b], 1, __ATOMIC_RELAXED);
	/* Take a while (0.2 ms), so the other threads arrive at this block and must wait. */
	struct timespec pause = {0, 200000};
	nanosleep(&pause, NULL);
	__atomic_store_n(&r->scrubbed[b], 1, __ATOMIC_RELEASE);
}

static void fake_map(void *ctx, unsigned b)
{
	struct fake_ram *r = ctx;
	if (!__atomic_load_n(&r->scrubbed[b], __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&r->bad_order, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->maps[b], 1, __ATOMIC_RELAXED);
}

static int setup(void **state)
{
	(void)state;
	memset(&ram, 0, sizeof(ram));
	struct ram_scrub_ops ops = {.ctx = &ram, .scrub = fake_scrub, .map = fake_map};
	ram_scrub_begin(&scrub, BASE, BLOCK, NBLOCKS, &ops);
	return 0;
}

static unsigned not_mapped_on_return; /* atomic */
static pthread_barrier_t start_together;

static void *fault_everywhere(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	pthread_barrier_wait(&start_together);
	for (unsigned round = 0; round < 4 * NBLOCKS; round++) {
		/* The first pass: every thread walks the blocks in the same order, so they meet on each block; then
		 * each from its own start and stride. */
		unsigned b = round < NBLOCKS ? round : (seed * 7u + round * (2u * seed + 1u)) % NBLOCKS;
		uint64_t ipa = BASE + (uint64_t)b * BLOCK + (round * 4096u) % BLOCK;
		bool first_use = ram_scrub_fault(&scrub, ipa);
		(void)first_use;
		if (__atomic_load_n(&ram.maps[b], __ATOMIC_ACQUIRE) == 0)
			__atomic_fetch_add(&not_mapped_on_return, 1, __ATOMIC_RELAXED);
		if (round % 5 == 0)
			ram_scrub_range(&scrub, ipa, 3 * BLOCK); /* karasu's own access, across blocks */
	}
	return NULL;
}

static void test_concurrent_faults(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	not_mapped_on_return = 0;
	pthread_barrier_init(&start_together, NULL, THREADS);
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fault_everywhere, (void *)(uintptr_t)(i + 1)),
		                 0);
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start_together);
	for (unsigned b = 0; b < NBLOCKS; b++) {
		assert_int_equal(ram.scrubs[b], 1);
		assert_int_equal(ram.maps[b], 1);
	}
	assert_int_equal(ram.bad_order, 0);
	assert_int_equal(not_mapped_on_return, 0);
	assert_int_equal(ram_scrub_clean_blocks(&scrub), NBLOCKS);
}

static void test_fault_outside_ram_or_mapped(void **state)
{
	(void)state;
	assert_false(ram_scrub_fault(&scrub, BASE - 1));
	assert_false(ram_scrub_fault(&scrub, BASE + NBLOCKS * BLOCK));
	assert_false(ram_scrub_fault(&scrub, 0x09000000)); /* a device: not RAM */
	assert_true(ram_scrub_fault(&scrub, BASE + 5 * BLOCK + 8));
	assert_false(
	    ram_scrub_fault(&scrub, BASE + 5 * BLOCK + 16)); /* mapped now: the fault is something else */
	assert_int_equal(ram.scrubs[5], 1);
	assert_int_equal(ram_scrub_clean_blocks(&scrub), 1);
}

static void test_range_touches_every_block(void **state)
{
	(void)state;
	ram_scrub_range(&scrub, BASE + BLOCK - 1, 2); /* the last byte of block 0 and the first of block 1 */
	assert_int_equal(ram.maps[0], 1);
	assert_int_equal(ram.maps[1], 1);
	assert_int_equal(ram.maps[2], 0);
	ram_scrub_range(&scrub, BASE + (NBLOCKS - 1) * BLOCK, 10 * BLOCK); /* clipped at the end of RAM */
	assert_int_equal(ram.maps[NBLOCKS - 1], 1);
	ram_scrub_range(&scrub, BASE, 0); /* empty */
	assert_int_equal(ram_scrub_clean_blocks(&scrub), 3);
}

/* A file covering blocks 2 and 3 whole and parts of 1 and 4: the whole blocks are never scrubbed when the
 * read works, the edges are. */
static void test_overwrite(void **state)
{
	(void)state;
	uint64_t ipa = BASE + BLOCK + BLOCK / 2, size = 3 * BLOCK;
	ram_scrub_overwrite_begin(&scrub, ipa, size);
	assert_int_equal(ram.scrubs[1], 1);
	assert_int_equal(ram.scrubs[4], 1);
	assert_int_equal(ram.maps[2] + ram.maps[3], 0); /* claimed, not visible yet */
	ram_scrub_overwrite_end(&scrub, ipa, size, true);
	assert_int_equal(ram.scrubs[2] + ram.scrubs[3], 0);
	assert_int_equal(ram.maps[2], 1);
	assert_int_equal(ram.maps[3], 1);
	assert_int_equal(ram.bad_order, 2); /* mapped without a scrub: the file replaced every byte */
	/* A failed read: the claimed blocks are scrubbed before they are mapped. */
	ipa = BASE + 10 * BLOCK;
	ram_scrub_overwrite_begin(&scrub, ipa, 2 * BLOCK);
	ram_scrub_overwrite_end(&scrub, ipa, 2 * BLOCK, false);
	assert_int_equal(ram.scrubs[10], 1);
	assert_int_equal(ram.scrubs[11], 1);
	assert_int_equal(ram.maps[10], 1);
	assert_int_equal(ram.bad_order, 2);
	/* A block mapped already stays as it is. */
	ram_scrub_overwrite_begin(&scrub, BASE + 2 * BLOCK, BLOCK);
	ram_scrub_overwrite_end(&scrub, BASE + 2 * BLOCK, BLOCK, true);
	assert_int_equal(ram.maps[2], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_concurrent_faults, setup),
	    cmocka_unit_test_setup(test_fault_outside_ram_or_mapped, setup),
	    cmocka_unit_test_setup(test_range_touches_every_block, setup),
	    cmocka_unit_test_setup(test_overwrite, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
