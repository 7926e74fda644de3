/* The `virt` machine's devicetree (see virt_dtb.h). Facts (node names, compatibles, interrupt wiring)
 * follow QEMU's riscv virt board as its -dumpdtb shows it and the devicetree bindings of each device. */
#include "rv/system/virt_dtb.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/fdt.h"
#include "rv/system/virt_map.h"

/* Phandles: fixed numbers, two per hart (its cpu node and its interrupt controller). */
#define PHANDLE_PLIC       1u
#define PHANDLE_TEST       2u
#define PHANDLE_HART_FIRST 3u
#define PHANDLE_CPU(h)     (PHANDLE_HART_FIRST + 2u * (h))
#define PHANDLE_INTC(h)    (PHANDLE_HART_FIRST + 2u * (h) + 1u)

/* Local interrupt numbers of a hart's "riscv,cpu-intc" (mip/mie bits, privileged spec 3.1.9). */
#define INTC_M_SOFTWARE 3u
#define INTC_M_TIMER    7u
#define INTC_S_EXTERNAL 9u
#define INTC_M_EXTERNAL 11u

/* Values the test device ("sifive,test0") acts on when written at offset 0. */
#define TEST_REG_FINISHER   0u
#define TEST_FINISHER_PASS  0x5555u /* power off (exit status 0) */
#define TEST_FINISHER_RESET 0x7777u /* reboot */

#define NAME_MAX_LEN 48 /* a node name or path built here: "virtio_mmio@10008000" and the like */
#define ROOT_CELLS   2u /* #address-cells and #size-cells of / and /soc: 64-bit addresses and sizes */

/* rv_virt_dtb_size_bound: with the default ISA and no bootargs the blob is 3.4 KiB plus 230 bytes per
 * hart (the ISA strings included); these leave room to spare. */
#define DTB_FIXED_PART_BOUND 8192u
#define DTB_PER_HART_BOUND   1024u

/* Propagates the first error (the builder also remembers it). */
#define TRY(expr)                    \
	do {                         \
		int err_ = (expr);   \
		if (err_ < 0)        \
			return err_; \
	} while (0)

/* ---- ISA string ---- */

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Adds a name unless it is already listed. */
static int add_name(struct rv_virt_isa *out, const char *name, size_t len)
{
	if (len == 0 || len > RV_VIRT_ISA_NAME_MAX)
		return FDT_ERR_BADARG;
	for (unsigned i = 0; i < out->count; i++)
		if (strlen(out->names[i]) == len && memcmp(out->names[i], name, len) == 0)
			return FDT_OK;
	if (out->count >= RV_VIRT_ISA_MAX_EXTENSIONS)
		return FDT_ERR_BADARG;
	memcpy(out->names[out->count], name, len);
	out->names[out->count][len] = '\0';
	out->count++;
	return FDT_OK;
}

/* A version after an extension name: "2", "2p1". Returns the characters it spans. */
static size_t version_length(const char *p)
{
	size_t n = 0;
	while (is_digit(p[n]))
		n++;
	if (n > 0 && p[n] == 'p' && is_digit(p[n + 1])) {
		n++;
		while (is_digit(p[n]))
			n++;
	}
	return n;
}

/* A multi-letter extension name starts with one of these (unprivileged spec, ISA naming conventions). */
static bool starts_multi_letter(char c)
{
	return c == 'z' || c == 's' || c == 'x';
}

/* A multi-letter name with an optional trailing version ("zicsr2p0"): the name's length without it. Only
 * the "NpM" form is stripped: a bare trailing number may be part of a name ("zvl128b" without its "b"). */
static size_t strip_multi_letter_version(const char *name, size_t len)
{
	size_t end = len;
	while (end > 0 && is_digit(name[end - 1]))
		end--;
	if (end == len || end < 2 || name[end - 1] != 'p')
		return len;
	size_t major_end = end - 1;
	size_t start = major_end;
	while (start > 0 && is_digit(name[start - 1]))
		start--;
	return start < major_end && start > 0 ? start : len;
}

