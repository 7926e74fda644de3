/* WFI (spec 1.12 section 3.3.3): the hart resumes when an interrupt that is enabled in mie becomes
 * pending, whatever the global enables MIE/SIE and whatever mideleg; with the interrupt globally
 * disabled no trap is taken and execution continues after the WFI; when it is globally enabled the
 * trap is taken with mepc = the instruction after the WFI. WFI may also return early (a NOP is a legal
 * WFI), so the test loops on WFI until the interrupt is pending, and checks that time has really
 * reached the deadline; and it must not wait when an enabled interrupt is already pending.
 * S-mode may execute WFI (TW = 0). */
#include "guest/rv/priv/env/privtest.inc"

#define DEADLINE (TIMEBASE_HZ / 500) /* 2 ms */
#define STCE     (1 << MENVCFG_STCE_SHIFT)

/* WFI until `csr` shows a bit of `mask` pending; fails after SPIN_LIMIT rounds. */
.macro WFI_UNTIL csr, mask
	li t0, SPIN_LIMIT
.Lwait\@:
	wfi
	csrr t1, \csr
	li t2, \mask
	and t1, t1, t2
	bnez t1, .Lwoken\@
	addi t0, t0, -1
	bnez t0, .Lwait\@
	j test_fail_no_trap
.Lwoken\@:
.endm

TEST_BEGIN
	csrw mie, zero
	/* 1-2: M, MIE = 0, MTIE = 1: WFI returns once MTIP is pending; no trap; mtime >= mtimecmp */
	SET_CASE 1
	li t0, MIP_MTIP
	csrw mie, t0
	RESET_TRAP_COUNT
	SET_MTIMECMP_IN DEADLINE
	WFI_UNTIL mip, MIP_MTIP
	CHECK_TRAP_COUNT 0
	SET_CASE 2
	READ_MTIME a0
	MTIMECMP_ADDR t1
	ld a1, 0(t1)
	sltu t0, a0, a1
	CHECK_EQ t0, 0
	SET_MTIMECMP -1
	csrw mie, zero

	/* 3: M, MIE = 0, SIE = 0, STI delegated to S and enabled in mie (Sstc stimecmp): WFI still
	 * returns when STIP becomes pending (delegation does not matter); no trap */
	SET_CASE 3
	li t0, STCE
	csrs menvcfg, t0
	li t0, MIP_STIP
	csrw mideleg, t0
	csrw mie, t0
	csrci sstatus, MSTATUS_SIE
	rdtime t1
	li t0, DEADLINE
	add t1, t1, t0
	csrw CSR_STIMECMP, t1
	WFI_UNTIL mip, MIP_STIP
	CHECK_TRAP_COUNT 0
	rdtime a0
	csrr a1, CSR_STIMECMP
	sltu t0, a0, a1
	CHECK_EQ t0, 0
	li t0, -1
	csrw CSR_STIMECMP, t0
	WAIT_NOT_PENDING mip, MIP_STIP

	/* 4: S, SIE = 0, delegated STI enabled: WFI in S returns when it is pending, no trap */
	SET_CASE 4
	li t0, COUNTEREN_TM
	csrw mcounteren, t0
	GOTO_MODE PRV_S, 2f
2:	rdtime t1
	li t0, DEADLINE
	add t1, t1, t0
	csrw CSR_STIMECMP, t1
	WFI_UNTIL sip, MIP_STIP
	CHECK_TRAP_COUNT 0
	li t0, -1
	csrw CSR_STIMECMP, t0
	WAIT_NOT_PENDING sip, MIP_STIP
	TO_M 1f
1:	CHECK_TRAP CAUSE_ECALL_S, PRV_M
	csrw mideleg, zero
	csrw mcounteren, zero
	li t0, STCE
	csrc menvcfg, t0

	/* 5: M with MIE = 1: the interrupt is taken, mepc = the instruction after the WFI (pc + 4: the
	 * hart stalls in WFI, as karasu-rv's and QEMU's do; a NOP WFI could give any address in the loop) */
	SET_CASE 5
	li t0, MIP_MTIP
	csrw mie, t0
	SET_MTIMECMP_IN DEADLINE
	EXPECT_TRAP 1f
	csrsi mstatus, MSTATUS_MIE
	li t0, SPIN_LIMIT
3:	wfi
4:	addi t0, t0, -1
	bnez t0, 3b
	NO_TRAP
1:	CHECK_TRAP INTERRUPT(IRQ_M_TIMER), PRV_M
	CHECK_EPC 4b
	SET_MTIMECMP -1
	csrw mie, zero

	/* 6: an interrupt already pending and enabled: WFI does not wait (with MIE = 0, MSIE = 1) */
	SET_CASE 6
	li t0, MIP_MSIP
	csrw mie, t0
	SET_MSIP 1
	WAIT_PENDING mip, MIP_MSIP
	READ_MTIME s1
	wfi
	READ_MTIME s2
	sub s2, s2, s1
	li t1, TIMEBASE_HZ /* well under a second (a WFI that waited would never return here) */
	sltu t0, s2, t1
	CHECK_EQ t0, 1
	SET_MSIP 0
	csrw mie, zero
TEST_END
