/* The translator's system-mode side of the dispatcher: finding the physical page behind a virtual pc,
 * the blocks of each physical page (to drop them when a store reaches the page), and one jump cache per
 * privilege level (a virtual pc may lead to different code in U-, S- and M-mode). See jit.h. */
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

void jit_sys_remember(struct rv_jit *j, struct jit_block *b)
{
	uint64_t pa = b->pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
	struct jit_page *p = find_page(j, pa);
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			/* without the index the block could not be dropped: do not keep it */
			jit_invalidate_block(j, b);
			return;
		}
		p->pa = pa;
		unsigned s = page_slot(pa);
		p->next = j->pages[s];
		j->pages[s] = p;
	}
	b->page_next = p->blocks;
	p->blocks = b;
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

void jit_sys_clear_jump_caches(struct rv_jit *j)
{
	for (unsigned i = 0; i < 4; i++) {
		struct jit_jump_entry *c = j->priv_jump_cache[i];
		if (!c)
			continue;
		for (unsigned e = 0; e < JIT_JUMP_CACHE_SIZE; e++) {
			c[e].pc = 1; /* odd: never a jump target */
			c[e].host = 0;
		}
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
	for (struct jit_block *b = p->blocks; b; b = b->page_next)
		if (b->valid)
			jit_invalidate_block(j, b);
	free(p);
	/* jump caches may point at the dropped blocks */
	jit_sys_clear_jump_caches(j);
}

bool jit_sys_enter(struct rv_jit *j, struct rv_cpu *cpu)
{
	unsigned priv = cpu->priv & 3;
	if (!j->priv_jump_cache[priv]) {
		struct jit_jump_entry *c = malloc(JIT_JUMP_CACHE_SIZE * sizeof(*c));
		if (!c)
			return false;
		for (unsigned e = 0; e < JIT_JUMP_CACHE_SIZE; e++) {
			c[e].pc = 1;
			c[e].host = 0;
		}
		j->priv_jump_cache[priv] = c;
	}
	cpu->jump_cache = j->priv_jump_cache[priv];
	return true;
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
	struct jit_block *b = jit_lookup_block(j, pc, pa, fp_off);
	if (b)
		return b;
	if (!j->sys->code_page(j->sys->ctx, pa)) {
		*exit = RV_EXIT_LIMIT; /* the page's code is interpreted */
		return NULL;
	}
	j->sys_block_pc = pc;
	j->sys_block_pa = pa;
	j->sys_page_host = host - (pc & (RV_PAGE_SIZE - 1));
	j->sys_fp_off = fp_off;
	return NULL; /* the caller translates it */
}
