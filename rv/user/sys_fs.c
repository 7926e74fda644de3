/* File-system and I/O syscalls. Guest file descriptors are host file descriptors; buffers are passed
 * to the host kernel as host pointers into guest memory after a range check. Structures whose riscv64
 * layout differs from x86-64 (struct stat) are translated; the others (statx, termios, iovec, dirent64,
 * statfs, flock) have the same 64-bit layout on both and pass through. (poll and select: sys_event.c.) */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "rv/user/guest_copy.h"
#include "rv/user/prefix.h"
#include "rv/user/procfs.h"
#include "rv/user/sys_event.h"
#include "rv/user/syscall.h"

#define R         RV_PROT_READ
#define W         RV_PROT_WRITE
#define RET(expr) rv_host_ret((long)(expr))

/* riscv64 (asm-generic) struct stat: 128 bytes. */
struct rv_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint64_t pad1;
	int64_t st_size;
	int32_t st_blksize;
	int32_t pad2;
	int64_t st_blocks;
	int64_t st_atime_sec;
	uint64_t st_atime_nsec;
	int64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	int64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	uint32_t unused4;
	uint32_t unused5;
};
_Static_assert(sizeof(struct rv_stat) == 128, "riscv64 struct stat is 128 bytes");

/* Writes the riscv64 form of s to the guest at addr: 0 or -EFAULT. */
static long put_stat(struct rv_thread *t, uint64_t addr, const struct stat *s)
{
	struct rv_stat out, *d = &out;
	memset(d, 0, sizeof(*d));
	d->st_dev = s->st_dev;
	d->st_ino = s->st_ino;
	d->st_mode = s->st_mode;
	d->st_nlink = (uint32_t)s->st_nlink;
	d->st_uid = s->st_uid;
	d->st_gid = s->st_gid;
	d->st_rdev = s->st_rdev;
	d->st_size = s->st_size;
	d->st_blksize = (int32_t)s->st_blksize;
	d->st_blocks = s->st_blocks;
	d->st_atime_sec = s->st_atim.tv_sec;
	d->st_atime_nsec = (uint64_t)s->st_atim.tv_nsec;
	d->st_mtime_sec = s->st_mtim.tv_sec;
	d->st_mtime_nsec = (uint64_t)s->st_mtim.tv_nsec;
	d->st_ctime_sec = s->st_ctim.tv_sec;
	d->st_ctime_nsec = (uint64_t)s->st_ctim.tv_nsec;
	return rv_copy_to_guest(t, addr, d, sizeof(*d));
}

/* A guest path, with /proc/self/exe meaning the guest program (not karasu-rv). */
static long get_path(struct rv_thread *t, uint64_t addr, char *buf, size_t len)
{
	long r = rv_copy_string_from_guest(t, addr, buf, len);
	if (r < 0)
		return r;
	if (strcmp(buf, "/proc/self/exe") == 0)
		snprintf(buf, len, "%s", t->proc->exe_path);
	rv_prefix_apply(buf, len); /* -L: an absolute path that exists under the prefix means that file */
	return 0;
}

static int dirfd_arg(uint64_t v)
{
	return (int)(int32_t)v; /* AT_FDCWD is -100 in the low 32 bits */
}

long rv_sys_getcwd(struct rv_thread *t, const uint64_t *a)
{
	/* Linux writes only the path: a buffer as large as the path is enough, whatever size says */
	char cwd[PATH_MAX];
	long n = RET(syscall(SYS_getcwd, cwd, sizeof(cwd)));
	if (n < 0)
		return n;
	if ((uint64_t)n > a[1])
		return -ERANGE;
	long r = rv_copy_to_guest(t, a[0], cwd, (size_t)n);
	return r < 0 ? r : n;
}

long rv_sys_dup(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(dup((int)a[0]));
}

long rv_sys_dup3(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(dup3((int)a[0], (int)a[1], (int)a[2]));
}

long rv_sys_fcntl(struct rv_thread *t, const uint64_t *a)
{
	int cmd = (int)a[1];
	switch (cmd) {
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW: {
		struct flock *fl = rv_guest_ptr(t, a[2], sizeof(struct flock), R | W);
		if (!fl)
			return -EFAULT;
		return RET(fcntl((int)a[0], cmd, fl));
	}
	case F_GETOWN_EX:
	case F_SETOWN_EX: {
		/* struct f_owner_ex {int type; pid_t pid;}: the same on both */
		void *own = rv_guest_ptr(t, a[2], sizeof(struct f_owner_ex), cmd == F_GETOWN_EX ? W : R);
		if (!own)
			return -EFAULT;
		return RET(fcntl((int)a[0], cmd, own));
	}
	case F_GET_RW_HINT:
	case F_SET_RW_HINT:
	case F_GET_FILE_RW_HINT:
	case F_SET_FILE_RW_HINT: {
		bool get = cmd == F_GET_RW_HINT || cmd == F_GET_FILE_RW_HINT;
		void *hint = rv_guest_ptr(t, a[2], sizeof(uint64_t), get ? W : R);
		if (!hint)
			return -EFAULT;
		return RET(fcntl((int)a[0], cmd, hint));
	}
	/* commands whose argument is a number (or unused) */
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_GETFD:
	case F_SETFD:
	case F_GETFL:
	case F_SETFL:
	case F_GETOWN:
	case F_SETOWN:
	case F_GETSIG:
	case F_SETSIG:
	case F_GETLEASE:
	case F_SETLEASE:
	case F_NOTIFY:
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
	case F_ADD_SEALS:
	case F_GET_SEALS: return RET(fcntl((int)a[0], cmd, (long)a[2]));
	/* anything else might take a pointer the host kernel would read as a host address */
	default: return -EINVAL;
	}
}

long rv_sys_ioctl(struct rv_thread *t, const uint64_t *a)
{
	unsigned long req = (unsigned long)(uint32_t)a[1];
	size_t size;
	/* terminal ioctls: riscv64 uses the asm-generic numbers and struct layouts, as x86-64 does */
	switch (req) {
	case TCGETS:
	case TCSETS:
	case TCSETSW:
	case TCSETSF: size = 36; break; /* kernel struct termios: 4 flags, c_line, c_cc[19] */
	case TIOCGWINSZ:
	case TIOCSWINSZ: size = sizeof(struct winsize); break;
	case TIOCGPGRP:
	case TIOCSPGRP:
	case TIOCGSID:
	case FIONREAD:
	case FIONBIO:
	case TIOCOUTQ: size = sizeof(int); break;
	case TCFLSH:
	case TCXONC:
	case TCSBRK:
	case TIOCSCTTY:
	case FIOCLEX:
	case FIONCLEX: return RET(ioctl((int)a[0], req, (unsigned long)a[2]));
	default: return -ENOTTY;
	}
	void *p = rv_guest_ptr(t, a[2], size, R | W);
	if (!p)
		return -EFAULT;
	return RET(ioctl((int)a[0], req, p));
}

long rv_sys_flock(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(flock((int)a[0], (int)a[1]));
}

long rv_sys_mknodat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(mknodat(dirfd_arg(a[0]), path, (mode_t)a[2], (dev_t)a[3]));
}

long rv_sys_mkdirat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(mkdirat(dirfd_arg(a[0]), path, (mode_t)a[2]));
}

long rv_sys_unlinkat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(unlinkat(dirfd_arg(a[0]), path, (int)a[2]));
}

long rv_sys_symlinkat(struct rv_thread *t, const uint64_t *a)
{
	char target[PATH_MAX], path[PATH_MAX];
	long r = rv_copy_string_from_guest(t, a[0], target, sizeof(target));
	if (r >= 0)
		r = get_path(t, a[2], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(symlinkat(target, dirfd_arg(a[1]), path));
}

long rv_sys_linkat(struct rv_thread *t, const uint64_t *a)
{
	char from[PATH_MAX], to[PATH_MAX];
	long r = get_path(t, a[1], from, sizeof(from));
	if (r == 0)
		r = get_path(t, a[3], to, sizeof(to));
	if (r < 0)
		return r;
	return RET(linkat(dirfd_arg(a[0]), from, dirfd_arg(a[2]), to, (int)a[4]));
}

long rv_sys_renameat2(struct rv_thread *t, const uint64_t *a)
{
	char from[PATH_MAX], to[PATH_MAX];
	long r = get_path(t, a[1], from, sizeof(from));
	if (r == 0)
		r = get_path(t, a[3], to, sizeof(to));
	if (r < 0)
		return r;
	return RET(syscall(SYS_renameat2, dirfd_arg(a[0]), from, dirfd_arg(a[2]), to, (unsigned)a[4]));
}

long rv_sys_renameat(struct rv_thread *t, const uint64_t *a)
{
	const uint64_t b[5] = {a[0], a[1], a[2], a[3], 0};
	return rv_sys_renameat2(t, b);
}

long rv_sys_statfs(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[0], path, sizeof(path));
	if (r < 0)
		return r;
	struct statfs *st = rv_guest_ptr(t, a[1], sizeof(struct statfs), W);
	if (!st)
		return -EFAULT;
	return RET(statfs(path, st));
}

long rv_sys_fstatfs(struct rv_thread *t, const uint64_t *a)
{
	struct statfs *st = rv_guest_ptr(t, a[1], sizeof(struct statfs), W);
	if (!st)
		return -EFAULT;
	return RET(fstatfs((int)a[0], st));
}

long rv_sys_truncate(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[0], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(truncate(path, (off_t)a[1]));
}

long rv_sys_ftruncate(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(ftruncate((int)a[0], (off_t)a[1]));
}

long rv_sys_fallocate(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(fallocate((int)a[0], (int)a[1], (off_t)a[2], (off_t)a[3]));
}

long rv_sys_faccessat2(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(syscall(SYS_faccessat2, dirfd_arg(a[0]), path, (int)a[2], (int)a[3]));
}

long rv_sys_faccessat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(syscall(SYS_faccessat, dirfd_arg(a[0]), path, (int)a[2]));
}

long rv_sys_chdir(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[0], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(chdir(path));
}

long rv_sys_fchdir(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(fchdir((int)a[0]));
}

long rv_sys_fchmod(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(fchmod((int)a[0], (mode_t)a[1]));
}

#define HOST_NR_fchmodat2 452 /* x86-64, Linux 6.6 (older host headers lack it) */

long rv_sys_fchmodat2(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	/* an older host kernel says ENOSYS, and glibc falls back to fchmodat as it would on Linux */
	return RET(syscall(HOST_NR_fchmodat2, dirfd_arg(a[0]), path, (mode_t)a[2], (int)a[3]));
}

long rv_sys_fchmodat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(syscall(SYS_fchmodat, dirfd_arg(a[0]), path, (mode_t)a[2]));
}

long rv_sys_fchownat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	return RET(fchownat(dirfd_arg(a[0]), path, (uid_t)a[2], (gid_t)a[3], (int)a[4]));
}

long rv_sys_fchown(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]));
}

long rv_sys_openat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	if (strcmp(path, "/proc/self/maps") == 0 || strcmp(path, "/proc/thread-self/maps") == 0)
		return rv_procfs_open_maps(t->proc);
	int flags = (int)a[2];
	/* What the path names is vetted before the real open (an O_PATH descriptor reads nothing), so no
	 * other guest thread can use a descriptor of /proc/self/mem even for a moment; and again after
	 * it, in case the path changed in between. */
	int probe = openat(dirfd_arg(a[0]), path, O_PATH | O_CLOEXEC | (flags & (O_NOFOLLOW | O_DIRECTORY)));
	if (probe >= 0) {
		int vetted = rv_procfs_vet_open(t->proc, probe);
		if (vetted != probe)
			return vetted; /* the guest's maps, or refused */
		close(probe);
	}
	long fd = RET(openat(dirfd_arg(a[0]), path, flags, (mode_t)a[3]));
	return fd < 0 ? fd : rv_procfs_vet_open(t->proc, (int)fd);
}

