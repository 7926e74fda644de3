/* Flattened devicetree reader (see lib/fdt.h).
 *
 * Every access to the blob goes through fdt_tag_at()/the string checks below, which bound-check against the
 * structure and strings blocks validated by fdt_open(); values are read byte-wise (k_load_be32).
 */
#include "lib/fdt.h"

#include <limits.h>

#include "lib/fdt_internal.h"
#include "lib/mem.h"

/* Offsets within header (devicetree spec, 5.2). */
#define HDR_MAGIC             0
#define HDR_TOTALSIZE         4
#define HDR_OFF_DT_STRUCT     8
#define HDR_OFF_DT_STRINGS    12
#define HDR_OFF_MEM_RSVMAP    16
#define HDR_VERSION           20
#define HDR_LAST_COMP_VERSION 24
#define HDR_BOOT_CPUID_PHYS   28
#define HDR_SIZE_DT_STRINGS   32
#define HDR_SIZE_DT_STRUCT    36

#define RSV_ENTRY_SIZE 16u
#define PROP_HDR_SIZE  8u /* len, nameoff after the token */

const char *fdt_strerror(int err)
{
	switch (err) {
	case FDT_OK: return "success";
	case FDT_ERR_NOTFOUND: return "not found";
	case FDT_ERR_TRUNCATED: return "blob truncated";
	case FDT_ERR_BADMAGIC: return "bad magic (not a devicetree blob)";
	case FDT_ERR_BADVERSION: return "unsupported devicetree version";
	case FDT_ERR_BADLAYOUT: return "header offsets or sizes outside the blob";
	case FDT_ERR_BADSTRUCT: return "malformed structure block";
	case FDT_ERR_BADVALUE: return "property has the wrong size or format";
	case FDT_ERR_BADPATH: return "malformed path";
	case FDT_ERR_BADCELLS: return "bad #address-cells or #size-cells";
	case FDT_ERR_NOSPACE: return "output buffer too small";
	case FDT_ERR_BADSTATE: return "builder call out of order";
	case FDT_ERR_EXISTS: return "property already exists in this node";
	case FDT_ERR_BADARG: return "invalid argument";
	default: return "unknown devicetree error";
	}
}

static uint32_t align4(uint32_t v)
{
	return (v + 3u) & ~3u;
}

uint32_t fdt_peek_total_size(const void *blob)
{
	if (k_load_be32((const uint8_t *)blob + HDR_MAGIC) != FDT_MAGIC) {
		return 0;
	}
	return k_load_be32((const uint8_t *)blob + HDR_TOTALSIZE);
}

/* [off, off+size) inside [0, limit) without overflow. */
static bool span_ok(uint64_t off, uint64_t size, uint64_t limit)
{
	return off <= limit && size <= limit - off;
}

