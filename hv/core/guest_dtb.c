/* Guest devicetree generation (see guest_dtb.h). */
#include "hv/core/guest_dtb.h"

#include "lib/fdt.h"
#include "lib/fmt.h"

#define PHANDLE_GIC       1u
#define PHANDLE_APB_PCLK  2u
#define GICD_DEFAULT_SIZE 0x10000u
#define GICR_PER_CPU_SIZE 0x20000u
#define GICV2_DIST_SIZE   0x1000u
#define GICV2_CPU_SIZE    0x2000u
#define GICV2_MAX_CPUS    8u
#define NAME_MAX_LEN      48

/* Propagates the first builder error. */
#define TRY(expr)                    \
	do {                         \
		int err_ = (expr);   \
		if (err_ < 0)        \
			return err_; \
	} while (0)

static int begin_unit_node(struct fdt_builder *b, const char *name, uint64_t unit)
{
	char buf[NAME_MAX_LEN];
	k_snprintf(buf, sizeof(buf), "%s@%llx", name, (unsigned long long)unit);
	return fdt_builder_begin_node(b, buf);
}

static int reg_prop(struct fdt_builder *b, uint64_t base, uint64_t size)
{
	const uint64_t pairs[2] = {base, size};
	return fdt_builder_prop_reg(b, "reg", 2, 2, pairs, 1);
}

static int irq_prop(struct fdt_builder *b, uint32_t type, uint32_t number, uint32_t flags)
{
	const uint32_t cells[3] = {type, number, flags};
	return fdt_builder_prop_cells(b, "interrupts", cells, 3);
}

static uint64_t cpu_mpidr(const struct guest_dtb_desc *d, unsigned i)
{
	return (d->cpu_mpidr ? d->cpu_mpidr[i] : i) & 0xff00ffffffull;
}

static int add_cpus(struct fdt_builder *b, const struct guest_dtb_desc *d)
{
	/* One address cell covers Aff2..Aff0; Aff3 needs two (devicetree spec, arm/cpus.yaml). */
	bool aff3 = false;
	for (unsigned i = 0; i < d->nr_cpus; i++)
		if (cpu_mpidr(d, i) >> 32)
			aff3 = true;
	TRY(fdt_builder_begin_node(b, "cpus"));
	TRY(fdt_builder_prop_u32(b, "#address-cells", aff3 ? 2 : 1));
	TRY(fdt_builder_prop_u32(b, "#size-cells", 0));
	for (unsigned i = 0; i < d->nr_cpus; i++) {
		uint64_t mpidr = cpu_mpidr(d, i);
		TRY(begin_unit_node(b, "cpu", mpidr));
		TRY(fdt_builder_prop_string(b, "device_type", "cpu"));
		TRY(fdt_builder_prop_string(b, "compatible",
		                            d->cpu_compatible ? d->cpu_compatible : "arm,armv8"));
		if (aff3)
			TRY(fdt_builder_prop_u64(b, "reg", mpidr));
		else
			TRY(fdt_builder_prop_u32(b, "reg", (uint32_t)mpidr));
		TRY(fdt_builder_prop_string(b, "enable-method", "psci"));
		TRY(fdt_builder_end_node(b));
	}
	return fdt_builder_end_node(b);
}

static int add_gicv2(struct fdt_builder *b, const struct guest_dtb_desc *d)
{
	uint64_t gicd_size = d->gicd_size ? d->gicd_size : GICV2_DIST_SIZE;
	uint64_t gicc_size = d->gicc_size ? d->gicc_size : GICV2_CPU_SIZE;
	const uint64_t regs[4] = {d->gicd_base, gicd_size, d->gicc_base, gicc_size};
	static const char *const compat[] = {"arm,cortex-a15-gic"};
	TRY(begin_unit_node(b, "intc", d->gicd_base));
	TRY(fdt_builder_prop_strings(b, "compatible", compat, 1));
	TRY(fdt_builder_prop_u32(b, "#interrupt-cells", 3));
	TRY(fdt_builder_prop_empty(b, "interrupt-controller"));
	TRY(fdt_builder_prop_u32(b, "#address-cells", 0));
	TRY(fdt_builder_prop_reg(b, "reg", 2, 2, regs, 2));
	TRY(fdt_builder_prop_u32(b, "phandle", PHANDLE_GIC));
	return fdt_builder_end_node(b);
}

