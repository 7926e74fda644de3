/* libFuzzer harness: karasu-rv's interrupt and console devices (rv/system/dev/plic.c, clint.c,
 * uart16550.c) through their rv_mmio_ops, the way the machine's bus calls them, interleaved with what the
 * rest of the machine does to them: device interrupt lines into the PLIC (the UART's among them), time
 * passing for the CLINT, console input into the UART, and resets.
 *
 * Asserted, beyond "no crash":
 *   - PLIC, against a shadow written from the riscv-plic-1.0.0 specification: priorities and thresholds
 *     are 3-bit WARL, source 0 and sources past the last are hardwired zero, enable bits of absent contexts
 *     read zero, pending bits follow the level-triggered gateway (closed while claimed), a claim returns the
 *     highest-priority pending enabled source above the threshold (ties: lowest id) and clears its pending
 *     bit, a completion for a source not enabled for the context is ignored; every context's output line
 *     (set_context, called only on a change) is "some source would be claimed";
 *   - CLINT, against a shadow: msip holds bit 0 only, mtimecmp read-back per half and whole, mtime = clock
 *     + the offset the guest's writes set, slots of absent harts read zero and call no hook, sizes and
 *     alignments the header refuses are errors;
 *   - UART: IIR is one of the datasheet's identifications (with the FIFO bits exactly when the FIFO is on),
 *     the interrupt line equals "IIR reports one", LSR.DR equals "a byte waits", THRE and TEMT are always
 *     set, the receiver never holds more than its capacity (16, or 1 in 16450 mode), refuses a byte exactly
 *     when full (outside loopback), transmits bytes in the order written, rx_space only after a refusal.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rv/system/dev/clint.h"
#include "rv/system/dev/plic.h"
#include "rv/system/dev/uart16550.h"
#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"

#define MAX_OPS  96u
#define UART_SRC RV_VIRT_UART0_IRQ

/* Register layout (riscv-plic-1.0.0 memory map; SiFive CLINT; PC16550D). */
#define PLIC_PENDING     0x1000u
#define PLIC_ENABLE      0x2000u
#define PLIC_ENABLE_STEP 0x80u
#define PLIC_CONTEXT     0x200000u
#define PLIC_CTX_STEP    0x1000u
#define CLINT_MTIMECMP   0x4000u
#define CLINT_MTIME      0xbff8u
#define UART_IIR         2u
#define UART_LCR         3u
#define UART_MCR         4u
#define UART_LSR         5u
#define UART_LSR_DR      0x01u
#define UART_LSR_THRE    0x20u
#define UART_LSR_TEMT    0x40u
#define UART_MCR_LOOP    0x10u

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

/* ---- PLIC shadow ---- */
struct plic_shadow {
	unsigned contexts;
	uint8_t priority[RV_VIRT_PLIC_SOURCES];
	bool level[RV_VIRT_PLIC_SOURCES], pending[RV_VIRT_PLIC_SOURCES], claimed[RV_VIRT_PLIC_SOURCES];
	bool enable[RV_PLIC_MAX_CONTEXTS][RV_VIRT_PLIC_SOURCES];
	uint8_t threshold[RV_PLIC_MAX_CONTEXTS];
	bool line[RV_PLIC_MAX_CONTEXTS]; /* as reported through set_context */
};

static struct {
	struct rv_plic plic;
	struct plic_shadow ps;
	struct rv_clint clint;
	unsigned harts;
	uint64_t clock, mtime_offset, mtimecmp[RV_VIRT_MAX_HARTS];
	bool msip[RV_VIRT_MAX_HARTS];
	struct rv_uart16550 uart;
	bool uart_refused;
	uint8_t tx[MAX_OPS];
	unsigned tx_written, tx_seen;
} m;

