/* External interrupts through the PLIC (RISC-V PLIC specification 1.0.0; QEMU virt: PLIC at 0xc000000,
 * context 0 = hart 0 M-mode, context 1 = hart 0 S-mode) from a real device: the ns16550a UART's
 * transmitter-holding-register-empty interrupt (IER bit 1), source 10. 16550 facts: with IER.ETBEI set
 * and THR empty, the UART asserts its interrupt and IIR reads 0x2 (THRI); reading IIR while THRI is
 * the reason clears it (as does writing THR or clearing ETBEI).
 *   - PLIC: a source is forwarded to a context only when its priority > 0, it is enabled for the
 *     context, and its priority > the context's threshold; then MEIP (context 0) or SEIP (context 1)
 *     is pending (spec 1.12 3.1.9: MEIP read-only, set and cleared by the interrupt controller);
 *   - claim returns the highest pending source (0 if none) and clears its pending bit; the gateway
 *     forwards no new request from that source until the completion (write of the id to the claim
 *     register); a level-triggered source still asserted at completion is requested again (PLIC
 *     chapter of the privileged spec 1.10, "Interrupt Gateways": "if the interrupt is level-triggered
 *     and the interrupt is still asserted, a new interrupt request will be forwarded");
 *   - mip.SEIP = software bit | PLIC signal; clearing the software bit does not hide the signal (3.1.9);
 *   - taken as interrupt | 11 in M, and interrupt | 9 in S when delegated. */
#include "guest/rv/priv/env/privtest.inc"

#define CTX_M 0
#define CTX_S 1
#define PLIC_SRC_PRIORITY (PLIC_BASE + PLIC_PRIORITY + 4 * UART_IRQ)
#define PLIC_ENABLE_CTX(c) (PLIC_BASE + PLIC_ENABLE + PLIC_ENABLE_STRIDE * (c))
#define PLIC_THRESHOLD_CTX(c) (PLIC_BASE + PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * (c))
#define PLIC_CLAIM_CTX(c) (PLIC_BASE + PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * (c) + PLIC_CLAIM)

.macro W32 addr, value
	li t0, \addr
	li t1, \value
	sw t1, 0(t0)
.endm

.macro R32 reg, addr
	li \reg, \addr
	lwu \reg, 0(\reg)
.endm

.macro UART_W reg, value
	li t0, UART_BASE
	li t1, \value
	sb t1, \reg(t0)
.endm

.macro UART_R dst, reg
	li \dst, UART_BASE
	lbu \dst, \reg(\dst)
.endm

/* Polls PLIC pending word 0 until bit UART_IRQ is set (want = 1) or clear (want = 0). */
.macro WAIT_PLIC_PENDING want
	li t0, SPIN_LIMIT
.Lpoll\@:
	R32 t1, PLIC_BASE + PLIC_PENDING
	srli t1, t1, UART_IRQ
	andi t1, t1, 1
	li t2, \want
	beq t1, t2, .Ldone\@
	addi t0, t0, -1
	bnez t0, .Lpoll\@
	j test_fail_no_trap
.Ldone\@:
.endm

TEST_BEGIN
	csrw mie, zero
	/* Quiet start: no enables, thresholds 0, UART interrupts off, OUT2 on (a PC-style 16550 gates its
	 * interrupt output with OUT2; harmless otherwise). */
	W32 PLIC_ENABLE_CTX(CTX_M), 0
	W32 PLIC_ENABLE_CTX(CTX_S), 0
	W32 PLIC_THRESHOLD_CTX(CTX_M), 0
	W32 PLIC_THRESHOLD_CTX(CTX_S), 0
	W32 PLIC_SRC_PRIORITY, 1
	UART_W UART_IER, 0
	UART_W UART_MCR, UART_MCR_OUT2

	/* 1: nothing pending: claim returns 0, MEIP = 0 */
	SET_CASE 1
	R32 a0, PLIC_CLAIM_CTX(CTX_M)
	CHECK_EQ a0, 0
	CHECK_CSR_MASKED mip, MIP_MEIP | MIP_SEIP, 0
	/* 2: ETBEI on: the UART asks (IIR = THRI) and the PLIC shows source 10 pending */
	SET_CASE 2
	UART_W UART_IER, UART_IER_THRI
	WAIT_PLIC_PENDING 1
	/* 3: not enabled for any context: MEIP and SEIP stay 0 */
	SET_CASE 3
	SETTLE
	CHECK_CSR_MASKED mip, MIP_MEIP | MIP_SEIP, 0
	/* 4: enabled for context 0: MEIP */
	SET_CASE 4
	W32 PLIC_ENABLE_CTX(CTX_M), 1 << UART_IRQ
	/* QEMU 7.2 deviates: its PLIC does not re-evaluate its outputs when an enable register is
	 * written, only on source changes, threshold/priority writes and claims; there, a threshold
	 * write makes it look. */
	SKIP_ON_QEMU72 3f
	j 4f
