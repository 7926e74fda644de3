/* exit(3) after output that is still in the stdio buffer: the buffer must be flushed at exit. */
#include <stdio.h>
#include <stdlib.h>

static void at_exit_hook(void)
{
	printf("atexit handler ran\n");
}

int main(void)
{
	atexit(at_exit_hook);
	printf("exiting with 3");
	exit(3);
}
