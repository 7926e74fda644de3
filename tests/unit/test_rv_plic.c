/* Unit tests for rv/system/dev/plic.c. Offsets are the riscv-plic-1.0.0 specification's, written out
 * literally: priority 0x0 + 4*src, pending 0x1000, enables 0x2000 + 0x80*ctx, threshold
 * 0x200000 + 0x1000*ctx, claim/complete 0x200004 + 0x1000*ctx. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rv/system/dev/plic.h"

#define HARTS    2u
#define CONTEXTS (2u * HARTS)

static struct rv_plic p;
static bool line[CONTEXTS];
static unsigned line_calls[CONTEXTS];

static void h_set_context(void *ctx, unsigned context, bool level)
{
	assert_ptr_equal(ctx, &p);
	assert_true(context < CONTEXTS);
	/* Only changes are reported. */
	assert_true(line[context] != level);
	line[context] = level;
	line_calls[context]++;
}

static void setup(void)
{
	memset(line, 0, sizeof(line));
	memset(line_calls, 0, sizeof(line_calls));
	struct rv_plic_hooks hooks = {.ctx = &p, .set_context = h_set_context};
	memset(&p, 0x5a, sizeof(p));
	assert_true(rv_plic_init(&p, HARTS, &hooks));
}

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeefcafeull;
	assert_int_equal(rv_plic_mmio_ops.read(&p, off, 4, &v), RV_MMIO_OK);
	assert_true(v <= 0xffffffffull);
	return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
	assert_int_equal(rv_plic_mmio_ops.write(&p, off, 4, v), RV_MMIO_OK);
}

static void set_priority(unsigned src, uint32_t prio)
{
	wr(4u * src, prio);
}

static void enable(unsigned ctx, unsigned src, bool on)
{
	uint64_t off = 0x2000u + 0x80u * ctx + 4u * (src / 32);
	uint32_t v = rd(off);
	v = on ? v | (1u << (src % 32)) : v & ~(1u << (src % 32));
	wr(off, v);
}

static void set_threshold(unsigned ctx, uint32_t t)
{
	wr(0x200000u + 0x1000u * ctx, t);
}

static uint32_t claim(unsigned ctx)
{
	return rd(0x200004u + 0x1000u * ctx);
}

static void complete(unsigned ctx, uint32_t src)
{
	wr(0x200004u + 0x1000u * ctx, src);
}

static bool is_pending(unsigned src)
{
	return (rd(0x1000u + 4u * (src / 32)) >> (src % 32)) & 1u;
}

static void test_init(void **state)
{
	(void)state;
	struct rv_plic q;
	assert_false(rv_plic_init(&q, 0, NULL));
	assert_false(rv_plic_init(&q, RV_VIRT_MAX_HARTS + 1, NULL));
	assert_true(rv_plic_init(&q, RV_VIRT_MAX_HARTS, NULL));
	assert_int_equal(q.n_contexts, 2 * RV_VIRT_MAX_HARTS);
	setup();
	for (unsigned src = 0; src < RV_VIRT_PLIC_SOURCES; src++)
		assert_int_equal(rd(4u * src), 0);
	for (unsigned w = 0; w < 3; w++) {
		assert_int_equal(rd(0x1000u + 4u * w), 0);
		for (unsigned c = 0; c < CONTEXTS; c++)
			assert_int_equal(rd(0x2000u + 0x80u * c + 4u * w), 0);
	}
	for (unsigned c = 0; c < CONTEXTS; c++) {
		assert_int_equal(rd(0x200000u + 0x1000u * c), 0);
		assert_int_equal(claim(c), 0);
	}
}

