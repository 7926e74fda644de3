/* A minimal flattened-devicetree walk: just what hvtest needs (UART, memory, CPUs, PSCI method, the guest
 * name from /chosen/bootargs). Deliberately independent of lib/fdt.c, so a bug there cannot hide a bug in the
 * DTB karasu generates. Byte loads only (the MMU is off: Device memory, no unaligned access). */
#include <stdbool.h>
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/mem.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u
#define MAX_DEPTH      8

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t cells(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

/* True if the NUL-separated string list [s, s+len) contains want. */
static bool strlist_has(const char *s, uint32_t len, const char *want)
{
	size_t wl = k_strlen(want);
	uint32_t i = 0;
	while (i < len) {
		size_t l = k_strnlen(s + i, len - i);
		if (l == wl && k_memcmp(s + i, want, wl) == 0)
			return true;
		i += (uint32_t)l + 1;
	}
	return false;
}

static bool starts_with(const char *s, const char *prefix)
{
	return k_strncmp(s, prefix, k_strlen(prefix)) == 0;
}

/* Copies the value of "key=" from the bootargs [args, args+len) into dst (cap bytes with the NUL). */
static void take_arg(const char *args, uint32_t len, const char *key, char *dst, size_t cap)
{
	size_t kl = k_strlen(key);
	for (uint32_t i = 0; i + kl < len; i++) {
		if ((i == 0 || args[i - 1] == ' ') && k_strncmp(args + i, key, kl) == 0) {
			const char *v = args + i + kl;
			size_t n = 0;
			while (n < cap - 1 && v + n < args + len && v[n] && v[n] != ' ')
				n++;
			k_memcpy(dst, v, n);
			dst[n] = 0;
			return;
		}
	}
}

bool fdt_scan(const void *dtb)
{
	const uint8_t *h = dtb;
	if (!h || be32(h) != FDT_MAGIC)
		return false;
	const uint8_t *st = h + be32(h + 8);
	const char *strings = (const char *)h + be32(h + 12);
	uint32_t struct_size = be32(h + 36);

	/* Per depth: the node name, and the #address-cells/#size-cells its children use. */
	const char *names[MAX_DEPTH] = {0};
	unsigned acells[MAX_DEPTH + 1], scells[MAX_DEPTH + 1];
	acells[0] = 2;
	scells[0] = 1;
	int depth = -1;
	bool node_is_pl011 = false, node_is_gic = false;
	unsigned ncpus = 0;

	for (uint32_t off = 0; off + 4 <= struct_size;) {
		uint32_t tok = be32(st + off);
		off += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)st + off;
			off += (uint32_t)((k_strlen(name) + 1 + 3) & ~3u);
			depth++;
			if (depth >= MAX_DEPTH)
				return false;
			names[depth] = name;
			acells[depth + 1] = 2;
			scells[depth + 1] = 1;
			node_is_pl011 = false;
			node_is_gic = false;
		} else if (tok == FDT_END_NODE) {
			if (depth < 0)
				return false;
			depth--;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(st + off);
			const char *pname = strings + be32(st + off + 4);
			const uint8_t *val = st + off + 8;
			off += 8 + ((len + 3) & ~3u);
			if (depth < 0)
				continue;
			unsigned ac = acells[depth], sc = scells[depth];
			const char *node = names[depth];
			if (!k_strcmp(pname, "#address-cells") && len == 4)
				acells[depth + 1] = be32(val);
			else if (!k_strcmp(pname, "#size-cells") && len == 4)
				scells[depth + 1] = be32(val);
			else if (!k_strcmp(pname, "compatible") &&
			         strlist_has((const char *)val, len, "arm,pl011"))
				node_is_pl011 = true;
			else if (!k_strcmp(pname, "compatible") &&
			         strlist_has((const char *)val, len, "arm,gic-v3"))
				node_is_gic = true;
			else if (!k_strcmp(pname, "reg") && len >= 4 * ac) {
				/* compatible comes before reg in every DTB karasu or QEMU writes; the name is a fallback. */
				if (depth == 1 && node_is_gic && len >= 8 * (ac + sc)) {
					plat.gicd_base = cells(val, ac);
					plat.gicd_size = cells(val + 4 * ac, sc);
					plat.gicr_base = cells(val + 4 * (ac + sc), ac);
					plat.gicr_size = cells(val + 4 * (2 * ac + sc), sc);
				} else if (depth == 1 && (node_is_pl011 || starts_with(node, "pl011@")))
					plat.uart_base = cells(val, ac);
				else if (depth == 1 && starts_with(node, "memory") && len >= 4 * (ac + sc)) {
					plat.ram_base = cells(val, ac);
					plat.ram_size = cells(val + 4 * ac, sc);
				} else if (depth == 2 && starts_with(names[1], "cpus") &&
				           starts_with(node, "cpu@") && ncpus < HVTEST_MAX_CPUS)
					plat.cpu_mpidr[ncpus++] = cells(val, ac);
			} else if (!k_strcmp(pname, "method") && depth == 1 && starts_with(node, "psci"))
				plat.psci_smc = len >= 3 && k_memcmp(val, "smc", 3) == 0;
			else if (!k_strcmp(pname, "bootargs") && depth == 1 && starts_with(node, "chosen")) {
				take_arg((const char *)val, len, "karasu.name=", plat.name,
				         sizeof(plat.name));
				take_arg((const char *)val, len, "hvtest.mode=", plat.mode,
				         sizeof(plat.mode));
			}
		} else if (tok == FDT_NOP) {
			continue;
		} else if (tok == FDT_END) {
			break;
		} else {
			return false;
		}
	}
	if (ncpus)
		plat.ncpus = ncpus;
	return true;
}
