/* SiFive CLINT model (see clint.h). Offsets are the SiFive CLINT's (the layout QEMU's virt and the
 * devicetree binding "sifive,clint0" use). */
#include "rv/system/dev/clint.h"

#include <string.h>

#define CLINT_MSIP_BASE     0x0000u /* + 4 * hart */
#define CLINT_MSIP_SIZE     4u
#define CLINT_MSIP_BIT      1u      /* the only writable bit; the others read zero */
#define CLINT_MTIMECMP_BASE 0x4000u /* + 8 * hart */
#define CLINT_MTIME         0xbff8u
#define CLINT_TIMER_END     0xc000u /* end of the mtimecmp/mtime block; reserved space follows */
#define CLINT_TIMER_SIZE    8u      /* mtimecmp and mtime are 64-bit */
#define CLINT_HALF_SIZE     4u

bool rv_clint_init(struct rv_clint *c, unsigned n_harts, const struct rv_clint_hooks *hooks)
{
	if (n_harts == 0 || n_harts > RV_VIRT_MAX_HARTS || !hooks || !hooks->clock)
		return false;
	memset(c, 0, sizeof(*c));
	c->hooks = *hooks;
	c->n_harts = n_harts;
	for (unsigned h = 0; h < RV_VIRT_MAX_HARTS; h++)
		c->mtimecmp[h] = RV_CLINT_MTIMECMP_RESET;
	return true;
}

uint64_t rv_clint_mtime(const struct rv_clint *c)
{
	return c->hooks.clock(c->hooks.ctx) + c->mtime_offset;
}

uint64_t rv_clint_mtimecmp(const struct rv_clint *c, unsigned hart)
{
	return hart < c->n_harts ? c->mtimecmp[hart] : RV_CLINT_MTIMECMP_RESET;
}

uint64_t rv_clint_mtime_to_clock(const struct rv_clint *c, uint64_t mtime)
{
	return mtime - c->mtime_offset;
}

/* Part of a 64-bit register as an access of `size` bytes at byte `at` (0 or 4) inside it sees it. */
static uint64_t read_part(uint64_t reg, unsigned at, unsigned size)
{
	return size == CLINT_TIMER_SIZE ? reg : (uint32_t)(reg >> (8 * at));
}

/* The register after a write of `size` bytes at byte `at` inside it. */
static uint64_t write_part(uint64_t reg, unsigned at, unsigned size, uint64_t value)
{
	if (size == CLINT_TIMER_SIZE)
		return value;
	uint64_t half_mask = 0xffffffffull << (8 * at);
	return (reg & ~half_mask) | (((uint64_t)(uint32_t)value << (8 * at)) & half_mask);
}

/* Access checks by block: msip takes 4 bytes, the timer block and the reserved space after it 4 or 8,
 * naturally aligned. */
static bool access_ok(uint64_t offset, unsigned size)
{
	bool size_ok = offset < CLINT_MTIMECMP_BASE ? size == CLINT_MSIP_SIZE
	                                            : size == CLINT_HALF_SIZE || size == CLINT_TIMER_SIZE;
	return size_ok && offset % size == 0 && offset < RV_VIRT_CLINT_SIZE;
}

static enum rv_mmio_result clint_read(void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
	const struct rv_clint *c = ctx;
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	uint64_t v = 0;
	if (offset < CLINT_MTIMECMP_BASE) {
		uint64_t hart = (offset - CLINT_MSIP_BASE) / CLINT_MSIP_SIZE;
		if (hart < c->n_harts)
			v = c->msip[hart];
	} else if (offset >= CLINT_MTIME && offset < CLINT_TIMER_END) {
		v = read_part(rv_clint_mtime(c), (unsigned)(offset - CLINT_MTIME), size);
	} else if (offset < CLINT_MTIME) {
		uint64_t hart = (offset - CLINT_MTIMECMP_BASE) / CLINT_TIMER_SIZE;
		unsigned at = (unsigned)((offset - CLINT_MTIMECMP_BASE) % CLINT_TIMER_SIZE);
		if (hart < c->n_harts)
			v = read_part(c->mtimecmp[hart], at, size);
	}
	*value = v;
	return RV_MMIO_OK;
}

static enum rv_mmio_result clint_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	struct rv_clint *c = ctx;
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	if (offset < CLINT_MTIMECMP_BASE) {
		uint64_t hart = (offset - CLINT_MSIP_BASE) / CLINT_MSIP_SIZE;
		if (hart < c->n_harts) {
			c->msip[hart] = value & CLINT_MSIP_BIT;
			if (c->hooks.set_msip)
				c->hooks.set_msip(c->hooks.ctx, (unsigned)hart, c->msip[hart]);
		}
	} else if (offset >= CLINT_MTIME && offset < CLINT_TIMER_END) {
		uint64_t clock = c->hooks.clock(c->hooks.ctx);
		uint64_t mtime =
		    write_part(clock + c->mtime_offset, (unsigned)(offset - CLINT_MTIME), size, value);
		c->mtime_offset = mtime - clock;
		if (c->hooks.mtime_changed)
			c->hooks.mtime_changed(c->hooks.ctx);
	} else if (offset < CLINT_MTIME) {
		uint64_t hart = (offset - CLINT_MTIMECMP_BASE) / CLINT_TIMER_SIZE;
		unsigned at = (unsigned)((offset - CLINT_MTIMECMP_BASE) % CLINT_TIMER_SIZE);
		if (hart < c->n_harts) {
			c->mtimecmp[hart] = write_part(c->mtimecmp[hart], at, size, value);
			if (c->hooks.mtimecmp_changed)
				c->hooks.mtimecmp_changed(c->hooks.ctx, (unsigned)hart, c->mtimecmp[hart]);
		}
	}
	return RV_MMIO_OK;
}

const struct rv_mmio_ops rv_clint_mmio_ops = {
    .read = clint_read,
    .write = clint_write,
};
