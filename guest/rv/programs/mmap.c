/* Memory mappings: anonymous and file-backed mmap, MAP_FIXED over an existing mapping, mprotect to
 * read-only (a store then faults, caught with SIGSEGV), munmap (an access then faults), mremap growth,
 * and sbrk. Prints results only, never addresses. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf recover;
static volatile sig_atomic_t faults;

static void on_segv(int sig)
{
	(void)sig;
	faults++;
	siglongjmp(recover, 1);
}

static int store_faults(volatile char *p)
{
	if (sigsetjmp(recover, 1) == 0) {
		*p = 1;
		return 0;
	}
	return 1;
}

static int load_faults(volatile char *p)
{
	if (sigsetjmp(recover, 1) == 0) {
		volatile char c = *p;
		(void)c;
		return 0;
	}
	return 1;
}

int main(void)
{
	signal(SIGSEGV, on_segv);
	long page = sysconf(_SC_PAGESIZE);
	printf("page size %ld\n", page);

	char *a = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		return 1;
	int zero = 1;
	for (long i = 0; i < 4 * page; i++)
		zero &= a[i] == 0;
	memset(a, 'x', 4 * page);
	printf("anonymous mapping zero-filled %d, aligned %d\n", zero, ((uintptr_t)a % page) == 0);

	/* MAP_FIXED replaces the second page with fresh zeros */
	char *b =
	    mmap(a + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED same address %d, page 1 now %d, page 0 still '%c'\n", b == a + page, a[page + 5],
	       a[5]);

	mprotect(a, page, PROT_READ);
	printf("store to read-only page faults %d, load from it faults %d\n", store_faults(a),
	       load_faults(a));
	mprotect(a, page, PROT_READ | PROT_WRITE);
	printf("after mprotect back: store faults %d\n", store_faults(a));

	munmap(a + 2 * page, page);
	printf("unmapped page: load faults %d; neighbours fine %d %d\n", load_faults(a + 2 * page),
	       load_faults(a + page), load_faults(a + 3 * page));

	char *c = mremap(a + 3 * page, page, 8 * page, MREMAP_MAYMOVE);
	printf("mremap ok %d, kept contents '%c', new part zero %d\n", c != MAP_FAILED, c[0], c[7 * page]);

	/* a file mapping sees the file's bytes, and MAP_SHARED writes reach the file */
	const char *tmp = getenv("TMPDIR");
	char full[600];
	snprintf(full, sizeof(full), "%s/karasu-rv-mmap-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(full);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	const char text[] = "file contents for the mapping";
	if (write(fd, text, sizeof(text)) != (ssize_t)sizeof(text) || ftruncate(fd, page) != 0)
		return 1;
	char *f = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("file mapping: [%s]\n", f);
	memcpy(f, "FILE", 4);
	msync(f, page, MS_SYNC);
	char back[8] = {0};
	pread(fd, back, 4, 0);
	printf("MAP_SHARED write seen by read: %s\n", back);
	munmap(f, page);
	close(fd);
	unlink(full);

	char *brk0 = sbrk(0);
	char *grown = sbrk(1 << 20);
	memset(grown, 7, 1 << 20);
	printf("sbrk grew by 1 MiB: %d, last byte %d\n", (char *)sbrk(0) - brk0 == (1 << 20),
	       grown[(1 << 20) - 1]);
	printf("faults caught %d\n", faults);
	return 0;
}
