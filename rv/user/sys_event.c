/* Waiting for events: ppoll, pselect6, epoll, eventfd, timerfd, inotify.
 *
 * The waits run on the host (guest descriptors are host descriptors) through rv_wait_begin/end, so
 * that a guest signal interrupts them, and with the guest's temporary signal mask applied to the
 * emulated one. struct pollfd, fd_set, struct timespec/itimerspec and struct inotify_event have the same
 * layout on riscv64 and x86-64; struct epoll_event does not (x86-64 packs it into 12 bytes, riscv64 has
 * 16: u32 events, 4 bytes of padding, u64 data) and is translated. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "rv/user/prefix.h"
#include "rv/user/guest_copy.h"
#include "rv/user/signal.h"
#include "rv/user/sys_event.h"
#include "rv/user/syscall.h"

#define R         RV_PROT_READ
#define W         RV_PROT_WRITE
#define RET(expr) rv_host_ret((long)(expr))

#define GUEST_SIGSET_SIZE 8 /* the kernel's sigset_t: 64 signals */
#define NSEC_PER_SEC      1000000000L

/* riscv64 struct epoll_event (naturally aligned, unlike x86-64's packed one). */
struct rv_epoll_event {
	uint32_t events;
	uint32_t pad;
	uint64_t data;
};
_Static_assert(sizeof(struct rv_epoll_event) == 16, "riscv64 struct epoll_event is 16 bytes");
_Static_assert(sizeof(struct epoll_event) == 12, "x86-64 struct epoll_event is packed");
/* Linux's EP_MAX_EVENTS for the guest's event size */
#define RV_EP_MAX_EVENTS (INT_MAX / (int)sizeof(struct rv_epoll_event))
/* events fetched per host call (fewer than maxevents is allowed: the rest stay ready) */
#define EPOLL_BATCH      256

/* ---- waits ---- */

void rv_wait_begin(struct rv_thread *t, struct rv_wait *w, const uint64_t *guest_mask)
{
	w->temporary_mask = guest_mask != NULL;
	w->guest_saved = t->sigmask;
	if (guest_mask)
		t->sigmask = *guest_mask & ~(rv_sigbit(SIGKILL) | rv_sigbit(SIGSTOP));
	/* everything but the synchronous signals of karasu-rv's own faults */
	sigset_t hold;
	sigfillset(&hold);
	sigdelset(&hold, SIGSEGV);
	sigdelset(&hold, SIGBUS);
	sigdelset(&hold, SIGILL);
	sigdelset(&hold, SIGFPE);
	sigdelset(&hold, SIGTRAP);
	pthread_sigmask(SIG_BLOCK, &hold, &w->host_mask);
}

long rv_wait_end(struct rv_thread *t, struct rv_wait *w, long result)
{
	pthread_sigmask(SIG_SETMASK, &w->host_mask, NULL);
	if (w->temporary_mask) {
		if (result == -EINTR) {
			t->saved_sigmask = w->guest_saved;
			t->restore_sigmask = true;
		} else {
			t->sigmask = w->guest_saved;
		}
	}
	return result;
}

/* One host call of a wait: with poll_only, it must not block (a zero timeout). */
typedef long (*wait_call_fn)(void *ctx, bool poll_only, const sigset_t *host_mask);

/* Runs a wait until it has a result or a guest signal interrupts it. A host EINTR that no guest signal
 * explains (a host signal for a signal the guest blocks or ignores) just waits on; ppoll and pselect6
 * wrote the time left back, and epoll computes it. */
static long guest_wait(struct rv_thread *t, const uint64_t *guest_mask, wait_call_fn call, void *ctx)
{
	struct rv_wait w;
	rv_wait_begin(t, &w, guest_mask);
	long r;
	for (;;) {
		if (rv_signal_interrupts_wait(t)) {
			/* Linux looks at the descriptors before it looks for signals: events that are
			 * there already are the result */
			r = call(ctx, true, &w.host_mask);
			if (r == 0)
				r = -EINTR;
			break;
		}
		r = call(ctx, false, &w.host_mask);
		if (r != -EINTR)
			break;
	}
	return rv_wait_end(t, &w, r);
}

