/* SBI calls from a hostile guest (the RISC-V counterpart of arm64's hostile PSCI group; SBI specification 2.0):
 * a hart_start/hart_stop storm of the second hart, hart ids the machine does not have, hart masks naming absent
 * harts (IPI, RFENCE), reserved suspend types; and in "hostile.sbi.karasu" start addresses outside RAM and
 * debug-console buffers outside RAM or of absurd size. Every call must answer an SBI error; the machine must
 * stay usable. The last case (SRST shutdown with a reserved reset reason) would switch the machine off if the
 * SBI got it wrong, so it comes last in the hostile run. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define SBI_EXT_IPI              0x735049u
#define SBI_EXT_RFENCE           0x52464e43u
#define SBI_EXT_DBCN             0x4442434eu
#define SBI_IPI_SEND             0u
#define SBI_RFENCE_SFENCE_VMA    1u
#define SBI_HSM_HART_SUSPEND     3u
#define SBI_DBCN_WRITE           0u
#define SBI_BASE_PROBE_EXTENSION 3u
#define SUSPEND_RESERVED         0x00000001u /* 0x00000001..0x0FFFFFFF are reserved */
#define RESET_REASON_RESERVED    0x2u        /* 0x2..0xDFFFFFFF are reserved */
#define STORM_ROUNDS             200u
#define WAIT_MS                  3000u

volatile uint32_t hsm_storm_starts;

static uint64_t other_hart(void)
{
	for (unsigned i = 0; i < plat.ncpus; i++)
		if (plat.cpu_id[i] != hvtest_boot_hart)
			return plat.cpu_id[i];
	return hvtest_boot_hart;
}

static void check_sbi(const char *what, struct sbiret r, int64_t want)
{
	check(r.error == want, what, "error %lld, want %lld", (long long)r.error, (long long)want);
}

static struct sbiret hsm(uint64_t fid, uint64_t hart, uint64_t addr, uint64_t opaque)
{
	return sbi_call(SBI_EXT_HSM, fid, hart, addr, opaque, 0);
}

static bool wait_stopped(uint64_t hart)
{
	uint64_t until = now_ticks() + WAIT_MS * ticks_per_ms();
	for (;;) {
		struct sbiret r = hsm(SBI_HSM_HART_GET_STATUS, hart, 0, 0);
		if (r.error == SBI_SUCCESS && r.value == SBI_HSM_STOPPED)
			return true;
		if (now_ticks() > until)
			return false;
	}
}

static void absent_harts(void)
{
	static const struct {
		uint64_t hart;
		const char *start, *status;
	} bad[] = {
	    {99, "HSM hart_start of hart 99 -> SBI_ERR_INVALID_PARAM",
	     "HSM hart_get_status of hart 99 -> SBI_ERR_INVALID_PARAM"},
	    {(1ull << 32) | 1,
	     "HSM hart_start of hart 2^32 + 1 (hart 1 with high bits) -> SBI_ERR_INVALID_PARAM",
	     "HSM hart_get_status of hart 2^32 + 1 -> SBI_ERR_INVALID_PARAM"},
	    {~0ull, "HSM hart_start of hart -1 -> SBI_ERR_INVALID_PARAM",
	     "HSM hart_get_status of hart -1 -> SBI_ERR_INVALID_PARAM"},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_sbi(bad[i].start, hsm(SBI_HSM_HART_START, bad[i].hart, (uintptr_t)hsm_storm_entry, 0),
		          SBI_ERR_INVALID_PARAM);
		check_sbi(bad[i].status, hsm(SBI_HSM_HART_GET_STATUS, bad[i].hart, 0, 0),
		          SBI_ERR_INVALID_PARAM);
	}
}

static void bad_start_addresses(void)
{
	uint64_t t = other_hart();
	static const char *const what[] = {
	    "HSM hart_start at the first byte past RAM -> SBI_ERR_INVALID_ADDRESS",
	    "HSM hart_start at the UART -> SBI_ERR_INVALID_ADDRESS",
	    "HSM hart_start just below RAM -> SBI_ERR_INVALID_ADDRESS",
	    "HSM hart_start at 0xffffffffffff0000 -> SBI_ERR_INVALID_ADDRESS",
	};
	uint64_t addr[] = {plat.ram_base + plat.ram_size, plat.uart_base, plat.ram_base - 4,
	                   0xffffffffffff0000ull};
	for (unsigned i = 0; i < 4; i++)
		check_sbi(what[i], hsm(SBI_HSM_HART_START, t, addr[i], 0), SBI_ERR_INVALID_ADDRESS);
	struct sbiret st = hsm(SBI_HSM_HART_GET_STATUS, t, 0, 0);
	check(st.error == SBI_SUCCESS && st.value == SBI_HSM_STOPPED,
	      "the second hart is still STOPPED after the refused hart_starts", "error %lld, status %llu",
	      (long long)st.error, (unsigned long long)st.value);
}

