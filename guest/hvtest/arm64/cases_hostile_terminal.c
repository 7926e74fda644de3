/* Actions a hostile guest takes that end it (hvtest.mode=act:NAME, one per guest; configs/hvtest-actions.cfg
 * runs them next to a witness guest that must finish its own cases regardless):
 *   ldxr      exclusive load from the vGICD (no syndrome, not decodable): karasu stops the guest with a message
 *   simd      LDR q0 from the vGICD (SIMD&FP register): the same
 *   dcmmio    DC CIVAC on the vGICD (cache maintenance on MMIO): skipped or the guest stopped, never a crash
 *   vbarloop  VBAR_EL1 outside RAM, then an abort: every injected abort faults again on its vector fetch; karasu
 *             should stop the guest (and must not flood the console)
 *   off       PSCI SYSTEM_OFF at once: only this guest stops
 *   reset     PSCI SYSTEM_RESET: the guest starts again (it leaves a mark in RAM to tell the second boot),
 *             then switches itself off
 *   vblkbad, vblkhammer, vblkvictim  virtio-blk abuse and a two-guest race (cases_hostile_virtio.c)
 *   resetsmp  SYSTEM_RESET from vCPU 0 while vCPU 1 spins: after the restart vCPU 1 is OFF and startable
 *   sgi0r, asgi1r  writes to ICC_SGI0R_EL1 / ICC_ASGI1R_EL1: must be emulated (the guest runs on and ends
 *             normally with its checks)
 * The storm entry for cases_hostile_psci.c lives here too (a secondary that counts itself and CPU_OFFs). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/mem.h"

#define PSCI_SYSTEM_OFF   0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define UNMAPPED_IPA      0x00100000ull
#define CPACR_FPEN_ALL    (3ull << 20)
#define RESET_MARK_OFFSET (16ull << 20)         /* above the image, stacks and DTB; inside 32 MiB */
#define RESET_MARK        0x4b41525553455430ull /* "0TESURAK" */
#define SETTLE_MS         2000u
#define GICR_FRAME        0x20000u
#define GICR_ISPENDR0     (0x10000u + 0x0200u)
#define GICR_ICPENDR0     (0x10000u + 0x0280u)
#define SGI_ALIAS_INTID   7ull

volatile uint32_t hostile_storm_starts;
void hostile_storm_entry(void);

/* PSCI CPU_ON entry for the storm: MMU off, x0 = context id. */
__asm__(".text\n"
        ".globl hostile_storm_entry\n"
        "hostile_storm_entry:\n"
        "	adr	x1, hostile_storm_starts\n"
        "	ldr	w2, [x1]\n"
        "	add	w2, w2, #1\n"
        "	str	w2, [x1]\n"
        "	dsb	sy\n"
        "	movz	x0, #0x0002\n"
        "	movk	x0, #0x8400, lsl #16\n" /* PSCI CPU_OFF */
        "	hvc	#0\n"
        "1:	wfi\n"
        "	b	1b\n");

static void settle(void)
{
	/* karasu stops the guest from another PE's point of view asynchronously: give it time. */
	uint64_t until = now_ticks() + SETTLE_MS * ticks_per_ms();
	while (now_ticks() < until)
		;
}

static void act_ldxr(void)
{
	uint32_t v;
	__asm__ volatile("ldxr %w0, [%1]" : "=r"(v) : "r"(plat.gicd_base) : "memory");
	out("hvtest: LDXR from the vGICD returned %#x\n", v);
}

static void act_simd(void)
{
	uint64_t cpacr;
	__asm__ volatile("mrs %0, cpacr_el1" : "=r"(cpacr));
	__asm__ volatile("msr cpacr_el1, %0; isb" ::"r"(cpacr | CPACR_FPEN_ALL));
	uint64_t lo;
	__asm__ volatile("ldr q0, [%1]\n\tfmov %0, d0" : "=r"(lo) : "r"(plat.gicd_base) : "v0", "memory");
	out("hvtest: LDR q0 from the vGICD returned %#llx\n", (unsigned long long)lo);
}

static void act_dcmmio(void)
{
	__asm__ volatile("dc civac, %0; dsb sy" ::"r"(plat.gicd_base) : "memory");
	out("hvtest: DC CIVAC on the vGICD completed (karasu skipped it)\n");
	/* Skipping is a fine answer: say so and end normally, so the test can tell the two apart. */
	out("HVTEST-DCMMIO-SKIPPED name=%s\n", plat.name);
	power_off();
}

