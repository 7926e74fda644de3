/* Which physical pages hold translated code, and what a store into one does (machine.h).
 *
 * Every hart translates into its own code cache. When hart h first translates from a RAM page, its bit
 * is set in the page's mask and every hart's TLB loses the write tag for the page, so that any later
 * store into it - by any hart, or by a device's DMA - takes a slow path that ends here. Here the mask is
 * cleared and each hart that had translations from the page gets the page in its invalidation queue and
 * a request to drop them at its next block boundary (a hart finishes the block it is in: RISC-V lets a
 * hart run stale instructions until it executes FENCE.I, and FENCE.I processes the queue first). */
#include <string.h>

#include "rv/system/machine.h"

/* A page whose translations stores drop CODE_REWRITE_LIMIT times in a burst (each drop at most
 * CODE_REWRITE_GAP after the last) is interpreted instead of translated while the burst lasts: it holds
 * code next to data written all the time, or a guest rewrites its own code in a loop. Once the page has
 * been left alone for CODE_REWRITE_GAP it is translated again (a kernel patching its text at boot, a page
 * recycled for other code later). Times in units of 2^10 mtime ticks (102.4 us). */
#define CODE_REWRITE_LIMIT 32
#define CODE_REWRITE_UNIT  10
#define CODE_REWRITE_GAP   200 /* about 20 ms */

static uint32_t rewrite_clock(const struct rv_machine *m)
{
	return (uint32_t)(rv_machine_raw_time(m) >> CODE_REWRITE_UNIT);
}

static uint64_t page_index(uint64_t pa)
{
	return (pa - RV_VIRT_RAM_BASE) >> PAGE_SHIFT;
}

/* Removes the write tags of the page at pa_page from every TLB of hart x. */
static void protect_in_hart(struct rv_hart *x, uint64_t pa_page)
{
	pthread_mutex_lock(&x->tlb_lock);
	for (unsigned r = 0; r < RV_REGIME_COUNT; r++) {
		struct rv_tlb *t = &x->tlb->regime[r];
		for (unsigned i = 0; i < RV_TLB_SIZE; i++)
			if (t->phys[i] == pa_page && t->entry[i].tag_write != RV_TLB_INVALID)
				__atomic_store_n(&t->entry[i].tag_write, RV_TLB_INVALID, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&x->tlb_lock);
}

void rv_machine_code_mark(struct rv_machine *m, struct rv_hart *h, uint64_t pa)
{
	uint8_t *host;
	if (!rv_bus_ram(&m->bus, pa, 1, &host))
		return; /* the boot ROM is never written */
	uint64_t i = page_index(pa);
	uint32_t bit = 1u << h->id;
	uint32_t old = __atomic_fetch_or(&m->code_harts[i], bit, __ATOMIC_ACQ_REL);
	if (old != 0)
		return; /* already protected */
	uint64_t pa_page = pa & ~(PAGE_SIZE - 1);
	for (unsigned n = 0; n < m->n_harts; n++)
		protect_in_hart(&m->harts[n], pa_page);
}

static void post_invalidate(struct rv_hart *x, uint64_t pa_page)
{
	pthread_mutex_lock(&x->inval_lock);
	if (x->n_inval < RV_INVALIDATE_QUEUE)
		x->inval_page[x->n_inval++] = pa_page;
	else
		x->inval_overflow = true;
	pthread_mutex_unlock(&x->inval_lock);
	rv_hart_request(x, RV_REQ_INVALIDATE);
}

void rv_machine_code_written(struct rv_machine *m, uint64_t pa, uint64_t len)
{
	if (len == 0 || pa < m->bus.ram_base || pa - m->bus.ram_base >= m->bus.ram_size)
		return;
	uint64_t end = pa + len;
	if (end > m->bus.ram_base + m->bus.ram_size)
		end = m->bus.ram_base + m->bus.ram_size;
	for (uint64_t page = pa & ~(PAGE_SIZE - 1); page < end; page += PAGE_SIZE) {
		uint64_t i = page_index(page);
		if (__atomic_load_n(&m->code_harts[i], __ATOMIC_ACQUIRE) == 0)
			continue;
		uint32_t mask = __atomic_exchange_n(&m->code_harts[i], 0, __ATOMIC_ACQ_REL);
		if (!mask)
			continue;
		uint32_t now = rewrite_clock(m);
		if (now - m->code_rewrite_time[i] > CODE_REWRITE_GAP)
			m->code_rewrites[i] = 0; /* a new burst */
		m->code_rewrite_time[i] = now;
		if (m->code_rewrites[i] < UINT8_MAX)
			m->code_rewrites[i]++;
		for (unsigned n = 0; n < m->n_harts; n++)
			if (mask & (1u << n))
				post_invalidate(&m->harts[n], page);
	}
}

bool rv_machine_page_interpreted(const struct rv_machine *m, uint64_t pa)
{
	uint8_t *host;
	if (!rv_bus_ram(&m->bus, pa, 1, &host))
		return false;
	uint64_t i = page_index(pa);
	return m->code_rewrites[i] >= CODE_REWRITE_LIMIT &&
	       rewrite_clock(m) - m->code_rewrite_time[i] <= CODE_REWRITE_GAP;
}

bool rv_machine_dma_read(struct rv_machine *m, uint64_t pa, void *buf, uint64_t len)
{
	uint8_t *host;
	if (!rv_bus_ram(&m->bus, pa, len, &host))
		return false;
	memcpy(buf, host, len);
	return true;
}

bool rv_machine_dma_write(struct rv_machine *m, uint64_t pa, const void *buf, uint64_t len)
{
	uint8_t *host;
	if (!rv_bus_ram(&m->bus, pa, len, &host))
		return false;
	rv_machine_code_written(m, pa, len);
	memcpy(host, buf, len);
	return true;
}
