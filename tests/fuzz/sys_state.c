/* Loading, capturing, comparing and printing the system-mode fuzzer's state (sys_state.h). */
#include "tests/fuzz/sys_state.h"

#include <inttypes.h>
#include <string.h>

#include "rv/isa/insn.h"
#include "rv/system/priv.h"
#include "rv/system/test_machine.h"
#include "tests/fuzz/sys_layout.h"

static const char *const csr_names[SC_COUNT] = {
    [SC_MSTATUS] = "mstatus",
    [SC_MEDELEG] = "medeleg",
    [SC_MIDELEG] = "mideleg",
    [SC_MIE] = "mie",
    [SC_MIP] = "mip",
    [SC_MTVEC] = "mtvec",
    [SC_STVEC] = "stvec",
    [SC_MEPC] = "mepc",
    [SC_SEPC] = "sepc",
    [SC_MCAUSE] = "mcause",
    [SC_SCAUSE] = "scause",
    [SC_MTVAL] = "mtval",
    [SC_STVAL] = "stval",
    [SC_MSCRATCH] = "mscratch",
    [SC_SSCRATCH] = "sscratch",
    [SC_SATP] = "satp",
    [SC_MCOUNTEREN] = "mcounteren",
    [SC_SCOUNTEREN] = "scounteren",
    [SC_MCOUNTINHIBIT] = "mcountinhibit",
    [SC_MENVCFG] = "menvcfg",
    [SC_SENVCFG] = "senvcfg",
    [SC_STIMECMP] = "stimecmp",
    [SC_MINSTRET] = "minstret",
    [SC_PMPCFG0] = "pmpcfg0",
    [SC_PMPCFG2] = "pmpcfg2",
    [SC_PMPADDR0] = "pmpaddr0",
    [SC_PMPADDR0 + 1] = "pmpaddr1",
    [SC_PMPADDR0 + 2] = "pmpaddr2",
    [SC_PMPADDR0 + 3] = "pmpaddr3",
    [SC_PMPADDR0 + 4] = "pmpaddr4",
    [SC_PMPADDR0 + 5] = "pmpaddr5",
    [SC_PMPADDR0 + 6] = "pmpaddr6",
    [SC_PMPADDR0 + 7] = "pmpaddr7",
    [SC_PMPADDR0 + 8] = "pmpaddr8",
    [SC_PMPADDR0 + 9] = "pmpaddr9",
    [SC_PMPADDR0 + 10] = "pmpaddr10",
    [SC_PMPADDR0 + 11] = "pmpaddr11",
    [SC_PMPADDR0 + 12] = "pmpaddr12",
    [SC_PMPADDR0 + 13] = "pmpaddr13",
    [SC_PMPADDR0 + 14] = "pmpaddr14",
    [SC_PMPADDR0 + 15] = "pmpaddr15",
};

/* ---- the device page: registers that read back what was written ---- */

static uint8_t device_regs[SYS_MMIO_SIZE];

static enum rv_mmio_result device_read(void *ctx, uint64_t off, unsigned size, uint64_t *value)
{
	(void)ctx;
	if (off & (size - 1))
		return RV_MMIO_ERROR; /* misaligned: as many devices, an access fault */
	*value = 0;
	memcpy(value, device_regs + off, size);
	return RV_MMIO_OK;
}

static enum rv_mmio_result device_write(void *ctx, uint64_t off, unsigned size, uint64_t value)
{
	(void)ctx;
	if (off & (size - 1))
		return RV_MMIO_ERROR;
	memcpy(device_regs + off, &value, size);
	return RV_MMIO_OK;
}

bool sys_state_attach_device(struct rv_machine *m)
{
	static const struct rv_mmio_ops ops = {.read = device_read, .write = device_write};
	return rv_bus_add(&m->bus, "fuzz-registers", SYS_MMIO_BASE, SYS_MMIO_SIZE, &ops, NULL) != NULL;
}

void sys_state_load(struct rv_machine *m, const struct sys_image *img)
{
	memcpy(device_regs, img->mmio, SYS_MMIO_SIZE);
	rv_test_machine_reset(m, SYS_RAM_BASE + SYS_CODE_OFF);
	memcpy(m->ram, img->ram, SYS_RAM_SIZE);
	m->tohost = SYS_RAM_BASE + SYS_TOHOST_OFF;
	struct rv_hart *h = &m->harts[0];
	for (unsigned i = 1; i < 32; i++)
		h->cpu.x[i] = img->x[i];
	memcpy(h->cpu.f, img->f, sizeof(h->cpu.f));
	h->cpu.fflags = img->fflags;
	h->cpu.frm = img->frm;
	/* a trap before the program sets these up must reach a handler; plain fields without side effects
	 * (the TLB is empty after reset) */
	h->mtvec = img->mtvec;
	h->stvec = img->stvec;
	h->satp = img->satp;
}

