/* How the interpreter and the translator reach guest memory.
 *
 * Two implementations sit behind this one interface, chosen per hart:
 *
 * - flat (user mode, cpu->mem_ops == NULL): guest addresses are host addresses minus cpu->mem_base inside
 *   one reserved host region, with RV_PROT_* bits per page in cpu->page_prot (rv/user/mem.h manages the
 *   region: mapping, protection, code pages). Everything here is inline; a bad access fails with
 *   cpu->fault_addr/fault_kind set.
 * - system (system mode, cpu->mem_ops != NULL): guest virtual addresses go through the hart's software TLB
 *   (rv/mem/tlb.h), checked inline here; a miss, a device page, an access crossing a page or a fault calls
 *   the slow path in cpu->mem_ops (rv/system/mmu.c walks the page table, checks PMP, fills the TLB,
 *   dispatches MMIO). A failing access sets cpu->trap_cause and cpu->fault_addr (the tval) besides
 *   fault_kind.
 *
 * Translated code does not call these functions: the translator emits the same checks inline (a bounds
 * check in flat mode, the TLB tag compare in system mode) and calls the slow paths itself. */
#ifndef KARASU_RV_MEM_MEM_H
#define KARASU_RV_MEM_MEM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rv/cpu.h"
#include "rv/mem/tlb.h"

/* ---- flat mode: the page table byte (cpu->page_prot[addr >> RV_PAGE_SHIFT]) ---- */
/* RV_PROT_READ/WRITE/EXEC (rv/cpu.h) plus: */
#define RV_PAGE_MAPPED 0x80u /* the page exists */
/* The page is guest-writable, code was translated from it, and its HOST mapping is read-only so that a
 * store into it is seen (host fault) and the translations are dropped first (rv/user/mem.h). */
#define RV_PAGE_CODE   0x40u
/* The page took too many such faults: it holds code and data written often, so it is not translated
 * (the translator interprets it) and stays host-writable. */
#define RV_PAGE_NOJIT  0x20u

/* ---- system mode: the slow paths ---- */
struct rv_mem_ops {
	/* A load/store of size 1, 2, 4 or 8 bytes at virtual address addr that missed the TLB (or crossed a
	 * page, or hit a device page). False: the access faulted (cpu->trap_cause, fault_addr, fault_kind). */
	bool (*load)(struct rv_cpu *cpu, uint64_t addr, unsigned size, uint64_t *value);
	bool (*store)(struct rv_cpu *cpu, uint64_t addr, unsigned size, uint64_t value);
	/* The instruction bits at addr (2 or 4 bytes, each half translated on its own). */
	bool (*fetch)(struct rv_cpu *cpu, uint64_t addr, uint32_t *raw);
	/* A host pointer for an atomic read-modify-write (AMO, SC: store = true; LR: false) of size 4 or 8
	 * bytes at addr, which must be naturally aligned guest RAM. NULL: the access faulted. */
	void *(*atomic)(struct rv_cpu *cpu, uint64_t addr, unsigned size, bool store);
};

/* ---- flat mode ---- */

/* Host pointer for a guest address (no check). */
static inline void *rv_mem_host(const struct rv_cpu *cpu, uint64_t addr)
{
	return cpu->mem_base + addr;
}

/* Fast check for one access of size bytes (1..8) from a hart. */
static inline bool rv_mem_access_ok(const struct rv_cpu *cpu, uint64_t addr, unsigned size, unsigned prot)
{
	if (addr >= cpu->mem_limit || cpu->mem_limit - addr < size)
		return false;
	if ((cpu->page_prot[addr >> RV_PAGE_SHIFT] & prot) != prot)
		return false;
	uint64_t last = addr + size - 1;
	if ((last >> RV_PAGE_SHIFT) != (addr >> RV_PAGE_SHIFT) &&
	    (cpu->page_prot[last >> RV_PAGE_SHIFT] & prot) != prot)
		return false;
	return true;
}

/* The address a failed access of size bytes at addr reports (si_addr, as Linux): its first byte, or the
 * start of the second page when only that one is inaccessible (an access straddling into a hole). */
static inline uint64_t rv_mem_fault_addr(const struct rv_cpu *cpu, uint64_t addr, unsigned size,
                                         unsigned prot)
{
	uint64_t next_page = (addr | (RV_PAGE_SIZE - 1)) + 1;
	if (addr < cpu->mem_limit && next_page - addr < size &&
	    (cpu->page_prot[addr >> RV_PAGE_SHIFT] & prot) == prot)
		return next_page;
	return addr;
}

