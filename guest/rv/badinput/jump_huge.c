/* A jump to a huge address (bit 63 set): the fetch faults, SIGSEGV. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	void (*volatile target)(void) = (void (*)(void))(uintptr_t)0xdeadbeef00000000ull;
	printf("jumping far away\n");
	fflush(stdout);
	target();
	return 0;
}
