/* Zicsr in system mode: every CSR this machine implements, with the privileged spec's access rules and
 * WARL behaviour (section 2.1, chapter 3 and 4; Sstc). The interpreter reaches this through
 * struct rv_priv_ops.csr for every CSR instruction; translated code calls the interpreter for them. */
#include <time.h>

#include "rv/interp/interp.h"
#include "rv/system/hart.h"
#include "rv/system/machine.h"

enum csr_result {
	CSR_OK,      /* done */
	CSR_STATE,   /* done; the runtime must re-evaluate mode and interrupts */
	CSR_ILLEGAL, /* no such CSR, or not accessible now */
};

/* ---- mstatus with FS kept in the cpu (the translator and interpreter mark FP state dirty there) ---- */

uint64_t rv_hart_mstatus(const struct rv_hart *h)
{
	unsigned fs = h->cpu.fp_disabled ? FS_OFF : h->cpu.fp_dirty ? FS_DIRTY : h->fs_clean;
	uint64_t v = h->mstatus | ((uint64_t)fs << MSTATUS_FS_SHIFT) | (MXL_64 << MSTATUS_UXL_SHIFT) |
	             (MXL_64 << MSTATUS_SXL_SHIFT);
	if (fs == FS_DIRTY)
		v |= MSTATUS_SD;
	return v;
}

static void set_fs(struct rv_hart *h, unsigned fs)
{
	h->cpu.fp_disabled = fs == FS_OFF;
	h->cpu.fp_dirty = fs == FS_DIRTY;
	if (fs == FS_INITIAL || fs == FS_CLEAN)
		h->fs_clean = fs;
}

#define MSTATUS_WRITABLE                                                                       \
	(MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | \
	 MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
#define SSTATUS_VISIBLE                                                                                  \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | \
	 MSTATUS_SUM | MSTATUS_MXR | (3ull << MSTATUS_UXL_SHIFT) | MSTATUS_SD)

/* After a write that may have enabled or raised an interrupt: the runtime must look at the hart only if
 * one can be taken now (one that becomes pending later kicks the hart). A kernel enables interrupts
 * all the time with nothing pending; leaving translated code each time would cost more than the rest. */
static enum csr_result interrupts_changed(const struct rv_hart *h)
{
	return rv_trap_pending_interrupt(h) ? CSR_STATE : CSR_OK;
}

/* Applies a new mstatus (already masked to the writable bits, FS separate), with the side effects on the
 * TLB that MXR has. Returns whether the runtime must look at the hart again: interrupts may have been
 * enabled, or FP turned on or off (translated code differs). A change of SUM, MPRV or MPP only switches
 * the data TLB (cpu.dtlb), which translated code reloads after every CSR instruction. */
