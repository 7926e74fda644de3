/* lib/fdt_builder.c: the builder and fdt_copy (with filter/patch callbacks), checked by the reader and by dtc
 * itself. The reader's own tests are in test_fdt.c. */
#include "tests/unit/test_fdt_util.h"

#include "lib/mem.h"

/* ---- builder ---- */

static int build_guest_tree(void *buf, size_t cap, size_t *size)
{
	struct fdt_builder b;
	static const char *const compat[] = {"linux,dummy-virt", "karasu,guest"};
	static const uint32_t gic_irq[] = {1, 9, 4};
	uint64_t mem[] = {0x40000000, 0x20000000};

	fdt_builder_init(&b, buf, cap);
	fdt_builder_set_boot_cpuid(&b, 0);
	fdt_builder_add_reserve(&b, 0x48000000, 0x1000);
	fdt_builder_begin_node(&b, "");
	fdt_builder_prop_u32(&b, "#address-cells", 2);
	fdt_builder_prop_u32(&b, "#size-cells", 2);
	fdt_builder_prop_strings(&b, "compatible", compat, 2);
	fdt_builder_prop_string(&b, "model", "karasu guest");
	fdt_builder_begin_node(&b, "chosen");
	fdt_builder_prop_string(&b, "bootargs", "console=ttyAMA0 earlycon");
	fdt_builder_prop_u64(&b, "linux,initrd-start", 0x48000000);
	fdt_builder_prop_u64(&b, "linux,initrd-end", 0x48100000);
	fdt_builder_end_node(&b);
	fdt_builder_begin_node(&b, "memory@40000000");
	fdt_builder_prop_string(&b, "device_type", "memory");
	fdt_builder_prop_reg(&b, "reg", 2, 2, mem, 1);
	fdt_builder_end_node(&b);
	fdt_builder_begin_node(&b, "cpus");
	fdt_builder_prop_u32(&b, "#address-cells", 1);
	fdt_builder_prop_u32(&b, "#size-cells", 0);
	for (uint32_t i = 0; i < 2; i++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%u", i);
		fdt_builder_begin_node(&b, name);
		fdt_builder_prop_string(&b, "device_type", "cpu");
		fdt_builder_prop_string(&b, "compatible", "arm,cortex-a72");
		fdt_builder_prop_u32(&b, "reg", i);
		fdt_builder_prop_string(&b, "enable-method", "psci");
		fdt_builder_end_node(&b);
	}
	fdt_builder_end_node(&b);
	fdt_builder_begin_node(&b, "psci");
	fdt_builder_prop_string(&b, "compatible", "arm,psci-1.0");
	fdt_builder_prop_string(&b, "method", "hvc");
	fdt_builder_end_node(&b);
	fdt_builder_begin_node(&b, "intc@8000000");
	fdt_builder_prop_cells(&b, "interrupts", gic_irq, 3);
	fdt_builder_prop_empty(&b, "interrupt-controller");
	fdt_builder_prop(&b, "bytes", "\x01\x02\x03", 3);
	fdt_builder_end_node(&b);
	fdt_builder_end_node(&b);
	return fdt_builder_finish(&b, size);
}

