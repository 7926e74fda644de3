/* Exceptions taken to EL2, decoded. vectors.S calls the trap_* entry points in traps.c with the saved frame;
 * they read the syndrome, decode it into a struct guest_exit (the kind of exit and, for data aborts and
 * system-register traps, the access in decoded form) and hand it to the handlers core registered. Arch code
 * decodes; what to do with an exit is core's decision (hv/core/exits.c). */
#ifndef KARASU_HV_ARCH_ARM64_TRAPS_H
#define KARASU_HV_ARCH_ARM64_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch/arm64/frame.h"
#include "hv/arch/arm64/mmio_decode.h"

enum guest_exit_kind {
	GUEST_EXIT_UNKNOWN = 0, /* an EC karasu does not handle */
	GUEST_EXIT_WFX,
	GUEST_EXIT_HVC,
	GUEST_EXIT_SMC,
	GUEST_EXIT_SYSREG,
	GUEST_EXIT_DATA_ABORT,
	GUEST_EXIT_INSN_ABORT,
	GUEST_EXIT_SERROR,
	GUEST_EXIT_AARCH32,
	GUEST_EXIT_KINDS,
};

/* A trapped MSR/MRS (EC 0x18). */
struct sysreg_access {
	uint32_t id; /* op0/op1/CRn/CRm/op2 as in the syndrome (SYSREG_ISS_ID) */
	unsigned rt; /* the general-purpose register (31 = XZR) */
	bool read;   /* MRS */
};

/* A stage-2 abort (EC 0x24 / 0x20). */
struct guest_abort_info {
	uint64_t ipa;
	bool write;
	bool table_walk;     /* S1PTW: the guest's own stage-1 walk faulted */
	bool cache_maint;    /* CM: DC/IC by VA */
	bool syndrome_valid; /* ISV = 1: op holds the access */
	struct mmio_op op;
};

struct guest_exit {
	enum guest_exit_kind kind;
	bool synchronous; /* a synchronous exit counted per EC (not SError or AArch32) */
	unsigned ec;      /* ESR_EL2.EC, for statistics */
	uint64_t esr;     /* the whole syndrome, for messages and instruction skipping */
	uint16_t imm;     /* HVC/SMC immediate */
	struct sysreg_access sysreg;
	struct guest_abort_info abort;
};

/* What core does with exceptions. Set once on the boot PE before any PE can take one. */
struct trap_handlers {
	void (*guest_exit)(struct trap_frame *f, const struct guest_exit *e);
	/* A physical interrupt while a guest ran / while the hypervisor itself ran (the idle loop). */
	void (*guest_irq)(struct trap_frame *f);
	void (*hyp_irq)(void);
};

void traps_set_handlers(const struct trap_handlers *h);
/* ESR_EL2 of the exception being handled (for messages). */
uint64_t traps_current_syndrome(void);

/* Decodes a synchronous exit's syndrome (and, for a stage-2 abort, the fault address given). Pure (exit_decode.c): used by
 * traps.c with ESR_EL2 and HPFAR/FAR, and by unit tests. */
void traps_decode_sync(uint64_t esr, uint64_t fault_ipa, struct guest_exit *e);

#endif
