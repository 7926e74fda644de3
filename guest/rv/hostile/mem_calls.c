/* Hostile memory-management calls and buffers karasu-rv must not trust: one case per run (argv[1]).
 * Cases that Linux answers with values print "ok: ..." / "FAIL: ..." lines and exit with the number of
 * failures; cases that end in a signal say so in their comment (the test checks the status).
 *
 *   mmap-wild      MAP_FIXED outside the address space, over page zero, wrapping lengths, huge lengths
 *   mmap-fixed-bad-fd  a MAP_FIXED mmap over the program's own page that fails (fd is a pipe, or not
 *                  open): Linux fails before it unmaps anything, the old page stays
 *   mremap-wild    mremap of addresses outside the address space or unmapped, with old_size 0
 *   mremap-none    mremap (must move) of a PROT_NONE mapping: Linux moves it, returns the new address
 *   mremap-eof     mremap (must move) of a file mapping that extends past the end of its file
 *   mremap-move    mremap (must move) of private anonymous data (contents move, the growth reads zero,
 *                  the old range is gone) and of a shared file mapping (stays shared with the file);
 *                  old_size 0: a second mapping of a shared mapping, EINVAL for a private one
 *   brk-wild       brk to huge, "negative", below-start and beyond-the-address-space values
 *   eof-buffers [CALL]  syscalls whose guest buffer lies in a file mapping past the end of the file: Linux
 *                  says EFAULT (the host gets SIGBUS if it touches such a page itself)
 *   eof-touch      a load from a file mapping past the end of the file: SIGBUS (135)
 *   eof-exec       a jump into an executable file mapping past the end of the file: SIGBUS (135)
 *   eof-amo        an AMO on a file mapping past the end of the file: SIGBUS (135)
 *   cleartid-eof   a thread sets its clear-child-tid address into a file mapping past EOF and exits:
 *                  Linux ignores the failed write; the process goes on                  -> exit 0
 *   unmap-stack    munmap of the whole stack, then a call: SIGSEGV (139)
 *   noexec-code    code in an mmap'ed page runs, then mprotect(PROT_READ) and run again: SIGSEGV (139)
 *   unmap-code     the same with munmap */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE     4096ul
#define USER_END (1ul << 38)

static int failures;

static long sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);
	return r == -1 ? -errno : r;
}

static void check(const char *name, int good, long got)
{
	if (good) {
		printf("ok: %s\n", name);
	} else {
		printf("FAIL: %s: got %ld (0x%lx)\n", name, got, (unsigned long)got);
		failures++;
	}
}

