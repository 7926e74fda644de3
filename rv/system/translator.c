/* The translator's view of a system-mode machine (struct rv_jit_system): fetch translation through the
 * hart's MMU, and the marking of code pages that makes stores into them visible (code.c). */
#include <stdlib.h>

#include "rv/jit/jit.h"
#include "rv/system/machine.h"

static bool fetch(void *ctx, uint64_t pc, uint64_t *pa, const uint8_t **host)
{
	return rv_mmu_translate_fetch(ctx, pc, pa, host);
}

static bool code_page(void *ctx, uint64_t pa)
{
	struct rv_hart *h = ctx;
	struct rv_machine *m = h->machine;
	if (rv_machine_page_interpreted(m, pa))
		return false;
	rv_machine_code_mark(m, h, pa);
	return true;
}

static bool runnable(void *ctx, uint64_t pa)
{
	struct rv_hart *h = ctx;
	unsigned perm; /* (the fetch itself has checked the permission at pc) */
	return rv_pmp_page_uniform(h, pa & ~(uint64_t)(RV_PAGE_SIZE - 1), h->priv, &perm);
}

struct rv_jit *rv_machine_new_jit(struct rv_machine *m, struct rv_hart *h)
{
	h->jit_hooks.ctx = h;
	h->jit_hooks.fetch = fetch;
	h->jit_hooks.code_page = code_page;
	h->jit_hooks.runnable = runnable;
	struct rv_jit_options o = {.dump = m->cfg.dump_jit ? m->cfg.log : NULL,
	                           .perf_map = m->cfg.perf_map,
	                           .stats = m->cfg.stats,
	                           .system = &h->jit_hooks};
	return rv_jit_create(&o);
}
