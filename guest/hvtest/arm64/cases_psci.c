/* PSCI from the guest (through the conduit its DTB names): VERSION, FEATURES, and the life of a second vCPU
 * — CPU_ON, it reports in (context id, MPIDR, EL1, its VP index through a hypercall), AFFINITY_INFO,
 * ALREADY_ON, INVALID_PARAMETERS, CPU_OFF, and CPU_ON again. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/mem.h"

#define PSCI_VERSION         0x84000000u
#define PSCI_CPU_OFF         0x84000002u
#define PSCI_CPU_ON64        0xC4000003u
#define PSCI_AFFINITY_INFO64 0xC4000004u
#define PSCI_SYSTEM_OFF      0x84000008u
#define PSCI_FEATURES        0x8400000Au
#define PSCI_UNKNOWN_FN      0x8400001Fu

#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON         (-4)
#define AFFINITY_ON             0
#define AFFINITY_OFF            1

#define MPIDR_AFF_MASK    0xff00ffffffull
#define NO_SUCH_MPIDR     0xfe00ull
#define REPORT_TIMEOUT_MS 3000u

/* Written by the secondary vCPU, read by the boot vCPU (Device memory with the MMU off: no caching). */
static volatile uint64_t sec_context, sec_mpidr, sec_el, sec_vp_index, sec_vp_status;
static volatile uint32_t sec_reports, sec_release;
static volatile int64_t sec_off_result;
static uint8_t sec_in[HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));
static uint8_t sec_out[HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));

void hvtest_secondary_main(uint64_t context);
void hvtest_secondary_main(uint64_t context)
{
	uint64_t mpidr, el;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	k_memcpy(sec_in, &h, sizeof(h));
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	k_memcpy(sec_in + sizeof(h), &name, sizeof(name));
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 0), (uintptr_t)sec_in,
	                       (uintptr_t)sec_out);
	uint64_t vp;
	k_memcpy(&vp, sec_out, sizeof(vp));

	sec_context = context;
	sec_mpidr = mpidr & MPIDR_AFF_MASK;
	sec_el = (el >> 2) & 3;
	sec_vp_index = vp;
	sec_vp_status = r;
	__asm__ volatile("dsb sy" ::: "memory");
	uint32_t me = sec_reports + 1;
	sec_reports = me;
	while (sec_release != me)
		__asm__ volatile("yield");
	sec_off_result = psci_call(PSCI_CPU_OFF, 0, 0, 0);
	/* CPU_OFF does not return on success; if it did, the boot vCPU sees sec_off_result. */
	for (;;)
		__asm__ volatile("wfi");
}

static bool wait_for(volatile uint32_t *counter, uint32_t value, unsigned ms)
{
	uint64_t until = now_ticks() + ms * ticks_per_ms();
	while (*counter != value)
		if (now_ticks() > until)
			return false;
	return true;
}

static bool wait_affinity(uint64_t mpidr, int64_t want, unsigned ms)
{
	uint64_t until = now_ticks() + ms * ticks_per_ms();
	while (psci_call(PSCI_AFFINITY_INFO64, mpidr, 0, 0) != want)
		if (now_ticks() > until)
			return false;
	return true;
}

static void check_psci(const char *what, int64_t got, int64_t want)
{
	check(got == want, what, "got %lld, want %lld", (long long)got, (long long)want);
}

