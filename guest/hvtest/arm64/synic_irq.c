/* The SynIC's interrupt on arm64 (cases_synic.c): the SINT is PPI HVTEST_SINT_VECTOR of the vCPU's
 * redistributor, taken as an IRQ at EL1 through a small vector table of this file that is installed only while
 * the cases wait for interrupts (only IRQs are expected then; anything else stops the vCPU). The handler
 * acknowledges the interrupt (ICC_IAR1_EL1), lets cases_synic.c look, and ends it (ICC_EOIR1_EL1). On a GICv2
 * the same PPI is a Group 0 interrupt of the banked distributor registers, acknowledged and ended through the
 * memory-mapped CPU interface (GICC_IAR/GICC_EOIR). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

/* GICv3 (IHI 0069) offsets, redistributor of vCPU 0. */
#define GICD_CTLR           0x0000u
#define GICD_CTLR_GRP1      (1u << 1)
#define GICR_WAKER          0x0014u
#define GICR_WAKER_SLEEP    (1u << 1)
#define GICR_WAKER_CHILDREN (1u << 2)
#define GICR_SGI_BASE       0x10000u
#define GICR_IGROUPR0       0x0080u
#define GICR_ISENABLER0     0x0100u
#define GICR_ICENABLER0     0x0180u
#define GICR_ICPENDR0       0x0280u
#define GICR_IPRIORITYR     0x0400u
#define IRQ_PRIORITY        0x80u
#define SINT_INTID          HVTEST_SINT_VECTOR
/* GICv2 (IHI 0048B): the distributor's banked registers for INTIDs 0-31, the CPU interface. */
#define GICD2_CTLR_GRP0     (1u << 0)
#define GICD2_ISENABLER0    0x0100u
#define GICD2_ICENABLER0    0x0180u
#define GICD2_ICPENDR0      0x0280u
#define GICD2_IPRIORITYR    0x0400u
#define GICC_CTLR           0x0000u
#define GICC_CTLR_GRP0      (1u << 0)
#define GICC_PMR            0x0004u
#define GICC_IAR            0x000cu
#define GICC_EOIR           0x0010u
#define GICC_INTID_MASK     0x3ffu
#define GICC_PMR_ALLOW_ALL  0xffu

void synic_irq(void);

/* The vector table: only "current EL, SPx, IRQ" (offset 0x280) does something: save the caller-saved
 * registers (C is built with -mgeneral-regs-only) and call synic_irq. */
__asm__(".pushsection .text.synic_vectors, \"ax\"\n"
        ".balign 2048\n"
        ".global synic_vectors\n"
        "synic_vectors:\n"
        "	b .\n"
        ".org synic_vectors + 0x080\n	b .\n"
        ".org synic_vectors + 0x100\n	b .\n"
        ".org synic_vectors + 0x180\n	b .\n"
        ".org synic_vectors + 0x200\n	b .\n"
        ".org synic_vectors + 0x280\n" /* current EL, SPx, IRQ */
        "	sub sp, sp, #160\n"
        "	stp x0, x1, [sp, #0]\n"
        "	stp x2, x3, [sp, #16]\n"
        "	stp x4, x5, [sp, #32]\n"
        "	stp x6, x7, [sp, #48]\n"
        "	stp x8, x9, [sp, #64]\n"
        "	stp x10, x11, [sp, #80]\n"
        "	stp x12, x13, [sp, #96]\n"
        "	stp x14, x15, [sp, #112]\n"
        "	stp x16, x17, [sp, #128]\n"
        "	stp x18, x30, [sp, #144]\n"
        "	bl synic_irq\n"
        "	ldp x18, x30, [sp, #144]\n"
        "	ldp x16, x17, [sp, #128]\n"
        "	ldp x14, x15, [sp, #112]\n"
        "	ldp x12, x13, [sp, #96]\n"
        "	ldp x10, x11, [sp, #80]\n"
        "	ldp x8, x9, [sp, #64]\n"
        "	ldp x6, x7, [sp, #48]\n"
        "	ldp x4, x5, [sp, #32]\n"
        "	ldp x2, x3, [sp, #16]\n"
        "	ldp x0, x1, [sp, #0]\n"
        "	add sp, sp, #160\n"
        "	eret\n"
        ".org synic_vectors + 0x300\n	b .\n"
        ".org synic_vectors + 0x380\n	b .\n"
        ".org synic_vectors + 0x400\n	b .\n"
        ".org synic_vectors + 0x480\n	b .\n"
        ".org synic_vectors + 0x500\n	b .\n"
        ".org synic_vectors + 0x580\n	b .\n"
        ".org synic_vectors + 0x600\n	b .\n"
        ".org synic_vectors + 0x680\n	b .\n"
        ".org synic_vectors + 0x700\n	b .\n"
        ".org synic_vectors + 0x780\n	b .\n"
        ".popsection\n");
