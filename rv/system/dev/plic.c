/* RISC-V PLIC model (see plic.h). Offsets are those of the riscv-plic-1.0.0 specification's memory map
 * (the SiFive layout QEMU's virt uses). */
#include "rv/system/dev/plic.h"

#include <string.h>

#define PLIC_PRIORITY_BASE  0x0u    /* + 4 * source */
#define PLIC_PENDING_BASE   0x1000u /* + 4 * word, read-only */
#define PLIC_ENABLE_BASE    0x2000u /* + 0x80 * context + 4 * word */
#define PLIC_ENABLE_STRIDE  0x80u
#define PLIC_CONTEXT_BASE   0x200000u /* + 0x1000 * context: threshold, then claim/complete */
#define PLIC_CONTEXT_STRIDE 0x1000u
#define PLIC_THRESHOLD      0x0u
#define PLIC_CLAIM_COMPLETE 0x4u
#define PLIC_REG_SIZE       4u

/* Priorities and thresholds are WARL fields of 3 bits (priorities 0..7). */
#define PLIC_PRIORITY_MASK RV_PLIC_MAX_PRIORITY

/* Source 0 does not exist: its bits in every array are hardwired to zero. */
#define PLIC_SOURCE0_BIT 1u

/* Bits of the last word above the last source (none when the source count is a multiple of 32). */
#define PLIC_LAST_WORD_MASK \
	(RV_VIRT_PLIC_SOURCES % 32u ? (1u << (RV_VIRT_PLIC_SOURCES % 32u)) - 1u : 0xffffffffu)

static uint32_t word_mask(unsigned word)
{
	uint32_t m = word == RV_PLIC_WORDS - 1 ? PLIC_LAST_WORD_MASK : 0xffffffffu;
	return word == 0 ? m & ~PLIC_SOURCE0_BIT : m;
}

static bool bit_get(const uint32_t *words, unsigned src)
{
	return (words[src / 32] >> (src % 32)) & 1u;
}

static void bit_set(uint32_t *words, unsigned src, bool on)
{
	if (on)
		words[src / 32] |= 1u << (src % 32);
	else
		words[src / 32] &= ~(1u << (src % 32));
}

/* The source a claim by `context` would return: pending, enabled for the context, of a priority above
 * its threshold; the highest priority wins, ties go to the lowest id; 0 if none. */
static unsigned best_source(const struct rv_plic *p, unsigned context)
{
	unsigned best = 0, best_priority = p->threshold[context];
	for (unsigned w = 0; w < RV_PLIC_WORDS; w++) {
		uint32_t candidates = p->pending[w] & p->enable[context][w];
		while (candidates) {
			unsigned bit = (unsigned)__builtin_ctz(candidates);
			candidates &= candidates - 1;
			unsigned src = 32 * w + bit;
			if (p->priority[src] > best_priority) {
				best = src;
				best_priority = p->priority[src];
			}
		}
	}
	return best;
}

static void update_context(struct rv_plic *p, unsigned context)
{
	bool level = best_source(p, context) != 0;
	if (level == p->line[context])
		return;
	p->line[context] = level;
	if (p->hooks.set_context)
		p->hooks.set_context(p->hooks.ctx, context, level);
}

static void update_all(struct rv_plic *p)
{
	for (unsigned c = 0; c < p->n_contexts; c++)
		update_context(p, c);
}

/* The level-triggered gateway: a high level becomes a pending request unless the previous request of
 * the source is still being served (claimed and not completed). A level going low leaves a pending bit
 * as it is (the specification: the handler then finds the device needs nothing). */
static void gateway(struct rv_plic *p, unsigned src)
{
	if (bit_get(p->level, src) && !bit_get(p->claimed, src))
		bit_set(p->pending, src, true);
}

bool rv_plic_init(struct rv_plic *p, unsigned n_harts, const struct rv_plic_hooks *hooks)
{
	if (n_harts == 0 || n_harts > RV_VIRT_MAX_HARTS)
		return false;
	memset(p, 0, sizeof(*p));
	if (hooks)
		p->hooks = *hooks;
	p->n_contexts = 2 * n_harts;
	return true;
}

