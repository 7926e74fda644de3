/* Physical memory protection (spec 1.12 section 3.7; 16 entries, RV64 pmpcfg0 = entries 0-7,
 * pmpcfg2 = entries 8-15, pmpaddr = address bits 55:2):
 *   - granularity: with pmp0cfg = 0 and pmpaddr0 = all ones, bit 0 reads 1 when G = 0 (4-byte
 *     granules, needed for NA4); bits 63:54 of pmpaddr are zero;
 *   - TOR (entry i covers [pmpaddr(i-1), pmpaddr(i)) ), NA4 (4 bytes), NAPOT (2^(n+3) bytes for n
 *     trailing ones) regions with R/W/X for S and U;
 *   - the lowest-numbered entry matching any byte of the access decides; it must match all bytes or
 *     the access fails, in every mode;
 *   - M-mode: no match, or a match with L = 0, succeeds; with L = 1 the permissions apply to M too;
 *   - S/U: no matching entry = failure when some entry is active (the environment's entry 15 normally
 *     matches everything);
 *   - page-table walks are checked as S-mode accesses (3.7.2); a failing walk access raises an access
 *     fault of the original access type;
 *   - L: writes to a locked entry's pmpcfg and pmpaddr are ignored, and a locked TOR entry also locks
 *     pmpaddr(i-1);
 *   - failures: fetch access fault 1, load 5, store/AMO 7, mtval = the address (3.1.16).
 * PMP settings are followed by SFENCE.VMA x0, x0 (3.7.2). S and U accesses run through the probes with
 * satp = Bare. */
#include "guest/rv/priv/env/privtest.inc"

	.data
	.balign 8192
region:               /* R: two pages the test protects */
	.dword 0x1010101010101010
	.space 4096 - 8
region_page2:
	.dword 0x2020202020202020
	.space 4096 - 8
	.text

#define PMP_RWX (PMP_R | PMP_W | PMP_X)

/* pmpaddr`i` = `reg` >> 2 (i: 0..7 as a literal) */
.macro PMP_ADDR_REG i, reg
	srli t0, \reg, PMP_SHIFT
	csrw pmpaddr\i, t0
.endm

/* pmp`i`cfg = cfg (entries 0..7, byte i of pmpcfg0), then SFENCE.VMA */
.macro PMP_CFG i, cfg
	li t0, 0xff << (8 * \i)
	csrc pmpcfg0, t0
	li t0, (\cfg) << (8 * \i)
	csrs pmpcfg0, t0
	sfence.vma
.endm

/* All of entries 0..7 OFF */
.macro PMP_CLEAR_LOW
	csrw pmpcfg0, zero
	sfence.vma
.endm

/* a1 = region + off */
.macro AT off
	lla a1, region
	li t0, \off
	add a1, a1, t0
.endm

TEST_BEGIN
	/* 1: granularity 4 bytes (G = 0), pmpaddr bits 63:54 zero */
	SET_CASE 1
	PMP_CLEAR_LOW
	li t0, -1
	csrw pmpaddr0, t0
	csrr a0, pmpaddr0
	CHECK_MASKED a0, 1, 1
	/* QEMU 7.2 deviates: its pmpaddr keeps bits 63:54. */
	SKIP_ON_QEMU72 1f
	CHECK_MASKED a0, 0xffc0000000000000, 0
