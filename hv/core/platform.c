/* Platform discovery from the DTB the firmware passed in x0. */
#include "hv/core/platform.h"

#include "hv/base/log.h"
#include "hv/drivers/pl011.h"
#include "lib/mem.h"

struct platform platform;

/* GIC interrupt specifier (3 cells): type, number, flags. */
#define GIC_SPEC_SPI   0u
#define GIC_SPEC_PPI   1u
#define GIC_SPI_BASE   32u
#define GIC_PPI_BASE   16u
#define GIC_SPEC_CELLS 3u

/* The timer's interrupts are listed in this order (arm,armv8-timer binding). */
enum timer_irq_index { TIMER_SEC_PHYS, TIMER_NS_PHYS, TIMER_VIRT, TIMER_HYP };

#define PSCI_0_2_CPU_ON_64 0xc4000003u

static uint32_t gic_intid(const struct fdt *fdt, int node, unsigned index)
{
	uint32_t type, num;
	if (fdt_prop_cell(fdt, node, "interrupts", (int)(index * GIC_SPEC_CELLS), &type) != FDT_OK ||
	    fdt_prop_cell(fdt, node, "interrupts", (int)(index * GIC_SPEC_CELLS + 1), &num) != FDT_OK)
		return 0;
	return type == GIC_SPEC_PPI ? num + GIC_PPI_BASE : num + GIC_SPI_BASE;
}

static bool node_has_device_type(const struct fdt *fdt, int node, const char *type)
{
	const char *s;
	return fdt_prop_string(fdt, node, "device_type", &s) == FDT_OK && k_strcmp(s, type) == 0;
}

static void probe_uart(const struct fdt *fdt)
{
	int node;
	if (fdt_stdout_node(fdt, &node, 0) != FDT_OK)
		node = fdt_find_compatible(fdt, -1, "arm,pl011");
	if (node < 0 || fdt_reg(fdt, node, 0, &platform.uart.base, &platform.uart.size) != FDT_OK)
		return;
	platform.uart_intid = gic_intid(fdt, node, 0);
	pl011_init((uintptr_t)platform.uart.base);
}

static void probe_memory(const struct fdt *fdt)
{
	int depth = 0;
	for (int node = fdt_next_node(fdt, -1, &depth); node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		if (depth != 1 || !node_has_device_type(fdt, node, "memory") ||
		    !fdt_node_is_enabled(fdt, node))
			continue;
		int n = fdt_reg_count(fdt, node);
		for (int i = 0; i < n && platform.nmem < PLATFORM_MAX_MEM; i++) {
			struct phys_range *r = &platform.mem[platform.nmem];
			if (fdt_reg(fdt, node, i, &r->base, &r->size) == FDT_OK && r->size)
				platform.nmem++;
		}
	}
	int nres = fdt_reserve_count(fdt);
	for (int i = 0; i < nres && platform.nreserved < PLATFORM_MAX_RESERVED; i++) {
		struct phys_range *r = &platform.reserved[platform.nreserved];
		if (fdt_reserve_get(fdt, i, &r->base, &r->size) == FDT_OK && r->size)
			platform.nreserved++;
	}
	int rm = fdt_find_path(fdt, "/reserved-memory");
	if (rm >= 0) {
		for (int c = fdt_first_child(fdt, rm); c >= 0; c = fdt_next_sibling(fdt, c)) {
			struct phys_range *r = &platform.reserved[platform.nreserved];
			if (platform.nreserved < PLATFORM_MAX_RESERVED &&
			    fdt_reg(fdt, c, 0, &r->base, &r->size) == FDT_OK && r->size)
				platform.nreserved++;
		}
	}
}

