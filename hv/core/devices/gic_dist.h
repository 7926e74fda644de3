/* The vGIC distributor's register window (hv/vdev/vgicd.h) on a partition's bus, at the IPA QEMU's virt
 * machine uses. */
#ifndef KARASU_HV_CORE_DEVICES_GIC_DIST_H
#define KARASU_HV_CORE_DEVICES_GIC_DIST_H

#include <stdbool.h>

struct partition;

#define GUEST_GICD_IPA 0x08000000ull

bool gic_dist_attach(struct partition *p);

#endif
