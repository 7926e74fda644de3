/* abort() kills the process with SIGABRT: exit status 134 like a shell reports it. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("about to abort\n");
	fflush(stdout);
	abort();
}