static unsigned plic_best(unsigned ctx)
{
	unsigned best = 0, best_prio = m.ps.threshold[ctx];
	for (unsigned s = 1; s < RV_VIRT_PLIC_SOURCES; s++)
		if (m.ps.pending[s] && m.ps.enable[ctx][s] && m.ps.priority[s] > best_prio) {
			best = s;
			best_prio = m.ps.priority[s];
		}
	return best;
}

static void plic_gateway(unsigned src)
{
	if (m.ps.level[src] && !m.ps.claimed[src])
		m.ps.pending[src] = true;
}

static void set_context(void *ctx, unsigned context, bool level)
{
	(void)ctx;
	CHECK(context < m.ps.contexts && level != m.ps.line[context]);
	m.ps.line[context] = level;
}

static void plic_set_source(unsigned src, bool level)
{
	rv_plic_set_source(&m.plic, src, level);
	if (src == 0 || src >= RV_VIRT_PLIC_SOURCES)
		return;
	m.ps.level[src] = level;
	plic_gateway(src);
}

static void plic_check(void)
{
	for (unsigned c = 0; c < m.ps.contexts; c++)
		CHECK(m.ps.line[c] == (plic_best(c) != 0));
	for (unsigned w = 0; w < RV_PLIC_WORDS; w++) {
		uint64_t v = 0;
		CHECK(rv_plic_mmio_ops.read(&m.plic, PLIC_PENDING + 4u * w, 4, &v) == RV_MMIO_OK);
		for (unsigned b = 0; b < 32; b++) {
			unsigned s = 32 * w + b;
			CHECK(((v >> b) & 1) == (s < RV_VIRT_PLIC_SOURCES && m.ps.pending[s]));
		}
	}
}

