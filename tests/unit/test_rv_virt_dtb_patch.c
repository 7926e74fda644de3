/* rv/system/virt_dtb.c's rv_virt_dtb_patch (what karasu-rv does with -dtb FILE): the copy keeps every node
 * and property but /chosen's bootargs and initrd, on karasu's own tree, on a hand-made tree without
 * /chosen, on QEMU's -dumpdtb file; and malformed blobs give an error code, never a crash (ASan/UBSan). */
#include "tests/unit/test_rv_virt_dtb_util.h"

static uint8_t out_buf[DTB_BUF_SIZE];

static size_t patch_ok(const void *src, size_t src_size, const char *bootargs, uint64_t start, uint64_t end,
                       struct fdt *out)
{
	size_t size, cap = rv_virt_dtb_patch_size_bound(src, src_size, bootargs);
	assert_true(cap <= sizeof(out_buf));
	int err = rv_virt_dtb_patch(src, src_size, bootargs, start, end, out_buf, cap, &size);
	if (err != FDT_OK)
		fail_msg("rv_virt_dtb_patch: %s", fdt_strerror(err));
	open_ok(out, out_buf, size);
	assert_int_equal(fdt_check_structure(out), FDT_OK);
	return size;
}

/* Every node and property of a is in b with the same bytes, except /chosen's bootargs and initrd. */
static void assert_same_tree_but_chosen(const struct fdt *a, const struct fdt *b)
{
	char path[128];
	int depth = 0, nodes_a = 0, nodes_b = 0;
	for (int n = fdt_next_node(a, -1, &depth); n >= 0; n = fdt_next_node(a, n, &depth)) {
		struct fdt_prop pa, pb;
		fdt_node_path(a, n, path, sizeof(path));
		int m = path_node(b, path);
		nodes_a++;
		for (int e = fdt_first_prop(a, n, &pa); e == FDT_OK; e = fdt_next_prop(a, &pa)) {
			if (strcmp(path, "/chosen") == 0 &&
			    (strcmp(pa.name, "bootargs") == 0 || strncmp(pa.name, "linux,initrd-", 13) == 0))
				continue;
			assert_int_equal(fdt_get_prop(b, m, pa.name, &pb), FDT_OK);
			assert_int_equal(pa.len, pb.len);
			assert_memory_equal(pa.data, pb.data, pa.len);
		}
	}
	depth = 0;
	for (int n = fdt_next_node(b, -1, &depth); n >= 0; n = fdt_next_node(b, n, &depth))
		nodes_b++;
	assert_int_equal(nodes_a, nodes_b);
}

static void test_patch_generated(void **state)
{
	(void)state;
	static uint8_t src[DTB_BUF_SIZE];
	struct rv_virt_dtb_params p = default_params(4);
	struct fdt orig, out;
	const char *s;
	uint64_t v;

	p.bootargs = "old args";
	p.initrd_start = 0x84000000;
	p.initrd_end = 0x84001000;
	size_t src_size = build_ok(&p, &orig);
	memcpy(src, dtb_buf, src_size);
	open_ok(&orig, src, src_size);

	/* Both replaced: one bootargs, the new initrd, the rest identical. */
	patch_ok(src, src_size, "console=ttyS0 new", 0x88000000, 0x88200000, &out);
	int chosen = path_node(&out, "/chosen");
	assert_string_prop(&out, chosen, "bootargs", "console=ttyS0 new");
	assert_int_equal(fdt_prop_u64(&out, chosen, "linux,initrd-start", &v), FDT_OK);
	assert_int_equal(v, 0x88000000);
	assert_int_equal(fdt_prop_u64(&out, chosen, "linux,initrd-end", &v), FDT_OK);
	assert_int_equal(v, 0x88200000);
	assert_string_prop(&out, chosen, "stdout-path", "/soc/serial@10000000");
	assert_same_tree_but_chosen(&orig, &out);

	/* NULL bootargs and 0/0 keep the source's. */
	patch_ok(src, src_size, NULL, 0, 0, &out);
	chosen = path_node(&out, "/chosen");
	assert_int_equal(fdt_prop_string(&out, chosen, "bootargs", &s), FDT_OK);
	assert_string_equal(s, "old args");
	assert_int_equal(fdt_prop_u64(&out, chosen, "linux,initrd-start", &v), FDT_OK);
	assert_int_equal(v, 0x84000000);
	assert_same_tree_but_chosen(&orig, &out);
	assert_same_tree_but_chosen(&out, &orig);

	/* An empty command line is a command line. */
	patch_ok(src, src_size, "", 0, 0, &out);
	assert_string_prop(&out, path_node(&out, "/chosen"), "bootargs", "");
}

/* A tree with no /chosen (and a "chosen@0" that is not it), a reservation and a boot CPU: /chosen is
 * created, the rest is kept. */