/* One CPU_ON .. report .. CPU_OFF round of vCPU 1. */
static void secondary_round(unsigned round, uint64_t cookie)
{
	uint64_t target = plat.cpu_id[1];
	uint32_t before = sec_reports;
	uint64_t context = (1ull << 32) | cookie; /* stack slot 1 */
	int64_t on = psci_call(PSCI_CPU_ON64, target, (uintptr_t)hvtest_secondary_entry, context);
	check_psci(round == 1 ? "CPU_ON of vCPU 1 -> SUCCESS" : "CPU_ON of vCPU 1 after CPU_OFF -> SUCCESS",
	           on, PSCI_SUCCESS);
	if (on != PSCI_SUCCESS)
		return;
	bool reported = wait_for(&sec_reports, before + 1, REPORT_TIMEOUT_MS);
	check(reported, round == 1 ? "vCPU 1 runs and reports in" : "vCPU 1 runs again and reports in",
	      "no report within %u ms", REPORT_TIMEOUT_MS);
	if (!reported)
		return;
	check(sec_context == context && sec_mpidr == (target & MPIDR_AFF_MASK) && sec_el == 1,
	      "vCPU 1 got its context id in x0, its MPIDR matches the DTB, it runs at EL1",
	      "context %#llx (want %#llx), MPIDR %#llx (want %#llx), EL%llu", (unsigned long long)sec_context,
	      (unsigned long long)context, (unsigned long long)sec_mpidr, (unsigned long long)target,
	      (unsigned long long)sec_el);
	check(sec_vp_status == hv_result_value(0, 1) && sec_vp_index == 1,
	      "a hypercall from vCPU 1 sees VpIndex 1", "result %#llx, VpIndex %llu",
	      (unsigned long long)sec_vp_status, (unsigned long long)sec_vp_index);
	check_psci("AFFINITY_INFO of running vCPU 1 -> ON (0)", psci_call(PSCI_AFFINITY_INFO64, target, 0, 0),
	           AFFINITY_ON);
	if (round == 1) {
		check_psci("CPU_ON of a running vCPU -> ALREADY_ON (-4)",
		           psci_call(PSCI_CPU_ON64, target, (uintptr_t)hvtest_secondary_entry, context),
		           PSCI_ALREADY_ON);
	}
	sec_off_result = 0;
	sec_release = sec_reports;
	bool off = wait_affinity(target, AFFINITY_OFF, REPORT_TIMEOUT_MS);
	check(off, "after CPU_OFF, AFFINITY_INFO of vCPU 1 -> OFF (1)",
	      "still not OFF after %u ms (CPU_OFF -> %lld)", REPORT_TIMEOUT_MS, (long long)sec_off_result);
}

void cases_psci(void)
{
	int64_t v = psci_call(PSCI_VERSION, 0, 0, 0);
	check(v >= 0x10000, "PSCI_VERSION is 1.0 or later", "version %#llx", (unsigned long long)v);
	check_psci("PSCI_FEATURES(CPU_ON) -> supported (0)", psci_call(PSCI_FEATURES, PSCI_CPU_ON64, 0, 0),
	           PSCI_SUCCESS);
	check_psci("PSCI_FEATURES(AFFINITY_INFO) -> supported (0)",
	           psci_call(PSCI_FEATURES, PSCI_AFFINITY_INFO64, 0, 0), PSCI_SUCCESS);
	check_psci("PSCI_FEATURES(SYSTEM_OFF) -> supported (0)",
	           psci_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0), PSCI_SUCCESS);
	check_psci("PSCI_FEATURES(unknown function) -> NOT_SUPPORTED (-1)",
	           psci_call(PSCI_FEATURES, PSCI_UNKNOWN_FN, 0, 0), PSCI_NOT_SUPPORTED);

	uint64_t self;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(self));
	check_psci("AFFINITY_INFO of the calling vCPU -> ON (0)",
	           psci_call(PSCI_AFFINITY_INFO64, self & MPIDR_AFF_MASK, 0, 0), AFFINITY_ON);
	check_psci("CPU_ON of an MPIDR the partition does not have -> INVALID_PARAMETERS (-2)",
	           psci_call(PSCI_CPU_ON64, NO_SUCH_MPIDR, (uintptr_t)hvtest_secondary_entry, 0),
	           PSCI_INVALID_PARAMETERS);

	if (plat.ncpus < 2) {
		check(false, "a second vCPU to start", "the DTB lists %u vCPU (configs/hvtest.cfg gives 2)",
		      plat.ncpus);
		return;
	}
	check_psci("AFFINITY_INFO of vCPU 1 before CPU_ON -> OFF (1)",
	           psci_call(PSCI_AFFINITY_INFO64, plat.cpu_id[1], 0, 0), AFFINITY_OFF);
	secondary_round(1, 0xc0ffee);
	secondary_round(2, 0xbeef);
}