static int add_gic(struct fdt_builder *b, const struct guest_dtb_desc *d)
{
	if (d->gic_version == 2)
		return add_gicv2(b, d);
	uint64_t gicd_size = d->gicd_size ? d->gicd_size : GICD_DEFAULT_SIZE;
	uint64_t gicr_size = d->gicr_size ? d->gicr_size : (uint64_t)d->nr_cpus * GICR_PER_CPU_SIZE;
	const uint64_t regs[4] = {d->gicd_base, gicd_size, d->gicr_base, gicr_size};
	static const char *const compat[] = {"arm,gic-v3"};
	TRY(begin_unit_node(b, "intc", d->gicd_base));
	TRY(fdt_builder_prop_strings(b, "compatible", compat, 1));
	TRY(fdt_builder_prop_u32(b, "#interrupt-cells", 3));
	TRY(fdt_builder_prop_empty(b, "interrupt-controller"));
	/* No child nodes (no ITS); the binding and dtc want the cell count stated for interrupt-map users. */
	TRY(fdt_builder_prop_u32(b, "#address-cells", 0));
	TRY(fdt_builder_prop_u32(b, "#redistributor-regions", 1));
	TRY(fdt_builder_prop_reg(b, "reg", 2, 2, regs, 2));
	TRY(fdt_builder_prop_u32(b, "phandle", PHANDLE_GIC));
	return fdt_builder_end_node(b);
}

static int add_timer(struct fdt_builder *b, const struct guest_dtb_desc *d)
{
	uint32_t f = GUEST_DTB_IRQ_LEVEL_HIGH;
	const uint32_t ppi = GUEST_DTB_IRQ_PPI;
	if (d->gic_version == 2) /* the timer's PPIs reach every CPU interface */
		f |= ((1u << d->nr_cpus) - 1u) << GUEST_DTB_IRQ_PPI_CPU_SHIFT;
	const uint32_t cells[12] = {ppi, GUEST_DTB_TIMER_PPI_SEC_PHYS, f, ppi, GUEST_DTB_TIMER_PPI_PHYS, f,
	                            ppi, GUEST_DTB_TIMER_PPI_VIRT,     f, ppi, GUEST_DTB_TIMER_PPI_HYP,  f};
	static const char *const compat[] = {"arm,armv8-timer"};
	TRY(fdt_builder_begin_node(b, "timer"));
	TRY(fdt_builder_prop_strings(b, "compatible", compat, 1));
	TRY(fdt_builder_prop_cells(b, "interrupts", cells, 12));
	TRY(fdt_builder_prop_empty(b, "always-on"));
	if (d->timer_frequency)
		TRY(fdt_builder_prop_u32(b, "clock-frequency", d->timer_frequency));
	return fdt_builder_end_node(b);
}

static int add_uart(struct fdt_builder *b, const struct guest_dtb_desc *d)
{
	static const char *const clk_compat[] = {"fixed-clock"};
	TRY(fdt_builder_begin_node(b, "apb-pclk"));
	TRY(fdt_builder_prop_strings(b, "compatible", clk_compat, 1));
	TRY(fdt_builder_prop_u32(b, "#clock-cells", 0));
	TRY(fdt_builder_prop_u32(b, "clock-frequency", GUEST_DTB_PL011_CLOCK_HZ));
	TRY(fdt_builder_prop_string(b, "clock-output-names", "clk24mhz"));
	TRY(fdt_builder_prop_u32(b, "phandle", PHANDLE_APB_PCLK));
	TRY(fdt_builder_end_node(b));

	static const char *const compat[] = {"arm,pl011", "arm,primecell"};
	static const char *const clock_names[] = {"uartclk", "apb_pclk"};
	const uint32_t clocks[2] = {PHANDLE_APB_PCLK, PHANDLE_APB_PCLK};
	TRY(begin_unit_node(b, "pl011", d->uart.base));
	TRY(fdt_builder_prop_strings(b, "compatible", compat, 2));
	TRY(reg_prop(b, d->uart.base, d->uart.size ? d->uart.size : 0x1000));
	TRY(irq_prop(b, GUEST_DTB_IRQ_SPI, d->uart.spi, GUEST_DTB_IRQ_LEVEL_HIGH));
	TRY(fdt_builder_prop_cells(b, "clocks", clocks, 2));
	TRY(fdt_builder_prop_strings(b, "clock-names", clock_names, 2));
	return fdt_builder_end_node(b);
}

