/* Extended attributes: {,l,f}{set,get,list,remove}xattr. Names are strings, values and name lists are
 * byte buffers with the same meaning on every architecture, so the calls go to the host. Values read
 * back pass through a host buffer: only the bytes Linux really writes must be writable, as there. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/xattr.h>

#include "rv/user/prefix.h"
#include "rv/user/guest_copy.h"
#include "rv/user/syscall.h"

#define XATTR_NAME_BYTES 256           /* XATTR_NAME_MAX (255) and the NUL */
#define XATTR_VALUE_MAX  (64u * 1024u) /* XATTR_SIZE_MAX and XATTR_LIST_MAX */

/* Which object the call names: a path (following a final symlink or not) or a descriptor. */
enum xattr_target { BY_PATH, BY_LINK, BY_FD };

struct xattr_args {
	enum xattr_target how;
	char path[PATH_MAX];
	int fd;
	char name[XATTR_NAME_BYTES];
};

/* Reads the object argument a0 and, if with_name, the attribute name. 0 or -errno. */
static long get_args(struct rv_thread *t, enum xattr_target how, uint64_t a0, bool with_name,
                     uint64_t name_addr, struct xattr_args *x)
{
	x->how = how;
	x->fd = (int)a0;
	if (how != BY_FD) {
		long r = rv_copy_string_from_guest(t, a0, x->path, sizeof(x->path));
		if (r < 0)
			return r;
		rv_prefix_apply(x->path, sizeof(x->path));
	}
	if (with_name) {
		long r = rv_copy_string_from_guest(t, name_addr, x->name, sizeof(x->name));
		if (r == -ENAMETOOLONG)
			return -ERANGE; /* what Linux says for a name longer than XATTR_NAME_MAX */
		if (r < 0)
			return r;
	}
	return 0;
}

static long do_set(struct rv_thread *t, enum xattr_target how, const uint64_t *a)
{
	struct xattr_args x;
	long r = get_args(t, how, a[0], true, a[1], &x);
	if (r < 0)
		return r;
	if (a[3] > XATTR_VALUE_MAX)
		return -E2BIG;
	const void *value = rv_guest_ptr(t, a[2], a[3], RV_PROT_READ);
	if (!value)
		return -EFAULT;
	size_t n = (size_t)a[3];
	int flags = (int)a[4];
	switch (how) {
	case BY_PATH: r = setxattr(x.path, x.name, value, n, flags); break;
	case BY_LINK: r = lsetxattr(x.path, x.name, value, n, flags); break;
	case BY_FD: r = fsetxattr(x.fd, x.name, value, n, flags); break;
	}
	return rv_host_ret(r);
}

/* get (one attribute's value) or list (the names): the result goes to buf_addr, at most size bytes;
 * size 0 asks for the length only. */
static long do_read(struct rv_thread *t, enum xattr_target how, bool get, uint64_t a0, uint64_t name_addr,
                    uint64_t buf_addr, uint64_t size)
{
	struct xattr_args x;
	long r = get_args(t, how, a0, get, name_addr, &x);
	if (r < 0)
		return r;
	size_t n = size > XATTR_VALUE_MAX ? XATTR_VALUE_MAX : (size_t)size;
	char *buf = n ? malloc(n) : NULL;
	if (n && !buf)
		return -ENOMEM;
	switch (how) {
	case BY_PATH: r = get ? getxattr(x.path, x.name, buf, n) : listxattr(x.path, buf, n); break;
	case BY_LINK: r = get ? lgetxattr(x.path, x.name, buf, n) : llistxattr(x.path, buf, n); break;
	case BY_FD: r = get ? fgetxattr(x.fd, x.name, buf, n) : flistxattr(x.fd, buf, n); break;
	}
	r = rv_host_ret(r);
	if (r > 0 && n && rv_copy_to_guest(t, buf_addr, buf, (size_t)r) < 0)
		r = -EFAULT;
	free(buf);
	return r;
}

static long do_remove(struct rv_thread *t, enum xattr_target how, const uint64_t *a)
{
	struct xattr_args x;
	long r = get_args(t, how, a[0], true, a[1], &x);
	if (r < 0)
		return r;
	switch (how) {
	case BY_PATH: r = removexattr(x.path, x.name); break;
	case BY_LINK: r = lremovexattr(x.path, x.name); break;
	case BY_FD: r = fremovexattr(x.fd, x.name); break;
	}
	return rv_host_ret(r);
}

long rv_sys_setxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_set(t, BY_PATH, a);
}
long rv_sys_lsetxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_set(t, BY_LINK, a);
}
long rv_sys_fsetxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_set(t, BY_FD, a);
}
long rv_sys_getxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_read(t, BY_PATH, true, a[0], a[1], a[2], a[3]);
}
long rv_sys_lgetxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_read(t, BY_LINK, true, a[0], a[1], a[2], a[3]);
}
long rv_sys_fgetxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_read(t, BY_FD, true, a[0], a[1], a[2], a[3]);
}
long rv_sys_listxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_read(t, BY_PATH, false, a[0], 0, a[1], a[2]);
}
long rv_sys_llistxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_read(t, BY_LINK, false, a[0], 0, a[1], a[2]);
}
long rv_sys_flistxattr(struct rv_thread *t, const uint64_t *a)
{
	return do_read(t, BY_FD, false, a[0], 0, a[1], a[2]);
}
long rv_sys_removexattr(struct rv_thread *t, const uint64_t *a)
{
	return do_remove(t, BY_PATH, a);
}
long rv_sys_lremovexattr(struct rv_thread *t, const uint64_t *a)
{
	return do_remove(t, BY_LINK, a);
}
long rv_sys_fremovexattr(struct rv_thread *t, const uint64_t *a)
{
	return do_remove(t, BY_FD, a);
}