static int parse_extensions(const char *p, struct rv_virt_isa *out)
{
	static const char *const g_expansion[] = {"i", "m", "a", "f", "d", "zicsr", "zifencei"};
	bool first = true;

	while (*p != '\0') {
		if (*p == '_') {
			/* A separator between two names: never leading, doubled or trailing. */
			if (first || p[1] == '_' || p[1] == '\0')
				return FDT_ERR_BADARG;
			p++;
			continue;
		}
		if (!is_lower(*p))
			return FDT_ERR_BADARG;
		if (first && *p != 'i' && *p != 'g')
			return FDT_ERR_BADARG; /* the base ISA comes first; Linux wants RV32I/RV64I */
		if (starts_multi_letter(*p)) {
			size_t len = 0;
			while (is_lower(p[len]) || is_digit(p[len]))
				len++;
			if (p[len] != '\0' && p[len] != '_')
				return FDT_ERR_BADARG;
			if (len < 2)
				return FDT_ERR_BADARG;
			TRY(add_name(out, p, strip_multi_letter_version(p, len)));
			p += len;
		} else if (*p == 'g') {
			for (size_t i = 0; i < sizeof(g_expansion) / sizeof(g_expansion[0]); i++)
				TRY(add_name(out, g_expansion[i], strlen(g_expansion[i])));
			p++;
			p += version_length(p);
		} else {
			TRY(add_name(out, p, 1));
			p++;
			p += version_length(p);
		}
		first = false;
	}
	return first ? FDT_ERR_BADARG : FDT_OK;
}

int rv_virt_isa_parse(const char *isa, struct rv_virt_isa *out)
{
	if (out == NULL)
		return FDT_ERR_BADARG;
	memset(out, 0, sizeof(*out));
	if (isa == NULL || strlen(isa) > RV_VIRT_ISA_MAX_LEN)
		return FDT_ERR_BADARG;
	if (strncmp(isa, "rv64", 4) != 0 && strncmp(isa, "rv32", 4) != 0)
		return FDT_ERR_BADARG;
	int err = parse_extensions(isa + 4, out);
	if (err != FDT_OK) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	memcpy(out->base, isa, 4);
	out->base[4] = 'i';
	out->base[5] = '\0';
	return FDT_OK;
}

/* ---- building ---- */

static int begin_unit_node(struct fdt_builder *b, const char *name, uint64_t unit)
{
	char buf[NAME_MAX_LEN];
	snprintf(buf, sizeof(buf), "%s@%llx", name, (unsigned long long)unit);
	return fdt_builder_begin_node(b, buf);
}

static int reg_prop(struct fdt_builder *b, uint64_t base, uint64_t size)
{
	const uint64_t pairs[2] = {base, size};
	return fdt_builder_prop_reg(b, "reg", ROOT_CELLS, ROOT_CELLS, pairs, 1);
}

static int compatible(struct fdt_builder *b, const char *const *strs, unsigned count)
{
	return fdt_builder_prop_strings(b, "compatible", strs, count);
}

static int isa_props(struct fdt_builder *b, const char *isa_string, const struct rv_virt_isa *isa)
{
	const char *names[RV_VIRT_ISA_MAX_EXTENSIONS];
	for (unsigned i = 0; i < isa->count; i++)
		names[i] = isa->names[i];
	TRY(fdt_builder_prop_string(b, "riscv,isa", isa_string));
	TRY(fdt_builder_prop_string(b, "riscv,isa-base", isa->base));
	return fdt_builder_prop_strings(b, "riscv,isa-extensions", names, isa->count);
}

static int add_hart(struct fdt_builder *b, const struct rv_virt_dtb_params *p, const char *isa_string,
                    const struct rv_virt_isa *isa, unsigned hart)
{
	static const char *const intc_compat[] = {"riscv,cpu-intc"};
	static const char *const cpu_compat[] = {"riscv"};
	TRY(begin_unit_node(b, "cpu", hart));
	TRY(fdt_builder_prop_string(b, "device_type", "cpu"));
	TRY(fdt_builder_prop_u32(b, "reg", hart));
	TRY(fdt_builder_prop_string(b, "status", "okay"));
	TRY(compatible(b, cpu_compat, 1));
	TRY(isa_props(b, isa_string, isa));
	TRY(fdt_builder_prop_string(b, "mmu-type", p->mmu == RV_VIRT_MMU_SV48 ? "riscv,sv48" : "riscv,sv39"));
	TRY(fdt_builder_prop_u32(b, "phandle", PHANDLE_CPU(hart)));

	TRY(fdt_builder_begin_node(b, "interrupt-controller"));
	/* No interrupt-map points here: #address-cells 0 says so (dtc's interrupt_provider check). */
	TRY(fdt_builder_prop_u32(b, "#address-cells", 0));
	TRY(fdt_builder_prop_u32(b, "#interrupt-cells", 1));
	TRY(fdt_builder_prop_empty(b, "interrupt-controller"));
	TRY(compatible(b, intc_compat, 1));
	TRY(fdt_builder_prop_u32(b, "phandle", PHANDLE_INTC(hart)));
	TRY(fdt_builder_end_node(b));
	return fdt_builder_end_node(b);
}

