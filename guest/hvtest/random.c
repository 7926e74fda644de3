/* hvtest.mode=random (random.h): hvtest.calls=N (default 10^6) hypercalls made of random input values,
 * random fast-call registers and random parameter GPAs, from hvtest.seed=S (default: the counter at start;
 * printed, so a failure replays). For every call:
 *   - the status is one of the HV_STATUS values include/karasu/hv.h defines;
 *   - the result value is well-formed: its Rsvd bits (31-16, 63-44) zero, reps completed <= the rep count;
 *   - the register block (X2..X17 / a1..a5) is unchanged unless a fast call succeeded (docs/abi.md: a failed
 *     call, and any memory-form call, leaves the registers alone);
 *   - every watched page (random_memory.c) outside the call's output window is unchanged. The window is
 *     [output GPA, output GPA + 4096) for a memory-form call whose output GPA is 8-byte aligned and in RAM,
 *     and empty otherwise: a fast call writes no memory, and an unaligned output GPA is refused with
 *     INVALID_ALIGNMENT before anything is written.
 *
 * One call in OTHER_CALL_ONE_IN is not a hypercall but another call through the same instruction (SMCCC /
 * PSCI function ids on arm64, SBI extensions on RISC-V: <arch>/random_transport.c, which lists the calls it
 * filters because they legitimately stop, reset or suspend the guest, and lets their invalid variants
 * through); it may change no watched memory at all.
 *
 * Filtered: nothing in karasu's hypercall set stops or blocks the caller (no call resets, terminates or
 * suspends the partition; no call waits), so every generated call is made. What could alter the loop's own
 * execution is kept out by the generator instead: an output GPA in the guest's code, data or stacks is
 * always unaligned (random_gen.c). SynIC register writes (SIMP/SIEFP/SINTx/SCONTROL, valid or not) are made:
 * nothing posts to this guest (its config has no connection that targets it), so an enabled SIMP/SIEFP page
 * is never written, and its interrupts stay masked at the CPU.
 *
 * Output: HVTEST-RANDOM-START, HVTEST-RANDOM-PROGRESS every 10%, HVTEST-RANDOM-FAIL for the first failures,
 * HVTEST-RANDOM-SUMMARY with the status histogram, and one case line per rule (tests/integration/
 * test-hvtest-random.sh reads them). */
#include <stdint.h>

#include "guest/hvtest/random.h"
#include "karasu/hv.h"
#include "lib/mem.h"

#define DEFAULT_CALLS    1000000ull
#define PROGRESS_STEPS   10u
#define FAILURES_SHOWN   20u
#define STATUS_SLOTS     256u
#define CANARY_RAM_PAGES 4u
#define CANARY_END_PAGES 2u
#define RESULT_DEFINED_MASK \
	(HV_RESULT_STATUS_MASK | (HV_RESULT_REPS_COMPLETED_MASK << HV_RESULT_REPS_COMPLETED_SHIFT))
#define FDT_TOTALSIZE_OFFSET 4u
#define MS_PER_S             1000u
#define OTHER_CALL_ONE_IN    8u /* one call in 8 is an SMCCC / SBI call that is no hypercall */
#define OTHER_RET_SLOTS      16u

