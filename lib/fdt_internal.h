/* Internal helpers shared by lib/fdt.c and lib/fdt_prop.c (not part of the public API in lib/fdt.h). */
#ifndef KARASU_LIB_FDT_INTERNAL_H
#define KARASU_LIB_FDT_INTERNAL_H

#include "lib/fdt.h"

static inline const uint8_t *fdt_struct_base(const struct fdt *fdt)
{
	return fdt->blob + fdt->struct_off;
}

/* Length of the NUL-terminated string at p, which must end within avail bytes; -1 if it does not. */
int fdt_bounded_strlen(const uint8_t *p, uint32_t avail);
/* A name from the strings block, or NULL if nameoff is outside it or the string is unterminated. */
const char *fdt_string_at(const struct fdt *fdt, uint32_t nameoff);
/* Decodes and validates the tag at structure offset off: returns its token (FDT_TOKEN_*) and the offset of
 * the following tag in *next, or an FDT_ERR_* code. */
int fdt_tag_at(const struct fdt *fdt, int off, int *next);
/* The offset just after node's BEGIN_NODE tag, or an error if node is not a node. */
int fdt_node_body(const struct fdt *fdt, int node);

#endif