void sys_state_capture(struct rv_machine *m, int stop, struct sys_final *f)
{
	struct rv_hart *h = &m->harts[0];
	f->stop = stop;
	f->exit_code = m->exit_code;
	memcpy(f->x, h->cpu.x, sizeof(f->x));
	memcpy(f->f, h->cpu.f, sizeof(f->f));
	f->pc = h->cpu.pc;
	f->fflags = h->cpu.fflags;
	f->frm = h->cpu.frm;
	f->priv = h->priv;
	f->resv_valid = h->cpu.resv_valid;
	f->resv_addr = h->cpu.resv_valid ? h->cpu.resv_addr : 0;
	f->wfi = h->wfi;
	f->insn_count = h->cpu.insn_count;
	uint64_t *c = f->csr;
	c[SC_MSTATUS] = rv_hart_mstatus(h);
	c[SC_MEDELEG] = h->medeleg;
	c[SC_MIDELEG] = h->mideleg;
	c[SC_MIE] = h->mie;
	c[SC_MIP] = rv_hart_mip(h);
	c[SC_MTVEC] = h->mtvec;
	c[SC_STVEC] = h->stvec;
	c[SC_MEPC] = h->mepc;
	c[SC_SEPC] = h->sepc;
	c[SC_MCAUSE] = h->mcause;
	c[SC_SCAUSE] = h->scause;
	c[SC_MTVAL] = h->mtval;
	c[SC_STVAL] = h->stval;
	c[SC_MSCRATCH] = h->mscratch;
	c[SC_SSCRATCH] = h->sscratch;
	c[SC_SATP] = h->satp;
	c[SC_MCOUNTEREN] = h->mcounteren;
	c[SC_SCOUNTEREN] = h->scounteren;
	c[SC_MCOUNTINHIBIT] = h->mcountinhibit;
	c[SC_MENVCFG] = h->menvcfg;
	c[SC_SENVCFG] = h->senvcfg;
	c[SC_STIMECMP] = h->stimecmp;
	/* what a csrr minstret would read now (csr.c: frozen while inhibited, else counted + offset) */
	c[SC_MINSTRET] =
	    (h->mcountinhibit & COUNTEREN_IR) ? h->minstret_frozen : h->cpu.insn_count + h->minstret_offset;
	c[SC_PMPCFG0] = rv_pmp_read_cfg(h, 0);
	c[SC_PMPCFG2] = rv_pmp_read_cfg(h, 2);
	for (unsigned i = 0; i < 16; i++)
		c[SC_PMPADDR0 + i] = h->pmpaddr[i];
	memcpy(f->ram, m->ram, SYS_RAM_SIZE);
	memcpy(f->mmio, device_regs, SYS_MMIO_SIZE);
}

/* Two mstatus/sstatus values, interpreter's and translator's: equal, or the translator reports FS Dirty
 * where the interpreter has Initial or Clean (the privileged spec, 3.1.6.6, lets an implementation track
 * FS imprecisely; the translator marks it Dirty on entry to a block with FP instructions). */
static bool status_equal(uint64_t interp, uint64_t jit)
{
	if (interp == jit)
		return true;
	unsigned fs_interp = (unsigned)((interp & MSTATUS_FS) >> MSTATUS_FS_SHIFT);
	unsigned fs_jit = (unsigned)((jit & MSTATUS_FS) >> MSTATUS_FS_SHIFT);
	uint64_t fs_sd = MSTATUS_FS | MSTATUS_SD;
	return (fs_interp == FS_INITIAL || fs_interp == FS_CLEAN) && fs_jit == FS_DIRTY &&
	       (interp & ~fs_sd) == (jit & ~fs_sd);
}

static bool is_logged_status(uint64_t off)
{
	uint64_t log = SYS_HDATA_OFF + SYS_H_LOG;
	if (off == SYS_HDATA_OFF + SYS_H_MSTATUS)
		return true;
	return off >= log && off < log + ((uint64_t)SYS_H_LOG_ENTRIES << SYS_H_LOG_SHIFT) &&
	       ((off - log) & ((1u << SYS_H_LOG_SHIFT) - 1)) == SYS_H_LOG_STATUS;
}

