/* Per-vCPU queue of pending virtual interrupts and the GICv3 list registers (ICH_LR<n>_EL2) they go through.
 *
 * Interrupts wait in a priority-ordered queue (lower value = more urgent; FIFO among equals) and are moved
 * into free list registers before each guest entry. The queue holds every INTID at most once and has room for
 * all VGIC_LRQ_CAPACITY INTIDs, so nothing is ever dropped: when more interrupts are pending than there are
 * list registers, the rest stay queued and the underflow maintenance interrupt (ICH_HCR_EL2.UIE) is enabled,
 * so the hypervisor gets control back when the guest has drained the LRs and refills them. A queued interrupt
 * more urgent than an LR that is merely pending (not active) takes that LR; the evicted one goes back to the
 * queue.
 *
 * The vCPU code (hv/core/vcpu.c) calls, on the PE that runs the vCPU:
 *   vgic_lrq_sync()   right after every exit from the guest (LRs that became invalid = finished: irq_done);
 *   vgic_lrq_flush()  just before entering the guest: syncs first (so calling sync at exit is optional but
 *                     keeps the vgic model current), then fills LRs and sets/clears UIE;
 *   on the maintenance interrupt (underflow or EOI): nothing more, the flush before re-entry refills.
 * vgic_lrq_push() may be called from any PE (it takes the queue's spinlock); afterwards the vCPU must be
 * kicked (IPI) if it is running elsewhere, so that it exits and flushes.
 *
 * The module never touches system registers: the ops read/write the LRs and ICH_ELRSR_EL2, so the queue can be
 * tested against fake LRs, and another back end can plug in. The values the ops carry are in the GICv3
 * ICH_LR<n>_EL2 layout below (the queue's canonical form); a GICv2 back end (GICH_LR<n>, the same fields at
 * other positions) translates in its ops, as arch/arm64/gic_lr.c would for the v2 hypervisor interface.
 */
#ifndef KARASU_HV_VDEV_VGIC_LR_QUEUE_H
#define KARASU_HV_VDEV_VGIC_LR_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/base/spinlock.h"
#include "hv/vdev/vgic.h"

/* ICH_LR<n>_EL2 fields (GICv3 spec 12.5.x). */
#define VGIC_LR_VINTID_MASK          0xffffffffull /* vINTID [31:0] */
#define VGIC_LR_PINTID_SHIFT         32u           /* pINTID [44:32] when HW = 1 */
#define VGIC_LR_PINTID_MASK          0x1fffull
#define VGIC_LR_EOI                  (1ull << 41) /* HW = 0: EOI maintenance interrupt when deactivated */
#define VGIC_LR_PRIORITY_SHIFT       48u          /* Priority [55:48] */
#define VGIC_LR_PRIORITY_MASK        0xffull
#define VGIC_LR_GROUP1               (1ull << 60)
#define VGIC_LR_HW                   (1ull << 61)
#define VGIC_LR_STATE_SHIFT          62u /* State [63:62] */
#define VGIC_LR_STATE_MASK           0x3ull
#define VGIC_LR_STATE_INVALID        0x0ull
#define VGIC_LR_STATE_PENDING        0x1ull
#define VGIC_LR_STATE_ACTIVE         0x2ull
#define VGIC_LR_STATE_PENDING_ACTIVE 0x3ull

/* ICH_VTR_EL2.ListRegs [4:0] = number of list registers - 1. */
#define VGIC_VTR_LISTREGS_MASK 0x1fu
#define VGIC_LRQ_MAX_LRS       16u
#define VGIC_LRQ_CAPACITY      VGIC_MAX_INTID /* every modelled INTID fits at once */

/* The list-register hardware (or a fake) of ONE vCPU. */
struct vgic_lr_ops {
	void *ctx;
	uint64_t (*read_lr)(void *ctx, unsigned index);
	void (*write_lr)(void *ctx, unsigned index, uint64_t value);
	/* ICH_ELRSR_EL2: bit n set = LR n holds no interrupt (State invalid and HW=0 or already deactivated). */
	uint32_t (*read_elrsr)(void *ctx);
	/* Sets ICH_HCR_EL2.UIE (underflow maintenance interrupt) to enable. */
	void (*set_underflow_irq)(void *ctx, bool enable);
	/* intid left the list registers finished (deactivated by the guest). The interrupt-controller binding forwards it to vgic_irq_done().
	 * May be NULL. Called from vgic_lrq_sync without the queue lock held. */
	void (*irq_done)(void *ctx, uint32_t intid);
};

