/* hvtest.mode=random on RISC-V: the other calls that reach karasu-rv by ECALL (random.h
 * random_arch_other_call): SBI extensions -- the legacy ones, BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, the
 * extensions karasu-rv does not have (SUSP, STA, FWFT, PMU, SSE, ...), karasu's own extension with function
 * ids other than the hypercall, and any 32- or 64-bit EID/FID -- with random a0..a5. The hypercall itself
 * (HV_SBI_EXT_KARASU, FID 0) is the main slice's and is never drawn.
 *
 * Filtered (redrawn, never made), because they legitimately stop, suspend, reset or redirect the caller,
 * write its memory, or write to the console the test reads; EIDs and FIDs are compared in their low 32 bits
 * (the SBI encodes them as 32-bit values), so a variant with high bits is filtered too:
 *   legacy SHUTDOWN and CONSOLE_PUTCHAR; legacy SEND_IPI and the remote fences with a hart-mask pointer
 *   other than NULL (SBI v0.1 reads the mask through a virtual address: a bad one faults the caller);
 *   HSM HART_STOP; HART_START of another hart that exists (it would run random code); HART_SUSPEND with
 *   a valid type (0, 0x80000000: it waits for an interrupt this loop never enables);
 *   SRST SYSTEM_RESET whose type (0, 1, 2, or vendor 0xf0000000 and up) and reason (0, 1, or 0xe0000000
 *   and up) are both valid;
 *   DBCN WRITE/READ with an address in RAM, WRITE_BYTE; SUSP SYSTEM_SUSPEND with a valid sleep type (0);
 *   STA SET_SHMEM, PMU SNAPSHOT_SET_SHMEM, NACL SET_SHMEM, MPXY SET_SHMEM with an address in RAM (the SBI
 *   would write there); FWFT SET (it may turn on landing pads, shadow stacks, misaligned traps); SSE and DBTR
 *   functions 0-15 (they install entry points, triggers, or write attributes to memory).
 * Let through, because they must fail harmlessly: HART_START of this hart (ALREADY_AVAILABLE) or of no hart,
 * HART_SUSPEND and SRST with reserved types or reasons (INVALID_PARAM), DBCN with addresses outside RAM,
 * SET_SHMEM with addresses outside RAM, unknown FIDs of every extension.
 *
 * Checked: every call except a legacy one answers an SBI error code (a0 = 0, -1 .. -14), and leaves a2..a5
 * as they were (the SBI preserves every register but a0 and a1; a legacy call all but a0). Memory is checked
 * by random.c (nothing may change). */
#include <stdint.h>

#include "guest/hvtest/random.h"
#include "karasu/hv.h"

#define EID_LEGACY_PUTCHAR  0x01u
#define EID_LEGACY_SEND_IPI 0x04u
#define EID_LEGACY_SFENCE_A 0x07u /* SEND_IPI .. SFENCE_VMA_ASID take a hart-mask pointer in a0 */
#define EID_LEGACY_SHUTDOWN 0x08u
#define EID_BASE            0x10u
#define EID_TIME            0x54494d45u
#define EID_IPI             0x735049u
#define EID_RFENCE          0x52464e43u
#define EID_HSM             0x48534du
#define EID_SRST            0x53525354u
#define EID_DBCN            0x4442434eu
#define EID_SUSP            0x53555350u
#define EID_STA             0x535441u
#define EID_FWFT            0x46574654u
#define EID_PMU             0x504d55u
#define EID_NACL            0x4e41434cu
#define EID_MPXY            0x4d505859u
#define EID_SSE             0x535345u
#define EID_DBTR            0x44425452u
#define EID_CPPC            0x43505043u
#define HSM_HART_START      0u
#define HSM_HART_STOP       1u
#define HSM_HART_SUSPEND    3u
#define HSM_SUSPEND_NONRET  0x80000000u
#define SRST_WARM_REBOOT    2u
#define SRST_TYPE_VENDOR    0xf0000000u
#define SRST_REASON_FAILURE 1u
#define SRST_REASON_IMPL    0xe0000000u
#define DBCN_WRITE_BYTE     2u
#define STA_SET_SHMEM       0u
#define PMU_SNAPSHOT_SHMEM  7u
#define NACL_SET_SHMEM      1u
#define MPXY_SET_SHMEM      0u
#define FWFT_SET            0u
#define SSE_DBTR_FIDS       16u
#define SBI_ERR_LOWEST      (-14)

static const uint32_t extensions[] = {
    0,          1,
    2,          3,
    4,          5,
    6,          7,
    8,          EID_BASE,
    EID_TIME,   EID_IPI,
    EID_RFENCE, EID_HSM,
    EID_SRST,   EID_DBCN,
    EID_SUSP,   EID_STA,
    EID_FWFT,   EID_PMU,
    EID_NACL,   EID_MPXY,
    EID_SSE,    EID_DBTR,
    EID_CPPC,   HV_SBI_EXT_KARASU,
};

static bool in_ram(const struct random_targets *t, uint64_t a)
{
	return a >= t->ram_base && a < t->ram_end;
}

