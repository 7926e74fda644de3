/* An AMO on a misaligned address: Linux delivers SIGBUS (status 135). */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	static uint64_t words[4];
	uintptr_t p = (uintptr_t)words + 2;
	long old;
	printf("amoadd.w on a misaligned address\n");
	fflush(stdout);
	__asm__ volatile("amoadd.w %0, %1, (%2)" : "=r"(old) : "r"(1L), "r"(p) : "memory");
	printf("not reached %ld\n", old);
	return 0;
}
