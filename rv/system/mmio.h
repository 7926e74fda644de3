/* The contract between karasu-rv's system-mode devices and the machine's MMIO bus.
 *
 * A device model is plain C behind hook structs: it keeps its registers, answers reads and writes at
 * offsets inside its own region, and reaches the rest of the machine only through the hooks it was given
 * (an interrupt line, a clock, a byte sink, guest-physical memory). It is NOT thread-safe: the bus
 * (bus.h) serializes every access to one region with that region's lock, and whoever else calls into a
 * model (an input thread feeding a UART, a device raising a PLIC line) takes the same lock through the
 * bus (rv_bus_lock / rv_bus_unlock). So models contain no pthread code and are unit-tested on the host.
 *
 * Lock order (never take them the other way round): a device's region lock, then the PLIC's region lock,
 * then a hart's wake-up lock. A device may therefore raise a PLIC line from inside its own access handler;
 * the PLIC may signal a hart from inside its own. */
#ifndef KARASU_RV_SYSTEM_MMIO_H
#define KARASU_RV_SYSTEM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

/* What an access did. RV_MMIO_ERROR becomes an access fault in the guest (load/store access fault,
 * mcause 5/7): use it for sizes or alignments the device does not decode. Unknown but well-formed
 * registers read as zero and ignore writes (RV_MMIO_OK), as real devices do. */
enum rv_mmio_result {
	RV_MMIO_OK = 0,
	RV_MMIO_ERROR = 1,
};

/* One device region's handlers. offset is relative to the region's base; size is 1, 2, 4 or 8; the bus
 * never passes an access that crosses the end of the region. Reads return the value zero-extended in
 * *value. */
struct rv_mmio_ops {
	enum rv_mmio_result (*read)(void *ctx, uint64_t offset, unsigned size, uint64_t *value);
	enum rv_mmio_result (*write)(void *ctx, uint64_t offset, unsigned size, uint64_t value);
};

/* An interrupt line out of a device (into the PLIC, or a hart's mip bit): set(ctx, line, level).
 * Level-triggered: a device calls it whenever its output level may have changed (calling it with an
 * unchanged level is harmless). set == NULL: not connected. */
struct rv_irq_line {
	void (*set)(void *ctx, unsigned line, bool level);
	void *ctx;
	unsigned line;
};

static inline void rv_irq_line_set(const struct rv_irq_line *l, bool level)
{
	if (l->set)
		l->set(l->ctx, l->line, level);
}

#endif
