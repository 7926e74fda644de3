/* Helpers shared by the exit handlers. */
#ifndef KARASU_HV_ARCH_ARM64_TRAPS_H
#define KARASU_HV_ARCH_ARM64_TRAPS_H

#include <stdint.h>

#include "hv/arch/arm64/frame.h"
#include "hv/core/vcpu.h"

/* Logs what the guest did and stops its partition; does not return. */
_Noreturn void guest_fault(struct vcpu *v, struct trap_frame *f, const char *what, uint64_t esr);
/* Advances the guest PC past the trapped instruction (ESR_EL2.IL gives its length). */
void skip_instruction(struct trap_frame *f, uint64_t esr);
/* Delivers a synchronous external abort for the access described by esr (data or instruction) to the
 * guest's EL1 vector, as a real bus error would. */
void guest_inject_abort(struct vcpu *v, struct trap_frame *f, uint64_t esr, bool is_data);
/* Whether another injected abort may be reported on the console (the first few per vCPU start are; a guest
 * that faults in a loop must not flood the console). */
bool guest_abort_log_allowed(struct vcpu *v);

#endif
