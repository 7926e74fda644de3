/* The RISC-V platform-level interrupt controller as on QEMU's `virt` board (SiFive register layout, the
 * riscv-plic-1.0.0 specification's behaviour): RV_VIRT_PLIC_SOURCES sources (0 means "none"), priorities
 * 0..7, two contexts per hart (context 2h is hart h's M-mode, 2h+1 its S-mode), level-triggered gateways
 * and claim/complete.
 *
 * Pure model: not thread-safe (the bus serializes, see rv/system/mmio.h). Devices reach it through
 * rv_plic_set_source, which the machine calls under the PLIC region's lock. */
#ifndef KARASU_RV_SYSTEM_DEV_PLIC_H
#define KARASU_RV_SYSTEM_DEV_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "rv/system/mmio.h"
#include "rv/system/virt_map.h"

#define RV_PLIC_WORDS        ((RV_VIRT_PLIC_SOURCES + 31u) / 32u) /* 32 sources per bit-array word */
#define RV_PLIC_MAX_CONTEXTS (2u * RV_VIRT_MAX_HARTS)
#define RV_PLIC_MAX_PRIORITY 7u

struct rv_plic_hooks {
	void *ctx;
	/* Context `context`'s interrupt line (some source pending, enabled for it and of a priority above
	 * its threshold) is now `level`: the machine sets mip.MEIP (even context) or mip.SEIP (odd) of
	 * hart context / 2 and wakes it. Called only when the level changes. May be NULL. */
	void (*set_context)(void *ctx, unsigned context, bool level);
};

struct rv_plic {
	struct rv_plic_hooks hooks;
	unsigned n_contexts; /* 2 * harts */
	uint8_t priority[RV_VIRT_PLIC_SOURCES];
	/* Bit arrays by source id. */
	uint32_t level[RV_PLIC_WORDS];   /* the sources' input levels */
	uint32_t pending[RV_PLIC_WORDS]; /* interrupt pending bits */
	uint32_t claimed[RV_PLIC_WORDS]; /* claimed and not yet completed: the gateway is closed */
	uint32_t enable[RV_PLIC_MAX_CONTEXTS][RV_PLIC_WORDS];
	uint8_t threshold[RV_PLIC_MAX_CONTEXTS];
	bool line[RV_PLIC_MAX_CONTEXTS]; /* each context's output as last reported */
	uint64_t claims;                 /* successful claims (for --stats) */
};

/* Resets the PLIC for n_harts harts (1..RV_VIRT_MAX_HARTS): all priorities, enables, thresholds and
 * pending bits zero, every line low (not reported). Returns false for a bad hart count. */
bool rv_plic_init(struct rv_plic *p, unsigned n_harts, const struct rv_plic_hooks *hooks);

/* Interrupt source src's input level. Ids 0 and >= RV_VIRT_PLIC_SOURCES are ignored. */
void rv_plic_set_source(struct rv_plic *p, unsigned src, bool level);

/* An rv_irq_line's set function for a PLIC source: ctx is the struct rv_plic, line the source id; it only
 * calls rv_plic_set_source, so the machine may call it from its own wrapper that holds the PLIC lock. */
void rv_plic_irq_line_set(void *plic, unsigned src, bool level);

/* An interrupt line into source src of p (set = rv_plic_irq_line_set), for a device whose calls need no
 * locking (tests, or a machine that wraps it). */
struct rv_irq_line rv_plic_irq_line(struct rv_plic *p, unsigned src);

/* MMIO: 4-byte aligned accesses only (anything else is an error); registers of absent contexts and
 * reserved space read 0 and ignore writes. ctx is the struct rv_plic. */
extern const struct rv_mmio_ops rv_plic_mmio_ops;

#endif
