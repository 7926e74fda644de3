/* libFuzzer harness: the devicetrees karasu writes for its guests.
 *
 * The first input byte picks what is fuzzed:
 *   0  karasu-hv's guest tree (hv/core/guest_dtb.c) from a fuzzed description;
 *   1  karasu-rv's `virt` tree (rv/system/virt_dtb.c) from fuzzed parameters and ISA string;
 *   2  karasu-rv's patching of a user's -dtb (rv_virt_dtb_patch): a fuzzed blob, bootargs and initrd.
 * Each must return FDT_OK exactly when its header says the input is valid (with the buffer size it
 * promises is enough), and then write a blob that lib/fdt opens, that passes fdt_check_structure, and that
 * says what was asked: memory, CPUs, interrupt controller, devices, /chosen (bootargs, initrd,
 * stdout-path). A patched tree must hold every node and property of its source unchanged but the ones
 * replaced in /chosen.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/core/guest_dtb.h"
#include "lib/fdt.h"
#include "rv/system/virt_dtb.h"
#include "rv/system/virt_map.h"
#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"

#define STRING_MAX 600 /* fuzzed strings (bootargs, model, ISA): a little past the ISA limit */
#define OUT_MAX    (1u << 20)

static uint8_t out[OUT_MAX];

enum mode { MODE_HV_BUILD, MODE_RV_BUILD, MODE_RV_PATCH, MODE_COUNT };

/* ---- reading the result back ---- */

static void open_checked(struct fdt *fdt, const uint8_t *blob, size_t size, const char *what)
{
	int err = fdt_open(fdt, blob, size);
	REQUIRE(err == FDT_OK, "%s: the blob written does not open: %s", what, fdt_strerror(err));
	REQUIRE(fdt->total_size == size, "%s: totalsize %u, %zu bytes written", what, fdt->total_size, size);
	err = fdt_check_structure(fdt);
	REQUIRE(err == FDT_OK, "%s: the blob written fails the structure check: %s", what, fdt_strerror(err));
}

/* A node's (first) reg entry. */
static void require_reg(const struct fdt *fdt, int node, uint64_t addr, uint64_t size, const char *what)
{
	uint64_t a, s;
	int err = fdt_reg(fdt, node, 0, &a, &s);
	REQUIRE(err == FDT_OK && a == addr && s == size,
	        "%s: reg %d 0x%" PRIx64 "/0x%" PRIx64 ", want 0x%" PRIx64 "/0x%" PRIx64, what, err, a, s,
	        addr, size);
}

/* The root's child called exactly name (as Linux looks up /chosen), or FDT_ERR_NOTFOUND. */
static int root_child(const struct fdt *fdt, const char *name)
{
	int child;
	for (child = fdt_first_child(fdt, FDT_ROOT); child >= 0; child = fdt_next_sibling(fdt, child)) {
		if (strcmp(fdt_node_name(fdt, child), name) == 0) {
			return child;
		}
	}
	return child;
}

/* /chosen says bootargs (NULL: no such property) and the initrd (end == start: none). */
static void require_chosen(const struct fdt *fdt, const char *bootargs, uint64_t initrd_start,
                           uint64_t initrd_end, const char *what)
{
	int chosen = root_child(fdt, "chosen");
	const char *s;
	uint64_t v;

	if (bootargs == NULL && initrd_end == initrd_start) {
		return;
	}
	REQUIRE(chosen >= 0, "%s: no /chosen", what);
	if (bootargs != NULL) {
		REQUIRE(fdt_prop_string(fdt, chosen, "bootargs", &s) == FDT_OK && strcmp(s, bootargs) == 0,
		        "%s: bootargs not written", what);
	}
	if (initrd_end > initrd_start) {
		REQUIRE(fdt_prop_u64(fdt, chosen, "linux,initrd-start", &v) == FDT_OK && v == initrd_start,
		        "%s: initrd start", what);
		REQUIRE(fdt_prop_u64(fdt, chosen, "linux,initrd-end", &v) == FDT_OK && v == initrd_end,
		        "%s: initrd end", what);
	}
}

