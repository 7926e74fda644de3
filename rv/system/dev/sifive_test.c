/* SiFive test finisher model (see sifive_test.h). */
#include "rv/system/dev/sifive_test.h"

#include <stdbool.h>

#include "rv/system/virt_map.h"

#define SIFIVE_TEST_FINISHER 0x0u /* the one register */

/* Low 16 bits of a finisher write. */
#define SIFIVE_TEST_FAIL       0x3333u
#define SIFIVE_TEST_PASS       0x5555u
#define SIFIVE_TEST_RESET      0x7777u
#define SIFIVE_TEST_CMD_MASK   0xffffu
#define SIFIVE_TEST_CODE_SHIFT 16u

void rv_sifive_test_init(struct rv_sifive_test *t, const struct rv_sifive_test_hooks *hooks)
{
	struct rv_sifive_test_hooks none = {0};
	t->hooks = hooks ? *hooks : none;
}

static bool access_ok(uint64_t offset, unsigned size)
{
	return (size == 2 || size == 4) && offset % size == 0 && offset < RV_VIRT_TEST_SIZE;
}

static enum rv_mmio_result test_read(void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
	(void)ctx;
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	*value = 0;
	return RV_MMIO_OK;
}

static enum rv_mmio_result test_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	struct rv_sifive_test *t = ctx;
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	if (offset != SIFIVE_TEST_FINISHER || !t->hooks.finish)
		return RV_MMIO_OK;
	uint32_t v = (uint32_t)value;
	switch (v & SIFIVE_TEST_CMD_MASK) {
	case SIFIVE_TEST_PASS: t->hooks.finish(t->hooks.ctx, RV_SIFIVE_TEST_POWER_OFF, 0); break;
	case SIFIVE_TEST_RESET: t->hooks.finish(t->hooks.ctx, RV_SIFIVE_TEST_RESET, 0); break;
	case SIFIVE_TEST_FAIL:
		t->hooks.finish(t->hooks.ctx, RV_SIFIVE_TEST_FAILURE, v >> SIFIVE_TEST_CODE_SHIFT);
		break;
	default: break; /* other values do nothing */
	}
	return RV_MMIO_OK;
}

const struct rv_mmio_ops rv_sifive_test_mmio_ops = {
    .read = test_read,
    .write = test_write,
};
