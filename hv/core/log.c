#include "hv/core/log.h"

#include <stdbool.h>

#include "hv/arch/arm64/sysreg.h"
#include "hv/arch/arm64/firmware.h"
#include "hv/core/console_port.h"
#include "hv/core/partition.h"
#include "hv/core/percpu.h"
#include "hv/core/spinlock.h"
#include "hv/drivers/pl011.h"
#include "lib/fmt.h"

#define LOG_LINE_MAX 320u

static struct spinlock output_lock = SPINLOCK_INIT;
static bool locking;

void log_enable_locking(void)
{
	locking = true;
}

void log_lock(void)
{
	if (locking)
		spin_lock(&output_lock);
}

void log_unlock(void)
{
	if (locking)
		spin_unlock(&output_lock);
}

void log_putc_raw(char c)
{
	if (c == '\n')
		pl011_putc('\r');
	pl011_putc(c);
}

static void putc_cb(void *ctx, char c)
{
	(void)ctx;
	log_putc_raw(c);
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
	console_port_hv_write(line, len);
}

void hv_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hv_vlog("karasu: ", fmt, ap);
	va_end(ap);
}

void hv_guest_log(const struct vcpu *v, const char *fmt, ...)
{
	char prefix[KARASU_CFG_NAME_MAX + 24];
	k_snprintf(prefix, sizeof(prefix), "karasu: [%s/%u] ", v->part->name, v->index);
	va_list ap;
	va_start(ap, fmt);
	hv_vlog(prefix, fmt, ap);
	va_end(ap);
}

_Noreturn void hv_panic(const char *fmt, ...)
{
	irq_disable();
	va_list ap;
	va_start(ap, fmt);
	/* No lock: the panicking PE may hold it. */
	k_format(putc_cb, 0, "\nkarasu: PANIC on PE %u: ", percpu_index());
	k_vformat(putc_cb, 0, fmt, ap);
	log_putc_raw('\n');
	va_end(ap);
	/* Nothing can be trusted any more: switch the machine off rather than leave a test runner waiting for a
	 * timeout (the message above says why). */
	k_format(putc_cb, 0, "karasu: powering off after the panic\n");
	firmware_system_off();
}
