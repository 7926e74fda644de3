/* Random choices for the system-mode fuzzer, on rv_gen's splitmix64 state (the same on every host). */
#ifndef KARASU_TESTS_FUZZ_SYS_RANDOM_H
#define KARASU_TESTS_FUZZ_SYS_RANDOM_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/fuzz/rv_gen.h"

/* 0 .. n-1 */
static inline unsigned sys_pick(uint64_t *seed, unsigned n)
{
	return (unsigned)(rv_gen_random(seed) % n);
}

/* true with probability percent / 100 */
static inline bool sys_chance(uint64_t *seed, unsigned percent)
{
	return sys_pick(seed, 100) < percent;
}

static inline uint64_t sys_random(uint64_t *seed)
{
	return rv_gen_random(seed);
}

#endif
