/* Freestanding memory and string functions (see lib/mem.h). */
#include "lib/mem.h"

/* GCC may turn these loops back into calls to memcpy/memset ("loop distribution"), which karasu-hv does not
 * have and which would recurse if it did. */
#if defined(__GNUC__) && !defined(__clang__)
#define K_NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define K_NO_LIBCALLS
#endif

/* A word that may alias any object: these functions copy memory of every type. */
typedef uint64_t __attribute__((may_alias)) word_t;

K_NO_LIBCALLS void *k_memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	/* Word copies only when both sides are aligned the same way: -mstrict-align forbids unaligned ones. */
	if ((((uintptr_t)d ^ (uintptr_t)s) & (sizeof(word_t) - 1)) == 0) {
		while (n > 0 && ((uintptr_t)d & (sizeof(word_t) - 1)) != 0) {
			*d++ = *s++;
			n--;
		}
		while (n >= sizeof(word_t)) {
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
			d += sizeof(word_t);
			s += sizeof(word_t);
			n -= sizeof(word_t);
		}
	}
	while (n > 0) {
		*d++ = *s++;
		n--;
	}
	return dst;
}

K_NO_LIBCALLS void *k_memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d == s || n == 0) {
		return dst;
	}
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
		return k_memcpy(dst, src, n);
	}
	/* Overlapping with dst above src: copy backwards. */
	while (n > 0) {
		n--;
		d[n] = s[n];
	}
	return dst;
}

K_NO_LIBCALLS void *k_memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint8_t byte = (uint8_t)c;

	while (n > 0 && ((uintptr_t)d & (sizeof(word_t) - 1)) != 0) {
		*d++ = byte;
		n--;
	}
	if (n >= sizeof(word_t)) {
		word_t word = byte * 0x0101010101010101ull;
		while (n >= sizeof(word_t)) {
			*(word_t *)(void *)d = word;
			d += sizeof(word_t);
			n -= sizeof(word_t);
		}
	}
	while (n > 0) {
		*d++ = byte;
		n--;
	}
	return dst;
}

int k_memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a;
	const uint8_t *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] < y[i] ? -1 : 1;
		}
	}
	return 0;
}

void *k_memchr(const void *s, int c, size_t n)
{
	const uint8_t *p = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == (uint8_t)c) {
			return (void *)(uintptr_t)(p + i);
		}
	}
	return NULL;
}

size_t k_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

size_t k_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

int k_strcmp(const char *a, const char *b)
{
	return k_strncmp(a, b, SIZE_MAX);
}

int k_strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i];
		unsigned char y = (unsigned char)b[i];
		if (x != y) {
			return x < y ? -1 : 1;
		}
		if (x == '\0') {
			break;
		}
	}
	return 0;
}

int k_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int k_toupper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
}

int k_strcasecmp(const char *a, const char *b)
{
	return k_strncasecmp(a, b, SIZE_MAX);
}

int k_strncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int x = k_tolower((unsigned char)a[i]);
		int y = k_tolower((unsigned char)b[i]);
		if (x != y) {
			return x < y ? -1 : 1;
		}
		if (x == '\0') {
			break;
		}
	}
	return 0;
}

char *k_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)(uintptr_t)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}

char *k_strrchr(const char *s, int c)
{
	const char *found = NULL;

	for (;; s++) {
		if (*s == (char)c) {
			found = s;
		}
		if (*s == '\0') {
			return (char *)(uintptr_t)found;
		}
	}
}

size_t k_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = k_strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		k_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool k_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool k_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = (char)k_tolower(c);
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 10;
	}
	return 99;
}

bool k_parse_u64(const char *s, size_t len, unsigned base, uint64_t *out)
{
	size_t i = 0;
	uint64_t value = 0;
	bool has_hex_prefix = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if (base == 0) {
		if (has_hex_prefix) {
			base = 16;
			i = 2;
		} else if (len > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
			base = 2;
			i = 2;
		} else {
			base = 10;
		}
	} else if (base == 16 && has_hex_prefix) {
		i = 2;
	} else if (base < 2 || base > 36) {
		return false;
	}
	if (i >= len) {
		return false;
	}
	for (; i < len; i++) {
		int d = digit_value(s[i]);
		if (d >= (int)base) {
			return false;
		}
		if (value > (UINT64_MAX - (uint64_t)d) / base) {
			return false;
		}
		value = value * base + (uint64_t)d;
	}
	*out = value;
	return true;
}

bool k_parse_size(const char *s, size_t len, uint64_t *out)
{
	static const char suffixes[] = "kmgt";
	unsigned shift = 0;
	uint64_t value;

	/* Strip an optional "B" or "iB" after the multiplier letter, then the letter itself. */
	if (len >= 3 && k_tolower(s[len - 1]) == 'b' && k_tolower(s[len - 2]) == 'i') {
		len -= 2;
		if (k_strchr(suffixes, k_tolower(s[len - 1])) == NULL) {
			return false;
		}
	} else if (len >= 2 && k_tolower(s[len - 1]) == 'b' &&
	           k_strchr(suffixes, k_tolower(s[len - 2])) != NULL &&
	           !(len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))) {
		len -= 1;
	}
	if (len >= 2 && !(s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))) {
		const char *pos = k_strchr(suffixes, k_tolower(s[len - 1]));
		if (pos != NULL && s[len - 1] != '\0') {
			shift = 10u * (unsigned)(pos - suffixes + 1);
			len--;
		}
	}
	if (!k_parse_u64(s, len, 0, &value)) {
		return false;
	}
	if (shift != 0 && value > (UINT64_MAX >> shift)) {
		return false;
	}
	*out = value << shift;
	return true;
}
