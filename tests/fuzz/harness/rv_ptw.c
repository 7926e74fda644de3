/* libFuzzer harness: the Sv39/Sv48 page-table walker and the slow memory paths of a system-mode hart
 * (rv/system/mmu.c) on a test machine (rv/system/test_machine.c) whose RAM is an ASan-checked buffer.
 *
 * The input writes page-table entries into RAM (PPNs mostly inside RAM, any flags), picks satp (bare, Sv39,
 * Sv48, root anywhere), the privilege and mstatus.MPRV/MPP/SUM/MXR, and makes loads, stores, fetches and
 * atomic accesses at virtual addresses built from page-table indices, through rv_mmu_ops as the interpreter
 * and the translator's slow path do. Changes that need an SFENCE.VMA get one (as the CSR code does for
 * satp and MXR); the TLB is otherwise left alone, so later accesses exercise its hits.
 *
 * A reference walker written from the privileged specification (section 4.3.2 and 4.4) predicts each
 * access from RAM as it was before it. Asserted, beyond "no crash" (and ASan on RAM):
 *   - the outcome: success, or the exact exception (load/store/instruction page fault vs access fault)
 *     with the faulting virtual address; R/W/X/U/SUM/MXR, MPRV, reserved bits, misaligned superpages,
 *     non-canonical addresses, page-table pointers that leave RAM;
 *   - a load returns the bytes at the predicted physical address, a store writes exactly there, a fetch
 *     returns the instruction bits there, an atomic gets the host address of that RAM;
 *   - nothing else in RAM changes but the A (and for stores D) bit of the leaf PTE the walk used;
 *   - the debugger's reads and writes (rv_mmu_debug_read/write) translate exactly where a walk without permission checks
 *     does (non-canonical addresses, reserved PTE bits, misaligned superpages fail there too).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv/mem/mem.h"
#include "rv/system/hart.h"
#include "rv/system/machine.h"
#include "rv/system/priv.h"
#include "rv/system/test_machine.h"
#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"

#define RAM_PAGES 8u
#define RAM_SIZE  (RAM_PAGES * 4096u)
#define RAM_BASE  RV_VIRT_RAM_BASE
#define MAX_OPS   48u
#define PG        4096u

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

static struct rv_machine *machine;
static uint8_t *ram;
static uint8_t before[RAM_SIZE];
static bool table_page[RAM_PAGES]; /* pages a walk read PTEs from since the last flush */

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[200];
	machine = rv_test_machine_create(1, RAM_SIZE, stderr, err, sizeof(err));
	if (!machine) {
		fprintf(stderr, "rv_ptw: %s\n", err);
		exit(1);
	}
	/* RAM from the ASan heap instead of the test machine's mmap: a walk or copy past its end is reported */
	ram = aligned_alloc(PG, RAM_SIZE);
	CHECK(ram != NULL);
	rv_bus_init(&machine->bus, RAM_BASE, RAM_SIZE, ram);
	machine->ram = ram;
	return 0;
}

static bool in_ram(uint64_t pa, uint64_t len)
{
	return pa >= RAM_BASE && pa - RAM_BASE <= RAM_SIZE && len <= RAM_SIZE - (pa - RAM_BASE);
}

/* ---- the reference walk ---- */
/* DEBUG: the debugger's view (rv_mmu_debug_read): the hart's own privilege, no permission checks, no
 * A/D updates, but the same page-table structure rules (a translation the hardware could never make is
 * not one the debugger shows). */
enum access { LOAD, STORE, FETCH, DEBUG };

struct expect {
	bool ok;
	uint64_t cause; /* when !ok */
	uint64_t pa;
	uint64_t pte_pa, pte_new; /* the leaf PTE and its value after A/D (pte_pa 0: none) */
};