static int add_cpus(struct fdt_builder *b, const struct rv_virt_dtb_params *p, const char *isa_string,
                    const struct rv_virt_isa *isa)
{
	char name[NAME_MAX_LEN];
	TRY(fdt_builder_begin_node(b, "cpus"));
	TRY(fdt_builder_prop_u32(b, "#address-cells", 1));
	TRY(fdt_builder_prop_u32(b, "#size-cells", 0));
	TRY(fdt_builder_prop_u32(b, "timebase-frequency", RV_VIRT_TIMEBASE_HZ));
	for (unsigned h = 0; h < p->nr_harts; h++)
		TRY(add_hart(b, p, isa_string, isa, h));

	/* Topology: one cluster, one core per hart (no SMT), as QEMU's default -smp N. */
	TRY(fdt_builder_begin_node(b, "cpu-map"));
	TRY(fdt_builder_begin_node(b, "cluster0"));
	for (unsigned h = 0; h < p->nr_harts; h++) {
		snprintf(name, sizeof(name), "core%u", h);
		TRY(fdt_builder_begin_node(b, name));
		TRY(fdt_builder_prop_u32(b, "cpu", PHANDLE_CPU(h)));
		TRY(fdt_builder_end_node(b));
	}
	TRY(fdt_builder_end_node(b));
	TRY(fdt_builder_end_node(b));
	return fdt_builder_end_node(b);
}

/* interrupts-extended with, for every hart, its intc followed by each of the given local interrupts. */
static int per_hart_interrupts(struct fdt_builder *b, unsigned nr_harts, const uint32_t *irqs, unsigned n)
{
	uint32_t cells[RV_VIRT_MAX_HARTS * 2 * 2];
	unsigned count = 0;
	for (unsigned h = 0; h < nr_harts; h++) {
		for (unsigned i = 0; i < n; i++) {
			cells[count++] = PHANDLE_INTC(h);
			cells[count++] = irqs[i];
		}
	}
	return fdt_builder_prop_cells(b, "interrupts-extended", cells, count);
}

static int add_clint(struct fdt_builder *b, const struct rv_virt_dtb_params *p)
{
	static const char *const compat[] = {"sifive,clint0", "riscv,clint0"};
	static const uint32_t irqs[] = {INTC_M_SOFTWARE, INTC_M_TIMER};
	TRY(begin_unit_node(b, "clint", RV_VIRT_CLINT_BASE));
	TRY(compatible(b, compat, 2));
	TRY(reg_prop(b, RV_VIRT_CLINT_BASE, RV_VIRT_CLINT_SIZE));
	TRY(per_hart_interrupts(b, p->nr_harts, irqs, 2));
	return fdt_builder_end_node(b);
}

static int add_plic(struct fdt_builder *b, const struct rv_virt_dtb_params *p)
{
	static const char *const compat[] = {"sifive,plic-1.0.0", "riscv,plic0"};
	/* Context 2h is hart h's M-mode context, 2h + 1 its S-mode context. */
	static const uint32_t irqs[] = {INTC_M_EXTERNAL, INTC_S_EXTERNAL};
	TRY(begin_unit_node(b, "plic", RV_VIRT_PLIC_BASE));
	TRY(compatible(b, compat, 2));
	TRY(reg_prop(b, RV_VIRT_PLIC_BASE, RV_VIRT_PLIC_SIZE));
	TRY(fdt_builder_prop_u32(b, "#address-cells", 0));
	TRY(fdt_builder_prop_u32(b, "#interrupt-cells", 1));
	TRY(fdt_builder_prop_empty(b, "interrupt-controller"));
	/* Sources 1..ndev; source 0 means "no interrupt" and is not counted. */
	TRY(fdt_builder_prop_u32(b, "riscv,ndev", RV_VIRT_PLIC_SOURCES - 1));
	TRY(per_hart_interrupts(b, p->nr_harts, irqs, 2));
	TRY(fdt_builder_prop_u32(b, "phandle", PHANDLE_PLIC));
	return fdt_builder_end_node(b);
}

