/* The hypervisor's own one-shot tick (the EL2 physical timer, 50 ms), armed on the calling PE while guest
 * output waits in the console multiplexer (partial lines are flushed after a delay). */
#ifndef KARASU_HV_CORE_TICK_H
#define KARASU_HV_CORE_TICK_H

/* Boot PE: installs the tick's interrupt handler (when the platform has the EL2 timer's PPI). */
void tick_init(void);
/* Arms the tick on this PE unless it is armed already. */
void hv_tick_arm(void);

#endif