static void act_vbarloop(void)
{
	__asm__ volatile("msr vbar_el1, %0; isb" ::"r"(UNMAPPED_IPA));
	(void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_IPA;
}

static void act_reset(void)
{
	volatile uint64_t *mark = (volatile uint64_t *)(uintptr_t)(plat.ram_base + RESET_MARK_OFFSET);
	if (*mark == RESET_MARK) {
		*mark = 0;
		out("HVTEST-RESET-BACK name=%s\n", plat.name);
		power_off();
	}
	*mark = RESET_MARK;
	__asm__ volatile("dsb sy" ::: "memory");
	out("hvtest: PSCI SYSTEM_RESET\n");
	int64_t r = psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	out("hvtest: SYSTEM_RESET returned %lld\n", (long long)r);
}

/* SYSTEM_RESET from vCPU 0 while vCPU 1 spins: after the restart vCPU 1 must be OFF (not still running the
 * old instance's code, which would write into the new instance's memory) and startable again. The spin
 * counter lives at a fixed RAM address outside the image (bss is cleared at every start). */
#define SPIN_COUNTER_OFFSET (RESET_MARK_OFFSET + 64)
#define PSCI_CPU_ON64       0xC4000003u
#define PSCI_AFFINITY_INFO  0xC4000004u
#define AFFINITY_OFF        1
#define SPIN_WAIT_MS        200u
void hostile_spin_entry(void);
__asm__(".text\n"
        ".globl hostile_spin_entry\n"
        "hostile_spin_entry:\n" /* x0 = counter address */
        "1:	ldr	x1, [x0]\n"
        "	add	x1, x1, #1\n"
        "	str	x1, [x0]\n"
        "	b	1b\n");

static bool counter_moves(volatile uint64_t *c, unsigned ms)
{
	uint64_t before = *c, until = now_ticks() + ms * ticks_per_ms();
	while (now_ticks() < until)
		if (*c != before)
			return true;
	return false;
}

static void act_reset_smp(void)
{
	volatile uint64_t *mark = (volatile uint64_t *)(uintptr_t)(plat.ram_base + RESET_MARK_OFFSET);
	volatile uint64_t *counter = (volatile uint64_t *)(uintptr_t)(plat.ram_base + SPIN_COUNTER_OFFSET);
	if (plat.ncpus < 2) {
		check(false, "two vCPUs for the SYSTEM_RESET case", "the DTB lists %u", plat.ncpus);
		return;
	}
	if (*mark != RESET_MARK) {
		*mark = RESET_MARK;
		*counter = 0;
		int64_t on = psci_call(PSCI_CPU_ON64, plat.cpu_id[1], (uintptr_t)hostile_spin_entry,
		                       (uintptr_t)counter);
		bool spinning = on == 0 && counter_moves(counter, SPIN_WAIT_MS * 10);
		out("hvtest: vCPU 1 %s; PSCI SYSTEM_RESET from vCPU 0\n",
		    spinning ? "spins" : "did not start");
		__asm__ volatile("dsb sy" ::: "memory");
		psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		check(false, "SYSTEM_RESET with two vCPUs restarts the guest", "it returned");
		return;
	}
	*mark = 0;
	out("HVTEST-RESET-BACK name=%s\n", plat.name);
	int64_t aff = psci_call(PSCI_AFFINITY_INFO, plat.cpu_id[1], 0, 0);
	bool still = counter_moves(counter, SPIN_WAIT_MS);
	check(aff == AFFINITY_OFF && !still,
	      "after SYSTEM_RESET the old instance's vCPU 1 is OFF and no longer runs",
	      "AFFINITY_INFO %lld, spin counter still moving: %d", (long long)aff, still);
	uint32_t before = hostile_storm_starts;
	int64_t on = psci_call(PSCI_CPU_ON64, plat.cpu_id[1], (uintptr_t)hostile_storm_entry, 0);
	uint64_t until = now_ticks() + 3000u * ticks_per_ms();
	while (hostile_storm_starts == before && now_ticks() < until)
		;
	check(on == 0 && hostile_storm_starts != before, "after SYSTEM_RESET vCPU 1 starts again with CPU_ON",
	      "CPU_ON %lld, started: %d", (long long)on, hostile_storm_starts != before);
}

static void act_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

/* ICC_SGI0R_EL1 (S3_0_C12_C11_7) and ICC_ASGI1R_EL1 (S3_0_C12_C11_6) are ordinary EL1 registers; with
 * HCR_EL2.IMO/FMO they trap to karasu, which must emulate them like ICC_SGI1R_EL1, not stop the guest. The
 * targets (Aff1 = 1) are outside the partition: nothing may become pending. */
static uint32_t sgi_pending(uint32_t intid)
{
	uint32_t bits = 0;
	for (unsigned c = 0; c < plat.ncpus; c++)
		bits |= *(volatile uint32_t *)(uintptr_t)(plat.gicr_base + c * GICR_FRAME + GICR_ISPENDR0);
	return bits & (1u << intid);
}

/* On a GICv2 there is no GICv3 CPU interface: the ICC_* system registers do not exist, the write is UNDEFINED
 * and the exception is the guest's own (EC 0 at EL1), not karasu's to handle. */
#define ESR_EC_SHIFT_ALIAS 26
#define ESR_EC_UNKNOWN     0x00u
static void act_sgi_alias_v2(bool group0)
{
	uint64_t v = (SGI_ALIAS_INTID << 24) | 0x1u;
	expect_fault_begin();
	if (group0)
		__asm__ volatile("msr icc_sgi0r_el1, %0; isb" ::"r"(v));
	else
		__asm__ volatile("msr icc_asgi1r_el1, %0; isb" ::"r"(v));
	expect_fault_end();
	uint64_t ec = (last_fault.esr >> ESR_EC_SHIFT_ALIAS) & 0x3fu;
	check(
	    last_fault.taken && ec == ESR_EC_UNKNOWN,
	    group0
	        ? "GICv2: MSR ICC_SGI0R_EL1 is UNDEFINED at EL1 (no GICv3 CPU interface), the guest runs on"
	        : "GICv2: MSR ICC_ASGI1R_EL1 is UNDEFINED at EL1 (no GICv3 CPU interface), the guest runs on",
	    "%s (ESR_EL1 %#llx)", last_fault.taken ? "wrong exception" : "no exception",
	    (unsigned long long)last_fault.esr);
}

static void act_sgi_alias(bool group0)
{
	if (gic_is_v2()) {
		act_sgi_alias_v2(group0);
		return;
	}
	uint64_t v = (SGI_ALIAS_INTID << 24) | (1ull << 16) | 0xffffu;
	if (group0)
		__asm__ volatile("msr icc_sgi0r_el1, %0; isb" ::"r"(v));
	else
		__asm__ volatile("msr icc_asgi1r_el1, %0; isb" ::"r"(v));
	check(!sgi_pending(SGI_ALIAS_INTID),
	      group0 ? "MSR ICC_SGI0R_EL1 to Aff1 = 1: emulated, the guest runs on, nothing pends"
	             : "MSR ICC_ASGI1R_EL1 to Aff1 = 1: emulated, the guest runs on, nothing pends",
	      "SGI %llu pending in the partition", SGI_ALIAS_INTID);
	/* A target inside the partition: the SGI must reach vCPU 0 itself (Aff0 0 = target list bit 0). */
	v = (SGI_ALIAS_INTID << 24) | 0x1u;
	if (group0)
		__asm__ volatile("msr icc_sgi0r_el1, %0; isb" ::"r"(v));
	else
		__asm__ volatile("msr icc_asgi1r_el1, %0; isb" ::"r"(v));
	check(sgi_pending(SGI_ALIAS_INTID),
	      group0 ? "ICC_SGI0R_EL1 to vCPU 0 pends SGI 7 at vCPU 0"
	             : "ICC_ASGI1R_EL1 to vCPU 0 pends SGI 7 at vCPU 0",
	      "nothing pending");
	*(volatile uint32_t *)(uintptr_t)(plat.gicr_base + GICR_ICPENDR0) = 1u << SGI_ALIAS_INTID;
}

static void act_vblkbad(void)
{
	hostile_virtio(VIRTIO_BAD_REQUESTS);
}

static void act_vblkhammer(void)
{
	hostile_virtio(VIRTIO_HAMMER);
}

static void act_vblkvictim(void)
{
	hostile_virtio(VIRTIO_VICTIM);
}

static void act_sgi0r(void)
{
	act_sgi_alias(true);
}

static void act_asgi1r(void)
{
	act_sgi_alias(false);
}

enum hostile_action_result hostile_terminal_action(const char *name)
{
	static const struct {
		const char *name;
		void (*fn)(void);
		bool ends_guest;
	} acts[] = {
	    {"ldxr", act_ldxr, true},
	    {"simd", act_simd, true},
	    {"dcmmio", act_dcmmio, true},
	    {"vbarloop", act_vbarloop, true},
	    {"reset", act_reset, true},
	    {"off", act_off, true},
	    {"resetsmp", act_reset_smp, false},
	    {"sgi0r", act_sgi0r, false},
	    {"asgi1r", act_asgi1r, false},
	    {"vblkbad", act_vblkbad, false},
	    {"vblkhammer", act_vblkhammer, false},
	    {"vblkvictim", act_vblkvictim, false},
	};
	for (unsigned i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (k_strcmp(name, acts[i].name))
			continue;
		acts[i].fn();
		if (!acts[i].ends_guest)
			return ACTION_CHECKED;
		settle();
		return ACTION_SHOULD_HAVE_ENDED;
	}
	return ACTION_UNKNOWN;
}
