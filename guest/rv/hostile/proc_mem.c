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
 *                    address the program has not mapped. Exit status: the number of failures. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "read") == 0)
		return mode_read();
	if (argc == 2 && strcmp(argv[1], "write") == 0)
		return mode_write();
	if (argc == 2 && strcmp(argv[1], "fcntl") == 0)
		return mode_fcntl();
	fprintf(stderr, "usage: proc_mem read|write|fcntl\n");
	return 2;
}
