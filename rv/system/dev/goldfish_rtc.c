/* Goldfish RTC model (see goldfish_rtc.h). Register offsets are those of the goldfish virtual hardware
 * description that Linux's rtc-goldfish driver and QEMU's model follow. */
#include "rv/system/dev/goldfish_rtc.h"

#include <string.h>

#include "rv/system/virt_map.h"

#define RTC_TIME_LOW        0x00u /* read: time's low half, latching the high half; write: set time */
#define RTC_TIME_HIGH       0x04u /* read: the latched high half; write: high half for the next TIME_LOW */
#define RTC_ALARM_LOW       0x08u /* write: low half of the alarm, and arm it */
#define RTC_ALARM_HIGH      0x0cu /* write: high half of the alarm */
#define RTC_IRQ_ENABLED     0x10u
#define RTC_CLEAR_ALARM     0x14u /* write: disarm */
#define RTC_ALARM_STATUS    0x18u /* read: 1 while armed */
#define RTC_CLEAR_INTERRUPT 0x1cu /* write: lower the interrupt */
#define RTC_REG_SIZE        4u
#define RTC_IRQ_ENABLED_BIT 1u

static void update_irq(struct rv_goldfish_rtc *rtc)
{
	bool level = rtc->irq_pending && rtc->irq_enabled;
	if (level == rtc->irq_level)
		return;
	rtc->irq_level = level;
	rv_irq_line_set(&rtc->irq, level);
}

static void alarm_changed(struct rv_goldfish_rtc *rtc)
{
	if (rtc->hooks.alarm_changed)
		rtc->hooks.alarm_changed(rtc->hooks.ctx);
}

bool rv_goldfish_rtc_init(struct rv_goldfish_rtc *rtc, const struct rv_goldfish_rtc_hooks *hooks,
                          const struct rv_irq_line *irq)
{
	if (!hooks || !hooks->now_ns)
		return false;
	memset(rtc, 0, sizeof(*rtc));
	rtc->hooks = *hooks;
	if (irq)
		rtc->irq = *irq;
	return true;
}

uint64_t rv_goldfish_rtc_time(const struct rv_goldfish_rtc *rtc)
{
	return rtc->hooks.now_ns(rtc->hooks.ctx) + rtc->offset_ns;
}

/* Fires the alarm if due; returns true if it did. */
static bool fire_if_due(struct rv_goldfish_rtc *rtc)
{
	if (!rtc->alarm_armed || rv_goldfish_rtc_time(rtc) < rtc->alarm_due_ns)
		return false;
	rtc->alarm_armed = false;
	rtc->irq_pending = true;
	update_irq(rtc);
	return true;
}

void rv_goldfish_rtc_poll(struct rv_goldfish_rtc *rtc)
{
	fire_if_due(rtc);
}

bool rv_goldfish_rtc_alarm(const struct rv_goldfish_rtc *rtc, uint64_t *when_ns)
{
	if (!rtc->alarm_armed)
		return false;
	uint64_t host = rtc->hooks.now_ns(rtc->hooks.ctx), guest = host + rtc->offset_ns;
	/* Counted from now rather than as due - offset: the offset may be "negative" (a guest clock set
	 * behind the host's) and the difference is what the machine sleeps. */
	*when_ns = guest >= rtc->alarm_due_ns ? host : host + (rtc->alarm_due_ns - guest);
	return true;
}

/* ---- MMIO ---- */

static bool access_ok(uint64_t offset, unsigned size)
{
	return size == RTC_REG_SIZE && offset % RTC_REG_SIZE == 0 && offset < RV_VIRT_RTC_SIZE;
}

static enum rv_mmio_result rtc_read(void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
	struct rv_goldfish_rtc *rtc = ctx;
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	uint32_t v = 0;
	switch (offset) {
	case RTC_TIME_LOW: {
		/* The high half is latched so that a TIME_LOW, TIME_HIGH pair reads one consistent time. */
		uint64_t t = rv_goldfish_rtc_time(rtc);
		rtc->time_high = (uint32_t)(t >> 32);
		v = (uint32_t)t;
		break;
	}
	case RTC_TIME_HIGH: v = rtc->time_high; break;
	case RTC_ALARM_LOW: v = (uint32_t)rtc->alarm_reg; break;
	case RTC_ALARM_HIGH: v = (uint32_t)(rtc->alarm_reg >> 32); break;
	case RTC_IRQ_ENABLED: v = rtc->irq_enabled; break;
	case RTC_ALARM_STATUS: v = rtc->alarm_armed; break;
	default: break; /* write-only and unknown registers read 0 */
	}
	*value = v;
	return RV_MMIO_OK;
}

static void set_time(struct rv_goldfish_rtc *rtc, uint32_t low)
{
	uint64_t t = (uint64_t)rtc->time_high << 32 | low;
	rtc->offset_ns = t - rtc->hooks.now_ns(rtc->hooks.ctx);
	/* Setting the clock past an armed alarm makes it due now; in any case its host due time moved. */
	if (!rtc->alarm_armed)
		return;
	fire_if_due(rtc);
	alarm_changed(rtc);
}

static void arm_alarm(struct rv_goldfish_rtc *rtc, uint32_t low)
{
	rtc->alarm_reg = (rtc->alarm_reg & ~0xffffffffull) | low;
	rtc->alarm_due_ns = rtc->alarm_reg;
	rtc->alarm_armed = true;
	/* An alarm set in the past fires at once. */
	fire_if_due(rtc);
	alarm_changed(rtc);
}

static enum rv_mmio_result rtc_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	struct rv_goldfish_rtc *rtc = ctx;
	if (!access_ok(offset, size))
		return RV_MMIO_ERROR;
	uint32_t v = (uint32_t)value;
	switch (offset) {
	case RTC_TIME_LOW: set_time(rtc, v); break;
	case RTC_TIME_HIGH: rtc->time_high = v; break;
	case RTC_ALARM_LOW: arm_alarm(rtc, v); break;
	case RTC_ALARM_HIGH: rtc->alarm_reg = (rtc->alarm_reg & 0xffffffffull) | (uint64_t)v << 32; break;
	case RTC_IRQ_ENABLED:
		rtc->irq_enabled = v & RTC_IRQ_ENABLED_BIT;
		update_irq(rtc);
		break;
	case RTC_CLEAR_ALARM:
		if (rtc->alarm_armed) {
			rtc->alarm_armed = false;
			alarm_changed(rtc);
		}
		break;
	case RTC_CLEAR_INTERRUPT:
		rtc->irq_pending = false;
		update_irq(rtc);
		break;
	default: break; /* read-only and unknown registers ignore writes */
	}
	return RV_MMIO_OK;
}

const struct rv_mmio_ops rv_goldfish_rtc_mmio_ops = {
    .read = rtc_read,
    .write = rtc_write,
};
