/* satp MODE is WARL (spec 1.12 section 4.1.11, table 4.4): "if satp is written with an unsupported
 * MODE, the entire write has no effect; no fields in satp are modified". MODE 1-7 and 12-15 are
 * reserved, 11 (Sv64) is not defined yet: a write of any of them leaves satp as it was. Sv39 must be
 * supported (Linux needs it). For Sv48 and Sv57 the test accepts either answer of the WARL field,
 * but checks it: a mode that reads back must really translate (a load through a 4-level or 5-level
 * table, at a VA that only that mode can map); a mode that does not read back must have left satp
 * unchanged. karasu-rv supports Sv48 and not Sv57 (QEMU 7.2's rv64 CPU supports both), so on karasu-rv
 * the Sv57 write must leave satp unchanged. Writes happen in M (satp does not translate M). */
#include "guest/rv/priv/env/privtest.inc"

#define VA_SV48_ONLY (1 << 39) /* not an Sv39 address (bits 63:39 differ from bit 38) */
#define VA_SV57_ONLY (1 << 48) /* not an Sv48 address */
#define KERNEL_RW    (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

	.data
	.balign 4096
probe_page:
	.dword 0x5a7a5a7a5a7a5a7a
	.balign 4096
	.text

/* s3 = satp value for `mode` with root s10 */
.macro SATP_VALUE mode
	srli s3, s10, PAGE_SHIFT
	li t0, (\mode) << SATP_MODE_SHIFT
	or s3, s3, t0
.endm

/* Writing `mode` must leave satp (currently s2) unchanged */
.macro CHECK_REJECTED mode
	SATP_VALUE \mode
	csrw satp, s3
	csrr a0, satp
	CHECK_EQ_REG a0, s2
.endm

/* For a mode the implementation may or may not support, with the table at s10 mapping `va` to
 * probe_page: if the write reads back, S loads through it; otherwise satp is unchanged (s2). */
.macro CHECK_OPTIONAL mode, va
	SATP_VALUE \mode
	csrw satp, s3
	sfence.vma
	csrr a0, satp
	bne a0, s3, .Lrejected\@
	li a1, \va
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0x5a7a5a7a5a7a5a7a
	j .Ldone\@
.Lrejected\@:
	CHECK_EQ_REG a0, s2
.Ldone\@:
	csrw satp, s2
	sfence.vma
.endm

TEST_BEGIN
	/* 1: Sv39 is supported: satp reads back mode and root */
	SET_CASE 1
	PT_NEW_ENV 3
	SATP_VALUE SATP_MODE_SV39
	csrw satp, s3
	csrr a0, satp
	CHECK_EQ_REG a0, s3
	mv s2, s3
	/* 2-4: reserved and undefined modes leave satp unchanged */
	SET_CASE 2
	CHECK_REJECTED 1
	CHECK_REJECTED 4
	CHECK_REJECTED 7
	SET_CASE 3
	CHECK_REJECTED SATP_MODE_SV64
	SET_CASE 4
	CHECK_REJECTED 12
	CHECK_REJECTED 15
	/* 5: Sv48: supported and working, or rejected */
	SET_CASE 5
	PT_NEW_ENV 4
	MAP_TO 4, VA_SV48_ONLY, probe_page, 0, KERNEL_RW
	CHECK_OPTIONAL SATP_MODE_SV48, VA_SV48_ONLY
	/* 6: Sv57 likewise */
	SET_CASE 6
	PT_NEW_ENV 5
	MAP_TO 5, VA_SV57_ONLY, probe_page, 0, KERNEL_RW
	CHECK_OPTIONAL SATP_MODE_SV57, VA_SV57_ONLY
	/* 7: Bare (all zero) is always accepted */
	SET_CASE 7
	csrw satp, zero
	CHECK_CSR satp, 0
	sfence.vma
TEST_END
