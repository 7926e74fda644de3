/* hvtest.mode=heartbeat: the witness next to a guest that attacks karasu (hvtest.mode=random): every
 * hvtest.beat_ms (default 250) one line
 *   HVTEST-BEAT name=NAME beat=N ok=1
 * after a fast-form GetPartitionId (karasu still answers this guest, with the same id) and a hash of the
 * guest's own code and data (nobody wrote into this partition). hvtest.beats=N ends after N beats with the
 * usual summary; 0 (the default) beats until the machine stops, so a test can see the beats go on after
 * the other guest's last call. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define DEFAULT_BEAT_MS 250u
#define FNV_PRIME       0x100000001b3ull
#define FNV_OFFSET      0xcbf29ce484222325ull

extern char __image_start[], __bss_start[];

static uint64_t image_hash(void)
{
	uint64_t h = FNV_OFFSET;
	for (const volatile uint64_t *p = (const volatile uint64_t *)(uintptr_t)__image_start;
	     (uintptr_t)p < (uintptr_t)__bss_start; p++)
		h = (h ^ *p) * FNV_PRIME;
	return h;
}

static uint64_t own_id(uint64_t *result)
{
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {0};
	*result = hypercall_fast(hv_input_value(HVCALL_GET_PARTITION_ID, true, 0, 0), regs);
	return regs[0];
}

void heartbeat(void)
{
	uint64_t beat_ms = DEFAULT_BEAT_MS, beats = 0, failures = 0, r;
	(void)bootarg_u64("hvtest.beat_ms=", &beat_ms);
	(void)bootarg_u64("hvtest.beats=", &beats);
	case_group("heartbeat", SCOPE_SHARED);
	uint64_t id = own_id(&r), hash = image_hash();
	check(r == HV_STATUS_SUCCESS && id != 0, "heartbeat: GetPartitionId (fast) answers",
	      "result %#llx, id %#llx", (unsigned long long)r, (unsigned long long)id);
	out("HVTEST-BEAT-START name=%s beat_ms=%llu beats=%llu partition=%#llx\n", plat.name,
	    (unsigned long long)beat_ms, (unsigned long long)beats, (unsigned long long)id);
	uint64_t next = now_ticks();
	for (uint64_t n = 1; !beats || n <= beats; n++) {
		next += beat_ms * ticks_per_ms();
		while ((int64_t)(now_ticks() - next) < 0)
			cpu_relax();
		uint64_t now_id = own_id(&r), now_hash = image_hash();
		bool ok = r == HV_STATUS_SUCCESS && now_id == id && now_hash == hash;
		failures += !ok;
		out("HVTEST-BEAT name=%s beat=%llu ok=%d", plat.name, (unsigned long long)n, ok);
		if (!ok)
			out(" result=%#llx id=%#llx image_hash=%#llx want %#llx", (unsigned long long)r,
			    (unsigned long long)now_id, (unsigned long long)now_hash,
			    (unsigned long long)hash);
		out("\n");
	}
	check(failures == 0, "heartbeat: every beat found karasu answering and the guest's image intact",
	      "%llu of %llu beats did not", (unsigned long long)failures, (unsigned long long)beats);
}
