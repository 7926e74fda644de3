/* Unit tests for hv/arch/arm64/psci.c. Function IDs and return codes are the PSCI specification's numbers,
 * written out literally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "hv/vdev/psci.h"

struct hook_log {
	int starts;
	unsigned start_vcpu;
	uint64_t start_entry, start_ctx;
	int start_ret;
	int stops;
	unsigned stop_vcpu;
	int offs, resets;
};

static struct hook_log hl;

static int h_start(void *ctx, unsigned vcpu, uint64_t entry, uint64_t context)
{
	(void)ctx;
	hl.starts++;
	hl.start_vcpu = vcpu;
	hl.start_entry = entry;
	hl.start_ctx = context;
	return hl.start_ret;
}

static void h_stop(void *ctx, unsigned vcpu)
{
	(void)ctx;
	hl.stops++;
	hl.stop_vcpu = vcpu;
}

static void h_off(void *ctx, unsigned caller)
{
	(void)ctx;
	(void)caller;
	hl.offs++;
}

static void h_reset(void *ctx, unsigned caller)
{
	(void)ctx;
	(void)caller;
	hl.resets++;
}

static struct psci_vm vm;
static const uint64_t mpidrs[4] = {0x0, 0x1, 0x100, 0x101};

static void setup(void)
{
	memset(&hl, 0, sizeof(hl));
	struct psci_hooks hooks = {NULL, h_start, h_stop, h_off, h_reset};
	assert_true(psci_init(&vm, 4, mpidrs, 0, &hooks));
}

/* Calls PSCI from caller; returns x0 as a signed value. */
static int64_t call(unsigned caller, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t regs[4] = {fn, a1, a2, a3};
	assert_int_equal(psci_handle(&vm, caller, regs), PSCI_OUTCOME_RESUME);
	return (int64_t)regs[0];
}

static void test_version_features_migrate(void **state)
{
	(void)state;
	setup();
	assert_int_equal(call(0, 0x84000000, 0, 0, 0), 0x10001);
	assert_int_equal(call(0, 0x84000006, 0, 0, 0), 2);
	/* FEATURES: supported -> 0 (CPU_SUSPEND: flags 0), unknown -> NOT_SUPPORTED (-1). */
	const uint32_t supported[] = {0x84000000, 0x84000001, 0xc4000001, 0x84000002, 0x84000003, 0xc4000003,
	                              0x84000004, 0xc4000004, 0x84000006, 0x84000008, 0x84000009, 0x8400000a};
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		assert_int_equal(call(1, 0x8400000a, supported[i], 0, 0), 0);
	assert_int_equal(call(0, 0x8400000a, 0x84000005, 0, 0), -1); /* MIGRATE */
	assert_int_equal(call(0, 0x8400000a, 0x80000000, 0, 0), -1); /* SMCCC_VERSION: not offered */
	assert_int_equal(call(0, 0x8400000a, 0x8400000c, 0, 0), -1); /* SYSTEM_SUSPEND */
	assert_int_equal(call(0, 0x84000005, 0, 0, 0), -1);          /* MIGRATE itself */
	assert_int_equal(call(0, 0x84000007, 0, 0, 0), -1);          /* MIGRATE_INFO_UP_CPU */
	assert_int_equal(call(0, 0x8400001f, 0, 0, 0), -1);          /* unused PSCI number */
	assert_int_equal(call(0, 0xc4000000, 0, 0, 0), -1);          /* no SMC64 VERSION */
	assert_int_equal(call(0, 0xc4000001, 0, 0, 0), 0);           /* CPU_SUSPEND: immediate wake */
	/* Upper 32 bits of x0 are ignored (SMCCC). */
	assert_int_equal(call(0, 0xffffffff84000000ull, 0, 0, 0), 0x10001);
	/* Not PSCI: hypercalls, other owners, yielding calls, numbers beyond 0x1f. */
	const uint64_t not_psci[] = {0x0,        0x1,        0x86000000, 0x04000000,
	                             0x84000020, 0x84010000, 0x80000000, 0xc5000003};
	for (size_t i = 0; i < sizeof(not_psci) / sizeof(not_psci[0]); i++) {
		uint64_t regs[4] = {not_psci[i], 7, 8, 9};
		assert_int_equal(psci_handle(&vm, 0, regs), PSCI_OUTCOME_NOT_PSCI);
		assert_int_equal(regs[0], not_psci[i]); /* untouched */
	}
	assert_string_equal(psci_function_name(0xc4000003), "CPU_ON");
	assert_string_equal(psci_function_name(0x12345), "unknown");
}