1:

	/* 2-5: entry 1 TOR [region, region + 4096) read-only (entry 0 OFF supplies the base) */
	SET_CASE 2
	lla a2, region
	PMP_ADDR_REG 0, a2
	lla a2, region_page2
	PMP_ADDR_REG 1, a2
	PMP_CFG 1, PMP_TOR | PMP_R
	AT 8
	PROBE PRV_S, probe_ld, NO_FAULT
	SET_CASE 3
	AT 0xff8
	PROBE PRV_U, probe_sd, CAUSE_STORE_ACCESS
	CHECK_TVAL_REG a1
	/* 4: the top of a TOR range is exclusive: region_page2 falls to entry 15 */
	SET_CASE 4
	AT 4096
	PROBE PRV_S, probe_sd, NO_FAULT
	/* 5: just below the base: entry 15 too */
	SET_CASE 5
	AT -8
	PROBE PRV_S, probe_ld, NO_FAULT
	/* 6: an AMO on the read-only range: store/AMO access fault */
	SET_CASE 6
	AT 0x10
	PROBE PRV_S, probe_amoadd, CAUSE_STORE_ACCESS
	CHECK_TVAL_REG a1
	PMP_CLEAR_LOW

	/* 7-9: NA4 at region + 8 without permissions */
	SET_CASE 7
	AT 8
	PMP_ADDR_REG 0, a1
	PMP_CFG 0, PMP_NA4
	PROBE PRV_S, probe_lw, CAUSE_LOAD_ACCESS
	CHECK_TVAL_REG a1
	SET_CASE 8
	AT 12
	PROBE PRV_S, probe_lw, NO_FAULT
	/* 9: an 8-byte access at region + 8 only partly matches the (highest-priority) NA4 entry: it
	 * fails even in M, even though the entry gives RWX */
	SET_CASE 9
	PMP_CFG 0, PMP_NA4 | PMP_RWX
	AT 8
	EXPECT_TRAP 1f
2:	ld a0, 0(a1)
	NO_TRAP
