#include "hv/core/console_port.h"

#include <stdbool.h>

#include "hv/arch/arm64/cpu.h"
#include "hv/base/log.h"
#include "hv/base/percpu.h"
#include "hv/base/spinlock.h"
#include "hv/core/devices/uart.h"
#include "hv/core/irq.h"
#include "hv/core/partition.h"
#include "hv/core/platform.h"
#include "hv/core/tick.h"
#include "hv/drivers/gic.h"
#include "hv/drivers/pl011.h"
#include "lib/console_mux.h"
#include "lib/fmt.h"
#include "lib/mem.h"

#define INPUT_QUEUE           64u
#define PARTIAL_LINE_FLUSH_MS 200u

static struct console_mux con;
static struct spinlock con_lock = SPINLOCK_INIT(LOCK_CLASS_CONSOLE);
static bool ready;

/* Work queued while the console lock is held (see the header). */
static struct {
	char input[INPUT_QUEUE];
	unsigned input_guest[INPUT_QUEUE];
	unsigned ninput;
	uint32_t boot_mask;
	uint32_t poweroff_mask;
} deferred;

/* The console's output is queued in a ring under the console lock and written to the UART after it is
 * released, by one PE at a time: whichever holds the output lock writes what every PE queued, and a PE that
 * finds it taken leaves its text to the holder instead of waiting. Writing a line costs two UART register
 * accesses per byte, and under QEMU each takes the emulator's global lock: while the UART was written under the
 * console lock, every vCPU that printed or took the console tick spun behind it, and with more vCPU threads than
 * host CPUs those spinners starved the writer (a guest next to noisy neighbours took 55 s instead of 1-3 s). */
#define OUT_RING_BYTES 16384u /* a power of two */
static char out_ring[OUT_RING_BYTES];
static uint32_t out_head; /* bytes queued, ever (written under the console lock) */
static uint32_t out_tail; /* bytes written out, ever (written under out_lock) */
static struct spinlock out_lock = SPINLOCK_INIT(LOCK_CLASS_LOG_OUTPUT);

/* Writes out what is queued; call with out_lock held. */
static void write_queued(void)
{
	for (;;) {
		uint32_t head = __atomic_load_n(&out_head, __ATOMIC_ACQUIRE);
		uint32_t tail = out_tail;
		if (head == tail)
			return;
		uint32_t at = tail % OUT_RING_BYTES;
		uint32_t n = head - tail;
		if (n > OUT_RING_BYTES - at)
			n = OUT_RING_BYTES - at; /* up to the end of the ring; the rest on the next turn */
		log_write_raw(out_ring + at, n);
		__atomic_store_n(&out_tail, tail + n, __ATOMIC_RELEASE);
	}
}

/* After the console lock is released: writes the queue out unless another PE is doing so. The holder looks at
 * the queue again after releasing out_lock, and a PE that queued text looks at out_lock after queueing it (both
 * with a full barrier in between): one of the two always sees the other, so no text is left behind. */
static void drain_output(void)
{
	for (;;) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&out_head, __ATOMIC_ACQUIRE) ==
		    __atomic_load_n(&out_tail, __ATOMIC_ACQUIRE))
			return;
		if (!spin_trylock(&out_lock))
			return; /* its holder writes our text too */
		write_queued();
		spin_unlock(&out_lock);
	}
}

void console_port_flush(void)
{
	spin_lock(&out_lock);
	write_queued();
	spin_unlock(&out_lock);
}

/* Under the console lock. A full ring is written out here, in order, before more is queued (it holds 16 KiB:
 * only a console flood, while another PE writes, gets here). */
static void hook_write(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	while (len > 0) {
		uint32_t used = out_head - __atomic_load_n(&out_tail, __ATOMIC_ACQUIRE);
		if (used == OUT_RING_BYTES) {
			console_port_flush();
			continue;
		}
		uint32_t n = OUT_RING_BYTES - used;
		if (n > len)
			n = (uint32_t)len;
		for (uint32_t i = 0; i < n; i++)
			out_ring[(out_head + i) % OUT_RING_BYTES] = text[i];
		__atomic_store_n(&out_head, out_head + n, __ATOMIC_RELEASE);
		text += n;
		len -= n;
	}
}

static void hook_guest_input(void *ctx, unsigned guest, char c)
{
	(void)ctx;
	if (deferred.ninput < INPUT_QUEUE) {
		deferred.input[deferred.ninput] = c;
		deferred.input_guest[deferred.ninput++] = guest;
	}
}

static unsigned hook_guest_count(void *ctx)
{
	(void)ctx;
	return npartitions;
}

