/* hvtest drops to U-mode (umode.S) for a few instructions (the RISC-V counterpart of arm64's EL0 group). An
 * ECALL from U-mode is an environment call to S-mode, never to the SBI (SBI specification; docs/abi.md: "A
 * user-mode ECALL never reaches SBI"): with karasu's hypercall EID, an SRST shutdown or an HSM hart_start it
 * must arrive in S-mode with scause 8 and every argument register as U-mode set it, and nothing may happen
 * (the machine runs on, the other hart stays stopped). A load outside the guest's memory from U-mode is a
 * load access fault from U-mode; S-mode CSRs and SRET are illegal in U-mode; an MMIO load from U-mode is
 * emulated like one from S-mode. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/mem.h"

#define UMODE_STACK_SIZE 1024u
#define UNTOUCHED        0x5a5a5a5a5a5a5a5aull
#define UNMAPPED         0x00200000ull
#define PLIC_PRIORITY    0x0u /* source n's priority at base + 4n */
#define SPARE_SOURCE     40u  /* no device of the machine uses it */
#define TEST_PRIORITY    3u
#define NREGS            8u /* a0..a7 */

void umode_ecall(void);
void umode_load(void);
void umode_load32(void);
void umode_csr_sstatus(void);
void umode_sret(void);

static uint8_t umode_stack[UMODE_STACK_SIZE] __attribute__((aligned(16)));

static uint64_t stack_top(void)
{
	return (uintptr_t)umode_stack + UMODE_STACK_SIZE;
}

/* ECALL from U-mode with a0..a7 = in: true if it trapped to S-mode as an environment call from U-mode with
 * a0/a6/a7 as set, and U-mode saw all eight registers unchanged afterwards. */
static bool ecall_stays_in_guest(const uint64_t in[NREGS], uint64_t outr[NREGS])
{
	static uint64_t in_copy[NREGS], result[NREGS];
	k_memcpy(in_copy, in, sizeof(in_copy));
	for (unsigned i = 0; i < NREGS; i++)
		result[i] = UNTOUCHED;
	expect_fault_begin();
	hvtest_run_umode(umode_ecall, stack_top(), (uintptr_t)in_copy, result);
	expect_fault_end();
	k_memcpy(outr, result, sizeof(result));
	bool same = k_memcmp(result, in, sizeof(result)) == 0;
	return same && last_fault.taken && last_fault.scause == CAUSE_ECALL_U && last_fault.from_user &&
	       last_fault.a0 == in[0] && last_fault.a6 == in[6] && last_fault.a7 == in[7];
}

static void check_ecall(const char *what, const uint64_t in[NREGS])
{
	uint64_t outr[NREGS];
	bool ok = ecall_stays_in_guest(in, outr);
	check(ok, what, "trap %s (scause %#llx, from U %d, a7 %#llx); a0 afterwards %#llx (want %#llx)",
	      last_fault.taken ? "taken" : "not taken", (unsigned long long)last_fault.scause,
	      last_fault.from_user, (unsigned long long)last_fault.a7, (unsigned long long)outr[0],
	      (unsigned long long)in[0]);
}

