/* Page tables for the privileged-architecture tests (spec 1.12 sections 4.3-4.5: Sv39 = 3 levels,
 * Sv48 = 4 levels, 512 eight-byte entries per 4 KiB table, virtual address index of level i in bits
 * 12 + 9i .. 20 + 9i). Tables come from a static pool; the tests run with RAM identity-mapped, so
 * physical and M-mode addresses are the same. Leaf PTEs are written exactly as asked (the tests also
 * build invalid and misaligned ones); non-leaf PTEs are pointers (V only, spec 4.3.1). */
#include <stdint.h>

#include "guest/rv/priv/env/priv_defs.h"

#define POOL_PAGES 48

/* Callable from the assembly tests (standard calling convention). */
void pt_reset(void);
uint64_t pt_alloc(void);
void pt_map(uint64_t root, uint64_t levels, uint64_t va, uint64_t pa, uint64_t leaf_level, uint64_t pte_bits);
uint64_t pt_entry_addr(uint64_t root, uint64_t levels, uint64_t va, uint64_t level);
void pt_map_env(uint64_t root, uint64_t levels);
void env_fail(uint64_t reason, uint64_t found, uint64_t expected, uint64_t case_no) __attribute__((noreturn));

static uint64_t pool[POOL_PAGES][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned pool_used;

void pt_reset(void)
{
	pool_used = 0;
}

/* A zeroed table; running out of tables fails the test (case 255: it is an environment problem). */
uint64_t pt_alloc(void)
{
	if (pool_used >= POOL_PAGES)
		env_fail(0, pool_used, POOL_PAGES, 255);
	uint64_t *table = pool[pool_used++];
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		table[i] = 0;
	return (uint64_t)table;
}

static unsigned vpn(uint64_t va, uint64_t level)
{
	return (va >> (PAGE_SHIFT + PT_INDEX_BITS * level)) & (PT_ENTRIES - 1);
}

static uint64_t pte_target(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static uint64_t pointer_pte(uint64_t table)
{
	return ((table >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
}

/* Address of the PTE for `va` at `level` (0 = the 4 KiB level), creating the tables on the way. */
static uint64_t *walk_create(uint64_t root, uint64_t levels, uint64_t va, uint64_t level)
{
	uint64_t table = root;

	for (uint64_t l = levels - 1; l > level; l--) {
		uint64_t *pte = (uint64_t *)table + vpn(va, l);
		if (!(*pte & PTE_V) || (*pte & (PTE_R | PTE_W | PTE_X)))
			*pte = pointer_pte(pt_alloc());
		table = pte_target(*pte);
	}
	return (uint64_t *)table + vpn(va, level);
}

/* Maps `va` to `pa` with a leaf at `leaf_level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB with Sv48).
 * pte_bits are the low bits of the leaf (V R W X U G A D); the PPN comes from pa as is, so a pa that is
 * not aligned to the leaf's size gives a misaligned superpage. */
void pt_map(uint64_t root, uint64_t levels, uint64_t va, uint64_t pa, uint64_t leaf_level, uint64_t pte_bits)
{
	*walk_create(root, levels, va, leaf_level) = ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | pte_bits;
}

/* Address of the PTE at `level` on the path of `va`, or 0 if the walk stops earlier (a missing table
 * or a leaf above that level). Lets the tests read A/D bits and plant entries. */
uint64_t pt_entry_addr(uint64_t root, uint64_t levels, uint64_t va, uint64_t level)
{
	uint64_t table = root;

	for (uint64_t l = levels - 1; l > level; l--) {
		uint64_t pte = ((uint64_t *)table)[vpn(va, l)];
		if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W | PTE_X)))
			return 0;
		table = pte_target(pte);
	}
	return (uint64_t)((uint64_t *)table + vpn(va, level));
}

/* What every S-mode test needs: the devices (first GiB) and RAM (the GiB at 0x80000000) identity-mapped
 * as S-only gigapages with A and D already set, so that the test code, the handlers and the report keep
 * working once satp is on. */
void pt_map_env(uint64_t root, uint64_t levels)
{
	const uint64_t kernel_rw = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;

	pt_map(root, levels, 0, 0, 2, kernel_rw);
	pt_map(root, levels, RAM_BASE, RAM_BASE, 2, kernel_rw | PTE_X);
}
