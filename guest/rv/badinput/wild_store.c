/* A store to an unmapped low address: the guest dies of SIGSEGV (status 139). */
#include <stdio.h>

int main(void)
{
	printf("storing to 0x1234\n");
	fflush(stdout);
	*(volatile int *)0x1234 = 1;
	printf("not reached\n");
	return 0;
}
