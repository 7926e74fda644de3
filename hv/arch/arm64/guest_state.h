/* Switching a PE between the hypervisor and a guest: the EL2 controls a partition runs under and the EL1
 * state a guest starts from. One vCPU per PE, for its whole life: nothing is saved or restored here, a
 * vCPU's EL1 registers simply stay in its PE. */
#ifndef KARASU_HV_ARCH_ARM64_GUEST_STATE_H
#define KARASU_HV_ARCH_ARM64_GUEST_STATE_H

#include <stdint.h>

/* Programs EL2 for a guest of the partition with these stage-2 registers and the vCPU's MPIDR: stage 2 on,
 * physical interrupts to EL2, SMC trapped, PMU registers trapped (pmu.h), the EL1 counter and timer
 * accessible, CNTVOFF 0; invalidates the VMID's TLB entries (it may have run here before). */
void guest_state_enter_partition(uint64_t vtcr, uint64_t vttbr, uint64_t vmpidr);
/* The EL1 state Linux's boot protocol expects: MMU and caches off; everything else it sets itself. */
void guest_state_reset_el1(void);
/* Back to the hypervisor's own controls (HCR_EL2 = HCR_HOST): physical interrupts are taken at EL2, so an
 * idle PE sleeps in WFI instead of spinning on a pending interrupt that targets EL1. */
void guest_state_host_mode(void);

#endif
