/* Flattened devicetree (DTB, devicetree specification v0.4 chapter 5): a reader and a builder.
 *
 * Reader: fdt_open() validates the header (magic, version, sizes and offsets inside the buffer); after that,
 * every accessor still bounds-checks what it reads, so a malformed blob yields an error code, never an
 * out-of-bounds access. All multi-byte values are read byte-wise (no unaligned loads).
 *
 * A node is named by an int: its offset in the structure block (the root is 0). Functions returning a node
 * return a negative FDT_ERR_* code on failure (FDT_ERR_NOTFOUND when there is simply no such node).
 *
 * Builder: writes a new blob into a caller-given buffer: fdt_builder_init, optional fdt_builder_add_reserve,
 * begin_node / properties / end_node (properties before subnodes), fdt_builder_finish. fdt_copy() copies an
 * existing tree into a builder through a filter, which is how a guest DTB is derived from the platform's.
 */
#ifndef KARASU_LIB_FDT_H
#define KARASU_LIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC             0xd00dfeedu
#define FDT_HEADER_SIZE       40u
#define FDT_VERSION           17u /* the version the builder writes */
#define FDT_LAST_COMP_VERSION 16u
#define FDT_MIN_VERSION       16u /* the oldest version the reader accepts */

/* Structure block tokens. */
#define FDT_TOKEN_BEGIN_NODE 1u
#define FDT_TOKEN_END_NODE   2u
#define FDT_TOKEN_PROP       3u
#define FDT_TOKEN_NOP        4u
#define FDT_TOKEN_END        9u

/* Defaults when a node has no #address-cells / #size-cells (devicetree spec 2.3.5). */
#define FDT_DEFAULT_ADDRESS_CELLS 2u
#define FDT_DEFAULT_SIZE_CELLS    1u
#define FDT_MAX_CELLS             2u /* addresses and sizes wider than 64 bits are rejected */
#define FDT_MAX_DEPTH             32

enum fdt_error {
	FDT_OK = 0,
	FDT_ERR_NOTFOUND = -1,   /* no such node / property / string */
	FDT_ERR_TRUNCATED = -2,  /* the buffer is smaller than the header says, or a read runs past a block */
	FDT_ERR_BADMAGIC = -3,   /* not a devicetree blob */
	FDT_ERR_BADVERSION = -4, /* version < 16 or last_comp_version > 17 */
	FDT_ERR_BADLAYOUT = -5,  /* header offsets/sizes overlap or lie outside the blob */
	FDT_ERR_BADSTRUCT = -6,  /* bad token, unterminated name, unbalanced nodes, depth > FDT_MAX_DEPTH */
	FDT_ERR_BADVALUE = -7,   /* a property has the wrong length or format for the requested type */
	FDT_ERR_BADPATH = -8,    /* malformed path */
	FDT_ERR_BADCELLS = -9,   /* #address-cells / #size-cells missing where needed or > FDT_MAX_CELLS */
	FDT_ERR_NOSPACE = -10,   /* builder: the output buffer is full */
	FDT_ERR_BADSTATE = -11,  /* builder: call out of order (property after subnode, unbalanced end...) */
	FDT_ERR_EXISTS = -12,    /* builder: duplicate property name in one node */
	FDT_ERR_BADARG = -13,    /* invalid argument (NULL, empty name...) */
};

/* A short English description of an FDT_ERR_* code (or FDT_OK). */
const char *fdt_strerror(int err);

/* ---- reader ---- */

struct fdt {
	const uint8_t *blob;
	uint32_t total_size;
	uint32_t version;
	uint32_t boot_cpuid;
	uint32_t rsvmap_off;
	uint32_t struct_off;
	uint32_t struct_size;
	uint32_t strings_off;
	uint32_t strings_size;
};

/* A property as found in the blob. data points into the blob (big-endian, maybe unaligned). */
struct fdt_prop {
	const char *name;
	const uint8_t *data;
	uint32_t len;
	int node;   /* the node the property belongs to */
	int offset; /* offset of the property's token in the structure block (for iteration) */
};

/* Validates the header against buf_size (the bytes available at blob) and fills *fdt. Also checks that the
 * structure block starts with the root node. Returns FDT_OK or an FDT_ERR_* code. */