static enum csr_result write_mstatus(struct rv_hart *h, uint64_t value, uint64_t writable, unsigned fs)
{
	bool fp_was_off = h->cpu.fp_disabled;
	uint64_t old = h->mstatus;
	uint64_t next = (old & ~writable) | (value & writable);
	/* MPP is WARL: the reserved encoding 2 keeps the old value */
	if (((next & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
		next = (next & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
	h->mstatus = next;
	set_fs(h, fs);
	if ((old ^ next) & MSTATUS_MXR)
		rv_mmu_flush_guest(h); /* execute-only pages become readable or stop being so */
	rv_hart_update_mode(h);
	bool enabled = ((next & ~old) & (MSTATUS_SIE | MSTATUS_MIE)) != 0;
	if (h->cpu.fp_disabled != fp_was_off)
		return CSR_STATE;
	return enabled ? interrupts_changed(h) : CSR_OK;
}

/* ---- counters ---- */

/* Host nanoseconds since the machine started: cycle and instret count them (there is no cycle-exact
 * model; QEMU without icount does the same with host ticks). */
static uint64_t counter_base(const struct rv_hart *h)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec - h->machine->boot_ns;
}

uint64_t rv_hart_time(const struct rv_hart *h)
{
	return rv_machine_time(h->machine);
}

static uint64_t read_mcycle(const struct rv_hart *h)
{
	if (h->mcountinhibit & COUNTEREN_CY)
		return h->mcycle_frozen;
	return counter_base(h) + h->mcycle_offset;
}

/* instret counts retired instructions: cpu.insn_count, which both engines keep exact whenever a CSR
 * instruction runs (it then holds the instructions retired before it). */
static uint64_t read_minstret(const struct rv_hart *h)
{
	if (h->mcountinhibit & COUNTEREN_IR)
		return h->minstret_frozen;
	return h->cpu.insn_count + h->minstret_offset;
}

static void write_mcycle(struct rv_hart *h, uint64_t v)
{
	h->mcycle_frozen = v;
	h->mcycle_offset = v - counter_base(h);
}

static void write_minstret(struct rv_hart *h, uint64_t v)
{
	/* the next instruction reads v: the writing instruction itself retires before it (section 3.1.10) */
	h->minstret_frozen = v;
	h->minstret_offset = v - (h->cpu.insn_count + 1);
}

static void write_mcountinhibit(struct rv_hart *h, uint64_t v)
{
	uint32_t next = (uint32_t)v & ~COUNTEREN_TM; /* time cannot be inhibited */
	if ((next ^ h->mcountinhibit) & COUNTEREN_CY) {
		if (next & COUNTEREN_CY)
			h->mcycle_frozen = read_mcycle(h);
		else
			h->mcycle_offset = h->mcycle_frozen - counter_base(h);
	}
	if ((next ^ h->mcountinhibit) & COUNTEREN_IR) {
		if (next & COUNTEREN_IR)
			h->minstret_frozen = read_minstret(h);
		else
			h->minstret_offset = h->minstret_frozen - (h->cpu.insn_count + 1);
	}
	h->mcountinhibit = next;
}

/* May the current privilege read user counter csr (cycle/time/instret/hpmcounterN)? */
static bool counter_allowed(const struct rv_hart *h, unsigned csr)
{
	uint32_t bit = 1u << (csr - CSR_CYCLE);
	if (h->priv == RV_PRIV_M)
		return true;
	if (!(h->mcounteren & bit))
		return false;
	return h->priv == RV_PRIV_S || (h->scounteren & bit);
}

/* ---- access ---- */

static enum csr_result csr_read(struct rv_hart *h, unsigned csr, uint64_t *v)
{
	struct rv_cpu *cpu = &h->cpu;
	if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
		if (csr & 1)
			return CSR_ILLEGAL; /* RV64: only the even pmpcfg registers exist */
		*v = rv_pmp_read_cfg(h, csr - CSR_PMPCFG0);
		return CSR_OK;
	}
	if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
		unsigned i = csr - CSR_PMPADDR0;
		*v = i < PMP_ENTRIES ? h->pmpaddr[i] : 0;
		return CSR_OK;
	}
	if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
	    (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
		*v = 0; /* no performance events: hardwired zero */
		return CSR_OK;
	}
	if (csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31) {
		if (!counter_allowed(h, csr))
			return CSR_ILLEGAL;
		*v = csr == CSR_CYCLE     ? read_mcycle(h)
		     : csr == CSR_TIME    ? rv_hart_time(h)
		     : csr == CSR_INSTRET ? read_minstret(h)
		                          : 0;
		return CSR_OK;
	}
	switch (csr) {
	case CSR_FFLAGS:
	case CSR_FRM:
	case CSR_FCSR:
		if (cpu->fp_disabled)
			return CSR_ILLEGAL;
		*v = csr == CSR_FFLAGS ? cpu->fflags
		     : csr == CSR_FRM  ? cpu->frm
		                       : (cpu->frm << 5) | cpu->fflags;
		return CSR_OK;
	case CSR_SSTATUS: *v = rv_hart_mstatus(h) & SSTATUS_VISIBLE; return CSR_OK;
	case CSR_SIE: *v = h->mie & h->mideleg; return CSR_OK;
	case CSR_STVEC: *v = h->stvec; return CSR_OK;
	case CSR_SCOUNTEREN: *v = h->scounteren; return CSR_OK;
	case CSR_SENVCFG: *v = h->senvcfg; return CSR_OK;
	case CSR_SSCRATCH: *v = h->sscratch; return CSR_OK;
	case CSR_SEPC: *v = h->sepc; return CSR_OK;
	case CSR_SCAUSE: *v = h->scause; return CSR_OK;
	case CSR_STVAL: *v = h->stval; return CSR_OK;
	case CSR_SIP: *v = rv_hart_mip(h) & h->mideleg; return CSR_OK;
	case CSR_STIMECMP:
		if (h->priv == RV_PRIV_S && (!(h->menvcfg & ENVCFG_STCE) || !(h->mcounteren & COUNTEREN_TM)))
			return CSR_ILLEGAL;
		*v = h->stimecmp;
		return CSR_OK;
	case CSR_SATP:
		if (h->priv == RV_PRIV_S && (h->mstatus & MSTATUS_TVM))
			return CSR_ILLEGAL;
		*v = h->satp;
		return CSR_OK;
	case CSR_MSTATUS: *v = rv_hart_mstatus(h); return CSR_OK;
	case CSR_MISA: *v = MISA_VALUE; return CSR_OK;
	case CSR_MEDELEG: *v = h->medeleg; return CSR_OK;
	case CSR_MIDELEG: *v = h->mideleg; return CSR_OK;
	case CSR_MIE: *v = h->mie; return CSR_OK;
	case CSR_MTVEC: *v = h->mtvec; return CSR_OK;
	case CSR_MCOUNTEREN: *v = h->mcounteren; return CSR_OK;
	case CSR_MENVCFG: *v = h->menvcfg; return CSR_OK;
	case CSR_MCOUNTINHIBIT: *v = h->mcountinhibit; return CSR_OK;
	case CSR_MSCRATCH: *v = h->mscratch; return CSR_OK;
	case CSR_MEPC: *v = h->mepc; return CSR_OK;
	case CSR_MCAUSE: *v = h->mcause; return CSR_OK;
	case CSR_MTVAL: *v = h->mtval; return CSR_OK;
	case CSR_MIP: *v = rv_hart_mip(h); return CSR_OK;
	case CSR_MCYCLE: *v = read_mcycle(h); return CSR_OK;
	case CSR_MINSTRET: *v = read_minstret(h); return CSR_OK;
	case CSR_MVENDORID:
	case CSR_MARCHID:
	case CSR_MIMPID:
	case CSR_MCONFIGPTR: *v = 0; return CSR_OK;
	case CSR_MHARTID: *v = h->id; return CSR_OK;
	case CSR_TSELECT:
	case CSR_TDATA1:
	case CSR_TDATA2:
	case CSR_TDATA3: *v = 0; return CSR_OK; /* tdata1 type 0: no trigger at this index */
	default: return CSR_ILLEGAL;
	}
}

/* Replaces the writable bits of mip_sw. Other threads set bits in it meanwhile (IPIs, SINTs): a
 * compare-and-swap keeps their updates. */
static void write_mip_sw(struct rv_hart *h, uint64_t writable, uint64_t v)
{
	uint64_t old = __atomic_load_n(&h->mip_sw, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&h->mip_sw, &old, (old & ~writable) | (v & writable), false,
	                                    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		;
}

static enum csr_result csr_write(struct rv_hart *h, unsigned csr, uint64_t v)
{
	struct rv_cpu *cpu = &h->cpu;
	if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
		if (rv_pmp_write_cfg(h, csr - CSR_PMPCFG0, v))
			rv_mmu_flush_all(h);
		return CSR_STATE;
	}
	if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
		unsigned i = csr - CSR_PMPADDR0;
		if (i < PMP_ENTRIES && rv_pmp_write_addr(h, i, v))
			rv_mmu_flush_all(h);
		return CSR_STATE;
	}
	if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
	    (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31))
		return CSR_OK;
	switch (csr) {
	case CSR_FFLAGS:
	case CSR_FRM:
	case CSR_FCSR:
		if (csr == CSR_FFLAGS || csr == CSR_FCSR)
			cpu->fflags = (uint32_t)v & RV_FFLAGS_MASK;
		if (csr == CSR_FRM)
			cpu->frm = v & 7;
		if (csr == CSR_FCSR)
			cpu->frm = (v >> 5) & 7;
		cpu->fp_dirty = 1;
		return CSR_OK;
	case CSR_SSTATUS:
		return write_mstatus(h, v, SSTATUS_WRITABLE,
		                     (unsigned)((v & MSTATUS_FS) >> MSTATUS_FS_SHIFT));
	case CSR_SIE: h->mie = (h->mie & ~h->mideleg) | (v & h->mideleg); return interrupts_changed(h);
	case CSR_STVEC:
		if ((v & TVEC_MODE_MASK) <= TVEC_MODE_VECTOR)
			h->stvec = v;
		return CSR_OK;
	case CSR_SCOUNTEREN: h->scounteren = (uint32_t)v; return CSR_OK;
	case CSR_SENVCFG: h->senvcfg = v & ENVCFG_FIOM; return CSR_OK;
	case CSR_SSCRATCH: h->sscratch = v; return CSR_OK;
	case CSR_SEPC: h->sepc = v & ~1ull; return CSR_OK;
	case CSR_SCAUSE: h->scause = v; return CSR_OK;
	case CSR_STVAL: h->stval = v; return CSR_OK;
	case CSR_SIP:
		write_mip_sw(h, (MIP_SSIP | MIP_LOCAL_MASK) & h->mideleg, v);
		return interrupts_changed(h);
	case CSR_STIMECMP:
		__atomic_store_n(&h->stimecmp, v, __ATOMIC_RELEASE); /* the timer service reads it */
		rv_hart_stimecmp_changed(h);
		return interrupts_changed(h);
	case CSR_SATP: {
		uint64_t mode = v >> SATP_MODE_SHIFT;
		if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48)
			return CSR_OK; /* an unsupported mode: the whole write has no effect */
		/* no ASID bits are implemented (ASIDLEN = 0): they read as zero */
		uint64_t next = mode == SATP_MODE_BARE ? 0 : (mode << SATP_MODE_SHIFT) | (v & SATP_PPN_MASK);
		if (next != h->satp) {
			h->satp = next;
			rv_mmu_flush_guest(h);
		}
		return CSR_STATE;
	}
	case CSR_MSTATUS:
		return write_mstatus(h, v, MSTATUS_WRITABLE,
		                     (unsigned)((v & MSTATUS_FS) >> MSTATUS_FS_SHIFT));
	case CSR_MISA: return CSR_OK; /* WARL: the extensions cannot be turned off */
	case CSR_TSELECT:
	case CSR_TDATA1:
	case CSR_TDATA2:
	case CSR_TDATA3: return CSR_OK; /* no triggers: tselect stays 0, tdata1 type 0 */
	case CSR_MEDELEG: h->medeleg = v & MEDELEG_MASK; return CSR_OK;
	case CSR_MIDELEG: h->mideleg = v & MIP_DELEGABLE; return interrupts_changed(h);
	case CSR_MIE: h->mie = v & MIP_ALL; return interrupts_changed(h);
	case CSR_MTVEC:
		if ((v & TVEC_MODE_MASK) <= TVEC_MODE_VECTOR)
			h->mtvec = v;
		return CSR_OK;
	case CSR_MCOUNTEREN: h->mcounteren = (uint32_t)v; return CSR_OK;
	case CSR_MENVCFG:
		__atomic_store_n(&h->menvcfg, v & (ENVCFG_FIOM | ENVCFG_STCE), __ATOMIC_RELEASE);
		rv_hart_stimecmp_changed(h); /* STCE decides who drives STIP */
		return interrupts_changed(h);
	case CSR_MCOUNTINHIBIT: write_mcountinhibit(h, v); return CSR_OK;
	case CSR_MSCRATCH: h->mscratch = v; return CSR_OK;
	case CSR_MEPC: h->mepc = v & ~1ull; return CSR_OK;
	case CSR_MCAUSE: h->mcause = v; return CSR_OK;
	case CSR_MTVAL: h->mtval = v; return CSR_OK;
	case CSR_MIP: {
		uint64_t writable =
		    MIP_SSIP | MIP_SEIP | MIP_LOCAL_MASK | ((h->menvcfg & ENVCFG_STCE) ? 0 : MIP_STIP);
		write_mip_sw(h, writable, v);
		return interrupts_changed(h);
	}
	case CSR_MCYCLE: write_mcycle(h, v); return CSR_OK;
	case CSR_MINSTRET: write_minstret(h, v); return CSR_OK;
	default: return CSR_ILLEGAL; /* read-only or absent */
	}
}

