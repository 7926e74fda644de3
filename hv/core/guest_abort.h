/* Stage-2 aborts from a guest: RAM on first use (ram_scrub.h), emulated MMIO on the partition's bus (the
 * access decoded from the syndrome, or from the instruction when the syndrome has none), or an external abort
 * injected for an address the guest does not own or an access a device refuses. */
#ifndef KARASU_HV_CORE_GUEST_ABORT_H
#define KARASU_HV_CORE_GUEST_ABORT_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch/arm64/traps.h"
#include "hv/core/vcpu.h"

void guest_abort_data(struct vcpu *v, struct trap_frame *f, uint64_t esr, const struct guest_abort_info *a);
void guest_abort_insn(struct vcpu *v, struct trap_frame *f, uint64_t esr, const struct guest_abort_info *a);

#endif
