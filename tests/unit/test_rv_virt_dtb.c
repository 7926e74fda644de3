/* rv/system/virt_dtb.c: karasu-rv's `virt` devicetree, read back with lib/fdt's reader, checked against the
 * devicetree QEMU 7.2 builds for its own riscv virt board (qemu_riscv_virt_smp4.dtb, dumped at build time by
 * tests/unit/rv-system-dtb.mk) and by dtc's checks; the ISA string parser. Patching: test_rv_virt_dtb_patch.c. */
#include "tests/unit/test_rv_virt_dtb_util.h"

static uint32_t u32_prop(const struct fdt *fdt, int node, const char *name)
{
	uint32_t v;
	if (fdt_prop_u32(fdt, node, name, &v) != FDT_OK)
		fail_msg("no u32 property %s", name);
	return v;
}

/* The node a phandle-valued property (one cell at index) points to; fails if it resolves to nothing. */
static int phandle_target(const struct fdt *fdt, int node, const char *name, int index)
{
	uint32_t ph;
	assert_int_equal(fdt_prop_cell(fdt, node, name, index, &ph), FDT_OK);
	int target = fdt_find_phandle(fdt, ph);
	if (target < 0)
		fail_msg("%s[%d] = phandle %u resolves to no node", name, index, ph);
	return target;
}

static void assert_reg(const struct fdt *fdt, int node, uint64_t base, uint64_t size)
{
	uint64_t a, s;
	assert_int_equal(fdt_reg_count(fdt, node), 1);
	assert_int_equal(fdt_reg(fdt, node, 0, &a, &s), FDT_OK);
	assert_int_equal(a, base);
	assert_int_equal(s, size);
}

/* The hart whose interrupt controller `intc` is: its parent must be a cpu node; returns the cpu's reg. */
static uint32_t hart_of_intc(const struct fdt *fdt, int intc)
{
	assert_true(fdt_is_compatible(fdt, intc, "riscv,cpu-intc"));
	int cpu = fdt_parent(fdt, intc);
	assert_true(cpu > 0);
	assert_string_prop(fdt, cpu, "device_type", "cpu");
	return u32_prop(fdt, cpu, "reg");
}

/* interrupts-extended = for each hart h in order: <&intc(h) irqs[0]> <&intc(h) irqs[1]>. */
static void assert_per_hart_irqs(const struct fdt *fdt, int node, unsigned harts, uint32_t irq0,
                                 uint32_t irq1)
{
	struct fdt_prop prop;
	uint32_t irq;
	assert_int_equal(fdt_get_prop(fdt, node, "interrupts-extended", &prop), FDT_OK);
	assert_int_equal(prop.len, harts * 2 * 2 * 4);
	for (unsigned h = 0; h < harts; h++) {
		for (unsigned k = 0; k < 2; k++) {
			int pair = (int)(h * 2 + k);
			assert_int_equal(
			    hart_of_intc(fdt, phandle_target(fdt, node, "interrupts-extended", pair * 2)), h);
			assert_int_equal(fdt_prop_cell(fdt, node, "interrupts-extended", pair * 2 + 1, &irq),
			                 FDT_OK);
			assert_int_equal(irq, k == 0 ? irq0 : irq1);
		}
	}
}

/* ---- the generated tree, fact by fact ---- */

