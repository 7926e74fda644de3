/* PSCI 1.1 emulation: function decode and per-target vCPU power states (see psci.h). */
#if defined(__aarch64__)
/* Inline LL/SC sequences: the hypervisor links without libgcc's out-of-line atomics. */
#pragma GCC target("no-outline-atomics")
#endif

#include "hv/vdev/psci.h"

#include "lib/mem.h"

/* CPU_SUSPEND's FEATURES flags: bit 1 = extended StateID format (0: original format), bit 0 = OS-initiated
 * mode (0: platform-coordinated only). */
#define PSCI_SUSPEND_FEATURES 0

static uint32_t load_state(const struct psci_vm *vm, unsigned vcpu)
{
	return __atomic_load_n(&vm->state[vcpu], __ATOMIC_ACQUIRE);
}

static bool cas_state(struct psci_vm *vm, unsigned vcpu, uint32_t expect, uint32_t desired)
{
	return __atomic_compare_exchange_n(&vm->state[vcpu], &expect, desired, false, __ATOMIC_ACQ_REL,
	                                   __ATOMIC_ACQUIRE);
}

static void store_state(struct psci_vm *vm, unsigned vcpu, uint32_t s)
{
	__atomic_store_n(&vm->state[vcpu], s, __ATOMIC_RELEASE);
}

bool psci_init(struct psci_vm *vm, unsigned nr_vcpus, const uint64_t *mpidrs, unsigned boot_vcpu,
               const struct psci_hooks *hooks)
{
	if (!vm || !hooks || nr_vcpus == 0 || nr_vcpus > PSCI_MAX_VCPUS || boot_vcpu >= nr_vcpus)
		return false;
	if (!hooks->start_vcpu || !hooks->stop_self || !hooks->system_off || !hooks->system_reset)
		return false;
	k_memset(vm, 0, sizeof(*vm));
	vm->nr_vcpus = nr_vcpus;
	vm->hooks = *hooks;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		vm->mpidr[i] = (mpidrs ? mpidrs[i] : i) & PSCI_MPIDR_AFF_MASK;
		store_state(vm, i, i == boot_vcpu ? PSCI_STATE_ON : PSCI_STATE_OFF);
	}
	return true;
}

int psci_vcpu_by_mpidr(const struct psci_vm *vm, uint64_t mpidr)
{
	/* Bits outside the affinity fields must be zero in a target_cpu argument. */
	if (mpidr & ~PSCI_MPIDR_AFF_MASK)
		return -1;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->mpidr[i] == mpidr)
			return (int)i;
	return -1;
}

enum psci_vcpu_state psci_vcpu_state(const struct psci_vm *vm, unsigned vcpu)
{
	if (vcpu >= vm->nr_vcpus)
		return PSCI_STATE_OFF;
	return (enum psci_vcpu_state)load_state(vm, vcpu);
}

void psci_vcpu_started(struct psci_vm *vm, unsigned vcpu)
{
	if (vcpu < vm->nr_vcpus)
		cas_state(vm, vcpu, PSCI_STATE_ON_PENDING, PSCI_STATE_ON);
}

bool psci_function_supported(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES: return true;
	default: return false;
	}
}

const char *psci_function_name(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION: return "PSCI_VERSION";
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64: return "CPU_SUSPEND";
	case PSCI_CPU_OFF: return "CPU_OFF";
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64: return "CPU_ON";
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64: return "AFFINITY_INFO";
	case PSCI_MIGRATE_32:
	case PSCI_MIGRATE_64: return "MIGRATE";
	case PSCI_MIGRATE_INFO_TYPE: return "MIGRATE_INFO_TYPE";
	case PSCI_MIGRATE_INFO_UP_CPU_32:
	case PSCI_MIGRATE_INFO_UP_CPU_64: return "MIGRATE_INFO_UP_CPU";
	case PSCI_SYSTEM_OFF: return "SYSTEM_OFF";
	case PSCI_SYSTEM_RESET: return "SYSTEM_RESET";
	case PSCI_FEATURES: return "PSCI_FEATURES";
	default: return "unknown";
	}
}

static bool is_psci_id(uint32_t fn)
{
	/* Standard secure service calls (owner 4), fast calls (bit 31), function numbers 0x00-0x1f. */
	return (fn & 0x80000000u) && (fn & PSCI_FN_OWNER_MASK) == PSCI_FN_OWNER_STANDARD &&
	       (fn & 0x00ff0000u) == 0 && (fn & PSCI_FN_NUMBER_MASK) <= PSCI_FN_NUMBER_MAX;
}

