/* Address translation of a system-mode hart: the Sv39/Sv48 page-table walk with permission checks and
 * hardware A/D updates (privileged spec chapter 4), PMP on every physical access (pmp.c), the software
 * TLB's fills and flushes (rv/mem/tlb.h), and the slow paths of loads, stores, fetches and atomics:
 * device accesses, accesses crossing a page, stores into pages that hold translated code. */
#include <string.h>

#include "rv/mem/mem.h"
#include "rv/system/hart.h"
#include "rv/system/htif.h"
#include "rv/system/machine.h"

enum access {
	ACCESS_LOAD,
	ACCESS_STORE,
	ACCESS_FETCH,
};

/* What a translated page is: RAM/ROM (host != NULL) or a device (host == NULL). */
struct xlate {
	uint64_t pa;
	uint8_t *host; /* host address of pa, NULL for MMIO */
};

static const uint64_t page_fault_cause[] = {EXC_LOAD_PAGE_FAULT, EXC_STORE_PAGE_FAULT, EXC_INSN_PAGE_FAULT};
static const uint64_t access_fault_cause[] = {EXC_LOAD_ACCESS, EXC_STORE_ACCESS, EXC_INSN_ACCESS};
static const uint32_t fault_kind_of[] = {RV_FAULT_LOAD, RV_FAULT_STORE, RV_FAULT_FETCH};

static bool fault(struct rv_hart *h, uint64_t cause, uint64_t tval, enum access acc)
{
	h->cpu.trap_cause = cause;
	h->cpu.fault_addr = tval;
	h->cpu.fault_kind = fault_kind_of[acc];
	return false;
}

/* ---- flushes ---- */

static void tlb_clear(struct rv_tlb *t)
{
	memset(t->entry, 0xff, sizeof(t->entry)); /* every tag RV_TLB_INVALID */
}

static void regime_flush(struct rv_hart *h, unsigned r)
{
	tlb_clear(&h->tlb->regime[r]);
	h->super_lo[r] = UINT64_MAX;
	h->super_hi[r] = 0;
}

void rv_mmu_flush_all(struct rv_hart *h)
{
	for (unsigned r = 0; r < RV_REGIME_COUNT; r++)
		regime_flush(h, r);
	h->n_tlb_flush++;
}

void rv_mmu_flush_guest(struct rv_hart *h)
{
	regime_flush(h, RV_REGIME_S);
	regime_flush(h, RV_REGIME_S_SUM);
	regime_flush(h, RV_REGIME_U);
	h->n_tlb_flush++;
}

void rv_mmu_flush_page(struct rv_hart *h, uint64_t va)
{
	for (unsigned r = RV_REGIME_S; r <= RV_REGIME_U; r++) {
		if (va >= h->super_lo[r] && va < h->super_hi[r]) {
			regime_flush(h, r); /* va may lie in a superpage cached as many 4 KiB entries */
			continue;
		}
		struct rv_tlb_entry *e = &h->tlb->regime[r].entry[rv_tlb_index(va)];
		e->tag_read = e->tag_write = e->tag_exec = RV_TLB_INVALID;
	}
}

/* ---- the page-table walk ---- */

