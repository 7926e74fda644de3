/* Emulated PL011 UART (see vpl011.h). */
#include "hv/vdev/vpl011.h"

#include "lib/mem.h"

#define DR_DATA_MASK 0xffu
#define FR_RESET     (PL011_FR_RXFE | PL011_FR_TXFE)
#define CR_RESET     (PL011_CR_TXE | PL011_CR_RXE)
#define IFLS_RESET   0x12u /* RX and TX trigger at 1/2 */
#define IBRD_MASK    0xffffu
#define FBRD_MASK    0x3fu
#define LCRH_MASK    0xffu
#define CR_MASK      0xff87u
#define IFLS_MASK    0x3fu
#define DMACR_MASK   0x7u
#define ILPR_MASK    0xffu
#define ERROR_INTS   (PL011_INT_FE | PL011_INT_PE | PL011_INT_BE | PL011_INT_OE)

static unsigned fifo_depth(const struct vpl011 *u)
{
	/* With the FIFOs disabled the UART holds one character. */
	return (u->lcr_h & PL011_LCRH_FEN) ? VPL011_FIFO_DEPTH : 1u;
}

/* RX trigger level in characters for IFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO. */
static unsigned rx_trigger(const struct vpl011 *u)
{
	static const unsigned eighths[8] = {1, 2, 4, 6, 7, 7, 7, 7};
	if (!(u->lcr_h & PL011_LCRH_FEN))
		return 1;
	unsigned sel = (u->ifls >> PL011_IFLS_RX_SHIFT) & PL011_IFLS_RX_MASK;
	return VPL011_FIFO_DEPTH * eighths[sel] / 8u;
}

static uint32_t raw_status(const struct vpl011 *u)
{
	uint32_t ris = u->ris_latched;
	if (u->rx_count >= rx_trigger(u))
		ris |= PL011_INT_RX;
	if (u->rx_count > 0)
		ris |= PL011_INT_RT;
	return ris;
}

static void update_irq(struct vpl011 *u)
{
	bool level = (raw_status(u) & u->imsc) != 0;
	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->hooks.set_irq)
			u->hooks.set_irq(u->hooks.ctx, level);
	}
}

void vpl011_init(struct vpl011 *uart, const struct vpl011_hooks *hooks)
{
	k_memset(uart, 0, sizeof(*uart));
	uart->hooks = *hooks;
	uart->cr = CR_RESET;
	uart->ifls = IFLS_RESET;
	/* The transmit FIFO is empty: TX is raised from the start (masked until the driver enables it). */
	uart->ris_latched = PL011_INT_TX;
}

static uint8_t rx_pop(struct vpl011 *u)
{
	if (u->rx_count == 0)
		return 0;
	uint8_t c = u->rx_fifo[u->rx_head];
	u->rx_head = (u->rx_head + 1u) % VPL011_FIFO_DEPTH;
	u->rx_count--;
	return c;
}

bool vpl011_rx_push(struct vpl011 *uart, uint8_t c)
{
	if (uart->rx_count >= fifo_depth(uart)) {
		uart->rx_overruns++;
		return false;
	}
	uart->rx_fifo[(uart->rx_head + uart->rx_count) % VPL011_FIFO_DEPTH] = c;
	uart->rx_count++;
	update_irq(uart);
	return true;
}

unsigned vpl011_rx_space(const struct vpl011 *uart)
{
	unsigned depth = fifo_depth(uart);
	return uart->rx_count >= depth ? 0 : depth - uart->rx_count;
}

static bool access_ok(uint64_t offset, unsigned size)
{
	return offset < VPL011_FRAME_SIZE && (size == 1 || size == 2 || size == 4) &&
	       (offset & (size - 1)) == 0;
}

/* Every PL011 register fits in the low 16 bits of its word; Linux's driver uses 16-bit accesses for the
 * ARM-vendor PL011, earlycon may use 8-bit ones. Accesses to the upper bytes of a word read as zero and ignore
 * writes, without side effects (a DR pop happens only through its low byte). */
static bool narrow_upper(uint64_t offset)
{
	return (offset & 3u) != 0;
}