static void plic_access(struct fuzz_input *s)
{
	uint8_t kind = fuzz_take_u8(s);
	unsigned ctx = fuzz_take_u8(s) % (m.ps.contexts + 2); /* an absent one now and then */
	unsigned src = fuzz_take_u8(s) % (RV_VIRT_PLIC_SOURCES + 4);
	unsigned word = fuzz_take_u8(s) % (RV_PLIC_WORDS + 1);
	uint32_t v = (uint32_t)fuzz_take_bytes(s, 4);
	bool write = kind & 0x80;
	uint64_t off;
	switch (kind % 6) {
	case 0: off = 4u * src; break;
	case 1: off = PLIC_PENDING + 4u * word; break;
	case 2: off = PLIC_ENABLE + PLIC_ENABLE_STEP * ctx + 4u * word; break;
	case 3: off = PLIC_CONTEXT + PLIC_CTX_STEP * ctx; break;
	case 4: off = PLIC_CONTEXT + PLIC_CTX_STEP * ctx + 4u; break;
	default: off = fuzz_take_bytes(s, 3) % (RV_VIRT_PLIC_SIZE + 8); break;
	}
	unsigned size = (kind & 0x40) ? 1u << (fuzz_take_u8(s) % 4) : 4u;
	bool valid = size == 4 && off % 4 == 0 && off < RV_VIRT_PLIC_SIZE;
	if (!write) {
		uint64_t got = 0xdead;
		enum rv_mmio_result r = rv_plic_mmio_ops.read(&m.plic, off, size, &got);
		CHECK((r == RV_MMIO_OK) == valid);
		if (!valid)
			return;
		CHECK(got <= UINT32_MAX);
		if (off < PLIC_PENDING) {
			unsigned sr = (unsigned)(off / 4);
			CHECK(got == (sr < RV_VIRT_PLIC_SOURCES ? m.ps.priority[sr] : 0));
		} else if (off >= PLIC_ENABLE && off < PLIC_CONTEXT) {
			unsigned c = (unsigned)((off - PLIC_ENABLE) / PLIC_ENABLE_STEP);
			unsigned wd = (unsigned)((off - PLIC_ENABLE) % PLIC_ENABLE_STEP / 4);
			for (unsigned b = 0; b < 32; b++) {
				unsigned sr = 32 * wd + b;
				bool want =
				    c < m.ps.contexts && sr < RV_VIRT_PLIC_SOURCES && m.ps.enable[c][sr];
				CHECK(((got >> b) & 1) == want);
			}
		} else if (off >= PLIC_CONTEXT) {
			unsigned c = (unsigned)((off - PLIC_CONTEXT) / PLIC_CTX_STEP);
			uint64_t reg = (off - PLIC_CONTEXT) % PLIC_CTX_STEP;
			if (c >= m.ps.contexts || reg > 4) {
				CHECK(got == 0);
			} else if (reg == 0) {
				CHECK(got == m.ps.threshold[c]);
			} else { /* a claim */
				unsigned best = plic_best(c);
				CHECK(got == best);
				if (best) {
					m.ps.pending[best] = false;
					m.ps.claimed[best] = true;
				}
			}
		}
		return;
	}
	enum rv_mmio_result r = rv_plic_mmio_ops.write(&m.plic, off, size, v);
	CHECK((r == RV_MMIO_OK) == valid);
	if (!valid)
		return;
	if (off < PLIC_PENDING) {
		unsigned sr = (unsigned)(off / 4);
		if (sr != 0 && sr < RV_VIRT_PLIC_SOURCES)
			m.ps.priority[sr] = v & 7u;
	} else if (off >= PLIC_ENABLE && off < PLIC_CONTEXT) {
		unsigned c = (unsigned)((off - PLIC_ENABLE) / PLIC_ENABLE_STEP);
		unsigned wd = (unsigned)((off - PLIC_ENABLE) % PLIC_ENABLE_STEP / 4);
		if (c < m.ps.contexts && wd < RV_PLIC_WORDS)
			for (unsigned b = 0; b < 32; b++) {
				unsigned sr = 32 * wd + b;
				if (sr != 0 && sr < RV_VIRT_PLIC_SOURCES)
					m.ps.enable[c][sr] = (v >> b) & 1;
			}
	} else if (off >= PLIC_CONTEXT) {
		unsigned c = (unsigned)((off - PLIC_CONTEXT) / PLIC_CTX_STEP);
		uint64_t reg = (off - PLIC_CONTEXT) % PLIC_CTX_STEP;
		if (c < m.ps.contexts && reg == 0) {
			m.ps.threshold[c] = v & 7u;
		} else if (c < m.ps.contexts && reg == 4 && v != 0 && v < RV_VIRT_PLIC_SOURCES &&
		           m.ps.enable[c][v]) {
			m.ps.claimed[v] = false; /* completion */
			plic_gateway(v);
		}
	}
}

/* ---- CLINT ---- */
static uint64_t clock_hook(void *ctx)
{
	(void)ctx;
	return m.clock;
}

static void set_msip(void *ctx, unsigned hart, bool level)
{
	(void)ctx;
	CHECK(hart < m.harts && level == m.msip[hart]);
}

static void mtimecmp_changed(void *ctx, unsigned hart, uint64_t value)
{
	(void)ctx;
	CHECK(hart < m.harts && value == m.mtimecmp[hart]);
}