int fdt_open(struct fdt *fdt, const void *blob, size_t buf_size)
{
	const uint8_t *h = blob;
	uint32_t total, last_comp, rsv_off;

	if (fdt == NULL || blob == NULL) {
		return FDT_ERR_BADARG;
	}
	if (buf_size < FDT_HEADER_SIZE) {
		return FDT_ERR_TRUNCATED;
	}
	if (k_load_be32(h + HDR_MAGIC) != FDT_MAGIC) {
		return FDT_ERR_BADMAGIC;
	}
	total = k_load_be32(h + HDR_TOTALSIZE);
	if (total > buf_size) {
		return FDT_ERR_TRUNCATED;
	}
	if (total < FDT_HEADER_SIZE || total > INT_MAX) {
		return FDT_ERR_BADLAYOUT;
	}
	fdt->version = k_load_be32(h + HDR_VERSION);
	last_comp = k_load_be32(h + HDR_LAST_COMP_VERSION);
	if (fdt->version < FDT_MIN_VERSION || last_comp > FDT_VERSION) {
		return FDT_ERR_BADVERSION;
	}
	fdt->blob = h;
	fdt->total_size = total;
	fdt->boot_cpuid = k_load_be32(h + HDR_BOOT_CPUID_PHYS);
	rsv_off = k_load_be32(h + HDR_OFF_MEM_RSVMAP);
	fdt->rsvmap_off = rsv_off;
	fdt->struct_off = k_load_be32(h + HDR_OFF_DT_STRUCT);
	fdt->strings_off = k_load_be32(h + HDR_OFF_DT_STRINGS);
	fdt->strings_size = k_load_be32(h + HDR_SIZE_DT_STRINGS);
	/* size_dt_struct only exists from version 17 on; before, the block runs to the strings block (when
	 * that follows it) or to the end of the blob, and the END token closes it. */
	if (fdt->version >= 17) {
		fdt->struct_size = k_load_be32(h + HDR_SIZE_DT_STRUCT);
	} else if (fdt->struct_off > total) {
		fdt->struct_size = 0;
	} else if (fdt->strings_off > fdt->struct_off && fdt->strings_off <= total) {
		fdt->struct_size = (fdt->strings_off - fdt->struct_off) & ~3u;
	} else {
		fdt->struct_size = (total - fdt->struct_off) & ~3u;
	}

	if (rsv_off < FDT_HEADER_SIZE || (rsv_off & 7u) != 0 || !span_ok(rsv_off, RSV_ENTRY_SIZE, total)) {
		return FDT_ERR_BADLAYOUT;
	}
	if (fdt->struct_off < FDT_HEADER_SIZE || (fdt->struct_off & 3u) != 0 ||
	    !span_ok(fdt->struct_off, fdt->struct_size, total) || (fdt->struct_size & 3u) != 0) {
		return FDT_ERR_BADLAYOUT;
	}
	if (fdt->strings_off < FDT_HEADER_SIZE || !span_ok(fdt->strings_off, fdt->strings_size, total)) {
		return FDT_ERR_BADLAYOUT;
	}
	/* The reservation map must be terminated inside the blob. */
	if (fdt_reserve_count(fdt) < 0) {
		return FDT_ERR_BADLAYOUT;
	}
	/* The structure block starts with the root node (named ""). */
	if (fdt->struct_size < 8 || k_load_be32(h + fdt->struct_off) != FDT_TOKEN_BEGIN_NODE ||
	    h[fdt->struct_off + 4] != '\0') {
		return FDT_ERR_BADSTRUCT;
	}
	return FDT_OK;
}

int fdt_reserve_count(const struct fdt *fdt)
{
	uint32_t off = fdt->rsvmap_off;
	int count = 0;

	while (span_ok(off, RSV_ENTRY_SIZE, fdt->total_size)) {
		if (k_load_be64(fdt->blob + off) == 0 && k_load_be64(fdt->blob + off + 8) == 0) {
			return count;
		}
		count++;
		off += RSV_ENTRY_SIZE;
	}
	return FDT_ERR_TRUNCATED;
}

int fdt_reserve_get(const struct fdt *fdt, int index, uint64_t *addr, uint64_t *size)
{
	int count = fdt_reserve_count(fdt);
	const uint8_t *entry;

	if (count < 0) {
		return count;
	}
	if (index < 0 || index >= count) {
		return FDT_ERR_NOTFOUND;
	}
	entry = fdt->blob + fdt->rsvmap_off + (uint32_t)index * RSV_ENTRY_SIZE;
	*addr = k_load_be64(entry);
	*size = k_load_be64(entry + 8);
	return FDT_OK;
}

/* ---- structure block tags ---- */

/* Length of the NUL-terminated string at p, which must end before limit; -1 if it does not. */
int fdt_bounded_strlen(const uint8_t *p, uint32_t avail)
{
	const uint8_t *nul = k_memchr(p, 0, avail);

	return nul == NULL ? -1 : (int)(nul - p);
}

/* A property's name from the strings block, or NULL if nameoff is outside or unterminated. */
const char *fdt_string_at(const struct fdt *fdt, uint32_t nameoff)
{
	const uint8_t *strings = fdt->blob + fdt->strings_off;

	if (nameoff >= fdt->strings_size ||
	    fdt_bounded_strlen(strings + nameoff, fdt->strings_size - nameoff) < 0) {
		return NULL;
	}
	return (const char *)strings + nameoff;
}

