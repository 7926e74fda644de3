/* stdio: formatted output of every common conversion, buffered vs unbuffered streams, stderr, and
 * snprintf truncation. Deterministic: no addresses, no times. */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	char buf[64];

	printf("hello from riscv64\n");
	printf("ints: %d %i %u %x %X %o %c %%\n", -42, INT_MIN, UINT_MAX, 0xbeef, 0xcafe, 0755, 'k');
	printf("widths: [%8d] [%-8d] [%08d] [%+d] [% d] [%.3d]\n", 42, 42, 42, 42, 42, 7);
	printf("64-bit: %" PRId64 " %" PRIu64 " %" PRIx64 " %lld\n", INT64_MIN, UINT64_MAX,
	       (uint64_t)0x123456789abcdef0, -1LL);
	printf("strings: [%s] [%10s] [%-10s] [%.3s]\n", "abc", "right", "left", "truncate");
	printf("size_t %zu ptrdiff %td short %hd char %hhd\n", sizeof(long double), (ptrdiff_t)-5,
	       (short)-300, (signed char)200);
	volatile size_t limit = 10; /* volatile: the truncation is intended */
	int n = snprintf(buf, limit, "%s-%d", "truncated", 123456);
	printf("snprintf returned %d, buf=[%s] len=%zu\n", n, buf, strlen(buf));
	n = sprintf(buf, "%5.1f|%-6.2e|%g", 3.14159, 12345.678, 0.0001);
	printf("sprintf %d [%s]\n", n, buf);
	fputs("line to stderr\n", stderr);
	fprintf(stderr, "stderr formatted %d\n", 7);
	/* Many small writes through the stdout buffer, then an explicit flush. */
	for (int i = 0; i < 1000; i++)
		putchar('a' + i % 26);
	putchar('\n');
	fflush(stdout);
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 0; i < 5; i++)
		printf("unbuffered %d\n", i);
	puts("done");
	return 0;
}
