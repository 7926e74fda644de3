/* Stage-2 isolation: loads, stores and instruction fetches at IPAs outside the guest's RAM and its emulated
 * devices must come back to the guest as an abort at EL1. The IPAs are the ones a hostile guest would try:
 * QEMU virt's real devices (flash at 0, the physical GIC's ITS and the redistributors of CPUs the guest does
 * not have, the RTC, fw_cfg, GPIO, the virtio-mmio slot of karasu's own boot disk, PCIe), physical RAM that
 * holds karasu and the other guests, the top of the IPA space and IPAs above it. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define ESR_EC_SHIFT       26
#define ESR_EC_MASK        0x3fu
#define ESR_EC_IABT_CUR    0x21u
#define ESR_EC_DABT_CUR    0x25u
#define POISON             0x5a5a5a5a5a5a5a5aull
#define SWEEP_STEP         (16ull << 20)
#define SWEEP_END          (4ull << 30)
#define GICR_FRAME         0x20000ull
#define GICD_TYPER         0x4u
#define GICD_TYPER_CPUS(t) (((t) >> 5) & 7u)

static uint64_t ec_of(uint64_t esr)
{
	return (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

/* True if the access faulted (a data abort at EL1). */
static bool access_faults(uint64_t addr, bool write)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
	expect_fault_begin();
	if (write)
		*p = POISON;
	else
		(void)*p;
	expect_fault_end();
	return last_fault.taken && ec_of(last_fault.esr) == ESR_EC_DABT_CUR;
}

static void probe(const char *what, uint64_t addr, bool write)
{
	bool ok = access_faults(addr, write);
	check(ok, what, "%s (ESR_EL1 %#llx, FAR %#llx)",
	      last_fault.taken ? "wrong exception" : "no exception: the access completed",
	      (unsigned long long)last_fault.esr, (unsigned long long)last_fault.far);
}

static void probe_rw(const char *what_load, const char *what_store, uint64_t addr)
{
	probe(what_load, addr, false);
	probe(what_store, addr, true);
}

static void probe_fetch(const char *what, uint64_t addr)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)addr;
	expect_fault_begin_return();
	fn();
	expect_fault_end();
	check(last_fault.taken && ec_of(last_fault.esr) == ESR_EC_IABT_CUR && last_fault.elr == addr, what,
	      "%s (ESR_EL1 %#llx, ELR %#llx)",
	      last_fault.taken ? "wrong exception" : "no exception: the branch returned",
	      (unsigned long long)last_fault.esr, (unsigned long long)last_fault.elr);
}

static bool in_window(uint64_t a, uint64_t base, uint64_t size)
{
	return a >= base && a < base + size;
}

static bool is_own_device(uint64_t a)
{
	return in_window(a, plat.gicd_base, plat.gicd_size) ||
	       (gic_is_v2() ? in_window(a, plat.gicc_base, plat.gicc_size)
	                    : in_window(a, plat.gicr_base, plat.gicr_size)) ||
	       in_window(a, plat.uart_base, HVTEST_PAGE);
}

/* QEMU virt with a GICv2 (gic-version=2): the physical hypervisor interface GICH and virtual CPU interface GICV
 * (karasu's own), and the guest's CPU interface window, which is exactly 8 KiB of the physical GICV. */
#define QEMU_GICV2_GICH 0x08030000ull
#define QEMU_GICV2_GICV 0x08040000ull

static void gicv2_windows(void)
{
	probe_rw("load from the physical GICv2 hypervisor interface GICH (0x08030000) -> abort",
	         "store to the physical GICv2 hypervisor interface GICH (0x08030000) -> abort",
	         QEMU_GICV2_GICH);
	probe_rw("load from the physical GICV at its own address (0x08040000) -> abort",
	         "store to the physical GICV at its own address (0x08040000) -> abort", QEMU_GICV2_GICV);
	probe_rw("load just past the guest's 8 KiB GICC window -> abort",
	         "store just past the guest's 8 KiB GICC window -> abort", plat.gicc_base + plat.gicc_size);
}

