/* The timer service (timer.h). */
#include <errno.h>
#include <time.h>

#include "rv/system/machine.h"
#include "rv/system/timer.h"

uint64_t rv_machine_raw_time(const struct rv_machine *m)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec - m->boot_ns;
	return ns / (1000000000ull / RV_VIRT_TIMEBASE_HZ);
}

uint64_t rv_machine_time(const struct rv_machine *m)
{
	return rv_machine_raw_time(m) + __atomic_load_n(&m->time_offset, __ATOMIC_ACQUIRE);
}

/* Sets MTIP/STIP of one hart from the compare values and now; returns the hart's next future deadline. */
static uint64_t update_levels(struct rv_timer_service *t, struct rv_hart *h, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	uint64_t mcmp = __atomic_load_n(&t->mtimecmp[h->id], __ATOMIC_ACQUIRE);
	bool mtip = now >= mcmp;
	rv_hart_set_mip_hw(h, MIP_MTIP, mtip);
	if (!mtip)
		next = mcmp;
	bool sstc = (__atomic_load_n(&h->menvcfg, __ATOMIC_ACQUIRE) & ENVCFG_STCE) != 0;
	uint64_t scmp = __atomic_load_n(&h->stimecmp, __ATOMIC_ACQUIRE);
	bool stip = sstc && now >= scmp;
	rv_hart_set_mip_hw(h, MIP_STIP, stip);
	if (sstc && !stip && scmp < next)
		next = scmp;
	return next;
}

static void *timer_thread(void *arg)
{
	struct rv_timer_service *t = arg;
	struct rv_machine *m = t->machine;
	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		uint64_t now = rv_machine_time(m);
		uint64_t next = UINT64_MAX;
		for (unsigned i = 0; i < m->n_harts; i++) {
			uint64_t d = update_levels(t, &m->harts[i], now);
			if (d < next)
				next = d;
		}
		if (t->extra_deadline != UINT64_MAX) {
			if (now >= t->extra_deadline) {
				t->extra_deadline = UINT64_MAX;
				void (*fire)(void *) = t->extra_fire;
				void *ctx = t->extra_ctx;
				pthread_mutex_unlock(&t->lock);
				if (fire)
					fire(ctx);
				pthread_mutex_lock(&t->lock);
				continue;
			}
			if (t->extra_deadline < next)
				next = t->extra_deadline;
		}
		if (next == UINT64_MAX) {
			pthread_cond_wait(&t->cond, &t->lock);
			continue;
		}
		uint64_t raw = next - __atomic_load_n(&m->time_offset, __ATOMIC_ACQUIRE);
		uint64_t ns = m->boot_ns + raw * (1000000000ull / RV_VIRT_TIMEBASE_HZ);
		struct timespec until = {.tv_sec = (time_t)(ns / 1000000000ull),
		                         .tv_nsec = (long)(ns % 1000000000ull)};
		pthread_cond_timedwait(&t->cond, &t->lock, &until);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int rv_timer_start(struct rv_timer_service *t, struct rv_machine *m)
{
	t->machine = m;
	t->stop = false;
	t->extra_deadline = UINT64_MAX;
	for (unsigned i = 0; i < RV_VIRT_MAX_HARTS; i++)
		t->mtimecmp[i] = UINT64_MAX;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&t->lock, NULL);
	int err = pthread_create(&t->thread, NULL, timer_thread, t);
	t->started = err == 0;
	return -err;
}

void rv_timer_stop(struct rv_timer_service *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	t->started = false;
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
}

static void reschedule(struct rv_timer_service *t)
{
	pthread_mutex_lock(&t->lock);
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

void rv_timer_set_mtimecmp(struct rv_timer_service *t, unsigned hart, uint64_t value)
{
	struct rv_machine *m = t->machine;
	if (hart >= m->n_harts)
		return;
	__atomic_store_n(&t->mtimecmp[hart], value, __ATOMIC_RELEASE);
	update_levels(t, &m->harts[hart], rv_machine_time(m));
	reschedule(t);
}

void rv_timer_update_hart(struct rv_timer_service *t, struct rv_hart *h)
{
	update_levels(t, h, rv_machine_time(t->machine));
	reschedule(t);
}

void rv_machine_timer_changed(struct rv_machine *m)
{
	reschedule(m->timer);
}

void rv_hart_stimecmp_changed(struct rv_hart *h)
{
	rv_timer_update_hart(h->machine->timer, h);
}