/* Decodes the tag at off: its token and the offset of the following tag. Validates everything the tag
 * carries (node name terminated, property data and name inside their blocks). Returns the token or an
 * FDT_ERR_* code. */
int fdt_tag_at(const struct fdt *fdt, int off, int *next)
{
	const uint8_t *base = fdt_struct_base(fdt);
	uint32_t uoff = (uint32_t)off;
	uint32_t token;

	if (off < 0 || (uoff & 3u) != 0 || !span_ok(uoff, 4, fdt->struct_size)) {
		return FDT_ERR_BADSTRUCT;
	}
	token = k_load_be32(base + uoff);
	switch (token) {
	case FDT_TOKEN_BEGIN_NODE: {
		int len = fdt_bounded_strlen(base + uoff + 4, fdt->struct_size - uoff - 4);
		if (len < 0) {
			return FDT_ERR_BADSTRUCT;
		}
		*next = (int)align4(uoff + 4 + (uint32_t)len + 1);
		break;
	}
	case FDT_TOKEN_PROP: {
		uint32_t len, nameoff;
		if (!span_ok(uoff + 4, PROP_HDR_SIZE, fdt->struct_size)) {
			return FDT_ERR_BADSTRUCT;
		}
		len = k_load_be32(base + uoff + 4);
		nameoff = k_load_be32(base + uoff + 8);
		if (!span_ok(uoff + 12, len, fdt->struct_size) || fdt_string_at(fdt, nameoff) == NULL) {
			return FDT_ERR_BADSTRUCT;
		}
		*next = (int)align4(uoff + 12 + len);
		break;
	}
	case FDT_TOKEN_END_NODE:
	case FDT_TOKEN_NOP:
	case FDT_TOKEN_END: *next = (int)(uoff + 4); break;
	default: return FDT_ERR_BADSTRUCT;
	}
	/* align4 may step past the block end only when the block is malformed. */
	if ((uint32_t)*next > fdt->struct_size) {
		return FDT_ERR_BADSTRUCT;
	}
	return (int)token;
}

/* The offset just after node's BEGIN_NODE tag, or an error if node is not a node. */
int fdt_node_body(const struct fdt *fdt, int node)
{
	int next;
	int tok;

	if (node < 0) {
		return node;
	}
	tok = fdt_tag_at(fdt, node, &next);
	if (tok < 0) {
		return tok;
	}
	return tok == (int)FDT_TOKEN_BEGIN_NODE ? next : FDT_ERR_BADARG;
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
	if (fdt_node_body(fdt, node) < 0) {
		return NULL;
	}
	return (const char *)fdt_struct_base(fdt) + node + 4;
}

/* Skips properties and NOPs from off; returns the offset of the first other tag and its token in *tok. */
static int skip_props(const struct fdt *fdt, int off, int *tok)
{
	int next;

	for (;;) {
		int t = fdt_tag_at(fdt, off, &next);
		if (t < 0) {
			return t;
		}
		if (t != (int)FDT_TOKEN_PROP && t != (int)FDT_TOKEN_NOP) {
			*tok = t;
			return off;
		}
		off = next;
	}
}

/* The offset after node's END_NODE. */
static int skip_node(const struct fdt *fdt, int node)
{
	int off = node;
	int depth = 0;
	int next;

	for (;;) {
		int t = fdt_tag_at(fdt, off, &next);
		if (t < 0) {
			return t;
		}
		if (t == (int)FDT_TOKEN_BEGIN_NODE) {
			if (++depth > FDT_MAX_DEPTH) {
				return FDT_ERR_BADSTRUCT;
			}
		} else if (t == (int)FDT_TOKEN_END_NODE) {
			if (--depth == 0) {
				return next;
			}
		} else if (t == (int)FDT_TOKEN_END) {
			return FDT_ERR_BADSTRUCT;
		}
		off = next;
	}
}

