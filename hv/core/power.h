/* The guest's PSCI (hv/vdev/psci.h) bound to the partition's vCPUs and life cycle: CPU_ON starts a vCPU on
 * its own PE, CPU_OFF stops it, SYSTEM_OFF stops only this partition, SYSTEM_RESET reloads and restarts it. */
#ifndef KARASU_HV_CORE_POWER_H
#define KARASU_HV_CORE_POWER_H

struct partition;

/* All vCPUs off but the boot vCPU (at creation and every start). */
void power_reset(struct partition *p);

#endif