/* A device whose one interrupt goes to the PLIC. */
static int add_plic_device(struct fdt_builder *b, const char *name, const char *compat, uint64_t base,
                           uint64_t size, uint32_t irq)
{
	TRY(begin_unit_node(b, name, base));
	TRY(fdt_builder_prop_string(b, "compatible", compat));
	TRY(reg_prop(b, base, size));
	TRY(fdt_builder_prop_u32(b, "interrupts", irq));
	TRY(fdt_builder_prop_u32(b, "interrupt-parent", PHANDLE_PLIC));
	return fdt_builder_end_node(b);
}

static int add_soc(struct fdt_builder *b, const struct rv_virt_dtb_params *p)
{
	static const char *const bus_compat[] = {"simple-bus"};
	static const char *const test_compat[] = {"sifive,test1", "sifive,test0", "syscon"};
	TRY(fdt_builder_begin_node(b, "soc"));
	TRY(fdt_builder_prop_u32(b, "#address-cells", ROOT_CELLS));
	TRY(fdt_builder_prop_u32(b, "#size-cells", ROOT_CELLS));
	TRY(compatible(b, bus_compat, 1));
	TRY(fdt_builder_prop_empty(b, "ranges")); /* identity: soc addresses are physical addresses */

	TRY(add_clint(b, p));
	TRY(add_plic(b, p));

	TRY(begin_unit_node(b, "serial", RV_VIRT_UART0_BASE));
	TRY(fdt_builder_prop_string(b, "compatible", "ns16550a"));
	TRY(reg_prop(b, RV_VIRT_UART0_BASE, RV_VIRT_UART0_SIZE));
	TRY(fdt_builder_prop_u32(b, "clock-frequency", RV_VIRT_UART_CLOCK));
	TRY(fdt_builder_prop_u32(b, "interrupts", RV_VIRT_UART0_IRQ));
	TRY(fdt_builder_prop_u32(b, "interrupt-parent", PHANDLE_PLIC));
	TRY(fdt_builder_end_node(b));

	TRY(begin_unit_node(b, "test", RV_VIRT_TEST_BASE));
	TRY(compatible(b, test_compat, 3));
	TRY(reg_prop(b, RV_VIRT_TEST_BASE, RV_VIRT_TEST_SIZE));
	TRY(fdt_builder_prop_u32(b, "phandle", PHANDLE_TEST));
	TRY(fdt_builder_end_node(b));

	TRY(add_plic_device(b, "rtc", "google,goldfish-rtc", RV_VIRT_RTC_BASE, RV_VIRT_RTC_SIZE,
	                    RV_VIRT_RTC_IRQ));

	/* Highest slot first (see virt_dtb.h: this order makes the last slot's disk /dev/vda). */
	for (unsigned i = RV_VIRT_VIRTIO_SLOTS; i-- > 0;)
		TRY(add_plic_device(b, "virtio_mmio", "virtio,mmio",
		                    RV_VIRT_VIRTIO_BASE + i * RV_VIRT_VIRTIO_STRIDE, RV_VIRT_VIRTIO_SIZE,
		                    RV_VIRT_VIRTIO_IRQ_BASE + i));
	return fdt_builder_end_node(b);
}

/* syscon-poweroff / syscon-reboot: Linux writes value at offset of the regmap (the test device). */
static int add_syscon_action(struct fdt_builder *b, const char *name, const char *compat, uint32_t value)
{
	TRY(fdt_builder_begin_node(b, name));
	TRY(fdt_builder_prop_string(b, "compatible", compat));
	TRY(fdt_builder_prop_u32(b, "regmap", PHANDLE_TEST));
	TRY(fdt_builder_prop_u32(b, "offset", TEST_REG_FINISHER));
	TRY(fdt_builder_prop_u32(b, "value", value));
	return fdt_builder_end_node(b);
}

static int add_chosen_and_aliases(struct fdt_builder *b, const struct rv_virt_dtb_params *p)
{
	char uart_path[NAME_MAX_LEN];
	snprintf(uart_path, sizeof(uart_path), "/soc/serial@%llx", (unsigned long long)RV_VIRT_UART0_BASE);
	TRY(fdt_builder_begin_node(b, "chosen"));
	if (p->bootargs != NULL)
		TRY(fdt_builder_prop_string(b, "bootargs", p->bootargs));
	TRY(fdt_builder_prop_string(b, "stdout-path", uart_path));
	if (p->initrd_end > p->initrd_start) {
		TRY(fdt_builder_prop_u64(b, "linux,initrd-start", p->initrd_start));
		TRY(fdt_builder_prop_u64(b, "linux,initrd-end", p->initrd_end));
	}
	TRY(fdt_builder_end_node(b));

	TRY(fdt_builder_begin_node(b, "aliases"));
	TRY(fdt_builder_prop_string(b, "serial0", uart_path));
	return fdt_builder_end_node(b);
}

