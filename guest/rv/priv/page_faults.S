/* Page-fault kinds and permissions (spec 1.12 sections 4.3.1, 4.3.2 step 5, 3.1.6.3 / 4.1.1.2 for SUM
 * and MXR, 3.1.16 for mtval), Sv39, nothing delegated (every fault is taken by M with mepc = the
 * access and mtval = the faulting virtual address):
 *   - U may access only U pages; S may not access U pages unless SUM = 1, and never executes from them;
 *   - a load needs R, or X with MXR = 1; a store needs W; a fetch needs X;
 *   - load faults are cause 13, store/AMO faults 15, fetch faults 12;
 *   - a misaligned access split across two pages uses both translations; when the second page faults,
 *     mtval is the address of the part that faulted (3.1.16: "the virtual address of the portion of the
 *     access that caused the fault"), the start of that page here. */
#include "guest/rv/priv/env/privtest.inc"

#define LEVELS 3
#define VA_U_RW       (TEST_VA_BASE + 0x0000)
#define VA_U_RO       (TEST_VA_BASE + 0x1000)
#define VA_U_XONLY    (TEST_VA_BASE + 0x2000) /* the probe code */
#define VA_S_RW       (TEST_VA_BASE + 0x3000)
#define VA_S_XONLY    (TEST_VA_BASE + 0x4000) /* the probe code */
#define VA_U_NOX      (TEST_VA_BASE + 0x5000)
#define VA_S_LAST     (TEST_VA_BASE + 0x6000) /* followed by an unmapped page */
#define VA_SPLIT_LOW  (TEST_VA_BASE + 0x8000) /* -> page_low */
#define VA_SPLIT_HIGH (TEST_VA_BASE + 0x9000) /* -> page_high */
#define U_RW          (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
#define S_RW          (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

	.data
	.balign 4096
data_page:
	.dword 0x1111111111111111
	.balign 4096
page_low:
	.space 4096 - 8
	.dword 0x4444444433333333
page_high:
	.dword 0x6666666655555555
	.balign 4096
	.text

/* reg = VA `base` + the offset of `label` in the .user page */
.macro CODE_VA reg, base, label
	lla \reg, \label
	lla t0, user_start
	sub \reg, \reg, t0
	li t0, \base
	add \reg, \reg, t0
.endm

TEST_BEGIN
	PT_NEW_ENV LEVELS
	MAP_TO LEVELS, VA_U_RW, data_page, 0, U_RW
	MAP_TO LEVELS, VA_U_RO, data_page, 0, PTE_V | PTE_R | PTE_U | PTE_A
	MAP_TO LEVELS, VA_U_XONLY, user_start, 0, PTE_V | PTE_X | PTE_U | PTE_A
	MAP_TO LEVELS, VA_S_RW, data_page, 0, S_RW
	MAP_TO LEVELS, VA_S_XONLY, user_start, 0, PTE_V | PTE_X | PTE_A
	MAP_TO LEVELS, VA_U_NOX, data_page, 0, PTE_V | PTE_R | PTE_U | PTE_A
	MAP_TO LEVELS, VA_S_LAST, data_page, 0, S_RW
	MAP_TO LEVELS, VA_SPLIT_LOW, page_low, 0, S_RW
	MAP_TO LEVELS, VA_SPLIT_HIGH, page_high, 0, S_RW
	MAP_USER_PAGE LEVELS
	SATP_ON SATP_MODE_SV39

	/* 1: U loads from a U page */
	SET_CASE 1
	li a1, VA_U_RW
	PROBE_USER probe_ld, NO_FAULT
	CHECK_EQ a0, 0x1111111111111111
	/* 2: U stores to a U read-only page: store page fault */
	SET_CASE 2
	li a1, VA_U_RO + 0x10
	PROBE_USER probe_sd, CAUSE_STORE_PAGE
	CHECK_TVAL VA_U_RO + 0x10
	/* 3: U loads from an S page */
	SET_CASE 3
	li a1, VA_S_RW + 0x28
	PROBE_USER probe_ld, CAUSE_LOAD_PAGE
	CHECK_TVAL VA_S_RW + 0x28
	/* 4: U stores to an S page */
	SET_CASE 4
	li a1, VA_S_RW + 0x30
	PROBE_USER probe_sb, CAUSE_STORE_PAGE
	CHECK_TVAL VA_S_RW + 0x30
	/* 5: U AMO on an S page: store/AMO page fault (3.1.15: AMOs raise store/AMO exceptions).
	 * QEMU 7.2 deviates: when the page is not readable either, its AMO reports a load page fault. */
	SET_CASE 5
	li a1, VA_S_RW
	SKIP_ON_QEMU72 1f
	PROBE_USER probe_amoadd, CAUSE_STORE_PAGE
	CHECK_TVAL VA_S_RW
