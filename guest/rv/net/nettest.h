/* Shared by the guest/rv/net test programs: checks that print one deterministic line each, a guard
 * against hanging, and an address that is certainly not mapped (for EFAULT checks).
 *
 * Output never contains pids, ports, descriptor numbers or addresses, so that riscv64 runs (karasu-rv,
 * qemu-riscv64) and a native x86-64 build print the same. */
#ifndef NETTEST_H
#define NETTEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int nettest_failures;

/* One line: "ok: what" or "FAIL: what (details)". */
#define CHECK(cond, ...)                    \
	do {                                \
		if (cond) {                 \
			printf("ok: ");     \
		} else {                    \
			printf("FAIL: ");   \
			nettest_failures++; \
		}                           \
		printf(__VA_ARGS__);        \
		printf("\n");               \
		fflush(stdout);             \
	} while (0)

/* A raw syscall's result: -errno or the value (glibc's wrappers would catch some bad pointers first). */
static inline long raw_result(long r)
{
	return r == -1 ? -errno : r;
}

/* The start of a page that was mapped and unmapped again: no access to it can succeed. */
static inline void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	munmap(p, 4096);
	return p;
}

/* Ends the process if it runs longer than seconds (a hang would otherwise only end at the harness's
 * timeout, without a clue). */
static inline void guard_time(unsigned seconds)
{
	alarm(seconds);
}

/* The exit status of a test program: 0 if every check passed. */
static inline int nettest_done(void)
{
	printf("done: %d failures\n", nettest_failures);
	return nettest_failures ? 1 : 0;
}

#endif
