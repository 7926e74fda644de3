/* Shared helpers of the karasu-rv benchmark workloads: the work size from argv[1] and a checksum line.
 * Every workload is deterministic and prints `NAME checksum HEX` so that the native, qemu-riscv64 and
 * karasu-rv runs can be compared. Built for x86-64 and riscv64 with -ffp-contract=off so that the FP
 * workloads round identically on both. */
#ifndef KARASU_BENCH_RV_BENCH_H
#define KARASU_BENCH_RV_BENCH_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Work units: argv[1] if given (a positive integer), else the default (about 0.3-0.5 s natively; run.sh
 * passes its own sizes). */
static inline long bench_units(int argc, char **argv, long default_units)
{
	if (argc > 1) {
		long n = strtol(argv[1], NULL, 0);
		if (n > 0)
			return n;
		fprintf(stderr, "usage: %s [UNITS]   (UNITS > 0, default %ld)\n", argv[0], default_units);
		exit(2);
	}
	return default_units;
}

static inline void bench_result(const char *name, uint64_t checksum)
{
	printf("%s checksum %016" PRIx64 "\n", name, checksum);
}

/* xorshift64: a fixed, portable pseudo-random sequence. */
static inline uint64_t bench_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif
