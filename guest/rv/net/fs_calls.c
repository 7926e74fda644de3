/* The file and memory calls that came with the event-loop work (they were ENOSYS before):
 * memfd_create, splice, tee, vmsplice, preadv2/pwritev2, fchmodat2, sync_file_range, syncfs,
 * readahead, extended attributes, inotify, mincore, mlock2, mlockall/munlockall. Files live in
 * $TMPDIR. */
#include "guest/rv/net/nettest.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/xattr.h>

#define NR_fchmodat2 452 /* the same number on every architecture */

static char dir[256];

static void memfd_and_pipes(void)
{
	int m = memfd_create("karasu-test", MFD_CLOEXEC);
	CHECK(m >= 0 && write(m, "memfd data", 10) == 10, "memfd_create, write");
	char *map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, m, 0);
	CHECK(map != MAP_FAILED && memcmp(map, "memfd data", 10) == 0,
	      "a shared mapping of the memfd sees it");
	int p[2], q[2];
	pipe(p);
	pipe(q);
	loff_t off = 6;
	CHECK(splice(m, &off, p[1], NULL, 4, 0) == 4 && off == 10,
	      "splice 4 bytes from offset 6 into a pipe");
	CHECK(tee(p[0], q[1], 4, 0) == 4, "tee them into a second pipe");
	char a[8] = {0}, b[8] = {0};
	CHECK(read(p[0], a, 4) == 4 && read(q[0], b, 4) == 4 && strcmp(a, "data") == 0 &&
	          strcmp(b, "data") == 0,
	      "both pipes have \"data\"");
	char part1[] = "vm", part2[] = "splice";
	struct iovec iov[2] = {{part1, 2}, {part2, 6}};
	CHECK(vmsplice(p[1], iov, 2, 0) == 8, "vmsplice two buffers into the pipe");
	char c[16] = {0};
	CHECK(read(p[0], c, sizeof(c)) == 8 && strcmp(c, "vmsplice") == 0, "read back \"vmsplice\"");
	CHECK(write(p[1], "out", 3) == 3, "write into the pipe");
	char d[4] = {0};
	struct iovec out = {d, 3};
	CHECK(vmsplice(p[0], &out, 1, 0) == 3 && memcmp(d, "out", 3) == 0, "vmsplice out of the read end");
	munmap(map, 4096);
	close(m);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void file_calls(void)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/fs_calls.file", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char x[] = "0123", y[] = "4567";
	struct iovec iov[2] = {{x, 4}, {y, 4}};
	CHECK(pwritev2(fd, iov, 2, 0, 0) == 8, "pwritev2 at offset 0");
	char r1[4], r2[4];
	struct iovec in[2] = {{r1, 4}, {r2, 4}};
	CHECK(preadv2(fd, in, 2, 0, 0) == 8 && memcmp(r1, "0123", 4) == 0 && memcmp(r2, "4567", 4) == 0,
	      "preadv2 reads it back");
	lseek(fd, 4, SEEK_SET);
	CHECK(preadv2(fd, in, 1, -1, 0) == 4 && memcmp(r1, "4567", 4) == 0 && lseek(fd, 0, SEEK_CUR) == 8,
	      "preadv2 at offset -1 uses and moves the file position");
	CHECK(sync_file_range(fd, 0, 8, SYNC_FILE_RANGE_WRITE) == 0, "sync_file_range");
	CHECK(syncfs(fd) == 0, "syncfs");
	CHECK(readahead(fd, 0, 8) == 0, "readahead");
	long r = syscall(NR_fchmodat2, AT_FDCWD, path, 0600, 0);
	struct stat st;
	stat(path, &st);
	CHECK(r == 0 && (st.st_mode & 0777) == 0600, "fchmodat2 sets mode 0600");
	if (setxattr(path, "user.karasu", "value", 5, 0) == 0) {
		char v[16] = {0}, names[64];
		CHECK(getxattr(path, "user.karasu", v, sizeof(v)) == 5 && strcmp(v, "value") == 0 &&
		          getxattr(path, "user.karasu", NULL, 0) == 5,
		      "setxattr/getxattr (and the size alone)");
		CHECK(listxattr(path, names, sizeof(names)) > 0 && fgetxattr(fd, "user.karasu", v, 2) == -1 &&
		          errno == ERANGE,
		      "listxattr; fgetxattr into too small a buffer: ERANGE");
		CHECK(removexattr(path, "user.karasu") == 0 &&
		          getxattr(path, "user.karasu", v, sizeof(v)) == -1 && errno == ENODATA,
		      "removexattr, then ENODATA");
	} else {
		CHECK(errno == ENOTSUP, "extended attributes not supported here: ENOTSUP");
	}
	void *bad = unmapped_page();
	CHECK(syscall(SYS_getxattr, path, bad, NULL, 0) == -1 && errno == EFAULT,
	      "getxattr with an unmapped name: EFAULT");
	close(fd);
	unlink(path);
}

static void inotify_calls(void)
{
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int wd = inotify_add_watch(in, dir, IN_CREATE);
	CHECK(in >= 0 && wd >= 0, "inotify_init1, a watch on $TMPDIR");
	char path[300];
	snprintf(path, sizeof(path), "%s/created", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	union {
		struct inotify_event ev;
		char buf[sizeof(struct inotify_event) + 64];
	} u;
	long n = read(in, &u, sizeof(u));
	CHECK(n > 0 && u.ev.wd == wd && (u.ev.mask & IN_CREATE) && strcmp(u.ev.name, "created") == 0,
	      "IN_CREATE for \"created\"");
	CHECK(inotify_rm_watch(in, wd) == 0, "inotify_rm_watch");
	unlink(path);
	close(in);
}

static void memory_calls(void)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	unsigned char vec[3];
	CHECK(mincore(p, 3 * 4096, vec) == 0 && (vec[0] & 1), "mincore: the touched page is resident");
	CHECK(mincore(p + 1, 4096, vec) == -1 && errno == EINVAL, "mincore at an unaligned address: EINVAL");
	CHECK(mincore(unmapped_page(), 4096, vec) == -1 && errno == ENOMEM,
	      "mincore of unmapped memory: ENOMEM");
	CHECK(syscall(SYS_mlock2, p, 4096, 0) == 0 && munlock(p, 4096) == 0, "mlock2, munlock");
	CHECK(syscall(SYS_mlock2, p, 4096, 2) == -1 && errno == EINVAL,
	      "mlock2 with an unknown flag: EINVAL");
	CHECK(mlockall(0) == -1 && errno == EINVAL, "mlockall(0): EINVAL");
	munmap(p, 3 * 4096);
}

int main(void)
{
	guard_time(30);
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s", t ? t : "/tmp");
	memfd_and_pipes();
	file_calls();
	inotify_calls();
	memory_calls();
	return nettest_done();
}
