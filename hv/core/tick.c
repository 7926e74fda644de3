#include "hv/core/tick.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/core/console_port.h"
#include "hv/core/irq.h"
#include "hv/core/platform.h"

#define HV_TICKS_PER_SEC 20u /* console flushes of partial guest lines, while any wait */

void hv_tick_arm(void)
{
	if (!platform.htimer_intid || hyp_timer_armed())
		return;
	hyp_timer_arm(cpu_counter_freq() / HV_TICKS_PER_SEC);
}

static void tick(void *ctx, uint32_t intid)
{
	(void)ctx;
	(void)intid;
	hyp_timer_stop(); /* one-shot: lowers the timer's interrupt line */
	if (console_port_poll())
		hv_tick_arm();
}

void tick_init(void)
{
	if (platform.htimer_intid)
		irq_register(platform.htimer_intid, tick, 0, IRQ_COMPLETE_FIRST, "hypervisor tick");
}
