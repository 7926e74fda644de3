/* karasu's hypercalls and SBI calls on RISC-V (docs/abi.md "Transport on RISC-V"): ECALL from S-mode with
 * a7 = HV_SBI_EXT_KARASU, a6 = HV_SBI_FID_HYPERCALL, a0 = the input value, a1..a5 = GPAs or the fast-call
 * register block; a0 returns the TLFS result value. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

_Static_assert(HVTEST_FAST_REGS == HV_SBI_FAST_REGISTER_COUNT, "the fast-call block is a1..a5");

struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r1 __asm__("a1") = a1;
	register uint64_t r2 __asm__("a2") = a2;
	register uint64_t r3 __asm__("a3") = a3;
	register uint64_t r6 __asm__("a6") = fid;
	register uint64_t r7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3), "r"(r6), "r"(r7) : "memory");
	struct sbiret r = {(int64_t)r0, r1};
	return r;
}

/* The block in a1..a5 in and out; a0 = the input value in, the result value out. */
uint64_t hypercall_raw(uint64_t input, uint64_t regs[HVTEST_FAST_REGS_MAX])
{
	register uint64_t r0 __asm__("a0") = input;
	register uint64_t r1 __asm__("a1") = regs[0];
	register uint64_t r2 __asm__("a2") = regs[1];
	register uint64_t r3 __asm__("a3") = regs[2];
	register uint64_t r4 __asm__("a4") = regs[3];
	register uint64_t r5 __asm__("a5") = regs[4];
	register uint64_t r6 __asm__("a6") = HV_SBI_FID_HYPERCALL;
	register uint64_t r7 __asm__("a7") = HV_SBI_EXT_KARASU;
	__asm__ volatile("ecall"
	                 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5)
	                 : "r"(r6), "r"(r7)
	                 : "memory");
	regs[0] = r1;
	regs[1] = r2;
	regs[2] = r3;
	regs[3] = r4;
	regs[4] = r5;
	return r0;
}

uint64_t hypercall(uint64_t input, uint64_t in_gpa, uint64_t out_gpa)
{
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {in_gpa, out_gpa};
	return hypercall_raw(input, regs);
}

uint64_t hypercall_fast(uint64_t input, uint64_t regs[HVTEST_FAST_REGS_MAX])
{
	return hypercall_raw(input | HV_HYPERCALL_FAST_BIT, regs);
}
