/* Assembling a `virt` machine from its configuration: RAM, harts, the devices on the bus and the wires
 * between them (interrupt lines into the PLIC, the PLIC's and CLINT's outputs into the harts' mip, the
 * UART to the console, DMA into RAM), the timer service, the boot payload; then running it until it
 * stops. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "rv/system/boot.h"
#include "rv/system/console.h"
#include "rv/system/dev/clint.h"
#include "rv/system/dev/goldfish_rtc.h"
#include "rv/system/dev/plic.h"
#include "rv/system/dev/sifive_test.h"
#include "rv/system/dev/uart16550.h"
#include "rv/system/dev/virtio_slot.h"
#include "rv/system/machine.h"
#include "rv/system/run.h"
#include "rv/system/timer.h"

/* The devices of one machine (machine.h points into this). */
struct devices {
	struct rv_plic plic;
	struct rv_clint clint;
	struct rv_uart16550 uart;
	struct rv_sifive_test test;
	struct rv_goldfish_rtc rtc;
	struct rv_virtio_disk disks[RV_VIRT_VIRTIO_SLOTS];
	bool disk_open[RV_VIRT_VIRTIO_SLOTS];
	struct rv_timer_service timer;
};

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void rv_machine_stop(struct rv_machine *m, enum rv_machine_state why, int exit_code)
{
	pthread_mutex_lock(&m->state_lock);
	if (m->state == RV_MACHINE_RUNNING) {
		m->exit_code = exit_code;
		__atomic_store_n(&m->state, (int)why, __ATOMIC_RELEASE);
		for (unsigned i = 0; i < m->n_harts; i++)
			rv_hart_request(&m->harts[i], RV_REQ_HALT);
		pthread_cond_broadcast(&m->state_cond);
	}
	pthread_mutex_unlock(&m->state_lock);
}

/* ---- wires ---- */

/* A device's interrupt line into PLIC source `line` (under the PLIC's region lock). */
static void plic_line(void *ctx, unsigned line, bool level)
{
	struct rv_machine *m = ctx;
	rv_bus_lock(m->plic_region);
	rv_plic_set_source(m->plic, line, level);
	rv_bus_unlock(m->plic_region);
}

static struct rv_irq_line irq_to_plic(struct rv_machine *m, unsigned src)
{
	struct rv_irq_line l = {.set = plic_line, .ctx = m, .line = src};
	return l;
}

/* PLIC context 2h is hart h's M-mode external interrupt, 2h + 1 its S-mode one. */
static void plic_context(void *ctx, unsigned context, bool level)
{
	struct rv_machine *m = ctx;
	unsigned hart = context / 2;
	if (hart < m->n_harts)
		rv_hart_set_mip_hw(&m->harts[hart], (context & 1) ? MIP_SEIP : MIP_MEIP, level);
}

static uint64_t clint_clock(void *ctx)
{
	return rv_machine_raw_time(ctx);
}

static void clint_msip(void *ctx, unsigned hart, bool level)
{
	struct rv_machine *m = ctx;
	if (hart < m->n_harts)
		rv_hart_set_mip_hw(&m->harts[hart], MIP_MSIP, level);
}

static void clint_mtimecmp(void *ctx, unsigned hart, uint64_t value)
{
	struct rv_machine *m = ctx;
	rv_timer_set_mtimecmp(m->timer, hart, value);
}

static void clint_mtime(void *ctx)
{
	/* the firmware set mtime: the time CSR follows it (called under the CLINT's lock) */
	struct rv_machine *m = ctx;
	__atomic_store_n(&m->time_offset, rv_clint_mtime(m->clint) - rv_machine_raw_time(m),
	                 __ATOMIC_RELEASE);
	rv_machine_timer_changed(m);
}

static void test_finish(void *ctx, enum rv_sifive_test_kind kind, uint32_t code)
{
	struct rv_machine *m = ctx;
	switch (kind) {
	case RV_SIFIVE_TEST_POWER_OFF: rv_machine_stop(m, RV_MACHINE_POWEROFF, 0); break;
	case RV_SIFIVE_TEST_RESET: rv_machine_stop(m, RV_MACHINE_RESET, 0); break;
	case RV_SIFIVE_TEST_FAILURE:
		/* the status is the guest's code; a code the shell would see as 0 becomes 1 */
		rv_machine_stop(m, RV_MACHINE_POWEROFF, (code & 0xff) ? (int)(code & 0xff) : 1);
		break;
	}
}

