#include "hv/core/devices/uart.h"

#include "hv/base/spinlock.h"
#include "hv/core/console_port.h"
#include "hv/core/devices/irqchip.h"
#include "hv/core/partition.h"
#include "hv/vdev/vpl011.h"

_Static_assert(GUEST_UART_IPA >= GUEST_DEVICE_WINDOW_BASE &&
                   GUEST_UART_IPA + VPL011_FRAME_SIZE <= GUEST_DEVICE_WINDOW_END,
               "the vPL011 lies in the device window");

#define SPI_BASE 32u

struct guest_uart {
	struct partition *p;
	struct vpl011 uart;
	struct spinlock lock;
	/* Console input the vPL011's 16-byte FIFO could not take yet; fed in as the guest reads. */
	uint8_t rx_backlog[PARTITION_RX_BACKLOG];
	unsigned rx_head, rx_count;
	uint64_t rx_dropped;
};

static struct guest_uart uarts[PARTITION_MAX];

static void uart_putc(void *ctx, uint8_t c)
{
	struct guest_uart *u = ctx;
	console_port_guest_putc(u->p->id, (char)c);
}

static void uart_set_irq(void *ctx, bool level)
{
	struct guest_uart *u = ctx;
	partition_irq_set_level(u->p, SPI_BASE + GUEST_UART_SPI, level);
}

/* Moves waiting console input into the vPL011 FIFO as far as it has room. Call with the lock held. */
static void drain_rx_backlog(struct guest_uart *u)
{
	while (u->rx_count && vpl011_rx_push(&u->uart, u->rx_backlog[u->rx_head])) {
		u->rx_head = (u->rx_head + 1) % PARTITION_RX_BACKLOG;
		u->rx_count--;
	}
}

void guest_uart_input(struct partition *p, uint8_t c)
{
	struct guest_uart *u = &uarts[p->id];
	spin_lock(&u->lock);
	if (u->rx_count < PARTITION_RX_BACKLOG) {
		u->rx_backlog[(u->rx_head + u->rx_count) % PARTITION_RX_BACKLOG] = c;
		u->rx_count++;
	} else {
		u->rx_dropped++;
	}
	drain_rx_backlog(u);
	spin_unlock(&u->lock);
}

/* Linux's PL011 driver uses 16-bit accesses for the ARM-vendor PL011 (every register fits in 16 bits); the
 * model takes 32-bit accesses, so narrower ones to the low half of a register are widened here and the upper
 * half of a 32-bit register reads as zero and ignores writes (it is reserved on the PL011). */
static enum mmio_result access(void *ctx, const struct mmio_access *a, uint64_t *val)
{
	struct guest_uart *u = ctx;
	uint64_t off = a->offset;
	unsigned size = a->size;
	bool write = a->write;
	bool ok = true;
	spin_lock(&u->lock);
	if (size >= 4 || off == PL011_DR) {
		ok = write ? vpl011_mmio_write(&u->uart, off, size, *val)
		           : vpl011_mmio_read(&u->uart, off, size, val);
	} else if ((off & 3u) == 0) {
		uint64_t word = 0;
		ok = write ? vpl011_mmio_write(&u->uart, off, 4, *val)
		           : vpl011_mmio_read(&u->uart, off, 4, &word);
		if (!write)
			*val = word & ((1ull << (8u * size)) - 1u);
	} else if (!write) {
		*val = 0;
	}
	if (!write && off == PL011_DR)
		drain_rx_backlog(u); /* the guest made room in its FIFO */
	spin_unlock(&u->lock);
	return ok ? MMIO_HANDLED : MMIO_ABORT;
}

static void reset(void *ctx)
{
	struct guest_uart *u = ctx;
	struct vpl011_hooks hooks = {.ctx = u, .putc = uart_putc, .set_irq = uart_set_irq};
	vpl011_init(&u->uart, &hooks);
	u->rx_head = u->rx_count = 0;
}

static void describe(void *ctx, struct guest_dtb_desc *d)
{
	(void)ctx;
	d->has_uart = true;
	d->uart = (struct guest_dtb_mmio_dev){GUEST_UART_IPA, VPL011_FRAME_SIZE, GUEST_UART_SPI};
}

static const struct mmio_ops mmio = {.access = access};
static const struct device_ops device = {.reset = reset, .describe = describe};

bool uart_attach(struct partition *p)
{
	struct guest_uart *u = &uarts[p->id];
	u->p = p;
	spinlock_init(&u->lock, LOCK_CLASS_UART);
	reset(u);
	return mmio_bus_add(&p->bus, "vPL011", GUEST_UART_IPA, VPL011_FRAME_SIZE, &mmio, u) &&
	       partition_add_device(p, "vPL011", &device, u);
}
