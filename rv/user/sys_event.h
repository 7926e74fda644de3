/* karasu-rv: waiting for file descriptors and signals (sys_event.c) and the emulated signalfd
 * (sys_event_signalfd.c). */
#ifndef KARASU_RV_USER_SYS_EVENT_H
#define KARASU_RV_USER_SYS_EVENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "rv/user/process.h"

/* ---- Blocking host calls that guest signals interrupt ----
 * Guest signals are emulated: one that arrives while a thread waits in a host system call only shows
 * as a host signal that interrupts it (the wake-up signal from another guest thread, a host signal the
 * guest handles). Checking for pending guest signals and then waiting would lose one that comes in
 * between; so host signals are held from the check until the host call, which installs the thread's
 * usual host mask atomically (ppoll, pselect6, epoll_pwait, sigsuspend all take a mask). */
struct rv_wait {
	sigset_t host_mask;   /* the thread's usual host mask: pass it to the blocking host call */
	uint64_t guest_saved; /* the guest mask before the call's temporary one */
	bool temporary_mask;  /* ppoll/pselect6/epoll_pwait/sigsuspend with a mask */
};

/* Starts a wait: host signals are held; with guest_mask, the guest mask is *guest_mask (SIGKILL and
 * SIGSTOP never blocked) until the end. */
void rv_wait_begin(struct rv_thread *t, struct rv_wait *w, const uint64_t *guest_mask);
/* Ends it with the call's result, which it returns. After -EINTR a temporary guest mask stays until
 * the signal was handled (the handler's frame saves the old one, as Linux's sigreturn restores it);
 * otherwise the old mask is back at once. */
long rv_wait_end(struct rv_thread *t, struct rv_wait *w, long result);

/* A CLOCK_MONOTONIC deadline timeout from now, and the time left until one (never negative). */
struct timespec rv_wait_deadline(const struct timespec *timeout);
struct timespec rv_wait_time_left(const struct timespec *deadline);

/* ---- signalfd ----
 * A guest signalfd is a host socket that karasu-rv makes readable while one of its signals is pending
 * for the guest (see sys_event_signalfd.c). The hooks below are cheap while no signalfd exists. */

/* read(2) on fd: true if fd is an emulated signalfd (then *ret is the read's result). */
bool rv_signalfd_read(struct rv_thread *t, int fd, uint64_t buf, uint64_t len, long *ret);
/* close(2) on fd: true if it was handled here (*ret is the result). */
bool rv_signalfd_close(int fd, long *ret);
/* Guest signals in bits just became pending. Async-signal-safe. */
void rv_signalfd_notify(uint64_t bits);
/* Pending guest signals were consumed: signalfds whose signals are all gone stop being readable. */
void rv_signalfd_recheck(struct rv_thread *t);
/* The signals some signalfd watches (the host must catch them even if the guest's disposition is the
 * default one: another process may send them). */
uint64_t rv_signalfd_watched(void);

#endif
