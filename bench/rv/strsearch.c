/* Strings (written for karasu): builds a pseudo-random text of words, counts distinct words with an
 * open-addressing hash table (FNV-1a), and searches it for patterns with Horspool's algorithm.
 * One unit = one counting pass and 8 pattern searches over 1 MiB of text. */
#include <string.h>

#include "bench/rv/bench.h"

#define TEXT_LEN (1 << 20)
#define TABLE    (1 << 14)

static const char *syllables[] = {"ka", "ra", "su", "ri", "sc", "vi", "ji", "t", "em", "ul",
                                  "at", "or", "de", "co", "de", "qe", "mu", "x", "el", "f"};

struct slot {
	uint64_t hash;
	uint32_t start, len, count;
};

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static size_t horspool(const uint8_t *text, size_t n, const uint8_t *pat, size_t m)
{
	size_t shift[256], count = 0;
	for (int i = 0; i < 256; i++)
		shift[i] = m;
	for (size_t i = 0; i + 1 < m; i++)
		shift[pat[i]] = m - 1 - i;
	for (size_t pos = 0; pos + m <= n;) {
		uint8_t last = text[pos + m - 1];
		if (last == pat[m - 1] && memcmp(text + pos, pat, m - 1) == 0)
			count++;
		pos += shift[last];
	}
	return count;
}

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 35);
	static uint8_t text[TEXT_LEN];
	static struct slot table[TABLE];
	uint64_t seed = 7, check = 0;
	size_t len = 0;
	while (len + 16 < TEXT_LEN) {
		int syl = 1 + (int)(bench_rand(&seed) % 3);
		for (int s = 0; s < syl; s++) {
			const char *y = syllables[bench_rand(&seed) % 20];
			size_t l = strlen(y);
			memcpy(text + len, y, l);
			len += l;
		}
		text[len++] = bench_rand(&seed) % 16 == 0 ? '\n' : ' ';
	}
	const char *patterns[] = {"karasu", "risc", "jit", "qemu", "emul", "vi t", "co de", "rasu"};
	for (long u = 0; u < units; u++) {
		memset(table, 0, sizeof(table));
		size_t distinct = 0, words = 0;
		for (size_t i = 0; i < len;) {
			size_t start = i;
			while (i < len && text[i] != ' ' && text[i] != '\n')
				i++;
			size_t wl = i - start;
			i++;
			if (wl == 0)
				continue;
			words++;
			uint64_t h = fnv1a(text + start, wl);
			for (size_t k = h & (TABLE - 1);; k = (k + 1) & (TABLE - 1)) {
				if (table[k].count == 0) {
					table[k] = (struct slot){h, (uint32_t)start, (uint32_t)wl, 1};
					distinct++;
					break;
				}
				if (table[k].hash == h && table[k].len == wl &&
				    memcmp(text + table[k].start, text + start, wl) == 0) {
					table[k].count++;
					break;
				}
			}
		}
		check = check * 1000003 + distinct * 131 + words;
		for (int p = 0; p < 8; p++)
			check = check * 31 +
			        horspool(text, len, (const uint8_t *)patterns[p], strlen(patterns[p]));
		/* change the text a little so every pass differs */
		text[(u * 7919) % len] = 'k';
	}
	bench_result("strsearch", check);
	return 0;
}
