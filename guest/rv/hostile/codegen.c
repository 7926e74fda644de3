/* Programs that generate code at run time, one case per run (argv[1]); each prints its results and
 * exits 0 when they are what riscv64 Linux gives.
 *
 *   flood-functions  2^20 distinct tiny functions (addi a0, a0, K; ret) in a 8 MiB RWX mapping, each
 *                    called once: far more translated code than a translator's cache holds
 *   flood-straight   one function of 2^22 straight-line instructions (16 MiB), called twice
 *   smc-fence-i      a function is run, rewritten, fence.i, run again: the new code runs
 *   smc-same-block   code that patches the instruction after its own fence.i: the patched one runs
 *   smc-no-fence     rewritten without fence.i: the old or the new code may run, nothing else
 *   smc-other-thread a second thread rewrites a function the first has run and calls
 *                    riscv_flush_icache(all harts); the first thread then runs the new code
 *   unmap-other-thread  the main thread calls a generated function in a hot loop while a second thread
 *                    munmaps its page: the next call faults (SIGSEGV, exit 139), stale translations
 *                    of the unmapped code never run on
 *   remap-code       a function is run, its page replaced by MAP_FIXED with other code: new code runs */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RET 0x00008067u

/* addi a0, a0, imm (12-bit signed) */
static uint32_t addi_a0(int imm)
{
	return ((uint32_t)(imm & 0xfff) << 20) | (10u << 15) | (10u << 7) | 0x13u;
}

/* li a0, imm */
static uint32_t li_a0(int imm)
{
	return ((uint32_t)(imm & 0xfff) << 20) | (10u << 7) | 0x13u;
}

typedef long (*fn_t)(long);

static uint32_t *rwx(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap %zu failed\n", len);
		exit(100);
	}
	return p;
}

static void fence_i(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

static int flood_functions(void)
{
	const unsigned n = 1u << 20;
	uint32_t *code = rwx((size_t)n * 8);
	for (unsigned i = 0; i < n; i++) {
		code[2 * i] = addi_a0((int)(i % 2000));
		code[2 * i + 1] = RET;
	}
	fence_i();
	long sum = 0, want = 0;
	for (unsigned i = 0; i < n; i++) {
		sum += ((fn_t)(code + 2 * i))(0);
		want += i % 2000;
	}
	printf("sum %ld want %ld\n", sum, want);
	return sum == want ? 0 : 1;
}

static int flood_straight(void)
{
	const unsigned n = 1u << 22;
	uint32_t *code = rwx((size_t)n * 4 + 4);
	for (unsigned i = 0; i < n; i++)
		code[i] = addi_a0((int)(i % 7) - 3);
	code[n] = RET;
	fence_i();
	long want = 0;
	for (unsigned i = 0; i < n; i++)
		want += (long)(i % 7) - 3;
	long a = ((fn_t)code)(5), b = ((fn_t)code)(-5);
	printf("%ld %ld want %ld %ld\n", a, b, want + 5, want - 5);
	return a == want + 5 && b == want - 5 ? 0 : 1;
}

static int smc_fence_i(void)
{
	uint32_t *code = rwx(4096);
	code[0] = li_a0(11);
	code[1] = RET;
	fence_i();
	long first = 0;
	for (int i = 0; i < 1000; i++)
		first += ((fn_t)code)(0);
	code[0] = li_a0(22);
	fence_i();
	long second = ((fn_t)code)(0);
	printf("first %ld second %ld\n", first, second);
	return first == 11000 && second == 22 ? 0 : 1;
}

static int smc_same_block(void)
{
	/*   0: sw   a1, 12(a2)      store the new instruction over the one at 12
	 *   4: fence.i
	 *   8: li   a0, 1
	 *  12: li   a0, 2           (replaced by li a0, 3 the first time through)
	 *  16: ret */
	uint32_t *code = rwx(4096);
	code[0] = (0u << 25) | (11u << 20) | (12u << 15) | (2u << 12) | (12u << 7) | 0x23u; /* sw a1,12(a2) */
	code[1] = 0x0000100fu;                                                              /* fence.i */
	code[2] = li_a0(1);
	code[3] = li_a0(2);
	code[4] = RET;
	fence_i();
	long r;
	register long a1 __asm__("a1") = li_a0(3);
	register long a2 __asm__("a2") = (long)code;
	register long a0 __asm__("a0");
	__asm__ volatile("jalr ra, 0(%2)" : "=r"(a0), "+r"(a1), "+r"(a2) : : "ra", "memory");
	r = a0;
	printf("patched instruction gave %ld\n", r);
	return r == 3 ? 0 : 1;
}

static int smc_no_fence(void)
{
	uint32_t *code = rwx(4096);
	code[0] = li_a0(11);
	code[1] = RET;
	fence_i();
	long first = 0;
	for (int i = 0; i < 1000; i++)
		first += ((fn_t)code)(0);
	code[0] = li_a0(22);
	long second = ((fn_t)code)(0); /* no fence.i: 11 or 22 */
	printf("first %ld second %s\n", first, second == 11 || second == 22 ? "old-or-new" : "other");
	return first == 11000 && (second == 11 || second == 22) ? 0 : 1;
}

static uint32_t *shared_code;
static volatile int stage;

static void *rewriter(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&stage, __ATOMIC_ACQUIRE) != 1)
		;
	shared_code[0] = li_a0(22);
	/* riscv_flush_icache(start, end, flags 0 = every hart of the process) */
	syscall(259, (long)shared_code, (long)shared_code + 8, 0);
	__atomic_store_n(&stage, 2, __ATOMIC_RELEASE);
	return NULL;
}

