/* The partition's interrupt controller: the vGIC model (hv/vdev/vgic.h) of each partition, and what the rest
 * of karasu asks of it. Devices raise their interrupt lines here, the vCPU code reports list registers the
 * guest finished, and the physical interrupts that belong to a guest (its virtual timer) are forwarded from
 * here. Delivery pushes into the target vCPU's list-register queue and kicks its PE after the vGIC lock is
 * released. The register windows are separate bindings (gic_dist.c, gic_redist.c). */
#ifndef KARASU_HV_CORE_DEVICES_IRQCHIP_H
#define KARASU_HV_CORE_DEVICES_IRQCHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vdev/vgic.h"

struct partition;
struct vcpu;

#define GUEST_SPIS 64u /* shared interrupts each guest's vGIC models */

/* Boot PE, once: the virtual timer's and the maintenance interrupt's handlers, the SGI registers. */
void irqchip_init(void);
bool irqchip_attach(struct partition *p);
/* The partition's vGIC model (for its register-window bindings). */
struct vgic *irqchip_vgic(struct partition *p);

/* The level of a shared interrupt line (INTID >= 32) of p, from one of its devices. */
void partition_irq_set_level(struct partition *p, uint32_t intid, bool level);
/* An edge on interrupt intid of vCPU vcpu of p (a private INTID is that vCPU's own). */
void partition_irq_raise(struct partition *p, unsigned vcpu, uint32_t intid);
/* v (re)started: its private interrupts queued before are released in the model. */
void irqchip_vcpu_started(struct vcpu *v);
/* The guest finished intid in a list register of v. */
void irqchip_irq_done(struct vcpu *v, uint32_t intid);

#endif
