/* Emulated ARM PL011 UART (PrimeCell UART r1p4 register map, ARM DDI 0183) for one guest.
 *
 * TX is immediate: every DR write calls hooks.putc. RX comes from the hypervisor console through
 * vpl011_rx_push into a 16-entry FIFO (the depth Linux assumes for this PeriphID). The interrupt output is a
 * level (RIS & IMSC != 0) reported through hooks.set_irq whenever it changes; its binding (hv/core/devices/uart.c) connects it to
 * vgic_set_level for the UART's SPI.
 *
 * Registers: DR, RSR/ECR, FR (TXFE, RXFE, RXFF; TXFF and BUSY are never set), ILPR, IBRD, FBRD, LCR_H, CR,
 * IFLS, IMSC, RIS, MIS, ICR, DMACR, PeriphID0-3 (0x00041011) and PCellID0-3 (0xB105F00D) so Linux's AMBA bus
 * matches the driver. Interrupts: RX (FIFO level >= the IFLS trigger, or any data with the FIFO disabled),
 * RT (receive timeout: data waiting; stays asserted while the FIFO is not empty), TX (set at reset and by
 * every DR write: the FIFO drains at once; cleared by ICR).
 *
 * Not thread-safe: the caller serializes (guest MMIO traps and console input for one guest).
 */
#ifndef KARASU_HV_VDEV_VPL011_H
#define KARASU_HV_VDEV_VPL011_H

#include <stdbool.h>
#include <stdint.h>

#define VPL011_FRAME_SIZE 0x1000u
#define VPL011_FIFO_DEPTH 16u

/* Register offsets. */
#define PL011_DR        0x000u
#define PL011_RSR_ECR   0x004u
#define PL011_FR        0x018u
#define PL011_ILPR      0x020u
#define PL011_IBRD      0x024u
#define PL011_FBRD      0x028u
#define PL011_LCR_H     0x02cu
#define PL011_CR        0x030u
#define PL011_IFLS      0x034u
#define PL011_IMSC      0x038u
#define PL011_RIS       0x03cu
#define PL011_MIS       0x040u
#define PL011_ICR       0x044u
#define PL011_DMACR     0x048u
#define PL011_PERIPHID0 0xfe0u
#define PL011_PCELLID0  0xff0u

/* FR bits. */
#define PL011_FR_BUSY (1u << 3)
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_RXFF (1u << 6)
#define PL011_FR_TXFE (1u << 7)

/* LCR_H / CR bits. */
#define PL011_LCRH_FEN  (1u << 4)
#define PL011_CR_UARTEN (1u << 0)
#define PL011_CR_TXE    (1u << 8)
#define PL011_CR_RXE    (1u << 9)

/* Interrupt bits (IMSC, RIS, MIS, ICR). */
#define PL011_INT_RX  (1u << 4)
#define PL011_INT_TX  (1u << 5)
#define PL011_INT_RT  (1u << 6)
#define PL011_INT_FE  (1u << 7)
#define PL011_INT_PE  (1u << 8)
#define PL011_INT_BE  (1u << 9)
#define PL011_INT_OE  (1u << 10)
#define PL011_INT_ALL 0x7ffu

/* IFLS: RXIFLSEL [5:3] (0: 1/8 .. 4: 7/8 full). */
#define PL011_IFLS_RX_SHIFT 3u
#define PL011_IFLS_RX_MASK  0x7u

#define PL011_PERIPH_ID 0x00041011u
#define PL011_PCELL_ID  0xb105f00du

struct vpl011_hooks {
	void *ctx;
	void (*putc)(void *ctx, uint8_t c);     /* one transmitted byte; required */
	void (*set_irq)(void *ctx, bool level); /* interrupt output changed; may be NULL */
};

struct vpl011 {
	struct vpl011_hooks hooks;
	uint8_t rx_fifo[VPL011_FIFO_DEPTH];
	unsigned rx_head, rx_count;
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr, ilpr;
	uint32_t ris_latched; /* TX and error bits; RX/RT are computed from the FIFO */
	bool irq_level;
	uint64_t rx_overruns; /* bytes refused because the FIFO was full (the console should retry) */
};

/* Whether the receive FIFO is empty: then no register read changes the model's state (a DR read returns 0). */
bool vpl011_rx_empty(const struct vpl011 *uart);

/* Reset state (CR = TXE|RXE, IFLS = 1/2, everything masked) and hooks. putc must not be NULL. */
void vpl011_init(struct vpl011 *uart, const struct vpl011_hooks *hooks);

/* MMIO within the 4 KiB frame: naturally aligned 1-, 2- and 4-byte accesses anywhere (Linux's driver uses
 * 16-bit accesses for the ARM PL011, earlycon may use 8-bit ones). A narrow access at the start of a register
 * reads/writes its low bytes; accesses to the upper bytes of a register word read as zero and ignore writes
 * (registers are at most 16 bits wide). Returns false for a misaligned access, size 8, or an offset beyond the
 * frame; unknown offsets read as zero and ignore writes. */
bool vpl011_mmio_read(struct vpl011 *uart, uint64_t offset, unsigned size, uint64_t *val);
bool vpl011_mmio_write(struct vpl011 *uart, uint64_t offset, unsigned size, uint64_t val);

/* Console input: appends c to the RX FIFO. Returns false if the FIFO is full (the byte is not taken: keep it
 * and retry after the guest read some). */
bool vpl011_rx_push(struct vpl011 *uart, uint8_t c);
/* Free RX FIFO entries. */
unsigned vpl011_rx_space(const struct vpl011 *uart);

#endif
