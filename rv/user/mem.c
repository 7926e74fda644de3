/* Guest address space: the reserved host region and the per-page permission table. */
#include <errno.h>
#include <sys/mman.h>

#include "rv/user/mem.h"

static int host_prot(unsigned prot)
{
	int p = PROT_NONE;
	/* Linux maps write-only as read-write, and executable pages must be readable for our fetches. */
	if (prot & (RV_PROT_READ | RV_PROT_EXEC))
		p |= PROT_READ;
	if (prot & RV_PROT_WRITE)
		p |= PROT_READ | PROT_WRITE;
	return p;
}

static unsigned table_prot(unsigned prot)
{
	unsigned t = prot & (RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	if (t & RV_PROT_WRITE)
		t |= RV_PROT_READ;
	return t | RV_PAGE_MAPPED;
}

int rv_mem_init(struct rv_mem *m, uint64_t limit)
{
	if (limit == 0)
		limit = RV_MEM_DEFAULT_LIMIT;
	if (limit & (RV_PAGE_SIZE - 1))
		return -EINVAL;
	m->limit = limit;
	m->region_len = limit + RV_MEM_GUARD;
	void *base = mmap(NULL, m->region_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	size_t table_len = limit >> RV_PAGE_SHIFT;
	void *table =
	    mmap(NULL, table_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (table == MAP_FAILED) {
		int e = -errno;
		munmap(base, m->region_len);
		return e;
	}
	void *faults =
	    mmap(NULL, table_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (faults == MAP_FAILED) {
		int e = -errno;
		munmap(table, table_len);
		munmap(base, m->region_len);
		return e;
	}
	m->base = base;
	m->prot = table;
	m->code_faults = faults;
	m->code_unprotected = NULL;
	pthread_mutex_init(&m->code_lock, NULL);
	return 0;
}

void rv_mem_fini(struct rv_mem *m)
{
	if (m->base)
		munmap(m->base, m->region_len);
	if (m->prot)
		munmap(m->prot, m->limit >> RV_PAGE_SHIFT);
	if (m->code_faults)
		munmap(m->code_faults, m->limit >> RV_PAGE_SHIFT);
	m->base = NULL;
	m->prot = NULL;
	m->code_faults = NULL;
}

void rv_mem_attach(const struct rv_mem *m, struct rv_cpu *cpu)
{
	cpu->mem_base = m->base;
	cpu->mem_limit = m->limit;
	cpu->page_prot = m->prot;
}

static bool range_in(const struct rv_mem *m, uint64_t addr, uint64_t len)
{
	return addr < m->limit && len <= m->limit - addr;
}

static uint64_t page_round_up(uint64_t len)
{
	return (len + RV_PAGE_SIZE - 1) & ~(RV_PAGE_SIZE - 1);
}

int rv_mem_map(struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot)
{
	return rv_mem_map_host(m, addr, len, prot, false, -1, 0);
}

int rv_mem_map_host(struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot, bool shared, int fd,
                    uint64_t offset)
{
	len = page_round_up(len);
	if ((addr & (RV_PAGE_SIZE - 1)) || len == 0 || !range_in(m, addr, len))
		return -EINVAL;
	int flags = MAP_FIXED | (shared ? MAP_SHARED : MAP_PRIVATE) | (fd < 0 ? MAP_ANONYMOUS : 0);
	void *p = mmap(m->base + addr, len, host_prot(prot), flags, fd, (off_t)offset);
	if (p == MAP_FAILED) {
		int e = -errno;
		/* Linux checks the file and the arguments before it touches the old mapping (these errors
		 * leave it as it was); a later failure may have replaced the old pages: mark them gone */
		if (e != -EBADF && e != -ENODEV && e != -EACCES && e != -EINVAL && e != -EPERM &&
		    e != -EOVERFLOW)
			rv_mem_unmap(m, addr, len);
		return e;
	}
	memset(m->prot + (addr >> RV_PAGE_SHIFT), (int)table_prot(prot), len >> RV_PAGE_SHIFT);
	memset(m->code_faults + (addr >> RV_PAGE_SHIFT), 0, len >> RV_PAGE_SHIFT);
	return 0;
}

int rv_mem_protect(struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot)
{
	len = page_round_up(len);
	if ((addr & (RV_PAGE_SIZE - 1)) || !range_in(m, addr, len))
		return -ENOMEM;
	for (uint64_t a = addr; a < addr + len; a += RV_PAGE_SIZE)
		if (!(m->prot[a >> RV_PAGE_SHIFT] & RV_PAGE_MAPPED))
			return -ENOMEM;
	if (len && mprotect(m->base + addr, len, host_prot(prot)) != 0)
		return -errno;
	memset(m->prot + (addr >> RV_PAGE_SHIFT), (int)table_prot(prot), len >> RV_PAGE_SHIFT);
	memset(m->code_faults + (addr >> RV_PAGE_SHIFT), 0, len >> RV_PAGE_SHIFT);
	return 0;
}

int rv_mem_unmap(struct rv_mem *m, uint64_t addr, uint64_t len)
{
	len = page_round_up(len);
	if ((addr & (RV_PAGE_SIZE - 1)) || !range_in(m, addr, len))
		return -EINVAL;
	if (len == 0)
		return 0;
	/* Replace with fresh inaccessible reserved pages: frees the memory, keeps the region reserved. */
	void *p = mmap(m->base + addr, len, PROT_NONE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	memset(m->prot + (addr >> RV_PAGE_SHIFT), 0, len >> RV_PAGE_SHIFT);
	memset(m->code_faults + (addr >> RV_PAGE_SHIFT), 0, len >> RV_PAGE_SHIFT);
	return 0;
}

int rv_mem_reserve_hole(struct rv_mem *m, uint64_t addr, uint64_t len)
{
	len = page_round_up(len);
	if ((addr & (RV_PAGE_SIZE - 1)) || !range_in(m, addr, len))
		return -EINVAL;
	if (len == 0)
		return 0;
	void *want = m->base + addr;
	void *p = mmap(want, len, PROT_NONE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (p != want) { /* a kernel without MAP_FIXED_NOREPLACE treats it as a hint */
		munmap(p, len);
		return -EEXIST;
	}
	memset(m->prot + (addr >> RV_PAGE_SHIFT), 0, len >> RV_PAGE_SHIFT);
	memset(m->code_faults + (addr >> RV_PAGE_SHIFT), 0, len >> RV_PAGE_SHIFT);
	return 0;
}

bool rv_mem_is_mapped(const struct rv_mem *m, uint64_t addr)
{
	return addr < m->limit && (m->prot[addr >> RV_PAGE_SHIFT] & RV_PAGE_MAPPED);
}

uint64_t rv_mem_find_free(const struct rv_mem *m, uint64_t len, uint64_t lo, uint64_t hi, bool top_down)
{
	len = page_round_up(len);
	if (hi > m->limit)
		hi = m->limit;
	if (len == 0 || lo >= hi || hi - lo < len)
		return UINT64_MAX;
	uint64_t need = len >> RV_PAGE_SHIFT;
	uint64_t run = 0;
	if (top_down) {
		for (uint64_t page = hi >> RV_PAGE_SHIFT; page > (lo >> RV_PAGE_SHIFT); page--) {
			run = (m->prot[page - 1] & RV_PAGE_MAPPED) ? 0 : run + 1;
			if (run == need)
				return (page - 1) << RV_PAGE_SHIFT;
		}
	} else {
		for (uint64_t page = lo >> RV_PAGE_SHIFT; page < (hi >> RV_PAGE_SHIFT); page++) {
			run = (m->prot[page] & RV_PAGE_MAPPED) ? 0 : run + 1;
			if (run == need)
				return (page + 1 - need) << RV_PAGE_SHIFT;
		}
	}
	return UINT64_MAX;
}

bool rv_mem_range_ok(const struct rv_mem *m, uint64_t addr, uint64_t len, unsigned prot)
{
	if (len == 0)
		return true;
	if (!range_in(m, addr, len))
		return false;
	uint64_t first = addr >> RV_PAGE_SHIFT, last = (addr + len - 1) >> RV_PAGE_SHIFT;
	for (uint64_t p = first; p <= last; p++)
		if ((m->prot[p] & prot) != prot || !(m->prot[p] & RV_PAGE_MAPPED))
			return false;
	return true;
}

bool rv_mem_read(const struct rv_mem *m, uint64_t addr, void *dst, size_t len)
{
	if (!rv_mem_range_ok(m, addr, len, RV_PROT_READ))
		return false;
	memcpy(dst, m->base + addr, len);
	return true;
}

bool rv_mem_write(struct rv_mem *m, uint64_t addr, const void *src, size_t len)
{
	if (!rv_mem_range_ok(m, addr, len, RV_PROT_WRITE))
		return false;
	rv_mem_code_unprotect(m, addr, len);
	memcpy(m->base + addr, src, len);
	return true;
}

long rv_mem_read_string(const struct rv_mem *m, uint64_t addr, char *dst, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (!rv_mem_range_ok(m, addr + i, 1, RV_PROT_READ))
			return -EFAULT;
		dst[i] = (char)m->base[addr + i];
		if (dst[i] == '\0')
			return (long)i;
	}
	return -ENAMETOOLONG;
}

/* ---- code pages (see mem.h) ---- */

static uint8_t page_bits(const struct rv_mem *m, uint64_t page)
{
	return __atomic_load_n(&m->prot[page], __ATOMIC_ACQUIRE);
}

bool rv_mem_code_page_use(struct rv_mem *m, uint64_t addr)
{
	if (addr >= m->limit)
		return true; /* the fetch fails anyway */
	uint64_t page = addr >> RV_PAGE_SHIFT;
	uint8_t bits = page_bits(m, page);
	if (bits & RV_PAGE_NOJIT)
		return false;
	if (!(bits & RV_PAGE_MAPPED) || !(bits & RV_PROT_WRITE) || (bits & RV_PAGE_CODE))
		return true;
	pthread_mutex_lock(&m->code_lock);
	bits = page_bits(m, page);
	bool ok = !(bits & RV_PAGE_NOJIT);
	if (ok && (bits & RV_PAGE_MAPPED) && (bits & RV_PROT_WRITE) && !(bits & RV_PAGE_CODE)) {
		/* read-only on the host before the translator reads the instructions: a store after this
		 * point faults, so no translation can miss it */
		if (mprotect(m->base + (page << RV_PAGE_SHIFT), RV_PAGE_SIZE,
		             host_prot(bits) & ~PROT_WRITE) == 0)
			__atomic_fetch_or(&m->prot[page], RV_PAGE_CODE, __ATOMIC_RELEASE);
		else
			ok = false; /* cannot watch it: interpret it */
	}
	pthread_mutex_unlock(&m->code_lock);
	return ok;
}

/* Makes one page host-writable again. Returns whether it was a code page; *failed on mprotect error.
 * Called with code_lock held. */
static bool unprotect_page(struct rv_mem *m, uint64_t page, bool count_fault, bool *failed)
{
	uint8_t bits = page_bits(m, page);
	if (!(bits & RV_PAGE_MAPPED) || !(bits & RV_PROT_WRITE))
		return false;
	bool was_code = (bits & RV_PAGE_CODE) != 0;
	if (mprotect(m->base + (page << RV_PAGE_SHIFT), RV_PAGE_SIZE, host_prot(bits)) != 0) {
		*failed = true;
		return false;
	}
	if (was_code && count_fault && m->code_faults[page] < UINT8_MAX &&
	    ++m->code_faults[page] >= RV_CODE_FAULT_LIMIT)
		__atomic_fetch_or(&m->prot[page], RV_PAGE_NOJIT, __ATOMIC_RELEASE);
	__atomic_fetch_and(&m->prot[page], (uint8_t)~RV_PAGE_CODE, __ATOMIC_RELEASE);
	return was_code;
}

bool rv_mem_code_write_fault(struct rv_mem *m, uint64_t addr)
{
	if (addr >= m->limit)
		return false;
	uint64_t page = addr >> RV_PAGE_SHIFT;
	uint8_t bits = page_bits(m, page);
	if (!(bits & RV_PAGE_MAPPED) || !(bits & RV_PROT_WRITE))
		return false; /* the guest may not write it: a real fault */
	/* guest-writable yet faulted: only code-page protection does that (or it was lifted by another
	 * thread meanwhile, then the retry just works) */
	bool failed = false;
	pthread_mutex_lock(&m->code_lock);
	bool was_code = unprotect_page(m, page, true, &failed);
	pthread_mutex_unlock(&m->code_lock);
	if (was_code && m->code_unprotected)
		m->code_unprotected(m, page << RV_PAGE_SHIFT, RV_PAGE_SIZE);
	return !failed;
}

void rv_mem_code_unprotect(struct rv_mem *m, uint64_t addr, uint64_t len)
{
	if (len == 0 || !range_in(m, addr, len))
		return;
	uint64_t first = addr >> RV_PAGE_SHIFT, last = (addr + len - 1) >> RV_PAGE_SHIFT;
	for (uint64_t page = first; page <= last; page++) {
		if (!(page_bits(m, page) & RV_PAGE_CODE))
			continue;
		bool failed = false;
		pthread_mutex_lock(&m->code_lock);
		bool was_code = unprotect_page(m, page, false, &failed);
		pthread_mutex_unlock(&m->code_lock);
		if (was_code && m->code_unprotected)
			m->code_unprotected(m, page << RV_PAGE_SHIFT, RV_PAGE_SIZE);
	}
}

void rv_mem_after_fork(struct rv_mem *m)
{
	pthread_mutex_init(&m->code_lock, NULL);
}
