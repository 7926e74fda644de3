/* hvtest.mode=random on arm64: the other calls that reach karasu-hv by HVC #0 (random.h
 * random_arch_other_call): SMCCC function ids of every owner -- PSCI, the SMCCC architecture calls, the
 * vendor hypervisor service (karasu's UID query), the other owners -- and any 32- or 64-bit X0, with random
 * X1..X6. The hypercall id itself (HV_SMCCC_FUNC_HYPERCALL in W0) is the main slice's and is never drawn.
 *
 * Filtered (redrawn, never made), because they legitimately stop, suspend or redirect the caller:
 *   PSCI CPU_SUSPEND, CPU_OFF, CPU_FREEZE, CPU_DEFAULT_SUSPEND, SYSTEM_SUSPEND (they stop or suspend the
 *   vCPU until an event this loop never sends), SYSTEM_OFF, SYSTEM_RESET, MEM_PROTECT; CPU_ON naming another
 *   vCPU of this guest (it would run random code from a random entry); SYSTEM_RESET2 with a valid reset type
 *   (0 or a vendor type, bit 31); SYSTEM_OFF2 with a valid type (0, HIBERNATE_OFF).
 * Let through, because they must fail harmlessly: CPU_ON of this vCPU (ALREADY_ON) or of no vCPU,
 * SYSTEM_RESET2 / SYSTEM_OFF2 with a reserved type (INVALID_PARAMETERS), and every terminating function id
 * in a form that is not a PSCI call (a yielding call, bit 31 clear; bits 23-16 set): SMCCC makes those
 * unknown functions.
 *
 * Checked: an id that is neither PSCI nor one karasu-hv implements (SMCCC_VERSION, the vendor UID and call
 * count) answers NOT_SUPPORTED (-1 in W0), SMCCC's rule for an unknown function. Memory is checked by
 * random.c (nothing may change). */
#include <stdint.h>

#include "guest/hvtest/random.h"
#include "karasu/hv.h"

#define SMCCC_FAST            0x80000000u
#define SMCCC_64              0x40000000u
#define SMCCC_OWNER_SHIFT     24u
#define SMCCC_OWNER_MASK      0x3f000000u
#define SMCCC_RESERVED_MASK   0x00ff0000u /* bits 23-16: zero in every defined fast-call id */
#define SMCCC_NUMBER_MASK     0x0000ffffu
#define SMCCC_OWNER_ARCH      0u
#define SMCCC_OWNER_STANDARD  4u /* standard secure services: PSCI is numbers 0x00-0x1f */
#define SMCCC_OWNER_VENDOR    6u
#define SMCCC_VERSION         0x80000000u
#define SMCCC_ARCH_FEATURES   0x80000001u
#define SMCCC_VENDOR_QUERIES  0x8600ff00u /* call count, UID, revision: 0xff00-0xffff */
#define SMCCC_NOT_SUPPORTED   0xffffffffu /* -1 in W0 */
#define PSCI_NUMBER_MAX       0x1fu
#define PSCI_CPU_SUSPEND      0x01u
#define PSCI_CPU_OFF          0x02u
#define PSCI_CPU_ON           0x03u
#define PSCI_SYSTEM_OFF       0x08u
#define PSCI_SYSTEM_RESET     0x09u
#define PSCI_CPU_FREEZE       0x0bu
#define PSCI_CPU_DEFAULT_SUSP 0x0cu
#define PSCI_SYSTEM_SUSPEND   0x0eu
#define PSCI_SYSTEM_RESET2    0x12u
#define PSCI_MEM_PROTECT      0x13u
#define PSCI_SYSTEM_OFF2      0x15u
#define PSCI_RESET2_VENDOR    0x80000000u
#define PSCI_OFF2_HIBERNATE   1u
#define MPIDR_AFFINITY_MASK   0xff00ffffffull /* Aff3, Aff2..Aff0 */

static bool is_psci(uint32_t fn)
{
	return (fn & SMCCC_FAST) && ((fn & SMCCC_OWNER_MASK) >> SMCCC_OWNER_SHIFT) == SMCCC_OWNER_STANDARD &&
	       !(fn & SMCCC_RESERVED_MASK) && (fn & SMCCC_NUMBER_MASK) <= PSCI_NUMBER_MAX;
}

static uint64_t own_mpidr(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v & MPIDR_AFFINITY_MASK;
}