static void test_patch_adds_chosen(void **state)
{
	(void)state;
	static uint8_t src[1024];
	struct fdt_builder b;
	struct fdt out;
	size_t src_size;
	uint64_t addr, size, v;

	fdt_builder_init(&b, src, sizeof(src));
	fdt_builder_set_boot_cpuid(&b, 2);
	fdt_builder_add_reserve(&b, 0x80000000, 0x200000);
	fdt_builder_begin_node(&b, "");
	fdt_builder_prop_u32(&b, "#address-cells", 2);
	fdt_builder_begin_node(&b, "chosen@0");
	fdt_builder_prop_string(&b, "bootargs", "not the chosen node");
	fdt_builder_end_node(&b);
	fdt_builder_end_node(&b);
	assert_int_equal(fdt_builder_finish(&b, &src_size), FDT_OK);

	patch_ok(src, src_size, "console=ttyS0", 0x88000000, 0x88000100, &out);
	assert_int_equal(out.boot_cpuid, 2);
	assert_int_equal(fdt_reserve_count(&out), 1);
	assert_int_equal(fdt_reserve_get(&out, 0, &addr, &size), FDT_OK);
	assert_int_equal(addr, 0x80000000);
	assert_int_equal(size, 0x200000);
	int chosen = fdt_subnode(&out, FDT_ROOT, "chosen", 6);
	assert_true(chosen >= 0);
	assert_string_equal(fdt_node_name(&out, chosen), "chosen");
	assert_string_prop(&out, chosen, "bootargs", "console=ttyS0");
	assert_int_equal(fdt_prop_u64(&out, chosen, "linux,initrd-end", &v), FDT_OK);
	assert_int_equal(v, 0x88000100);
	assert_string_prop(&out, path_node(&out, "/chosen@0"), "bootargs", "not the chosen node");

	/* Nothing to patch: a faithful copy, with no empty /chosen made up. */
	patch_ok(src, src_size, NULL, 0, 0, &out);
	assert_string_prop(&out, path_node(&out, "/chosen@0"), "bootargs", "not the chosen node");
	int child = fdt_first_child(&out, FDT_ROOT);
	assert_string_equal(fdt_node_name(&out, child), "chosen@0");
	assert_int_equal(fdt_next_sibling(&out, child), FDT_ERR_NOTFOUND);
}

/* QEMU's own -dumpdtb file (1 MiB, of which the blob is a few KiB) patched the way -dtb is used. */
static void test_patch_qemu_dump(void **state)
{
	(void)state;
	size_t qemu_size;
	uint8_t *qemu_blob = load_dtb("qemu_riscv_virt_smp4.dtb", &qemu_size);
	struct fdt orig, out;

	open_ok(&orig, qemu_blob, qemu_size);
	assert_true(rv_virt_dtb_patch_size_bound(qemu_blob, qemu_size, "x") < sizeof(out_buf));
	patch_ok(qemu_blob, qemu_size, "console=ttyS0 quiet", 0x88000000, 0x88100000, &out);
	assert_string_prop(&out, path_node(&out, "/chosen"), "bootargs", "console=ttyS0 quiet");
	assert_same_tree_but_chosen(&orig, &out);
	free(qemu_blob);
}

static void test_patch_malformed(void **state)
{
	(void)state;
	static uint8_t src[DTB_BUF_SIZE], bad[DTB_BUF_SIZE];
	struct rv_virt_dtb_params p = default_params(2);
	struct fdt fdt;
	size_t size;

	p.bootargs = "console=ttyS0";
	size_t src_size = build_ok(&p, &fdt);
	memcpy(src, dtb_buf, src_size);

	assert_int_equal(rv_virt_dtb_patch(NULL, 0, "x", 0, 0, out_buf, sizeof(out_buf), &size),
	                 FDT_ERR_BADARG);
	assert_int_equal(rv_virt_dtb_patch(src, src_size, "x", 0, 0, NULL, 0, &size), FDT_ERR_BADARG);
	assert_int_equal(rv_virt_dtb_patch(src, src_size, "x", 0, 0, out_buf, sizeof(out_buf), NULL),
	                 FDT_ERR_BADARG);
	assert_int_equal(rv_virt_dtb_patch(src, src_size, "x", 2, 1, out_buf, sizeof(out_buf), &size),
	                 FDT_ERR_BADARG);
	assert_int_equal(rv_virt_dtb_patch(src, 8, "x", 0, 0, out_buf, sizeof(out_buf), &size),
	                 FDT_ERR_TRUNCATED);
	assert_int_equal(rv_virt_dtb_patch(src, src_size - 1, "x", 0, 0, out_buf, sizeof(out_buf), &size),
	                 FDT_ERR_TRUNCATED);
	assert_int_equal(rv_virt_dtb_patch(src, src_size, "x", 0, 0, out_buf, 64, &size), FDT_ERR_NOSPACE);
	memcpy(bad, src, src_size);
	bad[0] ^= 0xff;
	assert_int_equal(rv_virt_dtb_patch(bad, src_size, "x", 0, 0, out_buf, sizeof(out_buf), &size),
	                 FDT_ERR_BADMAGIC);
	/* The first token of the structure block is not BEGIN_NODE. */
	memcpy(bad, src, src_size);
	uint32_t struct_off =
	    ((uint32_t)bad[8] << 24) | ((uint32_t)bad[9] << 16) | ((uint32_t)bad[10] << 8) | bad[11];
	bad[struct_off + 3] = 0x7;
	assert_true(rv_virt_dtb_patch(bad, src_size, "x", 0, 0, out_buf, sizeof(out_buf), &size) < 0);

	/* Every byte corrupted in turn, two ways: an error code or a valid blob, never a crash (ASan). */
	int errors = 0;
	for (size_t i = 0; i < src_size; i++) {
		for (int way = 0; way < 2; way++) {
			memcpy(bad, src, src_size);
			bad[i] = way == 0 ? (uint8_t)(bad[i] ^ 0xff) : 0;
			int err = rv_virt_dtb_patch(bad, src_size, "console=ttyS0 patched", 0x88000000,
			                            0x88001000, out_buf, sizeof(out_buf), &size);
			if (err < 0) {
				errors++;
				continue;
			}
			assert_int_equal(err, FDT_OK);
			open_ok(&fdt, out_buf, size);
			assert_int_equal(fdt_check_structure(&fdt), FDT_OK);
		}
	}
	assert_true(errors > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_patch_generated),
	    cmocka_unit_test(test_patch_adds_chosen),
	    cmocka_unit_test(test_patch_qemu_dump),
	    cmocka_unit_test(test_patch_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
