/* Memory syscalls: brk, mmap and friends, all inside the guest region (see rv/user/mem.h). */
#include <errno.h>
#include <stdio.h>
#include <stdnoreturn.h>
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

/* A host hole in the guest region could not be reserved again: another host thread's mmap took it in
 * the instant it was open. Going on would leave karasu-rv memory inside the guest's address space. */
static noreturn void foreign_mapping(struct rv_thread *t, uint64_t addr, long err)
{
	fprintf(stderr, "karasu-rv: internal error: cannot reserve guest range 0x%llx again (%s)\n",
	        (unsigned long long)addr, strerror((int)-err));
	rv_process_exit(t, RV_EXIT_STATUS_ERROR);
}

/* Page-table bits for pages a host mremap added after the old range: the growth continues the last
 * page's mapping, as the host's does. */
static void copy_page_bits(struct rv_mem *m, uint64_t src_page, uint64_t src_pages, uint64_t dst_page,
                           uint64_t dst_pages)
{
	const uint8_t keep = (uint8_t)(RV_PAGE_MAPPED | RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	/* backwards: when growing in place, source and destination are the same pages */
	for (uint64_t i = dst_pages; i-- > 0;) {
		m->prot[dst_page + i] = m->prot[src_page + (i < src_pages ? i : src_pages - 1)] & keep;
		m->code_faults[dst_page + i] = 0;
	}
}

/* The moving mremap: the host kernel moves the pages themselves (never touched here, so PROT_NONE pages
 * and file pages past the end of the file move as they are, and a shared mapping stays shared), and the
 * page table follows. Like Linux, the old range must lie in one host mapping (else -EFAULT). 0 or -errno
 * (then nothing changed). */
static long move_mapping(struct rv_thread *t, uint64_t old, uint64_t old_len, uint64_t dst, uint64_t new_len)
{
	struct rv_mem *m = &t->proc->mem;
	void *moved = mremap(m->base + old, old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, m->base + dst);
	if (moved == MAP_FAILED)
		return -errno;
	copy_page_bits(m, old >> RV_PAGE_SHIFT, old_len >> RV_PAGE_SHIFT, dst >> RV_PAGE_SHIFT,
	               new_len >> RV_PAGE_SHIFT);
	/* the old range is a hole in the reserved region now */
	long r = rv_mem_reserve_hole(m, old, old_len);
	if (r < 0)
		foreign_mapping(t, old, r);
	return 0;
}

/* Growth in place: Linux extends the mapping itself, so it stays one mapping that can later move as a
 * whole (pages mapped separately after a mapping that was moved before would be a second host mapping,
 * since its file offset no longer follows its address, and a later moving mremap fails with EFAULT), and
 * a shared or file mapping grows into more of its object. The host extends its mapping only into a hole:
 * the reserved pages after it are released for that instant. 0 or -errno (then nothing changed). */
static long grow_in_place(struct rv_thread *t, uint64_t old, uint64_t old_len, uint64_t new_len)
{
	struct rv_mem *m = &t->proc->mem;
	uint64_t tail = old + old_len, tail_len = new_len - old_len;
	if (munmap(m->base + tail, tail_len) != 0)
		return -errno;
	void *grown = mremap(m->base + old, old_len, new_len, 0);
	if (grown == MAP_FAILED) {
		long e = -errno;
		long r = rv_mem_reserve_hole(m, tail, tail_len);
		if (r < 0)
			foreign_mapping(t, tail, r);
		return e;
	}
	copy_page_bits(m, old >> RV_PAGE_SHIFT, old_len >> RV_PAGE_SHIFT, old >> RV_PAGE_SHIFT,
	               new_len >> RV_PAGE_SHIFT);
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
	if (new_len <= old_len) {
		if (new_len < old_len)
			rv_mem_unmap(&p->mem, old + new_len, old_len - new_len);
		ret = (long)old;
		goto out;
	}
	/* grow in place when the pages after it are free */
	if (old + new_len <= p->mem.limit && rv_mem_find_free(&p->mem, new_len - old_len, old + old_len,
	                                                      old + new_len, false) == old + old_len) {
		ret = grow_in_place(t, old, old_len, new_len);
		if (ret == 0)
			ret = (long)old;
		if (ret != -ENOMEM || !(flags & MREMAP_MAYMOVE))
			goto out;
		/* (the host found no room after all: moving may still work) */
	} else if (!(flags & MREMAP_MAYMOVE)) {
		ret = -ENOMEM;
		goto out;
	}
	uint64_t dst = rv_mem_find_free(&p->mem, new_len, RV_MMAP_MIN_ADDR, p->mmap_top, true);
	if (dst == UINT64_MAX) {
		ret = -ENOMEM;
		goto out;
	}
	ret = move_mapping(t, old, old_len, dst, new_len);
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

/* Locking is not done (the host might refuse it for lack of RLIMIT_MEMLOCK): guest memory stays
 * where it is anyway; only the arguments are checked, as Linux does. */
long rv_sys_mlock2(struct rv_thread *t, const uint64_t *a)
{
	if (a[2] & ~(uint64_t)MLOCK_ONFAULT)
		return -EINVAL;
	return rv_sys_mlock(t, a);
}

long rv_sys_mlockall(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	uint64_t flags = a[0];
	if (!flags || (flags & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	return 0;
}

long rv_sys_munlockall(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return 0;
}

/* mincore: the host's answer for the host pages behind the guest's (one byte per page either way). */
long rv_sys_mincore(struct rv_thread *t, const uint64_t *a)
{
	struct rv_mem *m = &t->proc->mem;
	uint64_t addr = a[0], len = a[1];
	if (addr & PAGE_MASK_LOW)
		return -EINVAL;
	if (page_up(len) < len || !rv_mem_range_ok(m, addr, page_up(len), 0))
		return -ENOMEM;
	uint64_t pages = page_up(len) >> RV_PAGE_SHIFT;
	unsigned char *vec = rv_guest_ptr(t, a[2], pages, RV_PROT_WRITE);
	if (!vec)
		return -EFAULT;
	return rv_host_ret(mincore(m->base + addr, (size_t)len, vec));
}
