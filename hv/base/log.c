/* The logger and panic (log.h). Includes nothing above hv/base: the UART and the console plug in. */
#include "hv/base/log.h"

#include "hv/base/percpu.h"
#include "hv/base/spinlock.h"
#include "lib/fmt.h"

#define LOG_LINE_MAX 320u

static void (*raw_putc)(char c);
static void (*line_sink)(const char *line, size_t len);
static struct spinlock output_lock = SPINLOCK_INIT(LOCK_CLASS_LOG_OUTPUT);
static void (*panic_quiesce)(void);
static void (*panic_halt)(void);

void log_set_output(void (*putc)(char c))
{
	raw_putc = putc;
}

void log_set_sink(void (*write)(const char *line, size_t len))
{
	__atomic_store_n(&line_sink, write, __ATOMIC_RELEASE);
}

static void putc_raw(char c)
{
	if (!raw_putc)
		return;
	if (c == '\n')
		raw_putc('\r');
	raw_putc(c);
}

void log_write_raw(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		putc_raw(s[i]);
}

void hv_vlog(const char *prefix, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n = k_snprintf(line, sizeof(line), "%s", prefix);
	if (n < 0 || (unsigned)n >= sizeof(line) - 2)
		n = 0;
	int m = k_vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2; /* truncated: still end the line */
	line[len++] = '\n';
	line[len] = '\0';
	void (*sink)(const char *, size_t) = __atomic_load_n(&line_sink, __ATOMIC_ACQUIRE);
	if (sink) {
		sink(line, len);
		return;
	}
	spin_lock(&output_lock);
	log_write_raw(line, len);
	spin_unlock(&output_lock);
}

void hv_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hv_vlog("karasu: ", fmt, ap);
	va_end(ap);
}

void panic_set_hooks(void (*quiesce)(void), void (*halt)(void))
{
	panic_quiesce = quiesce;
	panic_halt = halt;
}

static void panic_putc(void *ctx, char c)
{
	(void)ctx;
	putc_raw(c);
}

_Noreturn void hv_panic(const char *fmt, ...)
{
	if (panic_quiesce)
		panic_quiesce();
	va_list ap;
	va_start(ap, fmt);
	k_format(panic_putc, 0, "\nkarasu: PANIC on PE %u: ", percpu_index());
	k_vformat(panic_putc, 0, fmt, ap);
	putc_raw('\n');
	va_end(ap);
	/* Nothing can be trusted any more: switch the machine off rather than leave a test runner waiting for a
	 * timeout (the message above says why). */
	k_format(panic_putc, 0, "karasu: powering off after the panic\n");
	if (panic_halt)
		panic_halt();
	for (;;)
		spin_pause();
}
