/* Unit tests for hv/core/guest_dtb.c: the blob is read back with lib/fdt and also checked by dtc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "hv/core/guest_dtb.h"
#include "lib/fdt.h"

static uint8_t blob[16384];

static struct guest_dtb_desc linux_desc(void)
{
	static const uint64_t mpidrs[4] = {0x0, 0x1, 0x2, 0x3};
	struct guest_dtb_desc d = {
	    .mem_base = 0x40000000,
	    .mem_size = 512ull << 20,
	    .nr_cpus = 4,
	    .cpu_mpidr = mpidrs,
	    .cpu_compatible = "arm,cortex-a72",
	    .psci_method = GUEST_DTB_PSCI_HVC,
	    .gicd_base = 0x08000000,
	    .gicr_base = 0x080a0000,
	    .has_uart = true,
	    .uart = {0x09000000, 0x1000, 1},
	    .nr_virtio = 1,
	    .virtio = {{0x0a000000, 0x200, 16}},
	    .bootargs = "console=ttyAMA0 earlycon rdinit=/init",
	    .initrd_start = 0x48000000,
	    .initrd_end = 0x48100000,
	};
	return d;
}

static void open_blob(struct fdt *fdt, size_t size)
{
	assert_int_equal(fdt_open(fdt, blob, size), FDT_OK);
	assert_int_equal(fdt_check_structure(fdt), FDT_OK);
}

static void expect_reg(const struct fdt *fdt, int node, int index, uint64_t addr, uint64_t size)
{
	uint64_t a = 0, s = 0;
	assert_int_equal(fdt_reg(fdt, node, index, &a, &s), FDT_OK);
	assert_int_equal(a, addr);
	assert_int_equal(s, size);
}

static void expect_cells(const struct fdt *fdt, int node, const char *prop, const uint32_t *cells, int n)
{
	struct fdt_prop p;
	assert_int_equal(fdt_get_prop(fdt, node, prop, &p), FDT_OK);
	assert_int_equal(p.len, 4u * (unsigned)n);
	for (int i = 0; i < n; i++) {
		uint32_t c;
		assert_int_equal(fdt_prop_cell(fdt, node, prop, i, &c), FDT_OK);
		assert_int_equal(c, cells[i]);
	}
}

static void test_linux_tree(void **state)
{
	(void)state;
	struct guest_dtb_desc d = linux_desc();
	size_t size = 0;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), 0);
	assert_true(size > 0 && size < 4096);
	struct fdt fdt;
	open_blob(&fdt, size);

	int mem = fdt_find_path(&fdt, "/memory@40000000");
	assert_true(mem >= 0);
	expect_reg(&fdt, mem, 0, 0x40000000, 512ull << 20);
	const char *s;
	assert_int_equal(fdt_prop_string(&fdt, mem, "device_type", &s), FDT_OK);
	assert_string_equal(s, "memory");

	/* CPUs: reg = MPIDR, psci enable method. */
	int cpus = fdt_find_path(&fdt, "/cpus");
	assert_true(cpus >= 0);
	assert_int_equal(fdt_address_cells(&fdt, cpus), 1);
	assert_int_equal(fdt_size_cells(&fdt, cpus), 0);
	int n = 0;
	for (int c = fdt_first_child(&fdt, cpus); c >= 0; c = fdt_next_sibling(&fdt, c), n++) {
		uint32_t reg;
		assert_int_equal(fdt_prop_u32(&fdt, c, "reg", &reg), FDT_OK);
		assert_int_equal(reg, (uint32_t)n);
		assert_int_equal(fdt_prop_string(&fdt, c, "enable-method", &s), FDT_OK);
		assert_string_equal(s, "psci");
		assert_true(fdt_is_compatible(&fdt, c, "arm,cortex-a72"));
		assert_int_equal(fdt_prop_string(&fdt, c, "device_type", &s), FDT_OK);
		assert_string_equal(s, "cpu");
	}
	assert_int_equal(n, 4);
	assert_true(fdt_find_path(&fdt, "/cpus/cpu@3") >= 0);

	int psci = fdt_find_compatible(&fdt, -1, "arm,psci-0.2");
	assert_true(psci >= 0);
	assert_true(fdt_is_compatible(&fdt, psci, "arm,psci-1.0"));
	assert_int_equal(fdt_prop_string(&fdt, psci, "method", &s), FDT_OK);
	assert_string_equal(s, "hvc");

	/* GIC: distributor + redistributors (default 128 KiB per CPU), 3 interrupt cells, phandle. */
	int gic = fdt_find_compatible(&fdt, -1, "arm,gic-v3");
	assert_true(gic >= 0);
	expect_reg(&fdt, gic, 0, 0x08000000, 0x10000);
	expect_reg(&fdt, gic, 1, 0x080a0000, 4 * 0x20000);
	assert_true(fdt_has_prop(&fdt, gic, "interrupt-controller"));
	uint32_t v, phandle;
	assert_int_equal(fdt_prop_u32(&fdt, gic, "#interrupt-cells", &v), FDT_OK);
	assert_int_equal(v, 3);
	assert_int_equal(fdt_prop_u32(&fdt, gic, "phandle", &phandle), FDT_OK);
	assert_int_equal(fdt_prop_u32(&fdt, FDT_ROOT, "interrupt-parent", &v), FDT_OK);
	assert_int_equal(v, phandle);
	assert_int_equal(fdt_find_phandle(&fdt, phandle), gic);

	/* Timer: secure phys 13, phys 14, virt 11, hyp 10 as PPIs (type 1), level high (4). */
	int timer = fdt_find_compatible(&fdt, -1, "arm,armv8-timer");
	assert_true(timer >= 0);
	const uint32_t timer_irqs[12] = {1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4};
	expect_cells(&fdt, timer, "interrupts", timer_irqs, 12);
	assert_false(fdt_has_prop(&fdt, timer, "clock-frequency"));

	/* PL011 with its clocks. */
	int uart = fdt_find_compatible(&fdt, -1, "arm,pl011");
	assert_true(uart >= 0);
	assert_true(fdt_is_compatible(&fdt, uart, "arm,primecell"));
	expect_reg(&fdt, uart, 0, 0x09000000, 0x1000);
	const uint32_t uart_irq[3] = {0, 1, 4};
	expect_cells(&fdt, uart, "interrupts", uart_irq, 3);
	assert_int_equal(fdt_prop_string_index(&fdt, uart, "clock-names", 1, &s), FDT_OK);
	assert_string_equal(s, "apb_pclk");
	uint32_t clk_phandle;
	assert_int_equal(fdt_prop_cell(&fdt, uart, "clocks", 0, &clk_phandle), FDT_OK);
	int clk = fdt_find_phandle(&fdt, clk_phandle);
	assert_true(clk >= 0);
	assert_true(fdt_is_compatible(&fdt, clk, "fixed-clock"));
	assert_int_equal(fdt_prop_u32(&fdt, clk, "clock-frequency", &v), FDT_OK);
	assert_int_equal(v, 24000000);

	/* virtio-mmio: SPI 16, edge rising (1). */
	int virtio = fdt_find_compatible(&fdt, -1, "virtio,mmio");
	assert_true(virtio >= 0);
	expect_reg(&fdt, virtio, 0, 0x0a000000, 0x200);
	const uint32_t virtio_irq[3] = {0, 16, 1};
	expect_cells(&fdt, virtio, "interrupts", virtio_irq, 3);
	assert_int_equal(fdt_find_compatible(&fdt, virtio, "virtio,mmio"), FDT_ERR_NOTFOUND);

	/* chosen, aliases. */
	int chosen = fdt_find_path(&fdt, "/chosen");
	assert_int_equal(fdt_prop_string(&fdt, chosen, "bootargs", &s), FDT_OK);
	assert_string_equal(s, "console=ttyAMA0 earlycon rdinit=/init");
	uint64_t q;
	assert_int_equal(fdt_prop_u64(&fdt, chosen, "linux,initrd-start", &q), FDT_OK);
	assert_int_equal(q, 0x48000000);
	assert_int_equal(fdt_prop_u64(&fdt, chosen, "linux,initrd-end", &q), FDT_OK);
	assert_int_equal(q, 0x48100000);
	int out;
	assert_int_equal(fdt_stdout_node(&fdt, &out, NULL), FDT_OK);
	assert_int_equal(out, uart);
	assert_int_equal(fdt_find_path(&fdt, "serial0"), uart);
	assert_int_equal(fdt_reserve_count(&fdt), 0);
}