/* an mmap that must fail (any errno: Linux says EINVAL, ENOMEM or EPERM by case) */
static void mmap_fails(const char *name, uint64_t addr, uint64_t len, int flags)
{
	long r = sys(SYS_mmap, (long)addr, (long)len, PROT_READ | PROT_WRITE,
	             MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	check(name, r < 0 && r > -4096, r);
}

static int case_mmap_wild(void)
{
	mmap_fails("MAP_FIXED at 2^38", USER_END, PAGE, MAP_FIXED);
	mmap_fails("MAP_FIXED at 2^38 - 4096, 2 pages", USER_END - PAGE, 2 * PAGE, MAP_FIXED);
	mmap_fails("MAP_FIXED at 2^47", 1ul << 47, PAGE, MAP_FIXED);
	mmap_fails("MAP_FIXED at 0x555555554000", 0x555555554000ul, PAGE, MAP_FIXED);
	mmap_fails("MAP_FIXED at -4096", 0xfffffffffffff000ul, PAGE, MAP_FIXED);
	mmap_fails("MAP_FIXED at 0", 0, PAGE, MAP_FIXED);
	mmap_fails("MAP_FIXED at 0x10000, length wraps", 0x10000, 0xfffffffffff00000ul, MAP_FIXED);
	mmap_fails("MAP_FIXED_NOREPLACE at 2^40", 1ul << 40, PAGE, MAP_FIXED_NOREPLACE);
	mmap_fails("length 2^63", 0, 1ul << 63, 0);
	mmap_fails("length 2^64 - 1", 0, ~0ul, 0);
	mmap_fails("length 2^38", 0, USER_END, 0);
	/* a hint outside the address space is only a hint: the mapping lands inside it */
	long r = sys(SYS_mmap, 1l << 45, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("hint 2^45 gives an address below 2^38", r > 0 && (uint64_t)r < USER_END, r);
	r = sys(SYS_munmap, (long)USER_END, PAGE, 0, 0, 0, 0);
	check("munmap at 2^38", r == -EINVAL, r);
	r = sys(SYS_munmap, 0xfffffffffffff000l, PAGE, 0, 0, 0, 0);
	check("munmap at -4096", r == -EINVAL, r);
	r = sys(SYS_munmap, 0x10000, 0xfffffffffff00000l, 0, 0, 0, 0);
	check("munmap with a wrapping length", r == -EINVAL, r);
	r = sys(SYS_mprotect, (long)USER_END, PAGE, PROT_READ, 0, 0, 0);
	check("mprotect at 2^38", r == -ENOMEM, r);
	r = sys(SYS_mprotect, 0x10000, 0xfffffffffff00000l, PROT_READ, 0, 0, 0);
	check("mprotect with a wrapping length", r == -ENOMEM || r == -EINVAL, r);
	r = sys(SYS_madvise, (long)USER_END, PAGE, MADV_DONTNEED, 0, 0, 0);
	check("madvise DONTNEED at 2^38", r == -ENOMEM || r == -EINVAL, r);
	r = sys(SYS_msync, (long)USER_END, PAGE, MS_SYNC, 0, 0, 0);
	check("msync at 2^38", r == -ENOMEM, r);
	return failures;
}

static int case_mmap_fixed_bad_fd(void)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return 100;
	uint8_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 100;
	p[0] = 42;
	long r = sys(SYS_mmap, (long)p, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, pfd[0], 0);
	check("MAP_FIXED mmap of a pipe fails", r == -ENODEV || r == -EACCES, r);
	r = sys(SYS_mmap, (long)p, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, 1000, 0);
	check("MAP_FIXED mmap of a closed fd fails", r == -EBADF, r);
	printf("the old page still holds %d\n", ((volatile uint8_t *)p)[0]); /* SIGSEGV if it is gone */
	check("the old page is intact", p[0] == 42, p[0]);
	return failures;
}

static int case_mremap_wild(void)
{
	static const uint64_t addrs[] = {USER_END, 1ul << 47, 0xfffffffffffff000ul, 0x100000000ul};
	char name[96];
	for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		/* Linux: no mapping at the address: EFAULT, whatever the sizes */
		for (long old = 0; old <= (long)PAGE; old += PAGE) {
			long r = sys(SYS_mremap, (long)addrs[i], old, 2 * PAGE, MREMAP_MAYMOVE, 0, 0);
			snprintf(name, sizeof(name), "mremap 0x%lx old_size %ld", (unsigned long)addrs[i],
			         old);
			check(name, r == -EFAULT || r == -EINVAL, r);
		}
	}
	return failures;
}

static int case_mremap_none(void)
{
	/* a PROT_NONE page followed by a page that blocks growing in place */
	uint8_t *a = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED ||
	    mmap(a + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != a + PAGE)
		return 100;
	long r = sys(SYS_mremap, (long)a, PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0, 0);
	check("mremap of a PROT_NONE page moves it", r > 0 && r != (long)a, r);
	if (r > 0) {
		/* still PROT_NONE, now 4 pages: mprotect works on all of them */
		long p = sys(SYS_mprotect, r, 4 * PAGE, PROT_READ | PROT_WRITE, 0, 0, 0);
		check("the moved mapping has 4 pages", p == 0, p);
		if (p == 0)
			check("the moved mapping reads zero", ((uint8_t *)r)[4 * PAGE - 1] == 0, 0);
	}
	return failures;
}

