/* Physical interrupts taken at EL2 (from a running guest or while a PE idles), dispatched through a table
 * that their users fill: the kick SGI (pe.c), the hypervisor's tick (tick.c), the console UART
 * (console_port.c), the GIC maintenance interrupt and the guest's virtual timer (devices/irqchip.c).
 * Registration happens on the boot PE before the interrupt is enabled; the table is read without a lock. */
#ifndef KARASU_HV_CORE_IRQ_H
#define KARASU_HV_CORE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_TABLE_SIZE 1020u /* INTIDs 0-1019; 1020-1023 are special */

/* How the dispatcher finishes an interrupt around its handler. */
enum irq_completion {
	IRQ_COMPLETE_FIRST = 0,  /* priority drop and deactivation before the handler runs */
	IRQ_COMPLETE_BY_HANDLER, /* the handler does it (a HW=1 forward leaves deactivation to the guest) */
};

typedef void (*irq_handler)(void *ctx, uint32_t intid);

/* Installs the handler of intid. False for an INTID outside the table, a NULL handler, or an INTID that
 * already has one. */
bool irq_register(uint32_t intid, irq_handler fn, void *ctx, enum irq_completion completion,
                  const char *name);
/* Handles every pending physical interrupt of this PE. */
void irq_handle_physical(void);

#endif