/* Every HV_STATUS include/karasu/hv.h defines, with its name for the histogram. */
static const struct {
	uint16_t code;
	const char *name;
} statuses[] = {
    {HV_STATUS_SUCCESS, "SUCCESS"},
    {HV_STATUS_INVALID_HYPERCALL_CODE, "INVALID_HYPERCALL_CODE"},
    {HV_STATUS_INVALID_HYPERCALL_INPUT, "INVALID_HYPERCALL_INPUT"},
    {HV_STATUS_INVALID_ALIGNMENT, "INVALID_ALIGNMENT"},
    {HV_STATUS_INVALID_PARAMETER, "INVALID_PARAMETER"},
    {HV_STATUS_ACCESS_DENIED, "ACCESS_DENIED"},
    {HV_STATUS_INVALID_PARTITION_STATE, "INVALID_PARTITION_STATE"},
    {HV_STATUS_OPERATION_DENIED, "OPERATION_DENIED"},
    {HV_STATUS_UNKNOWN_PROPERTY, "UNKNOWN_PROPERTY"},
    {HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE, "PROPERTY_VALUE_OUT_OF_RANGE"},
    {HV_STATUS_INSUFFICIENT_MEMORY, "INSUFFICIENT_MEMORY"},
    {HV_STATUS_PARTITION_TOO_DEEP, "PARTITION_TOO_DEEP"},
    {HV_STATUS_INVALID_PARTITION_ID, "INVALID_PARTITION_ID"},
    {HV_STATUS_INVALID_VP_INDEX, "INVALID_VP_INDEX"},
    {HV_STATUS_NOT_FOUND, "NOT_FOUND"},
    {HV_STATUS_INVALID_PORT_ID, "INVALID_PORT_ID"},
    {HV_STATUS_INVALID_CONNECTION_ID, "INVALID_CONNECTION_ID"},
    {HV_STATUS_INSUFFICIENT_BUFFERS, "INSUFFICIENT_BUFFERS"},
    {HV_STATUS_NOT_ACKNOWLEDGED, "NOT_ACKNOWLEDGED"},
    {HV_STATUS_INVALID_VP_STATE, "INVALID_VP_STATE"},
    {HV_STATUS_ACKNOWLEDGED, "ACKNOWLEDGED"},
    {HV_STATUS_INVALID_SYNIC_STATE, "INVALID_SYNIC_STATE"},
    {HV_STATUS_OBJECT_IN_USE, "OBJECT_IN_USE"},
    {HV_STATUS_NO_DATA, "NO_DATA"},
    {HV_STATUS_INACTIVE, "INACTIVE"},
    {HV_STATUS_NO_RESOURCES, "NO_RESOURCES"},
    {HV_STATUS_FEATURE_UNAVAILABLE, "FEATURE_UNAVAILABLE"},
    {HV_STATUS_PROCESSOR_FEATURE_NOT_SUPPORTED, "PROCESSOR_FEATURE_NOT_SUPPORTED"},
    {HV_STATUS_INVALID_LP_INDEX, "INVALID_LP_INDEX"},
    {HV_STATUS_INVALID_REGISTER_VALUE, "INVALID_REGISTER_VALUE"},
    {HV_STATUS_OPERATION_FAILED, "OPERATION_FAILED"},
    {HV_STATUS_TIME_OUT, "TIME_OUT"},
    {HV_STATUS_CALL_PENDING, "CALL_PENDING"},
    {HV_STATUS_UNKNOWN_REGISTER_NAME, "UNKNOWN_REGISTER_NAME"},
};
#define NSTATUSES (sizeof(statuses) / sizeof(statuses[0]))

/* What went wrong in one call (bits), and the run's counters. */
enum random_fault {
	FAULT_STATUS = 1u << 0, /* undefined HV_STATUS */
	FAULT_RESULT = 1u << 1, /* Rsvd bits set, or more reps completed than asked for */
	FAULT_REGS = 1u << 2,   /* registers changed by a call that did not succeed in fast form */
	FAULT_MEMORY = 1u << 3, /* a watched page outside the window changed */
};

static struct {
	uint64_t calls, failed_calls;
	uint64_t other_calls, other_failed, other_filtered; /* random_arch_other_call */
	uint64_t other_by_ret[OTHER_RET_SLOTS];             /* a0 / X0 = 0, -1, ..., -15 */
	uint64_t other_ret_else;                            /* any other value (legacy SBI, PSCI values) */
	uint64_t by_fault[4];
	uint64_t by_status[STATUS_SLOTS]; /* defined statuses (all < 256) */
	uint64_t undefined;
} stats;

static struct random_targets targets;

extern char __image_start[], __bss_start[], __bss_end[];

static bool status_defined(uint16_t s)
{
	for (unsigned i = 0; i < NSTATUSES; i++)
		if (statuses[i].code == s)
			return true;
	return false;
}

