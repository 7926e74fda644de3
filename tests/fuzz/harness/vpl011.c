/* libFuzzer harness: the vPL011 register file (hv/vdev/vpl011.c): MMIO reads and writes of every size and
 * offset in the 4 KiB frame, console bytes pushed into the receive FIFO, UART resets, in any order.
 *
 * A small shadow of the UART's guest-visible state is kept from the PL011 TRM (ARM DDI 0183), not from the
 * model: the writable bits of each register, the receive FIFO (depth 16, or 1 with LCR_H.FEN clear) and the
 * transmitted bytes. Asserted, beyond "no crash":
 *   - accesses the header refuses (size 8 or 3, misaligned, beyond the frame) return false, the others true;
 *     a value never has bits above the access size;
 *   - read-back of IBRD, FBRD, LCR_H, CR, IFLS, IMSC, DMACR, ILPR: what was written, masked to the bits the
 *     TRM defines; upper bytes of a register word read as zero; PeriphID/PCellID bytes;
 *   - DR reads return the pushed console bytes in order (0 when empty), DR writes reach putc in order;
 *     vpl011_rx_push refuses exactly when the FIFO is full; FR's RXFE/RXFF/TXFE agree with the FIFO;
 *   - MIS == RIS & IMSC, and the interrupt line (set_irq, called only on a change) is MIS != 0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/vdev/vpl011.h"
#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"

#define MAX_OPS 96u

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

/* Writable bits per the TRM's register descriptions. */
struct reg_mask {
	uint32_t offset, mask, reset;
};

static const struct reg_mask writable[] = {
    {PL011_ILPR, 0xffu, 0},     {PL011_IBRD, 0xffffu, 0},  {PL011_FBRD, 0x3fu, 0},  {PL011_LCR_H, 0xffu, 0},
    {PL011_CR, 0xff87u, 0x300}, {PL011_IFLS, 0x3fu, 0x12}, {PL011_IMSC, 0x7ffu, 0}, {PL011_DMACR, 0x7u, 0},
};
#define N_WRITABLE (sizeof(writable) / sizeof(writable[0]))

struct shadow {
	uint32_t value[N_WRITABLE];
	uint8_t fifo[VPL011_FIFO_DEPTH];
	unsigned count;
	uint8_t tx_expected[MAX_OPS];
	unsigned tx_sent, tx_seen;
	bool irq;
};

static struct vpl011 uart;
static struct shadow sh;

static void putc_hook(void *ctx, uint8_t c)
{
	(void)ctx;
	CHECK(sh.tx_seen < sh.tx_sent && c == sh.tx_expected[sh.tx_seen]);
	sh.tx_seen++;
}

static void set_irq_hook(void *ctx, bool level)
{
	(void)ctx;
	CHECK(level != sh.irq);
	sh.irq = level;
}

static int writable_index(uint64_t offset)
{
	for (unsigned i = 0; i < N_WRITABLE; i++)
		if (writable[i].offset == offset)
			return (int)i;
	return -1;
}

static uint32_t shadow_reg(uint32_t offset)
{
	return sh.value[writable_index(offset)];
}

static unsigned depth(void)
{
	return (shadow_reg(PL011_LCR_H) & PL011_LCRH_FEN) ? VPL011_FIFO_DEPTH : 1u;
}

static void reset(void)
{
	struct vpl011_hooks hooks = {NULL, putc_hook, set_irq_hook};
	vpl011_init(&uart, &hooks);
	memset(&sh, 0, sizeof(sh));
	for (unsigned i = 0; i < N_WRITABLE; i++)
		sh.value[i] = writable[i].reset;
}

static uint64_t take_offset(struct fuzz_input *s)
{
	static const uint16_t offsets[] = {
	    PL011_DR,        PL011_RSR_ECR, PL011_FR,   PL011_ILPR, PL011_IBRD,     PL011_FBRD, PL011_LCR_H,
	    PL011_CR,        PL011_IFLS,    PL011_IMSC, PL011_RIS,  PL011_MIS,      PL011_ICR,  PL011_DMACR,
	    PL011_PERIPHID0, 0xfe4,         0xfe8,      0xfec,      PL011_PCELLID0, 0xffc};
	uint8_t sel = fuzz_take_u8(s);
	uint64_t off = sel < 0xe0 ? offsets[sel % (sizeof(offsets) / sizeof(offsets[0]))]
	                          : fuzz_take_bytes(s, 2) % 0x1010;
	if (sel & 0x80 && sel < 0xe0)
		off += sel & 3; /* an upper byte of the register word */
	return off;
}