static void test_cpu_on_states(void **state)
{
	(void)state;
	setup();
	assert_int_equal(psci_vcpu_state(&vm, 0), PSCI_STATE_ON);
	assert_int_equal(psci_vcpu_state(&vm, 3), PSCI_STATE_OFF);
	/* AFFINITY_INFO: 0 ON, 1 OFF, 2 ON_PENDING. */
	assert_int_equal(call(0, 0xc4000004, 0x0, 0, 0), 0);
	assert_int_equal(call(0, 0xc4000004, 0x101, 0, 0), 1);
	/* CPU_ON vCPU 3 (MPIDR 0x101) from vCPU 0: the TARGET goes ON_PENDING, the caller stays ON. */
	assert_int_equal(call(0, 0xc4000003, 0x101, 0x40080000, 0x1234), 0);
	assert_int_equal(hl.starts, 1);
	assert_int_equal(hl.start_vcpu, 3);
	assert_int_equal(hl.start_entry, 0x40080000);
	assert_int_equal(hl.start_ctx, 0x1234);
	assert_int_equal(psci_vcpu_state(&vm, 3), PSCI_STATE_ON_PENDING);
	assert_int_equal(psci_vcpu_state(&vm, 0), PSCI_STATE_ON);
	assert_int_equal(call(1, 0x84000004, 0x101, 0, 0), 2);
	/* A second CPU_ON while pending: ON_PENDING (-5); no second start. */
	assert_int_equal(call(0, 0xc4000003, 0x101, 0x40080000, 0), -5);
	assert_int_equal(hl.starts, 1);
	psci_vcpu_started(&vm, 3);
	assert_int_equal(psci_vcpu_state(&vm, 3), PSCI_STATE_ON);
	assert_int_equal(call(1, 0x84000004, 0x101, 0, 0), 0);
	/* Now ALREADY_ON (-4), also for the boot vCPU. */
	assert_int_equal(call(3, 0xc4000003, 0x101, 0x40080000, 0), -4);
	assert_int_equal(call(3, 0xc4000003, 0x0, 0x40080000, 0), -4);
	/* Bad MPIDRs: INVALID_PARAMETERS (-2). */
	assert_int_equal(call(0, 0xc4000003, 0x2, 0x40080000, 0), -2);
	assert_int_equal(call(0, 0xc4000003, 0x80000000ull | 0x1, 0x40080000, 0), -2); /* non-affinity bit */
	assert_int_equal(call(0, 0xc4000004, 0x7, 0, 0), -2);
	assert_int_equal(call(0, 0xc4000004, 0x0, 1, 0), -2); /* affinity level 1 not supported */
	/* psci_vcpu_started outside ON_PENDING does nothing. */
	psci_vcpu_started(&vm, 1);
	assert_int_equal(psci_vcpu_state(&vm, 1), PSCI_STATE_OFF);
}

static void test_cpu_on_smc32_and_failures(void **state)
{
	(void)state;
	setup();
	/* SMC32 CPU_ON: arguments truncated to 32 bits. */
	assert_int_equal(
	    call(0, 0x84000003, 0xffffffff00000100ull, 0xabcd000040000000ull, 0x1111222233334444ull), 0);
	assert_int_equal(hl.start_vcpu, 2);
	assert_int_equal(hl.start_entry, 0x40000000);
	assert_int_equal(hl.start_ctx, 0x33334444);
	/* The start hook refuses the entry: INVALID_ADDRESS (-9), target back to OFF. */
	hl.start_ret = -9;
	assert_int_equal(call(0, 0xc4000003, 0x1, 0x1, 0), -9);
	assert_int_equal(psci_vcpu_state(&vm, 1), PSCI_STATE_OFF);
	/* Other failures become INTERNAL_FAILURE (-6). */
	hl.start_ret = 42;
	assert_int_equal(call(0, 0xc4000003, 0x1, 0x40000000, 0), -6);
	assert_int_equal(psci_vcpu_state(&vm, 1), PSCI_STATE_OFF);
	hl.start_ret = 0;
	assert_int_equal(call(0, 0xc4000003, 0x1, 0x40000000, 0), 0);
	/* A caller index outside the VM gets INTERNAL_FAILURE rather than touching memory. */
	assert_int_equal(call(9, 0x84000000, 0, 0, 0), -6);
}

