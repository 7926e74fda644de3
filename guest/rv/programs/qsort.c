/* qsort and bsearch over 200000 pseudo-random integers and a few strings; prints checksums. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 200000

static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void)
{
	static int v[N];
	uint64_t s = 88172645463325252ull;
	for (int i = 0; i < N; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		v[i] = (int)(s % 2000001) - 1000000;
	}
	qsort(v, N, sizeof(v[0]), compare_int);
	int sorted = 1;
	uint64_t sum = 0;
	for (int i = 0; i < N; i++) {
		if (i && v[i - 1] > v[i])
			sorted = 0;
		sum = sum * 31 + (uint32_t)v[i];
	}
	printf("sorted %d min %d max %d median %d hash %016llx\n", sorted, v[0], v[N - 1], v[N / 2],
	       (unsigned long long)sum);
	int found = 0;
	for (int k = -1000000; k <= 1000000; k += 997)
		found += bsearch(&k, v, N, sizeof(v[0]), compare_int) != NULL;
	printf("bsearch found %d keys\n", found);

	const char *words[] = {"risc",   "five", "karasu", "crow",  "jit",
	                       "interp", "qemu", "elf",    "zicsr", "atomic"};
	qsort(words, 10, sizeof(words[0]), compare_str);
	for (int i = 0; i < 10; i++)
		printf("%s%c", words[i], i == 9 ? '\n' : ' ');
	return !sorted;
}
