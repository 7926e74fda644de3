/* Stage-2 translation table builder (see stage2.h). */
#include "hv/arch/arm64/stage2.h"

#include "lib/mem.h"

#define S2_LEAF_LEVEL  3u
#define S2_BLOCK_LEVEL 2u

static unsigned level_shift(unsigned level)
{
	return S2_PAGE_SHIFT + 9u * (S2_LEAF_LEVEL - level);
}

static uint64_t level_size(unsigned level)
{
	return 1ull << level_shift(level);
}

static uint64_t *desc_table(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & S2_OA_MASK);
}

static bool desc_is_table(uint64_t desc, unsigned level)
{
	return level < S2_LEAF_LEVEL && (desc & S2_DESC_TYPE_MASK) == (S2_DESC_VALID | S2_DESC_TABLE);
}

static bool desc_is_leaf(uint64_t desc, unsigned level)
{
	if (!(desc & S2_DESC_VALID))
		return false;
	if (level == S2_LEAF_LEVEL)
		return (desc & S2_DESC_PAGE) != 0;
	return (desc & S2_DESC_TABLE) == 0;
}

int stage2_parange_bits(unsigned parange)
{
	static const int bits[] = {32, 36, 40, 42, 44, 48, 52};
	if (parange >= sizeof(bits) / sizeof(bits[0]))
		return -1;
	return bits[parange];
}

static bool attr_bits(enum stage2_attr attr, uint64_t *out)
{
	switch (attr) {
	case S2_ATTR_NORMAL_RWX:
		*out = (S2_MEMATTR_NORMAL_WB << S2_MEMATTR_SHIFT) | (S2_S2AP_RW << S2_S2AP_SHIFT) |
		       (S2_SH_INNER << S2_SH_SHIFT) | S2_AF;
		return true;
	case S2_ATTR_NORMAL_RO:
		*out = (S2_MEMATTR_NORMAL_WB << S2_MEMATTR_SHIFT) | (S2_S2AP_RO << S2_S2AP_SHIFT) |
		       (S2_SH_INNER << S2_SH_SHIFT) | S2_AF;
		return true;
	case S2_ATTR_DEVICE:
		*out = (S2_MEMATTR_DEVICE_nGnRE << S2_MEMATTR_SHIFT) | (S2_S2AP_RW << S2_S2AP_SHIFT) |
		       (S2_SH_NON << S2_SH_SHIFT) | S2_AF | S2_XN;
		return true;
	case S2_ATTR_DEVICE_RO:
		*out = (S2_MEMATTR_DEVICE_nGnRE << S2_MEMATTR_SHIFT) | (S2_S2AP_RO << S2_S2AP_SHIFT) |
		       (S2_SH_NON << S2_SH_SHIFT) | S2_AF | S2_XN;
		return true;
	}
	return false;
}

static enum stage2_attr attr_from_desc(uint64_t desc)
{
	if (((desc & S2_MEMATTR_MASK) >> S2_MEMATTR_SHIFT) == S2_MEMATTR_DEVICE_nGnRE)
		return ((desc & S2_S2AP_MASK) >> S2_S2AP_SHIFT) == S2_S2AP_RO ? S2_ATTR_DEVICE_RO
		                                                              : S2_ATTR_DEVICE;
	if (((desc & S2_S2AP_MASK) >> S2_S2AP_SHIFT) == S2_S2AP_RO)
		return S2_ATTR_NORMAL_RO;
	return S2_ATTR_NORMAL_RWX;
}

static uint64_t *alloc_table(struct stage2 *s2, size_t npages)
{
	uint64_t *t = s2->ops.alloc_pages(s2->ops.ctx, npages);
	if (!t)
		return NULL;
	/* The address goes into a descriptor: it must be page aligned and fit the output address field. */
	if (((uintptr_t)t & (S2_PAGE_SIZE * npages - 1)) || ((uint64_t)(uintptr_t)t & ~S2_OA_MASK)) {
		if (s2->ops.free_pages)
			s2->ops.free_pages(s2->ops.ctx, t, npages);
		return NULL;
	}
	k_memset(t, 0, S2_PAGE_SIZE * npages);
	s2->table_pages += npages;
	return t;
}

