/* PMU register pass-through for guests (see pmu.h). The register must be named in the MSR/MRS
 * instruction, hence one case per register; PMEVCNTR<n>_EL0 / PMEVTYPER<n>_EL0 go through PMSELR_EL0 and the
 * PMXEV* registers. */
#include "hv/arch/arm64/pmu.h"

#include "hv/arch/arm64/sysreg.h"

/* PMEVTYPER<n>_EL0 / PMCCFILTR_EL0 / PMXEVTYPER_EL0: count events in EL2. */
#define PMU_FILTER_NSH (1ull << 27)

/* Encodings (op0 = 3 for all). */
#define ID_PMCR_EL0       SYSREG_ISS_ID(3, 3, 9, 12, 0)
#define ID_PMCNTENSET_EL0 SYSREG_ISS_ID(3, 3, 9, 12, 1)
#define ID_PMCNTENCLR_EL0 SYSREG_ISS_ID(3, 3, 9, 12, 2)
#define ID_PMOVSCLR_EL0   SYSREG_ISS_ID(3, 3, 9, 12, 3)
#define ID_PMSWINC_EL0    SYSREG_ISS_ID(3, 3, 9, 12, 4)
#define ID_PMSELR_EL0     SYSREG_ISS_ID(3, 3, 9, 12, 5)
#define ID_PMCEID0_EL0    SYSREG_ISS_ID(3, 3, 9, 12, 6)
#define ID_PMCEID1_EL0    SYSREG_ISS_ID(3, 3, 9, 12, 7)
#define ID_PMCCNTR_EL0    SYSREG_ISS_ID(3, 3, 9, 13, 0)
#define ID_PMXEVTYPER_EL0 SYSREG_ISS_ID(3, 3, 9, 13, 1)
#define ID_PMXEVCNTR_EL0  SYSREG_ISS_ID(3, 3, 9, 13, 2)
#define ID_PMUSERENR_EL0  SYSREG_ISS_ID(3, 3, 9, 14, 0)
#define ID_PMINTENSET_EL1 SYSREG_ISS_ID(3, 0, 9, 14, 1)
#define ID_PMINTENCLR_EL1 SYSREG_ISS_ID(3, 0, 9, 14, 2)
#define ID_PMOVSSET_EL0   SYSREG_ISS_ID(3, 3, 9, 14, 3)
#define ID_PMCCFILTR_EL0  SYSREG_ISS_ID(3, 3, 14, 15, 7)
/* PMEVCNTR<n>_EL0: CRn 14, CRm 8 + n / 8, op2 n % 8; PMEVTYPER<n>_EL0: CRm 12 + n / 8. */
#define PMEV_CRN          14u
#define PMEVCNTR_CRM0     8u
#define PMEVTYPER_CRM0    12u
#define PMEV_MAX_COUNTER  30u
#define ISS_CRM_SHIFT     1u
#define ISS_CRN_SHIFT     10u
#define ISS_OP2_SHIFT     17u
#define ISS_OP1_SHIFT     14u
#define ISS_OP0_SHIFT     20u

