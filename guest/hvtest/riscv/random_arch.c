/* The RISC-V hooks of hvtest.mode=random (random.h): the machine's device windows (karasu-rv's QEMU-virt
 * layout). The call itself is hypercall_raw (riscv/hypercall.c). */
#include <stdint.h>

#include "guest/hvtest/random.h"

#define UART_SIZE        0x100u
#define TEST_SIZE        0x1000u     /* sifive,test0: a store there powers the machine off */
#define VIRTIO_MMIO_BASE 0x10001000u /* eight virtio-mmio slots of 4 KiB */
#define VIRTIO_MMIO_SIZE 0x8000u
#define BOOT_ROM         0x1000u
#define BOOT_ROM_SIZE    0x1000u
#define RTC_BASE         0x101000u /* goldfish RTC */
#define RTC_SIZE         0x1000u

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
