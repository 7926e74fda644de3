#include "hv/core/pe.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/arch/arm64/guest_state.h"
#include "hv/arch/arm64/sysreg.h"
#include "hv/base/log.h"
#include "hv/base/percpu.h"
#include "hv/core/irq.h"
#include "hv/core/platform.h"
#include "hv/core/vcpu.h"
#include "hv/drivers/gic.h"

/* A kick: requests and list registers are looked at before the next guest entry (or in the idle loop). */
static void kicked(void *ctx, uint32_t intid)
{
	(void)ctx;
	(void)intid;
	struct vcpu *v = vcpu_current();
	if (v)
		v->stats.kicks++;
}

void pe_init_irqs(void)
{
	irq_register(GIC_SGI_KICK, kicked, 0, IRQ_COMPLETE_FIRST, "kick");
}

void pe_init_this(void)
{
	struct percpu *p = this_cpu();
	guest_state_host_mode();
	if (!gic_init_cpu(p->mpidr))
		hv_panic("%s: no CPU interface for MPIDR %#llx", gic_active->name,
		         (unsigned long long)p->mpidr);
	gic_enable_private(GIC_SGI_KICK, true);
	if (platform.maint_intid)
		gic_enable_private(platform.maint_intid, false);
	if (platform.vtimer_intid)
		gic_enable_private(platform.vtimer_intid, false);
	if (platform.htimer_intid)
		gic_enable_private(platform.htimer_intid, false);
}

/* Short: a request's completion is noticed at most this late. */
#define PE_PAUSE_US   100u
#define US_PER_SECOND 1000000u

void pe_pause(void)
{
	if (!platform.htimer_intid)
		return;
	/* Masked, so that no handler arms the EL2 timer between the check and the arming below and loses its
	 * deadline to ours. WFI still ends when an interrupt becomes pending. */
	uint64_t mask = irq_save();
	if (!hyp_timer_armed()) {
		hyp_timer_arm(cpu_counter_freq() / (US_PER_SECOND / PE_PAUSE_US));
		wfi();
		hyp_timer_stop(); /* lowers the line: the PPI is no longer pending and is never taken */
	}
	irq_restore(mask);
}

void pe_kick(unsigned pe)
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