long rv_sys_close(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	long r;
	if (rv_signalfd_close((int)a[0], &r)) /* an emulated signalfd, or the descriptor behind one */
		return r;
	return RET(close((int)a[0]));
}

long rv_sys_pipe2(struct rv_thread *t, const uint64_t *a)
{
	int *fds = rv_guest_ptr(t, a[0], 2 * sizeof(int), W);
	if (!fds)
		return -EFAULT;
	return RET(pipe2(fds, (int)a[1]));
}

long rv_sys_getdents64(struct rv_thread *t, const uint64_t *a)
{
	void *buf = rv_guest_ptr(t, a[1], a[2], W);
	if (!buf)
		return -EFAULT;
	return RET(syscall(SYS_getdents64, (int)a[0], buf, (size_t)a[2]));
}

long rv_sys_lseek(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(lseek((int)a[0], (off_t)a[1], (int)a[2]));
}

long rv_sys_read(struct rv_thread *t, const uint64_t *a)
{
	long r;
	if (rv_signalfd_read(t, (int)a[0], a[1], a[2], &r)) /* an emulated signalfd */
		return r;
	void *buf = rv_guest_ptr(t, a[1], a[2], W);
	if (!buf)
		return -EFAULT;
	return RET(read((int)a[0], buf, (size_t)a[2]));
}

long rv_sys_write(struct rv_thread *t, const uint64_t *a)
{
	const void *buf = rv_guest_ptr(t, a[1], a[2], R);
	if (!buf)
		return -EFAULT;
	return RET(write((int)a[0], buf, (size_t)a[2]));
}

long rv_guest_iov(struct rv_thread *t, uint64_t addr, uint64_t count, unsigned prot, struct iovec **out)
{
	if (count > IOV_MAX)
		return -EINVAL;
	/* the guest array is copied first (a guarded copy: it may fault on the host) */
	uint64_t *g = malloc(count ? count * 16 : 1);
	struct iovec *iov = calloc(count ? count : 1, sizeof(*iov));
	if (!g || !iov) {
		free(g);
		free(iov);
		return -ENOMEM;
	}
	if (rv_copy_from_guest(t, g, addr, count * 16) < 0) {
		free(g);
		free(iov);
		return -EFAULT;
	}
	for (uint64_t i = 0; i < count; i++) {
		iov[i].iov_len = g[2 * i + 1];
		iov[i].iov_base = rv_guest_ptr(t, g[2 * i], g[2 * i + 1], prot);
		if (!iov[i].iov_base) {
			free(g);
			free(iov);
			return -EFAULT;
		}
	}
	free(g);
	*out = iov;
	return 0;
}

long rv_sys_readv(struct rv_thread *t, const uint64_t *a)
{
	struct iovec *iov;
	long r = rv_guest_iov(t, a[1], a[2], W, &iov);
	if (r < 0)
		return r;
	r = RET(readv((int)a[0], iov, (int)a[2]));
	free(iov);
	return r;
}

long rv_sys_writev(struct rv_thread *t, const uint64_t *a)
{
	struct iovec *iov;
	long r = rv_guest_iov(t, a[1], a[2], R, &iov);
	if (r < 0)
		return r;
	r = RET(writev((int)a[0], iov, (int)a[2]));
	free(iov);
	return r;
}

long rv_sys_preadv(struct rv_thread *t, const uint64_t *a)
{
	struct iovec *iov;
	long r = rv_guest_iov(t, a[1], a[2], W, &iov);
	if (r < 0)
		return r;
	r = RET(preadv((int)a[0], iov, (int)a[2], (off_t)a[3]));
	free(iov);
	return r;
}

