/* A virtual CPU: pinned to one physical PE for its whole life (karasu runs one vCPU per PE), so its EL1
 * system registers and list registers simply stay in the PE while it runs. */
#ifndef KARASU_HV_CORE_VCPU_H
#define KARASU_HV_CORE_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch/arm64/esr.h"
#include "hv/arch/arm64/frame.h"
#include "hv/arch/arm64/gic_lr.h"
#include "hv/vdev/vgic_lr_queue.h"

struct partition;

/* What karasu's time on a vCPU's behalf is spent on (vcpu_stats.el2_ticks): the exits a guest's boot pays for. */
enum vcpu_el2_time {
	EL2_TIME_DABT,   /* stage-2 data aborts: emulated MMIO, RAM mapped on first use */
	EL2_TIME_SYSREG, /* trapped system-register accesses (ICC_SGI1R_EL1, PMU, ...) */
	EL2_TIME_CALL,   /* HVC and SMC: PSCI, hypercalls */
	EL2_TIME_IRQ, /* physical interrupts taken while the guest ran (timer, kicks, maintenance, console) */
	EL2_TIME_OTHER, /* instruction aborts, WFx and the rest */
	EL2_TIME_CLASSES,
};

struct vcpu_stats {
	uint64_t exits_by_ec[EC_COUNT]; /* synchronous exits per ESR_EL2.EC */
	uint64_t irq_exits;             /* physical interrupts taken while the guest ran */
	uint64_t mmio;                  /* emulated MMIO accesses */
	uint64_t hypercalls;
	uint64_t psci;
	uint64_t sgis_sent;
	uint64_t timer_irqs;  /* virtual timer interrupts forwarded */
	uint64_t maintenance; /* GIC maintenance interrupts (LR underflow / EOI of a HW=0 interrupt) */
	uint64_t kicks;       /* SGIs from other PEs (new interrupts or requests for this vCPU) */
	/* Counter ticks from an exception's arrival at EL2 to the return to the guest, by cause. */
	uint64_t el2_ticks[EL2_TIME_CLASSES];
};

struct vcpu {
	struct partition *part;
	unsigned index;  /* in the partition, = its position in the guest DTB's /cpus */
	unsigned pe;     /* physical PE index (percpu_table) */
	uint64_t vmpidr; /* what the guest reads from MPIDR_EL1 */
	volatile bool running;
	uint64_t start_entry; /* where the next start enters the guest (IPA, MMU off) */
	uint64_t start_x0;
	uint64_t guest_os_id;   /* TLFS GuestOsId, set by the guest through HvCallSetVpRegisters */
	uint32_t aborts_logged; /* injected aborts reported on the console since the vCPU started */
	struct vgic_lr_queue lrq;
	struct vcpu_stats stats;
};

/* The list-register back end every vCPU uses (boot PE, before any vCPU starts). */
void vcpu_set_lr_backend(const struct gic_lr_backend *backend);
/* Runs v on the current PE from its start_entry: resets the EL1 state, programs the EL2 state of its
 * partition, enters the guest. Never returns (exits come back through the trap handlers). */
_Noreturn void vcpu_run(struct vcpu *v);
/* Any PE: asks v's PE to start v at entry with x0 = x0 (PSCI CPU_ON, console boot). */
void vcpu_request_start(struct vcpu *v, uint64_t entry, uint64_t x0);
/* On v's PE: stop running the guest and go idle. */
_Noreturn void vcpu_stop_current(void);
/* The vCPU running on this PE, or NULL. */
struct vcpu *vcpu_current(void);
/* Before returning to the guest from a trap: handles requests (stop), fills list registers. */
void vcpu_before_entry(struct vcpu *v);
/* A message about a guest vCPU: "karasu: [guest/N] ...". */
void hv_guest_log(const struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
