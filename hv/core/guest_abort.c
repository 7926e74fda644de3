/* Guest stage-2 aborts (guest_abort.h). */
#include "hv/core/guest_abort.h"

#include "hv/arch/arm64/guest_abort.h"
#include "hv/base/log.h"
#include "hv/core/exits.h"
#include "hv/core/guest_mem.h"
#include "hv/core/partition.h"

#define ABORT_LOG_LIMIT 16u

/* Whether another injected abort may be reported on the console (the first few per vCPU start are; a guest
 * that faults in a loop must not flood the console). */
static bool abort_log_allowed(struct vcpu *v)
{
	if (v->aborts_logged > ABORT_LOG_LIMIT)
		return false;
	if (++v->aborts_logged > ABORT_LOG_LIMIT) {
		hv_guest_log(v, "more than %u aborts injected: not reporting further ones", ABORT_LOG_LIMIT);
		return false;
	}
	return true;
}

static void inject_abort(struct vcpu *v, struct trap_frame *f, uint64_t esr, bool is_data)
{
	if (guest_abort_in_vectors(f))
		/* The abort hit the guest's own exception vectors (e.g. VBAR_EL1 outside its RAM): injecting it
		 * would fault again at once, forever. */
		guest_fault(v, f, "abort inside its own exception vectors", esr);
	guest_inject_external_abort(f, esr, is_data);
}

static enum mmio_result device_access(struct vcpu *v, const struct mmio_binding *d, uint64_t ipa,
                                      unsigned size, bool write, uint64_t *val)
{
	v->stats.mmio++;
	return mmio_binding_access(d, v->index, ipa, size, write, val);
}

/* Reads the 32-bit instruction at the guest's PC through its stage-1 and stage-2 translation. */
static bool fetch_instruction(struct vcpu *v, const struct trap_frame *f, uint32_t *insn)
{
	uint64_t ipa;
	return guest_va_to_ipa(f->elr, &ipa) && partition_read_gpa(v->part, ipa, insn, sizeof(*insn));
}

/* Runs the op's accesses on the device d: one, or two for a pair. */
static bool run_op(struct vcpu *v, struct trap_frame *f, const struct mmio_op *op,
                   const struct mmio_binding *d, uint64_t ipa)
{
	for (unsigned i = 0; i < op->count; i++) {
		uint64_t val = op->write ? mmio_op_store_value(op, f, i) : 0;
		if (device_access(v, d, ipa + i * op->size, op->size, op->write, &val) != MMIO_HANDLED)
			return false;
		if (!op->write)
			mmio_op_load_result(op, f, i, val);
	}
	return true;
}

static void emulate_decoded(struct vcpu *v, struct trap_frame *f, uint64_t esr, const struct mmio_binding *d,
                            uint64_t ipa)
{
	uint32_t insn;
	struct mmio_op op;
	if (!fetch_instruction(v, f, &insn))
		guest_fault(v, f, "MMIO access without syndrome; cannot read the instruction", esr);
	if (!mmio_decode_instruction(insn, &op)) {
		hv_guest_log(v, "instruction %#010x at PC %#llx is not a load/store karasu can emulate", insn,
		             (unsigned long long)f->elr);
		guest_fault(v, f, "MMIO access without syndrome", esr);
	}
	if (!run_op(v, f, &op, d, ipa)) {
		inject_abort(v, f, esr, true);
		return;
	}
	guest_mmio_writeback(&op, f);
	guest_skip_instruction(f, esr);
}

void guest_abort_data(struct vcpu *v, struct trap_frame *f, uint64_t esr, const struct guest_abort_info *a)
{
	uint64_t ipa = a->ipa;
	/* Guest RAM is mapped on first use (ram_scrub.h): this access, or the table walk behind it, runs again. So
	 * does one that faulted while another PE was mapping its block and finds the block mapped now (the block
	 * is marked clean only after its mapping is complete, which may be after this fault was taken). */
	if (ram_scrub_fault(&v->part->scrub, ipa) || guest_mem_ram_mapped(v->part, ipa))
		return;
	const struct mmio_binding *d = mmio_bus_find(&v->part->bus, ipa);
	if (a->table_walk) {
		/* The guest's own page-table walk left its RAM: no device answers table walks. */
		if (abort_log_allowed(v))
			hv_guest_log(v,
			             "stage-1 table walk at IPA %#llx outside its RAM (PC %#llx): external "
			             "abort injected",
			             (unsigned long long)ipa, (unsigned long long)f->elr);
		inject_abort(v, f, esr, true);
		return;
	}
	if (a->cache_maint && d) {
		/* DC CIVAC and friends on an emulated device: nothing is cached there, the operation is a no-op. */
		guest_skip_instruction(f, esr);
		return;
	}
	if (!d) {
		if (abort_log_allowed(v))
			hv_guest_log(
			    v,
			    "%s IPA %#llx outside its memory and devices (PC %#llx): external abort injected",
			    a->write ? "write to" : "read from", (unsigned long long)ipa,
			    (unsigned long long)f->elr);
		inject_abort(v, f, esr, true);
		return;
	}
	if (!a->syndrome_valid) {
		emulate_decoded(v, f, esr, d, ipa);
		return;
	}
	if (!run_op(v, f, &a->op, d, ipa)) {
		if (abort_log_allowed(v))
			hv_guest_log(v, "%s rejected a %u-byte %s at offset %#llx: external abort injected",
			             d->name, a->op.size, a->op.write ? "write" : "read",
			             (unsigned long long)(ipa - d->base));
		inject_abort(v, f, esr, true);
		return;
	}
	guest_skip_instruction(f, esr);
}

void guest_abort_insn(struct vcpu *v, struct trap_frame *f, uint64_t esr, const struct guest_abort_info *a)
{
	uint64_t ipa = a->ipa;
	if (ram_scrub_fault(&v->part->scrub, ipa) || guest_mem_ram_mapped(v->part, ipa))
		return; /* RAM mapped on first use (here or, just now, by another PE): fetch again */
	if (abort_log_allowed(v))
		hv_guest_log(
		    v,
		    "instruction fetch from IPA %#llx outside the guest's RAM (PC %#llx): external abort "
		    "injected",
		    (unsigned long long)ipa, (unsigned long long)f->elr);
	inject_abort(v, f, esr, false);
}
