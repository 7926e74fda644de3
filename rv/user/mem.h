/* karasu-rv guest memory: one reserved host region, guest address + base.
 *
 * The whole guest address space [0, limit) is reserved PROT_NONE up front, followed by a guard gap, so
 * any guest address (plus a small displacement) translates to host memory that is either the guest's
 * own or inaccessible: a stray access faults and never touches other host memory. Pages the guest maps
 * are mmap'ed MAP_FIXED inside the region with the matching host protection, and the runtime keeps
 * RV_PROT_* for every page in a byte table (page_prot) so slow paths can check without faulting. */
#ifndef KARASU_RV_USER_MEM_H
#define KARASU_RV_USER_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rv/cpu.h"

/* Default guest address-space size: 256 GiB, the Sv39 user half, so addresses look like riscv64 Linux. */
#define RV_MEM_DEFAULT_LIMIT (1ull << 38)
/* Inaccessible bytes reserved after limit (covers base + addr + any 12-bit displacement + access size). */
#define RV_MEM_GUARD         (1ull << 20)

struct rv_mem {
	uint8_t *base;     /* host address of guest address 0 */
	uint64_t limit;    /* guest addresses >= limit are never mapped */
	uint8_t *prot;     /* RV_PROT_* per page; bit 7 (RV_PAGE_MAPPED) = page exists */
	size_t region_len; /* limit + RV_MEM_GUARD */
};
#define RV_PAGE_MAPPED 0x80u

/* Reserves the region (limit: a multiple of the page size; 0 = RV_MEM_DEFAULT_LIMIT). 0 or -errno. */
int rv_mem_init(struct rv_mem *m, uint64_t limit);
void rv_mem_fini(struct rv_mem *m);
/* Points a hart at this memory (mem_base, mem_limit, page_prot). */
void rv_mem_attach(const struct rv_mem *m, struct rv_cpu *cpu);

/* Page-granular mapping changes (addr and len page aligned by the caller; len rounded up). 0 or -errno.
 * map: fresh zero-filled pages (replacing whatever was there); protect: existing pages only (-ENOMEM if
 * any page in the range is unmapped, as mprotect); unmap: pages become inaccessible. */
int rv_mem_map(struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot);
/* Like rv_mem_map, with the host mapping chosen by the syscall layer: fd >= 0 maps that host file at
 * offset (private or shared), fd < 0 anonymous memory (shared: stays shared across fork). */
int rv_mem_map_host(struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot, bool shared, int fd,
                    uint64_t offset);
int rv_mem_protect(struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot);
int rv_mem_unmap(struct rv_mem *m, uint64_t addr, uint64_t len);
/* Lowest-addressed free (unmapped) range of len bytes in [lo, hi), searching downward from hi when
 * top_down. Returns the address or UINT64_MAX. */
uint64_t rv_mem_find_free(const struct rv_mem *m, uint64_t len, uint64_t lo, uint64_t hi, bool top_down);
bool rv_mem_is_mapped(const struct rv_mem *m, uint64_t addr);

/* True when every byte of [addr, addr+len) is mapped with all the RV_PROT_* bits in prot. */
bool rv_mem_range_ok(const struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot);

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

/* Slow-path accessors for the interpreter and JIT helpers. On failure they set cpu->fault_addr and
 * cpu->fault_kind and return false (the caller returns RV_EXIT_FAULT). Values are zero-extended. */
static inline bool rv_mem_load(struct rv_cpu *cpu, uint64_t addr, unsigned size, uint64_t *value)
{
	if (!rv_mem_access_ok(cpu, addr, size, RV_PROT_READ)) {
		cpu->fault_addr = addr;
		cpu->fault_kind = RV_FAULT_LOAD;
		return false;
	}
	const uint8_t *p = cpu->mem_base + addr;
	switch (size) {
	case 1: *value = *p; break;
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		*value = v;
		break;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		*value = v;
		break;
	}
	default: memcpy(value, p, 8); break;
	}
	return true;
}

static inline bool rv_mem_store(struct rv_cpu *cpu, uint64_t addr, unsigned size, uint64_t value)
{
	if (!rv_mem_access_ok(cpu, addr, size, RV_PROT_WRITE)) {
		cpu->fault_addr = addr;
		cpu->fault_kind = RV_FAULT_STORE;
		return false;
	}
	uint8_t *p = cpu->mem_base + addr;
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
	return true;
}

/* Fetches the instruction bits at addr (a compressed instruction needs only its 2 bytes executable, so
 * one at the end of the last executable page is fine). False + fault details on a bad fetch. */
bool rv_mem_fetch(struct rv_cpu *cpu, uint64_t addr, uint32_t *raw);

/* Bulk copies for the syscall layer. False if any byte is not accessible (no partial copy guarantee). */
bool rv_mem_read(const struct rv_mem *m, uint64_t addr, void *dst, size_t len);
bool rv_mem_write(const struct rv_mem *m, uint64_t addr, const void *src, size_t len);
/* Reads a NUL-terminated guest string into dst (max bytes incl. NUL). Returns the length, -EFAULT or
 * -ENAMETOOLONG. */
long rv_mem_read_string(const struct rv_mem *m, uint64_t addr, char *dst, size_t max);

#endif
