/* libFuzzer harness: the devicetree reader (lib/fdt.c, lib/fdt_prop.c) on a fuzzed blob.
 *
 * The blob is copied into a buffer of exactly its totalsize, so AddressSanitizer catches any read past the
 * end the header declares (not only past the fuzzer's input). Then every node and property is visited
 * through every accessor, checking what lib/fdt.h promises:
 *  - every pointer handed out (node names, property names and data, strings, stdout options) lies inside
 *    its block of the blob, and strings end inside it;
 *  - the walk agrees with itself: depth and parent of each node, children found through first_child /
 *    next_sibling name it as parent, fdt_node_path then fdt_find_path leads to a node of the same path;
 *  - typed getters agree with the raw property (u32/u64 lengths, string lists, cells, "reg" entries), and
 *    lookups by compatible string and phandle return a node that really has it;
 *  - a blob that passes fdt_check_structure is walked without a structure error, and copying it with
 *    fdt_copy gives a blob that opens, passes the check and holds the same nodes and properties.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fdt.h"
#include "tests/fuzz/harness/fuzz_require.h"

/* Per-node checks that walk the tree again (parent, depth, path, lookups) are quadratic: only for the first
 * nodes, so that a blob of many nodes still runs fast. */
#define DEEP_CHECK_NODES 16
#define MAX_PROPS        4096
#define PATH_MAX_BYTES   1024

struct blob_bounds {
	const uint8_t *start, *end;                 /* the whole blob */
	const uint8_t *struct_start, *struct_end;   /* structure block */
	const uint8_t *strings_start, *strings_end; /* strings block */
};

static bool inside(const void *p, size_t len, const uint8_t *start, const uint8_t *end)
{
	const uint8_t *q = p;
	return q >= start && q <= end && len <= (size_t)(end - q);
}

/* A NUL-terminated string that starts and ends inside [start, end). */
static bool string_inside(const char *s, const uint8_t *start, const uint8_t *end)
{
	const uint8_t *q = (const uint8_t *)s;
	return q >= start && q < end && memchr(q, '\0', (size_t)(end - q)) != NULL;
}

static void check_string_list(const struct fdt *fdt, int node, const struct fdt_prop *prop)
{
	bool well_formed = prop->len > 0 && prop->data[prop->len - 1] == '\0';
	int count = fdt_prop_string_count(fdt, node, prop->name);
	const char *s;

	if (!well_formed) {
		REQUIRE(count == FDT_ERR_BADVALUE, "string count of unterminated %s: %d", prop->name, count);
		REQUIRE(fdt_prop_string(fdt, node, prop->name, &s) == FDT_ERR_BADVALUE, "%s", prop->name);
		return;
	}
	int nuls = 0;
	for (uint32_t i = 0; i < prop->len; i++) {
		nuls += prop->data[i] == '\0';
	}
	REQUIRE(count == nuls, "%s: %d strings counted, %d NULs", prop->name, count, nuls);
	for (int i = 0; i < count && i < 8; i++) {
		int err = fdt_prop_string_index(fdt, node, prop->name, i, &s);
		REQUIRE(err == FDT_OK, "%s: string %d of %d: %d", prop->name, i, count, err);
		REQUIRE(string_inside(s, prop->data, prop->data + prop->len), "%s: string %d outside",
		        prop->name, i);
		if (i >= 2) {
			continue; /* each lookup walks the list again */
		}
		int found = fdt_prop_string_find(fdt, node, prop->name, s);
		REQUIRE(found >= 0 && found <= i, "%s: string %d found at %d", prop->name, i, found);
	}
	if (count <= 8) {
		REQUIRE(fdt_prop_string_index(fdt, node, prop->name, count, &s) == FDT_ERR_NOTFOUND,
		        "%s: a string past the last", prop->name);
	}
}

/* Checks of the first property of its name in node (the one the by-name getters return). */
static void check_typed(const struct fdt *fdt, int node, const struct fdt_prop *prop)
{
	uint32_t u32;
	uint64_t u64;
	int err;

	err = fdt_prop_u32(fdt, node, prop->name, &u32);
	REQUIRE(prop->len == 4 ? err == FDT_OK : err == FDT_ERR_BADVALUE, "u32 %s (len %u): %d", prop->name,
	        prop->len, err);
	err = fdt_prop_u64(fdt, node, prop->name, &u64);
	REQUIRE((prop->len == 4 || prop->len == 8) ? err == FDT_OK : err == FDT_ERR_BADVALUE,
	        "u64 %s (len %u): %d", prop->name, prop->len, err);
	if (prop->len % 4 == 0) {
		uint32_t cells = prop->len / 4;
		if (cells > 0) {
			REQUIRE(fdt_prop_cell(fdt, node, prop->name, (int)cells - 1, &u32) == FDT_OK,
			        "%s cell", prop->name);
		}
		REQUIRE(fdt_prop_cell(fdt, node, prop->name, (int)cells, &u32) == FDT_ERR_NOTFOUND,
		        "%s: a cell past the end", prop->name);
	} else {
		REQUIRE(fdt_prop_cell(fdt, node, prop->name, 0, &u32) == FDT_ERR_BADVALUE, "%s cells",
		        prop->name);
	}
	check_string_list(fdt, node, prop);
}

