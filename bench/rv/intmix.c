/* Integer mix in the spirit of CoreMark (written for karasu): linked-list search and reversal, a small
 * integer matrix multiply with bit extraction, a string-scanning state machine, and CRC-16 over the
 * results. One unit = one pass over all four kernels. */
#include <string.h>

#include "bench/rv/bench.h"

#define LIST_LEN 256
#define MAT_N    24

struct node {
	struct node *next;
	int32_t value;
	uint16_t index;
};

static uint16_t crc16_update(uint16_t crc, uint8_t byte)
{
	crc ^= byte;
	for (int i = 0; i < 8; i++)
		crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xa001) : (uint16_t)(crc >> 1);
	return crc;
}

static uint16_t crc16_word(uint16_t crc, uint32_t w)
{
	for (int i = 0; i < 4; i++)
		crc = crc16_update(crc, (uint8_t)(w >> (8 * i)));
	return crc;
}

static struct node *list_reverse(struct node *head)
{
	struct node *prev = NULL;
	while (head) {
		struct node *next = head->next;
		head->next = prev;
		prev = head;
		head = next;
	}
	return prev;
}

static int32_t list_work(struct node *head, int32_t key)
{
	int32_t found = 0, sum = 0;
	for (struct node *n = head; n; n = n->next) {
		if (n->value == key)
			found++;
		sum += (n->value ^ n->index) & 0xff;
	}
	return sum + found * 1000;
}

static uint32_t matrix_work(int32_t a[MAT_N][MAT_N], int32_t b[MAT_N][MAT_N], int32_t c[MAT_N][MAT_N],
                            int32_t k)
{
	uint32_t acc = 0;
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			int32_t s = 0;
			for (int x = 0; x < MAT_N; x++)
				s += a[i][x] * b[x][j];
			c[i][j] = s + k;
			acc += ((uint32_t)c[i][j] >> 3) & 0x7f;
		}
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			a[i][j] = (a[i][j] + (c[i][j] & 0xf)) & 0x3ff;
	return acc;
}

enum scan_state { S_START, S_INT, S_FRAC, S_EXP, S_INVALID, S_COUNT };

/* Classifies comma-separated tokens as integers, decimals, exponent numbers or invalid. */
static uint32_t state_machine(const uint8_t *text, size_t len, uint32_t counts[S_COUNT])
{
	enum scan_state st = S_START;
	uint32_t transitions = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t ch = text[i];
		enum scan_state next = st;
		if (ch == ',') {
			counts[st]++;
			next = S_START;
		} else if (st == S_START || st == S_INT) {
			next = (ch >= '0' && ch <= '9') || ch == '-' ? S_INT : ch == '.' ? S_FRAC : S_INVALID;
		} else if (st == S_FRAC) {
			next = (ch >= '0' && ch <= '9')   ? S_FRAC
			       : (ch == 'e' || ch == 'E') ? S_EXP
			                                  : S_INVALID;
		} else if (st == S_EXP) {
			next = (ch >= '0' && ch <= '9') || ch == '-' ? S_EXP : S_INVALID;
		}
		transitions += next != st;
		st = next;
	}
	return transitions;
}

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 50000);
	static struct node nodes[LIST_LEN];
	static int32_t a[MAT_N][MAT_N], b[MAT_N][MAT_N], c[MAT_N][MAT_N];
	static uint8_t text[4096];
	const char *tokens[] = {"123", "-4.5", "6.02e23", "x9", "77", ".5", "1e", "3.14159", "--", "0"};
	uint64_t seed = 0x1234567;
	uint16_t crc = 0;

	for (int i = 0; i < LIST_LEN; i++) {
		nodes[i].next = i + 1 < LIST_LEN ? &nodes[i + 1] : NULL;
		nodes[i].value = (int32_t)(bench_rand(&seed) % 1000);
		nodes[i].index = (uint16_t)i;
	}
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			a[i][j] = (int32_t)(bench_rand(&seed) % 1024);
			b[i][j] = (int32_t)(bench_rand(&seed) % 1024) - 512;
		}
	size_t len = 0;
	while (len + 12 < sizeof(text)) {
		const char *t = tokens[bench_rand(&seed) % 10];
		size_t l = strlen(t);
		memcpy(text + len, t, l);
		len += l;
		text[len++] = ',';
	}

	struct node *head = &nodes[0];
	for (long u = 0; u < units; u++) {
		int32_t key = (int32_t)(u % 1000);
		crc = crc16_word(crc, (uint32_t)list_work(head, key));
		head = list_reverse(head);
		crc = crc16_word(crc, matrix_work(a, b, c, (int32_t)u));
		uint32_t counts[S_COUNT] = {0};
		text[u % len] = (uint8_t) "0123456789.e-,x"[u % 15];
		crc = crc16_word(crc, state_machine(text, len, counts));
		for (int s = 0; s < S_COUNT; s++)
			crc = crc16_word(crc, counts[s]);
	}
	bench_result("intmix", crc);
	return 0;
}