/* A file of one page mapped with 4 pages: pages 2..4 lie past the end of the file. */
static uint8_t *map_past_eof(int shared)
{
	char path[] = "/tmp/karasu-hostile-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	unlink(path);
	static char data[PAGE];
	memset(data, 'f', sizeof(data));
	if (write(fd, data, PAGE) != (long)PAGE)
		return NULL;
	void *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

static int case_mremap_eof(void)
{
	uint8_t *m = map_past_eof(0);
	if (!m || mmap(m + 4 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
	              m + 4 * PAGE)
		return 100;
	/* Linux moves the page tables; the pages past the end still raise SIGBUS when touched */
	long r = sys(SYS_mremap, (long)m, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE, 0, 0);
	check("mremap of a mapping past the end of its file", r > 0 || r == -ENOMEM || r == -EFAULT, r);
	if (r > 0)
		check("the first page moved with its contents", ((uint8_t *)r)[0] == 'f', ((uint8_t *)r)[0]);
	return failures;
}

static int case_mremap_move(void)
{
	uint8_t *a = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || mmap(a + 2 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	                            -1, 0) != a + 2 * PAGE)
		return 100;
	for (unsigned i = 0; i < 2 * PAGE; i++)
		a[i] = (uint8_t)(i * 7 + 1);
	long r = sys(SYS_mremap, (long)a, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE, 0, 0);
	check("mremap of private data moves it", r > 0 && r != (long)a, r);
	if (r <= 0)
		return failures;
	uint8_t *b = (uint8_t *)r;
	int same = 1;
	for (unsigned i = 0; i < 2 * PAGE; i++)
		same &= b[i] == (uint8_t)(i * 7 + 1);
	check("the data moved with it", same, 0);
	check("the growth reads zero", b[8 * PAGE - 1] == 0 && b[2 * PAGE] == 0, b[2 * PAGE]);
	b[8 * PAGE - 1] = 5;
	r = sys(SYS_mprotect, (long)a, PAGE, PROT_READ, 0, 0, 0);
	check("the old range is unmapped (mprotect: ENOMEM)", r == -ENOMEM, r);

	char path[] = "/tmp/karasu-hostile-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 2 * PAGE) != 0)
		return 100;
	unlink(path);
	uint8_t *f = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (f == MAP_FAILED ||
	    mmap(f + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != f + PAGE)
		return 100;
	f[0] = 'a';
	r = sys(SYS_mremap, (long)f, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0, 0);
	check("mremap of a shared file mapping moves it", r > 0 && r != (long)f, r);
	if (r > 0) {
		uint8_t *g = (uint8_t *)r;
		g[0] = 'Z';
		g[PAGE] = 'Y';
		char back[2] = {0, 0};
		long got1 = pread(fd, &back[0], 1, 0), got2 = pread(fd, &back[1], 1, PAGE);
		check("a store through the moved mapping reaches the file (still shared)",
		      got1 == 1 && got2 == 1 && back[0] == 'Z' && back[1] == 'Y', back[0]);
	}

	/* old_size 0: a second mapping of a shared mapping's object; EINVAL for a private one */
	uint8_t *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 100;
	sh[9] = 'q';
	r = sys(SYS_mremap, (long)sh, 0, PAGE, MREMAP_MAYMOVE, 0, 0);
	check("mremap old_size 0 of a shared mapping makes a second mapping", r > 0 && r != (long)sh, r);
	if (r > 0) {
		uint8_t *twin = (uint8_t *)r;
		twin[10] = 'w';
		check("both mappings show the same memory", twin[9] == 'q' && sh[10] == 'w', twin[9]);
	}
	r = sys(SYS_mremap, (long)b, 0, PAGE, MREMAP_MAYMOVE, 0, 0);
	check("mremap old_size 0 of a private mapping: EINVAL", r == -EINVAL, r);
	return failures;
}

static int case_brk_wild(void)
{
	long cur = sys(SYS_brk, 0, 0, 0, 0, 0, 0);
	static const uint64_t wants[] = {
	    ~0ul, 1ul << 63, 0xfffffffffffff000ul, USER_END, USER_END - PAGE, 1ul << 47, 1, PAGE};
	char name[96];
	for (unsigned i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		long r = sys(SYS_brk, (long)wants[i], 0, 0, 0, 0, 0);
		snprintf(name, sizeof(name), "brk(0x%lx) fails and returns the old break",
		         (unsigned long)wants[i]);
		check(name, r == cur, r);
	}
	/* growth that runs into the stack (at the top of the address space) must fail too */
	long r = sys(SYS_brk, (long)(USER_END - (1ul << 20)), 0, 0, 0, 0, 0);
	check("brk into the stack fails", r == cur, r);
	/* and the heap still works */
	r = sys(SYS_brk, cur + 3 * (long)PAGE, 0, 0, 0, 0, 0);
	check("brk +3 pages", r == cur + 3 * (long)PAGE, r);
	if (r == cur + 3 * (long)PAGE) {
		((volatile uint8_t *)cur)[3 * PAGE - 1] = 7;
		r = sys(SYS_brk, cur, 0, 0, 0, 0, 0);
		check("brk back", r == cur, r);
	}
	return failures;
}

/* argv[2] of eof-buffers: which call (all when absent) */
static const char *eof_only;

static int eof_wanted(const char *what)
{
	return !eof_only || strcmp(eof_only, what) == 0;
}

static int case_eof_buffers(void)
{
	uint8_t *m = map_past_eof(1);
	if (!m)
		return 100;
	long past = (long)(m + 2 * PAGE); /* mapped, but past the end of the file */
	struct timespec ts;
	long r;
	if (eof_wanted("openat")) {
		r = sys(SYS_openat, AT_FDCWD, past, O_RDONLY, 0, 0, 0);
		check("openat with the path past EOF", r == -EFAULT, r);
	}
	if (eof_wanted("fstat")) {
		r = sys(SYS_fstat, 0, past, 0, 0, 0, 0);
		check("fstat into a buffer past EOF", r == -EFAULT, r);
	}
	if (eof_wanted("sigaction-new")) {
		r = sys(SYS_rt_sigaction, SIGUSR1, past, 0, 8, 0, 0);
		check("rt_sigaction reading a sigaction past EOF", r == -EFAULT, r);
	}
	if (eof_wanted("sigaction-old")) {
		r = sys(SYS_rt_sigaction, SIGUSR1, 0, past, 8, 0, 0);
		check("rt_sigaction writing a sigaction past EOF", r == -EFAULT, r);
	}
	if (eof_wanted("sigprocmask")) {
		r = sys(SYS_rt_sigprocmask, SIG_BLOCK, past, 0, 8, 0, 0);
		check("rt_sigprocmask reading a mask past EOF", r == -EFAULT, r);
	}
	if (eof_wanted("clock_gettime")) {
		r = sys(SYS_clock_gettime, CLOCK_MONOTONIC, past, 0, 0, 0, 0);
		check("clock_gettime into a buffer past EOF", r == -EFAULT, r);
	}
	if (eof_wanted("write")) {
		r = sys(SYS_write, 1, past, 16, 0, 0, 0);
		check("write from a buffer past EOF", r == -EFAULT, r);
	}
	if (eof_wanted("readlinkat")) {
		r = sys(SYS_readlinkat, AT_FDCWD, (long)"/proc/self/exe", past, 64, 0, 0);
		check("readlinkat /proc/self/exe into a buffer past EOF", r == -EFAULT, r);
	}
	if (eof_wanted("writev")) {
		r = sys(SYS_writev, 1, past, 1, 0, 0, 0);
		check("writev with the iovec array past EOF", r == -EFAULT, r);
	}
	r = sys(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0);
	check("the process still works", r == 0, r);
	return failures;
}

static int case_eof_touch(void)
{
	uint8_t *m = map_past_eof(0);
	if (!m)
		return 100;
	printf("first page: %c\n", m[0]);
	fflush(stdout);
	printf("past the end: %d\n", ((volatile uint8_t *)m)[2 * PAGE]); /* SIGBUS */
	return 0;
}

static int case_eof_exec(void)
{
	uint8_t *m = map_past_eof(0);
	if (!m)
		return 100;
	mprotect(m, 4 * PAGE, PROT_READ | PROT_EXEC);
	printf("jumping past the end of the file\n");
	fflush(stdout);
	((void (*)(void))(m + 2 * PAGE))(); /* SIGBUS */
	return 0;
}

static int case_eof_amo(void)
{
	uint8_t *m = map_past_eof(0);
	if (!m)
		return 100;
	long old;
	printf("amoadd past the end of the file\n");
	fflush(stdout);
	__asm__ volatile("amoadd.d %0, %1, (%2)" : "=r"(old) : "r"(1L), "r"(m + 2 * PAGE) : "memory");
	printf("not reached %ld\n", old);
	return 0;
}

static uint8_t *cleartid_page;

static void *exit_with_bad_cleartid(void *arg)
{
	(void)arg;
	syscall(SYS_set_tid_address, (long)cleartid_page);
	syscall(SYS_exit, 0); /* the thread ends here: the kernel would clear and wake *cleartid_page */
	return NULL;
}

static int case_cleartid_eof(void)
{
	uint8_t *m = map_past_eof(1);
	if (!m)
		return 100;
	cleartid_page = m + 2 * PAGE;
	pthread_t th;
	if (pthread_create(&th, NULL, exit_with_bad_cleartid, NULL) != 0)
		return 100;
	struct timespec nap = {0, 200 * 1000 * 1000};
	nanosleep(&nap, NULL);
	check("the process outlives a thread whose clear-child-tid is past EOF", 1, 0);
	return failures;
}

static int case_unmap_stack(void)
{
	char line[256];
	uint64_t lo = 0, hi = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]"))
			sscanf(line, "%lx-%lx", &lo, &hi);
	if (!lo)
		return 100;
	printf("unmapping the stack\n");
	fflush(stdout);
	/* raw ecall so that nothing touches the stack between the call and the fault */
	register long a0 __asm__("a0") = (long)lo;
	register long a1 __asm__("a1") = (long)(hi - lo);
	register long a7 __asm__("a7") = SYS_munmap;
	__asm__ volatile("ecall\n\tsd zero, -8(sp)" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
	return 0; /* not reached: SIGSEGV, and no stack for a handler */
}

/* li a0, 42; ret */
static const uint32_t ret42[] = {0x02a00513, 0x00008067};

static int run_code(int how)
{
	uint32_t *code =
	    mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED)
		return 100;
	memcpy(code, ret42, sizeof(ret42));
	__builtin___clear_cache((char *)code, (char *)code + sizeof(ret42));
	int (*fn)(void) = (int (*)(void))code;
	int sum = 0;
	for (int i = 0; i < 1000; i++) /* hot enough to be translated */
		sum += fn();
	printf("ran %d\n", sum);
	fflush(stdout);
	if (how == 0)
		mprotect(code, PAGE, PROT_READ);
	else
		munmap(code, PAGE);
	printf("again: %d\n", fn()); /* SIGSEGV */
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	static const struct {
		const char *name;
		int (*fn)(void);
	} cases[] = {
	    {"mmap-wild", case_mmap_wild},
	    {"mremap-wild", case_mremap_wild},
	    {"mmap-fixed-bad-fd", case_mmap_fixed_bad_fd},
	    {"mremap-none", case_mremap_none},
	    {"mremap-eof", case_mremap_eof},
	    {"mremap-move", case_mremap_move},
	    {"brk-wild", case_brk_wild},
	    {"eof-buffers", case_eof_buffers},
	    {"eof-touch", case_eof_touch},
	    {"eof-exec", case_eof_exec},
	    {"eof-amo", case_eof_amo},
	    {"cleartid-eof", case_cleartid_eof},
	    {"unmap-stack", case_unmap_stack},
	};
	if (argc == 3 && strcmp(argv[1], "eof-buffers") == 0) {
		eof_only = argv[2];
		argc = 2;
	}
	if (argc == 2 && strcmp(argv[1], "noexec-code") == 0)
		return run_code(0);
	if (argc == 2 && strcmp(argv[1], "unmap-code") == 0)
		return run_code(1);
	for (unsigned i = 0; argc == 2 && i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(argv[1], cases[i].name) == 0) {
			int f = cases[i].fn();
			printf("done: %d failures\n", f);
			return f > 100 ? 100 : f;
		}
	fprintf(stderr, "usage: mem_calls CASE\n");
	return 2;
}
