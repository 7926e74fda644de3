#include "hv/arch/arm64/firmware.h"

#include "hv/arch/arm64/sysreg.h"

static bool conduit_smc = true;

void firmware_set_conduit(bool use_smc)
{
	conduit_smc = use_smc;
}

int64_t firmware_psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	/* SMCCC 1.0 lets the callee corrupt x4-x17. */
	if (conduit_smc)
		__asm__ volatile("smc #0"
		                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		                 :
		                 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
		                   "x15", "x16", "x17", "memory");
	else
		__asm__ volatile("hvc #0"
		                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		                 :
		                 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
		                   "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

_Noreturn void firmware_system_off(void)
{
	firmware_psci(FIRMWARE_PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfe();
}

_Noreturn void firmware_system_reset(void)
{
	firmware_psci(FIRMWARE_PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		wfe();
}
