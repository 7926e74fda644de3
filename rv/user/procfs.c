/* The guest's view of /proc/self/maps: generated from the guest page table (the host's file would
 * list karasu-rv's own mappings at host addresses), with the file, offset, device and inode of
 * file-backed pages taken from the host's lines for the guest region (the program, its ELF interpreter
 * and the libraries it maps are host file mappings there). glibc reads it, e.g. pthread_getattr_np on
 * the main thread looks for the stack there. /proc/cpuinfo describes RISC-V harts, not the x86 host. And
 * the files of /proc that must not reach the guest at all (/proc/self/mem would read and write karasu-rv's
 * memory). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "rv/user/procfs.h"

/* A line of the host's /proc/self/maps inside the guest region: which file (if any) backs the guest
 * pages there. */
struct host_map {
	uint64_t start, end; /* host addresses */
	uint64_t offset;
	unsigned major, minor;
	unsigned long long inode;
	char share; /* 'p' or 's' */
	char *path; /* "" for anonymous memory */
};

/* The host mappings overlapping [lo, hi), ascending (the file lists them so). Returns the count (0 if the
 * file cannot be read: every page then shows as anonymous); *out is malloc'ed. */
static size_t read_host_maps(uintptr_t lo, uintptr_t hi, struct host_map **out)
{
	*out = NULL;
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return 0;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t line_cap = 0;
	while (getline(&line, &line_cap, f) > 0) {
		unsigned long long start, end, offset, inode;
		unsigned major, minor;
		char perms[8];
		int name_at = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &offset, &major,
		           &minor, &inode, &name_at) != 7 ||
		    end <= lo || start >= hi)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct host_map *grown = realloc(*out, ncap * sizeof(**out));
			if (!grown)
				break;
			*out = grown;
			cap = ncap;
		}
		char *name = line + name_at;
		name[strcspn(name, "\n")] = '\0';
		char *path = strdup(name);
		if (!path)
			break;
		(*out)[n++] = (struct host_map){
		    .start = start,
		    .end = end,
		    .offset = offset,
		    .major = major,
		    .minor = minor,
		    .inode = inode,
		    .share = perms[3] == 's' ? 's' : 'p',
		    .path = path,
		};
	}
	free(line);
	fclose(f);
	return n;
}

/* What backs one guest page: its host mapping (NULL: none known) and the file offset of the page. */
struct page_origin {
	const struct host_map *map;
	uint64_t offset;
};

static bool file_backed(const struct page_origin *o)
{
	return o->map && o->map->inode != 0;
}

/* Pages continue one line when the same file continues at the next offset, or both are anonymous. */
static bool same_mapping(const struct page_origin *run, uint64_t run_pages, const struct page_origin *o)
{
	if (file_backed(run) != file_backed(o))
		return false;
	char run_share = run->map ? run->map->share : 'p', share = o->map ? o->map->share : 'p';
	if (run_share != share)
		return false;
	if (!file_backed(o))
		return true;
	return run->map->inode == o->map->inode && run->map->major == o->map->major &&
	       run->map->minor == o->map->minor && strcmp(run->map->path, o->map->path) == 0 &&
	       o->offset == run->offset + run_pages * RV_PAGE_SIZE;
}

/* Width of a line's fields before the file name, as Linux pads it (25 + 6 * sizeof(void *) - 1). */
#define MAPS_NAME_COLUMN 72