static void free_table(struct stage2 *s2, uint64_t *t, size_t npages)
{
	if (s2->ops.free_pages) {
		s2->ops.free_pages(s2->ops.ctx, t, npages);
		s2->table_pages -= npages;
	}
}

int stage2_init(struct stage2 *s2, unsigned parange, const struct stage2_ops *ops)
{
	if (!s2 || !ops || !ops->alloc_pages)
		return S2_ERR_ARG;
	int bits = stage2_parange_bits(parange);
	if (bits < 0)
		return S2_ERR_ARG;
	k_memset(s2, 0, sizeof(*s2));
	s2->ops = *ops;
	if (bits > (int)S2_MAX_IPA_BITS) {
		bits = S2_MAX_IPA_BITS;
		parange = 5; /* 48 bits */
	}
	s2->ipa_bits = (unsigned)bits;
	s2->parange = parange;
	/* Level 1 resolves 39 bits per table; up to 16 concatenated level-1 tables cover 43 bits. Beyond 42 bits
	 * (i.e. 44 and 48) start at level 0, which one table covers up to 48 bits. */
	if (s2->ipa_bits <= 42) {
		s2->start_level = 1;
		s2->root_tables = s2->ipa_bits > 39 ? 1u << (s2->ipa_bits - 39) : 1u;
	} else {
		s2->start_level = 0;
		s2->root_tables = 1;
	}
	s2->root = alloc_table(s2, s2->root_tables);
	if (!s2->root)
		return S2_ERR_NOMEM;
	return S2_OK;
}

uint64_t stage2_vtcr(const struct stage2 *s2)
{
	/* SL0 for a 4 KiB granule: 0 = level 2, 1 = level 1, 2 = level 0. */
	uint64_t sl0 = 2u - s2->start_level;
	return ((uint64_t)(64u - s2->ipa_bits) << VTCR_T0SZ_SHIFT) | (sl0 << VTCR_SL0_SHIFT) |
	       (VTCR_RGN_WBWA << VTCR_IRGN0_SHIFT) | (VTCR_RGN_WBWA << VTCR_ORGN0_SHIFT) |
	       (VTCR_SH0_INNER << VTCR_SH0_SHIFT) | (VTCR_TG0_4K << VTCR_TG0_SHIFT) |
	       (((uint64_t)s2->parange & VTCR_PS_MASK) << VTCR_PS_SHIFT) | VTCR_RES1;
}

uint64_t stage2_vttbr(const struct stage2 *s2, uint16_t vmid)
{
	return ((uint64_t)(uintptr_t)s2->root & S2_OA_MASK) | ((uint64_t)(vmid & 0xffu) << VTTBR_VMID_SHIFT);
}

/* Index of ipa's entry in a table at level (for the root, into the concatenated tables). */
static size_t entry_index(const struct stage2 *s2, unsigned level, uint64_t ipa)
{
	uint64_t idx = ipa >> level_shift(level);
	if (level == s2->start_level)
		return (size_t)(idx & (s2->root_tables * S2_ENTRIES - 1));
	return (size_t)(idx & (S2_ENTRIES - 1));
}

static int check_range(const struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	if (size == 0 || (ipa | size) & (S2_PAGE_SIZE - 1))
		return S2_ERR_ALIGN;
	uint64_t end = ipa + size;
	if (end < ipa || end > (1ull << s2->ipa_bits))
		return S2_ERR_RANGE;
	return S2_OK;
}

/* Whether any part of [ipa, end) has a valid leaf below table (at level, covering from table_base). */
static bool range_mapped(const struct stage2 *s2, const uint64_t *table, unsigned level, uint64_t ipa,
                         uint64_t end)
{
	uint64_t step = level_size(level);
	while (ipa < end) {
		uint64_t desc = table[entry_index(s2, level, ipa)];
		uint64_t next = (ipa & ~(step - 1)) + step;
		if (next > end || next == 0)
			next = end;
		if (desc_is_table(desc, level)) {
			if (range_mapped(s2, desc_table(desc), level + 1, ipa, next))
				return true;
		} else if (desc_is_leaf(desc, level)) {
			return true;
		}
		ipa = next;
	}
	return false;
}

