/* PSCI from a hostile guest: CPU_ON of MPIDRs the partition does not have (the physical CPUs that run the
 * other guest), entry points outside RAM, and a CPU_ON/CPU_OFF storm of vCPU 1 with CPU_ON calls racing the
 * secondary's own CPU_OFF. Every call must answer a PSCI status; the partition must stay usable. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define PSCI_CPU_ON64           0xC4000003u
#define PSCI_AFFINITY_INFO64    0xC4000004u
#define PSCI_SUCCESS            0
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_ON_PENDING         (-5)
#define PSCI_INVALID_ADDRESS    (-9)
#define AFFINITY_OFF            1
#define STORM_ROUNDS            200u
#define WAIT_MS                 3000u

/* cases_hostile_terminal.c's assembly: count one start in hostile_storm_starts, then CPU_OFF. */
void hostile_storm_entry(void);
extern volatile uint32_t hostile_storm_starts;

static bool wait_off(uint64_t mpidr)
{
	uint64_t until = now_ticks() + WAIT_MS * ticks_per_ms();
	while (psci_call(PSCI_AFFINITY_INFO64, mpidr, 0, 0) != AFFINITY_OFF)
		if (now_ticks() > until)
			return false;
	return true;
}

static void check_psci(const char *what, int64_t got, int64_t want)
{
	check(got == want, what, "got %lld, want %lld", (long long)got, (long long)want);
}

static void foreign_mpidrs(void)
{
	static const struct {
		uint64_t mpidr;
		const char *what;
	} other[] = {
	    {2, "CPU_ON of MPIDR 2 (a physical CPU of the other guest) -> INVALID_PARAMETERS"},
	    {3, "CPU_ON of MPIDR 3 (a physical CPU of the other guest) -> INVALID_PARAMETERS"},
	    {0x80000002ull, "CPU_ON of MPIDR 0x80000002 (RES1 bit + CPU 2) -> INVALID_PARAMETERS"},
	    {0x100, "CPU_ON of MPIDR 0.0.1.0 -> INVALID_PARAMETERS"},
	    {0xff00000000ull, "CPU_ON of MPIDR Aff3 = 255 -> INVALID_PARAMETERS"},
	};
	for (unsigned i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		check_psci(other[i].what,
		           psci_call(PSCI_CPU_ON64, other[i].mpidr, (uintptr_t)hostile_storm_entry, 0),
		           PSCI_INVALID_PARAMETERS);
}

static void bad_entries(void)
{
	uint64_t t = plat.cpu_id[1];
	static const char *const what[] = {
	    "CPU_ON with entry = first byte past RAM -> INVALID_ADDRESS",
	    "CPU_ON with entry = the vPL011 -> INVALID_ADDRESS",
	    "CPU_ON with entry = just below RAM -> INVALID_ADDRESS",
	    "CPU_ON with entry = 0xffffffffffff0000 -> INVALID_ADDRESS",
	};
	uint64_t entry[] = {plat.ram_base + plat.ram_size, plat.uart_base, plat.ram_base - 4,
	                    0xffffffffffff0000ull};
	for (unsigned i = 0; i < 4; i++)
		check_psci(what[i], psci_call(PSCI_CPU_ON64, t, entry[i], 0), PSCI_INVALID_ADDRESS);
	check_psci("vCPU 1 is still OFF after the refused CPU_ONs", psci_call(PSCI_AFFINITY_INFO64, t, 0, 0),
	           AFFINITY_OFF);
}

static void storm(void)
{
	uint64_t t = plat.cpu_id[1];
	uint32_t before = hostile_storm_starts;
	unsigned ok = 0, busy = 0, other = 0;
	int64_t odd = 0;
	for (unsigned i = 0; i < STORM_ROUNDS; i++) {
		int64_t r = psci_call(PSCI_CPU_ON64, t, (uintptr_t)hostile_storm_entry, i);
		if (r == PSCI_SUCCESS)
			ok++;
		else if (r == PSCI_ALREADY_ON || r == PSCI_ON_PENDING)
			busy++;
		else {
			other++;
			odd = r;
		}
	}
	bool off = wait_off(t);
	uint32_t starts = hostile_storm_starts - before;
	check(other == 0 && ok > 0 && off,
	      "CPU_ON storm (200 calls racing vCPU 1's CPU_OFF): only SUCCESS/ALREADY_ON/ON_PENDING, vCPU 1 "
	      "ends OFF",
	      "%u SUCCESS, %u busy, %u other (last %lld), OFF at the end: %s", ok, busy, other,
	      (long long)odd, off ? "yes" : "no");
	check(starts == ok, "every successful CPU_ON of the storm started vCPU 1 exactly once",
	      "%u successful CPU_ON, %u starts seen", ok, starts);
}

void cases_hostile_psci(void)
{
	out("hvtest: hostile: PSCI\n");
	foreign_mpidrs();
	if (plat.ncpus < 2) {
		check(false, "a second vCPU for the PSCI storm", "the DTB lists %u vCPU", plat.ncpus);
		return;
	}
	bad_entries();
	storm();
}