static void platform_devices(void)
{
	probe_rw("load from IPA 0 (QEMU's flash: U-Boot) -> abort", "store to IPA 0 (QEMU's flash) -> abort",
	         0);
	probe_rw("load from the physical GIC ITS (0x08080000) -> abort",
	         "store to the physical GIC ITS (0x08080000) -> abort", 0x08080000);
	if (gic_is_v2()) {
		gicv2_windows();
	} else {
		uint64_t redist_other = plat.gicr_base + (uint64_t)plat.ncpus * GICR_FRAME;
		probe_rw("load from the redistributor frame after the guest's last vCPU -> abort",
		         "store to the redistributor frame after the guest's last vCPU -> abort",
		         redist_other);
	}
	probe_rw("load from the PL031 RTC (0x09010000) -> abort",
	         "store to the PL031 RTC (0x09010000) -> abort", 0x09010000);
	probe_rw("load from fw_cfg (0x09020000) -> abort", "store to fw_cfg (0x09020000) -> abort",
	         0x09020000);
	probe_rw("load from the virtio-mmio slot of karasu's boot disk (0x0a003e00) -> abort",
	         "store to the virtio-mmio slot of karasu's boot disk (0x0a003e00) -> abort", 0x0a003e00);
	probe_rw("load from PCIe MMIO (0x10000000) -> abort", "store to PCIe MMIO (0x10000000) -> abort",
	         0x10000000);
	probe("load from PCIe ECAM (0x4010000000) -> abort", 0x4010000000ull, false);

	volatile uint32_t *gicd = (volatile uint32_t *)(uintptr_t)plat.gicd_base;
	uint32_t typer = gicd[GICD_TYPER / 4];
	check(GICD_TYPER_CPUS(typer) + 1 == plat.ncpus,
	      "the GICD at the guest's GIC address is karasu's vGICD (TYPER.CPUNumber = vCPUs - 1)",
	      "TYPER %#x: %u CPUs, the DTB lists %u", typer, GICD_TYPER_CPUS(typer) + 1, plat.ncpus);
}

static void ipa_limits(void)
{
	probe("load from the last 8 bytes of the 40-bit IPA space -> abort", (1ull << 40) - 8, false);
	probe("load from IPA 1 TiB (just above a 40-bit IPA space) -> abort", 1ull << 40, false);
	probe("store to IPA 1 TiB -> abort", 1ull << 40, true);
	probe("load from the last 8 bytes of a 44-bit PA space -> abort", (1ull << 44) - 8, false);
	probe("load from IPA 2^47 -> abort", 1ull << 47, false);
	probe("load from RAM base | 2^40 (no alias of guest RAM) -> abort", plat.ram_base | (1ull << 40),
	      false);
}

/* Physical RAM of the machine starts at 0x40000000 (QEMU virt): karasu's image and heap and every other
 * guest's RAM are in there. Nothing of it outside this guest's own RAM may be reachable. */
static void sweep(void)
{
	unsigned n = 0, reachable = 0;
	uint64_t first = 0;
	for (uint64_t a = 0; a < SWEEP_END; a += SWEEP_STEP) {
		uint64_t probe_at = a + SWEEP_STEP / 2;
		if ((probe_at >= plat.ram_base && probe_at < plat.ram_base + plat.ram_size) ||
		    is_own_device(probe_at))
			continue;
		n++;
		if (!access_faults(probe_at, false)) {
			if (!reachable)
				first = probe_at;
			reachable++;
		}
	}
	check(reachable == 0,
	      "stage-2 sweep: a load every 16 MiB of [0, 4 GiB) outside RAM and devices aborts",
	      "%u of %u addresses readable, first %#llx", reachable, n, (unsigned long long)first);
}

static void fetches(void)
{
	probe_fetch("instruction fetch from IPA 0 (flash) -> instruction abort at EL1", 0);
	probe_fetch("instruction fetch from the vPL011 -> instruction abort at EL1", plat.uart_base);
	probe_fetch("instruction fetch from the vGICD -> instruction abort at EL1", plat.gicd_base);
	probe_fetch("instruction fetch just past the end of RAM -> instruction abort at EL1",
	            plat.ram_base + plat.ram_size);
	probe_fetch("instruction fetch from IPA 0x80000000 (other guests' physical RAM) -> instruction abort",
	            0x80000000ull);
}

void cases_hostile_stage2(void)
{
	out("hvtest: hostile: stage-2\n");
	platform_devices();
	ipa_limits();
	sweep();
	fetches();
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	check(r == 0, "hypercalls still work after the stage-2 probes", "result %#llx",
	      (unsigned long long)r);
}