static void test_variants(void **state)
{
	(void)state;
	struct guest_dtb_desc d = linux_desc();
	/* Minimal: one CPU, SMC, no UART, no virtio, no initrd or bootargs, explicit sizes, timer frequency. */
	d.nr_cpus = 1;
	d.cpu_mpidr = NULL;
	d.cpu_compatible = NULL;
	d.psci_method = GUEST_DTB_PSCI_SMC;
	d.has_uart = false;
	d.nr_virtio = 0;
	d.bootargs = NULL;
	d.initrd_start = d.initrd_end = 0;
	d.gicr_size = 0x40000;
	d.timer_frequency = 62500000;
	size_t size;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), 0);
	struct fdt fdt;
	open_blob(&fdt, size);
	const char *s;
	int psci = fdt_find_path(&fdt, "/psci");
	assert_int_equal(fdt_prop_string(&fdt, psci, "method", &s), FDT_OK);
	assert_string_equal(s, "smc");
	assert_true(fdt_is_compatible(&fdt, fdt_find_path(&fdt, "/cpus/cpu@0"), "arm,armv8"));
	assert_int_equal(fdt_find_compatible(&fdt, -1, "arm,pl011"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_path(&fdt, "/aliases"), FDT_ERR_NOTFOUND);
	int chosen = fdt_find_path(&fdt, "/chosen");
	assert_true(chosen >= 0);
	assert_false(fdt_has_prop(&fdt, chosen, "linux,initrd-start"));
	assert_false(fdt_has_prop(&fdt, chosen, "bootargs"));
	int gic = fdt_find_compatible(&fdt, -1, "arm,gic-v3");
	expect_reg(&fdt, gic, 1, 0x080a0000, 0x40000);
	uint32_t v;
	assert_int_equal(fdt_prop_u32(&fdt, fdt_find_path(&fdt, "/timer"), "clock-frequency", &v), FDT_OK);
	assert_int_equal(v, 62500000);

	/* Aff3 in an MPIDR: two address cells. */
	const uint64_t big[2] = {0x0, 0x100000000ull};
	d.nr_cpus = 2;
	d.cpu_mpidr = big;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), 0);
	open_blob(&fdt, size);
	int cpu1 = fdt_find_path(&fdt, "/cpus/cpu@100000000");
	assert_true(cpu1 >= 0);
	uint64_t reg;
	assert_int_equal(fdt_reg(&fdt, cpu1, 0, &reg, NULL), FDT_OK);
	assert_int_equal(reg, 0x100000000ull);

	/* Several virtio devices. */
	d = linux_desc();
	d.nr_virtio = 3;
	for (unsigned i = 0; i < 3; i++)
		d.virtio[i] = (struct guest_dtb_mmio_dev){0x0a000000 + 0x200 * i, 0x200, 16 + i};
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), 0);
	open_blob(&fdt, size);
	int count = 0;
	for (int node = fdt_find_compatible(&fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_find_compatible(&fdt, node, "virtio,mmio"))
		count++;
	assert_int_equal(count, 3);
	assert_true(fdt_find_path(&fdt, "/virtio_mmio@a000400") >= 0);
}