static void test_builder_tree(void **state)
{
	(void)state;
	uint8_t buf[4096];
	size_t size;
	struct fdt fdt;
	uint64_t addr, len, v64;
	uint32_t v;
	const char *s;
	char *text;
	int cpu;

	assert_int_equal(build_guest_tree(buf, sizeof(buf), &size), FDT_OK);
	assert_true(size < sizeof(buf));
	open_ok(&fdt, buf, size);
	assert_int_equal(fdt_check_structure(&fdt), FDT_OK);
	assert_int_equal(fdt_reserve_count(&fdt), 1);
	assert_int_equal(fdt_reg(&fdt, path_node(&fdt, "/memory"), 0, &addr, &len), FDT_OK);
	assert_int_equal(addr, 0x40000000);
	assert_int_equal(len, 0x20000000);
	assert_int_equal(fdt_prop_u64(&fdt, path_node(&fdt, "/chosen"), "linux,initrd-end", &v64), FDT_OK);
	assert_int_equal(v64, 0x48100000);
	cpu = path_node(&fdt, "/cpus/cpu@1");
	assert_int_equal(fdt_reg(&fdt, cpu, 0, &addr, NULL), FDT_OK);
	assert_int_equal(addr, 1);
	assert_int_equal(fdt_prop_string(&fdt, cpu, "enable-method", &s), FDT_OK);
	assert_string_equal(s, "psci");
	assert_int_equal(fdt_prop_string_index(&fdt, FDT_ROOT, "compatible", 1, &s), FDT_OK);
	assert_string_equal(s, "karasu,guest");
	assert_int_equal(fdt_prop_cell(&fdt, path_node(&fdt, "/intc"), "interrupts", 1, &v), FDT_OK);
	assert_int_equal(v, 9);

	/* dtc accepts it and sees the same tree. */
	assert_int_equal(dtc_decompile(buf, size, &text), 0);
	assert_contains(text, "/memreserve/\t0x0000000048000000 0x0000000000001000;");
	assert_contains(text, "bootargs = \"console=ttyAMA0 earlycon\";");
	assert_contains(text, "linux,initrd-start = <0x00 0x48000000>;");
	assert_contains(text, "reg = <0x00 0x40000000 0x00 0x20000000>;");
	assert_contains(text, "enable-method = \"psci\";");
	assert_contains(text, "compatible = \"linux,dummy-virt\\0karasu,guest\";");
	assert_contains(text, "interrupts = <0x01 0x09 0x04>;");
	assert_contains(text, "bytes = [01 02 03];");
	assert_contains(text, "interrupt-controller;");
	free(text);
}

static void test_builder_errors(void **state)
{
	(void)state;
	uint8_t buf[1024];
	struct fdt_builder b;
	size_t size;
	uint64_t big[] = {0x100000000ull, 0x1000};

	assert_int_equal(fdt_builder_init(&b, buf, 10), FDT_ERR_NOSPACE);

	fdt_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(fdt_builder_begin_node(&b, "notroot"), FDT_ERR_BADARG);

	fdt_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(fdt_builder_prop_u32(&b, "x", 1), FDT_ERR_BADSTATE); /* no node open */

	fdt_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(fdt_builder_end_node(&b), FDT_ERR_BADSTATE);

	fdt_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(fdt_builder_begin_node(&b, ""), FDT_OK);
	assert_int_equal(fdt_builder_add_reserve(&b, 0x1000, 0x1000), FDT_ERR_BADSTATE);

	fdt_builder_init(&b, buf, sizeof(buf));
	fdt_builder_begin_node(&b, "");
	assert_int_equal(fdt_builder_prop_u32(&b, "a", 1), FDT_OK);
	assert_int_equal(fdt_builder_prop_u32(&b, "a", 2), FDT_ERR_EXISTS);
	/* Sticky: everything after the first error fails with it. */
	assert_int_equal(fdt_builder_end_node(&b), FDT_ERR_EXISTS);
	assert_int_equal(fdt_builder_finish(&b, &size), FDT_ERR_EXISTS);

	fdt_builder_init(&b, buf, sizeof(buf));
	fdt_builder_begin_node(&b, "");
	fdt_builder_begin_node(&b, "child");
	fdt_builder_end_node(&b);
	assert_int_equal(fdt_builder_prop_u32(&b, "late", 1), FDT_ERR_BADSTATE);

	fdt_builder_init(&b, buf, sizeof(buf));
	fdt_builder_begin_node(&b, "");
	assert_int_equal(fdt_builder_begin_node(&b, "a/b"), FDT_ERR_BADARG);

	fdt_builder_init(&b, buf, sizeof(buf));
	fdt_builder_begin_node(&b, "");
	assert_int_equal(fdt_builder_begin_node(&b, ""), FDT_ERR_BADARG);

	fdt_builder_init(&b, buf, sizeof(buf));
	fdt_builder_begin_node(&b, "");
	fdt_builder_begin_node(&b, "open");
	assert_int_equal(fdt_builder_finish(&b, &size), FDT_ERR_BADSTATE);

	fdt_builder_init(&b, buf, sizeof(buf));
	fdt_builder_begin_node(&b, "");
	fdt_builder_end_node(&b);
	assert_int_equal(fdt_builder_begin_node(&b, "second-root"), FDT_ERR_BADSTATE);

	fdt_builder_init(&b, buf, sizeof(buf));
	fdt_builder_begin_node(&b, "");
	assert_int_equal(fdt_builder_prop_reg(&b, "reg", 1, 1, big, 1), FDT_ERR_BADVALUE);

	fdt_builder_init(&b, buf, sizeof(buf));
	fdt_builder_begin_node(&b, "");
	for (int i = 0; i < FDT_MAX_DEPTH - 1; i++) {
		assert_int_equal(fdt_builder_begin_node(&b, "d"), FDT_OK);
	}
	assert_int_equal(fdt_builder_begin_node(&b, "d"), FDT_ERR_BADSTATE);

	fdt_builder_init(&b, buf, sizeof(buf));
	for (unsigned i = 0; i < FDT_BUILDER_MAX_RESERVE; i++) {
		assert_int_equal(fdt_builder_add_reserve(&b, i << 20, 0x1000), FDT_OK);
	}
	assert_int_equal(fdt_builder_add_reserve(&b, 0, 0x1000), FDT_ERR_NOSPACE);
}

