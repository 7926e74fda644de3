#include "hv/arch/arm64/tlb.h"

#include "hv/arch/arm64/sysreg.h"

#define PAGE_BYTES     4096u
#define TLBI_IPA_SHIFT 12u /* TLBI IPAS2E1IS takes IPA[55:12] in Xt[43:0] */

void tlb_invalidate_guest_ipa(uint64_t vttbr, uint64_t ipa, uint64_t size)
{
	uint64_t daif = read_sysreg(daif);
	irq_disable();
	uint64_t saved = read_sysreg(vttbr_el2);
	/* The TLBIs act on the VMID of VTTBR_EL2. */
	write_sysreg(vttbr_el2, vttbr);
	isb();
	dsb_ishst(); /* the descriptor change is visible to the table walkers first */
	for (uint64_t a = ipa & ~(uint64_t)(PAGE_BYTES - 1); a < ipa + size; a += PAGE_BYTES)
		__asm__ volatile("tlbi ipas2e1is, %0" ::"r"(a >> TLBI_IPA_SHIFT) : "memory");
	dsb_ish();
	__asm__ volatile("tlbi vmalle1is" ::: "memory");
	dsb_ish();
	write_sysreg(vttbr_el2, saved);
	isb();
	write_sysreg(daif, daif);
}
