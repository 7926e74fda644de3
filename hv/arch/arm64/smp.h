/* Bringing the other PEs up (PSCI CPU_ON to the firmware) and the per-PE idle loop. */
#ifndef KARASU_HV_ARCH_ARM64_SMP_H
#define KARASU_HV_ARCH_ARM64_SMP_H

#include <stdint.h>

/* Starts every PE listed in the platform DTB but the boot PE; returns the number online (boot PE included). */
unsigned smp_start_secondaries(void);
/* Per-PE set-up shared by the boot PE and the secondaries once the MMU is on: GIC redistributor and CPU
 * interface, hypervisor PPIs. */
void smp_init_this_pe(void);
/* Waits for work: starts vCPUs handed to this PE, handles interrupts. Never returns. */
_Noreturn void pe_idle_loop(void);
/* Asks PE index `pe` to look at its requests (SGI). */
void smp_kick(unsigned pe);

#endif
