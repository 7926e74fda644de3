/* hvtest entry: an arm64 Image header (karasu loads it like Linux, at the guest's RAM base + text_offset,
 * with x0 = the guest DTB), the boot vCPU's path into C, the path a vCPU started by PSCI CPU_ON takes, the
 * EL1 vector table, and the HVC helper. Runs at EL1 with the MMU off. */
#define VECTOR_ALIGN 11 /* VBAR_EL1 needs 2 KiB alignment */
#define FRAME_SIZE   (32 * 8)
#define STACK_SIZE   0x4000
#define HVTEST_TEXT_OFFSET 0x80000 /* keep equal to hvtest.ld */

	.section .text.head, "ax"
	.globl _start
_start:
	b	boot_entry		/* code0 */
	.long	0			/* code1 */
	.quad	HVTEST_TEXT_OFFSET	/* text_offset: 512 KiB into guest RAM (hvtest.ld) */
	.quad	__image_size		/* image_size, bss included */
	.quad	0x2			/* flags: little-endian, 4 KiB pages */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.text
boot_entry:
	mov	x19, x0			/* DTB */
	msr	daifset, #0xf
	adr	x1, hvtest_vectors
	msr	vbar_el1, x1
	isb
	adr	x1, stacks
	add	x1, x1, #STACK_SIZE
	mov	sp, x1
	adr	x1, __bss_start
	adr	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	adr	x1, _start		/* where we really run: main checks it against the link address */
	bl	hvtest_main
3:	wfi
	b	3b

	/* PSCI CPU_ON entry: x0 = context id = (stack slot << 32) | cookie. */
	.globl	hvtest_secondary_entry
hvtest_secondary_entry:
	msr	daifset, #0xf
	adr	x1, hvtest_vectors
	msr	vbar_el1, x1
	isb
	lsr	x2, x0, #32
	and	x2, x2, #0x3
	add	x2, x2, #1
	mov	x3, #STACK_SIZE
	adr	x1, stacks
	madd	x1, x2, x3, x1
	add	x1, x1, #STACK_SIZE
	mov	sp, x1
	bl	hvtest_secondary_main
4:	wfi
	b	4b

/* void hvtest_hvc(struct hvc_regs *r): X0..X17 from r, HVC #0, X0..X17 back into r. */
	.globl	hvtest_hvc
hvtest_hvc:
	stp	x29, x30, [sp, #-32]!
	str	x0, [sp, #16]
	mov	x18, x0
	ldp	x0, x1, [x18, #0]
	ldp	x2, x3, [x18, #16]
	ldp	x4, x5, [x18, #32]
	ldp	x6, x7, [x18, #48]
	ldp	x8, x9, [x18, #64]
	ldp	x10, x11, [x18, #80]
	ldp	x12, x13, [x18, #96]
	ldp	x14, x15, [x18, #112]
	ldp	x16, x17, [x18, #128]
	hvc	#0
	ldr	x18, [sp, #16]
	stp	x0, x1, [x18, #0]
	stp	x2, x3, [x18, #16]
	stp	x4, x5, [x18, #32]
	stp	x6, x7, [x18, #48]
	stp	x8, x9, [x18, #64]
	stp	x10, x11, [x18, #80]
	stp	x12, x13, [x18, #96]
	stp	x14, x15, [x18, #112]
	stp	x16, x17, [x18, #128]
	ldp	x29, x30, [sp], #32
	ret

/* The same with SMC #0 (PSCI when the DTB says method = "smc"). */
	.globl	hvtest_smc
hvtest_smc:
	stp	x29, x30, [sp, #-32]!
	str	x0, [sp, #16]
	mov	x18, x0
	ldp	x0, x1, [x18, #0]
	ldp	x2, x3, [x18, #16]
	smc	#0
	ldr	x18, [sp, #16]
	stp	x0, x1, [x18, #0]
	stp	x2, x3, [x18, #16]
	ldp	x29, x30, [sp], #32
	ret

/* Vectors: every entry saves x0..x30 and calls hvtest_exception(frame, kind); the handler decides whether
 * to skip the faulting instruction (ELR_EL1) or stop the test. */
.macro	vector kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\kind
	b	exception_common
.endm

	.balign	(1 << VECTOR_ALIGN)
	.globl	hvtest_vectors
hvtest_vectors:
	vector 0	/* current EL, SP0: sync */
	vector 1	/* irq */
	vector 2	/* fiq */
	vector 3	/* serror */
	vector 4	/* current EL, SPx: sync */
	vector 5
	vector 6
	vector 7
	vector 8	/* lower EL, AArch64 */
	vector 9
	vector 10
	vector 11
	vector 12	/* lower EL, AArch32 */
	vector 13
	vector 14
	vector 15

exception_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x29, x30, [sp, #232]
	mov	x1, x0
	mov	x0, sp
	bl	hvtest_exception
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x29, x30, [sp, #232]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret

	.bss
	.balign	16
stacks:
	.space	STACK_SIZE * 5
