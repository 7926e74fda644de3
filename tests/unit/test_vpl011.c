/* Unit tests for hv/vdev/vpl011.c. Offsets and bits are the PL011 TRM's, written out literally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/vpl011.h"

static char out[256];
static unsigned nout;
static bool irq;
static unsigned irq_changes;

static void h_putc(void *ctx, uint8_t c)
{
	(void)ctx;
	if (nout < sizeof(out) - 1)
		out[nout++] = (char)c;
}

static void h_irq(void *ctx, bool level)
{
	(void)ctx;
	irq = level;
	irq_changes++;
}

static struct vpl011 u;

static void setup(void)
{
	memset(out, 0, sizeof(out));
	nout = 0;
	irq = false;
	irq_changes = 0;
	struct vpl011_hooks hooks = {NULL, h_putc, h_irq};
	vpl011_init(&u, &hooks);
}

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeef;
	assert_true(vpl011_mmio_read(&u, off, 4, &v));
	return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
	assert_true(vpl011_mmio_write(&u, off, 4, v));
}

static void test_ids_and_reset(void **state)
{
	(void)state;
	setup();
	/* PeriphID0..3 = 0x11 0x10 0x04 0x00, PCellID0..3 = 0x0d 0xf0 0x05 0xb1. */
	const uint32_t periph[4] = {0x11, 0x10, 0x04, 0x00};
	const uint32_t pcell[4] = {0x0d, 0xf0, 0x05, 0xb1};
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(rd(0xfe0 + 4 * i), periph[i]);
		assert_int_equal(rd(0xff0 + 4 * i), pcell[i]);
	}
	/* FR after reset: TXFE (bit 7) and RXFE (bit 4). */
	assert_int_equal(rd(0x018), 0x90);
	assert_int_equal(rd(0x030), 0x300); /* CR: TXE | RXE */
	assert_int_equal(rd(0x034), 0x12);  /* IFLS: 1/2, 1/2 */
	assert_int_equal(rd(0x038), 0);     /* all masked */
	assert_int_equal(rd(0x040), 0);
	assert_false(irq);
	/* Registers hold what is written (within their widths). */
	wr(0x024, 0x1234ffff);
	assert_int_equal(rd(0x024), 0xffff);
	wr(0x028, 0xff);
	assert_int_equal(rd(0x028), 0x3f);
	wr(0x02c, 0x70);
	assert_int_equal(rd(0x02c), 0x70);
	wr(0x030, 0x301);
	assert_int_equal(rd(0x030), 0x301);
	/* Bad accesses. */
	uint64_t v;
	assert_false(vpl011_mmio_read(&u, 0x1000, 4, &v));
	assert_false(vpl011_mmio_read(&u, 0x002, 4, &v));
	assert_false(vpl011_mmio_read(&u, 0x000, 8, &v));
	assert_false(vpl011_mmio_read(&u, 0x019, 2, &v)); /* misaligned half */
	/* 16-bit accesses (Linux's ARM PL011 accessors) and bytes: low half works, upper half is RAZ/WI. */
	assert_true(vpl011_mmio_write(&u, 0x024, 2, 0x12345));
	assert_int_equal(rd(0x024), 0x2345);
	assert_true(vpl011_mmio_read(&u, 0x024, 2, &v));
	assert_int_equal(v, 0x2345);
	assert_true(vpl011_mmio_read(&u, 0x024, 1, &v));
	assert_int_equal(v, 0x45);
	assert_true(vpl011_mmio_write(&u, 0x026, 2, 0xffff));
	assert_int_equal(rd(0x024), 0x2345);
	assert_true(vpl011_mmio_read(&u, 0x026, 2, &v));
	assert_int_equal(v, 0);
	assert_true(vpl011_mmio_read(&u, 0x018, 2, &v));
	assert_int_equal(v, 0x90);
	assert_true(vpl011_mmio_read(&u, 0x800, 4, &v)); /* reserved: RAZ */
	assert_int_equal(v, 0);
}

static void test_tx(void **state)
{
	(void)state;
	setup();
	const char *msg = "hello\n";
	for (const char *p = msg; *p; p++)
		wr(0x000, (uint32_t)(unsigned char)*p | 0xf00); /* upper bits ignored */
	assert_true(vpl011_mmio_write(&u, 0x000, 1, 'X'));
	assert_string_equal(out, "hello\nX");
	assert_int_equal(rd(0x018) & 0x28, 0); /* never TXFF (bit 5) or BUSY (bit 3) */
	/* TX interrupt: raw status set; enabling TXIM raises the line; ICR clears until the next write. */
	assert_int_equal(rd(0x03c) & 0x20, 0x20);
	wr(0x038, 0x20);
	assert_true(irq);
	assert_int_equal(rd(0x040), 0x20);
	wr(0x044, 0x20);
	assert_false(irq);
	assert_int_equal(rd(0x03c) & 0x20, 0);
	wr(0x000, 'y');
	assert_true(irq);
	wr(0x038, 0);
	assert_false(irq);
}

