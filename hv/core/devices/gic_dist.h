/* The vGIC distributor's register window on a partition's bus, at the IPA QEMU's virt machine uses: the GICv3
 * model (hv/vdev/vgicd.h) or, on a GICv2 platform, the GICv2 one (hv/vdev/vgicd_v2.h). */
#ifndef KARASU_HV_CORE_DEVICES_GIC_DIST_H
#define KARASU_HV_CORE_DEVICES_GIC_DIST_H

#include <stdbool.h>

struct partition;

#define GUEST_GICD_IPA 0x08000000ull

bool gic_dist_attach(struct partition *p);

#endif
