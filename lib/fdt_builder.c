/* Flattened devicetree builder and filtered copy (see lib/fdt.h).
 *
 * While building, the structure block grows upward from just after the header and the strings block grows
 * downward from the end of the buffer, so neither size has to be known in advance. A property's nameoff is
 * stored meanwhile as the distance of its string from the END of the buffer; fdt_builder_finish() moves the
 * blocks into place (header, reservation map, structure, strings) and rewrites every nameoff.
 */
#include "lib/fdt.h"

#include "lib/mem.h"

#define RSV_ENTRY_SIZE 16u

static int fail(struct fdt_builder *b, int err)
{
	if (b->err == FDT_OK) {
		b->err = err;
	}
	return b->err;
}

int fdt_builder_init(struct fdt_builder *b, void *buf, size_t cap)
{
	k_memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	if (buf == NULL) {
		return fail(b, FDT_ERR_BADARG);
	}
	/* Offsets in the blob are 32-bit. */
	if (cap > UINT32_MAX) {
		b->cap = UINT32_MAX & ~(size_t)7;
	}
	if (b->cap < FDT_HEADER_SIZE + RSV_ENTRY_SIZE + 4) {
		return fail(b, FDT_ERR_NOSPACE);
	}
	return FDT_OK;
}

void fdt_builder_set_boot_cpuid(struct fdt_builder *b, uint32_t cpuid)
{
	b->boot_cpuid = cpuid;
}

int fdt_builder_add_reserve(struct fdt_builder *b, uint64_t addr, uint64_t size)
{
	if (b->err != FDT_OK) {
		return b->err;
	}
	if (b->started || b->finished) {
		return fail(b, FDT_ERR_BADSTATE);
	}
	if (size == 0) {
		return fail(b, FDT_ERR_BADARG); /* a zero entry would terminate the map */
	}
	if (b->reserve_count >= FDT_BUILDER_MAX_RESERVE) {
		return fail(b, FDT_ERR_NOSPACE);
	}
	b->reserve[b->reserve_count][0] = addr;
	b->reserve[b->reserve_count][1] = size;
	b->reserve_count++;
	return FDT_OK;
}

static size_t free_space(const struct fdt_builder *b)
{
	return b->cap - FDT_HEADER_SIZE - b->struct_len - b->strings_len;
}

/* Appends n bytes (NULL = zeros) to the structure block, padded with zeros to a multiple of 4. */
static int put_struct(struct fdt_builder *b, const void *data, size_t n)
{
	size_t padded = (n + 3u) & ~(size_t)3u;
	uint8_t *dst;

	if (padded < n || padded > free_space(b)) {
		return fail(b, FDT_ERR_NOSPACE);
	}
	dst = b->buf + FDT_HEADER_SIZE + b->struct_len;
	if (data != NULL) {
		k_memcpy(dst, data, n);
	} else {
		k_memset(dst, 0, n);
	}
	k_memset(dst + n, 0, padded - n);
	b->struct_len += (uint32_t)padded;
	return FDT_OK;
}

static int put_token(struct fdt_builder *b, uint32_t token)
{
	uint8_t bytes[4];

	k_store_be32(bytes, token);
	return put_struct(b, bytes, sizeof(bytes));
}

/* The string `name` as its distance from the end of the buffer; adds it unless an equal string (or one
 * ending with it) is already there. Returns 0 on failure (distances are >= 1). */
static uint32_t intern_string(struct fdt_builder *b, const char *name)
{
	size_t len = k_strlen(name) + 1;
	const uint8_t *strings = b->buf + b->cap - b->strings_len;

	for (size_t pos = 0; pos + len <= b->strings_len; pos++) {
		if (k_memcmp(strings + pos, name, len) == 0) {
			return (uint32_t)(b->strings_len - pos);
		}
	}
	if (len > free_space(b)) {
		fail(b, FDT_ERR_NOSPACE);
		return 0;
	}
	b->strings_len += (uint32_t)len;
	k_memcpy(b->buf + b->cap - b->strings_len, name, len);
	return b->strings_len;
}