/* Reads the guest's signal mask argument (mask_addr 0: none). 0, -EINVAL (size) or -EFAULT. */
static long get_guest_mask(struct rv_thread *t, uint64_t mask_addr, uint64_t size, uint64_t *mask)
{
	if (!mask_addr)
		return 0;
	if (size != GUEST_SIGSET_SIZE)
		return -EINVAL;
	return rv_copy_from_guest(t, mask, mask_addr, GUEST_SIGSET_SIZE);
}

/* The timeout of pselect6/ppoll: Linux writes the time left back but ignores a failed write, so a
 * read-only timeout is used from a copy. NULL with *bad set: not readable (-EFAULT). */
static struct timespec *select_timeout(struct rv_thread *t, uint64_t addr, struct timespec *copy, bool *bad)
{
	*bad = false;
	if (!addr)
		return NULL;
	struct timespec *ts = rv_guest_ptr(t, addr, sizeof(*ts), R | W);
	if (ts)
		return ts;
	if (rv_copy_from_guest(t, copy, addr, sizeof(*copy)) < 0) {
		*bad = true;
		return NULL;
	}
	return copy;
}

/* ---- ppoll ---- */

struct ppoll_wait {
	struct pollfd *fds;
	uint64_t nfds;
	struct timespec *timeout;
};

static long ppoll_call(void *ctx, bool poll_only, const sigset_t *host_mask)
{
	struct ppoll_wait *p = ctx;
	struct timespec zero = {0, 0};
	return RET(syscall(SYS_ppoll, p->fds, (nfds_t)p->nfds, poll_only ? &zero : p->timeout, host_mask,
	                   GUEST_SIGSET_SIZE));
}

long rv_sys_ppoll(struct rv_thread *t, const uint64_t *a)
{
	struct ppoll_wait p = {.nfds = (uint32_t)a[1]}; /* the kernel's nfds is an unsigned int */
	if (!(p.fds = rv_guest_ptr(t, a[0], p.nfds * sizeof(struct pollfd), R | W))) {
		/* Linux refuses more descriptors than RLIMIT_NOFILE before it looks at the array */
		struct rlimit rl;
		return getrlimit(RLIMIT_NOFILE, &rl) == 0 && p.nfds > rl.rlim_cur ? -EINVAL : -EFAULT;
	}
	struct timespec copy;
	bool bad;
	p.timeout = select_timeout(t, a[2], &copy, &bad);
	if (bad)
		return -EFAULT;
	uint64_t mask;
	long r = get_guest_mask(t, a[3], a[4], &mask);
	if (r < 0)
		return r;
	return guest_wait(t, a[3] ? &mask : NULL, ppoll_call, &p);
}

/* ---- pselect6 ---- */

struct pselect_wait {
	struct rv_thread *t;
	uint64_t guest_sets[3];
	int nfds;
	size_t bytes;  /* of each set */
	void *sets[3]; /* read, write, except (host pointers into the guest, or NULL) */
	void *saved;   /* their contents on entry: Linux leaves the sets alone when it fails */
	struct timespec *timeout;
};

static long pselect_call(void *ctx, bool poll_only, const sigset_t *host_mask)
{
	struct pselect_wait *p = ctx;
	struct timespec zero = {0, 0};
	struct {
		const sigset_t *mask;
		size_t size;
	} sig = {host_mask, GUEST_SIGSET_SIZE};
	long r = RET(syscall(SYS_pselect6, p->nfds, p->sets[0], p->sets[1], p->sets[2],
	                     poll_only ? &zero : p->timeout, &sig));
	if (poll_only && r == 0) {
		/* the caller reports EINTR: the sets as they were */
		for (int i = 0; i < 3; i++)
			if (p->sets[i])
				(void)rv_copy_to_guest(p->t, p->guest_sets[i],
				                       (char *)p->saved + i * p->bytes, p->bytes);
	}
	return r;
}

