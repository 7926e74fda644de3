/* EL1 exception handling for hvtest. A case that provokes a fault (cases_aborts.c) brackets the access with
 * expect_fault_begin/end: the synchronous exception is recorded and the instruction skipped. Anything else
 * (an unexpected exception, an IRQ with interrupts masked) is a test failure: it is reported and the guest
 * powers off, so a broken hypervisor shows up as a clear line, not a hang. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define ESR_EC_SHIFT          26
#define ESR_EC_MASK           0x3fu
#define ESR_IL                (1u << 25)
#define KIND_CURRENT_SPX_SYNC 4u
#define KIND_LOWER_A64_SYNC   8u
#define ESR_EC_SVC64          0x15u
#define SPSR_EL1H_MASKED      0x3c5u

struct frame {
	uint64_t x[31];
	uint64_t pad;
};

struct fault_record last_fault;
static volatile bool fault_expected, fault_return_to_caller;
extern uint8_t hvtest_el0_resume[];

void expect_fault_begin(void)
{
	last_fault.taken = false;
	last_fault.esr = last_fault.far = last_fault.elr = last_fault.kind = 0;
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

static uint64_t read_esr(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, esr_el1" : "=r"(v));
	return v;
}

static uint64_t read_far(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, far_el1" : "=r"(v));
	return v;
}

static uint64_t read_elr(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, elr_el1" : "=r"(v));
	return v;
}

static void write_elr(uint64_t v)
{
	__asm__ volatile("msr elr_el1, %0" ::"r"(v));
}

static void write_spsr(uint64_t v)
{
	__asm__ volatile("msr spsr_el1, %0" ::"r"(v));
}

void hvtest_exception(struct frame *f, uint64_t kind);
void hvtest_exception(struct frame *f, uint64_t kind)
{
	uint64_t esr = read_esr(), far = read_far(), elr = read_elr();
	uint64_t ec = (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
	if (kind == KIND_LOWER_A64_SYNC && ec == ESR_EC_SVC64) {
		/* The EL0 routine is done (el0.S): back to EL1 where hvtest_run_el0 left. */
		write_elr((uintptr_t)hvtest_el0_resume);
		write_spsr(SPSR_EL1H_MASKED);
		return;
	}
	if ((kind == KIND_CURRENT_SPX_SYNC || kind == KIND_LOWER_A64_SYNC) && fault_expected &&
	    !last_fault.taken) {
		last_fault.esr = esr;
		last_fault.far = far;
		last_fault.elr = elr;
		last_fault.kind = kind;
		last_fault.taken = true;
		if (fault_return_to_caller)
			write_elr(f->x[30]);
		else
			write_elr(elr + ((esr & ESR_IL) ? 4 : 2));
		return;
	}
	out("HVTEST FAIL 0 unexpected exception (vector %llu): ESR_EL1 %#llx (EC %#llx) FAR_EL1 %#llx "
	    "ELR_EL1 "
	    "%#llx\n",
	    (unsigned long long)kind, (unsigned long long)esr,
	    (unsigned long long)((esr >> ESR_EC_SHIFT) & ESR_EC_MASK), (unsigned long long)far,
	    (unsigned long long)elr);
	out("HVTEST-END name=%s passed=0 failed=1\n", plat.name);
	power_off();
}