static void ecalls(void)
{
	const uint64_t hypercall_regs[NREGS] = {hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0),
	                                        0,
	                                        (uintptr_t)page_out,
	                                        3,
	                                        4,
	                                        5,
	                                        HV_SBI_FID_HYPERCALL,
	                                        HV_SBI_EXT_KARASU};
	k_memset(page_out, 0xa5, 8);
	check_ecall(
	    "ECALL from U-mode with karasu's EID (GetPartitionId) -> environment call taken in S-mode, "
	    "a0..a7 untouched",
	    hypercall_regs);
	uint64_t out0;
	k_memcpy(&out0, page_out, sizeof(out0));
	check(out0 == 0xa5a5a5a5a5a5a5a5ull, "... and the hypercall did not run (output page unwritten)",
	      "output %#llx", (unsigned long long)out0);

	const uint64_t srst_regs[NREGS] = {SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE, 0, 0, 0, 0,
	                                   SBI_SRST_RESET,    SBI_EXT_SRST};
	check_ecall("ECALL from U-mode with SBI SRST shutdown -> taken in S-mode, the machine runs on",
	            srst_regs);

	if (plat.ncpus >= 2) {
		uint64_t other = plat.cpu_id[plat.cpu_id[0] == hvtest_boot_hart ? 1 : 0];
		const uint64_t hsm_regs[NREGS] = {
		    other, (uintptr_t)hvtest_secondary_entry, 0, 0, 0, 0, SBI_HSM_HART_START, SBI_EXT_HSM};
		check_ecall("ECALL from U-mode with SBI HSM hart_start -> taken in S-mode", hsm_regs);
		struct sbiret st = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, other, 0, 0, 0);
		check(st.error == SBI_SUCCESS && st.value == SBI_HSM_STOPPED,
		      "... and the second hart stays STOPPED", "error %lld, status %llu", (long long)st.error,
		      (unsigned long long)st.value);
	}
}

static void faults(void)
{
	uint64_t result = 0;
	expect_fault_begin();
	hvtest_run_umode(umode_load, stack_top(), UNMAPPED, &result);
	expect_fault_end();
	check(
	    last_fault.taken && last_fault.from_user && last_fault.scause == CAUSE_LOAD_FAULT &&
	        last_fault.stval == UNMAPPED && result == UNTOUCHED,
	    "load from an unmapped physical address in U-mode -> load access fault from U-mode, stval = the "
	    "address",
	    "%s (scause %#llx, from U %d, stval %#llx)", last_fault.taken ? "taken" : "no exception",
	    (unsigned long long)last_fault.scause, last_fault.from_user,
	    (unsigned long long)last_fault.stval);

	result = 0;
	expect_fault_begin();
	hvtest_run_umode(umode_csr_sstatus, stack_top(), 0, &result);
	expect_fault_end();
	check(last_fault.taken && last_fault.from_user && last_fault.scause == CAUSE_ILLEGAL &&
	          result == UNTOUCHED,
	      "csrr sstatus in U-mode -> illegal instruction, destination untouched",
	      "%s (scause %#llx, from U %d), destination %#llx", last_fault.taken ? "taken" : "no exception",
	      (unsigned long long)last_fault.scause, last_fault.from_user, (unsigned long long)result);

	result = UNTOUCHED;
	expect_fault_begin();
	hvtest_run_umode(umode_sret, stack_top(), 0, &result);
	expect_fault_end();
	check(last_fault.taken && last_fault.from_user && last_fault.scause == CAUSE_ILLEGAL && result == 0,
	      "SRET in U-mode -> illegal instruction", "%s (scause %#llx, from U %d)",
	      last_fault.taken ? "taken" : "no exception", (unsigned long long)last_fault.scause,
	      last_fault.from_user);
}

static void mmio_load(void)
{
	volatile uint32_t *prio =
	    (volatile uint32_t *)(uintptr_t)(plat.plic_base + PLIC_PRIORITY + 4u * SPARE_SOURCE);
	uint32_t saved = *prio;
	*prio = TEST_PRIORITY;
	uint32_t from_s = *prio;
	uint64_t result = 0;
	expect_fault_begin();
	hvtest_run_umode(umode_load32, stack_top(), (uintptr_t)prio, &result);
	expect_fault_end();
	*prio = saved;
	check(!last_fault.taken && from_s == TEST_PRIORITY && result == from_s,
	      "a 32-bit MMIO load from U-mode (PLIC priority of a spare source) reads what S-mode reads",
	      "%s, U-mode read %#llx, S-mode %#x", last_fault.taken ? "fault taken" : "no fault",
	      (unsigned long long)result, from_s);
}

void cases_hostile_umode(void)
{
	out("hvtest: hostile: U-mode\n");
	ecalls();
	faults();
	mmio_load();
	case_group("hostile.umode.karasu", SCOPE_ARCH);
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	check(r == 0, "back in S-mode, hypercalls work", "result %#llx", (unsigned long long)r);
}
