/* The guest's view of /proc/self/maps: generated from the guest page table (the host's file would
 * list karasu-rv's own mappings at host addresses). glibc reads it, e.g. pthread_getattr_np on the
 * main thread looks for the stack there. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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
