/* MMIO emulation of accesses without a syndrome (ISV = 0: pairs, writeback, register offset) and of accesses
 * the devices must refuse (8 bytes on 32-bit registers, misaligned, running off the end of a device). Each
 * must either be emulated exactly (the values match plain single loads) or come back as an abort at EL1:
 * never a karasu crash, never a silently skipped instruction. The vGICD's ID registers and the SPI priority
 * bytes are the targets: reading them has no side effects. Instructions karasu cannot emulate at all
 * (exclusives, SIMD) stop the guest: those are actions (cases_hostile_terminal.c). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define ESR_EC_SHIFT    26
#define ESR_EC_MASK     0x3fu
#define ESR_EC_DABT_CUR 0x25u
#define GICD_CTLR       0x0000u
#define GICD_TYPER      0x0004u
#define GICD_IIDR       0x0008u
#define GICD_IPRIORITYR 0x0400u
#define SPARE_SPI       40u /* no device of the guest uses it */
#define PL011_FR        0x18u
#define PL011_LAST_WORD 0xffcu
#define GICR_TYPER      0x8u
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_FRAME      0x20000ull

static volatile uint32_t *gicd32(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plat.gicd_base + off);
}

static bool faulted_dabt(void)
{
	return last_fault.taken && ((last_fault.esr >> ESR_EC_SHIFT) & ESR_EC_MASK) == ESR_EC_DABT_CUR;
}

static void decoded_loads(void)
{
	uint32_t ctlr = *gicd32(GICD_CTLR), typer = *gicd32(GICD_TYPER), iidr = *gicd32(GICD_IIDR);
	uint64_t base = plat.gicd_base;

	uint32_t a = 0, b = 0;
	expect_fault_begin();
	__asm__ volatile("ldp %w0, %w1, [%2]" : "=&r"(a), "=&r"(b) : "r"(base) : "memory");
	expect_fault_end();
	check(!last_fault.taken && a == ctlr && b == typer,
	      "LDP w, w from GICD_CTLR/TYPER (no syndrome) is decoded: both values match single loads",
	      "got %#x %#x, want %#x %#x%s", a, b, ctlr, typer, last_fault.taken ? " (abort taken)" : "");

	uint64_t x = base + GICD_TYPER;
	a = 0;
	expect_fault_begin();
	__asm__ volatile("ldr %w0, [%1], #4" : "=&r"(a), "+r"(x) : : "memory");
	expect_fault_end();
	check(!last_fault.taken && a == typer && x == base + GICD_IIDR,
	      "LDR post-index from GICD_TYPER: value and base writeback right",
	      "value %#x (want %#x), base %#llx (want %#llx)", a, typer, (unsigned long long)x,
	      (unsigned long long)(base + GICD_IIDR));

	x = base + GICD_TYPER;
	a = 0;
	expect_fault_begin();
	__asm__ volatile("ldr %w0, [%1, #4]!" : "=&r"(a), "+r"(x) : : "memory");
	expect_fault_end();
	check(!last_fault.taken && a == iidr && x == base + GICD_IIDR,
	      "LDR pre-index from GICD_IIDR: value and base writeback right",
	      "value %#x (want %#x), base %#llx", a, iidr, (unsigned long long)x);

	uint64_t idx = GICD_TYPER;
	a = 0;
	expect_fault_begin();
	__asm__ volatile("ldr %w0, [%1, %2]" : "=&r"(a) : "r"(base), "r"(idx) : "memory");
	expect_fault_end();
	check(!last_fault.taken && a == typer, "LDR with a register offset from GICD_TYPER",
	      "value %#x (want %#x)", a, typer);

	/* A sign-extending byte load (syndrome with SSE) of a priority byte holding 0xa0. */
	volatile uint8_t *pb = (volatile uint8_t *)(uintptr_t)(base + GICD_IPRIORITYR + SPARE_SPI);
	uint8_t saved = *pb;
	*pb = 0xa0;
	int64_t sb = 0;
	expect_fault_begin();
	__asm__ volatile("ldrsb %0, [%1]" : "=r"(sb) : "r"(pb) : "memory");
	expect_fault_end();
	*pb = saved;
	check(!last_fault.taken && sb == (int64_t)(int8_t)0xa0,
	      "LDRSB x from a GICD priority byte holding 0xa0 sign-extends to 64 bits", "got %#llx%s",
	      (unsigned long long)sb, last_fault.taken ? " (abort taken)" : "");
}

static void decoded_stores(void)
{
	volatile uint32_t *prio = gicd32(GICD_IPRIORITYR + SPARE_SPI);
	uint32_t saved0 = prio[0], saved1 = prio[1];
	uint32_t v0 = 0xa0a0a0a0u, v1 = 0x80808080u;
	expect_fault_begin();
	__asm__ volatile("stp %w0, %w1, [%2]" : : "r"(v0), "r"(v1), "r"(prio) : "memory");
	expect_fault_end();
	uint32_t r0 = prio[0], r1 = prio[1];
	check(!last_fault.taken && r0 == v0 && r1 == v1,
	      "STP w, w to two GICD_IPRIORITYR words (no syndrome) writes both",
	      "read back %#x %#x, want %#x %#x%s", r0, r1, v0, v1, last_fault.taken ? " (abort taken)" : "");

	uint64_t x = (uintptr_t)prio;
	uint32_t v2 = 0x90909090u;
	expect_fault_begin();
	__asm__ volatile("str %w1, [%0], #4" : "+r"(x) : "r"(v2) : "memory");
	expect_fault_end();
	check(!last_fault.taken && prio[0] == v2 && x == (uintptr_t)prio + 4,
	      "STR post-index to GICD_IPRIORITYR: value and base writeback right",
	      "read back %#x, base %#llx", prio[0], (unsigned long long)x);
	prio[0] = saved0;
	prio[1] = saved1;
}

