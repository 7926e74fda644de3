/* The arm64 hooks of hvtest.mode=random (random.h): the HVC with the generated input value and all of
 * X2..X17, and the guest's device windows as karasu-hv lays them out (the QEMU virt places). */
#include <stdint.h>

#include "guest/hvtest/random.h"
#include "karasu/hv.h"

#define VIRTIO_MMIO_BASE 0x0a000000u /* karasu-hv's (and QEMU virt's) first virtio-mmio slot */
#define VIRTIO_MMIO_SIZE 0x200u
#define UART_SIZE        0x1000u
#define FLASH_SIZE       0x08000000u /* IPA 0: where QEMU virt has its flash; nothing in a karasu guest */

uint64_t random_arch_call(uint64_t input, uint64_t regs[HVTEST_FAST_REGS_MAX])
{
	struct hvc_regs r = {0};
	r.x[0] = HV_SMCCC_FUNC_HYPERCALL;
	r.x[1] = input;
	for (unsigned i = 0; i < HVTEST_FAST_REGS; i++)
		r.x[HVTEST_FAST_FIRST_REG + i] = regs[i];
	hvtest_hvc(&r);
	for (unsigned i = 0; i < HVTEST_FAST_REGS; i++)
		regs[i] = r.x[HVTEST_FAST_FIRST_REG + i];
	return r.x[0];
}

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
