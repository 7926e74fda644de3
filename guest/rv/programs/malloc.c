/* malloc: many small and large (mmap-backed) allocations, realloc growth, calloc zeroing, and a pattern
 * check of every block before it is freed. Prints a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

static uint32_t rng_state = 12345;

static uint32_t next_random(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

int main(void)
{
	static unsigned char *slot[SLOTS];
	static size_t size[SLOTS];
	uint64_t checksum = 0;
	int bad = 0;

	for (int round = 0; round < 60000; round++) {
		unsigned i = next_random() % SLOTS;
		if (slot[i]) {
			bad += !check(slot[i], size[i], i);
			checksum += size[i];
			if (next_random() % 4 == 0) {
				size_t grown = size[i] * 2 + 1;
				unsigned char *p = realloc(slot[i], grown);
				if (!p)
					return 2;
				bad += !check(p, size[i], i); /* realloc keeps the old contents */
				slot[i] = p;
				size[i] = grown;
				fill(p, grown, i);
				continue;
			}
			free(slot[i]);
			slot[i] = NULL;
		} else {
			/* Mostly small blocks, sometimes one large enough for glibc to use mmap. */
			size[i] = next_random() % 256 == 0 ? 140000 + next_random() % 60000
			                                   : 1 + next_random() % 512;
			slot[i] = malloc(size[i]);
			if (!slot[i])
				return 2;
			fill(slot[i], size[i], i);
		}
	}
	for (unsigned i = 0; i < SLOTS; i++) {
		if (slot[i])
			bad += !check(slot[i], size[i], i);
		free(slot[i]);
	}
	unsigned char *z = calloc(1000, 1000);
	size_t nonzero = 0;
	for (size_t i = 0; i < 1000000; i++)
		nonzero += z[i] != 0;
	free(z);
	printf("checksum %llu, bad blocks %d, calloc nonzero bytes %zu\n", (unsigned long long)checksum, bad,
	       nonzero);
	return bad != 0;
}
