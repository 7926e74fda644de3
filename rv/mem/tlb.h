/* The software TLB of a system-mode hart: the format that translated code, the interpreter's inline
 * fast path (rv/mem/mem.h) and the MMU that fills it (rv/system/mmu.c) share.
 *
 * One table per translation regime (RV_REGIME_*), so that a trap or a return between privilege levels
 * switches tables instead of flushing one. A table is direct-mapped by virtual page number. An access of
 * size bytes at virtual address va hits when
 *
 *     ((va + size - 1) & RV_TLB_PAGE_MASK) == entry(va).tag_<kind>
 *
 * which fails for an access that crosses into the next page (the slow path splits it), for a page the
 * access kind may not use, and for tags with a flag bit set (the low bits of a tag are never set in an
 * address compared with it). Then the host address is va + addend. Only guest RAM is ever reachable
 * through a hit: device pages carry RV_TLB_MMIO so every access to them takes the slow path, which finds
 * their physical address in phys[] without walking the page table again. */
#ifndef KARASU_RV_MEM_TLB_H
#define KARASU_RV_MEM_TLB_H

#include <stdint.h>

#define RV_TLB_BITS      10
#define RV_TLB_SIZE      (1u << RV_TLB_BITS)
#define RV_TLB_PAGE_MASK (~(uint64_t)0xfff)

/* Tag values: a page address, or one of these (never equal to a masked address). */
#define RV_TLB_INVALID (~(uint64_t)0) /* no translation for this kind of access */
#define RV_TLB_MMIO    ((uint64_t)1)  /* flag: the page is a device region (slow path, phys[] valid) */

/* Translation regimes: which table an access uses. Fetches use the one of the current privilege; data
 * accesses that of the effective privilege (mstatus.MPRV in M-mode selects MPP's). */
enum rv_regime {
	RV_REGIME_M = 0,     /* M-mode: physical addresses (PMP applies) */
	RV_REGIME_S = 1,     /* S-mode through satp, mstatus.SUM clear */
	RV_REGIME_S_SUM = 2, /* S-mode data accesses with SUM set (user pages reachable): a kernel toggles
	                      * SUM around every copy to or from user memory, which then switches tables
	                      * instead of flushing one */
	RV_REGIME_U = 3,     /* U-mode through satp */
	RV_REGIME_COUNT
};

struct rv_tlb_entry {
	uint64_t tag_read;  /* page address if loads may use it */
	uint64_t tag_write; /* page address if stores may use it (RAM, dirty, no translated code on it) */
	uint64_t tag_exec;  /* page address if fetches may use it */
	uintptr_t addend;   /* host address = va + addend */
};
_Static_assert(sizeof(struct rv_tlb_entry) == 32, "translated code indexes the table with a shift of 5");
#define RV_TLB_ENTRY_SHIFT 5

struct rv_tlb {
	struct rv_tlb_entry entry[RV_TLB_SIZE];
	uint64_t phys[RV_TLB_SIZE]; /* physical page address of the entry (valid when a tag is) */
};

/* All regimes of one hart; translated code keeps its address in a fixed host register. */
struct rv_tlb_set {
	struct rv_tlb regime[RV_REGIME_COUNT];
};

static inline unsigned rv_tlb_index(uint64_t va)
{
	return (unsigned)(va >> 12) & (RV_TLB_SIZE - 1);
}

#endif
