/* A 32-bit instruction whose first half is the last 2 bytes of an executable page and whose second half
 * would be on the next page, which is unmapped: the fetch faults (SIGSEGV) before anything executes. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p =
	    mmap(NULL, 2 * page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || munmap(p + page, page) != 0) {
		perror("mmap");
		return 1;
	}
	uint16_t *half = (uint16_t *)(p + page - 2);
	*half = 0x0513; /* low half of addi a0, a0, 1 (0x00150513): a 32-bit instruction */
	__asm__ volatile("fence.i" ::: "memory");
	long (*fn)(long) = (long (*)(long))(uintptr_t)half;
	printf("calling an instruction that straddles into an unmapped page\n");
	fflush(stdout);
	long r = fn(1);
	printf("not reached %ld\n", r);
	return 0;
}