static void test_cpus(void **state)
{
	(void)state;
	static const char *const want_ext[] = {"i",      "m",     "a",        "f",   "d",   "c",   "zicntr",
	                                       "zicond", "zicsr", "zifencei", "zba", "zbb", "zbs", "sstc"};
	struct rv_virt_dtb_params p = default_params(4);
	struct fdt fdt;
	char path[64];
	const char *s;

	p.isa = RV_VIRT_DTB_DEFAULT_ISA;
	build_ok(&p, &fdt);
	int cpus = path_node(&fdt, "/cpus");
	assert_int_equal(u32_prop(&fdt, cpus, "timebase-frequency"), 10000000);
	assert_int_equal(u32_prop(&fdt, cpus, "#address-cells"), 1);
	assert_int_equal(u32_prop(&fdt, cpus, "#size-cells"), 0);

	int n_cpus = 0;
	for (int c = fdt_first_child(&fdt, cpus); c >= 0; c = fdt_next_sibling(&fdt, c))
		if (fdt_has_prop(&fdt, c, "device_type"))
			n_cpus++;
	assert_int_equal(n_cpus, 4);

	for (unsigned h = 0; h < 4; h++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%u", h);
		int cpu = path_node(&fdt, path);
		assert_string_prop(&fdt, cpu, "device_type", "cpu");
		assert_int_equal(u32_prop(&fdt, cpu, "reg"), h);
		assert_string_prop(&fdt, cpu, "status", "okay");
		assert_string_prop(&fdt, cpu, "compatible", "riscv");
		assert_string_prop(&fdt, cpu, "riscv,isa",
		                   "rv64imafdc_zicntr_zicond_zicsr_zifencei_zba_zbb_zbs_sstc");
		assert_string_prop(&fdt, cpu, "riscv,isa-base", "rv64i");
		assert_string_prop(&fdt, cpu, "mmu-type", "riscv,sv48");
		assert_int_equal(fdt_prop_string_count(&fdt, cpu, "riscv,isa-extensions"), 14);
		for (int i = 0; i < 14; i++) {
			assert_int_equal(fdt_prop_string_index(&fdt, cpu, "riscv,isa-extensions", i, &s),
			                 FDT_OK);
			assert_string_equal(s, want_ext[i]);
		}
		snprintf(path, sizeof(path), "/cpus/cpu@%u/interrupt-controller", h);
		int intc = path_node(&fdt, path);
		assert_true(fdt_is_compatible(&fdt, intc, "riscv,cpu-intc"));
		assert_int_equal(u32_prop(&fdt, intc, "#interrupt-cells"), 1);
		assert_true(fdt_has_prop(&fdt, intc, "interrupt-controller"));
		assert_int_equal(fdt_find_phandle(&fdt, u32_prop(&fdt, intc, "phandle")), intc);

		/* cpu-map: core h is hart h. */
		snprintf(path, sizeof(path), "/cpus/cpu-map/cluster0/core%u", h);
		assert_int_equal(phandle_target(&fdt, path_node(&fdt, path), "cpu", 0), cpu);
	}
	assert_int_equal(fdt_find_path(&fdt, "/cpus/cpu@4"), FDT_ERR_NOTFOUND);

	p.mmu = RV_VIRT_MMU_SV39;
	build_ok(&p, &fdt);
	assert_string_prop(&fdt, path_node(&fdt, "/cpus/cpu@3"), "mmu-type", "riscv,sv39");
}

static void test_memory_and_chosen(void **state)
{
	(void)state;
	struct rv_virt_dtb_params p = default_params(2);
	struct fdt fdt;
	uint64_t v;
	int node;
	const char *opts;

	p.ram_size = 3 * GIB / 2;
	p.bootargs = "console=ttyS0 karasu.name=rv";
	p.initrd_start = 0x88000000;
	p.initrd_end = 0x88123456;
	build_ok(&p, &fdt);
	int mem = path_node(&fdt, "/memory@80000000");
	assert_string_prop(&fdt, mem, "device_type", "memory");
	assert_reg(&fdt, mem, 0x80000000, 3 * GIB / 2);

	int chosen = path_node(&fdt, "/chosen");
	assert_string_prop(&fdt, chosen, "bootargs", "console=ttyS0 karasu.name=rv");
	assert_int_equal(fdt_prop_u64(&fdt, chosen, "linux,initrd-start", &v), FDT_OK);
	assert_int_equal(v, 0x88000000);
	assert_int_equal(fdt_prop_u64(&fdt, chosen, "linux,initrd-end", &v), FDT_OK);
	assert_int_equal(v, 0x88123456);
	/* stdout-path names the ns16550a, and the serial0 alias does too. */
	assert_int_equal(fdt_stdout_node(&fdt, &node, &opts), FDT_OK);
	assert_int_equal(node, path_node(&fdt, "/soc/serial@10000000"));
	assert_int_equal(path_node(&fdt, "serial0"), node);

	p.bootargs = NULL;
	p.initrd_start = p.initrd_end = 0;
	build_ok(&p, &fdt);
	chosen = path_node(&fdt, "/chosen");
	assert_false(fdt_has_prop(&fdt, chosen, "bootargs"));
	assert_false(fdt_has_prop(&fdt, chosen, "linux,initrd-start"));
	assert_false(fdt_has_prop(&fdt, chosen, "linux,initrd-end"));
	assert_true(fdt_has_prop(&fdt, chosen, "stdout-path"));
}

