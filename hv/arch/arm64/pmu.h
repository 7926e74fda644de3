/* The guest's view of the PMU. MDCR_EL2.TPM traps every PMU register access to EL2; karasu performs the
 * access for the guest with one change: the event-type filters (PMCCFILTR_EL0, PMEVTYPER<n>_EL0,
 * PMXEVTYPER_EL0) never get NSH set, so a guest cannot count what the hypervisor does at EL2 (PMUv3p1's
 * MDCR_EL2.HPMD would do that in hardware; PMUv3p0 CPUs such as the Cortex-A72 lack it). Everything else
 * passes through: the PMU is not virtualised further (one vCPU per PE, karasu itself does not use it). */
#ifndef KARASU_HV_ARCH_ARM64_PMU_H
#define KARASU_HV_ARCH_ARM64_PMU_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch/arm64/frame.h"

/* MDCR_EL2.TPM: trap PMU register accesses from EL0/EL1. */
#define MDCR_TPM (1ull << 6)

/* Emulates the MSR/MRS described by the EC 0x18 syndrome iss if it names a PMU register: returns false
 * otherwise (nothing done). */
bool pmu_emulate_sysreg(uint32_t iss, struct trap_frame *f);

#endif
