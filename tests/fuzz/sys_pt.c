/* Random page tables of the system-mode fuzzer (sys_pt.h). The formats are those of the privileged
 * specification, section 4.3-4.5 (Sv39, Sv48): a PTE holds the PPN at bits 53:10 and V/R/W/X/U/G/A/D
 * in bits 7:0; a leaf at level L maps 2^(12 + 9L) bytes and its PPN's low 9L bits must be zero. */
#include "tests/fuzz/sys_pt.h"

#include <inttypes.h>
#include <string.h>

#include "rv/system/priv.h"
#include "tests/fuzz/sys_random.h"

/* The 1 GiB region of each slot (its address is this plus its data page's offset). All are canonical
 * in Sv48; the last two are not canonical in Sv39. None shares a level-2 entry with the kernel region
 * (level-2 index 256) or the user region (index 0). */
static const uint64_t slot_region[SYS_N_SLOTS] = {
    1ull << 30,                 /* 1 GiB */
    3ull << 30,                 /* 3 GiB */
    SYS_RAM_BASE,               /* 2 GiB: virtual address = physical address */
    64ull << 30,                /* 64 GiB */
    255ull << 30,               /* the top of Sv39's lower half */
    (uint64_t) - (1ll << 30),   /* -1 GiB */
    (uint64_t) - (7ll << 30),   /* -7 GiB */
    (uint64_t) - (100ll << 30), /* -100 GiB */
    1ull << 39,                 /* 512 GiB: Sv48 only */
    0xffff800000000000ull,      /* the bottom of Sv48's upper half: Sv48 only */
};
#define SLOT_FIRST_SV48_ONLY 8

static uint64_t rd64(const uint8_t *image, uint64_t off)
{
	uint64_t v;
	memcpy(&v, image + off, 8);
	return v;
}

static void wr64(uint8_t *image, uint64_t off, uint64_t v)
{
	memcpy(image + off, &v, 8);
}

static uint64_t pte_of(uint64_t pa, uint64_t bits)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | bits;
}

static uint64_t level_size(unsigned level)
{
	return 1ull << (PAGE_SHIFT + PTE_VPN_BITS * level);
}

static bool canonical(const struct sys_aspace *as, uint64_t va)
{
	unsigned bits = PAGE_SHIFT + PTE_VPN_BITS * as->levels;
	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits)) == va;
}

static uint64_t alloc_table(struct sys_pt *pt, uint8_t *image)
{
	if (pt->pages_used == SYS_PT_PAGES) {
		pt->overflow = true;
		return 0;
	}
	uint64_t off = SYS_PT_OFF + (uint64_t)pt->pages_used++ * PAGE_SIZE;
	memset(image + off, 0, PAGE_SIZE);
	return off;
}

/* The offset of va's PTE at `level`, making the tables above it (pointers: V only). 0 when the pool ran
 * out or a leaf is in the way. */
