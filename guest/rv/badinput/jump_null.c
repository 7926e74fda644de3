/* A call through a null function pointer: the instruction fetch at 0 faults, SIGSEGV. */
#include <stdio.h>

void (*volatile target)(void);

int main(void)
{
	printf("calling address 0\n");
	fflush(stdout);
	target();
	return 0;
}
