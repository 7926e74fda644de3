#include "hv/arch/arm64/guest_abort.h"

#include "hv/arch/arm64/sysreg.h"

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
#define PAR_F               (1ull << 0)
#define PAR_PA_MASK         0x0000fffffffff000ull

uint64_t guest_fault_ipa(void)
{
	return hpfar_to_ipa_page(read_sysreg(hpfar_el2)) | (read_sysreg(far_el2) & PAGE_OFFSET_MASK);
}

uint64_t guest_fault_va(void)
{
	return read_sysreg(far_el2);
}

void guest_skip_instruction(struct trap_frame *f, uint64_t esr)
{
	f->elr += (esr & ESR_IL) ? 4 : 2;
}

bool guest_va_to_ipa(uint64_t va, uint64_t *ipa)
{
	uint64_t saved_par = read_sysreg(par_el1);
	__asm__ volatile("at s1e1r, %0" ::"r"(va));
	isb();
	uint64_t par = read_sysreg(par_el1);
	write_sysreg(par_el1, saved_par);
	if (par & PAR_F)
		return false;
	*ipa = (par & PAR_PA_MASK) | (va & PAGE_OFFSET_MASK);
	return true;
}

bool guest_abort_in_vectors(const struct trap_frame *f)
{
	unsigned mode = (unsigned)(f->spsr & SPSR_MODE_MASK);
	uint64_t vbar = read_sysreg(vbar_el1);
	return mode != SPSR_MODE_EL0T && f->elr >= vbar && f->elr - vbar < VECTOR_TABLE_SIZE;
}

void guest_inject_external_abort(struct trap_frame *f, uint64_t esr, bool is_data)
{
	unsigned mode = (unsigned)(f->spsr & SPSR_MODE_MASK);
	bool from_el0 = mode == SPSR_MODE_EL0T;
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

void guest_mmio_writeback(const struct mmio_op *op, struct trap_frame *f)
{
	unsigned rn;
	if (!mmio_op_base_register(op, &rn))
		return;
	uint64_t old = rn == A64_REG_ZR_OR_SP ? guest_sp(f) : f->x[rn];
	uint64_t nv = mmio_op_base_value(op, old);
	if (rn == A64_REG_ZR_OR_SP)
		set_guest_sp(f, nv);
	else
		f->x[rn] = nv;
}
