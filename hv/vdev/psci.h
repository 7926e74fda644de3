/* PSCI 1.1 (ARM DEN 0022) emulation for one partition: function decode and the per-vCPU power state.
 *
 * The SMCCC handler (hv/core/guest_calls.c) calls psci_handle() for every guest HVC and SMC (after checking the immediate is 0) with the guest's
 * x0..x3. State is kept per TARGET vCPU (CPU_ON changes the target's state, never the caller's) and changed
 * with atomic compare-and-swap, so vCPUs on different PEs may call at the same time: two racing CPU_ON calls
 * for one target give one SUCCESS and one ALREADY_ON/ON_PENDING.
 *
 * vCPU states: OFF -> (CPU_ON) ON_PENDING -> (psci_vcpu_started, called by the vCPU code when the target really
 * enters the guest) ON -> (CPU_OFF) OFF. At init vCPU 0 is ON, the others OFF.
 */
#ifndef KARASU_HV_VDEV_PSCI_H
#define KARASU_HV_VDEV_PSCI_H

#include <stdbool.h>
#include <stdint.h>

/* Function IDs (SMC32 0x84..., SMC64 0xC4...). */
#define PSCI_VERSION                0x84000000u
#define PSCI_CPU_SUSPEND_32         0x84000001u
#define PSCI_CPU_SUSPEND_64         0xc4000001u
#define PSCI_CPU_OFF                0x84000002u
#define PSCI_CPU_ON_32              0x84000003u
#define PSCI_CPU_ON_64              0xc4000003u
#define PSCI_AFFINITY_INFO_32       0x84000004u
#define PSCI_AFFINITY_INFO_64       0xc4000004u
#define PSCI_MIGRATE_32             0x84000005u
#define PSCI_MIGRATE_64             0xc4000005u
#define PSCI_MIGRATE_INFO_TYPE      0x84000006u
#define PSCI_MIGRATE_INFO_UP_CPU_32 0x84000007u
#define PSCI_MIGRATE_INFO_UP_CPU_64 0xc4000007u
#define PSCI_SYSTEM_OFF             0x84000008u
#define PSCI_SYSTEM_RESET           0x84000009u
#define PSCI_FEATURES               0x8400000au
#define PSCI_SMC64_BIT              0x40000000u /* SMC64 calling convention */
#define PSCI_FN_OWNER_MASK          0x3f000000u /* owning entity bits [29:24]: 4 = standard secure service */
#define PSCI_FN_OWNER_STANDARD      0x04000000u
#define PSCI_FN_NUMBER_MASK         0x0000ffffu
#define PSCI_FN_NUMBER_MAX          0x1fu /* PSCI owns function numbers 0x00-0x1f */

/* PSCI_VERSION result: major [31:16], minor [15:0]. */
#define PSCI_VERSION_1_1 0x00010001u

/* Return codes (x0, sign-extended to 64 bits). */
#define PSCI_RET_SUCCESS            0
#define PSCI_RET_NOT_SUPPORTED      (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED             (-3)
#define PSCI_RET_ALREADY_ON         (-4)
#define PSCI_RET_ON_PENDING         (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_NOT_PRESENT        (-7)
#define PSCI_RET_DISABLED           (-8)
#define PSCI_RET_INVALID_ADDRESS    (-9)

/* AFFINITY_INFO results. */
#define PSCI_AFFINITY_ON         0
#define PSCI_AFFINITY_OFF        1
#define PSCI_AFFINITY_ON_PENDING 2

/* MIGRATE_INFO_TYPE result: no Trusted OS that needs migration. */
#define PSCI_MIGRATE_INFO_NOT_REQUIRED 2

#define PSCI_MAX_VCPUS      8u
#define PSCI_MPIDR_AFF_MASK 0xff00ffffffull /* Aff3 [39:32], Aff2..Aff0 [23:0] */

enum psci_vcpu_state {
	PSCI_STATE_OFF = 0,
	PSCI_STATE_ON_PENDING = 1,
	PSCI_STATE_ON = 2,
};

