/* Physical interrupts taken at EL2 (from a running guest or while a PE idles): acknowledged and routed to
 * the hypervisor's own handlers or forwarded to the guest that owns them. */
#ifndef KARASU_HV_CORE_IRQ_H
#define KARASU_HV_CORE_IRQ_H

/* The hypervisor's own one-shot tick (EL2 physical timer, 50 ms) on the calling PE while guest output waits
 * in the console multiplexer (partial lines are flushed after a delay), and its handler. */
void hv_tick_arm(void);
void hv_tick(void);
/* Handles every pending physical interrupt of this PE. */
void irq_handle_physical(void);

#endif
