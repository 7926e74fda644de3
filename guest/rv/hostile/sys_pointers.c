/* Hostile system-call arguments: buffers that are NULL, unmapped, cross the end of a mapping, lie at or
 * beyond the end of the guest address space (2^38 on riscv64 Sv39 Linux) or have lengths near 2^63, iovec
 * arrays with huge counts or bad entries, and unknown syscall numbers. Linux answers each with an error
 * (EFAULT, EINVAL, ENOSYS) or, for a buffer that is only partly mapped, a short count of the mapped part;
 * it never writes outside the process's own mappings. Each check prints "ok: NAME" or "FAIL: NAME ...";
 * the exit status is the number of failures. A guard page pattern around the crossing buffers checks
 * that nothing was written past the mapped part or before the buffer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PAGE     4096ul
/* riscv64 Linux with Sv39: user addresses end at 2^38 */
#define USER_END (1ul << 38)

static int failures;

/* raw syscall: returns -errno like the kernel does, glibc's wrapper checks nothing */
static long sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);
	return r == -1 ? -errno : r;
}

static void expect(const char *name, long got, long want)
{
	if (got == want) {
		printf("ok: %s\n", name);
	} else {
		printf("FAIL: %s: got %ld, want %ld\n", name, got, want);
		failures++;
	}
}

/* A read into a partly mapped buffer: Linux returns EFAULT or the number of bytes it could copy. */
static void expect_efault_or_short(const char *name, long got, long mapped)
{
	if (got == -EFAULT || (got > 0 && got <= mapped)) {
		printf("ok: %s\n", name);
	} else {
		printf("FAIL: %s: got %ld, want -EFAULT or 1..%ld\n", name, got, mapped);
		failures++;
	}
}

static void expect_one_of(const char *name, long got, long a, long b)
{
	if (got == a || got == b) {
		printf("ok: %s\n", name);
	} else {
		printf("FAIL: %s: got %ld, want %ld or %ld\n", name, got, a, b);
		failures++;
	}
}

