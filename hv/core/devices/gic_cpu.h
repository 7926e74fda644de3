/* A GICv2 guest's CPU interface: the platform's virtual CPU interface (GICV) mapped through stage 2 at the IPA
 * where the guest's devicetree puts its GICC, so the guest acknowledges and completes interrupts without exits
 * (the list registers behind it are karasu's, hv/arch/arm64/gic_lr.h). Nothing on a GICv3 platform, whose
 * guests use the ICC_* system registers. */
#ifndef KARASU_HV_CORE_DEVICES_GIC_CPU_H
#define KARASU_HV_CORE_DEVICES_GIC_CPU_H

#include <stdbool.h>

struct partition;

#define GUEST_GICC_IPA  0x08010000ull /* QEMU virt's GICC */
#define GUEST_GICC_SIZE 0x2000ull     /* GICC_DIR is at 0x1000: two 4 KiB pages */

bool gic_cpu_attach(struct partition *p);

#endif
