/* The guest's view of /proc/self/maps: generated from the guest page table (the host's file would
 * list karasu-rv's own mappings at host addresses). glibc reads it, e.g. pthread_getattr_np on the
 * main thread looks for the stack there. And the files of /proc that must not reach the guest at all
 * (/proc/self/mem would read and write karasu-rv's memory). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "rv/user/procfs.h"

static void put_range(FILE *f, const struct rv_process *p, uint64_t start, uint64_t end, unsigned prot)
{
	const char *name = "";
	if (end == p->stack_top)
		name = "[stack]";
	else if (start == p->sigreturn_tramp)
		name = "[vdso]";
	else if (start >= p->brk_start && end <= ((p->brk_cur + RV_PAGE_SIZE - 1) & ~(RV_PAGE_SIZE - 1)) &&
	         p->brk_cur > p->brk_start)
		name = "[heap]";
	fprintf(f, "%08llx-%08llx %c%c%cp 00000000 00:00 0", (unsigned long long)start,
	        (unsigned long long)end, (prot & RV_PROT_READ) ? 'r' : '-',
	        (prot & RV_PROT_WRITE) ? 'w' : '-', (prot & RV_PROT_EXEC) ? 'x' : '-');
	if (*name)
		fprintf(f, "%*s%s", 10, "", name);
	fputc('\n', f);
}

int rv_procfs_open_maps(struct rv_process *p)
{
	int fd = memfd_create("maps", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int dupfd = dup(fd);
	FILE *f = dupfd >= 0 ? fdopen(dupfd, "w") : NULL;
	if (!f) {
		if (dupfd >= 0)
			close(dupfd);
		close(fd);
		return -ENOMEM;
	}
	pthread_mutex_lock(&p->lock);
	const uint8_t *table = p->mem.prot;
	uint64_t pages = p->mem.limit >> RV_PAGE_SHIFT;
	uint64_t run_start = 0;
	unsigned run_prot = 0;
	bool in_run = false;
	for (uint64_t i = 0; i <= pages; i++) {
		unsigned cur = i < pages ? table[i] : 0;
		bool mapped = cur & RV_PAGE_MAPPED;
		unsigned prot = cur & (RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
		/* the stack top and the trampoline start their own lines, as separate mappings would */
		uint64_t addr = i << RV_PAGE_SHIFT;
		bool boundary = addr == p->sigreturn_tramp || addr == p->sigreturn_tramp + RV_PAGE_SIZE ||
		                addr == p->brk_start;
		if (in_run && (!mapped || prot != run_prot || boundary)) {
			put_range(f, p, run_start << RV_PAGE_SHIFT, i << RV_PAGE_SHIFT, run_prot);
			in_run = false;
		}
		if (mapped && !in_run) {
			run_start = i;
			run_prot = prot;
			in_run = true;
		}
	}
	pthread_mutex_unlock(&p->lock);
	fclose(f);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* f_type of the file systems vetted below (linux/magic.h) */
#define PROC_SUPER_MAGIC  0x9fa0
#define TMPFS_MAGIC_VALUE 0x01021994 /* memfds live on tmpfs */
/* The translator's code cache (rv/jit/codecache.c names its memfd so): a guest that reopens it through
 * /proc/self/map_files could write host code. */
#define JIT_MEMFD_PREFIX  "/memfd:karasu-rv"

enum proc_file_kind { PROC_PASS, PROC_MAPS, PROC_DENY };

/* Per-process files whose host contents are karasu-rv's memory or its layout. */
static enum proc_file_kind classify(const char *name)
{
	static const char *const deny[] = {"mem", "pagemap", "smaps", "smaps_rollup", "numa_maps"};
	if (strcmp(name, "maps") == 0)
		return PROC_MAPS;
	for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (strcmp(name, deny[i]) == 0)
			return PROC_DENY;
	return PROC_PASS;
}

/* The decimal number in s[0..len), or -1. */
static long parse_id(const char *s, size_t len)
{
	if (len == 0 || len > 9)
		return -1;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A pid or tid of this (karasu-rv) process: its task directory lists every thread. */
static bool own_task(long id)
{
	char path[64];
	if (id == (long)getpid())
		return true;
	snprintf(path, sizeof(path), "/proc/self/task/%ld", id);
	return access(path, F_OK) == 0;
}

/* Another process running karasu-rv (a forked guest child): the same executable. */
static bool karasu_process(long id)
{
	char path[64], self[PATH_MAX], other[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	snprintf(path, sizeof(path), "/proc/%ld/exe", id);
	ssize_t m = readlink(path, other, sizeof(other) - 1);
	if (n < 0 || m < 0)
		return m < 0 && errno == EACCES; /* cannot tell: assume the worst */
	return n == m && memcmp(self, other, (size_t)n) == 0;
}

int rv_procfs_vet_open(struct rv_process *p, int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) != 0 || (sf.f_type != PROC_SUPER_MAGIC && sf.f_type != TMPFS_MAGIC_VALUE))
		return fd;
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		if (sf.f_type != PROC_SUPER_MAGIC)
			return fd;
		close(fd); /* a /proc file we cannot identify: refused rather than risked */
		return -EACCES;
	}
	target[n] = '\0';
	if (sf.f_type != PROC_SUPER_MAGIC) {
		if (strncmp(target, JIT_MEMFD_PREFIX, strlen(JIT_MEMFD_PREFIX)) != 0)
			return fd;
		close(fd);
		return -EACCES;
	}
	/* .../<pid>/<name> or .../<pid>/task/<tid>/<name>: the directory holding name decides */
	char *slash = strrchr(target, '/');
	if (!slash || slash == target)
		return fd;
	enum proc_file_kind kind = classify(slash + 1);
	if (kind == PROC_PASS)
		return fd;
	*slash = '\0';
	char *dir = strrchr(target, '/');
	long id = dir ? parse_id(dir + 1, strlen(dir + 1)) : -1;
	if (id < 0)
		return fd;
	if (own_task(id)) {
		close(fd);
		return kind == PROC_MAPS ? rv_procfs_open_maps(p) : -EACCES;
	}
	if (kind == PROC_DENY && karasu_process(id)) {
		close(fd);
		return -EACCES;
	}
	return fd;
}
