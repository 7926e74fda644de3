/* Trapped system registers (MSR/MRS from a guest, EC 0x18), dispatched through a table that their users
 * fill: the vGIC's SGI registers (devices/irqchip.c) and the PMU (pmu_trap.c). An entry matches the
 * registers whose identification fields (op0/op1/CRn/CRm/op2, SYSREG_ISS_ID) equal `match` under `mask`;
 * the first matching entry whose handler takes the access wins. A register nobody takes stops the guest
 * (hv/core/exits.c). Filled on the boot PE before any guest runs; read without a lock. */
#ifndef KARASU_HV_CORE_SYSREG_TRAP_H
#define KARASU_HV_CORE_SYSREG_TRAP_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

#define SYSREG_TRAP_MAX 16u

enum sysreg_result {
	SYSREG_HANDLED = 0,
	SYSREG_UNHANDLED, /* not this handler's register or direction */
};

/* id: the register; read: MRS (*val receives the value) or MSR (*val holds it). */
typedef enum sysreg_result (*sysreg_handler)(struct vcpu *v, uint32_t id, bool read, uint64_t *val);

bool sysreg_trap_register(uint32_t match, uint32_t mask, sysreg_handler fn, const char *name);
enum sysreg_result sysreg_trap_dispatch(struct vcpu *v, uint32_t id, bool read, uint64_t *val);

#endif