static uint64_t pte_slot(struct sys_pt *pt, uint8_t *image, const struct sys_aspace *as, uint64_t va,
                         unsigned level)
{
	uint64_t table = as->root_off;
	for (unsigned l = as->levels - 1; l > level; l--) {
		uint64_t off = table + ((va >> (PAGE_SHIFT + PTE_VPN_BITS * l)) & 511) * 8;
		uint64_t pte = rd64(image, off);
		if (pte & (PTE_R | PTE_X))
			return 0;
		if (!(pte & PTE_V)) {
			uint64_t t = alloc_table(pt, image);
			if (!t)
				return 0;
			pte = pte_of(SYS_RAM_BASE + t, PTE_V);
			wr64(image, off, pte);
		}
		table = (((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT) - SYS_RAM_BASE;
	}
	return table + ((va >> (PAGE_SHIFT + PTE_VPN_BITS * level)) & 511) * 8;
}

static uint64_t map(struct sys_pt *pt, uint8_t *image, const struct sys_aspace *as, uint64_t va,
                    unsigned level, uint64_t pte)
{
	uint64_t off = pte_slot(pt, image, as, va, level);
	if (off)
		wr64(image, off, pte);
	return off;
}

/* A/D/G at random (A and D mostly set: an access to a page without them updates the PTE). */
static uint64_t random_adg(uint64_t *seed)
{
	return (sys_chance(seed, 80) ? PTE_A : 0) | (sys_chance(seed, 70) ? PTE_D : 0) |
	       (sys_chance(seed, 30) ? PTE_G : 0);
}

uint64_t sys_pt_random_slot_pte(const struct sys_pt *pt, unsigned s, unsigned level, uint64_t *seed)
{
	uint64_t pa = SYS_RAM_BASE + pt->slot_data_off[s];
	bool writable_target = true;
	if (level == 0) {
		unsigned r = sys_pick(seed, 100);
		if (r < 60) {
			/* its own page */
		} else if (r < 75) { /* another slot's page: two addresses for one page */
			pa = SYS_RAM_BASE + pt->slot_data_off[sys_pick(seed, SYS_N_SLOTS)];
		} else if (r < 82) {
			pa = SYS_RAM_BASE + SYS_DATA_OFF +
			     (uint64_t)sys_pick(seed, SYS_DATA_PAGES) * PAGE_SIZE;
		} else if (r < 88) { /* code read as data (never written: stores into code need fence.i) */
			pa = SYS_RAM_BASE + SYS_PROG_OFF +
			     (uint64_t)sys_pick(seed, SYS_PROG_PAGES) * PAGE_SIZE;
			writable_target = false;
		} else if (r < 92) { /* a page table, read-only (written, it would need sfence.vma) */
			pa = SYS_RAM_BASE + SYS_PT_OFF + (uint64_t)sys_pick(seed, SYS_PT_PAGES) * PAGE_SIZE;
			writable_target = false;
		} else { /* the device page, or nothing at all (access faults) */
			pa = sys_chance(seed, 60) ? SYS_MMIO_BASE : SYS_RAM_BASE + SYS_RAM_SIZE + 0x5000;
		}
	} else {
		pa &= ~(level_size(level) - 1);
		if (sys_chance(seed, 3))
			pa |= PAGE_SIZE << sys_pick(seed, PTE_VPN_BITS * level); /* misaligned superpage */
	}
	static const uint64_t perms[] = {
	    PTE_R | PTE_W,         PTE_R | PTE_W, PTE_R | PTE_W, PTE_R, PTE_R,
	    PTE_R | PTE_W | PTE_X, PTE_X,         PTE_R | PTE_X, PTE_W /* reserved */};
	uint64_t p = perms[sys_pick(seed, sizeof(perms) / sizeof(perms[0]))];
	if (!writable_target)
		p &= ~PTE_W;
	if (!(p & (PTE_R | PTE_X)))
		p = level == 0 && sys_chance(seed, 50) ? 0 : PTE_R; /* level 0: "a pointer" (faults) */
	uint64_t pte = pte_of(pa, p | random_adg(seed) | (sys_chance(seed, 50) ? PTE_U : 0));
	if (sys_chance(seed, 8))
		pte &= ~PTE_V;
	if (sys_chance(seed, 2))
		pte |= 1ull << (54 + sys_pick(seed, 10)); /* reserved bits */
	return pte;
}

uint64_t sys_pt_random_code_pte(unsigned page, bool user, uint64_t *seed)
{
	uint64_t off = (sys_chance(seed, 50) ? SYS_PROG_OFF : SYS_ALT_OFF) + (uint64_t)page * PAGE_SIZE;
	uint64_t bits = PTE_V | PTE_R | PTE_X | (user ? PTE_U : 0) | random_adg(seed);
	if (sys_chance(seed, 40))
		bits |= PTE_W;
	if (sys_chance(seed, 8))
		bits &= ~PTE_X;
	if (sys_chance(seed, 5))
		bits &= ~PTE_V;
	return pte_of(SYS_RAM_BASE + off, bits);
}

/* The kernel or the user region of one address space. */
static void map_region(struct sys_pt *pt, uint8_t *image, struct sys_aspace *as, bool user, unsigned as_index,
                       uint64_t *seed)
{
	uint64_t base = user ? SYS_VA_USER : SYS_VA_KERNEL;
	unsigned level = sys_chance(seed, 50) ? 0 : 1 + sys_pick(seed, 2);
	uint64_t u = user ? PTE_U : 0;
	if (user)
		as->user_level = level;
	else
		as->kernel_level = level;
	if (level > 0) {
		/* everything, one leaf: readable and executable (the kernel region writable too) */
		uint64_t bits = PTE_V | PTE_R | PTE_X | u | random_adg(seed);
		if (!user || sys_chance(seed, 50))
			bits |= PTE_W;
		map(pt, image, as, base, level, pte_of(SYS_RAM_BASE, bits));
		return;
	}
	if (!user) {
		static const struct {
			uint64_t off, bits;
		} pages[] = {
		    {SYS_M_HANDLER_OFF, PTE_R | PTE_X},
		    {SYS_S_HANDLER_OFF, PTE_R | PTE_X},
		    {SYS_HDATA_OFF, PTE_R | PTE_W},
		    {SYS_TOHOST_OFF, PTE_R | PTE_W},
		};
		for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
			map(pt, image, as, base + pages[i].off, 0,
			    pte_of(SYS_RAM_BASE + pages[i].off, PTE_V | pages[i].bits | random_adg(seed)));
	}
	/* the program: its own pages, but in the second address space often the alternative ones */
	unsigned alt_percent = as_index == 0 ? 5 : 35;
	bool writable = sys_chance(seed, 50);
	for (unsigned i = 0; i < SYS_PROG_PAGES; i++) {
		uint64_t off =
		    (sys_chance(seed, alt_percent) ? SYS_ALT_OFF : SYS_PROG_OFF) + (uint64_t)i * PAGE_SIZE;
		uint64_t bits = PTE_V | PTE_R | PTE_X | u | random_adg(seed) | (writable ? PTE_W : 0);
		uint64_t pte_off = map(pt, image, as, base + SYS_PROG_OFF + (uint64_t)i * PAGE_SIZE, 0,
		                       pte_of(SYS_RAM_BASE + off, bits));
		if (user)
			as->user_code_pte[i] = pte_off;
		else
			as->kernel_code_pte[i] = pte_off;
	}
}

static void map_slots(struct sys_pt *pt, uint8_t *image, struct sys_aspace *as, uint64_t *seed)
{
	for (unsigned s = 0; s < SYS_N_SLOTS; s++) {
		struct sys_slot_map *m = &as->slot[s];
		uint64_t va = pt->slot_va[s];
		memset(m, 0, sizeof(*m));
		if (!canonical(as, va))
			continue;
		m->level = sys_chance(seed, 60) ? 0 : 1 + sys_pick(seed, 2);
		m->pte_off = map(pt, image, as, va, m->level, sys_pt_random_slot_pte(pt, s, m->level, seed));
		if (m->level == 0) {
			/* the next page: the slot's second data page, mostly */
			uint64_t pte = sys_pt_random_slot_pte(pt, s, 0, seed);
			if (sys_chance(seed, 70))
				pte = (pte & ((1ull << PTE_PPN_SHIFT) - 1)) |
				      pte_of(SYS_RAM_BASE + pt->slot_data_off[s] + PAGE_SIZE, 0);
			m->next_pte_off = map(pt, image, as, va + PAGE_SIZE, 0, pte);
		}
	}
	/* Now and then a broken pointer on the way to a slot, at the level-2 entry only that slot uses. */
	for (unsigned s = 0; s < SYS_N_SLOTS; s++) {
		struct sys_slot_map *m = &as->slot[s];
		if (!m->pte_off || m->level >= 2 || !sys_chance(seed, 6))
			continue;
		uint64_t off = pte_slot(pt, image, as, pt->slot_va[s], 2);
		if (!off)
			continue;
		uint64_t pte = rd64(image, off);
		static const uint64_t damage[] = {PTE_V, PTE_U, PTE_A, PTE_D};
		uint64_t d = damage[sys_pick(seed, 4)];
		wr64(image, off, d == PTE_V ? pte & ~PTE_V : pte | d);
	}
}

void sys_pt_build(struct sys_pt *pt, uint8_t *image, uint64_t *seed)
{
	memset(pt, 0, sizeof(*pt));
	for (unsigned s = 0; s < SYS_N_SLOTS; s++) {
		pt->slot_data_off[s] =
		    SYS_DATA_OFF + (uint64_t)sys_pick(seed, SYS_SLOT_DATA_PAIRS) * 2 * PAGE_SIZE;
		pt->slot_va[s] = slot_region[s] + pt->slot_data_off[s];
	}
	for (unsigned a = 0; a < SYS_N_ASPACES; a++) {
		struct sys_aspace *as = &pt->as[a];
		bool sv48 = sys_chance(seed, 50);
		as->levels = sv48 ? 4 : 3;
		as->root_off = alloc_table(pt, image);
		as->satp = ((sv48 ? SATP_MODE_SV48 : SATP_MODE_SV39) << SATP_MODE_SHIFT) |
		           ((SYS_RAM_BASE + as->root_off) >> PAGE_SHIFT);
		map_region(pt, image, as, false, a, seed);
		map_region(pt, image, as, true, a, seed);
		map_slots(pt, image, as, seed);
	}
}

static void describe_pte(FILE *out, uint64_t pte)
{
	fprintf(out, "%016" PRIx64 " (pa %#" PRIx64 " %c%c%c%c%c%c%c%c%s)", pte,
	        (uint64_t)(((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT), pte & PTE_V ? 'V' : '-',
	        pte & PTE_R ? 'R' : '-', pte & PTE_W ? 'W' : '-', pte & PTE_X ? 'X' : '-',
	        pte & PTE_U ? 'U' : '-', pte & PTE_G ? 'G' : '-', pte & PTE_A ? 'A' : '-',
	        pte & PTE_D ? 'D' : '-', pte & PTE_RESERVED_MASK ? " reserved bits" : "");
}

void sys_pt_describe(const struct sys_pt *pt, const uint8_t *image, FILE *out)
{
	static const char *const size[] = {"4K", "2M", "1G"};
	for (unsigned a = 0; a < SYS_N_ASPACES; a++) {
		const struct sys_aspace *as = &pt->as[a];
		fprintf(out,
		        "#   address space %u: satp %016" PRIx64
		        " (Sv%u), kernel region %s leaves, user region %s leaves\n",
		        a, as->satp, as->levels == 4 ? 48 : 39, size[as->kernel_level], size[as->user_level]);
		for (unsigned s = 0; s < SYS_N_SLOTS; s++) {
			const struct sys_slot_map *m = &as->slot[s];
			fprintf(out, "#     slot %u va %016" PRIx64 ": ", s, pt->slot_va[s]);
			if (!m->pte_off) {
				fprintf(out, "not canonical\n");
				continue;
			}
			fprintf(out, "%s leaf ", size[m->level]);
			describe_pte(out, rd64(image, m->pte_off));
			if (m->next_pte_off) {
				fprintf(out, ", next page ");
				describe_pte(out, rd64(image, m->next_pte_off));
			}
			fprintf(out, "\n");
		}
	}
}
