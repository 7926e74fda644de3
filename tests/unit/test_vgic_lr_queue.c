/* Unit tests for hv/arch/arm64/vgic_lr_queue.c against fake list registers, and together with the vgic
 * model (level re-delivery through irq_done). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "hv/vdev/vgic_lr_queue.h"
#include "hv/vdev/vgic.h"
#include "hv/vdev/vgicd.h"
#include "hv/vdev/vgicr.h"

/* Fake CPU interface: LR contents, UIE and a log of finished INTIDs. */
struct fake_cpu {
	uint64_t lr[16];
	bool uie;
	uint32_t done[1024];
	unsigned ndone;
	uint32_t written[1024]; /* INTIDs written into LRs (non-zero writes), in order */
	unsigned nwritten;
	struct vgic *vgic; /* when set, irq_done is forwarded to the model */
	unsigned vcpu;
};

static uint64_t f_read_lr(void *ctx, unsigned i)
{
	return ((struct fake_cpu *)ctx)->lr[i];
}

static void f_write_lr(void *ctx, unsigned i, uint64_t v)
{
	struct fake_cpu *c = ctx;
	c->lr[i] = v;
	if (v && c->nwritten < 1024)
		c->written[c->nwritten++] = (uint32_t)(v & 0xffffffffu);
}

static uint32_t f_read_elrsr(void *ctx)
{
	struct fake_cpu *c = ctx;
	uint32_t m = 0;
	for (unsigned i = 0; i < 16; i++)
		if ((c->lr[i] >> 62) == 0)
			m |= 1u << i;
	return m;
}

static void f_set_uie(void *ctx, bool en)
{
	((struct fake_cpu *)ctx)->uie = en;
}

static void f_done(void *ctx, uint32_t intid)
{
	struct fake_cpu *c = ctx;
	c->done[c->ndone++] = intid;
	if (c->vgic)
		vgic_irq_done(c->vgic, c->vcpu, intid);
}

static struct vgic_lr_queue q;
static struct fake_cpu cpu;

static void setup_q(unsigned lrs)
{
	memset(&cpu, 0, sizeof(cpu));
	for (unsigned i = 0; i < 16; i++)
		cpu.lr[i] = 0xffffull << 48; /* garbage: init must clear the LRs it owns */
	struct vgic_lr_ops ops = {&cpu, f_read_lr, f_write_lr, f_read_elrsr, f_set_uie, f_done};
	assert_true(vgic_lrq_init(&q, &ops, lrs));
	for (unsigned i = 0; i < lrs; i++)
		assert_int_equal(cpu.lr[i], 0);
}

static void push(uint32_t intid, uint8_t prio)
{
	struct vgic_lrq_irq irq = {.intid = intid, .priority = prio, .group1 = true};
	assert_true(vgic_lrq_push(&q, &irq));
}

static uint32_t lr_intid(unsigned i)
{
	return (uint32_t)(cpu.lr[i] & 0xffffffffu);
}

static unsigned lr_state(unsigned i)
{
	return (unsigned)(cpu.lr[i] >> 62);
}

/* The guest acknowledges the most urgent pending LR and completes it (like IAR + EOIR with EOImode 0).
 * Returns the INTID or 1023 if nothing is pending. */
static uint32_t guest_take_one(unsigned lrs)
{
	int best = -1;
	for (unsigned i = 0; i < lrs; i++) {
		if (lr_state(i) != 1)
			continue;
		uint8_t p = (uint8_t)(cpu.lr[i] >> 48);
		if (best < 0 || p < (uint8_t)(cpu.lr[best] >> 48))
			best = (int)i;
	}
	if (best < 0)
		return 1023;
	uint32_t id = lr_intid((unsigned)best);
	cpu.lr[best] &= ~(3ull << 62);
	return id;
}