long rv_sys_pselect6(struct rv_thread *t, const uint64_t *a)
{
	struct pselect_wait p = {.t = t, .guest_sets = {a[1], a[2], a[3]}, .nfds = (int)a[0]};
	if (p.nfds < 0)
		return -EINVAL;
	/* the kernel reads and writes whole longs of each set: nfds bits rounded up */
	p.bytes = ((size_t)p.nfds + 63) / 64 * 8;
	for (int i = 0; i < 3; i++)
		if (a[1 + i] && !(p.sets[i] = rv_guest_ptr(t, a[1 + i], p.bytes, R | W)))
			return -EFAULT;
	struct timespec copy;
	bool bad;
	p.timeout = select_timeout(t, a[4], &copy, &bad);
	if (bad)
		return -EFAULT;
	/* the sixth argument points to {const sigset_t *mask; size_t size} */
	uint64_t mask = 0, sig[2] = {0, 0};
	if (a[5] && rv_copy_from_guest(t, sig, a[5], sizeof(sig)) < 0)
		return -EFAULT;
	long r = get_guest_mask(t, sig[0], sig[1], &mask);
	if (r < 0)
		return r;
	p.saved = calloc(3, p.bytes ? p.bytes : 1);
	if (!p.saved)
		return -ENOMEM;
	for (int i = 0; i < 3; i++)
		if (p.sets[i] &&
		    rv_copy_from_guest(t, (char *)p.saved + i * p.bytes, a[1 + i], p.bytes) < 0) {
			free(p.saved);
			return -EFAULT;
		}
	r = guest_wait(t, sig[0] ? &mask : NULL, pselect_call, &p);
	free(p.saved);
	return r;
}

/* ---- epoll ---- */

long rv_sys_epoll_create1(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(epoll_create1((int)a[0]));
}

long rv_sys_epoll_ctl(struct rv_thread *t, const uint64_t *a)
{
	int op = (int)a[1];
	struct epoll_event ev = {0}, *evp = NULL;
	if (op != EPOLL_CTL_DEL) { /* DEL ignores the event (it may be NULL) */
		struct rv_epoll_event g;
		if (rv_copy_from_guest(t, &g, a[3], sizeof(g)) < 0)
			return -EFAULT;
		ev.events = g.events;
		ev.data.u64 = g.data;
		evp = &ev;
	}
	return RET(epoll_ctl((int)a[0], op, (int)a[2], evp));
}

struct epoll_wait_args {
	int epfd, maxevents;
	bool infinite;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	struct epoll_event events[EPOLL_BATCH];
};

struct timespec rv_wait_deadline(const struct timespec *timeout)
{
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout->tv_sec;
	deadline.tv_nsec += timeout->tv_nsec;
	if (deadline.tv_nsec >= NSEC_PER_SEC) {
		deadline.tv_nsec -= NSEC_PER_SEC;
		deadline.tv_sec++;
	}
	return deadline;
}

struct timespec rv_wait_time_left(const struct timespec *deadline)
{
	struct timespec now, left;
	clock_gettime(CLOCK_MONOTONIC, &now);
	left.tv_sec = deadline->tv_sec - now.tv_sec;
	left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
	if (left.tv_nsec < 0) {
		left.tv_nsec += NSEC_PER_SEC;
		left.tv_sec--;
	}
	if (left.tv_sec < 0)
		left.tv_sec = left.tv_nsec = 0;
	return left;
}

static long epoll_call(void *ctx, bool poll_only, const sigset_t *host_mask)
{
	struct epoll_wait_args *e = ctx;
	struct timespec left = {0, 0};
	if (!poll_only && !e->infinite)
		left = rv_wait_time_left(&e->deadline);
	int n = e->maxevents < EPOLL_BATCH ? e->maxevents : EPOLL_BATCH;
	long r = RET(syscall(SYS_epoll_pwait2, e->epfd, e->events, n,
	                     (poll_only || !e->infinite) ? &left : NULL, host_mask, GUEST_SIGSET_SIZE));
	if (r != -ENOSYS)
		return r;
	/* a host before Linux 5.11: milliseconds, rounded up so that the wait is not cut short */
	long ms = -1;
	if (poll_only || !e->infinite) {
		long long up = (long long)left.tv_sec * 1000 + (left.tv_nsec + 999999) / 1000000;
		ms = up > INT_MAX ? INT_MAX : (long)up;
	}
	return RET(epoll_pwait(e->epfd, e->events, n, (int)ms, host_mask));
}

