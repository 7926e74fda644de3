#include "hv/core/devices/gic_dist.h"

#include "hv/core/devices/irqchip.h"
#include "hv/core/devices/gic_redist.h"
#include "hv/core/partition.h"
#include "hv/vdev/vgicd.h"

_Static_assert(GUEST_GICD_IPA >= GUEST_DEVICE_WINDOW_BASE &&
                   GUEST_GICD_IPA + VGICD_FRAME_SIZE <= GUEST_GICR_IPA,
               "the distributor frame lies in the device window, below the redistributors");

static enum mmio_result access(void *ctx, const struct mmio_access *a, uint64_t *val)
{
	struct vgic *vgic = irqchip_vgic(ctx);
	bool ok = a->write ? vgicd_mmio_write(vgic, a->vcpu, a->offset, a->size, *val)
	                   : vgicd_mmio_read(vgic, a->vcpu, a->offset, a->size, val);
	return ok ? MMIO_HANDLED : MMIO_ABORT;
}

static void describe(void *ctx, struct guest_dtb_desc *d)
{
	(void)ctx;
	d->gicd_base = GUEST_GICD_IPA;
	d->gicd_size = VGICD_FRAME_SIZE;
}

static const struct mmio_ops mmio = {.access = access};
static const struct device_ops device = {.describe = describe};

bool gic_dist_attach(struct partition *p)
{
	return mmio_bus_add(&p->bus, "vGICD", GUEST_GICD_IPA, VGICD_FRAME_SIZE, &mmio, p) &&
	       partition_add_device(p, "vGICD", &device, p);
}
