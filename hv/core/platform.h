/* What karasu-hv learns about the machine from the platform DTB (nothing is hard-coded). */
#ifndef KARASU_HV_CORE_PLATFORM_H
#define KARASU_HV_CORE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/base/limits.h"
#include "lib/fdt.h"

#define PLATFORM_MAX_MEM      8u
#define PLATFORM_MAX_RESERVED 16u
#define PLATFORM_MAX_VIRTIO   32u

struct phys_range {
	uint64_t base;
	uint64_t size;
};

struct platform {
	const uint8_t *dtb;
	size_t dtb_size;
	struct fdt fdt;

	struct phys_range mem[PLATFORM_MAX_MEM];
	unsigned nmem;
	/* /memreserve/ entries and /reserved-memory children: never handed out. */
	struct phys_range reserved[PLATFORM_MAX_RESERVED];
	unsigned nreserved;

	struct phys_range uart;
	uint32_t uart_intid; /* 0 = unknown */

	/* The interrupt controller: 3 = GICv3 ("arm,gic-v3": distributor + redistributors), 2 = GICv2
	 * ("arm,gic-400", "arm,cortex-a15-gic": distributor, CPU interface, and for virtualization the hypervisor
	 * interface GICH and the virtual CPU interface GICV). 0 = none found. */
	unsigned gic_version;
	struct phys_range gicd;
	struct phys_range gicr; /* GICv3: first redistributor region */
	struct phys_range gicc; /* GICv2: the CPU interface */
	struct phys_range gich; /* GICv2: the virtual interface control (list registers) */
	struct phys_range gicv; /* GICv2: the virtual CPU interface, mapped into guests as their GICC */
	uint32_t maint_intid;   /* GIC maintenance interrupt (INTID) */
	uint32_t vtimer_intid;  /* EL1 virtual timer PPI (INTID) */
	uint32_t ptimer_intid;  /* EL1 physical timer (non-secure) PPI */
	uint32_t htimer_intid;  /* EL2 physical timer PPI (the hypervisor's own tick) */

	unsigned ncpus;
	uint64_t cpu_mpidr[HV_MAX_CPUS];

	bool psci_present;
	bool psci_use_smc; /* method = "smc" (else "hvc") */
	uint32_t psci_cpu_on;

	struct {
		struct phys_range regs;
		uint32_t intid;
	} virtio[PLATFORM_MAX_VIRTIO];
	unsigned nvirtio;

	/* Map guest RAM at stage 2 with 4 KiB pages instead of 2 MiB blocks: chosen on QEMU's emulated virt
	 * machine (root compatible "linux,dummy-virt"), whose TCG flushes its whole TLB for every guest TLBI
	 * by VA that hits a stage-2 block; hardware walks blocks faster, so everywhere else blocks. */
	bool stage2_ram_pages;
};

extern struct platform platform;

/* Validates the DTB at dtb and fills `platform`. Returns 0 or a negative FDT_ERR_* code / -1 with a message
 * printed (the UART is set up as early as possible so errors can be seen). */
int platform_probe(const void *dtb);

#endif