static void test_cpu_off_and_system(void **state)
{
	(void)state;
	setup();
	assert_int_equal(call(0, 0xc4000003, 0x1, 0x40000000, 0), 0);
	psci_vcpu_started(&vm, 1);
	/* CPU_OFF from vCPU 1 turns off vCPU 1 only. */
	uint64_t regs[4] = {0x84000002, 0, 0, 0};
	assert_int_equal(psci_handle(&vm, 1, regs), PSCI_OUTCOME_STOPPED);
	assert_int_equal(hl.stops, 1);
	assert_int_equal(hl.stop_vcpu, 1);
	assert_int_equal(psci_vcpu_state(&vm, 1), PSCI_STATE_OFF);
	assert_int_equal(psci_vcpu_state(&vm, 0), PSCI_STATE_ON);
	assert_int_equal(call(0, 0xc4000004, 0x1, 0, 0), 1);
	/* And it can be started again. */
	assert_int_equal(call(0, 0xc4000003, 0x1, 0x40000000, 0), 0);
	assert_int_equal(hl.starts, 2);
	/* SYSTEM_OFF / SYSTEM_RESET. */
	regs[0] = 0x84000008;
	assert_int_equal(psci_handle(&vm, 0, regs), PSCI_OUTCOME_STOPPED);
	assert_int_equal(hl.offs, 1);
	regs[0] = 0x84000009;
	assert_int_equal(psci_handle(&vm, 2, regs), PSCI_OUTCOME_STOPPED);
	assert_int_equal(hl.resets, 1);
}

static void test_init_args(void **state)
{
	(void)state;
	struct psci_hooks hooks = {NULL, h_start, h_stop, h_off, NULL};
	assert_false(psci_init(&vm, 2, NULL, 0, &hooks));
	hooks.system_reset = h_reset;
	assert_false(psci_init(&vm, 0, NULL, 0, &hooks));
	assert_false(psci_init(&vm, PSCI_MAX_VCPUS + 1, NULL, 0, &hooks));
	assert_false(psci_init(&vm, 2, NULL, 2, &hooks));
	assert_true(psci_init(&vm, 2, NULL, 1, &hooks));
	assert_int_equal(psci_vcpu_state(&vm, 1), PSCI_STATE_ON);
	assert_int_equal(psci_vcpu_state(&vm, 0), PSCI_STATE_OFF);
	assert_int_equal(psci_vcpu_state(&vm, 7), PSCI_STATE_OFF);
	assert_int_equal(psci_vcpu_by_mpidr(&vm, 1), 1);
	assert_int_equal(psci_vcpu_by_mpidr(&vm, 2), -1);
}

/* Several PEs racing CPU_ON for the same target: exactly one wins, the start hook runs once. */
static int race_starts;
static int race_results[4];
static pthread_barrier_t race_barrier;

static int h_start_counting(void *ctx, unsigned vcpu, uint64_t entry, uint64_t context)
{
	(void)ctx;
	(void)vcpu;
	(void)entry;
	(void)context;
	__atomic_fetch_add(&race_starts, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void *race_thread(void *arg)
{
	unsigned caller = (unsigned)(uintptr_t)arg;
	uint64_t regs[4] = {0xc4000003, 0x101, 0x40000000, 0};
	pthread_barrier_wait(&race_barrier);
	psci_handle(&vm, caller, regs);
	race_results[caller] = (int)(int64_t)regs[0];
	return NULL;
}

static void test_cpu_on_race(void **state)
{
	(void)state;
	struct psci_hooks hooks = {NULL, h_start_counting, h_stop, h_off, h_reset};
	for (int round = 0; round < 200; round++) {
		assert_true(psci_init(&vm, 4, mpidrs, 0, &hooks));
		race_starts = 0;
		pthread_barrier_init(&race_barrier, NULL, 3);
		pthread_t t[3];
		for (unsigned i = 0; i < 3; i++)
			assert_int_equal(pthread_create(&t[i], NULL, race_thread, (void *)(uintptr_t)i), 0);
		for (unsigned i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&race_barrier);
		int wins = 0;
		for (unsigned i = 0; i < 3; i++) {
			if (race_results[i] == 0)
				wins++;
			else
				assert_true(race_results[i] == -4 || race_results[i] == -5);
		}
		assert_int_equal(wins, 1);
		assert_int_equal(race_starts, 1);
		assert_int_equal(psci_vcpu_state(&vm, 3), PSCI_STATE_ON_PENDING);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_version_features_migrate),
	    cmocka_unit_test(test_cpu_on_states),
	    cmocka_unit_test(test_cpu_on_smc32_and_failures),
	    cmocka_unit_test(test_cpu_off_and_system),
	    cmocka_unit_test(test_init_args),
	    cmocka_unit_test(test_cpu_on_race),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
