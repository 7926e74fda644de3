/* A guest's trapped load or store, decoded into the accesses the MMIO bus must make: from the data-abort
 * syndrome when ESR_EL2.ISS.ISV = 1 (one access, size/register/sign extension in the syndrome), else from the
 * instruction itself (insn_decode.h: pairs, pre-/post-index, register offsets). Pure: no register access,
 * unit-tested on the host (tests/unit/test_mmio_decode.c). */
#ifndef KARASU_HV_ARCH_ARM64_MMIO_DECODE_H
#define KARASU_HV_ARCH_ARM64_MMIO_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch/arm64/frame.h"
#include "hv/arch/arm64/insn_decode.h"

struct mmio_op {
	bool write;
	unsigned size;      /* bytes per access: 1, 2, 4 or 8 */
	unsigned count;     /* accesses: 1, or 2 for a pair (the second at address + size) */
	unsigned reg[2];    /* the register of each access (31 = XZR) */
	bool from_syndrome; /* ISV = 1: the fields below; else insn */
	bool sign_extend;   /* syndrome SSE: sign-extend a load */
	bool reg64;         /* syndrome SF: the target is an X register (else W: upper half zero) */
	struct a64_ldst insn;
};

/* From a data-abort syndrome: false (op cleared) when ISV = 0, i.e. the instruction must be decoded. */
bool mmio_decode_syndrome(uint64_t esr, struct mmio_op *op);
/* From the faulting instruction: false (op cleared) for anything insn_decode does not support. */
bool mmio_decode_instruction(uint32_t insn, struct mmio_op *op);

/* The value access i stores: the low `size` bytes of its register (XZR reads 0). */
uint64_t mmio_op_store_value(const struct mmio_op *op, const struct trap_frame *f, unsigned i);
/* Completes load i with the device's raw value: truncated to the access size, extended as the instruction
 * says, written to its register (XZR: dropped). */
void mmio_op_load_result(const struct mmio_op *op, struct trap_frame *f, unsigned i, uint64_t raw);
/* Whether the op writes back its base register (pre-/post-index), and which one (31 = SP). */
bool mmio_op_base_register(const struct mmio_op *op, unsigned *rn);
/* The new base register value from its old one. */
uint64_t mmio_op_base_value(const struct mmio_op *op, uint64_t old);

#endif
