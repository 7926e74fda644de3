/* Emulated GICv2 distributor (GICD_*, IHI 0048B section 4.3), one 4 KiB frame per partition, over the shared
 * model in vgic.h (initialised with vgic_init_v2). The guest sees a GIC without the Security Extensions.
 *
 * Registers: CTLR (EnableGrp0 [0], EnableGrp1 [1]), TYPER (ITLinesNumber from nr_spis, CPUNumber, SecurityExtn
 * = 0), IIDR, IGROUPR, ISENABLER/ICENABLER, ISPENDR/ICPENDR, ISACTIVER/ICACTIVER, IPRIORITYR (byte or word),
 * ITARGETSR (byte or word), ICFGR, NSACR (RAZ/WI), SGIR (write-only), CPENDSGIR/SPENDSGIR (byte or word),
 * ICPIDR2 (ArchRev 2). The registers of INTIDs 0-31 (the first word of each bit array, IPRIORITYR0-7,
 * ITARGETSR0-7, ICFGR0/1) are banked: they act on the accessing vCPU's SGIs and PPIs. SGIs are always edge
 * and their pending state is changed through SGIR/SPENDSGIR/CPENDSGIR only (ISPENDR0/ICPENDR0 bits 0-15 are
 * WI, as the spec allows). Unknown offsets read as zero and ignore writes.
 *
 * SGI sources are not tracked (vgic_lr_queue.h): SPENDSGIR/CPENDSGIR show a pending SGI as pending from CPU 0,
 * and a write of any non-zero byte sets/clears it whatever the source bits.
 */
#ifndef KARASU_HV_VDEV_VGICD_V2_H
#define KARASU_HV_VDEV_VGICD_V2_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vdev/vgic.h"

#define VGICD2_FRAME_SIZE 0x1000u

/* Register offsets (IHI 0048B Table 4-1). */
#define VGICD2_CTLR       0x000u
#define VGICD2_TYPER      0x004u
#define VGICD2_IIDR       0x008u
#define VGICD2_IGROUPR    0x080u
#define VGICD2_ISENABLER  0x100u
#define VGICD2_ICENABLER  0x180u
#define VGICD2_ISPENDR    0x200u
#define VGICD2_ICPENDR    0x280u
#define VGICD2_ISACTIVER  0x300u
#define VGICD2_ICACTIVER  0x380u
#define VGICD2_IPRIORITYR 0x400u
#define VGICD2_ITARGETSR  0x800u
#define VGICD2_ICFGR      0xc00u
#define VGICD2_NSACR      0xe00u
#define VGICD2_SGIR       0xf00u
#define VGICD2_CPENDSGIR  0xf10u
#define VGICD2_SPENDSGIR  0xf20u
#define VGICD2_ICPIDR2    0xfe8u

/* GICD_CTLR (no Security Extensions). */
#define VGICD2_CTLR_ENABLE_GRP0 (1u << 0)
#define VGICD2_CTLR_ENABLE_GRP1 (1u << 1)

/* GICD_TYPER. */
#define VGICD2_TYPER_ITLINES_MASK 0x1fu
#define VGICD2_TYPER_CPUS_SHIFT   5u /* CPUNumber [7:5]: CPU interfaces - 1 */

/* GICD_SGIR. */
#define VGICD2_SGIR_INTID_MASK    0xfu
#define VGICD2_SGIR_TARGETS_SHIFT 16u /* CPUTargetList [23:16] */
#define VGICD2_SGIR_TARGETS_MASK  0xffu
#define VGICD2_SGIR_FILTER_SHIFT  24u /* TargetListFilter [25:24] */
#define VGICD2_SGIR_FILTER_MASK   0x3u
#define VGICD2_SGIR_FILTER_LIST   0u /* the CPUs in CPUTargetList */
#define VGICD2_SGIR_FILTER_OTHERS 1u /* every CPU but the requester */
#define VGICD2_SGIR_FILTER_SELF   2u /* the requester only */

/* ICPIDR2: ArchRev [7:4]. */
#define VGICD2_ICPIDR2_ARCHREV_SHIFT 4u
#define VGICD2_ICPIDR2_ARCHREV_GICV2 2u

/* MMIO access to the distributor frame at byte offset by vcpu. Sizes: 4 (everything), 1 (IPRIORITYR, ITARGETSR,
 * CPENDSGIR, SPENDSGIR only). Returns false for a bad size or alignment, or an offset outside the frame (the
 * MMIO bus then injects an external abort). */
bool vgicd_v2_mmio_read(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t *val);
bool vgicd_v2_mmio_write(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, uint64_t val);

#endif
