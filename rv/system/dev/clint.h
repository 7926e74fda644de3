/* The SiFive core-local interruptor (CLINT) as on QEMU's `virt` board: a software-interrupt bit (msip)
 * and a timer compare register (mtimecmp) per hart, and the shared 64-bit mtime counter that runs at
 * RV_VIRT_TIMEBASE_HZ.
 *
 * The model does not drive the machine-timer interrupt (MTIP): it depends on time passing, which only the
 * machine sees. It reports every mtimecmp (and mtime) change so the machine recomputes MTIP and its timer
 * deadlines, and offers the accessors it needs for that.
 *
 * Pure model: not thread-safe (the bus serializes, see rv/system/mmio.h). */
#ifndef KARASU_RV_SYSTEM_DEV_CLINT_H
#define KARASU_RV_SYSTEM_DEV_CLINT_H

#include <stdbool.h>
#include <stdint.h>

#include "rv/system/mmio.h"
#include "rv/system/virt_map.h"

/* mtimecmp after reset: the largest value, so that no timer fires before software programs one. */
#define RV_CLINT_MTIMECMP_RESET UINT64_MAX

struct rv_clint_hooks {
	void *ctx;
	/* The machine's tick count at RV_VIRT_TIMEBASE_HZ (monotonic). Must be set. */
	uint64_t (*clock)(void *ctx);
	/* Hart `hart`'s msip bit (mip.MSIP) was written; level is its value. Called on every write, so a
	 * repeated IPI still wakes the hart. May be NULL. */
	void (*set_msip)(void *ctx, unsigned hart, bool level);
	/* Hart `hart`'s mtimecmp was written (either half or all of it) and is now new_value. May be NULL. */
	void (*mtimecmp_changed)(void *ctx, unsigned hart, uint64_t new_value);
	/* mtime was written: every hart's MTIP and deadline must be recomputed. May be NULL. */
	void (*mtime_changed)(void *ctx);
};

struct rv_clint {
	struct rv_clint_hooks hooks;
	unsigned n_harts;
	uint64_t mtime_offset; /* mtime = clock + mtime_offset (modulo 2^64) */
	uint64_t mtimecmp[RV_VIRT_MAX_HARTS];
	bool msip[RV_VIRT_MAX_HARTS];
};

/* Resets the CLINT for n_harts harts (1..RV_VIRT_MAX_HARTS): msip clear, mtimecmp all ones, mtime equal to
 * the clock. Returns false for a bad hart count or a missing clock hook. */
bool rv_clint_init(struct rv_clint *c, unsigned n_harts, const struct rv_clint_hooks *hooks);

/* The current mtime. */
uint64_t rv_clint_mtime(const struct rv_clint *c);

/* Hart `hart`'s mtimecmp (RV_CLINT_MTIMECMP_RESET for an absent hart). */
uint64_t rv_clint_mtimecmp(const struct rv_clint *c, unsigned hart);

/* Converts an mtime value to the clock hook's scale (for timer deadlines): clock = mtime - offset. */
uint64_t rv_clint_mtime_to_clock(const struct rv_clint *c, uint64_t mtime);

/* MMIO: msip takes 4-byte accesses; mtimecmp and mtime take 4-byte accesses to either half and 8-byte
 * accesses, naturally aligned; other sizes and misaligned accesses are errors. Slots of absent harts and
 * reserved space read 0 and ignore writes. ctx is the struct rv_clint. */
extern const struct rv_mmio_ops rv_clint_mmio_ops;

#endif
