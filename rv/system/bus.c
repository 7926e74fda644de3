/* The machine's physical address space: RAM plus device regions (see bus.h). */
#include <string.h>

#include "rv/system/bus.h"

void rv_bus_init(struct rv_bus *bus, uint64_t ram_base, uint64_t ram_size, uint8_t *ram)
{
	memset(bus, 0, sizeof(*bus));
	bus->ram_base = ram_base;
	bus->ram_size = ram_size;
	bus->ram = ram;
}

void rv_bus_set_rom(struct rv_bus *bus, uint64_t base, uint64_t size, uint8_t *rom)
{
	bus->rom_base = base;
	bus->rom_size = size;
	bus->rom = rom;
}

void rv_bus_fini(struct rv_bus *bus)
{
	for (unsigned i = 0; i < bus->n_regions; i++)
		pthread_mutex_destroy(&bus->regions[i].lock);
	bus->n_regions = 0;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

struct rv_bus_region *rv_bus_add(struct rv_bus *bus, const char *name, uint64_t base, uint64_t size,
                                 const struct rv_mmio_ops *ops, void *ctx)
{
	if (size == 0 || base + size < base || bus->n_regions == RV_BUS_MAX_REGIONS)
		return NULL;
	if (overlaps(base, size, bus->ram_base, bus->ram_size) ||
	    (bus->rom && overlaps(base, size, bus->rom_base, bus->rom_size)))
		return NULL;
	unsigned at = 0;
	for (unsigned i = 0; i < bus->n_regions; i++) {
		const struct rv_bus_region *r = bus->by_base[i];
		if (overlaps(base, size, r->base, r->size))
			return NULL;
		if (r->base < base)
			at = i + 1;
	}
	struct rv_bus_region *r = &bus->regions[bus->n_regions];
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->base = base;
	r->size = size;
	r->ops = ops;
	r->ctx = ctx;
	pthread_mutex_init(&r->lock, NULL);
	memmove(&bus->by_base[at + 1], &bus->by_base[at], (bus->n_regions - at) * sizeof(bus->by_base[0]));
	bus->by_base[at] = r;
	bus->n_regions++;
	return r;
}

const struct rv_bus_region *rv_bus_find(const struct rv_bus *bus, uint64_t pa)
{
	unsigned lo = 0, hi = bus->n_regions;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const struct rv_bus_region *r = bus->by_base[mid];
		if (pa < r->base)
			hi = mid;
		else if (pa - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static struct rv_bus_region *find_access(struct rv_bus *bus, uint64_t pa, unsigned size)
{
	struct rv_bus_region *r = (struct rv_bus_region *)rv_bus_find(bus, pa);
	if (!r || r->size - (pa - r->base) < size)
		return NULL;
	return r;
}

enum rv_mmio_result rv_bus_read(struct rv_bus *bus, uint64_t pa, unsigned size, uint64_t *value)
{
	struct rv_bus_region *r = find_access(bus, pa, size);
	*value = 0;
	if (!r || !r->ops->read)
		return RV_MMIO_ERROR;
	pthread_mutex_lock(&r->lock);
	enum rv_mmio_result res = r->ops->read(r->ctx, pa - r->base, size, value);
	r->reads++;
	pthread_mutex_unlock(&r->lock);
	return res;
}

enum rv_mmio_result rv_bus_write(struct rv_bus *bus, uint64_t pa, unsigned size, uint64_t value)
{
	struct rv_bus_region *r = find_access(bus, pa, size);
	if (!r || !r->ops->write)
		return RV_MMIO_ERROR;
	pthread_mutex_lock(&r->lock);
	enum rv_mmio_result res = r->ops->write(r->ctx, pa - r->base, size, value);
	r->writes++;
	pthread_mutex_unlock(&r->lock);
	return res;
}
