/* karasu-rv: karasu-rv's own reads and writes of guest memory, safe against host faults.
 *
 * A guest buffer that passes the page-table check (rv_guest_ptr, rv_mem_range_ok) can still fault on
 * the host when karasu-rv touches it: a file mapping past the end of its file raises SIGBUS, another
 * guest thread may munmap it between the check and the access, and a page of translated code is
 * read-only on the host. Linux answers such a buffer with EFAULT, so every access karasu-rv makes itself
 * (struct stat, sigactions, signal frames, paths, iovec arrays...) goes through these helpers: they arm
 * a per-thread recovery point, and the host fault handler calls rv_guest_copy_host_fault, which jumps
 * back to it for a fault inside the guest region. Buffers handed to host system calls need none of
 * this: the host kernel returns EFAULT itself. */
#ifndef KARASU_RV_USER_GUEST_COPY_H
#define KARASU_RV_USER_GUEST_COPY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/user/process.h"

/* Copies len bytes from guest address src (must be guest-readable). 0 or -EFAULT. */
int rv_copy_from_guest(struct rv_thread *t, void *dst, uint64_t src, size_t len);
/* Copies len bytes to guest address dst (must be guest-writable). 0 or -EFAULT (then some bytes may
 * have been written, as with Linux's copy_to_user). */
int rv_copy_to_guest(struct rv_thread *t, uint64_t dst, const void *src, size_t len);
/* Zeroes len guest bytes at dst (guest-writable). 0 or -EFAULT. */
int rv_clear_guest(struct rv_thread *t, uint64_t dst, size_t len);
/* Stores a 32-bit value atomically (seq-cst) at the guest address (writable, 4-byte aligned, e.g. a
 * futex word). 0 or -EFAULT. */
int rv_guest_store_u32(struct rv_thread *t, uint64_t dst, uint32_t value);
/* Copies a NUL-terminated guest string into dst (max bytes including the NUL). Returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL is found in max bytes. */
long rv_copy_string_from_guest(struct rv_thread *t, uint64_t src, char *dst, size_t max);

/* Called first thing by the host SIGSEGV/SIGBUS handler for a real fault (si_code > 0): if this thread
 * is inside one of the copies above and the fault address is in its guest region, it does not return
 * (the copy fails with -EFAULT). Otherwise it returns. Async-signal-safe; needs SA_NODEFER. */
void rv_guest_copy_host_fault(int sig, const siginfo_t *info);

#endif