static const char *region_of(uint64_t off)
{
	if (off >= SYS_HDATA_OFF && off < SYS_HDATA_OFF + 0x1000)
		return off < SYS_HDATA_OFF + SYS_H_LOG ? "trap count" : "trap log";
	if (off >= SYS_TOHOST_OFF && off < SYS_TOHOST_OFF + 0x1000)
		return "tohost";
	if (off >= SYS_PT_OFF && off < SYS_PT_OFF + SYS_PT_PAGES * 0x1000ull)
		return "page tables";
	if (off >= SYS_PROG_OFF && off < SYS_PROG_OFF + SYS_PROG_SIZE)
		return "program";
	if (off >= SYS_ALT_OFF && off < SYS_ALT_OFF + SYS_PROG_SIZE)
		return "alternative code";
	if (off >= SYS_DATA_OFF && off < SYS_DATA_OFF + SYS_DATA_PAGES * 0x1000ull)
		return "data";
	return "other";
}

static const char *stop_name(int stop)
{
	switch (stop) {
	case -1: return "did not stop (timeout)";
	case RV_MACHINE_POWEROFF: return "finished";
	case RV_MACHINE_RESET: return "reset";
	case RV_MACHINE_ERROR: return "error";
	default: return "running";
	}
}

static bool is_logged_instret(uint64_t off)
{
	uint64_t log = SYS_HDATA_OFF + SYS_H_LOG;
	return off >= log && off < log + ((uint64_t)SYS_H_LOG_ENTRIES << SYS_H_LOG_SHIFT) &&
	       ((off - log) & ((1u << SYS_H_LOG_SHIFT) - 1)) == SYS_H_LOG_INSTRET;
}

int sys_state_compare(const struct sys_final *a, const struct sys_final *b, bool ignore_instret, FILE *out)
{
	int diffs = 0;
#define DIFF(...)                                         \
	do {                                              \
		if (out)                                  \
			fprintf(out, "#   " __VA_ARGS__); \
		diffs++;                                  \
	} while (0)
	if (a->stop != b->stop || a->exit_code != b->exit_code)
		DIFF("run: interp %s (%d), jit %s (%d)\n", stop_name(a->stop), a->exit_code,
		     stop_name(b->stop), b->exit_code);
	if (a->pc != b->pc)
		DIFF("pc: interp %#" PRIx64 ", jit %#" PRIx64 "\n", a->pc, b->pc);
	if (a->priv != b->priv)
		DIFF("privilege: interp %c, jit %c\n", sys_mode_letter(a->priv), sys_mode_letter(b->priv));
	for (int i = 1; i < 32; i++)
		if (a->x[i] != b->x[i])
			DIFF("x%d: interp %016" PRIx64 ", jit %016" PRIx64 "\n", i, a->x[i], b->x[i]);
	for (int i = 0; i < 32; i++)
		if (a->f[i] != b->f[i])
			DIFF("f%d: interp %016" PRIx64 ", jit %016" PRIx64 "\n", i, a->f[i], b->f[i]);
	if (a->fflags != b->fflags || a->frm != b->frm)
		DIFF("fcsr: interp frm %u fflags %#x, jit frm %u fflags %#x\n", a->frm, a->fflags, b->frm,
		     b->fflags);
	for (int i = 0; i < SC_COUNT; i++)
		if (i == SC_MINSTRET && ignore_instret)
			continue;
		else if (i == SC_MSTATUS ? !status_equal(a->csr[i], b->csr[i]) : a->csr[i] != b->csr[i])
			DIFF("%s: interp %016" PRIx64 ", jit %016" PRIx64 "\n", csr_names[i], a->csr[i],
			     b->csr[i]);
	if (a->insn_count != b->insn_count && !ignore_instret)
		DIFF("instructions retired: interp %" PRIu64 ", jit %" PRIu64 "\n", a->insn_count,
		     b->insn_count);
	if (a->resv_valid != b->resv_valid || a->resv_addr != b->resv_addr)
		DIFF("reservation: interp %s %#" PRIx64 ", jit %s %#" PRIx64 "\n",
		     a->resv_valid ? "valid" : "none", a->resv_addr, b->resv_valid ? "valid" : "none",
		     b->resv_addr);
	if (a->wfi != b->wfi)
		DIFF("waiting in wfi: interp %d, jit %d\n", a->wfi, b->wfi);
	int mem = 0;
	for (uint64_t off = 0; off < SYS_RAM_SIZE; off += 8) {
		uint64_t va, vb;
		memcpy(&va, a->ram + off, 8);
		memcpy(&vb, b->ram + off, 8);
		if (va == vb || (is_logged_status(off) && status_equal(va, vb)) ||
		    (ignore_instret && is_logged_instret(off)))
			continue;
		if (++mem <= 24)
			DIFF("memory %#" PRIx64 " (%s): interp %016" PRIx64 ", jit %016" PRIx64 "\n",
			     SYS_RAM_BASE + off, region_of(off), va, vb);
		else
			diffs++;
	}
	for (uint64_t off = 0; off < SYS_MMIO_SIZE; off += 8) {
		uint64_t va, vb;
		memcpy(&va, a->mmio + off, 8);
		memcpy(&vb, b->mmio + off, 8);
		if (va != vb && ++mem <= 24)
			DIFF("device register %#" PRIx64 ": interp %016" PRIx64 ", jit %016" PRIx64 "\n",
			     SYS_MMIO_BASE + off, va, vb);
		else if (va != vb)
			diffs++;
	}
	if (mem > 24 && out)
		fprintf(out, "#   ... and %d more differing memory words\n", mem - 24);
#undef DIFF
	return diffs;
}