/* The value a csrrs/csrrc modifies. mip reads SEIP as the software bit ORed with the PLIC's line, but
 * only the software bit takes part in the read-modify-write (privileged spec, mip): otherwise M-mode
 * code that sets or clears another bit while the PLIC asserts SEIP would latch SEIP on for good. */
static uint64_t rmw_base(struct rv_hart *h, unsigned csr, uint64_t old)
{
	if (csr != CSR_MIP)
		return old;
	uint64_t sw = __atomic_load_n(&h->mip_sw, __ATOMIC_RELAXED);
	return (old & ~MIP_SEIP) | (sw & MIP_SEIP);
}

enum rv_exit rv_csr_insn(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc)
{
	struct rv_hart *h = rv_hart_of(cpu);
	unsigned csr = in->csr;
	bool immediate = in->op == RV_OP_CSRRWI || in->op == RV_OP_CSRRSI || in->op == RV_OP_CSRRCI;
	bool is_write = in->op == RV_OP_CSRRW || in->op == RV_OP_CSRRWI;
	uint64_t src = immediate ? (uint64_t)in->imm : cpu->x[in->rs1];
	/* csrrs/csrrc with x0 or a zero immediate do not write (and may read read-only CSRs) */
	bool writes = is_write || (immediate ? in->imm != 0 : in->rs1 != 0);

	if (h->priv < CSR_PRIV(csr) || (writes && CSR_READ_ONLY(csr)))
		return RV_EXIT_ILLEGAL;
	uint64_t old = 0;
	if (csr_read(h, csr, &old) == CSR_ILLEGAL)
		return RV_EXIT_ILLEGAL;
	enum csr_result r = CSR_OK;
	if (writes) {
		uint64_t base = rmw_base(h, csr, old);
		uint64_t next = is_write                                            ? src
		                : (in->op == RV_OP_CSRRS || in->op == RV_OP_CSRRSI) ? base | src
		                                                                    : base & ~src;
		r = csr_write(h, csr, next);
		if (r == CSR_ILLEGAL)
			return RV_EXIT_ILLEGAL;
	}
	rv_set_x(cpu, in->rd, old);
	if (r == CSR_STATE) {
		cpu->pc = pc + in->len;
		return RV_EXIT_STATE;
	}
	return RV_EXIT_NONE;
}
