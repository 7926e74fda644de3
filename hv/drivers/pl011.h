/* The hypervisor's own PL011 UART (the platform's stdout-path): polled transmit, receive by polling or by
 * its RX interrupt. */
#ifndef KARASU_HV_DRIVERS_PL011_H
#define KARASU_HV_DRIVERS_PL011_H

#include <stdbool.h>
#include <stdint.h>

void pl011_init(uintptr_t base);
bool pl011_present(void);
void pl011_putc(char c);
/* A received byte (0..255), or -1 if none is waiting. */
int pl011_getc(void);
/* Turns the receive (and receive-timeout) interrupt on or off. */
void pl011_enable_rx_irq(bool on);

#endif
