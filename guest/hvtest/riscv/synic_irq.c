/* The SynIC's interrupt on RISC-V (cases_synic.c; docs/synic.md): the SINT is local interrupt
 * HVTEST_SINT_VECTOR. karasu-rv raises it by setting that bit of sip; the guest enables it in sie and
 * sstatus.SIE, takes it with scause = interrupt | vector (start.S, traps.c) and acknowledges it by clearing the
 * sip bit. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define SINT_BIT (1ull << HVTEST_SINT_VECTOR)

void arch_synic_irq_prepare(void)
{
	csr_clear(sip, SINT_BIT); /* nothing left over from before */
	csr_set(sie, SINT_BIT);
}

void arch_synic_irqs_on(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

void arch_synic_irqs_off(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

void arch_synic_irq_release(void)
{
	csr_clear(sie, SINT_BIT);
}

bool synic_irq_handle(uint64_t code)
{
	if (code != HVTEST_SINT_VECTOR)
		return false;
	csr_clear(sip, SINT_BIT); /* acknowledge before looking, as the GIC's IAR read on arm64 */
	synic_irq_taken(code);
	return true;
}
