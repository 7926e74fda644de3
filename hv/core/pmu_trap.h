/* Registers the PMU's trapped registers (pmu_trap.c). Boot PE, before any guest runs. */
#ifndef KARASU_HV_CORE_PMU_TRAP_H
#define KARASU_HV_CORE_PMU_TRAP_H

void pmu_trap_init(void);

#endif