1:	CHECK_TRAP CAUSE_LOAD_ACCESS, PRV_M
	CHECK_EPC 2b
	CHECK_TVAL_REG a1
	/* 10: the 4-byte part alone is fine in M */
	SET_CASE 10
	RESET_TRAP_COUNT
	AT 8
	lw a0, 0(a1)
	CHECK_TRAP_COUNT 0
	PMP_CLEAR_LOW

	/* 11-13: NAPOT over the first page, R W (no X) */
	SET_CASE 11
	lla a2, region
	srli a2, a2, PMP_SHIFT
	ori a2, a2, (4096 / 8) - 1
	csrw pmpaddr0, a2
	PMP_CFG 0, PMP_NAPOT | PMP_R | PMP_W
	AT 0xff8
	PROBE PRV_U, probe_ld, NO_FAULT
	AT 0
	li a2, 0x1010101010101010
	PROBE PRV_U, probe_sd, NO_FAULT
	/* 12: fetch from it: instruction access fault, mepc = mtval = the address */
	SET_CASE 12
	AT 0x40
	PROBE_AT PRV_S, a1, CAUSE_FETCH_ACCESS
	CHECK_TVAL_REG a1
	/* 13: an 8-byte NAPOT region (no trailing ones) at region + 16, no permissions: region + 16
	 * fails, region + 24 is outside it (entry 15) */
	SET_CASE 13
	AT 16
	srli t0, a1, PMP_SHIFT
	csrw pmpaddr0, t0
	PMP_CFG 0, PMP_NAPOT
	PROBE PRV_S, probe_ld, CAUSE_LOAD_ACCESS
	AT 24
	PROBE PRV_S, probe_ld, NO_FAULT
	PMP_CLEAR_LOW

	/* 14-16: priority: entry 0 = page 1 without permissions, entry 1 = both pages R W */
	SET_CASE 14
	lla a2, region
	srli a2, a2, PMP_SHIFT
	ori a2, a2, (4096 / 8) - 1
	csrw pmpaddr0, a2
	lla a2, region
	srli a2, a2, PMP_SHIFT
	ori a2, a2, (8192 / 8) - 1
	csrw pmpaddr1, a2
	PMP_CFG 0, PMP_NAPOT
	PMP_CFG 1, PMP_NAPOT | PMP_R | PMP_W
	AT 0x100
	PROBE PRV_S, probe_ld, CAUSE_LOAD_ACCESS
	CHECK_TVAL_REG a1
	SET_CASE 15
	AT 4096 + 0x100
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0
	/* 16: swapped permissions: entry 0 wins again */
	SET_CASE 16
	PMP_CFG 0, PMP_NAPOT | PMP_R
	PMP_CFG 1, PMP_NAPOT
	AT 0
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0x1010101010101010
	AT 4096
	PROBE PRV_S, probe_ld, CAUSE_LOAD_ACCESS
	/* 17: M ignores the permissions of L = 0 entries */
	SET_CASE 17
	RESET_TRAP_COUNT
	AT 4096
	ld a0, 0(a1)
	sd a0, 0(a1)
	CHECK_TRAP_COUNT 0
	PMP_CLEAR_LOW

	/* 18-20: without entry 15, S and U accesses that match no entry fail. Entries: 0 = page 1 R W,
	 * 2 = TOR [RAM_BASE, user_end) R X (the code, the probes), base in pmpaddr1 */
	SET_CASE 18
	csrw pmpcfg2, zero
	lla a2, region
	srli a2, a2, PMP_SHIFT
	ori a2, a2, (4096 / 8) - 1
	csrw pmpaddr0, a2
	li a2, RAM_BASE
	PMP_ADDR_REG 1, a2
	lla a2, user_end
	PMP_ADDR_REG 2, a2
	PMP_CFG 0, PMP_NAPOT | PMP_R | PMP_W
	PMP_CFG 2, PMP_TOR | PMP_R | PMP_X
	AT 0
	PROBE PRV_U, probe_ld, NO_FAULT
	CHECK_EQ a0, 0x1010101010101010
	SET_CASE 19
	AT 4096
	PROBE PRV_S, probe_ld, CAUSE_LOAD_ACCESS
	CHECK_TVAL_REG a1
	/* 20: M is not affected by the missing match */
	SET_CASE 20
	RESET_TRAP_COUNT
	AT 4096
	ld a0, 0(a1)
	CHECK_TRAP_COUNT 0
	/* Not checked: with every entry OFF the spec (3.7.1) makes all S and U accesses fail. karasu-rv
	 * does not follow it there (it applies the no-match rule only when some entry is active), and
	 * QEMU 7.2 does neither (its MRET to S or U raises an illegal instruction instead). */
	PMP_CLEAR_LOW
	/* back to the environment's entry 15 */
	li t0, (PMP_NAPOT | PMP_RWX) << 56
	csrw pmpcfg2, t0
	sfence.vma

	/* 21-22: PMP checks the page-table walk as S: with the root table in a region without
	 * permissions, the first S access, the fetch of the probe through the walk, raises an instruction
	 * access fault (not a page fault), mtval = the VA; with the entry off again, it works */
	SET_CASE 21
	PT_NEW_ENV 3
	SATP_ON SATP_MODE_SV39
	srli a2, s10, PMP_SHIFT
	ori a2, a2, (4096 / 8) - 1
	csrw pmpaddr0, a2
	PMP_CFG 0, PMP_NAPOT
	AT 0
	PROBE PRV_S, probe_ld, CAUSE_FETCH_ACCESS
	CHECK_TVAL_REG s8
	SET_CASE 22
	PMP_CLEAR_LOW
	AT 0
	PROBE PRV_S, probe_ld, NO_FAULT
	SATP_OFF

	/* 23-25: L: entry 4 = NA4 at region + 16, L R: M loads, M stores fault */
	SET_CASE 23
	AT 16
	PMP_ADDR_REG 4, a1
	PMP_CFG 4, PMP_L | PMP_NA4 | PMP_R
	AT 16
	lw a0, 0(a1)
	EXPECT_TRAP 1f
2:	sw a0, 0(a1)
	NO_TRAP
1:	CHECK_TRAP CAUSE_STORE_ACCESS, PRV_M
	CHECK_EPC 2b
	CHECK_TVAL_REG a1
	/* 24: the locked entry's pmpcfg byte and pmpaddr ignore writes */
	SET_CASE 24
	csrr s1, pmpaddr4
	PMP_CFG 4, 0
	li t0, 0x1234
	csrw pmpaddr4, t0
	csrr a0, pmpaddr4
	CHECK_EQ_REG a0, s1
	csrr a0, pmpcfg0
	srli a0, a0, 32
	CHECK_MASKED a0, 0xff, PMP_L | PMP_NA4 | PMP_R
	/* 25: a locked TOR entry 6 also locks pmpaddr5 */
	SET_CASE 25
	AT 32
	PMP_ADDR_REG 5, a1
	AT 64
	PMP_ADDR_REG 6, a1
	PMP_CFG 6, PMP_L | PMP_TOR | PMP_RWX
	csrr s1, pmpaddr5
	li t0, 0x5678
	csrw pmpaddr5, t0
	csrr a0, pmpaddr5
	CHECK_EQ_REG a0, s1
TEST_END
