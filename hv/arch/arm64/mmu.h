/* EL2 stage-1 translation: an identity map of RAM (Normal write-back, inner shareable) and of the devices
 * karasu-hv drives (Device-nGnRE, execute-never). The boot PE builds the tables; every PE turns them on. */
#ifndef KARASU_HV_ARCH_ARM64_MMU_H
#define KARASU_HV_ARCH_ARM64_MMU_H

#include <stdbool.h>
#include <stdint.h>

enum el2_map_kind { EL2_MAP_NORMAL, EL2_MAP_DEVICE };

/* Identity-maps [base, base+size) (rounded out to 4 KiB). Returns false when the table pool is exhausted or
 * the range lies beyond the translated address space. Boot PE, before mmu_enable on other PEs. */
bool mmu_map_identity(uint64_t base, uint64_t size, enum el2_map_kind kind);
/* Turns on the EL2 MMU, data and instruction caches on this PE (alignment checks stay off). */
void mmu_enable(void);
/* Physical address bits (ID_AA64MMFR0_EL1.PARange decoded). */
unsigned mmu_pa_bits(void);

#endif
