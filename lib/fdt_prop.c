/* Flattened devicetree reader: properties, strings, cells and "reg" (see lib/fdt.h). Every read is
 * bounds-checked by fdt_tag_at() against the blocks fdt_open() validated. */
#include "lib/fdt.h"

#include "lib/fdt_internal.h"
#include "lib/mem.h"

/* ---- properties ---- */

/* The first property at or after off (skipping NOPs), filled into *prop. */
static int prop_from(const struct fdt *fdt, int node, int off, struct fdt_prop *prop)
{
	int next;

	for (;;) {
		int t = fdt_tag_at(fdt, off, &next);
		if (t < 0) {
			return t;
		}
		if (t == (int)FDT_TOKEN_PROP) {
			const uint8_t *p = fdt_struct_base(fdt) + off;
			prop->len = k_load_be32(p + 4);
			prop->name = fdt_string_at(fdt, k_load_be32(p + 8));
			prop->data = p + 12;
			prop->node = node;
			prop->offset = off;
			return FDT_OK;
		}
		if (t != (int)FDT_TOKEN_NOP) {
			return FDT_ERR_NOTFOUND;
		}
		off = next;
	}
}

int fdt_first_prop(const struct fdt *fdt, int node, struct fdt_prop *prop)
{
	int off = fdt_node_body(fdt, node);

	if (off < 0) {
		return off;
	}
	return prop_from(fdt, node, off, prop);
}

int fdt_next_prop(const struct fdt *fdt, struct fdt_prop *prop)
{
	int next;
	int t = fdt_tag_at(fdt, prop->offset, &next);

	if (t != (int)FDT_TOKEN_PROP) {
		return t < 0 ? t : FDT_ERR_BADARG;
	}
	return prop_from(fdt, prop->node, next, prop);
}

int fdt_get_prop(const struct fdt *fdt, int node, const char *name, struct fdt_prop *prop)
{
	int err;

	for (err = fdt_first_prop(fdt, node, prop); err == FDT_OK; err = fdt_next_prop(fdt, prop)) {
		if (k_strcmp(prop->name, name) == 0) {
			return FDT_OK;
		}
	}
	return err;
}

bool fdt_has_prop(const struct fdt *fdt, int node, const char *name)
{
	struct fdt_prop prop;

	return fdt_get_prop(fdt, node, name, &prop) == FDT_OK;
}

int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out)
{
	struct fdt_prop prop;
	int err = fdt_get_prop(fdt, node, name, &prop);

	if (err != FDT_OK) {
		return err;
	}
	if (prop.len != 4) {
		return FDT_ERR_BADVALUE;
	}
	*out = k_load_be32(prop.data);
	return FDT_OK;
}

int fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out)
{
	struct fdt_prop prop;
	int err = fdt_get_prop(fdt, node, name, &prop);

	if (err != FDT_OK) {
		return err;
	}
	if (prop.len == 8) {
		*out = k_load_be64(prop.data);
	} else if (prop.len == 4) {
		*out = k_load_be32(prop.data);
	} else {
		return FDT_ERR_BADVALUE;
	}
	return FDT_OK;
}

int fdt_prop_cell(const struct fdt *fdt, int node, const char *name, int index, uint32_t *out)
{
	struct fdt_prop prop;
	int err = fdt_get_prop(fdt, node, name, &prop);

	if (err != FDT_OK) {
		return err;
	}
	if ((prop.len & 3u) != 0) {
		return FDT_ERR_BADVALUE;
	}
	if (index < 0 || (uint32_t)index >= prop.len / 4) {
		return FDT_ERR_NOTFOUND;
	}
	*out = k_load_be32(prop.data + 4u * (uint32_t)index);
	return FDT_OK;
}

/* A property holding a well-formed string list (non-empty, every string terminated). */
static int get_stringlist(const struct fdt *fdt, int node, const char *name, struct fdt_prop *prop)
{
	int err = fdt_get_prop(fdt, node, name, prop);

	if (err != FDT_OK) {
		return err;
	}
	if (prop->len == 0 || prop->data[prop->len - 1] != '\0') {
		return FDT_ERR_BADVALUE;
	}
	return FDT_OK;
}

int fdt_prop_string(const struct fdt *fdt, int node, const char *name, const char **out)
{
	return fdt_prop_string_index(fdt, node, name, 0, out);
}

