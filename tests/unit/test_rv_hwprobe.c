/* riscv_hwprobe as karasu-rv answers it (rv/user/sys_hwprobe.c), on host copies. The expected numbers are
 * Linux's uapi (arch/riscv/include/uapi/asm/hwprobe.h, Documentation/arch/riscv/hwprobe.rst), written here
 * as numbers: key 3 BASE_BEHAVIOR (bit 0 IMA), key 4 IMA_EXT_0 (bit 0 FD, 1 C, 2 V, 3 ZBA, 4 ZBB, 5 ZBS,
 * 6 ZICBOZ, 35 ZICOND, 43 ZCA, 44 ZCB, 45 ZCD), key 5 CPUPERF_0, 6 ZICBOZ_BLOCK_SIZE, 7
 * HIGHEST_VIRT_ADDRESS, 8 TIME_CSR_FREQ, 9 MISALIGNED_SCALAR_PERF (0 = unknown); flag bit 0 WHICH_CPUS;
 * unknown keys come back as key -1, value 0. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rv/user/sys_hwprobe.h"

#define TOP_VA     0x3fffffffffull /* what the caller passes as the highest guest address */
#define N_ONLINE   4u
#define EXT_ZBA    (1ull << 3)
#define EXT_ZBB    (1ull << 4)
#define EXT_ZBS    (1ull << 5)
#define EXT_ZICOND (1ull << 35)

static void test_values(void **state)
{
	(void)state;
	struct rv_hwprobe_pair p[] = {{0, 7}, {1, 7}, {2, 7}, {3, 7},  {4, 7},  {5, 7},   {6, 7},
	                              {7, 7}, {8, 7}, {9, 7}, {10, 7}, {-5, 7}, {1000, 7}};
	assert_int_equal(rv_hwprobe(p, 13, NULL, 0, false, 0, N_ONLINE, TOP_VA), 0);
	/* IMA_EXT_0: FD | C | ZBA | ZBB | ZBS | ZICOND | ZCA | ZCD */
	static const uint64_t want[] = {0, 0, 0, 1, 0x28080000003bull, 0, 0, TOP_VA, 10000000, 0};
	for (int i = 0; i < 10; i++) {
		assert_int_equal(p[i].key, i);
		assert_int_equal(p[i].value, want[i]);
	}
	for (int i = 10; i < 13; i++) { /* keys karasu-rv does not know */
		assert_int_equal(p[i].key, -1);
		assert_int_equal(p[i].value, 0);
	}
	/* the four extensions, F/D and C, and nothing else (no V, no Zicboz, no Zcb) */
	assert_true((p[4].value & (EXT_ZBA | EXT_ZBB | EXT_ZBS | EXT_ZICOND)) ==
	            (EXT_ZBA | EXT_ZBB | EXT_ZBS | EXT_ZICOND));
	assert_int_equal(p[4].value & (1ull << 2 | 1ull << 6 | 1ull << 44), 0);
}

static void test_cpu_sets(void **state)
{
	(void)state;
	struct rv_hwprobe_pair p = {4, 0};
	uint8_t set[16] = {0};
	/* a set with an online CPU: the same answer */
	set[0] = 0x4;
	assert_int_equal(rv_hwprobe(&p, 1, set, sizeof(set), true, 0, N_ONLINE, TOP_VA), 0);
	assert_int_equal(p.value, 0x28080000003bull);
	/* only offline CPUs, an empty set, a size of 0 with a set: EINVAL */
	memset(set, 0, sizeof(set));
	set[1] = 0x80;
	assert_int_equal(rv_hwprobe(&p, 1, set, sizeof(set), true, 0, N_ONLINE, TOP_VA), -EINVAL);
	memset(set, 0, sizeof(set));
	assert_int_equal(rv_hwprobe(&p, 1, set, sizeof(set), true, 0, N_ONLINE, TOP_VA), -EINVAL);
	assert_int_equal(rv_hwprobe(&p, 1, set, 0, true, 0, N_ONLINE, TOP_VA), -EINVAL);
	/* flags other than WHICH_CPUS */
	assert_int_equal(rv_hwprobe(&p, 1, NULL, 0, false, 2, N_ONLINE, TOP_VA), -EINVAL);
	assert_int_equal(rv_hwprobe(&p, 1, NULL, 0, false, 0x80000000u, N_ONLINE, TOP_VA), -EINVAL);
}

static void test_which_cpus(void **state)
{
	(void)state;
	uint8_t set[16];
	/* an empty set means every online CPU; asking for a subset of IMA_EXT_0 keeps them all */
	struct rv_hwprobe_pair p[2] = {{4, EXT_ZBA | EXT_ZBB | EXT_ZBS | EXT_ZICOND}, {3, 1}};
	memset(set, 0, sizeof(set));
	assert_int_equal(rv_hwprobe(p, 2, set, sizeof(set), true, 1, N_ONLINE, TOP_VA), 0);
	assert_int_equal(set[0], 0x0f);
	for (size_t i = 1; i < sizeof(set); i++)
		assert_int_equal(set[i], 0);
	/* a given set is limited to the online CPUs */
	memset(set, 0, sizeof(set));
	set[0] = 0x32;
	assert_int_equal(rv_hwprobe(p, 1, set, sizeof(set), true, 1, N_ONLINE, TOP_VA), 0);
	assert_int_equal(set[0], 0x02);
	/* V is not there: no CPU matches */
	struct rv_hwprobe_pair v = {4, 1ull << 2};
	memset(set, 0, sizeof(set));
	assert_int_equal(rv_hwprobe(&v, 1, set, sizeof(set), true, 1, N_ONLINE, TOP_VA), 0);
	assert_int_equal(set[0], 0);
	/* value-like keys must be equal */
	struct rv_hwprobe_pair freq = {8, 10000000}, other = {8, 1000000};
	memset(set, 0, sizeof(set));
	assert_int_equal(rv_hwprobe(&freq, 1, set, sizeof(set), true, 1, N_ONLINE, TOP_VA), 0);
	assert_int_equal(set[0], 0x0f);
	memset(set, 0, sizeof(set));
	assert_int_equal(rv_hwprobe(&other, 1, set, sizeof(set), true, 1, N_ONLINE, TOP_VA), 0);
	assert_int_equal(set[0], 0);
	/* an unknown key empties the set and comes back as -1/0 */
	struct rv_hwprobe_pair unknown[2] = {{4, EXT_ZBB}, {77, 5}};
	memset(set, 0, sizeof(set));
	assert_int_equal(rv_hwprobe(unknown, 2, set, sizeof(set), true, 1, N_ONLINE, TOP_VA), 0);
	assert_int_equal(set[0], 0);
	assert_int_equal(unknown[1].key, -1);
	assert_int_equal(unknown[1].value, 0);
	/* the flag needs a set */
	assert_int_equal(rv_hwprobe(p, 1, NULL, 0, false, 1, N_ONLINE, TOP_VA), -EINVAL);
	assert_int_equal(rv_hwprobe(p, 1, set, 0, true, 1, N_ONLINE, TOP_VA), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_cpu_sets),
	    cmocka_unit_test(test_which_cpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
