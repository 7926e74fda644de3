/* Memory bandwidth in the style of the STREAM kernels (written for karasu): copy, scale, add and triad
 * over three arrays of 2 Mi doubles (48 MiB, larger than the caches). One unit = one pass of all four. */
#include "bench/rv/bench.h"

#define N (2 * 1024 * 1024)

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 40);
	double *a = malloc(N * sizeof(double)), *b = malloc(N * sizeof(double)),
	       *c = malloc(N * sizeof(double));
	if (!a || !b || !c) {
		fprintf(stderr, "triad: out of memory\n");
		return 1;
	}
	for (long i = 0; i < N; i++) {
		a[i] = 1.0 + (double)(i & 1023);
		b[i] = 2.0;
		c[i] = 0.0;
	}
	const double scalar = 3.0;
	for (long u = 0; u < units; u++) {
		for (long i = 0; i < N; i++)
			c[i] = a[i];
		for (long i = 0; i < N; i++)
			b[i] = scalar * c[i];
		for (long i = 0; i < N; i++)
			c[i] = a[i] + b[i];
		/* a = (b + 3c) / 15 = (3a + 3(a + 3a)) / 15 = a up to rounding: the values stay bounded */
		for (long i = 0; i < N; i++)
			a[i] = (b[i] + scalar * c[i]) * (1.0 / 15.0);
	}
	uint64_t sum = 0;
	for (long i = 0; i < N; i += 97) {
		double v = a[i] + b[i] + c[i];
		sum = sum * 31 + (uint64_t)(v * 1000.0);
	}
	bench_result("triad", sum);
	free(a);
	free(b);
	free(c);
	return 0;
}
