/* lib/fmt.c: every supported conversion is compared with the host C library's snprintf, which is the
 * reference for what these formats mean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/fmt.h"

#define CHECK(...)                                                        \
	do {                                                              \
		char ours[256], ref[256];                                 \
		int n_ours = k_snprintf(ours, sizeof(ours), __VA_ARGS__); \
		int n_ref = snprintf(ref, sizeof(ref), __VA_ARGS__);      \
		assert_string_equal(ours, ref);                           \
		assert_int_equal(n_ours, n_ref);                          \
	} while (0)

static void test_integers(void **state)
{
	(void)state;
	static const long long values[] = {0,
	                                   1,
	                                   -1,
	                                   7,
	                                   42,
	                                   -42,
	                                   255,
	                                   65535,
	                                   2147483647,
	                                   -2147483647 - 1,
	                                   4294967295LL,
	                                   9223372036854775807LL,
	                                   -9223372036854775807LL - 1};
	static const char *const int_formats[] = {"%d",  "%i",   "%5d",   "%-5d|",   "%05d", "%+d",
	                                          "% d", "%.3d", "%8.3d", "%-8.3d|", "%.0d", "%0+6d"};
	static const char *const ll_formats[] = {"%lld", "%20lld", "%-22lld|", "%021lld", "%+lld",
	                                         "%llu", "%llx",   "%#llx",    "%llX",    "%#llX",
	                                         "%llo", "%#llo",  "%.0llx"};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		for (size_t f = 0; f < sizeof(int_formats) / sizeof(int_formats[0]); f++) {
			CHECK(int_formats[f], (int)values[i]);
		}
		for (size_t f = 0; f < sizeof(ll_formats) / sizeof(ll_formats[0]); f++) {
			CHECK(ll_formats[f], values[i]);
		}
	}
}

#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static void test_length_modifiers(void **state)
{
	(void)state;
	CHECK("%hhd %hhu %hhx", 300, 300, -1);
	CHECK("%hd %hu %hx", 70000, 70000, -1);
	CHECK("%ld %lu %lx", -5L, 5UL, 0xdeadbeefcafeUL);
	CHECK("%zu %zx %zd", (size_t)123456789, (size_t)0xabc, (size_t)77);
	CHECK("%jd %ju", (intmax_t)-99, (uintmax_t)99);
	CHECK("%td", (ptrdiff_t)-12345);
	CHECK("%u %x %X %o", 4000000000u, 0xabcdefu, 0xabcdefu, 8u);
	CHECK("%#x %#X %#o %#x", 0u, 255u, 0u, 1u);
	CHECK("%08x|%-8x|%8X", 0xbeefu, 0xbeefu, 0xbeefu);
	CHECK("%#010x", 0x1234u);
	CHECK("%*d|%-*d|%.*d", 6, 42, 6, 42, 4, 42);
	CHECK("%*d", -6, 42);
}

static void test_strings_chars_pointers(void **state)
{
	(void)state;
	char unterminated[3] = {'a', 'b', 'c'};
	int x;

	CHECK("%s", "hello");
	CHECK("[%10s][%-10s]", "right", "left");
	CHECK("[%.3s][%.0s][%5.2s]", "abcdef", "abc", "xyz");
	CHECK("[%c][%3c][%-3c]", 'a', 'b', 'c');
	CHECK("100%% sure %d%%", 5);
	CHECK("%p", (void *)&x);
	CHECK("%p", (void *)0x1000);
	CHECK("%20p|%-20p|", (void *)0x1000, (void *)0x2000);
	/* Precision bounds the read: an unterminated array is fine (ASan would catch a read past it). */
	CHECK("%.3s", unterminated);
	CHECK("%s %d %s", "multi", -3, "args");
	CHECK("no conversions at all");
	CHECK("%s", "");
}

static void test_null_string_and_unknown(void **state)
{
	(void)state;
	char buf[64];
	/* Through volatile so the compiler's format checks do not see the deliberate mistakes. */
	const char *volatile null_string = NULL;
	const char *volatile fmt_unknown = "a%qb";
	const char *volatile fmt_trailing = "end%";

	/* glibc also prints (null), but that is not guaranteed: check ours directly. */
	k_snprintf(buf, sizeof(buf), "[%s]", null_string);
	assert_string_equal(buf, "[(null)]");
	/* Unsupported conversions are printed as written. */
	k_snprintf(buf, sizeof(buf), fmt_unknown, 1);
	assert_string_equal(buf, "a%qb");
	k_snprintf(buf, sizeof(buf), fmt_trailing, 1);
	assert_string_equal(buf, "end%");
}

static void test_truncation(void **state)
{
	(void)state;
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(k_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345), 12);
	assert_string_equal(buf, "abcdef-");
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(k_snprintf(buf, 1, "%d", 5), 1);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');
	assert_int_equal(k_snprintf(NULL, 0, "%d", 12345), 5);
	assert_int_equal(k_snprintf(buf, sizeof(buf), "%s", "1234567"), 7);
	assert_string_equal(buf, "1234567");
}

struct collect {
	char text[64];
	size_t len;
};

static void collect_putc(void *ctx, char c)
{
	struct collect *col = ctx;

	if (col->len + 1 < sizeof(col->text)) {
		col->text[col->len++] = c;
		col->text[col->len] = '\0';
	}
}

static int via_vformat(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = k_vformat(collect_putc, col, fmt, ap);
	va_end(ap);
	return n;
}

static void test_callback(void **state)
{
	(void)state;
	struct collect col = {.len = 0};

	assert_int_equal(via_vformat(&col, "cpu%u: %s", 3u, "online"), 12);
	assert_string_equal(col.text, "cpu3: online");
	col.len = 0;
	assert_int_equal(k_format(collect_putc, &col, "%#llx", 0x40000000ull), 10);
	assert_string_equal(col.text, "0x40000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_length_modifiers),
	    cmocka_unit_test(test_strings_chars_pointers),
	    cmocka_unit_test(test_null_string_and_unknown),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_callback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
