/* System register accessors and the EL2 register fields karasu-hv uses.
 *
 * Field values are named after the Arm ARM (DDI 0487) register descriptions so callers never write bare
 * masks. Accessors take the register name as a token: read_sysreg(hcr_el2), write_sysreg(hcr_el2, v).
 * GICv3 registers that older assemblers do not know by name are given as S<op0>_<op1>_C<n>_C<m>_<op2>.
 */
#ifndef KARASU_HV_ARCH_ARM64_SYSREG_H
#define KARASU_HV_ARCH_ARM64_SYSREG_H

#include <stdint.h>

#include "hv/arch/arm64/esr.h"
#include "hv/arch/arm64/layout.h"

#define read_sysreg(reg)                                        \
	({                                                      \
		uint64_t val_;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(val_)); \
		val_;                                           \
	})
#define write_sysreg(reg, val)                                    \
	do {                                                      \
		uint64_t val_ = (uint64_t)(val);                  \
		__asm__ volatile("msr " #reg ", %0" ::"r"(val_)); \
	} while (0)

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}
static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}
static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}
static inline void dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" ::: "memory");
}
static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}
static inline void wfe(void)
{
	__asm__ volatile("wfe" ::: "memory");
}
static inline void sev(void)
{
	__asm__ volatile("sev" ::: "memory");
}
static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}
static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}
/* Masks IRQs and returns the previous mask state, for irq_restore. */
static inline uint64_t irq_save(void)
{
	uint64_t daif;
	__asm__ volatile("mrs %0, daif" : "=r"(daif)::"memory");
	irq_disable();
	return daif;
}
static inline void irq_restore(uint64_t daif)
{
	__asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
}

/* CurrentEL */

/* HCR_EL2 */
#define HCR_VM        (1ull << 0)  /* stage-2 translation for EL1/EL0 */
#define HCR_SWIO      (1ull << 1)  /* set/way invalidate becomes clean+invalidate */
#define HCR_FMO       (1ull << 3)  /* physical FIQ to EL2, virtual FIQ to EL1 */
#define HCR_IMO       (1ull << 4)  /* physical IRQ to EL2, virtual IRQ to EL1 */
#define HCR_AMO       (1ull << 5)  /* SError to EL2 */
#define HCR_FB        (1ull << 9)  /* broadcast TLB/IC maintenance in the inner shareable domain */
#define HCR_BSU_INNER (1ull << 10) /* barriers upgraded to inner shareable */
#define HCR_TWI       (1ull << 13)
#define HCR_TSC       (1ull << 19) /* trap SMC from EL1 (guest PSCI over smc) */
#define HCR_TACR      (1ull << 21)
#define HCR_RW        (1ull << 31) /* EL1 is AArch64 */
/* While no guest runs on a PE. IMO/FMO route physical interrupts to EL2: with them clear an interrupt
 * targets EL1 and is never taken at EL2, yet it still ends every WFI, so an idle PE with a kick pending would
 * spin in its idle loop instead of sleeping. */
#define HCR_HOST      (HCR_IMO | HCR_FMO | HCR_RW)

/* SPSR_EL2 for entering EL1 */
#define SPSR_MODE_EL1H   0x5u
#define SPSR_F           (1u << 6)
#define SPSR_I           (1u << 7)
#define SPSR_A           (1u << 8)
#define SPSR_D           (1u << 9)
#define SPSR_EL1H_MASKED (SPSR_MODE_EL1H | SPSR_F | SPSR_I | SPSR_A | SPSR_D)
#define SPSR_MODE_MASK   0xfu

/* SCTLR_EL2 / SCTLR_EL1 */
#define SCTLR_M         (1ull << 0)
#define SCTLR_A         (1ull << 1)
#define SCTLR_C         (1ull << 2)
#define SCTLR_SA        (1ull << 3)
#define SCTLR_I         (1ull << 12)
#define SCTLR_WXN       (1ull << 19)
#define SCTLR_EE        (1ull << 25)
#define SCTLR_EL2_RES1  ((uint64_t)HV_SCTLR_EL2_INITIAL)
/* SCTLR_EL1 at reset as Linux expects to find it: MMU and caches off, little-endian, RES1 bits set. */
#define SCTLR_EL1_RESET 0x30d00800ull

/* CPTR_EL2 (non-VHE) */
#define CPTR_EL2_RES1 0x33ffull
#define CPTR_TFP      (1ull << 10)

/* CNTHCTL_EL2 (non-VHE) */
#define CNTHCTL_EL1PCTEN (1ull << 0)
#define CNTHCTL_EL1PCEN  (1ull << 1)

/* ID_AA64MMFR0_EL1 */
#define MMFR0_PARANGE_MASK 0xfu

/* MPIDR_EL1 */
#define MPIDR_AFF_MASK 0xff00ffffffull
#define MPIDR_AFF0(m)  ((m)&0xffu)

/* TCR_EL2 (non-VHE) */
#define TCR_EL2_RES1   ((1ull << 31) | (1ull << 23))
#define TCR_T0SZ(bits) ((uint64_t)(64u - (bits)))
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER  (3ull << 12)
#define TCR_TG0_4K     (0ull << 14)
#define TCR_PS_SHIFT   16

/* MAIR attribute indices used by the EL2 page tables. */
#define MAIR_IDX_NORMAL   0u
#define MAIR_IDX_DEVICE   1u
#define MAIR_NORMAL_WB    0xffull /* inner/outer write-back, read/write-allocate */
#define MAIR_DEVICE_NGNRE 0x04ull
#define MAIR_VALUE        (MAIR_NORMAL_WB << (8 * MAIR_IDX_NORMAL) | MAIR_DEVICE_NGNRE << (8 * MAIR_IDX_DEVICE))

/* GICv3 CPU interface registers (S3_x_C12_...). */
#define ICC_SRE_EL2_SRE    (1ull << 0)
#define ICC_SRE_EL2_DFB    (1ull << 1)
#define ICC_SRE_EL2_DIB    (1ull << 2)
#define ICC_SRE_EL2_ENABLE (1ull << 3)
#define ICC_CTLR_EOIMODE   (1ull << 1)

#define ICH_HCR_EN   (1ull << 0)
#define ICH_HCR_UIE  (1ull << 1) /* maintenance interrupt when at most one LR is valid */
#define ICH_HCR_NPIE (1ull << 3) /* maintenance interrupt when no LR is pending */

#define ICH_VTR_LISTREGS_MASK 0x1fu /* number of LRs minus one */

#endif
