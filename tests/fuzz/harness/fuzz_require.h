/* Shared by the libFuzzer harnesses (tests/fuzz/harness/NAME.c): REQUIRE(cond, fmt, ...) checks an invariant
 * of the code under test and, when it does not hold, prints what was expected and aborts, which libFuzzer
 * reports as a crash and saves the input. Harness-only code (not linked into karasu): it may use libc. */
#ifndef KARASU_TESTS_FUZZ_HARNESS_FUZZ_REQUIRE_H
#define KARASU_TESTS_FUZZ_HARNESS_FUZZ_REQUIRE_H

#include <stdio.h>
#include <stdlib.h>

#define REQUIRE(cond, ...)                                                                           \
	do {                                                                                         \
		if (!(cond)) {                                                                       \
			fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                                \
			fputc('\n', stderr);                                                         \
			abort();                                                                     \
		}                                                                                    \
	} while (0)

#endif
