/* The MMIO bus (mmio_bus.h). */
#include "hv/core/mmio_bus.h"

#include "lib/mem.h"

void mmio_bus_init(struct mmio_bus *bus)
{
	k_memset(bus, 0, sizeof(*bus));
}

static bool overlaps(const struct mmio_binding *d, uint64_t base, uint64_t size)
{
	return base < d->base + d->size && d->base < base + size;
}

bool mmio_bus_add(struct mmio_bus *bus, const char *name, uint64_t base, uint64_t size,
                  const struct mmio_ops *ops, void *ctx)
{
	if (size == 0 || base + size < base || !ops || !ops->access || bus->count == MMIO_BUS_MAX_DEVICES)
		return false;
	for (unsigned i = 0; i < bus->count; i++)
		if (overlaps(&bus->dev[i], base, size))
			return false;
	bus->dev[bus->count++] = (struct mmio_binding){name, base, size, ops, ctx};
	return true;
}

const struct mmio_binding *mmio_bus_find(const struct mmio_bus *bus, uint64_t addr)
{
	for (unsigned i = 0; i < bus->count; i++)
		if (addr >= bus->dev[i].base && addr - bus->dev[i].base < bus->dev[i].size)
			return &bus->dev[i];
	return NULL;
}

static uint64_t size_mask(unsigned bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8u * bytes)) - 1u;
}

enum mmio_result mmio_bus_access(const struct mmio_bus *bus, unsigned vcpu, uint64_t addr, unsigned size,
                                 bool write, uint64_t *val)
{
	const struct mmio_binding *d = mmio_bus_find(bus, addr);
	return d ? mmio_binding_access(d, vcpu, addr, size, write, val) : MMIO_UNHANDLED;
}

enum mmio_result mmio_binding_access(const struct mmio_binding *d, unsigned vcpu, uint64_t addr,
                                     unsigned size, bool write, uint64_t *val)
{
	if (addr < d->base)
		return MMIO_OUT_OF_RANGE;
	uint64_t off = addr - d->base;
	if (off + size > d->size)
		return MMIO_OUT_OF_RANGE;
	if (write)
		*val &= size_mask(size);
	struct mmio_access a = {.vcpu = vcpu, .offset = off, .size = size, .write = write};
	return d->ops->access(d->ctx, &a, val);
}
