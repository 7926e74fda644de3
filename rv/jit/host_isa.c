/* Host CPU feature detection for the translator (see host_isa.h). */
#include "rv/jit/host_isa.h"

#include <cpuid.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* CPUID leaves and the feature bits read from them (Intel SDM vol. 2, CPUID; AMD APM vol. 3, E.3). */
#define CPUID_LEAF_FEATURES    1u
#define CPUID_1_ECX_POPCNT     (1u << 23)
#define CPUID_LEAF_EXTENDED    7u
#define CPUID_7_EBX_BMI1       (1u << 3)
#define CPUID_7_EBX_BMI2       (1u << 8)
#define CPUID_LEAF_EXT_FEATURE 0x80000001u
#define CPUID_80000001_ECX_ABM (1u << 5) /* LZCNT */

static struct jit_host_isa detected;
static pthread_once_t detect_once = PTHREAD_ONCE_INIT;
static _Atomic(const struct jit_host_isa *) override;

static void detect(void)
{
	const char *baseline = getenv(JIT_BASELINE_X86_ENV);
	if (baseline && *baseline && strcmp(baseline, "0") != 0)
		return; /* everything stays false */
	unsigned a, b, c, d;
	/* __get_cpuid* return 0 when the leaf is above the CPU's maximum: the features are then absent */
	if (__get_cpuid(CPUID_LEAF_FEATURES, &a, &b, &c, &d))
		detected.popcnt = (c & CPUID_1_ECX_POPCNT) != 0;
	if (__get_cpuid_count(CPUID_LEAF_EXTENDED, 0, &a, &b, &c, &d)) {
		detected.bmi1 = (b & CPUID_7_EBX_BMI1) != 0;
		detected.bmi2 = (b & CPUID_7_EBX_BMI2) != 0;
	}
	if (__get_cpuid(CPUID_LEAF_EXT_FEATURE, &a, &b, &c, &d))
		detected.lzcnt = (c & CPUID_80000001_ECX_ABM) != 0;
}

const struct jit_host_isa *jit_host_isa(void)
{
	const struct jit_host_isa *o = atomic_load_explicit(&override, memory_order_acquire);
	if (o)
		return o;
	pthread_once(&detect_once, detect);
	return &detected;
}

void jit_host_isa_override(const struct jit_host_isa *isa)
{
	atomic_store_explicit(&override, isa, memory_order_release);
}
