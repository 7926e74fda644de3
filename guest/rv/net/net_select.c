/* select, pselect, poll and ppoll on pipes.
 *
 *   - readiness: an empty pipe's write end is writable, its read end not; after a write it is readable;
 *     a closed write end gives POLLHUP, a closed descriptor POLLNVAL (poll) or EBADF (select);
 *   - timeouts: select with nothing ready waits and reports 0, with the time left written back (0);
 *   - signal masks: with SIGUSR1 blocked and pending, ppoll/pselect with a mask that lets it through
 *     return EINTR after its handler ran, and SIGUSR1 is blocked again afterwards; with a descriptor
 *     ready as well, the descriptor wins (no EINTR) and the signal stays pending;
 *   - another thread's pthread_kill interrupts a poll that waits forever (EINTR, handler ran in the
 *     waiting thread);
 *   - bad arguments: unmapped fd_set or pollfd array: EFAULT; negative nfds: EINVAL. */
#include "guest/rv/net/nettest.h" /* first: it defines _GNU_SOURCE */

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t usr1_handled;
static volatile pthread_t handled_on;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_handled++;
	handled_on = pthread_self();
}

static void readiness(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	struct timeval zero = {0, 0};
	int n = select(p[1] + 1, &r, &w, NULL, &zero);
	CHECK(n == 1 && !FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w),
	      "select: write end writable, read end not");
	CHECK(write(p[1], "x", 1) == 1, "write a byte");
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	n = select(p[0] + 1, &r, NULL, NULL, NULL);
	CHECK(n == 1 && FD_ISSET(p[0], &r), "select without timeout: read end readable");
	struct pollfd fds[2] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}};
	n = poll(fds, 2, -1);
	CHECK(n == 2 && fds[0].revents == POLLIN && fds[1].revents == POLLOUT, "poll: POLLIN and POLLOUT");
	char c;
	CHECK(read(p[0], &c, 1) == 1, "read it back");
	close(p[1]);
	fds[0].revents = 0;
	n = poll(fds, 1, 1000);
	CHECK(n == 1 && (fds[0].revents & POLLHUP), "poll: write end closed: POLLHUP");
	int closed = p[1];
	struct pollfd nv = {.fd = closed, .events = POLLIN};
	CHECK(poll(&nv, 1, 0) == 1 && nv.revents == POLLNVAL, "poll: a closed descriptor: POLLNVAL");
	FD_ZERO(&r);
	FD_SET(closed, &r);
	CHECK(select(closed + 1, &r, NULL, NULL, &zero) == -1 && errno == EBADF,
	      "select: a closed descriptor: EBADF");
	struct pollfd ignored = {.fd = -1, .events = POLLIN};
	CHECK(poll(&ignored, 1, 0) == 0 && ignored.revents == 0, "poll: a negative descriptor is ignored");
	close(p[0]);
}

static void timeouts(void)
{
	int p[2];
	pipe(p);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = {0, 50 * 1000};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n = select(p[0] + 1, &r, NULL, NULL, &tv);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(n == 0 && !FD_ISSET(p[0], &r), "select timed out: 0, the set cleared");
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0, "select wrote back the time left: 0");
	CHECK(ms >= 45, "it waited about 50 ms");
	struct pollfd fds = {.fd = p[0], .events = POLLIN};
	struct timespec ts = {0, 30 * 1000 * 1000};
	CHECK(ppoll(&fds, 1, &ts, NULL) == 0, "ppoll timed out after 30 ms: 0");
	CHECK(poll(&fds, 1, 20) == 0, "poll timed out after 20 ms: 0");
	close(p[0]);
	close(p[1]);
}

static void masks(void)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t block, open_mask, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigprocmask(SIG_SETMASK, NULL, &open_mask);
	sigdelset(&open_mask, SIGUSR1);
	int p[2];
	pipe(p);
	struct pollfd fds = {.fd = p[0], .events = POLLIN};
	struct timespec five = {5, 0};

	raise(SIGUSR1);
	CHECK(usr1_handled == 0, "SIGUSR1 raised while blocked: pending");
	int n = ppoll(&fds, 1, &five, &open_mask);
	CHECK(n == -1 && errno == EINTR && usr1_handled == 1,
	      "ppoll with SIGUSR1 let through: EINTR, handled once");
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1), "SIGUSR1 blocked again after ppoll");

	raise(SIGUSR1);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	n = pselect(p[0] + 1, &r, NULL, NULL, &five, &open_mask);
	CHECK(n == -1 && errno == EINTR && usr1_handled == 2,
	      "pselect with SIGUSR1 let through: EINTR, handled");
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1), "SIGUSR1 blocked again after pselect");

	/* a signal and a ready descriptor: Linux looks at the descriptors first */
	write(p[1], "x", 1);
	raise(SIGUSR1);
	n = ppoll(&fds, 1, &five, &open_mask);
	sigset_t pending;
	sigpending(&pending);
	CHECK(n == 1 && usr1_handled == 2 && sigismember(&pending, SIGUSR1),
	      "ppoll with a ready descriptor and a pending signal: 1, the signal still pending");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	CHECK(usr1_handled == 3, "unblocked: handled");
	close(p[0]);
	close(p[1]);
}

struct waiter {
	int fd;
	int result, err;
	volatile int started, done;
};

static void *wait_forever(void *arg)
{
	struct waiter *w = arg;
	struct pollfd fds = {.fd = w->fd, .events = POLLIN};
	w->started = 1;
	w->result = poll(&fds, 1, -1);
	w->err = errno;
	w->done = 1;
	return NULL;
}

static void thread_wakeup(void)
{
	int p[2];
	pipe(p);
	struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART: poll never restarts anyway */
	sigaction(SIGUSR1, &sa, NULL);
	usr1_handled = 0;
	struct waiter w = {.fd = p[0]};
	pthread_t th;
	pthread_create(&th, NULL, wait_forever, &w);
	while (!w.started)
		usleep(1000);
	/* a signal that comes before the thread is inside poll is handled there and gone: send until the
	 * poll has returned */
	for (int i = 0; i < 500 && !w.done; i++) {
		usleep(20 * 1000);
		pthread_kill(th, SIGUSR1);
	}
	pthread_join(th, NULL);
	CHECK(w.result == -1 && w.err == EINTR && usr1_handled >= 1 && pthread_equal(handled_on, th),
	      "pthread_kill interrupts another thread's endless poll: EINTR, handled in that thread");
	close(p[0]);
	close(p[1]);
}

static void bad_arguments(void)
{
	void *bad = unmapped_page();
	int p[2];
	pipe(p);
	struct timespec zero = {0, 0};
	CHECK(raw_result(syscall(SYS_pselect6, p[0] + 1, bad, NULL, NULL, &zero, NULL)) == -EFAULT,
	      "pselect6 with an unmapped fd_set: EFAULT");
	CHECK(raw_result(syscall(SYS_pselect6, -1, NULL, NULL, NULL, &zero, NULL)) == -EINVAL,
	      "pselect6 with nfds -1: EINVAL");
	CHECK(raw_result(syscall(SYS_ppoll, bad, 1, &zero, NULL, 8)) == -EFAULT,
	      "ppoll with an unmapped array: EFAULT");
	struct pollfd fds = {.fd = p[0], .events = POLLIN};
	sigset_t m;
	sigemptyset(&m);
	CHECK(raw_result(syscall(SYS_ppoll, &fds, 1, &zero, &m, 4)) == -EINVAL,
	      "ppoll with a mask size 4: EINVAL");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	guard_time(30);
	readiness();
	timeouts();
	masks();
	thread_wakeup();
	bad_arguments();
	return nettest_done();
}