static const char *state_name(enum partition_state s)
{
	switch (s) {
	case PARTITION_RUNNING: return "running";
	case PARTITION_STOPPED: return "off";
	default: return "failed";
	}
}

static bool hook_guest_info(void *ctx, unsigned guest, struct console_guest_info *info)
{
	(void)ctx;
	if (guest >= npartitions || !partitions[guest])
		return false;
	info->name = partitions[guest]->name;
	info->state = state_name(partitions[guest]->state);
	info->cpu_mask = partitions[guest]->cfg->cpu_mask;
	return true;
}

static const char *hook_boot(void *ctx, unsigned guest)
{
	(void)ctx;
	if (guest >= npartitions || !partitions[guest])
		return "no such guest";
	if (partitions[guest]->state == PARTITION_RUNNING)
		return "already running";
	deferred.boot_mask |= 1u << guest;
	return NULL;
}

static const char *hook_poweroff(void *ctx, unsigned guest)
{
	(void)ctx;
	if (guest >= npartitions || !partitions[guest])
		return "no such guest";
	if (partitions[guest]->state != PARTITION_RUNNING)
		return "not running";
	deferred.poweroff_mask |= 1u << guest;
	return NULL;
}

static uint64_t ticks_to_us(uint64_t ticks, uint64_t freq)
{
	return freq ? ticks * 1000000u / freq : 0;
}

/* One line per vCPU: its exits by reason, and the time karasu spent handling them (el2_us, split by cause:
 * what the guest lost to the hypervisor). */
static void print_stats_locked(const struct partition *p)
{
	uint64_t freq = cpu_counter_freq();
	uint64_t uptime_ms = freq ? (cpu_counter() - p->boot_started_ticks) * 1000u / freq : 0;
	for (unsigned c = 0; c < p->nvcpus; c++) {
		const struct vcpu *v = &p->vcpus[c];
		const struct vcpu_stats *s = &v->stats;
		uint64_t sync = 0, el2 = 0;
		for (unsigned ec = 0; ec < EC_COUNT; ec++)
			sync += s->exits_by_ec[ec];
		for (unsigned k = 0; k < EL2_TIME_CLASSES; k++)
			el2 += s->el2_ticks[k];
		console_mux_printf(
		    &con,
		    "karasu: stats %s/%u pe=%u uptime_ms=%llu exits=%llu irq=%llu dabt=%llu mmio=%llu "
		    "hvc=%llu smc=%llu sysreg=%llu wfx=%llu psci=%llu hypercalls=%llu sgi=%llu timer=%llu "
		    "injected=%llu maint=%llu kicks=%llu el2_us=%llu dabt_us=%llu irq_us=%llu sysreg_us=%llu "
		    "call_us=%llu\n",
		    p->name, c, v->pe, (unsigned long long)uptime_ms,
		    (unsigned long long)(sync + s->irq_exits), (unsigned long long)s->irq_exits,
		    (unsigned long long)s->exits_by_ec[EC_DABT_LOWER], (unsigned long long)s->mmio,
		    (unsigned long long)s->exits_by_ec[EC_HVC64],
		    (unsigned long long)s->exits_by_ec[EC_SMC64],
		    (unsigned long long)s->exits_by_ec[EC_SYSREG], (unsigned long long)s->exits_by_ec[EC_WFX],
		    (unsigned long long)s->psci, (unsigned long long)s->hypercalls,
		    (unsigned long long)s->sgis_sent, (unsigned long long)s->timer_irqs,
		    (unsigned long long)v->lrq.injected, (unsigned long long)s->maintenance,
		    (unsigned long long)s->kicks, (unsigned long long)ticks_to_us(el2, freq),
		    (unsigned long long)ticks_to_us(s->el2_ticks[EL2_TIME_DABT], freq),
		    (unsigned long long)ticks_to_us(s->el2_ticks[EL2_TIME_IRQ], freq),
		    (unsigned long long)ticks_to_us(s->el2_ticks[EL2_TIME_SYSREG], freq),
		    (unsigned long long)ticks_to_us(s->el2_ticks[EL2_TIME_CALL], freq));
	}
}

static void hook_stats(void *ctx, struct console_mux *c)
{
	(void)ctx;
	(void)c;
	for (unsigned i = 0; i < npartitions; i++)
		if (partitions[i])
			print_stats_locked(partitions[i]);
}

static uint64_t now_ms(void)
{
	return cpu_uptime_ms();
}

static void lock(void)
{
	spin_lock(&con_lock);
}