static void test_interrupt_controllers(void **state)
{
	(void)state;
	static const unsigned hart_counts[] = {1, 4, RV_VIRT_MAX_HARTS};
	struct fdt fdt;
	const char *s;

	for (unsigned i = 0; i < 3; i++) {
		struct rv_virt_dtb_params p = default_params(hart_counts[i]);
		build_ok(&p, &fdt);
		int clint = path_node(&fdt, "/soc/clint@2000000");
		assert_int_equal(fdt_prop_string_index(&fdt, clint, "compatible", 0, &s), FDT_OK);
		assert_string_equal(s, "sifive,clint0");
		assert_int_equal(fdt_prop_string_index(&fdt, clint, "compatible", 1, &s), FDT_OK);
		assert_string_equal(s, "riscv,clint0");
		assert_reg(&fdt, clint, 0x2000000, 0x10000);
		/* M software (3) and M timer (7) of every hart. */
		assert_per_hart_irqs(&fdt, clint, hart_counts[i], 3, 7);

		int plic = path_node(&fdt, "/soc/plic@c000000");
		assert_true(fdt_is_compatible(&fdt, plic, "sifive,plic-1.0.0"));
		assert_true(fdt_is_compatible(&fdt, plic, "riscv,plic0"));
		assert_reg(&fdt, plic, 0xc000000, 0x600000);
		assert_true(fdt_has_prop(&fdt, plic, "interrupt-controller"));
		assert_int_equal(u32_prop(&fdt, plic, "#interrupt-cells"), 1);
		assert_int_equal(u32_prop(&fdt, plic, "riscv,ndev"),
		                 95); /* sources 1..95 of the machine's 96 */
		/* Context 2h: M external (11); context 2h + 1: S external (9). */
		assert_per_hart_irqs(&fdt, plic, hart_counts[i], 11, 9);
	}
}

