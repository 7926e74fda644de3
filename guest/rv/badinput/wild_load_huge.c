/* A load from an address far above any mapping (and above karasu-rv's guest address space): SIGSEGV. */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argv;
	/* argc keeps the compiler from folding the address */
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(0xfffffffffff00000ull + (uint64_t)argc * 8);
	printf("loading from %#llx\n", (unsigned long long)(uintptr_t)p);
	fflush(stdout);
	return (int)*p;
}
