/* /proc/self/mem and /proc/PID/maps: on Linux they show the program's own address space and nothing
 * else. Under an emulator that forwards the paths to the host kernel they show the emulator's (host)
 * address space, and /proc/self/mem then reads and writes host memory outside the guest region.
 *
 *   proc_mem read    prints the mappings /proc/PID/maps lists above the riscv64 user address space
 *                    (none on Linux), and tries to read 16 bytes at each through /proc/self/mem; every
 *                    success is a FAIL line. Exit status: the number of failures.
 *   proc_mem write   looks for the text "Segmentation fault" in readable memory above the user address
 *                    space through /proc/self/mem and overwrites it with "Guest wrote here!", then
 *                    faults: a shell message other than "Segmentation fault" means host memory was
 *                    written. On Linux nothing is found and the program dies of SIGSEGV (139).
 *   proc_mem fcntl   fcntl commands whose argument is a pointer (F_GETOWN_EX, F_SETOWN_EX,
 *                    F_GET_RW_HINT, F_SET_RW_HINT): into a buffer of the program they work (0), at
 *                    readable host addresses from /proc/PID/maps they must fail with EFAULT, as for any
 *                    address the program has not mapped. Exit status: the number of failures.
 *   proc_mem paths   other routes to the same files: /proc/PID/mem, /proc/self//mem,
 *                    /proc/thread-self/mem, /proc/self/task/TID/mem, /proc/TID/mem of a second thread,
 *                    a dirfd (also O_PATH) of /proc/self, a symlink, the current directory; every one
 *                    must either fail to open or read nothing at the host addresses the host's
 *                    /proc/self/auxv reveals (AT_PHDR, AT_SYSINFO_EHDR, AT_RANDOM: all below 2^38 on
 *                    Linux, so nothing is tried there); task maps must list nothing above 2^38; no
 *                    memfd above 2^38 opens for writing through /proc/self/map_files; an unknown
 *                    fcntl command fails with EINVAL. Exit status: the number of failures. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define USER_END (1ul << 38) /* riscv64 Sv39 */

struct range {
	uint64_t lo, hi;
	char perms[5];
	char what[96];
};

/* The mappings above the user address space, from /proc/PID/maps (the numeric form: a program that
 * asks for "/proc/self/maps" may get an emulated view). */
static int host_ranges(struct range *out, int max)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)getpid());
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[512];
	int n = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		struct range r;
		memset(&r, 0, sizeof(r));
		unsigned long lo, hi;
		int used = 0;
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &lo, &hi, r.perms, &used) < 3)
			continue;
		if (lo < USER_END)
			continue;
		r.lo = lo;
		r.hi = hi;
		snprintf(r.what, sizeof(r.what), "%s", line + used);
		r.what[strcspn(r.what, "\n")] = '\0';
		out[n++] = r;
	}
	fclose(f);
	return n;
}

static int mode_read(void)
{
	static struct range r[256];
	int n = host_ranges(r, 256);
	int mem = open("/proc/self/mem", O_RDONLY);
	int failures = 0;
	printf("%d mappings above the user address space\n", n);
	for (int i = 0; i < n; i++) {
		if (r[i].perms[0] != 'r')
			continue;
		uint8_t buf[16];
		long got = mem >= 0 ? pread(mem, buf, sizeof(buf), (off_t)r[i].lo) : -1;
		if (got > 0) {
			printf("FAIL: read %ld bytes of host memory at 0x%lx (%s): %02x %02x %02x %02x\n",
			       got, (unsigned long)r[i].lo, r[i].what, buf[0], buf[1], buf[2], buf[3]);
			failures++;
		}
	}
	/* addresses where x86-64 hosts usually keep programs, whatever the maps file says */
	static const uint64_t guesses[] = {0x400000, 0x555555554000ul, 0x7ffff7dd0000ul};
	for (unsigned i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		uint8_t buf[4];
		if (mem >= 0 && guesses[i] >= USER_END && pread(mem, buf, 4, (off_t)guesses[i]) > 0) {
			printf("FAIL: read host memory at 0x%lx\n", (unsigned long)guesses[i]);
			failures++;
		}
	}
	printf("done: %d failures\n", failures);
	return failures > 100 ? 100 : failures;
}

