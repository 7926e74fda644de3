/* PL011 UART (ARM DDI 0183): only the registers karasu needs. The firmware already configured the baud
 * rate; we leave it and only make sure the UART, TX and RX are enabled. */
#include "hv/drivers/pl011.h"

#define UARTDR        0x000u
#define UARTFR        0x018u
#define UARTLCR_H     0x02cu
#define UARTCR        0x030u
#define UARTIMSC      0x038u
#define UARTICR       0x044u
#define FR_RXFE       (1u << 4) /* receive FIFO empty */
#define FR_BUSY       (1u << 3) /* transmitting (the FIFO or the shift register holds data) */
#define FR_TXFF       (1u << 5) /* transmit FIFO full */
#define FR_TXFE       (1u << 7) /* transmit FIFO empty */
#define LCR_H_FEN     (1u << 4) /* FIFOs enabled (else each is one holding register) */
#define TX_FIFO_DEPTH 16u       /* the PL011's transmit FIFO (r1p5: 16 entries) */
#define CR_UARTEN     (1u << 0)
#define CR_TXE        (1u << 8)
#define CR_RXE        (1u << 9)
#define IMSC_RXIM     (1u << 4)
#define IMSC_RTIM     (1u << 6)
#define DR_ERROR_MASK 0xf00u

static volatile uint32_t *uart;
/* Bytes that may be written before the flag register has to be read again. A flag-register read per byte
 * doubled the register accesses of every line karasu prints, and under QEMU each access takes the emulator's
 * global lock, which the other vCPUs' threads wait for: seeing the FIFO empty once is room for a whole FIFO. */
static unsigned tx_room;

static inline uint32_t reg_read(unsigned off)
{
	return uart[off / 4];
}
static inline void reg_write(unsigned off, uint32_t v)
{
	uart[off / 4] = v;
}

void pl011_init(uintptr_t base)
{
	uart = (volatile uint32_t *)base;
	reg_write(UARTCR, reg_read(UARTCR) | CR_UARTEN | CR_TXE | CR_RXE);
	/* The FIFOs on (U-Boot turns them on; QEMU's -kernel leaves them off), for tx_room. The line control
	 * register may only change while nothing is being sent; rewriting it keeps the baud rate, which it
	 * latches again. */
	uint32_t lcr_h = reg_read(UARTLCR_H);
	if (!(lcr_h & LCR_H_FEN)) {
		while (reg_read(UARTFR) & FR_BUSY) {
		}
		reg_write(UARTLCR_H, lcr_h | LCR_H_FEN);
	}
}

bool pl011_present(void)
{
	return uart != 0;
}

void pl011_putc(char c)
{
	if (!uart)
		return;
	if (tx_room == 0) {
		uint32_t fr;
		while ((fr = reg_read(UARTFR)) & FR_TXFF) {
		}
		tx_room = (fr & FR_TXFE) ? TX_FIFO_DEPTH : 1u;
	}
	reg_write(UARTDR, (uint8_t)c);
	tx_room--;
}

int pl011_getc(void)
{
	if (!uart || (reg_read(UARTFR) & FR_RXFE))
		return -1;
	uint32_t dr = reg_read(UARTDR);
	if (dr & DR_ERROR_MASK)
		return -1;
	return (int)(dr & 0xffu);
}

void pl011_enable_rx_irq(bool on)
{
	if (!uart)
		return;
	uint32_t imsc = reg_read(UARTIMSC);
	imsc = on ? (imsc | IMSC_RXIM | IMSC_RTIM) : (imsc & ~(IMSC_RXIM | IMSC_RTIM));
	reg_write(UARTIMSC, imsc);
	reg_write(UARTICR, IMSC_RXIM | IMSC_RTIM);
}
