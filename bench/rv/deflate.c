/* Deflate-style compression (written for karasu), the core of zlib/gzip/pigz: an LZ77 match finder with
 * hash chains and lazy matching over a 32 KiB window, then a Huffman coder with deflate's
 * literal/length and distance alphabets (extra bits, canonical codes of at most 15 bits), and the
 * decoder (table lookup, then LZ77 copy) back to the input; the round trip is verified.
 * The input is generated text: words of a Zipf-like vocabulary, punctuation, numbers, line breaks.
 * One unit = compress + decompress 256 KiB once. */
#include <string.h>

#include "bench/rv/bench.h"

#define DATA_LEN     (256 << 10)
#define WINDOW       32768
#define MIN_MATCH    3
#define MAX_MATCH    258
#define HASH_BITS    15
#define MAX_CHAIN    64  /* candidates looked at per position (zlib -6: 128) */
#define LAZY_LIMIT   16  /* a match this long is taken without trying the next position */
#define GOOD_ENOUGH  128 /* stop searching the chain at a match this long */
#define N_LITLEN     286 /* 0..255 literals, 256 end of block, 257..285 lengths */
#define N_DIST       30
#define MAX_BITS     15
#define LOOKUP_BITS  10
#define END_OF_BLOCK 256

/* deflate's length and distance codes: base value and extra bits (RFC 1951, 3.2.5) */
static uint16_t len_base[29], dist_base[30];
static uint8_t len_extra[29], dist_extra[30];
static uint8_t len_code_of[MAX_MATCH + 1];
static uint8_t dist_code_lo[512]; /* dist - 1 < 256: direct; else (dist - 1) >> 7 */