static uint64_t page_up(uint64_t a)
{
	return (a + HVTEST_PAGE - 1) & ~(uint64_t)(HVTEST_PAGE - 1);
}

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

/* RAM, image, canaries placed clear of the DTB, devices. False if RAM is unknown. */
static bool find_targets(const void *dtb)
{
	struct random_targets *t = &targets;
	if (!plat.ram_size)
		return false;
	t->ram_base = plat.ram_base;
	t->ram_end = plat.ram_base + plat.ram_size;
	t->image_start = (uintptr_t)__image_start;
	t->image_end = (uintptr_t)__bss_end;
	t->canary_bss = (uintptr_t)random_canary_bss;
	uint64_t dtb_lo = (uintptr_t)dtb,
	         dtb_size = dtb ? fdt_be32((const uint8_t *)dtb + FDT_TOTALSIZE_OFFSET) : 0;
	uint64_t after = t->image_end;
	if (dtb_lo >= t->image_end && dtb_lo < t->ram_end)
		after = page_up(dtb_lo + dtb_size);
	t->canary_ram = after + HVTEST_PAGE;
	t->canary_ram_size = CANARY_RAM_PAGES * HVTEST_PAGE;
	t->canary_end_size = CANARY_END_PAGES * HVTEST_PAGE;
	t->canary_end = t->ram_end - t->canary_end_size;
	if (t->canary_ram + t->canary_ram_size > t->canary_end)
		t->canary_ram_size = 0;
	if (dtb_size && overlaps(t->canary_end, t->canary_end_size, dtb_lo, dtb_size))
		t->canary_end_size = 0;
	t->ndevices = random_arch_devices(t->devices, sizeof(t->devices) / sizeof(t->devices[0]));
	return true;
}

static void report_failure(uint64_t n, const struct random_call *c, uint64_t result, unsigned faults,
                           uint64_t page, unsigned pages)
{
	if (stats.failed_calls > FAILURES_SHOWN)
		return;
	out("HVTEST-RANDOM-FAIL name=%s call=%llu input=%#llx in=%#llx(%s) out=%#llx(%s) "
	    "result=%#llx%s%s%s%s",
	    plat.name, (unsigned long long)n, (unsigned long long)c->input, (unsigned long long)c->regs[0],
	    c->in_kind, (unsigned long long)c->regs[1], c->out_kind, (unsigned long long)result,
	    faults & FAULT_STATUS ? " undefined-status" : "", faults & FAULT_RESULT ? " bad-result" : "",
	    faults & FAULT_REGS ? " registers-changed" : "", faults & FAULT_MEMORY ? " memory-changed" : "");
	if (faults & FAULT_MEMORY)
		out(" pages=%u first=%#llx", pages, (unsigned long long)page);
	out("\n");
	if (stats.failed_calls == FAILURES_SHOWN)
		out("HVTEST-RANDOM-FAIL name=%s (further failures are counted, not shown)\n", plat.name);
}

/* A call through the same instruction that is not a karasu hypercall: it may write no memory at all. */
static void other_call(uint64_t n)
{
	struct random_other_call c;
	uint64_t page = 0;
	random_memory_before(0, 0);
	random_arch_other_call(&targets, &c);
	unsigned pages = random_memory_after(&page);
	stats.calls++;
	stats.other_calls++;
	stats.other_filtered += c.redrawn;
	if ((int64_t)c.ret[0] <= 0 && (int64_t)c.ret[0] > -(int64_t)OTHER_RET_SLOTS)
		stats.other_by_ret[-(int64_t)c.ret[0]]++;
	else
		stats.other_ret_else++;
	if (!c.fault && !pages)
		return;
	stats.failed_calls++;
	stats.other_failed++;
	stats.by_fault[3] += pages != 0;
	if (stats.failed_calls > FAILURES_SHOWN)
		return;
	out("HVTEST-RANDOM-FAIL name=%s call=%llu other id=%#llx sub=%#llx "
	    "args=%#llx,%#llx,%#llx,%#llx,%#llx,%#llx "
	    "ret=%#llx,%#llx %s",
	    plat.name, (unsigned long long)n, (unsigned long long)c.id, (unsigned long long)c.sub,
	    (unsigned long long)c.args[0], (unsigned long long)c.args[1], (unsigned long long)c.args[2],
	    (unsigned long long)c.args[3], (unsigned long long)c.args[4], (unsigned long long)c.args[5],
	    (unsigned long long)c.ret[0], (unsigned long long)c.ret[1], c.fault ? c.fault : "");
	if (pages)
		out(" memory-changed pages=%u first=%#llx", pages, (unsigned long long)page);
	out("\n");
}

