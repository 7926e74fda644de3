/* sendmsg, recvmsg, sendmmsg, recvmmsg.
 *
 * The guest's struct msghdr (the kernel's user_msghdr) and struct cmsghdr, riscv64 LP64:
 *   msghdr:  0 msg_name (pointer)   8 msg_namelen (int)   16 msg_iov (pointer)   24 msg_iovlen (size_t)
 *            32 msg_control (pointer)   40 msg_controllen (size_t)   48 msg_flags (unsigned)   size 56
 *   mmsghdr: msghdr, then 56 msg_len (unsigned), size 64
 *   cmsghdr: 0 cmsg_len (size_t)   8 cmsg_level (int)   12 cmsg_type (int)   data at 16, every
 *            message aligned to 8 (CMSG_ALIGN: sizeof(long))
 * x86-64's are the same field by field (asserted below), so a host msghdr is the guest's with its three
 * pointers made host pointers, and the control buffer passes through as it is: the control messages the
 * kernel parses or produces carry no pointers (SCM_RIGHTS: ints, which are host = guest descriptors;
 * SCM_CREDENTIALS: struct ucred, three 32-bit ids on both; timestamps, IP_PKTINFO... plain data). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "rv/user/guest_copy.h"
#include "rv/user/sys_net.h"
#include "rv/user/syscall.h"

#define R         RV_PROT_READ
#define W         RV_PROT_WRITE
#define RET(expr) rv_host_ret((long)(expr))

#define UIO_MAXIOV_LIMIT 1024 /* UIO_MAXIOV: Linux's limit for msg_iovlen and vlen */

/* The guest's user_msghdr, read as it lies in guest memory. */
struct guest_msghdr {
	uint64_t name;
	int32_t namelen;
	uint32_t pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	uint32_t flags;
	uint32_t pad1;
};
#define GUEST_MSGHDR_SIZE  56
#define GUEST_MMSGHDR_SIZE 64
#define OFF_NAMELEN        8
#define OFF_CONTROLLEN     40
#define OFF_FLAGS          48
#define OFF_MSG_LEN        56
_Static_assert(sizeof(struct guest_msghdr) == GUEST_MSGHDR_SIZE, "riscv64 msghdr");
_Static_assert(offsetof(struct guest_msghdr, namelen) == OFF_NAMELEN, "msg_namelen");
_Static_assert(offsetof(struct guest_msghdr, controllen) == OFF_CONTROLLEN, "msg_controllen");
_Static_assert(offsetof(struct guest_msghdr, flags) == OFF_FLAGS, "msg_flags");
/* the host's, field by field */
_Static_assert(offsetof(struct msghdr, msg_name) == 0, "host msg_name");
_Static_assert(offsetof(struct msghdr, msg_namelen) == OFF_NAMELEN, "host msg_namelen");
_Static_assert(offsetof(struct msghdr, msg_iov) == 16, "host msg_iov");
_Static_assert(offsetof(struct msghdr, msg_iovlen) == 24, "host msg_iovlen");
_Static_assert(offsetof(struct msghdr, msg_control) == 32, "host msg_control");
_Static_assert(offsetof(struct msghdr, msg_controllen) == OFF_CONTROLLEN, "host msg_controllen");
_Static_assert(offsetof(struct msghdr, msg_flags) == OFF_FLAGS, "host msg_flags");
_Static_assert(sizeof(struct msghdr) == GUEST_MSGHDR_SIZE, "host msghdr");
_Static_assert(sizeof(struct mmsghdr) == GUEST_MMSGHDR_SIZE &&
                   offsetof(struct mmsghdr, msg_len) == OFF_MSG_LEN,
               "host mmsghdr");
_Static_assert(sizeof(struct cmsghdr) == 16 && offsetof(struct cmsghdr, cmsg_level) == 8 &&
                   offsetof(struct cmsghdr, cmsg_type) == 12 && CMSG_ALIGN(1) == 8,
               "host cmsghdr");
_Static_assert(sizeof(struct ucred) == 12, "struct ucred: pid, uid, gid");