static void test_lr_encoding(void **state)
{
	(void)state;
	assert_int_equal(vgic_lr_count_from_vtr(0x90000003ull), 4);
	assert_int_equal(vgic_lr_count_from_vtr(0x0), 1);
	assert_int_equal(vgic_lr_count_from_vtr(0x1f), 16); /* capped */
	/* vtimer: vINTID 27, HW, pINTID 27, priority 0xa0, group 1, pending. */
	struct vgic_lrq_irq t = {.intid = 27, .priority = 0xa0, .group1 = true, .hw = true, .pintid = 27};
	assert_int_equal(vgic_lr_make(&t), 27ull | (27ull << 32) | (0xa0ull << 48) | (1ull << 60) |
	                                       (1ull << 61) | (1ull << 62));
	/* Software level interrupt with EOI maintenance, group 0. */
	struct vgic_lrq_irq s = {.intid = 33, .priority = 0x10, .eoi_notify = true};
	assert_int_equal(vgic_lr_make(&s), 33ull | (1ull << 41) | (0x10ull << 48) | (1ull << 62));
	/* EOI is meaningless with HW = 1. */
	t.eoi_notify = true;
	assert_int_equal(vgic_lr_make(&t) & (1ull << 41), 0);
}

static void test_priority_order_two_lrs(void **state)
{
	(void)state;
	setup_q(2);
	const uint8_t prios[10] = {0xa0, 0x20, 0x80, 0x20, 0xf0, 0x00, 0x80, 0x40, 0xa0, 0x20};
	for (unsigned i = 0; i < 10; i++)
		push(40 + i, prios[i]);
	assert_int_equal(vgic_lrq_queued(&q), 10);
	unsigned n = 0;
	uint8_t last_prio = 0;
	for (int round = 0; round < 20 && n < 10; round++) {
		vgic_lrq_flush(&q);
		assert_int_equal(cpu.uie, vgic_lrq_queued(&q) > 0);
		uint32_t id = guest_take_one(2);
		if (id != 1023) {
			/* The guest sees them in priority order (ties: whatever its LR choice is). */
			assert_true(prios[id - 40] >= last_prio);
			last_prio = prios[id - 40];
			n++;
		}
	}
	vgic_lrq_flush(&q);
	assert_int_equal(n, 10);
	/* They went into the LRs by priority, FIFO among equals: 45 (0x00), 41, 43, 49 (0x20), 47 (0x40), 42, 46
	 * (0x80), 40, 48 (0xa0), 44 (0xf0). */
	const uint32_t expect[10] = {45, 41, 43, 49, 47, 42, 46, 40, 48, 44};
	assert_int_equal(cpu.nwritten, 10);
	assert_memory_equal(cpu.written, expect, sizeof(expect));
	assert_int_equal(cpu.ndone, 10);
	assert_false(cpu.uie);
	assert_false(vgic_lrq_has_pending(&q));
	assert_int_equal(q.injected, 10);
}

