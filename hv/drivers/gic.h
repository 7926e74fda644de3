/* The hypervisor's physical interrupt controller, behind one set of operations so that the rest of karasu-hv
 * does not depend on which GIC the platform has. gicv3_ops (gicv3.c) drives a GICv3 (distributor,
 * redistributors, ICC system-register CPU interface); a GICv2 driver (distributor + GICC frame) would be a
 * second instance, chosen from the platform DTB with gic_select. All hypervisor interrupts are Group 1 with
 * EOImode = 1 (priority drop and deactivation split), so a physical interrupt forwarded to a guest with
 * HW = 1 (the virtual timer) is deactivated by the guest. */
#ifndef KARASU_HV_DRIVERS_GIC_H
#define KARASU_HV_DRIVERS_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_INTID_SPURIOUS 1023u
#define GIC_SGI_KICK       0u /* the hypervisor's IPI: "look at your requests / pending interrupts" */

struct gic_ops {
	const char *name;
	/* Boot PE: distributor set-up (all SPIs Group 1 and disabled). dist = the distributor frame; cpu = the
	 * per-PE frames (GICv3: the redistributor region). */
	bool (*init_distributor)(uint64_t dist_base, uint64_t cpu_base, uint64_t cpu_size);
	/* Each PE: wakes its per-PE interface, enables the CPU interface. mpidr = this PE. */
	bool (*init_cpu)(uint64_t mpidr);
	/* Enables a PPI/SGI on this PE, or an SPI routed to the PE with affinity target_mpidr. */
	void (*enable_private)(uint32_t intid, bool edge);
	void (*disable_private)(uint32_t intid);
	void (*enable_spi)(uint32_t intid, uint64_t target_mpidr, bool edge);
	/* Acknowledge, priority drop and deactivate. */
	uint32_t (*ack)(void);
	void (*eoi)(uint32_t intid);
	void (*deactivate)(uint32_t intid);
	/* Sends SGI sgi to the PE whose affinity is mpidr. */
	void (*send_sgi)(uint64_t mpidr, unsigned sgi);
};

extern const struct gic_ops gicv3_ops;
extern const struct gic_ops gicv2_ops;

/* The driver in use (boot PE, before any other call). */
void gic_select(const struct gic_ops *ops);
extern const struct gic_ops *gic_active;

static inline bool gic_init_distributor(uint64_t dist_base, uint64_t cpu_base, uint64_t cpu_size)
{
	return gic_active->init_distributor(dist_base, cpu_base, cpu_size);
}
static inline bool gic_init_cpu(uint64_t mpidr)
{
	return gic_active->init_cpu(mpidr);
}
static inline void gic_enable_private(uint32_t intid, bool edge)
{
	gic_active->enable_private(intid, edge);
}
static inline void gic_disable_private(uint32_t intid)
{
	gic_active->disable_private(intid);
}
static inline void gic_enable_spi(uint32_t intid, uint64_t target_mpidr, bool edge)
{
	gic_active->enable_spi(intid, target_mpidr, edge);
}
static inline uint32_t gic_ack(void)
{
	return gic_active->ack();
}
static inline void gic_eoi(uint32_t intid)
{
	gic_active->eoi(intid);
}
static inline void gic_deactivate(uint32_t intid)
{
	gic_active->deactivate(intid);
}
static inline void gic_send_sgi(uint64_t mpidr, unsigned sgi)
{
	gic_active->send_sgi(mpidr, sgi);
}

#endif