static void clint_access(struct fuzz_input *s)
{
	uint8_t kind = fuzz_take_u8(s);
	unsigned hart = fuzz_take_u8(s) % (m.harts + 2);
	static const unsigned sizes[] = {4, 8, 4, 8, 1, 2, 4, 16};
	unsigned size = sizes[fuzz_take_u8(s) % 8];
	uint64_t v = fuzz_take_bytes(s, 8);
	uint64_t off;
	switch (kind % 4) {
	case 0: off = 4u * hart; break;
	case 1: off = CLINT_MTIMECMP + 8u * hart + (kind & 0x10 ? 4 : 0); break;
	case 2: off = CLINT_MTIME + (kind & 0x10 ? 4 : 0); break;
	default: off = fuzz_take_bytes(s, 2) % (RV_VIRT_CLINT_SIZE + 8); break;
	}
	bool size_ok = off < CLINT_MTIMECMP ? size == 4 : size == 4 || size == 8;
	bool valid = size_ok && off % size == 0 && off < RV_VIRT_CLINT_SIZE;
	bool write = kind & 0x80;
	/* the shadow's view of the 64-bit register under off, and what a write makes of it */
	uint64_t *reg = NULL, mtime = m.clock + m.mtime_offset;
	unsigned at = (unsigned)(off % 8);
	if (off >= CLINT_MTIMECMP && off < CLINT_MTIME && (off - CLINT_MTIMECMP) / 8 < m.harts)
		reg = &m.mtimecmp[(off - CLINT_MTIMECMP) / 8];
	else if (off >= CLINT_MTIME && off < CLINT_MTIME + 8)
		reg = &mtime;
	if (write) {
		if (valid && off < CLINT_MTIMECMP && off / 4 < m.harts)
			m.msip[off / 4] = v & 1;
		if (valid && reg) {
			uint64_t mask = size == 8 ? ~0ull : 0xffffffffull << (8 * at);
			*reg = (*reg & ~mask) | ((size == 8 ? v : (v & 0xffffffffull) << (8 * at)) & mask);
			if (reg == &mtime)
				m.mtime_offset = mtime - m.clock;
		}
		CHECK((rv_clint_mmio_ops.write(&m.clint, off, size, v) == RV_MMIO_OK) == valid);
		return;
	}
	uint64_t got = 0xdead;
	CHECK((rv_clint_mmio_ops.read(&m.clint, off, size, &got) == RV_MMIO_OK) == valid);
	if (!valid)
		return;
	uint64_t want = 0;
	if (off < CLINT_MTIMECMP)
		want = off / 4 < m.harts ? m.msip[off / 4] : 0;
	else if (reg)
		want = size == 8 ? *reg : (*reg >> (8 * at)) & 0xffffffffull;
	CHECK(got == want);
}

/* ---- UART ---- */
static void uart_tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	CHECK(m.tx_seen < m.tx_written && byte == m.tx[m.tx_seen]);
	m.tx_seen++;
}

static void uart_rx_space(void *ctx)
{
	(void)ctx;
	CHECK(m.uart_refused);
	m.uart_refused = false;
}

static unsigned uart_capacity(void)
{
	return m.uart.fifo_enabled ? RV_UART16550_FIFO_SIZE : 1u;
}

static void uart_access(struct fuzz_input *s)
{
	uint8_t kind = fuzz_take_u8(s);
	uint64_t off = kind & 0x40 ? fuzz_take_u8(s) : kind % 8;
	static const unsigned sizes[] = {1, 1, 1, 2, 4, 8};
	unsigned size = sizes[fuzz_take_u8(s) % 6];
	uint8_t v = fuzz_take_u8(s);
	bool valid = size != 8 && off < RV_VIRT_UART0_SIZE && size <= RV_VIRT_UART0_SIZE - off;
	if (kind & 0x80) {
		bool dlab = m.uart.lcr & 0x80;
		if (valid && off == 0 && !dlab && !(m.uart.mcr & UART_MCR_LOOP) && m.tx_written < MAX_OPS)
			m.tx[m.tx_written++] = v;
		CHECK((rv_uart16550_mmio_ops.write(&m.uart, off, size, v) == RV_MMIO_OK) == valid);
		return;
	}
	uint64_t got = 0xdead;
	bool had_byte = m.uart.rx_count > 0;
	CHECK((rv_uart16550_mmio_ops.read(&m.uart, off, size, &got) == RV_MMIO_OK) == valid);
	if (!valid)
		return;
	CHECK(got <= 0xff);
	if (off >= 8)
		CHECK(got == 0);
	if (off == UART_LSR) {
		CHECK((got & (UART_LSR_THRE | UART_LSR_TEMT)) == (UART_LSR_THRE | UART_LSR_TEMT));
		CHECK(((got & UART_LSR_DR) != 0) == had_byte);
	}
	if (off == UART_IIR) {
		uint8_t id = got & 0x0f;
		CHECK(id == 0x01 || id == 0x00 || id == 0x02 || id == 0x04 || id == 0x06);
		CHECK((got & 0xf0) == (m.uart.fifo_enabled ? 0xc0u : 0u));
	}
}

