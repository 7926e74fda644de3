/* The hypervisor's GICv3 driver: distributor (boot PE), one redistributor per PE, and the ICC system-register
 * CPU interface at EL2. All hypervisor interrupts are Group 1 with EOImode = 1 (priority drop and
 * deactivation split), so a physical interrupt forwarded to a guest with HW = 1 (the virtual timer) is
 * deactivated by the guest. */
#ifndef KARASU_HV_DRIVERS_GICV3_H
#define KARASU_HV_DRIVERS_GICV3_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_INTID_SPURIOUS 1023u
#define GIC_SGI_KICK       0u /* the hypervisor's IPI: "look at your requests / pending interrupts" */

/* Boot PE: distributor set-up (affinity routing, all SPIs Group 1 and disabled). */
bool gic_init_distributor(uint64_t gicd_base, uint64_t gicr_base, uint64_t gicr_size);
/* Each PE: wakes its redistributor, enables the CPU interface. mpidr = this PE. */
bool gic_init_cpu(uint64_t mpidr);

/* Enables a PPI/SGI on this PE's redistributor, or an SPI routed to the PE with affinity target_mpidr. */
void gic_enable_private(uint32_t intid, bool edge);
void gic_disable_private(uint32_t intid);
void gic_enable_spi(uint32_t intid, uint64_t target_mpidr, bool edge);

/* Acknowledge (ICC_IAR1_EL1), priority drop (EOIR1) and deactivate (DIR). */
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
void gic_deactivate(uint32_t intid);

/* Sends SGI sgi to the PE whose affinity is mpidr. */
void gic_send_sgi(uint64_t mpidr, unsigned sgi);

#endif
