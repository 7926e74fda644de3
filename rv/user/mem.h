/* karasu-rv guest memory: one reserved host region, guest address + base.
 *
 * The whole guest address space [0, limit) is reserved PROT_NONE up front, followed by a guard gap, so
 * any guest address (plus a small displacement) translates to host memory that is either the guest's
 * own or inaccessible: a stray access faults and never touches other host memory. Pages the guest maps
 * are mmap'ed MAP_FIXED inside the region with the matching host protection, and the runtime keeps
 * RV_PROT_* for every page in a byte table (page_prot) so slow paths can check without faulting. */
#ifndef KARASU_RV_USER_MEM_H
#define KARASU_RV_USER_MEM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rv/cpu.h"
#include "rv/mem/mem.h"

/* Default guest address-space size: 256 GiB, the Sv39 user half, so addresses look like riscv64 Linux. */
#define RV_MEM_DEFAULT_LIMIT (1ull << 38)
/* Inaccessible bytes reserved after limit (covers base + addr + any 12-bit displacement + access size). */
#define RV_MEM_GUARD         (1ull << 20)

struct rv_mem {
	uint8_t *base;     /* host address of guest address 0 */
	uint64_t limit;    /* guest addresses >= limit are never mapped */
	uint8_t *prot;     /* RV_PROT_* per page; bit 7 (RV_PAGE_MAPPED) = page exists */
	size_t region_len; /* limit + RV_MEM_GUARD */
	/* Translated code in guest-writable pages (see "code pages" below). */
	uint8_t *code_faults;      /* per page: write faults taken because of translated code */
	pthread_mutex_t code_lock; /* orders the host protection changes of code pages */
	void (*code_unprotected)(struct rv_mem *m, uint64_t addr, uint64_t len); /* NULL: nobody */
};
/* Page table bits: RV_PROT_* (rv/cpu.h) and RV_PAGE_MAPPED/CODE/NOJIT (rv/mem/mem.h). A page marked
 * RV_PAGE_NOJIT took this many write faults because of translated code on it: */
#define RV_CODE_FAULT_LIMIT 16

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
/* Reserves a host hole inside the region again (PROT_NONE; the pages are marked unmapped). A moving or
 * growing host mremap leaves a hole for an instant, and another host thread's mmap could take it: the
 * reservation never replaces anything (MAP_FIXED_NOREPLACE), so such a foreign mapping is reported
 * (-EEXIST) instead of being destroyed. 0 or -errno. */
int rv_mem_reserve_hole(struct rv_mem *m, uint64_t addr, uint64_t len);
/* Lowest-addressed free (unmapped) range of len bytes in [lo, hi), searching downward from hi when
 * top_down. Returns the address or UINT64_MAX. */
uint64_t rv_mem_find_free(const struct rv_mem *m, uint64_t len, uint64_t lo, uint64_t hi, bool top_down);
bool rv_mem_is_mapped(const struct rv_mem *m, uint64_t addr);

/* True when every byte of [addr, addr+len) is mapped with all the RV_PROT_* bits in prot. */
bool rv_mem_range_ok(const struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot);

/* Bulk copies for the syscall layer. False if any byte is not accessible (no partial copy guarantee).
 * rv_mem_write makes code pages in the range host-writable first (rv_mem_code_unprotect). */
bool rv_mem_read(const struct rv_mem *m, uint64_t addr, void *dst, size_t len);
bool rv_mem_write(struct rv_mem *m, uint64_t addr, const void *src, size_t len);
/* Reads a NUL-terminated guest string into dst (max bytes incl. NUL). Returns the length, -EFAULT or
 * -ENAMETOOLONG. */
long rv_mem_read_string(const struct rv_mem *m, uint64_t addr, char *dst, size_t max);

/* ---- Code pages: stores into translated code without fence.i ----
 * The translator calls rv_mem_code_page_use before it reads instructions from a guest-writable page:
 * the page's host mapping becomes read-only (RV_PAGE_CODE; the guest's permission in the table stays).
 * A guest store into it then faults on the host; the runtime calls rv_mem_code_write_fault, which makes
 * the page host-writable again and reports it through m->code_unprotected (the runtime drops the
 * translations of that page in every thread), and the store is executed again. Host system calls that
 * write guest memory call rv_mem_code_unprotect on their buffers first (no -EFAULT, no host fault).
 * A page that faults RV_CODE_FAULT_LIMIT times (code next to data written in a loop) is marked
 * RV_PAGE_NOJIT: it stays writable and the translator interprets its instructions instead. Mapping or
 * protecting pages again (mmap/mprotect) resets all of this for them. */

/* True if code at addr may be translated (its page is write-protected on the host now if the guest may
 * write it); false for an RV_PAGE_NOJIT page. */
bool rv_mem_code_page_use(struct rv_mem *m, uint64_t addr);
/* A host write fault at guest address addr (load or store, from translated code or the interpreter).
 * True if the page is guest-writable, so the fault came from code-page protection: the page is
 * host-writable again (and m->code_unprotected was called if it held translations); the access can be
 * retried. False: a real guest fault. */
bool rv_mem_code_write_fault(struct rv_mem *m, uint64_t addr);
/* Makes the code pages in [addr, addr+len) host-writable (m->code_unprotected reports them). Cheap
 * when there are none. */
void rv_mem_code_unprotect(struct rv_mem *m, uint64_t addr, uint64_t len);
/* In the child of a fork: another thread may have held code_lock. */
void rv_mem_after_fork(struct rv_mem *m);

#endif