/* One call: generate, make it, check it. */
static void one_call(uint64_t n)
{
	if (rnd_below(OTHER_CALL_ONE_IN) == 0) {
		other_call(n);
		return;
	}
	struct random_call c;
	uint64_t before[HVTEST_FAST_REGS_MAX];
	random_generate(&targets, &c);
	bool fast = hv_input_is_fast(c.input);
	uint64_t out_gpa = c.regs[1], lo = 0, hi = 0;
	if (!fast && (out_gpa & 7) == 0 && out_gpa >= targets.ram_base && out_gpa < targets.ram_end) {
		lo = out_gpa;
		hi = out_gpa + HVTEST_PAGE;
	}
	k_memcpy(before, c.regs, sizeof(before));
	random_memory_before(lo, hi);
	uint64_t result = hypercall_raw(c.input, c.regs);
	uint64_t page = 0;
	unsigned pages = random_memory_after(&page);

	uint16_t status = hv_result_status(result);
	unsigned faults = 0;
	if (status_defined(status))
		stats.by_status[status]++;
	else {
		stats.undefined++;
		faults |= FAULT_STATUS;
	}
	if ((result & ~(uint64_t)RESULT_DEFINED_MASK) ||
	    hv_result_reps_completed(result) > hv_input_rep_count(c.input))
		faults |= FAULT_RESULT;
	if (!(fast && status == HV_STATUS_SUCCESS) && k_memcmp(before, c.regs, sizeof(before)))
		faults |= FAULT_REGS;
	if (pages)
		faults |= FAULT_MEMORY;
	stats.calls++;
	if (!faults)
		return;
	stats.failed_calls++;
	for (unsigned b = 0; b < 4; b++)
		stats.by_fault[b] += (faults >> b) & 1u;
	report_failure(n, &c, result, faults, page, pages);
}

static uint64_t elapsed_ms(uint64_t start)
{
	return (now_ticks() - start) / ticks_per_ms();
}

static void summary(uint64_t seed, uint64_t ms)
{
	out("HVTEST-RANDOM-SUMMARY name=%s seed=%#llx calls=%llu failures=%llu undefined_status=%llu "
	    "bad_result=%llu registers_changed=%llu memory_changed=%llu other_calls=%llu other_failures=%llu "
	    "other_filtered=%llu ms=%llu calls_per_s=%llu statuses=",
	    plat.name, (unsigned long long)seed, (unsigned long long)stats.calls,
	    (unsigned long long)stats.failed_calls, (unsigned long long)stats.by_fault[0],
	    (unsigned long long)stats.by_fault[1], (unsigned long long)stats.by_fault[2],
	    (unsigned long long)stats.by_fault[3], (unsigned long long)stats.other_calls,
	    (unsigned long long)stats.other_failed, (unsigned long long)stats.other_filtered,
	    (unsigned long long)ms, (unsigned long long)(ms ? stats.calls * MS_PER_S / ms : 0));
	bool first = true;
	for (unsigned i = 0; i < NSTATUSES; i++) {
		uint64_t n = stats.by_status[statuses[i].code];
		if (!n)
			continue;
		out("%s%s:%llu", first ? "" : ",", statuses[i].name, (unsigned long long)n);
		first = false;
	}
	if (stats.undefined)
		out("%sUNDEFINED:%llu", first ? "" : ",", (unsigned long long)stats.undefined);
	/* the other calls' first result register: SBI error codes / SMCCC and PSCI return codes */
	out(" other_results=");
	for (unsigned i = 0; i < OTHER_RET_SLOTS; i++)
		if (stats.other_by_ret[i])
			out("%d:%llu,", -(int)i, (unsigned long long)stats.other_by_ret[i]);
	out("other:%llu\n", (unsigned long long)stats.other_ret_else);
}

