/* Physical memory protection (privileged spec section 3.7): 16 entries, TOR/NA4/NAPOT, the L bit, a
 * granularity of 4 bytes. As on QEMU, S/U accesses are checked only once some entry is configured (a
 * machine whose firmware never touches PMP lets S-mode reach all of memory). */
#include "rv/system/hart.h"

/* The byte range [*lo, *hi) entry i covers; false for OFF. hi may be 2^64 (as 0 with *all set). */
static bool entry_range(const struct rv_hart *h, unsigned i, uint64_t *lo, uint64_t *hi)
{
	unsigned a = (h->pmpcfg[i] & PMP_A_MASK) >> PMP_A_SHIFT;
	uint64_t addr = h->pmpaddr[i];
	switch (a) {
	case PMP_A_TOR:
		*lo = i == 0 ? 0 : h->pmpaddr[i - 1] << 2;
		*hi = addr << 2;
		return true;
	case PMP_A_NA4:
		*lo = addr << 2;
		*hi = *lo + 4;
		return true;
	case PMP_A_NAPOT: {
		/* trailing ones give the size: t ones -> 2^(t+3) bytes */
		unsigned t = 0;
		while (t < 54 && ((addr >> t) & 1))
			t++;
		uint64_t size_log2 = t + 3;
		*lo = (addr & ~((1ull << t) - 1)) << 2 & ~((1ull << size_log2) - 1);
		*hi = size_log2 >= 64 ? UINT64_MAX : *lo + (1ull << size_log2);
		return true;
	}
	default: return false;
	}
}

/* Permissions of a matching entry for privilege priv: M-mode is bound only by locked entries. */
static unsigned entry_perm(const struct rv_hart *h, unsigned i, unsigned priv)
{
	uint8_t cfg = h->pmpcfg[i];
	if (priv == RV_PRIV_M && !(cfg & PMP_L))
		return PMP_R | PMP_W | PMP_X;
	return cfg & (PMP_R | PMP_W | PMP_X);
}

static unsigned no_match_perm(const struct rv_hart *h, unsigned priv)
{
	return priv == RV_PRIV_M || !h->pmp_active ? PMP_R | PMP_W | PMP_X : 0;
}

unsigned rv_pmp_check(const struct rv_hart *h, uint64_t pa, uint64_t size, unsigned priv)
{
	if (!h->pmp_active)
		return PMP_R | PMP_W | PMP_X;
	uint64_t end = pa + size; /* accesses never wrap (the callers split at pages) */
	for (unsigned i = 0; i < PMP_ENTRIES; i++) {
		uint64_t lo, hi;
		if (!entry_range(h, i, &lo, &hi) || hi <= lo)
			continue;
		if (end <= lo || pa >= hi)
			continue; /* no byte in common */
		/* the lowest-numbered entry matching any byte decides; it must cover them all */
		if (pa < lo || end > hi)
			return 0;
		return entry_perm(h, i, priv);
	}
	return no_match_perm(h, priv);
}

bool rv_pmp_page_uniform(const struct rv_hart *h, uint64_t page_pa, unsigned priv, unsigned *perm)
{
	if (!h->pmp_active) {
		*perm = PMP_R | PMP_W | PMP_X;
		return true;
	}
	uint64_t end = page_pa + PAGE_SIZE;
	for (unsigned i = 0; i < PMP_ENTRIES; i++) {
		uint64_t lo, hi;
		if (!entry_range(h, i, &lo, &hi) || hi <= lo)
			continue;
		if (end <= lo || page_pa >= hi)
			continue;
		if (page_pa < lo || end > hi)
			return false; /* an entry boundary inside the page: check every access */
		*perm = entry_perm(h, i, priv);
		return true;
	}
	*perm = no_match_perm(h, priv);
	return true;
}

static void update_active(struct rv_hart *h)
{
	h->pmp_active = false;
	for (unsigned i = 0; i < PMP_ENTRIES; i++)
		if (h->pmpcfg[i] & PMP_A_MASK)
			h->pmp_active = true;
}

uint64_t rv_pmp_read_cfg(const struct rv_hart *h, unsigned index)
{
	/* pmpcfgN (N even) holds entries 4N .. 4N+7 */
	uint64_t v = 0;
	for (unsigned b = 0; b < 8; b++) {
		unsigned e = index * 4 + b;
		if (e < PMP_ENTRIES)
			v |= (uint64_t)h->pmpcfg[e] << (8 * b);
	}
	return v;
}

bool rv_pmp_write_cfg(struct rv_hart *h, unsigned index, uint64_t value)
{
	bool changed = false;
	for (unsigned b = 0; b < 8; b++) {
		unsigned e = index * 4 + b;
		if (e >= PMP_ENTRIES || (h->pmpcfg[e] & PMP_L))
			continue; /* absent, or locked until reset */
		uint8_t cfg = (uint8_t)(value >> (8 * b)) & PMP_CFG_MASK;
		if ((cfg & (PMP_R | PMP_W)) == PMP_W)
			cfg &= (uint8_t)~PMP_W; /* R=0 W=1 is reserved: WARL to no write permission */
		if (cfg != h->pmpcfg[e]) {
			h->pmpcfg[e] = cfg;
			changed = true;
		}
	}
	update_active(h);
	return changed;
}

bool rv_pmp_write_addr(struct rv_hart *h, unsigned index, uint64_t value)
{
	if (h->pmpcfg[index] & PMP_L)
		return false;
	/* the base of a locked TOR entry above is locked too */
	if (index + 1 < PMP_ENTRIES && (h->pmpcfg[index + 1] & PMP_L) &&
	    ((h->pmpcfg[index + 1] & PMP_A_MASK) >> PMP_A_SHIFT) == PMP_A_TOR)
		return false;
	value &= PMP_ADDR_MASK;
	if (value == h->pmpaddr[index])
		return false;
	h->pmpaddr[index] = value;
	return true;
}
