/* Parallel block compression (written for karasu), like pigz: 4 threads take 64 KiB blocks of generated
 * data from a shared counter (an atomic fetch-add), compress each with a greedy LZ77 (hash chains) and
 * a byte-frequency entropy estimate, check it by decompressing, and merge their results under a mutex
 * in block order (so the checksum does not depend on scheduling). One unit = every block once. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "bench/rv/bench.h"

#define THREADS   4
#define BLOCK     (64 << 10)
#define N_BLOCKS  16
#define HASH_BITS 12
#define WINDOW    8192
#define MAX_LEN   66
#define CHAIN     12

static uint8_t data[N_BLOCKS][BLOCK];
static atomic_uint next_block;
static pthread_mutex_t merge_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t block_digest[N_BLOCKS];
static uint64_t total_packed;

struct work {
	int32_t head[1 << HASH_BITS];
	int32_t prev[BLOCK];
	uint8_t out[BLOCK + BLOCK / 4];
	uint8_t back[BLOCK];
};

static uint32_t hash4(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Tokens: 0xxxxxxx = 1..128 literals follow; 1lllllll dddddddd dddddddd: a match of l + 3 bytes. */
static size_t compress(const uint8_t *in, size_t n, struct work *w)
{
	memset(w->head, 0xff, sizeof(w->head));
	size_t o = 0, i = 0, lit_start = 0;
	uint8_t *out = w->out;
	while (i + 4 <= n) {
		uint32_t h = hash4(in + i);
		int32_t cand = w->head[h];
		w->prev[i] = cand;
		w->head[h] = (int32_t)i;
		size_t best = 0, best_d = 0;
		for (int c = 0; c < CHAIN && cand >= 0 && i - (size_t)cand <= WINDOW && (size_t)cand < i;
		     c++) {
			size_t l = 0, max = n - i < MAX_LEN ? n - i : MAX_LEN;
			while (l < max && in[cand + l] == in[i + l])
				l++;
			if (l > best) {
				best = l;
				best_d = i - (size_t)cand;
			}
			cand = w->prev[cand];
		}
		if (best >= 4) {
			if (i > lit_start) {
				for (size_t s = lit_start; s < i; s += 128) {
					size_t k = i - s < 128 ? i - s : 128;
					out[o++] = (uint8_t)(k - 1);
					memcpy(out + o, in + s, k);
					o += k;
				}
			}
			out[o++] = (uint8_t)(0x80 | (best - 3));
			out[o++] = (uint8_t)best_d;
			out[o++] = (uint8_t)(best_d >> 8);
			for (size_t k = 1; k < best && i + k + 4 <= n; k++) {
				uint32_t hk = hash4(in + i + k);
				w->prev[i + k] = w->head[hk];
				w->head[hk] = (int32_t)(i + k);
			}
			i += best;
			lit_start = i;
		} else {
			i++;
		}
	}
	for (size_t s = lit_start; s < n; s += 128) {
		size_t k = n - s < 128 ? n - s : 128;
		out[o++] = (uint8_t)(k - 1);
		memcpy(out + o, in + s, k);
		o += k;
	}
	return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0;
	while (i < n) {
		uint8_t t = in[i++];
		if (t & 0x80) {
			size_t l = (t & 0x7fu) + 3, d = in[i] | (size_t)in[i + 1] << 8;
			i += 2;
			for (size_t k = 0; k < l; k++, o++)
				out[o] = out[o - d];
		} else {
			memcpy(out + o, in + i, t + 1u);
			o += t + 1u;
			i += t + 1u;
		}
	}
	return o;
}

static void *worker(void *arg)
{
	struct work *w = arg;
	for (;;) {
		unsigned b = atomic_fetch_add(&next_block, 1);
		if (b >= N_BLOCKS)
			return NULL;
		size_t packed = compress(data[b], BLOCK, w);
		uint64_t digest = packed;
		uint32_t freq[256] = {0};
		for (size_t k = 0; k < packed; k++) {
			freq[w->out[k]]++;
			digest = (digest ^ w->out[k]) * 0x100000001b3ull;
		}
		uint64_t cost = 0; /* entropy estimate: sum f * (bits of f) */
		for (int s = 0; s < 256; s++)
			for (uint32_t f = freq[s]; f; f >>= 1)
				cost += freq[s];
		if (decompress(w->out, packed, w->back) != BLOCK || memcmp(w->back, data[b], BLOCK) != 0)
			digest = 0xbad; /* shows in the checksum */
		pthread_mutex_lock(&merge_lock);
		block_digest[b] = digest ^ cost << 32;
		total_packed += packed;
		pthread_mutex_unlock(&merge_lock);
	}
}

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 60);
	static struct work works[THREADS];
	static const char *const words[] = {"parallel ", "blocks ",   "of data ", "are compressed ",
	                                    "by four ",  "threads; ", "results ", "merge. ",
	                                    "0x1f ",     "karasu "};
	uint64_t seed = 31337, check = 0;
	for (unsigned b = 0; b < N_BLOCKS; b++) {
		size_t len = 0;
		while (len < BLOCK) {
			uint64_t r = bench_rand(&seed);
			const char *p = words[r % 10];
			size_t l = strlen(p);
			if (r >> 60 == 0)
				data[b][len++] = (uint8_t)(r >> 20);
			else
				for (size_t k = 0; k < l && len < BLOCK; k++)
					data[b][len++] = (uint8_t)p[k];
		}
	}
	for (long u = 0; u < units; u++) {
		atomic_store(&next_block, 0);
		pthread_t t[THREADS];
		for (int k = 0; k < THREADS; k++)
			if (pthread_create(&t[k], NULL, worker, &works[k]) != 0) {
				printf("pzip: pthread_create failed\n");
				return 1;
			}
		for (int k = 0; k < THREADS; k++)
			pthread_join(t[k], NULL);
		for (unsigned b = 0; b < N_BLOCKS; b++)
			check = check * 1000003 + block_digest[b];
		data[u % N_BLOCKS][(u * 4099) % BLOCK] ^= 0x40; /* vary the input between passes */
	}
	printf("pzip: %" PRIu64 " bytes compressed in total\n", total_packed);
	bench_result("pzip", check);
	return 0;
}
