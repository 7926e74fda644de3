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

/* GICv2 compatibles whose "reg" lists GICD, GICC, GICH, GICV (the last two with the virtualization
 * extensions) and whose first interrupt is the maintenance interrupt (arm,gic binding). */
static const char *const gicv2_compatibles[] = {"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic"};
enum gicv2_reg_index { GICV2_REG_DIST, GICV2_REG_CPU, GICV2_REG_HYP, GICV2_REG_VCPU };

static int find_gicv2(const struct fdt *fdt)
{
	for (unsigned i = 0; i < sizeof(gicv2_compatibles) / sizeof(gicv2_compatibles[0]); i++) {
		int node = fdt_find_compatible(fdt, -1, gicv2_compatibles[i]);
		if (node >= 0 && fdt_node_is_enabled(fdt, node))
			return node;
	}
	return -1;
}

static void probe_gic(const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "arm,gic-v3");
	if (node >= 0) {
		platform.gic_version = 3;
		fdt_reg(fdt, node, 0, &platform.gicd.base, &platform.gicd.size);
		fdt_reg(fdt, node, 1, &platform.gicr.base, &platform.gicr.size);
	} else if ((node = find_gicv2(fdt)) >= 0) {
		platform.gic_version = 2;
		fdt_reg(fdt, node, GICV2_REG_DIST, &platform.gicd.base, &platform.gicd.size);
		fdt_reg(fdt, node, GICV2_REG_CPU, &platform.gicc.base, &platform.gicc.size);
		fdt_reg(fdt, node, GICV2_REG_HYP, &platform.gich.base, &platform.gich.size);
		fdt_reg(fdt, node, GICV2_REG_VCPU, &platform.gicv.base, &platform.gicv.size);
	} else {
		return;
	}
	platform.maint_intid = gic_intid(fdt, node, 0);
	int timer = fdt_find_compatible(fdt, -1, "arm,armv8-timer");
	if (timer >= 0) {
		platform.vtimer_intid = gic_intid(fdt, timer, TIMER_VIRT);
		platform.ptimer_intid = gic_intid(fdt, timer, TIMER_NS_PHYS);
		platform.htimer_intid = gic_intid(fdt, timer, TIMER_HYP);
	}
}

/* What karasu needs of the GIC to run guests: for GICv2 the hypervisor interface (list registers), the virtual
 * CPU interface and the maintenance interrupt, i.e. the virtualization extensions. */
static bool gic_usable(void)
{
	if (platform.gic_version == 3)
		return platform.gicd.size != 0 && platform.gicr.size != 0;
	if (platform.gic_version == 2) {
		if (platform.gicd.size && platform.gicc.size && platform.gich.size && platform.gicv.size &&
		    platform.maint_intid)
			return true;
		hv_log("the GICv2 in the platform DTB lacks the virtualization extensions (GICH, GICV "
		       "regions and the "
		       "maintenance interrupt): karasu cannot run guests on it");
	}
	return false;
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
	if (platform.nmem == 0 || platform.ncpus == 0 || !gic_usable()) {
		hv_log("platform DTB lacks memory, cpus or a usable GICv3 or GICv2 (mem %u, cpus %u, GIC "
		       "version %u)",
		       platform.nmem, platform.ncpus, platform.gic_version);
		return -1;
	}
	return 0;
}
