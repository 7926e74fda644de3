/* argv and the environment: prints every argument (with its length) and one variable the test sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

int main(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = [%s] (%zu bytes)\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
	const char *v = getenv("KARASU_TEST_VAR");
	printf("KARASU_TEST_VAR = [%s]\n", v ? v : "(unset)");
	printf("UNSET_VARIABLE_XYZ = %s\n", getenv("UNSET_VARIABLE_XYZ") ? "set" : "(unset)");
	printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
	return argc;
}