static void test_priority_warl(void **state)
{
	(void)state;
	setup();
	set_priority(1, 0xffffffff);
	assert_int_equal(rd(0x4), 7);
	set_priority(2, 0x0d);
	assert_int_equal(rd(0x8), 5);
	set_priority(95, 3);
	assert_int_equal(rd(4u * 95), 3);
	/* Source 0 does not exist: its priority stays 0. */
	set_priority(0, 7);
	assert_int_equal(rd(0x0), 0);
	/* Past the last source: reads 0, writes ignored. */
	set_priority(96, 7);
	assert_int_equal(rd(4u * 96), 0);
	assert_int_equal(rd(0xffc), 0);
	/* Thresholds are WARL the same way. */
	set_threshold(1, 0xfffffff9);
	assert_int_equal(rd(0x201000), 1);
}

static void test_enable_bits(void **state)
{
	(void)state;
	setup();
	/* Source 0's enable bit is hardwired to 0; sources 1..95 fill words 0..2. */
	wr(0x2000, 0xffffffff);
	assert_int_equal(rd(0x2000), 0xfffffffe);
	wr(0x2004, 0xffffffff);
	wr(0x2008, 0xffffffff);
	assert_int_equal(rd(0x2004), 0xffffffff);
	assert_int_equal(rd(0x2008), 0xffffffff);
	/* No word 3 for 96 sources. */
	wr(0x200c, 0xffffffff);
	assert_int_equal(rd(0x200c), 0);
	/* Contexts are independent. */
	assert_int_equal(rd(0x2080), 0);
	wr(0x2000 + 0x80 * 3, 0x12);
	assert_int_equal(rd(0x2000 + 0x80 * 3), 0x12);
	assert_int_equal(rd(0x2000 + 0x80 * 2), 0);
}

static void test_pending_read_only(void **state)
{
	(void)state;
	setup();
	wr(0x1000, 0xffffffff);
	assert_int_equal(rd(0x1000), 0);
	rv_plic_set_source(&p, 5, true);
	assert_int_equal(rd(0x1000), 1u << 5);
	rv_plic_set_source(&p, 95, true);
	assert_int_equal(rd(0x1008), 1u << 31);
	wr(0x1000, 0);
	assert_int_equal(rd(0x1000), 1u << 5);
	/* Out-of-range sources are ignored. */
	rv_plic_set_source(&p, 0, true);
	rv_plic_set_source(&p, 96, true);
	rv_plic_set_source(&p, 100000, true);
	assert_int_equal(rd(0x1000), 1u << 5);
	assert_int_equal(rd(0x1004), 0);
	assert_int_equal(rd(0x1008), 1u << 31);
	assert_int_equal(rd(0x100c), 0);
}

static void test_claim_order_and_ties(void **state)
{
	(void)state;
	setup();
	set_priority(3, 2);
	set_priority(7, 5);
	set_priority(9, 5);
	set_priority(40, 1);
	enable(1, 3, true);
	enable(1, 7, true);
	enable(1, 9, true);
	enable(1, 40, true);
	/* Raised in an order unlike the expected claims. */
	rv_plic_set_source(&p, 40, true);
	rv_plic_set_source(&p, 9, true);
	rv_plic_set_source(&p, 3, true);
	rv_plic_set_source(&p, 7, true);
	assert_true(line[1]);
	assert_false(line[0]);
	assert_int_equal(claim(1), 7);
	assert_false(is_pending(7));
	assert_int_equal(claim(1), 9); /* tie with 7 at priority 5: lower id went first */
	assert_int_equal(claim(1), 3);
	assert_true(line[1]);
	assert_int_equal(claim(1), 40); /* word 1 */
	assert_false(line[1]);
	assert_int_equal(claim(1), 0);
	assert_int_equal(p.claims, 4);
}