static void expect_abort(const char *what, void (*access)(uint64_t), uint64_t addr)
{
	expect_fault_begin();
	access(addr);
	expect_fault_end();
	check(faulted_dabt(), what, "%s (ESR_EL1 %#llx)",
	      last_fault.taken ? "wrong exception" : "no exception: the access completed",
	      (unsigned long long)last_fault.esr);
}

static void load64(uint64_t a)
{
	uint64_t v;
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
}
static void store64(uint64_t a)
{
	__asm__ volatile("str %0, [%1]" : : "r"(0x5858585858585858ull), "r"(a) : "memory");
}
static void load32_misaligned(uint64_t a)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a + 2) : "memory");
}
static void ldp64(uint64_t a)
{
	uint64_t v, w;
	__asm__ volatile("ldp %0, %1, [%2]" : "=&r"(v), "=&r"(w) : "r"(a) : "memory");
}
static void ldp32(uint64_t a)
{
	uint32_t v, w;
	__asm__ volatile("ldp %w0, %w1, [%2]" : "=&r"(v), "=&r"(w) : "r"(a) : "memory");
}

/* karasu lets the guest read the vPL011's registers from a read-only page while nothing waits in its receive
 * FIFO (reads then have no side effects; only writes trap). A misaligned load from it is then an access to
 * Device memory: an alignment fault on hardware, but QEMU 7.2's TCG lets it complete. Either is right as long
 * as a completed load returns exactly the bytes at FR+2..FR+5 (what two aligned loads read there). */
static void misaligned_uart_read(void)
{
	volatile uint32_t *fr = (volatile uint32_t *)(uintptr_t)(plat.uart_base + PL011_FR);
	uint32_t lo = fr[0], hi = fr[1];
	uint32_t want = (lo >> 16) | (hi << 16), got = 0;
	expect_fault_begin();
	__asm__ volatile("ldr %w0, [%1]" : "=r"(got) : "r"(plat.uart_base + PL011_FR + 2) : "memory");
	expect_fault_end();
	check(faulted_dabt() || (!last_fault.taken && got == want),
	      "misaligned 32-bit load from the vPL011 FR+2 -> abort at EL1, or exactly the bytes there",
	      "%s (ESR_EL1 %#llx), read %#x, the bytes there are %#x",
	      last_fault.taken ? "wrong exception" : "completed", (unsigned long long)last_fault.esr, got,
	      want);
}

static void refused(void)
{
	expect_abort("8-byte load of the 32-bit GICD_CTLR -> abort at EL1", load64,
	             plat.gicd_base + GICD_CTLR);
	expect_abort("8-byte store to the vPL011 data register -> abort at EL1 (nothing printed)", store64,
	             plat.uart_base);
	expect_abort("misaligned 32-bit load from GICD_TYPER+2 -> abort at EL1", load32_misaligned,
	             plat.gicd_base + GICD_TYPER);
	misaligned_uart_read();
	expect_abort("LDP x, x (two 8-byte loads, no syndrome) on GICD_CTLR -> abort at EL1", ldp64,
	             plat.gicd_base + GICD_CTLR);
	expect_abort("LDP w, w on the vPL011's last word (the second half leaves the device) -> abort", ldp32,
	             plat.uart_base + PL011_LAST_WORD);
}

/* GICv2: the banked GICD_ITARGETSR0-7 read as the accessing CPU interface's own bit (vCPU 0: bit 0 in every
 * byte), and the guest's GICC is karasu's window on the virtual CPU interface: its GICC_IIDR (0xfc) is the
 * hardware's, non-zero, and reading it costs no exit. */
#define GICD_ITARGETSR 0x0800u
#define GICC_IIDR      0x00fcu
static void gicv2_banked(void)
{
	uint32_t t0 = *gicd32(GICD_ITARGETSR), t7 = *gicd32(GICD_ITARGETSR + 28);
	check(t0 == 0x01010101u && t7 == 0x01010101u,
	      "GICv2: GICD_ITARGETSR0/7 read as vCPU 0's own CPU interface bit in every byte",
	      "ITARGETSR0 %#x, ITARGETSR7 %#x", t0, t7);
	uint32_t iidr = *(volatile uint32_t *)(uintptr_t)(plat.gicc_base + GICC_IIDR);
	check(iidr != 0, "GICv2: the GICC window is a real (virtual) CPU interface: GICC_IIDR is not zero",
	      "GICC_IIDR %#x", iidr);
}

static void redistributors(void)
{
	if (gic_is_v2()) {
		gicv2_banked();
		return;
	}
	uint64_t last = plat.gicr_base + (uint64_t)(plat.ncpus - 1) * GICR_FRAME;
	volatile uint64_t *t = (volatile uint64_t *)(uintptr_t)(last + GICR_TYPER);
	uint32_t lo = ((volatile uint32_t *)t)[0];
	check(lo & GICR_TYPER_LAST,
	      "the last vCPU's GICR_TYPER has Last set (no frames beyond the partition)",
	      "GICR_TYPER low %#x", lo);
}

void cases_hostile_mmio(void)
{
	out("hvtest: hostile: MMIO emulation\n");
	decoded_loads();
	decoded_stores();
	refused();
	redistributors();
}
