/* memcpy, memmove, memset and memcmp for freestanding images (karasu-hv, the hvtest guest): the compiler
 * emits calls to them for struct copies and initialisers even with -ffreestanding. They forward to lib/mem.
 * Host builds get these from the C library, so there this file defines nothing. */
#include <stddef.h>

#include "lib/mem.h"

#ifdef KARASU_FREESTANDING
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	return k_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return k_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return k_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return k_memcmp(a, b, n);
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int karasu_compiler_shims_host_unused;
#endif
