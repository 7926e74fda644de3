/* The guest's PMU register accesses (trapped by MDCR_EL2.TPM), handed to arch/arm64/pmu.c through the
 * trapped-register table. */
#include "hv/arch/arm64/pmu.h"
#include "hv/core/pmu_trap.h"
#include "hv/core/sysreg_trap.h"

static enum sysreg_result pmu_access(struct vcpu *v, uint32_t id, bool read, uint64_t *val)
{
	(void)v;
	return pmu_sysreg_access(id, read, val) ? SYSREG_HANDLED : SYSREG_UNHANDLED;
}

void pmu_trap_init(void)
{
	sysreg_trap_register(PMU_SYSREG_MATCH_EL0_CRN9, PMU_SYSREG_MATCH_MASK, pmu_access, "PMU");
	sysreg_trap_register(PMU_SYSREG_MATCH_EL1_CRN9, PMU_SYSREG_MATCH_MASK, pmu_access, "PMU");
	sysreg_trap_register(PMU_SYSREG_MATCH_EL0_CRN14, PMU_SYSREG_MATCH_MASK, pmu_access, "PMU");
}
