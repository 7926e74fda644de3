/* The translator's metadata arena (arena.h). */
#include <stdlib.h>
#include <string.h>

#include "rv/jit/arena.h"

struct jit_arena_chunk {
	struct jit_arena_chunk *next;
	_Alignas(16) unsigned char bytes[JIT_ARENA_CHUNK];
};

void *jit_arena_alloc(struct jit_arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (size > JIT_ARENA_CHUNK)
		return NULL;
	if (!a->current || a->used + size > JIT_ARENA_CHUNK) {
		struct jit_arena_chunk *next = a->current ? a->current->next : a->first;
		if (!next) {
			next = malloc(sizeof(*next));
			if (!next)
				return NULL;
			next->next = NULL;
			if (a->current)
				a->current->next = next;
			else
				a->first = next;
		}
		a->current = next;
		a->used = 0;
	}
	void *p = a->current->bytes + a->used;
	a->used += size;
	memset(p, 0, size);
	return p;
}

struct jit_arena_mark jit_arena_mark(const struct jit_arena *a)
{
	struct jit_arena_mark m = {a->current, a->used};
	return m;
}

void jit_arena_release(struct jit_arena *a, struct jit_arena_mark m)
{
	a->current = m.chunk;
	a->used = m.used;
}

void jit_arena_reset(struct jit_arena *a)
{
	a->current = NULL;
	a->used = 0;
}

void jit_arena_fini(struct jit_arena *a)
{
	for (struct jit_arena_chunk *c = a->first, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	memset(a, 0, sizeof(*a));
}
