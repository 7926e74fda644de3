/* SBI HSM (the RISC-V counterpart of arm64's PSCI group; SBI specification 2.0 chapter 9): hart_get_status,
 * hart ids the machine does not have, and the life of a second hart — hart_start, it reports in (a0 = its hart
 * id, a1 = the opaque value, satp = 0, sstatus.SIE = 0, its VP index through a hypercall), ALREADY_AVAILABLE,
 * hart_stop, and hart_start again. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/mem.h"

#define NO_SUCH_HART      99u
#define REPORT_TIMEOUT_MS 3000u

/* Written by the secondary hart, read by the boot hart. */
static volatile uint64_t sec_hartid, sec_opaque, sec_satp, sec_sstatus, sec_vp_index, sec_vp_status;
static volatile uint32_t sec_reports, sec_release;
static volatile int64_t sec_stop_result;
static uint8_t sec_in[HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));
static uint8_t sec_out[HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));

static struct sbiret hsm(uint64_t fid, uint64_t hart, uint64_t addr, uint64_t opaque)
{
	return sbi_call(SBI_EXT_HSM, fid, hart, addr, opaque, 0);
}

void hvtest_secondary_main(uint64_t hartid, uint64_t opaque);
void hvtest_secondary_main(uint64_t hartid, uint64_t opaque)
{
	uint64_t satp = csr_read(satp), sstatus = csr_read(sstatus);
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	k_memcpy(sec_in, &h, sizeof(h));
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	k_memcpy(sec_in + sizeof(h), &name, sizeof(name));
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 0), (uintptr_t)sec_in,
	                       (uintptr_t)sec_out);
	uint64_t vp;
	k_memcpy(&vp, sec_out, sizeof(vp));

	sec_hartid = hartid;
	sec_opaque = opaque;
	sec_satp = satp;
	sec_sstatus = sstatus;
	sec_vp_index = vp;
	sec_vp_status = r;
	memory_barrier();
	uint32_t me = sec_reports + 1;
	sec_reports = me;
	while (sec_release != me)
		cpu_relax();
	sec_stop_result = hsm(SBI_HSM_HART_STOP, 0, 0, 0).error;
	/* hart_stop does not return on success; if it did, the boot hart sees sec_stop_result. */
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

static bool wait_status(uint64_t hart, int64_t want, unsigned ms)
{
	uint64_t until = now_ticks() + ms * ticks_per_ms();
	for (;;) {
		struct sbiret r = hsm(SBI_HSM_HART_GET_STATUS, hart, 0, 0);
		if (r.error == SBI_SUCCESS && (int64_t)r.value == want)
			return true;
		if (now_ticks() > until)
			return false;
	}
}

static void check_sbi(const char *what, struct sbiret r, int64_t want)
{
	check(r.error == want, what, "error %lld, want %lld", (long long)r.error, (long long)want);
}

static void check_status(const char *what, uint64_t hart, int64_t want)
{
	struct sbiret r = hsm(SBI_HSM_HART_GET_STATUS, hart, 0, 0);
	check(r.error == SBI_SUCCESS && (int64_t)r.value == want, what, "error %lld, status %lld (want %lld)",
	      (long long)r.error, (long long)r.value, (long long)want);
}

/* The DTB index of the first hart that is not the boot hart (hart 1 on karasu-rv). */
static unsigned other_hart(void)
{
	for (unsigned i = 0; i < plat.ncpus; i++)
		if (plat.cpu_id[i] != hvtest_boot_hart)
			return i;
	return 0;
}

