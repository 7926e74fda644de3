#include "hv/core/devices/gic_dist.h"

#include "hv/core/devices/irqchip.h"
#include "hv/core/devices/gic_redist.h"
#include "hv/core/partition.h"
#include "hv/core/platform.h"
#include "hv/vdev/vgicd.h"
#include "hv/vdev/vgicd_v2.h"

_Static_assert(GUEST_GICD_IPA >= GUEST_DEVICE_WINDOW_BASE &&
                   GUEST_GICD_IPA + VGICD_FRAME_SIZE <= GUEST_GICR_IPA,
               "the distributor frame lies in the device window, below the redistributors");

static enum mmio_result access_v3(void *ctx, const struct mmio_access *a, uint64_t *val)
{
	struct vgic *vgic = irqchip_vgic(ctx);
	bool ok = a->write ? vgicd_mmio_write(vgic, a->vcpu, a->offset, a->size, *val)
	                   : vgicd_mmio_read(vgic, a->vcpu, a->offset, a->size, val);
	return ok ? MMIO_HANDLED : MMIO_ABORT;
}

static enum mmio_result access_v2(void *ctx, const struct mmio_access *a, uint64_t *val)
{
	struct partition *p = ctx;
	struct vgic *vgic = irqchip_vgic(p);
	if (a->write && a->offset == VGICD2_SGIR && a->vcpu < p->nvcpus)
		p->vcpus[a->vcpu].stats.sgis_sent++;
	bool ok = a->write ? vgicd_v2_mmio_write(vgic, a->vcpu, a->offset, a->size, *val)
	                   : vgicd_v2_mmio_read(vgic, a->vcpu, a->offset, a->size, val);
	return ok ? MMIO_HANDLED : MMIO_ABORT;
}

/* The guest gets the same GIC architecture as the platform: its CPU interface is the hardware's own virtual
 * one (GICv3: ICC_* system registers; GICv2: the GICV frame). */
static uint64_t frame_size(void)
{
	return platform.gic_version == 2 ? VGICD2_FRAME_SIZE : VGICD_FRAME_SIZE;
}

static void describe(void *ctx, struct guest_dtb_desc *d)
{
	(void)ctx;
	d->gic_version = platform.gic_version == 2 ? 2 : 3;
	d->gicd_base = GUEST_GICD_IPA;
	d->gicd_size = frame_size();
}

static const struct mmio_ops mmio_v3 = {.access = access_v3};
static const struct mmio_ops mmio_v2 = {.access = access_v2};
static const struct device_ops device = {.describe = describe};

bool gic_dist_attach(struct partition *p)
{
	const struct mmio_ops *ops = platform.gic_version == 2 ? &mmio_v2 : &mmio_v3;
	return mmio_bus_add(&p->bus, "vGICD", GUEST_GICD_IPA, frame_size(), ops, p) &&
	       partition_add_device(p, "vGICD", &device, p);
}
