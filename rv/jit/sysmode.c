/* The translator's system-mode side of the dispatcher: finding the physical page behind a virtual pc, and
 * the blocks of each physical page (to drop them when a store reaches the page). See jit.h. */
#include <stdlib.h>
#include <string.h>

#include "rv/jit/jit_internal.h"

static unsigned page_slot(uint64_t pa)
{
	return (unsigned)(((pa >> RV_PAGE_SHIFT) * 0x9e3779b97f4a7c15ull) >> (64 - JIT_PAGE_HASH_BITS));
}

static struct jit_page *find_page(const struct rv_jit *j, uint64_t pa)
{
	for (struct jit_page *p = j->pages[page_slot(pa)]; p; p = p->next)
		if (p->pa == pa)
			return p;
	return NULL;
}

static struct jit_page *page_of(struct rv_jit *j, uint64_t pa)
{
	struct jit_page *p = find_page(j, pa);
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return NULL;
		p->pa = pa;
		unsigned s = page_slot(pa);
		p->next = j->pages[s];
		j->pages[s] = p;
	}
	return p;
}

static uint64_t page_base(uint64_t pa)
{
	return pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
}

/* The block after b in the list of page pa (a block crossing pages is in two lists). */
static struct jit_block *next_in_page(const struct jit_block *b, uint64_t pa)
{
	return page_base(b->pa) == pa ? b->page_next : b->page_next2;
}

void jit_sys_remember(struct rv_jit *j, struct jit_block *b)
{
	struct jit_page *p = page_of(j, page_base(b->pa));
	struct jit_page *p2 =
	    b->pa2 && page_base(b->pa2) != page_base(b->pa) ? page_of(j, page_base(b->pa2)) : NULL;
	if (!p || (b->pa2 && page_base(b->pa2) != page_base(b->pa) && !p2)) {
		/* without the index the block could not be dropped: do not keep it */
		jit_invalidate_block(j, b);
		return;
	}
	b->page_next = p->blocks;
	p->blocks = b;
	if (p2) {
		b->page_next2 = p2->blocks;
		p2->blocks = b;
	}
}

void jit_sys_forget_pages(struct rv_jit *j)
{
	for (unsigned s = 0; s < (1u << JIT_PAGE_HASH_BITS); s++) {
		for (struct jit_page *p = j->pages[s], *next; p; p = next) {
			next = p->next;
			free(p);
		}
		j->pages[s] = NULL;
	}
}

/* Removes the jump cache entries that lead to block b (it is being dropped). */
static void forget_jumps_to(struct rv_jit *j, const struct jit_block *b)
{
	struct jit_jump_entry *e = &j->jump_cache[jit_jump_cache_index(j, b->pc)];
	if (e->pc == jit_jump_tag(b->pc, b->fp_off) && e->host == b->host) {
		e->pc = 1;
		e->host = j->lookup_stub;
	}
}

void jit_sys_invalidate_page(struct rv_jit *j, uint64_t pa)
{
	pa &= ~(uint64_t)(RV_PAGE_SIZE - 1);
	unsigned s = page_slot(pa);
	struct jit_page **pp = &j->pages[s];
	while (*pp && (*pp)->pa != pa)
		pp = &(*pp)->next;
	struct jit_page *p = *pp;
	if (!p)
		return;
	*pp = p->next;
	for (struct jit_block *b = p->blocks; b; b = next_in_page(b, pa)) {
		if (b->valid) {
			forget_jumps_to(j, b);
			jit_invalidate_block(j, b);
		}
	}
	free(p);
}

struct jit_block *jit_sys_lookup(struct rv_jit *j, struct rv_cpu *cpu, uint64_t pc, enum rv_exit *exit)
{
	uint64_t pa;
	const uint8_t *host;
	*exit = RV_EXIT_NONE;
	if (!j->sys->fetch(j->sys->ctx, pc, &pa, &host)) {
		cpu->pc = pc;
		*exit = RV_EXIT_FAULT; /* instruction page fault, access fault, misaligned pc */
		return NULL;
	}
	bool fp_off = cpu->fp_disabled != 0;
	/* a 4-byte instruction across the end of the page: its own block, on two pages */
	uint64_t pa2 = 0;
	const uint8_t *host2 = NULL;
	uint16_t first;
	memcpy(&first, host, 2);
	if ((pc & (RV_PAGE_SIZE - 1)) == RV_PAGE_SIZE - 2 && (first & 3) == 3) {
		if (!j->sys->fetch(j->sys->ctx, pc + 2, &pa2, &host2)) {
			cpu->pc = pc;
			*exit = RV_EXIT_FAULT; /* the fault of the instruction's second half */
			return NULL;
		}
		j->stats.straddles++;
	}
	if (!j->sys->runnable(j->sys->ctx, pa) || (pa2 && !j->sys->runnable(j->sys->ctx, pa2))) {
		*exit = RV_EXIT_LIMIT; /* PMP boundaries in the page: interpreted, every fetch checked */
		return NULL;
	}
	struct jit_block *b = jit_lookup_block(j, pc, pa, pa2, fp_off);
	if (b)
		return b;
	if (!j->sys->code_page(j->sys->ctx, pa) || (pa2 && !j->sys->code_page(j->sys->ctx, pa2))) {
		*exit = RV_EXIT_LIMIT; /* the page's code is interpreted */
		return NULL;
	}
	j->sys_block_pc = pc;
	j->sys_block_pa = pa;
	j->sys_page_host = host - (pc & (RV_PAGE_SIZE - 1));
	j->sys_fp_off = fp_off;
	j->sys_block_pa2 = pa2;
	j->sys_page2_host = host2;
	return NULL; /* the caller translates it */
}