/* Every buffer size up to the needed one: NOSPACE (never a write past the end), then the same blob. */
static void test_builder_nospace(void **state)
{
	(void)state;
	uint8_t ref[4096];
	size_t ref_size, size;

	assert_int_equal(build_guest_tree(ref, sizeof(ref), &ref_size), FDT_OK);
	for (size_t cap = 0; cap <= ref_size + 8; cap++) {
		uint8_t *buf = malloc(cap > 0 ? cap : 1);
		int err = build_guest_tree(buf, cap, &size);
		if (cap < ref_size) {
			assert_int_equal(err, FDT_ERR_NOSPACE);
		} else {
			assert_int_equal(err, FDT_OK);
			assert_int_equal(size, ref_size);
			assert_memory_equal(buf, ref, size);
		}
		free(buf);
	}
}

/* ---- copy with filter ---- */

struct guest_patch {
	int cpus, chosen, memory, psci, cpu_map;
};

static bool patch_keep_node(void *ctx, const struct fdt *src, int node, int depth)
{
	struct guest_patch *p = ctx;
	uint64_t reg;

	(void)depth;
	if (node == p->psci || node == p->cpu_map || fdt_is_compatible(src, node, "virtio,mmio")) {
		return false;
	}
	/* Keep cpu@0 and cpu@1 only. */
	if (fdt_parent(src, node) == p->cpus && fdt_reg(src, node, 0, &reg, NULL) == FDT_OK) {
		return reg < 2;
	}
	return true;
}

static bool patch_keep_prop(void *ctx, const struct fdt *src, int node, const struct fdt_prop *prop)
{
	struct guest_patch *p = ctx;

	(void)src;
	if (node == p->memory && strcmp(prop->name, "reg") == 0) {
		return false;
	}
	return !(node == p->chosen && strcmp(prop->name, "stdout-path") == 0);
}

static int patch_add_props(void *ctx, struct fdt_builder *b, const struct fdt *src, int node, int depth)
{
	struct guest_patch *p = ctx;
	uint64_t mem[] = {0x40000000, 0x10000000};

	(void)src;
	(void)depth;
	if (node == p->memory) {
		return fdt_builder_prop_reg(b, "reg", 2, 2, mem, 1);
	}
	if (node == p->chosen) {
		fdt_builder_prop_string(b, "bootargs", "console=ttyAMA0");
		fdt_builder_prop_u64(b, "linux,initrd-start", 0x44000000);
		return fdt_builder_prop_u64(b, "linux,initrd-end", 0x44200000);
	}
	return FDT_OK;
}

