/* Unit tests for rv/system/dev/uart16550.c. Offsets and bits are the PC16550D datasheet's, written out
 * literally: 0 RBR/THR/DLL, 1 IER/DLM, 2 IIR/FCR, 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rv/system/dev/uart16550.h"

static struct rv_uart16550 u;
static uint8_t sent[64];
static unsigned nsent;
static unsigned rx_space_calls;
static bool irq;
static unsigned irq_calls;
static unsigned irq_line_seen;

static void h_tx(void *ctx, uint8_t byte)
{
	assert_ptr_equal(ctx, &u);
	if (nsent < sizeof(sent))
		sent[nsent++] = byte;
}

static void h_rx_space(void *ctx)
{
	assert_ptr_equal(ctx, &u);
	rx_space_calls++;
}

static void h_irq(void *ctx, unsigned line, bool level)
{
	assert_ptr_equal(ctx, &u);
	irq_line_seen = line;
	irq = level;
	irq_calls++;
}

static void setup(void)
{
	nsent = 0;
	rx_space_calls = 0;
	irq = false;
	irq_calls = 0;
	irq_line_seen = 0;
	struct rv_uart16550_hooks hooks = {.ctx = &u, .tx = h_tx, .rx_space = h_rx_space};
	struct rv_irq_line line = {.set = h_irq, .ctx = &u, .line = 10};
	memset(&u, 0xa5, sizeof(u)); /* init must not depend on prior contents */
	rv_uart16550_init(&u, &hooks, &line);
}

static uint8_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeef;
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, off, 1, &v), RV_MMIO_OK);
	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void wr(uint64_t off, uint8_t v)
{
	assert_int_equal(rv_uart16550_mmio_ops.write(&u, off, 1, v), RV_MMIO_OK);
}

static void test_reset_values(void **state)
{
	(void)state;
	setup();
	assert_int_equal(rd(1), 0x00);        /* IER */
	assert_int_equal(rd(2), 0x01);        /* IIR: no interrupt, FIFOs off */
	assert_int_equal(rd(3), 0x00);        /* LCR */
	assert_int_equal(rd(4), 0x00);        /* MCR */
	assert_int_equal(rd(5), 0x60);        /* LSR: THRE | TEMT */
	assert_int_equal(rd(6) & 0xf0, 0xb0); /* MSR: DCD | DSR | CTS from the terminal */
	assert_int_equal(rd(7), 0x00);        /* SCR */
	assert_int_equal(rd(0), 0x00);        /* RBR with nothing received */
	assert_false(irq);
	assert_int_equal(irq_calls, 0);
}

static void test_transmit_and_access_sizes(void **state)
{
	(void)state;
	setup();
	wr(0, 'h');
	assert_int_equal(rv_uart16550_mmio_ops.write(&u, 0, 2, 0x1269), RV_MMIO_OK);
	assert_int_equal(rv_uart16550_mmio_ops.write(&u, 0, 4, 0xabcdef21), RV_MMIO_OK);
	assert_int_equal(nsent, 3);
	assert_memory_equal(sent, "hi!", 3);
	/* Wider reads return the register zero-extended. */
	wr(7, 0x5a);
	uint64_t v = 0;
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, 7, 4, &v), RV_MMIO_OK);
	assert_int_equal(v, 0x5a);
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, 5, 2, &v), RV_MMIO_OK);
	assert_int_equal(v, 0x60);
	/* THRE and TEMT stay set: transmission is instant. */
	assert_int_equal(rd(5) & 0x60, 0x60);
}

static void test_access_errors(void **state)
{
	(void)state;
	setup();
	uint64_t v = 0;
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, 0, 8, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_uart16550_mmio_ops.write(&u, 0, 8, 'x'), RV_MMIO_ERROR);
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, 0, 3, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, 0, 0, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, 0x100, 1, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_uart16550_mmio_ops.write(&u, 0x100, 1, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, 0xfe, 4, &v), RV_MMIO_ERROR); /* crosses the end */
	assert_int_equal(rv_uart16550_mmio_ops.read(&u, UINT64_MAX, 1, &v), RV_MMIO_ERROR);
	assert_int_equal(nsent, 0); /* the refused 8-byte write sent nothing */
	/* Past the eight registers, inside the region: reads 0, writes ignored. */
	assert_int_equal(rv_uart16550_mmio_ops.write(&u, 0x8, 1, 0xff), RV_MMIO_OK);
	assert_int_equal(rd(0x8), 0);
	assert_int_equal(rd(0xff), 0);
	assert_int_equal(rd(3), 0); /* the write at 8 did not alias LCR */
}

