#include "hv/core/mmio.h"

#include "hv/arch/arm64/insn_decode.h"
#include "hv/arch/arm64/sysreg.h"
#include "hv/arch/arm64/traps.h"
#include "hv/core/log.h"
#include "hv/core/partition.h"
#include "hv/core/ram_scrub.h"

/* Vector offsets from VBAR_EL1 for a synchronous exception (ARM ARM D1.10.2). */
#define VECTOR_CURRENT_SP0  0x000u
#define VECTOR_CURRENT_SPX  0x200u
#define VECTOR_LOWER_A64    0x400u
#define SPSR_MODE_EL0T      0x0u
#define SPSR_MODE_EL1T      0x4u
#define ESR_EL1_EC_DABT_LOW 0x24u
#define ESR_EL1_EC_DABT_CUR 0x25u
#define ESR_EL1_EC_IABT_LOW 0x20u
#define ESR_EL1_EC_IABT_CUR 0x21u
#define FSC_SYNC_EXTERNAL   0x10u
#define VECTOR_TABLE_SIZE   0x800u
#define ABORT_LOG_LIMIT     16u
#define PAR_F               (1ull << 0)
#define PAR_PA_MASK         0x0000fffffffff000ull

bool guest_abort_log_allowed(struct vcpu *v)
{
	if (v->aborts_logged > ABORT_LOG_LIMIT)
		return false;
	if (++v->aborts_logged > ABORT_LOG_LIMIT) {
		hv_guest_log(v, "more than %u aborts injected: not reporting further ones", ABORT_LOG_LIMIT);
		return false;
	}
	return true;
}

void guest_inject_abort(struct vcpu *v, struct trap_frame *f, uint64_t esr, bool is_data)
{
	unsigned mode = (unsigned)(f->spsr & SPSR_MODE_MASK);
	bool from_el0 = mode == SPSR_MODE_EL0T;
	uint64_t vbar = read_sysreg(vbar_el1);
	if (!from_el0 && f->elr >= vbar && f->elr - vbar < VECTOR_TABLE_SIZE)
		/* The abort hit the guest's own exception vectors (e.g. VBAR_EL1 outside its RAM): injecting it
		 * would fault again at once, forever. */
		guest_fault(v, f, "abort inside its own exception vectors", esr);
	unsigned ec = is_data ? (from_el0 ? ESR_EL1_EC_DABT_LOW : ESR_EL1_EC_DABT_CUR)
	                      : (from_el0 ? ESR_EL1_EC_IABT_LOW : ESR_EL1_EC_IABT_CUR);
	uint64_t iss = FSC_SYNC_EXTERNAL | (is_data ? (esr & DABT_WNR) : 0);
	write_sysreg(esr_el1, ((uint64_t)ec << ESR_EC_SHIFT) | ESR_IL | iss);
	write_sysreg(far_el1, read_sysreg(far_el2));
	write_sysreg(elr_el1, f->elr);
	write_sysreg(spsr_el1, f->spsr);
	uint64_t offset =
	    from_el0 ? VECTOR_LOWER_A64 : (mode == SPSR_MODE_EL1T ? VECTOR_CURRENT_SP0 : VECTOR_CURRENT_SPX);
	f->elr = read_sysreg(vbar_el1) + offset;
	f->spsr = SPSR_EL1H_MASKED;
}

static uint64_t sign_extend(uint64_t v, unsigned bytes)
{
	unsigned shift = 64u - 8u * bytes;
	return (uint64_t)((int64_t)(v << shift) >> shift);
}

static uint64_t size_mask(unsigned bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8u * bytes)) - 1u;
}

static bool device_access(struct vcpu *v, struct mmio_device *d, uint64_t ipa, unsigned size, bool write,
                          uint64_t *val)
{
	v->stats.mmio++;
	uint64_t off = ipa - d->base;
	if (off + size > d->size)
		return false;
	return write ? d->write(v, d->dev, off, size, *val & size_mask(size))
	             : d->read(v, d->dev, off, size, val);
}

/* The guest's SP for register 31 as a base: SP_EL0 or SP_EL1 depending on where the access came from. */
static uint64_t guest_sp(const struct trap_frame *f)
{
	return (f->spsr & SPSR_MODE_MASK) == SPSR_MODE_EL1H ? read_sysreg(sp_el1) : read_sysreg(sp_el0);
}

static void set_guest_sp(const struct trap_frame *f, uint64_t sp)
{
	if ((f->spsr & SPSR_MODE_MASK) == SPSR_MODE_EL1H)
		write_sysreg(sp_el1, sp);
	else
		write_sysreg(sp_el0, sp);
}