static void test_devices(void **state)
{
	(void)state;
	struct rv_virt_dtb_params p = default_params(4);
	struct fdt fdt;
	const char *s;
	char path[64];

	build_ok(&p, &fdt);
	int plic = path_node(&fdt, "/soc/plic@c000000");
	int soc = path_node(&fdt, "/soc");
	assert_true(fdt_is_compatible(&fdt, soc, "simple-bus"));
	assert_true(fdt_has_prop(&fdt, soc, "ranges"));

	int uart = path_node(&fdt, "/soc/serial@10000000");
	assert_string_prop(&fdt, uart, "compatible", "ns16550a");
	assert_reg(&fdt, uart, 0x10000000, 0x100);
	assert_int_equal(u32_prop(&fdt, uart, "clock-frequency"), 3686400);
	assert_int_equal(u32_prop(&fdt, uart, "interrupts"), 10);
	assert_int_equal(phandle_target(&fdt, uart, "interrupt-parent", 0), plic);

	int rtc = path_node(&fdt, "/soc/rtc@101000");
	assert_string_prop(&fdt, rtc, "compatible", "google,goldfish-rtc");
	assert_reg(&fdt, rtc, 0x101000, 0x1000);
	assert_int_equal(u32_prop(&fdt, rtc, "interrupts"), 11);
	assert_int_equal(phandle_target(&fdt, rtc, "interrupt-parent", 0), plic);

	int test = path_node(&fdt, "/soc/test@100000");
	assert_int_equal(fdt_prop_string_count(&fdt, test, "compatible"), 3);
	assert_int_equal(fdt_prop_string_index(&fdt, test, "compatible", 0, &s), FDT_OK);
	assert_string_equal(s, "sifive,test1");
	assert_int_equal(fdt_prop_string_index(&fdt, test, "compatible", 1, &s), FDT_OK);
	assert_string_equal(s, "sifive,test0");
	assert_int_equal(fdt_prop_string_index(&fdt, test, "compatible", 2, &s), FDT_OK);
	assert_string_equal(s, "syscon");
	assert_reg(&fdt, test, 0x100000, 0x1000);

	int off = path_node(&fdt, "/poweroff");
	assert_string_prop(&fdt, off, "compatible", "syscon-poweroff");
	assert_int_equal(phandle_target(&fdt, off, "regmap", 0), test);
	assert_int_equal(u32_prop(&fdt, off, "offset"), 0);
	assert_int_equal(u32_prop(&fdt, off, "value"), 0x5555);
	int reboot = path_node(&fdt, "/reboot");
	assert_string_prop(&fdt, reboot, "compatible", "syscon-reboot");
	assert_int_equal(phandle_target(&fdt, reboot, "regmap", 0), test);
	assert_int_equal(u32_prop(&fdt, reboot, "offset"), 0);
	assert_int_equal(u32_prop(&fdt, reboot, "value"), 0x7777);

	/* Eight transports, slot i at 0x10001000 + i * 0x1000 with interrupt 1 + i, listed from the last. */
	int expect_slot = 7, found = 0;
	for (int n = fdt_find_compatible(&fdt, -1, "virtio,mmio"); n >= 0;
	     n = fdt_find_compatible(&fdt, n, "virtio,mmio")) {
		uint64_t base = 0x10001000ull + (uint64_t)expect_slot * 0x1000;
		snprintf(path, sizeof(path), "virtio_mmio@%llx", (unsigned long long)base);
		assert_string_equal(fdt_node_name(&fdt, n), path);
		assert_int_equal(fdt_parent(&fdt, n), soc);
		assert_reg(&fdt, n, base, 0x1000);
		assert_int_equal(u32_prop(&fdt, n, "interrupts"), (uint32_t)expect_slot + 1);
		assert_int_equal(phandle_target(&fdt, n, "interrupt-parent", 0), plic);
		expect_slot--;
		found++;
	}
	assert_int_equal(found, 8);

	/* Every phandle in the tree is unique. */
	uint32_t seen[2 * RV_VIRT_MAX_HARTS + 8];
	int n_seen = 0, depth = 0;
	for (int n = fdt_next_node(&fdt, -1, &depth); n >= 0; n = fdt_next_node(&fdt, n, &depth)) {
		uint32_t ph;
		if (fdt_prop_u32(&fdt, n, "phandle", &ph) != FDT_OK)
			continue;
		for (int i = 0; i < n_seen; i++)
			assert_int_not_equal(seen[i], ph);
		seen[n_seen++] = ph;
	}
	assert_int_equal(n_seen, 2 + 2 * 4); /* plic, test, and a cpu + intc per hart */
}

/* dtc, an independent reader, accepts the blob and its checks (phandle references, unit addresses vs reg,
 * interrupt providers, simple-bus children) print no warning at all. */
