/* S-mode trap handling for hvtest on RISC-V (start.S saves the registers and calls hvtest_trap). A case that
 * provokes a fault brackets it with expect_fault_begin/end: the exception is recorded and the instruction
 * skipped (or, for a fetch from a bad address, the handler returns to the caller). A U-mode routine ends with
 * the "done" ECALL, which returns to hvtest_run_umode in S-mode. The SynIC interrupt goes to synic_irq.c.
 * Anything else (an unexpected exception or interrupt) is a test failure: it is reported and the guest powers
 * off, so a broken hypervisor shows up as a clear line, not a hang. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define REG_RA 1
#define REG_SP 2
#define REG_A0 10
#define REG_A6 16
#define REG_A7 17

struct trap_frame {
	uint64_t x[32]; /* x[0] unused */
	uint64_t sepc, sstatus;
};
_Static_assert(sizeof(struct trap_frame) == 272, "FRAME_SIZE in start.S");

struct fault_record last_fault;
static volatile bool fault_expected, fault_return_to_caller;
extern uint8_t hvtest_umode_resume[];
/* The S-mode stack pointer hvtest_run_umode left in U-mode with (umode.S). */
extern uint64_t hvtest_umode_sp;

void expect_fault_begin(void)
{
	last_fault.taken = false;
	last_fault.scause = last_fault.stval = last_fault.sepc = 0;
	last_fault.a0 = last_fault.a6 = last_fault.a7 = 0;
	last_fault.from_user = false;
	fault_return_to_caller = false;
	fault_expected = true;
}

void expect_fault_begin_return(void)
{
	expect_fault_begin();
	fault_return_to_caller = true;
}

void expect_fault_end(void)
{
	fault_expected = false;
}

/* 2 for a compressed instruction, 4 otherwise (the two low bits are 11 for 32-bit encodings). */
static unsigned insn_length(uint64_t pc)
{
	uint16_t low = *(volatile uint16_t *)(uintptr_t)pc;
	return (low & 3u) == 3u ? 4u : 2u;
}

static _Noreturn void unexpected(const struct trap_frame *f, uint64_t scause, uint64_t stval)
{
	out("HVTEST FAIL 0 unexpected %s (scause %#llx) from %s-mode: stval %#llx sepc %#llx ra %#llx\n",
	    (scause & SCAUSE_INTERRUPT) ? "interrupt" : "exception", (unsigned long long)scause,
	    (f->sstatus & SSTATUS_SPP) ? "S" : "U", (unsigned long long)stval, (unsigned long long)f->sepc,
	    (unsigned long long)f->x[REG_RA]);
	out("HVTEST-END name=%s passed=0 failed=1\n", plat.name);
	power_off();
}

void hvtest_trap(struct trap_frame *f);
void hvtest_trap(struct trap_frame *f)
{
	uint64_t scause = csr_read(scause), stval = csr_read(stval);
	bool from_user = !(f->sstatus & SSTATUS_SPP);
	if (scause & SCAUSE_INTERRUPT) {
		if (!synic_irq_handle(scause & ~SCAUSE_INTERRUPT))
			unexpected(f, scause, stval);
		return;
	}
	if (from_user && scause == CAUSE_ECALL_U && f->x[REG_A7] == HVTEST_UMODE_DONE) {
		/* The U-mode routine is done (umode.S): back to S-mode where hvtest_run_umode left. */
		f->sepc = (uintptr_t)hvtest_umode_resume;
		f->sstatus = (f->sstatus | SSTATUS_SPP) & ~SSTATUS_SPIE;
		f->x[REG_SP] = hvtest_umode_sp;
		return;
	}
	if (fault_expected && !last_fault.taken) {
		last_fault.scause = scause;
		last_fault.stval = stval;
		last_fault.sepc = f->sepc;
		last_fault.from_user = from_user;
		last_fault.a0 = f->x[REG_A0];
		last_fault.a6 = f->x[REG_A6];
		last_fault.a7 = f->x[REG_A7];
		last_fault.taken = true;
		if (fault_return_to_caller)
			f->sepc = f->x[REG_RA];
		else
			f->sepc += insn_length(f->sepc);
		return;
	}
	unexpected(f, scause, stval);
}