/* Which regime's table and which privilege an access uses. */
static unsigned access_regime(const struct rv_hart *h, enum access acc, unsigned *eff_priv)
{
	unsigned priv = h->priv;
	if (acc != ACCESS_FETCH && priv == RV_PRIV_M && (h->mstatus & MSTATUS_MPRV))
		priv = (unsigned)((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
	*eff_priv = priv;
	if (priv == RV_PRIV_S)
		return acc != ACCESS_FETCH && (h->mstatus & MSTATUS_SUM) ? RV_REGIME_S_SUM : RV_REGIME_S;
	return priv == RV_PRIV_M ? RV_REGIME_M : RV_REGIME_U;
}

/* Host memory behind a physical range, or NULL for a device / nothing; *is_mmio tells which. */
static uint8_t *phys_host(struct rv_hart *h, uint64_t pa, uint64_t len, bool *writable)
{
	uint8_t *host;
	if (rv_bus_ram(&h->machine->bus, pa, len, &host)) {
		*writable = true;
		return host;
	}
	if (rv_bus_rom(&h->machine->bus, pa, len, &host)) {
		*writable = false;
		return host;
	}
	return NULL;
}

struct walk {
	uint64_t pa;     /* physical address of the accessed byte */
	uint64_t pte;    /* the leaf PTE (after A/D updates) */
	unsigned level;  /* 0: 4 KiB page, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB */
	bool translated; /* false: bare (no page table) */
};

/* Walks the page table for va (section 4.3.2). Returns true with the leaf, or false with the fault set
 * in the hart (page fault, or access fault when a page-table access itself is refused). */
static bool walk(struct rv_hart *h, uint64_t va, enum access acc, unsigned eff_priv, struct walk *w)
{
	uint64_t mode = h->satp >> SATP_MODE_SHIFT;
	w->translated = eff_priv != RV_PRIV_M && mode != SATP_MODE_BARE;
	if (!w->translated) {
		w->pa = va;
		w->level = 0;
		w->pte = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
		return true;
	}
	unsigned levels = mode == SATP_MODE_SV48 ? 4 : 3;
	unsigned va_bits = PAGE_SHIFT + PTE_VPN_BITS * levels;
	/* the address must be sign-extended from its top bit */
	int64_t sext = (int64_t)(va << (64 - va_bits)) >> (64 - va_bits);
	if ((uint64_t)sext != va)
		return fault(h, page_fault_cause[acc], va, acc);

restart:;
	uint64_t table = (h->satp & SATP_PPN_MASK) << PAGE_SHIFT;
	for (int i = (int)levels - 1; i >= 0; i--) {
		uint64_t vpn = (va >> (PAGE_SHIFT + PTE_VPN_BITS * (unsigned)i)) & ((1u << PTE_VPN_BITS) - 1);
		uint64_t pte_pa = table + vpn * 8;
		bool writable;
		uint8_t *pte_host = phys_host(h, pte_pa, 8, &writable);
		/* page-table accesses are checked by PMP as S-mode accesses */
		if (!pte_host || !(rv_pmp_check(h, pte_pa, 8, RV_PRIV_S) & PMP_R))
			return fault(h, access_fault_cause[acc], va, acc);
		uint64_t pte = __atomic_load_n((uint64_t *)pte_host, __ATOMIC_ACQUIRE);
		if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W) || (pte & PTE_RESERVED_MASK))
			return fault(h, page_fault_cause[acc], va, acc);
		if (!(pte & (PTE_R | PTE_X))) {
			/* a pointer to the next level */
			if (i == 0 || (pte & (PTE_A | PTE_D | PTE_U)))
				return fault(h, page_fault_cause[acc], va, acc);
			table = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT;
			continue;
		}
		/* a leaf: permissions */
		bool user_page = (pte & PTE_U) != 0;
		if (eff_priv == RV_PRIV_U && !user_page)
			return fault(h, page_fault_cause[acc], va, acc);
		if (eff_priv == RV_PRIV_S && user_page &&
		    (acc == ACCESS_FETCH || !(h->mstatus & MSTATUS_SUM)))
			return fault(h, page_fault_cause[acc], va, acc);
		bool ok = acc == ACCESS_FETCH ? (pte & PTE_X)
		          : acc == ACCESS_STORE
		              ? (pte & PTE_W)
		              : ((pte & PTE_R) || ((h->mstatus & MSTATUS_MXR) && (pte & PTE_X)));
		if (!ok)
			return fault(h, page_fault_cause[acc], va, acc);
		uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
		/* a superpage's low PPN fields must be zero */
		if (i > 0 && (ppn & ((1ull << (PTE_VPN_BITS * (unsigned)i)) - 1)))
			return fault(h, page_fault_cause[acc], va, acc);
		/* hardware A/D update, atomic with respect to other harts */
		uint64_t want = pte | PTE_A | (acc == ACCESS_STORE ? PTE_D : 0);
		if (want != pte) {
			if (!writable || !(rv_pmp_check(h, pte_pa, 8, RV_PRIV_S) & PMP_W))
				return fault(h, access_fault_cause[acc], va, acc);
			if (!__atomic_compare_exchange_n((uint64_t *)pte_host, &pte, want, false,
			                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				goto restart; /* the PTE changed under us: walk again */
			rv_machine_code_written(h->machine, pte_pa, 8);
			pte = want;
		}
		unsigned shift = PAGE_SHIFT + PTE_VPN_BITS * (unsigned)i;
		w->pa = ((ppn << PAGE_SHIFT) & ~((1ull << shift) - 1)) | (va & ((1ull << shift) - 1));
		w->pte = pte;
		w->level = (unsigned)i;
		return true;
	}
	return fault(h, page_fault_cause[acc], va, acc);
}

/* ---- TLB fill ---- */

/* Enters the 4 KiB page of va into the regime's TLB: page_host is the host address of the physical
 * page's first byte (NULL for a device page), pmp what PMP allows on the whole page. */
static void fill(struct rv_hart *h, unsigned regime, unsigned eff_priv, uint64_t va, const struct walk *w,
                 uint8_t *host, bool writable, unsigned pmp)
{
	uint64_t page = va & RV_TLB_PAGE_MASK;
	uint64_t pa_page = w->pa & RV_TLB_PAGE_MASK;
	uint64_t pte = w->pte;
	bool user_page = w->translated && (pte & PTE_U);
	bool r = (pte & PTE_R) || ((h->mstatus & MSTATUS_MXR) && (pte & PTE_X));
	bool wr = (pte & PTE_W) && (pte & PTE_D);
	bool x = (pte & PTE_X) != 0;
	if (w->translated && eff_priv == RV_PRIV_S && user_page) {
		x = false;
		if (!(h->mstatus & MSTATUS_SUM))
			r = wr = false;
	}
	r = r && (pmp & PMP_R);
	wr = wr && (pmp & PMP_W);
	x = x && (pmp & PMP_X);
	unsigned idx = rv_tlb_index(va);
	struct rv_tlb *t = &h->tlb->regime[regime];
	struct rv_tlb_entry *e = &t->entry[idx];

	pthread_mutex_lock(&h->tlb_lock);
	if (host) {
		/* a store into a page holding translated code must reach rv_machine_code_written, and one
		 * into HTIF's tohost the HTIF */
		bool code = writable && (rv_machine_page_has_code(h->machine, pa_page) ||
		                         rv_htif_watched(h->machine, pa_page, PAGE_SIZE));
		e->addend = (uintptr_t)host - page; /* host is the page's first byte */
		e->tag_read = r ? page : RV_TLB_INVALID;
		e->tag_write = wr && writable && !code ? page : RV_TLB_INVALID;
		e->tag_exec = x ? page : RV_TLB_INVALID;
	} else {
		e->addend = 0;
		e->tag_read = r ? page | RV_TLB_MMIO : RV_TLB_INVALID;
		e->tag_write = wr ? page | RV_TLB_MMIO : RV_TLB_INVALID;
		e->tag_exec = RV_TLB_INVALID; /* no instructions from devices */
	}
	t->phys[idx] = pa_page;
	pthread_mutex_unlock(&h->tlb_lock);

	if (w->level > 0) {
		if (page < h->super_lo[regime])
			h->super_lo[regime] = page;
		if (page + PAGE_SIZE > h->super_hi[regime])
			h->super_hi[regime] = page + PAGE_SIZE;
	}
}

/* Translates va for one access kind (slow path): the TLB entry if it is valid for this kind, else a walk,
 * PMP and a fill. size is the number of bytes accessed within this page (for PMP). */
static bool translate(struct rv_hart *h, uint64_t va, unsigned size, enum access acc, struct xlate *out)
{
	unsigned eff_priv;
	unsigned regime = access_regime(h, acc, &eff_priv);
	struct rv_tlb *t = &h->tlb->regime[regime];
	unsigned idx = rv_tlb_index(va);
	const struct rv_tlb_entry *e = &t->entry[idx];
	uint64_t page = va & RV_TLB_PAGE_MASK;
	uint64_t tag = acc == ACCESS_LOAD ? e->tag_read : acc == ACCESS_STORE ? e->tag_write : e->tag_exec;
	if ((tag & ~RV_TLB_MMIO) == page && tag != RV_TLB_INVALID) {
		out->pa = t->phys[idx] | (va & ~RV_TLB_PAGE_MASK);
		out->host = (tag & RV_TLB_MMIO) ? NULL : (uint8_t *)(uintptr_t)(va + e->addend);
		return true;
	}
	h->n_tlb_miss++;
	struct walk w;
	if (!walk(h, va, acc, eff_priv, &w))
		return false;
	if (w.pa >> 56)
		return fault(h, access_fault_cause[acc], va, acc); /* beyond the physical address space */
	uint64_t pa_page = w.pa & RV_TLB_PAGE_MASK;
	bool writable = false;
	uint8_t *page_host = phys_host(h, pa_page, PAGE_SIZE, &writable);
	bool device = !page_host && rv_bus_find(&h->machine->bus, w.pa);
	if (!page_host && !device)
		return fault(h, access_fault_cause[acc], va, acc); /* nothing there */
	if (device && acc == ACCESS_FETCH)
		return fault(h, access_fault_cause[acc], va, acc);
	if (acc == ACCESS_STORE && page_host && !writable)
		return fault(h, access_fault_cause[acc], va, acc); /* the boot ROM */
	unsigned perm;
	static const unsigned need[] = {PMP_R, PMP_W, PMP_X};
	if (rv_pmp_page_uniform(h, pa_page, eff_priv, &perm)) {
		if (!(perm & need[acc]))
			return fault(h, access_fault_cause[acc], va, acc);
		fill(h, regime, eff_priv, va, &w, page_host, writable, perm);
	} else if (!(rv_pmp_check(h, w.pa, size, eff_priv) & need[acc])) {
		/* PMP boundaries inside the page: no TLB entry, every access is checked here */
		return fault(h, access_fault_cause[acc], va, acc);
	}
	out->pa = w.pa;
	out->host = page_host ? page_host + (w.pa - pa_page) : NULL;
	return true;
}

/* ---- slow paths ---- */

static bool in_one_page(uint64_t va, unsigned size)
{
	return ((va ^ (va + size - 1)) & RV_TLB_PAGE_MASK) == 0;
}

static bool load_slow(struct rv_cpu *cpu, uint64_t va, unsigned size, uint64_t *value)
{
	struct rv_hart *h = rv_hart_of(cpu);
	if (in_one_page(va, size)) {
		struct xlate x;
		if (!translate(h, va, size, ACCESS_LOAD, &x))
			return false;
		if (x.host) {
			*value = rv_mem_read_host(x.host, size);
			return true;
		}
		h->n_mmio++;
		if (rv_bus_read(&h->machine->bus, x.pa, size, value) != RV_MMIO_OK)
			return fault(h, EXC_LOAD_ACCESS, va, ACCESS_LOAD);
		return true;
	}
	/* a misaligned access crossing a page: both pages must be RAM, translated before reading */
	unsigned first = (unsigned)(((va | (PAGE_SIZE - 1)) + 1) - va);
	struct xlate a, b;
	if (!translate(h, va, first, ACCESS_LOAD, &a) ||
	    !translate(h, va + first, size - first, ACCESS_LOAD, &b))
		return false;
	if (!a.host || !b.host)
		return fault(h, EXC_LOAD_ACCESS, a.host ? va + first : va, ACCESS_LOAD);
	uint8_t bytes[8];
	memcpy(bytes, a.host, first);
	memcpy(bytes + first, b.host, size - first);
	*value = rv_mem_read_host(bytes, size);
	return true;
}

static bool store_slow(struct rv_cpu *cpu, uint64_t va, unsigned size, uint64_t value)
{
	struct rv_hart *h = rv_hart_of(cpu);
	struct rv_machine *m = h->machine;
	if (in_one_page(va, size)) {
		struct xlate x;
		if (!translate(h, va, size, ACCESS_STORE, &x))
			return false;
		if (x.host) {
			rv_machine_code_written(m, x.pa, size);
			rv_mem_write_host(x.host, size, value);
			if (rv_htif_watched(m, x.pa, size))
				rv_htif_tohost_written(m);
			return true;
		}
		h->n_mmio++;
		if (rv_bus_write(&m->bus, x.pa, size, value) != RV_MMIO_OK)
			return fault(h, EXC_STORE_ACCESS, va, ACCESS_STORE);
		return true;
	}
	unsigned first = (unsigned)(((va | (PAGE_SIZE - 1)) + 1) - va);
	struct xlate a, b;
	if (!translate(h, va, first, ACCESS_STORE, &a) ||
	    !translate(h, va + first, size - first, ACCESS_STORE, &b))
		return false;
	if (!a.host || !b.host)
		return fault(h, EXC_STORE_ACCESS, a.host ? va + first : va, ACCESS_STORE);
	uint8_t bytes[8];
	rv_mem_write_host(bytes, size, value);
	rv_machine_code_written(m, a.pa, first);
	rv_machine_code_written(m, b.pa, size - first);
	memcpy(a.host, bytes, first);
	memcpy(b.host, bytes + first, size - first);
	return true;
}

/* Reads the 2-byte half of an instruction at va. */
static bool fetch_half(struct rv_hart *h, uint64_t va, uint16_t *half)
{
	struct xlate x;
	if (!translate(h, va, 2, ACCESS_FETCH, &x))
		return false;
	memcpy(half, x.host, 2);
	return true;
}

static bool fetch_slow(struct rv_cpu *cpu, uint64_t va, uint32_t *raw)
{
	struct rv_hart *h = rv_hart_of(cpu);
	if (va & 1)
		return fault(h, EXC_INSN_MISALIGNED, va, ACCESS_FETCH);
	uint16_t lo, hi;
	if (!fetch_half(h, va, &lo))
		return false;
	if ((lo & 3) != 3) {
		*raw = lo;
		return true;
	}
	if (!fetch_half(h, va + 2, &hi))
		return false;
	*raw = (uint32_t)lo | ((uint32_t)hi << 16);
	return true;
}

static void *atomic_slow(struct rv_cpu *cpu, uint64_t va, unsigned size, bool store)
{
	struct rv_hart *h = rv_hart_of(cpu);
	enum access acc = store ? ACCESS_STORE : ACCESS_LOAD;
	if (va & (size - 1)) {
		fault(h, store ? EXC_STORE_MISALIGNED : EXC_LOAD_MISALIGNED, va, acc);
		h->cpu.fault_kind = RV_FAULT_MISALIGNED;
		return NULL;
	}
	struct xlate x;
	/* an AMO needs both permissions; a store-side fault is reported for it (section 4.3.2) */
	if (store && !translate(h, va, size, ACCESS_LOAD, &x)) {
		h->cpu.trap_cause =
		    h->cpu.trap_cause == EXC_LOAD_PAGE_FAULT ? EXC_STORE_PAGE_FAULT : EXC_STORE_ACCESS;
		h->cpu.fault_kind = RV_FAULT_STORE;
		return NULL;
	}
	if (!translate(h, va, size, acc, &x))
		return NULL;
	if (!x.host) {
		fault(h, store ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS, va, acc);
		return NULL;
	}
	if (store)
		rv_machine_code_written(h->machine, x.pa, size);
	return x.host;
}

const struct rv_mem_ops rv_mmu_ops = {
    .load = load_slow,
    .store = store_slow,
    .fetch = fetch_slow,
    .atomic = atomic_slow,
};

bool rv_mmu_translate_fetch(struct rv_hart *h, uint64_t pc, uint64_t *pa, const uint8_t **host)
{
	if (pc & 1)
		return fault(h, EXC_INSN_MISALIGNED, pc, ACCESS_FETCH);
	struct xlate x;
	if (!translate(h, pc, 2, ACCESS_FETCH, &x))
		return false;
	*pa = x.pa;
	*host = x.host;
	return true;
}

/* ---- debugger access: no TLB fills, no A/D updates, devices not touched ---- */

/* The structure rules of walk() without its permission checks and A/D updates: the debugger may look at
 * any page the tables map, whatever the hart's privilege, but not through a translation the hart could never
 * make (a non-canonical address, an invalid or reserved PTE, a misaligned superpage), which would show it
 * memory that address does not name. */
static bool debug_translate(struct rv_hart *h, uint64_t va, uint64_t *pa_out)
{
	uint64_t mode = h->satp >> SATP_MODE_SHIFT;
	uint64_t pa = va;
	if (h->priv != RV_PRIV_M && mode != SATP_MODE_BARE) {
		unsigned levels = mode == SATP_MODE_SV48 ? 4 : 3;
		unsigned va_bits = PAGE_SHIFT + PTE_VPN_BITS * levels;
		if ((uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits)) != va)
			return false;
		uint64_t table = (h->satp & SATP_PPN_MASK) << PAGE_SHIFT;
		bool found = false;
		for (int i = (int)levels - 1; i >= 0 && !found; i--) {
			uint64_t vpn =
			    (va >> (PAGE_SHIFT + PTE_VPN_BITS * (unsigned)i)) & ((1u << PTE_VPN_BITS) - 1);
			bool writable;
			uint8_t *p = phys_host(h, table + vpn * 8, 8, &writable);
			if (!p)
				return false;
			uint64_t pte = __atomic_load_n((uint64_t *)p, __ATOMIC_ACQUIRE);
			if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W) || (pte & PTE_RESERVED_MASK))
				return false;
			uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
			if (!(pte & (PTE_R | PTE_X))) {
				if (pte & (PTE_A | PTE_D | PTE_U))
					return false;
				table = ppn << PAGE_SHIFT;
				continue;
			}
			if (i > 0 && (ppn & ((1ull << (PTE_VPN_BITS * (unsigned)i)) - 1)))
				return false;
			unsigned shift = PAGE_SHIFT + PTE_VPN_BITS * (unsigned)i;
			pa = ((ppn << PAGE_SHIFT) & ~((1ull << shift) - 1)) | (va & ((1ull << shift) - 1));
			found = true;
		}
		if (!found)
			return false;
	}
	*pa_out = pa;
	return true;
}

/* Both go a page at a time: one translation per page, taken before that page is touched, as a store
 * would (a write over the very PTE that maps it must not redirect its own remaining bytes). */
bool rv_mmu_debug_read(struct rv_hart *h, uint64_t va, void *buf, uint64_t len)
{
	uint8_t *out = buf;
	while (len > 0) {
		uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		uint64_t pa;
		bool writable;
		uint8_t *p;
		if (!debug_translate(h, va, &pa) || !(p = phys_host(h, pa, chunk, &writable)))
			return false;
		memcpy(out, p, chunk);
		out += chunk;
		va += chunk;
		len -= chunk;
	}
	return true;
}

bool rv_mmu_debug_write(struct rv_hart *h, uint64_t va, const void *buf, uint64_t len)
{
	const uint8_t *in = buf;
	while (len > 0) {
		uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		uint64_t pa;
		uint8_t *p;
		/* RAM only: the boot ROM is not written, even by a debugger */
		if (!debug_translate(h, va, &pa) || !rv_bus_ram(&h->machine->bus, pa, chunk, &p))
			return false;
		rv_machine_code_written(h->machine, pa, chunk);
		memcpy(p, in, chunk);
		in += chunk;
		va += chunk;
		len -= chunk;
	}
	return true;
}
