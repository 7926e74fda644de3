#include "hv/arch/arm64/smp.h"

#include "hv/arch/arm64/firmware.h"
#include "hv/arch/arm64/dcache.h"
#include "hv/arch/arm64/mmu.h"
#include "hv/arch/arm64/psci.h"
#include "hv/arch/arm64/sysreg.h"
#include "hv/core/log.h"
#include "hv/core/percpu.h"
#include "hv/core/platform.h"
#include "hv/core/vcpu.h"
#include "hv/drivers/gicv3.h"

extern uint8_t secondary_entry[];
_Noreturn void hv_secondary_main(unsigned index);

#define ONLINE_WAIT_LOOPS 200000000u

unsigned smp_start_secondaries(void)
{
	/* percpu index = position in the DTB's /cpus (what karasu.cfg's cpus= names). The boot PE runs on
	 * stack 0, so it must be /cpus index 0. */
	unsigned online = 1;
	uint64_t self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	if ((platform.cpu_mpidr[0] & MPIDR_AFF_MASK) != self)
		hv_panic("the boot PE (MPIDR %#llx) is not the first CPU in the DTB; not supported",
		         (unsigned long long)self);
	for (unsigned i = 1; i < platform.ncpus && i < HV_MAX_CPUS; i++) {
		struct percpu *p = &percpu_table[i];
		p->index = i;
		p->mpidr = platform.cpu_mpidr[i] & MPIDR_AFF_MASK;
		dcache_clean_range(p, sizeof(*p));
		int64_t r =
		    firmware_psci(platform.psci_cpu_on, p->mpidr, (uint64_t)(uintptr_t)secondary_entry, i);
		if (r != PSCI_RET_SUCCESS) {
			hv_log("PE %u (MPIDR %#llx): CPU_ON failed (%lld)", i, (unsigned long long)p->mpidr,
			       (long long)r);
			continue;
		}
		for (unsigned w = 0; w < ONLINE_WAIT_LOOPS && !__atomic_load_n(&p->online, __ATOMIC_ACQUIRE);
		     w++) {
		}
		if (p->online)
			online++;
		else
			hv_log("PE %u (MPIDR %#llx) did not come online", i, (unsigned long long)p->mpidr);
	}
	return online;
}

void smp_init_this_pe(void)
{
	struct percpu *p = this_cpu();
	write_sysreg(hcr_el2, HCR_HOST);
	isb();
	if (!gic_init_cpu(p->mpidr))
		hv_panic("no GIC redistributor for MPIDR %#llx", (unsigned long long)p->mpidr);
	gic_enable_private(GIC_SGI_KICK, true);
	if (platform.maint_intid)
		gic_enable_private(platform.maint_intid, false);
	if (platform.vtimer_intid)
		gic_enable_private(platform.vtimer_intid, false);
	if (platform.htimer_intid)
		gic_enable_private(platform.htimer_intid, false);
}

_Noreturn void hv_secondary_main(unsigned index)
{
	struct percpu *p = &percpu_table[index < HV_MAX_CPUS ? index : 0];
	write_sysreg(tpidr_el2, (uintptr_t)p);
	mmu_enable();
	smp_init_this_pe();
	__atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
	pe_idle_loop();
}

void smp_kick(unsigned pe)
{
	if (pe < HV_MAX_CPUS)
		gic_send_sgi(percpu_table[pe].mpidr, GIC_SGI_KICK);
}

_Noreturn void pe_idle_loop(void)
{
	struct percpu *p = this_cpu();
	for (;;) {
		irq_disable();
		uint32_t req = percpu_take_requests(p);
		if (req & PERCPU_REQ_START_VCPU) {
			struct vcpu *v = __atomic_exchange_n(&p->pending_vcpu, NULL, __ATOMIC_ACQ_REL);
			if (v)
				vcpu_run(v); /* does not return */
		}
		/* WFI with IRQs masked still wakes on a pending interrupt; unmasking then takes it. */
		wfi();
		irq_enable();
		isb();
	}
}