int fdt_first_child(const struct fdt *fdt, int node)
{
	int tok;
	int off = fdt_node_body(fdt, node);

	if (off < 0) {
		return off;
	}
	off = skip_props(fdt, off, &tok);
	if (off < 0) {
		return off;
	}
	if (tok == (int)FDT_TOKEN_BEGIN_NODE) {
		return off;
	}
	return tok == (int)FDT_TOKEN_END_NODE ? FDT_ERR_NOTFOUND : FDT_ERR_BADSTRUCT;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
	int tok, next;
	int off;

	if (fdt_node_body(fdt, node) < 0) {
		return node < 0 ? node : FDT_ERR_BADARG;
	}
	off = skip_node(fdt, node);
	while (off >= 0) {
		tok = fdt_tag_at(fdt, off, &next);
		if (tok < 0) {
			return tok;
		}
		if (tok == (int)FDT_TOKEN_BEGIN_NODE) {
			return off;
		}
		if (tok == (int)FDT_TOKEN_END_NODE || tok == (int)FDT_TOKEN_END) {
			return FDT_ERR_NOTFOUND;
		}
		if (tok == (int)FDT_TOKEN_PROP) {
			/* Properties after a subnode are not allowed. */
			return FDT_ERR_BADSTRUCT;
		}
		off = next;
	}
	return off;
}

int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
	int off, next;

	if (node < 0) {
		*depth = 0;
		return FDT_ROOT;
	}
	off = fdt_node_body(fdt, node);
	while (off >= 0) {
		int t = fdt_tag_at(fdt, off, &next);
		if (t < 0) {
			return t;
		}
		if (t == (int)FDT_TOKEN_BEGIN_NODE) {
			if (*depth + 1 > FDT_MAX_DEPTH) {
				return FDT_ERR_BADSTRUCT;
			}
			(*depth)++;
			return off;
		}
		if (t == (int)FDT_TOKEN_END_NODE) {
			if (--(*depth) < 0) {
				return FDT_ERR_NOTFOUND;
			}
		} else if (t == (int)FDT_TOKEN_END) {
			return FDT_ERR_NOTFOUND;
		}
		off = next;
	}
	return off;
}

/* Walks from the root to node, recording its ancestors. Returns node's depth or an error. */
static int ancestors(const struct fdt *fdt, int node, int stack[FDT_MAX_DEPTH + 1])
{
	int depth = 0;
	int cur = FDT_ROOT;

	if (fdt_node_body(fdt, node) < 0) {
		return node < 0 ? node : FDT_ERR_BADARG;
	}
	while (cur >= 0) {
		stack[depth] = cur;
		if (cur == node) {
			return depth;
		}
		cur = fdt_next_node(fdt, cur, &depth);
	}
	return cur == FDT_ERR_NOTFOUND ? FDT_ERR_BADARG : cur;
}

int fdt_parent(const struct fdt *fdt, int node)
{
	int stack[FDT_MAX_DEPTH + 1];
	int depth = ancestors(fdt, node, stack);

	if (depth < 0) {
		return depth;
	}
	return depth == 0 ? FDT_ERR_NOTFOUND : stack[depth - 1];
}

int fdt_depth(const struct fdt *fdt, int node)
{
	int stack[FDT_MAX_DEPTH + 1];

	return ancestors(fdt, node, stack);
}

int fdt_node_path(const struct fdt *fdt, int node, char *buf, size_t size)
{
	int stack[FDT_MAX_DEPTH + 1];
	int depth = ancestors(fdt, node, stack);
	size_t pos = 0;

	if (depth < 0) {
		return depth;
	}
	if (size == 0) {
		return FDT_ERR_NOSPACE;
	}
	if (depth == 0) {
		if (size < 2) {
			return FDT_ERR_NOSPACE;
		}
		buf[pos++] = '/';
	}
	for (int i = 1; i <= depth; i++) {
		const char *name = fdt_node_name(fdt, stack[i]);
		size_t len = k_strlen(name);
		if (pos + 1 + len + 1 > size) {
			return FDT_ERR_NOSPACE;
		}
		buf[pos++] = '/';
		k_memcpy(buf + pos, name, len);
		pos += len;
	}
	buf[pos] = '\0';
	return (int)pos;
}