static const char *string_from_end(const struct fdt_builder *b, uint32_t distance)
{
	return (const char *)b->buf + b->cap - distance;
}

int fdt_builder_begin_node(struct fdt_builder *b, const char *name)
{
	size_t len;

	if (b->err != FDT_OK) {
		return b->err;
	}
	if (name == NULL) {
		return fail(b, FDT_ERR_BADARG);
	}
	len = k_strlen(name);
	if (b->finished || (b->started && b->depth == 0) || b->depth >= FDT_MAX_DEPTH) {
		return fail(b, FDT_ERR_BADSTATE);
	}
	/* The root is unnamed; every other node has a name without '/'. */
	if ((b->started ? len == 0 : len != 0) || k_strchr(name, '/') != NULL) {
		return fail(b, FDT_ERR_BADARG);
	}
	if (b->depth > 0) {
		b->node_has_children_stack[b->depth - 1] = true;
	}
	if (put_token(b, FDT_TOKEN_BEGIN_NODE) != FDT_OK || put_struct(b, name, len + 1) != FDT_OK) {
		return b->err;
	}
	b->started = true;
	b->node_has_children_stack[b->depth] = false;
	b->depth++;
	b->node_props_start = b->struct_len;
	return FDT_OK;
}

int fdt_builder_end_node(struct fdt_builder *b)
{
	if (b->err != FDT_OK) {
		return b->err;
	}
	if (b->depth == 0 || b->finished) {
		return fail(b, FDT_ERR_BADSTATE);
	}
	if (put_token(b, FDT_TOKEN_END_NODE) != FDT_OK) {
		return b->err;
	}
	b->depth--;
	return FDT_OK;
}

/* Whether the open node already has a property called name (its properties are contiguous from
 * node_props_start, since properties precede subnodes). */
static bool node_has_prop(const struct fdt_builder *b, const char *name)
{
	uint32_t off = b->node_props_start;

	while (off < b->struct_len) {
		const uint8_t *p = b->buf + FDT_HEADER_SIZE + off;
		uint32_t len = k_load_be32(p + 4);
		if (k_strcmp(string_from_end(b, k_load_be32(p + 8)), name) == 0) {
			return true;
		}
		off += 12u + ((len + 3u) & ~3u);
	}
	return false;
}

int fdt_builder_prop(struct fdt_builder *b, const char *name, const void *data, uint32_t len)
{
	uint8_t hdr[12];
	uint32_t nameoff;

	if (b->err != FDT_OK) {
		return b->err;
	}
	if (name == NULL || name[0] == '\0' || (data == NULL && len != 0)) {
		return fail(b, FDT_ERR_BADARG);
	}
	if (b->depth == 0 || b->finished || b->node_has_children_stack[b->depth - 1]) {
		return fail(b, FDT_ERR_BADSTATE);
	}
	if (node_has_prop(b, name)) {
		return fail(b, FDT_ERR_EXISTS);
	}
	nameoff = intern_string(b, name);
	if (nameoff == 0) {
		return b->err;
	}
	k_store_be32(hdr, FDT_TOKEN_PROP);
	k_store_be32(hdr + 4, len);
	k_store_be32(hdr + 8, nameoff);
	if (put_struct(b, hdr, sizeof(hdr)) != FDT_OK) {
		return b->err;
	}
	return put_struct(b, data, len);
}

int fdt_builder_prop_empty(struct fdt_builder *b, const char *name)
{
	return fdt_builder_prop(b, name, NULL, 0);
}

int fdt_builder_prop_u32(struct fdt_builder *b, const char *name, uint32_t val)
{
	uint8_t bytes[4];

	k_store_be32(bytes, val);
	return fdt_builder_prop(b, name, bytes, sizeof(bytes));
}

