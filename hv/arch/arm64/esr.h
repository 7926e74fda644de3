/* Exception syndromes: the ESR_EL2 fields karasu-hv decodes (Arm ARM D17.2.37) and the fault-address helpers.
 * Constants only, no register access, so the pure decoders (mmio_decode.c) build on the host too. */
#ifndef KARASU_HV_ARCH_ARM64_ESR_H
#define KARASU_HV_ARCH_ARM64_ESR_H

#include <stdint.h>

/* ESR_EL2 */
#define ESR_EC_SHIFT       26
#define ESR_EC_MASK        0x3fu
#define ESR_IL             (1u << 25)
#define ESR_ISS_MASK       0x1ffffffu
#define ESR_ISS_IMM16_MASK 0xffffu  /* HVC/SMC immediate */
#define PAGE_OFFSET_MASK   0xfffull /* byte within a 4 KiB page (FAR low bits complete the HPFAR page) */
static inline unsigned esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

#define EC_UNKNOWN    0x00u
#define EC_WFX        0x01u
#define EC_CP15_32    0x03u
#define EC_SIMD_FP    0x07u
#define EC_HVC64      0x16u
#define EC_SMC64      0x17u
#define EC_SYSREG     0x18u
#define EC_IABT_LOWER 0x20u
#define EC_IABT_CUR   0x21u
#define EC_PC_ALIGN   0x22u
#define EC_DABT_LOWER 0x24u
#define EC_DABT_CUR   0x25u
#define EC_SP_ALIGN   0x26u
#define EC_SERROR     0x2fu
#define EC_BRK64      0x3cu
#define EC_COUNT      0x40u

/* Data abort ISS */
#define DABT_ISV       (1u << 24)
#define DABT_SAS_SHIFT 22
#define DABT_SAS_MASK  0x3u
#define DABT_SSE       (1u << 21)
#define DABT_SRT_SHIFT 16
#define DABT_SRT_MASK  0x1fu
#define DABT_SF        (1u << 15)
#define DABT_AR        (1u << 14)
#define DABT_CM        (1u << 8) /* the abort came from a cache maintenance (DC/IC) instruction */
#define DABT_S1PTW     (1u << 7)
#define DABT_WNR       (1u << 6)
#define DABT_DFSC_MASK 0x3fu

/* EC 0x18 (MSR/MRS) ISS: Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5] CRm[4:1] Direction[0] */
#define SYSREG_ISS_DIR_READ 1u
#define SYSREG_ISS_RT_SHIFT 5
#define SYSREG_ISS_RT_MASK  0x1fu
/* Mask of the register-identifying fields (everything but Rt and direction). */
#define SYSREG_ISS_ID_MASK  0x3ffc1eu
#define SYSREG_ISS_ID(op0, op1, crn, crm, op2)                                         \
	(((uint32_t)(op0) << 20) | ((uint32_t)(op2) << 17) | ((uint32_t)(op1) << 14) | \
	 ((uint32_t)(crn) << 10) | ((uint32_t)(crm) << 1))

/* HPFAR_EL2: FIPA[43:4] holds IPA[55:12] */
#define HPFAR_FIPA_MASK 0xfffffffffff0ull
static inline uint64_t hpfar_to_ipa_page(uint64_t hpfar)
{
	return (hpfar & HPFAR_FIPA_MASK) << 8;
}

#endif