static int patch_add_children(void *ctx, struct fdt_builder *b, const struct fdt *src, int node, int depth)
{
	(void)ctx;
	(void)src;
	(void)node;
	if (depth == 0) {
		fdt_builder_begin_node(b, "psci");
		fdt_builder_prop_string(b, "compatible", "arm,psci-0.2");
		fdt_builder_prop_string(b, "method", "hvc");
		return fdt_builder_end_node(b);
	}
	return FDT_OK;
}

static void test_copy_identity(void **state)
{
	(void)state;
	size_t size, out_size;
	uint8_t *blob = load_dtb("features.dtb", &size);
	uint8_t *out = malloc(size + 64);
	struct fdt src;
	struct fdt_builder b;
	char *text_in, *text_out;

	open_ok(&src, blob, size);
	fdt_builder_init(&b, out, size + 64);
	assert_int_equal(fdt_copy(&src, &b, NULL), FDT_OK);
	assert_int_equal(fdt_builder_finish(&b, &out_size), FDT_OK);
	assert_int_equal(dtc_decompile(blob, size, &text_in), 0);
	assert_int_equal(dtc_decompile(out, out_size, &text_out), 0);
	assert_string_equal(text_out, text_in);
	free(text_in);
	free(text_out);
	free(out);
	free(blob);
}