/* Node names are unique among siblings (devicetree spec 2.2.1: a path names one node). */
static void require_unique_names(const struct fdt *fdt, const char *what)
{
	int node = -1, depth = 0;
	while ((node = fdt_next_node(fdt, node, &depth)) >= 0) {
		for (int a = fdt_first_child(fdt, node); a >= 0; a = fdt_next_sibling(fdt, a)) {
			for (int b = fdt_next_sibling(fdt, a); b >= 0; b = fdt_next_sibling(fdt, b)) {
				REQUIRE(strcmp(fdt_node_name(fdt, a), fdt_node_name(fdt, b)) != 0,
				        "%s: two nodes named %s", what, fdt_node_name(fdt, a));
			}
		}
	}
}

static int count_compatible(const struct fdt *fdt, const char *compat)
{
	int n = 0;
	for (int node = fdt_find_compatible(fdt, -1, compat); node >= 0;
	     node = fdt_find_compatible(fdt, node, compat)) {
		n++;
	}
	return n;
}

/* ---- karasu-hv ---- */

static void fuzz_hv_build(struct fuzz_input *in)
{
	static char model[STRING_MAX], compat[STRING_MAX], bootargs[STRING_MAX];
	struct guest_dtb_desc d;
	uint64_t mpidr[16];
	uint8_t flags = fuzz_take_u8(in);
	size_t size;
	struct fdt fdt;

	memset(&d, 0, sizeof(d));
	d.has_uart = flags & 1;
	d.psci_method = (flags & 2) ? GUEST_DTB_PSCI_SMC : GUEST_DTB_PSCI_HVC;
	d.nr_cpus = fuzz_take_u8(in) % (GUEST_DTB_MAX_CPUS + 2);
	for (unsigned i = 0; i < d.nr_cpus; i++) {
		mpidr[i] = fuzz_take_u64(in);
	}
	d.cpu_mpidr = (flags & 4) ? mpidr : NULL;
	d.gic_version = fuzz_take_u8(in) % 5;
	d.mem_base = fuzz_take_u64(in);
	d.mem_size = fuzz_take_u64(in);
	d.gicd_base = fuzz_take_u64(in);
	d.gicd_size = fuzz_take_u64(in);
	d.gicr_base = fuzz_take_u64(in);
	d.gicr_size = fuzz_take_u64(in);
	d.gicc_base = fuzz_take_u64(in);
	d.gicc_size = fuzz_take_u64(in);
	d.timer_frequency = fuzz_take_u32(in);
	d.uart.base = fuzz_take_u64(in);
	d.uart.size = fuzz_take_u64(in);
	d.uart.spi = fuzz_take_u32(in);
	d.nr_virtio = fuzz_take_u8(in) % (GUEST_DTB_MAX_VIRTIO + 2);
	for (unsigned i = 0; i < GUEST_DTB_MAX_VIRTIO; i++) {
		d.virtio[i].base = fuzz_take_u64(in);
		d.virtio[i].size = fuzz_take_u64(in);
		d.virtio[i].spi = fuzz_take_u32(in);
	}
	d.initrd_start = fuzz_take_u64(in);
	d.initrd_end = fuzz_take_u64(in);
	d.model = (flags & 8) ? fuzz_take_string(in, model, sizeof(model)) : NULL;
	d.cpu_compatible = (flags & 16) ? fuzz_take_string(in, compat, sizeof(compat)) : NULL;
	d.bootargs = (flags & 32) ? fuzz_take_string(in, bootargs, sizeof(bootargs)) : NULL;

	bool valid = d.nr_cpus >= 1 && d.nr_cpus <= GUEST_DTB_MAX_CPUS && d.mem_size != 0 &&
	             d.nr_virtio <= GUEST_DTB_MAX_VIRTIO && d.initrd_end >= d.initrd_start &&
	             (d.gic_version == 0 || d.gic_version == 2 || d.gic_version == 3);
	/* "8 KiB is plenty for the maximum description", plus what the strings add (the CPUs' compatible
	 * string once per CPU). */
	size_t cap = 8192 + (d.model ? strlen(d.model) : 0) + (d.bootargs ? strlen(d.bootargs) : 0) +
	             (d.cpu_compatible ? (strlen(d.cpu_compatible) + 1) * d.nr_cpus : 0);
	int err = guest_dtb_build(&d, out, cap, &size);
	if (!valid) {
		REQUIRE(err == FDT_ERR_BADARG, "hv: an invalid description gave %s", fdt_strerror(err));
		return;
	}
	REQUIRE(err == FDT_OK, "hv: a valid description gave %s", fdt_strerror(err));
	REQUIRE(size <= cap, "hv: %zu bytes written into %zu", size, cap);
	open_checked(&fdt, out, size, "hv");

	char path[64];
	snprintf(path, sizeof(path), "/memory@%" PRIx64, d.mem_base);
	int node = fdt_find_path(&fdt, path);
	REQUIRE(node >= 0, "hv: no %s", path);
	require_reg(&fdt, node, d.mem_base, d.mem_size, "hv memory");
	int cpus = fdt_find_path(&fdt, "/cpus"), n = 0;
	REQUIRE(cpus >= 0, "hv: no /cpus");
	for (int cpu = fdt_first_child(&fdt, cpus); cpu >= 0; cpu = fdt_next_sibling(&fdt, cpu), n++) {
		uint64_t want = (d.cpu_mpidr ? d.cpu_mpidr[n] : (uint64_t)n) & 0xff00ffffffull, reg;
		REQUIRE(n < (int)d.nr_cpus, "hv: more CPU nodes than CPUs");
		REQUIRE(fdt_reg(&fdt, cpu, 0, &reg, NULL) == FDT_OK && reg == want, "hv: cpu %d reg", n);
	}
	REQUIRE(n == (int)d.nr_cpus, "hv: %d CPU nodes for %u CPUs", n, d.nr_cpus);
	const char *gic_compat = d.gic_version == 2 ? "arm,cortex-a15-gic" : "arm,gic-v3";
	int gic = fdt_find_compatible(&fdt, -1, gic_compat);
	uint32_t parent;
	REQUIRE(gic >= 0, "hv: no %s node", gic_compat);
	REQUIRE(fdt_prop_u32(&fdt, FDT_ROOT, "interrupt-parent", &parent) == FDT_OK &&
	            fdt_find_phandle(&fdt, parent) == gic,
	        "hv: interrupt-parent is not the GIC");
	require_reg(&fdt, gic, d.gicd_base,
	            d.gicd_size ? d.gicd_size : (d.gic_version == 2 ? 0x1000 : 0x10000),
	            "hv GIC distributor");
	REQUIRE(count_compatible(&fdt, "virtio,mmio") == (int)d.nr_virtio, "hv: virtio nodes");
	REQUIRE(count_compatible(&fdt, "arm,pl011") == (d.has_uart ? 1 : 0), "hv: pl011 nodes");
	if (d.has_uart) {
		int uart;
		const char *options;
		REQUIRE(fdt_stdout_node(&fdt, &uart, &options) == FDT_OK &&
		            fdt_is_compatible(&fdt, uart, "arm,pl011"),
		        "hv: stdout-path does not lead to the PL011");
		require_reg(&fdt, uart, d.uart.base, d.uart.size ? d.uart.size : 0x1000,
		            "hv PL011"); /* 0: 4 KiB */
	}
	require_chosen(&fdt, d.bootargs, d.initrd_start, d.initrd_end, "hv");
	/* guest_dtb_build does not check that CPUs and devices have distinct addresses (the hypervisor
	 * describes its own machine); with distinct ones, node names must be distinct. */
	bool distinct = true;
	for (unsigned i = 0; i < d.nr_cpus && d.cpu_mpidr; i++) {
		for (unsigned j = 0; j < i; j++) {
			distinct = distinct && ((mpidr[i] ^ mpidr[j]) & 0xff00ffffffull) != 0;
		}
	}
	for (unsigned i = 0; i < d.nr_virtio; i++) {
		for (unsigned j = 0; j < i; j++) {
			distinct = distinct && d.virtio[i].base != d.virtio[j].base;
		}
	}
	if (distinct) {
		require_unique_names(&fdt, "hv");
	}
}