static uint64_t rtc_now(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void rtc_fire(void *ctx)
{
	struct rv_machine *m = ctx;
	rv_bus_lock(m->rtc_region);
	rv_goldfish_rtc_poll(m->rtc);
	rv_bus_unlock(m->rtc_region);
	rv_machine_rtc_alarm_changed(m);
}

static bool dma_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return rv_machine_dma_read(ctx, gpa, buf, len);
}

static bool dma_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return rv_machine_dma_write(ctx, gpa, buf, len);
}

void rv_machine_rtc_alarm_changed(struct rv_machine *m)
{
	/* called with the RTC's lock held: compute the deadline here, hand it to the timer service */
	uint64_t when_ns;
	uint64_t deadline = UINT64_MAX;
	if (rv_goldfish_rtc_alarm(m->rtc, &when_ns)) {
		uint64_t now = rtc_now(NULL);
		uint64_t delta = when_ns > now ? when_ns - now : 0;
		deadline = rv_machine_time(m) + delta / (1000000000ull / RV_VIRT_TIMEBASE_HZ);
	}
	pthread_mutex_lock(&m->timer->lock);
	m->timer->extra_deadline = deadline;
	m->timer->extra_fire = rtc_fire;
	m->timer->extra_ctx = m;
	pthread_cond_signal(&m->timer->cond);
	pthread_mutex_unlock(&m->timer->lock);
}

static void rtc_alarm_hook(void *ctx)
{
	rv_machine_rtc_alarm_changed(ctx);
}

/* ---- construction ---- */

static int fail(char *err, size_t errlen, const char *what, int e)
{
	snprintf(err, errlen, "%s: %s", what, strerror(e));
	return -1;
}

static int add_region(struct rv_machine *m, const char *name, uint64_t base, uint64_t size,
                      const struct rv_mmio_ops *ops, void *ctx, struct rv_bus_region **out, char *err,
                      size_t errlen)
{
	struct rv_bus_region *r = rv_bus_add(&m->bus, name, base, size, ops, ctx);
	if (!r) {
		snprintf(err, errlen, "cannot place device %s at 0x%llx", name, (unsigned long long)base);
		return -1;
	}
	if (out)
		*out = r;
	return 0;
}