1:
	/* 6: U executes from an S page: instruction page fault, mepc = mtval = the target */
	SET_CASE 6
	CODE_VA t1, VA_S_XONLY, probe_ecall
	PROBE_AT PRV_U, t1, CAUSE_FETCH_PAGE
	CHECK_TVAL_REG s8
	/* 7: U executes from a U page without X */
	SET_CASE 7
	li t1, VA_U_NOX + 0x40
	PROBE_AT PRV_U, t1, CAUSE_FETCH_PAGE
	CHECK_TVAL VA_U_NOX + 0x40
	/* 8: U executes from a U execute-only page */
	SET_CASE 8
	CODE_VA t1, VA_U_XONLY, probe_ecall
	PROBE_AT PRV_U, t1, NO_FAULT
	/* 9: U loads from the execute-only page: fault with MXR = 0 ... */
	SET_CASE 9
	li a1, VA_U_XONLY
	PROBE_USER probe_lw, CAUSE_LOAD_PAGE
	CHECK_TVAL VA_U_XONLY
	/* 10: ... and reads the code with MXR = 1 */
	SET_CASE 10
	li t0, MSTATUS_MXR
	csrs mstatus, t0
	li a1, VA_U_XONLY
	PROBE_USER probe_lw, NO_FAULT
	lla t0, user_start
	lw t1, 0(t0)
	CHECK_EQ_REG a0, t1
	li t0, MSTATUS_MXR
	csrc mstatus, t0

	/* 11: S loads from a U page with SUM = 0 */
	SET_CASE 11
	li a1, VA_U_RW + 8
	PROBE PRV_S, probe_ld, CAUSE_LOAD_PAGE
	CHECK_TVAL VA_U_RW + 8
	/* 12: S stores to a U page with SUM = 0 */
	SET_CASE 12
	li a1, VA_U_RW + 8
	PROBE PRV_S, probe_sd, CAUSE_STORE_PAGE
	CHECK_TVAL VA_U_RW + 8
	/* 13: SUM = 1: S loads and stores U pages */
	SET_CASE 13
	li t0, MSTATUS_SUM
	csrs mstatus, t0
	li a1, VA_U_RW
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0x1111111111111111
	li a1, VA_U_RW + 8
	li a2, 0x77
	PROBE PRV_S, probe_sd, NO_FAULT
	lla t0, data_page
	ld a0, 8(t0)
	CHECK_EQ a0, 0x77
	/* 14: SUM = 1 does not let S execute from a U page */
	SET_CASE 14
	CODE_VA t1, VA_U_XONLY, probe_ecall
	PROBE_AT PRV_S, t1, CAUSE_FETCH_PAGE
	CHECK_TVAL_REG s8
	/* 15: SUM = 1 and MXR = 1: S reads a U execute-only page */
	SET_CASE 15
	li t0, MSTATUS_MXR
	csrs mstatus, t0
	li a1, VA_U_XONLY
	PROBE PRV_S, probe_lw, NO_FAULT
	lla t0, user_start
	lw t1, 0(t0)
	CHECK_EQ_REG a0, t1
	li t0, MSTATUS_MXR | MSTATUS_SUM
	csrc mstatus, t0
	/* 16: S loads from an S execute-only page: fault with MXR = 0, works with MXR = 1 */
	SET_CASE 16
	li a1, VA_S_XONLY
	PROBE PRV_S, probe_lw, CAUSE_LOAD_PAGE
	CHECK_TVAL VA_S_XONLY
	li t0, MSTATUS_MXR
	csrs mstatus, t0
	li a1, VA_S_XONLY
	PROBE PRV_S, probe_lw, NO_FAULT
	li t0, MSTATUS_MXR
	csrc mstatus, t0
	/* 17: MXR does not make a page writable */
	SET_CASE 17
	li t0, MSTATUS_MXR
	csrs mstatus, t0
	li a1, VA_S_XONLY
	PROBE PRV_S, probe_sb, CAUSE_STORE_PAGE
	li t0, MSTATUS_MXR
	csrc mstatus, t0

	/* 18: a misaligned load split over two pages mapped to unrelated physical pages */
	SET_CASE 18
	li a1, VA_SPLIT_HIGH - 4
	PROBE PRV_S, probe_ld, NO_FAULT
	CHECK_EQ a0, 0x5555555544444444
	/* 19: a misaligned load whose second part is in an unmapped page: load page fault, mtval = the
	 * start of the unmapped page */
	SET_CASE 19
	li a1, VA_S_LAST + PAGE_SIZE - 4
	PROBE PRV_S, probe_ld, CAUSE_LOAD_PAGE
	CHECK_TVAL VA_S_LAST + PAGE_SIZE
	/* 20: the same for a store */
	SET_CASE 20
	li a1, VA_S_LAST + PAGE_SIZE - 2
	PROBE PRV_S, probe_sd, CAUSE_STORE_PAGE
	CHECK_TVAL VA_S_LAST + PAGE_SIZE
	SATP_OFF
TEST_END
