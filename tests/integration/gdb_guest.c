/* Guest program for tests/integration/test-rv-gdb.sh (built -O0 -g -static for riscv64): a debugger
 * stops at main, steps, reads the stack, stops in add() and sees the exit status: 7, or 14 when it sets
 * add's `a` to 10. With the argument "segv" it dies of SIGSEGV (a store to an unmapped address); with "spin" it
 * loops until the debugger interrupts it (Ctrl-C) and clears gdb_guest_spin. */
#include <stdio.h>
#include <string.h>

volatile int gdb_guest_counter;
volatile int gdb_guest_spin = 1; /* "spin": loops until a debugger clears this */

/* Not static, not inlined: gdb stops in it and changes `a`. */
int add(int a, int b)
{
	return a + b + 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "segv") == 0) {
		volatile int *wild = (volatile int *)(unsigned long)0x10;
		*wild = 1;
	}
	if (argc > 1 && strcmp(argv[1], "spin") == 0) {
		while (gdb_guest_spin)
			gdb_guest_counter++;
		gdb_guest_counter = 0;
	}
	gdb_guest_counter += add(3, 3);
	printf("gdb guest: counter %d\n", gdb_guest_counter);
	return gdb_guest_counter;
}
