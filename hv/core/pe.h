/* A physical PE as karasu uses it: its interrupt set-up, its idle loop, and kicking it from another PE. */
#ifndef KARASU_HV_CORE_PE_H
#define KARASU_HV_CORE_PE_H

/* Boot PE, once: installs the kick SGI's handler. */
void pe_init_irqs(void);
/* Every PE once its MMU is on: back to host controls, the GIC's per-PE interface, the hypervisor's PPIs. */
void pe_init_this(void);
/* Waits for work: starts vCPUs handed to this PE, handles interrupts. Never returns. */
_Noreturn void pe_idle_loop(void);
/* Asks PE index `pe` to look at its requests (SGI). */
void pe_kick(unsigned pe);

#endif
