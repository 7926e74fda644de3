/* Numeric bootargs of the modes that take parameters (hvtest.calls=, hvtest.seed=, ...): /chosen/bootargs
 * read from the DTB again when a mode asks, so fdt_scan.c keeps to what every mode needs. The DTB must still
 * be intact: modes read their parameters before they do anything that may write guest RAM. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/mem.h"

#define FDT_MAGIC           0xd00dfeedu
#define FDT_BEGIN_NODE      1u
#define FDT_END_NODE        2u
#define FDT_PROP            3u
#define FDT_NOP             4u
#define FDT_END             9u
#define FDT_OFF_STRUCT      8u
#define FDT_OFF_STRINGS     12u
#define FDT_OFF_STRUCT_SIZE 36u

/* /chosen/bootargs: *args and *len, or false. */
static bool find_bootargs(const void *dtb, const char **args, uint32_t *len)
{
	const uint8_t *h = dtb;
	if (!h || fdt_be32(h) != FDT_MAGIC)
		return false;
	const uint8_t *st = h + fdt_be32(h + FDT_OFF_STRUCT);
	const char *strings = (const char *)h + fdt_be32(h + FDT_OFF_STRINGS);
	uint32_t size = fdt_be32(h + FDT_OFF_STRUCT_SIZE);
	int depth = -1;
	bool in_chosen = false;
	for (uint32_t off = 0; off + 4 <= size;) {
		uint32_t tok = fdt_be32(st + off);
		off += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)st + off;
			off += (uint32_t)((k_strlen(name) + 1 + 3) & ~3u);
			depth++;
			in_chosen =
			    depth == 1 && (!k_strcmp(name, "chosen") || !k_strncmp(name, "chosen@", 7));
		} else if (tok == FDT_END_NODE) {
			depth--;
			in_chosen = false;
		} else if (tok == FDT_PROP) {
			uint32_t plen = fdt_be32(st + off);
			const char *pname = strings + fdt_be32(st + off + 4);
			if (in_chosen && !k_strcmp(pname, "bootargs")) {
				*args = (const char *)st + off + 8;
				*len = plen;
				return true;
			}
			off += 8 + ((plen + 3) & ~3u);
		} else if (tok != FDT_NOP) {
			return false; /* FDT_END or garbage */
		}
	}
	return false;
}

bool bootarg_u64(const void *dtb, const char *key, uint64_t *out)
{
	const char *args;
	uint32_t len;
	if (!find_bootargs(dtb, &args, &len))
		return false;
	size_t kl = k_strlen(key);
	for (uint32_t i = 0; i + kl < len; i++) {
		if ((i && args[i - 1] != ' ') || k_strncmp(args + i, key, kl))
			continue;
		size_t n = 0;
		while (i + kl + n < len && args[i + kl + n] && args[i + kl + n] != ' ')
			n++;
		return k_parse_u64(args + i + kl, n, 0, out);
	}
	return false;
}
