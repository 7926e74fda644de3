/* The PEs' EL2 stacks (entry.S: hv_stacks, PERCPU_STACK_SIZE each) and running C on a fresh one. */
#ifndef KARASU_HV_ARCH_ARM64_STACK_H
#define KARASU_HV_ARCH_ARM64_STACK_H

#include <stdint.h>

#include "hv/arch/arm64/layout.h"

extern uint8_t hv_stacks[];

/* The initial (highest) stack address of PE pe. */
static inline uintptr_t pe_stack_top(unsigned pe)
{
	return (uintptr_t)hv_stacks + (uintptr_t)(pe + 1) * PERCPU_STACK_SIZE;
}

/* Calls fn(arg) on the stack at sp; fn must not return. */
_Noreturn void run_on_stack(void (*fn)(void *), void *arg, uintptr_t sp);

#endif
