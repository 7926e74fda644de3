/* Freestanding memory and string functions shared by karasu-hv and karasu-rv.
 *
 * Every name is k_-prefixed so lib/ never collides with a libc on the host; the semantics follow the C
 * library functions of the same name unless stated otherwise. Also: byte-wise endian loads/stores (safe on
 * unaligned data with -mstrict-align and with alignment checks on) and number parsing helpers.
 */
#ifndef KARASU_LIB_MEM_H
#define KARASU_LIB_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *k_memcpy(void *dst, const void *src, size_t n);
void *k_memmove(void *dst, const void *src, size_t n);
void *k_memset(void *dst, int c, size_t n);
int k_memcmp(const void *a, const void *b, size_t n);
void *k_memchr(const void *s, int c, size_t n);

size_t k_strlen(const char *s);
size_t k_strnlen(const char *s, size_t max);
int k_strcmp(const char *a, const char *b);
int k_strncmp(const char *a, const char *b, size_t n);
/* ASCII-only case folding (FAT names, config keys). */
int k_tolower(int c);
int k_toupper(int c);
int k_strcasecmp(const char *a, const char *b);
int k_strncasecmp(const char *a, const char *b, size_t n);
char *k_strchr(const char *s, int c);
char *k_strrchr(const char *s, int c);
/* Copies at most size-1 bytes and always NUL-terminates (when size > 0). Returns k_strlen(src): a result
 * >= size means the copy was truncated. */
size_t k_strlcpy(char *dst, const char *src, size_t size);
bool k_isspace(int c);
bool k_isdigit(int c);

/* Parses the unsigned number in s[0..len) (the whole span must be the number: no sign, no spaces).
 * base 0 = automatic: "0x"/"0X" prefix hexadecimal, "0b" binary, otherwise decimal; base 10 or 16 forces
 * that base (a "0x" prefix is still accepted for 16). Returns false on an empty span, a bad digit or
 * overflow; *out is written only on success. */
bool k_parse_u64(const char *s, size_t len, unsigned base, uint64_t *out);
/* Like k_parse_u64 (base 0) but also accepts one binary size suffix: K, M, G, T (optionally followed by
 * "iB" or "B", case-insensitive), e.g. "512M", "2GiB", "0x1000". A hexadecimal number takes no suffix.
 * Returns false on a malformed number or overflow. */
bool k_parse_size(const char *s, size_t len, uint64_t *out);

/* Endian helpers: byte-wise, so they are safe on any alignment. */
static inline uint16_t k_load_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | (b[1] << 8));
}

static inline uint32_t k_load_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

static inline uint64_t k_load_le64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)k_load_le32(b) | ((uint64_t)k_load_le32(b + 4) << 32);
}

static inline uint32_t k_load_be32(const void *p)
{
	const uint8_t *b = p;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

static inline uint64_t k_load_be64(const void *p)
{
	const uint8_t *b = p;
	return ((uint64_t)k_load_be32(b) << 32) | (uint64_t)k_load_be32(b + 4);
}

static inline void k_store_le16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void k_store_le32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void k_store_be32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static inline void k_store_be64(void *p, uint64_t v)
{
	k_store_be32(p, (uint32_t)(v >> 32));
	k_store_be32((uint8_t *)p + 4, (uint32_t)v);
}

#endif
