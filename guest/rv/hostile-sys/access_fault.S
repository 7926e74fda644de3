/*
 * Accesses to physical addresses where the machine has nothing: each must raise an access fault in the
 * guest (privileged spec 1.12: table 3.6 causes 1 = instruction access fault, 5 = load access fault,
 * 7 = store/AMO access fault; section 3.1.16: mtval/stval = the faulting address, and for an access or
 * an instruction that crosses into the faulting region, the address of the portion that faulted, with
 * mepc/sepc = the start of the instruction; section 3.1.14: epc = the faulting instruction), taken
 * precisely (the destination register is not written, nothing after the instruction runs). The host
 * must not crash.
 *
 * Built twice: M-mode (access_fault.elf, -bios none, -m 128M) and S-mode (access_fault_smode.elf,
 * -bios default or OpenSBI: the firmware hands the S-mode faults to S, karasu's built-in SBI by
 * delegation, OpenSBI by redirection). RAM must be 128 MiB: RAM_END is the first address past it.
 *
 * Unmapped on both karasu-rv and QEMU 7.2 (checked there): 0x8 (below the boot ROM), 0x8000000 (between
 * the CLINT and the PLIC), RAM_END, 0x100000000 and the top of the address space. 0x40000000 is unmapped
 * only on karasu-rv, which has no PCI: QEMU maps its PCIe MMIO window there, so those cases are skipped
 * on QEMU (as are the AMO cases, where QEMU 7.2 deviates from the spec).
 */
#include "guest/rv/hostile-sys/hsys.inc"

#define ADDR_LOW     0x8
#define ADDR_GAP     0x8000000
#define ADDR_PCI     0x40000000
#define RAM_END      0x88000000 /* RAM_BASE + 128 MiB */
#define ADDR_HIGH    0x100000000
#define ADDR_TOP     0xfffffffffffffff8
#define SENTINEL     0x5a5a1234
#define INSN_NOP_LOW 0x0013 /* the low half of `addi x0, x0, 0` (0x00000013): a 32-bit instruction */

/* `insn` (using a1 = the address) must raise `cause` with tval = the address, epc = the instruction;
 * a0 (its destination) keeps SENTINEL and the instruction after it does not run (a3 stays 0). */
.macro FAULT_CASE n, cause, addr, insn:vararg
	SET_CASE \n
	li a1, \addr
	li a0, SENTINEL
	li a3, 0
	EXPECT_TRAP .Ltrapped\@
.Linsn\@:
	\insn
	addi a3, a3, 1
	NO_TRAP
.Ltrapped\@:
	CHECK_TRAP \cause, \addr, .Linsn\@
	CHECK_EQ a0, SENTINEL
	CHECK_EQ a3, 0
.endm

/* A jump to `addr`: instruction access fault with tval = epc = the target. */
.macro FETCH_CASE n, addr
	SET_CASE \n
	li a1, \addr
	EXPECT_TRAP .Ltrapped\@
	jalr ra, 0(a1)
	NO_TRAP
.Ltrapped\@:
	CHECK_EQ s2, CAUSE_FETCH_ACCESS
	CHECK_EQ s3, \addr
	CHECK_EQ s4, \addr
.endm

	HSYS_ENTRY
	TRAP_HANDLER

	.text
	.option norvc
