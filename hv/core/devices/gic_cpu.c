#include "hv/core/devices/gic_cpu.h"

#include "hv/base/log.h"
#include "hv/core/devices/gic_dist.h"
#include "hv/core/guest_mem.h"
#include "hv/core/partition.h"
#include "hv/core/platform.h"
#include "hv/vdev/vgicd_v2.h"

_Static_assert(GUEST_GICD_IPA + VGICD2_FRAME_SIZE <= GUEST_GICC_IPA &&
                   GUEST_GICC_IPA + GUEST_GICC_SIZE <= GUEST_DEVICE_WINDOW_END,
               "the GICv2 CPU interface lies in the device window, after the distributor");

static void describe(void *ctx, struct guest_dtb_desc *d)
{
	(void)ctx;
	d->gicc_base = GUEST_GICC_IPA;
	d->gicc_size = GUEST_GICC_SIZE;
}

static const struct device_ops device = {.describe = describe};

bool gic_cpu_attach(struct partition *p)
{
	if (platform.gic_version != 2)
		return true;
	if (platform.gicv.size < GUEST_GICC_SIZE) {
		hv_log("%s: the platform's GICV region (%#llx bytes) is smaller than a GICv2 CPU interface",
		       p->name, (unsigned long long)platform.gicv.size);
		return false;
	}
	return guest_mem_map_device(p, GUEST_GICC_IPA, platform.gicv.base, GUEST_GICC_SIZE) &&
	       partition_add_device(p, "vGICC", &device, p);
}
