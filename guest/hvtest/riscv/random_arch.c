/* The RISC-V hooks of hvtest.mode=random (random.h): the karasu ECALL with the generated input value and all
 * of a1..a5, and the machine's device windows (karasu-rv's QEMU-virt layout). */
#include <stdint.h>

#include "guest/hvtest/random.h"
#include "karasu/hv.h"

#define UART_SIZE        0x100u
#define TEST_SIZE        0x1000u     /* sifive,test0: a store there powers the machine off */
#define VIRTIO_MMIO_BASE 0x10001000u /* eight virtio-mmio slots of 4 KiB */
#define VIRTIO_MMIO_SIZE 0x8000u
#define BOOT_ROM         0x1000u
#define BOOT_ROM_SIZE    0x1000u
#define RTC_BASE         0x101000u /* goldfish RTC */
#define RTC_SIZE         0x1000u

uint64_t random_arch_call(uint64_t input, uint64_t regs[HVTEST_FAST_REGS_MAX])
{
	register uint64_t a0 __asm__("a0") = input;
	register uint64_t a1 __asm__("a1") = regs[0];
	register uint64_t a2 __asm__("a2") = regs[1];
	register uint64_t a3 __asm__("a3") = regs[2];
	register uint64_t a4 __asm__("a4") = regs[3];
	register uint64_t a5 __asm__("a5") = regs[4];
	register uint64_t a6 __asm__("a6") = HV_SBI_FID_HYPERCALL;
	register uint64_t a7 __asm__("a7") = HV_SBI_EXT_KARASU;
	__asm__ volatile("ecall"
	                 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
	                 : "r"(a6), "r"(a7)
	                 : "memory");
	regs[0] = a1;
	regs[1] = a2;
	regs[2] = a3;
	regs[3] = a4;
	regs[4] = a5;
	return a0;
}

unsigned random_arch_devices(struct random_window *w, unsigned max)
{
	const struct random_window list[] = {
	    {plat.uart_base, UART_SIZE, "uart"},
	    {plat.plic_base, plat.plic_size, "plic"},
	    {plat.clint_base, plat.clint_size, "clint"},
	    {plat.test_base, TEST_SIZE, "test"},
	    {VIRTIO_MMIO_BASE, VIRTIO_MMIO_SIZE, "virtio"},
	    {BOOT_ROM, BOOT_ROM_SIZE, "rom"},
	    {RTC_BASE, RTC_SIZE, "rtc"},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof(list) / sizeof(list[0]) && n < max; i++)
		if (list[i].size)
			w[n++] = list[i];
	return n;
}
