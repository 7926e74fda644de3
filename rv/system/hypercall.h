/* karasu's hypercalls from RISC-V guests: the SBI vendor extension's FID 0 (docs/abi.md) feeds the
 * dispatcher shared with karasu-hv (lib/hypercall.h) through karasu-rv's view of the calling hart. */
#ifndef KARASU_RV_SYSTEM_HYPERCALL_H
#define KARASU_RV_SYSTEM_HYPERCALL_H

struct rv_hart;

/* The call in the hart's registers (a0 = input value, a1..a5 = GPAs or fast-call registers); the result
 * value goes to a0, fast-call output to a1..a5. */
void rv_hypercall_sbi(struct rv_hart *h);

#endif