static int build(struct fdt_builder *b, const struct rv_virt_dtb_params *p, const char *isa_string,
                 const struct rv_virt_isa *isa)
{
	static const char *const root_compat[] = {"riscv-virtio"};
	TRY(fdt_builder_begin_node(b, ""));
	TRY(fdt_builder_prop_u32(b, "#address-cells", ROOT_CELLS));
	TRY(fdt_builder_prop_u32(b, "#size-cells", ROOT_CELLS));
	TRY(compatible(b, root_compat, 1));
	TRY(fdt_builder_prop_string(b, "model", p->model != NULL ? p->model : "riscv-virtio,karasu-rv"));

	TRY(add_chosen_and_aliases(b, p));

	TRY(begin_unit_node(b, "memory", RV_VIRT_RAM_BASE));
	TRY(fdt_builder_prop_string(b, "device_type", "memory"));
	TRY(reg_prop(b, RV_VIRT_RAM_BASE, p->ram_size));
	TRY(fdt_builder_end_node(b));

	TRY(add_cpus(b, p, isa_string, isa));
	TRY(add_syscon_action(b, "poweroff", "syscon-poweroff", TEST_FINISHER_PASS));
	TRY(add_syscon_action(b, "reboot", "syscon-reboot", TEST_FINISHER_RESET));
	TRY(add_soc(b, p));
	return fdt_builder_end_node(b);
}

static bool params_valid(const struct rv_virt_dtb_params *p)
{
	if (p->nr_harts == 0 || p->nr_harts > RV_VIRT_MAX_HARTS)
		return false;
	if (p->ram_size == 0 || p->ram_size > UINT64_MAX - RV_VIRT_RAM_BASE + 1)
		return false;
	if (p->mmu != RV_VIRT_MMU_SV39 && p->mmu != RV_VIRT_MMU_SV48)
		return false;
	if (p->initrd_end < p->initrd_start)
		return false;
	if (p->initrd_end > p->initrd_start) {
		uint64_t ram_last = RV_VIRT_RAM_BASE + (p->ram_size - 1);
		if (p->initrd_start < RV_VIRT_RAM_BASE || p->initrd_end - 1 > ram_last)
			return false;
	}
	return true;
}

size_t rv_virt_dtb_size_bound(const struct rv_virt_dtb_params *p)
{
	if (p == NULL)
		return 0;
	size_t isa_len = p->isa != NULL ? strlen(p->isa) : strlen(RV_VIRT_DTB_DEFAULT_ISA);
	/* The parsed name list is never longer than the string plus the "g" expansion and the NULs. */
	size_t per_hart = DTB_PER_HART_BOUND + 2 * (isa_len + 1) + RV_VIRT_ISA_MAX_EXTENSIONS;
	size_t text =
	    (p->bootargs != NULL ? strlen(p->bootargs) : 0) + (p->model != NULL ? strlen(p->model) : 0);
	return DTB_FIXED_PART_BOUND + (size_t)p->nr_harts * per_hart + text + 8;
}

int rv_virt_dtb_build(const struct rv_virt_dtb_params *p, void *buf, size_t cap, size_t *size)
{
	struct rv_virt_isa isa;
	struct fdt_builder b;

	if (p == NULL || buf == NULL || size == NULL || !params_valid(p))
		return FDT_ERR_BADARG;
	const char *isa_string = p->isa != NULL ? p->isa : RV_VIRT_DTB_DEFAULT_ISA;
	TRY(rv_virt_isa_parse(isa_string, &isa));
	TRY(fdt_builder_init(&b, buf, cap));
	TRY(build(&b, p, isa_string, &isa));
	return fdt_builder_finish(&b, size);
}

/* ---- patching a user-supplied blob ---- */

#define PATCH_SLACK 512u /* /chosen's node and the initrd properties, with their names */

struct patch_ctx {
	const char *bootargs; /* NULL: keep the source's */
	bool replace_initrd;
	uint64_t initrd_start, initrd_end;
	int chosen; /* the source's /chosen, or FDT_ERR_NOTFOUND */
};

