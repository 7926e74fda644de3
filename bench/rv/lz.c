/* Compression (written for karasu): an LZ77 compressor with a hash-chain match finder and its
 * decompressor, over 1 MiB of semi-repetitive generated data; the round trip is verified.
 * One unit = compress + decompress once. Format: a flag byte per 8 items; a literal is 1 byte, a match
 * is 3 bytes (12-bit distance - 1, 4-bit length - 3 ... see encode_match). */
#include <string.h>

#include "bench/rv/bench.h"

#define DATA_LEN    (1 << 20)
#define WINDOW      4096
#define MIN_MATCH   3
#define MAX_MATCH   18
#define HASH_BITS   13
#define CHAIN_DEPTH 16

static uint32_t hash3(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS);
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out)
{
	static int32_t head[1 << HASH_BITS], prev[DATA_LEN];
	memset(head, 0xff, sizeof(head));
	size_t o = 0, i = 0;
	while (i < n) {
		size_t flag_pos = o++;
		uint8_t flags = 0;
		for (int item = 0; item < 8 && i < n; item++) {
			size_t best_len = 0, best_dist = 0;
			if (i + MIN_MATCH <= n) {
				uint32_t h = hash3(in + i);
				int32_t cand = head[h];
				for (int depth = 0;
				     depth < CHAIN_DEPTH && cand >= 0 && i - (size_t)cand <= WINDOW;
				     depth++) {
					size_t l = 0, max = n - i < MAX_MATCH ? n - i : MAX_MATCH;
					while (l < max && in[cand + l] == in[i + l])
						l++;
					if (l > best_len) {
						best_len = l;
						best_dist = i - (size_t)cand;
					}
					cand = prev[cand];
				}
			}
			size_t advance = best_len >= MIN_MATCH ? best_len : 1;
			if (best_len >= MIN_MATCH) {
				flags |= (uint8_t)(1u << item);
				uint32_t d = (uint32_t)(best_dist - 1), l = (uint32_t)(best_len - MIN_MATCH);
				out[o++] = (uint8_t)(d >> 4);
				out[o++] = (uint8_t)((d & 0xf) << 4 | l);
			} else {
				out[o++] = in[i];
			}
			for (size_t k = 0; k < advance; k++, i++)
				if (i + MIN_MATCH <= n) {
					uint32_t h = hash3(in + i);
					prev[i] = head[h];
					head[h] = (int32_t)i;
				}
		}
		out[flag_pos] = flags;
	}
	return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0;
	while (i < n) {
		uint8_t flags = in[i++];
		for (int item = 0; item < 8 && i < n; item++) {
			if (flags & (1u << item)) {
				size_t d = ((size_t)in[i] << 4 | in[i + 1] >> 4) + 1,
				       l = (in[i + 1] & 0xfu) + MIN_MATCH;
				i += 2;
				for (size_t k = 0; k < l; k++, o++)
					out[o] = out[o - d];
			} else {
				out[o++] = in[i++];
			}
		}
	}
	return o;
}

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 35);
	static uint8_t data[DATA_LEN], packed[DATA_LEN + DATA_LEN / 8 + 16], unpacked[DATA_LEN];
	uint64_t seed = 99, check = 0;
	/* Phrases with variations: compressible, but not trivially. */
	static const char *phrases[] = {"the translator ", "emits x86-64 ",   "for each block ",
	                                "of guest code, ", "chaining jumps ", "between blocks; ",
	                                "registers live ", "in a context. "};
	size_t len = 0;
	while (len + 32 < DATA_LEN) {
		uint64_t r = bench_rand(&seed);
		if (r % 5 == 0) {
			data[len++] = (uint8_t)(r >> 8);
		} else {
			const char *p = phrases[(r >> 16) % 8];
			size_t l = strlen(p);
			memcpy(data + len, p, l);
			len += l;
		}
	}
	size_t packed_len = 0;
	for (long u = 0; u < units; u++) {
		packed_len = compress(data, len, packed);
		size_t out_len = decompress(packed, packed_len, unpacked);
		if (out_len != len || memcmp(data, unpacked, len) != 0) {
			printf("lz: round trip FAILED at unit %ld\n", u);
			return 1;
		}
		check = check * 1000003 + packed_len;
		data[(u * 104729) % len] ^= 0x20; /* vary the input between passes */
	}
	printf("lz: %zu bytes -> %zu bytes\n", len, packed_len);
	bench_result("lz", check);
	return 0;
}