int fdt_builder_prop_u64(struct fdt_builder *b, const char *name, uint64_t val)
{
	uint8_t bytes[8];

	k_store_be64(bytes, val);
	return fdt_builder_prop(b, name, bytes, sizeof(bytes));
}

int fdt_builder_prop_string(struct fdt_builder *b, const char *name, const char *str)
{
	if (str == NULL) {
		return fail(b, FDT_ERR_BADARG);
	}
	return fdt_builder_prop(b, name, str, (uint32_t)k_strlen(str) + 1);
}

/* Properties whose value is assembled piecewise: write the header with the final length, then the pieces
 * directly into the structure block. */
static int begin_prop_raw(struct fdt_builder *b, const char *name, uint32_t len)
{
	uint32_t nameoff;
	uint8_t hdr[12];

	if (b->err != FDT_OK) {
		return b->err;
	}
	if (name == NULL || name[0] == '\0') {
		return fail(b, FDT_ERR_BADARG);
	}
	if (b->depth == 0 || b->finished || b->node_has_children_stack[b->depth - 1]) {
		return fail(b, FDT_ERR_BADSTATE);
	}
	if (node_has_prop(b, name)) {
		return fail(b, FDT_ERR_EXISTS);
	}
	/* Check the whole property fits before writing anything. */
	if ((size_t)len + 12u + 3u + k_strlen(name) + 1 > free_space(b)) {
		return fail(b, FDT_ERR_NOSPACE);
	}
	nameoff = intern_string(b, name);
	if (nameoff == 0) {
		return b->err;
	}
	k_store_be32(hdr, FDT_TOKEN_PROP);
	k_store_be32(hdr + 4, len);
	k_store_be32(hdr + 8, nameoff);
	return put_struct(b, hdr, sizeof(hdr));
}

/* Appends bytes of a raw property value without padding; pad_prop() finishes. */
static void put_raw(struct fdt_builder *b, const void *data, size_t n)
{
	k_memcpy(b->buf + FDT_HEADER_SIZE + b->struct_len, data, n);
	b->struct_len += (uint32_t)n;
}

static void pad_prop(struct fdt_builder *b)
{
	while ((b->struct_len & 3u) != 0) {
		b->buf[FDT_HEADER_SIZE + b->struct_len++] = 0;
	}
}

int fdt_builder_prop_strings(struct fdt_builder *b, const char *name, const char *const *strs, unsigned count)
{
	uint64_t total = 0;

	if (strs == NULL && count != 0) {
		return fail(b, FDT_ERR_BADARG);
	}
	for (unsigned i = 0; i < count; i++) {
		if (strs[i] == NULL) {
			return fail(b, FDT_ERR_BADARG);
		}
		total += k_strlen(strs[i]) + 1;
	}
	if (total > UINT32_MAX - 16u) {
		return fail(b, FDT_ERR_NOSPACE);
	}
	if (begin_prop_raw(b, name, (uint32_t)total) != FDT_OK) {
		return b->err;
	}
	for (unsigned i = 0; i < count; i++) {
		put_raw(b, strs[i], k_strlen(strs[i]) + 1);
	}
	pad_prop(b);
	return FDT_OK;
}

int fdt_builder_prop_cells(struct fdt_builder *b, const char *name, const uint32_t *cells, unsigned count)
{
	if ((cells == NULL && count != 0) || count > (UINT32_MAX - 16u) / 4u) {
		return fail(b, FDT_ERR_BADARG);
	}
	if (begin_prop_raw(b, name, 4u * count) != FDT_OK) {
		return b->err;
	}
	for (unsigned i = 0; i < count; i++) {
		uint8_t bytes[4];
		k_store_be32(bytes, cells[i]);
		put_raw(b, bytes, sizeof(bytes));
	}
	return FDT_OK;
}

/* Whether v fits in `cells` 32-bit cells. */
static bool fits_cells(uint64_t v, unsigned cells)
{
	return cells >= 2 || (cells == 1 && v <= UINT32_MAX) || (cells == 0 && v == 0);
}