/* Many interrupts, few LRs, interrupts arriving while others are in flight: nothing lost or duplicated. */
static void run_storm(unsigned lrs)
{
	setup_q(lrs);
	unsigned seen[300] = {0};
	uint32_t rng = 12345;
	unsigned pushed = 0;
	for (int round = 0; round < 5000; round++) {
		/* Up to 3 new interrupts per round, never re-pushing one still in flight (like the vgic model). */
		for (int k = 0; k < 3 && pushed < 280; k++) {
			rng = rng * 1103515245u + 12345u;
			if ((rng >> 16) & 1) {
				push(32 + pushed, (uint8_t)((rng >> 8) & 0xf0));
				pushed++;
			}
		}
		vgic_lrq_flush(&q);
		/* UIE is on exactly when something is left waiting. */
		assert_int_equal(cpu.uie, vgic_lrq_queued(&q) > 0);
		/* The guest handles one or two, sometimes leaving one active for a while. */
		rng = rng * 1103515245u + 12345u;
		unsigned take = 1 + ((rng >> 20) & 1);
		for (unsigned t = 0; t < take; t++)
			guest_take_one(lrs);
		vgic_lrq_sync(&q);
		if (pushed >= 280 && vgic_lrq_queued(&q) == 0 && !vgic_lrq_has_pending(&q))
			break;
	}
	vgic_lrq_flush(&q);
	for (unsigned i = 0; i < cpu.ndone; i++) {
		assert_true(cpu.done[i] >= 32 && cpu.done[i] < 32 + 280);
		seen[cpu.done[i] - 32]++;
	}
	assert_int_equal(pushed, 280);
	for (unsigned i = 0; i < 280; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(cpu.ndone, 280);
	assert_false(cpu.uie);
	assert_true(q.underflows > 0);
}

static void test_storm_two_lrs(void **state)
{
	(void)state;
	run_storm(2);
}

static void test_storm_four_lrs(void **state)
{
	(void)state;
	run_storm(4);
}

static void test_eviction_and_active(void **state)
{
	(void)state;
	setup_q(2);
	push(50, 0x80);
	push(51, 0x90);
	vgic_lrq_flush(&q);
	assert_int_equal(lr_intid(0), 50);
	assert_int_equal(lr_intid(1), 51);
	assert_false(cpu.uie);
	/* A more urgent one displaces the least urgent pending LR (51); 51 goes back to the queue. */
	push(52, 0x10);
	vgic_lrq_flush(&q);
	assert_int_equal(lr_intid(0), 50);
	assert_int_equal(lr_intid(1), 52);
	assert_int_equal(q.evictions, 1);
	assert_int_equal(vgic_lrq_queued(&q), 1);
	assert_true(cpu.uie);
	/* Active LRs are never displaced: the guest takes 52 (active, not EOId) and 50 is made active too. */
	cpu.lr[1] = (cpu.lr[1] & ~(3ull << 62)) | (2ull << 62);
	cpu.lr[0] = (cpu.lr[0] & ~(3ull << 62)) | (2ull << 62);
	push(53, 0x00);
	vgic_lrq_flush(&q);
	assert_int_equal(lr_intid(0), 50);
	assert_int_equal(lr_intid(1), 52);
	assert_int_equal(lr_state(0), 2); /* preserved */
	assert_int_equal(lr_state(1), 2);
	assert_int_equal(vgic_lrq_queued(&q), 2);
	assert_true(cpu.uie);
	assert_true(vgic_lrq_has_pending(&q));
	/* Pending+active is preserved by sync as well. */
	cpu.lr[0] |= 1ull << 62;
	vgic_lrq_sync(&q);
	assert_int_equal(lr_state(0), 3);
	assert_int_equal(cpu.ndone, 0);
	/* Guest deactivates 52: sync clears the LR (EOI bit and all), the flush refills with 53 first. */
	cpu.lr[1] &= ~(3ull << 62);
	cpu.lr[1] |= VGIC_LR_EOI;
	vgic_lrq_sync(&q);
	assert_int_equal(cpu.lr[1], 0);
	vgic_lrq_flush(&q);
	assert_int_equal(cpu.ndone, 1);
	assert_int_equal(cpu.done[0], 52);
	assert_int_equal(lr_intid(1), 53);
	assert_int_equal(vgic_lrq_queued(&q), 1);
	/* Duplicates: 51 is queued; pushing it again with a more urgent priority moves it up, no copy. */
	push(51, 0x05);
	push(51, 0x70);
	assert_int_equal(vgic_lrq_queued(&q), 1);
	assert_int_equal(q.entries[0].irq.priority, 0x05);
	/* 53 is in an LR: pushing it again adds nothing. */
	push(53, 0x00);
	assert_int_equal(vgic_lrq_queued(&q), 1);
	struct vgic_lrq_irq bad = {.intid = 1020};
	assert_false(vgic_lrq_push(&q, &bad));
}

static void test_init_ops(void **state)
{
	(void)state;
	struct vgic_lr_ops ops = {&cpu, f_read_lr, f_write_lr, NULL, f_set_uie, NULL};
	assert_false(vgic_lrq_init(&q, &ops, 4));
	ops.read_elrsr = f_read_elrsr;
	assert_true(vgic_lrq_init(&q, &ops, 0));
	assert_int_equal(q.lr_count, 1);
	assert_true(vgic_lrq_init(&q, &ops, 99));
	assert_int_equal(q.lr_count, 16);
	/* Full with VGIC_LRQ_CAPACITY distinct INTIDs (more than the vgic model ever delivers): refused, and the
	 * queued ones are intact. */
	for (uint32_t i = 0; i < VGIC_LRQ_CAPACITY; i++) {
		struct vgic_lrq_irq irq = {.intid = i, .priority = (uint8_t)i};
		assert_true(vgic_lrq_push(&q, &irq));
	}
	struct vgic_lrq_irq extra = {.intid = 1000};
	assert_false(vgic_lrq_push(&q, &extra));
	assert_int_equal(vgic_lrq_queued(&q), VGIC_LRQ_CAPACITY);
	struct vgic_lrq_irq again = {.intid = 5, .priority = 0};
	assert_true(vgic_lrq_push(&q, &again)); /* an INTID already queued is still fine */
}

/* The model and the queue together, as the interrupt-controller binding (hv/core/devices/irqchip.c) wires them. */
static struct vgic_lr_queue queues[2];
static struct fake_cpu cpus[2];

static void deliver_to_queue(void *ctx, unsigned vcpu, uint32_t intid, uint8_t prio, bool group1)
{
	(void)ctx;
	struct vgic_lrq_irq irq = {.intid = intid, .priority = prio, .group1 = group1};
	irq.eoi_notify = vgic_irq_is_level_locked(ctx, vcpu, intid);
	if (intid == VGIC_VTIMER_INTID) {
		irq.hw = true;
		irq.pintid = VGIC_VTIMER_INTID;
	}
	assert_true(vgic_lrq_push(&queues[vcpu], &irq));
}

static void test_with_vgic(void **state)
{
	(void)state;
	static struct vgic vg;
	struct vgic_hooks hooks = {.ctx = &vg, .deliver = deliver_to_queue};
	assert_true(vgic_init(&vg, 2, NULL, 32, &hooks));
	for (unsigned c = 0; c < 2; c++) {
		memset(&cpus[c], 0, sizeof(cpus[c]));
		cpus[c].vgic = &vg;
		cpus[c].vcpu = c;
		struct vgic_lr_ops ops = {&cpus[c], f_read_lr, f_write_lr, f_read_elrsr, f_set_uie, f_done};
		assert_true(vgic_lrq_init(&queues[c], &ops, 2));
	}
	assert_true(vgicd_mmio_write(&vg, 0, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1));
	assert_true(vgicd_mmio_write(&vg, 0, GICD_IGROUPR + 4, 4, 0xffffffffu));
	assert_true(vgicd_mmio_write(&vg, 0, GICD_ISENABLER + 4, 4, 1u << 1)); /* INTID 33, level */
	assert_true(vgicr_mmio_write(&vg, 0, 0x20000 + VGICR_SGI_BASE + GICR_IGROUPR0, 4, 0xffffffffu));
	assert_true(vgicr_mmio_write(&vg, 0, 0x20000 + VGICR_SGI_BASE + GICR_ISENABLER0, 4, 1u << 27));
	/* Level SPI 33 (to vCPU 0): delivered, taken, still high when finished -> delivered again. */
	assert_true(vgic_set_level(&vg, 0, 33, true));
	vgic_lrq_flush(&queues[0]);
	assert_int_equal(cpus[0].lr[0] & 0xffffffffu, 33);
	assert_true(cpus[0].lr[0] & VGIC_LR_EOI); /* level: EOI maintenance requested */
	cpus[0].lr[0] &= ~(3ull << 62);           /* guest EOIs */
	vgic_lrq_flush(&queues[0]); /* sync reports done; the model re-delivers; flush places it */
	assert_int_equal(cpus[0].ndone, 1);
	assert_int_equal(cpus[0].lr[0] >> 62, 1);
	assert_int_equal(cpus[0].lr[0] & 0xffffffffu, 33);
	assert_true(vgic_set_level(&vg, 0, 33, false));
	cpus[0].lr[0] &= ~(3ull << 62);
	vgic_lrq_flush(&queues[0]);
	assert_int_equal(cpus[0].ndone, 2);
	assert_false(vgic_lrq_has_pending(&queues[0]));
	/* Virtual timer on vCPU 1 goes out with HW = 1, pINTID 27. */
	assert_true(vgic_set_level(&vg, 1, 27, true));
	vgic_lrq_flush(&queues[1]);
	uint64_t lr = cpus[1].lr[0];
	assert_int_equal(lr & 0xffffffffu, 27);
	assert_true(lr & VGIC_LR_HW);
	assert_int_equal((lr >> 32) & 0x1fff, 27);
	assert_int_equal(cpus[0].lr[1] >> 62, 0); /* nothing leaked to vCPU 0 */
	/* SGIs from vCPU 0 to vCPU 1 through the queue. */
	assert_true(vgicr_mmio_write(&vg, 0, 0x20000 + VGICR_SGI_BASE + GICR_ISENABLER0, 4, 0xffffu));
	uint32_t targets;
	for (uint32_t sgi = 0; sgi < 16; sgi++)
		vgic_sgi_generate(&vg, 0, ((uint64_t)sgi << 24) | 0x2, &targets);
	unsigned got = 0;
	for (int round = 0; round < 40; round++) {
		vgic_lrq_flush(&queues[1]);
		for (unsigned i = 0; i < 2; i++) {
			if ((cpus[1].lr[i] >> 62) == 1 && (cpus[1].lr[i] & 0xffffffffu) < 16) {
				assert_false(cpus[1].lr[i] & VGIC_LR_EOI); /* SGIs are edge */
				cpus[1].lr[i] &= ~(3ull << 62);
				got++;
			}
		}
	}
	assert_int_equal(got, 16);
}

/* Other PEs push while the vCPU's PE flushes, runs the guest and syncs: nothing lost or duplicated. */
#define PUSHERS           3
#define PUSHES_PER_THREAD 90

static unsigned pushers_finished;

static void *pusher(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg;
	for (unsigned i = 0; i < PUSHES_PER_THREAD; i++) {
		struct vgic_lrq_irq irq = {.intid = 32 + t * PUSHES_PER_THREAD + i,
		                           .priority = (uint8_t)(i * 16)};
		vgic_lrq_push(&q, &irq);
	}
	__atomic_fetch_add(&pushers_finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_concurrent_push(void **state)
{
	(void)state;
	setup_q(4);
	pushers_finished = 0;
	pthread_t t[PUSHERS];
	for (unsigned i = 0; i < PUSHERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, pusher, (void *)(uintptr_t)i), 0);
	/* The vCPU's PE keeps running until every pusher is done (however late the scheduler starts them) and
	 * everything pushed was taken; the round bound only stops a broken queue from hanging the test. */
	unsigned rounds = 0;
	while ((__atomic_load_n(&pushers_finished, __ATOMIC_ACQUIRE) < PUSHERS ||
	        cpu.ndone < PUSHERS * PUSHES_PER_THREAD) &&
	       rounds++ < 50000000) {
		vgic_lrq_flush(&q);
		guest_take_one(4);
		guest_take_one(4);
		vgic_lrq_sync(&q);
	}
	for (unsigned i = 0; i < PUSHERS; i++)
		pthread_join(t[i], NULL);
	vgic_lrq_flush(&q);
	assert_int_equal(cpu.ndone, PUSHERS * PUSHES_PER_THREAD);
	static unsigned seen[PUSHERS * PUSHES_PER_THREAD];
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < cpu.ndone; i++)
		seen[cpu.done[i] - 32]++;
	for (unsigned i = 0; i < PUSHERS * PUSHES_PER_THREAD; i++)
		assert_int_equal(seen[i], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lr_encoding),         cmocka_unit_test(test_priority_order_two_lrs),
	    cmocka_unit_test(test_storm_two_lrs),       cmocka_unit_test(test_storm_four_lrs),
	    cmocka_unit_test(test_eviction_and_active), cmocka_unit_test(test_init_ops),
	    cmocka_unit_test(test_with_vgic),           cmocka_unit_test(test_concurrent_push),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
