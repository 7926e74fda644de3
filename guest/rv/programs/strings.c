/* String and memory functions of glibc (its riscv64 versions), strtol/strtod edge cases, and a hash of
 * a generated text. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char buf[256], dst[256];
	strcpy(buf, "The quick brown fox jumps over the lazy dog");
	printf("len %zu cmp %d %d %d ncmp %d casecmp %d\n", strlen(buf), strcmp("abc", "abd") < 0,
	       strcmp("abd", "abc") > 0, strcmp("abc", "abc"), strncmp("abcdef", "abcxyz", 3),
	       strcasecmp("HeLLo", "hello"));
	printf("strchr %s | strrchr %s | strstr %s | strpbrk %s\n", strchr(buf, 'q'), strrchr(buf, 'o'),
	       strstr(buf, "jumps"), strpbrk(buf, "xyz"));
	printf("spn %zu cspn %zu\n", strspn("aaabbbccc", "ab"), strcspn(buf, "xyz"));
	char copy[128];
	strcpy(copy, "alpha,beta,,gamma;delta");
	char *save, *tok = strtok_r(copy, ",;", &save);
	while (tok) {
		printf("[%s]", tok);
		tok = strtok_r(NULL, ",;", &save);
	}
	printf("\n");
	/* Overlapping moves at every small offset and length. */
	unsigned sum = 0;
	for (int off = 0; off < 16; off++)
		for (int len = 0; len < 64; len++) {
			for (int i = 0; i < 128; i++)
				dst[i] = (char)i;
			memmove(dst + off, dst + 3, len);
			memmove(dst + 5, dst + off, len);
			for (int i = 0; i < 128; i++)
				sum = sum * 33 + (unsigned char)dst[i];
		}
	printf("memmove hash %08x\n", sum);
	memset(dst, 'z', 100);
	dst[100] = 0;
	printf("memset len %zu memchr %ld memcmp %d\n", strlen(dst),
	       (long)((char *)memchr(buf, 'z', 50) - buf), memcmp("abc\0x", "abc\0y", 5) < 0);
	/* Unaligned strlen/strcpy starting points. */
	unsigned lens = 0;
	for (int a = 0; a < 16; a++) {
		strcpy(dst + a, buf + a);
		lens = lens * 7 + strlen(dst + a);
	}
	printf("unaligned lens %u\n", lens);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	printf("upper %s\n", buf);

	errno = 0;
	long v = strtol("9223372036854775808", NULL, 10);
	printf("strtol overflow %ld erange %d\n", v, errno == ERANGE);
	printf("strtol hex %ld base0 %ld %ld neg %ld\n", strtol("ff", NULL, 16), strtol("0x1f", NULL, 0),
	       strtol("017", NULL, 0), strtol("  -123abc", NULL, 10));
	printf("strtoul %lu strtoll %lld\n", strtoul("-1", NULL, 10),
	       strtoll("-9223372036854775808", NULL, 10));
	printf("strtod %.17g %.17g %g %g\n", strtod("0.1", NULL), strtod("1e-320", NULL), strtod("inf", NULL),
	       strtod("-nan", NULL));
	printf("atoi %d snprintf-roundtrip %s\n", atoi("  42xyz"), "ok");

	/* A generated text and an FNV-1a hash over it. */
	static char text[1 << 20];
	size_t n = 0;
	for (int i = 0; n + 32 < sizeof(text); i++)
		n += (size_t)snprintf(text + n, 32, "%d:%x,", i * 37, i);
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
	printf("text %zu bytes fnv %016llx last %s\n", n, (unsigned long long)h, strrchr(text, ',') - 12);
	return 0;
}