void rv_plic_set_source(struct rv_plic *p, unsigned src, bool level)
{
	if (src == 0 || src >= RV_VIRT_PLIC_SOURCES)
		return;
	bit_set(p->level, src, level);
	gateway(p, src);
	update_all(p);
}

void rv_plic_irq_line_set(void *plic, unsigned src, bool level)
{
	rv_plic_set_source(plic, src, level);
}

struct rv_irq_line rv_plic_irq_line(struct rv_plic *p, unsigned src)
{
	struct rv_irq_line line = {.set = rv_plic_irq_line_set, .ctx = p, .line = src};
	return line;
}

/* ---- claim/complete ---- */

static uint32_t claim(struct rv_plic *p, unsigned context)
{
	unsigned src = best_source(p, context);
	if (src == 0)
		return 0;
	bit_set(p->pending, src, false);
	bit_set(p->claimed, src, true);
	p->claims++;
	update_all(p);
	return src;
}

static void complete(struct rv_plic *p, unsigned context, uint32_t src)
{
	/* The specification: a completion for a source not enabled for the context is ignored. */
	if (src == 0 || src >= RV_VIRT_PLIC_SOURCES || !bit_get(p->enable[context], src))
		return;
	bit_set(p->claimed, src, false);
	gateway(p, src);
	update_all(p);
}

/* ---- MMIO ---- */

static bool access_ok(uint64_t offset, unsigned size)
{
	return size == PLIC_REG_SIZE && offset % PLIC_REG_SIZE == 0 && offset < RV_VIRT_PLIC_SIZE;
}

static enum rv_mmio_result plic_read(void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
	struct rv_plic *p = ctx;
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	uint32_t v = 0;
	if (offset < PLIC_PENDING_BASE) {
		uint64_t src = (offset - PLIC_PRIORITY_BASE) / PLIC_REG_SIZE;
		if (src < RV_VIRT_PLIC_SOURCES)
			v = p->priority[src];
	} else if (offset < PLIC_ENABLE_BASE) {
		uint64_t word = (offset - PLIC_PENDING_BASE) / PLIC_REG_SIZE;
		if (word < RV_PLIC_WORDS)
			v = p->pending[word];
	} else if (offset < PLIC_CONTEXT_BASE) {
		uint64_t context = (offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t word = (offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / PLIC_REG_SIZE;
		if (context < p->n_contexts && word < RV_PLIC_WORDS)
			v = p->enable[context][word];
	} else {
		uint64_t context = (offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		uint64_t reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
		if (context < p->n_contexts && reg == PLIC_THRESHOLD)
			v = p->threshold[context];
		else if (context < p->n_contexts && reg == PLIC_CLAIM_COMPLETE)
			v = claim(p, (unsigned)context);
	}
	*value = v;
	return RV_MMIO_OK;
}

static enum rv_mmio_result plic_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	struct rv_plic *p = ctx;
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	uint32_t v = (uint32_t)value;
	if (offset < PLIC_PENDING_BASE) {
		uint64_t src = (offset - PLIC_PRIORITY_BASE) / PLIC_REG_SIZE;
		if (src != 0 && src < RV_VIRT_PLIC_SOURCES) {
			p->priority[src] = (uint8_t)(v & PLIC_PRIORITY_MASK);
			update_all(p);
		}
	} else if (offset < PLIC_ENABLE_BASE) {
		/* Pending bits are read-only. */
	} else if (offset < PLIC_CONTEXT_BASE) {
		uint64_t context = (offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t word = (offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / PLIC_REG_SIZE;
		if (context < p->n_contexts && word < RV_PLIC_WORDS) {
			p->enable[context][word] = v & word_mask((unsigned)word);
			update_context(p, (unsigned)context);
		}
	} else {
		uint64_t context = (offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		uint64_t reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
		if (context < p->n_contexts && reg == PLIC_THRESHOLD) {
			p->threshold[context] = (uint8_t)(v & PLIC_PRIORITY_MASK);
			update_context(p, (unsigned)context);
		} else if (context < p->n_contexts && reg == PLIC_CLAIM_COMPLETE) {
			complete(p, (unsigned)context, v);
		}
	}
	return RV_MMIO_OK;
}

const struct rv_mmio_ops rv_plic_mmio_ops = {
    .read = plic_read,
    .write = plic_write,
};
