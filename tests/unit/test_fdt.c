/* lib/fdt.c and lib/fdt_prop.c: the reader against blobs dtc compiled from the .dts files in tests/unit/data,
 * and corrupted/truncated blobs (under ASan). The builder and fdt_copy are in test_fdt_builder.c. */
#include "tests/unit/test_fdt_util.h"

#include "lib/mem.h"

/* ---- reader: QEMU virt ---- */

static void test_open_qemu_virt(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("qemu-virt.dtb", &size);
	struct fdt fdt;

	open_ok(&fdt, blob, size);
	assert_int_equal(fdt.version, 17);
	assert_int_equal(fdt.total_size, size);
	assert_int_equal(fdt_peek_total_size(blob), size);
	assert_int_equal(fdt_check_structure(&fdt), FDT_OK);
	assert_int_equal(fdt_reserve_count(&fdt), 0);
	assert_string_equal(fdt_node_name(&fdt, FDT_ROOT), "");
	free(blob);
}

static void test_paths_and_reg(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("qemu-virt.dtb", &size);
	struct fdt fdt;
	uint64_t addr, len;
	int uart, intc, cpus, cpu;

	open_ok(&fdt, blob, size);
	assert_int_equal(fdt_find_path(&fdt, "/"), FDT_ROOT);
	uart = path_node(&fdt, "/pl011@9000000");
	assert_string_equal(fdt_node_name(&fdt, uart), "pl011@9000000");
	assert_int_equal(fdt_find_path(&fdt, "/pl011"), uart); /* without the unit address */
	assert_int_equal(fdt_reg_count(&fdt, uart), 1);
	assert_int_equal(fdt_reg(&fdt, uart, 0, &addr, &len), FDT_OK);
	assert_int_equal(addr, 0x9000000);
	assert_int_equal(len, 0x1000);
	assert_int_equal(fdt_reg(&fdt, uart, 1, &addr, &len), FDT_ERR_NOTFOUND);

	intc = path_node(&fdt, "/intc@8000000");
	assert_int_equal(fdt_reg_count(&fdt, intc), 2);
	assert_int_equal(fdt_reg(&fdt, intc, 1, &addr, &len), FDT_OK);
	assert_int_equal(addr, 0x80a0000); /* GICR */
	assert_int_equal(len, 0xf60000);
	assert_int_equal(fdt_parent(&fdt, path_node(&fdt, "/intc/its")), intc);

	assert_int_equal(fdt_reg(&fdt, path_node(&fdt, "/memory"), 0, &addr, &len), FDT_OK);
	assert_int_equal(addr, 0x40000000);
	assert_int_equal(len, 0x40000000);

	cpus = path_node(&fdt, "/cpus");
	assert_int_equal(fdt_address_cells(&fdt, cpus), 1);
	assert_int_equal(fdt_size_cells(&fdt, cpus), 0);
	cpu = path_node(&fdt, "/cpus/cpu@3");
	assert_int_equal(fdt_parent(&fdt, cpu), cpus);
	assert_int_equal(fdt_depth(&fdt, cpu), 2);
	len = 99;
	assert_int_equal(fdt_reg(&fdt, cpu, 0, &addr, &len), FDT_OK);
	assert_int_equal(addr, 3);
	assert_int_equal(len, 0);
	/* "cpu" without unit address: the first cpu@N child. */
	assert_int_equal(fdt_find_path(&fdt, "/cpus/cpu"), path_node(&fdt, "/cpus/cpu@0"));
	assert_int_equal(fdt_find_path(&fdt, "/cpus/cpu@4"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_path(&fdt, "/nonexistent"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_path(&fdt, "/cpus/cpu-map/socket0/cluster0/core2/"),
	                 path_node(&fdt, "//cpus//cpu-map/socket0/cluster0/core2"));
	/* QEMU's tree has no /aliases: a relative path cannot resolve. */
	assert_int_equal(fdt_find_path(&fdt, "serial0"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_path(&fdt, ""), FDT_ERR_BADPATH);
	assert_int_equal(fdt_parent(&fdt, FDT_ROOT), FDT_ERR_NOTFOUND);
	free(blob);
}

static void test_properties_and_compatible(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("qemu-virt.dtb", &size);
	struct fdt fdt;
	const char *s;
	uint32_t v;
	uint64_t addr;
	int psci, node, count, options_node;
	const char *options;

	open_ok(&fdt, blob, size);
	psci = path_node(&fdt, "/psci");
	assert_int_equal(fdt_prop_string(&fdt, psci, "method", &s), FDT_OK);
	assert_string_equal(s, "smc");
	assert_int_equal(fdt_prop_u32(&fdt, psci, "cpu_on", &v), FDT_OK);
	assert_int_equal(v, 0xc4000003);
	assert_int_equal(fdt_prop_string_count(&fdt, psci, "compatible"), 3);
	assert_int_equal(fdt_prop_string_index(&fdt, psci, "compatible", 1, &s), FDT_OK);
	assert_string_equal(s, "arm,psci-0.2");
	assert_int_equal(fdt_prop_string_index(&fdt, psci, "compatible", 3, &s), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_prop_string_find(&fdt, psci, "compatible", "arm,psci"), 2);
	assert_int_equal(fdt_prop_string_find(&fdt, psci, "compatible", "arm,psci-1.1"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_prop_u32(&fdt, psci, "nonexistent", &v), FDT_ERR_NOTFOUND);
	assert_true(fdt_is_compatible(&fdt, psci, "arm,psci-1.0"));
	assert_false(fdt_is_compatible(&fdt, psci, "arm,psc"));

	/* Every virtio-mmio slot, in address order. */
	count = 0;
	for (node = fdt_find_compatible(&fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_find_compatible(&fdt, node, "virtio,mmio")) {
		assert_int_equal(fdt_reg(&fdt, node, 0, &addr, NULL), FDT_OK);
		assert_int_equal(addr, 0xa000000 + 0x200u * (unsigned)count);
		count++;
	}
	assert_int_equal(node, FDT_ERR_NOTFOUND);
	assert_int_equal(count, 4);
	assert_int_equal(fdt_find_compatible(&fdt, -1, "arm,primecell"), path_node(&fdt, "/pl031"));
	assert_int_equal(fdt_find_compatible(&fdt, -1, "linux,dummy-virt"), FDT_ROOT);

	/* The root's interrupt-parent is the GIC; cpu-map's phandles are the cpus. */
	assert_int_equal(fdt_prop_u32(&fdt, FDT_ROOT, "interrupt-parent", &v), FDT_OK);
	assert_int_equal(fdt_find_phandle(&fdt, v), path_node(&fdt, "/intc"));
	assert_int_equal(
	    fdt_prop_u32(&fdt, path_node(&fdt, "/cpus/cpu-map/socket0/cluster0/core3"), "cpu", &v), FDT_OK);
	assert_int_equal(fdt_find_phandle(&fdt, v), path_node(&fdt, "/cpus/cpu@3"));
	assert_int_equal(fdt_find_phandle(&fdt, 0x1234), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_phandle(&fdt, 0), FDT_ERR_NOTFOUND);

	assert_int_equal(fdt_stdout_node(&fdt, &options_node, &options), FDT_OK);
	assert_int_equal(options_node, path_node(&fdt, "/pl011@9000000"));
	assert_string_equal(options, "");
	assert_true(fdt_node_is_enabled(&fdt, options_node));
	free(blob);
}

/* Counts nodes and properties in dtc's own rendering of the blob: the oracle for the walkers. */
static void dtc_counts(const uint8_t *blob, size_t size, int *nodes, int *props)
{
	char *text;
	char *line, *save = NULL;

	assert_int_equal(dtc_decompile(blob, size, &text), 0);
	*nodes = 0;
	*props = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t')) {
			len--;
		}
		if (len > 0 && line[len - 1] == '{') {
			(*nodes)++;
		} else if (len > 0 && line[len - 1] == ';' && strstr(line, "};") == NULL &&
		           strncmp(line, "/dts-v1/", 8) != 0 && strncmp(line, "/memreserve/", 12) != 0) {
			(*props)++;
		}
	}
	free(text);
}

static void check_walk_matches_dtc(const char *name)
{
	size_t size;
	uint8_t *blob = load_dtb(name, &size);
	struct fdt fdt;
	struct fdt_prop prop;
	int node, depth = 0, nodes = 0, props = 0, want_nodes, want_props, err;
	char path[256];

	open_ok(&fdt, blob, size);
	dtc_counts(blob, size, &want_nodes, &want_props);
	for (node = fdt_next_node(&fdt, -1, &depth); node >= 0; node = fdt_next_node(&fdt, node, &depth)) {
		nodes++;
		assert_int_equal(fdt_depth(&fdt, node), depth);
		/* Every node's path finds the node again, and its parent is one level up. */
		assert_true(fdt_node_path(&fdt, node, path, sizeof(path)) > 0);
		assert_int_equal(fdt_find_path(&fdt, path), node);
		if (depth > 0) {
			assert_int_equal(fdt_depth(&fdt, fdt_parent(&fdt, node)), depth - 1);
		}
		for (err = fdt_first_prop(&fdt, node, &prop); err == FDT_OK;
		     err = fdt_next_prop(&fdt, &prop)) {
			struct fdt_prop again;
			props++;
			assert_int_equal(fdt_get_prop(&fdt, node, prop.name, &again), FDT_OK);
			assert_ptr_equal(again.data, prop.data);
		}
		assert_int_equal(err, FDT_ERR_NOTFOUND);
	}
	assert_int_equal(node, FDT_ERR_NOTFOUND);
	assert_int_equal(nodes, want_nodes);
	assert_int_equal(props, want_props);
	free(blob);
}

static void test_walk_matches_dtc(void **state)
{
	(void)state;
	check_walk_matches_dtc("qemu-virt.dtb");
	check_walk_matches_dtc("features.dtb");
}

/* ---- reader: features.dts ---- */

static void test_features(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("features.dtb", &size);
	struct fdt fdt;
	struct fdt_prop prop;
	uint64_t addr, len, v64;
	uint32_t v;
	const char *s, *options;
	int node, props;

	open_ok(&fdt, blob, size);
	assert_int_equal(fdt_check_structure(&fdt), FDT_OK);
	assert_int_equal(fdt_reserve_count(&fdt), 2);
	assert_int_equal(fdt_reserve_get(&fdt, 1, &addr, &len), FDT_OK);
	assert_int_equal(addr, 0x4f000000);
	assert_int_equal(len, 0x2000);
	assert_int_equal(fdt_reserve_get(&fdt, 2, &addr, &len), FDT_ERR_NOTFOUND);

	/* Aliases and stdout-path through an alias with options. */
	assert_int_equal(fdt_alias(&fdt, "serial1", &s), FDT_OK);
	assert_string_equal(s, "/soc/uart@2000");
	assert_int_equal(fdt_find_path(&fdt, "serial0"), path_node(&fdt, "/soc/uart@1000"));
	assert_int_equal(fdt_find_path(&fdt, "soc/uart@3000"), path_node(&fdt, "/soc/uart@3000"));
	assert_int_equal(fdt_find_path(&fdt, "broken"), FDT_ERR_BADPATH);
	assert_int_equal(fdt_find_path(&fdt, "nosuchalias/x"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_stdout_node(&fdt, &node, &options), FDT_OK);
	assert_int_equal(node, path_node(&fdt, "/soc/uart@2000"));
	assert_string_equal(options, "115200n8");

	/* 32-bit cells; two reg entries. */
	node = path_node(&fdt, "/memory");
	assert_int_equal(fdt_reg_count(&fdt, node), 2);
	assert_int_equal(fdt_reg(&fdt, node, 1, &addr, &len), FDT_OK);
	assert_int_equal(addr, 0x60000000);
	assert_int_equal(len, 0x08000000);
	assert_int_equal(fdt_reg(&fdt, path_node(&fdt, "/soc/wide-bus/dev@1,0"), 0, &addr, &len), FDT_OK);
	assert_int_equal(addr, 0x100000000ull);
	assert_int_equal(len, 0x1000);
	assert_int_equal(fdt_reg(&fdt, path_node(&fdt, "/soc/pci-like/dev@0"), 0, &addr, &len),
	                 FDT_ERR_BADCELLS);

	assert_true(fdt_node_is_enabled(&fdt, path_node(&fdt, "/soc/uart@1000")));
	assert_true(fdt_node_is_enabled(&fdt, path_node(&fdt, "/soc/uart@2000")));
	assert_false(fdt_node_is_enabled(&fdt, path_node(&fdt, "/soc/uart@3000")));

	/* Legacy linux,phandle. */
	assert_int_equal(fdt_prop_cell(&fdt, path_node(&fdt, "/props"), "ref", 0, &v), FDT_OK);
	assert_int_equal(fdt_find_phandle(&fdt, v), path_node(&fdt, "/soc/interrupt-controller"));

	/* An exact name wins over a unit-address match; the unit address selects the other. */
	assert_int_equal(fdt_prop_string(&fdt, path_node(&fdt, "/node"), "label", &s), FDT_OK);
	assert_string_equal(s, "plain");
	assert_int_equal(fdt_prop_string(&fdt, path_node(&fdt, "/node@1"), "label", &s), FDT_OK);
	assert_string_equal(s, "unit");

	node = path_node(&fdt, "/a/b/c/d/e/f");
	assert_int_equal(fdt_depth(&fdt, node), 6);
	assert_int_equal(fdt_prop_u32(&fdt, node, "leaf", &v), FDT_OK);
	assert_int_equal(v, 7);
	assert_int_equal(fdt_first_child(&fdt, node), FDT_ERR_NOTFOUND);

	node = path_node(&fdt, "/props");
	assert_int_equal(fdt_get_prop(&fdt, node, "empty", &prop), FDT_OK);
	assert_int_equal(prop.len, 0);
	assert_true(fdt_has_prop(&fdt, node, "empty"));
	assert_int_equal(fdt_prop_u32(&fdt, node, "u32", &v), FDT_OK);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_equal(fdt_prop_u64(&fdt, node, "u32", &v64), FDT_OK);
	assert_int_equal(v64, 0xdeadbeef);
	assert_int_equal(fdt_prop_u64(&fdt, node, "u64", &v64), FDT_OK);
	assert_int_equal(v64, 0x123456789abcdef0ull);
	assert_int_equal(fdt_prop_u32(&fdt, node, "u64", &v), FDT_ERR_BADVALUE);
	assert_int_equal(fdt_prop_u64(&fdt, node, "three", &v64), FDT_ERR_BADVALUE);
	assert_int_equal(fdt_prop_cell(&fdt, node, "cells", 2, &v), FDT_OK);
	assert_int_equal(v, 3);
	assert_int_equal(fdt_prop_cell(&fdt, node, "cells", 3, &v), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_prop_cell(&fdt, node, "bytes", 0, &v), FDT_ERR_BADVALUE);
	assert_int_equal(fdt_prop_string(&fdt, node, "str", &s), FDT_OK);
	assert_string_equal(s, "hello");
	assert_int_equal(fdt_prop_string_count(&fdt, node, "strlist"), 3);
	assert_int_equal(fdt_prop_string_index(&fdt, node, "strlist", 2, &s), FDT_OK);
	assert_string_equal(s, "three");
	assert_int_equal(fdt_prop_string(&fdt, node, "unterminated", &s), FDT_ERR_BADVALUE);
	assert_int_equal(fdt_prop_string(&fdt, node, "empty", &s), FDT_ERR_BADVALUE);
	assert_int_equal(fdt_prop_u32(&fdt, node, "empty", &v), FDT_ERR_BADVALUE);
	props = 0;
	for (int err = fdt_first_prop(&fdt, node, &prop); err == FDT_OK; err = fdt_next_prop(&fdt, &prop)) {
		props++;
	}
	assert_int_equal(props, 10);
	/* Bad handles are errors, not crashes. */
	assert_null(fdt_node_name(&fdt, 2));
	assert_int_equal(fdt_first_child(&fdt, 8), FDT_ERR_BADARG); /* a property, not a node */
	assert_int_equal(fdt_first_child(&fdt, 3), FDT_ERR_BADSTRUCT);
	assert_int_equal(fdt_parent(&fdt, -5), -5);
	assert_int_equal(fdt_first_child(&fdt, 1 << 30), FDT_ERR_BADSTRUCT);
	free(blob);
}

/* Version 16 blobs have no size_dt_struct: the reader works out the block from the layout. */
static void test_version16(void **state)
{
	(void)state;
	char cmd[600], src[256], out[] = "/tmp/karasu-fdt16-XXXXXX";
	int fd = mkstemp(out);
	size_t size;
	uint8_t *blob;
	struct fdt fdt;
	const char *s;

	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dtb -V 16 -o %s %s", out,
	         data_path("features.dtb", src, sizeof(src)));
	assert_int_equal(system(cmd), 0);
	blob = read_file(out, &size);
	unlink(out);
	open_ok(&fdt, blob, size);
	assert_int_equal(fdt.version, 16);
	assert_int_equal(fdt_check_structure(&fdt), FDT_OK);
	assert_int_equal(fdt_prop_string(&fdt, path_node(&fdt, "/chosen"), "bootargs", &s), FDT_OK);
	assert_string_equal(s, "console=ttyAMA0 root=/dev/vda");
	free(blob);
}

static void test_legacy_stdout_and_paths(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("legacy-stdout.dtb", &size);
	struct fdt fdt;
	const char *options;
	char path[16];
	int node;

	open_ok(&fdt, blob, size);
	assert_int_equal(fdt_stdout_node(&fdt, &node, &options), FDT_OK);
	assert_int_equal(node, path_node(&fdt, "/uart@100"));
	assert_string_equal(options, "9600");
	assert_int_equal(fdt_stdout_node(&fdt, &node, NULL), FDT_OK);
	/* Paths: exact fit, one byte short. */
	assert_int_equal(fdt_node_path(&fdt, node, path, 10), 9);
	assert_string_equal(path, "/uart@100");
	assert_int_equal(fdt_node_path(&fdt, node, path, 9), FDT_ERR_NOSPACE);
	assert_int_equal(fdt_node_path(&fdt, FDT_ROOT, path, 2), 1);
	assert_string_equal(path, "/");
	assert_int_equal(fdt_node_path(&fdt, FDT_ROOT, path, 1), FDT_ERR_NOSPACE);
	assert_int_equal(fdt_alias(&fdt, "serial0", &options), FDT_ERR_NOTFOUND);
	free(blob);
}

/* ---- malformed blobs ---- */

/* Calls every reader entry point on a (possibly broken) tree; only safety matters here (ASan watches). */
static void exercise(const struct fdt *fdt)
{
	struct fdt_prop prop;
	const char *s;
	uint64_t a, l;
	uint32_t v;
	char path[128];
	int node, depth = 0, steps = 0, n;

	for (node = fdt_next_node(fdt, -1, &depth); node >= 0 && steps < 1000;
	     node = fdt_next_node(fdt, node, &depth), steps++) {
		fdt_node_name(fdt, node);
		fdt_node_path(fdt, node, path, sizeof(path));
		fdt_reg_count(fdt, node);
		fdt_reg(fdt, node, 0, &a, &l);
		fdt_parent(fdt, node);
		fdt_first_child(fdt, node);
		fdt_next_sibling(fdt, node);
		fdt_prop_string_count(fdt, node, "compatible");
		fdt_prop_string_index(fdt, node, "compatible", 1, &s);
		fdt_node_is_enabled(fdt, node);
		for (int err = fdt_first_prop(fdt, node, &prop); err == FDT_OK;
		     err = fdt_next_prop(fdt, &prop)) {
			fdt_prop_u64(fdt, node, prop.name, &a);
		}
	}
	fdt_find_path(fdt, "/cpus/cpu@1");
	fdt_find_path(fdt, "serial0/x");
	fdt_find_compatible(fdt, -1, "arm,pl011");
	fdt_find_phandle(fdt, 0x8005);
	fdt_stdout_node(fdt, &n, &s);
	fdt_check_structure(fdt);
	n = fdt_reserve_count(fdt);
	if (n > 0) {
		fdt_reserve_get(fdt, n - 1, &a, &l);
	}
	fdt_prop_u32(fdt, FDT_ROOT, "#address-cells", &v);
}

static void test_header_errors(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("qemu-virt.dtb", &size);
	uint8_t *copy = malloc(size);
	struct fdt fdt;

#define MUTATE(off, value, expect)                                      \
	do {                                                            \
		memcpy(copy, blob, size);                               \
		k_store_be32(copy + (off), (value));                    \
		assert_int_equal(fdt_open(&fdt, copy, size), (expect)); \
	} while (0)

	assert_int_equal(fdt_open(&fdt, blob, 39), FDT_ERR_TRUNCATED);
	assert_int_equal(fdt_open(&fdt, blob, size - 1), FDT_ERR_TRUNCATED);
	MUTATE(0, 0xd00dfeee, FDT_ERR_BADMAGIC);
	MUTATE(4, 20, FDT_ERR_BADLAYOUT);                  /* totalsize smaller than the header */
	MUTATE(8, (uint32_t)size, FDT_ERR_BADLAYOUT);      /* structure block outside */
	MUTATE(8, 0x4a, FDT_ERR_BADLAYOUT);                /* misaligned structure block */
	MUTATE(12, (uint32_t)size - 2, FDT_ERR_BADLAYOUT); /* strings block runs past the end */
	MUTATE(16, 8, FDT_ERR_BADLAYOUT);                  /* reservation map inside the header */
	MUTATE(16, (uint32_t)size - 8, FDT_ERR_BADLAYOUT); /* reservation map past the end */
	MUTATE(20, 15, FDT_ERR_BADVERSION);
	MUTATE(24, 18, FDT_ERR_BADVERSION);
	MUTATE(32, 0xffffffff, FDT_ERR_BADLAYOUT); /* size_dt_strings */
	MUTATE(36, 0xfffffffc, FDT_ERR_BADLAYOUT); /* size_dt_struct */
	MUTATE(36, 6, FDT_ERR_BADLAYOUT);
	/* First token not the root node. */
	memcpy(copy, blob, size);
	k_store_be32(copy + k_load_be32(blob + 8), FDT_TOKEN_PROP);
	assert_int_equal(fdt_open(&fdt, copy, size), FDT_ERR_BADSTRUCT);
#undef MUTATE
	free(copy);
	free(blob);
}

/* A property whose length runs past the structure block, and a name offset outside the strings. */
static void test_bad_properties(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("features.dtb", &size);
	struct fdt fdt;
	struct fdt_prop prop;
	uint32_t first_prop;

	open_ok(&fdt, blob, size);
	/* Root "" is padded to 8 bytes: BEGIN_NODE + 4 name bytes; the first property follows. */
	first_prop = fdt.struct_off + 8;
	assert_int_equal(k_load_be32(blob + first_prop), FDT_TOKEN_PROP);
	k_store_be32(blob + first_prop + 4, 0x7ffffff0);
	assert_int_equal(fdt_first_prop(&fdt, FDT_ROOT, &prop), FDT_ERR_BADSTRUCT);
	assert_int_equal(fdt_check_structure(&fdt), FDT_ERR_BADSTRUCT);
	assert_int_equal(fdt_first_child(&fdt, FDT_ROOT), FDT_ERR_BADSTRUCT);
	exercise(&fdt);
	k_store_be32(blob + first_prop + 4, 4);
	assert_int_equal(fdt_first_prop(&fdt, FDT_ROOT, &prop), FDT_OK);
	k_store_be32(blob + first_prop + 8, fdt.strings_size);
	assert_int_equal(fdt_first_prop(&fdt, FDT_ROOT, &prop), FDT_ERR_BADSTRUCT);
	exercise(&fdt);
	free(blob);
}

/* Hand-made structure blocks: too deep, unbalanced, unterminated. */
static size_t raw_blob(uint8_t *buf, const uint32_t *words, size_t nwords, const char *strings)
{
	size_t struct_size = nwords * 4, strings_size = strlen(strings) + 1;
	size_t total = 40 + 16 + struct_size + strings_size;

	memset(buf, 0, total);
	k_store_be32(buf + 0, FDT_MAGIC);
	k_store_be32(buf + 4, (uint32_t)total);
	k_store_be32(buf + 8, 56);
	k_store_be32(buf + 12, (uint32_t)(56 + struct_size));
	k_store_be32(buf + 16, 40);
	k_store_be32(buf + 20, 17);
	k_store_be32(buf + 24, 16);
	k_store_be32(buf + 32, (uint32_t)strings_size);
	k_store_be32(buf + 36, (uint32_t)struct_size);
	for (size_t i = 0; i < nwords; i++) {
		k_store_be32(buf + 56 + 4 * i, words[i]);
	}
	memcpy(buf + 56 + struct_size, strings, strings_size);
	return total;
}

static void test_structural_errors(void **state)
{
	(void)state;
	uint32_t words[200];
	uint8_t buf[1024];
	struct fdt fdt;
	size_t n = 0, total;
	int node, depth = 0, err = 0;
	const uint32_t name_n = 0x6e000000; /* "n\0\0\0" */

	/* Root plus 40 nested nodes: deeper than FDT_MAX_DEPTH. */
	words[n++] = FDT_TOKEN_BEGIN_NODE;
	words[n++] = 0;
	for (int i = 0; i < 40; i++) {
		words[n++] = FDT_TOKEN_BEGIN_NODE;
		words[n++] = name_n;
	}
	for (int i = 0; i < 41; i++) {
		words[n++] = FDT_TOKEN_END_NODE;
	}
	words[n++] = FDT_TOKEN_END;
	total = raw_blob(buf, words, n, "");
	open_ok(&fdt, buf, total);
	assert_int_equal(fdt_check_structure(&fdt), FDT_ERR_BADSTRUCT);
	for (node = fdt_next_node(&fdt, -1, &depth); node >= 0; node = fdt_next_node(&fdt, node, &depth)) {
		assert_true(depth <= FDT_MAX_DEPTH);
	}
	assert_int_equal(node, FDT_ERR_BADSTRUCT);
	assert_int_equal(fdt_next_sibling(&fdt, FDT_ROOT), FDT_ERR_BADSTRUCT);
	exercise(&fdt);

	/* Missing END_NODE / END: the walk runs off the block and stops cleanly. */
	n = 0;
	words[n++] = FDT_TOKEN_BEGIN_NODE;
	words[n++] = 0;
	words[n++] = FDT_TOKEN_BEGIN_NODE;
	words[n++] = name_n;
	words[n++] = FDT_TOKEN_END_NODE;
	total = raw_blob(buf, words, n, "");
	open_ok(&fdt, buf, total);
	assert_int_equal(fdt_check_structure(&fdt), FDT_ERR_BADSTRUCT);
	assert_int_equal(fdt_next_sibling(&fdt, FDT_ROOT), FDT_ERR_BADSTRUCT);
	assert_int_equal(fdt_find_path(&fdt, "/n"), 8);
	exercise(&fdt);

	/* A property after a subnode, an unknown token. */
	n = 0;
	words[n++] = FDT_TOKEN_BEGIN_NODE;
	words[n++] = 0;
	words[n++] = FDT_TOKEN_BEGIN_NODE;
	words[n++] = name_n;
	words[n++] = FDT_TOKEN_END_NODE;
	words[n++] = FDT_TOKEN_PROP;
	words[n++] = 0;
	words[n++] = 0;
	words[n++] = FDT_TOKEN_END_NODE;
	words[n++] = FDT_TOKEN_END;
	total = raw_blob(buf, words, n, "x");
	open_ok(&fdt, buf, total);
	assert_int_equal(fdt_check_structure(&fdt), FDT_ERR_BADSTRUCT);
	words[2] = 0x77;
	total = raw_blob(buf, words, n, "x");
	open_ok(&fdt, buf, total);
	assert_int_equal(fdt_first_child(&fdt, FDT_ROOT), FDT_ERR_BADSTRUCT);
	exercise(&fdt);

	/* Unterminated node name at the very end of the block. */
	n = 0;
	words[n++] = FDT_TOKEN_BEGIN_NODE;
	words[n++] = 0;
	words[n++] = FDT_TOKEN_BEGIN_NODE;
	words[n++] = 0x61616161;
	total = raw_blob(buf, words, n, "");
	open_ok(&fdt, buf, total);
	assert_int_equal(fdt_first_child(&fdt, FDT_ROOT), FDT_ERR_BADSTRUCT);
	exercise(&fdt);
	(void)err;
}

/* Every truncation of a real blob, in an exactly-sized heap buffer, with totalsize patched to match. */
static void test_truncation_fuzz(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("features.dtb", &size);
	struct fdt fdt;

	for (size_t len = 0; len < size; len++) {
		uint8_t *copy = malloc(len > 0 ? len : 1);
		memcpy(copy, blob, len);
		assert_int_not_equal(fdt_open(&fdt, copy, len), FDT_OK);
		if (len >= 40) {
			k_store_be32(copy + 4, (uint32_t)len);
			if (fdt_open(&fdt, copy, len) == FDT_OK) {
				exercise(&fdt);
			}
		}
		free(copy);
	}
	free(blob);
}

/* Random corruption: byte flips and token-like words at random places. Deterministic seed. */
static void test_corruption_fuzz(void **state)
{
	(void)state;
	size_t size;
	uint8_t *blob = load_dtb("features.dtb", &size);
	uint8_t *copy = malloc(size);
	static const uint32_t interesting[] = {1,          2,          3,          4,       9,         0,
	                                       0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0xfffffffc};
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	struct fdt fdt;
	int opened = 0;

	for (int iter = 0; iter < 4000; iter++) {
		memcpy(copy, blob, size);
		for (int k = 0; k < 1 + iter % 4; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			size_t off = (size_t)(rng % size);
			if (rng & 0x100000) {
				copy[off] ^= (uint8_t)(1u << ((rng >> 8) % 8));
			} else {
				off = (off & ~(size_t)3) < size - 4 ? (off & ~(size_t)3) : size - 4;
				k_store_be32(copy + off, interesting[(rng >> 24) % 11]);
			}
		}
		if (fdt_open(&fdt, copy, size) == FDT_OK) {
			opened++;
			exercise(&fdt);
		}
	}
	/* Most mutations hit the structure/strings blocks, which fdt_open does not walk. */
	assert_true(opened > 2000);
	free(copy);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_qemu_virt),
	    cmocka_unit_test(test_paths_and_reg),
	    cmocka_unit_test(test_properties_and_compatible),
	    cmocka_unit_test(test_walk_matches_dtc),
	    cmocka_unit_test(test_features),
	    cmocka_unit_test(test_version16),
	    cmocka_unit_test(test_legacy_stdout_and_paths),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_bad_properties),
	    cmocka_unit_test(test_structural_errors),
	    cmocka_unit_test(test_truncation_fuzz),
	    cmocka_unit_test(test_corruption_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
