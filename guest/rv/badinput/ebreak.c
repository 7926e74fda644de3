/* ebreak in a user program: SIGTRAP, status 133. */
#include <stdio.h>

int main(void)
{
	printf("executing ebreak\n");
	fflush(stdout);
	__asm__ volatile("ebreak");
	return 0;
}