/* epoll_pwait and epoll_pwait2: timeout NULL = forever. */
static long epoll_wait_guest(struct rv_thread *t, const uint64_t *a, const struct timespec *timeout)
{
	int maxevents = (int)a[2];
	if (maxevents <= 0 || maxevents > RV_EP_MAX_EVENTS)
		return -EINVAL;
	/* Linux checks only that the array lies in user space, then writes the events it returns */
	uint64_t bytes = (uint64_t)maxevents * sizeof(struct rv_epoll_event);
	if (a[1] >= t->proc->mem.limit || bytes > t->proc->mem.limit - a[1])
		return -EFAULT;
	uint64_t mask;
	long r = get_guest_mask(t, a[4], a[5], &mask);
	if (r < 0)
		return r;
	struct epoll_wait_args *e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->epfd = (int)a[0];
	e->maxevents = maxevents;
	e->infinite = timeout == NULL;
	if (timeout)
		e->deadline = rv_wait_deadline(timeout);
	r = guest_wait(t, a[4] ? &mask : NULL, epoll_call, e);
	if (r > 0) {
		struct rv_epoll_event out[EPOLL_BATCH];
		memset(out, 0, (size_t)r * sizeof(out[0]));
		for (long i = 0; i < r; i++) {
			out[i].events = e->events[i].events;
			out[i].data = e->events[i].data.u64;
		}
		/* (a failed copy loses these events; Linux would keep the ones it could not copy) */
		if (rv_copy_to_guest(t, a[1], out, (size_t)r * sizeof(out[0])) < 0)
			r = -EFAULT;
	}
	free(e);
	return r;
}

long rv_sys_epoll_pwait(struct rv_thread *t, const uint64_t *a)
{
	int ms = (int)a[3];
	struct timespec timeout = {ms / 1000, (long)(ms % 1000) * 1000000L};
	return epoll_wait_guest(t, a, ms < 0 ? NULL : &timeout);
}

long rv_sys_epoll_pwait2(struct rv_thread *t, const uint64_t *a)
{
	struct timespec timeout;
	if (a[3]) {
		if (rv_copy_from_guest(t, &timeout, a[3], sizeof(timeout)) < 0)
			return -EFAULT;
		if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
	}
	return epoll_wait_guest(t, a, a[3] ? &timeout : NULL);
}

/* ---- eventfd, timerfd, inotify: host objects, plain data ---- */

long rv_sys_eventfd2(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_eventfd2, (unsigned)a[0], (int)a[1]));
}

long rv_sys_timerfd_create(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(timerfd_create((int)a[0], (int)a[1]));
}

long rv_sys_timerfd_settime(struct rv_thread *t, const uint64_t *a)
{
	struct itimerspec new_value, old_value;
	if (rv_copy_from_guest(t, &new_value, a[2], sizeof(new_value)) < 0)
		return -EFAULT;
	long r = RET(timerfd_settime((int)a[0], (int)a[1], &new_value, a[3] ? &old_value : NULL));
	if (r == 0 && a[3] && rv_copy_to_guest(t, a[3], &old_value, sizeof(old_value)) < 0)
		return -EFAULT; /* as Linux: the timer is set all the same */
	return r;
}

long rv_sys_timerfd_gettime(struct rv_thread *t, const uint64_t *a)
{
	struct itimerspec cur;
	long r = RET(timerfd_gettime((int)a[0], &cur));
	if (r == 0 && rv_copy_to_guest(t, a[1], &cur, sizeof(cur)) < 0)
		return -EFAULT;
	return r;
}

long rv_sys_inotify_init1(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(inotify_init1((int)a[0]));
}

long rv_sys_inotify_add_watch(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = rv_copy_string_from_guest(t, a[1], path, sizeof(path));
	if (r < 0)
		return r;
	rv_prefix_apply(path, sizeof(path));
	return RET(inotify_add_watch((int)a[0], path, (uint32_t)a[2]));
}

long rv_sys_inotify_rm_watch(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(inotify_rm_watch((int)a[0], (int)a[1]));
}
