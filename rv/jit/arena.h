/* A bump allocator for the translator's per-block metadata (block records, decoded instructions handed to
 * helpers, fault sites): blocks live until the next flush of the code cache, so their metadata is freed
 * all at once then, without a malloc and free per block. Chunks stay allocated for reuse. */
#ifndef KARASU_RV_JIT_ARENA_H
#define KARASU_RV_JIT_ARENA_H

#include <stddef.h>

#define JIT_ARENA_CHUNK (1u << 20)

struct jit_arena_chunk;

struct jit_arena {
	struct jit_arena_chunk *first, *current;
	size_t used; /* bytes used in current */
};

/* A mark to roll back to (a translation that failed gives its memory back). */
struct jit_arena_mark {
	struct jit_arena_chunk *chunk;
	size_t used;
};

/* Zeroed memory of size bytes (at most JIT_ARENA_CHUNK), 16-byte aligned, or NULL. */
void *jit_arena_alloc(struct jit_arena *a, size_t size);
struct jit_arena_mark jit_arena_mark(const struct jit_arena *a);
void jit_arena_release(struct jit_arena *a, struct jit_arena_mark m);
/* Everything allocated so far is free again. */
void jit_arena_reset(struct jit_arena *a);
void jit_arena_fini(struct jit_arena *a);

#endif
