/* Guest exits: the table of exit handlers, indexed by the kind of exit that arch code decoded
 * (arch/arm64/traps.h), and what is common to them. */
#ifndef KARASU_HV_CORE_EXITS_H
#define KARASU_HV_CORE_EXITS_H

#include <stdint.h>

#include "hv/arch/arm64/frame.h"
#include "hv/core/vcpu.h"

/* Boot PE, before any PE can take an exception from a guest: hands core's handlers to the trap entry. */
void exits_init(void);
/* Logs what the guest did and stops its partition; does not return. */
_Noreturn void guest_fault(struct vcpu *v, struct trap_frame *f, const char *what, uint64_t esr);

#endif