static int mode_write(void)
{
	static struct range r[256];
	static const char needle[] = "Segmentation fault";
	static const char repl[] = "Guest wrote here!!";
	int n = host_ranges(r, 256);
	int mem = open("/proc/self/mem", O_RDWR);
	int written = 0;
	for (int i = 0; i < n && mem >= 0 && !written; i++) {
		uint64_t len = r[i].hi - r[i].lo;
		if (r[i].perms[0] != 'r' || len > (64u << 20))
			continue;
		char *copy = malloc(len);
		if (!copy)
			continue;
		if (pread(mem, copy, len, (off_t)r[i].lo) == (long)len) {
			char *hit = memmem(copy, len, needle, sizeof(needle)); /* with its NUL */
			if (hit) {
				uint64_t at = r[i].lo + (uint64_t)(hit - copy);
				if (pwrite(mem, repl, sizeof(repl) - 1, (off_t)at) ==
				    (long)sizeof(repl) - 1) {
					printf("wrote host memory at 0x%lx (%s)\n", (unsigned long)at,
					       r[i].what);
					written = 1;
				}
			}
		}
		free(copy);
	}
	if (!written)
		printf("no host memory found\n");
	fflush(stdout);
	volatile uintptr_t bad = 8;
	*(volatile int *)bad = 1; /* die of SIGSEGV: the shell message tells whether the write happened */
	return 0;
}

#ifndef F_GET_RW_HINT
#define F_GET_RW_HINT 1035
#define F_SET_RW_HINT 1036
#endif

static long raw_fcntl(int fd, int cmd, uintptr_t arg)
{
	long r = syscall(SYS_fcntl, fd, cmd, arg);
	return r == -1 ? -errno : r;
}

static int mode_fcntl(void)
{
	int failures = 0;
	int fd = open("/proc/self/exe", O_RDONLY);
	int pfd[2];
	if (fd < 0 || pipe(pfd) != 0)
		return 100;
	struct f_owner_ex own = {F_OWNER_PID, (pid_t)getpid()};
	uint64_t hint = 0;
	long r = raw_fcntl(pfd[0], F_SETOWN_EX, (uintptr_t)&own);
	printf("%s: F_SETOWN_EX from the program's buffer: %ld\n", r == 0 ? "ok" : "FAIL", r);
	failures += r != 0;
	memset(&own, 0xff, sizeof(own));
	r = raw_fcntl(pfd[0], F_GETOWN_EX, (uintptr_t)&own);
	int good = r == 0 && own.type == F_OWNER_PID && own.pid == getpid();
	printf("%s: F_GETOWN_EX into the program's buffer: %ld (type %d pid %d)\n", good ? "ok" : "FAIL", r,
	       own.type, (int)own.pid);
	failures += !good;
	r = raw_fcntl(fd, F_GET_RW_HINT, (uintptr_t)&hint);
	printf("%s: F_GET_RW_HINT into the program's buffer: %ld\n", r == 0 || r == -EINVAL ? "ok" : "FAIL",
	       r);
	failures += !(r == 0 || r == -EINVAL);

	static struct range rg[256];
	int n = host_ranges(rg, 256);
	for (int i = 0; i < n; i++) {
		if (rg[i].perms[0] != 'r')
			continue;
		r = raw_fcntl(pfd[0], F_SETOWN_EX, (uintptr_t)rg[i].lo);
		if (r != -EFAULT) {
			printf("FAIL: F_SETOWN_EX read host memory at 0x%lx (%s): %ld\n",
			       (unsigned long)rg[i].lo, rg[i].what, r);
			failures++;
		}
	}
	printf("done: %d failures\n", failures);
	return failures > 100 ? 100 : failures;
}

/* Addresses above the user address space found in /proc/self/auxv (an emulator's own auxv). */
static int auxv_host_addrs(uint64_t *out, int max)
{
	int fd = open("/proc/self/auxv", O_RDONLY);
	if (fd < 0)
		return 0;
	uint64_t v[128];
	long got = read(fd, v, sizeof(v));
	close(fd);
	int n = 0;
	for (long i = 0; i + 1 < got / 8 && n < max; i += 2) {
		uint64_t type = v[i], val = v[i + 1];
		if ((type == 3 /* AT_PHDR */ || type == 33 /* AT_SYSINFO_EHDR */ ||
		     type == 25 /* AT_RANDOM */) &&
		    val >= USER_END)
			out[n++] = val;
	}
	return n;
}

static int try_mem_fd(const char *route, int fd, const uint64_t *addrs, int n)
{
	int failures = 0;
	if (fd < 0) {
		printf("ok: %s: cannot be opened (%s)\n", route, strerror(errno));
		return 0;
	}
	for (int i = 0; i < n; i++) {
		uint8_t buf[8];
		long got = pread(fd, buf, sizeof(buf), (off_t)addrs[i]);
		if (got > 0) {
			printf("FAIL: %s: read %ld bytes of host memory at 0x%lx\n", route, got,
			       (unsigned long)addrs[i]);
			failures++;
		}
	}
	if (!failures)
		printf("ok: %s: no host memory read\n", route);
	close(fd);
	return failures;
}

static int task_maps_host_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[512];
	int bad = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo;
		if (sscanf(line, "%lx-", &lo) == 1 && lo >= USER_END)
			bad++;
	}
	fclose(f);
	return bad;
}

