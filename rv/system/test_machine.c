/* The minimal test machine (test_machine.h). It is an ordinary struct rv_machine, so that the harts, the
 * MMU, code.c and run.c work on it unchanged; what rv_machine_create would add (devices, the timer
 * thread, the boot payload, the console) is left out. */
#include "rv/system/test_machine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "rv/system/run.h"
#include "rv/system/timer.h"

/* The machine and the storage of its timer service in one allocation (machine first: rv_machine_destroy
 * frees the machine's address, which is the allocation's). The timer service is set up without its
 * thread: writes of stimecmp and menvcfg evaluate STIP through it at once, and nothing else does. */
struct test_machine {
	struct rv_machine m;
	struct rv_timer_service timer;
};

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void timer_without_thread(struct rv_timer_service *t, struct rv_machine *m)
{
	memset(t, 0, sizeof(*t));
	t->machine = m;
	t->extra_deadline = UINT64_MAX;
	for (unsigned i = 0; i < RV_VIRT_MAX_HARTS; i++)
		t->mtimecmp[i] = UINT64_MAX;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
}

struct rv_machine *rv_test_machine_create(unsigned harts, uint64_t ram_size, FILE *log, char *err,
                                          size_t errlen)
{
	if (harts < 1 || harts > RV_VIRT_MAX_HARTS || ram_size == 0 || (ram_size & (PAGE_SIZE - 1))) {
		snprintf(err, errlen, "test machine: bad configuration (%u harts, %llu bytes of RAM)", harts,
		         (unsigned long long)ram_size);
		return NULL;
	}
	struct test_machine *tm = calloc(1, sizeof(*tm));
	if (!tm) {
		snprintf(err, errlen, "test machine: %s", strerror(ENOMEM));
		return NULL;
	}
	struct rv_machine *m = &tm->m;
	m->cfg.harts = harts;
	m->cfg.ram_size = ram_size;
	m->cfg.firmware = RV_FW_NONE;
	m->cfg.log = log ? log : stderr;
	m->n_harts = harts;
	m->boot_ns = monotonic_ns();
	pthread_mutex_init(&m->state_lock, NULL);
	pthread_cond_init(&m->state_cond, NULL);
	pthread_mutex_init(&m->fence_lock, NULL);
	pthread_cond_init(&m->fence_cond, NULL);
	timer_without_thread(&tm->timer, m);
	m->timer = &tm->timer;

	m->ram =
	    mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		snprintf(err, errlen, "test machine RAM: %s", strerror(errno));
		rv_test_machine_destroy(m);
		return NULL;
	}
	rv_bus_init(&m->bus, RV_VIRT_RAM_BASE, ram_size, m->ram);
	uint64_t pages = ram_size >> PAGE_SHIFT;
	m->code_harts = calloc(pages, sizeof(*m->code_harts));
	m->code_rewrites = calloc(pages, 1);
	m->code_rewrite_time = calloc(pages, sizeof(*m->code_rewrite_time));
	m->harts = calloc(harts, sizeof(*m->harts));
	if (!m->code_harts || !m->code_rewrites || !m->code_rewrite_time || !m->harts) {
		snprintf(err, errlen, "test machine: %s", strerror(ENOMEM));
		rv_test_machine_destroy(m);
		return NULL;
	}
	for (unsigned i = 0; i < harts; i++) {
		if (rv_hart_init(&m->harts[i], m, i) != 0) {
			snprintf(err, errlen, "test machine hart %u: %s", i, strerror(ENOMEM));
			m->n_harts = i; /* only those are initialised */
			rv_test_machine_destroy(m);
			return NULL;
		}
		rv_hart_reset(&m->harts[i], RV_VIRT_RAM_BASE);
	}
	return m;
}

void rv_test_machine_destroy(struct rv_machine *m)
{
	if (!m)
		return;
	struct test_machine *tm = (struct test_machine *)m;
	pthread_mutex_destroy(&tm->timer.lock);
	pthread_cond_destroy(&tm->timer.cond);
	m->timer = NULL;
	rv_machine_destroy(m); /* devices == NULL: only harts, RAM and the machine's own state */
}

void rv_test_machine_reset(struct rv_machine *m, uint64_t reset_pc)
{
	struct test_machine *tm = (struct test_machine *)m;
	for (unsigned i = 0; i < RV_VIRT_MAX_HARTS; i++)
		tm->timer.mtimecmp[i] = UINT64_MAX;
	tm->timer.extra_deadline = UINT64_MAX;
	uint64_t pages = m->cfg.ram_size >> PAGE_SHIFT;
	memset(m->code_harts, 0, pages * sizeof(*m->code_harts));
	memset(m->code_rewrites, 0, pages);
	memset(m->code_rewrite_time, 0, pages * sizeof(*m->code_rewrite_time));
	for (unsigned i = 0; i < m->n_harts; i++) {
		struct rv_hart *h = &m->harts[i];
		/* everything a run may have changed, including what rv_hart_reset keeps (instret, the
		 * reservation's address, counters' frozen values, statistics): a fresh hart */
		rv_hart_fini(h);
		rv_hart_init(h, m, i);
		rv_hart_reset(h, reset_pc);
	}
	m->time_offset = 0;
	m->exit_code = 0;
	__atomic_store_n(&m->state, RV_MACHINE_RUNNING, __ATOMIC_RELEASE);
}

int rv_test_machine_run(struct rv_machine *m, bool use_jit, unsigned timeout_ms)
{
	m->cfg.interp = !use_jit;
	int err = rv_run_start(m);
	if (err) {
		fprintf(m->cfg.log, "karasu-rv test machine: cannot start the harts: %s\n", strerror(-err));
		rv_machine_stop(m, RV_MACHINE_ERROR, 0);
		rv_run_join(m);
		return RV_MACHINE_ERROR;
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000l;
	if (until.tv_nsec >= 1000000000l) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000l;
	}
	bool timed_out = false;
	pthread_mutex_lock(&m->state_lock);
	while (m->state == RV_MACHINE_RUNNING && !timed_out)
		timed_out = pthread_cond_timedwait(&m->state_cond, &m->state_lock, &until) == ETIMEDOUT;
	pthread_mutex_unlock(&m->state_lock);
	if (timed_out && rv_machine_running(m))
		rv_machine_stop(m, RV_MACHINE_ERROR, 0);
	else
		timed_out = false; /* it stopped by itself just in time */
	rv_run_join(m);
	return timed_out ? -1 : __atomic_load_n(&m->state, __ATOMIC_ACQUIRE);
}
