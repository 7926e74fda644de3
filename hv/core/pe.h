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
/* Sleeps this PE for about PE_PAUSE_US or until an interrupt is pending, whichever comes first; interrupts stay
 * as masked as they were (a pending one is taken afterwards if they were unmasked). For a PE that waits for a
 * device: under an emulator its host thread then leaves the CPU to the thread doing the device's work. Returns
 * at once when the hypervisor tick is armed (the EL2 timer is in use). */
void pe_pause(void);

#endif
