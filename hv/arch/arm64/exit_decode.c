/* Decoding a guest's synchronous exit from its syndrome (traps.h). Pure, so unit tests run it on the host. */
#include "hv/arch/arm64/esr.h"
#include "hv/arch/arm64/traps.h"
#include "lib/mem.h"

void traps_decode_sync(uint64_t esr, uint64_t fault_ipa, struct guest_exit *e)
{
	k_memset(e, 0, sizeof(*e));
	e->esr = esr;
	e->ec = esr_ec(esr);
	e->synchronous = true;
	switch (e->ec) {
	case EC_WFX: e->kind = GUEST_EXIT_WFX; break;
	case EC_HVC64:
	case EC_SMC64:
		e->kind = e->ec == EC_HVC64 ? GUEST_EXIT_HVC : GUEST_EXIT_SMC;
		e->imm = (uint16_t)(esr & ESR_ISS_IMM16_MASK);
		break;
	case EC_SYSREG: {
		uint32_t iss = (uint32_t)(esr & ESR_ISS_MASK);
		e->kind = GUEST_EXIT_SYSREG;
		e->sysreg.id = iss & SYSREG_ISS_ID_MASK;
		e->sysreg.rt = (iss >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK;
		e->sysreg.read = (iss & SYSREG_ISS_DIR_READ) != 0;
		break;
	}
	case EC_DABT_LOWER:
		e->kind = GUEST_EXIT_DATA_ABORT;
		e->abort.ipa = fault_ipa;
		e->abort.write = (esr & DABT_WNR) != 0;
		e->abort.table_walk = (esr & DABT_S1PTW) != 0;
		e->abort.cache_maint = (esr & DABT_CM) != 0;
		e->abort.syndrome_valid = mmio_decode_syndrome(esr, &e->abort.op);
		break;
	case EC_IABT_LOWER:
		e->kind = GUEST_EXIT_INSN_ABORT;
		e->abort.ipa = fault_ipa;
		break;
	default: e->kind = GUEST_EXIT_UNKNOWN; break;
	}
}
