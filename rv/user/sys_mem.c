/* Memory syscalls: brk, mmap and friends, all inside the guest region (see rv/user/mem.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "rv/user/runtime.h"
#include "rv/user/syscall.h"

#define PAGE_MASK_LOW    (RV_PAGE_SIZE - 1)
#define RV_MMAP_MIN_ADDR 0x10000ull

static uint64_t page_up(uint64_t x)
{
	return (x + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
}

long rv_sys_brk(struct rv_thread *t, const uint64_t *a)
{
	struct rv_process *p = t->proc;
	uint64_t want = a[0];
	pthread_mutex_lock(&p->lock);
	uint64_t cur = p->brk_cur;
	if (want >= p->brk_start && want < p->mem.limit) {
		uint64_t old_end = page_up(cur), new_end = page_up(want);
		bool ok = true;
		if (new_end > old_end) {
			/* the heap may not grow into another mapping */
			for (uint64_t x = old_end; x < new_end && ok; x += RV_PAGE_SIZE)
				ok = !rv_mem_is_mapped(&p->mem, x);
			if (ok)
				ok = rv_mem_map(&p->mem, old_end, new_end - old_end,
				                RV_PROT_READ | RV_PROT_WRITE) == 0;
		} else if (new_end < old_end) {
			rv_mem_unmap(&p->mem, new_end, old_end - new_end);
		}
		if (ok)
			p->brk_cur = cur = want;
	}
	pthread_mutex_unlock(&p->lock);
	return (long)cur;
}

long rv_sys_mmap(struct rv_thread *t, const uint64_t *a)
{
	struct rv_process *p = t->proc;
	uint64_t addr = a[0], len = a[1], off = a[5];
	unsigned prot = (unsigned)a[2] & (RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	int flags = (int)a[3], fd = (int)a[4];
	bool anon = flags & MAP_ANONYMOUS;
	bool shared = (flags & MAP_TYPE) == MAP_SHARED || (flags & MAP_TYPE) == MAP_SHARED_VALIDATE;

	if (len == 0 || (off & PAGE_MASK_LOW) || page_up(len) < len)
		return -EINVAL;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && !shared)
		return -EINVAL;
	len = page_up(len);
	pthread_mutex_lock(&p->lock);
	long ret;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr < RV_MMAP_MIN_ADDR) {
			ret = -EPERM; /* Linux's vm.mmap_min_addr: page zero never becomes mappable */
			goto out;
		}
		if ((addr & PAGE_MASK_LOW) || addr >= p->mem.limit || len > p->mem.limit - addr) {
			ret = (flags & MAP_FIXED) ? -EINVAL : -ENOMEM;
			goto out;
		}
		if (flags & MAP_FIXED_NOREPLACE) {
			for (uint64_t x = addr; x < addr + len; x += RV_PAGE_SIZE)
				if (rv_mem_is_mapped(&p->mem, x)) {
					ret = -EEXIST;
					goto out;
				}
		}
	} else {
		uint64_t hint = addr & ~PAGE_MASK_LOW;
		bool hint_free = hint >= RV_MMAP_MIN_ADDR && hint < p->mem.limit &&
		                 len <= p->mem.limit - hint &&
		                 rv_mem_find_free(&p->mem, len, hint, hint + len, false) == hint;
		addr = hint_free
		           ? hint
		           : rv_mem_find_free(&p->mem, len, p->brk_cur + (64ull << 20), p->mmap_top, true);
		if (addr == UINT64_MAX)
			addr = rv_mem_find_free(&p->mem, len, RV_MMAP_MIN_ADDR, p->mmap_top, true);
		if (addr == UINT64_MAX) {
			ret = -ENOMEM;
			goto out;
		}
	}
	int r = rv_mem_map_host(&p->mem, addr, len, prot, shared, anon ? -1 : fd, anon ? 0 : off);
	if (r < 0) {
		ret = r;
		goto out;
	}
	ret = (long)addr;
