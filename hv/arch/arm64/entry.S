/* karasu-hv entry: an arm64 Image header (so U-Boot `booti` and QEMU `-kernel` pass the DTB in x0), the boot
 * PE's path into C, and the path secondary PEs take after PSCI CPU_ON (x0 = their PE index). */
#include "hv/arch/arm64/layout.h"
#include "hv/arch/arm64/macros.inc"

	.section .text.head, "ax"
	.globl _start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	HV_TEXT_OFFSET		/* text_offset: linked at RAM base + this */
	.quad	__image_size		/* image_size, bss included */
	.quad	0x2			/* flags: little-endian, 4K pages, placed text_offset from RAM base */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.text
primary_entry:
	mov	x19, x0			/* DTB address (Linux boot protocol) */
	mrs	x1, CurrentEL
	cmp	x1, #HV_CURRENTEL_EL2
	b.ne	not_el2

	/* Known EL2 state: MMU and caches off until mmu.c turns them on, vectors installed. */
	ldr	x1, =HV_SCTLR_EL2_INITIAL
	msr	sctlr_el2, x1
	isb
	adr_l	x1, hv_vectors
	msr	vbar_el2, x1

	/* Boot PE uses stack 0. */
	adr_l	x1, hv_stacks
	add	x1, x1, #PERCPU_STACK_SIZE
	mov	sp, x1

	/* Clear .bss (16-byte aligned by the linker script). */
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	mov	x0, x19
	bl	hv_boot_main
	b	halt

	/* Secondary PEs: PSCI CPU_ON entry, x0 = PE index (context id). The MMU is off; hv_secondary_main
	 * turns it on with the tables the boot PE built. */
	.globl secondary_entry
secondary_entry:
	mov	x19, x0
	ldr	x1, =HV_SCTLR_EL2_INITIAL
	msr	sctlr_el2, x1
	isb
	adr_l	x1, hv_vectors
	msr	vbar_el2, x1
	adr_l	x1, hv_stacks
	mov	x2, #PERCPU_STACK_SIZE
	add	x3, x19, #1
	madd	x1, x2, x3, x1
	mov	sp, x1
	mov	x0, x19
	bl	hv_secondary_main
	b	halt

not_el2:
halt:
	wfe
	b	halt

	.bss
	.balign	4096
	.globl	hv_stacks
hv_stacks:
	.space	PERCPU_STACK_SIZE * HV_MAX_CPUS

	.text
	/* _Noreturn void run_on_stack(void (*fn)(void *), void *arg, uintptr_t sp): calls fn(arg) on a new
	 * stack; fn must not return. */
	.globl	run_on_stack
run_on_stack:
	mov	sp, x2
	mov	x2, x0
	mov	x0, x1
	mov	x29, #0
	blr	x2
	b	halt
