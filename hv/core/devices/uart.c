/* The guest's vPL011 (hv/vdev/vpl011.h) on its bus, fed by the console.
 *
 * Reads without exits: Linux polls the flag register before and after every byte it prints (the boot console
 * three accesses per byte, the serial console two), and each trapped access costs an exit. While the model's
 * receive FIFO is empty its register reads have no side effects, so karasu keeps a page holding what each
 * register reads as and maps it read-only at the UART's IPA: reads then come from that page, and only writes
 * (the data register, the control registers) fault to karasu, which refreshes the page after each. When
 * console input arrives, the page is unmapped first (reads trap again, so DR reads pop the FIFO) and mapped
 * again once the guest has read the FIFO empty. */
#include "hv/core/devices/uart.h"

#include "hv/arch/arm64/dcache.h"
#include "hv/base/log.h"
#include "hv/base/spinlock.h"
#include "hv/core/console_port.h"
#include "hv/core/devices/irqchip.h"
#include "hv/core/guest_mem.h"
#include "hv/core/memory.h"
#include "hv/core/partition.h"
#include "hv/vdev/vpl011.h"
#include "lib/mem.h"

_Static_assert(GUEST_UART_IPA >= GUEST_DEVICE_WINDOW_BASE &&
                   GUEST_UART_IPA + VPL011_FRAME_SIZE <= GUEST_DEVICE_WINDOW_END,
               "the vPL011 lies in the device window");

#define SPI_BASE 32u

/* The registers whose values the read-only page holds (every readable one but DR, which reads 0 while the FIFO
 * is empty; the rest of the page is zero, like the model's reserved offsets). */
static const uint16_t shadowed_regs[] = {
    PL011_RSR_ECR, PL011_FR,   PL011_ILPR, PL011_IBRD, PL011_FBRD, PL011_LCR_H,
    PL011_CR,      PL011_IFLS, PL011_IMSC, PL011_RIS,  PL011_MIS,  PL011_DMACR,
};
#define PERIPH_ID_WORDS 4u /* PeriphID0-3, then PCellID0-3 */
#define SHADOW_BYTES    VPL011_FRAME_SIZE

struct guest_uart {
	struct partition *p;
	struct vpl011 uart;
	struct spinlock lock;
	/* Console input the vPL011's 16-byte FIFO could not take yet; fed in as the guest reads. */
	uint8_t rx_backlog[PARTITION_RX_BACKLOG];
	unsigned rx_head, rx_count;
	uint64_t rx_dropped;
	/* The read-only register page (NULL: none could be allocated; every access then traps). */
	volatile uint32_t *shadow;
	bool shadow_mapped;
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

/* Brings the register page up to date with the model. Call with the lock held. Each word is one aligned store,
 * so a guest reading meanwhile sees the old or the new value of a register, never a mix. Most accesses (a byte
 * written to DR) change no readable register: then nothing is stored and no cache line needs cleaning. */
static void shadow_store(struct guest_uart *u, uint32_t offset, uint32_t value, uint32_t *lo, uint32_t *hi)
{
	if (u->shadow[offset / 4] == value)
		return;
	u->shadow[offset / 4] = value;
	*lo = offset < *lo ? offset : *lo;
	*hi = offset + 4 > *hi ? offset + 4 : *hi;
}

static void shadow_refresh(struct guest_uart *u)
{
	uint32_t lo = SHADOW_BYTES, hi = 0;
	for (unsigned i = 0; i < sizeof(shadowed_regs) / sizeof(shadowed_regs[0]); i++) {
		uint64_t v = 0;
		vpl011_mmio_read(&u->uart, shadowed_regs[i], 4, &v);
		shadow_store(u, shadowed_regs[i], (uint32_t)v, &lo, &hi);
	}
	for (unsigned i = 0; i < 2 * PERIPH_ID_WORDS; i++) {
		uint64_t v = 0;
		vpl011_mmio_read(&u->uart, PL011_PERIPHID0 + 4 * i, 4, &v);
		shadow_store(u, PL011_PERIPHID0 + 4 * i, (uint32_t)v, &lo, &hi);
	}
	/* The guest reads the page as Device memory (not through the cache karasu wrote it with). */
	if (lo < hi)
		dcache_clean_range((const uint8_t *)u->shadow + lo, hi - lo);
}

/* After every access and every input: the page is mapped exactly when reads have no side effects (the model's
 * FIFO is empty), and then holds the current values. Call with the lock held. */
static void shadow_update(struct guest_uart *u)
{
	if (!u->shadow)
		return;
	bool quiet = vpl011_rx_empty(&u->uart);
	if (quiet) {
		shadow_refresh(u);
		if (!u->shadow_mapped)
			u->shadow_mapped =
			    guest_mem_map_readonly_page(u->p, GUEST_UART_IPA, (void *)u->shadow);
	} else if (u->shadow_mapped) {
		guest_mem_unmap(u->p, GUEST_UART_IPA, VPL011_FRAME_SIZE);
		u->shadow_mapped = false;
	}
}

void guest_uart_input(struct partition *p, uint8_t c)
{
	struct guest_uart *u = &uarts[p->id];
	spin_lock(&u->lock);
	/* Reads must trap before the data (and its interrupt) reaches the model: unmap first. */
	if (u->shadow && u->shadow_mapped) {
		guest_mem_unmap(u->p, GUEST_UART_IPA, VPL011_FRAME_SIZE);
		u->shadow_mapped = false;
	}
	if (u->rx_count < PARTITION_RX_BACKLOG) {
		u->rx_backlog[(u->rx_head + u->rx_count) % PARTITION_RX_BACKLOG] = c;
		u->rx_count++;
	} else {
		u->rx_dropped++;
	}
	drain_rx_backlog(u);
	shadow_update(u);
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
	shadow_update(u);
	spin_unlock(&u->lock);
	return ok ? MMIO_HANDLED : MMIO_ABORT;
}

static void reset(void *ctx)
{
	struct guest_uart *u = ctx;
	struct vpl011_hooks hooks = {.ctx = u, .putc = uart_putc, .set_irq = uart_set_irq};
	vpl011_init(&u->uart, &hooks);
	u->rx_head = u->rx_count = 0;
	spin_lock(&u->lock);
	shadow_update(u);
	spin_unlock(&u->lock);
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
	u->shadow_mapped = false;
	u->shadow = memory_alloc_pages(SHADOW_BYTES / 4096u, 1);
	if (u->shadow)
		k_memset((void *)u->shadow, 0, SHADOW_BYTES);
	else
		hv_log("%s: no page for the vPL011's register values: every UART access exits", p->name);
	reset(u);
	return mmio_bus_add(&p->bus, "vPL011", GUEST_UART_IPA, VPL011_FRAME_SIZE, &mmio, u) &&
	       partition_add_device(p, "vPL011", &device, u);
}