int fdt_open(struct fdt *fdt, const void *blob, size_t buf_size);
/* Reads only the totalsize field (to learn how much to map/copy); 0 if the magic is wrong. */
uint32_t fdt_peek_total_size(const void *blob);
/* Walks the whole structure block once, checking every token, name, property and nesting. fdt_open does not
 * do this (it is O(size)); the accessors are safe without it, but a caller that wants to reject a blob up
 * front (the hypervisor at boot, before building a guest tree) can call it. */
int fdt_check_structure(const struct fdt *fdt);

/* Memory reservation map. */
int fdt_reserve_count(const struct fdt *fdt);
int fdt_reserve_get(const struct fdt *fdt, int index, uint64_t *addr, uint64_t *size);

/* Node navigation. */
#define FDT_ROOT 0
/* The node's full name, "pl011@9000000" ("" for the root), or NULL if node is not a valid node. */
const char *fdt_node_name(const struct fdt *fdt, int node);
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
/* Depth-first pre-order walk: the node after `node` (use -1 to start with the root). *depth is updated:
 * pass the depth of `node` (0 for the root, anything when node is -1) and get the depth of the result.
 * Returns FDT_ERR_NOTFOUND after the last node. */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
int fdt_parent(const struct fdt *fdt, int node);
int fdt_depth(const struct fdt *fdt, int node);
/* The child of parent called `name` (name_len bytes). A name without '@' also matches a child whose name
 * has a unit address ("memory" finds "memory@40000000"); an exact match is preferred. */
int fdt_subnode(const struct fdt *fdt, int parent, const char *name, size_t name_len);
/* Finds a node by path: "/", "/cpus/cpu@0", "/pl011" (unit address optional, see fdt_subnode). A path not
 * starting with '/' begins with an alias from /aliases ("serial0/..."). */
int fdt_find_path(const struct fdt *fdt, const char *path);
/* Writes the full path of node to buf ("/cpus/cpu@0"). Returns the length or an error (FDT_ERR_NOSPACE). */
int fdt_node_path(const struct fdt *fdt, int node, char *buf, size_t size);
/* The first node after `from` (depth-first order; -1 = search from the start, including the root) whose
 * "compatible" list contains compat. */
int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat);
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);
/* The node whose "phandle" (or legacy "linux,phandle") is phandle. */
int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle);
/* Resolves /aliases/<name> to a path string inside the blob. */
int fdt_alias(const struct fdt *fdt, const char *name, const char **path);
/* Resolves /chosen "stdout-path" (or "linux,stdout-path"): the node (aliases followed) and the options after
 * ':' (e.g. "115200n8"), *options = "" if none. options may be NULL. */
int fdt_stdout_node(const struct fdt *fdt, int *node, const char **options);
/* "okay"/"ok" or no "status" property. */
bool fdt_node_is_enabled(const struct fdt *fdt, int node);

/* Properties. */
int fdt_first_prop(const struct fdt *fdt, int node, struct fdt_prop *prop);
int fdt_next_prop(const struct fdt *fdt, struct fdt_prop *prop);
int fdt_get_prop(const struct fdt *fdt, int node, const char *name, struct fdt_prop *prop);
bool fdt_has_prop(const struct fdt *fdt, int node, const char *name);
/* Exactly 4 bytes. */
int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);
/* 8 bytes, or 4 bytes (zero-extended). */
int fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out);
/* A NUL-terminated string (the first one, for a string list). */
int fdt_prop_string(const struct fdt *fdt, int node, const char *name, const char **out);
/* Number of strings in a string-list property (every string must be terminated). */
int fdt_prop_string_count(const struct fdt *fdt, int node, const char *name);
int fdt_prop_string_index(const struct fdt *fdt, int node, const char *name, int index, const char **out);
/* Index of str in a string-list property, or FDT_ERR_NOTFOUND. */
int fdt_prop_string_find(const struct fdt *fdt, int node, const char *name, const char *str);
/* Reads the cells-th u32 cell (index) of a property. */
int fdt_prop_cell(const struct fdt *fdt, int node, const char *name, int index, uint32_t *out);
/* Decodes `cells` (1 or 2) big-endian cells at p. */
uint64_t fdt_read_cells(const uint8_t *p, unsigned cells);

/* #address-cells / #size-cells that apply to the CHILDREN of node (defaults when absent); error if > 2. */
int fdt_address_cells(const struct fdt *fdt, int node);
int fdt_size_cells(const struct fdt *fdt, int node);
/* Number of (address, size) entries in node's "reg", using the parent's cell counts. */
int fdt_reg_count(const struct fdt *fdt, int node);
/* Entry `index` of node's "reg". size may be NULL; a parent with #size-cells = 0 gives size 0. */
int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size);

