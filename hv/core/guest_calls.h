/* SMCCC calls from guests (HVC #0, or SMC #0 trapped by HCR_EL2.TSC): PSCI, the karasu hypercall
 * (0x46000001: X1 input value, X2 input GPA, X3 output GPA, result in X0) and the vendor hypervisor UID. */
#ifndef KARASU_HV_CORE_GUEST_CALLS_H
#define KARASU_HV_CORE_GUEST_CALLS_H

#include "hv/arch/arm64/frame.h"
#include "hv/core/vcpu.h"

void guest_smccc_call(struct vcpu *v, struct trap_frame *f);

#endif
