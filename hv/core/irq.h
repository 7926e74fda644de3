/* Physical interrupts taken at EL2 (from a running guest or while a PE idles): acknowledged and routed to
 * the hypervisor's own handlers or forwarded to the guest that owns them. */
#ifndef KARASU_HV_CORE_IRQ_H
#define KARASU_HV_CORE_IRQ_H

/* The hypervisor's own periodic tick (EL2 physical timer) on the calling PE, and its handler. */
void hv_tick_start(void);
void hv_tick(void);
/* Handles every pending physical interrupt of this PE. */
void irq_handle_physical(void);

#endif
