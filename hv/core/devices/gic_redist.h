/* The vGIC redistributors' register window (hv/vdev/vgicr.h: 128 KiB per vCPU) on a partition's bus, at the
 * IPA QEMU's virt machine uses. Only on a GICv3 platform. */
#ifndef KARASU_HV_CORE_DEVICES_GIC_REDIST_H
#define KARASU_HV_CORE_DEVICES_GIC_REDIST_H

#include <stdbool.h>

struct partition;

#define GUEST_GICR_IPA 0x080a0000ull

bool gic_redist_attach(struct partition *p);

#endif