3:	W32 PLIC_THRESHOLD_CTX(CTX_M), 0
4:	WAIT_PENDING mip, MIP_MEIP
	CHECK_CSR_MASKED mip, MIP_SEIP, 0
	/* 5: threshold = priority masks it; threshold below lets it through again */
	SET_CASE 5
	W32 PLIC_THRESHOLD_CTX(CTX_M), 1
	WAIT_NOT_PENDING mip, MIP_MEIP
	W32 PLIC_THRESHOLD_CTX(CTX_M), 0
	WAIT_PENDING mip, MIP_MEIP
	/* 6: priority 0 means never interrupt */
	SET_CASE 6
	W32 PLIC_SRC_PRIORITY, 0
	WAIT_NOT_PENDING mip, MIP_MEIP
	W32 PLIC_SRC_PRIORITY, 1
	WAIT_PENDING mip, MIP_MEIP
	/* 7: MEIE and MIE: taken in M, mcause = interrupt | 11 */
	SET_CASE 7
	li t0, MIP_MEIP
	csrw mie, t0
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_EXT), PRV_M
	CHECK_EPC 2b
	CHECK_TVAL 0
	csrw mie, zero
	/* 8: claim returns 10; after the claim nothing is pending: MEIP drops although the UART still
	 * asserts (the gateway waits for the completion) */
	SET_CASE 8
	R32 a0, PLIC_CLAIM_CTX(CTX_M)
	CHECK_EQ a0, UART_IRQ
	WAIT_NOT_PENDING mip, MIP_MEIP
	WAIT_PLIC_PENDING 0
	/* 9: a second claim returns 0 */
	SET_CASE 9
	R32 a0, PLIC_CLAIM_CTX(CTX_M)
	CHECK_EQ a0, 0
	/* 10: completion while the UART still asserts: pending again */
	SET_CASE 10
	W32 PLIC_CLAIM_CTX(CTX_M), UART_IRQ
	/* QEMU 7.2 deviates: its PLIC latches a source's pending bit only when the line changes, so a
	 * level that stayed asserted across claim and completion is not requested again. */
	SKIP_ON_QEMU72 3f
	WAIT_PENDING mip, MIP_MEIP
	R32 a0, PLIC_CLAIM_CTX(CTX_M)
	CHECK_EQ a0, UART_IRQ
3:
	/* 11: IIR says THRI; reading it clears the UART's request: after completion nothing is pending
	 * and IIR says "no interrupt" */
	SET_CASE 11
	UART_R a0, UART_IIR
	andi a0, a0, UART_IIR_ID | UART_IIR_NO_INT
	CHECK_EQ a0, UART_IIR_THRI
	W32 PLIC_CLAIM_CTX(CTX_M), UART_IRQ
	WAIT_PLIC_PENDING 0
	SETTLE
	CHECK_CSR_MASKED mip, MIP_MEIP, 0
	UART_R a0, UART_IIR
	andi a0, a0, UART_IIR_ID | UART_IIR_NO_INT
	CHECK_EQ a0, UART_IIR_NO_INT
	UART_W UART_IER, 0

	/* 12: routed to context 1 (S): SEIP, not MEIP */
	SET_CASE 12
	W32 PLIC_ENABLE_CTX(CTX_M), 0
	W32 PLIC_ENABLE_CTX(CTX_S), 1 << UART_IRQ
	UART_W UART_IER, UART_IER_THRI
	WAIT_PENDING mip, MIP_SEIP
	CHECK_CSR_MASKED mip, MIP_MEIP, 0
	/* 13: the software SEIP bit does not hide the PLIC's signal: clearing it by CSR, SEIP still 1.
	 * Setting and clearing another bit meanwhile must not latch the signal into the software bit
	 * (only the software bit takes part in csrrs/csrrc, 3.1.9): case 16 sees SEIP drop with the
	 * signal. */
	SET_CASE 13
	li t0, MIP_SEIP
	csrc mip, t0
	CHECK_CSR_MASKED mip, MIP_SEIP, MIP_SEIP
	li t0, MIP_SSIP
	csrs mip, t0
	csrc mip, t0
	CHECK_CSR_MASKED mip, MIP_SEIP | MIP_SSIP, MIP_SEIP
	/* 14: delegated SEI, pending when M returns to U: taken in S (interrupt | 9); S claims 10 from
	 * context 1 */
	SET_CASE 14
	li t0, MIP_SEIP
	csrw mideleg, t0
	csrw mie, t0
	EXPECT_TRAP 1f
	GOTO_MODE PRV_U, 2f
2:	SPIN_UNTIL_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_S_EXT), PRV_S
	CHECK_EPC 2b
	CHECK_IP MIP_SEIP, MIP_SEIP
	SET_CASE 15
	R32 a0, PLIC_CLAIM_CTX(CTX_S)
	CHECK_EQ a0, UART_IRQ
	UART_W UART_IER, 0
	W32 PLIC_CLAIM_CTX(CTX_S), UART_IRQ
	WAIT_NOT_PENDING sip, MIP_SEIP
	TO_M 1f
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	/* 16: with the signal gone and the software bit 0, SEIP reads 0 */
	SET_CASE 16
	CHECK_CSR_MASKED mip, MIP_SEIP | MIP_MEIP, 0
	csrw mie, zero
	csrw mideleg, zero
	W32 PLIC_ENABLE_CTX(CTX_S), 0
	W32 PLIC_SRC_PRIORITY, 0
TEST_END