static uint64_t rd64(const uint8_t *ram, uint64_t off)
{
	uint64_t v;
	memcpy(&v, ram + off, 8);
	return v;
}

uint64_t sys_state_trap_count(const struct sys_final *f)
{
	return rd64(f->ram, SYS_HDATA_OFF + SYS_H_COUNT);
}

void sys_state_print_log(const struct sys_final *f, FILE *out)
{
	uint64_t n = sys_state_trap_count(f);
	uint64_t first = n > SYS_H_LOG_ENTRIES ? n - SYS_H_LOG_ENTRIES + 1 : 1;
	fprintf(out, "#   %" PRIu64 " traps%s\n", n, n > SYS_H_LOG_ENTRIES ? " (the last ones:)" : ":");
	for (uint64_t t = first; t <= n; t++) {
		uint64_t e = SYS_HDATA_OFF + SYS_H_LOG + ((t & (SYS_H_LOG_ENTRIES - 1)) << SYS_H_LOG_SHIFT);
		uint64_t cause = rd64(f->ram, e + SYS_H_LOG_CAUSE);
		fprintf(out,
		        "#     %3" PRIu64 " %c-handler cause %s%-2" PRIu64 " tval %016" PRIx64
		        " epc %016" PRIx64 " status %016" PRIx64 " instret %" PRIu64 "\n",
		        t, sys_mode_letter((unsigned)rd64(f->ram, e + SYS_H_LOG_MODE)),
		        cause >> 63 ? "irq " : "", cause & 63, rd64(f->ram, e + SYS_H_LOG_TVAL),
		        rd64(f->ram, e + SYS_H_LOG_EPC), rd64(f->ram, e + SYS_H_LOG_STATUS),
		        rd64(f->ram, e + SYS_H_LOG_INSTRET));
	}
}

void sys_state_print_program(const struct sys_program *p, const struct sys_image *img, FILE *out)
{
	static const char *const transitions[] = {"straight on", "jump", "ecall", "xret"};
	uint64_t off = SYS_LIB_OFF;
	fprintf(out, "#   -- library routines\n");
	while (off < img->prog_end) {
		if (off == img->lib_end)
			off = SYS_CODE_OFF;
		for (unsigned i = 0; i <= p->n_segments; i++) {
			if (img->seg_off[i] != off)
				continue;
			if (i == p->n_segments)
				fprintf(out, "#   -- end: ecall to finish\n");
			else
				fprintf(out, "#   -- segment %u in %c-mode (then %s)\n", i,
				        sys_mode_letter(p->seg[i].mode),
				        transitions[p->seg[i].transition & 3]);
		}
		for (unsigned i = 0; i < p->n_segments; i++)
			for (unsigned k = 0; k < p->seg[i].n_items; k++)
				if (img->item_off[i][k] == off)
					fprintf(out, "#   -- item %u.%u: %s\n", i, k,
					        sys_item_name(p->seg[i].item[k].kind));
		uint32_t raw = 0;
		memcpy(&raw, img->ram + off, 4);
		struct rv_insn in;
		int len = rv_decode(raw, &in);
		if (len != 2 && len != 4)
			len = (raw & 3) == 3 ? 4 : 2;
		char text[96];
		rv_disasm(&in, SYS_RAM_BASE + off, text, sizeof(text));
		fprintf(out, "#     %05" PRIx64 ": %0*x  %s\n", off, len * 2, len == 2 ? raw & 0xffff : raw,
		        text);
		off += (uint64_t)len;
	}
}

void sys_state_print_initial(const struct sys_image *img, FILE *out)
{
	for (int i = 0; i < 32; i += 4)
		fprintf(out,
		        "#   x%-2d %016" PRIx64 " x%-2d %016" PRIx64 " x%-2d %016" PRIx64 " x%-2d %016" PRIx64
		        "\n",
		        i, img->x[i], i + 1, img->x[i + 1], i + 2, img->x[i + 2], i + 3, img->x[i + 3]);
	fprintf(out, "#   frm %u fflags %#x mtvec %016" PRIx64 " stvec %016" PRIx64 " satp %016" PRIx64 "\n",
	        img->frm, img->fflags, img->mtvec, img->stvec, img->satp);
}