long rv_sys_pwritev(struct rv_thread *t, const uint64_t *a)
{
	struct iovec *iov;
	long r = rv_guest_iov(t, a[1], a[2], R, &iov);
	if (r < 0)
		return r;
	r = RET(pwritev((int)a[0], iov, (int)a[2], (off_t)a[3]));
	free(iov);
	return r;
}

/* preadv2/pwritev2: fd, iov, count, offset (low and high halves: on 64-bit the low one is all of it,
 * -1 = the file position), flags (RWF_*, the same on both). */
static long rw_v2(struct rv_thread *t, const uint64_t *a, bool writing)
{
	struct iovec *iov;
	long r = rv_guest_iov(t, a[1], a[2], writing ? R : W, &iov);
	if (r < 0)
		return r;
	r = RET(syscall(writing ? SYS_pwritev2 : SYS_preadv2, (int)a[0], iov, (int)a[2], (long)a[3],
	                (long)a[4], (int)a[5]));
	free(iov);
	return r;
}

long rv_sys_preadv2(struct rv_thread *t, const uint64_t *a)
{
	return rw_v2(t, a, false);
}

long rv_sys_pwritev2(struct rv_thread *t, const uint64_t *a)
{
	return rw_v2(t, a, true);
}

long rv_sys_pread64(struct rv_thread *t, const uint64_t *a)
{
	void *buf = rv_guest_ptr(t, a[1], a[2], W);
	if (!buf)
		return -EFAULT;
	return RET(pread((int)a[0], buf, (size_t)a[2], (off_t)a[3]));
}

long rv_sys_pwrite64(struct rv_thread *t, const uint64_t *a)
{
	const void *buf = rv_guest_ptr(t, a[1], a[2], R);
	if (!buf)
		return -EFAULT;
	return RET(pwrite((int)a[0], buf, (size_t)a[2], (off_t)a[3]));
}

long rv_sys_sendfile(struct rv_thread *t, const uint64_t *a)
{
	off_t *off = NULL;
	if (a[2] && !(off = rv_guest_ptr(t, a[2], sizeof(off_t), R | W)))
		return -EFAULT;
	return RET(sendfile((int)a[0], (int)a[1], off, (size_t)a[3]));
}

long rv_sys_copy_file_range(struct rv_thread *t, const uint64_t *a)
{
	off_t *in_off = NULL, *out_off = NULL;
	if (a[1] && !(in_off = rv_guest_ptr(t, a[1], sizeof(off_t), R | W)))
		return -EFAULT;
	if (a[3] && !(out_off = rv_guest_ptr(t, a[3], sizeof(off_t), R | W)))
		return -EFAULT;
	return RET(copy_file_range((int)a[0], in_off, (int)a[2], out_off, (size_t)a[4], (unsigned)a[5]));
}

long rv_sys_readlinkat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = rv_copy_string_from_guest(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	if ((int64_t)a[3] <= 0)
		return -EINVAL; /* Linux: bufsiz must be positive */
	char *buf = rv_guest_ptr(t, a[2], a[3], W);
	if (!buf)
		return -EFAULT;
	if (strcmp(path, "/proc/self/exe") == 0) {
		size_t n = strlen(t->proc->exe_path);
		if (n > a[3])
			n = a[3];
		r = rv_copy_to_guest(t, a[2], t->proc->exe_path, n);
		return r < 0 ? r : (long)n;
	}
	rv_prefix_apply(path, sizeof(path));
	return RET(readlinkat(dirfd_arg(a[0]), path, buf, (size_t)a[3]));
}

long rv_sys_newfstatat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	if (!rv_guest_ptr(t, a[2], sizeof(struct rv_stat), W))
		return -EFAULT;
	struct stat st;
	if (fstatat(dirfd_arg(a[0]), path, &st, (int)a[3]) != 0)
		return -errno;
	return put_stat(t, a[2], &st);
}