/* True for the calls the file comment lists as filtered. */
static bool filtered(const struct random_targets *t, uint32_t eid, uint32_t fid, const uint64_t *a)
{
	switch (eid) {
	case EID_LEGACY_PUTCHAR:
	case EID_LEGACY_SHUTDOWN: return true;
	case EID_LEGACY_SEND_IPI:
	case EID_LEGACY_SEND_IPI + 1:
	case EID_LEGACY_SEND_IPI + 2:
	case EID_LEGACY_SFENCE_A: return a[0] != 0;
	case EID_HSM:
		if (fid == HSM_HART_STOP)
			return true;
		if (fid == HSM_HART_START)
			return a[0] < plat.ncpus && a[0] != hvtest_boot_hart;
		if (fid == HSM_HART_SUSPEND)
			return (uint32_t)a[0] == 0 || (uint32_t)a[0] == HSM_SUSPEND_NONRET;
		return false;
	case EID_SRST: {
		uint32_t type = (uint32_t)a[0], reason = (uint32_t)a[1];
		return fid == 0 && (type <= SRST_WARM_REBOOT || type >= SRST_TYPE_VENDOR) &&
		       (reason <= SRST_REASON_FAILURE || reason >= SRST_REASON_IMPL);
	}
	case EID_DBCN: return fid == DBCN_WRITE_BYTE || (fid < DBCN_WRITE_BYTE && in_ram(t, a[1]));
	case EID_SUSP: return fid == 0 && (uint32_t)a[0] == 0;
	case EID_STA: return fid == STA_SET_SHMEM && in_ram(t, a[0]);
	case EID_PMU: return fid == PMU_SNAPSHOT_SHMEM && in_ram(t, a[0]);
	case EID_NACL: return fid == NACL_SET_SHMEM && in_ram(t, a[0]);
	case EID_MPXY: return fid == MPXY_SET_SHMEM && in_ram(t, a[0]);
	case EID_FWFT: return fid == FWFT_SET;
	case EID_SSE:
	case EID_DBTR: return fid < SSE_DBTR_FIDS;
	case HV_SBI_EXT_KARASU: return fid == HV_SBI_FID_HYPERCALL;
	default: return false;
	}
}

static uint64_t pick_arg(const struct random_targets *t)
{
	unsigned r = (unsigned)rnd_below(100);
	if (r < 40)
		return rnd_below(17);
	if (r < 60)
		return t->ram_base + rnd_below(t->ram_end - t->ram_base);
	if (r < 65)
		return (uint64_t)-1; /* "all ones": hart_mask_base = -1, shared memory off */
	return rnd_next();
}

static void pick(const struct random_targets *t, struct random_other_call *c)
{
	unsigned r = (unsigned)rnd_below(100);
	uint64_t eid = r < 70   ? extensions[rnd_below(sizeof(extensions) / sizeof(extensions[0]))]
	               : r < 80 ? 0x09000000u + rnd_below(0x1000000) /* vendor */
	               : r < 85 ? 0x0a000000u + rnd_below(0x1000000) /* firmware */
	               : r < 95 ? (uint32_t)rnd_next()
	                        : rnd_next();
	uint64_t fid = rnd_chance(80) ? rnd_below(10) : rnd_chance(50) ? (uint32_t)rnd_next() : rnd_next();
	if (rnd_chance(5)) /* high bits on a known EID */
		eid |= rnd_next() << 32;
	c->id = eid;
	c->sub = fid;
	for (unsigned i = 0; i < 6; i++)
		c->args[i] = pick_arg(t);
}

void random_arch_other_call(const struct random_targets *t, struct random_other_call *c)
{
	c->redrawn = 0;
	for (pick(t, c); filtered(t, (uint32_t)c->id, (uint32_t)c->sub, c->args); pick(t, c))
		c->redrawn++;
	register uint64_t a0 __asm__("a0") = c->args[0];
	register uint64_t a1 __asm__("a1") = c->args[1];
	register uint64_t a2 __asm__("a2") = c->args[2];
	register uint64_t a3 __asm__("a3") = c->args[3];
	register uint64_t a4 __asm__("a4") = c->args[4];
	register uint64_t a5 __asm__("a5") = c->args[5];
	register uint64_t a6 __asm__("a6") = c->sub;
	register uint64_t a7 __asm__("a7") = c->id;
	__asm__ volatile("ecall"
	                 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6), "+r"(a7)
	                 :
	                 : "memory");
	c->ret[0] = a0;
	c->ret[1] = a1;
	bool legacy = c->id <= EID_LEGACY_SHUTDOWN;
	c->fault = NULL;
	if (a2 != c->args[2] || a3 != c->args[3] || a4 != c->args[4] || a5 != c->args[5] || a6 != c->sub ||
	    a7 != c->id || (legacy && a1 != c->args[1]))
		c->fault = "registers other than a0, a1 changed";
	else if (!legacy && ((int64_t)a0 > 0 || (int64_t)a0 < SBI_ERR_LOWEST))
		c->fault = "a0 is not an SBI error code";
}
