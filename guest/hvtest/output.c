/* hvtest's output: formatted lines on the console, one result line per case, group lines that tell the
 * cross-engine comparison which cases are shared (hvtest.h), and the summary. */
#include <stdarg.h>
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/fmt.h"

static unsigned passed, failed, case_no;

static void putc_cb(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		console_putc('\r');
	console_putc(c);
}

void out_init(uint64_t uart_base)
{
	console_init(uart_base);
}

void out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	k_vformat(putc_cb, 0, fmt, ap);
	va_end(ap);
}

void case_group(const char *name, enum case_scope scope)
{
	out("HVTEST-GROUP name=%s scope=%s\n", name, scope == SCOPE_SHARED ? "shared" : "arch");
}

void check(bool ok, const char *what, const char *fmt, ...)
{
	case_no++;
	if (ok) {
		passed++;
		out("HVTEST PASS %u %s\n", case_no, what);
		return;
	}
	failed++;
	char detail[160];
	va_list ap;
	va_start(ap, fmt);
	k_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	out("HVTEST FAIL %u %s: %s\n", case_no, what, detail);
}

void check_eq(const char *what, uint64_t got, uint64_t want)
{
	check(got == want, what, "got %#llx, want %#llx", (unsigned long long)got, (unsigned long long)want);
}

unsigned cases_failed(void)
{
	return failed;
}

void report_end(void)
{
	out("HVTEST-END name=%s passed=%u failed=%u\n", plat.name, passed, failed);
	out("%u passed, %u failed\n", passed, failed);
}