static void test_rx_fifo_and_interrupts(void **state)
{
	(void)state;
	setup();
	wr(0x02c, 0x70); /* FEN, 8 bits */
	wr(0x038, 0x50); /* RXIM | RTIM */
	assert_false(irq);
	assert_true(vpl011_rx_push(&u, 'a'));
	/* One character, below the 1/2 trigger (8): only the receive timeout (bit 6). */
	assert_true(irq);
	assert_int_equal(rd(0x040), 0x40);
	assert_int_equal(rd(0x018) & 0x10, 0); /* RXFE clear */
	for (int i = 1; i < 8; i++)
		assert_true(vpl011_rx_push(&u, (uint8_t)('a' + i)));
	assert_int_equal(rd(0x040), 0x50); /* RX at the trigger level */
	for (int i = 8; i < 16; i++)
		assert_true(vpl011_rx_push(&u, (uint8_t)('a' + i)));
	assert_int_equal(rd(0x018) & 0x40, 0x40); /* RXFF */
	assert_false(vpl011_rx_push(&u, '!'));    /* full: refused, not dropped silently */
	assert_int_equal(vpl011_rx_space(&u), 0);
	assert_int_equal(u.rx_overruns, 1);
	/* Reading drains in order; ICR cannot clear RT while data waits. */
	wr(0x044, 0x7ff);
	assert_int_equal(rd(0x040) & 0x40, 0x40);
	for (int i = 0; i < 16; i++)
		assert_int_equal(rd(0x000), (uint32_t)('a' + i));
	assert_int_equal(rd(0x018) & 0x10, 0x10);
	assert_false(irq);
	assert_int_equal(rd(0x000), 0); /* empty read */
	assert_int_equal(vpl011_rx_space(&u), 16);
	/* Trigger level 1/8 = 2 characters. */
	wr(0x034, 0x00);
	assert_true(vpl011_rx_push(&u, 'x'));
	assert_int_equal(rd(0x03c) & 0x10, 0);
	assert_true(vpl011_rx_push(&u, 'y'));
	assert_int_equal(rd(0x03c) & 0x10, 0x10);
	uint64_t v;
	assert_true(vpl011_mmio_read(&u, 0x000, 1, &v));
	assert_int_equal(v, 'x');
	assert_true(vpl011_mmio_read(&u, 0x001, 1, &v)); /* upper byte of DR: no pop */
	assert_int_equal(v, 0);
	assert_true(vpl011_mmio_read(&u, 0x000, 2, &v));
	assert_int_equal(v, 'y');
	/* FIFO disabled: one character holding register; RX as soon as it is there. */
	wr(0x02c, 0x60);
	assert_true(vpl011_rx_push(&u, 'z'));
	assert_false(vpl011_rx_push(&u, 'w'));
	assert_int_equal(rd(0x03c) & 0x50, 0x50);
	assert_int_equal(rd(0x000), 'z');
	/* Masked interrupts never raise the line. */
	wr(0x038, 0);
	assert_true(vpl011_rx_push(&u, 'q'));
	assert_false(irq);
	assert_int_equal(rd(0x03c) & 0x50, 0x50);
	/* The hook is called only on changes. */
	unsigned changes = irq_changes;
	wr(0x024, 1);
	wr(0x024, 2);
	assert_int_equal(irq_changes, changes);
}

/* vpl011_rx_empty tells when register reads have no side effects (core/devices/uart.c then lets the guest read
 * a copy of the registers without exits): with the FIFO empty a DR read returns 0 and changes nothing. */
static void test_rx_empty(void **state)
{
	(void)state;
	setup();
	assert_true(vpl011_rx_empty(&u));
	uint32_t fr = rd(PL011_FR), ris = rd(PL011_RIS);
	assert_int_equal(rd(PL011_DR), 0);
	assert_int_equal(rd(PL011_FR), fr);
	assert_int_equal(rd(PL011_RIS), ris);
	assert_true(vpl011_rx_push(&u, 'k'));
	assert_false(vpl011_rx_empty(&u));
	assert_int_equal(rd(PL011_FR) & PL011_FR_RXFE, 0);
	assert_int_equal(rd(PL011_DR), 'k');
	assert_true(vpl011_rx_empty(&u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids_and_reset),
	    cmocka_unit_test(test_tx),
	    cmocka_unit_test(test_rx_fifo_and_interrupts),
	    cmocka_unit_test(test_rx_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