struct psci_hooks {
	void *ctx;
	/* Start vcpu (already marked ON_PENDING) at entry (guest physical address) in EL1h with x0 =
	 * context_id, MMU/caches off, as PSCI requires. Return PSCI_RET_SUCCESS, or PSCI_RET_INVALID_ADDRESS for
	 * an entry outside guest RAM, or PSCI_RET_INTERNAL_FAILURE; on failure the state goes back to OFF.
	 * For the SMC32 form entry and context_id are already truncated to 32 bits. */
	int (*start_vcpu)(void *ctx, unsigned vcpu, uint64_t entry, uint64_t context_id);
	/* The calling vcpu turned itself off (state is already OFF): stop running it. In the hypervisor this
	 * normally does not return; if it returns, psci_handle returns PSCI_OUTCOME_STOPPED. */
	void (*stop_self)(void *ctx, unsigned vcpu);
	/* SYSTEM_OFF / SYSTEM_RESET of the partition (not of the machine, unless that is what the caller wants).
	 * Same return convention as stop_self (psci_handle returns PSCI_OUTCOME_STOPPED). */
	void (*system_off)(void *ctx, unsigned caller);
	void (*system_reset)(void *ctx, unsigned caller);
};

struct psci_vm {
	unsigned nr_vcpus;
	uint64_t mpidr[PSCI_MAX_VCPUS]; /* affinity of each vCPU as the guest sees it */
	uint32_t state[PSCI_MAX_VCPUS]; /* enum psci_vcpu_state, accessed atomically */
	struct psci_hooks hooks;
};

/* What the caller does after psci_handle. */
enum psci_outcome {
	PSCI_OUTCOME_NOT_PSCI = 0, /* not a PSCI function ID: try hypercalls; nothing was changed */
	PSCI_OUTCOME_RESUME,  /* handled: regs[0] holds the result; resume the caller after the HVC/SMC */
	PSCI_OUTCOME_STOPPED, /* CPU_OFF / SYSTEM_OFF / SYSTEM_RESET: do not resume the caller */
};

/* nr_vcpus 1..PSCI_MAX_VCPUS; mpidrs[i] = vCPU i's MPIDR (NULL: Aff0 = i). vCPU boot_vcpu is ON, the rest
 * OFF. Returns false for bad arguments or missing hooks (start_vcpu, stop_self, system_off, system_reset). */
bool psci_init(struct psci_vm *vm, unsigned nr_vcpus, const uint64_t *mpidrs, unsigned boot_vcpu,
               const struct psci_hooks *hooks);

/* Handles the call in regs[0] (function ID, bits [63:32] ignored as the SMC calling convention says) with
 * arguments regs[1..3] from vCPU caller, and writes the result to regs[0] (for PSCI_OUTCOME_RESUME).
 * Unknown IDs in the PSCI range return NOT_SUPPORTED; IDs outside it return PSCI_OUTCOME_NOT_PSCI. */
enum psci_outcome psci_handle(struct psci_vm *vm, unsigned caller, uint64_t regs[4]);

/* vcpu has entered the guest after CPU_ON (ON_PENDING -> ON). No effect in another state. */
void psci_vcpu_started(struct psci_vm *vm, unsigned vcpu);

/* The vCPU whose affinity equals mpidr (masked), or -1. */
int psci_vcpu_by_mpidr(const struct psci_vm *vm, uint64_t mpidr);

/* Current state of vcpu (PSCI_STATE_OFF for an unknown index). */
enum psci_vcpu_state psci_vcpu_state(const struct psci_vm *vm, unsigned vcpu);

/* Whether fn is a function this implementation supports (what PSCI_FEATURES reports as 0). */
bool psci_function_supported(uint32_t fn);

/* A name for logs ("CPU_ON", ...), "unknown" otherwise. */
const char *psci_function_name(uint32_t fn);

#endif
