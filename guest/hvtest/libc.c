/* The compiler may emit calls to memcpy/memset (struct copies, zero-initialised locals) even in freestanding
 * code; hvtest provides them here, on top of lib/mem.h. */
#include <stddef.h>

#include "lib/mem.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);

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
