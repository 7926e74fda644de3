/* hvtest drops to EL0 (el0.S) for a few instructions: HVC and SMC from user mode are UNDEFINED (docs/abi.md
 * rule 1: never a hypercall), a load outside the guest's memory from EL0 comes back as a lower-EL data abort,
 * an MMIO pair load from EL0 (no syndrome: karasu decodes the EL0 instruction) is emulated, and the SGI
 * register is out of EL0's reach. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define ESR_EC_SHIFT    26
#define ESR_EC_MASK     0x3fu
#define ESR_EC_UNKNOWN  0x00u
#define ESR_EC_DABT_LOW 0x24u
#define KIND_LOWER_SYNC 8u
#define EL0_STACK_SIZE  1024u
#define UNMAPPED_IPA    0x20000000ull
#define GICD_TYPER      0x4u

void el0_hvc(void);
void el0_smc(void);
void el0_load(void);
void el0_ldp(void);
void el0_sgi(void);

static uint8_t el0_stack[EL0_STACK_SIZE] __attribute__((aligned(16)));

static uint64_t stack_top(void)
{
	return (uintptr_t)el0_stack + EL0_STACK_SIZE;
}

static uint64_t ec(void)
{
	return (last_fault.esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static void undefined_at_el0(const char *what, void (*fn)(void), uint64_t x0)
{
	uint64_t result = ~0ull;
	expect_fault_begin();
	hvtest_run_el0(fn, stack_top(), x0, &result);
	expect_fault_end();
	check(last_fault.taken && last_fault.kind == KIND_LOWER_SYNC && ec() == ESR_EC_UNKNOWN &&
	          result == x0,
	      what, "exception %s (vector %llu, EC %#llx), x0 afterwards %#llx (want %#llx unchanged)",
	      last_fault.taken ? "taken" : "not taken", (unsigned long long)last_fault.kind,
	      (unsigned long long)ec(), (unsigned long long)result, (unsigned long long)x0);
}

void cases_hostile_el0(void)
{
	out("hvtest: hostile: EL0\n");
	undefined_at_el0("HVC #0 from EL0 (hypercall function id) -> UNDEFINED at EL1, x0 untouched", el0_hvc,
	                 HV_SMCCC_FUNC_HYPERCALL);
	undefined_at_el0("HVC #0 from EL0 (vendor UID query) -> UNDEFINED at EL1, x0 untouched", el0_hvc,
	                 HV_SMCCC_FUNC_VENDOR_HYP_UID);
	undefined_at_el0("SMC #0 from EL0 (PSCI SYSTEM_OFF) -> UNDEFINED at EL1", el0_smc, 0x84000008u);
	undefined_at_el0("MSR ICC_SGI1R_EL1 from EL0 -> UNDEFINED at EL1", el0_sgi, 0x3ull);

	uint64_t result = 0;
	expect_fault_begin();
	hvtest_run_el0(el0_load, stack_top(), UNMAPPED_IPA, &result);
	expect_fault_end();
	check(last_fault.taken && last_fault.kind == KIND_LOWER_SYNC && ec() == ESR_EC_DABT_LOW &&
	          last_fault.far == UNMAPPED_IPA,
	      "load from an unmapped IPA at EL0 -> data abort from a lower EL, FAR = the address",
	      "%s (vector %llu, EC %#llx, FAR %#llx)", last_fault.taken ? "taken" : "no exception",
	      (unsigned long long)last_fault.kind, (unsigned long long)ec(),
	      (unsigned long long)last_fault.far);

	static uint32_t pair[2] __attribute__((aligned(8)));
	pair[0] = pair[1] = 0;
	uint32_t ctlr = *(volatile uint32_t *)(uintptr_t)plat.gicd_base;
	uint32_t typer = *(volatile uint32_t *)(uintptr_t)(plat.gicd_base + GICD_TYPER);
	expect_fault_begin();
	hvtest_run_el0(el0_ldp, stack_top(), plat.gicd_base, (uint64_t *)pair);
	expect_fault_end();
	check(!last_fault.taken && pair[0] == ctlr && pair[1] == typer,
	      "LDP w, w of GICD_CTLR/TYPER from EL0 (no syndrome) is decoded and emulated",
	      "%s, got %#x %#x, want %#x %#x", last_fault.taken ? "abort taken" : "no abort", pair[0],
	      pair[1], ctlr, typer);
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	check(r == 0, "back at EL1, hypercalls work", "result %#llx", (unsigned long long)r);
}
