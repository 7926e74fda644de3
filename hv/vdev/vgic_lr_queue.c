/* Per-vCPU pending-interrupt queue and list-register fill/spill (see vgic_lr_queue.h). */
#if defined(__aarch64__)
/* Inline LL/SC sequences: the hypervisor links without libgcc's out-of-line atomics. */
#pragma GCC target("no-outline-atomics")
#endif

#include "hv/vdev/vgic_lr_queue.h"

#include "lib/mem.h"

#define MAX_VALID_INTID 1019u /* 1020-1023 are special INTIDs */

static void lrq_lock(struct vgic_lr_queue *q)
{
	spin_lock(&q->lock);
}

static void lrq_unlock(struct vgic_lr_queue *q)
{
	spin_unlock(&q->lock);
}

unsigned vgic_lr_count_from_vtr(uint64_t ich_vtr)
{
	unsigned n = (unsigned)(ich_vtr & VGIC_VTR_LISTREGS_MASK) + 1u;
	return n > VGIC_LRQ_MAX_LRS ? VGIC_LRQ_MAX_LRS : n;
}

uint64_t vgic_lr_make(const struct vgic_lrq_irq *irq)
{
	uint64_t lr = (irq->intid & VGIC_LR_VINTID_MASK) |
	              ((uint64_t)irq->priority & VGIC_LR_PRIORITY_MASK) << VGIC_LR_PRIORITY_SHIFT |
	              VGIC_LR_STATE_PENDING << VGIC_LR_STATE_SHIFT;
	if (irq->group1)
		lr |= VGIC_LR_GROUP1;
	if (irq->hw)
		lr |= VGIC_LR_HW | ((uint64_t)irq->pintid & VGIC_LR_PINTID_MASK) << VGIC_LR_PINTID_SHIFT;
	else if (irq->eoi_notify)
		lr |= VGIC_LR_EOI;
	return lr;
}

static uint64_t lr_state(uint64_t lr)
{
	return (lr >> VGIC_LR_STATE_SHIFT) & VGIC_LR_STATE_MASK;
}

static uint32_t lr_mask(const struct vgic_lr_queue *q)
{
	return (uint32_t)((1ull << q->lr_count) - 1u);
}

bool vgic_lrq_init(struct vgic_lr_queue *q, const struct vgic_lr_ops *ops, unsigned lr_count)
{
	if (!q || !ops || !ops->read_lr || !ops->write_lr || !ops->read_elrsr || !ops->set_underflow_irq)
		return false;
	k_memset(q, 0, sizeof(*q));
	spinlock_init(&q->lock, LOCK_CLASS_LR_QUEUE);
	q->ops = *ops;
	if (lr_count < 1)
		lr_count = 1;
	if (lr_count > VGIC_LRQ_MAX_LRS)
		lr_count = VGIC_LRQ_MAX_LRS;
	q->lr_count = lr_count;
	for (unsigned i = 0; i < lr_count; i++)
		q->ops.write_lr(q->ops.ctx, i, 0);
	q->ops.set_underflow_irq(q->ops.ctx, false);
	return true;
}

/* (priority, seq) order: lower priority value first, then earlier arrival. */
static bool before(const struct vgic_lrq_entry *a, const struct vgic_lrq_entry *b)
{
	if (a->irq.priority != b->irq.priority)
		return a->irq.priority < b->irq.priority;
	return (int32_t)(a->seq - b->seq) < 0;
}

static void insert_sorted(struct vgic_lr_queue *q, const struct vgic_lrq_entry *e)
{
	unsigned pos = q->count;
	while (pos > 0 && before(e, &q->entries[pos - 1])) {
		q->entries[pos] = q->entries[pos - 1];
		pos--;
	}
	q->entries[pos] = *e;
	q->count++;
}

static void remove_at(struct vgic_lr_queue *q, unsigned pos)
{
	for (unsigned i = pos; i + 1 < q->count; i++)
		q->entries[i] = q->entries[i + 1];
	q->count--;
}

bool vgic_lrq_push(struct vgic_lr_queue *q, const struct vgic_lrq_irq *irq)
{
	if (irq->intid > MAX_VALID_INTID)
		return false;
	bool ok = true;
	lrq_lock(q);
	for (unsigned i = 0; i < q->lr_count; i++) {
		if ((q->lr_used & (1u << i)) && q->lr_entry[i].irq.intid == irq->intid)
			goto out; /* already in a list register */
	}
	for (unsigned i = 0; i < q->count; i++) {
		if (q->entries[i].irq.intid != irq->intid)
			continue;
		struct vgic_lrq_entry e = q->entries[i];
		if (irq->priority < e.irq.priority) {
			e.irq.priority = irq->priority;
			remove_at(q, i);
			insert_sorted(q, &e);
		}
		goto out;
	}
	if (q->count >= VGIC_LRQ_CAPACITY) {
		/* Cannot happen (one entry per INTID, capacity = all modelled INTIDs) unless a caller pushes INTIDs
		 * beyond the model; refuse rather than overwrite. */
		ok = false;
		goto out;
	}
	struct vgic_lrq_entry e = {.irq = *irq, .seq = q->next_seq++};
	insert_sorted(q, &e);
out:
	lrq_unlock(q);
	return ok;
}