/* "compatible" strings lead back to a node that has them; a phandle leads to a node that has it. */
static void check_lookups(const struct fdt *fdt, int node)
{
	struct fdt_prop compat;
	uint32_t phandle;

	if (fdt_get_prop(fdt, node, "compatible", &compat) == FDT_OK && compat.len > 0 &&
	    compat.data[compat.len - 1] == '\0') {
		const char *s = (const char *)compat.data;
		REQUIRE(fdt_is_compatible(fdt, node, s), "node %d is not compatible with its own %s", node,
		        s);
		int found = fdt_find_compatible(fdt, -1, s);
		REQUIRE(found >= 0 && found <= node && fdt_is_compatible(fdt, found, s),
		        "find_compatible(%s) = %d, node %d has it", s, found, node);
	}
	if (fdt_prop_u32(fdt, node, "phandle", &phandle) == FDT_OK && phandle != 0 && phandle != UINT32_MAX) {
		int found = fdt_find_phandle(fdt, phandle);
		uint32_t a = 0, c = 0;
		REQUIRE(found >= 0 && found <= node, "find_phandle(%u) = %d, node %d has it", phandle, found,
		        node);
		bool has = (fdt_prop_u32(fdt, found, "phandle", &a) == FDT_OK && a == phandle) ||
		           (fdt_prop_u32(fdt, found, "linux,phandle", &c) == FDT_OK && c == phandle);
		REQUIRE(has, "find_phandle(%u) = %d, which does not have it", phandle, found);
	}
}

/* The per-node checks that walk the tree again. */
/* plain: every name on the node's path is non-empty and has no '/' (only such a path can be looked up). */
static void check_node_deep(const struct fdt *fdt, int node, int depth, bool plain, bool structure_ok)
{
	char path[PATH_MAX_BYTES], again[PATH_MAX_BYTES];
	int parent = fdt_parent(fdt, node);
	int len, found;

	REQUIRE(fdt_depth(fdt, node) == depth, "node %d: depth %d, walk says %d", node, fdt_depth(fdt, node),
	        depth);
	if (depth == 0) {
		REQUIRE(parent == FDT_ERR_NOTFOUND, "the root has parent %d", parent);
	} else {
		REQUIRE(parent >= 0 && parent < node && fdt_depth(fdt, parent) == depth - 1,
		        "node %d at depth %d has parent %d", node, depth, parent);
	}
	len = fdt_node_path(fdt, node, path, sizeof(path));
	if (len == FDT_ERR_NOSPACE) {
		return;
	}
	REQUIRE(len > 0 && (size_t)len == strlen(path) && path[0] == '/', "node %d: path %d \"%s\"", node,
	        len, path);
	found = fdt_find_path(fdt, path);
	if (plain && found >= 0) {
		REQUIRE(fdt_node_path(fdt, found, again, sizeof(again)) == len && strcmp(path, again) == 0,
		        "find_path(%s) gave %s", path, again);
	}
	REQUIRE(!plain || !structure_ok || found >= 0, "find_path(%s) = %d", path, found);
	/* Children name this node as their parent. */
	int child, n = 0;
	for (child = fdt_first_child(fdt, node); child >= 0 && n < 4;
	     child = fdt_next_sibling(fdt, child), n++) {
		REQUIRE(child > node && fdt_parent(fdt, child) == node, "child %d of %d has parent %d", child,
		        node, fdt_parent(fdt, child));
	}
	REQUIRE(!structure_ok || n == 4 || child == FDT_ERR_NOTFOUND, "children of %d end with %d", node,
	        child);
}