/* One hart_start .. report .. hart_stop round of the second hart. */
static void secondary_round(unsigned round, uint64_t cookie)
{
	unsigned other = other_hart();
	uint64_t target = plat.cpu_id[other];
	uint32_t before = sec_reports;
	uint64_t opaque = (0ull << 32) | cookie; /* stack slot 0 */
	struct sbiret on = hsm(SBI_HSM_HART_START, target, (uintptr_t)hvtest_secondary_entry, opaque);
	check_sbi(round == 1 ? "HSM hart_start of the second hart -> SUCCESS"
	                     : "HSM hart_start of the second hart after hart_stop -> SUCCESS",
	          on, SBI_SUCCESS);
	if (on.error != SBI_SUCCESS)
		return;
	bool reported = wait_for(&sec_reports, before + 1, REPORT_TIMEOUT_MS);
	check(reported,
	      round == 1 ? "the second hart runs and reports in"
	                 : "the second hart runs again and reports in",
	      "no report within %u ms", REPORT_TIMEOUT_MS);
	if (!reported)
		return;
	check(sec_hartid == target && sec_opaque == opaque && sec_satp == 0 && !(sec_sstatus & SSTATUS_SIE),
	      "the second hart got a0 = its hart id, a1 = the opaque value, satp = 0, sstatus.SIE = 0",
	      "a0 %llu (want %llu), a1 %#llx (want %#llx), satp %#llx, sstatus %#llx",
	      (unsigned long long)sec_hartid, (unsigned long long)target, (unsigned long long)sec_opaque,
	      (unsigned long long)opaque, (unsigned long long)sec_satp, (unsigned long long)sec_sstatus);
	case_group("hsm.karasu", SCOPE_ARCH);
	check(sec_vp_status == hv_result_value(0, 1) && sec_vp_index == other,
	      "a hypercall from the second hart sees its VpIndex (its place in the DTB)",
	      "result %#llx, VpIndex %llu", (unsigned long long)sec_vp_status,
	      (unsigned long long)sec_vp_index);
	case_group("hsm", SCOPE_ARCH);
	check_status("HSM hart_get_status of the running second hart -> STARTED (0)", target,
	             SBI_HSM_STARTED);
	if (round == 1)
		check_sbi("HSM hart_start of a running hart -> SBI_ERR_ALREADY_AVAILABLE (-6)",
		          hsm(SBI_HSM_HART_START, target, (uintptr_t)hvtest_secondary_entry, opaque),
		          SBI_ERR_ALREADY_AVAILABLE);
	sec_stop_result = 0;
	sec_release = sec_reports;
	bool stopped = wait_status(target, SBI_HSM_STOPPED, REPORT_TIMEOUT_MS);
	check(stopped, "after hart_stop, hart_get_status of the second hart -> STOPPED (1)",
	      "still not STOPPED after %u ms (hart_stop -> %lld)", REPORT_TIMEOUT_MS,
	      (long long)sec_stop_result);
}

void cases_hsm(void)
{
	check_status("HSM hart_get_status of the calling hart -> STARTED (0)", hvtest_boot_hart,
	             SBI_HSM_STARTED);
	check_sbi("HSM hart_get_status of a hart the machine does not have -> SBI_ERR_INVALID_PARAM",
	          hsm(SBI_HSM_HART_GET_STATUS, NO_SUCH_HART, 0, 0), SBI_ERR_INVALID_PARAM);
	check_sbi("HSM hart_start of a hart the machine does not have -> SBI_ERR_INVALID_PARAM",
	          hsm(SBI_HSM_HART_START, NO_SUCH_HART, (uintptr_t)hvtest_secondary_entry, 0),
	          SBI_ERR_INVALID_PARAM);
	check_sbi("HSM hart_start of the calling hart -> SBI_ERR_ALREADY_AVAILABLE (-6)",
	          hsm(SBI_HSM_HART_START, hvtest_boot_hart, (uintptr_t)hvtest_secondary_entry, 0),
	          SBI_ERR_ALREADY_AVAILABLE);

	if (plat.ncpus < 2) {
		check(false, "a second hart to start", "the DTB lists %u hart (run with -smp 2)", plat.ncpus);
		return;
	}
	unsigned other = other_hart();
	check_status("HSM hart_get_status of the second hart before hart_start -> STOPPED (1)",
	             plat.cpu_id[other], SBI_HSM_STOPPED);
	secondary_round(1, 0xc0ffee);
	secondary_round(2, 0xbeef);
}
