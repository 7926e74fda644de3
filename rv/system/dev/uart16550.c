/* ns16550a UART model (see uart16550.h). Register names and bits are the PC16550D datasheet's. */
#include "rv/system/dev/uart16550.h"

#include <string.h>

#include "rv/system/virt_map.h"

/* Register offsets (reg-shift 0). Offsets 0 and 1 are the divisor latch while LCR.DLAB is set. */
#define UART_RBR  0u /* read: receiver buffer */
#define UART_THR  0u /* write: transmitter holding register */
#define UART_DLL  0u /* DLAB: divisor latch, low byte */
#define UART_IER  1u
#define UART_DLM  1u /* DLAB: divisor latch, high byte */
#define UART_IIR  2u /* read: interrupt identification */
#define UART_FCR  2u /* write: FIFO control */
#define UART_LCR  3u
#define UART_MCR  4u
#define UART_LSR  5u
#define UART_MSR  6u
#define UART_SCR  7u
#define UART_REGS 8u

#define UART_IER_ERBFI 0x01u /* received data available */
#define UART_IER_ETBEI 0x02u /* transmitter holding register empty */
#define UART_IER_ELSI  0x04u /* receiver line status */
#define UART_IER_EDSSI 0x08u /* modem status */
#define UART_IER_MASK  0x0fu

/* IIR: bit 0 clear when an interrupt is pending; bits 3:1 identify the highest-priority one. */
#define UART_IIR_NO_INT   0x01u
#define UART_IIR_ID_MSR   0x00u
#define UART_IIR_ID_THRE  0x02u
#define UART_IIR_ID_RDA   0x04u
#define UART_IIR_ID_RLS   0x06u
#define UART_IIR_FIFOS_ON 0xc0u /* bits 7:6 when FCR bit 0 is set */

#define UART_FCR_ENABLE   0x01u
#define UART_FCR_RX_RESET 0x02u
#define UART_FCR_TX_RESET 0x04u

#define UART_LCR_DLAB 0x80u

#define UART_MCR_DTR  0x01u
#define UART_MCR_RTS  0x02u
#define UART_MCR_OUT1 0x04u
#define UART_MCR_OUT2 0x08u
#define UART_MCR_LOOP 0x10u
#define UART_MCR_MASK 0x1fu

#define UART_LSR_DR     0x01u
#define UART_LSR_OE     0x02u
#define UART_LSR_PE     0x04u
#define UART_LSR_FE     0x08u
#define UART_LSR_BI     0x10u
#define UART_LSR_THRE   0x20u
#define UART_LSR_TEMT   0x40u
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS   0x01u
#define UART_MSR_DDSR   0x02u
#define UART_MSR_TERI   0x04u
#define UART_MSR_DDCD   0x08u
#define UART_MSR_CTS    0x10u
#define UART_MSR_DSR    0x20u
#define UART_MSR_RI     0x40u
#define UART_MSR_DCD    0x80u
#define UART_MSR_DELTAS 0x0fu

/* Outside loopback the modem inputs are those of a terminal that is always there and ready: carrier,
 * data set ready and clear to send asserted, no ring (what QEMU's UART shows without a real port). */
#define UART_MSR_EXTERNAL (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

/* ---- receiver ---- */

static unsigned rx_capacity(const struct rv_uart16550 *u)
{
	return u->fifo_enabled ? RV_UART16550_FIFO_SIZE : 1u;
}

static void rx_push(struct rv_uart16550 *u, uint8_t byte)
{
	u->rx_fifo[(u->rx_head + u->rx_count) % RV_UART16550_FIFO_SIZE] = byte;
	u->rx_count++;
}

/* Tells a waiting input thread that there is room again, once per refused byte. */
static void rx_room_freed(struct rv_uart16550 *u)
{
	if (!u->rx_refused || u->rx_count >= rx_capacity(u))
		return;
	u->rx_refused = false;
	if (u->hooks.rx_space)
		u->hooks.rx_space(u->hooks.ctx);
}

static void rx_clear(struct rv_uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	rx_room_freed(u);
}

/* ---- interrupts ---- */

