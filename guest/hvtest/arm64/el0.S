/* hvtest at EL0: hvtest_run_el0 drops to EL0t for a small routine and comes back when the routine executes
 * SVC #0 (exceptions.c sends that SVC to hvtest_el0_resume at EL1). The routines below are what the hostile
 * cases (cases_hostile_el0.c) run at EL0; each gets x0 = argument, x1 = result address. */
#define SPSR_EL0T_MASKED 0x3c0 /* EL0t with D, A, I, F masked */

	.text
/* void hvtest_run_el0(void (*fn)(void), uint64_t sp, uint64_t arg, uint64_t *result) */
	.globl	hvtest_run_el0
hvtest_run_el0:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	msr	elr_el1, x0
	msr	sp_el0, x1
	mov	x4, #SPSR_EL0T_MASKED
	msr	spsr_el1, x4
	mov	x0, x2
	mov	x1, x3
	isb
	eret

/* SP_EL1 is what it was at the eret above: every exception from EL0 pops the frame it pushed. */
	.globl	hvtest_el0_resume
hvtest_el0_resume:
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/* HVC #0 at EL0 (x0 = function id): UNDEFINED; x0 afterwards goes to *x1. */
	.globl	el0_hvc
el0_hvc:
	hvc	#0
	str	x0, [x1]
	svc	#0

/* SMC #0 at EL0: UNDEFINED as well. */
	.globl	el0_smc
el0_smc:
	smc	#0
	str	x0, [x1]
	svc	#0

/* A load from the address in x0 (outside the guest's memory): karasu must inject the abort to EL1. */
	.globl	el0_load
el0_load:
	mov	x2, #0
	ldr	x2, [x0]
	str	x2, [x1]
	svc	#0

/* LDP of two 32-bit registers at x0 (an MMIO register pair: no syndrome, karasu decodes it). */
	.globl	el0_ldp
el0_ldp:
	ldp	w2, w3, [x0]
	stp	w2, w3, [x1]
	svc	#0

/* A write to ICC_SGI1R_EL1 from EL0: UNDEFINED (EL1 only). */
	.globl	el0_sgi
el0_sgi:
	msr	icc_sgi1r_el1, x0
	str	x0, [x1]
	svc	#0
