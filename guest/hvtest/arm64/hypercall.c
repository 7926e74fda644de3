/* karasu's hypercalls on arm64 (docs/abi.md "Transport on arm64"): HVC #0 with X0 = the SMCCC function id
 * HV_SMCCC_FUNC_HYPERCALL, X1 = the input value, X2.. = GPAs or the fast-call register block. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

_Static_assert(HVTEST_FAST_REGS == HV_SMCCC_FAST_REGISTER_COUNT &&
                   HVTEST_FAST_FIRST_REG == HV_SMCCC_FAST_REGISTER_FIRST,
               "the fast-call block is X2..X17");

uint64_t hypercall(uint64_t input, uint64_t in_gpa, uint64_t out_gpa)
{
	struct hvc_regs r = {0};
	r.x[0] = HV_SMCCC_FUNC_HYPERCALL;
	r.x[1] = input;
	r.x[2] = in_gpa;
	r.x[3] = out_gpa;
	hvtest_hvc(&r);
	return r.x[0];
}

uint64_t hypercall_raw(uint64_t input, uint64_t regs[HVTEST_FAST_REGS_MAX])
{
	struct hvc_regs r = {0};
	r.x[0] = HV_SMCCC_FUNC_HYPERCALL;
	r.x[1] = input;
	for (unsigned i = 0; i < HVTEST_FAST_REGS; i++)
		r.x[HVTEST_FAST_FIRST_REG + i] = regs[i];
	hvtest_hvc(&r);
	for (unsigned i = 0; i < HVTEST_FAST_REGS; i++)
		regs[i] = r.x[HVTEST_FAST_FIRST_REG + i];
	return r.x[0];
}

uint64_t hypercall_fast(uint64_t input, uint64_t regs[HVTEST_FAST_REGS_MAX])
{
	return hypercall_raw(input | HV_HYPERCALL_FAST_BIT, regs);
}
