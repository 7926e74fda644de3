/* TLB maintenance for a partition's stage-2 translations, from any PE. */
#ifndef KARASU_HV_ARCH_ARM64_TLB_H
#define KARASU_HV_ARCH_ARM64_TLB_H

#include <stdint.h>

/* Removes every TLB entry, on every PE of the inner-shareable domain, that may hold a translation of the IPAs
 * [ipa, ipa+size) of the VMID in vttbr (a VTTBR_EL2 value): the stage-2 entries by IPA, then the guest's
 * combined stage-1+2 entries (which cannot be found by IPA). For a stage-2 descriptor that was made invalid or
 * changed while the guest runs. The calling PE may be running another guest: its VTTBR_EL2 is switched for the
 * duration, with interrupts masked. */
void tlb_invalidate_guest_ipa(uint64_t vttbr, uint64_t ipa, uint64_t size);

#endif
