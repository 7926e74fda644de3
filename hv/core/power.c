#include "hv/core/power.h"

#include "hv/base/log.h"
#include "hv/base/percpu.h"
#include "hv/core/partition.h"

static int psci_start_vcpu(void *ctx, unsigned vcpu, uint64_t entry, uint64_t context_id)
{
	struct partition *p = ctx;
	if (entry < p->ram_ipa || entry >= p->ram_ipa + p->ram_size)
		return PSCI_RET_INVALID_ADDRESS;
	struct vcpu *v = &p->vcpus[vcpu];
	if (!percpu_table[v->pe].online)
		return PSCI_RET_INTERNAL_FAILURE;
	vcpu_request_start(v, entry, context_id);
	return PSCI_RET_SUCCESS;
}

static void psci_stop_self(void *ctx, unsigned vcpu)
{
	(void)ctx;
	(void)vcpu;
	vcpu_stop_current();
}

static void psci_system_off(void *ctx, unsigned caller)
{
	struct partition *p = ctx;
	hv_guest_log(&p->vcpus[caller], "PSCI SYSTEM_OFF");
	partition_stop(p, "powered off");
	vcpu_stop_current();
}

static void psci_system_reset(void *ctx, unsigned caller)
{
	struct partition *p = ctx;
	hv_guest_log(&p->vcpus[caller], "PSCI SYSTEM_RESET: restarting the guest");
	partition_stop_for_restart(p, "reset");
	if (!partition_start(p))
		hv_log("%s: restart failed", p->name);
	vcpu_stop_current();
}

void power_reset(struct partition *p)
{
	uint64_t mpidrs[PARTITION_MAX_VCPUS];
	for (unsigned i = 0; i < p->nvcpus; i++)
		mpidrs[i] = p->vcpus[i].vmpidr & PSCI_MPIDR_AFF_MASK;
	struct psci_hooks ph = {
	    .ctx = p,
	    .start_vcpu = psci_start_vcpu,
	    .stop_self = psci_stop_self,
	    .system_off = psci_system_off,
	    .system_reset = psci_system_reset,
	};
	psci_init(&p->psci, p->nvcpus, mpidrs, 0, &ph);
}
