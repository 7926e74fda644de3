/* karasu-hv start-up: the boot PE probes the platform, sets up memory, interrupts and the other PEs, reads
 * the configuration and starts the partitions. */
#include <stdint.h>

#include "hv/arch/arm64/cpu.h"
#include "hv/arch/arm64/firmware.h"
#include "hv/arch/arm64/gic_lr.h"
#include "hv/arch/arm64/layout.h"
#include "hv/arch/arm64/mmu.h"
#include "hv/arch/arm64/smp.h"
#include "hv/base/log.h"
#include "hv/base/percpu.h"
#include "hv/base/spinlock.h"
#include "hv/core/console_port.h"
#include "hv/core/devices/devices.h"
#include "hv/core/exits.h"
#include "hv/core/loader.h"
#include "hv/core/memory.h"
#include "hv/core/partition.h"
#include "hv/core/pe.h"
#include "hv/core/platform.h"
#include "hv/core/pmu_trap.h"
#include "hv/core/tick.h"
#include "hv/drivers/gic.h"
#include "hv/drivers/pl011.h"
#include "lib/fdt.h"
#include "lib/mem.h"

extern uint8_t __hv_start[], __hv_end[];

/* The two ways into C from entry.S. */
_Noreturn void hv_boot_main(uintptr_t dtb_addr);
_Noreturn void hv_secondary_main(unsigned index);

/* The DTB comes in x0 (Image boot protocol). A bare ELF loaded by QEMU's -kernel gets no x0; QEMU then puts
 * the DTB at the start of RAM, which is HV_TEXT_OFFSET below our image. */
static const void *find_dtb(uintptr_t x0)
{
	if (x0 && fdt_peek_total_size((const void *)x0) != 0)
		return (const void *)x0;
	uintptr_t ram_start = (uintptr_t)__hv_start - HV_TEXT_OFFSET;
	if (fdt_peek_total_size((const void *)ram_start) != 0)
		return (const void *)ram_start;
	return 0;
}

static void print_platform(void)
{
	hv_log("karasu-hv on PE 0 (MPIDR %#llx), image %p-%p, DTB %p (%zu bytes), %llu ms since power-on",
	       (unsigned long long)cpu_mpidr(), (void *)__hv_start, (void *)__hv_end,
	       (const void *)platform.dtb, platform.dtb_size, (unsigned long long)cpu_uptime_ms());
	for (unsigned i = 0; i < platform.nmem; i++)
		hv_log("memory %#llx-%#llx", (unsigned long long)platform.mem[i].base,
		       (unsigned long long)(platform.mem[i].base + platform.mem[i].size));
	if (platform.gic_version == 2)
		hv_log("GICv2: GICD %#llx GICC %#llx GICH %#llx GICV %#llx",
		       (unsigned long long)platform.gicd.base, (unsigned long long)platform.gicc.base,
		       (unsigned long long)platform.gich.base, (unsigned long long)platform.gicv.base);
	else
		hv_log("GICv3: GICD %#llx GICR %#llx", (unsigned long long)platform.gicd.base,
		       (unsigned long long)platform.gicr.base);
	hv_log("%u CPUs, maintenance INTID %u, vtimer INTID %u, PSCI via %s, %u virtio-mmio slots",
	       platform.ncpus, platform.maint_intid, platform.vtimer_intid,
	       platform.psci_use_smc ? "smc" : "hvc", platform.nvirtio);
}

static void map_platform(void)
{
	bool ok = true;
	for (unsigned i = 0; i < platform.nmem; i++)
		ok &= mmu_map_identity(platform.mem[i].base, platform.mem[i].size, EL2_MAP_NORMAL);
	ok &= mmu_map_identity(platform.uart.base, platform.uart.size, EL2_MAP_DEVICE);
	ok &= mmu_map_identity(platform.gicd.base, platform.gicd.size, EL2_MAP_DEVICE);
	if (platform.gic_version == 2) {
		ok &= mmu_map_identity(platform.gicc.base, platform.gicc.size, EL2_MAP_DEVICE);
		ok &= mmu_map_identity(platform.gich.base, platform.gich.size, EL2_MAP_DEVICE);
	} else {
		ok &= mmu_map_identity(platform.gicr.base, platform.gicr.size, EL2_MAP_DEVICE);
	}
	for (unsigned i = 0; i < platform.nvirtio; i++)
		ok &= mmu_map_identity(platform.virtio[i].regs.base, platform.virtio[i].regs.size,
		                       EL2_MAP_DEVICE);
	/* The DTB may lie outside the memory nodes (e.g. in flash); it stays readable. */
	ok &= mmu_map_identity((uintptr_t)platform.dtb, platform.dtb_size, EL2_MAP_NORMAL);
	if (!ok)
		hv_panic("EL2 page tables: out of table pages or address beyond the PA range");
}

