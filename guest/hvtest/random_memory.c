/* The memory hvtest.mode=random watches (random.h): the guest's code, read-only data and data, the parameter
 * pages, and three canaries (a bss array, free RAM after the image and the DTB, the last pages of RAM), cut
 * into page-sized chunks with one hash each. Before a call the chunks the generator wrote are re-hashed
 * and the chunks that overlap the window the call may write are hashed without it; after the call every
 * chunk is hashed again and must match. One pass over about 100 KiB per call: cheap enough for 10^6 calls.
 *
 * Not watched: the stacks (the call itself uses them), the rest of bss (counters that change between calls),
 * the DTB (read once at start), and RAM no class of GPA aims at on purpose. */
#include <stdint.h>

#include "guest/hvtest/random.h"
#include "lib/mem.h"

#define MAX_CHUNKS  96u
#define FNV_PRIME   0x100000001b3ull
#define FNV_OFFSET  0xcbf29ce484222325ull
#define CANARY_MIX  0x9e3779b97f4a7c15ull
#define CANARY_SALT 0x4b4152415355ull /* "KARASU" */
#define WORD        8u

uint8_t random_canary_bss[2 * HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));

struct chunk {
	uint64_t lo, hi;     /* [lo, hi): within one page, 8-byte aligned */
	uint64_t hash;       /* of the whole chunk, as it must stay */
	uint64_t hash_outer; /* of the chunk without the call's window (chunks the window overlaps) */
};

static struct chunk chunks[MAX_CHUNKS];
static unsigned nchunks;
static uint64_t window_lo, window_hi, checked_bytes;

static uint64_t hash_words(uint64_t h, uint64_t lo, uint64_t hi)
{
	for (const volatile uint64_t *p = (const volatile uint64_t *)(uintptr_t)lo;
	     (uintptr_t)p < (uintptr_t)hi; p++)
		h = (h ^ *p) * FNV_PRIME;
	return h;
}

static uint64_t hash_full(const struct chunk *c)
{
	return hash_words(FNV_OFFSET, c->lo, c->hi);
}

static bool overlaps_window(const struct chunk *c)
{
	return window_lo < window_hi && c->lo < window_hi && window_lo < c->hi;
}

/* The chunk's words outside [window_lo, window_hi), which is 8-byte aligned. */
static uint64_t hash_outside(const struct chunk *c)
{
	uint64_t h = FNV_OFFSET;
	if (c->lo < window_lo)
		h = hash_words(h, c->lo, window_lo < c->hi ? window_lo : c->hi);
	if (window_hi < c->hi)
		h = hash_words(h, window_hi > c->lo ? window_hi : c->lo, c->hi);
	return h;
}

static void add_region(uint64_t lo, uint64_t hi)
{
	lo = (lo + WORD - 1) & ~(uint64_t)(WORD - 1);
	hi &= ~(uint64_t)(WORD - 1);
	while (lo < hi && nchunks < MAX_CHUNKS) {
		uint64_t end = (lo & ~(uint64_t)(HVTEST_PAGE - 1)) + HVTEST_PAGE;
		if (end > hi)
			end = hi;
		chunks[nchunks++] = (struct chunk){.lo = lo, .hi = end};
		checked_bytes += end - lo;
		lo = end;
	}
}

static void fill_canary(uint64_t lo, uint64_t size)
{
	for (volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)lo; (uintptr_t)p < lo + size; p++)
		*p = ((uint64_t)(uintptr_t)p * CANARY_MIX) ^ CANARY_SALT;
}

extern char __image_start[], __bss_start[];

void random_memory_init(const struct random_targets *t)
{
	fill_canary((uintptr_t)random_canary_bss, sizeof(random_canary_bss));
	if (t->canary_ram_size)
		fill_canary(t->canary_ram, t->canary_ram_size);
	if (t->canary_end_size)
		fill_canary(t->canary_end, t->canary_end_size);
	add_region((uintptr_t)__image_start, (uintptr_t)__bss_start); /* code, rodata, data */
	add_region((uintptr_t)page_in, (uintptr_t)page_in + sizeof(page_in));
	add_region((uintptr_t)page_out, (uintptr_t)page_out + sizeof(page_out));
	add_region((uintptr_t)random_canary_bss, (uintptr_t)random_canary_bss + sizeof(random_canary_bss));
	if (t->canary_ram_size)
		add_region(t->canary_ram, t->canary_ram + t->canary_ram_size);
	if (t->canary_end_size)
		add_region(t->canary_end, t->canary_end + t->canary_end_size);
	for (unsigned i = 0; i < nchunks; i++)
		chunks[i].hash = hash_full(&chunks[i]);
}

uint64_t random_memory_checked_bytes(void)
{
	return checked_bytes;
}

void random_memory_before(uint64_t lo, uint64_t hi)
{
	uintptr_t in = (uintptr_t)page_in;
	window_lo = lo & ~(uint64_t)(WORD - 1);
	window_hi = hi < lo ? lo : (hi + WORD - 1) & ~(uint64_t)(WORD - 1);
	for (unsigned i = 0; i < nchunks; i++) {
		struct chunk *c = &chunks[i];
		if (c->lo >= in && c->hi <= in + sizeof(page_in)) /* the generator's block */
			c->hash = hash_full(c);
		if (overlaps_window(c))
			c->hash_outer = hash_outside(c);
	}
}

unsigned random_memory_after(uint64_t *first)
{
	unsigned changed = 0;
	for (unsigned i = 0; i < nchunks; i++) {
		struct chunk *c = &chunks[i];
		bool in_window = overlaps_window(c);
		uint64_t want = in_window ? c->hash_outer : c->hash;
		uint64_t got = in_window ? hash_outside(c) : hash_full(c);
		if (got != want) {
			if (!changed++)
				*first = c->lo;
		}
		if (in_window ||
		    got != want) /* the window's bytes may have changed; a wild write is told once */
			c->hash = hash_full(c);
	}
	window_lo = window_hi = 0;
	return changed;
}