/* ---- builder ---- */

#define FDT_BUILDER_MAX_RESERVE 16

struct fdt_builder {
	uint8_t *buf;
	size_t cap;
	uint32_t struct_len;  /* bytes of structure block written, starting at buf + FDT_HEADER_SIZE */
	uint32_t strings_len; /* bytes of strings block, kept at the end of buf, growing down */
	int depth;            /* open nodes */
	int err;              /* first error; once set every call returns it */
	bool started;         /* the root node was begun */
	bool finished;
	bool node_has_children;    /* the open node already has a subnode (no more properties) */
	uint32_t node_props_start; /* struct offset of the open node's first property */
	uint32_t boot_cpuid;
	unsigned reserve_count;
	uint64_t reserve[FDT_BUILDER_MAX_RESERVE][2];
	bool node_has_children_stack[FDT_MAX_DEPTH];
};

int fdt_builder_init(struct fdt_builder *b, void *buf, size_t cap);
void fdt_builder_set_boot_cpuid(struct fdt_builder *b, uint32_t cpuid);
/* Only before the root node is begun. */
int fdt_builder_add_reserve(struct fdt_builder *b, uint64_t addr, uint64_t size);
/* The first node begun is the root and must be named "". */
int fdt_builder_begin_node(struct fdt_builder *b, const char *name);
int fdt_builder_end_node(struct fdt_builder *b);
/* Properties go to the open node, before its first subnode; a name may appear once per node. */
int fdt_builder_prop(struct fdt_builder *b, const char *name, const void *data, uint32_t len);
int fdt_builder_prop_empty(struct fdt_builder *b, const char *name);
int fdt_builder_prop_u32(struct fdt_builder *b, const char *name, uint32_t val);
int fdt_builder_prop_u64(struct fdt_builder *b, const char *name, uint64_t val);
int fdt_builder_prop_string(struct fdt_builder *b, const char *name, const char *str);
/* A string list ("compatible" with several entries). */
int fdt_builder_prop_strings(struct fdt_builder *b, const char *name, const char *const *strs,
                             unsigned count);
int fdt_builder_prop_cells(struct fdt_builder *b, const char *name, const uint32_t *cells, unsigned count);
/* One or more (address, size) pairs encoded with the given cell counts (e.g. "reg" with 2 and 2); cell
 * counts 0..2; a value that does not fit gives FDT_ERR_BADVALUE. pairs has 2*count entries: addr, size. */
int fdt_builder_prop_reg(struct fdt_builder *b, const char *name, unsigned address_cells, unsigned size_cells,
                         const uint64_t *pairs, unsigned count);
/* Closes the tree (all nodes must be ended), lays out header, reservation map, structure and strings, and
 * returns the total size in *size. The blob starts at the beginning of the buffer. */
int fdt_builder_finish(struct fdt_builder *b, size_t *size);

/* ---- copy with filter (patching a tree) ---- */

/* Callbacks for fdt_copy; any may be NULL. node/depth refer to the SOURCE tree. Return values: keep_* return
 * true to copy; add_* return FDT_OK or an error, which aborts the copy. */
struct fdt_copy_ops {
	void *ctx;
	/* Whether node (with its whole subtree) is copied. Not called for the root. */
	bool (*keep_node)(void *ctx, const struct fdt *src, int node, int depth);
	/* Whether a property of a kept node is copied; drop it here and write a new one in add_props to
	 * replace it. */
	bool (*keep_prop)(void *ctx, const struct fdt *src, int node, const struct fdt_prop *prop);
	/* Called after node's kept properties, before its subnodes: add properties here. */
	int (*add_props)(void *ctx, struct fdt_builder *b, const struct fdt *src, int node, int depth);
	/* Called after node's copied subnodes, before it is closed: add new subnodes here. */
	int (*add_children)(void *ctx, struct fdt_builder *b, const struct fdt *src, int node, int depth);
};

/* Copies src into b (which must be fresh: initialised, no node begun) through ops; the source's
 * reservation map entries are appended to any already added to b. Does not call fdt_builder_finish.
 * FDT_ERR_BADLAYOUT: the source's reservation map holds an entry of size 0 or more entries than the
 * builder keeps (FDT_BUILDER_MAX_RESERVE in all). */
int fdt_copy(const struct fdt *src, struct fdt_builder *b, const struct fdt_copy_ops *ops);

#endif