static bool access_fixed(uint32_t id, bool read, uint64_t *val)
{
	switch (id) {
	case ID_PMCR_EL0:
		if (read)
			*val = read_sysreg(pmcr_el0);
		else
			write_sysreg(pmcr_el0, *val);
		return true;
	case ID_PMCNTENSET_EL0:
		if (read)
			*val = read_sysreg(pmcntenset_el0);
		else
			write_sysreg(pmcntenset_el0, *val);
		return true;
	case ID_PMCNTENCLR_EL0:
		if (read)
			*val = read_sysreg(pmcntenclr_el0);
		else
			write_sysreg(pmcntenclr_el0, *val);
		return true;
	case ID_PMOVSCLR_EL0:
		if (read)
			*val = read_sysreg(pmovsclr_el0);
		else
			write_sysreg(pmovsclr_el0, *val);
		return true;
	case ID_PMSWINC_EL0:
		if (read)
			*val = 0;
		else
			write_sysreg(pmswinc_el0, *val);
		return true;
	case ID_PMSELR_EL0:
		if (read)
			*val = read_sysreg(pmselr_el0);
		else
			write_sysreg(pmselr_el0, *val);
		return true;
	case ID_PMCEID0_EL0:
		if (read)
			*val = read_sysreg(pmceid0_el0);
		return true;
	case ID_PMCEID1_EL0:
		if (read)
			*val = read_sysreg(pmceid1_el0);
		return true;
	case ID_PMCCNTR_EL0:
		if (read)
			*val = read_sysreg(pmccntr_el0);
		else
			write_sysreg(pmccntr_el0, *val);
		return true;
	case ID_PMXEVTYPER_EL0:
		if (read)
			*val = read_sysreg(pmxevtyper_el0);
		else
			write_sysreg(pmxevtyper_el0, *val & ~PMU_FILTER_NSH);
		return true;
	case ID_PMXEVCNTR_EL0:
		if (read)
			*val = read_sysreg(pmxevcntr_el0);
		else
			write_sysreg(pmxevcntr_el0, *val);
		return true;
	case ID_PMUSERENR_EL0:
		if (read)
			*val = read_sysreg(pmuserenr_el0);
		else
			write_sysreg(pmuserenr_el0, *val);
		return true;
	case ID_PMINTENSET_EL1:
		if (read)
			*val = read_sysreg(pmintenset_el1);
		else
			write_sysreg(pmintenset_el1, *val);
		return true;
	case ID_PMINTENCLR_EL1:
		if (read)
			*val = read_sysreg(pmintenclr_el1);
		else
			write_sysreg(pmintenclr_el1, *val);
		return true;
	case ID_PMOVSSET_EL0:
		if (read)
			*val = read_sysreg(pmovsset_el0);
		else
			write_sysreg(pmovsset_el0, *val);
		return true;
	case ID_PMCCFILTR_EL0:
		if (read)
			*val = read_sysreg(pmccfiltr_el0);
		else
			write_sysreg(pmccfiltr_el0, *val & ~PMU_FILTER_NSH);
		return true;
	default: return false;
	}
}

/* PMEVCNTR<n>_EL0 and PMEVTYPER<n>_EL0 through PMSELR_EL0 = n (the guest's PMSELR is restored). */
static bool access_indexed(uint32_t id, bool read, uint64_t *val)
{
	unsigned op0 = (id >> ISS_OP0_SHIFT) & 3u, op1 = (id >> ISS_OP1_SHIFT) & 7u;
	unsigned crn = (id >> ISS_CRN_SHIFT) & 0xfu, crm = (id >> ISS_CRM_SHIFT) & 0xfu,
	         op2 = (id >> ISS_OP2_SHIFT) & 7u;
	if (op0 != 3 || op1 != 3 || crn != PMEV_CRN || crm < PMEVCNTR_CRM0)
		return false;
	bool type = crm >= PMEVTYPER_CRM0;
	unsigned n = (crm - (type ? PMEVTYPER_CRM0 : PMEVCNTR_CRM0)) * 8u + op2;
	if (n > PMEV_MAX_COUNTER)
		return false; /* CRm 15 op2 7 is PMCCFILTR_EL0, handled by access_fixed */
	uint64_t saved = read_sysreg(pmselr_el0);
	write_sysreg(pmselr_el0, n);
	isb();
	if (type) {
		if (read)
			*val = read_sysreg(pmxevtyper_el0);
		else
			write_sysreg(pmxevtyper_el0, *val & ~PMU_FILTER_NSH);
	} else {
		if (read)
			*val = read_sysreg(pmxevcntr_el0);
		else
			write_sysreg(pmxevcntr_el0, *val);
	}
	write_sysreg(pmselr_el0, saved);
	isb();
	return true;
}

bool pmu_sysreg_access(uint32_t id, bool read, uint64_t *val)
{
	if (!access_fixed(id, read, val) && !access_indexed(id, read, val))
		return false;
	isb();
	return true;
}
