/* Accesses outside the guest's RAM and devices must come back to the guest as access faults taken in S-mode
 * (the RISC-V counterpart of arm64's aborts group; privileged spec: load access fault 5, store/AMO access
 * fault 7, instruction access fault 1, stval = the faulting address), not hang the guest or stop karasu. The
 * holes are holes on QEMU's virt board too. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define HOLE_LOW 0x00200000ull /* between the RTC and the CLINT */
#define HOLE_MID 0x18000000ull /* between the virtio-mmio slots and the flash window */

static const char *cause_name(uint64_t cause)
{
	switch (cause) {
	case CAUSE_FETCH_FAULT: return "instruction access fault";
	case CAUSE_ILLEGAL: return "illegal instruction";
	case CAUSE_LOAD_FAULT: return "load access fault";
	case CAUSE_STORE_FAULT: return "store/AMO access fault";
	default: return "another cause";
	}
}

static void probe(const char *what, uint64_t addr, bool write)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
	expect_fault_begin();
	if (write)
		*p = 0x5a5a5a5a5a5a5a5aull;
	else
		(void)*p;
	expect_fault_end();
	uint64_t want = write ? CAUSE_STORE_FAULT : CAUSE_LOAD_FAULT;
	check(last_fault.taken && last_fault.scause == want && last_fault.stval == addr &&
	          !last_fault.from_user,
	      what, "%s (scause %#llx: %s, stval %#llx)",
	      last_fault.taken ? "wrong exception" : "no exception: the access completed",
	      (unsigned long long)last_fault.scause, cause_name(last_fault.scause),
	      (unsigned long long)last_fault.stval);
}

static void probe_fetch(const char *what, uint64_t addr)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)addr;
	expect_fault_begin_return();
	fn();
	expect_fault_end();
	check(last_fault.taken && last_fault.scause == CAUSE_FETCH_FAULT && last_fault.sepc == addr &&
	          last_fault.stval == addr,
	      what, "%s (scause %#llx: %s, sepc %#llx, stval %#llx)",
	      last_fault.taken ? "wrong exception" : "no exception: the call returned",
	      (unsigned long long)last_fault.scause, cause_name(last_fault.scause),
	      (unsigned long long)last_fault.sepc, (unsigned long long)last_fault.stval);
}

void cases_faults(void)
{
	uint64_t ram_end = plat.ram_base + plat.ram_size;
	probe("load from an unmapped physical address (0x200000) -> load access fault, stval = the address",
	      HOLE_LOW, false);
	probe("store to an unmapped physical address (0x18000000) -> store access fault, stval = the address",
	      HOLE_MID, true);
	probe("load just past the end of guest RAM -> load access fault", ram_end, false);
	probe("store just past the end of guest RAM -> store access fault", ram_end, true);
	probe_fetch("instruction fetch from an unmapped physical address -> instruction access fault",
	            HOLE_LOW);
	case_group("faults.karasu", SCOPE_ARCH);
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	check(r == 0, "hypercalls still work after the faults", "result %#llx", (unsigned long long)r);
}