/* Installs one leaf at target_level, creating intermediate tables. */
static int map_one(struct stage2 *s2, uint64_t ipa, uint64_t pa, unsigned target_level, uint64_t attrs)
{
	uint64_t *table = s2->root;
	for (unsigned level = s2->start_level; level < target_level; level++) {
		uint64_t *slot = &table[entry_index(s2, level, ipa)];
		if (!desc_is_table(*slot, level)) {
			uint64_t *next = alloc_table(s2, 1);
			if (!next)
				return S2_ERR_NOMEM;
			/* Running vCPUs may walk the table: the new table's zeros come before the entry that links it. */
			__atomic_thread_fence(__ATOMIC_RELEASE);
			*slot = ((uint64_t)(uintptr_t)next & S2_OA_MASK) | S2_DESC_VALID | S2_DESC_TABLE;
		}
		table = desc_table(*slot);
	}
	uint64_t desc = (pa & S2_OA_MASK) | attrs | S2_DESC_VALID;
	if (target_level == S2_LEAF_LEVEL)
		desc |= S2_DESC_PAGE;
	table[entry_index(s2, target_level, ipa)] = desc;
	return S2_OK;
}

int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, enum stage2_attr attr)
{
	uint64_t attrs;
	if (!s2 || !s2->root || !attr_bits(attr, &attrs))
		return S2_ERR_ARG;
	if (pa & (S2_PAGE_SIZE - 1))
		return S2_ERR_ALIGN;
	int err = check_range(s2, ipa, size);
	if (err)
		return err;
	if (pa + size < pa || ((pa + size - 1) & ~(S2_OA_MASK | (S2_PAGE_SIZE - 1))))
		return S2_ERR_RANGE;
	if (range_mapped(s2, s2->root, s2->start_level, ipa, ipa + size))
		return S2_ERR_OVERLAP;

	uint64_t done = 0;
	while (done < size) {
		uint64_t cur_ipa = ipa + done, cur_pa = pa + done;
		bool block = ((cur_ipa | cur_pa) & (S2_BLOCK_SIZE - 1)) == 0 && size - done >= S2_BLOCK_SIZE;
		err = map_one(s2, cur_ipa, cur_pa, block ? S2_BLOCK_LEVEL : S2_LEAF_LEVEL, attrs);
		if (err) {
			if (done)
				stage2_unmap(s2, ipa, done);
			return err;
		}
		done += block ? S2_BLOCK_SIZE : S2_PAGE_SIZE;
	}
	return S2_OK;
}

static bool table_empty(const uint64_t *table)
{
	for (unsigned i = 0; i < S2_ENTRIES; i++)
		if (table[i] & S2_DESC_VALID)
			return false;
	return true;
}

static void notify_tlb(struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	if (s2->ops.tlb_invalidate)
		s2->ops.tlb_invalidate(s2->ops.ctx, ipa, size);
}

/* If ipa lies strictly inside a block, replaces the block by a table of pages with the same output and
 * attributes (break-before-make: invalidate, TLB flush, then the table). */
static int split_block_at(struct stage2 *s2, uint64_t ipa)
{
	uint64_t *table = s2->root;
	for (unsigned level = s2->start_level; level < S2_LEAF_LEVEL; level++) {
		uint64_t *slot = &table[entry_index(s2, level, ipa)];
		uint64_t desc = *slot;
		if (desc_is_table(desc, level)) {
			table = desc_table(desc);
			continue;
		}
		if (!desc_is_leaf(desc, level))
			return S2_OK;
		uint64_t bsize = level_size(level);
		if ((ipa & (bsize - 1)) == 0)
			return S2_OK; /* on a boundary: no split needed */
		uint64_t *pages = alloc_table(s2, 1);
		if (!pages)
			return S2_ERR_NOMEM;
		/* Only level-2 blocks are ever created, so the next level holds pages. */
		uint64_t base_pa = desc & S2_OA_MASK & ~(bsize - 1);
		uint64_t attrs = desc & S2_ATTR_MASK;
		uint64_t sub = level_size(level + 1);
		for (unsigned i = 0; i < S2_ENTRIES; i++) {
			pages[i] = ((base_pa + i * sub) & S2_OA_MASK) | attrs | S2_DESC_VALID;
			if (level + 1 == S2_LEAF_LEVEL)
				pages[i] |= S2_DESC_PAGE;
		}
		*slot = 0;
		notify_tlb(s2, ipa & ~(bsize - 1), bsize);
		*slot = ((uint64_t)(uintptr_t)pages & S2_OA_MASK) | S2_DESC_VALID | S2_DESC_TABLE;
		table = pages;
	}
	return S2_OK;
}

