/* The guest's view of the PMU. MDCR_EL2.TPM traps every PMU register access to EL2; karasu performs the
 * access for the guest with one change: the event-type filters (PMCCFILTR_EL0, PMEVTYPER<n>_EL0,
 * PMXEVTYPER_EL0) never get NSH set, so a guest cannot count what the hypervisor does at EL2 (PMUv3p1's
 * MDCR_EL2.HPMD would do that in hardware; PMUv3p0 CPUs such as the Cortex-A72 lack it). Everything else
 * passes through: the PMU is not virtualised further (one vCPU per PE, karasu itself does not use it). */
#ifndef KARASU_HV_ARCH_ARM64_PMU_H
#define KARASU_HV_ARCH_ARM64_PMU_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch/arm64/esr.h"

/* MDCR_EL2.TPM: trap PMU register accesses from EL0/EL1. */
#define MDCR_TPM (1ull << 6)

/* Performs the guest's MSR (read false: *val is written) or MRS (read true: *val receives the value) of the
 * register whose EC 0x18 identification fields (SYSREG_ISS_ID_MASK) are id, if it is a PMU register; false
 * otherwise (nothing done). */
bool pmu_sysreg_access(uint32_t id, bool read, uint64_t *val);

/* The identification-field patterns of the PMU registers, for a trapped-register table: every PMU register
 * matches one of them (others may too: pmu_sysreg_access refuses those). */
#define PMU_SYSREG_MATCH_MASK      (SYSREG_ISS_ID(3, 7, 15, 0, 0)) /* op0, op1, CRn */
#define PMU_SYSREG_MATCH_EL0_CRN9  (SYSREG_ISS_ID(3, 3, 9, 0, 0))  /* PMCR_EL0 .. PMOVSSET_EL0 */
#define PMU_SYSREG_MATCH_EL1_CRN9  (SYSREG_ISS_ID(3, 0, 9, 0, 0))  /* PMINTENSET/CLR_EL1 */
#define PMU_SYSREG_MATCH_EL0_CRN14 (SYSREG_ISS_ID(3, 3, 14, 0, 0)) /* PMEVCNTR/PMEVTYPER<n>, PMCCFILTR */

#endif
