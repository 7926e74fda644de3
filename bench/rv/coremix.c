/* A CoreMark-like mix (written for karasu; CoreMark's algorithms as its documentation describes them,
 * not its code): a linked list of records that is searched, reversed and merge-sorted by two keys; a
 * small 16-bit matrix multiplied by a constant, a vector and a matrix, with bit extraction of the
 * results; a state machine that classifies the tokens of a string (integers, decimals, scientific
 * numbers, invalid); and a CRC-16 over every result. One unit = one iteration of all of it. */
#include <string.h>

#include "bench/rv/bench.h"

#define LIST_LEN 200
#define MAT_N    12
#define TEXT_LEN 2048

struct item {
	struct item *next;
	int16_t data;
	int16_t idx;
};

static uint16_t crc_byte(uint8_t b, uint16_t crc)
{
	for (int k = 0; k < 8; k++) {
		unsigned x = (b ^ crc) & 1;
		b >>= 1;
		crc = x ? (uint16_t)((crc ^ 0x4002) >> 1 | 0x8000) : (uint16_t)(crc >> 1);
	}
	return crc;
}

static uint16_t crc16(int16_t v, uint16_t crc)
{
	crc = crc_byte((uint8_t)v, crc);
	return crc_byte((uint8_t)((uint16_t)v >> 8), crc);
}

/* ---- list ---- */

typedef int (*item_cmp)(const struct item *, const struct item *);

/* The data field is "calculated" from a few bits of state, as CoreMark's list does through its
 * dispatch of small computations. */
static int16_t item_value(struct item *it, uint16_t *crc)
{
	int16_t d = it->data;
	unsigned kind = (unsigned)(d >> 7) & 1, seed = (unsigned)d & 0x7f;
	int16_t v = kind ? (int16_t)(seed * 3 + 7) : (int16_t)((seed ^ 0x55) << 1);
	*crc = crc16(v, *crc);
	return v;
}

static int cmp_data(const struct item *a, const struct item *b)
{
	return (a->data & 0xff) - (b->data & 0xff);
}

static int cmp_idx(const struct item *a, const struct item *b)
{
	return a->idx - b->idx;
}

static struct item *list_find(struct item *l, int16_t idx, int16_t data)
{
	for (; l; l = l->next)
		if (idx >= 0 ? l->idx == idx : (l->data & 0xff) == data)
			return l;
	return NULL;
}

static struct item *list_reverse(struct item *l)
{
	struct item *r = NULL;
	while (l) {
		struct item *n = l->next;
		l->next = r;
		r = l;
		l = n;
	}
	return r;
}

/* Bottom-up merge sort of a singly linked list (no recursion, no extra memory). */
static struct item *list_sort(struct item *list, item_cmp cmp)
{
	for (size_t width = 1;; width *= 2) {
		struct item *p = list, *tail = NULL;
		list = NULL;
		unsigned merges = 0;
		while (p) {
			merges++;
			struct item *q = p;
			size_t psize = 0, qsize = width;
			for (size_t k = 0; k < width && q; k++, psize++)
				q = q->next;
			while (psize > 0 || (qsize > 0 && q)) {
				struct item *e;
				if (psize == 0) {
					e = q, q = q->next, qsize--;
				} else if (qsize == 0 || !q || cmp(p, q) <= 0) {
					e = p, p = p->next, psize--;
				} else {
					e = q, q = q->next, qsize--;
				}
				if (tail)
					tail->next = e;
				else
					list = e;
				tail = e;
			}
			p = q;
		}
		tail->next = NULL;
		if (merges <= 1)
			return list;
	}
}

static uint16_t bench_list(struct item *pool, unsigned n, uint16_t seed, uint16_t crc)
{
	struct item *list = NULL;
	for (unsigned k = 0; k < n; k++) {
		pool[k].idx = (int16_t)k;
		pool[k].data = (int16_t)((seed ^ (k * 0x9e37u)) & 0xffff);
		pool[k].next = list;
		list = &pool[k];
	}
	for (unsigned k = 0; k < 32; k++) {
		int16_t want = (int16_t)((k * 37 + seed) % (n + 16)); /* some miss */
		struct item *f = list_find(list, k & 1 ? want : -1, (int16_t)(want & 0xff));
		crc = crc16(f ? f->data : -1, crc);
		list = list_reverse(list);
		if (f && f->next) {
			int16_t v = item_value(f->next, &crc);
			crc = crc16(v, crc);
		}
	}
	list = list_sort(list, cmp_data);
	for (struct item *p = list; p; p = p->next)
		item_value(p, &crc);
	list = list_sort(list, cmp_idx);
	for (struct item *p = list; p; p = p->next)
		crc = crc16(p->idx, crc);
	return crc;
}