test_main:
	/* FP loads and stores need FS != Off (they would be illegal instructions otherwise) */
	li t0, MSTATUS_FS_INITIAL
	csrs XSTATUS, t0

	/* loads: cause 5 */
	FAULT_CASE 1, CAUSE_LOAD_ACCESS, ADDR_LOW, lb a0, 0(a1)
	FAULT_CASE 2, CAUSE_LOAD_ACCESS, ADDR_GAP, lhu a0, 0(a1)
	FAULT_CASE 3, CAUSE_LOAD_ACCESS, RAM_END, lw a0, 0(a1)
	FAULT_CASE 4, CAUSE_LOAD_ACCESS, ADDR_HIGH, ld a0, 0(a1)
	FAULT_CASE 5, CAUSE_LOAD_ACCESS, ADDR_TOP, ld a0, 0(a1)
	FAULT_CASE 6, CAUSE_LOAD_ACCESS, ADDR_GAP, lr.d a0, (a1)
	FAULT_CASE 7, CAUSE_LOAD_ACCESS, RAM_END, fld f0, 0(a1)
	/* stores and AMOs: cause 7 */
	FAULT_CASE 8, CAUSE_STORE_ACCESS, ADDR_LOW, sb a0, 0(a1)
	FAULT_CASE 9, CAUSE_STORE_ACCESS, ADDR_GAP, sh a0, 0(a1)
	FAULT_CASE 10, CAUSE_STORE_ACCESS, RAM_END, sw a0, 0(a1)
	FAULT_CASE 11, CAUSE_STORE_ACCESS, ADDR_HIGH, sd a0, 0(a1)
	FAULT_CASE 12, CAUSE_STORE_ACCESS, ADDR_TOP, sd a0, 0(a1)
	FAULT_CASE 13, CAUSE_STORE_ACCESS, ADDR_GAP, fsd f0, 0(a1)
	/* 14-15: AMOs raise store/AMO access faults (table 3.6); QEMU 7.2 reports them as load access
	 * faults (QEMU issue 594), so they are skipped there */
	SKIP_ON_QEMU 5f
	FAULT_CASE 14, CAUSE_STORE_ACCESS, ADDR_GAP, amoadd.d a0, a2, (a1)
	FAULT_CASE 15, CAUSE_STORE_ACCESS, RAM_END, amoswap.w a0, a2, (a1)
5:
	/* a compressed load: epc is the 2-byte instruction */
	.option push
	.option rvc
	FAULT_CASE 16, CAUSE_LOAD_ACCESS, ADDR_GAP, c.ld a0, 0(a1)
	.option pop
	/* instruction fetches: cause 1 */
	FETCH_CASE 17, ADDR_GAP
	FETCH_CASE 18, RAM_END
	FETCH_CASE 19, ADDR_LOW

	/* 20: a 32-bit instruction whose second half lies past the end of RAM: epc = its start (RAM_END - 2),
	 * tval = the portion that faulted (RAM_END). Skipped on QEMU 7.2, which aborts on it (assertion
	 * `phys_page != -1' in translator_access). */
	SKIP_ON_QEMU 6f
	SET_CASE 20
	li a1, RAM_END - 2
	li t0, INSN_NOP_LOW
	sh t0, 0(a1)
	fence.i
	EXPECT_TRAP 1f
	jalr ra, 0(a1)
	NO_TRAP
1:	CHECK_EQ s2, CAUSE_FETCH_ACCESS
	CHECK_EQ s3, RAM_END
	CHECK_EQ s4, RAM_END - 2
6:

	/* 21-23: the same access many times in a loop (the translator's fast path, once warm, must still
	 * fault every time): 1000 faulting loads, each resumed at the next iteration */
	SET_CASE 21
	li a1, ADDR_GAP
	li s6, 1000
	li s7, 0 /* loads that did not trap */
	mv s5, zero
2:	lla s10, 3f
	ld a0, 0(a1)
	addi s7, s7, 1
3:	addi s6, s6, -1
	bnez s6, 2b
	CHECK_EQ s7, 0
	SET_CASE 22
	CHECK_EQ s5, 1000
	SET_CASE 23
	CHECK_EQ s2, CAUSE_LOAD_ACCESS

	/* 24-25: 0x40000000, where karasu-rv has no device (QEMU: its PCIe MMIO window) */
	SKIP_ON_QEMU 4f
	FAULT_CASE 24, CAUSE_LOAD_ACCESS, ADDR_PCI, lw a0, 0(a1)
	FAULT_CASE 25, CAUSE_STORE_ACCESS, ADDR_PCI, sw a0, 0(a1)
4:
	j hsys_pass