int fdt_subnode(const struct fdt *fdt, int parent, const char *name, size_t name_len)
{
	bool want_unit = k_memchr(name, '@', name_len) != NULL;
	int candidate = FDT_ERR_NOTFOUND;
	int child;

	if (name_len == 0) {
		return FDT_ERR_BADPATH;
	}
	for (child = fdt_first_child(fdt, parent); child >= 0; child = fdt_next_sibling(fdt, child)) {
		const char *cname = fdt_node_name(fdt, child);
		size_t clen = k_strlen(cname);
		if (clen == name_len && k_memcmp(cname, name, name_len) == 0) {
			return child;
		}
		if (!want_unit && candidate < 0 && clen > name_len && cname[name_len] == '@' &&
		    k_memcmp(cname, name, name_len) == 0) {
			candidate = child;
		}
	}
	if (child != FDT_ERR_NOTFOUND) {
		return child;
	}
	return candidate;
}

/* Finds path[0..len). allow_alias: whether a relative path may start with an alias (not inside an alias'
 * own value, so an alias cannot refer to another one in a loop). */
static int find_path_n(const struct fdt *fdt, const char *path, size_t len, bool allow_alias)
{
	size_t pos = 0;
	int node = FDT_ROOT;

	if (len == 0) {
		return FDT_ERR_BADPATH;
	}
	if (path[0] != '/') {
		const char *slash = k_memchr(path, '/', len);
		size_t alias_len = slash != NULL ? (size_t)(slash - path) : len;
		int aliases = fdt_subnode(fdt, FDT_ROOT, "aliases", 7);
		struct fdt_prop prop;
		int err;

		if (!allow_alias) {
			return FDT_ERR_BADPATH;
		}
		if (aliases < 0) {
			return aliases;
		}
		/* Property names are NUL-terminated; compare the alias span manually. */
		for (err = fdt_first_prop(fdt, aliases, &prop); err == FDT_OK;
		     err = fdt_next_prop(fdt, &prop)) {
			if (k_strlen(prop.name) == alias_len && k_memcmp(prop.name, path, alias_len) == 0) {
				break;
			}
		}
		if (err != FDT_OK) {
			return err;
		}
		if (prop.len == 0 || prop.data[prop.len - 1] != '\0') {
			return FDT_ERR_BADVALUE;
		}
		node = find_path_n(fdt, (const char *)prop.data, prop.len - 1, false);
		pos = alias_len;
	}
	while (node >= 0 && pos < len) {
		size_t start, end;
		while (pos < len && path[pos] == '/') {
			pos++;
		}
		start = pos;
		while (pos < len && path[pos] != '/') {
			pos++;
		}
		end = pos;
		if (end > start) {
			node = fdt_subnode(fdt, node, path + start, end - start);
		}
	}
	return node;
}

int fdt_find_path(const struct fdt *fdt, const char *path)
{
	if (path == NULL) {
		return FDT_ERR_BADARG;
	}
	return find_path_n(fdt, path, k_strlen(path), true);
}

/* The next BEGIN_NODE after node's own tag in document order, regardless of depth. */
static int scan_next_node(const struct fdt *fdt, int node)
{
	int off, next;

	if (node < 0) {
		return FDT_ROOT;
	}
	off = fdt_node_body(fdt, node);
	while (off >= 0) {
		int t = fdt_tag_at(fdt, off, &next);
		if (t < 0) {
			return t;
		}
		if (t == (int)FDT_TOKEN_BEGIN_NODE) {
			return off;
		}
		if (t == (int)FDT_TOKEN_END) {
			return FDT_ERR_NOTFOUND;
		}
		off = next;
	}
	return off;
}

/* Whether the string list data[0..len) contains str. */
static bool stringlist_contains(const uint8_t *data, uint32_t len, const char *str)
{
	size_t slen = k_strlen(str);
	uint32_t pos = 0;

	while (pos < len) {
		int l = fdt_bounded_strlen(data + pos, len - pos);
		if (l < 0) {
			return false;
		}
		if ((size_t)l == slen && k_memcmp(data + pos, str, slen) == 0) {
			return true;
		}
		pos += (uint32_t)l + 1;
	}
	return false;
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	struct fdt_prop prop;

	if (fdt_get_prop(fdt, node, "compatible", &prop) != FDT_OK) {
		return false;
	}
	return stringlist_contains(prop.data, prop.len, compat);
}

