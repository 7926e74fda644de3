/* Stage-2 data aborts: emulated MMIO on the partition's device bus (syndrome from ESR_EL2 when ISV = 1,
 * otherwise the instruction is decoded), or an external abort injected for memory the guest does not own. */
#ifndef KARASU_HV_CORE_MMIO_H
#define KARASU_HV_CORE_MMIO_H

#include <stdint.h>

#include "hv/arch/arm64/frame.h"
#include "hv/core/vcpu.h"

void mmio_handle_abort(struct vcpu *v, struct trap_frame *f, uint64_t esr);

#endif