/* ---- karasu-rv ---- */

static void check_isa(const char *isa_string, int err, const struct rv_virt_isa *isa)
{
	static const struct rv_virt_isa zero;
	if (err != FDT_OK) {
		REQUIRE(err == FDT_ERR_BADARG, "isa parse: %d", err);
		REQUIRE(memcmp(isa, &zero, sizeof(zero)) == 0, "isa parse: a failure left *out dirty");
		return;
	}
	REQUIRE(strcmp(isa->base, "rv32i") == 0 || strcmp(isa->base, "rv64i") == 0, "isa base %.8s",
	        isa->base);
	REQUIRE(strncmp(isa_string, isa->base, 4) == 0, "isa base %s of %s", isa->base, isa_string);
	REQUIRE(isa->count >= 1 && isa->count <= RV_VIRT_ISA_MAX_EXTENSIONS, "isa: %u names", isa->count);
	for (unsigned i = 0; i < isa->count; i++) {
		size_t len = strnlen(isa->names[i], sizeof(isa->names[i]));
		REQUIRE(len > 0 && len <= RV_VIRT_ISA_NAME_MAX, "isa name %u length %zu", i, len);
		for (unsigned j = 0; j < i; j++) {
			REQUIRE(strcmp(isa->names[i], isa->names[j]) != 0, "isa: %s listed twice",
			        isa->names[i]);
		}
	}
}

