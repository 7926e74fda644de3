/* Emulated GICv3 distributor (GICD_*, one 64 KiB frame per partition) over the shared model in vgic.h.
 *
 * Registers: CTLR (EnableGrp0 [0], EnableGrp1 [1] writable; ARE [4] and DS [6] read-as-one), TYPER
 * (ITLinesNumber from nr_spis, CPUNumber, IDbits = 9, No LPIs), TYPER2 = 0, IIDR, STATUSR = 0, IGROUPR,
 * ISENABLER/ICENABLER, ISPENDR/ICPENDR, ISACTIVER/ICACTIVER, IPRIORITYR (byte or word), ITARGETSR (RAZ/WI:
 * affinity routing), ICFGR, IGRPMODR/NSACR (RAZ/WI), IROUTER (64-bit or 32-bit halves), PIDR2 (ArchRev 3).
 * The banked private-interrupt parts (INTIDs 0-31) of the bit arrays are RAZ/WI here (ARE=1: they live in
 * the redistributor). Unknown offsets inside the frame read as zero and ignore writes (returns true).
 */
#ifndef KARASU_HV_VDEV_VGICD_H
#define KARASU_HV_VDEV_VGICD_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vdev/vgic.h"

#define VGICD_FRAME_SIZE 0x10000u

/* Register offsets. */
#define GICD_CTLR       0x0000u
#define GICD_TYPER      0x0004u
#define GICD_IIDR       0x0008u
#define GICD_TYPER2     0x000cu
#define GICD_STATUSR    0x0010u
#define GICD_IGROUPR    0x0080u
#define GICD_ISENABLER  0x0100u
#define GICD_ICENABLER  0x0180u
#define GICD_ISPENDR    0x0200u
#define GICD_ICPENDR    0x0280u
#define GICD_ISACTIVER  0x0300u
#define GICD_ICACTIVER  0x0380u
#define GICD_IPRIORITYR 0x0400u
#define GICD_ITARGETSR  0x0800u
#define GICD_ICFGR      0x0c00u
#define GICD_IGRPMODR   0x0d00u
#define GICD_NSACR      0x0e00u
#define GICD_SGIR       0x0f00u
#define GICD_IROUTER    0x6000u /* + 8 * INTID (SPIs only: 0x6100 for INTID 32) */
#define GICD_PIDR2      0xffe8u

/* GICD_CTLR bits (single security state, DS = 1). */
#define GICD_CTLR_ENABLE_GRP0 (1u << 0)
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE         (1u << 4)
#define GICD_CTLR_DS          (1u << 6)
#define GICD_CTLR_RWP         (1u << 31)

/* GICD_TYPER fields. */
#define GICD_TYPER_ITLINES_MASK 0x1fu /* (number of INTIDs / 32) - 1 */
#define GICD_TYPER_CPUS_SHIFT   5u    /* CPUNumber [7:5]: implemented PEs - 1 (legacy field) */
#define GICD_TYPER_IDBITS_SHIFT 19u   /* IDbits [23:19]: INTID bits - 1 */

/* GICD_IROUTER fields. */
#define GICD_IROUTER_IRM (1ull << 31)

/* PIDR2 (GICD and GICR): ArchRev [7:4]. */
#define GIC_PIDR2_ARCHREV_SHIFT 4u
#define GIC_PIDR2_ARCHREV_GICV3 3u

/* GICD_IIDR / GICR_IIDR: ProductID [31:24], Implementer [11:0]. karasu uses a private value so guests apply
 * no vendor errata workarounds. */
#define VGIC_IIDR 0x4b000000u /* ProductID 'K', Implementer 0 */

/* MMIO access to the distributor frame at byte offset (< VGICD_FRAME_SIZE) by vcpu. Sizes: 1 (IPRIORITYR,
 * ITARGETSR only), 4 (everything), 8 (IROUTER only). Returns false for a bad size/alignment or an offset
 * outside the frame (the MMIO bus then injects an external abort). */
bool vgicd_mmio_read(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t *val);
bool vgicd_mmio_write(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t val);

#endif
