/* Generates the devicetree a Linux guest boots with, from a description of its virtual machine.
 *
 * Nodes: / (#address-cells = #size-cells = 2, compatible "linux,dummy-virt", interrupt-parent = the GIC),
 * /memory@BASE, /cpus/cpu@N (reg = MPIDR affinity, enable-method "psci"), /psci (compatible
 * "arm,psci-1.0","arm,psci-0.2", method "hvc" or "smc"), /intc@GICD (arm,gic-v3: distributor + redistributor
 * region; or for a GICv2 guest arm,cortex-a15-gic: distributor + CPU interface; #interrupt-cells 3), /timer
 * (arm,armv8-timer: PPIs 13, 14, 11, 10 level-high; on GICv2 with the CPU mask of the arm,gic binding in the
 * flags' bits [15:8]), /apb-pclk (fixed-clock,
 * for the PL011 driver), /pl011@BASE (arm,pl011 + arm,primecell), /virtio_mmio@BASE (virtio,mmio, edge SPI),
 * /aliases (serial0), /chosen (bootargs, stdout-path, linux,initrd-start/end).
 *
 * PSCI method: "hvc" is the default. Linux uses the one method for every PSCI call; HVC always traps to EL2
 * (it is how hypercalls arrive too), while SMC traps only with HCR_EL2.TSC — karasu handles both, so hvc is the
 * choice that cannot silently reach firmware.
 */
#ifndef KARASU_HV_CORE_GUEST_DTB_H
#define KARASU_HV_CORE_GUEST_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_DTB_MAX_CPUS       8u
#define GUEST_DTB_MAX_VIRTIO     4u
#define GUEST_DTB_PL011_CLOCK_HZ 24000000u

/* devicetree interrupt specifier for the GIC (#interrupt-cells = 3): type, number, flags. */
#define GUEST_DTB_IRQ_SPI           0u
#define GUEST_DTB_IRQ_PPI           1u
#define GUEST_DTB_IRQ_EDGE_RISING   1u
#define GUEST_DTB_IRQ_LEVEL_HIGH    4u
/* GICv2 PPI flags: bit 8 + n = the interrupt is wired to CPU interface n (arm,gic binding). */
#define GUEST_DTB_IRQ_PPI_CPU_SHIFT 8u

/* Architected timer PPI numbers (INTID - 16), in the order of the "interrupts" property. */
#define GUEST_DTB_TIMER_PPI_SEC_PHYS 13u
#define GUEST_DTB_TIMER_PPI_PHYS     14u
#define GUEST_DTB_TIMER_PPI_VIRT     11u
#define GUEST_DTB_TIMER_PPI_HYP      10u

enum guest_dtb_psci_method {
	GUEST_DTB_PSCI_HVC = 0,
	GUEST_DTB_PSCI_SMC,
};

struct guest_dtb_mmio_dev {
	uint64_t base, size;
	uint32_t spi; /* SPI number (INTID - 32) */
};

struct guest_dtb_desc {
	const char *model; /* NULL: "karasu" */
	uint64_t mem_base, mem_size;
	unsigned nr_cpus;           /* 1..GUEST_DTB_MAX_CPUS */
	const uint64_t *cpu_mpidr;  /* nr_cpus MPIDR values (NULL: Aff0 = index) */
	const char *cpu_compatible; /* NULL: "arm,armv8" */
	enum guest_dtb_psci_method psci_method;
	unsigned gic_version;          /* 3 (or 0): GICv3; 2: GICv2 */
	uint64_t gicd_base, gicd_size; /* size 0: 64 KiB (GICv3), 4 KiB (GICv2) */
	uint64_t gicr_base, gicr_size; /* GICv3; size 0: 128 KiB per CPU */
	uint64_t gicc_base, gicc_size; /* GICv2; size 0: 8 KiB */
	uint32_t timer_frequency; /* "clock-frequency" of the timer node; 0 = omit (CNTFRQ_EL0 is used) */
	bool has_uart;
	struct guest_dtb_mmio_dev uart; /* vPL011 */
	unsigned nr_virtio;             /* 0..GUEST_DTB_MAX_VIRTIO */
	struct guest_dtb_mmio_dev virtio[GUEST_DTB_MAX_VIRTIO];
	const char *bootargs;              /* NULL: no bootargs property */
	uint64_t initrd_start, initrd_end; /* guest-physical; equal: no initrd properties */
};

/* Writes the blob into buf (cap bytes) and its size to *size. Returns 0 (FDT_OK) or a negative FDT_ERR_*
 * code from lib/fdt.h: FDT_ERR_BADARG for an invalid description (no CPUs, too many, empty memory, initrd end
 * before start, a GIC version other than 0, 2 and 3, a GICv2 with more than 8 CPUs), FDT_ERR_NOSPACE when cap is too small (8 KiB is plenty for the maximum description). */
int guest_dtb_build(const struct guest_dtb_desc *desc, void *buf, size_t cap, size_t *size);

#endif
