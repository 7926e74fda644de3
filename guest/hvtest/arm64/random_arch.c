/* The arm64 hooks of hvtest.mode=random (random.h): the guest's device windows as karasu-hv lays them out
 * (the QEMU virt places). The call itself is hypercall_raw (arm64/hypercall.c). */
#include <stdint.h>

#include "guest/hvtest/random.h"

#define VIRTIO_MMIO_BASE 0x0a000000u /* karasu-hv's (and QEMU virt's) first virtio-mmio slot */
#define VIRTIO_MMIO_SIZE 0x200u
#define UART_SIZE        0x1000u
#define FLASH_SIZE       0x08000000u /* IPA 0: where QEMU virt has its flash; nothing in a karasu guest */

unsigned random_arch_devices(struct random_window *w, unsigned max)
{
	const struct random_window list[] = {
	    {plat.uart_base, UART_SIZE, "uart"},
	    {plat.gicd_base, plat.gicd_size, "gicd"},
	    {plat.gicc_base ? plat.gicc_base : plat.gicr_base,
	     plat.gicc_base ? plat.gicc_size : plat.gicr_size, plat.gicc_base ? "gicc" : "gicr"},
	    {VIRTIO_MMIO_BASE, VIRTIO_MMIO_SIZE, "virtio"},
	    {0, FLASH_SIZE, "flash"},
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof(list) / sizeof(list[0]) && n < max; i++)
		if (list[i].size)
			w[n++] = list[i];
	return n;
}