static struct expect reference(const struct rv_hart *h, uint64_t va, enum access acc, unsigned size)
{
	static const uint64_t page_fault[] = {EXC_LOAD_PAGE_FAULT, EXC_STORE_PAGE_FAULT, EXC_INSN_PAGE_FAULT,
	                                      EXC_LOAD_PAGE_FAULT};
	static const uint64_t access_fault[] = {EXC_LOAD_ACCESS, EXC_STORE_ACCESS, EXC_INSN_ACCESS,
	                                        EXC_LOAD_ACCESS};
	struct expect e = {0};
	e.cause = page_fault[acc];
	unsigned priv = h->priv;
	if (acc != FETCH && acc != DEBUG && priv == RV_PRIV_M && (h->mstatus & MSTATUS_MPRV))
		priv = (unsigned)((h->mstatus >> MSTATUS_MPP_SHIFT) & 3);
	uint64_t mode = h->satp >> SATP_MODE_SHIFT;
	uint64_t pa = va;
	if (priv != RV_PRIV_M && mode != SATP_MODE_BARE) {
		unsigned levels = mode == SATP_MODE_SV48 ? 4 : 3;
		unsigned vabits = 12 + 9 * levels;
		/* bits 63..vabits-1 all equal */
		uint64_t top = va >> (vabits - 1);
		if (top != 0 && top != (UINT64_MAX >> (vabits - 1)))
			return e;
		uint64_t a = (h->satp & SATP_PPN_MASK) * PG;
		for (int i = (int)levels - 1;; i--) {
			if (i < 0)
				return e;
			uint64_t pte_pa = a + ((va >> (12 + 9 * i)) & 511) * 8;
			if (!in_ram(pte_pa, 8)) {
				e.cause = access_fault[acc];
				return e;
			}
			table_page[(pte_pa - RAM_BASE) / PG] = true;
			uint64_t pte;
			memcpy(&pte, ram + (pte_pa - RAM_BASE), 8);
			bool v = pte & 1, r = pte & 2, w = pte & 4, x = pte & 8, u = pte & 16;
			if (!v || (!r && w) || (pte >> 54) != 0)
				return e;
			uint64_t ppn = (pte >> 10) & ((1ull << 44) - 1);
			if (!r && !x) {
				if (pte & (PTE_A | PTE_D | PTE_U)) /* reserved in non-leaf PTEs */
					return e;
				a = ppn * PG;
				continue;
			}
			if (acc != DEBUG && priv == RV_PRIV_U && !u)
				return e;
			if (acc != DEBUG && priv == RV_PRIV_S && u &&
			    (acc == FETCH || !(h->mstatus & MSTATUS_SUM)))
				return e;
			bool allowed = acc == DEBUG   ? true
			               : acc == FETCH ? x
			               : acc == STORE ? w
			                              : (r || ((h->mstatus & MSTATUS_MXR) && x));
			if (!allowed)
				return e;
			if (i > 0 && (ppn & ((1ull << (9 * i)) - 1)))
				return e; /* misaligned superpage */
			if (acc != DEBUG) {
				e.pte_pa = pte_pa;
				e.pte_new = pte | PTE_A | (acc == STORE ? PTE_D : 0);
			}
			uint64_t off_mask = (1ull << (12 + 9 * i)) - 1;
			pa = ((ppn * PG) & ~off_mask) | (va & off_mask);
			break;
		}
	}
	if (!in_ram(pa, size)) {
		e.cause = access_fault[acc];
		return e;
	}
	e.ok = true;
	e.pa = pa;
	return e;
}