static unsigned take_size(struct fuzz_input *s)
{
	static const unsigned sizes[] = {4, 4, 2, 1, 8, 3, 4, 2};
	return sizes[fuzz_take_u8(s) & 7];
}

static bool access_valid(uint64_t off, unsigned size)
{
	return off < VPL011_FRAME_SIZE && (size == 1 || size == 2 || size == 4) && (off & (size - 1)) == 0;
}

static void op_read(struct fuzz_input *s)
{
	uint64_t off = take_offset(s);
	unsigned size = take_size(s);
	uint64_t v = 0xdeadbeef;
	bool ok = vpl011_mmio_read(&uart, off, size, &v);
	CHECK(ok == access_valid(off, size));
	if (!ok)
		return;
	CHECK(v >> (8 * size) == 0);
	if (off & 3) {
		CHECK(v == 0);
		return;
	}
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	int w = writable_index(off);
	if (w >= 0) {
		CHECK(v == (sh.value[w] & mask));
		return;
	}
	if (off == PL011_DR) {
		uint8_t want = 0;
		if (sh.count) {
			want = sh.fifo[0];
			memmove(sh.fifo, sh.fifo + 1, --sh.count);
		}
		CHECK(v == want);
	} else if (off == PL011_FR) {
		uint32_t fr = PL011_FR_TXFE | (sh.count == 0 ? PL011_FR_RXFE : 0) |
		              (sh.count >= depth() ? PL011_FR_RXFF : 0);
		CHECK(v == (fr & mask));
	} else if (off >= PL011_PERIPHID0 && off < PL011_PCELLID0) {
		CHECK(v == ((PL011_PERIPH_ID >> (8 * ((off - PL011_PERIPHID0) / 4))) & 0xffu));
	} else if (off >= PL011_PCELLID0) {
		CHECK(v == ((PL011_PCELL_ID >> (8 * ((off - PL011_PCELLID0) / 4))) & 0xffu));
	} else if (off == PL011_RIS || off == PL011_MIS) {
		CHECK((v & ~(uint64_t)PL011_INT_ALL) == 0);
		uint64_t ris = 0, mis = 0;
		CHECK(vpl011_mmio_read(&uart, PL011_RIS, 4, &ris) &&
		      vpl011_mmio_read(&uart, PL011_MIS, 4, &mis));
		CHECK(mis == (ris & shadow_reg(PL011_IMSC)));
		CHECK(((ris & PL011_INT_RT) != 0) == (sh.count > 0)); /* data waiting: receive timeout */
	} else if (off == PL011_ICR || off == PL011_RSR_ECR) {
		CHECK(v == 0);
	}
}

static void op_write(struct fuzz_input *s)
{
	uint64_t off = take_offset(s);
	unsigned size = take_size(s);
	uint64_t v = fuzz_take_bytes(s, 4);
	bool valid = access_valid(off, size);
	uint64_t mask = size >= 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	if (valid && off == PL011_DR && sh.tx_sent < MAX_OPS)
		sh.tx_expected[sh.tx_sent++] = (uint8_t)v;
	CHECK(vpl011_mmio_write(&uart, off, size, v) == valid);
	if (!valid || (off & 3))
		return;
	int w = writable_index(off);
	if (w >= 0)
		sh.value[w] = (uint32_t)(v & mask) & writable[w].mask;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input s = fuzz_input_init(data, size);
	reset();
	for (unsigned n = 0; n < MAX_OPS && s.pos < s.size; n++) {
		uint8_t op = fuzz_take_u8(&s);
		switch (op % 6) {
		case 0:
		case 1: op_read(&s); break;
		case 2:
		case 3: op_write(&s); break;
		case 4: { /* console input */
			unsigned bytes = 1 + fuzz_take_u8(&s) % 20;
			for (unsigned i = 0; i < bytes; i++) {
				uint8_t c = (uint8_t)(n + i);
				bool room = sh.count < depth();
				CHECK(vpl011_rx_space(&uart) == (room ? depth() - sh.count : 0));
				CHECK(vpl011_rx_push(&uart, c) == room);
				if (room)
					sh.fifo[sh.count++] = c;
			}
			break;
		}
		default: reset(); break;
		}
		CHECK(sh.tx_seen == sh.tx_sent);
		CHECK(vpl011_rx_empty(&uart) == (sh.count == 0));
		uint64_t mis = 0;
		CHECK(vpl011_mmio_read(&uart, PL011_MIS, 4, &mis));
		CHECK(sh.irq == (mis != 0));
	}
	return 0;
}