static void uart_check(void)
{
	CHECK(m.uart.rx_count <= uart_capacity());
	CHECK(m.tx_seen == m.tx_written);
	/* the line (which is PLIC source UART_SRC) is high exactly when IIR would report an interrupt; read IIR
	 * without its side effect through a copy */
	struct rv_uart16550 copy = m.uart;
	copy.hooks.tx = NULL;
	copy.hooks.rx_space = NULL;
	copy.irq.set = NULL;
	uint64_t iir = 0;
	CHECK(rv_uart16550_mmio_ops.read(&copy, UART_IIR, 1, &iir) == RV_MMIO_OK);
	CHECK(m.ps.level[UART_SRC] == ((iir & 1) == 0));
}

static void uart_irq(void *ctx, unsigned line, bool level)
{
	(void)ctx;
	CHECK(line == UART_SRC);
	plic_set_source(line, level);
}

static void reset_all(struct fuzz_input *s)
{
	memset(&m, 0, sizeof(m));
	uint8_t harts = fuzz_take_u8(s);
	/* few harts mostly (the checks are per context), all of them now and then */
	m.harts = 1 + (harts >= 0xf0 ? harts % RV_VIRT_MAX_HARTS : harts % 4);
	struct rv_plic_hooks ph = {NULL, set_context};
	CHECK(rv_plic_init(&m.plic, m.harts, &ph));
	m.ps.contexts = 2 * m.harts;
	m.clock = fuzz_take_bytes(s, 4);
	struct rv_clint_hooks ch = {NULL, clock_hook, set_msip, mtimecmp_changed, NULL};
	CHECK(rv_clint_init(&m.clint, m.harts, &ch));
	for (unsigned h = 0; h < RV_VIRT_MAX_HARTS; h++)
		m.mtimecmp[h] = RV_CLINT_MTIMECMP_RESET;
	struct rv_uart16550_hooks uh = {NULL, uart_tx, uart_rx_space};
	struct rv_irq_line line = {uart_irq, NULL, UART_SRC};
	rv_uart16550_init(&m.uart, &uh, &line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input s = fuzz_input_init(data, size);
	reset_all(&s);
	for (unsigned n = 0; n < MAX_OPS && s.pos < s.size; n++) {
		uint8_t op = fuzz_take_u8(&s);
		switch (op % 8) {
		case 0:
		case 1: plic_access(&s); break;
		case 2: { /* a device line (not the UART's: the UART drives its own) */
			unsigned src = fuzz_take_u8(&s) % (RV_VIRT_PLIC_SOURCES + 4);
			if (src != UART_SRC)
				plic_set_source(src, fuzz_take_u8(&s) & 1);
			break;
		}
		case 3: clint_access(&s); break;
		case 4: m.clock += fuzz_take_bytes(&s, 2); break; /* time passes */
		case 5:
		case 6: uart_access(&s); break;
		default: { /* console input */
			uint8_t byte = fuzz_take_u8(&s);
			bool loop = m.uart.mcr & UART_MCR_LOOP;
			bool room = m.uart.rx_count < uart_capacity();
			bool took = rv_uart16550_receive(&m.uart, byte);
			CHECK(took == (loop || room));
			if (!took)
				m.uart_refused = true;
			break;
		}
		}
		plic_check();
		uart_check();
		CHECK(rv_clint_mtime(&m.clint) == m.clock + m.mtime_offset);
		for (unsigned h = 0; h < RV_VIRT_MAX_HARTS; h++)
			CHECK(rv_clint_mtimecmp(&m.clint, h) ==
			      (h < m.harts ? m.mtimecmp[h] : RV_CLINT_MTIMECMP_RESET));
	}
	return 0;
}
