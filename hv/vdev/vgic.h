/* Virtual GIC for one partition: the shared interrupt state behind the emulated GICv3 distributor (vgicd.h) and
 * redistributors (vgicr.h), or behind the emulated GICv2 distributor (vgicd_v2.h); SGI generation and the
 * delivery decision.
 *
 * Model (GICv3 architecture spec, IHI 0069): a single security state (GICD_CTLR.DS = 1, ARE = 1, both
 * RAO/WI), no LPIs/ITS. Interrupt state per INTID: enabled, group, priority, configuration (level/edge), a
 * pending latch (edge events, ISPENDR writes, SGIs), the input line level (level-sensitive sources), and
 * "queued": the interrupt was handed to a vCPU's list-register queue and the guest has not finished it yet.
 *
 * Delivery: whenever an interrupt may have become deliverable (enabled, pending, its group enabled in
 * GICD_CTLR, not already queued, a target vCPU exists), the model marks it queued, clears the pending latch
 * and calls hooks.deliver(vcpu, intid, priority, group1). The partition's interrupt-controller binding (hv/core/devices/irqchip.c) pushes it into that vCPU's vgic_lr_queue
 * and kicks the vCPU if it runs on another PE. When the list-register queue reports the interrupt finished
 * (vgic_lr_ops.irq_done), the binding calls vgic_irq_done(); a level interrupt whose line is still high is then
 * delivered again. SPIs go to the vCPU named by GICD_IROUTER (IRM=1: the lowest-numbered vCPU whose
 * redistributor is awake); SGIs/PPIs to their own vCPU.
 *
 * GICv2 (vgic_init_v2, IHI 0048B): the same state, but an SPI's `route` holds its GICD_ITARGETSR byte (bit n =
 * vCPU n, whose CPU interface number is its index): it goes to the lowest-numbered existing vCPU in that list
 * (a GICv2 signals every listed CPU and the first to acknowledge takes it; one target is a valid choice), and
 * to none while the list is empty (the reset value). There are no redistributors: every vCPU counts as awake.
 *
 * Locking: every entry point takes the model's own spinlock (hv/base/spinlock.h, class LOCK_CLASS_VGIC).
 * hooks.deliver is called with that lock held: it must not call back into the vgic.
 */
#ifndef KARASU_HV_VDEV_VGIC_H
#define KARASU_HV_VDEV_VGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/base/spinlock.h"

#define VGIC_NR_SGIS      16u
#define VGIC_NR_PRIVATE   32u                               /* SGIs 0-15 + PPIs 16-31, per vCPU */
#define VGIC_MAX_SPIS     256u                              /* SPIs 32 .. 32+VGIC_MAX_SPIS-1 */
#define VGIC_MAX_INTID    (VGIC_NR_PRIVATE + VGIC_MAX_SPIS) /* exclusive bound of the modelled INTIDs */
#define VGIC_MAX_VCPUS    8u
#define VGIC_SPURIOUS     1023u
#define VGIC_VTIMER_INTID 27u /* EL1 virtual timer PPI (PPI 11) */

/* MPIDR affinity (ARM ARM D17.2.101): Aff0 [7:0], Aff1 [15:8], Aff2 [23:16], Aff3 [39:32]. */
#define VGIC_MPIDR_AFF_MASK 0xff00ffffffull

/* Per-INTID flag bits (struct vgic_irq.flags). */
#define VGIC_IRQ_ENABLED (1u << 0)
#define VGIC_IRQ_PENDING (1u << 1) /* pending latch */
#define VGIC_IRQ_ACTIVE  (1u << 2) /* set/cleared by ISACTIVER/ICACTIVER only (real state is in the LRs) */
#define VGIC_IRQ_GROUP1  (1u << 3)
#define VGIC_IRQ_EDGE    (1u << 4) /* ICFGR: 1 = edge-triggered, 0 = level-sensitive */
#define VGIC_IRQ_LINE    (1u << 5) /* input line level of a level-sensitive source */
#define VGIC_IRQ_QUEUED  (1u << 6) /* handed to a vCPU's LR queue, not yet finished */

struct vgic_irq {
	uint8_t flags;
	uint8_t priority;
	uint64_t route; /* GICD_IROUTER (SPIs only): affinity + IRM */
};