long rv_sys_fstat(struct rv_thread *t, const uint64_t *a)
{
	if (!rv_guest_ptr(t, a[1], sizeof(struct rv_stat), W))
		return -EFAULT;
	struct stat st;
	if (fstat((int)a[0], &st) != 0)
		return -errno;
	return put_stat(t, a[1], &st);
}

long rv_sys_statx(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = get_path(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	void *out = rv_guest_ptr(t, a[4], 256, W); /* struct statx is 256 bytes on every architecture */
	if (!out)
		return -EFAULT;
	return RET(syscall(SYS_statx, dirfd_arg(a[0]), path, (int)a[2], (unsigned)a[3], out));
}

long rv_sys_sync(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	sync();
	return 0;
}

long rv_sys_fsync(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(fsync((int)a[0]));
}

long rv_sys_fdatasync(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(fdatasync((int)a[0]));
}

long rv_sys_utimensat(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	const char *p = NULL;
	if (a[1]) {
		long r = get_path(t, a[1], path, sizeof(path));
		if (r < 0)
			return r;
		p = path;
	}
	struct timespec *ts = NULL;
	if (a[2] && !(ts = rv_guest_ptr(t, a[2], 2 * sizeof(*ts), R)))
		return -EFAULT;
	return RET(syscall(SYS_utimensat, dirfd_arg(a[0]), p, ts, (int)a[3]));
}

long rv_sys_umask(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return (long)umask((mode_t)a[0]);
}

long rv_sys_fadvise64(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return -posix_fadvise((int)a[0], (off_t)a[1], (off_t)a[2], (int)a[3]);
}

long rv_sys_memfd_create(struct rv_thread *t, const uint64_t *a)
{
	char name[256]; /* Linux: at most 249 bytes plus the NUL, longer is EINVAL */
	long r = rv_copy_string_from_guest(t, a[0], name, sizeof(name));
	if (r < 0)
		return r == -ENAMETOOLONG ? -EINVAL : r;
	return RET(syscall(SYS_memfd_create, name, (unsigned)a[1]));
}

/* An optional loff_t in and out of splice. NULL with *bad set when it is not accessible. */
static loff_t *splice_offset(struct rv_thread *t, uint64_t addr, bool *bad)
{
	loff_t *off = addr ? rv_guest_ptr(t, addr, sizeof(loff_t), R | W) : NULL;
	*bad = addr && !off;
	return off;
}

long rv_sys_splice(struct rv_thread *t, const uint64_t *a)
{
	bool bad_in, bad_out;
	loff_t *in = splice_offset(t, a[1], &bad_in), *out = splice_offset(t, a[3], &bad_out);
	if (bad_in || bad_out)
		return -EFAULT;
	return RET(splice((int)a[0], in, (int)a[2], out, (size_t)a[4], (unsigned)a[5]));
}

long rv_sys_tee(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(tee((int)a[0], (int)a[1], (size_t)a[2], (unsigned)a[3]));
}

long rv_sys_vmsplice(struct rv_thread *t, const uint64_t *a)
{
	/* into a pipe's write end the buffers are read, out of a read end they are written (Linux asks
	 * the same question: how the descriptor was opened) */
	int fl = fcntl((int)a[0], F_GETFL);
	if (fl < 0)
		return -errno;
	struct iovec *iov;
	long r = rv_guest_iov(t, a[1], a[2], (fl & O_ACCMODE) == O_RDONLY ? W : R, &iov);
	if (r < 0)
		return r;
	r = RET(vmsplice((int)a[0], iov, (size_t)a[2], (unsigned)a[3]));
	free(iov);
	return r;
}

long rv_sys_sync_file_range(struct rv_thread *t, const uint64_t *a)
{
	(void)t; /* riscv64 has the plain order: fd, offset, nbytes, flags */
	return RET(sync_file_range((int)a[0], (off_t)a[1], (off_t)a[2], (unsigned)a[3]));
}

long rv_sys_syncfs(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syncfs((int)a[0]));
}

long rv_sys_readahead(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(readahead((int)a[0], (off_t)a[1], (size_t)a[2]));
}
