/* The RISC-V parts of the hostile GPA cases (cases_hostile_gpa.c): the machine's own devices (UART, PLIC,
 * CLINT, the test device) and the boot ROM as hypercall GPAs. karasu-rv keeps no code of its own in guest
 * physical memory, so there is no counterpart of arm64's hv.bin address. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define BOOT_ROM 0x1000u /* QEMU virt's reset ROM (karasu-rv's too) */

unsigned arch_hostile_gpa_devices(struct hostile_gpa_target *t, unsigned max)
{
	const struct hostile_gpa_target list[] = {
	    {GPA_PARTITION_ID_OUTPUT, plat.uart_base,
	     "GetPartitionId output GPA = the UART -> INVALID_ALIGNMENT"},
	    {GPA_PARTITION_ID_OUTPUT, plat.plic_base,
	     "GetPartitionId output GPA = the PLIC -> INVALID_ALIGNMENT"},
	    {GPA_PARTITION_ID_OUTPUT, plat.clint_base,
	     "GetPartitionId output GPA = the CLINT -> INVALID_ALIGNMENT"},
	    {GPA_VP_REGISTERS_INPUT, plat.plic_base,
	     "GetVpRegisters input GPA = the PLIC -> INVALID_ALIGNMENT"},
	    {GPA_VP_REGISTERS_OUTPUT, plat.uart_base,
	     "GetVpRegisters output GPA = the UART -> INVALID_ALIGNMENT"},
	    {GPA_VP_REGISTERS_OUTPUT, plat.test_base,
	     "GetVpRegisters output GPA = the SiFive test device (power-off) -> INVALID_ALIGNMENT"},
	    {GPA_PARTITION_ID_OUTPUT, BOOT_ROM,
	     "GetPartitionId output GPA = the boot ROM (0x1000) -> INVALID_ALIGNMENT"},
	    {GPA_VP_REGISTERS_INPUT, BOOT_ROM,
	     "GetVpRegisters input GPA = the boot ROM (0x1000) -> INVALID_ALIGNMENT"},
	};
	unsigned n = sizeof(list) / sizeof(list[0]);
	n = n < max ? n : max;
	for (unsigned i = 0; i < n; i++)
		t[i] = list[i];
	return n;
}

unsigned arch_mmio_pages(uint64_t *gpa, const char **what, unsigned max)
{
	const uint64_t pages[] = {plat.plic_base, plat.uart_base, plat.clint_base, BOOT_ROM};
	const char *names[] = {"the PLIC", "the UART", "the CLINT", "the boot ROM"};
	unsigned n = sizeof(pages) / sizeof(pages[0]);
	n = n < max ? n : max;
	for (unsigned i = 0; i < n; i++) {
		gpa[i] = pages[i] & ~(uint64_t)(HVTEST_PAGE - 1);
		what[i] = names[i];
	}
	return n;
}

void arch_hostile_gpa_extra(void)
{
}
