/* lib/mem.c: k_ string/memory functions checked against the host C library, plus the parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"

static void test_memcpy_all_alignments(void **state)
{
	(void)state;
	uint8_t src[96], dst[96], ref[96];

	for (size_t i = 0; i < sizeof(src); i++) {
		src[i] = (uint8_t)(i * 7 + 3);
	}
	for (size_t s = 0; s < 9; s++) {
		for (size_t d = 0; d < 9; d++) {
			for (size_t n = 0; n < 70; n += 3) {
				memset(dst, 0xee, sizeof(dst));
				memset(ref, 0xee, sizeof(ref));
				assert_ptr_equal(k_memcpy(dst + d, src + s, n), dst + d);
				memcpy(ref + d, src + s, n);
				assert_memory_equal(dst, ref, sizeof(dst));
			}
		}
	}
}

static void test_memmove_overlap(void **state)
{
	(void)state;
	uint8_t buf[64], ref[64];

	for (int shift = -9; shift <= 9; shift++) {
		for (size_t n = 0; n < 40; n++) {
			for (size_t i = 0; i < sizeof(buf); i++) {
				buf[i] = ref[i] = (uint8_t)i;
			}
			k_memmove(buf + 12 + shift, buf + 12, n);
			memmove(ref + 12 + shift, ref + 12, n);
			assert_memory_equal(buf, ref, sizeof(buf));
		}
	}
}

static void test_memset_and_memcmp(void **state)
{
	(void)state;
	uint8_t buf[80], ref[80];

	for (size_t off = 0; off < 9; off++) {
		for (size_t n = 0; n < 60; n += 5) {
			memset(buf, 1, sizeof(buf));
			memset(ref, 1, sizeof(ref));
			k_memset(buf + off, 0x1ab, n); /* only the low byte counts */
			memset(ref + off, 0xab, n);
			assert_memory_equal(buf, ref, sizeof(buf));
		}
	}
	assert_int_equal(k_memcmp("abc", "abd", 3), -1);
	assert_int_equal(k_memcmp("abd", "abc", 3), 1);
	assert_int_equal(k_memcmp("abc", "abd", 2), 0);
	/* Bytes compare as unsigned. */
	assert_true(k_memcmp("\x80", "\x01", 1) > 0);
	assert_ptr_equal(k_memchr("hello", 'l', 5), (const char *)"hello" + 2);
	assert_null(k_memchr("hello", 'l', 2));
}

static void test_strings(void **state)
{
	(void)state;
	const char *s = "karasu/lib";
	char buf[8];

	assert_int_equal(k_strlen(""), 0);
	assert_int_equal(k_strlen(s), strlen(s));
	assert_int_equal(k_strnlen(s, 3), 3);
	assert_int_equal(k_strnlen(s, 100), strlen(s));
	assert_int_equal(k_strcmp("a", "a"), 0);
	assert_true(k_strcmp("a", "b") < 0);
	assert_true(k_strcmp("ab", "a") > 0);
	assert_true(k_strcmp("\xff", "a") > 0);
	assert_int_equal(k_strncmp("abcX", "abcY", 3), 0);
	assert_true(k_strncmp("abcX", "abcY", 4) < 0);
	assert_int_equal(k_strcasecmp("Linux/IMAGE", "linux/image"), 0);
	assert_true(k_strcasecmp("a", "B") < 0);
	assert_int_equal(k_strncasecmp("KERNEL.IMG", "kernel.xyz", 7), 0);
	assert_ptr_equal(k_strchr(s, '/'), strchr(s, '/'));
	assert_ptr_equal(k_strchr(s, '\0'), s + strlen(s));
	assert_null(k_strchr(s, 'z'));
	{
		const char *path = "a/b/c";
		assert_ptr_equal(k_strrchr(path, '/'), path + 3);
	}
	assert_null(k_strrchr("abc", '/'));

	assert_int_equal(k_strlcpy(buf, "short", sizeof(buf)), 5);
	assert_string_equal(buf, "short");
	assert_int_equal(k_strlcpy(buf, "much too long", sizeof(buf)), 13);
	assert_string_equal(buf, "much to");
	buf[0] = 'x';
	assert_int_equal(k_strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(k_tolower('Q'), 'q');
	assert_int_equal(k_toupper('q'), 'Q');
	assert_int_equal(k_toupper('1'), '1');
	assert_true(k_isspace('\t'));
	assert_false(k_isspace('x'));
}

static bool parse(const char *s, unsigned base, uint64_t *out)
{
	return k_parse_u64(s, strlen(s), base, out);
}

static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v = 42;

	assert_true(parse("0", 0, &v));
	assert_int_equal(v, 0);
	assert_true(parse("1234", 0, &v));
	assert_int_equal(v, 1234);
	assert_true(parse("0x40000000", 0, &v));
	assert_int_equal(v, 0x40000000);
	assert_true(parse("0XfF", 0, &v));
	assert_int_equal(v, 255);
	assert_true(parse("0b101", 0, &v));
	assert_int_equal(v, 5);
	assert_true(parse("ff", 16, &v));
	assert_int_equal(v, 255);
	assert_true(parse("0x10", 16, &v));
	assert_int_equal(v, 16);
	assert_true(parse("18446744073709551615", 10, &v));
	assert_int_equal(v, UINT64_MAX);
	assert_true(parse("0xffffffffffffffff", 0, &v));
	assert_int_equal(v, UINT64_MAX);

	v = 7;
	assert_false(parse("18446744073709551616", 10, &v));
	assert_false(parse("0x10000000000000000", 0, &v));
	assert_false(parse("", 0, &v));
	assert_false(parse("0x", 0, &v));
	assert_false(parse("12a", 10, &v));
	assert_false(parse("-1", 0, &v));
	assert_false(parse(" 1", 0, &v));
	assert_false(parse("19", 8, &v));
	assert_int_equal(v, 7); /* untouched on failure */
	/* Only the given span is parsed. */
	assert_true(k_parse_u64("123xyz", 3, 10, &v));
	assert_int_equal(v, 123);
}