int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat)
{
	int node = from < 0 ? FDT_ROOT : scan_next_node(fdt, from);

	for (; node >= 0; node = scan_next_node(fdt, node)) {
		if (fdt_is_compatible(fdt, node, compat)) {
			return node;
		}
	}
	return node;
}

int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle)
{
	int node;

	/* 0 and 0xffffffff are not valid phandles. */
	if (phandle == 0 || phandle == UINT32_MAX) {
		return FDT_ERR_NOTFOUND;
	}
	for (node = FDT_ROOT; node >= 0; node = scan_next_node(fdt, node)) {
		uint32_t value;
		if ((fdt_prop_u32(fdt, node, "phandle", &value) == FDT_OK ||
		     fdt_prop_u32(fdt, node, "linux,phandle", &value) == FDT_OK) &&
		    value == phandle) {
			return node;
		}
	}
	return node;
}

int fdt_alias(const struct fdt *fdt, const char *name, const char **path)
{
	int aliases = fdt_subnode(fdt, FDT_ROOT, "aliases", 7);

	if (aliases < 0) {
		return aliases;
	}
	return fdt_prop_string(fdt, aliases, name, path);
}

int fdt_stdout_node(const struct fdt *fdt, int *node, const char **options)
{
	int chosen = fdt_subnode(fdt, FDT_ROOT, "chosen", 6);
	const char *path;
	const char *colon;
	int err, found;

	if (chosen < 0) {
		return chosen;
	}
	err = fdt_prop_string(fdt, chosen, "stdout-path", &path);
	if (err == FDT_ERR_NOTFOUND) {
		err = fdt_prop_string(fdt, chosen, "linux,stdout-path", &path);
	}
	if (err != FDT_OK) {
		return err;
	}
	colon = k_strchr(path, ':');
	found = find_path_n(fdt, path, colon != NULL ? (size_t)(colon - path) : k_strlen(path), true);
	if (found < 0) {
		return found;
	}
	*node = found;
	if (options != NULL) {
		*options = colon != NULL ? colon + 1 : "";
	}
	return FDT_OK;
}

bool fdt_node_is_enabled(const struct fdt *fdt, int node)
{
	const char *status;
	int err = fdt_prop_string(fdt, node, "status", &status);

	if (err == FDT_ERR_NOTFOUND) {
		return fdt_node_body(fdt, node) >= 0;
	}
	return err == FDT_OK && (k_strcmp(status, "okay") == 0 || k_strcmp(status, "ok") == 0);
}

int fdt_check_structure(const struct fdt *fdt)
{
	int off = 0;
	int depth = 0;
	int next;
	bool seen_child[FDT_MAX_DEPTH + 1];

	for (;;) {
		int t = fdt_tag_at(fdt, off, &next);
		if (t < 0) {
			return t;
		}
		switch (t) {
		case FDT_TOKEN_BEGIN_NODE:
			if (depth > 0) {
				seen_child[depth - 1] = true;
				if (fdt_struct_base(fdt)[off + 4] == '\0') {
					return FDT_ERR_BADSTRUCT; /* only the root is unnamed */
				}
			} else if (off != 0) {
				return FDT_ERR_BADSTRUCT; /* a second root */
			}
			if (depth >= FDT_MAX_DEPTH) {
				return FDT_ERR_BADSTRUCT;
			}
			seen_child[depth++] = false;
			break;
		case FDT_TOKEN_END_NODE:
			if (depth == 0) {
				return FDT_ERR_BADSTRUCT;
			}
			depth--;
			break;
		case FDT_TOKEN_PROP:
			if (depth == 0 || seen_child[depth - 1]) {
				return FDT_ERR_BADSTRUCT;
			}
			break;
		case FDT_TOKEN_END: return depth == 0 && off > 0 ? FDT_OK : FDT_ERR_BADSTRUCT;
		default: break;
		}
		off = next;
	}
}