static void test_dlab(void **state)
{
	(void)state;
	setup();
	wr(1, 0x05); /* IER */
	wr(3, 0x83); /* DLAB, 8N1 */
	assert_int_equal(rd(3), 0x83);
	wr(0, 0x01); /* DLL */
	wr(1, 0x02); /* DLM */
	assert_int_equal(rd(0), 0x01);
	assert_int_equal(rd(1), 0x02);
	assert_int_equal(nsent, 0); /* a DLL write does not transmit */
	wr(3, 0x03);
	assert_int_equal(rd(1), 0x05); /* IER untouched by the DLM write */
	assert_true(rv_uart16550_receive(&u, 'q'));
	assert_int_equal(rd(0), 'q');
	wr(3, 0x83);
	assert_int_equal(rd(0), 0x01); /* latch kept */
	assert_int_equal(rd(1), 0x02);
	/* IIR, LSR, SCR are reachable with DLAB set. */
	assert_int_equal(rd(5) & 0x60, 0x60);
	wr(7, 0x77);
	assert_int_equal(rd(7), 0x77);
	/* IER's reserved high bits read zero. */
	wr(3, 0x03);
	wr(1, 0xf0);
	assert_int_equal(rd(1), 0x00);
}

static void test_receive_fifo(void **state)
{
	(void)state;
	setup();
	/* 16450 mode (FIFO off after reset): one byte of room. */
	assert_true(rv_uart16550_receive(&u, 'a'));
	assert_false(rv_uart16550_receive(&u, 'b'));
	assert_int_equal(rd(5) & 0x01, 0x01); /* DR */
	assert_int_equal(rx_space_calls, 0);
	assert_int_equal(rd(0), 'a');
	assert_int_equal(rx_space_calls, 1); /* room after the refusal */
	assert_int_equal(rd(5) & 0x01, 0x00);
	assert_int_equal(rd(0), 0); /* empty FIFO reads 0 */
	assert_int_equal(rx_space_calls, 1);

	wr(2, 0x01); /* FIFO on */
	assert_int_equal(rd(2) & 0xc0, 0xc0);
	for (unsigned i = 0; i < 16; i++)
		assert_true(rv_uart16550_receive(&u, (uint8_t)('A' + i)));
	assert_false(rv_uart16550_receive(&u, 'Z'));
	assert_false(rv_uart16550_receive(&u, 'Z'));
	assert_int_equal(rx_space_calls, 1);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(rd(5) & 0x01, 0x01);
		assert_int_equal(rd(0), 'A' + i);
		assert_int_equal(rx_space_calls, 2); /* once, at the first read after the refusals */
	}
	assert_int_equal(rd(5) & 0x01, 0x00);
	/* Reads without a refusal before them report nothing. */
	assert_true(rv_uart16550_receive(&u, '1'));
	assert_int_equal(rd(0), '1');
	assert_int_equal(rx_space_calls, 2);
}

static void test_fifo_control(void **state)
{
	(void)state;
	setup();
	wr(2, 0x01);
	for (unsigned i = 0; i < 16; i++)
		assert_true(rv_uart16550_receive(&u, (uint8_t)i));
	assert_false(rv_uart16550_receive(&u, 0xee));
	/* RX reset empties the FIFO and reports room. */
	wr(2, 0x03);
	assert_int_equal(rd(5) & 0x01, 0);
	assert_int_equal(rx_space_calls, 1);
	assert_int_equal(rd(2) & 0xc0, 0xc0); /* still enabled */
	/* TX reset leaves the receiver alone. */
	assert_true(rv_uart16550_receive(&u, 'x'));
	wr(2, 0x05);
	assert_int_equal(rd(5) & 0x01, 1);
	/* Turning the FIFOs off clears them and IIR bits 7:6. */
	wr(2, 0x00);
	assert_int_equal(rd(5) & 0x01, 0);
	assert_int_equal(rd(2), 0x01);
	/* With FCR bit 0 clear the reset bits do nothing. */
	assert_true(rv_uart16550_receive(&u, 'y'));
	wr(2, 0x02);
	assert_int_equal(rd(0), 'y');
}

