/* hvtest output: polled PL011 transmit at the address the guest DTB gives (karasu's vPL011). */
#include <stdarg.h>
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/fmt.h"

#define PL011_DR      0x00u
#define PL011_FR      0x18u
#define PL011_FR_TXFF (1u << 5)
#define TX_SPIN_LIMIT 100000u /* a stuck FIFO must not hang the test forever */

static volatile uint32_t *uart;

void out_init(uint64_t uart_base)
{
	uart = (volatile uint32_t *)(uintptr_t)uart_base;
}

static void tx(char c)
{
	unsigned spins = 0;
	while ((uart[PL011_FR / 4] & PL011_FR_TXFF) && spins < TX_SPIN_LIMIT)
		spins++;
	uart[PL011_DR / 4] = (uint8_t)c;
}

static void putc_cb(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		tx('\r');
	tx(c);
}

void out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	k_vformat(putc_cb, 0, fmt, ap);
	va_end(ap);
}
