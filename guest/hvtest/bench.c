/* hvtest.mode=bench: the cost of one hypercall round trip, as the guest sees it (bench/hypercall). Two
 * calls that do almost nothing in the dispatcher, so the time is the trip into the hypervisor and back:
 *   - GetPartitionId in memory form (the output block written to guest RAM);
 *   - GetPartitionId in fast form (the id comes back in a register).
 * Each is made HVTEST_BENCH_CALLS times after a warm-up, timed with the architecture's counter (arm64
 * CNTVCT, RISC-V the time CSR), and reported as
 *   HVTEST-BENCH name=NAME call=memory|fast calls=N ns_per_call=X.Y
 * Every result is checked: a failing call fails the run instead of timing an error path. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define HVTEST_BENCH_CALLS  20000u
#define HVTEST_BENCH_WARMUP 200u
#define NS_PER_MS           1000000u
#define TENTHS              10u

static uint64_t memory_call(void)
{
	return hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
}

static uint64_t fast_call(void)
{
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {0};
	return hypercall_fast(hv_input_value(HVCALL_GET_PARTITION_ID, true, 0, 0), regs);
}

static void measure(const char *kind, uint64_t (*call)(void))
{
	unsigned failures = 0;
	for (unsigned i = 0; i < HVTEST_BENCH_WARMUP; i++)
		failures += call() != HV_STATUS_SUCCESS;
	uint64_t start = now_ticks();
	for (unsigned i = 0; i < HVTEST_BENCH_CALLS; i++)
		failures += call() != HV_STATUS_SUCCESS;
	uint64_t ticks = now_ticks() - start;
	/* tenths of a nanosecond per call: ticks * 10^7 / (ticks per ms * calls) */
	uint64_t tenths = ticks * NS_PER_MS * TENTHS / (ticks_per_ms() * HVTEST_BENCH_CALLS);
	check(failures == 0, "benchmark calls all succeed", "%u of %u calls failed", failures,
	      HVTEST_BENCH_CALLS + HVTEST_BENCH_WARMUP);
	out("HVTEST-BENCH name=%s call=%s calls=%u ns_per_call=%llu.%llu\n", plat.name, kind,
	    HVTEST_BENCH_CALLS, (unsigned long long)(tenths / TENTHS), (unsigned long long)(tenths % TENTHS));
}

void bench_hypercalls(void)
{
	case_group("bench", SCOPE_SHARED);
	measure("memory", memory_call);
	measure("fast", fast_call);
}