out:
	pthread_mutex_unlock(&p->lock);
	if (ret >= 0)
		rv_runtime_code_changed(t, addr, len); /* takes the lock itself */
	return ret;
}

long rv_sys_munmap(struct rv_thread *t, const uint64_t *a)
{
	struct rv_process *p = t->proc;
	uint64_t addr = a[0], len = page_up(a[1]);
	if ((addr & PAGE_MASK_LOW) || a[1] == 0 || addr >= p->mem.limit || len > p->mem.limit - addr)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	long r = rv_mem_unmap(&p->mem, addr, len);
	pthread_mutex_unlock(&p->lock);
	rv_runtime_code_changed(t, addr, len);
	return r;
}

long rv_sys_mprotect(struct rv_thread *t, const uint64_t *a)
{
	struct rv_process *p = t->proc;
	uint64_t addr = a[0], len = page_up(a[1]);
	if (addr & PAGE_MASK_LOW)
		return -EINVAL;
	if (a[1] == 0)
		return 0;
	pthread_mutex_lock(&p->lock);
	long r = rv_mem_protect(&p->mem, addr, len, (unsigned)a[2] & 7);
	pthread_mutex_unlock(&p->lock);
	rv_runtime_code_changed(t, addr, len);
	return r;
}

/* The moving mremap: the host kernel moves the pages themselves (never touched here, so PROT_NONE pages
 * and file pages past the end of the file move as they are, and a shared mapping stays shared), and the
 * page table follows. 0 or -errno (then nothing changed). */
