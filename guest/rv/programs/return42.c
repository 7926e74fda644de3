/* Returning 42 from main is the exit status 42. */
#include <stdio.h>

int main(void)
{
	puts("returning 42");
	return 42;
}
