/* Wild physical accesses (the RISC-V counterpart of arm64's stage-2 group): with satp = 0 every S-mode address
 * is physical, so loads, stores and instruction fetches anywhere outside the guest's RAM and devices must come
 * back as access faults with scause and stval right (privileged spec): the top of the physical address space
 * and beyond, RAM aliases with high bits, instruction fetches from holes and from MMIO (whether I/O is
 * executable is the platform's choice: an access fault, or an illegal instruction from the register's bytes
 * as on QEMU), and — in the group "hostile.phys.karasu", since QEMU has these devices — QEMU virt's devices
 * karasu-rv does not have (flash, fw_cfg, PCIe) and a sweep over [0, 4 GiB). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define POISON      0x5a5a5a5a5a5a5a5aull
#define SWEEP_STEP  (16ull << 20)
#define SWEEP_END   (4ull << 30)
#define RTC_BASE    0x101000ull /* goldfish RTC, one page */
#define VIRTIO_BASE 0x10001000ull
#define VIRTIO_END  0x10009000ull /* eight virtio-mmio slots */

static bool access_faults(uint64_t addr, bool write)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
	expect_fault_begin();
	if (write)
		*p = POISON;
	else
		(void)*p;
	expect_fault_end();
	return last_fault.taken && last_fault.scause == (write ? CAUSE_STORE_FAULT : CAUSE_LOAD_FAULT) &&
	       last_fault.stval == addr;
}

static void probe(const char *what, uint64_t addr, bool write)
{
	bool ok = access_faults(addr, write);
	check(ok, what, "%s (scause %#llx, stval %#llx)",
	      last_fault.taken ? "wrong exception" : "no exception: the access completed",
	      (unsigned long long)last_fault.scause, (unsigned long long)last_fault.stval);
}

static void probe_rw(const char *what_load, const char *what_store, uint64_t addr)
{
	probe(what_load, addr, false);
	probe(what_store, addr, true);
}

/* A fetch from addr: an instruction access fault, or (mmio) an illegal instruction there. */
static void probe_fetch(const char *what, uint64_t addr, bool mmio)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)addr;
	expect_fault_begin_return();
	fn();
	expect_fault_end();
	bool cause_ok =
	    last_fault.scause == CAUSE_FETCH_FAULT || (mmio && last_fault.scause == CAUSE_ILLEGAL);
	check(last_fault.taken && cause_ok && last_fault.sepc == addr, what,
	      "%s (scause %#llx, sepc %#llx, stval %#llx)",
	      last_fault.taken ? "wrong exception" : "no exception: the call returned",
	      (unsigned long long)last_fault.scause, (unsigned long long)last_fault.sepc,
	      (unsigned long long)last_fault.stval);
}

static bool in_range(uint64_t a, uint64_t base, uint64_t size)
{
	return a >= base && a - base < size;
}

static bool is_own_device(uint64_t a)
{
	return in_range(a, plat.plic_base, plat.plic_size) || in_range(a, plat.clint_base, plat.clint_size) ||
	       in_range(a, plat.uart_base, HVTEST_PAGE) || in_range(a, plat.test_base, HVTEST_PAGE) ||
	       in_range(a, RTC_BASE, HVTEST_PAGE) || in_range(a, VIRTIO_BASE, VIRTIO_END - VIRTIO_BASE) ||
	       in_range(a, plat.ram_base, plat.ram_size);
}

static void absent_devices(void)
{
	probe_rw("load from QEMU virt's flash window (0x20000000) -> load access fault",
	         "store to QEMU virt's flash window (0x20000000) -> store access fault", 0x20000000);
	probe_rw("load from QEMU virt's fw_cfg (0x10100000) -> load access fault",
	         "store to QEMU virt's fw_cfg (0x10100000) -> store access fault", 0x10100000);
	probe("load from QEMU virt's PCIe ECAM (0x30000000) -> load access fault", 0x30000000, false);
	probe("load from QEMU virt's PCIe MMIO window (0x40000000) -> load access fault", 0x40000000, false);
	probe("load from physical address 0 -> load access fault", 0, false);
}

static void address_limits(void)
{
	uint64_t ram_end = plat.ram_base + plat.ram_size;
	probe("load from the last 8 bytes of the 56-bit physical address space -> load access fault",
	      (1ull << 56) - 8, false);
	probe("load from physical address 2^56 (beyond any Sv39/Sv48 physical address) -> load access fault",
	      1ull << 56, false);
	probe("store to physical address 2^63 -> store access fault", 1ull << 63, true);
	probe("load from 0xfffffffffffffff8 -> load access fault", 0xfffffffffffffff8ull, false);
	probe("load from RAM base | 2^40 (no alias of guest RAM) -> load access fault",
	      plat.ram_base | (1ull << 40), false);
	probe("store to RAM base | 2^32 (no alias of guest RAM) -> store access fault",
	      plat.ram_base | (1ull << 32), true);
	probe("store to the last RAM address + 2 MiB -> store access fault", ram_end + (2ull << 20), true);
}

/* A load every 16 MiB of [0, 4 GiB) outside RAM and the devices the machine has. */
static void sweep(void)
{
	unsigned n = 0, reachable = 0;
	uint64_t first = 0;
	for (uint64_t a = 0; a < SWEEP_END; a += SWEEP_STEP) {
		uint64_t at = a + SWEEP_STEP / 2;
		if (is_own_device(at))
			continue;
		n++;
		if (!access_faults(at, false)) {
			if (!reachable)
				first = at;
			reachable++;
		}
	}
	check(reachable == 0,
	      "physical sweep: a load every 16 MiB of [0, 4 GiB) outside RAM and devices faults",
	      "%u of %u addresses readable (or another cause), first %#llx", reachable, n,
	      (unsigned long long)first);
}

static void fetches(void)
{
	probe_fetch("instruction fetch from physical address 0 -> instruction access fault", 0, false);
	probe_fetch("instruction fetch just past the end of RAM -> instruction access fault",
	            plat.ram_base + plat.ram_size, false);
	probe_fetch(
	    "instruction fetch from the UART -> instruction access fault or illegal instruction there",
	    plat.uart_base, true);
	probe_fetch(
	    "instruction fetch from the PLIC -> instruction access fault or illegal instruction there",
	    plat.plic_base, true);
	probe_fetch(
	    "instruction fetch from the CLINT -> instruction access fault or illegal instruction there",
	    plat.clint_base, true);
}

void cases_hostile_phys(void)
{
	out("hvtest: hostile: wild physical accesses\n");
	address_limits();
	fetches();
	case_group("hostile.phys.karasu", SCOPE_ARCH);
	absent_devices();
	sweep();
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	check(r == 0, "hypercalls still work after the physical probes", "result %#llx",
	      (unsigned long long)r);
}