static void put_cells(struct fdt_builder *b, uint64_t v, unsigned cells)
{
	uint8_t bytes[8];

	if (cells == 2) {
		k_store_be64(bytes, v);
		put_raw(b, bytes, 8);
	} else if (cells == 1) {
		k_store_be32(bytes, (uint32_t)v);
		put_raw(b, bytes, 4);
	}
}

int fdt_builder_prop_reg(struct fdt_builder *b, const char *name, unsigned address_cells, unsigned size_cells,
                         const uint64_t *pairs, unsigned count)
{
	uint64_t entry = 4u * (uint64_t)(address_cells + size_cells);

	if (address_cells > FDT_MAX_CELLS || size_cells > FDT_MAX_CELLS || (pairs == NULL && count != 0)) {
		return fail(b, FDT_ERR_BADARG);
	}
	if (entry * count > UINT32_MAX - 16u) {
		return fail(b, FDT_ERR_NOSPACE);
	}
	for (unsigned i = 0; i < count; i++) {
		if (!fits_cells(pairs[2 * i], address_cells) || !fits_cells(pairs[2 * i + 1], size_cells)) {
			return fail(b, FDT_ERR_BADVALUE);
		}
	}
	if (begin_prop_raw(b, name, (uint32_t)(entry * count)) != FDT_OK) {
		return b->err;
	}
	for (unsigned i = 0; i < count; i++) {
		put_cells(b, pairs[2 * i], address_cells);
		put_cells(b, pairs[2 * i + 1], size_cells);
	}
	return FDT_OK;
}

/* Rewrites every property's nameoff from "distance from the buffer end" to an offset in the final strings
 * block. The structure block is our own output, so it is well-formed. */
static void fix_nameoffs(struct fdt_builder *b, uint8_t *structure)
{
	uint32_t off = 0;

	while (off < b->struct_len) {
		uint8_t *p = structure + off;
		uint32_t token = k_load_be32(p);
		if (token == FDT_TOKEN_PROP) {
			uint32_t len = k_load_be32(p + 4);
			k_store_be32(p + 8, b->strings_len - k_load_be32(p + 8));
			off += 12u + ((len + 3u) & ~3u);
		} else if (token == FDT_TOKEN_BEGIN_NODE) {
			off += 4u + (((uint32_t)k_strlen((const char *)p + 4) + 1u + 3u) & ~3u);
		} else {
			off += 4u;
		}
	}
}

int fdt_builder_finish(struct fdt_builder *b, size_t *size)
{
	uint32_t rsv_size, struct_off, strings_off, total;
	uint8_t *h = b->buf;

	if (b->err != FDT_OK) {
		return b->err;
	}
	if (!b->started || b->depth != 0 || b->finished) {
		return fail(b, FDT_ERR_BADSTATE);
	}
	if (put_token(b, FDT_TOKEN_END) != FDT_OK) {
		return b->err;
	}
	rsv_size = (b->reserve_count + 1u) * RSV_ENTRY_SIZE;
	struct_off = FDT_HEADER_SIZE + rsv_size;
	strings_off = struct_off + b->struct_len;
	total = strings_off + b->strings_len;
	if ((size_t)total > b->cap) {
		return fail(b, FDT_ERR_NOSPACE);
	}
	/* Structure up past the reservation map (it cannot reach the strings: total <= cap), then strings
	 * down to just after it. */
	k_memmove(h + struct_off, h + FDT_HEADER_SIZE, b->struct_len);
	fix_nameoffs(b, h + struct_off);
	k_memmove(h + strings_off, h + b->cap - b->strings_len, b->strings_len);
	for (unsigned i = 0; i < b->reserve_count; i++) {
		k_store_be64(h + FDT_HEADER_SIZE + i * RSV_ENTRY_SIZE, b->reserve[i][0]);
		k_store_be64(h + FDT_HEADER_SIZE + i * RSV_ENTRY_SIZE + 8, b->reserve[i][1]);
	}
	k_memset(h + FDT_HEADER_SIZE + b->reserve_count * RSV_ENTRY_SIZE, 0, RSV_ENTRY_SIZE);

	k_store_be32(h + 0, FDT_MAGIC);
	k_store_be32(h + 4, total);
	k_store_be32(h + 8, struct_off);
	k_store_be32(h + 12, strings_off);
	k_store_be32(h + 16, FDT_HEADER_SIZE);
	k_store_be32(h + 20, FDT_VERSION);
	k_store_be32(h + 24, FDT_LAST_COMP_VERSION);
	k_store_be32(h + 28, b->boot_cpuid);
	k_store_be32(h + 32, b->strings_len);
	k_store_be32(h + 36, b->struct_len);
	b->finished = true;
	if (size != NULL) {
		*size = total;
	}
	return FDT_OK;
}