int main(void)
{
	static const uint64_t wild[] = {
	    0,                             /* NULL */
	    USER_END,                      /* first address past the user address space */
	    USER_END + PAGE * 16,          /* inside karasu-rv's guard gap, if it had one there */
	    USER_END + (1ul << 20) + PAGE, /* just past a 1 MiB guard gap */
	    1ul << 40,
	    1ul << 47,            /* where x86-64 host user space ends */
	    0x00007fffffff0000ul, /* typical x86-64 host stack / library addresses */
	    0x0000555555554000ul, /* typical x86-64 PIE base */
	    0x8000000000000000ul,
	    0xfffffffffffff000ul,
	    0xffffffffffffffffUL,
	};
	char name[160];
	static struct timespec no_wait = {0, 0};
	static const struct timespec no_wait_ro = {0, 0};

	setvbuf(stdout, NULL, _IOLBF, 0);

	/* a two-page mapping whose second page is unmapped: buffers that cross its end */
	uint8_t *two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (two == MAP_FAILED || munmap(two + PAGE, PAGE) != 0) {
		printf("FAIL: setup mmap\n");
		return 100;
	}
	memset(two, 0xa5, PAGE);
	uint8_t *edge = two + PAGE - 16; /* 16 mapped bytes, then a hole */

	int zero = open("/dev/zero", O_RDONLY);
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	int pfd[2];
	if (zero < 0 || dir < 0 || pipe(pfd) != 0) {
		printf("FAIL: setup open\n");
		return 100;
	}
	/* the pipe keeps some data ready, so reads from it would copy */
	static char filler[256];
	memset(filler, 'p', sizeof(filler));
	if (write(pfd[1], filler, sizeof(filler)) != (long)sizeof(filler))
		return 100;

	static char good[4096];
	for (unsigned i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
		long p = (long)wild[i];
#define W(what) (snprintf(name, sizeof(name), "%s at 0x%lx", what, (unsigned long)p), name)
		expect(W("read /dev/zero 64"), sys(SYS_read, zero, p, 64, 0, 0, 0), -EFAULT);
		expect(W("read pipe 8"), sys(SYS_read, pfd[0], p, 8, 0, 0, 0), -EFAULT);
		expect(W("write pipe 8"), sys(SYS_write, pfd[1], p, 8, 0, 0, 0), -EFAULT);
		expect(W("pread64 /dev/zero 64"), sys(SYS_pread64, zero, p, 64, 0, 0, 0), -EFAULT);
		expect(W("getrandom 16"), sys(SYS_getrandom, p, 16, 0, 0, 0, 0), -EFAULT);
		expect(W("getdents64 4096"), sys(SYS_getdents64, dir, p, 4096, 0, 0, 0), -EFAULT);
		expect(W("fstat"), sys(SYS_fstat, zero, p, 0, 0, 0, 0), -EFAULT);
		expect(W("newfstatat buf"), sys(SYS_newfstatat, AT_FDCWD, (long)"/", p, 0, 0, 0), -EFAULT);
		expect(W("newfstatat path"), sys(SYS_newfstatat, AT_FDCWD, p, (long)good, 0, 0, 0), -EFAULT);
		expect(W("clock_gettime"), sys(SYS_clock_gettime, CLOCK_MONOTONIC, p, 0, 0, 0, 0), -EFAULT);
		expect(W("uname"), sys(SYS_uname, p, 0, 0, 0, 0, 0), -EFAULT);
		expect(W("readlinkat buf"),
		       sys(SYS_readlinkat, AT_FDCWD, (long)"/proc/self/exe", p, 64, 0, 0), -EFAULT);
		expect(W("readlinkat path"), sys(SYS_readlinkat, AT_FDCWD, p, (long)good, 64, 0, 0), -EFAULT);
		expect(W("getcwd 4096"), sys(SYS_getcwd, p, 4096, 0, 0, 0, 0), -EFAULT);
		expect(W("readv iov array"), sys(SYS_readv, zero, p, 1, 0, 0, 0), -EFAULT);
		struct iovec iov[2] = {{good, 8}, {(void *)p, 8}};
		expect_efault_or_short(W("readv iov[1].base"), sys(SYS_readv, zero, (long)iov, 2, 0, 0, 0),
		                       8);
		expect_efault_or_short(W("writev iov[1].base"),
		                       sys(SYS_writev, pfd[1], (long)iov, 2, 0, 0, 0), 8);
		expect(W("pipe2"), sys(SYS_pipe2, p, 0, 0, 0, 0, 0), -EFAULT);
		if (p != 0) /* NULL means "not given" */
			expect(W("rt_sigaction new"), sys(SYS_rt_sigaction, SIGUSR1, p, 0, 8, 0, 0), -EFAULT);
		if (p != 0) /* NULL means "not given" */
			expect(W("rt_sigaction old"), sys(SYS_rt_sigaction, SIGUSR1, 0, p, 8, 0, 0), -EFAULT);
		if (p != 0) /* NULL means "not given" */
			expect(W("rt_sigprocmask set"), sys(SYS_rt_sigprocmask, SIG_BLOCK, p, 0, 8, 0, 0),
			       -EFAULT);
		if (p != 0) /* NULL means "not given" */
			expect(W("sigaltstack new"), sys(SYS_sigaltstack, p, 0, 0, 0, 0, 0), -EFAULT);
		/* Linux checks the alignment first: EINVAL for a misaligned one */
		expect_one_of(W("futex wake"), sys(SYS_futex, p, 1 /* FUTEX_WAKE */, 1, 0, 0, 0), -EFAULT,
		              -EINVAL);
		expect(W("openat path"), sys(SYS_openat, AT_FDCWD, p, O_RDONLY, 0, 0, 0), -EFAULT);
		expect(W("ppoll fds"), sys(SYS_ppoll, p, 1, (long)&no_wait, 0, 8, 0), -EFAULT);
#undef W
	}

	/* lengths near 2^63 and 2^64 with a valid start */
	static const uint64_t lens[] = {1ul << 63, 0x7ffffffffffff000ul, 0xffffffffffffffffUL, USER_END,
	                                (1ul << 38) + 1};
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		long n = (long)lens[i];
#define L(what) (snprintf(name, sizeof(name), "%s len 0x%lx", what, (unsigned long)n), name)
		expect(L("read /dev/zero"), sys(SYS_read, zero, (long)good, n, 0, 0, 0), -EFAULT);
		expect(L("write pipe"), sys(SYS_write, pfd[1], (long)good, n, 0, 0, 0), -EFAULT);
		expect(L("getrandom"), sys(SYS_getrandom, (long)good, n, 0, 0, 0, 0), -EFAULT);
		expect(L("pread64 /dev/zero"), sys(SYS_pread64, zero, (long)good, n, 0, 0, 0), -EFAULT);
		expect(L("getdents64"), sys(SYS_getdents64, dir, (long)good, n, 0, 0, 0), -EFAULT);
		struct iovec big = {good, (size_t)n};
		expect_one_of(L("readv one huge iovec"), sys(SYS_readv, zero, (long)&big, 1, 0, 0, 0),
		              -EFAULT, -EINVAL);
#undef L
	}
	/* two iovecs whose lengths add up past 2^63 */
	struct iovec two_big[2] = {{good, 1ul << 62}, {good, (1ul << 62) + (1ul << 62)}};
	expect_one_of("readv iovec lengths overflow", sys(SYS_readv, zero, (long)two_big, 2, 0, 0, 0),
	              -EINVAL, -EFAULT);

	/* iovcnt out of range */
	struct iovec one = {good, 8};
	expect("readv iovcnt 1025", sys(SYS_readv, zero, (long)&one, 1025, 0, 0, 0), -EINVAL);
	expect("readv iovcnt 2^20", sys(SYS_readv, zero, (long)&one, 1 << 20, 0, 0, 0), -EINVAL);
	expect("readv iovcnt -1", sys(SYS_readv, zero, (long)&one, -1, 0, 0, 0), -EINVAL);
	expect("writev iovcnt 2^32+1", sys(SYS_writev, pfd[1], (long)&one, (1l << 32) + 1, 0, 0, 0), -EINVAL);
	/* more than RLIMIT_NOFILE: Linux says EINVAL; EFAULT (the array is not all mapped) is as safe */
	expect_one_of("ppoll nfds 2^31", sys(SYS_ppoll, (long)good, 1l << 31, (long)&no_wait, 0, 8, 0),
	              -EINVAL, -EFAULT);
	/* nfds * sizeof(struct pollfd) wraps to 0 in 64 bits; the kernel's nfds is 32 bits (0) */
	expect("ppoll nfds 2^61", sys(SYS_ppoll, (long)good, 1l << 61, (long)&no_wait, 0, 8, 0), 0);
	/* Linux ignores a failed write-back of the remaining time (fs/select.c), so a read-only timeout
	 * is fine */
	expect("ppoll with a read-only timeout", sys(SYS_ppoll, (long)good, 0, (long)&no_wait_ro, 0, 8, 0),
	       0);

	/* buffers that cross the end of a mapping: an error or a short count, and nothing written past it */
	memset(two, 0xa5, PAGE);
	expect_efault_or_short("read /dev/zero across the end of a mapping",
	                       sys(SYS_read, zero, (long)edge, 64, 0, 0, 0), 16);
	expect_efault_or_short("getrandom across the end of a mapping",
	                       sys(SYS_getrandom, (long)edge, 64, 0, 0, 0, 0), 16);
	expect_efault_or_short("pread64 across the end of a mapping",
	                       sys(SYS_pread64, zero, (long)edge, 64, 0, 0, 0), 16);
	expect("write pipe across the end of a mapping", sys(SYS_write, pfd[1], (long)edge, 64, 0, 0, 0),
	       -EFAULT);
	expect("fstat across the end of a mapping", sys(SYS_fstat, zero, (long)(two + PAGE - 64), 0, 0, 0, 0),
	       -EFAULT);
	int bytes_before_ok = 1;
	for (unsigned i = 0; i < PAGE - 16; i++)
		if (two[i] != 0xa5 && i < PAGE - 128)
			bytes_before_ok = 0;
	expect("bytes before the crossing buffers untouched", bytes_before_ok, 1);

	/* the last page of the user address space, mapped by the program: a buffer crossing its end runs
	 * into addresses no program can own */
	uint8_t *last = mmap((void *)(USER_END - PAGE), PAGE, PROT_READ | PROT_WRITE,
	                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (last == (void *)(USER_END - PAGE)) {
		uint8_t *top = last + PAGE - 8;
		expect_efault_or_short("read /dev/zero across the end of the address space",
		                       sys(SYS_read, zero, (long)top, 4096, 0, 0, 0), 8);
		expect_efault_or_short("getrandom across the end of the address space",
		                       sys(SYS_getrandom, (long)top, 1 << 20, 0, 0, 0, 0), 8);
		expect("uname across the end of the address space", sys(SYS_uname, (long)top, 0, 0, 0, 0, 0),
		       -EFAULT);
		struct iovec tail = {top, 1 << 21};
		expect_efault_or_short("readv across the end of the address space",
		                       sys(SYS_readv, zero, (long)&tail, 1, 0, 0, 0), 8);
		printf("ok: mapped the last user page\n");
	} else {
		printf("info: the last user page cannot be mapped (%ld)\n", (long)last);
	}

	/* unknown system call numbers */
	static const long numbers[] = {-1, 511, 512, 1000, 1l << 32, 1l << 40, 0x7fffffffffffffffl};
	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		snprintf(name, sizeof(name), "syscall number %ld", numbers[i]);
		expect(name, sys(numbers[i], 1, 2, 3, 4, 5, 6), -ENOSYS);
	}

	/* the process still works: a clean write and a time */
	struct timespec ts;
	expect("clock_gettime still works", sys(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0),
	       0);
	/* sizes and alignments Linux judges before (or instead of) the buffer */
	long cwd_len = sys(SYS_getcwd, (long)good, 1l << 40, 0, 0, 0, 0);
	if (cwd_len > 1 && good[cwd_len - 1] == '\0' && good[0] == '/') {
		printf("ok: getcwd with a size of 2^40 (only the path is written)\n");
	} else {
		printf("FAIL: getcwd with a size of 2^40: got %ld\n", cwd_len);
		failures++;
	}
	expect("getcwd with a size of 1", sys(SYS_getcwd, (long)good, 1, 0, 0, 0, 0), -ERANGE);
	expect("readlinkat bufsiz 0",
	       sys(SYS_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)good, 0, 0, 0), -EINVAL);
	expect("futex wake, misaligned wild address", sys(SYS_futex, (long)USER_END + 1, 1, 1, 0, 0, 0),
	       -EINVAL);
	expect("futex wake, misaligned", sys(SYS_futex, (long)good + 2, 1, 1, 0, 0, 0), -EINVAL);
	{
		/* a pending blocked signal taken by rt_sigtimedwait whose siginfo cannot be written */
		uint64_t set = 1ul << (SIGUSR2 - 1);
		sys(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 8, 0, 0);
		sys(SYS_tgkill, getpid(), sys(SYS_gettid, 0, 0, 0, 0, 0, 0), SIGUSR2, 0, 0, 0);
		expect("rt_sigtimedwait with siginfo at 2^38",
		       sys(SYS_rt_sigtimedwait, (long)&set, (long)USER_END, (long)&no_wait, 8, 0, 0),
		       -EFAULT);
		expect("the signal was taken anyway",
		       sys(SYS_rt_sigtimedwait, (long)&set, 0, (long)&no_wait, 8, 0, 0), -EAGAIN);
		sys(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
	}

	printf("done: %d failures\n", failures);
	return failures > 100 ? 100 : failures;
}
