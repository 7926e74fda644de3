/* Executing from the (non-executable) stack: a valid instruction in memory without PROT_EXEC, SIGSEGV. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	volatile uint32_t code[2] = {0x00008067u, 0}; /* ret */
	void (*fn)(void) = (void (*)(void))(uintptr_t)code;
	printf("calling code on the stack\n");
	fflush(stdout);
	fn();
	printf("returned from the stack\n");
	return 0;
}
