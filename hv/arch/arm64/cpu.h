/* Named accessors for the PE state the rest of karasu-hv needs (counter, identity, address sizes, the EL2
 * timer, the guest's virtual timer), so that no code outside hv/arch reads or writes a system register itself.
 * All are inline: each is one or two instructions. */
#ifndef KARASU_HV_ARCH_ARM64_CPU_H
#define KARASU_HV_ARCH_ARM64_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch/arm64/sysreg.h"

#define CNTV_CTL_IMASK   (1ull << 1)
#define CNTHP_CTL_ENABLE (1ull << 0)

/* The system counter (CNTPCT_EL0) and its frequency in Hz (CNTFRQ_EL0; 0 if firmware left it unset). */
static inline uint64_t cpu_counter(void)
{
	return read_sysreg(cntpct_el0);
}
static inline uint64_t cpu_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}
/* Milliseconds since the counter started (power-on), 0 without a frequency. */
static inline uint64_t cpu_uptime_ms(void)
{
	uint64_t freq = cpu_counter_freq();
	return freq ? cpu_counter() * 1000u / freq : 0;
}

/* MPIDR_EL1 as read (cpu_affinity: the affinity fields only). */
static inline uint64_t cpu_mpidr(void)
{
	return read_sysreg(mpidr_el1);
}
static inline uint64_t cpu_affinity(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

/* ID_AA64MMFR0_EL1.PARange (the physical address size, encoded). */
static inline unsigned cpu_parange(void)
{
	return (unsigned)(read_sysreg(id_aa64mmfr0_el1) & MMFR0_PARANGE_MASK);
}

/* The EL2 physical timer (CNTHP_*), the hypervisor's own one-shot tick. */
static inline bool hyp_timer_armed(void)
{
	return (read_sysreg(cnthp_ctl_el2) & CNTHP_CTL_ENABLE) != 0;
}
static inline void hyp_timer_arm(uint64_t ticks)
{
	write_sysreg(cnthp_tval_el2, ticks);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}
/* Disarms it, which also lowers its interrupt line. */
static inline void hyp_timer_stop(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

/* The EL1 virtual timer of the guest that ran on this PE: masked (its interrupt line drops, the guest's
 * settings stay) or switched off. */
static inline void guest_vtimer_mask(void)
{
	write_sysreg(cntv_ctl_el0, read_sysreg(cntv_ctl_el0) | CNTV_CTL_IMASK);
}
static inline void guest_vtimer_off(void)
{
	write_sysreg(cntv_ctl_el0, 0);
}

#endif
