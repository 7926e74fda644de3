/* The built-in SBI firmware (-bios default), see sbi.c. */
#ifndef KARASU_RV_SYSTEM_SBI_H
#define KARASU_RV_SYSTEM_SBI_H

struct rv_hart;

/* Performs the ECALL from S-mode in the hart's registers (a7 = extension, a6 = function, a0..a5
 * arguments; a0/a1 = error/value). The caller advances pc past the ECALL. */
void rv_sbi_call(struct rv_hart *h);

#endif