static void check_node(const struct fdt *fdt, int node, int depth, bool deep, bool plain, bool structure_ok,
                       const struct blob_bounds *b)
{
	const char *name = fdt_node_name(fdt, node);
	struct fdt_prop prop, first;
	int err, nprops = 0;

	REQUIRE(name != NULL && string_inside(name, b->struct_start, b->struct_end), "node %d name", node);
	REQUIRE(depth > 0 || name[0] == '\0', "the root is named \"%s\"", name);
	for (err = fdt_first_prop(fdt, node, &prop); err == FDT_OK && nprops < MAX_PROPS;
	     err = fdt_next_prop(fdt, &prop), nprops++) {
		REQUIRE(prop.name != NULL && string_inside(prop.name, b->strings_start, b->strings_end),
		        "node %d: property name outside the strings block", node);
		REQUIRE(inside(prop.data, prop.len, b->struct_start, b->struct_end),
		        "node %d: property %s data (%u bytes) outside the structure block", node, prop.name,
		        prop.len);
		REQUIRE(prop.node == node, "property %s of %d says node %d", prop.name, node, prop.node);
		err = fdt_get_prop(fdt, node, prop.name, &first);
		REQUIRE(err == FDT_OK && strcmp(first.name, prop.name) == 0 && first.offset <= prop.offset,
		        "get_prop(%s) = %d", prop.name, err);
		if (first.offset == prop.offset && (deep || nprops < 32)) {
			check_typed(fdt, node, &prop);
		}
	}
	REQUIRE(!structure_ok || err == FDT_ERR_NOTFOUND || nprops == MAX_PROPS,
	        "node %d: properties of a checked tree end with %d", node, err);

	int ac = fdt_address_cells(fdt, node), sc = fdt_size_cells(fdt, node);
	REQUIRE((ac >= 0 && ac <= (int)FDT_MAX_CELLS) || ac == FDT_ERR_BADCELLS || !structure_ok,
	        "#address-cells %d", ac);
	REQUIRE((sc >= 0 && sc <= (int)FDT_MAX_CELLS) || sc == FDT_ERR_BADCELLS || !structure_ok,
	        "#size-cells %d", sc);
	(void)fdt_node_is_enabled(fdt, node);
	if (!deep) {
		return;
	}
	int count = fdt_reg_count(fdt, node);
	for (int i = 0; i < count && i < 16; i++) {
		uint64_t addr, size;
		REQUIRE(fdt_reg(fdt, node, i, &addr, &size) == FDT_OK, "reg %d of %d", i, count);
	}
	if (count >= 0) {
		uint64_t addr;
		REQUIRE(fdt_reg(fdt, node, count, &addr, NULL) == FDT_ERR_NOTFOUND, "reg past the end");
	}
	check_lookups(fdt, node);
	check_node_deep(fdt, node, depth, plain, structure_ok);
}

static void check_globals(const struct fdt *fdt, const struct blob_bounds *b)
{
	int count = fdt_reserve_count(fdt), node;
	uint64_t addr, size;
	const char *options, *path;
	struct fdt_prop prop;

	REQUIRE(count >= 0, "fdt_open accepted a blob with a bad reservation map (%d)", count);
	for (int i = 0; i < count && i < 64; i++) {
		REQUIRE(fdt_reserve_get(fdt, i, &addr, &size) == FDT_OK, "reserve %d of %d", i, count);
	}
	REQUIRE(fdt_reserve_get(fdt, count, &addr, &size) == FDT_ERR_NOTFOUND, "reserve past the end");
	if (fdt_stdout_node(fdt, &node, &options) == FDT_OK) {
		REQUIRE(fdt_node_name(fdt, node) != NULL, "stdout node %d is not a node", node);
		REQUIRE(options[0] == '\0' || string_inside(options, b->struct_start, b->struct_end),
		        "stdout options outside the blob");
	}
	int aliases = fdt_find_path(fdt, "/aliases");
	if (aliases >= 0 && fdt_first_prop(fdt, aliases, &prop) == FDT_OK) {
		if (fdt_alias(fdt, prop.name, &path) == FDT_OK) {
			REQUIRE(string_inside(path, b->struct_start, b->struct_end), "alias %s outside",
			        prop.name);
			(void)fdt_find_path(fdt, prop.name);
		}
	}
}

