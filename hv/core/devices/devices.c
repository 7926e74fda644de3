#include "hv/core/devices/devices.h"

#include "hv/core/devices/gic_cpu.h"
#include "hv/core/devices/gic_dist.h"
#include "hv/core/devices/gic_redist.h"
#include "hv/core/devices/irqchip.h"
#include "hv/core/devices/uart.h"
#include "hv/core/devices/virtio_disk.h"

static bool (*const attach[])(struct partition *p) = {
    irqchip_attach,     /* first: the others raise their interrupts through it */
    gic_dist_attach,    /* vGICD (GICv3 or GICv2 model, as the platform's GIC) */
    gic_redist_attach,  /* vGICR (GICv3 only) */
    gic_cpu_attach,     /* the virtual CPU interface GICV as the guest's GICC (GICv2 only) */
    uart_attach,        /* vPL011 */
    virtio_disk_attach, /* virtio-blk (only with disk= in the config) */
};

void devices_init(void)
{
	irqchip_init();
}

bool devices_attach(struct partition *p)
{
	for (unsigned i = 0; i < sizeof(attach) / sizeof(attach[0]); i++)
		if (!attach[i](p))
			return false;
	return true;
}
