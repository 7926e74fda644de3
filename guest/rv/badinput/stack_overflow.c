/* Unbounded recursion runs off the end of the stack: SIGSEGV. */
#include <stdio.h>

static volatile int sink;

static int recurse(int n)
{
	volatile char frame[256];
	frame[0] = (char)n;
	sink = frame[0];
	if (n < 0) /* never (n only grows): a normal return path for the compiler */
		return 0;
	return recurse(n + 1) + frame[0];
}

int main(void)
{
	printf("recursing forever\n");
	fflush(stdout);
	return recurse(0);
}