/* The copy holds the same tree: same node names in the same order, same properties (NOPs aside). */
static void check_copy(const struct fdt *src)
{
	size_t cap = (size_t)src->total_size * 2 + 4096, out_size;
	uint8_t *out = malloc(cap);
	struct fdt_builder builder;
	struct fdt copy;
	int err, a = -1, b = -1, da = 0, db = 0;

	REQUIRE(out != NULL, "out of memory");
	REQUIRE(fdt_builder_init(&builder, out, cap) == FDT_OK, "builder init");
	err = fdt_copy(src, &builder, NULL);
	if (err == FDT_OK) {
		err = fdt_builder_finish(&builder, &out_size);
	}
	/* What a checked tree may still hold that the builder refuses: a property twice in a node, a name
	 * with '/' or an empty property name, a reservation entry of size 0 or more than the builder keeps. */
	if (err == FDT_ERR_EXISTS || err == FDT_ERR_BADARG || err == FDT_ERR_BADLAYOUT) {
		free(out);
		return;
	}
	REQUIRE(err == FDT_OK, "copying a checked tree: %s", fdt_strerror(err));
	REQUIRE(out_size <= cap && fdt_open(&copy, out, out_size) == FDT_OK, "the copy does not open");
	REQUIRE(fdt_check_structure(&copy) == FDT_OK, "the copy fails the structure check");
	REQUIRE(fdt_reserve_count(&copy) == fdt_reserve_count(src), "reservations differ");
	for (;;) {
		a = fdt_next_node(src, a, &da);
		b = fdt_next_node(&copy, b, &db);
		REQUIRE((a >= 0) == (b >= 0) && da == db, "trees differ in shape (%d/%d, depth %d/%d)", a, b,
		        da, db);
		if (a < 0) {
			break;
		}
		REQUIRE(strcmp(fdt_node_name(src, a), fdt_node_name(&copy, b)) == 0, "node %s copied as %s",
		        fdt_node_name(src, a), fdt_node_name(&copy, b));
		struct fdt_prop pa, pb;
		int ea = fdt_first_prop(src, a, &pa), eb = fdt_first_prop(&copy, b, &pb);
		for (; ea == FDT_OK; ea = fdt_next_prop(src, &pa), eb = fdt_next_prop(&copy, &pb)) {
			REQUIRE(eb == FDT_OK && strcmp(pa.name, pb.name) == 0 && pa.len == pb.len &&
			            memcmp(pa.data, pb.data, pa.len) == 0,
			        "property %s of %s differs in the copy", pa.name, fdt_node_name(src, a));
		}
		REQUIRE(eb == FDT_ERR_NOTFOUND, "the copy has more properties in %s", fdt_node_name(src, a));
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdt fdt;
	struct blob_bounds b;
	uint8_t *blob;
	int node = -1, depth = 0, nodes = 0;
	bool structure_ok, plain_to[FDT_MAX_DEPTH + 1];

	if (fdt_open(&fdt, data, size) != FDT_OK) {
		return 0;
	}
	REQUIRE(fdt.total_size <= size, "totalsize %u > buffer %zu", fdt.total_size, size);
	blob = malloc(fdt.total_size);
	REQUIRE(blob != NULL, "out of memory");
	memcpy(blob, data, fdt.total_size);
	REQUIRE(fdt_open(&fdt, blob, fdt.total_size) == FDT_OK,
	        "the blob does not open at its own totalsize");
	b.start = blob;
	b.end = blob + fdt.total_size;
	REQUIRE(inside(blob + fdt.struct_off, fdt.struct_size, b.start, b.end), "structure block outside");
	REQUIRE(inside(blob + fdt.strings_off, fdt.strings_size, b.start, b.end), "strings block outside");
	b.struct_start = blob + fdt.struct_off;
	b.struct_end = b.struct_start + fdt.struct_size;
	b.strings_start = blob + fdt.strings_off;
	b.strings_end = b.strings_start + fdt.strings_size;
	structure_ok = fdt_check_structure(&fdt) == FDT_OK;

	check_globals(&fdt, &b);
	for (node = fdt_next_node(&fdt, -1, &depth); node >= 0; node = fdt_next_node(&fdt, node, &depth)) {
		REQUIRE(depth >= 0 && depth <= FDT_MAX_DEPTH, "depth %d", depth);
		REQUIRE(nodes < (int)(fdt.struct_size / 8), "more nodes than the structure block can hold");
		const char *name = fdt_node_name(&fdt, node);
		plain_to[depth] =
		    (depth == 0 || plain_to[depth - 1]) &&
		    (depth == 0 || (name != NULL && name[0] != '\0' && strchr(name, '/') == NULL));
		check_node(&fdt, node, depth, nodes < DEEP_CHECK_NODES, plain_to[depth], structure_ok, &b);
		nodes++;
	}
	REQUIRE(!structure_ok || node == FDT_ERR_NOTFOUND, "walking a checked tree ended with %s",
	        fdt_strerror(node));
	if (structure_ok) {
		check_copy(&fdt);
	}
	free(blob);
	return 0;
}
