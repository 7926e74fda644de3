/* The goldfish real-time clock ("google,goldfish-rtc") as Linux's rtc-goldfish driver and QEMU's model
 * use it: a 64-bit nanosecond wall clock read and set in two 32-bit halves, and a one-shot alarm with an
 * interrupt.
 *
 * The clock is the host's realtime clock (the now_ns hook) plus an offset that the guest's writes set.
 * The model has no timer: the machine asks rv_goldfish_rtc_alarm when the alarm is due (in the hook's
 * time) and calls rv_goldfish_rtc_poll then; the alarm_changed hook tells it to ask again.
 *
 * Pure model: not thread-safe (the bus serializes, see rv/system/mmio.h). */
#ifndef KARASU_RV_SYSTEM_DEV_GOLDFISH_RTC_H
#define KARASU_RV_SYSTEM_DEV_GOLDFISH_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "rv/system/mmio.h"

struct rv_goldfish_rtc_hooks {
	void *ctx;
	/* Host realtime in nanoseconds since the Unix epoch. Must be set. */
	uint64_t (*now_ns)(void *ctx);
	/* The alarm was armed, disarmed or its due time moved (the guest set the clock): the machine calls
	 * rv_goldfish_rtc_alarm again to reschedule its wake-up. Called from inside the guest's access. May
	 * be NULL (then the machine must poll on its own). */
	void (*alarm_changed)(void *ctx);
};

struct rv_goldfish_rtc {
	struct rv_goldfish_rtc_hooks hooks;
	struct rv_irq_line irq;
	uint64_t offset_ns;    /* guest time = now_ns + offset_ns (modulo 2^64) */
	uint32_t time_high;    /* TIME_HIGH: latched by a TIME_LOW read, or written before TIME_LOW */
	uint64_t alarm_reg;    /* ALARM_HIGH:ALARM_LOW as last written */
	uint64_t alarm_due_ns; /* guest time at which the armed alarm fires */
	bool alarm_armed;      /* ALARM_STATUS */
	bool irq_enabled;      /* IRQ_ENABLED */
	bool irq_pending;      /* the alarm fired and CLEAR_INTERRUPT has not been written since */
	bool irq_level;        /* what the output line was last set to */
};

/* Resets the RTC (guest time = host time, no alarm, interrupt disabled) and installs hooks and line.
 * Returns false when the now_ns hook is missing. */
bool rv_goldfish_rtc_init(struct rv_goldfish_rtc *rtc, const struct rv_goldfish_rtc_hooks *hooks,
                          const struct rv_irq_line *irq);

/* The guest's current time in nanoseconds. */
uint64_t rv_goldfish_rtc_time(const struct rv_goldfish_rtc *rtc);

/* Fires the alarm if it is armed and due: it disarms, and the interrupt becomes pending (the line goes
 * high while IRQ_ENABLED). */
void rv_goldfish_rtc_poll(struct rv_goldfish_rtc *rtc);

/* True when an alarm is armed; then *when_ns is the host time (the now_ns hook's) at which it is due
 * (now, if it is already due). */
bool rv_goldfish_rtc_alarm(const struct rv_goldfish_rtc *rtc, uint64_t *when_ns);

/* MMIO: 4-byte aligned accesses only (anything else is an error); unknown offsets read 0 and ignore
 * writes. ctx is the struct rv_goldfish_rtc. */
extern const struct rv_mmio_ops rv_goldfish_rtc_mmio_ops;

#endif