static int add_devices(struct rv_machine *m, struct devices *d, char *err, size_t errlen)
{
	m->plic = &d->plic;
	m->clint = &d->clint;
	m->uart = &d->uart;
	m->test = &d->test;
	m->rtc = &d->rtc;
	m->timer = &d->timer;

	struct rv_plic_hooks plic_hooks = {.ctx = m, .set_context = plic_context};
	if (!rv_plic_init(&d->plic, m->n_harts, &plic_hooks))
		return fail(err, errlen, "PLIC", EINVAL);
	if (add_region(m, "plic", RV_VIRT_PLIC_BASE, RV_VIRT_PLIC_SIZE, &rv_plic_mmio_ops, &d->plic,
	               &m->plic_region, err, errlen))
		return -1;

	struct rv_clint_hooks clint_hooks = {.ctx = m,
	                                     .clock = clint_clock,
	                                     .set_msip = clint_msip,
	                                     .mtimecmp_changed = clint_mtimecmp,
	                                     .mtime_changed = clint_mtime};
	if (!rv_clint_init(&d->clint, m->n_harts, &clint_hooks))
		return fail(err, errlen, "CLINT", EINVAL);
	if (add_region(m, "clint", RV_VIRT_CLINT_BASE, RV_VIRT_CLINT_SIZE, &rv_clint_mmio_ops, &d->clint,
	               NULL, err, errlen))
		return -1;

	struct rv_uart16550_hooks uart_hooks = {
	    .ctx = m->console, .tx = rv_console_uart_tx, .rx_space = rv_console_uart_room};
	struct rv_irq_line uart_irq = irq_to_plic(m, RV_VIRT_UART0_IRQ);
	rv_uart16550_init(&d->uart, &uart_hooks, &uart_irq);
	if (add_region(m, "uart", RV_VIRT_UART0_BASE, RV_VIRT_UART0_SIZE, &rv_uart16550_mmio_ops, &d->uart,
	               &m->uart_region, err, errlen))
		return -1;

	struct rv_sifive_test_hooks test_hooks = {.ctx = m, .finish = test_finish};
	rv_sifive_test_init(&d->test, &test_hooks);
	if (add_region(m, "test", RV_VIRT_TEST_BASE, RV_VIRT_TEST_SIZE, &rv_sifive_test_mmio_ops, &d->test,
	               NULL, err, errlen))
		return -1;

	struct rv_goldfish_rtc_hooks rtc_hooks = {
	    .ctx = m, .now_ns = rtc_now, .alarm_changed = rtc_alarm_hook};
	struct rv_irq_line rtc_irq = irq_to_plic(m, RV_VIRT_RTC_IRQ);
	if (!rv_goldfish_rtc_init(&d->rtc, &rtc_hooks, &rtc_irq))
		return fail(err, errlen, "RTC", EINVAL);
	if (add_region(m, "rtc", RV_VIRT_RTC_BASE, RV_VIRT_RTC_SIZE, &rv_goldfish_rtc_mmio_ops, &d->rtc,
	               &m->rtc_region, err, errlen))
		return -1;

	/* virtio-mmio: the first -drive goes into the last slot, which Linux probes first (as QEMU does) */
	struct virtio_guest_mem mem = {.ctx = m, .read = dma_read, .write = dma_write};
	for (unsigned i = 0; i < m->cfg.n_drives; i++) {
		unsigned slot = RV_VIRT_VIRTIO_SLOTS - 1 - i;
		struct rv_virtio_disk *disk = &d->disks[slot];
		if (rv_virtio_disk_open(disk, m->cfg.drives[i].path, m->cfg.drives[i].read_only, err,
		                        errlen) != 0)
			return -1;
		d->disk_open[slot] = true;
		struct rv_irq_line irq = irq_to_plic(m, RV_VIRT_VIRTIO_IRQ_BASE + slot);
		char serial[24];
		snprintf(serial, sizeof(serial), "karasu-vd%c", 'a' + i);
		if (!rv_virtio_disk_init(disk, &mem, &irq, serial))
			return fail(err, errlen, m->cfg.drives[i].path, EINVAL);
	}
	for (unsigned slot = 0; slot < RV_VIRT_VIRTIO_SLOTS; slot++) {
		uint64_t base = RV_VIRT_VIRTIO_BASE + slot * RV_VIRT_VIRTIO_STRIDE;
		bool disk = d->disk_open[slot];
		m->virtio[slot] = disk ? (void *)&d->disks[slot] : NULL;
		if (add_region(m, disk ? "virtio-blk" : "virtio-empty", base, RV_VIRT_VIRTIO_SIZE,
		               disk ? &rv_virtio_disk_mmio_ops : &rv_virtio_empty_mmio_ops, m->virtio[slot],
		               NULL, err, errlen))
			return -1;
	}
	return 0;
}

/* The state the built-in SBI leaves behind, as a firmware running in M-mode would: every exception but
 * ECALL from S delegated, the S interrupts and the local ones (SynIC SINTs) delegated, counters and Sstc open to S-mode. */
static void builtin_firmware_state(struct rv_hart *h)
{
	h->medeleg = MEDELEG_MASK & ~(1ull << EXC_ECALL_S);
	h->mideleg = MIP_DELEGABLE;
	h->mcounteren = COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR;
	__atomic_store_n(&h->menvcfg, ENVCFG_STCE, __ATOMIC_RELEASE);
	h->mstatus = (uint64_t)RV_PRIV_S << MSTATUS_MPP_SHIFT;
}

static void set_boot_state(struct rv_machine *m)
{
	for (unsigned i = 0; i < m->n_harts; i++) {
		struct rv_hart *h = &m->harts[i];
		rv_hart_reset(h, m->entry);
		if (m->cfg.firmware == RV_FW_BUILTIN) {
			builtin_firmware_state(h);
			/* hart 0 enters the kernel in S-mode (a0 = hart id, a1 = devicetree); the others wait
			 * for HSM hart_start */
			h->priv = RV_PRIV_S;
			h->cpu.x[10] = h->id;
			h->cpu.x[11] = m->dtb_addr;
			h->hsm = i == 0 ? RV_HSM_STARTED : RV_HSM_STOPPED;
		} else {
			h->hsm = RV_HSM_STARTED; /* every hart runs the reset stub, as on QEMU */
		}
		rv_hart_update_mode(h);
	}
}

