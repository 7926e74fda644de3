/* Guarded accesses to guest memory by karasu-rv itself (see guest_copy.h). */
#include <errno.h>
#include <setjmp.h>
#include <string.h>

#include "rv/user/guest_copy.h"

/* The recovery point of the copy running on this thread (NULL: none). The handler only reads it and
 * the fault details it leaves in the thread-locals below (static storage: still valid after the jump,
 * unlike locals changed between sigsetjmp and siglongjmp). */
struct copy_guard {
	sigjmp_buf env;
	uintptr_t lo, hi; /* the host range of the guest region: faults elsewhere are not ours */
};
static _Thread_local struct copy_guard *armed;
static _Thread_local uintptr_t fault_host_addr;
static _Thread_local int fault_sig;

/* A store can fault on a guest-writable page that holds translated code (host read-only, see mem.h):
 * the page is made writable and the copy runs again. Bounded, in case another thread keeps translating
 * from the page meanwhile. */
#define CODE_PAGE_RETRIES 4

void rv_guest_copy_host_fault(int sig, const siginfo_t *info)
{
	struct copy_guard *g = __atomic_load_n(&armed, __ATOMIC_RELAXED);
	uintptr_t addr = (uintptr_t)info->si_addr;
	if (!g || addr < g->lo || addr >= g->hi)
		return;
	fault_host_addr = addr;
	fault_sig = sig;
	__atomic_store_n(&armed, NULL, __ATOMIC_RELAXED);
	siglongjmp(g->env, 1);
}

enum guarded_op { OP_COPY, OP_ZERO, OP_STORE32 };

/* Runs one access to host memory that lies in m's guest region. 0, or -EFAULT after a host fault. */
static int guarded(const struct rv_mem *m, enum guarded_op op, void *dst, const void *src, size_t len)
{
	struct copy_guard g;
	g.lo = (uintptr_t)m->base;
	g.hi = g.lo + m->region_len;
	if (sigsetjmp(g.env, 0))
		return -EFAULT; /* the handler disarmed it */
	__atomic_store_n(&armed, &g, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST); /* the access stays between arming and disarming */
	switch (op) {
	case OP_COPY: memcpy(dst, src, len); break;
	case OP_ZERO: memset(dst, 0, len); break;
	case OP_STORE32: {
		uint32_t v;
		memcpy(&v, src, sizeof(v));
		__atomic_store_n((uint32_t *)dst, v, __ATOMIC_SEQ_CST);
		break;
	}
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&armed, NULL, __ATOMIC_RELAXED);
	return 0;
}

int rv_copy_from_guest(struct rv_thread *t, void *dst, uint64_t src, size_t len)
{
	struct rv_mem *m = &t->proc->mem;
	if (len == 0)
		return 0;
	if (!rv_mem_range_ok(m, src, len, RV_PROT_READ))
		return -EFAULT;
	return guarded(m, OP_COPY, dst, m->base + src, len);
}

/* A write into guest memory; retried after a fault caused by code-page protection. */
static int guarded_write(struct rv_thread *t, enum guarded_op op, uint64_t dst, const void *src, size_t len)
{
	struct rv_mem *m = &t->proc->mem;
	if (len == 0)
		return 0;
	if (!rv_mem_range_ok(m, dst, len, RV_PROT_WRITE))
		return -EFAULT;
	for (int attempt = 0;; attempt++) {
		rv_mem_code_unprotect(m, dst, len);
		if (guarded(m, op, m->base + dst, src, len) == 0)
			return 0;
		uint64_t guest_addr = fault_host_addr - (uintptr_t)m->base;
		/* SIGBUS (past the end of a file) or a page the guest may not write: a real EFAULT */
		if (fault_sig != SIGSEGV || attempt == CODE_PAGE_RETRIES ||
		    !rv_mem_code_write_fault(m, guest_addr))
			return -EFAULT;
	}
}

int rv_copy_to_guest(struct rv_thread *t, uint64_t dst, const void *src, size_t len)
{
	return guarded_write(t, OP_COPY, dst, src, len);
}

int rv_clear_guest(struct rv_thread *t, uint64_t dst, size_t len)
{
	return guarded_write(t, OP_ZERO, dst, NULL, len);
}

int rv_guest_store_u32(struct rv_thread *t, uint64_t dst, uint32_t value)
{
	/* a misaligned word cannot be a futex; it is still written (not atomically) */
	return guarded_write(t, (dst & 3) ? OP_COPY : OP_STORE32, dst, &value, sizeof(value));
}

long rv_copy_string_from_guest(struct rv_thread *t, uint64_t src, char *dst, size_t max)
{
	size_t done = 0;
	while (done < max) {
		/* one page at a time: a string may end just before an inaccessible page */
		uint64_t addr = src + done;
		if (addr < src)
			return -EFAULT; /* wrapped around */
		size_t chunk = RV_PAGE_SIZE - (addr & (RV_PAGE_SIZE - 1));
		if (chunk > max - done)
			chunk = max - done;
		int r = rv_copy_from_guest(t, dst + done, addr, chunk);
		if (r < 0)
			return r;
		const char *nul = memchr(dst + done, '\0', chunk);
		if (nul)
			return (long)(nul - dst);
		done += chunk;
	}
	return -ENAMETOOLONG;
}
