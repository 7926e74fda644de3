/* hvtest output on arm64: polled PL011 transmit at the address the guest DTB gives (karasu's vPL011). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define PL011_DR      0x00u
#define PL011_FR      0x18u
#define PL011_FR_TXFF (1u << 5)
#define TX_SPIN_LIMIT 100000u /* a stuck FIFO must not hang the test forever */

static volatile uint32_t *uart;

void console_init(uint64_t uart_base)
{
	uart = (volatile uint32_t *)(uintptr_t)uart_base;
}

void console_putc(char c)
{
	unsigned spins = 0;
	while ((uart[PL011_FR / 4] & PL011_FR_TXFF) && spins < TX_SPIN_LIMIT)
		spins++;
	uart[PL011_DR / 4] = (uint8_t)c;
}