static uint64_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffull : (1ull << (8u * size)) - 1u;
}

static uint32_t id_byte(uint64_t offset)
{
	uint32_t id = offset >= PL011_PCELLID0 ? PL011_PCELL_ID : PL011_PERIPH_ID;
	uint64_t base = offset >= PL011_PCELLID0 ? PL011_PCELLID0 : PL011_PERIPHID0;
	return (id >> (8u * (unsigned)((offset - base) / 4u))) & 0xffu;
}

bool vpl011_mmio_read(struct vpl011 *uart, uint64_t offset, unsigned size, uint64_t *val)
{
	if (!access_ok(offset, size))
		return false;
	if (narrow_upper(offset)) {
		*val = 0;
		return true;
	}
	uint32_t v = 0;
	switch (offset) {
	case PL011_DR:
		v = rx_pop(uart);
		update_irq(uart);
		break;
	case PL011_RSR_ECR: v = 0; break; /* no framing/parity/break/overrun errors on a virtual line */
	case PL011_FR:
		v = PL011_FR_TXFE;
		if (uart->rx_count == 0)
			v |= PL011_FR_RXFE;
		if (uart->rx_count >= fifo_depth(uart))
			v |= PL011_FR_RXFF;
		break;
	case PL011_ILPR: v = uart->ilpr; break;
	case PL011_IBRD: v = uart->ibrd; break;
	case PL011_FBRD: v = uart->fbrd; break;
	case PL011_LCR_H: v = uart->lcr_h; break;
	case PL011_CR: v = uart->cr; break;
	case PL011_IFLS: v = uart->ifls; break;
	case PL011_IMSC: v = uart->imsc; break;
	case PL011_RIS: v = raw_status(uart); break;
	case PL011_MIS: v = raw_status(uart) & uart->imsc; break;
	case PL011_DMACR: v = uart->dmacr; break;
	default:
		if (offset >= PL011_PERIPHID0 && offset < VPL011_FRAME_SIZE)
			v = id_byte(offset);
		break; /* ICR is write-only; reserved offsets read as zero */
	}
	*val = v & size_mask(size);
	return true;
}

bool vpl011_mmio_write(struct vpl011 *uart, uint64_t offset, unsigned size, uint64_t val)
{
	if (!access_ok(offset, size))
		return false;
	if (narrow_upper(offset))
		return true;
	uint32_t v = (uint32_t)(val & size_mask(size));
	switch (offset) {
	case PL011_DR:
		uart->hooks.putc(uart->hooks.ctx, (uint8_t)(v & DR_DATA_MASK));
		/* The byte leaves at once, so the TX FIFO is at/below its trigger level again. */
		uart->ris_latched |= PL011_INT_TX;
		break;
	case PL011_RSR_ECR: break; /* clears the (always clear) error flags */
	case PL011_ILPR: uart->ilpr = v & ILPR_MASK; break;
	case PL011_IBRD: uart->ibrd = v & IBRD_MASK; break;
	case PL011_FBRD: uart->fbrd = v & FBRD_MASK; break;
	case PL011_LCR_H:
		/* Changing FEN flushes nothing on hardware that matters to Linux; a shrinking depth keeps what is
		 * already received (rx_push refuses more until it drains). */
		uart->lcr_h = v & LCRH_MASK;
		break;
	case PL011_CR: uart->cr = v & CR_MASK; break;
	case PL011_IFLS: uart->ifls = v & IFLS_MASK; break;
	case PL011_IMSC: uart->imsc = v & PL011_INT_ALL; break;
	case PL011_ICR:
		/* RX and RT follow the FIFO contents (they re-assert while data waits); TX and errors latch. */
		uart->ris_latched &= ~(v & (PL011_INT_TX | ERROR_INTS));
		break;
	case PL011_DMACR: uart->dmacr = v & DMACR_MASK; break;
	default: break; /* read-only and reserved registers ignore writes */
	}
	update_irq(uart);
	return true;
}

bool vpl011_rx_empty(const struct vpl011 *uart)
{
	return uart->rx_count == 0;
}
