/* What arch code does for a guest's abort: where it faulted, reading the guest's translation, stepping
 * over an instruction, and delivering a synchronous external abort at the guest's EL1 vector as a bus error
 * would. Whether to do any of it is core's decision (hv/core/guest_abort.c). */
#ifndef KARASU_HV_ARCH_ARM64_GUEST_ABORT_H
#define KARASU_HV_ARCH_ARM64_GUEST_ABORT_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch/arm64/frame.h"
#include "hv/arch/arm64/mmio_decode.h"

/* The faulting IPA of the current stage-2 abort (HPFAR_EL2 page + FAR_EL2 offset) and the guest VA. */
uint64_t guest_fault_ipa(void);
uint64_t guest_fault_va(void);
/* Advances the guest PC past the trapped instruction (ESR_EL2.IL gives its length). */
void guest_skip_instruction(struct trap_frame *f, uint64_t esr);
/* The IPA the guest's own stage-1 translation gives for va (AT S1E1R; PAR_EL1 is preserved). False if the
 * walk faults. */
bool guest_va_to_ipa(uint64_t va, uint64_t *ipa);
/* Whether an abort taken at f->elr hit the guest's own exception vectors at EL1 (injecting it would fault
 * again at once, forever). */
bool guest_abort_in_vectors(const struct trap_frame *f);
/* Delivers a synchronous external abort for the access described by esr (data or instruction) to the
 * guest's EL1 vector: ESR_EL1/FAR_EL1/ELR_EL1/SPSR_EL1 set as the hardware would. */
void guest_inject_external_abort(struct trap_frame *f, uint64_t esr, bool is_data);
/* Writes back the base register of a pre-/post-indexed op (SP_EL0 or SP_EL1 for register 31). */
void guest_mmio_writeback(const struct mmio_op *op, struct trap_frame *f);

#endif