static long move_mapping(struct rv_mem *m, uint64_t old, uint64_t old_len, uint64_t dst, uint64_t new_len)
{
	void *moved = mremap(m->base + old, old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, m->base + dst);
	if (moved == MAP_FAILED)
		return -errno;
	uint64_t old_page = old >> RV_PAGE_SHIFT, dst_page = dst >> RV_PAGE_SHIFT;
	uint64_t old_pages = old_len >> RV_PAGE_SHIFT, new_pages = new_len >> RV_PAGE_SHIFT;
	const uint8_t keep = (uint8_t)(RV_PAGE_MAPPED | RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	for (uint64_t i = 0; i < new_pages; i++) {
		/* the growth continues the last page's mapping (the host extends that mapping too) */
		uint8_t bits = m->prot[old_page + (i < old_pages ? i : old_pages - 1)] & keep;
		m->prot[dst_page + i] = bits;
		m->code_faults[dst_page + i] = 0;
	}
	/* the old range is a hole in the reserved region now: reserved again (and marked unmapped) */
	rv_mem_unmap(m, old, old_len);
	return 0;
}

/* mremap with old_size 0: a new mapping of the same shared object (mapped at old) at a free address.
 * Returns the address or -errno. */
static long duplicate_shared(struct rv_process *p, uint64_t old, uint64_t new_len, uint64_t flags)
{
	struct rv_mem *m = &p->mem;
	uint64_t dst = rv_mem_find_free(m, new_len, RV_MMAP_MIN_ADDR, p->mmap_top, true);
	if (dst == UINT64_MAX)
		return (flags & MREMAP_MAYMOVE) ? -ENOMEM : -EINVAL;
	void *dup = mremap(m->base + old, 0, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, m->base + dst);
	if (dup == MAP_FAILED)
		return -errno; /* EINVAL: a private mapping */
	if (!(flags & MREMAP_MAYMOVE)) {
		/* shared, but it cannot grow in place (the reservation follows it): Linux says ENOMEM */
		rv_mem_unmap(m, dst, new_len);
		return -ENOMEM;
	}
	const uint8_t keep = (uint8_t)(RV_PAGE_MAPPED | RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	uint8_t bits = m->prot[old >> RV_PAGE_SHIFT] & keep;
	memset(m->prot + (dst >> RV_PAGE_SHIFT), bits, new_len >> RV_PAGE_SHIFT);
	memset(m->code_faults + (dst >> RV_PAGE_SHIFT), 0, new_len >> RV_PAGE_SHIFT);
	return (long)dst;
}

long rv_sys_mremap(struct rv_thread *t, const uint64_t *a)
{
	struct rv_process *p = t->proc;
	uint64_t old = a[0], old_len = page_up(a[1]), new_len = page_up(a[2]);
	uint64_t flags = a[3];
	if ((old & PAGE_MASK_LOW) || new_len == 0 || (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED)))
		return -EINVAL;
	if (flags & MREMAP_FIXED)
		return -EINVAL; /* not supported: glibc never asks for it */
	/* Code pages are read-only on the host: one protection again, so that the range is one host
	 * mapping as it is for the guest (a moving host mremap cannot span several). Before the lock:
	 * the runtime takes it to drop the translations. */
	rv_mem_code_unprotect(&p->mem, old, old_len);
	pthread_mutex_lock(&p->lock);
	long ret;
	if (!rv_mem_is_mapped(&p->mem, old) || !rv_mem_range_ok(&p->mem, old, old_len, 0)) {
		ret = -EFAULT; /* (also keeps a wild address away from the page table) */
		goto out;
	}
	if (old_len == 0) {
		/* Linux makes a second mapping of a shared mapping's object this way (private ones:
		 * EINVAL); the host kernel does the same with the host mapping and says which it is */
		ret = duplicate_shared(p, old, new_len, flags);
		goto out;
	}
	unsigned prot = p->mem.prot[old >> RV_PAGE_SHIFT] & (RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	if (new_len <= old_len) {
		if (new_len < old_len)
			rv_mem_unmap(&p->mem, old + new_len, old_len - new_len);
		ret = (long)old;
		goto out;
	}
	/* grow in place when the pages after it are free */
	if (old + new_len <= p->mem.limit && rv_mem_find_free(&p->mem, new_len - old_len, old + old_len,
	                                                      old + new_len, false) == old + old_len) {
		ret = rv_mem_map(&p->mem, old + old_len, new_len - old_len, prot);
		if (ret == 0)
			ret = (long)old;
		goto out;
	}
	if (!(flags & MREMAP_MAYMOVE)) {
		ret = -ENOMEM;
		goto out;
	}
	uint64_t dst = rv_mem_find_free(&p->mem, new_len, RV_MMAP_MIN_ADDR, p->mmap_top, true);
	if (dst == UINT64_MAX) {
		ret = -ENOMEM;
		goto out;
	}
	ret = move_mapping(&p->mem, old, old_len, dst, new_len);
	if (ret == 0)
		ret = (long)dst;
out:
	pthread_mutex_unlock(&p->lock);
	rv_runtime_code_changed(t, old, old_len);
	return ret;
}

long rv_sys_madvise(struct rv_thread *t, const uint64_t *a)
{
	struct rv_process *p = t->proc;
	uint64_t addr = a[0], len = page_up(a[1]);
	if (addr & PAGE_MASK_LOW)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!rv_mem_range_ok(&p->mem, addr, len, 0))
		return -ENOMEM;
	int advice = (int)a[2];
	/* DONTNEED has a visible effect (private pages read back as zero); the rest are hints */
	if (advice == MADV_DONTNEED && madvise(p->mem.base + addr, len, MADV_DONTNEED) != 0)
		return -errno;
	return 0;
}

long rv_sys_msync(struct rv_thread *t, const uint64_t *a)
{
	struct rv_process *p = t->proc;
	if (!rv_mem_range_ok(&p->mem, a[0], a[1], 0))
		return -ENOMEM;
	return rv_host_ret(msync(p->mem.base + a[0], a[1], (int)a[2]));
}

long rv_sys_mlock(struct rv_thread *t, const uint64_t *a)
{
	return rv_mem_range_ok(&t->proc->mem, a[0], a[1], 0) ? 0 : -ENOMEM;
}

long rv_sys_munlock(struct rv_thread *t, const uint64_t *a)
{
	return rv_mem_range_ok(&t->proc->mem, a[0], a[1], 0) ? 0 : -ENOMEM;
}