static int add_virtio(struct fdt_builder *b, const struct guest_dtb_mmio_dev *v)
{
	TRY(begin_unit_node(b, "virtio_mmio", v->base));
	TRY(fdt_builder_prop_string(b, "compatible", "virtio,mmio"));
	TRY(reg_prop(b, v->base, v->size ? v->size : 0x200));
	TRY(irq_prop(b, GUEST_DTB_IRQ_SPI, v->spi, GUEST_DTB_IRQ_EDGE_RISING));
	TRY(fdt_builder_prop_empty(b, "dma-coherent"));
	return fdt_builder_end_node(b);
}

static int add_chosen_and_aliases(struct fdt_builder *b, const struct guest_dtb_desc *d)
{
	char uart_path[NAME_MAX_LEN];
	k_snprintf(uart_path, sizeof(uart_path), "/pl011@%llx", (unsigned long long)d->uart.base);
	if (d->has_uart) {
		TRY(fdt_builder_begin_node(b, "aliases"));
		TRY(fdt_builder_prop_string(b, "serial0", uart_path));
		TRY(fdt_builder_end_node(b));
	}
	TRY(fdt_builder_begin_node(b, "chosen"));
	if (d->bootargs)
		TRY(fdt_builder_prop_string(b, "bootargs", d->bootargs));
	if (d->has_uart)
		TRY(fdt_builder_prop_string(b, "stdout-path", uart_path));
	if (d->initrd_end > d->initrd_start) {
		TRY(fdt_builder_prop_u64(b, "linux,initrd-start", d->initrd_start));
		TRY(fdt_builder_prop_u64(b, "linux,initrd-end", d->initrd_end));
	}
	return fdt_builder_end_node(b);
}

static int build(struct fdt_builder *b, const struct guest_dtb_desc *d)
{
	static const char *const psci_compat[] = {"arm,psci-1.0", "arm,psci-0.2"};
	TRY(fdt_builder_begin_node(b, ""));
	TRY(fdt_builder_prop_u32(b, "#address-cells", 2));
	TRY(fdt_builder_prop_u32(b, "#size-cells", 2));
	TRY(fdt_builder_prop_string(b, "compatible", "linux,dummy-virt"));
	TRY(fdt_builder_prop_string(b, "model", d->model ? d->model : "karasu"));
	TRY(fdt_builder_prop_u32(b, "interrupt-parent", PHANDLE_GIC));

	TRY(add_chosen_and_aliases(b, d));

	TRY(begin_unit_node(b, "memory", d->mem_base));
	TRY(fdt_builder_prop_string(b, "device_type", "memory"));
	TRY(reg_prop(b, d->mem_base, d->mem_size));
	TRY(fdt_builder_end_node(b));

	TRY(add_cpus(b, d));

	TRY(fdt_builder_begin_node(b, "psci"));
	TRY(fdt_builder_prop_strings(b, "compatible", psci_compat, 2));
	TRY(fdt_builder_prop_string(b, "method", d->psci_method == GUEST_DTB_PSCI_SMC ? "smc" : "hvc"));
	TRY(fdt_builder_end_node(b));

	TRY(add_gic(b, d));
	TRY(add_timer(b, d));
	if (d->has_uart)
		TRY(add_uart(b, d));
	for (unsigned i = 0; i < d->nr_virtio; i++)
		TRY(add_virtio(b, &d->virtio[i]));
	return fdt_builder_end_node(b);
}

int guest_dtb_build(const struct guest_dtb_desc *desc, void *buf, size_t cap, size_t *size)
{
	if (!desc || !buf || !size)
		return FDT_ERR_BADARG;
	if (desc->nr_cpus == 0 || desc->nr_cpus > GUEST_DTB_MAX_CPUS || desc->mem_size == 0 ||
	    desc->nr_virtio > GUEST_DTB_MAX_VIRTIO || desc->initrd_end < desc->initrd_start ||
	    desc->psci_method > GUEST_DTB_PSCI_SMC ||
	    (desc->gic_version != 0 && desc->gic_version != 2 && desc->gic_version != 3) ||
	    (desc->gic_version == 2 && desc->nr_cpus > GICV2_MAX_CPUS))
		return FDT_ERR_BADARG;
	struct fdt_builder b;
	TRY(fdt_builder_init(&b, buf, cap));
	/* No /memreserve/ for the initrd: Linux reserves it from /chosen and frees it after unpacking. */
	TRY(build(&b, desc));
	return fdt_builder_finish(&b, size);
}