static void test_errors(void **state)
{
	(void)state;
	struct guest_dtb_desc d = linux_desc();
	size_t size;
	d.nr_cpus = 0;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), FDT_ERR_BADARG);
	d.nr_cpus = GUEST_DTB_MAX_CPUS + 1;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), FDT_ERR_BADARG);
	d = linux_desc();
	d.mem_size = 0;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), FDT_ERR_BADARG);
	d = linux_desc();
	d.initrd_end = d.initrd_start - 1;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), FDT_ERR_BADARG);
	d = linux_desc();
	d.nr_virtio = GUEST_DTB_MAX_VIRTIO + 1;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), FDT_ERR_BADARG);
	d = linux_desc();
	assert_int_equal(guest_dtb_build(&d, blob, 256, &size), FDT_ERR_NOSPACE);
	assert_int_equal(guest_dtb_build(NULL, blob, sizeof(blob), &size), FDT_ERR_BADARG);
	/* The maximum description fits in 8 KiB as documented. */
	static const uint64_t eight[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	d.nr_cpus = 8;
	d.cpu_mpidr = eight;
	d.nr_virtio = GUEST_DTB_MAX_VIRTIO;
	char long_args[512];
	memset(long_args, 'x', sizeof(long_args) - 1);
	long_args[sizeof(long_args) - 1] = 0;
	d.bootargs = long_args;
	assert_int_equal(guest_dtb_build(&d, blob, 8192, &size), 0);
}

/* A GICv2 guest: the arm,gic binding's node (distributor + CPU interface, no redistributors), and the timer's
 * PPIs wired to every CPU interface in the flags' bits [15:8] (QEMU's virt with gic-version=2 writes 0xf04 for 4
 * CPUs: level-high | CPUs 0-3). */
