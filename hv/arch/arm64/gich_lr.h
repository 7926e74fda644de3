/* The GICv2 list-register layout (GICH_LR<n>, IHI 0048B 5.3.x) and its translation from and to the ICH_LR<n>_EL2
 * layout that the LR queue (hv/vdev/vgic_lr_queue.h) works in. Pure arithmetic: the GICv2 back end
 * (gic_lr_v2.c) applies it on every LR access, and host unit tests check it.
 *
 *   GICH_LR:  VirtualID [9:0], PhysicalID [19:10] (HW = 1) or EOI [19] + CPUID [12:10] (HW = 0),
 *             Priority [27:23] (the top 5 bits of an 8-bit priority), State [29:28], Grp1 [30], HW [31].
 *   ICH_LR:   vINTID [31:0], pINTID [44:32] (HW = 1) or EOI [41] (HW = 0), Priority [55:48], Group [60],
 *             HW [61], State [63:62].
 *
 * What GICv2 cannot hold is dropped on the way in: INTIDs above 1023 (the model never has them) and the low 3
 * priority bits (GICv2 list registers keep 5; the virtual CPU interface compares 5 bits too). CPUID, the source
 * of a virtual SGI, is written as 0: the model does not track SGI sources (a guest sees every SGI as sent by
 * CPU 0 and completes it with that value, which is consistent). */
#ifndef KARASU_HV_ARCH_ARM64_GICH_LR_H
#define KARASU_HV_ARCH_ARM64_GICH_LR_H

#include <stdint.h>

#define GICH_LR_VIRTUAL_ID_MASK   0x3ffu
#define GICH_LR_PHYSICAL_ID_SHIFT 10u
#define GICH_LR_PHYSICAL_ID_MASK  0x3ffu
#define GICH_LR_EOI               (1u << 19)
#define GICH_LR_PRIORITY_SHIFT    23u
#define GICH_LR_PRIORITY_MASK     0x1fu
#define GICH_LR_STATE_SHIFT       28u
#define GICH_LR_STATE_MASK        0x3u
#define GICH_LR_GROUP1            (1u << 30)
#define GICH_LR_HW                (1u << 31)
#define GICH_LR_PRIORITY_DROP     3u /* 8-bit priority -> the 5 bits GICH_LR holds */

#define ICH_LR_FORMAT_VINTID_MASK  0xffffffffull
#define ICH_LR_FORMAT_PINTID_SHIFT 32u
#define ICH_LR_FORMAT_PINTID_MASK  0x1fffull
#define ICH_LR_FORMAT_EOI          (1ull << 41)
#define ICH_LR_FORMAT_PRIO_SHIFT   48u
#define ICH_LR_FORMAT_PRIO_MASK    0xffull
#define ICH_LR_FORMAT_GROUP1       (1ull << 60)
#define ICH_LR_FORMAT_HW           (1ull << 61)
#define ICH_LR_FORMAT_STATE_SHIFT  62u
#define ICH_LR_FORMAT_STATE_MASK   0x3ull

static inline uint32_t gich_lr_from_ich(uint64_t ich)
{
	uint32_t lr = (uint32_t)(ich & ICH_LR_FORMAT_VINTID_MASK) & GICH_LR_VIRTUAL_ID_MASK;
	uint32_t prio = (uint32_t)((ich >> ICH_LR_FORMAT_PRIO_SHIFT) & ICH_LR_FORMAT_PRIO_MASK);
	lr |= ((prio >> GICH_LR_PRIORITY_DROP) & GICH_LR_PRIORITY_MASK) << GICH_LR_PRIORITY_SHIFT;
	lr |= (uint32_t)((ich >> ICH_LR_FORMAT_STATE_SHIFT) & ICH_LR_FORMAT_STATE_MASK)
	      << GICH_LR_STATE_SHIFT;
	if (ich & ICH_LR_FORMAT_GROUP1)
		lr |= GICH_LR_GROUP1;
	if (ich & ICH_LR_FORMAT_HW) {
		uint32_t pintid = (uint32_t)((ich >> ICH_LR_FORMAT_PINTID_SHIFT) & ICH_LR_FORMAT_PINTID_MASK);
		lr |= GICH_LR_HW | (pintid & GICH_LR_PHYSICAL_ID_MASK) << GICH_LR_PHYSICAL_ID_SHIFT;
	} else if (ich & ICH_LR_FORMAT_EOI) {
		lr |= GICH_LR_EOI;
	}
	return lr;
}

static inline uint64_t gich_lr_to_ich(uint32_t lr)
{
	uint64_t ich = lr & GICH_LR_VIRTUAL_ID_MASK;
	uint64_t prio = ((lr >> GICH_LR_PRIORITY_SHIFT) & GICH_LR_PRIORITY_MASK) << GICH_LR_PRIORITY_DROP;
	ich |= prio << ICH_LR_FORMAT_PRIO_SHIFT;
	ich |= (uint64_t)((lr >> GICH_LR_STATE_SHIFT) & GICH_LR_STATE_MASK) << ICH_LR_FORMAT_STATE_SHIFT;
	if (lr & GICH_LR_GROUP1)
		ich |= ICH_LR_FORMAT_GROUP1;
	if (lr & GICH_LR_HW) {
		uint64_t pintid = (lr >> GICH_LR_PHYSICAL_ID_SHIFT) & GICH_LR_PHYSICAL_ID_MASK;
		ich |= ICH_LR_FORMAT_HW | pintid << ICH_LR_FORMAT_PINTID_SHIFT;
	} else if (lr & GICH_LR_EOI) {
		ich |= ICH_LR_FORMAT_EOI;
	}
	return ich;
}

#endif
