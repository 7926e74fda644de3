/* hvtest's RISC-V platform: the DTB devices it looks for (ns16550a, PLIC, CLINT, the SiFive test device), the
 * timebase, the entry checks (the SBI boot protocol: S-mode, a0 = hart id, a1 = DTB, satp = 0, interrupts
 * off), the time CSR as its clock, SBI SRST as power-off, and the order of the RISC-V case groups. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/mem.h"

extern uint8_t __image_start[];

uint64_t hvtest_boot_hart;
/* sstatus and satp as start.S found them (before it touched anything). */
uint64_t hvtest_entry_sstatus, hvtest_entry_satp;

static const struct fdt_device devices[] = {
    /* the console first */
    {.compatible = "ns16550a", .name_prefix = "serial@", .base0 = &plat.uart_base},
    {.compatible = "riscv,plic0", .base0 = &plat.plic_base, .size0 = &plat.plic_size},
    {.compatible = "riscv,clint0", .base0 = &plat.clint_base, .size0 = &plat.clint_size},
    {.compatible = "sifive,test0", .base0 = &plat.test_base},
};
#define DEVICE_UART 0

const struct fdt_device *arch_fdt_devices(unsigned *n)
{
	*n = sizeof(devices) / sizeof(devices[0]);
	return devices;
}

void arch_fdt_property(const char *node, int depth, int device, const char *prop, const uint8_t *val,
                       uint32_t len)
{
	if (depth == 1 && !k_strcmp(node, "cpus") && !k_strcmp(prop, "timebase-frequency")) {
		if (len == 4)
			plat.timebase_hz = fdt_be32(val);
		else if (len == 8)
			plat.timebase_hz = (uint64_t)fdt_be32(val) << 32 | fdt_be32(val + 4);
	} else if (device == DEVICE_UART && !k_strcmp(prop, "reg-shift") && len == 4) {
		plat.uart_reg_shift = fdt_be32(val);
	}
}

uint64_t now_ticks(void)
{
	return csr_read(time);
}

uint64_t ticks_per_ms(void)
{
	return plat.timebase_hz >= 1000 ? plat.timebase_hz / 1000 : 10000;
}

_Noreturn void power_off(void)
{
	/* "system failure" when a case failed: karasu-rv then exits with status 1 */
	uint64_t reason = cases_failed() ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE;
	struct sbiret r = sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN, reason, 0, 0);
	out("hvtest: SBI SRST shutdown returned %lld; spinning\n", (long long)r.error);
	for (;;)
		__asm__ volatile("wfi");
}

static bool hart_listed(uint64_t hart)
{
	for (unsigned i = 0; i < plat.ncpus; i++)
		if (plat.cpu_id[i] == hart)
			return true;
	return false;
}

/* Reading sstatus works from S-mode and traps from U-mode; reading mstatus works only in M-mode. */
static bool runs_in_s_mode(void)
{
	expect_fault_begin();
	(void)csr_read(sstatus);
	bool s_ok = !last_fault.taken;
	expect_fault_begin();
	(void)csr_read(mstatus);
	bool m_traps = last_fault.taken && last_fault.scause == CAUSE_ILLEGAL;
	expect_fault_end();
	return s_ok && m_traps;
}

bool arch_entry_checks(const void *dtb, bool have_dtb, uintptr_t running_at)
{
	out("hvtest: DTB at %p%s, UART %#llx (reg-shift %u), RAM %#llx+%#llx, %u harts, boot hart %llu, "
	    "timebase %llu Hz\n",
	    dtb, have_dtb ? "" : " (unreadable: using defaults)", (unsigned long long)plat.uart_base,
	    plat.uart_reg_shift, (unsigned long long)plat.ram_base, (unsigned long long)plat.ram_size,
	    plat.ncpus, (unsigned long long)hvtest_boot_hart, (unsigned long long)plat.timebase_hz);

	case_group("entry", SCOPE_ARCH);
	check(have_dtb, "a1 holds a readable guest DTB", "a1 = %p", dtb);
	check(have_dtb && hart_listed(hvtest_boot_hart), "a0 holds the boot hart's id, a hart the DTB lists",
	      "a0 = %llu", (unsigned long long)hvtest_boot_hart);
	check(running_at == (uintptr_t)__image_start, "image loaded at its link address (RAM base + 2 MiB)",
	      "running at %#lx, linked at %p", (unsigned long)running_at, (void *)__image_start);
	check(runs_in_s_mode(), "guest entered in S-mode (sstatus readable, mstatus not)", "mstatus %s",
	      last_fault.taken ? "trapped with another cause" : "readable");
	check(hvtest_entry_satp == 0 && !(hvtest_entry_sstatus & SSTATUS_SIE),
	      "entered with satp = 0 (no translation) and sstatus.SIE = 0", "satp %#llx, sstatus %#llx",
	      (unsigned long long)hvtest_entry_satp, (unsigned long long)hvtest_entry_sstatus);
	return running_at == (uintptr_t)__image_start && have_dtb;
}

void arch_standard_cases(void)
{
	case_group("sbi", SCOPE_ARCH);
	cases_sbi();
	case_group("hsm", SCOPE_ARCH);
	cases_hsm();
	case_group("faults", SCOPE_ARCH);
	cases_faults();
}

void arch_hostile_cases(void)
{
	case_group("hostile.phys", SCOPE_ARCH);
	cases_hostile_phys();
	case_group("hostile.csr", SCOPE_ARCH);
	cases_hostile_csr();
	case_group("hostile.umode", SCOPE_ARCH);
	cases_hostile_umode();
	case_group("hostile.sbi", SCOPE_ARCH);
	cases_hostile_sbi(); /* last: its final case may switch the machine off if karasu gets it wrong */
}