/* The IIR identification of the highest-priority pending interrupt, in the datasheet's order: receiver
 * line status, received data available, THR empty, modem status. */
static uint8_t interrupt_id(const struct rv_uart16550 *u)
{
	if ((u->ier & UART_IER_ELSI) && (u->line_errors & UART_LSR_ERRORS))
		return UART_IIR_ID_RLS;
	if ((u->ier & UART_IER_ERBFI) && u->rx_count > 0)
		return UART_IIR_ID_RDA;
	if ((u->ier & UART_IER_ETBEI) && u->thre_pending)
		return UART_IIR_ID_THRE;
	if ((u->ier & UART_IER_EDSSI) && (u->msr_deltas & UART_MSR_DELTAS))
		return UART_IIR_ID_MSR;
	return UART_IIR_NO_INT;
}

static void update_irq(struct rv_uart16550 *u)
{
	bool level = interrupt_id(u) != UART_IIR_NO_INT;
	if (level == u->irq_level)
		return;
	u->irq_level = level;
	rv_irq_line_set(&u->irq, level);
}

/* ---- modem lines ---- */

/* The modem inputs: in loopback, MCR's outputs wired back (RTS to CTS, DTR to DSR, OUT1 to RI, OUT2 to
 * DCD); otherwise the external terminal's. */
static uint8_t modem_inputs(const struct rv_uart16550 *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_EXTERNAL;
	uint8_t m = 0;
	if (u->mcr & UART_MCR_RTS)
		m |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		m |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		m |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		m |= UART_MSR_DCD;
	return m;
}

/* Records the delta bits for a change of the modem inputs: CTS, DSR and DCD on any change, RI on its
 * trailing edge only (RI going from on to off). */
static void modem_inputs_changed(struct rv_uart16550 *u)
{
	uint8_t now = modem_inputs(u), was = u->msr_lines, changed = now ^ was;
	if (changed & UART_MSR_CTS)
		u->msr_deltas |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		u->msr_deltas |= UART_MSR_DDSR;
	if ((was & UART_MSR_RI) && !(now & UART_MSR_RI))
		u->msr_deltas |= UART_MSR_TERI;
	if (changed & UART_MSR_DCD)
		u->msr_deltas |= UART_MSR_DDCD;
	u->msr_lines = now;
}

/* ---- public ---- */

void rv_uart16550_init(struct rv_uart16550 *u, const struct rv_uart16550_hooks *hooks,
                       const struct rv_irq_line *irq)
{
	memset(u, 0, sizeof(*u));
	if (hooks)
		u->hooks = *hooks;
	if (irq)
		u->irq = *irq;
	u->msr_lines = modem_inputs(u);
}

bool rv_uart16550_receive(struct rv_uart16550 *u, uint8_t byte)
{
	if (u->mcr & UART_MCR_LOOP) {
		u->rx_dropped++;
		return true;
	}
	if (u->rx_count >= rx_capacity(u)) {
		u->rx_refused = true;
		return false;
	}
	rx_push(u, byte);
	u->rx_bytes++;
	update_irq(u);
	return true;
}

/* ---- registers ---- */

static uint8_t read_rbr(struct rv_uart16550 *u)
{
	if (u->rx_count == 0)
		return 0;
	uint8_t byte = u->rx_fifo[u->rx_head];
	u->rx_head = (u->rx_head + 1) % RV_UART16550_FIFO_SIZE;
	u->rx_count--;
	rx_room_freed(u);
	return byte;
}

static uint8_t read_iir(struct rv_uart16550 *u)
{
	uint8_t id = interrupt_id(u);
	/* Reading IIR while THRE is the reported source is one of the two ways to clear it. */
	if (id == UART_IIR_ID_THRE)
		u->thre_pending = false;
	return id | (u->fifo_enabled ? UART_IIR_FIFOS_ON : 0);
}

static uint8_t read_lsr(struct rv_uart16550 *u)
{
	/* Transmission is instantaneous: THR and the shift register are always empty. */
	uint8_t v = UART_LSR_THRE | UART_LSR_TEMT | u->line_errors;
	if (u->rx_count > 0)
		v |= UART_LSR_DR;
	u->line_errors = 0;
	return v;
}