/* ---- matrix ---- */

static uint16_t bench_matrix(int16_t a[MAT_N][MAT_N], int16_t b[MAT_N][MAT_N], int16_t val, uint16_t crc)
{
	int32_t c[MAT_N][MAT_N], v[MAT_N];
	/* a += val; c = a * val */
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			a[i][j] = (int16_t)(a[i][j] + val);
			c[i][j] = a[i][j] * val;
		}
	int32_t sum = 0;
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			sum += c[i][j] > 0x7fff ? 10 : c[i][j] < -0x7fff ? -10 : 1;
	crc = crc16((int16_t)sum, crc);
	/* c = a * vector (column 0 of b) */
	for (int i = 0; i < MAT_N; i++) {
		v[i] = 0;
		for (int j = 0; j < MAT_N; j++)
			v[i] += a[i][j] * b[j][0];
		crc = crc16((int16_t)v[i], crc);
	}
	/* c = a * b, then bit extraction of each element */
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			int32_t s = 0;
			for (int k = 0; k < MAT_N; k++)
				s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
	sum = 0;
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			sum += (c[i][j] >> 2 & 0xf) * (c[i][j] >> 5 & 0x7f);
	crc = crc16((int16_t)sum, crc);
	/* undo the addition */
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			a[i][j] = (int16_t)(a[i][j] - val);
	return crc;
}

/* ---- state machine ---- */

enum state { S_START, S_INT, S_FRAC, S_EXP_SIGN, S_EXP, S_INVALID, S_COUNT };

static enum state step(enum state s, char ch, unsigned *transitions)
{
	bool digit = ch >= '0' && ch <= '9';
	enum state n = s;
	switch (s) {
	case S_START: n = digit || ch == '+' || ch == '-' ? S_INT : ch == '.' ? S_FRAC : S_INVALID; break;
	case S_INT:
		n = digit ? S_INT : ch == '.' ? S_FRAC : ch == 'e' || ch == 'E' ? S_EXP_SIGN : S_INVALID;
		break;
	case S_FRAC: n = digit ? S_FRAC : ch == 'e' || ch == 'E' ? S_EXP_SIGN : S_INVALID; break;
	case S_EXP_SIGN: n = digit || ch == '+' || ch == '-' ? S_EXP : S_INVALID; break;
	case S_EXP: n = digit ? S_EXP : S_INVALID; break;
	default: break;
	}
	if (n != s)
		(*transitions)++;
	return n;
}

static uint16_t bench_state(char *text, size_t len, unsigned seed, uint16_t crc)
{
	unsigned final[S_COUNT] = {0}, transitions = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t p = 0;
		while (p < len) {
			enum state s = S_START;
			while (p < len && text[p] != ',') {
				s = step(s, text[p], &transitions);
				p++;
			}
			final[s]++;
			p++;
		}
		/* corrupt some characters, as CoreMark does between its two passes */
		for (size_t k = seed % 7; k < len; k += 13)
			if (text[k] != ',')
				text[k] ^= pass ? 0 : 1;
	}
	for (size_t k = seed % 7; k < len; k += 13) /* restore */
		if (text[k] != ',')
			text[k] ^= 1;
	for (int s = 0; s < S_COUNT; s++)
		crc = crc16((int16_t) final[s], crc);
	return crc16((int16_t)transitions, crc);
}

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 8000);
	static struct item pool[LIST_LEN];
	static int16_t a[MAT_N][MAT_N], b[MAT_N][MAT_N];
	static char text[TEXT_LEN];
	static const char *const tokens[] = {
	    "5012",     "1234",     "-874",     "+122",     "35.54400", ".1234500", "-110.700", "+0.64400",
	    "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^"};
	uint64_t seed = 2024;
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			a[i][j] = (int16_t)(bench_rand(&seed) % 256 - 128);
			b[i][j] = (int16_t)(bench_rand(&seed) % 64);
		}
	size_t len = 0;
	while (len + 10 < TEXT_LEN) {
		const char *t = tokens[bench_rand(&seed) % 16];
		memcpy(text + len, t, strlen(t));
		len += strlen(t);
		text[len++] = ',';
	}
	uint16_t crc = 0;
	uint64_t check = 0;
	for (long u = 0; u < units; u++) {
		crc = bench_list(pool, LIST_LEN, (uint16_t)u, crc);
		crc = bench_matrix(a, b, (int16_t)(u & 0xff), crc);
		crc = bench_state(text, len, (unsigned)u, crc);
		check = check * 65599 + crc;
	}
	printf("coremix: crc %04x\n", crc);
	bench_result("coremix", check);
	return 0;
}