static int smc_other_thread(void)
{
	shared_code = rwx(4096);
	shared_code[0] = li_a0(11);
	shared_code[1] = RET;
	fence_i();
	pthread_t th;
	pthread_create(&th, NULL, rewriter, NULL);
	long first = 0;
	for (int i = 0; i < 1000; i++)
		first += ((fn_t)shared_code)(0);
	__atomic_store_n(&stage, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&stage, __ATOMIC_ACQUIRE) != 2)
		;
	long second = ((fn_t)shared_code)(0);
	pthread_join(th, NULL);
	printf("first %ld second %ld\n", first, second);
	return first == 11000 && second == 22 ? 0 : 1;
}

static void *unmap_soon(void *arg)
{
	(void)arg;
	struct timespec nap = {0, 50 * 1000 * 1000};
	nanosleep(&nap, NULL);
	munmap(shared_code, 4096);
	return NULL;
}

static int unmap_other_thread(void)
{
	shared_code = rwx(4096);
	shared_code[0] = addi_a0(1);
	shared_code[1] = RET;
	fence_i();
	pthread_t th;
	pthread_create(&th, NULL, unmap_soon, NULL);
	printf("calling while another thread unmaps\n");
	long s = 0;
	for (long i = 0; i < 3000000000l; i++)
		s = ((fn_t)shared_code)(s);
	printf("ran unmapped code %ld times\n", s);
	return 1;
}

static int remap_code(void)
{
	uint32_t *code = rwx(4096);
	code[0] = li_a0(11);
	code[1] = RET;
	fence_i();
	long first = 0;
	for (int i = 0; i < 1000; i++)
		first += ((fn_t)code)(0);
	uint32_t *again = mmap(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	again[0] = li_a0(33);
	again[1] = RET;
	fence_i();
	long second = ((fn_t)again)(0);
	printf("first %ld second %ld\n", first, second);
	return first == 11000 && second == 33 ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *c = argc == 2 ? argv[1] : "";
	if (!strcmp(c, "flood-functions"))
		return flood_functions();
	if (!strcmp(c, "flood-straight"))
		return flood_straight();
	if (!strcmp(c, "smc-fence-i"))
		return smc_fence_i();
	if (!strcmp(c, "smc-same-block"))
		return smc_same_block();
	if (!strcmp(c, "smc-no-fence"))
		return smc_no_fence();
	if (!strcmp(c, "smc-other-thread"))
		return smc_other_thread();
	if (!strcmp(c, "unmap-other-thread"))
		return unmap_other_thread();
	if (!strcmp(c, "remap-code"))
		return remap_code();
	fprintf(stderr, "usage: codegen CASE\n");
	return 2;
}