static void probe_cpus(const struct fdt *fdt)
{
	int cpus = fdt_find_path(fdt, "/cpus");
	if (cpus < 0)
		return;
	for (int c = fdt_first_child(fdt, cpus); c >= 0; c = fdt_next_sibling(fdt, c)) {
		uint64_t mpidr;
		if (!node_has_device_type(fdt, c, "cpu") || !fdt_node_is_enabled(fdt, c))
			continue;
		if (fdt_reg(fdt, c, 0, &mpidr, 0) != FDT_OK)
			continue;
		if (platform.ncpus == HV_MAX_CPUS) {
			hv_log("more than %d CPUs in the DTB; using the first %d", HV_MAX_CPUS, HV_MAX_CPUS);
			break;
		}
		platform.cpu_mpidr[platform.ncpus++] = mpidr;
	}
}

static void probe_gic(const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "arm,gic-v3");
	if (node < 0)
		return;
	fdt_reg(fdt, node, 0, &platform.gicd.base, &platform.gicd.size);
	fdt_reg(fdt, node, 1, &platform.gicr.base, &platform.gicr.size);
	platform.maint_intid = gic_intid(fdt, node, 0);
	int timer = fdt_find_compatible(fdt, -1, "arm,armv8-timer");
	if (timer >= 0) {
		platform.vtimer_intid = gic_intid(fdt, timer, TIMER_VIRT);
		platform.ptimer_intid = gic_intid(fdt, timer, TIMER_NS_PHYS);
		platform.htimer_intid = gic_intid(fdt, timer, TIMER_HYP);
	}
}

static void probe_psci(const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "arm,psci-0.2");
	if (node < 0)
		node = fdt_find_compatible(fdt, -1, "arm,psci-1.0");
	if (node < 0)
		node = fdt_find_compatible(fdt, -1, "arm,psci");
	if (node < 0)
		return;
	const char *method;
	if (fdt_prop_string(fdt, node, "method", &method) != FDT_OK)
		return;
	platform.psci_present = true;
	platform.psci_use_smc = k_strcmp(method, "smc") == 0;
	if (fdt_prop_u32(fdt, node, "cpu_on", &platform.psci_cpu_on) != FDT_OK ||
	    fdt_is_compatible(fdt, node, "arm,psci-0.2") || fdt_is_compatible(fdt, node, "arm,psci-1.0"))
		platform.psci_cpu_on = PSCI_0_2_CPU_ON_64;
}

static void probe_virtio(const struct fdt *fdt)
{
	for (int node = fdt_find_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_find_compatible(fdt, node, "virtio,mmio")) {
		if (platform.nvirtio == PLATFORM_MAX_VIRTIO)
			break;
		struct phys_range *r = &platform.virtio[platform.nvirtio].regs;
		if (!fdt_node_is_enabled(fdt, node) || fdt_reg(fdt, node, 0, &r->base, &r->size) != FDT_OK)
			continue;
		platform.virtio[platform.nvirtio].intid = gic_intid(fdt, node, 0);
		platform.nvirtio++;
	}
}

int platform_probe(const void *dtb)
{
	uint32_t size = fdt_peek_total_size(dtb);
	if (size == 0)
		return FDT_ERR_BADMAGIC;
	int err = fdt_open(&platform.fdt, dtb, size);
	if (err != FDT_OK)
		return err;
	platform.dtb = dtb;
	platform.dtb_size = size;
	probe_uart(&platform.fdt);
	err = fdt_check_structure(&platform.fdt);
	if (err != FDT_OK) {
		hv_log("platform DTB is malformed: %s", fdt_strerror(err));
		return err;
	}
	probe_memory(&platform.fdt);
	probe_cpus(&platform.fdt);
	probe_gic(&platform.fdt);
	probe_psci(&platform.fdt);
	probe_virtio(&platform.fdt);
	platform.stage2_ram_pages = fdt_is_compatible(&platform.fdt, FDT_ROOT, "linux,dummy-virt");
	if (platform.nmem == 0 || platform.ncpus == 0 || platform.gicd.size == 0) {
		hv_log("platform DTB lacks memory, cpus or a GICv3 (mem %u, cpus %u)", platform.nmem,
		       platform.ncpus);
		return -1;
	}
	return 0;
}