static struct karasu_config config; /* large: static, not on the stack */

/* Reads the config and the guest files, builds the partitions, starts those marked autostart. */
static void start_partitions(void)
{
	if (!loader_mount_boot_disk() || !loader_read_config(&config))
		return;
	if (config.nguests == 0)
		hv_log("karasu.cfg defines no usable guest");
	unsigned focus = 0;
	for (unsigned i = 0; i < config.nguests; i++) {
		const struct karasu_guest_config *g = &config.guests[i];
		struct partition *p = partition_create(npartitions, g);
		if (!p) {
			hv_log("%s: guest left out", g->name);
			continue;
		}
		if (config.focus[0] && k_strcmp(config.focus, g->name) == 0)
			focus = npartitions;
		partitions[npartitions++] = p;
	}
	console_port_init(config.escape_key, focus);
	for (unsigned i = 0; i < npartitions; i++)
		if (partitions[i]->cfg->autostart && !partition_start(partitions[i]))
			hv_log("%s: could not be started", partitions[i]->name);
}

/* A panic first masks this PE's interrupts, and in the end switches the machine off. */
static void panic_quiesce(void)
{
	irq_disable();
}

static void panic_halt(void)
{
	firmware_system_off();
}

/* The interrupt and trap handlers every PE uses, installed before any PE can take an exception. */
static void install_handlers(void)
{
	exits_init();
	pe_init_irqs();
	tick_init();
	devices_init();
	pmu_trap_init();
}

_Noreturn void hv_boot_main(uintptr_t dtb_addr)
{
	percpu_table[0].index = 0;
	percpu_table[0].mpidr = cpu_affinity();
	percpu_table[0].online = true;
	percpu_set_this(&percpu_table[0]);
	panic_set_hooks(panic_quiesce, panic_halt);
	log_set_output(pl011_putc);

	const void *dtb = find_dtb(dtb_addr);
	if (!dtb)
		hv_panic("no devicetree (x0 = %#lx)", (unsigned long)dtb_addr);
	int err = platform_probe(dtb);
	if (err)
		hv_panic("cannot use the platform devicetree at %p (error %d)", dtb, err);
	print_platform();
	firmware_set_conduit(platform.psci_use_smc);

	map_platform();
	mmu_enable();
	spin_locking_enable();

	/* The physical GIC and its list registers, as the platform DTB describes them (platform_probe accepted
	 * only a GICv3 or a GICv2 with the virtualization extensions). */
	if (platform.gic_version == 2) {
		gic_select(&gicv2_ops);
		gic_lr_v2_set_base(platform.gich.base);
		vcpu_set_lr_backend(&gic_lr_v2);
		if (!gic_init_distributor(platform.gicd.base, platform.gicc.base, platform.gicc.size))
			hv_panic("GIC distributor set-up failed");
	} else {
		gic_select(&gicv3_ops);
		vcpu_set_lr_backend(&gic_lr_v3);
		if (!gic_init_distributor(platform.gicd.base, platform.gicr.base, platform.gicr.size))
			hv_panic("GIC distributor set-up failed");
	}
	install_handlers();
	pe_init_this();
	unsigned online = platform.psci_present ? smp_start_secondaries(platform.cpu_mpidr, platform.ncpus,
	                                                                platform.psci_cpu_on)
	                                        : 1;
	hv_log("%u of %u PEs online", online, platform.ncpus);
	memory_init();
	hv_log("%zu MiB of RAM for guests", memory_free_bytes() >> 20);
	start_partitions();
	unsigned waiting = 0; /* guests that wait for the console's `boot` */
	for (unsigned i = 0; i < npartitions; i++)
		waiting += !partitions[i]->cfg->autostart;
	if (partitions_running() == 0 && waiting == 0) {
		hv_log("no guest is running: powering off");
		console_port_flush();
		firmware_system_off();
	}
	if (partitions_running() == 0)
		hv_log("no guest has autostart: open the console with the escape key and use `boot N`");
	pe_idle_loop();
}

_Noreturn void hv_secondary_main(unsigned index)
{
	struct percpu *p = &percpu_table[index < HV_MAX_CPUS ? index : 0];
	percpu_set_this(p);
	mmu_enable();
	pe_init_this();
	__atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
	pe_idle_loop();
}
