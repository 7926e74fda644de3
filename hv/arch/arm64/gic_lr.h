/* The GICv3 list registers and virtual CPU interface of the current PE (ICH_*_EL2), as the ops that
 * hv-modules' vgic_lr_queue uses. */
#ifndef KARASU_HV_ARCH_ARM64_GIC_LR_H
#define KARASU_HV_ARCH_ARM64_GIC_LR_H

#include <stdint.h>

#include "hv/arch/arm64/vgic_lr_queue.h"

/* ops for the vCPU ctx (a struct vcpu *, passed back to irq_done). */
void gic_lr_ops(struct vgic_lr_ops *ops, void *vcpu);
/* Number of implemented list registers (ICH_VTR_EL2.ListRegs + 1). */
unsigned gic_lr_count(void);
/* Clears every LR, the active-priority registers and ICH_HCR/VMCR (a fresh virtual CPU interface). */
void gic_lr_reset(void);
/* ICH_HCR_EL2.En on/off. */
void gic_vcpu_interface_enable(bool on);

#endif