static void test_dtc_has_no_warnings(void **state)
{
	(void)state;
	struct rv_virt_dtb_params p = default_params(4);
	struct fdt fdt;
	char in[] = "/tmp/karasu-rv-dtb-XXXXXX", cmd[128], out[512];
	size_t size = build_ok(&p, &fdt);
	int fd = mkstemp(in);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, dtb_buf, size), (ssize_t)size);
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>&1; echo status=$?", in);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t len = fread(out, 1, sizeof(out) - 1, f);
	out[len] = '\0';
	pclose(f);
	unlink(in);
	assert_string_equal(out, "status=0\n");
}

/* ---- against QEMU's own virt devicetree (4 harts, 1 GiB) ---- */

/* Properties whose value is a list of phandles (every cell, or every other cell starting with the first):
 * compared by the path they point to, since phandle numbers differ between the two trees. */
static int phandle_stride(const char *name)
{
	if (strcmp(name, "interrupt-parent") == 0 || strcmp(name, "regmap") == 0 || strcmp(name, "cpu") == 0)
		return 1;
	if (strcmp(name, "interrupts-extended") == 0)
		return 2;
	return 0;
}

/* Differences that are intended: the phandle numbers, the ISA (QEMU's CPU has more extensions; karasu
 * writes the newer isa-base/isa-extensions too), riscv,ndev (QEMU 7.2 writes 96, one more than the
 * sources 1..95 that exist), and #address-cells on the cpu intc (dtc's interrupt_provider check). */
