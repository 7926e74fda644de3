/* Sockets: socket, socketpair, bind, listen, accept(4), connect, get{sock,peer}name, sendto, recvfrom,
 * shutdown. (Socket options: sys_net_opt.c; sendmsg/recvmsg and the mmsg forms: sys_net_msg.c.)
 *
 * Guest sockets are host sockets. The socket address structures have the same layout on riscv64 and
 * x86-64 (sa_family_t is 16 bits; sockaddr_in, sockaddr_in6, sockaddr_un, sockaddr_nl, sockaddr_ll
 * contain no pointers or longs), as do the flags and constants (asm-generic socket.h on both). Addresses
 * go through host copies, as Linux moves them through kernel ones (move_addr_to_kernel/_to_user), so
 * an address length is checked against guest memory exactly as far as it is used. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rv/user/guest_copy.h"
#include "rv/user/sys_net.h"
#include "rv/user/syscall.h"

#define R         RV_PROT_READ
#define W         RV_PROT_WRITE
#define RET(expr) rv_host_ret((long)(expr))

long rv_net_get_sockaddr(struct rv_thread *t, uint64_t addr, uint64_t len, struct sockaddr_storage *out)
{
	int n = (int)len;
	if (n < 0 || (size_t)n > sizeof(*out))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	return rv_copy_from_guest(t, out, addr, (size_t)n);
}

long rv_net_put_sockaddr(struct rv_thread *t, uint64_t addr, uint64_t len_addr,
                         const struct sockaddr_storage *a, socklen_t a_len)
{
	/* as Linux's move_addr_to_user: the guest's buffer length, then the bytes that fit, then the full
	 * length (so nothing is written, and no buffer needs to exist, for an empty address) */
	int buf_len;
	if (rv_copy_from_guest(t, &buf_len, len_addr, sizeof(buf_len)) < 0)
		return -EFAULT;
	if (buf_len < 0)
		return -EINVAL;
	size_t n = (size_t)buf_len < a_len ? (size_t)buf_len : a_len;
	if (n > sizeof(*a))
		n = sizeof(*a);
	if (rv_copy_to_guest(t, addr, a, n) < 0)
		return -EFAULT;
	int full = (int)a_len;
	return rv_copy_to_guest(t, len_addr, &full, sizeof(full));
}

long rv_sys_socket(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(socket((int)a[0], (int)a[1], (int)a[2]));
}

long rv_sys_socketpair(struct rv_thread *t, const uint64_t *a)
{
	if (!rv_guest_ptr(t, a[3], 2 * sizeof(int), W))
		return -EFAULT;
	int sv[2];
	if (socketpair((int)a[0], (int)a[1], (int)a[2], sv) != 0)
		return -errno;
	if (rv_copy_to_guest(t, a[3], sv, sizeof(sv)) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -EFAULT;
	}
	return 0;
}

long rv_sys_bind(struct rv_thread *t, const uint64_t *a)
{
	struct sockaddr_storage sa;
	long r = rv_net_get_sockaddr(t, a[1], a[2], &sa);
	if (r < 0)
		return r;
	return RET(bind((int)a[0], (struct sockaddr *)&sa, (socklen_t)a[2]));
}

long rv_sys_connect(struct rv_thread *t, const uint64_t *a)
{
	struct sockaddr_storage sa;
	long r = rv_net_get_sockaddr(t, a[1], a[2], &sa);
	if (r < 0)
		return r;
	return RET(connect((int)a[0], (struct sockaddr *)&sa, (socklen_t)a[2]));
}

long rv_sys_listen(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(listen((int)a[0], (int)a[1]));
}

long rv_sys_accept4(struct rv_thread *t, const uint64_t *a)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int fd = accept4((int)a[0], a[1] ? (struct sockaddr *)&sa : NULL, a[1] ? &len : NULL, (int)a[3]);
	if (fd < 0)
		return -errno;
	long r = a[1] ? rv_net_put_sockaddr(t, a[1], a[2], &sa, len) : 0;
	if (r < 0) {
		close(fd); /* as Linux: the connection is lost */
		return r;
	}
	return fd;
}

long rv_sys_accept(struct rv_thread *t, const uint64_t *a)
{
	const uint64_t b[4] = {a[0], a[1], a[2], 0};
	return rv_sys_accept4(t, b);
}

/* getsockname/getpeername */
static long socket_name(struct rv_thread *t, const uint64_t *a, bool peer)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	long r = peer ? getpeername((int)a[0], (struct sockaddr *)&sa, &len)
	              : getsockname((int)a[0], (struct sockaddr *)&sa, &len);
	if (r != 0)
		return -errno;
	return rv_net_put_sockaddr(t, a[1], a[2], &sa, len);
}

long rv_sys_getsockname(struct rv_thread *t, const uint64_t *a)
{
	return socket_name(t, a, false);
}

long rv_sys_getpeername(struct rv_thread *t, const uint64_t *a)
{
	return socket_name(t, a, true);
}

long rv_sys_sendto(struct rv_thread *t, const uint64_t *a)
{
	const void *buf = rv_guest_ptr(t, a[1], a[2], R);
	if (!buf)
		return -EFAULT;
	struct sockaddr_storage sa;
	if (a[4]) {
		long r = rv_net_get_sockaddr(t, a[4], a[5], &sa);
		if (r < 0)
			return r;
	}
	return RET(sendto((int)a[0], buf, (size_t)a[2], (int)a[3], a[4] ? (struct sockaddr *)&sa : NULL,
	                  a[4] ? (socklen_t)a[5] : 0));
}

long rv_sys_recvfrom(struct rv_thread *t, const uint64_t *a)
{
	void *buf = rv_guest_ptr(t, a[1], a[2], W);
	if (!buf)
		return -EFAULT;
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	long n = RET(recvfrom((int)a[0], buf, (size_t)a[2], (int)a[3], a[4] ? (struct sockaddr *)&sa : NULL,
	                      a[4] ? &len : NULL));
	/* as Linux: the data is taken even if the address cannot be returned */
	long r = n >= 0 && a[4] ? rv_net_put_sockaddr(t, a[4], a[5], &sa, len) : 0;
	return r < 0 ? r : n;
}

long rv_sys_shutdown(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(shutdown((int)a[0], (int)a[1]));
}
