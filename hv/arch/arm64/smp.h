/* Bringing the other PEs up: PSCI CPU_ON to the firmware, each entering secondary_entry (entry.S) with its
 * PE index, which calls hv_secondary_main (core/main.c) on its own stack. */
#ifndef KARASU_HV_ARCH_ARM64_SMP_H
#define KARASU_HV_ARCH_ARM64_SMP_H

#include <stdint.h>

/* Starts PEs 1..n-1 (mpidrs[i] = the affinity of PE i, from the platform DTB's /cpus; PE 0 must be the
 * calling boot PE) with the firmware's CPU_ON function cpu_on_fn, waiting for each to mark itself online in
 * percpu_table. Returns the number online, the boot PE included. */
unsigned smp_start_secondaries(const uint64_t *mpidrs, unsigned n, uint32_t cpu_on_fn);

#endif
