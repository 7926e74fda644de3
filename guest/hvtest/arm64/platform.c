/* hvtest's arm64 platform: the DTB devices it looks for (PL011, GICv3 or GICv2), the PSCI conduit, the entry checks,
 * the generic timer as its clock, PSCI SYSTEM_OFF, and the order of the arm64 case groups. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/mem.h"

#define PSCI_SYSTEM_OFF 0x84000008u

extern uint8_t __image_start[];

static const struct fdt_device devices[] = {
    /* the console first */
    {.compatible = "arm,pl011", .name_prefix = "pl011@", .base0 = &plat.uart_base},
    {.compatible = "arm,gic-v3",
     .base0 = &plat.gicd_base,
     .size0 = &plat.gicd_size,
     .base1 = &plat.gicr_base,
     .size1 = &plat.gicr_size},
    {.compatible = "arm,cortex-a15-gic",
     .base0 = &plat.gicd_base,
     .size0 = &plat.gicd_size,
     .base1 = &plat.gicc_base,
     .size1 = &plat.gicc_size},
};

const struct fdt_device *arch_fdt_devices(unsigned *n)
{
	*n = sizeof(devices) / sizeof(devices[0]);
	return devices;
}

void arch_fdt_property(const char *node, int depth, int device, const char *prop, const uint8_t *val,
                       uint32_t len)
{
	(void)device;
	if (depth == 1 && !k_strcmp(prop, "method") && !k_strncmp(node, "psci", 4))
		plat.psci_smc = len >= 3 && k_memcmp(val, "smc", 3) == 0;
}

int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct hvc_regs r = {0};
	r.x[0] = fn;
	r.x[1] = a1;
	r.x[2] = a2;
	r.x[3] = a3;
	if (plat.psci_smc)
		hvtest_smc(&r);
	else
		hvtest_hvc(&r);
	return (int64_t)r.x[0];
}

uint64_t now_ticks(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t ticks_per_ms(void)
{
	uint64_t f;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f ? f / 1000 : 62500;
}

_Noreturn void power_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	out("hvtest: PSCI SYSTEM_OFF returned; spinning\n");
	for (;;)
		__asm__ volatile("wfi");
}

bool arch_entry_checks(const void *dtb, bool have_dtb, uintptr_t running_at)
{
	uint64_t el;
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	out("hvtest: DTB at %p%s, UART %#llx, RAM %#llx+%#llx, %u vCPUs, PSCI via %s, running at EL%llu\n",
	    dtb, have_dtb ? "" : " (unreadable: using defaults)", (unsigned long long)plat.uart_base,
	    (unsigned long long)plat.ram_base, (unsigned long long)plat.ram_size, plat.ncpus,
	    plat.psci_smc ? "smc" : "hvc", (unsigned long long)(el >> 2) & 3);

	case_group("entry", SCOPE_ARCH);
	check(have_dtb, "x0 holds a readable guest DTB", "x0 = %p", dtb);
	check(running_at == (uintptr_t)__image_start,
	      "image loaded at its link address (RAM base + text_offset)", "running at %#lx, linked at %p",
	      (unsigned long)running_at, (void *)__image_start);
	check(((el >> 2) & 3) == 1, "guest entered at EL1", "CurrentEL = EL%llu",
	      (unsigned long long)(el >> 2) & 3);
	return running_at == (uintptr_t)__image_start && have_dtb;
}

void arch_standard_cases(void)
{
	case_group("smccc", SCOPE_ARCH);
	cases_smccc();
	case_group("psci", SCOPE_ARCH);
	cases_psci();
	case_group("aborts", SCOPE_ARCH);
	cases_aborts();
}

void arch_hostile_cases(void)
{
	case_group("hostile.stage2", SCOPE_ARCH);
	cases_hostile_stage2();
	case_group("hostile.mmio", SCOPE_ARCH);
	cases_hostile_mmio();
	case_group("hostile.vgic", SCOPE_ARCH);
	cases_hostile_vgic();
	case_group("hostile.psci", SCOPE_ARCH);
	cases_hostile_psci();
	case_group("hostile.sysreg", SCOPE_ARCH);
	cases_hostile_sysreg();
	case_group("hostile.el0", SCOPE_ARCH);
	cases_hostile_el0();
}
