/* How a privileged-architecture test reports its result: a line on the ns16550a console, then both
 * machine-level channels, so that either kind of runner sees it:
 *   - the HTIF `tohost` word (1 = pass, (n << 1) | 1 = case n failed), which karasu-rv watches;
 *   - the SiFive test finisher (0x5555 = pass, (n << 16) | 0x3333 = fail with code n), which ends
 *     QEMU's virt with exit status 0 or n.
 * A failure code is never 0 (QEMU would exit with status 0 and tohost would read as a pass): a case
 * number outside 1..254 is reported as 255. */
#include <stdint.h>

#include "guest/rv/priv/env/priv_defs.h"

#define FAIL_CODE_OTHER 255
#define FAIL_CODE_MAX   254

/* Reasons passed by entry.S. */
#define REASON_CHECK   0 /* a value differed from the expected one */
#define REASON_NO_TRAP 1 /* a trap or interrupt that had to happen did not */

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

/* Defined by every test through PRIV_TEST_NAME (privtest.inc). */
extern const char priv_test_name[];

void env_fail(uint64_t reason, uint64_t found, uint64_t expected, uint64_t case_no) __attribute__((noreturn));
void env_unexpected_trap(uint64_t mode, uint64_t case_no) __attribute__((noreturn));
void env_final_failure(void) __attribute__((noreturn));
void env_pass(uint64_t last_case) __attribute__((noreturn));

static volatile uint64_t *hart_block(void)
{
	volatile uint64_t *block;

	__asm__ volatile("mv %0, tp" : "=r"(block));
	return block;
}

static uint64_t hb_field(unsigned offset)
{
	return hart_block()[offset / sizeof(uint64_t)];
}

static void uart_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;

	while (!(uart[UART_LSR] & UART_LSR_THRE)) {
	}
	uart[UART_THR] = (uint8_t)c;
}

static void print(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

static void print_hex(uint64_t v)
{
	print("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void print_dec(uint64_t v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	print(&buf[i]);
}

static void print_field(const char *name, uint64_t v)
{
	print(name);
	print_hex(v);
}

static uint64_t fail_code(uint64_t case_no)
{
	return (case_no >= 1 && case_no <= FAIL_CODE_MAX) ? case_no : FAIL_CODE_OTHER;
}

static void __attribute__((noreturn)) finish(uint64_t tohost_value, uint32_t finisher_value)
{
	volatile uint32_t *finisher = (volatile uint32_t *)VIRT_TEST_BASE;

	tohost = tohost_value;
	__asm__ volatile("fence" ::: "memory");
	*finisher = finisher_value;
	for (;;)
		__asm__ volatile("wfi");
}

static void __attribute__((noreturn)) finish_failure(uint64_t code)
{
	finish((code << 1) | 1, (uint32_t)(code << VIRT_TEST_CODE_SHIFT) | VIRT_TEST_FAIL);
}

static void print_last_trap(void)
{
	print("  last recorded trap (");
	print_dec(hb_field(HB_COUNT));
	print(" so far): handler ");
	print(hb_field(HB_MODE) == PRV_M ? "M" : hb_field(HB_MODE) == PRV_S ? "S" : "none");
	print_field(" cause=", hb_field(HB_CAUSE));
	print_field(" epc=", hb_field(HB_EPC));
	print_field(" tval=", hb_field(HB_TVAL));
	print_field("\n  status=", hb_field(HB_STATUS));
	print_field(" ip=", hb_field(HB_IP));
	print("\n");
}

/* Marks the block as failing first: a trap while printing ends the run through env_final_failure. */
static void begin_failure(uint64_t case_no)
{
	hart_block()[HB_FAILING / sizeof(uint64_t)] = fail_code(case_no);
	print("FAIL ");
	print(priv_test_name);
	print(" case ");
	print_dec(case_no);
	print(" (hart ");
	print_dec(hb_field(HB_HARTID));
	print("): ");
}

void env_fail(uint64_t reason, uint64_t found, uint64_t expected, uint64_t case_no)
{
	begin_failure(case_no);
	if (reason == REASON_CHECK) {
		print_field("found ", found);
		print_field(", expected ", expected);
		print("\n");
	} else {
		print("an expected trap or interrupt did not happen\n");
	}
	print_last_trap();
	finish_failure(fail_code(case_no));
}

void env_unexpected_trap(uint64_t mode, uint64_t case_no)
{
	begin_failure(case_no);
	print("unexpected trap taken by the ");
	print(mode == PRV_M ? "M" : "S");
	print("-mode handler\n");
	print_last_trap();
	finish_failure(fail_code(case_no));
}

void env_final_failure(void)
{
	finish_failure(hb_field(HB_FAILING));
}

void env_pass(uint64_t last_case)
{
	print("PASS ");
	print(priv_test_name);
	print(" (last case ");
	print_dec(last_case);
	if (hb_field(HB_SKIPPED)) {
		print("; ");
		print_dec(hb_field(HB_SKIPPED));
		print(" check(s) of the spec skipped: QEMU 7.2 deviates there");
	}
	print(")\n");
	finish(1, VIRT_TEST_PASS);
}
