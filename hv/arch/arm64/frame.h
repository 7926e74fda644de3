/* The one exception frame of karasu-hv: every trap (from a guest or from EL2 itself) saves the general
 * registers and the return state here, on the current PE's EL2 stack. vectors.S and C agree on this layout
 * through the FRAME_* offsets below. */
#ifndef KARASU_HV_ARCH_ARM64_FRAME_H
#define KARASU_HV_ARCH_ARM64_FRAME_H

#define FRAME_X0   0
#define FRAME_ELR  (31 * 8)
#define FRAME_SPSR (32 * 8)
#define FRAME_SIZE (34 * 8) /* keeps the stack 16-byte aligned */

#ifndef __ASSEMBLY__
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

_Static_assert(sizeof(struct trap_frame) == FRAME_SIZE, "frame layout must match vectors.S");

/* Register number 31 in a load/store or MSR/MRS means XZR: reads give 0, writes are dropped. */
static inline uint64_t frame_get_reg(const struct trap_frame *f, unsigned reg)
{
	return reg < 31 ? f->x[reg] : 0;
}
static inline void frame_set_reg(struct trap_frame *f, unsigned reg, uint64_t val)
{
	if (reg < 31)
		f->x[reg] = val;
}

/* Restores f (which must lie at the top of the current PE's stack) and erets. Never returns. */
_Noreturn void frame_return(struct trap_frame *f);
#endif

#endif
