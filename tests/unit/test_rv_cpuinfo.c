/* /proc/cpuinfo in karasu-rv's user mode (rv/user/procfs.c): the text riscv64 Linux 6.12 prints (the same
 * layout as Debian's 6.12 kernel on karasu-rv's system mode), with the ISA karasu-rv runs: the base, the
 * counters, Zicond, Zicsr, Zifencei, Zca/Zcd (implied by C with D), Zba, Zbb, Zbs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rv/user/procfs.h"

#define ISA "rv64imafdc_zicntr_zicond_zicsr_zifencei_zca_zcd_zba_zbb_zbs"
#define HART(n)                                                                                      \
	"processor\t: " #n "\nhart\t\t: " #n "\nisa\t\t: " ISA "\nmmu\t\t: sv39\nmvendorid\t: 0x0\n" \
	"marchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: " ISA "\n\n"

static void test_format(void **state)
{
	(void)state;
	char buf[2048];
	int n = rv_procfs_format_cpuinfo(buf, sizeof(buf), 2);
	assert_int_equal(n, (int)strlen(HART(0) HART(1)));
	assert_string_equal(buf, HART(0) HART(1));
	/* snprintf-style: the full length even when the buffer is short, and a NUL */
	char small[20];
	assert_int_equal(rv_procfs_format_cpuinfo(small, sizeof(small), 2), n);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(rv_procfs_format_cpuinfo(NULL, 0, 2), n);
}

/* The descriptor reads as that text, one entry per online CPU, and is read-only. */
static void test_open(void **state)
{
	(void)state;
	int fd = rv_procfs_open_cpuinfo();
	assert_true(fd >= 0);
	static char text[1 << 20];
	ssize_t len = read(fd, text, sizeof(text) - 1);
	assert_true(len > 0);
	text[len] = '\0';
	close(fd);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int want = rv_procfs_format_cpuinfo(NULL, 0, (unsigned)cpus);
	assert_int_equal(len, want);
	char *expected = malloc((size_t)want + 1);
	assert_non_null(expected);
	rv_procfs_format_cpuinfo(expected, (size_t)want + 1, (unsigned)cpus);
	assert_string_equal(text, expected);
	free(expected);
	assert_non_null(strstr(text, "isa\t\t: " ISA "\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