extern uint8_t synic_vectors[];

static uint64_t saved_vbar;

void arch_synic_irqs_on(void)
{
	__asm__ volatile("mrs %0, vbar_el1" : "=r"(saved_vbar));
	__asm__ volatile("msr vbar_el1, %0; isb; msr daifclr, #2; isb" ::"r"(synic_vectors) : "memory");
}

void arch_synic_irqs_off(void)
{
	__asm__ volatile("msr daifset, #2; isb; msr vbar_el1, %0; isb" ::"r"(saved_vbar) : "memory");
}

static volatile uint32_t *d32(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plat.gicd_base + off);
}

static volatile uint32_t *r32(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plat.gicr_base + off);
}

static volatile uint32_t *c32(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plat.gicc_base + off);
}

/* GICv2: SINT_INTID stays Group 0 (the reset value), gets a middle priority and is enabled; the distributor's
 * Group 0 and the CPU interface are switched on. */
static void prepare_v2(void)
{
	*d32(GICD_CTLR) |= GICD2_CTLR_GRP0;
	volatile uint8_t *prio = (volatile uint8_t *)(uintptr_t)(plat.gicd_base + GICD2_IPRIORITYR);
	prio[SINT_INTID] = IRQ_PRIORITY;
	*d32(GICD2_ICPENDR0) = 1u << SINT_INTID;
	*d32(GICD2_ISENABLER0) = 1u << SINT_INTID;
	*c32(GICC_PMR) = GICC_PMR_ALLOW_ALL;
	*c32(GICC_CTLR) = GICC_CTLR_GRP0;
	__asm__ volatile("dsb sy; isb" ::: "memory");
}

/* Wake vCPU 0's redistributor, make SINT_INTID a group-1 interrupt of middle priority, enable it and the
 * CPU interface. */
void arch_synic_irq_prepare(void)
{
	if (gic_is_v2()) {
		prepare_v2();
		return;
	}
	*r32(GICR_WAKER) &= ~GICR_WAKER_SLEEP;
	for (unsigned i = 0; i < 1000 && (*r32(GICR_WAKER) & GICR_WAKER_CHILDREN); i++)
		;
	*d32(GICD_CTLR) |= GICD_CTLR_GRP1;
	*r32(GICR_SGI_BASE + GICR_IGROUPR0) |= 1u << SINT_INTID;
	volatile uint8_t *prio =
	    (volatile uint8_t *)(uintptr_t)(plat.gicr_base + GICR_SGI_BASE + GICR_IPRIORITYR);
	prio[SINT_INTID] = IRQ_PRIORITY;
	*r32(GICR_SGI_BASE + GICR_ICPENDR0) = 1u << SINT_INTID;
	*r32(GICR_SGI_BASE + GICR_ISENABLER0) = 1u << SINT_INTID;
	__asm__ volatile("msr S3_0_C4_C6_0, %0\n\t"   /* ICC_PMR_EL1: let everything through */
	                 "msr S3_0_C12_C12_7, %1\n\t" /* ICC_IGRPEN1_EL1 */
	                 "isb" ::"r"(0xffull),
	                 "r"(1ull));
}

void arch_synic_irq_release(void)
{
	if (gic_is_v2()) {
		*d32(GICD2_ICENABLER0) = 1u << SINT_INTID;
		return;
	}
	*r32(GICR_SGI_BASE + GICR_ICENABLER0) = 1u << SINT_INTID;
}

/* Acknowledge, let cases_synic.c look at its pages, end the interrupt (EOImode 0: the EOI also
 * deactivates). */
void synic_irq(void)
{
	if (gic_is_v2()) {
		uint32_t iar = *c32(GICC_IAR);
		synic_irq_taken(iar & GICC_INTID_MASK);
		*c32(GICC_EOIR) = iar;
		__asm__ volatile("dsb sy; isb" ::: "memory");
		return;
	}
	uint64_t intid;
	__asm__ volatile("mrs %0, S3_0_C12_C12_0\n\t" /* ICC_IAR1_EL1 */
	                 "dsb sy"
	                 : "=r"(intid)::"memory");
	synic_irq_taken(intid);
	__asm__ volatile("msr S3_0_C12_C12_1, %0\n\t" /* ICC_EOIR1_EL1 */
	                 "isb" ::"r"(intid)
	                 : "memory");
}
