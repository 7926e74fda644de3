/* The compiler may emit calls to memcpy/memset/memmove/memcmp for struct copies and initialisers even with
 * -ffreestanding; karasu-hv provides them on top of lib/mem. */
#include <stddef.h>

#include "lib/mem.h"

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
