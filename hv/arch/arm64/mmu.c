/* EL2 stage-1 tables: 4 KiB granule, 48-bit VA (start at level 0), blocks of 1 GiB / 2 MiB where the range
 * allows, pages elsewhere. Tables come from a static pool (the EL2 map is small and built once). */
#include "hv/arch/arm64/mmu.h"

#include <stddef.h>

#include "hv/arch/arm64/sysreg.h"
#include "lib/mem.h"

#define VA_BITS            48u
#define PAGE_SHIFT         12u
#define PAGE_SIZE          (1ull << PAGE_SHIFT)
#define TABLE_ENTRIES      512u
#define LEVEL_SHIFT(level) (PAGE_SHIFT + 9u * (3u - (level)))
#define POOL_TABLES        64u

/* Descriptor fields (VMSAv8-64 stage 1, EL2 translation regime). */
#define DESC_VALID      (1ull << 0)
#define DESC_TABLE      (1ull << 1) /* levels 0-2: table; level 3: page */
#define DESC_ATTRIDX(i) ((uint64_t)(i) << 2)
#define DESC_AP_RW_EL2  (0ull << 6)
#define DESC_SH_INNER   (3ull << 8)
#define DESC_AF         (1ull << 10)
#define DESC_XN         (1ull << 54)
#define DESC_ADDR_MASK  0x0000fffffffff000ull

static uint64_t table_pool[POOL_TABLES][TABLE_ENTRIES] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t *root;

static uint64_t *new_table(void)
{
	if (pool_used == POOL_TABLES)
		return NULL;
	uint64_t *t = table_pool[pool_used++];
	k_memset(t, 0, PAGE_SIZE);
	return t;
}

unsigned mmu_pa_bits(void)
{
	static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned pr = (unsigned)(read_sysreg(id_aa64mmfr0_el1) & MMFR0_PARANGE_MASK);
	unsigned b = pr < sizeof(bits) / sizeof(bits[0]) ? bits[pr] : 48;
	return b > VA_BITS ? VA_BITS : b;
}

static uint64_t leaf_attrs(enum el2_map_kind kind)
{
	if (kind == EL2_MAP_DEVICE)
		return DESC_ATTRIDX(MAIR_IDX_DEVICE) | DESC_AP_RW_EL2 | DESC_AF | DESC_XN;
	return DESC_ATTRIDX(MAIR_IDX_NORMAL) | DESC_AP_RW_EL2 | DESC_SH_INNER | DESC_AF;
}

static bool map_one(uint64_t addr, unsigned level, uint64_t attrs)
{
	uint64_t *table = root;
	for (unsigned l = 0; l < level; l++) {
		uint64_t *entry = &table[(addr >> LEVEL_SHIFT(l)) % TABLE_ENTRIES];
		if (!(*entry & DESC_VALID)) {
			uint64_t *next = new_table();
			if (!next)
				return false;
			*entry = (uint64_t)(uintptr_t)next | DESC_TABLE | DESC_VALID;
		} else if (!(*entry & DESC_TABLE)) {
			return true; /* already covered by a block (first mapping wins) */
		}
		table = (uint64_t *)(uintptr_t)(*entry & DESC_ADDR_MASK);
	}
	uint64_t *entry = &table[(addr >> LEVEL_SHIFT(level)) % TABLE_ENTRIES];
	if (*entry & DESC_VALID)
		return true;
	*entry = addr | attrs | DESC_VALID | (level == 3 ? DESC_TABLE : 0);
	return true;
}

bool mmu_map_identity(uint64_t base, uint64_t size, enum el2_map_kind kind)
{
	if (!root && !(root = new_table()))
		return false;
	uint64_t start = base & ~(PAGE_SIZE - 1);
	uint64_t end = (base + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (end > (1ull << mmu_pa_bits()) || end < start)
		return false;
	uint64_t attrs = leaf_attrs(kind);
	while (start < end) {
		unsigned level = 3;
		for (unsigned l = 1; l < 3; l++) {
			uint64_t block = 1ull << LEVEL_SHIFT(l);
			if ((start & (block - 1)) == 0 && end - start >= block) {
				level = l;
				break;
			}
		}
		if (!map_one(start, level, attrs))
			return false;
		start += 1ull << LEVEL_SHIFT(level);
	}
	return true;
}

void mmu_enable(void)
{
	unsigned parange = (unsigned)(read_sysreg(id_aa64mmfr0_el1) & MMFR0_PARANGE_MASK);
	if (parange > 5)
		parange = 5; /* 48 bits: what this table format covers */
	uint64_t tcr = TCR_EL2_RES1 | TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
	               TCR_TG0_4K | ((uint64_t)parange << TCR_PS_SHIFT);
	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, tcr);
	write_sysreg(ttbr0_el2, (uint64_t)(uintptr_t)root);
	isb();
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb_sy();
	isb();
	uint64_t sctlr = read_sysreg(sctlr_el2);
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	sctlr &= ~(SCTLR_A | SCTLR_WXN);
	write_sysreg(sctlr_el2, sctlr);
	isb();
}