static void wait_ms(uint64_t ms)
{
	uint64_t start = now_ticks();
	while (elapsed_ms(start) < ms)
		cpu_relax();
}

void random_hypercalls(const void *dtb)
{
	uint64_t calls = DEFAULT_CALLS, seed = 0, linger = 0;
	(void)bootarg_u64("hvtest.calls=", &calls);
	if (!bootarg_u64("hvtest.seed=", &seed))
		seed = now_ticks() ^ ((uint64_t)plat.ram_base << 16);
	(void)bootarg_u64("hvtest.linger_ms=", &linger);
	case_group("random", SCOPE_SHARED);

	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	k_memcpy(&own_partition_id, page_out, sizeof(own_partition_id));
	bool ready = find_targets(dtb);
	check(r == HV_STATUS_SUCCESS && ready, "random: GetPartitionId and the guest's RAM are known",
	      "result %#llx, RAM %#llx+%#llx", (unsigned long long)r, (unsigned long long)plat.ram_base,
	      (unsigned long long)plat.ram_size);
	if (!ready)
		return;
	rnd_seed(seed);
	random_memory_init(&targets);
	out("HVTEST-RANDOM-START name=%s seed=%#llx calls=%llu watched_bytes=%llu canary_ram=%#llx+%#llx "
	    "canary_end=%#llx+%#llx devices=%u\n",
	    plat.name, (unsigned long long)seed, (unsigned long long)calls,
	    (unsigned long long)random_memory_checked_bytes(), (unsigned long long)targets.canary_ram,
	    (unsigned long long)targets.canary_ram_size, (unsigned long long)targets.canary_end,
	    (unsigned long long)targets.canary_end_size, targets.ndevices);

	uint64_t start = now_ticks(), step = calls / PROGRESS_STEPS;
	for (uint64_t n = 0; n < calls; n++) {
		one_call(n);
		if (step && (n + 1) % step == 0 && (n + 1) / step <= PROGRESS_STEPS)
			out("HVTEST-RANDOM-PROGRESS name=%s done=%llu/%llu pct=%llu failures=%llu ms=%llu\n",
			    plat.name, (unsigned long long)(n + 1), (unsigned long long)calls,
			    (unsigned long long)((n + 1) / step * PROGRESS_STEPS),
			    (unsigned long long)stats.failed_calls, (unsigned long long)elapsed_ms(start));
	}
	summary(seed, elapsed_ms(start));

	check(stats.calls == calls, "random: every call was made and returned", "%llu of %llu",
	      (unsigned long long)stats.calls, (unsigned long long)calls);
	check(!stats.by_fault[0], "random: every status is an HV_STATUS include/karasu/hv.h defines",
	      "%llu calls returned another (HVTEST-RANDOM-FAIL lines)",
	      (unsigned long long)stats.by_fault[0]);
	check(!stats.by_fault[1],
	      "random: every result value has zero Rsvd bits and reps completed <= rep count",
	      "%llu calls broke it", (unsigned long long)stats.by_fault[1]);
	check(!stats.by_fault[2], "random: the register block is unchanged unless a fast call succeeded",
	      "%llu calls changed it", (unsigned long long)stats.by_fault[2]);
	check(!stats.by_fault[3], "random: no watched page changed outside the call's output window",
	      "%llu calls changed one", (unsigned long long)stats.by_fault[3]);
	check(!stats.other_failed, "random: other SMCCC / SBI calls answer as their specification says",
	      "%llu of %llu did not", (unsigned long long)stats.other_failed,
	      (unsigned long long)stats.other_calls);
	/* The witness's lines after the last call show it outlived the run (tests read them). */
	if (linger)
		wait_ms(linger);
}
