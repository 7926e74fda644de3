/* EL2 exception entry from C (see traps.h). Exceptions in the hypervisor itself panic; everything from a
 * guest is decoded and passed to core's handlers. */
#include "hv/arch/arm64/traps.h"

#include "hv/arch/arm64/guest_abort.h"
#include "hv/arch/arm64/sysreg.h"
#include "hv/base/log.h"
#include "lib/mem.h"

void trap_el2_fault(struct trap_frame *f);
void trap_el2_irq(struct trap_frame *f);
void trap_lower_sync(struct trap_frame *f);
void trap_lower_irq(struct trap_frame *f);
void trap_lower_serror(struct trap_frame *f);
void trap_lower_aarch32(struct trap_frame *f);

static const struct trap_handlers *handlers;

void traps_set_handlers(const struct trap_handlers *h)
{
	handlers = h;
}

uint64_t traps_current_syndrome(void)
{
	return read_sysreg(esr_el2);
}

static bool is_stage2_abort(uint64_t esr)
{
	unsigned ec = esr_ec(esr);
	return ec == EC_DABT_LOWER || ec == EC_IABT_LOWER;
}

void trap_lower_sync(struct trap_frame *f)
{
	uint64_t esr = read_sysreg(esr_el2);
	struct guest_exit e;
	traps_decode_sync(esr, is_stage2_abort(esr) ? guest_fault_ipa() : 0, &e);
	handlers->guest_exit(f, &e);
}

static void asynchronous_exit(struct trap_frame *f, enum guest_exit_kind kind)
{
	struct guest_exit e;
	k_memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.esr = read_sysreg(esr_el2);
	e.ec = esr_ec(e.esr);
	handlers->guest_exit(f, &e);
}

void trap_lower_irq(struct trap_frame *f)
{
	handlers->guest_irq(f);
}

void trap_lower_serror(struct trap_frame *f)
{
	asynchronous_exit(f, GUEST_EXIT_SERROR);
}

void trap_lower_aarch32(struct trap_frame *f)
{
	asynchronous_exit(f, GUEST_EXIT_AARCH32);
}

void trap_el2_fault(struct trap_frame *f)
{
	hv_panic("exception in the hypervisor: ESR_EL2 %#llx ELR %#llx FAR %#llx SPSR %#llx",
	         (unsigned long long)read_sysreg(esr_el2), (unsigned long long)f->elr,
	         (unsigned long long)read_sysreg(far_el2), (unsigned long long)f->spsr);
}

void trap_el2_irq(struct trap_frame *f)
{
	(void)f;
	handlers->hyp_irq();
}
