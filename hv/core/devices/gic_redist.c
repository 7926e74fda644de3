#include "hv/core/devices/gic_redist.h"

#include "hv/core/devices/irqchip.h"
#include "hv/core/partition.h"
#include "hv/core/platform.h"
#include "hv/vdev/vgicr.h"

_Static_assert(GUEST_GICR_IPA + VGICR_REGION_SIZE(PARTITION_MAX_VCPUS) <= GUEST_DEVICE_WINDOW_END,
               "the redistributors of the largest partition lie in the device window");

static enum mmio_result access(void *ctx, const struct mmio_access *a, uint64_t *val)
{
	struct vgic *vgic = irqchip_vgic(ctx);
	bool ok = a->write ? vgicr_mmio_write(vgic, a->vcpu, a->offset, a->size, *val)
	                   : vgicr_mmio_read(vgic, a->vcpu, a->offset, a->size, val);
	return ok ? MMIO_HANDLED : MMIO_ABORT;
}

static void describe(void *ctx, struct guest_dtb_desc *d)
{
	struct partition *p = ctx;
	d->gicr_base = GUEST_GICR_IPA;
	d->gicr_size = VGICR_REGION_SIZE(p->nvcpus);
}

static const struct mmio_ops mmio = {.access = access};
static const struct device_ops device = {.describe = describe};

bool gic_redist_attach(struct partition *p)
{
	if (platform.gic_version != 3)
		return true; /* a GICv2 has no redistributors */
	return mmio_bus_add(&p->bus, "vGICR", GUEST_GICR_IPA, VGICR_REGION_SIZE(p->nvcpus), &mmio, p) &&
	       partition_add_device(p, "vGICR", &device, p);
}