static void test_threshold_masks(void **state)
{
	(void)state;
	setup();
	set_priority(4, 3);
	enable(0, 4, true);
	rv_plic_set_source(&p, 4, true);
	assert_true(line[0]);
	/* Priority must be strictly above the threshold. */
	set_threshold(0, 3);
	assert_false(line[0]);
	assert_int_equal(claim(0), 0);
	assert_true(is_pending(4)); /* a masked claim leaves the pending bit */
	set_threshold(0, 2);
	assert_true(line[0]);
	/* Raising the priority above a higher threshold unmasks it too. */
	set_threshold(0, 6);
	assert_false(line[0]);
	set_priority(4, 7);
	assert_true(line[0]);
	/* Priority 0 never interrupts, whatever the threshold. */
	set_priority(4, 0);
	set_threshold(0, 0);
	assert_false(line[0]);
	assert_int_equal(claim(0), 0);
}

static void test_gateway_level(void **state)
{
	(void)state;
	setup();
	set_priority(10, 1);
	enable(0, 10, true);
	rv_plic_set_source(&p, 10, true);
	assert_int_equal(claim(0), 10);
	assert_false(line[0]);
	/* Claimed and not completed: the level is still high but the gateway holds it back. */
	rv_plic_set_source(&p, 10, true);
	assert_false(is_pending(10));
	assert_false(line[0]);
	/* Completion re-opens the gateway: the level is still high, so it is pending again. */
	complete(0, 10);
	assert_true(is_pending(10));
	assert_true(line[0]);
	assert_int_equal(claim(0), 10);
	/* The level drops while claimed: completion leaves nothing pending. */
	rv_plic_set_source(&p, 10, false);
	complete(0, 10);
	assert_false(is_pending(10));
	assert_false(line[0]);
	/* A request accepted before the level drops stays pending (riscv-plic: the handler then finds no
	 * work). */
	rv_plic_set_source(&p, 10, true);
	rv_plic_set_source(&p, 10, false);
	assert_true(is_pending(10));
	assert_int_equal(claim(0), 10);
	complete(0, 10);
	assert_false(is_pending(10));
}

static void test_complete_rules(void **state)
{
	(void)state;
	setup();
	set_priority(12, 1);
	enable(2, 12, true);
	rv_plic_set_source(&p, 12, true);
	assert_int_equal(claim(2), 12);
	/* A completion for a source not enabled for the context is ignored. */
	complete(3, 12);
	assert_false(is_pending(12));
	enable(2, 12, false);
	complete(2, 12);
	assert_false(is_pending(12));
	/* Ids 0 and out of range are ignored without harm. */
	complete(2, 0);
	complete(2, 96);
	complete(2, 0xffffffff);
	/* Enabled again: the completion counts. */
	enable(2, 12, true);
	complete(2, 12);
	assert_true(is_pending(12));
	assert_true(line[2]);
	/* A completion for an id that was not claimed changes nothing. */
	complete(2, 12);
	assert_true(is_pending(12));
	assert_int_equal(claim(2), 12);
}

static void test_contexts_and_lines(void **state)
{
	(void)state;
	setup();
	set_priority(20, 4);
	enable(1, 20, true); /* hart 0 S-mode */
	enable(3, 20, true); /* hart 1 S-mode */
	set_threshold(3, 4);
	rv_plic_set_source(&p, 20, true);
	assert_false(line[0]);
	assert_true(line[1]);
	assert_false(line[2]);
	assert_false(line[3]); /* masked by its threshold */
	set_threshold(3, 0);
	assert_true(line[3]);
	/* One context's claim takes it from all of them. */
	assert_int_equal(claim(3), 20);
	assert_false(line[1]);
	assert_false(line[3]);
	assert_int_equal(claim(1), 0);
	/* Completion from the other context (enabled there too) also re-opens the gateway. */
	complete(1, 20);
	assert_true(line[1]);
	assert_true(line[3]);
	/* Disabling drops the line. */
	enable(1, 20, false);
	assert_false(line[1]);
	assert_int_equal(line_calls[0], 0);
	assert_int_equal(line_calls[2], 0);
	assert_int_equal(line_calls[1], 4);
}