/* hart_start racing the hart's own hart_stop (start.S hsm_storm_entry counts itself and stops). */
static void storm(void)
{
	uint64_t t = other_hart();
	uint32_t before = hsm_storm_starts;
	unsigned ok = 0, busy = 0, other = 0;
	int64_t odd = 0;
	for (unsigned i = 0; i < STORM_ROUNDS; i++) {
		struct sbiret r = hsm(SBI_HSM_HART_START, t, (uintptr_t)hsm_storm_entry, i);
		if (r.error == SBI_SUCCESS)
			ok++;
		else if (r.error == SBI_ERR_ALREADY_AVAILABLE)
			busy++;
		else {
			other++;
			odd = r.error;
		}
	}
	bool stopped = wait_stopped(t);
	uint32_t starts = hsm_storm_starts - before;
	check(other == 0 && ok > 0 && stopped,
	      "hart_start storm (200 calls racing the hart's hart_stop): only SUCCESS/ALREADY_AVAILABLE, the "
	      "hart "
	      "ends STOPPED",
	      "%u SUCCESS, %u busy, %u other (last %lld), STOPPED at the end: %s", ok, busy, other,
	      (long long)odd, stopped ? "yes" : "no");
	check(starts == ok, "every successful hart_start of the storm started the hart exactly once",
	      "%u successful hart_start, %u starts seen", ok, starts);
}

static void hart_masks(void)
{
	check_sbi("sbi_send_ipi with hart_mask_base 99 -> SBI_ERR_INVALID_PARAM",
	          sbi_call(SBI_EXT_IPI, SBI_IPI_SEND, 1, 99, 0, 0), SBI_ERR_INVALID_PARAM);
	check_sbi("remote_sfence_vma with hart_mask_base 99 -> SBI_ERR_INVALID_PARAM",
	          sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, 1, 99, 0, 0), SBI_ERR_INVALID_PARAM);
	uint64_t absent = 1ull << plat.ncpus; /* the hart after the last one */
	check_sbi(
	    "sbi_send_ipi with a hart_mask naming a hart the machine does not have -> SBI_ERR_INVALID_PARAM",
	    sbi_call(SBI_EXT_IPI, SBI_IPI_SEND, absent, 0, 0, 0), SBI_ERR_INVALID_PARAM);
	check_sbi("HSM hart_suspend with a reserved suspend type -> SBI_ERR_INVALID_PARAM",
	          hsm(SBI_HSM_HART_SUSPEND, SUSPEND_RESERVED, 0, 0), SBI_ERR_INVALID_PARAM);
}

static void debug_console(void)
{
	struct sbiret p = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_DBCN, 0, 0, 0);
	if (p.error != SBI_SUCCESS || p.value == 0) {
		check(false, "the SBI debug console (DBCN) is there to attack",
		      "probe: error %lld value %llu", (long long)p.error, (unsigned long long)p.value);
		return;
	}
	check_sbi("DBCN console_write from the UART's address -> SBI_ERR_INVALID_PARAM",
	          sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 8, plat.uart_base, 0, 0), SBI_ERR_INVALID_PARAM);
	check_sbi("DBCN console_write running past the end of RAM -> SBI_ERR_INVALID_PARAM",
	          sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 64, plat.ram_base + plat.ram_size - 8, 0, 0),
	          SBI_ERR_INVALID_PARAM);
	check_sbi("DBCN console_write of 2^63 bytes from RAM -> SBI_ERR_INVALID_PARAM",
	          sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 1ull << 63, (uintptr_t)page_out, 0, 0),
	          SBI_ERR_INVALID_PARAM);
	check_sbi("DBCN console_write with base_addr_hi = 1 -> SBI_ERR_INVALID_PARAM",
	          sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 8, (uintptr_t)page_out, 1, 0),
	          SBI_ERR_INVALID_PARAM);
}

static void reserved_reset_reason(void)
{
	out("hvtest: SBI SRST shutdown with a reserved reset reason: karasu must refuse it\n");
	check_sbi(
	    "SBI SRST shutdown with a reserved reset reason (2) -> SBI_ERR_INVALID_PARAM, the guest runs on",
	    sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN, RESET_REASON_RESERVED, 0, 0),
	    SBI_ERR_INVALID_PARAM);
}

void cases_hostile_sbi(void)
{
	out("hvtest: hostile: SBI\n");
	if (plat.ncpus < 2)
		check(false, "a second hart for the HSM cases", "the DTB lists %u hart", plat.ncpus);
	else
		storm();
	absent_harts(); /* after the storm: an SBI that truncates hart ids would start the second hart here */
	hart_masks();

	/* What karasu-rv's built-in SBI decides where the specification leaves room (a start address that is no
	 * RAM is "not valid"), SBI 2.0's debug console (QEMU's OpenSBI 1.1 predates it), and the hypercalls: a
	 * reference run on QEMU leaves this group out. */
	case_group("hostile.sbi.karasu", SCOPE_ARCH);
	if (plat.ncpus >= 2)
		bad_start_addresses();
	debug_console();
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	check(r == 0, "hypercalls still work after the SBI abuse", "result %#llx", (unsigned long long)r);
	case_group("hostile.sbi", SCOPE_ARCH);
	reserved_reset_reason();
}