struct vgic_hooks {
	void *ctx;
	/* intid became deliverable to vcpu (see above). Called with the vgic lock held. Required. */
	void (*deliver)(void *ctx, unsigned vcpu, uint32_t intid, uint8_t priority, bool group1);
	/* Called right after the vgic lock is released (optional): for work that must not run under the lock,
	 * such as kicking another PE, which on QEMU takes the emulator's global lock. */
	void (*unlocked)(void *ctx);
};

/* One vCPU's redistributor and private interrupts. */
struct vgic_cpu {
	uint64_t mpidr; /* affinity of this vCPU (as the guest sees it in MPIDR_EL1) */
	bool asleep;    /* GICR_WAKER.ProcessorSleep */
	uint32_t gicr_ctlr;
	struct vgic_irq private_irqs[VGIC_NR_PRIVATE];
	/* Private INTIDs handed over by vgic_inject_private_fast and not finished yet (atomic bit mask): the model
	 * treats them as queued, so a pending latch set meanwhile waits for their completion. */
	uint32_t fast_inflight;
};

struct vgic {
	struct spinlock lock;
	bool v2; /* GICv2 routing (target lists), see above */
	uint32_t gicd_ctlr;
	unsigned nr_spis; /* multiple of 32, <= VGIC_MAX_SPIS */
	unsigned nr_vcpus;
	struct vgic_irq spis[VGIC_MAX_SPIS];
	struct vgic_cpu cpus[VGIC_MAX_VCPUS];
	struct vgic_hooks hooks;
};

/* Resets the whole model: nr_spis is rounded up to a multiple of 32 (capped to VGIC_MAX_SPIS), vCPU i gets
 * mpidrs[i] (NULL: Aff0 = i). Every interrupt disabled, group 0, priority 0, level-sensitive (SGIs edge),
 * SPIs routed to vCPU 0's affinity, redistributors asleep (as after reset; the guest wakes them through
 * GICR_WAKER). Returns false for nr_vcpus 0 or > VGIC_MAX_VCPUS or a NULL deliver hook. */
bool vgic_init(struct vgic *vgic, unsigned nr_vcpus, const uint64_t *mpidrs, unsigned nr_spis,
               const struct vgic_hooks *hooks);

/* The same for a GICv2 (vgic_init's reset state, except: SPIs target no vCPU, every vCPU is awake, and an SPI's
 * route is its ITARGETSR byte). Also returns false for more vCPUs than GICv2's 8 CPU interfaces. */
bool vgic_init_v2(struct vgic *vgic, unsigned nr_vcpus, unsigned nr_spis, const struct vgic_hooks *hooks);

/* An edge event on intid from a device model or the hypervisor (private intids < 32 need vcpu; for SPIs
 * vcpu is ignored): sets the pending latch and delivers if possible. Returns false for an INTID the model does
 * not have. */
bool vgic_inject(struct vgic *vgic, unsigned vcpu, uint32_t intid);
/* The same for a private interrupt, called often (the virtual timer, every tick): when it is enabled, its
 * group enabled, and nothing is latched or queued for it, it goes straight to deliver() without the vgic
 * lock and without a record in the model (vgic_irq_done then has nothing to do for it). Otherwise, or for a
 * shared interrupt, it is vgic_inject. The unlocked reads have the same race hardware has: an interrupt can
 * be signalled just as the guest disables it. */
void vgic_inject_private_fast(struct vgic *vgic, unsigned vcpu, uint32_t intid);

/* Sets the input line of a level-sensitive source (e.g. vPL011's interrupt output). Raising it delivers if
 * possible; lowering it does not withdraw an interrupt already queued (the guest sees it as spurious at
 * worst, like on hardware when a line drops late). Returns false for an unknown INTID. */
bool vgic_set_level(struct vgic *vgic, unsigned vcpu, uint32_t intid, bool level);

/* The guest finished intid on vcpu (its list register became invalid): clears "queued" and re-delivers if it
 * is pending again (new edge meanwhile, or level line still high). Call from vgic_lr_ops.irq_done. A private
 * interrupt that is not queued in the model (vgic_inject_private_fast) costs no lock. */
void vgic_irq_done(struct vgic *vgic, unsigned vcpu, uint32_t intid);

/* The guest wrote ICC_SGI1R_EL1 (or ICC_ASGI1R/ICC_SGI0R, same layout) with value on vcpu `source`:
 * TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48].
 * IRM=1: every vCPU of the partition but the source; else each vCPU whose affinity is
 * Aff3.Aff2.Aff1.(RS*16 + bit n of TargetList). Sets the SGI pending on every target and delivers.
 * Writes the targets as a bit mask (bit i = vCPU i) to *targets if targets != NULL. Targets that do not
 * exist are ignored (as on hardware). */