static void put_range(FILE *f, const struct rv_process *p, uint64_t start, uint64_t end, unsigned prot,
                      const struct page_origin *origin)
{
	const char *name = "";
	if (file_backed(origin))
		name = origin->map->path;
	else if (origin->map && origin->map->path[0] == '/')
		name = origin->map->path; /* shared anonymous memory: "/dev/zero (deleted)" */
	else if (end == p->stack_top)
		name = "[stack]";
	else if (start == p->sigreturn_tramp)
		name = "[vdso]";
	else if (start >= p->brk_start && end <= ((p->brk_cur + RV_PAGE_SIZE - 1) & ~(RV_PAGE_SIZE - 1)) &&
	         p->brk_cur > p->brk_start)
		name = "[heap]";
	int len = fprintf(f, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long long)start,
	                  (unsigned long long)end, (prot & RV_PROT_READ) ? 'r' : '-',
	                  (prot & RV_PROT_WRITE) ? 'w' : '-', (prot & RV_PROT_EXEC) ? 'x' : '-',
	                  origin->map ? origin->map->share : 'p',
	                  (unsigned long long)(file_backed(origin) ? origin->offset : 0),
	                  origin->map ? origin->map->major : 0, origin->map ? origin->map->minor : 0,
	                  origin->map ? origin->map->inode : 0);
	if (*name)
		fprintf(f, "%*s%s", len < MAPS_NAME_COLUMN ? MAPS_NAME_COLUMN - len + 1 : 1, "", name);
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
	uintptr_t base = (uintptr_t)p->mem.base;
	struct host_map *hosts;
	size_t nhosts = read_host_maps(base, base + p->mem.limit, &hosts);
	size_t cursor = 0;
	const uint8_t *table = p->mem.prot;
	uint64_t pages = p->mem.limit >> RV_PAGE_SHIFT;
	uint64_t run_start = 0;
	unsigned run_prot = 0;
	struct page_origin run_origin = {0};
	bool in_run = false;
	for (uint64_t i = 0; i <= pages; i++) {
		unsigned cur = i < pages ? table[i] : 0;
		bool mapped = cur & RV_PAGE_MAPPED;
		unsigned prot = cur & (RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
		uint64_t addr = i << RV_PAGE_SHIFT;
		/* the host mapping holding this page (pages ascend, so does the cursor) */
		struct page_origin origin = {0};
		while (cursor < nhosts && hosts[cursor].end <= base + addr)
			cursor++;
		if (mapped && cursor < nhosts && hosts[cursor].start <= base + addr) {
			origin.map = &hosts[cursor];
			origin.offset = hosts[cursor].offset + (base + addr - hosts[cursor].start);
		}
		/* the stack top and the trampoline start their own lines, as separate mappings would */
		bool boundary = addr == p->sigreturn_tramp || addr == p->sigreturn_tramp + RV_PAGE_SIZE ||
		                addr == p->brk_start;
		if (in_run && (!mapped || prot != run_prot || boundary ||
		               !same_mapping(&run_origin, i - run_start, &origin))) {
			put_range(f, p, run_start << RV_PAGE_SHIFT, i << RV_PAGE_SHIFT, run_prot,
			          &run_origin);
			in_run = false;
		}
		if (mapped && !in_run) {
			run_start = i;
			run_prot = prot;
			run_origin = origin;
			in_run = true;
		}
	}
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < nhosts; i++)
		free(hosts[i].path);
	free(hosts);
	fclose(f);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* /proc/cpuinfo of riscv64 Linux (6.12's layout, as it prints it for karasu-rv's system mode): per hart
 * its number, the ISA (the base and the multi-letter extensions in Linux's order, Zca/Zcd implied by C and
 * D), the MMU (user mode's address space is Sv39-sized) and zero ids. The ISA is what karasu-rv runs in
 * user mode; the harts are the host's online CPUs, on which guest threads run. */
#define CPUINFO_ISA "rv64imafdc_zicntr_zicond_zicsr_zifencei_zca_zcd_zba_zbb_zbs"
#define CPUINFO_MMU "sv39"

int rv_procfs_format_cpuinfo(char *buf, size_t len, unsigned n_cpus)
{
	size_t pos = 0;
	for (unsigned cpu = 0; cpu < n_cpus; cpu++) {
		int n = snprintf(pos < len ? buf + pos : NULL, pos < len ? len - pos : 0,
		                 "processor\t: %u\nhart\t\t: %u\nisa\t\t: %s\nmmu\t\t: %s\n"
		                 "mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: %s\n\n",
		                 cpu, cpu, CPUINFO_ISA, CPUINFO_MMU, CPUINFO_ISA);
		if (n < 0)
			return -1;
		pos += (size_t)n;
	}
	return (int)pos;
}

int rv_procfs_open_cpuinfo(void)
{
	unsigned n_cpus = (unsigned)get_nprocs();
	int size = rv_procfs_format_cpuinfo(NULL, 0, n_cpus);
	char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
	if (!text)
		return -ENOMEM;
	rv_procfs_format_cpuinfo(text, (size_t)size + 1, n_cpus);
	int fd = memfd_create("cpuinfo", MFD_CLOEXEC);
	if (fd < 0) {
		free(text);
		return -errno;
	}
	bool ok = write(fd, text, (size_t)size) == size && lseek(fd, 0, SEEK_SET) == 0;
	free(text);
	if (!ok) {
		close(fd);
		return -EIO;
	}
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
	if (sf.f_type == PROC_SUPER_MAGIC && strcmp(target, "/proc/cpuinfo") == 0) {
		close(fd);
		return rv_procfs_open_cpuinfo();
	}
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
