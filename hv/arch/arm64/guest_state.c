#include "hv/arch/arm64/guest_state.h"

#include "hv/arch/arm64/pmu.h"
#include "hv/arch/arm64/sysreg.h"

/* EL2 controls while a guest runs: stage 2 on; physical IRQ/FIQ/SError to EL2 (virtual ones to the guest);
 * SMC trapped (guest PSCI over smc); EL1 is AArch64; set/way invalidates upgraded to clean+invalidate (the
 * guest must not throw away lines of memory the hypervisor shares with it). WFI and WFE are not trapped
 * (HCR_EL2.TWI/TWE clear): each vCPU owns its PE, so a waiting guest may as well wait in hardware. No FB/BSU
 * upgrades either: a vCPU never moves to another PE, so its local TLB and barrier operations are exactly as
 * wide as the guest asked for. */
#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_TSC | HCR_RW)

void guest_state_enter_partition(uint64_t vtcr, uint64_t vttbr, uint64_t vmpidr)
{
	write_sysreg(vtcr_el2, vtcr);
	write_sysreg(vttbr_el2, vttbr);
	isb();
	/* This VMID may have run an earlier instance of the guest on this PE. */
	__asm__ volatile("tlbi vmalls12e1\n\tdsb nsh\n\tic iallu\n\tdsb nsh" ::: "memory");
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vmpidr_el2, vmpidr);
	write_sysreg(cptr_el2, CPTR_EL2_RES1);
	write_sysreg(mdcr_el2, read_sysreg(mdcr_el2) | MDCR_TPM);
	write_sysreg(hstr_el2, 0);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(hcr_el2, HCR_GUEST);
	isb();
}

void guest_state_reset_el1(void)
{
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(vbar_el1, 0);
	write_sysreg(tcr_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(cpacr_el1, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(contextidr_el1, 0);
	isb();
}

void guest_state_host_mode(void)
{
	write_sysreg(hcr_el2, HCR_HOST);
	isb();
}
