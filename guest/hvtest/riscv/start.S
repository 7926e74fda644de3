/* hvtest entry on RISC-V: a RISC-V Linux Image header (karasu-rv and QEMU load it like a kernel at RAM + 2 MiB
 * and start it in S-mode with a0 = hart id, a1 = the DTB, satp = 0, interrupts off), the boot hart's path into
 * C, the entries of harts started by SBI HSM hart_start, and the trap entry: every trap saves the registers
 * in a frame and calls hvtest_trap(frame), which decides whether to skip the faulting instruction, finish a
 * U-mode routine, take an interrupt, or stop the test. */
#define STACK_SIZE   0x4000
#define STACK_SLOTS  5 /* the boot hart + one per secondary slot */
#define TEXT_OFFSET  0x200000 /* keep equal to hvtest.ld */
#define FRAME_SIZE   272 /* x0..x31, sepc, sstatus */
#define F_SEPC       256
#define F_SSTATUS    264
#define SSTATUS_SIE  0x2
#define SSTATUS_SPP  0x100
#define SBI_EXT_HSM  0x48534d
#define SBI_HSM_STOP 1

	.section .text.head, "ax"
	.globl	_start
_start:
	.option	push
	.option	norvc
	j	boot_entry		/* code0: a 4-byte jump, code1 unused */
	.option	pop
	.4byte	0			/* code1 */
	.8byte	TEXT_OFFSET		/* text_offset */
	.8byte	__image_size		/* image_size, bss included */
	.8byte	0			/* flags: little-endian */
	.4byte	2			/* header version 0.2 */
	.4byte	0			/* res1 */
	.8byte	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2 */
	.4byte	0			/* res3 */

	.text
boot_entry:
	csrr	s2, sstatus		/* as the SBI left them: checked by the entry cases */
	csrr	s3, satp
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	la	t0, trap_entry
	csrw	stvec, t0
	csrw	sscratch, zero		/* 0 while in S-mode (trap_entry) */
	mv	s0, a0			/* hart id */
	mv	s1, a1			/* DTB */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	sp, stacks + STACK_SIZE
	la	t0, hvtest_boot_hart
	sd	s0, 0(t0)
	la	t0, hvtest_entry_sstatus
	sd	s2, 0(t0)
	la	t0, hvtest_entry_satp
	sd	s3, 0(t0)
	mv	a0, s1
	lla	a1, _start		/* where we really run: main checks it against the link address */
	call	hvtest_main
3:	wfi
	j	3b

	/* SBI HSM hart_start entry: a0 = hart id, a1 = opaque = (stack slot << 32) | cookie. */
	.globl	hvtest_secondary_entry
hvtest_secondary_entry:
	csrw	sie, zero
	la	t0, trap_entry
	csrw	stvec, t0
	csrw	sscratch, zero
	srli	t1, a1, 32
	andi	t1, t1, 3
	addi	t1, t1, 2		/* slot 0..3 -> the stack ending at slot + 2 */
	li	t2, STACK_SIZE
	mul	t1, t1, t2
	la	sp, stacks
	add	sp, sp, t1
	call	hvtest_secondary_main
4:	wfi
	j	4b

	/* hart_start entry of the HSM storm (cases_hostile_sbi.c): count one start, stop again; no stack. */
	.globl	hsm_storm_entry
hsm_storm_entry:
	la	t0, hsm_storm_starts
	li	t1, 1
	amoadd.w.aqrl zero, t1, (t0)
	li	a7, SBI_EXT_HSM
	li	a6, SBI_HSM_STOP
	ecall
5:	wfi
	j	5b

	.balign	4
	.globl	trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	bnez	sp, 6f			/* from U-mode: sscratch held this S-mode stack */
	csrr	sp, sscratch		/* from S-mode: the interrupted stack */
6:	addi	sp, sp, -FRAME_SIZE
	sd	x1, 8(sp)
	sd	x3, 24(sp)
	sd	x4, 32(sp)
	sd	x5, 40(sp)
	sd	x6, 48(sp)
	sd	x7, 56(sp)
	sd	x8, 64(sp)
	sd	x9, 72(sp)
	sd	x10, 80(sp)
	sd	x11, 88(sp)
	sd	x12, 96(sp)
	sd	x13, 104(sp)
	sd	x14, 112(sp)
	sd	x15, 120(sp)
	sd	x16, 128(sp)
	sd	x17, 136(sp)
	sd	x18, 144(sp)
	sd	x19, 152(sp)
	sd	x20, 160(sp)
	sd	x21, 168(sp)
	sd	x22, 176(sp)
	sd	x23, 184(sp)
	sd	x24, 192(sp)
	sd	x25, 200(sp)
	sd	x26, 208(sp)
	sd	x27, 216(sp)
	sd	x28, 224(sp)
	sd	x29, 232(sp)
	sd	x30, 240(sp)
	sd	x31, 248(sp)
	csrr	t0, sscratch		/* the interrupted sp */
	sd	t0, 16(sp)
	csrw	sscratch, zero
	csrr	t0, sepc
	sd	t0, F_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, F_SSTATUS(sp)
	mv	a0, sp
	call	hvtest_trap
	ld	t0, F_SEPC(sp)
	csrw	sepc, t0
	ld	t0, F_SSTATUS(sp)
	csrw	sstatus, t0
	andi	t0, t0, SSTATUS_SPP
	bnez	t0, 7f
	addi	t0, sp, FRAME_SIZE	/* back to U-mode: its next trap needs this stack */
	csrw	sscratch, t0
7:	ld	x1, 8(sp)
	ld	x3, 24(sp)
	ld	x4, 32(sp)
	ld	x5, 40(sp)
	ld	x6, 48(sp)
	ld	x7, 56(sp)
	ld	x8, 64(sp)
	ld	x9, 72(sp)
	ld	x10, 80(sp)
	ld	x11, 88(sp)
	ld	x12, 96(sp)
	ld	x13, 104(sp)
	ld	x14, 112(sp)
	ld	x15, 120(sp)
	ld	x16, 128(sp)
	ld	x17, 136(sp)
	ld	x18, 144(sp)
	ld	x19, 152(sp)
	ld	x20, 160(sp)
	ld	x21, 168(sp)
	ld	x22, 176(sp)
	ld	x23, 184(sp)
	ld	x24, 192(sp)
	ld	x25, 200(sp)
	ld	x26, 208(sp)
	ld	x27, 216(sp)
	ld	x28, 224(sp)
	ld	x29, 232(sp)
	ld	x30, 240(sp)
	ld	x31, 248(sp)
	ld	sp, 16(sp)
	sret

	.bss
	.balign	16
stacks:
	.space	STACK_SIZE * STACK_SLOTS