/* Builds the host msghdr for a guest one: host pointers to the iovecs and the control buffer, each
 * checked against guest memory for the direction of the call. The name goes through *name: a copy of
 * the guest's (sending), or a place for the received one, which Linux then moves to the guest as for
 * recvfrom (rv_net_put_sockaddr). *iov must be freed. 0 or -errno. */
static long host_msghdr(struct rv_thread *t, const struct guest_msghdr *g, bool receiving, struct msghdr *h,
                        struct iovec **iov, struct sockaddr_storage *name)
{
	unsigned prot = receiving ? W : R;
	memset(h, 0, sizeof(*h));
	*iov = NULL;
	if (g->name) {
		if (g->namelen < 0)
			return -EINVAL;
		/* Linux uses at most a sockaddr_storage of it */
		h->msg_namelen = g->namelen < (int)sizeof(struct sockaddr_storage)
		                     ? (socklen_t)g->namelen
		                     : (socklen_t)sizeof(struct sockaddr_storage);
		h->msg_name = name;
		memset(name, 0, sizeof(*name));
		if (!receiving && rv_copy_from_guest(t, name, g->name, h->msg_namelen) < 0)
			return -EFAULT;
	}
	if (g->controllen) {
		if (g->controllen > INT_MAX)
			return -ENOBUFS;
		if (!(h->msg_control = rv_guest_ptr(t, g->control, g->controllen, prot)))
			return -EFAULT;
		h->msg_controllen = (size_t)g->controllen;
	}
	if (g->iovlen > UIO_MAXIOV_LIMIT)
		return -EMSGSIZE;
	long r = rv_guest_iov(t, g->iov, g->iovlen, prot, iov);
	if (r < 0)
		return r;
	h->msg_iov = *iov;
	h->msg_iovlen = (size_t)g->iovlen;
	return 0;
}

/* What recvmsg gives back to the guest's msghdr at addr: the sender's address (into the guest's name
 * buffer, length at msg_namelen), the control length and the flags. As Linux, after the data was
 * taken. 0, -EFAULT or -EINVAL. */
static long put_msghdr_results(struct rv_thread *t, uint64_t addr, uint64_t guest_name,
                               const struct msghdr *h)
{
	if (guest_name) {
		long r = rv_net_put_sockaddr(t, guest_name, addr + OFF_NAMELEN, h->msg_name, h->msg_namelen);
		if (r < 0)
			return r;
	}
	uint64_t controllen = h->msg_controllen;
	uint32_t flags = (uint32_t)h->msg_flags;
	if (rv_copy_to_guest(t, addr + OFF_CONTROLLEN, &controllen, sizeof(controllen)) < 0 ||
	    rv_copy_to_guest(t, addr + OFF_FLAGS, &flags, sizeof(flags)) < 0)
		return -EFAULT;
	return 0;
}

long rv_sys_sendmsg(struct rv_thread *t, const uint64_t *a)
{
	struct guest_msghdr g;
	if (rv_copy_from_guest(t, &g, a[1], sizeof(g)) < 0)
		return -EFAULT;
	struct msghdr h;
	struct iovec *iov;
	struct sockaddr_storage name;
	long r = host_msghdr(t, &g, false, &h, &iov, &name);
	if (r == 0)
		r = RET(sendmsg((int)a[0], &h, (int)a[2]));
	free(iov);
	return r;
}

long rv_sys_recvmsg(struct rv_thread *t, const uint64_t *a)
{
	struct guest_msghdr g;
	if (rv_copy_from_guest(t, &g, a[1], sizeof(g)) < 0)
		return -EFAULT;
	struct msghdr h;
	struct iovec *iov;
	struct sockaddr_storage name;
	long r = host_msghdr(t, &g, true, &h, &iov, &name);
	if (r == 0)
		r = RET(recvmsg((int)a[0], &h, (int)a[2]));
	free(iov);
	if (r >= 0) {
		long w = put_msghdr_results(t, a[1], g.name, &h);
		if (w < 0)
			return w;
	}
	return r;
}

/* The host form of a guest mmsghdr array (vlen entries, already limited). Entries that cannot be
 * translated end the batch: *count is the number that can be sent; an error is returned only when
 * it is the first. */