/* Tables that became empty during an unmap are freed only after the TLB maintenance: until then a PE may still
 * walk them through a cached table entry. They wait on a list linked through their entry 0 (a page address:
 * bit 0 clear, so a walker that still reads it sees an invalid descriptor). */
static void defer_free(uint64_t **list, uint64_t *table)
{
	table[0] = (uint64_t)(uintptr_t)*list;
	*list = table;
}

/* Removes leaves in [ipa, end) below table; detaches tables that become empty (onto *empty). Returns whether
 * anything was removed. Splits were done beforehand, so every leaf met lies fully inside the range. */
static bool unmap_range(struct stage2 *s2, uint64_t *table, unsigned level, uint64_t ipa, uint64_t end,
                        uint64_t **empty)
{
	uint64_t step = level_size(level);
	bool removed = false;
	while (ipa < end) {
		uint64_t *slot = &table[entry_index(s2, level, ipa)];
		uint64_t next = (ipa & ~(step - 1)) + step;
		if (next > end || next == 0)
			next = end;
		if (desc_is_table(*slot, level)) {
			uint64_t *child = desc_table(*slot);
			if (unmap_range(s2, child, level + 1, ipa, next, empty))
				removed = true;
			if (table_empty(child) && s2->ops.free_pages) {
				*slot = 0;
				defer_free(empty, child);
				removed = true;
			}
		} else if (desc_is_leaf(*slot, level)) {
			*slot = 0;
			removed = true;
		}
		ipa = next;
	}
	return removed;
}

int stage2_unmap(struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	if (!s2 || !s2->root)
		return S2_ERR_ARG;
	int err = check_range(s2, ipa, size);
	if (err)
		return err;
	err = split_block_at(s2, ipa);
	if (!err)
		err = split_block_at(s2, ipa + size);
	if (err)
		return err;
	uint64_t *empty = NULL;
	if (unmap_range(s2, s2->root, s2->start_level, ipa, ipa + size, &empty))
		notify_tlb(s2, ipa, size);
	while (empty) {
		uint64_t *table = empty;
		empty = (uint64_t *)(uintptr_t)table[0];
		table[0] = 0;
		free_table(s2, table, 1);
	}
	return S2_OK;
}

bool stage2_lookup(const struct stage2 *s2, uint64_t ipa, struct stage2_mapping *out)
{
	if (!s2 || !s2->root || (s2->ipa_bits < 64 && ipa >> s2->ipa_bits))
		return false;
	const uint64_t *table = s2->root;
	for (unsigned level = s2->start_level; level <= S2_LEAF_LEVEL; level++) {
		uint64_t desc = table[entry_index(s2, level, ipa)];
		if (desc_is_table(desc, level)) {
			table = desc_table(desc);
			continue;
		}
		if (!desc_is_leaf(desc, level))
			return false;
		uint64_t size = level_size(level);
		if (out) {
			out->pa = (desc & S2_OA_MASK & ~(size - 1)) | (ipa & (size - 1));
			out->span = size - (ipa & (size - 1));
			out->attr = attr_from_desc(desc);
			out->level = level;
			out->desc = desc;
		}
		return true;
	}
	return false;
}

static void free_tree(struct stage2 *s2, uint64_t *table, unsigned level, size_t entries)
{
	for (size_t i = 0; i < entries; i++) {
		if (desc_is_table(table[i], level)) {
			uint64_t *child = desc_table(table[i]);
			free_tree(s2, child, level + 1, S2_ENTRIES);
			free_table(s2, child, 1);
		}
	}
}

void stage2_destroy(struct stage2 *s2)
{
	if (!s2 || !s2->root)
		return;
	free_tree(s2, s2->root, s2->start_level, (size_t)s2->root_tables * S2_ENTRIES);
	free_table(s2, s2->root, s2->root_tables);
	k_memset(s2, 0, sizeof(*s2));
}
