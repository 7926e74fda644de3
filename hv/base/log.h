/* Hypervisor messages. Every line starts with "karasu: " (messages about a guest vCPU: "karasu: [guest/vcpu]
 * ", see core/vcpu.h). The logger sits at the bottom of karasu-hv and knows no device: whole lines go to the
 * sink the console installs (log_set_sink), and until there is one, character by character to the raw
 * output the UART driver installs (log_set_output), under the log-output lock. */
#ifndef KARASU_HV_BASE_LOG_H
#define KARASU_HV_BASE_LOG_H

#include <stdarg.h>
#include <stddef.h>

void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hv_vlog(const char *prefix, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The raw character output (the platform UART; NULL: messages are dropped). */
void log_set_output(void (*putc)(char c));
/* The line sink (the console multiplexer), or NULL to go back to raw output. */
void log_set_sink(void (*write)(const char *line, size_t len));
/* Raw output without the lock, "\n" turned into "\r\n": for the console's own writer and for panics. */
void log_write_raw(const char *s, size_t len);

/* What a panic does besides printing: quiesce masks this PE's interrupts before the message, halt stops the
 * machine after it (both may be NULL: then nothing, and a spin). */
void panic_set_hooks(void (*quiesce)(void), void (*halt)(void));
/* Prints "karasu: PANIC on PE n: ..." without taking any lock (the panicking PE may hold it), then halts. */
_Noreturn void hv_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