/* Reads the 32-bit instruction at the guest's PC through its stage-1 and stage-2 translation. */
static bool fetch_instruction(struct vcpu *v, const struct trap_frame *f, uint32_t *insn)
{
	uint64_t saved_par = read_sysreg(par_el1);
	__asm__ volatile("at s1e1r, %0" ::"r"(f->elr));
	isb();
	uint64_t par = read_sysreg(par_el1);
	write_sysreg(par_el1, saved_par);
	if (par & PAR_F)
		return false;
	uint64_t ipa = (par & PAR_PA_MASK) | (f->elr & PAGE_OFFSET_MASK);
	return partition_read_gpa(v->part, ipa, insn, sizeof(*insn));
}

static void emulate_decoded(struct vcpu *v, struct trap_frame *f, uint64_t esr, struct mmio_device *d,
                            uint64_t ipa)
{
	uint32_t insn;
	struct a64_ldst op;
	if (!fetch_instruction(v, f, &insn))
		guest_fault(v, f, "MMIO access without syndrome; cannot read the instruction", esr);
	if (a64_decode_ldst(insn, &op) != A64_DECODE_OK) {
		hv_guest_log(v, "instruction %#010x at PC %#llx is not a load/store karasu can emulate", insn,
		             (unsigned long long)f->elr);
		guest_fault(v, f, "MMIO access without syndrome", esr);
	}
	unsigned nregs = op.pair ? 2 : 1;
	unsigned regs[2] = {op.rt, op.rt2};
	for (unsigned i = 0; i < nregs; i++) {
		uint64_t val = op.is_write ? a64_ldst_store_value(&op, frame_get_reg(f, regs[i])) : 0;
		if (!device_access(v, d, ipa + i * op.size, op.size, op.is_write, &val)) {
			guest_inject_abort(v, f, esr, true);
			return;
		}
		if (!op.is_write)
			frame_set_reg(f, regs[i], a64_ldst_load_value(&op, val));
	}
	if (a64_ldst_writeback(&op)) {
		uint64_t xn = op.rn == A64_REG_ZR_OR_SP ? guest_sp(f) : f->x[op.rn];
		uint64_t nv = a64_ldst_writeback_value(&op, xn);
		if (op.rn == A64_REG_ZR_OR_SP)
			set_guest_sp(f, nv);
		else
			f->x[op.rn] = nv;
	}
	skip_instruction(f, esr);
}

void mmio_handle_abort(struct vcpu *v, struct trap_frame *f, uint64_t esr)
{
	uint64_t ipa = hpfar_to_ipa_page(read_sysreg(hpfar_el2)) | (read_sysreg(far_el2) & PAGE_OFFSET_MASK);
	/* Guest RAM is mapped on first use (ram_scrub.h): this access, or the table walk behind it, runs again. */
	if (ram_scrub_fault(v->part, ipa))
		return;
	struct mmio_device *d = partition_find_mmio(v->part, ipa);
	if (esr & DABT_S1PTW) {
		/* The guest's own page-table walk left its RAM: no device answers table walks. */
		if (guest_abort_log_allowed(v))
			hv_guest_log(v,
			             "stage-1 table walk at IPA %#llx outside its RAM (PC %#llx): external "
			             "abort injected",
			             (unsigned long long)ipa, (unsigned long long)f->elr);
		guest_inject_abort(v, f, esr, true);
		return;
	}
	if ((esr & DABT_CM) && d) {
		/* DC CIVAC and friends on an emulated device: nothing is cached there, the operation is a no-op. */
		skip_instruction(f, esr);
		return;
	}
	if (!d) {
		if (guest_abort_log_allowed(v))
			hv_guest_log(
			    v,
			    "%s IPA %#llx outside its memory and devices (PC %#llx): external abort injected",
			    (esr & DABT_WNR) ? "write to" : "read from", (unsigned long long)ipa,
			    (unsigned long long)f->elr);
		guest_inject_abort(v, f, esr, true);
		return;
	}
	if (!(esr & DABT_ISV)) {
		emulate_decoded(v, f, esr, d, ipa);
		return;
	}
	unsigned size = 1u << ((esr >> DABT_SAS_SHIFT) & DABT_SAS_MASK);
	unsigned rt = (unsigned)(esr >> DABT_SRT_SHIFT) & DABT_SRT_MASK;
	bool write = (esr & DABT_WNR) != 0;
	uint64_t val = write ? frame_get_reg(f, rt) : 0;
	if (!device_access(v, d, ipa, size, write, &val)) {
		if (guest_abort_log_allowed(v))
			hv_guest_log(v, "%s rejected a %u-byte %s at offset %#llx: external abort injected",
			             d->name, size, write ? "write" : "read",
			             (unsigned long long)(ipa - d->base));
		guest_inject_abort(v, f, esr, true);
		return;
	}
	if (!write) {
		val &= size_mask(size);
		if (esr & DABT_SSE)
			val = sign_extend(val, size);
		if (!(esr & DABT_SF))
			val &= size_mask(4); /* W register: upper half zero */
		frame_set_reg(f, rt, val);
	}
	skip_instruction(f, esr);
}