static void test_copy_patch_guest(void **state)
{
	(void)state;
	size_t size, out_size;
	uint8_t *blob = load_dtb("qemu-virt.dtb", &size);
	static uint8_t out[16384];
	struct fdt src, dst;
	struct fdt_builder b;
	struct guest_patch patch;
	struct fdt_copy_ops ops = {.ctx = &patch,
	                           .keep_node = patch_keep_node,
	                           .keep_prop = patch_keep_prop,
	                           .add_props = patch_add_props,
	                           .add_children = patch_add_children};
	uint64_t addr, len, v64;
	const char *s;
	char *text;
	int cpus, count, node, depth = 0;

	open_ok(&src, blob, size);
	patch.cpus = path_node(&src, "/cpus");
	patch.chosen = path_node(&src, "/chosen");
	patch.memory = path_node(&src, "/memory");
	patch.psci = path_node(&src, "/psci");
	patch.cpu_map = path_node(&src, "/cpus/cpu-map");
	fdt_builder_init(&b, out, sizeof(out));
	fdt_builder_add_reserve(&b, 0x44000000, 0x200000);
	assert_int_equal(fdt_copy(&src, &b, &ops), FDT_OK);
	assert_int_equal(fdt_builder_finish(&b, &out_size), FDT_OK);

	open_ok(&dst, out, out_size);
	assert_int_equal(fdt_check_structure(&dst), FDT_OK);
	assert_int_equal(fdt_reserve_count(&dst), 1);
	assert_int_equal(fdt_find_compatible(&dst, -1, "virtio,mmio"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_path(&dst, "/cpus/cpu-map"), FDT_ERR_NOTFOUND);
	cpus = path_node(&dst, "/cpus");
	count = 0;
	for (node = fdt_first_child(&dst, cpus); node >= 0; node = fdt_next_sibling(&dst, node)) {
		assert_int_equal(fdt_prop_string(&dst, node, "enable-method", &s), FDT_OK);
		assert_string_equal(s, "psci");
		count++;
	}
	assert_int_equal(count, 2);
	assert_int_equal(fdt_reg(&dst, path_node(&dst, "/memory@40000000"), 0, &addr, &len), FDT_OK);
	assert_int_equal(len, 0x10000000);
	assert_int_equal(fdt_prop_string(&dst, path_node(&dst, "/psci"), "method", &s), FDT_OK);
	assert_string_equal(s, "hvc");
	assert_false(fdt_has_prop(&dst, path_node(&dst, "/chosen"), "stdout-path"));
	assert_int_equal(fdt_prop_u64(&dst, path_node(&dst, "/chosen"), "linux,initrd-start", &v64), FDT_OK);
	assert_int_equal(v64, 0x44000000);
	/* The psci node was appended as the last child of the root. */
	for (node = fdt_next_node(&dst, -1, &depth); node >= 0; node = fdt_next_node(&dst, node, &depth)) {
		if (depth == 1) {
			count = node;
		}
	}
	assert_int_equal(count, path_node(&dst, "/psci"));
	/* Untouched parts survive: the GIC and its phandle. */
	assert_int_equal(fdt_find_phandle(&dst, 0x8005), path_node(&dst, "/intc@8000000"));

	assert_int_equal(dtc_decompile(out, out_size, &text), 0);
	assert_contains(text, "bootargs = \"console=ttyAMA0\";");
	assert_contains(text, "method = \"hvc\";");
	assert_contains(text, "reg = <0x00 0x40000000 0x00 0x10000000>;");
	free(text);
	free(blob);
}

static int failing_add_props(void *ctx, struct fdt_builder *b, const struct fdt *src, int node, int depth)
{
	(void)ctx;
	(void)b;
	(void)src;
	return depth == 1 && strcmp(fdt_node_name(src, node), "chosen") == 0 ? FDT_ERR_BADVALUE : FDT_OK;
}

static void test_copy_errors(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("qemu-virt.dtb", &size);
	uint8_t small[512];
	static uint8_t out[16384];
	struct fdt src;
	struct fdt_builder b;
	struct fdt_copy_ops ops = {.add_props = failing_add_props};

	open_ok(&src, blob, size);
	fdt_builder_init(&b, small, sizeof(small));
	assert_int_equal(fdt_copy(&src, &b, NULL), FDT_ERR_NOSPACE);
	fdt_builder_init(&b, out, sizeof(out));
	assert_int_equal(fdt_copy(&src, &b, &ops), FDT_ERR_BADVALUE);
	/* A corrupt source is reported, not copied. */
	k_store_be32(blob + src.struct_off + 8, 0x55);
	fdt_builder_init(&b, out, sizeof(out));
	assert_int_equal(fdt_copy(&src, &b, NULL), FDT_ERR_BADSTRUCT);
	free(blob);
}

/* A source whose reservation map the builder cannot keep is a layout error, not a lack of space: a bigger
 * buffer would not help (the fuzzer found a blob whose map overlapped its structure block: 24 entries). */
static void test_copy_reservation_limits(void **state)
{
	(void)state;
	static uint8_t src_buf[4096], out[65536];
	struct fdt_builder b;
	struct fdt src;
	size_t size;

	fdt_builder_init(&b, src_buf, sizeof(src_buf));
	for (unsigned i = 0; i < FDT_BUILDER_MAX_RESERVE; i++) {
		assert_int_equal(fdt_builder_add_reserve(&b, (uint64_t)(i + 1) << 20, 0x1000), FDT_OK);
	}
	fdt_builder_begin_node(&b, "");
	fdt_builder_end_node(&b);
	assert_int_equal(fdt_builder_finish(&b, &size), FDT_OK);
	open_ok(&src, src_buf, size);

	fdt_builder_init(&b, out, sizeof(out));
	assert_int_equal(fdt_copy(&src, &b, NULL), FDT_OK); /* all 16 fit */
	fdt_builder_init(&b, out, sizeof(out));
	fdt_builder_add_reserve(&b, 0x40000000, 0x1000);
	assert_int_equal(fdt_copy(&src, &b, NULL), FDT_ERR_BADLAYOUT); /* 17 do not */

	/* An entry of size 0 (not the terminator: its address is not 0) cannot be written back either. */
	k_store_be64(src_buf + src.rsvmap_off + 8, 0);
	open_ok(&src, src_buf, size);
	fdt_builder_init(&b, out, sizeof(out));
	assert_int_equal(fdt_copy(&src, &b, NULL), FDT_ERR_BADLAYOUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    /* fdt_builder_* */
	    cmocka_unit_test(test_builder_tree),
	    cmocka_unit_test(test_builder_errors),
	    cmocka_unit_test(test_builder_nospace),
	    /* fdt_copy */
	    cmocka_unit_test(test_copy_identity),
	    cmocka_unit_test(test_copy_patch_guest),
	    cmocka_unit_test(test_copy_errors),
	    cmocka_unit_test(test_copy_reservation_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