/* ---- filtered copy ---- */

static int copy_node(const struct fdt *src, struct fdt_builder *b, const struct fdt_copy_ops *ops, int node,
                     int depth)
{
	struct fdt_prop prop;
	const char *name = depth == 0 ? "" : fdt_node_name(src, node);
	int err, child;

	if (name == NULL) {
		return fail(b, FDT_ERR_BADSTRUCT);
	}
	if (depth >= FDT_MAX_DEPTH) {
		return fail(b, FDT_ERR_BADSTRUCT);
	}
	if (fdt_builder_begin_node(b, name) != FDT_OK) {
		return b->err;
	}
	for (err = fdt_first_prop(src, node, &prop); err == FDT_OK; err = fdt_next_prop(src, &prop)) {
		if (ops->keep_prop != NULL && !ops->keep_prop(ops->ctx, src, node, &prop)) {
			continue;
		}
		if (fdt_builder_prop(b, prop.name, prop.data, prop.len) != FDT_OK) {
			return b->err;
		}
	}
	if (err != FDT_ERR_NOTFOUND) {
		return fail(b, err);
	}
	if (ops->add_props != NULL && (err = ops->add_props(ops->ctx, b, src, node, depth)) != FDT_OK) {
		return fail(b, err);
	}
	for (child = fdt_first_child(src, node); child >= 0; child = fdt_next_sibling(src, child)) {
		if (ops->keep_node != NULL && !ops->keep_node(ops->ctx, src, child, depth + 1)) {
			continue;
		}
		if (copy_node(src, b, ops, child, depth + 1) != FDT_OK) {
			return b->err;
		}
	}
	if (child != FDT_ERR_NOTFOUND) {
		return fail(b, child);
	}
	if (ops->add_children != NULL && (err = ops->add_children(ops->ctx, b, src, node, depth)) != FDT_OK) {
		return fail(b, err);
	}
	return fdt_builder_end_node(b);
}

int fdt_copy(const struct fdt *src, struct fdt_builder *b, const struct fdt_copy_ops *ops)
{
	static const struct fdt_copy_ops no_ops;
	int count = fdt_reserve_count(src);

	if (b->err != FDT_OK) {
		return b->err;
	}
	if (b->started) {
		return fail(b, FDT_ERR_BADSTATE);
	}
	if (count < 0) {
		return fail(b, count);
	}
	/* More entries than the builder keeps is the source's layout, not a lack of buffer space: say so
	 * before add_reserve reports FDT_ERR_NOSPACE (which a caller would answer with a bigger buffer). */
	if ((unsigned)count > FDT_BUILDER_MAX_RESERVE - b->reserve_count) {
		return fail(b, FDT_ERR_BADLAYOUT);
	}
	for (int i = 0; i < count; i++) {
		uint64_t addr, size;
		if (fdt_reserve_get(src, i, &addr, &size) != FDT_OK || size == 0) {
			return fail(b, FDT_ERR_BADLAYOUT);
		}
		if (fdt_builder_add_reserve(b, addr, size) != FDT_OK) {
			return b->err;
		}
	}
	return copy_node(src, b, ops != NULL ? ops : &no_ops, FDT_ROOT, 0);
}
