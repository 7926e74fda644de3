/* System registers a guest should not be able to use against karasu or other guests: ICC_SRE_EL1 (turning
 * the system-register GIC interface off), the PMU (may the guest see cycles spent at EL2?), the EL1 physical timer (its PPI is not the
 * guest's), set/way cache maintenance. (ICC_SGI0R_EL1/ICC_ASGI1R_EL1 are actions in cases_hostile_terminal.c:
 * karasu stopped the guest for them.) Each must be emulated, ignored, or refused with an UNDEF: never a
 * karasu crash, and the guest keeps running. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define ICC_SRE_SRE     (1ull << 0)
#define PMCR_E          (1ull << 0)
#define PMCR_C          (1ull << 2)
#define PMCNTEN_C       (1ull << 31)
#define PMCCFILTR_P     (1ull << 31) /* do not count at EL1 */
#define PMCCFILTR_U     (1ull << 30) /* do not count at EL0 */
#define PMCCFILTR_NSH   (1ull << 27) /* count at EL2 */
#define PMU_HYPERCALLS  50u
#define CNT_ENABLE      (1ull << 0)
#define CNT_ISTATUS     (1ull << 2)
#define CNTP_FIRE_TICKS 1000u
#define CNTP_WAIT_MS    20u

#define MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" ::"r"((uint64_t)(v)) : "memory")
#define MRS(reg, v) __asm__ volatile("isb\n\tmrs %0, " reg : "=r"(v))

static uint64_t partition_id_call(void)
{
	return hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
}

/* GICv2: there is no GICv3 CPU interface at all, so ICC_SRE_EL1 is UNDEFINED at EL1 (the guest's own
 * exception; karasu never sees it) and the guest runs on. */
#define ESR_EC_SHIFT   26
#define ESR_EC_UNKNOWN 0x00u
static void sre_v2(void)
{
	uint64_t v = 0;
	expect_fault_begin();
	MRS("icc_sre_el1", v);
	expect_fault_end();
	uint64_t ec = (last_fault.esr >> ESR_EC_SHIFT) & 0x3fu;
	check(last_fault.taken && ec == ESR_EC_UNKNOWN && partition_id_call() == 0,
	      "GICv2: reading ICC_SRE_EL1 is UNDEFINED at EL1 (no GICv3 CPU interface) and the guest runs on",
	      "%s (ESR_EL1 %#llx, value %#llx)", last_fault.taken ? "wrong exception" : "no exception",
	      (unsigned long long)last_fault.esr, (unsigned long long)v);
}

static void sre(void)
{
	if (gic_is_v2()) {
		sre_v2();
		return;
	}
	uint64_t before, after;
	MRS("icc_sre_el1", before);
	MSR("icc_sre_el1", 0);
	MRS("icc_sre_el1", after);
	MSR("icc_sre_el1", before);
	check((after & ICC_SRE_SRE) && partition_id_call() == 0,
	      "writing ICC_SRE_EL1 = 0 leaves SRE = 1 (no legacy GIC interface) and the guest running",
	      "ICC_SRE_EL1 %#llx before, %#llx after the write", (unsigned long long)before,
	      (unsigned long long)after);
}

static uint64_t cycles_counted(uint64_t filter)
{
	MSR("pmcntenclr_el0", PMCNTEN_C);
	MSR("pmccfiltr_el0", filter);
	MSR("pmcr_el0", PMCR_E | PMCR_C);
	MSR("pmcntenset_el0", PMCNTEN_C);
	for (unsigned i = 0; i < PMU_HYPERCALLS; i++)
		partition_id_call();
	uint64_t n;
	MRS("pmccntr_el0", n);
	MSR("pmcntenclr_el0", PMCNTEN_C);
	MSR("pmcr_el0", 0);
	MSR("pmccfiltr_el0", 0);
	return n;
}

#define PMU_EVENT_CPU_CYCLES 0x11u
#define PMCNTEN_0            (1ull << 0)
#define PMSELR_CYCLE         31u
#define PMSELR_FAR           30u /* beyond PMCR_EL0.N on any core karasu runs on */

enum evtyper_path { VIA_PMEVTYPER0, VIA_PMXEVTYPER, VIA_PMXEVTYPER_CYCLE };

/* Counts with event counter 0 (CPU_CYCLES) or, via PMSELR = 31, the cycle counter, filter written through
 * the given register. */
static uint64_t counted_via(enum evtyper_path path, uint64_t filter)
{
	uint64_t en = path == VIA_PMXEVTYPER_CYCLE ? PMCNTEN_C : PMCNTEN_0;
	MSR("pmcntenclr_el0", PMCNTEN_C | PMCNTEN_0);
	if (path == VIA_PMEVTYPER0) {
		MSR("pmevtyper0_el0", filter | PMU_EVENT_CPU_CYCLES);
	} else {
		MSR("pmselr_el0", path == VIA_PMXEVTYPER_CYCLE ? PMSELR_CYCLE : 0);
		MSR("pmxevtyper_el0", filter | (path == VIA_PMXEVTYPER ? PMU_EVENT_CPU_CYCLES : 0));
	}
	MSR("pmevcntr0_el0", 0);
	MSR("pmcr_el0", PMCR_E | PMCR_C);
	MSR("pmcntenset_el0", en);
	for (unsigned i = 0; i < PMU_HYPERCALLS; i++)
		partition_id_call();
	uint64_t n;
	if (path == VIA_PMXEVTYPER_CYCLE)
		MRS("pmccntr_el0", n);
	else
		MRS("pmevcntr0_el0", n);
	MSR("pmcntenclr_el0", en);
	MSR("pmcr_el0", 0);
	MSR("pmevtyper0_el0", 0);
	MSR("pmccfiltr_el0", 0);
	return n;
}