/* For every path but input: only console_mux_input queues deferred work (the hooks run from it), and only
 * the input path may run it — a guest's putc path holds that guest's vPL011 lock, which feeding input takes. */
static void unlock(void)
{
	spin_unlock(&con_lock);
	drain_output();
}

/* Releases the console lock, then carries out what the hooks queued (input path only). */
static void unlock_and_run_deferred(void)
{
	char input[INPUT_QUEUE];
	unsigned input_guest[INPUT_QUEUE];
	unsigned n = deferred.ninput;
	k_memcpy(input, deferred.input, n);
	k_memcpy(input_guest, deferred.input_guest, n * sizeof(input_guest[0]));
	uint32_t boot = deferred.boot_mask, off = deferred.poweroff_mask;
	deferred.ninput = 0;
	deferred.boot_mask = deferred.poweroff_mask = 0;
	spin_unlock(&con_lock);
	drain_output();

	for (unsigned i = 0; i < n; i++) {
		struct partition *p = input_guest[i] < npartitions ? partitions[input_guest[i]] : NULL;
		if (!p || p->state != PARTITION_RUNNING)
			continue;
		guest_uart_input(p, (uint8_t)input[i]);
	}
	for (unsigned g = 0; g < npartitions; g++) {
		if ((off & (1u << g)) && partitions[g])
			partition_stop(partitions[g], "console poweroff");
		if ((boot & (1u << g)) && partitions[g] && !partition_start(partitions[g]))
			hv_log("%s: could not be started", partitions[g]->name);
	}
}

/* Whether a guest's partial line still waits to be written (call with the lock held). */
static bool output_pending(void)
{
	for (unsigned g = 0; g < CONSOLE_MAX_GUESTS; g++)
		if (con.guests[g].len > con.guests[g].shown)
			return true;
	return false;
}

static void hv_write(const char *s, size_t len);
static void rx_interrupt(void *ctx, uint32_t intid);

void console_port_init(uint8_t escape_key, unsigned focus)
{
	struct console_hooks hooks = {
	    .ctx = NULL,
	    .write = hook_write,
	    .guest_input = hook_guest_input,
	    .guest_count = hook_guest_count,
	    .guest_info = hook_guest_info,
	    .boot_guest = hook_boot,
	    .poweroff_guest = hook_poweroff,
	    .stats = hook_stats,
	};
	lock();
	if (!console_mux_init(&con, &hooks, escape_key))
		console_mux_printf(&con, "karasu: escape key %#x cannot be used; using Ctrl-]\n", escape_key);
	console_mux_set_focus(&con, focus);
	/* Guest output is one trapped store per byte: with several guests printing at once on a loaded host, a line
	 * can take longer than the default 50 ms to arrive; waiting a little longer keeps lines whole. */
	console_mux_set_flush_delay(&con, PARTIAL_LINE_FLUSH_MS);
	ready = true;
	log_set_sink(hv_write); /* from now on hypervisor lines go through the multiplexer */
	unlock_and_run_deferred();
	if (platform.uart_intid) {
		irq_register(platform.uart_intid, rx_interrupt, 0, IRQ_COMPLETE_FIRST, "console UART");
		gic_enable_spi(platform.uart_intid, this_cpu()->mpidr, false);
		pl011_enable_rx_irq(true);
	}
}

void console_port_guest_putc(unsigned guest, char c)
{
	if (!ready)
		return;
	lock();
	/* Time first: the multiplexer decides from it whether to write the focused guest's echo at once. */
	console_mux_tick(&con, now_ms());
	console_mux_guest_putc(&con, guest, c);
	bool pending = output_pending();
	unlock();
	if (pending)
		hv_tick_arm();
}

/* The log's sink once the console is up: hypervisor text, whole lines. */
static void hv_write(const char *s, size_t len)
{
	lock();
	console_mux_hv_write(&con, s, len);
	unlock();
}

/* The UART receive interrupt: consumes every waiting byte. */
static void rx_interrupt(void *ctx, uint32_t intid)
{
	(void)ctx;
	(void)intid;
	int c;
	lock();
	console_mux_tick(&con, now_ms());
	while ((c = pl011_getc()) >= 0)
		console_mux_input(&con, (char)c);
	unlock_and_run_deferred();
}

bool console_port_poll(void)
{
	if (!ready)
		return false;
	lock();
	console_mux_tick(&con, now_ms());
	bool pending = output_pending();
	unlock();
	return pending;
}

void console_port_print_stats(const struct partition *p)
{
	if (!ready)
		return;
	lock();
	print_stats_locked(p);
	unlock();
}