int rv_machine_create(const struct rv_machine_config *cfg, struct rv_console_port *console,
                      struct rv_machine **out, char *err, size_t errlen)
{
	*out = NULL;
	struct rv_machine *m = calloc(1, sizeof(*m));
	struct devices *d = calloc(1, sizeof(*d));
	if (!m || !d) {
		free(m);
		free(d);
		return fail(err, errlen, "machine", ENOMEM);
	}
	m->devices = d;
	m->cfg = *cfg;
	m->console = console;
	m->n_harts = cfg->harts;
	m->boot_ns = monotonic_ns();
	pthread_mutex_init(&m->state_lock, NULL);
	pthread_cond_init(&m->state_cond, NULL);
	pthread_mutex_init(&m->fence_lock, NULL);
	pthread_cond_init(&m->fence_cond, NULL);
	*out = m;

	/* RAM: reserved, zero on first touch, never swapped out by us */
	m->ram = mmap(NULL, cfg->ram_size, PROT_READ | PROT_WRITE,
	              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		return fail(err, errlen, "guest RAM", errno);
	}
	rv_bus_init(&m->bus, RV_VIRT_RAM_BASE, cfg->ram_size, m->ram);
	uint64_t pages = cfg->ram_size >> PAGE_SHIFT;
	m->code_harts = calloc(pages, sizeof(*m->code_harts));
	m->code_rewrites = calloc(pages, 1);
	m->code_rewrite_time = calloc(pages, sizeof(*m->code_rewrite_time));
	m->harts = calloc(m->n_harts, sizeof(*m->harts));
	if (!m->code_harts || !m->code_rewrites || !m->code_rewrite_time || !m->harts)
		return fail(err, errlen, "machine", ENOMEM);
	for (unsigned i = 0; i < m->n_harts; i++)
		if (rv_hart_init(&m->harts[i], m, i) != 0)
			return fail(err, errlen, "hart", ENOMEM);
	if (rv_timer_start(&d->timer, m) != 0)
		return fail(err, errlen, "timer thread", EAGAIN);
	m->timer = &d->timer;
	if (add_devices(m, d, err, errlen) != 0)
		return -1;
	struct rv_boot_info bi;
	if (rv_boot_load(m, &bi, err, errlen) != 0)
		return -1;
	m->boot_dtb = bi.dtb;
	m->boot_dtb_size = bi.dtb_size;
	set_boot_state(m);
	return 0;
}

void rv_machine_destroy(struct rv_machine *m)
{
	if (!m)
		return;
	struct devices *d = m->devices;
	if (d) {
		rv_timer_stop(&d->timer);
		for (unsigned i = 0; i < RV_VIRT_VIRTIO_SLOTS; i++)
			if (d->disk_open[i])
				rv_virtio_disk_close(&d->disks[i]);
	}
	if (m->harts)
		for (unsigned i = 0; i < m->n_harts; i++)
			rv_hart_fini(&m->harts[i]);
	rv_bus_fini(&m->bus);
	if (m->ram)
		munmap(m->ram, m->cfg.ram_size);
	free(m->harts);
	free(m->code_harts);
	free(m->code_rewrites);
	free(m->code_rewrite_time);
	free(m->boot_dtb);
	free(d);
	pthread_mutex_destroy(&m->state_lock);
	pthread_cond_destroy(&m->state_cond);
	pthread_mutex_destroy(&m->fence_lock);
	pthread_cond_destroy(&m->fence_cond);
	free(m);
}

int rv_machine_run(struct rv_machine *m)
{
	rv_console_attach(m->console, m);
	int err = rv_run_start(m);
	if (err) {
		fprintf(m->cfg.log, "karasu-rv: cannot start the harts: %s\n", strerror(-err));
		rv_machine_stop(m, RV_MACHINE_ERROR, 0);
	}
	pthread_mutex_lock(&m->state_lock);
	while (m->state == RV_MACHINE_RUNNING)
		pthread_cond_wait(&m->state_cond, &m->state_lock);
	pthread_mutex_unlock(&m->state_lock);
	rv_run_join(m);
	rv_console_attach(m->console, NULL);
	rv_console_flush(m->console);
	return m->state;
}
