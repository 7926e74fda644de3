/* Emulated GICv3 redistributors: one 128 KiB region per vCPU (RD_base frame, then SGI_base frame), laid out
 * contiguously in vCPU order, over the shared model in vgic.h.
 *
 * RD_base: CTLR (RAZ/WI: no LPIs), IIDR, TYPER (Affinity_Value [63:32] from the vCPU's MPIDR, Processor_Number
 * [23:8] = vCPU index, Last [4] on the last vCPU, PLPIS = 0), STATUSR, WAKER (ProcessorSleep [1] writable;
 * ChildrenAsleep [2] follows it at once), PROPBASER/PENDBASER (RAZ/WI), PIDR2 (ArchRev 3).
 * SGI_base: IGROUPR0, ISENABLER0/ICENABLER0, ISPENDR0/ICPENDR0, ISACTIVER0/ICACTIVER0, IPRIORITYR0-7 (byte or
 * word), ICFGR0 (SGIs: always edge, read-only), ICFGR1 (PPIs), IGRPMODR0/NSACR (RAZ/WI).
 */
#ifndef KARASU_HV_VDEV_VGICR_H
#define KARASU_HV_VDEV_VGICR_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vdev/vgic.h"

#define VGICR_FRAME_SIZE 0x10000u
#define VGICR_STRIDE     0x20000u /* RD_base + SGI_base per redistributor */
#define VGICR_SGI_BASE   0x10000u /* offset of SGI_base inside one redistributor */

/* RD_base offsets. */
#define GICR_CTLR      0x0000u
#define GICR_IIDR      0x0004u
#define GICR_TYPER     0x0008u
#define GICR_STATUSR   0x0010u
#define GICR_WAKER     0x0014u
#define GICR_PROPBASER 0x0070u
#define GICR_PENDBASER 0x0078u
#define GICR_PIDR2     0xffe8u

/* SGI_base offsets (relative to SGI_base). */
#define GICR_IGROUPR0    0x0080u
#define GICR_ISENABLER0  0x0100u
#define GICR_ICENABLER0  0x0180u
#define GICR_ISPENDR0    0x0200u
#define GICR_ICPENDR0    0x0280u
#define GICR_ISACTIVER0  0x0300u
#define GICR_ICACTIVER0  0x0380u
#define GICR_IPRIORITYR0 0x0400u /* 0x400 .. 0x41f */
#define GICR_ICFGR0      0x0c00u
#define GICR_ICFGR1      0x0c04u
#define GICR_IGRPMODR0   0x0d00u
#define GICR_NSACR       0x0e00u

#define GICR_TYPER_PLPIS           (1ull << 0)
#define GICR_TYPER_LAST            (1ull << 4)
#define GICR_TYPER_PROCNUM_SHIFT   8u
#define GICR_TYPER_AFF_SHIFT       32u
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* The size of the redistributor region for nr_vcpus (what the guest DTB's second "reg" entry says). */
#define VGICR_REGION_SIZE(nr_vcpus) ((uint64_t)(nr_vcpus)*VGICR_STRIDE)

/* MMIO access at byte offset from the start of the redistributor REGION (not one frame): offset / VGICR_STRIDE
 * selects the redistributor (any vCPU may access any redistributor), the rest the register. vcpu is the
 * accessing vCPU (unused today). Sizes: 1 (IPRIORITYR), 4, 8 (TYPER, PROPBASER, PENDBASER). Returns false for
 * a bad size/alignment or an offset beyond the last redistributor. */
bool vgicr_mmio_read(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t *val);
bool vgicr_mmio_write(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t val);

#endif