/* What is injected. */
struct vgic_lrq_irq {
	uint32_t intid; /* vINTID */
	uint8_t priority;
	bool group1;
	bool hw; /* HW=1: the physical interrupt pintid is deactivated with the virtual one (vtimer) */
	bool eoi_notify; /* HW=0 only: request an EOI maintenance interrupt (level-sensitive sources) */
	uint16_t pintid;
};

struct vgic_lrq_entry {
	struct vgic_lrq_irq irq;
	uint32_t seq; /* arrival order, for FIFO among equal priorities */
};

struct vgic_lr_queue {
	struct spinlock lock; /* LOCK_CLASS_LR_QUEUE */
	struct vgic_lr_ops ops;
	unsigned lr_count;                                /* 1..VGIC_LRQ_MAX_LRS */
	uint32_t lr_used;                                 /* bit n = LR n holds an interrupt we put there */
	uint32_t lr_intid[VGIC_LRQ_MAX_LRS];              /* what LR n holds */
	struct vgic_lrq_entry lr_entry[VGIC_LRQ_MAX_LRS]; /* what LR n holds (to requeue it on eviction) */
	unsigned count;                                   /* queued entries, sorted by (priority, seq) */
	uint32_t next_seq;
	struct vgic_lrq_entry entries[VGIC_LRQ_CAPACITY];
	/* Statistics. */
	uint64_t injected;   /* interrupts written into LRs */
	uint64_t completed;  /* LRs found finished by sync */
	uint64_t evictions;  /* pending LRs displaced by more urgent interrupts */
	uint64_t underflows; /* flushes that left interrupts queued (UIE enabled) */
};

/* Number of list registers from an ICH_VTR_EL2 value (ListRegs + 1), capped to VGIC_LRQ_MAX_LRS. */
unsigned vgic_lr_count_from_vtr(uint64_t ich_vtr);

/* Builds the ICH_LR value for irq in State pending. */
uint64_t vgic_lr_make(const struct vgic_lrq_irq *irq);

/* Empties the queue and takes ownership of lr_count LRs (1..VGIC_LRQ_MAX_LRS; out-of-range values are
 * clamped). Writes 0 to every LR and disables UIE. Returns false on NULL or missing ops. */
bool vgic_lrq_init(struct vgic_lr_queue *q, const struct vgic_lr_ops *ops, unsigned lr_count);

/* Queues irq (any PE). If the same INTID is already queued, the entry is kept (priority updated to the more
 * urgent one); if it is already in an LR, nothing is added (the vgic model does not re-deliver an interrupt
 * before vgic_irq_done). Returns false for an INTID >= 1020, or if VGIC_LRQ_CAPACITY distinct INTIDs are already
 * queued, which cannot happen for what the vgic model delivers (INTIDs < VGIC_MAX_INTID, each once). */
bool vgic_lrq_push(struct vgic_lr_queue *q, const struct vgic_lrq_irq *irq);

/* After a guest exit (PE of the vCPU): every LR we filled that is now invalid (ELRSR bit set or State 0) is
 * written to 0 (so its EOI bit stops asserting the EOI maintenance interrupt), released and reported through
 * irq_done; LRs still pending/active are left untouched. */
void vgic_lrq_sync(struct vgic_lr_queue *q);

/* Before guest entry (PE of the vCPU): vgic_lrq_sync(), then fills free LRs with the most urgent queued
 * interrupts, evicting pending-only LRs of lower urgency when all LRs are busy, then enables UIE iff
 * interrupts remain queued. */
void vgic_lrq_flush(struct vgic_lr_queue *q);

/* Interrupts waiting in the queue (not counting LRs). */
unsigned vgic_lrq_queued(struct vgic_lr_queue *q);
/* Whether the vCPU has anything to take: queued interrupts or an LR in pending state (for WFI: do not block
 * the vCPU while this is true). Reads the LRs, so call it on the vCPU's PE. */
bool vgic_lrq_has_pending(struct vgic_lr_queue *q);

#endif
