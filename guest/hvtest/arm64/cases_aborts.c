/* Accesses outside the guest's RAM and devices must come back to the guest as a data abort taken at EL1 (the
 * hypervisor injects it), not hang the guest or stop karasu. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define ESR_EC_SHIFT    26
#define ESR_EC_MASK     0x3fu
#define ESR_EC_DABT_CUR 0x25u /* data abort taken without a change in exception level */
#define ESR_DFSC_MASK   0x3fu
#define HOLE_LOW_IPA    0x00100000ull /* below the vGIC: nothing there in karasu's guest layout */
#define HOLE_MID_IPA    0x20000000ull /* between the virtio-mmio window and RAM */

static void probe(const char *what, uint64_t addr, bool write)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
	expect_fault_begin();
	if (write)
		*p = 0x5a5a5a5a5a5a5a5aull;
	else
		(void)*p;
	expect_fault_end();
	uint64_t ec = (last_fault.esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
	check(last_fault.taken && ec == ESR_EC_DABT_CUR, what,
	      "%s (ESR_EL1 %#llx, EC %#llx, DFSC %#llx, FAR %#llx)",
	      last_fault.taken ? "wrong exception" : "no exception: the access completed",
	      (unsigned long long)last_fault.esr, (unsigned long long)ec,
	      (unsigned long long)(last_fault.esr & ESR_DFSC_MASK), (unsigned long long)last_fault.far);
}

void cases_aborts(void)
{
	probe("load from an unmapped IPA (0x100000) -> data abort at EL1", HOLE_LOW_IPA, false);
	probe("store to an unmapped IPA (0x20000000) -> data abort at EL1", HOLE_MID_IPA, true);
	probe("load just past the end of guest RAM -> data abort at EL1", plat.ram_base + plat.ram_size,
	      false);
	probe("store just past the end of guest RAM -> data abort at EL1", plat.ram_base + plat.ram_size,
	      true);
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	check(r == 0, "hypercalls still work after the aborts", "result %#llx", (unsigned long long)r);
}
