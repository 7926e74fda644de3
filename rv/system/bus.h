/* The physical address space of one karasu-rv machine: guest RAM and the MMIO regions of its devices.
 *
 * Devices register themselves with rv_bus_add (base, size, ops, ctx), in the manner of Bao's
 * vm_emul_add_mem and Xen's register_mmio_handler; the bus knows nothing about their types. Every access
 * to a region runs under that region's lock (see mmio.h for the lock order). Lookups are lock-free once
 * the machine runs: regions are added before the harts start and never removed. */
#ifndef KARASU_RV_SYSTEM_BUS_H
#define KARASU_RV_SYSTEM_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/system/mmio.h"

#define RV_BUS_MAX_REGIONS 32

struct rv_bus_region {
	const char *name; /* for logs and --stats */
	uint64_t base, size;
	const struct rv_mmio_ops *ops;
	void *ctx;
	pthread_mutex_t lock;
	uint64_t reads, writes; /* accesses served (for --stats) */
};

struct rv_bus {
	/* Guest RAM: [ram_base, ram_base + ram_size) is host memory at ram. */
	uint64_t ram_base, ram_size;
	uint8_t *ram;
	/* The boot ROM (reset vector): host memory too, read and executed but never written. */
	uint64_t rom_base, rom_size;
	uint8_t *rom;
	unsigned n_regions;
	struct rv_bus_region regions[RV_BUS_MAX_REGIONS];  /* in the order they were added */
	struct rv_bus_region *by_base[RV_BUS_MAX_REGIONS]; /* the same, sorted by base */
};

void rv_bus_init(struct rv_bus *bus, uint64_t ram_base, uint64_t ram_size, uint8_t *ram);
void rv_bus_fini(struct rv_bus *bus);

/* Adds a device region. Returns the region (its lock is what rv_bus_lock takes), or NULL when it overlaps
 * RAM or another region, or the table is full. */
struct rv_bus_region *rv_bus_add(struct rv_bus *bus, const char *name, uint64_t base, uint64_t size,
                                 const struct rv_mmio_ops *ops, void *ctx);

/* The region containing physical address pa, or NULL. */
const struct rv_bus_region *rv_bus_find(const struct rv_bus *bus, uint64_t pa);

/* True when [pa, pa + len) is all guest RAM; then *host is its host address. */
static inline bool rv_bus_ram(const struct rv_bus *bus, uint64_t pa, uint64_t len, uint8_t **host)
{
	if (pa < bus->ram_base || len > bus->ram_size || pa - bus->ram_base > bus->ram_size - len)
		return false;
	*host = bus->ram + (pa - bus->ram_base);
	return true;
}

/* True when [pa, pa + len) is all boot ROM; then *host is its host address. */
static inline bool rv_bus_rom(const struct rv_bus *bus, uint64_t pa, uint64_t len, uint8_t **host)
{
	if (!bus->rom || pa < bus->rom_base || len > bus->rom_size ||
	    pa - bus->rom_base > bus->rom_size - len)
		return false;
	*host = bus->rom + (pa - bus->rom_base);
	return true;
}

/* Sets the boot ROM's contents location (before the machine runs). */
void rv_bus_set_rom(struct rv_bus *bus, uint64_t base, uint64_t size, uint8_t *rom);

/* An MMIO access at physical address pa (size 1/2/4/8) under the region's lock. RV_MMIO_ERROR when no
 * region holds all of [pa, pa + size) or the device refuses the access. */
enum rv_mmio_result rv_bus_read(struct rv_bus *bus, uint64_t pa, unsigned size, uint64_t *value);
enum rv_mmio_result rv_bus_write(struct rv_bus *bus, uint64_t pa, unsigned size, uint64_t value);

/* For code outside an access that calls into a device model (an input thread, a timer): take and drop
 * the region's lock around the call. */
static inline void rv_bus_lock(struct rv_bus_region *r)
{
	pthread_mutex_lock(&r->lock);
}
static inline void rv_bus_unlock(struct rv_bus_region *r)
{
	pthread_mutex_unlock(&r->lock);
}

#endif