static void fuzz_rv_build(struct fuzz_input *in)
{
	static char bootargs[STRING_MAX], isa_buf[STRING_MAX], model[STRING_MAX];
	static struct rv_virt_isa isa;
	struct rv_virt_dtb_params p;
	uint8_t flags = fuzz_take_u8(in);
	static const enum rv_virt_mmu_type mmus[] = {RV_VIRT_MMU_SV39, RV_VIRT_MMU_SV48, 0, 10};
	struct fdt fdt;
	size_t size;

	memset(&p, 0, sizeof(p));
	p.nr_harts = fuzz_take_u8(in) % (RV_VIRT_MAX_HARTS + 3);
	/* Mostly sizes in MiB, sometimes any 64-bit value. */
	p.ram_size = (flags & 1) ? fuzz_take_u64(in) : (uint64_t)fuzz_take_u32(in) << 20;
	p.mmu = mmus[fuzz_take_u8(in) % 4];
	p.initrd_start = fuzz_take_u64(in);
	p.initrd_end = fuzz_take_u64(in);
	if (flags & 2) { /* an initrd inside RAM, the usual case */
		p.initrd_start = RV_VIRT_RAM_BASE + (p.initrd_start & 0xffffff);
		p.initrd_end = p.initrd_start + (p.initrd_end & 0xffffff);
	}
	p.bootargs = (flags & 4) ? fuzz_take_string(in, bootargs, sizeof(bootargs)) : NULL;
	p.isa = (flags & 8) ? fuzz_take_string(in, isa_buf, sizeof(isa_buf)) : NULL;
	p.model = (flags & 16) ? fuzz_take_string(in, model, sizeof(model)) : NULL;

	const char *isa_string = p.isa ? p.isa : RV_VIRT_DTB_DEFAULT_ISA;
	memset(&isa, 0xa5, sizeof(isa));
	int isa_err = rv_virt_isa_parse(isa_string, &isa);
	check_isa(isa_string, isa_err, &isa);
	uint64_t ram_last = RV_VIRT_RAM_BASE + (p.ram_size - 1);
	bool valid = p.nr_harts >= 1 && p.nr_harts <= RV_VIRT_MAX_HARTS && p.ram_size != 0 &&
	             ram_last >= RV_VIRT_RAM_BASE &&
	             (p.mmu == RV_VIRT_MMU_SV39 || p.mmu == RV_VIRT_MMU_SV48) &&
	             p.initrd_end >= p.initrd_start &&
	             (p.initrd_end == p.initrd_start ||
	              (p.initrd_start >= RV_VIRT_RAM_BASE && p.initrd_end - 1 <= ram_last)) &&
	             isa_err == FDT_OK;
	size_t cap = rv_virt_dtb_size_bound(&p);
	REQUIRE(cap <= OUT_MAX, "rv: size bound %zu", cap);
	int err = rv_virt_dtb_build(&p, out, cap, &size);
	if (!valid) {
		REQUIRE(err == FDT_ERR_BADARG, "rv: invalid parameters gave %s", fdt_strerror(err));
		return;
	}
	REQUIRE(err == FDT_OK, "rv: valid parameters with the promised buffer size gave %s",
	        fdt_strerror(err));
	open_checked(&fdt, out, size, "rv");

	int mem = fdt_find_path(&fdt, "/memory@80000000");
	REQUIRE(mem >= 0, "rv: no /memory@80000000");
	require_reg(&fdt, mem, RV_VIRT_RAM_BASE, p.ram_size, "rv memory");
	int cpus = fdt_find_path(&fdt, "/cpus"), n = 0;
	REQUIRE(cpus >= 0, "rv: no /cpus");
	for (int cpu = fdt_first_child(&fdt, cpus); cpu >= 0; cpu = fdt_next_sibling(&fdt, cpu)) {
		const char *s;
		if (strncmp(fdt_node_name(&fdt, cpu), "cpu@", 4) != 0) {
			continue; /* cpu-map */
		}
		REQUIRE(fdt_prop_string(&fdt, cpu, "riscv,isa", &s) == FDT_OK && strcmp(s, isa_string) == 0,
		        "rv: cpu %d riscv,isa", n);
		REQUIRE(fdt_prop_string_count(&fdt, cpu, "riscv,isa-extensions") == (int)isa.count,
		        "rv: cpu %d lists %d extensions, the ISA has %u", n,
		        fdt_prop_string_count(&fdt, cpu, "riscv,isa-extensions"), isa.count);
		for (unsigned i = 0; i < isa.count; i++) {
			REQUIRE(fdt_prop_string_index(&fdt, cpu, "riscv,isa-extensions", (int)i, &s) ==
			                FDT_OK &&
			            strcmp(s, isa.names[i]) == 0,
			        "rv: cpu %d extension %u", n, i);
		}
		n++;
	}
	REQUIRE(n == (int)p.nr_harts, "rv: %d cpu nodes for %u harts", n, p.nr_harts);
	int uart;
	const char *options;
	REQUIRE(fdt_stdout_node(&fdt, &uart, &options) == FDT_OK && fdt_is_compatible(&fdt, uart, "ns16550a"),
	        "rv: stdout-path does not lead to the UART");
	require_chosen(&fdt, p.bootargs, p.initrd_start, p.initrd_end, "rv");
	require_unique_names(&fdt, "rv");
}

