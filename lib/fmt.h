/* printf-style formatting without libc.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%; flags '-' '0' '#' '+' ' '; width and precision (also '*');
 * length modifiers hh h l ll z j t. Precision on %s limits the bytes read; on integers it is the minimum
 * number of digits. %p prints 0x followed by the hexadecimal value. A NULL %s prints "(null)". Floating point
 * is not supported (lib/ is built with -mgeneral-regs-only): %f etc. print the conversion literally.
 */
#ifndef KARASU_LIB_FMT_H
#define KARASU_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives one output character. */
typedef void (*k_putc_fn)(void *ctx, char c);

/* Formats to a callback. Returns the number of characters emitted. */
int k_vformat(k_putc_fn putc, void *ctx, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int k_format(k_putc_fn putc, void *ctx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like C's snprintf: writes at most size-1 characters plus a NUL (when size > 0) and returns the length the
 * full output would have had (so a result >= size means truncation). buf may be NULL when size is 0. */
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int k_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