static inline uint64_t rv_mem_read_host(const uint8_t *p, unsigned size)
{
	switch (size) {
	case 1: return *p;
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	default: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

static inline void rv_mem_write_host(uint8_t *p, unsigned size, uint64_t value)
{
	switch (size) {
	case 1: *p = (uint8_t)value; break;
	case 2: {
		uint16_t v = (uint16_t)value;
		memcpy(p, &v, 2);
		break;
	}
	case 4: {
		uint32_t v = (uint32_t)value;
		memcpy(p, &v, 4);
		break;
	}
	default: memcpy(p, &value, 8); break;
	}
}

/* Flat-mode instruction fetch (rv/mem/flat.c). */
bool rv_mem_fetch_flat(struct rv_cpu *cpu, uint64_t addr, uint32_t *raw);

/* ---- the interface ---- */

/* Load of size bytes (1, 2, 4, 8), zero-extended into *value. False: the access faulted, nothing was
 * read (fault details in cpu). */
static inline bool rv_mem_load(struct rv_cpu *cpu, uint64_t addr, unsigned size, uint64_t *value)
{
	if (cpu->mem_ops) {
		const struct rv_tlb_entry *e = &cpu->dtlb->entry[rv_tlb_index(addr)];
		if (__builtin_expect(((addr + size - 1) & RV_TLB_PAGE_MASK) == e->tag_read, 1)) {
			*value = rv_mem_read_host((const uint8_t *)(uintptr_t)(addr + e->addend), size);
			return true;
		}
		return cpu->mem_ops->load(cpu, addr, size, value);
	}
	if (!rv_mem_access_ok(cpu, addr, size, RV_PROT_READ)) {
		cpu->fault_addr = rv_mem_fault_addr(cpu, addr, size, RV_PROT_READ);
		cpu->fault_kind = RV_FAULT_LOAD;
		return false;
	}
	*value = rv_mem_read_host(cpu->mem_base + addr, size);
	return true;
}

/* Store of the low size bytes of value. False: the access faulted, nothing was written. */
static inline bool rv_mem_store(struct rv_cpu *cpu, uint64_t addr, unsigned size, uint64_t value)
{
	if (cpu->mem_ops) {
		const struct rv_tlb_entry *e = &cpu->dtlb->entry[rv_tlb_index(addr)];
		if (__builtin_expect(((addr + size - 1) & RV_TLB_PAGE_MASK) == e->tag_write, 1)) {
			rv_mem_write_host((uint8_t *)(uintptr_t)(addr + e->addend), size, value);
			return true;
		}
		return cpu->mem_ops->store(cpu, addr, size, value);
	}
	if (!rv_mem_access_ok(cpu, addr, size, RV_PROT_WRITE)) {
		cpu->fault_addr = rv_mem_fault_addr(cpu, addr, size, RV_PROT_WRITE);
		cpu->fault_kind = RV_FAULT_STORE;
		return false;
	}
	rv_mem_write_host(cpu->mem_base + addr, size, value);
	return true;
}

/* The instruction bits at addr (a compressed instruction needs only its 2 bytes to be executable, so one
 * at the end of the last executable page is fine). False + fault details on a bad fetch. */
static inline bool rv_mem_fetch(struct rv_cpu *cpu, uint64_t addr, uint32_t *raw)
{
	if (cpu->mem_ops) {
		const struct rv_tlb_entry *e = &cpu->itlb->entry[rv_tlb_index(addr)];
		if (__builtin_expect(((addr + 3) & RV_TLB_PAGE_MASK) == e->tag_exec, 1)) {
			uint32_t v;
			memcpy(&v, (const void *)(uintptr_t)(addr + e->addend), 4);
			*raw = (v & 3) == 3 ? v : (v & 0xffff);
			return true;
		}
		return cpu->mem_ops->fetch(cpu, addr, raw);
	}
	return rv_mem_fetch_flat(cpu, addr, raw);
}

/* Host pointer for an atomic access (AMO/LR/SC) of size 4 or 8 at addr: aligned, and readable (and
 * writable when store). NULL: the access faulted; misalignment is RV_FAULT_MISALIGNED in flat mode and
 * an address-misaligned exception in system mode. */
static inline void *rv_mem_atomic(struct rv_cpu *cpu, uint64_t addr, unsigned size, bool store)
{
	if (cpu->mem_ops)
		return cpu->mem_ops->atomic(cpu, addr, size, store);
	unsigned prot = store ? RV_PROT_READ | RV_PROT_WRITE : RV_PROT_READ;
	if (addr & (size - 1)) {
		cpu->fault_addr = addr;
		cpu->fault_kind = RV_FAULT_MISALIGNED;
		return NULL;
	}
	if (!rv_mem_access_ok(cpu, addr, size, prot)) {
		cpu->fault_addr = addr;
		cpu->fault_kind = store ? RV_FAULT_STORE : RV_FAULT_LOAD;
		return NULL;
	}
	return rv_mem_host(cpu, addr);
}

#endif