struct mmsg_batch {
	struct mmsghdr *msgs;
	struct iovec **iovs;
	struct sockaddr_storage *names;
	uint64_t *guest_names;
	unsigned count;
};

static void free_batch(struct mmsg_batch *b)
{
	for (unsigned i = 0; b->iovs && i < b->count; i++)
		free(b->iovs[i]);
	free(b->msgs);
	free(b->iovs);
	free(b->names);
	free(b->guest_names);
}

static long build_batch(struct rv_thread *t, uint64_t vec, unsigned vlen, bool receiving,
                        struct mmsg_batch *b)
{
	b->count = 0;
	b->msgs = calloc(vlen ? vlen : 1, sizeof(*b->msgs));
	b->iovs = calloc(vlen ? vlen : 1, sizeof(*b->iovs));
	b->names = calloc(vlen ? vlen : 1, sizeof(*b->names));
	b->guest_names = calloc(vlen ? vlen : 1, sizeof(*b->guest_names));
	if (!b->msgs || !b->iovs || !b->names || !b->guest_names) {
		free_batch(b);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < vlen; i++) {
		uint64_t entry = vec + (uint64_t)i * GUEST_MMSGHDR_SIZE;
		struct guest_msghdr g;
		long r = rv_copy_from_guest(t, &g, entry, sizeof(g));
		if (r == 0)
			r = host_msghdr(t, &g, receiving, &b->msgs[i].msg_hdr, &b->iovs[i], &b->names[i]);
		if (r < 0) {
			if (i == 0) {
				free_batch(b);
				return r;
			}
			break;
		}
		b->guest_names[i] = g.name;
		b->count = i + 1;
	}
	return 0;
}

long rv_sys_sendmmsg(struct rv_thread *t, const uint64_t *a)
{
	unsigned vlen = a[2] > UIO_MAXIOV_LIMIT ? UIO_MAXIOV_LIMIT : (unsigned)a[2];
	if (vlen == 0)
		return 0;
	struct mmsg_batch b;
	long r = build_batch(t, a[1], vlen, false, &b);
	if (r < 0)
		return r;
	r = RET(sendmmsg((int)a[0], b.msgs, b.count, (int)a[3]));
	for (long i = 0; i < r; i++) {
		uint32_t len = b.msgs[i].msg_len;
		if (rv_copy_to_guest(t, a[1] + (uint64_t)i * GUEST_MMSGHDR_SIZE + OFF_MSG_LEN, &len,
		                     sizeof(len)) < 0) {
			r = i ? i : -EFAULT;
			break;
		}
	}
	free_batch(&b);
	return r;
}

long rv_sys_recvmmsg(struct rv_thread *t, const uint64_t *a)
{
	unsigned vlen = a[2] > UIO_MAXIOV_LIMIT ? UIO_MAXIOV_LIMIT : (unsigned)a[2];
	/* the timeout is written back (the time left) */
	struct timespec *timeout = NULL;
	if (a[4] && !(timeout = rv_guest_ptr(t, a[4], sizeof(*timeout), R | W)))
		return -EFAULT;
	if (vlen == 0)
		return RET(recvmmsg((int)a[0], NULL, 0, (int)a[3], timeout));
	struct mmsg_batch b;
	long r = build_batch(t, a[1], vlen, true, &b);
	if (r < 0)
		return r;
	r = RET(recvmmsg((int)a[0], b.msgs, b.count, (int)a[3], timeout));
	for (long i = 0; i < r; i++) {
		uint64_t entry = a[1] + (uint64_t)i * GUEST_MMSGHDR_SIZE;
		uint32_t len = b.msgs[i].msg_len;
		long w = put_msghdr_results(t, entry, b.guest_names[i], &b.msgs[i].msg_hdr);
		if (w == 0 && rv_copy_to_guest(t, entry + OFF_MSG_LEN, &len, sizeof(len)) < 0)
			w = -EFAULT;
		if (w < 0) {
			r = i ? i : w;
			break;
		}
	}
	free_batch(&b);
	return r;
}
