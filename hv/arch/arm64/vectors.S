/* EL2 exception vectors. Every entry saves one struct trap_frame (frame.h) on the EL2 stack and calls C:
 *   from a guest (lower EL, AArch64):  sync -> trap_lower_sync, IRQ/FIQ -> trap_lower_irq,
 *                                      SError -> trap_lower_serror
 *   from EL2 itself (SP_EL2):          sync/SError -> trap_el2_fault (panics), IRQ -> trap_el2_irq
 * C returns normally to resume where the exception was taken; frame_return() re-enters a guest from a
 * fresh frame. AArch32 guests are not supported (HCR_EL2.RW=1): those entries report and stop. */
#include "hv/arch/arm64/frame.h"
#include "hv/arch/arm64/macros.inc"

.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	str	x30, [sp, #FRAME_X0 + 30 * 8]
	stp	x0, x1, [sp, #FRAME_ELR]
.endm

/* x0 = frame at the top of the handler's stack part; restores it and erets. */
.macro restore_frame_and_eret
	mov	sp, x0
	ldp	x0, x1, [sp, #FRAME_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #FRAME_X0 + 30 * 8]
	add	sp, sp, #FRAME_SIZE
	eret
	dsb	nsh
	isb
.endm

.macro vector_entry target
	.balign	128
	b	\target
.endm

	.text
	.balign	2048
	.globl	hv_vectors
hv_vectors:
	/* Current EL with SP_EL0: never used (EL2 always runs on SP_EL2). */
	vector_entry	el2_fault
	vector_entry	el2_fault
	vector_entry	el2_fault
	vector_entry	el2_fault
	/* Current EL with SP_EL2. */
	vector_entry	el2_fault
	vector_entry	el2_irq
	vector_entry	el2_irq
	vector_entry	el2_fault
	/* Lower EL, AArch64. */
	vector_entry	lower_sync
	vector_entry	lower_irq
	vector_entry	lower_irq
	vector_entry	lower_serror
	/* Lower EL, AArch32. */
	vector_entry	lower_aarch32
	vector_entry	lower_aarch32
	vector_entry	lower_aarch32
	vector_entry	lower_aarch32

el2_fault:
	save_frame
	mov	x0, sp
	bl	trap_el2_fault
	b	.

el2_irq:
	save_frame
	mov	x0, sp
	bl	trap_el2_irq
	mov	x0, sp
	restore_frame_and_eret

lower_sync:
	save_frame
	mov	x0, sp
	bl	trap_lower_sync
	mov	x0, sp
	restore_frame_and_eret

lower_irq:
	save_frame
	mov	x0, sp
	bl	trap_lower_irq
	mov	x0, sp
	restore_frame_and_eret

lower_serror:
	save_frame
	mov	x0, sp
	bl	trap_lower_serror
	mov	x0, sp
	restore_frame_and_eret

lower_aarch32:
	save_frame
	mov	x0, sp
	bl	trap_lower_aarch32
	mov	x0, sp
	restore_frame_and_eret

	/* _Noreturn void frame_return(struct trap_frame *f) */
	.globl	frame_return
frame_return:
	restore_frame_and_eret
