#include "hv/arch/arm64/smp.h"

#include "hv/arch/arm64/dcache.h"
#include "hv/arch/arm64/firmware.h"
#include "hv/arch/arm64/sysreg.h"
#include "hv/base/log.h"
#include "hv/base/percpu.h"

extern uint8_t secondary_entry[];

#define ONLINE_WAIT_LOOPS 200000000u

unsigned smp_start_secondaries(const uint64_t *mpidrs, unsigned n, uint32_t cpu_on_fn)
{
	/* percpu index = position in the DTB's /cpus (what karasu.cfg's cpus= names). The boot PE runs on
	 * stack 0, so it must be /cpus index 0. */
	unsigned online = 1;
	uint64_t self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	if ((mpidrs[0] & MPIDR_AFF_MASK) != self)
		hv_panic("the boot PE (MPIDR %#llx) is not the first CPU in the DTB; not supported",
		         (unsigned long long)self);
	for (unsigned i = 1; i < n && i < HV_MAX_CPUS; i++) {
		struct percpu *p = &percpu_table[i];
		p->index = i;
		p->mpidr = mpidrs[i] & MPIDR_AFF_MASK;
		/* The new PE reads its percpu entry with its MMU (and caches) still off. */
		dcache_clean_range(p, sizeof(*p));
		int64_t r = firmware_psci(cpu_on_fn, p->mpidr, (uint64_t)(uintptr_t)secondary_entry, i);
		if (r != FIRMWARE_PSCI_SUCCESS) {
			hv_log("PE %u (MPIDR %#llx): CPU_ON failed (%lld)", i, (unsigned long long)p->mpidr,
			       (long long)r);
			continue;
		}
		for (unsigned w = 0; w < ONLINE_WAIT_LOOPS && !__atomic_load_n(&p->online, __ATOMIC_ACQUIRE);
		     w++) {
		}
		if (p->online)
			online++;
		else
			hv_log("PE %u (MPIDR %#llx) did not come online", i, (unsigned long long)p->mpidr);
	}
	return online;
}
