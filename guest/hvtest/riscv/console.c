/* hvtest output on RISC-V: polled ns16550a transmit at the address the guest DTB gives ("ns16550a", register
 * n at base + (n << reg-shift), byte-wide registers). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define UART_THR      0u /* transmit holding register (write) */
#define UART_IER      1u
#define UART_LSR      5u
#define UART_LSR_THRE (1u << 5) /* the holding register can take a byte */
#define TX_SPIN_LIMIT 100000u   /* a stuck transmitter must not hang the test forever */

static volatile uint8_t *uart;

static volatile uint8_t *reg(unsigned n)
{
	return uart + ((uintptr_t)n << plat.uart_reg_shift);
}

void console_init(uint64_t uart_base)
{
	uart = (volatile uint8_t *)(uintptr_t)uart_base;
	*reg(UART_IER) = 0; /* polled: no interrupts */
}

void console_putc(char c)
{
	unsigned spins = 0;
	while (!(*reg(UART_LSR) & UART_LSR_THRE) && spins < TX_SPIN_LIMIT)
		spins++;
	*reg(UART_THR) = (uint8_t)c;
}