/* Whether the patch replaces this property of the source's /chosen. */
static bool replaced(const char *name, bool bootargs, bool initrd)
{
	return (bootargs && strcmp(name, "bootargs") == 0) ||
	       (initrd && (strcmp(name, "linux,initrd-start") == 0 || strcmp(name, "linux,initrd-end") == 0));
}

/* The next property of a node that the comparison looks at (err from first/next_prop in, out). */
static int next_compared(const struct fdt *fdt, struct fdt_prop *prop, int err, bool in_chosen, bool bootargs,
                         bool initrd)
{
	while (err == FDT_OK && in_chosen && replaced(prop->name, bootargs, initrd)) {
		err = fdt_next_prop(fdt, prop);
	}
	return err;
}

static void fuzz_rv_patch(struct fuzz_input *in)
{
	static char bootargs_buf[STRING_MAX];
	uint8_t flags = fuzz_take_u8(in);
	const char *bootargs = (flags & 1) ? fuzz_take_string(in, bootargs_buf, sizeof(bootargs_buf)) : NULL;
	uint64_t initrd_start = (flags & 2) ? fuzz_take_u64(in) : 0;
	uint64_t initrd_end = (flags & 2) ? fuzz_take_u64(in) : 0;
	size_t src_size, size;
	const uint8_t *src = fuzz_rest(in, &src_size);
	struct fdt from, patched;

	size_t cap = rv_virt_dtb_patch_size_bound(src, src_size, bootargs);
	REQUIRE(cap <= OUT_MAX, "patch: size bound %zu", cap);
	int err = rv_virt_dtb_patch(src, src_size, bootargs, initrd_start, initrd_end, out, cap, &size);
	if (initrd_end < initrd_start) {
		REQUIRE(err == FDT_ERR_BADARG, "patch: initrd end before start gave %s", fdt_strerror(err));
		return;
	}
	int open_err = fdt_open(&from, src, src_size);
	if (open_err == FDT_OK) {
		open_err = fdt_check_structure(&from);
	}
	if (open_err != FDT_OK) {
		REQUIRE(err == open_err, "patch: a source that fails with %s gave %s", fdt_strerror(open_err),
		        fdt_strerror(err));
		return;
	}
	if (err == FDT_ERR_NOSPACE) {
		/* Allowed for a blob not laid out by dtc/libfdt/lib/fdt; with room to spare it must work. */
		cap = src_size * 2 + (bootargs ? strlen(bootargs) : 0) + 4096;
		REQUIRE(cap <= OUT_MAX, "patch: %zu", cap);
		err = rv_virt_dtb_patch(src, src_size, bootargs, initrd_start, initrd_end, out, cap, &size);
	}
	/* What a checked tree may hold that the builder refuses: a property twice in a node, a node name
	 * with '/', an empty property name, a reservation entry of size 0 or more entries than it keeps. */
	if (err == FDT_ERR_EXISTS || err == FDT_ERR_BADARG || err == FDT_ERR_BADLAYOUT) {
		return;
	}
	REQUIRE(err == FDT_OK, "patch: a checked source gave %s", fdt_strerror(err));
	open_checked(&patched, out, size, "patch");
	REQUIRE(patched.boot_cpuid == from.boot_cpuid, "patch: boot_cpuid_phys changed");
	REQUIRE(fdt_reserve_count(&patched) == fdt_reserve_count(&from), "patch: reservations changed");
	for (int i = 0; i < fdt_reserve_count(&from); i++) {
		uint64_t a1, s1, a2, s2;
		fdt_reserve_get(&from, i, &a1, &s1);
		fdt_reserve_get(&patched, i, &a2, &s2);
		REQUIRE(a1 == a2 && s1 == s2, "patch: reservation %d changed", i);
	}
	require_chosen(&patched, bootargs, initrd_start, initrd_end, "patch");

	/* Every node and property of the source, in order, but the replaced ones; /chosen added last. */
	bool replace_initrd = initrd_end > initrd_start;
	int src_chosen = root_child(&from, "chosen"), out_chosen = root_child(&patched, "chosen");
	bool added = src_chosen < 0 && (bootargs != NULL || replace_initrd);
	int a = -1, b = -1, da = 0, db = 0;
	for (;;) {
		a = fdt_next_node(&from, a, &da);
		b = fdt_next_node(&patched, b, &db);
		if (added && b == out_chosen) {
			b = fdt_next_node(&patched, b, &db);
		}
		REQUIRE((a >= 0) == (b >= 0) && (a < 0 || da == db), "patch: tree shape differs");
		if (a < 0) {
			break;
		}
		REQUIRE(strcmp(fdt_node_name(&from, a), fdt_node_name(&patched, b)) == 0,
		        "patch: node %s became %s", fdt_node_name(&from, a), fdt_node_name(&patched, b));
		bool in_chosen = a == src_chosen;
		struct fdt_prop pa, pb;
		int ea = next_compared(&from, &pa, fdt_first_prop(&from, a, &pa), in_chosen, bootargs,
		                       replace_initrd);
		int eb = next_compared(&patched, &pb, fdt_first_prop(&patched, b, &pb), in_chosen, bootargs,
		                       replace_initrd);
		while (ea == FDT_OK) {
			REQUIRE(eb == FDT_OK && strcmp(pa.name, pb.name) == 0 && pa.len == pb.len &&
			            memcmp(pa.data, pb.data, pa.len) == 0,
			        "patch: property %s of %s changed", pa.name, fdt_node_name(&from, a));
			ea = next_compared(&from, &pa, fdt_next_prop(&from, &pa), in_chosen, bootargs,
			                   replace_initrd);
			eb = next_compared(&patched, &pb, fdt_next_prop(&patched, &pb), in_chosen, bootargs,
			                   replace_initrd);
		}
		REQUIRE(eb == FDT_ERR_NOTFOUND, "patch: %s gained a property", fdt_node_name(&from, a));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = fuzz_input_init(data, size);

	switch (fuzz_take_u8(&in) % MODE_COUNT) {
	case MODE_HV_BUILD: fuzz_hv_build(&in); break;
	case MODE_RV_BUILD: fuzz_rv_build(&in); break;
	case MODE_RV_PATCH: fuzz_rv_patch(&in); break;
	}
	return 0;
}