static void init_tables(void)
{
	static const uint8_t lx[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
	                               2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
	unsigned base = 3;
	for (unsigned c = 0; c < 29; c++) {
		len_extra[c] = lx[c];
		len_base[c] = (uint16_t)base;
		base += 1u << lx[c];
	}
	len_base[28] = 258;
	for (unsigned c = 0; c < 29; c++)
		for (unsigned l = len_base[c]; l < len_base[c] + (1u << len_extra[c]) && l <= MAX_MATCH; l++)
			len_code_of[l] = (uint8_t)c;
	len_code_of[258] = 28;
	base = 1;
	for (unsigned c = 0; c < 30; c++) {
		dist_extra[c] = (uint8_t)(c < 4 ? 0 : c / 2 - 1);
		dist_base[c] = (uint16_t)base;
		base += 1u << dist_extra[c];
	}
	for (unsigned c = 0; c < 30; c++)
		for (unsigned d = dist_base[c]; d < dist_base[c] + (1u << dist_extra[c]); d++) {
			unsigned k = d - 1 < 256 ? d - 1 : 256 + ((d - 1) >> 7);
			if (k < 512)
				dist_code_lo[k] = (uint8_t)c;
		}
}

static unsigned dist_code(unsigned dist)
{
	return dist - 1 < 256 ? dist_code_lo[dist - 1] : dist_code_lo[256 + ((dist - 1) >> 7)];
}

/* ---- LZ77 with hash chains and lazy matching: produces symbols ---- */

struct symbol {
	uint16_t len;  /* 0: literal */
	uint16_t dist; /* or the literal byte */
};

static uint32_t hash3(const uint8_t *p)
{
	return ((uint32_t)p[0] << 10 ^ (uint32_t)p[1] << 5 ^ p[2]) & ((1u << HASH_BITS) - 1);
}

static int32_t head[1 << HASH_BITS];
static int32_t prev_pos[DATA_LEN];

static void insert(const uint8_t *in, size_t n, size_t i)
{
	if (i + MIN_MATCH > n)
		return;
	uint32_t h = hash3(in + i);
	prev_pos[i] = head[h];
	head[h] = (int32_t)i;
}

/* Longest match for position i among the chain of earlier positions with the same hash. */
static unsigned longest_match(const uint8_t *in, size_t n, size_t i, unsigned prev_len, unsigned *dist)
{
	unsigned best = prev_len, max = n - i < MAX_MATCH ? (unsigned)(n - i) : MAX_MATCH;
	if (max < MIN_MATCH)
		return 0;
	int32_t cand = head[hash3(in + i)];
	for (int chain = prev_len >= LAZY_LIMIT ? MAX_CHAIN / 4 : MAX_CHAIN;
	     chain > 0 && cand >= 0 && i - (size_t)cand <= WINDOW; chain--, cand = prev_pos[cand]) {
		const uint8_t *a = in + cand, *b = in + i;
		if (a[best] != b[best] || a[0] != b[0] || a[1] != b[1])
			continue;
		unsigned l = 2;
		while (l < max && a[l] == b[l])
			l++;
		if (l > best) {
			best = l;
			*dist = (unsigned)(i - (size_t)cand);
			if (l >= GOOD_ENOUGH)
				break;
		}
	}
	return best > prev_len ? best : 0;
}

static size_t lz77(const uint8_t *in, size_t n, struct symbol *out)
{
	memset(head, 0xff, sizeof(head));
	size_t o = 0, i = 0;
	unsigned prev_len = 0, prev_dist = 0;
	bool have_prev = false; /* a literal at i - 1 is pending (lazy evaluation) */
	while (i < n) {
		unsigned dist = 0, len = longest_match(in, n, i, prev_len >= MIN_MATCH ? prev_len : 2, &dist);
		insert(in, n, i);
		if (have_prev && prev_len >= MIN_MATCH && len <= prev_len) {
			/* the match starting at i - 1 is at least as good: take it */
			out[o++] = (struct symbol){(uint16_t)prev_len, (uint16_t)prev_dist};
			for (size_t k = i + 1; k < i - 1 + prev_len; k++)
				insert(in, n, k);
			i = i - 1 + prev_len;
			have_prev = false;
			prev_len = 0;
			continue;
		}
		if (have_prev)
			out[o++] = (struct symbol){0, in[i - 1]};
		if (len >= LAZY_LIMIT) {
			out[o++] = (struct symbol){(uint16_t)len, (uint16_t)dist};
			for (size_t k = i + 1; k < i + len; k++)
				insert(in, n, k);
			i += len;
			have_prev = false;
			prev_len = 0;
			continue;
		}
		have_prev = true;
		prev_len = len;
		prev_dist = dist;
		i++;
	}
	if (have_prev)
		out[o++] = (struct symbol){0, in[n - 1]};
	return o;
}

/* ---- Huffman code construction: lengths (limited to MAX_BITS) and canonical codes ---- */

static void sift_down(uint32_t *heap, unsigned n, unsigned i, const uint32_t *weight)
{
	for (;;) {
		unsigned m = i, l = 2 * i + 1, r = l + 1;
		if (l < n && weight[heap[l]] < weight[heap[m]])
			m = l;
		if (r < n && weight[heap[r]] < weight[heap[m]])
			m = r;
		if (m == i)
			return;
		uint32_t t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

/* Code lengths for n symbols with frequencies freq (0: unused) by the classic heap construction; if a
 * code is longer than MAX_BITS, the frequencies are flattened and it is built again. */
static void build_lengths(const uint32_t *freq, unsigned n, uint8_t *len)
{
	uint32_t f[N_LITLEN];
	memcpy(f, freq, n * sizeof(*f));
	for (;;) {
		uint32_t weight[2 * N_LITLEN], parent[2 * N_LITLEN], heap[N_LITLEN];
		unsigned hn = 0, nodes = n;
		for (unsigned s = 0; s < n; s++) {
			weight[s] = f[s];
			if (f[s])
				heap[hn++] = s;
		}
		memset(len, 0, n);
		if (hn < 2) {
			for (unsigned k = 0; k < hn; k++)
				len[heap[k]] = 1;
			if (hn == 1)
				len[heap[0] == 0 ? 1 : 0] =
				    1; /* two codes, so that the decoder is complete */
			return;
		}
		for (int k = (int)hn / 2 - 1; k >= 0; k--)
			sift_down(heap, hn, (unsigned)k, weight);
		while (hn > 1) {
			uint32_t a = heap[0];
			heap[0] = heap[--hn];
			sift_down(heap, hn, 0, weight);
			uint32_t b = heap[0];
			weight[nodes] = weight[a] + weight[b];
			parent[a] = parent[b] = nodes;
			heap[0] = nodes++;
			sift_down(heap, hn, 0, weight);
		}
		unsigned root = heap[0], depth[2 * N_LITLEN], longest = 0;
		depth[root] = 0;
		for (int k = (int)nodes - 1; k >= 0; k--) {
			if ((unsigned)k == root || (k < (int)n && !f[k]))
				continue;
			depth[k] = depth[parent[k]] + 1;
			if (k < (int)n) {
				len[k] = (uint8_t)depth[k];
				if (depth[k] > longest)
					longest = depth[k];
			}
		}
		if (longest <= MAX_BITS)
			return;
		for (unsigned s = 0; s < n; s++)
			if (f[s])
				f[s] = (f[s] >> 1) | 1;
	}
}

static uint32_t reverse_bits(uint32_t code, unsigned bits)
{
	uint32_t r = 0;
	for (unsigned k = 0; k < bits; k++, code >>= 1)
		r = r << 1 | (code & 1);
	return r;
}

/* Canonical codes (RFC 1951, 3.2.2), bit-reversed because deflate sends codes MSB first into an
 * LSB-first bit stream. */
static void build_codes(const uint8_t *len, unsigned n, uint16_t *code)
{
	unsigned count[MAX_BITS + 1] = {0}, next[MAX_BITS + 1];
	for (unsigned s = 0; s < n; s++)
		count[len[s]]++;
	count[0] = 0;
	unsigned c = 0;
	for (unsigned b = 1; b <= MAX_BITS; b++) {
		c = (c + count[b - 1]) << 1;
		next[b] = c;
	}
	for (unsigned s = 0; s < n; s++)
		if (len[s])
			code[s] = (uint16_t)reverse_bits(next[len[s]]++, len[s]);
}

/* ---- bit stream ---- */

struct bit_writer {
	uint8_t *out;
	size_t pos;
	uint64_t acc;
	unsigned n;
};

static void put_bits(struct bit_writer *w, uint32_t bits, unsigned count)
{
	w->acc |= (uint64_t)bits << w->n;
	w->n += count;
	while (w->n >= 8) {
		w->out[w->pos++] = (uint8_t)w->acc;
		w->acc >>= 8;
		w->n -= 8;
	}
}

struct bit_reader {
	const uint8_t *in;
	size_t pos, size;
	uint64_t acc;
	unsigned n;
};

static void refill(struct bit_reader *r)
{
	while (r->n <= 56) {
		uint64_t byte = r->pos < r->size ? r->in[r->pos] : 0;
		r->pos++;
		r->acc |= byte << r->n;
		r->n += 8;
	}
}

static uint32_t get_bits(struct bit_reader *r, unsigned count)
{
	if (r->n < count)
		refill(r);
	uint32_t v = (uint32_t)(r->acc & ((1ull << count) - 1));
	r->acc >>= count;
	r->n -= count;
	return v;
}

/* ---- decoder tables: LOOKUP_BITS-bit direct table, canonical search for longer codes ---- */

struct decoder {
	uint16_t fast[1u << LOOKUP_BITS]; /* symbol << 4 | length, 0: longer code */
	uint16_t count[MAX_BITS + 1];
	uint16_t symbols[N_LITLEN]; /* by code order */
};

static void build_decoder(struct decoder *d, const uint8_t *len, const uint16_t *code, unsigned n)
{
	memset(d, 0, sizeof(*d));
	uint16_t offs[MAX_BITS + 2] = {0};
	for (unsigned s = 0; s < n; s++)
		d->count[len[s]]++;
	d->count[0] = 0;
	for (unsigned b = 1; b <= MAX_BITS; b++)
		offs[b + 1] = (uint16_t)(offs[b] + d->count[b]);
	for (unsigned s = 0; s < n; s++)
		if (len[s])
			d->symbols[offs[len[s]]++] = (uint16_t)s;
	for (unsigned s = 0; s < n; s++) {
		if (!len[s] || len[s] > LOOKUP_BITS)
			continue;
		for (unsigned fill = code[s]; fill < (1u << LOOKUP_BITS); fill += 1u << len[s])
			d->fast[fill] = (uint16_t)(s << 4 | len[s]);
	}
}

static unsigned decode_symbol(struct bit_reader *r, const struct decoder *d)
{
	if (r->n < MAX_BITS)
		refill(r);
	uint16_t e = d->fast[r->acc & ((1u << LOOKUP_BITS) - 1)];
	if (e) {
		r->acc >>= e & 15;
		r->n -= e & 15;
		return e >> 4;
	}
	/* canonical decoding, one bit at a time (codes longer than the table) */
	int code = 0, first = 0, index = 0;
	for (unsigned b = 1; b <= MAX_BITS; b++) {
		code |= (int)(r->acc & 1);
		r->acc >>= 1;
		r->n--;
		int count = d->count[b];
		if (code - count < first)
			return d->symbols[index + (code - first)];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return END_OF_BLOCK; /* not reached with a complete code */
}

/* ---- one block: compress, decompress ---- */

static struct symbol syms[DATA_LEN + 1];

static size_t compress(const uint8_t *in, size_t n, uint8_t *out, uint8_t *lit_len, uint8_t *dist_len)
{
	size_t ns = lz77(in, n, syms);
	uint32_t lit_freq[N_LITLEN] = {0}, dist_freq[N_DIST] = {0};
	for (size_t k = 0; k < ns; k++) {
		if (syms[k].len == 0) {
			lit_freq[syms[k].dist]++;
		} else {
			lit_freq[257 + len_code_of[syms[k].len]]++;
			dist_freq[dist_code(syms[k].dist)]++;
		}
	}
	lit_freq[END_OF_BLOCK] = 1;
	uint16_t lit_code[N_LITLEN] = {0}, dist_code_bits[N_DIST] = {0};
	build_lengths(lit_freq, N_LITLEN, lit_len);
	build_lengths(dist_freq, N_DIST, dist_len);
	build_codes(lit_len, N_LITLEN, lit_code);
	build_codes(dist_len, N_DIST, dist_code_bits);
	struct bit_writer w = {out, 0, 0, 0};
	for (size_t k = 0; k < ns; k++) {
		struct symbol s = syms[k];
		if (s.len == 0) {
			put_bits(&w, lit_code[s.dist], lit_len[s.dist]);
			continue;
		}
		unsigned lc = len_code_of[s.len], dc = dist_code(s.dist);
		put_bits(&w, lit_code[257 + lc], lit_len[257 + lc]);
		put_bits(&w, s.len - len_base[lc], len_extra[lc]);
		put_bits(&w, dist_code_bits[dc], dist_len[dc]);
		put_bits(&w, s.dist - dist_base[dc], dist_extra[dc]);
	}
	put_bits(&w, lit_code[END_OF_BLOCK], lit_len[END_OF_BLOCK]);
	put_bits(&w, 0, 7); /* flush the last byte */
	return w.pos;
}

static size_t decompress(const uint8_t *in, size_t n, const uint8_t *lit_len, const uint8_t *dist_len,
                         uint8_t *out, size_t cap)
{
	static struct decoder lit, dist;
	uint16_t lit_code[N_LITLEN] = {0}, dist_code_bits[N_DIST] = {0};
	build_codes(lit_len, N_LITLEN, lit_code);
	build_codes(dist_len, N_DIST, dist_code_bits);
	build_decoder(&lit, lit_len, lit_code, N_LITLEN);
	build_decoder(&dist, dist_len, dist_code_bits, N_DIST);
	struct bit_reader r = {in, 0, n, 0, 0};
	size_t o = 0;
	for (;;) {
		unsigned s = decode_symbol(&r, &lit);
		if (s < 256) {
			if (o >= cap)
				return 0;
			out[o++] = (uint8_t)s;
			continue;
		}
		if (s == END_OF_BLOCK)
			return o;
		unsigned lc = s - 257;
		unsigned len = len_base[lc] + get_bits(&r, len_extra[lc]);
		unsigned dc = decode_symbol(&r, &dist);
		unsigned d = dist_base[dc] + get_bits(&r, dist_extra[dc]);
		if (d > o || o + len > cap)
			return 0;
		for (unsigned k = 0; k < len; k++, o++)
			out[o] = out[o - d];
	}
}

/* ---- generated text ---- */

static size_t make_text(uint8_t *data, size_t cap, uint64_t seed)
{
	static const char *const syll[] = {"ka", "ra", "su", "to", "ne", "mi", "ro", "ha", "shi", "te",
	                                   "de", "no", "ri", "ma", "ku", "ta", "sa", "ki", "n",   "yo"};
	char words[512][16];
	size_t wlen[512];
	for (unsigned k = 0; k < 512; k++) {
		unsigned ns = 1 + (unsigned)(bench_rand(&seed) % 4);
		wlen[k] = 0;
		for (unsigned s = 0; s < ns; s++) {
			const char *p = syll[bench_rand(&seed) % 20];
			size_t l = strlen(p);
			memcpy(words[k] + wlen[k], p, l);
			wlen[k] += l;
		}
	}
	size_t len = 0;
	unsigned col = 0;
	while (len + 40 < cap) {
		uint64_t r = bench_rand(&seed);
		/* Zipf-like: a word's index is the smaller of two (or three) draws */
		unsigned a = (unsigned)(r % 512), b = (unsigned)((r >> 9) % 512),
		         c = (unsigned)((r >> 18) % 512);
		unsigned w = a < b ? a : b;
		if ((r >> 27) & 1)
			w = w < c ? w : c;
		memcpy(data + len, words[w], wlen[w]);
		len += wlen[w];
		col += (unsigned)wlen[w] + 1;
		switch ((r >> 30) % 16) {
		case 0: data[len++] = ','; break;
		case 1: data[len++] = '.'; break;
		case 2:
			len += (size_t)snprintf((char *)data + len, 16, " %u", (unsigned)(r >> 40) % 10000);
			break;
		default: break;
		}
		data[len++] = col > 72 ? '\n' : ' ';
		if (col > 72)
			col = 0;
	}
	return len;
}

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 12);
	static uint8_t data[DATA_LEN], packed[DATA_LEN + DATA_LEN / 2], unpacked[DATA_LEN];
	uint8_t lit_len[N_LITLEN], dist_len[N_DIST];
	init_tables();
	size_t len = make_text(data, DATA_LEN, 12345);
	uint64_t check = 0;
	size_t packed_len = 0;
	for (long u = 0; u < units; u++) {
		packed_len = compress(data, len, packed, lit_len, dist_len);
		size_t out_len =
		    decompress(packed, packed_len, lit_len, dist_len, unpacked, sizeof(unpacked));
		if (out_len != len || memcmp(data, unpacked, len) != 0) {
			printf("deflate: round trip FAILED at unit %ld (%zu of %zu bytes)\n", u, out_len,
			       len);
			return 1;
		}
		for (size_t k = 0; k < packed_len; k++)
			check = (check ^ packed[k]) * 0x100000001b3ull;
		data[(u * 7919) % len] ^= 0x01; /* vary the input between passes */
	}
	printf("deflate: %zu bytes -> %zu bytes\n", len, packed_len);
	bench_result("deflate", check);
	return 0;
}