/* The list registers are this PE's own, and lr_used/lr_entry are written only here and in vgic_lrq_flush,
 * on the same PE: the owner reads them without the lock and touches the list registers outside it. The lock
 * covers what vgic_lrq_push (any PE) reads or changes. On QEMU each list-register access takes the
 * emulator's global lock; holding the queue lock meanwhile made pushers from other PEs (who hold the vgic
 * lock) spin behind it. */
void vgic_lrq_sync(struct vgic_lr_queue *q)
{
	uint32_t done[VGIC_LRQ_MAX_LRS];
	unsigned ndone = 0;
	uint32_t used = q->lr_used, finished = 0;
	if (!used)
		return;
	uint32_t empty = q->ops.read_elrsr(q->ops.ctx);
	for (unsigned i = 0; i < q->lr_count; i++) {
		uint32_t bit = 1u << i;
		if (!(used & bit))
			continue;
		if (!(empty & bit) && lr_state(q->ops.read_lr(q->ops.ctx, i)) != VGIC_LR_STATE_INVALID)
			continue; /* still pending and/or active: the hardware keeps it */
		/* Clear it: an invalid LR with the EOI bit would keep the EOI maintenance interrupt (ICH_EISR_EL2)
		 * asserted. */
		q->ops.write_lr(q->ops.ctx, i, 0);
		finished |= bit;
		done[ndone++] = q->lr_entry[i].irq.intid;
	}
	if (finished) {
		lrq_lock(q);
		q->lr_used &= ~finished;
		q->completed += ndone;
		lrq_unlock(q);
	}
	if (q->ops.irq_done)
		for (unsigned i = 0; i < ndone; i++)
			q->ops.irq_done(q->ops.ctx, done[i]);
}

/* An LR to give to `head` when none is free: the least urgent LR that is only pending and less urgent than
 * head. -1 if none. */
static int find_victim(struct vgic_lr_queue *q, const struct vgic_lrq_entry *head)
{
	int victim = -1;
	for (unsigned i = 0; i < q->lr_count; i++) {
		if (!(q->lr_used & (1u << i)))
			continue;
		uint64_t lr = q->ops.read_lr(q->ops.ctx, i);
		if (lr_state(lr) != VGIC_LR_STATE_PENDING)
			continue;
		const struct vgic_lrq_entry *cand = &q->lr_entry[i];
		if (!(head->irq.priority < cand->irq.priority))
			continue;
		if (victim < 0 || before(&q->lr_entry[victim], cand))
			victim = (int)i;
	}
	return victim;
}

struct lr_writes {
	unsigned n;
	unsigned slot[VGIC_LRQ_MAX_LRS];
	uint64_t value[VGIC_LRQ_MAX_LRS];
};

static void write_pending(struct vgic_lr_queue *q, struct lr_writes *w)
{
	for (unsigned i = 0; i < w->n; i++)
		q->ops.write_lr(q->ops.ctx, w->slot[i], w->value[i]);
	w->n = 0;
}

void vgic_lrq_flush(struct vgic_lr_queue *q)
{
	vgic_lrq_sync(q);
	struct lr_writes w = {0};
	lrq_lock(q);
	while (q->count > 0) {
		uint32_t free = lr_mask(q) & ~q->lr_used;
		unsigned slot;
		if (free) {
			slot = (unsigned)__builtin_ctz(free);
		} else {
			/* All LRs busy (rare): the victim search reads them, so what this flush assigned goes out first. */
			write_pending(q, &w);
			int victim = find_victim(q, &q->entries[0]);
			if (victim < 0)
				break;
			slot = (unsigned)victim;
			/* Take it back before reusing the LR (the guest is not running: no race with the CPU). */
			q->ops.write_lr(q->ops.ctx, slot, 0);
			q->lr_used &= ~(1u << slot);
			struct vgic_lrq_entry back = q->lr_entry[slot];
			struct vgic_lrq_entry head = q->entries[0];
			remove_at(q, 0);
			insert_sorted(q, &back);
			insert_sorted(q, &head); /* stays first: more urgent than back */
			q->evictions++;
		}
		q->lr_entry[slot] = q->entries[0];
		remove_at(q, 0);
		w.slot[w.n] = slot;
		w.value[w.n++] = vgic_lr_make(&q->lr_entry[slot].irq);
		q->lr_used |= 1u << slot;
		q->injected++;
	}
	bool more = q->count > 0;
	if (more)
		q->underflows++;
	lrq_unlock(q);
	/* A push that comes in now sees the INTIDs above as in their LRs already; they are, before the guest runs. */
	write_pending(q, &w);
	q->ops.set_underflow_irq(q->ops.ctx, more);
}

unsigned vgic_lrq_queued(struct vgic_lr_queue *q)
{
	lrq_lock(q);
	unsigned n = q->count;
	lrq_unlock(q);
	return n;
}

bool vgic_lrq_has_pending(struct vgic_lr_queue *q)
{
	bool pending = false;
	lrq_lock(q);
	if (q->count > 0)
		pending = true;
	for (unsigned i = 0; !pending && i < q->lr_count; i++)
		if ((q->lr_used & (1u << i)) &&
		    (lr_state(q->ops.read_lr(q->ops.ctx, i)) & VGIC_LR_STATE_PENDING))
			pending = true;
	lrq_unlock(q);
	return pending;
}