static void test_gicv2_tree(void **state)
{
	(void)state;
	struct guest_dtb_desc d = linux_desc();
	d.gic_version = 2;
	d.gicr_base = 0;
	d.gicc_base = 0x08010000;
	size_t size;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), 0);
	struct fdt fdt;
	open_blob(&fdt, size);
	assert_true(fdt_find_compatible(&fdt, -1, "arm,gic-v3") < 0);
	int gic = fdt_find_compatible(&fdt, -1, "arm,cortex-a15-gic");
	assert_true(gic >= 0);
	expect_reg(&fdt, gic, 0, 0x08000000, 0x1000);
	expect_reg(&fdt, gic, 1, 0x08010000, 0x2000);
	assert_int_equal(fdt_reg_count(&fdt, gic), 2);
	uint32_t cells;
	assert_int_equal(fdt_prop_u32(&fdt, gic, "#interrupt-cells", &cells), FDT_OK);
	assert_int_equal(cells, 3);
	struct fdt_prop p;
	assert_int_equal(fdt_get_prop(&fdt, gic, "interrupt-controller", &p), FDT_OK);
	assert_int_not_equal(fdt_get_prop(&fdt, gic, "#redistributor-regions", &p), FDT_OK);
	int timer = fdt_find_compatible(&fdt, -1, "arm,armv8-timer");
	assert_true(timer >= 0);
	const uint32_t timer_irqs[12] = {1, 13, 0xf04, 1, 14, 0xf04, 1, 11, 0xf04, 1, 10, 0xf04};
	expect_cells(&fdt, timer, "interrupts", timer_irqs, 12);

	/* Two CPUs: CPU interfaces 0-1. */
	d.nr_cpus = 2;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), 0);
	open_blob(&fdt, size);
	timer = fdt_find_compatible(&fdt, -1, "arm,armv8-timer");
	const uint32_t timer_irqs2[12] = {1, 13, 0x304, 1, 14, 0x304, 1, 11, 0x304, 1, 10, 0x304};
	expect_cells(&fdt, timer, "interrupts", timer_irqs2, 12);

	/* Only versions 2 and 3 (0: the default, 3). */
	d.gic_version = 4;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), FDT_ERR_BADARG);
	d.gic_version = 1;
	assert_int_equal(guest_dtb_build(&d, blob, sizeof(blob), &size), FDT_ERR_BADARG);
}

/* dtc must accept the blob and show the expected nodes when decompiled. */
static void dtc_check(const struct guest_dtb_desc *d, const char *gic_line)
{
	size_t size;
	assert_int_equal(guest_dtb_build(d, blob, sizeof(blob), &size), 0);
	char dtb_path[] = "/tmp/karasu-guest-dtb-XXXXXX";
	int fd = mkstemp(dtb_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, size), (ssize_t)size);
	close(fd);
	char cmd[1024], dts_path[64];
	snprintf(dts_path, sizeof(dts_path), "%s.dts", dtb_path);
	/* -W no-unit_address_vs_reg etc. are not needed: the tree must be warning-free as generated. */
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts -o %s %s 2>%s.err", dts_path, dtb_path, dtb_path);
	int rc = system(cmd);
	assert_int_equal(rc, 0);
	FILE *f = fopen(dts_path, "r");
	assert_non_null(f);
	static char text[16384];
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = 0;
	fclose(f);
	assert_non_null(strstr(text, gic_line));
	assert_non_null(strstr(text, "enable-method = \"psci\";"));
	assert_non_null(strstr(text, "method = \"hvc\";"));
	assert_non_null(strstr(text, "pl011@9000000 {"));
	assert_non_null(strstr(text, "bootargs = \"console=ttyAMA0 earlycon rdinit=/init\";"));
	/* dtc's own checks on the blob must pass without warnings. (Not on the decompiled source: that has lost
	 * the phandle labels, so dtc would flag every clocks cell.) */
	char err_path[64];
	snprintf(err_path, sizeof(err_path), "%s.err", dtb_path);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dtb -o /dev/null %s 2>%s", dtb_path, err_path);
	assert_int_equal(system(cmd), 0);
	f = fopen(err_path, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = 0;
	fclose(f);
	if (len)
		print_error("dtc warnings:\n%s\n", text);
	assert_int_equal(len, 0);
	unlink(dtb_path);
	unlink(dts_path);
	unlink(err_path);
}

static void test_dtc_accepts(void **state)
{
	(void)state;
	struct guest_dtb_desc d = linux_desc();
	dtc_check(&d, "compatible = \"arm,gic-v3\";");
	d.gic_version = 2;
	d.gicc_base = 0x08010000;
	dtc_check(&d, "compatible = \"arm,cortex-a15-gic\";");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linux_tree),  cmocka_unit_test(test_variants),
	    cmocka_unit_test(test_errors),      cmocka_unit_test(test_gicv2_tree),
	    cmocka_unit_test(test_dtc_accepts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