/* ---- the operations ---- */
static uint64_t take_va(struct fuzz_input *s, const struct rv_hart *h)
{
	uint8_t sel = fuzz_take_u8(s);
	if (sel >= 0xf0)
		return fuzz_take_bytes(s, 8);
	/* from table indices: VPN[3..0] and an offset; sign-extended from the top level */
	unsigned levels = (h->satp >> SATP_MODE_SHIFT) == SATP_MODE_SV48 ? 4 : 3;
	uint64_t va = fuzz_take_bytes(s, 2) & 0xfff;
	for (unsigned i = 0; i < levels; i++)
		va |= (uint64_t)(fuzz_take_u8(s) % 4 == 0 ? fuzz_take_bytes(s, 2) & 511 : fuzz_take_u8(s) % 4)
		      << (12 + 9 * i);
	if (sel & 1)
		va |= (uint64_t)(fuzz_take_bytes(s, 2) & 511) << (12 + 9 * (levels - 1));
	unsigned vabits = 12 + 9 * levels;
	va = (uint64_t)((int64_t)(va << (64 - vabits)) >> (64 - vabits));
	if (sel == 0xef)
		va ^= 1ull << 62; /* non-canonical */
	/* a physical RAM address, for bare translation and M-mode (and just past RAM) */
	if ((h->satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE || (sel & 0x40) || sel == 0xee)
		va = RAM_BASE + (va & (RAM_SIZE - 1)) + (sel == 0xee ? RAM_SIZE : 0);
	return va;
}

static void write_pte(struct fuzz_input *s)
{
	unsigned page = fuzz_take_u8(s) % RAM_PAGES,
	         index = fuzz_take_u8(s) % 8; /* low entries, so walks meet them */
	if (fuzz_take_u8(s) & 1)
		index = (unsigned)fuzz_take_bytes(s, 2) % 512;
	uint8_t kind = fuzz_take_u8(s);
	uint64_t ppn = (RAM_BASE / PG) + fuzz_take_u8(s) % (RAM_PAGES + 1);
	if (kind & 0x80)
		ppn = fuzz_take_bytes(s, 6) & ((1ull << 44) - 1); /* anywhere, superpage-aligned or not */
	uint64_t flags = fuzz_take_u8(s);
	uint64_t pte = ppn << PTE_PPN_SHIFT | flags;
	if ((kind & 0x70) == 0x70)
		pte |= fuzz_take_bytes(s, 2) << 54; /* reserved bits */
	memcpy(ram + page * PG + index * 8, &pte, 8);
	rv_mmu_flush_all(&machine->harts[0]); /* the SFENCE.VMA software owes after changing a PTE */
	memset(table_page, 0, sizeof(table_page));
}

static void set_mode(struct fuzz_input *s, struct rv_hart *h)
{
	uint8_t sel = fuzz_take_u8(s);
	static const uint64_t modes[] = {SATP_MODE_SV39, SATP_MODE_SV48, SATP_MODE_SV39, SATP_MODE_BARE};
	uint64_t root = (RAM_BASE / PG) + fuzz_take_u8(s) % (RAM_PAGES + 1);
	if (sel & 0x80)
		root = fuzz_take_bytes(s, 6) & SATP_PPN_MASK;
	uint64_t satp = modes[sel & 3] << SATP_MODE_SHIFT | root;
	if (satp != h->satp) {
		h->satp = satp;
		rv_mmu_flush_guest(h); /* what csr.c does on a satp write */
		memset(table_page, 0, sizeof(table_page));
	}
	static const unsigned privs[] = {RV_PRIV_U, RV_PRIV_S, RV_PRIV_M, RV_PRIV_S};
	h->priv = privs[(sel >> 2) & 3];
	uint8_t st = fuzz_take_u8(s);
	uint64_t old = h->mstatus;
	uint64_t next = old & ~(MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPP);
	next |= (st & 1 ? MSTATUS_MPRV : 0) | (st & 2 ? MSTATUS_SUM : 0) | (st & 4 ? MSTATUS_MXR : 0);
	next |= (uint64_t)privs[(st >> 3) & 3] << MSTATUS_MPP_SHIFT;
	h->mstatus = next;
	if ((old ^ next) & MSTATUS_MXR)
		rv_mmu_flush_guest(h); /* as csr.c's write_mstatus */
	rv_hart_update_mode(h);
}

/* A 32-bit instruction whose first half translates but whose second does not. */
static bool second_half_faults(const struct expect *e, const struct expect *e2)
{
	uint16_t first;
	if (!e->ok)
		return false;
	memcpy(&first, ram + (e->pa - RAM_BASE), 2);
	return (first & 3) == 3 && !e2->ok;
}

/* The debugger's view (no A/D updates, no permission checks): it translates exactly what a walk with the
 * same structure rules translates, and reads or writes the same bytes. */
static void debug_read(struct fuzz_input *s, struct rv_hart *h)
{
	bool write = fuzz_take_u8(s) & 1;
	uint64_t va = take_va(s, h) & ~7ull;
	struct expect e = reference(h, va, DEBUG, 8);
	memcpy(before, ram, RAM_SIZE);
	uint64_t got = 0, value = fuzz_take_u64(s);
	bool ok = write ? rv_mmu_debug_write(h, va, &value, 8) : rv_mmu_debug_read(h, va, &got, 8);
	CHECK(ok == e.ok);
	if (!write) {
		CHECK(memcmp(before, ram, RAM_SIZE) == 0);
		if (ok)
			CHECK(memcmp(&got, ram + (e.pa - RAM_BASE), 8) == 0);
		return;
	}
	/* a write changes exactly its 8 bytes (when the translation allows it), nothing if not */
	size_t at = ok ? (size_t)(e.pa - RAM_BASE) : RAM_SIZE;
	for (size_t i = 0; i < RAM_SIZE; i++)
		CHECK(ram[i] == (i >= at && i < at + 8 ? ((const uint8_t *)&value)[i - at] : before[i]));
	if (ok && table_page[at / PG]) {
		rv_mmu_flush_all(
		    h); /* the debugger rewrote a page table: what the guest sees after a fence */
		memset(table_page, 0, sizeof(table_page));
	}
}

static void access(struct fuzz_input *s, struct rv_hart *h)
{
	uint8_t kind = fuzz_take_u8(s);
	static const unsigned sizes[] = {1, 2, 4, 8};
	unsigned size = sizes[(kind >> 2) & 3];
	uint64_t va = take_va(s, h) & ~(uint64_t)(size - 1);
	enum access acc = (kind & 3) == 3 ? LOAD : (enum access)(kind & 3);
	bool atomic = (kind & 0x30) == 0x30 && acc != FETCH;
	if (acc == FETCH) {
		size = 2; /* a compressed instruction, or the first half of one */
		va &= ~1ull;
	}
	if (atomic)
		size = kind & 0x40 ? 8 : 4, va &= ~(uint64_t)(size - 1);
	struct expect e = reference(h, va, acc, size);
	/* a 32-bit instruction's second half is translated on its own (predicted now, used if needed) */
	struct expect e2 = {0};
	if (acc == FETCH)
		e2 = reference(h, va + 2, FETCH, 2);
	memcpy(before, ram, RAM_SIZE);
	uint64_t value = fuzz_take_bytes(s, 8), got = 0;
	uint32_t raw = 0;
	void *host = NULL;
	h->cpu.trap_cause = 0;
	h->cpu.fault_addr = 0;
	bool ok;
	if (atomic) {
		host = rv_mmu_ops.atomic(&h->cpu, va, size, acc == STORE);
		ok = host != NULL;
	} else if (acc == LOAD) {
		ok = rv_mmu_ops.load(&h->cpu, va, size, &got);
	} else if (acc == STORE) {
		ok = rv_mmu_ops.store(&h->cpu, va, size, value);
	} else if (kind & 0x80) {
		/* the dispatcher's way: pc to physical address and host pointer (the first half only) */
		uint64_t pa = 0;
		const uint8_t *code = NULL;
		ok = rv_mmu_translate_fetch(h, va, &pa, &code);
		if (ok) {
			CHECK(e.ok || second_half_faults(&e, &e2));
			CHECK(pa == e.pa && code == ram + (e.pa - RAM_BASE));
			return;
		}
		e2.ok = true; /* only the first half was asked for */
	} else {
		ok = rv_mmu_ops.fetch(&h->cpu, va, &raw);
	}
	bool second_half = false;
	if (acc == FETCH && e.ok) {
		uint16_t first;
		memcpy(&first, ram + (e.pa - RAM_BASE), 2);
		second_half = (first & 3) == 3;
		if (second_half && !e2.ok) {
			e.ok = false;
			e.cause = e2.cause;
		}
	}
	if (atomic && acc == STORE && !e.ok) {
		/* an AMO needs read and write permission; a fault is reported as a store fault */
		struct expect el = reference(h, va, LOAD, size);
		if (!el.ok)
			e.cause = el.cause == EXC_LOAD_PAGE_FAULT ? EXC_STORE_PAGE_FAULT : EXC_STORE_ACCESS;
	}
	CHECK(ok == e.ok);
	if (!ok) {
		CHECK(h->cpu.trap_cause == e.cause);
		CHECK(h->cpu.fault_addr == (second_half ? va + 2 : va));
		/* a fault changes nothing but possibly an A bit set by a walk that faulted later (a 32-bit fetch's
		 * second half, an AMO's store permission after its load walk) */
		for (size_t i = 0; i < RAM_SIZE; i += 8) {
			uint64_t was, now;
			memcpy(&was, before + i, 8);
			memcpy(&now, ram + i, 8);
			CHECK(was == now || (now & ~(PTE_A | PTE_D)) == (was & ~(PTE_A | PTE_D)));
		}
		return;
	}
	/* what changed: the leaf's A/D, and for stores the stored bytes */
	uint64_t store_lo = acc == STORE && !atomic ? e.pa - RAM_BASE : RAM_SIZE, store_hi = store_lo + size;
	for (size_t i = 0; i < RAM_SIZE; i++) {
		if (i % 8 == 0 && memcmp(before + i, ram + i, 8) == 0) {
			i += 7;
			continue;
		}
		if (before[i] == ram[i])
			continue;
		bool stored = i >= store_lo && i < store_hi;
		bool pte = e.pte_pa && i >= e.pte_pa - RAM_BASE && i < e.pte_pa - RAM_BASE + 8;
		bool pte2 =
		    second_half && e2.pte_pa && i >= e2.pte_pa - RAM_BASE && i < e2.pte_pa - RAM_BASE + 8;
		CHECK(stored || pte || pte2);
	}
	if (e.pte_pa) {
		uint64_t now;
		memcpy(&now, ram + (e.pte_pa - RAM_BASE), 8);
		bool stored_over = acc == STORE && !atomic && e.pa < e.pte_pa + 8 && e.pte_pa < e.pa + size;
		if (!stored_over)
			CHECK(now == e.pte_new);
	}
	const uint8_t *at = ram + (e.pa - RAM_BASE);
	if (atomic) {
		CHECK(host == at);
	} else if (acc == LOAD) {
		uint64_t want = 0;
		memcpy(&want, at, size);
		CHECK(got == want);
	} else if (acc == STORE) {
		CHECK(memcmp(at, &value, size) == 0);
		if (e.pa - RAM_BASE < RAM_SIZE && table_page[(e.pa - RAM_BASE) / PG]) {
			/* the guest overwrote a page table: it owes an SFENCE.VMA before relying on it */
			rv_mmu_flush_all(h);
			memset(table_page, 0, sizeof(table_page));
		}
	} else {
		uint16_t half;
		memcpy(&half, at, 2);
		CHECK((raw & 0xffff) == half);
		if (second_half) {
			memcpy(&half, ram + (e2.pa - RAM_BASE), 2);
			CHECK(raw >> 16 == half);
		} else {
			CHECK(raw >> 16 == 0);
		}
	}
}

/* A misaligned load or store that crosses into the next page: each part is translated on its own, the
 * first part's fault first (its address is where that part starts, the spec's "portion that faulted"). */
static void access_crossing(struct fuzz_input *s, struct rv_hart *h)
{
	uint8_t kind = fuzz_take_u8(s);
	unsigned size = kind & 1 ? 8 : 4;
	bool store = kind & 2;
	unsigned first = 1 + (kind >> 2) % (size - 1);
	uint64_t va = (take_va(s, h) | (PG - 1)) + 1 - first; /* the last `first` bytes of a page */
	enum access acc = store ? STORE : LOAD;
	struct expect a = reference(h, va, acc, first), b = reference(h, va + first, acc, size - first);
	memcpy(before, ram, RAM_SIZE);
	uint64_t value = fuzz_take_u64(s), got = 0;
	h->cpu.trap_cause = 0;
	h->cpu.fault_addr = 0;
	bool ok =
	    store ? rv_mmu_ops.store(&h->cpu, va, size, value) : rv_mmu_ops.load(&h->cpu, va, size, &got);
	CHECK(ok == (a.ok && b.ok));
	if (!ok) {
		CHECK(h->cpu.trap_cause == (a.ok ? b.cause : a.cause));
		CHECK(h->cpu.fault_addr == (a.ok ? va + first : va));
		return;
	}
	for (size_t i = 0; i < RAM_SIZE; i++) {
		if (i % 8 == 0 && memcmp(before + i, ram + i, 8) == 0) {
			i += 7;
			continue;
		}
		if (before[i] == ram[i])
			continue;
		uint64_t pa = RAM_BASE + i;
		bool stored =
		    store && ((pa >= a.pa && pa < a.pa + first) || (pa >= b.pa && pa < b.pa + size - first));
		bool pte = (a.pte_pa && pa >= a.pte_pa && pa < a.pte_pa + 8) ||
		           (b.pte_pa && pa >= b.pte_pa && pa < b.pte_pa + 8);
		CHECK(stored || pte);
	}
	uint8_t bytes[8];
	memcpy(bytes, ram + (a.pa - RAM_BASE), first);
	memcpy(bytes + first, ram + (b.pa - RAM_BASE), size - first);
	if (store) {
		CHECK(memcmp(bytes, &value, size) == 0);
		rv_mmu_flush_all(h); /* it may have hit a page table: the SFENCE.VMA the guest owes */
		memset(table_page, 0, sizeof(table_page));
	} else {
		uint64_t want = 0;
		memcpy(&want, bytes, size);
		CHECK(got == want);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input s = fuzz_input_init(data, size);
	struct rv_hart *h = &machine->harts[0];
	rv_hart_reset(h, RAM_BASE); /* M-mode, satp and mstatus at reset */
	rv_mmu_flush_all(h);
	memset(ram, 0, RAM_SIZE);
	memset(table_page, 0, sizeof(table_page));
	/* the input starts with a few page-table pages' worth of raw bytes, then the operations */
	size_t raw = fuzz_take_u8(&s) * 16u;
	for (size_t i = 0; i < raw && s.pos < s.size; i++)
		ram[i] = fuzz_take_u8(&s);
	set_mode(&s, h);
	for (unsigned n = 0; n < MAX_OPS && s.pos < s.size; n++) {
		uint8_t op = fuzz_take_u8(&s);
		switch (op % 8) {
		case 0:
		case 1: write_pte(&s); break;
		case 2: set_mode(&s, h); break;
		case 3: debug_read(&s, h); break;
		case 4: access_crossing(&s, h); break;
		default: access(&s, h); break;
		}
	}
	return 0;
}
