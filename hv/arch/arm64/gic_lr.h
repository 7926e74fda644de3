/* The virtual CPU interface's list registers of the current PE, behind a back-end interface so that the vCPU
 * code (hv/core/vcpu.c) and the LR queue (hv/vdev/vgic_lr_queue.h) do not depend on how they are reached.
 * gic_lr_v3 is the GICv3 back end (ICH_*_EL2 system registers); gic_lr_v2 the GICv2 one (GICH_* in an MMIO
 * frame), which translates the LR values from and to the queue's canonical ICH_LR<n>_EL2 layout (gich_lr.h). */
#ifndef KARASU_HV_ARCH_ARM64_GIC_LR_H
#define KARASU_HV_ARCH_ARM64_GIC_LR_H

#include <stdbool.h>
#include <stdint.h>

struct gic_lr_backend {
	const char *name;
	/* Number of implemented list registers (GICv3: ICH_VTR_EL2.ListRegs + 1). */
	unsigned (*count)(void);
	uint64_t (*read_lr)(unsigned index);
	void (*write_lr)(unsigned index, uint64_t value);
	/* Bit n set: LR n holds no interrupt (ICH_ELRSR_EL2). */
	uint32_t (*read_elrsr)(void);
	/* The underflow maintenance interrupt (ICH_HCR_EL2.UIE). */
	void (*set_underflow_irq)(bool enable);
	/* Clears every LR, the active-priority registers and the interface's control (a fresh virtual CPU
	 * interface). */
	void (*reset)(void);
	/* The virtual CPU interface on or off (ICH_HCR_EL2.En). */
	void (*interface_enable)(bool on);
};

extern const struct gic_lr_backend gic_lr_v3;
extern const struct gic_lr_backend gic_lr_v2;
/* Where the GICv2 hypervisor interface (GICH) is mapped; boot PE, before gic_lr_v2 is used. */
void gic_lr_v2_set_base(uint64_t gich_base);

#endif
