/* The machine's timer service: one host thread that raises MTIP (CLINT mtimecmp) and STIP (Sstc
 * stimecmp) on every hart when mtime reaches the compare value, and sleeps until the next deadline. The
 * compare registers' writers lower the levels themselves at once (a handler that moves its deadline
 * forward must not see the old interrupt again) and wake the service to reschedule. */
#ifndef KARASU_RV_SYSTEM_TIMER_H
#define KARASU_RV_SYSTEM_TIMER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "rv/system/virt_map.h"

struct rv_machine;
struct rv_hart;

struct rv_timer_service {
	struct rv_machine *machine;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC */
	bool stop;
	uint64_t mtimecmp[RV_VIRT_MAX_HARTS]; /* copies of the CLINT's registers (atomic) */
	/* extra deadline (goldfish RTC alarm), in mtime ticks; UINT64_MAX: none */
	uint64_t extra_deadline;
	void (*extra_fire)(void *ctx);
	void *extra_ctx;
};

int rv_timer_start(struct rv_timer_service *t, struct rv_machine *m);
void rv_timer_stop(struct rv_timer_service *t);
/* A CLINT mtimecmp write (from the CLINT's hook): updates MTIP now and reschedules. */
void rv_timer_set_mtimecmp(struct rv_timer_service *t, unsigned hart, uint64_t value);
/* Re-evaluates the levels of one hart now (stimecmp or menvcfg changed) and reschedules. */
void rv_timer_update_hart(struct rv_timer_service *t, struct rv_hart *h);

#endif