static bool is_initrd_prop(const char *name)
{
	return strcmp(name, "linux,initrd-start") == 0 || strcmp(name, "linux,initrd-end") == 0;
}

/* The root's child named exactly "chosen": Linux looks up "/chosen" by its full name, so a
 * "chosen@0" would not be it. */
static int find_chosen(const struct fdt *src)
{
	int child;
	for (child = fdt_first_child(src, FDT_ROOT); child >= 0; child = fdt_next_sibling(src, child)) {
		const char *name = fdt_node_name(src, child);
		if (name != NULL && strcmp(name, "chosen") == 0)
			return child;
	}
	return child;
}

static bool patch_keep_prop(void *vctx, const struct fdt *src, int node, const struct fdt_prop *prop)
{
	const struct patch_ctx *ctx = vctx;
	(void)src;
	if (node != ctx->chosen || prop->name == NULL)
		return true;
	if (ctx->bootargs != NULL && strcmp(prop->name, "bootargs") == 0)
		return false;
	return !(ctx->replace_initrd && is_initrd_prop(prop->name));
}

static int write_chosen_props(const struct patch_ctx *ctx, struct fdt_builder *b)
{
	if (ctx->bootargs != NULL)
		TRY(fdt_builder_prop_string(b, "bootargs", ctx->bootargs));
	if (ctx->replace_initrd) {
		TRY(fdt_builder_prop_u64(b, "linux,initrd-start", ctx->initrd_start));
		TRY(fdt_builder_prop_u64(b, "linux,initrd-end", ctx->initrd_end));
	}
	return FDT_OK;
}

static int patch_add_props(void *vctx, struct fdt_builder *b, const struct fdt *src, int node, int depth)
{
	const struct patch_ctx *ctx = vctx;
	(void)src;
	(void)depth;
	return node == ctx->chosen ? write_chosen_props(ctx, b) : FDT_OK;
}

static int patch_add_children(void *vctx, struct fdt_builder *b, const struct fdt *src, int node, int depth)
{
	const struct patch_ctx *ctx = vctx;
	(void)src;
	if (depth != 0 || node != FDT_ROOT || ctx->chosen >= 0)
		return FDT_OK;
	if (ctx->bootargs == NULL && !ctx->replace_initrd)
		return FDT_OK; /* nothing to say: no empty /chosen */
	TRY(fdt_builder_begin_node(b, "chosen"));
	TRY(write_chosen_props(ctx, b));
	return fdt_builder_end_node(b);
}

size_t rv_virt_dtb_patch_size_bound(const void *src, size_t src_size, const char *bootargs)
{
	size_t blob_size = src_size;
	if (src != NULL && src_size >= FDT_HEADER_SIZE && fdt_peek_total_size(src) != 0 &&
	    fdt_peek_total_size(src) < src_size)
		blob_size = fdt_peek_total_size(src);
	return blob_size + (bootargs != NULL ? strlen(bootargs) + 1 : 0) + PATCH_SLACK;
}

int rv_virt_dtb_patch(const void *src, size_t src_size, const char *bootargs, uint64_t initrd_start,
                      uint64_t initrd_end, void *buf, size_t cap, size_t *size)
{
	struct fdt fdt;
	struct fdt_builder b;

	if (src == NULL || buf == NULL || size == NULL || initrd_end < initrd_start)
		return FDT_ERR_BADARG;
	TRY(fdt_open(&fdt, src, src_size));
	/* Every token, name and nesting level up front: the copy then never meets a half-valid tree. */
	TRY(fdt_check_structure(&fdt));

	struct patch_ctx ctx = {
	    .bootargs = bootargs,
	    .replace_initrd = initrd_end > initrd_start,
	    .initrd_start = initrd_start,
	    .initrd_end = initrd_end,
	    .chosen = find_chosen(&fdt),
	};
	if (ctx.chosen < 0 && ctx.chosen != FDT_ERR_NOTFOUND)
		return ctx.chosen;
	const struct fdt_copy_ops ops = {
	    .ctx = &ctx,
	    .keep_prop = patch_keep_prop,
	    .add_props = patch_add_props,
	    .add_children = patch_add_children,
	};
	TRY(fdt_builder_init(&b, buf, cap));
	fdt_builder_set_boot_cpuid(&b, fdt.boot_cpuid);
	TRY(fdt_copy(&fdt, &b, &ops));
	return fdt_builder_finish(&b, size);
}
