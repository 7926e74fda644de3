#include "hv/drivers/gic.h"

const struct gic_ops *gic_active = &gicv3_ops;

void gic_select(const struct gic_ops *ops)
{
	gic_active = ops;
}