static void test_absent_contexts(void **state)
{
	(void)state;
	setup();
	/* Two harts: contexts 0..3 only. */
	wr(0x2000 + 0x80 * 4, 0xffffffff);
	assert_int_equal(rd(0x2000 + 0x80 * 4), 0);
	wr(0x200000 + 0x1000 * 4, 5);
	assert_int_equal(rd(0x200000 + 0x1000 * 4), 0);
	set_priority(2, 1);
	rv_plic_set_source(&p, 2, true);
	assert_int_equal(claim(4), 0);
	complete(4, 2);
	assert_int_equal(rd(0x200000 + 0x1000 * 63 + 4), 0);
	assert_int_equal(rd(0x5ffffc), 0);
	/* Reserved words between the blocks read 0 and ignore writes. */
	wr(0x1800, 1);
	assert_int_equal(rd(0x1800), 0);
	wr(0x200008, 1);
	assert_int_equal(rd(0x200008), 0);
	wr(0x1ffffc, 1);
	assert_int_equal(rd(0x1ffffc), 0);
	assert_true(is_pending(2));
}

static void test_access_errors(void **state)
{
	(void)state;
	setup();
	uint64_t v = 0;
	const unsigned bad_sizes[] = {1, 2, 8};
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(rv_plic_mmio_ops.read(&p, 0x4, bad_sizes[i], &v), RV_MMIO_ERROR);
		assert_int_equal(rv_plic_mmio_ops.write(&p, 0x4, bad_sizes[i], 7), RV_MMIO_ERROR);
	}
	assert_int_equal(rd(0x4), 0); /* the refused writes did nothing */
	assert_int_equal(rv_plic_mmio_ops.read(&p, 0x6, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_plic_mmio_ops.write(&p, 0x2001, 4, 1), RV_MMIO_ERROR);
	assert_int_equal(rv_plic_mmio_ops.read(&p, 0x600000, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_plic_mmio_ops.write(&p, 0x600000, 4, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_plic_mmio_ops.read(&p, UINT64_MAX - 3, 4, &v), RV_MMIO_ERROR);
	/* A claim by a refused 8-byte read does not happen. */
	set_priority(1, 1);
	enable(0, 1, true);
	rv_plic_set_source(&p, 1, true);
	assert_int_equal(rv_plic_mmio_ops.read(&p, 0x200004, 8, &v), RV_MMIO_ERROR);
	assert_true(is_pending(1));
}

static void test_irq_line_helper(void **state)
{
	(void)state;
	setup();
	struct rv_irq_line l = rv_plic_irq_line(&p, 33);
	assert_ptr_equal(l.ctx, &p);
	assert_int_equal(l.line, 33);
	assert_ptr_equal(l.set, rv_plic_irq_line_set);
	set_priority(33, 2);
	enable(0, 33, true);
	rv_irq_line_set(&l, true);
	assert_true(is_pending(33));
	assert_true(line[0]);
	assert_int_equal(claim(0), 33);
	rv_irq_line_set(&l, false);
	complete(0, 33);
	assert_false(is_pending(33));
	/* No hooks at all: the model still works. */
	struct rv_plic q;
	assert_true(rv_plic_init(&q, 1, NULL));
	rv_plic_set_source(&q, 1, true);
	assert_true(q.pending[0] & 2u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),
	    cmocka_unit_test(test_priority_warl),
	    cmocka_unit_test(test_enable_bits),
	    cmocka_unit_test(test_pending_read_only),
	    cmocka_unit_test(test_claim_order_and_ties),
	    cmocka_unit_test(test_threshold_masks),
	    cmocka_unit_test(test_gateway_level),
	    cmocka_unit_test(test_complete_rules),
	    cmocka_unit_test(test_contexts_and_lines),
	    cmocka_unit_test(test_absent_contexts),
	    cmocka_unit_test(test_access_errors),
	    cmocka_unit_test(test_irq_line_helper),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
