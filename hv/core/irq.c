#include "hv/core/irq.h"

#include "hv/arch/arm64/sysreg.h"
#include "hv/core/console_port.h"
#include "hv/core/log.h"
#include "hv/core/partition.h"
#include "hv/core/percpu.h"
#include "hv/core/platform.h"
#include "hv/drivers/gicv3.h"

#define CNTV_CTL_IMASK   (1ull << 1)
#define CNTHP_CTL_ENABLE (1ull << 0)
#define HV_TICKS_PER_SEC 20u /* console flushes of partial guest lines, while any wait */

void hv_tick_arm(void)
{
	if (!platform.htimer_intid || (read_sysreg(cnthp_ctl_el2) & CNTHP_CTL_ENABLE))
		return;
	write_sysreg(cnthp_tval_el2, read_sysreg(cntfrq_el0) / HV_TICKS_PER_SEC);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

void hv_tick(void)
{
	write_sysreg(cnthp_ctl_el2, 0); /* one-shot: lowers the timer's interrupt line */
	isb();
	if (console_port_poll())
		hv_tick_arm();
}

/* The EL1 virtual timer fired while the guest ran: hand it to the guest with HW = 1, so the guest's
 * deactivation of the virtual interrupt deactivates the physical one (only the priority is dropped here). */
static void forward_vtimer(uint32_t intid)
{
	gic_eoi(intid);
	struct vcpu *v = vcpu_current();
	if (!v) {
		/* No guest here (it stopped): silence the timer and finish the interrupt ourselves. */
		write_sysreg(cntv_ctl_el0, read_sysreg(cntv_ctl_el0) | CNTV_CTL_IMASK);
		gic_deactivate(intid);
		return;
	}
	v->stats.timer_irqs++;
	vgic_inject_private_fast(&v->part->vgic, v->index, intid);
}

void irq_handle_physical(void)
{
	struct percpu *pc = this_cpu();
	for (;;) {
		uint32_t intid = gic_ack();
		if (intid >= GIC_INTID_SPURIOUS - 3) /* 1020-1023: special INTIDs, nothing to handle */
			break;
		pc->irqs++;
		if (intid == platform.vtimer_intid) {
			forward_vtimer(intid);
			continue;
		}
		gic_eoi(intid);
		gic_deactivate(intid);
		if (intid == GIC_SGI_KICK || intid == platform.maint_intid) {
			struct vcpu *v = vcpu_current();
			if (v && intid == GIC_SGI_KICK)
				v->stats.kicks++;
			else if (v)
				v->stats.maintenance++;
			/* Requests and list registers are looked at before the next guest entry. */
			continue;
		}
		if (intid == platform.htimer_intid) {
			hv_tick();
			continue;
		}
		if (intid == platform.uart_intid) {
			console_port_rx_interrupt();
			continue;
		}
		hv_log("unexpected interrupt %u on PE %u", intid, pc->index);
	}
}
