/* A partition's MMIO bus: the emulated devices' register windows in the guest-physical address space.
 *
 * A device binds itself to the bus with a base, a size, its operations and a context pointer
 * (mmio_bus_add); the bus knows nothing else about it. A guest access is looked up by address and given to
 * the device at its offset inside the window, with the accessing vCPU's index; the device answers with an
 * mmio_result, and the caller (hv/core/guest_abort.c) turns anything but MMIO_HANDLED into an external abort
 * for the guest. Pure logic, unit-tested on the host (tests/unit/test_mmio_bus.c).
 *
 * Bindings are added while the partition is built, before any vCPU runs; lookups afterwards need no lock.
 */
#ifndef KARASU_HV_CORE_MMIO_BUS_H
#define KARASU_HV_CORE_MMIO_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define MMIO_BUS_MAX_DEVICES 8u

enum mmio_result {
	MMIO_HANDLED = 0,  /* done: a read's value is in *val */
	MMIO_ABORT,        /* the device refuses the access (size, alignment, register): an external abort */
	MMIO_UNHANDLED,    /* no device at the address */
	MMIO_OUT_OF_RANGE, /* the access starts in a window and runs past its end */
};

struct mmio_access {
	unsigned vcpu;   /* index of the accessing vCPU in its partition */
	uint64_t offset; /* from the device's base */
	unsigned size;   /* 1, 2, 4 or 8 bytes */
	bool write;
};

struct mmio_ops {
	/* val: a write's value (already truncated to the access size), or where a read's value goes. */
	enum mmio_result (*access)(void *ctx, const struct mmio_access *a, uint64_t *val);
};

struct mmio_binding {
	const char *name;
	uint64_t base, size;
	const struct mmio_ops *ops;
	void *ctx;
};

struct mmio_bus {
	unsigned count;
	struct mmio_binding dev[MMIO_BUS_MAX_DEVICES];
};

void mmio_bus_init(struct mmio_bus *bus);
/* Binds a device at [base, base+size). False (nothing added) for a size of 0, a window that wraps or overlaps
 * another one, missing ops, or a full bus. */
bool mmio_bus_add(struct mmio_bus *bus, const char *name, uint64_t base, uint64_t size,
                  const struct mmio_ops *ops, void *ctx);
/* The binding whose window holds addr, or NULL. */
const struct mmio_binding *mmio_bus_find(const struct mmio_bus *bus, uint64_t addr);
/* One access of size bytes at addr by vCPU vcpu: MMIO_UNHANDLED without a device there, MMIO_OUT_OF_RANGE if it
 * runs past the window's end, else the device's answer. A write's value is truncated to size first. */
enum mmio_result mmio_bus_access(const struct mmio_bus *bus, unsigned vcpu, uint64_t addr, unsigned size,
                                 bool write, uint64_t *val);
/* The same on a binding found before: the second access of a pair goes to the device of the first, and is
 * MMIO_OUT_OF_RANGE if it leaves that device's window. */
enum mmio_result mmio_binding_access(const struct mmio_binding *d, unsigned vcpu, uint64_t addr,
                                     unsigned size, bool write, uint64_t *val);

#endif