static void test_rda_interrupt(void **state)
{
	(void)state;
	setup();
	wr(2, 0x01);
	assert_true(rv_uart16550_receive(&u, 'k'));
	assert_false(irq); /* ERBFI off */
	wr(1, 0x01);
	assert_true(irq);
	assert_int_equal(irq_line_seen, 10);
	assert_int_equal(rd(2), 0xc4);
	assert_true(irq); /* reading IIR does not clear RDA */
	assert_true(rv_uart16550_receive(&u, 'l'));
	assert_int_equal(rd(0), 'k');
	assert_true(irq); /* still data */
	assert_int_equal(rd(0), 'l');
	assert_false(irq);
	assert_int_equal(rd(2), 0xc1);
	/* Only changes reach the line: up at IER, down at the second read. */
	assert_int_equal(irq_calls, 2);
}

static void test_thre_interrupt(void **state)
{
	(void)state;
	setup();
	/* Enabling ETBEI while THR is empty raises THRE. */
	wr(1, 0x02);
	assert_true(irq);
	assert_int_equal(rd(2), 0x02);
	/* Reading IIR while THRE is the reported source clears it. */
	assert_false(irq);
	assert_int_equal(rd(2), 0x01);
	/* Writing IER with ETBEI still set is no new enable: nothing. */
	wr(1, 0x03);
	assert_false(irq);
	/* Disabling and re-enabling raises it again (Linux's THRE test relies on this). */
	wr(1, 0x00);
	wr(1, 0x02);
	assert_true(irq);
	/* A THR write clears the pending THRE, and THR empties again at once: pending anew. */
	assert_int_equal(rd(2), 0x02);
	assert_false(irq);
	wr(0, 'z');
	assert_true(irq);
	assert_int_equal(rd(2), 0x02);
	assert_false(irq);
	/* THRE does not interrupt while ETBEI is off; enabling it raises THRE again. */
	wr(1, 0x00);
	wr(0, 'z');
	assert_false(irq);
	assert_int_equal(rd(2), 0x01);
	wr(1, 0x02);
	assert_true(irq);
}

static void test_iir_priority(void **state)
{
	(void)state;
	setup();
	wr(2, 0x01);
	wr(1, 0x0f); /* all four sources */
	/* THRE first (from enabling). */
	assert_int_equal(rd(2), 0xc2);
	/* Loopback: the MCR change makes modem deltas, a THR write makes data and THRE. */
	wr(4, 0x10);
	wr(0, 'p');
	for (unsigned i = 0; i < 16; i++)
		wr(0, 'q'); /* 17 bytes into 16 places: overrun */
	/* Receiver line status is first. Reading IIR leaves it; reading LSR clears it. */
	assert_int_equal(rd(2), 0xc6);
	assert_int_equal(rd(2), 0xc6);
	assert_int_equal(rd(5) & 0x03, 0x03); /* OE | DR */
	assert_int_equal(rd(5) & 0x02, 0x00); /* OE cleared by the read */
	/* Then received data: reading IIR does not clear THRE behind it. */
	assert_int_equal(rd(2), 0xc4);
	assert_int_equal(rd(0), 'p');
	for (unsigned i = 0; i < 15; i++)
		assert_int_equal(rd(0), 'q');
	assert_int_equal(rd(5) & 0x01, 0);
	/* Then THRE (still pending), cleared by this read. */
	assert_int_equal(rd(2), 0xc2);
	/* Then modem status, until MSR is read. */
	assert_int_equal(rd(2), 0xc0);
	assert_int_equal(rd(2), 0xc0);
	assert_true(irq);
	assert_int_equal(rd(6) & 0x0f, 0x0b); /* DCTS | DDSR | DDCD: all three went off */
	assert_int_equal(rd(2), 0xc1);
	assert_false(irq);
	/* A disabled source does not show: deltas without EDSSI. */
	wr(1, 0x00);
	wr(4, 0x12);
	assert_int_equal(rd(2), 0xc1);
	assert_false(irq);
}

