/* A minimal flattened-devicetree walk: just what hvtest needs (memory, CPUs, the guest name and mode from
 * /chosen/bootargs, and the devices of the architecture's table: the console UART, the interrupt
 * controller...). Deliberately independent of lib/fdt.c, so a bug there cannot hide a bug in the DTB karasu
 * generates. Byte loads only (the arm64 guest runs with the MMU off: Device memory, no unaligned access). */
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

uint32_t fdt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t cells(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 32 | fdt_be32(p + 4 * i);
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

/* The value of "key=" in the bootargs [args, args+len): *value and its length, or false. */
static bool find_arg(const char *args, uint32_t len, const char *key, const char **value, size_t *n)
{
	size_t kl = k_strlen(key);
	for (uint32_t i = 0; i + kl < len; i++) {
		if ((i == 0 || args[i - 1] == ' ') && k_strncmp(args + i, key, kl) == 0) {
			const char *v = args + i + kl;
			size_t m = 0;
			while (v + m < args + len && v[m] && v[m] != ' ')
				m++;
			*value = v;
			*n = m;
			return true;
		}
	}
	return false;
}

/* Copies the value of "key=" from the bootargs [args, args+len) into dst (cap bytes with the NUL). */
static void take_arg(const char *args, uint32_t len, const char *key, char *dst, size_t cap)
{
	const char *v;
	size_t n;
	if (!find_arg(args, len, key, &v, &n))
		return;
	if (n > cap - 1)
		n = cap - 1;
	k_memcpy(dst, v, n);
	dst[n] = 0;
}

bool bootarg_u64(const char *key, uint64_t *out)
{
	const char *v;
	size_t n;
	return plat.bootargs && find_arg(plat.bootargs, plat.bootargs_len, key, &v, &n) &&
	       k_parse_u64(v, n, 0, out);
}

/* The arch table entry whose compatible the node lists (-1: none). */
static int device_by_compatible(const struct fdt_device *devs, unsigned n, const char *val, uint32_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (strlist_has(val, len, devs[i].compatible))
			return (int)i;
	return -1;
}

static int device_by_name(const struct fdt_device *devs, unsigned n, const char *node)
{
	for (unsigned i = 0; i < n; i++)
		if (devs[i].name_prefix && starts_with(node, devs[i].name_prefix))
			return (int)i;
	return -1;
}

/* Stores a device's reg entries; false if reg is too short for what the entry wants. */
static bool store_reg(const struct fdt_device *d, const uint8_t *val, uint32_t len, unsigned ac, unsigned sc)
{
	bool two = d->base1 || d->size1;
	unsigned need = two ? 2 * (ac + sc) : d->size0 ? ac + sc : ac; /* cells */
	if (len < 4 * need)
		return false;
	if (d->base0)
		*d->base0 = cells(val, ac);
	if (d->size0)
		*d->size0 = cells(val + 4 * ac, sc);
	if (d->base1)
		*d->base1 = cells(val + 4 * (ac + sc), ac);
	if (d->size1)
		*d->size1 = cells(val + 4 * (2 * ac + sc), sc);
	return true;
}

bool fdt_scan(const void *dtb)
{
	const uint8_t *h = dtb;
	if (!h || fdt_be32(h) != FDT_MAGIC)
		return false;
	const uint8_t *st = h + fdt_be32(h + 8);
	const char *strings = (const char *)h + fdt_be32(h + 12);
	uint32_t struct_size = fdt_be32(h + 36);
	unsigned ndevs;
	const struct fdt_device *devs = arch_fdt_devices(&ndevs);

	/* Per depth: the node name, and the #address-cells/#size-cells its children use. */
	const char *names[MAX_DEPTH] = {0};
	unsigned acells[MAX_DEPTH + 1], scells[MAX_DEPTH + 1];
	acells[0] = 2;
	scells[0] = 1;
	int depth = -1;
	int device = -1; /* the current node's entry in devs */
	unsigned ncpus = 0;

	for (uint32_t off = 0; off + 4 <= struct_size;) {
		uint32_t tok = fdt_be32(st + off);
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
			device = -1;
		} else if (tok == FDT_END_NODE) {
			if (depth < 0)
				return false;
			depth--;
		} else if (tok == FDT_PROP) {
			uint32_t len = fdt_be32(st + off);
			const char *pname = strings + fdt_be32(st + off + 4);
			const uint8_t *val = st + off + 8;
			off += 8 + ((len + 3) & ~3u);
			if (depth < 0)
				continue;
			unsigned ac = acells[depth], sc = scells[depth];
			const char *node = names[depth];
			/* devices sit at the root or on a simple bus whose ranges map 1:1 (QEMU's and karasu-rv's /soc) */
			bool device_depth = depth == 1 || (depth == 2 && starts_with(names[1], "soc"));
			if (!k_strcmp(pname, "#address-cells") && len == 4)
				acells[depth + 1] = fdt_be32(val);
			else if (!k_strcmp(pname, "#size-cells") && len == 4)
				scells[depth + 1] = fdt_be32(val);
			else if (!k_strcmp(pname, "compatible") && device < 0)
				device = device_by_compatible(devs, ndevs, (const char *)val, len);
			else if (!k_strcmp(pname, "reg") && len >= 4 * ac) {
				/* compatible comes before reg in every DTB karasu or QEMU writes; the name is a fallback. */
				int d = device >= 0 ? device : device_by_name(devs, ndevs, node);
				if (device_depth && d >= 0 && store_reg(&devs[d], val, len, ac, sc)) {
					device = d;
				} else if (depth == 1 && starts_with(node, "memory") &&
				           len >= 4 * (ac + sc)) {
					plat.ram_base = cells(val, ac);
					plat.ram_size = cells(val + 4 * ac, sc);
				} else if (depth == 2 && starts_with(names[1], "cpus") &&
				           starts_with(node, "cpu@") && ncpus < HVTEST_MAX_CPUS)
					plat.cpu_id[ncpus++] = cells(val, ac);
			} else if (!k_strcmp(pname, "bootargs") && depth == 1 &&
			           starts_with(node, "chosen")) {
				plat.bootargs = (const char *)val;
				plat.bootargs_len = len;
				take_arg((const char *)val, len, "karasu.name=", plat.name,
				         sizeof(plat.name));
				take_arg((const char *)val, len, "hvtest.mode=", plat.mode,
				         sizeof(plat.mode));
			}
			arch_fdt_property(node, depth, device, pname, val, len);
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