/* True for the calls the file comment lists as filtered. */
static bool stops_caller(uint32_t fn, const uint64_t *a)
{
	if (!is_psci(fn))
		return false;
	switch (fn & SMCCC_NUMBER_MASK) {
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_OFF:
	case PSCI_CPU_FREEZE:
	case PSCI_CPU_DEFAULT_SUSP:
	case PSCI_SYSTEM_SUSPEND:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_MEM_PROTECT: return true;
	case PSCI_CPU_ON: {
		uint64_t target = a[0] & MPIDR_AFFINITY_MASK;
		for (unsigned i = 0; i < plat.ncpus; i++)
			if ((plat.cpu_id[i] & MPIDR_AFFINITY_MASK) == target && target != own_mpidr())
				return true;
		return false;
	}
	case PSCI_SYSTEM_RESET2: return (uint32_t)a[0] == 0 || ((uint32_t)a[0] & PSCI_RESET2_VENDOR);
	case PSCI_SYSTEM_OFF2: return (uint32_t)a[0] <= PSCI_OFF2_HIBERNATE;
	default: return false;
	}
}

static uint32_t pick_function(void)
{
	uint32_t width = rnd_chance(50) ? SMCCC_64 : 0;
	unsigned r = (unsigned)rnd_below(100);
	if (r < 30)
		return SMCCC_FAST | width | (SMCCC_OWNER_STANDARD << SMCCC_OWNER_SHIFT) |
		       (uint32_t)rnd_below(PSCI_NUMBER_MAX + 1);
	if (r < 38) /* PSCI numbers in forms that are no PSCI call */
		return (rnd_chance(50) ? 0 : SMCCC_FAST | (uint32_t)(1 + rnd_below(0xff)) << 16) | width |
		       (SMCCC_OWNER_STANDARD << SMCCC_OWNER_SHIFT) | (uint32_t)rnd_below(PSCI_NUMBER_MAX + 1);
	if (r < 50)
		return SMCCC_FAST | (SMCCC_OWNER_ARCH << SMCCC_OWNER_SHIFT) | (uint32_t)rnd_below(0x10) |
		       (rnd_chance(30) ? 0x8000u - (uint32_t)rnd_below(2) * 0x4000u : 0);
	if (r < 70)
		return (rnd_chance(80) ? SMCCC_FAST : 0) | width | (SMCCC_OWNER_VENDOR << SMCCC_OWNER_SHIFT) |
		       (rnd_chance(50) ? 0xff00u + (uint32_t)rnd_below(0x100) : (uint32_t)rnd_below(0x10));
	if (r < 80)
		return SMCCC_FAST | width | (uint32_t)rnd_below(0x40) << SMCCC_OWNER_SHIFT |
		       (uint32_t)rnd_below(0x10000);
	return (uint32_t)rnd_next();
}

static uint64_t pick_arg(const struct random_targets *t)
{
	unsigned r = (unsigned)rnd_below(100);
	if (r < 40)
		return rnd_below(17);
	if (r < 60)
		return t->ram_base + rnd_below(t->ram_end - t->ram_base);
	if (r < 70)
		return own_mpidr() + rnd_below(2);
	return rnd_next();
}

void random_arch_other_call(const struct random_targets *t, struct random_other_call *c)
{
	uint32_t fn;
	c->redrawn = 0;
	for (;;) {
		fn = pick_function();
		for (unsigned i = 0; i < 6; i++)
			c->args[i] = pick_arg(t);
		if (fn != HV_SMCCC_FUNC_HYPERCALL && !stops_caller(fn, c->args))
			break;
		c->redrawn++;
	}
	c->id = rnd_chance(90) ? fn : (rnd_next() << 32 | fn); /* SMCCC: bits 63-32 of X0 are not the id */
	c->sub = 0;
	struct hvc_regs r = {0};
	r.x[0] = c->id;
	for (unsigned i = 0; i < 6; i++)
		r.x[1 + i] = c->args[i];
	for (unsigned i = 7; i < 18; i++)
		r.x[i] = rnd_next();
	hvtest_hvc(&r);
	c->ret[0] = r.x[0];
	c->ret[1] = r.x[1];
	bool known = is_psci(fn) || fn == SMCCC_VERSION || fn == SMCCC_ARCH_FEATURES ||
	             (fn & ~0xffu) == SMCCC_VENDOR_QUERIES;
	c->fault = !known && (uint32_t)r.x[0] != SMCCC_NOT_SUPPORTED
	               ? "an unknown SMCCC function must answer -1"
	               : NULL;
}