static bool size_of(const char *s, uint64_t *out)
{
	return k_parse_size(s, strlen(s), out);
}

static void test_parse_size(void **state)
{
	(void)state;
	uint64_t v = 0;

	assert_true(size_of("512M", &v));
	assert_int_equal(v, 512ull << 20);
	assert_true(size_of("2G", &v));
	assert_int_equal(v, 2ull << 30);
	assert_true(size_of("2GiB", &v));
	assert_int_equal(v, 2ull << 30);
	assert_true(size_of("3MIB", &v));
	assert_int_equal(v, 3ull << 20);
	assert_false(size_of("3iB", &v));
	assert_true(size_of("64kb", &v));
	assert_int_equal(v, 64ull << 10);
	assert_true(size_of("1T", &v));
	assert_int_equal(v, 1ull << 40);
	assert_true(size_of("4096", &v));
	assert_int_equal(v, 4096);
	assert_true(size_of("0x200000", &v));
	assert_int_equal(v, 0x200000);
	assert_true(size_of("0xab", &v)); /* a hex 'b' digit is not a "bytes" suffix */
	assert_int_equal(v, 0xab);
	assert_false(size_of("M", &v));
	assert_false(size_of("12X", &v));
	assert_false(size_of("16777216T", &v)); /* 2^64: overflow */
	assert_false(size_of("", &v));
	assert_false(size_of("1.5G", &v));
}

static void test_endian_unaligned(void **state)
{
	(void)state;
	uint8_t buf[16] = {0};

	k_store_be32(buf + 1, 0x11223344);
	assert_int_equal(buf[1], 0x11);
	assert_int_equal(buf[4], 0x44);
	assert_int_equal(k_load_be32(buf + 1), 0x11223344);
	k_store_be64(buf + 3, 0x0102030405060708ull);
	assert_int_equal(k_load_be64(buf + 3), 0x0102030405060708ull);
	assert_int_equal(buf[3], 1);
	k_store_le32(buf + 5, 0xa1b2c3d4);
	assert_int_equal(buf[5], 0xd4);
	assert_int_equal(k_load_le32(buf + 5), 0xa1b2c3d4);
	k_store_le16(buf + 9, 0xbeef);
	assert_int_equal(k_load_le16(buf + 9), 0xbeef);
	assert_int_equal(buf[9], 0xef);
	assert_int_equal(k_load_le64(buf + 5) & 0xffffffff, 0xa1b2c3d4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_memcpy_all_alignments),
	    cmocka_unit_test(test_memmove_overlap),
	    cmocka_unit_test(test_memset_and_memcmp),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_parse_u64),
	    cmocka_unit_test(test_parse_size),
	    cmocka_unit_test(test_endian_unaligned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