static bool intended_difference(const char *name)
{
	static const char *const names[] = {
	    "phandle",  "riscv,isa", "riscv,isa-base", "riscv,isa-extensions", "riscv,ndev",
	    "rng-seed", "bootargs",  "#address-cells", "linux,initrd-start",   "linux,initrd-end"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static void compare_prop(const struct fdt *a, int na, const struct fdt *b, int nb, const char *name,
                         const char *path)
{
	struct fdt_prop pa, pb;
	char ta[128], tb[128];
	int stride = phandle_stride(name);

	assert_int_equal(fdt_get_prop(a, na, name, &pa), FDT_OK);
	if (fdt_get_prop(b, nb, name, &pb) != FDT_OK)
		fail_msg("%s: QEMU has no property %s", path, name);
	if (pa.len != pb.len)
		fail_msg("%s: %s is %u bytes, QEMU's %u", path, name, pa.len, pb.len);
	if (stride == 0) {
		if (memcmp(pa.data, pb.data, pa.len) != 0)
			fail_msg("%s: %s differs from QEMU's", path, name);
		return;
	}
	for (int i = 0; i < (int)(pa.len / 4); i++) {
		uint32_t ca, cb;
		fdt_prop_cell(a, na, name, i, &ca);
		fdt_prop_cell(b, nb, name, i, &cb);
		if (i % stride == 0) {
			assert_true(fdt_node_path(a, phandle_target(a, na, name, i), ta, sizeof(ta)) > 0);
			assert_true(fdt_node_path(b, phandle_target(b, nb, name, i), tb, sizeof(tb)) > 0);
			if (strcmp(ta, tb) != 0)
				fail_msg("%s: %s[%d] points to %s, QEMU's to %s", path, name, i, ta, tb);
		} else if (ca != cb) {
			fail_msg("%s: %s[%d] = %u, QEMU's %u", path, name, i, ca, cb);
		}
	}
}

static void test_matches_qemu_virt(void **state)
{
	(void)state;
	/* Every node karasu's machine has in common with QEMU's board (QEMU also has pci, flash, fw-cfg,
	 * platform-bus and pmu, which karasu-rv does not model). */
	static const char *const must_match[] = {"/",
	                                         "/chosen",
	                                         "/memory@80000000",
	                                         "/cpus",
	                                         "/cpus/cpu@0",
	                                         "/cpus/cpu@3/interrupt-controller",
	                                         "/cpus/cpu-map/cluster0/core2",
	                                         "/poweroff",
	                                         "/reboot",
	                                         "/soc",
	                                         "/soc/clint@2000000",
	                                         "/soc/plic@c000000",
	                                         "/soc/serial@10000000",
	                                         "/soc/test@100000",
	                                         "/soc/rtc@101000",
	                                         "/soc/virtio_mmio@10001000",
	                                         "/soc/virtio_mmio@10008000"};
	struct rv_virt_dtb_params p = default_params(4);
	struct fdt ours, qemu;
	size_t qemu_size;
	uint8_t *qemu_blob = load_dtb("qemu_riscv_virt_smp4.dtb", &qemu_size);
	char path[128];
	int depth = 0, compared_nodes = 0, compared_props = 0;

	open_ok(&qemu, qemu_blob, qemu_size);
	build_ok(&p, &ours);
	for (size_t i = 0; i < sizeof(must_match) / sizeof(must_match[0]); i++) {
		path_node(&ours, must_match[i]);
		path_node(&qemu, must_match[i]);
	}
	for (int n = fdt_next_node(&ours, -1, &depth); n >= 0; n = fdt_next_node(&ours, n, &depth)) {
		struct fdt_prop prop;
		assert_true(fdt_node_path(&ours, n, path, sizeof(path)) > 0);
		int q = fdt_find_path(&qemu, path);
		if (q < 0) {
			/* Only /aliases is karasu's own. */
			assert_string_equal(path, "/aliases");
			continue;
		}
		compared_nodes++;
		/* Same properties both ways, except the intended differences. */
		for (int e = fdt_first_prop(&ours, n, &prop); e == FDT_OK; e = fdt_next_prop(&ours, &prop)) {
			if (intended_difference(prop.name) ||
			    (n == FDT_ROOT && strcmp(prop.name, "model") == 0))
				continue;
			compare_prop(&ours, n, &qemu, q, prop.name, path);
			compared_props++;
		}
		for (int e = fdt_first_prop(&qemu, q, &prop); e == FDT_OK; e = fdt_next_prop(&qemu, &prop)) {
			if (!intended_difference(prop.name) && !fdt_has_prop(&ours, n, prop.name))
				fail_msg("%s: QEMU has %s, karasu does not", path, prop.name);
		}
	}
	/* With 4 harts: 34 nodes (/, chosen, memory, cpus, 4 cpus + 4 intcs, cpu-map, cluster0, 4 cores, poweroff,
	 * reboot, soc and its 14 devices) and 105 of their properties. */
	assert_true(compared_nodes >= 34);
	assert_true(compared_props >= 100);

	/* The virtio transports in the same order (the order Linux numbers them in). */
	int qa = fdt_find_compatible(&ours, -1, "virtio,mmio"),
	    qb = fdt_find_compatible(&qemu, -1, "virtio,mmio");
	for (; qa >= 0 && qb >= 0; qa = fdt_find_compatible(&ours, qa, "virtio,mmio"),
	                           qb = fdt_find_compatible(&qemu, qb, "virtio,mmio"))
		assert_string_equal(fdt_node_name(&ours, qa), fdt_node_name(&qemu, qb));
	assert_int_equal(qa, FDT_ERR_NOTFOUND);
	assert_int_equal(qb, FDT_ERR_NOTFOUND);
	free(qemu_blob);
}

/* ---- parameters and buffer sizes ---- */

static void test_bad_params(void **state)
{
	(void)state;
	size_t size;
	struct rv_virt_dtb_params p;

	assert_int_equal(rv_virt_dtb_build(NULL, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p = default_params(1);
	assert_int_equal(rv_virt_dtb_build(&p, NULL, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), NULL), FDT_ERR_BADARG);
	p = default_params(0);
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p = default_params(RV_VIRT_MAX_HARTS + 1);
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p = default_params(1);
	p.ram_size = 0;
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p.ram_size = UINT64_MAX; /* past the end of the address space */
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p.ram_size = UINT64_MAX - 0x80000000ull + 1; /* exactly up to the end: fine */
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_OK);
	p = default_params(1);
	p.mmu = (enum rv_virt_mmu_type)10; /* Sv57: not offered */
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p = default_params(1);
	p.initrd_start = 0x88001000;
	p.initrd_end = 0x88000000;
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p.initrd_start = 0x7ffff000; /* starts below RAM */
	p.initrd_end = 0x80001000;
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p.initrd_start = 0xbffff000; /* ends past the last byte of 1 GiB */
	p.initrd_end = 0xc0000001;
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
	p.initrd_end = 0xc0000000; /* ends exactly at the end of RAM */
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_OK);
	p = default_params(1);
	p.isa = "rv64e";
	assert_int_equal(rv_virt_dtb_build(&p, dtb_buf, sizeof(dtb_buf), &size), FDT_ERR_BADARG);
}

/* Every capacity below the blob's size fails with NOSPACE (ASan sees any write past the end); the size
 * bound holds for the largest machine with long strings. */
static void test_buffer_sizes(void **state)
{
	(void)state;
	struct rv_virt_dtb_params p = default_params(4);
	struct fdt fdt;
	size_t ref_size = build_ok(&p, &fdt), size;
	uint8_t *ref = malloc(ref_size);
	memcpy(ref, dtb_buf, ref_size);

	for (size_t cap = 0; cap <= ref_size; cap++) {
		uint8_t *buf = malloc(cap > 0 ? cap : 1);
		int err = rv_virt_dtb_build(&p, buf, cap, &size);
		if (cap < ref_size) {
			assert_int_equal(err, FDT_ERR_NOSPACE);
		} else {
			assert_int_equal(err, FDT_OK);
			assert_memory_equal(buf, ref, ref_size);
		}
		free(buf);
	}
	free(ref);

	static char long_isa[RV_VIRT_ISA_MAX_LEN + 1], long_args[2048];
	size_t n = (size_t)snprintf(long_isa, sizeof(long_isa), "rv64gcvh");
	for (unsigned i = 0; n + 12 < RV_VIRT_ISA_MAX_LEN && i < RV_VIRT_ISA_MAX_EXTENSIONS - 12; i++)
		n += (size_t)snprintf(long_isa + n, sizeof(long_isa) - n, "_zext%05u", i);
	memset(long_args, 'x', sizeof(long_args) - 1);
	for (unsigned harts = 1; harts <= RV_VIRT_MAX_HARTS; harts++) {
		p = default_params(harts);
		p.isa = long_isa;
		p.bootargs = long_args;
		size_t bound = rv_virt_dtb_size_bound(&p);
		uint8_t *buf = malloc(bound);
		assert_int_equal(rv_virt_dtb_build(&p, buf, bound, &size), FDT_OK);
		assert_true(size <= bound);
		free(buf);
	}
	assert_int_equal(rv_virt_dtb_size_bound(NULL), 0);
}

/* ---- ISA strings ---- */

static void assert_isa(const char *isa, const char *base, const char *const *names, unsigned count)
{
	struct rv_virt_isa out;
	int err = rv_virt_isa_parse(isa, &out);
	if (err != FDT_OK)
		fail_msg("\"%s\": %s", isa, fdt_strerror(err));
	assert_string_equal(out.base, base);
	if (out.count != count)
		fail_msg("\"%s\": %u names, want %u", isa, out.count, count);
	for (unsigned i = 0; i < count; i++)
		assert_string_equal(out.names[i], names[i]);
}

static void test_isa_parse(void **state)
{
	(void)state;
	static const char *const def[] = {"i",      "m",     "a",        "f",   "d",   "c",   "zicntr",
	                                  "zicond", "zicsr", "zifencei", "zba", "zbb", "zbs", "sstc"};
	static const char *const gc[] = {"i", "m", "a", "f", "d", "zicsr", "zifencei", "c"};
	static const char *const ima[] = {"i", "m", "a"};
	static const char *const versioned[] = {"i", "m", "a", "zicsr", "zve32x"};
	static const char *const qemu[] = {"i",   "m",   "a",     "f",        "d",
	                                   "c",   "h",   "zicsr", "zifencei", "zihintpause",
	                                   "zba", "zbb", "zbc",   "zbs",      "sstc"};

	assert_isa(RV_VIRT_DTB_DEFAULT_ISA, "rv64i", def, 14);
	/* G = IMAFD + Zicsr + Zifencei (unprivileged spec, "G" extension); repeated names once. */
	assert_isa("rv64gc", "rv64i", gc, 8);
	assert_isa("rv64gc_zicsr_zifencei", "rv64i", gc, 8);
	/* Single letters separated by '_' (GCC's arch attribute) and version numbers. */
	assert_isa("rv64i_m_a", "rv64i", ima, 3);
	assert_isa("rv32i2p1m2p0a2p1", "rv32i", ima, 3);
	assert_isa("rv64i2p1_m_a_zicsr2p0_zve32x", "rv64i", versioned, 5);
	/* The string QEMU 7.2 writes for its default rv64 CPU. */
	assert_isa("rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc", "rv64i", qemu, 15);
}

static void test_isa_parse_errors(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",          "rv",           "rv64",    "rv128i",  "rv6i",   "rv64e",
	    "rv64zicsr", "RV64IMA",      "rv64Ima", "rv64i_",  "rv64_i", "rv64i__m",
	    "rv64i_z",   "rv64i_zicsr!", "rv64i m", "rv64i-m", "x86",    "rv64ima_zicsr.zifencei",
	};
	struct rv_virt_isa out;
	static char too_long[RV_VIRT_ISA_MAX_LEN + 2], too_many[1024], long_name[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&out, 0xa5, sizeof(out));
		if (rv_virt_isa_parse(bad[i], &out) != FDT_ERR_BADARG)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(out.count, 0);
		assert_string_equal(out.base, "");
	}
	assert_int_equal(rv_virt_isa_parse(NULL, &out), FDT_ERR_BADARG);
	assert_int_equal(rv_virt_isa_parse("rv64i", NULL), FDT_ERR_BADARG);

	memset(too_long, 'm', sizeof(too_long) - 1);
	memcpy(too_long, "rv64i", 5);
	assert_int_equal(rv_virt_isa_parse(too_long, &out), FDT_ERR_BADARG);

	size_t n = (size_t)snprintf(too_many, sizeof(too_many), "rv64i");
	for (unsigned i = 0; i < RV_VIRT_ISA_MAX_EXTENSIONS; i++)
		n += (size_t)snprintf(too_many + n, sizeof(too_many) - n, "_zx%u", i);
	assert_int_equal(rv_virt_isa_parse(too_many, &out), FDT_ERR_BADARG);

	memset(long_name, 'z', RV_VIRT_ISA_NAME_MAX + 1);
	char isa[80];
	snprintf(isa, sizeof(isa), "rv64i_%s", long_name);
	assert_int_equal(rv_virt_isa_parse(isa, &out), FDT_ERR_BADARG);
	long_name[RV_VIRT_ISA_NAME_MAX] = '\0'; /* exactly the longest name: fine */
	snprintf(isa, sizeof(isa), "rv64i_%s", long_name);
	assert_int_equal(rv_virt_isa_parse(isa, &out), FDT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpus),
	    cmocka_unit_test(test_memory_and_chosen),
	    cmocka_unit_test(test_interrupt_controllers),
	    cmocka_unit_test(test_devices),
	    cmocka_unit_test(test_dtc_has_no_warnings),
	    cmocka_unit_test(test_matches_qemu_virt),
	    cmocka_unit_test(test_bad_params),
	    cmocka_unit_test(test_buffer_sizes),
	    cmocka_unit_test(test_isa_parse),
	    cmocka_unit_test(test_isa_parse_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