void vgic_sgi_generate(struct vgic *vgic, unsigned source, uint64_t sgi1r, uint32_t *targets);

/* SGI intid (0-15) from vCPU `source` to every vCPU whose bit is set in targets (bit i = vCPU i; bits of vCPUs
 * that do not exist are ignored): set pending on each and delivered. For GICD_SGIR (GICv2). */
void vgic_sgi_send(struct vgic *vgic, unsigned source, uint32_t intid, uint32_t targets);

/* The vCPU that an SPI is currently routed to, or -1 if none (IRM=0 with an affinity no vCPU has). */
int vgic_spi_target(struct vgic *vgic, uint32_t intid);

/* The vCPU index whose MPIDR affinity equals mpidr (masked with VGIC_MPIDR_AFF_MASK), or -1. */
int vgic_vcpu_by_mpidr(const struct vgic *vgic, uint64_t mpidr);

/* Inspection (tests, the karasu console): the flags/priority of intid as seen from vcpu; false if unknown. */
bool vgic_irq_state(struct vgic *vgic, unsigned vcpu, uint32_t intid, uint8_t *flags, uint8_t *priority);

/* For use INSIDE hooks.deliver (the lock is already held, so no other vgic call is allowed there): whether
 * intid is level-sensitive. The binding sets vgic_lrq_irq.eoi_notify for those, so the guest's EOI raises an EOI
 * maintenance interrupt and vgic_irq_done re-checks the line at once instead of at the vCPU's next exit. */
bool vgic_irq_is_level_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid);

/* ---- for vgicd.c and vgicr.c only (the register models share these; callers hold the lock) ---- */

void vgic_lock(struct vgic *vgic);
void vgic_unlock(struct vgic *vgic);

/* The bit-per-INTID register families (IGROUPR, I[SC]ENABLER, I[SC]PENDR, I[SC]ACTIVER). */
enum vgic_bit_reg {
	VGIC_BITS_GROUP,
	VGIC_BITS_SET_ENABLE,
	VGIC_BITS_CLEAR_ENABLE,
	VGIC_BITS_SET_PENDING,
	VGIC_BITS_CLEAR_PENDING,
	VGIC_BITS_SET_ACTIVE,
	VGIC_BITS_CLEAR_ACTIVE,
};

/* Which bit register family a distributor offset belongs to (the same offsets in GICv2 and GICv3), with the
 * family's first offset in *base; false for any other offset. */
bool vgic_dist_bit_reg(uint64_t offset, enum vgic_bit_reg *reg, uint32_t *base);
/* The state of intid as seen from vcpu, or NULL if the model has no such INTID (or vcpu is out of range for a
 * private one). */
struct vgic_irq *vgic_irq_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid);
/* 32 INTIDs from first_intid (a multiple of 32): read the bits / write them (set-/clear-type registers act on
 * 1 bits only; GROUP replaces). Missing INTIDs read as zero and ignore writes. Writes deliver what became
 * deliverable. */
uint32_t vgic_bits_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t first_intid, enum vgic_bit_reg reg);
void vgic_bits_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t first_intid, enum vgic_bit_reg reg,
                            uint32_t value);
/* 16 INTIDs from first_intid (a multiple of 16): the ICFGR word (bit 2n+1 = edge). SGIs ignore writes. */
uint32_t vgic_cfg_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t first_intid);
void vgic_cfg_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t first_intid, uint32_t value);
/* `size` priority bytes (1..4) from intid, little-endian in the value. */
uint32_t vgic_prio_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid, unsigned size);
void vgic_prio_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid, unsigned size, uint32_t value);
/* GICv2 GICD_ITARGETSR: `size` target bytes (1..4) from intid, little-endian in the value. SGIs and PPIs read
 * as the accessing vCPU's own bit and ignore writes; SPIs keep the written byte (bits of vCPUs that do not exist
 * read as zero) and are re-routed. */
uint32_t vgic_targets_read_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid, unsigned size);
void vgic_targets_write_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid, unsigned size,
                               uint32_t value);
/* Re-examines every interrupt (after GICD_CTLR, GICR_WAKER or routing changes). */
void vgic_update_all_locked(struct vgic *vgic);
/* Re-examines one interrupt. */
void vgic_update_locked(struct vgic *vgic, unsigned vcpu, uint32_t intid);

#endif
