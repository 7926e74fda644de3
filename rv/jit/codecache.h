/* The executable code cache: one memfd mapped twice, read-write for the translator and read-execute for
 * running, so no page is ever writable and executable at once (W^X). If the host refuses (no memfd or a
 * policy that forbids the second mapping), one private read-write-execute mapping is used instead. */
#ifndef KARASU_RV_JIT_CODECACHE_H
#define KARASU_RV_JIT_CODECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jit_code_cache {
	uint8_t *rw; /* writable view */
	uint8_t *rx; /* executable view (== rw in the single-mapping fallback) */
	size_t size;
	size_t used;      /* bump pointer */
	size_t populated; /* bytes from the start whose pages were faulted in ahead of use */
	bool dual_mapped; /* true: W^X with two views */
};

/* Maps a cache of size bytes (page multiple); anonymous: as one anonymous read-write-execute mapping
 * (Linux perf reads /tmp/perf-PID.map only for samples in anonymous memory, not in a memfd's views).
 * Returns false with a message on stderr. */
bool jit_code_cache_init(struct jit_code_cache *c, size_t size, bool anonymous);
void jit_code_cache_fini(struct jit_code_cache *c);
/* Makes the pages for the next `need` bytes after `used` present in both views ahead of use, in large
 * steps (one system call per view instead of a page fault per 4 KiB page and view). Harmless if the
 * host cannot. */
void jit_code_cache_prepare(struct jit_code_cache *c, size_t need);

static inline intptr_t jit_code_cache_delta(const struct jit_code_cache *c)
{
	return (intptr_t)(c->rx - c->rw);
}

static inline bool jit_code_cache_contains(const struct jit_code_cache *c, uintptr_t exec_addr)
{
	return c->rx && exec_addr >= (uintptr_t)c->rx && exec_addr < (uintptr_t)c->rx + c->used;
}

#endif