static void test_loopback(void **state)
{
	(void)state;
	setup();
	/* The outputs come back on the inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. Linux's probe sets
	 * LOOP | OUT2 | RTS and expects exactly DCD | CTS. */
	wr(4, 0x1a);
	assert_int_equal(rd(4), 0x1a);
	assert_int_equal(rd(6) & 0xf0, 0x90);
	wr(4, 0x15);
	assert_int_equal(rd(6) & 0xf0, 0x60);
	wr(4, 0x1f);
	assert_int_equal(rd(6) & 0xf0, 0xf0);
	wr(4, 0x10);
	assert_int_equal(rd(6) & 0xf0, 0x00);
	/* Transmitted bytes come back to the receiver and not to the line. */
	wr(2, 0x01);
	wr(0, 'L');
	assert_int_equal(nsent, 0);
	assert_int_equal(rd(5) & 0x01, 0x01);
	assert_int_equal(rd(0), 'L');
	/* The serial input is disconnected: received bytes are dropped (and not refused). */
	assert_true(rv_uart16550_receive(&u, 'X'));
	assert_int_equal(rd(5) & 0x01, 0x00);
	/* Leaving loopback: transmit goes out again, inputs are the terminal's. */
	wr(4, 0x03);
	wr(0, 'M');
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0], 'M');
	assert_int_equal(rd(6) & 0xf0, 0xb0);
	assert_true(rv_uart16550_receive(&u, 'Y'));
	assert_int_equal(rd(0), 'Y');
	/* MCR's reserved high bits read zero. */
	wr(4, 0xe0);
	assert_int_equal(rd(4), 0x00);
}

static void test_modem_deltas(void **state)
{
	(void)state;
	setup();
	wr(4, 0x10); /* CTS, DSR, DCD go off */
	assert_int_equal(rd(6), 0x0b);
	assert_int_equal(rd(6), 0x00); /* read clears the deltas */
	wr(4, 0x14);                   /* RI comes on: no TERI (only its trailing edge counts) */
	assert_int_equal(rd(6), 0x40);
	wr(4, 0x10); /* RI goes off: TERI */
	assert_int_equal(rd(6), 0x04);
	wr(4, 0x12); /* RTS on: CTS on */
	assert_int_equal(rd(6), 0x11);
	wr(4, 0x12); /* no change: no delta */
	assert_int_equal(rd(6), 0x10);
	/* MSR and LSR writes are ignored. */
	wr(6, 0xff);
	assert_int_equal(rd(6), 0x10);
	wr(5, 0x00);
	assert_int_equal(rd(5), 0x60);
}

static void test_overrun_16450_mode(void **state)
{
	(void)state;
	setup();
	wr(4, 0x10);
	wr(0, '1');
	wr(0, '2'); /* overwrites the unread byte */
	assert_int_equal(rd(5) & 0x03, 0x03);
	assert_int_equal(rd(0), '2');
	assert_int_equal(rd(5) & 0x03, 0x00);
	/* A line-status interrupt only with ELSI. */
	wr(0, '3');
	wr(0, '4');
	assert_false(irq);
	wr(1, 0x04);
	assert_true(irq);
	assert_int_equal(rd(2), 0x06);
	rd(5);
	assert_false(irq);
}

static void test_no_hooks(void **state)
{
	(void)state;
	/* A UART with no hooks and no line works and drops output. */
	rv_uart16550_init(&u, NULL, NULL);
	wr(1, 0x0f);
	wr(0, 'a');
	assert_true(rv_uart16550_receive(&u, 'b'));
	assert_false(rv_uart16550_receive(&u, 'c')); /* FIFO off: one byte of room */
	assert_int_equal(rd(0), 'b');
	assert_int_equal(rd(2), 0x02);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reset_values),  cmocka_unit_test(test_transmit_and_access_sizes),
	    cmocka_unit_test(test_access_errors), cmocka_unit_test(test_dlab),
	    cmocka_unit_test(test_receive_fifo),  cmocka_unit_test(test_fifo_control),
	    cmocka_unit_test(test_rda_interrupt), cmocka_unit_test(test_thre_interrupt),
	    cmocka_unit_test(test_iir_priority),  cmocka_unit_test(test_loopback),
	    cmocka_unit_test(test_modem_deltas),  cmocka_unit_test(test_overrun_16450_mode),
	    cmocka_unit_test(test_no_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