static int64_t cpu_on(struct psci_vm *vm, uint64_t target, uint64_t entry, uint64_t context)
{
	int v = psci_vcpu_by_mpidr(vm, target);
	if (v < 0)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!cas_state(vm, (unsigned)v, PSCI_STATE_OFF, PSCI_STATE_ON_PENDING)) {
		uint32_t now = load_state(vm, (unsigned)v);
		return now == PSCI_STATE_ON_PENDING ? PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON;
	}
	int ret = vm->hooks.start_vcpu(vm->hooks.ctx, (unsigned)v, entry, context);
	if (ret != PSCI_RET_SUCCESS) {
		store_state(vm, (unsigned)v, PSCI_STATE_OFF);
		if (ret != PSCI_RET_INVALID_ADDRESS)
			ret = PSCI_RET_INTERNAL_FAILURE;
	}
	return ret;
}

static int64_t affinity_info(struct psci_vm *vm, uint64_t target, uint64_t lowest_level)
{
	/* Only level 0 (a single vCPU) is supported; PSCI 1.0 lets higher levels be rejected. */
	if (lowest_level != 0)
		return PSCI_RET_INVALID_PARAMETERS;
	int v = psci_vcpu_by_mpidr(vm, target);
	if (v < 0)
		return PSCI_RET_INVALID_PARAMETERS;
	switch (load_state(vm, (unsigned)v)) {
	case PSCI_STATE_ON: return PSCI_AFFINITY_ON;
	case PSCI_STATE_ON_PENDING: return PSCI_AFFINITY_ON_PENDING;
	default: return PSCI_AFFINITY_OFF;
	}
}

static int64_t features(uint64_t fn64)
{
	uint32_t fn = (uint32_t)fn64;
	if (!psci_function_supported(fn))
		return PSCI_RET_NOT_SUPPORTED;
	if (fn == PSCI_CPU_SUSPEND_32 || fn == PSCI_CPU_SUSPEND_64)
		return PSCI_SUSPEND_FEATURES;
	return PSCI_RET_SUCCESS;
}

enum psci_outcome psci_handle(struct psci_vm *vm, unsigned caller, uint64_t regs[4])
{
	uint32_t fn = (uint32_t)regs[0];
	if (!is_psci_id(fn))
		return PSCI_OUTCOME_NOT_PSCI;
	if (caller >= vm->nr_vcpus) {
		regs[0] = (uint64_t)(int64_t)PSCI_RET_INTERNAL_FAILURE;
		return PSCI_OUTCOME_RESUME;
	}
	bool smc64 = (fn & PSCI_SMC64_BIT) != 0;
	uint64_t a1 = regs[1], a2 = regs[2], a3 = regs[3];
	if (!smc64) {
		/* SMC32: only the low 32 bits of each argument are defined. */
		a1 &= 0xffffffffu;
		a2 &= 0xffffffffu;
		a3 &= 0xffffffffu;
	}
	int64_t ret;
	switch (fn) {
	case PSCI_VERSION: ret = PSCI_VERSION_1_1; break;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* Treated as a standby state that wakes at once: allowed, since a wake-up may already be pending;
		 * the guest's idle loop still uses WFI, which runs natively on the vCPU's own PE (not trapped). */
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_CPU_OFF:
		store_state(vm, caller, PSCI_STATE_OFF);
		vm->hooks.stop_self(vm->hooks.ctx, caller);
		return PSCI_OUTCOME_STOPPED;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64: ret = cpu_on(vm, a1, a2, a3); break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64: ret = affinity_info(vm, a1, a2); break;
	case PSCI_MIGRATE_INFO_TYPE: ret = PSCI_MIGRATE_INFO_NOT_REQUIRED; break;
	case PSCI_SYSTEM_OFF: vm->hooks.system_off(vm->hooks.ctx, caller); return PSCI_OUTCOME_STOPPED;
	case PSCI_SYSTEM_RESET: vm->hooks.system_reset(vm->hooks.ctx, caller); return PSCI_OUTCOME_STOPPED;
	case PSCI_FEATURES: ret = features(a1); break;
	default: ret = PSCI_RET_NOT_SUPPORTED; break; /* MIGRATE, MIGRATE_INFO_UP_CPU, 1.x optional calls */
	}
	regs[0] = (uint64_t)ret;
	return PSCI_OUTCOME_RESUME;
}