static uint8_t read_msr(struct rv_uart16550 *u)
{
	uint8_t v = u->msr_lines | u->msr_deltas;
	u->msr_deltas = 0;
	return v;
}

static uint8_t read_register(struct rv_uart16550 *u, unsigned reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v = 0;
	switch (reg) {
	case UART_RBR: v = dlab ? u->dll : read_rbr(u); break;
	case UART_IER: v = dlab ? u->dlm : u->ier; break;
	case UART_IIR: v = read_iir(u); break;
	case UART_LCR: v = u->lcr; break;
	case UART_MCR: v = u->mcr; break;
	case UART_LSR: v = read_lsr(u); break;
	case UART_MSR: v = read_msr(u); break;
	case UART_SCR: v = u->scr; break;
	}
	update_irq(u);
	return v;
}

static void write_thr(struct rv_uart16550 *u, uint8_t byte)
{
	if (u->mcr & UART_MCR_LOOP) {
		if (u->rx_count < rx_capacity(u)) {
			rx_push(u, byte);
		} else if (!u->fifo_enabled) {
			/* 16450 mode: the new byte overwrites the unread one. */
			u->rx_fifo[u->rx_head] = byte;
			u->line_errors |= UART_LSR_OE;
		} else {
			/* FIFO mode: the FIFO keeps its bytes, the new one is lost. */
			u->line_errors |= UART_LSR_OE;
		}
	} else {
		if (u->hooks.tx)
			u->hooks.tx(u->hooks.ctx, byte);
		u->tx_bytes++;
	}
	/* Writing THR clears a pending THRE interrupt, but the byte leaves at once, so THR is empty again
	 * and the interrupt is pending anew, as on the chip once a byte moves on to the shift register. */
	u->thre_pending = true;
}

static void write_ier(struct rv_uart16550 *u, uint8_t v)
{
	uint8_t old = u->ier;
	u->ier = v & UART_IER_MASK;
	/* Enabling ETBEI while THR is empty (it always is) raises the THRE interrupt. */
	if (!(old & UART_IER_ETBEI) && (u->ier & UART_IER_ETBEI))
		u->thre_pending = true;
}

static void write_fcr(struct rv_uart16550 *u, uint8_t v)
{
	bool enable = v & UART_FCR_ENABLE;
	/* Switching the FIFOs on or off empties them; the reset bits act only while FIFOs are enabled.
	 * The transmitter has nothing queued, so its reset has nothing to do. */
	if (enable != u->fifo_enabled) {
		u->fifo_enabled = enable;
		rx_clear(u);
	} else if (enable && (v & UART_FCR_RX_RESET)) {
		rx_clear(u);
	}
}

static void write_mcr(struct rv_uart16550 *u, uint8_t v)
{
	u->mcr = v & UART_MCR_MASK;
	modem_inputs_changed(u);
}

static void write_register(struct rv_uart16550 *u, unsigned reg, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	switch (reg) {
	case UART_THR:
		if (dlab)
			u->dll = v;
		else
			write_thr(u, v);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = v;
		else
			write_ier(u, v);
		break;
	case UART_FCR: write_fcr(u, v); break;
	case UART_LCR: u->lcr = v; break;
	case UART_MCR: write_mcr(u, v); break;
	case UART_LSR: break; /* LSR and MSR are read-only (writing them is a factory test mode) */
	case UART_MSR: break;
	case UART_SCR: u->scr = v; break;
	}
	update_irq(u);
}

static bool access_ok(uint64_t offset, unsigned size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	return offset < RV_VIRT_UART0_SIZE && size <= RV_VIRT_UART0_SIZE - offset;
}

static enum rv_mmio_result uart_read(void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	*value = offset < UART_REGS ? read_register(ctx, (unsigned)offset) : 0;
	return RV_MMIO_OK;
}

static enum rv_mmio_result uart_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	if (offset < UART_REGS)
		write_register(ctx, (unsigned)offset, (uint8_t)value);
	return RV_MMIO_OK;
}

const struct rv_mmio_ops rv_uart16550_mmio_ops = {
    .read = uart_read,
    .write = uart_write,
};
