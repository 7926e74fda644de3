/* Constants shared by assembly and C: where karasu-hv is linked, how many PEs it supports, stack sizes. */
#ifndef KARASU_HV_ARCH_ARM64_LAYOUT_H
#define KARASU_HV_ARCH_ARM64_LAYOUT_H

#include "hv/base/limits.h"

/* The image is linked 2 MiB above the start of RAM (the arm64 Image header's text_offset), which is where
 * U-Boot's booti and QEMU's -kernel place an Image whose flags do not allow "anywhere". */
#define HV_TEXT_OFFSET 0x200000

/* SCTLR_EL2 with only its RES1 bits (non-VHE: 4,5,11,16,18,22,23,28,29): MMU, caches and alignment checks
 * off. The value entry.S starts with; mmu.c sets M, C and I later. */
#define HV_SCTLR_EL2_INITIAL 0x30c50830
/* CurrentEL value at EL2 (EL in bits [3:2]). */
#define HV_CURRENTEL_EL2     (2 << 2)

#define PERCPU_STACK_SIZE 0x8000 /* 32 KiB per PE */

#endif