int fdt_prop_string_count(const struct fdt *fdt, int node, const char *name)
{
	struct fdt_prop prop;
	int err = get_stringlist(fdt, node, name, &prop);
	int count = 0;

	if (err != FDT_OK) {
		return err;
	}
	for (uint32_t i = 0; i < prop.len; i++) {
		count += prop.data[i] == '\0';
	}
	return count;
}

int fdt_prop_string_index(const struct fdt *fdt, int node, const char *name, int index, const char **out)
{
	struct fdt_prop prop;
	int err = get_stringlist(fdt, node, name, &prop);
	uint32_t pos = 0;

	if (err != FDT_OK) {
		return err;
	}
	for (int i = 0; pos < prop.len; i++) {
		int len = fdt_bounded_strlen(prop.data + pos, prop.len - pos);
		if (i == index) {
			*out = (const char *)prop.data + pos;
			return FDT_OK;
		}
		pos += (uint32_t)len + 1;
	}
	return FDT_ERR_NOTFOUND;
}

int fdt_prop_string_find(const struct fdt *fdt, int node, const char *name, const char *str)
{
	const char *s;
	int i, err;

	for (i = 0; (err = fdt_prop_string_index(fdt, node, name, i, &s)) == FDT_OK; i++) {
		if (k_strcmp(s, str) == 0) {
			return i;
		}
	}
	return err;
}

uint64_t fdt_read_cells(const uint8_t *p, unsigned cells)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < cells; i++) {
		v = (v << 32) | k_load_be32(p + 4 * i);
	}
	return v;
}

static int cells_prop(const struct fdt *fdt, int node, const char *name, uint32_t dflt)
{
	uint32_t cells;
	int err = fdt_prop_u32(fdt, node, name, &cells);

	if (err == FDT_ERR_NOTFOUND) {
		return fdt_node_body(fdt, node) < 0 ? FDT_ERR_BADARG : (int)dflt;
	}
	if (err != FDT_OK) {
		return err == FDT_ERR_BADVALUE ? FDT_ERR_BADCELLS : err;
	}
	return cells > FDT_MAX_CELLS ? FDT_ERR_BADCELLS : (int)cells;
}

int fdt_address_cells(const struct fdt *fdt, int node)
{
	return cells_prop(fdt, node, "#address-cells", FDT_DEFAULT_ADDRESS_CELLS);
}

int fdt_size_cells(const struct fdt *fdt, int node)
{
	return cells_prop(fdt, node, "#size-cells", FDT_DEFAULT_SIZE_CELLS);
}

/* node's "reg" and the cell counts of its parent. Returns the number of entries. */
static int reg_layout(const struct fdt *fdt, int node, struct fdt_prop *prop, int *ac, int *sc)
{
	int parent = fdt_parent(fdt, node);
	uint32_t entry;
	int err;

	if (parent < 0) {
		/* The root's reg (unusual) uses its own cells. */
		if (parent != FDT_ERR_NOTFOUND) {
			return parent;
		}
		parent = node;
	}
	*ac = fdt_address_cells(fdt, parent);
	if (*ac < 0) {
		return *ac;
	}
	*sc = fdt_size_cells(fdt, parent);
	if (*sc < 0) {
		return *sc;
	}
	err = fdt_get_prop(fdt, node, "reg", prop);
	if (err != FDT_OK) {
		return err;
	}
	entry = 4u * (uint32_t)(*ac + *sc);
	if (entry == 0) {
		return FDT_ERR_BADCELLS;
	}
	if (prop->len % entry != 0) {
		return FDT_ERR_BADVALUE;
	}
	return (int)(prop->len / entry);
}

int fdt_reg_count(const struct fdt *fdt, int node)
{
	struct fdt_prop prop;
	int ac, sc;

	return reg_layout(fdt, node, &prop, &ac, &sc);
}

int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
	struct fdt_prop prop;
	int ac, sc;
	int count = reg_layout(fdt, node, &prop, &ac, &sc);
	const uint8_t *entry;

	if (count < 0) {
		return count;
	}
	if (index < 0 || index >= count) {
		return FDT_ERR_NOTFOUND;
	}
	entry = prop.data + (uint32_t)index * 4u * (uint32_t)(ac + sc);
	*addr = fdt_read_cells(entry, (unsigned)ac);
	if (size != NULL) {
		*size = fdt_read_cells(entry + 4 * ac, (unsigned)sc);
	}
	return FDT_OK;
}
