/* Hypervisor messages on the physical console. Every line starts with "karasu: " or, for messages about a
 * guest vCPU, with "karasu: [guest/vcpu] ". Lines go through the console multiplexer (console_port.h), so
 * they never mix with guest output. */
#ifndef KARASU_HV_CORE_LOG_H
#define KARASU_HV_CORE_LOG_H

#include <stdarg.h>

struct vcpu;

void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hv_vlog(const char *prefix, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* A message about a guest vCPU: "karasu: [guest/N] ...". */
void hv_guest_log(const struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the message and stops this PE. */
_Noreturn void hv_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Raw UART output lock, for output before the console multiplexer is up. */
void log_lock(void);
void log_unlock(void);
/* Emits one character to the UART, turning "\n" into "\r\n". */
void log_putc_raw(char c);
/* Locking is enabled once the MMU is on (exclusives need cacheable memory); until then only the boot PE
 * runs. */
void log_enable_locking(void);

#endif