static void pmu_paths(void)
{
	static const struct {
		enum evtyper_path path;
		const char *control, *what;
	} paths[] = {
	    {VIA_PMEVTYPER0, "control: PMU event counter 0 (CPU_CYCLES, PMEVTYPER0_EL0) counts at EL1",
	     "PMEVTYPER0_EL0 with NSH: event counter 0 does not count karasu's EL2 cycles"},
	    {VIA_PMXEVTYPER, "control: PMU event counter 0 via PMSELR/PMXEVTYPER_EL0 counts at EL1",
	     "PMXEVTYPER_EL0 (PMSELR = 0) with NSH: event counter 0 does not count EL2 cycles"},
	    {VIA_PMXEVTYPER_CYCLE,
	     "control: the cycle counter via PMSELR = 31 / PMXEVTYPER_EL0 counts at EL1",
	     "PMXEVTYPER_EL0 with PMSELR = 31 (= PMCCFILTR) and NSH: no EL2 cycles counted"},
	};
	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		uint64_t el1 = counted_via(paths[i].path, PMCCFILTR_U);
		uint64_t el2 = counted_via(paths[i].path, PMCCFILTR_P | PMCCFILTR_U | PMCCFILTR_NSH);
		check(el1 > 0, paths[i].control, "counted %llu", (unsigned long long)el1);
		check(el2 == 0, paths[i].what, "counted %llu EL2 cycles over %u hypercalls",
		      (unsigned long long)el2, PMU_HYPERCALLS);
	}
	/* PMSELR beyond PMCR_EL0.N: the PMXEV* accesses are CONSTRAINED UNPREDICTABLE; karasu must not perform
	 * them at EL2 in a way that can take an exception there. */
	uint64_t v = 0;
	MSR("pmselr_el0", PMSELR_FAR);
	MSR("pmxevtyper_el0", PMCCFILTR_NSH);
	MRS("pmxevcntr_el0", v);
	MSR("pmselr_el0", 0);
	check(partition_id_call() == 0,
	      "PMSELR_EL0 = 30 (beyond PMCR_EL0.N), then PMXEVTYPER/PMXEVCNTR: the guest runs on",
	      "PMXEVCNTR read %#llx; the hypercall afterwards failed", (unsigned long long)v);
}

static void pmu(void)
{
	uint64_t el1 = cycles_counted(PMCCFILTR_U);
	uint64_t el2 = cycles_counted(PMCCFILTR_P | PMCCFILTR_U | PMCCFILTR_NSH);
	check(el1 > 0, "control: the guest's PMU cycle counter counts at EL1", "PMCCNTR %llu",
	      (unsigned long long)el1);
	check(el2 == 0,
	      "the guest's PMU cannot count cycles spent in karasu at EL2 (PMCCFILTR.NSH; MDCR_EL2)",
	      "PMCCNTR counted %llu EL2 cycles over %u hypercalls", (unsigned long long)el2, PMU_HYPERCALLS);
}

static void physical_timer(void)
{
	MSR("cntp_tval_el0", CNTP_FIRE_TICKS);
	MSR("cntp_ctl_el0", CNT_ENABLE);
	uint64_t until = now_ticks() + CNTP_WAIT_MS * ticks_per_ms();
	while (now_ticks() < until)
		;
	uint64_t ctl;
	MRS("cntp_ctl_el0", ctl);
	MSR("cntp_ctl_el0", 0);
	check(partition_id_call() == 0,
	      "an expired EL1 physical timer (CNTP) left firing for 20 ms does not stop or hang the guest",
	      "CNTP_CTL %#llx; the hypercall afterwards failed", (unsigned long long)ctl);
}

static void set_way(void)
{
	/* Level 1 and 2, a few sets and ways: with HCR_EL2.SWIO karasu turns invalidates into clean+invalidate. */
	for (uint64_t level = 0; level < 2; level++)
		for (uint64_t sw = 0; sw < 64; sw++) {
			uint64_t v = (level << 1) | (sw << 6) | (sw << 30);
			__asm__ volatile("dc isw, %0" ::"r"(v) : "memory");
			__asm__ volatile("dc cisw, %0" ::"r"(v) : "memory");
		}
	__asm__ volatile("dsb sy; isb" ::: "memory");
	static volatile uint64_t marker = 0x6b61726173756b61ull;
	check(marker == 0x6b61726173756b61ull && partition_id_call() == 0,
	      "DC ISW / DC CISW over L1 and L2 sets: the guest keeps its data and runs on", "marker %#llx",
	      (unsigned long long)marker);
}

void cases_hostile_sysreg(void)
{
	out("hvtest: hostile: system registers\n");
	sre();
	physical_timer();
	set_way();
	pmu();
	pmu_paths();
}