static void *idle_thread(void *arg)
{
	int *tid = arg;
	__atomic_store_n(tid, (int)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	for (;;)
		pause();
	return NULL;
}

static int mode_paths(void)
{
	uint64_t addrs[8];
	int n = auxv_host_addrs(addrs, 8);
	int failures = 0;
	int pid = (int)getpid(), tid = (int)syscall(SYS_gettid);
	printf("%d host addresses in /proc/self/auxv\n", n);
	char path[128];
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	failures += try_mem_fd(path, open(path, O_RDONLY), addrs, n);
	failures += try_mem_fd("/proc/self//mem", open("/proc/self//mem", O_RDONLY), addrs, n);
	failures += try_mem_fd("/proc/thread-self/mem", open("/proc/thread-self/mem", O_RDONLY), addrs, n);
	snprintf(path, sizeof(path), "/proc/self/task/%d/mem", tid);
	failures += try_mem_fd(path, open(path, O_RDONLY), addrs, n);

	pthread_t th;
	static int other_tid;
	if (pthread_create(&th, NULL, idle_thread, &other_tid) == 0) {
		while (!__atomic_load_n(&other_tid, __ATOMIC_SEQ_CST))
			sched_yield();
		snprintf(path, sizeof(path), "/proc/%d/mem", other_tid);
		failures += try_mem_fd("/proc/<second thread>/mem", open(path, O_RDONLY), addrs, n);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/maps", pid, other_tid);
		int bad = task_maps_host_lines(path);
		printf("%s: /proc/PID/task/<second thread>/maps lists %d ranges above 2^38\n",
		       bad ? "FAIL" : "ok", bad);
		failures += bad != 0;
	}

	int dfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	failures += try_mem_fd("openat(dirfd of /proc/self, \"mem\")",
	                       dfd >= 0 ? openat(dfd, "mem", O_RDONLY) : -1, addrs, n);
	if (dfd >= 0)
		close(dfd);
	dfd = open("/proc/self", O_PATH | O_DIRECTORY);
	failures += try_mem_fd("openat(O_PATH dirfd of /proc/self, \"mem\")",
	                       dfd >= 0 ? openat(dfd, "mem", O_RDONLY) : -1, addrs, n);
	if (dfd >= 0)
		close(dfd);

	char link[] = "/tmp/karasu-hostile-memlink-XXXXXX";
	int lfd = mkstemp(link);
	if (lfd >= 0) {
		close(lfd);
		unlink(link);
		if (symlink("/proc/self/mem", link) == 0) {
			failures += try_mem_fd("a symlink to /proc/self/mem", open(link, O_RDONLY), addrs, n);
			unlink(link);
		}
	}
	char cwd[4096];
	if (getcwd(cwd, sizeof(cwd)) && chdir("/proc/self") == 0) {
		int fd = open("mem", O_RDONLY);
		if (chdir(cwd) != 0)
			failures++;
		failures += try_mem_fd("\"mem\" in the current directory /proc/self", fd, addrs, n);
	}

	/* /proc/self/map_files reopens what is mapped (as root): an emulator's memfds (a code cache) must
	 * not become writable through it */
	DIR *mf = opendir("/proc/self/map_files");
	struct dirent *de;
	int memfds = 0;
	while (mf && (de = readdir(mf))) {
		unsigned long lo;
		if (sscanf(de->d_name, "%lx-", &lo) != 1 || lo < USER_END)
			continue;
		int mfd = openat(dirfd(mf), de->d_name, O_RDWR);
		if (mfd < 0)
			continue;
		char what[256];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
		long len = readlink(path, what, sizeof(what) - 1);
		if (len > 0 && strncmp(what, "/memfd:", 7) == 0) {
			what[len] = '\0';
			printf("FAIL: %s (%s) opened for writing\n", de->d_name, what);
			memfds++;
		}
		close(mfd);
	}
	if (mf)
		closedir(mf);
	printf("%s: no memfd above 2^38 writable through /proc/self/map_files\n", memfds ? "FAIL" : "ok");
	failures += memfds;

	int fd = open("/proc/self/exe", O_RDONLY);
	long r = raw_fcntl(fd, 0x7fff, 0x1000);
	printf("%s: an unknown fcntl command: %ld\n", r == -EINVAL ? "ok" : "FAIL", r);
	failures += r != -EINVAL;
	printf("done: %d failures\n", failures);
	return failures > 100 ? 100 : failures;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "read") == 0)
		return mode_read();
	if (argc == 2 && strcmp(argv[1], "write") == 0)
		return mode_write();
	if (argc == 2 && strcmp(argv[1], "fcntl") == 0)
		return mode_fcntl();
	if (argc == 2 && strcmp(argv[1], "paths") == 0)
		return mode_paths();
	fprintf(stderr, "usage: proc_mem read|write|fcntl|paths\n");
	return 2;
}
