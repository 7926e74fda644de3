/* An illegal instruction (the all-zero word): SIGILL, status 132. */
#include <stdio.h>

int main(void)
{
	printf("executing an illegal instruction\n");
	fflush(stdout);
	__asm__ volatile(".4byte 0");
	return 0;
}
