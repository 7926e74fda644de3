/* An ns16550a UART as on QEMU's riscv `virt` board: eight 1-byte registers (reg-shift 0), a 16-byte
 * receive FIFO and a transmitter that sends each byte the moment THR is written (so THRE and TEMT are
 * always set). Register behaviour follows the PC16550D datasheet: interrupt identification in its
 * priority order, THRE interrupt rules, divisor latch access (DLAB), and the loopback mode that Linux's
 * 8250 driver uses to probe the chip.
 *
 * Pure model: not thread-safe (the bus serializes, see rv/system/mmio.h); the machine's console input
 * thread calls rv_uart16550_receive under the UART region's lock. */
#ifndef KARASU_RV_SYSTEM_DEV_UART16550_H
#define KARASU_RV_SYSTEM_DEV_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#include "rv/system/mmio.h"

/* Receive FIFO depth of a 16550 (FCR bit 0 set); with the FIFO disabled the chip holds one byte (16450
 * mode). */
#define RV_UART16550_FIFO_SIZE 16u

struct rv_uart16550_hooks {
	void *ctx;
	/* A byte leaves the transmitter (not called in loopback mode, where it comes back to the
	 * receiver). May be NULL: output is dropped. */
	void (*tx)(void *ctx, uint8_t byte);
	/* The receiver has room again after rv_uart16550_receive refused a byte (the guest read RBR or
	 * reset the FIFO), so an input thread waiting for room can be woken. Called once per refusal, from
	 * inside the guest's access. May be NULL. */
	void (*rx_space)(void *ctx);
};

struct rv_uart16550 {
	struct rv_uart16550_hooks hooks;
	struct rv_irq_line irq;
	/* Receiver: a ring of rx_count bytes starting at rx_head. */
	uint8_t rx_fifo[RV_UART16550_FIFO_SIZE];
	unsigned rx_head, rx_count;
	bool fifo_enabled;   /* FCR bit 0 */
	bool rx_refused;     /* a receive was refused since the last time room was reported */
	bool thre_pending;   /* the THRE interrupt's latch (see the datasheet's reset-control column) */
	uint8_t ier;         /* interrupt enable (low four bits) */
	uint8_t lcr;         /* line control (bit 7: DLAB) */
	uint8_t mcr;         /* modem control (low five bits) */
	uint8_t scr;         /* scratch */
	uint8_t dll, dlm;    /* divisor latch */
	uint8_t line_errors; /* LSR's OE/PE/FE/BI bits, cleared by reading LSR */
	uint8_t msr_deltas;  /* MSR's low four bits, cleared by reading MSR */
	uint8_t msr_lines;   /* MSR's high four bits: the modem inputs now */
	bool irq_level;      /* what the output line was last set to */
	uint64_t tx_bytes, rx_bytes, rx_dropped;
};

/* Resets the UART (registers as after a hardware reset) and installs its hooks and interrupt line. The
 * line is not driven until the level changes (it starts low). */
void rv_uart16550_init(struct rv_uart16550 *u, const struct rv_uart16550_hooks *hooks,
                       const struct rv_irq_line *irq);

/* A byte arrives on the serial input. Returns false (and keeps nothing) when the receiver is full: the
 * caller keeps the byte and retries after the rx_space hook. In loopback mode the serial input is
 * disconnected, as on the chip: the byte is dropped and true is returned. */
bool rv_uart16550_receive(struct rv_uart16550 *u, uint8_t byte);

/* MMIO: offsets 0..7 are the registers; accesses of 1, 2 or 4 bytes use the low byte (reads return the
 * register zero-extended); the rest of the region reads 0 and ignores writes; 8-byte accesses and
 * accesses past the region are errors. ctx is the struct rv_uart16550. */
extern const struct rv_mmio_ops rv_uart16550_mmio_ops;

#endif
