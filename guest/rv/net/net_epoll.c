/* An epoll loop over a timerfd, an eventfd and a signalfd.
 *
 *   - epoll_ctl with 64-bit tags in epoll_event.data (riscv64's struct is 16 bytes, x86-64's packed 12:
 *     the tags must come back intact), EPOLL_CTL_MOD/DEL, EPOLLONESHOT;
 *   - eventfd: counter values through read/write, EFD_SEMAPHORE;
 *   - timerfd: a periodic CLOCK_MONOTONIC timer, timerfd_gettime, expirations counted through the loop;
 *   - signalfd (SIGUSR1 and SIGUSR2 blocked): raise() (SI_TKILL), kill() of ourselves (SI_USER), and a
 *     forked child's kill() of its parent (another process: a real signal); the siginfo fields; a
 *     blocking read woken by the child's signal; changing the mask of an existing signalfd;
 *   - epoll_pwait with a signal mask that lets a pending, blocked SIGTERM through (EINTR, the handler
 *     ran, SIGTERM blocked again afterwards); epoll_pwait2 with a timespec timeout;
 *   - bad arguments: EFAULT for unmapped event pointers, EINVAL for maxevents 0 and short reads. */
#include "guest/rv/net/nettest.h" /* first: it defines _GNU_SOURCE */

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

#define TAG_TIMER  0x1111222233334444ull
#define TAG_EVENT  0x5555666677778888ull
#define TAG_SIGNAL 0x99990000aaaabbbbull

static int ep, tfd, efd, sfd;
static uint64_t timer_ticks;

static void add(int fd, uint64_t tag, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.u64 = tag};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		CHECK(0, "epoll_ctl ADD (%s)", strerror(errno));
}

/* One epoll_wait of up to 10 ms: timer events are counted; returns the flags of the event with tag,
 * or 0. */
static uint32_t wait_round(uint64_t tag)
{
	struct epoll_event evs[4];
	uint32_t found = 0;
	int n = epoll_wait(ep, evs, 4, 10);
	for (int i = 0; i < n; i++) {
		if (evs[i].data.u64 == TAG_TIMER) {
			uint64_t ticks;
			if (read(tfd, &ticks, sizeof(ticks)) == sizeof(ticks))
				timer_ticks += ticks;
		}
		if (evs[i].data.u64 == tag)
			found = evs[i].events;
	}
	return found;
}

/* Waits (up to 5 s) until an event with tag arrives. Returns its flags, or 0 on timeout. */
static uint32_t wait_for(uint64_t tag)
{
	for (int round = 0; round < 500; round++) {
		uint32_t events = wait_round(tag);
		if (events)
			return events;
	}
	return 0;
}

static struct signalfd_siginfo read_signal(void)
{
	struct signalfd_siginfo si;
	memset(&si, 0, sizeof(si));
	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		CHECK(0, "signalfd read (%s)", strerror(errno));
	return si;
}

static void eventfd_checks(void)
{
	uint64_t v = 5;
	CHECK(write(efd, &v, sizeof(v)) == sizeof(v), "eventfd: add 5");
	CHECK(wait_for(TAG_EVENT) & EPOLLIN, "epoll: the eventfd's tag came back intact, EPOLLIN");
	v = 0;
	CHECK(read(efd, &v, sizeof(v)) == sizeof(v) && v == 5, "eventfd: read 5 (%llu)",
	      (unsigned long long)v);
	CHECK(read(efd, &v, sizeof(v)) == -1 && errno == EAGAIN, "eventfd: empty now, EAGAIN");
	int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t a = 0, b = 0, c = 0;
	CHECK(read(sem, &a, 8) == 8 && read(sem, &b, 8) == 8 && read(sem, &c, 8) == -1 && a == 1 && b == 1,
	      "eventfd EFD_SEMAPHORE: 1, 1, then EAGAIN");
	close(sem);
}

static void signalfd_checks(void)
{
	raise(SIGUSR1);
	CHECK(wait_for(TAG_SIGNAL) & EPOLLIN, "epoll: the signalfd is readable after raise(SIGUSR1)");
	struct signalfd_siginfo si = read_signal();
	CHECK(si.ssi_signo == SIGUSR1 && si.ssi_code == SI_TKILL && si.ssi_pid == (uint32_t)getpid() &&
	          si.ssi_uid == getuid(),
	      "signalfd: SIGUSR1 from raise: SI_TKILL, our pid and uid");
	CHECK(read(sfd, &si, sizeof(si)) == -1 && errno == EAGAIN, "signalfd: nothing more, EAGAIN");
	sigset_t pending;
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGUSR1), "the signal was taken off the pending set");

	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR2);
	CHECK(wait_for(TAG_SIGNAL) & EPOLLIN, "epoll: readable after kill(getpid(), SIGUSR1 and SIGUSR2)");
	struct signalfd_siginfo two[2];
	memset(two, 0, sizeof(two));
	CHECK(read(sfd, two, sizeof(two)) == sizeof(two) && two[0].ssi_signo == SIGUSR1 &&
	          two[1].ssi_signo == SIGUSR2 && two[0].ssi_code == SI_USER &&
	          two[1].ssi_pid == (uint32_t)getpid(),
	      "signalfd: one read returns both, lowest number first, SI_USER");
	CHECK(read(sfd, &si, 100) == -1 && errno == EINVAL,
	      "signalfd: a read of less than 128 bytes: EINVAL");

	/* another process's signal, while the loop waits */
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		usleep(50 * 1000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	CHECK(wait_for(TAG_SIGNAL) & EPOLLIN, "epoll: readable after the child's kill(getppid(), SIGUSR2)");
	si = read_signal();
	CHECK(si.ssi_signo == SIGUSR2 && si.ssi_code == SI_USER && si.ssi_pid == (uint32_t)child,
	      "signalfd: SIGUSR2 from the child: SI_USER, the child's pid");
	waitpid(child, NULL, 0);

	/* a blocking signalfd: read sleeps until the child's signal */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	int blocking = signalfd(-1, &mask, SFD_CLOEXEC);
	fflush(stdout);
	child = fork();
	if (child == 0) {
		usleep(100 * 1000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	memset(&si, 0, sizeof(si));
	CHECK(read(blocking, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR2 &&
	          si.ssi_pid == (uint32_t)child,
	      "a blocking signalfd read returns when the child's SIGUSR2 arrives");
	waitpid(child, NULL, 0);

	/* a new mask for it: SIGUSR1 only */
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	CHECK(signalfd(blocking, &mask, 0) == blocking, "signalfd on an existing one changes its mask");
	raise(SIGUSR2);
	struct pollfd p = {.fd = blocking, .events = POLLIN};
	CHECK(poll(&p, 1, 0) == 0, "poll: SIGUSR2 pending, not in the new mask: not readable");
	raise(SIGUSR1);
	CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "poll: SIGUSR1 pending: readable");
	memset(&si, 0, sizeof(si));
	CHECK(read(blocking, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1,
	      "and it reads SIGUSR1");
	close(blocking);
	si = read_signal(); /* the SIGUSR2 raised above, through the first signalfd */
	CHECK(si.ssi_signo == SIGUSR2, "the first signalfd still has the SIGUSR2");
	int notfd = eventfd(0, 0);
	CHECK(signalfd(notfd, &mask, 0) == -1 && errno == EINVAL, "signalfd on an eventfd: EINVAL");
	close(notfd);
}

struct reader {
	int fd;
	struct signalfd_siginfo si;
	long got;
};

static void *read_blocking(void *arg)
{
	struct reader *r = arg;
	r->got = read(r->fd, &r->si, sizeof(r->si));
	return NULL;
}

/* A thread sleeps in read() on a signalfd; the main thread sends the process a signal. */
static void signalfd_in_thread(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	struct reader r = {.fd = signalfd(-1, &m, SFD_CLOEXEC)};
	pthread_t th;
	pthread_create(&th, NULL, read_blocking, &r);
	usleep(50 * 1000);
	kill(getpid(), SIGUSR1);
	pthread_join(th, NULL);
	CHECK(r.got == sizeof(r.si) && r.si.ssi_signo == SIGUSR1 && r.si.ssi_code == SI_USER,
	      "a thread's blocking signalfd read returns the process's SIGUSR1");
	close(r.fd);
}

/* Signals from the kernel and from other processes whose default action would end or ignore them:
 * blocked and watched by a signalfd, they wait there. */
static void signals_from_outside(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGCHLD);
	sigaddset(&m, SIGHUP);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int fd = signalfd(-1, &m, SFD_CLOEXEC);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		usleep(30 * 1000);
		_exit(7);
	}
	struct signalfd_siginfo si;
	memset(&si, 0, sizeof(si));
	CHECK(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGCHLD &&
	          si.ssi_code == CLD_EXITED && si.ssi_pid == (uint32_t)child && si.ssi_status == 7,
	      "signalfd: SIGCHLD of an exiting child: CLD_EXITED, its pid, status 7");
	waitpid(child, NULL, 0);
	fflush(stdout);
	child = fork();
	if (child == 0) {
		usleep(30 * 1000);
		kill(getppid(), SIGHUP);
		_exit(0);
	}
	struct pollfd p = {.fd = fd, .events = POLLIN};
	memset(&si, 0, sizeof(si));
	CHECK(poll(&p, 1, 5000) == 1 && read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGHUP &&
	          si.ssi_pid == (uint32_t)child,
	      "signalfd: SIGHUP (default action: terminate) from another process waits, blocked");
	waitpid(child, NULL, 0);
	while (poll(&p, 1, 0) > 0 && read(fd, &si, sizeof(si)) > 0)
		; /* the second child's SIGCHLD */
	close(fd);
}

static void timer_checks(void)
{
	struct itimerspec its = {{0, 20 * 1000 * 1000}, {0, 20 * 1000 * 1000}}, cur;
	CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0, "timerfd_settime: every 20 ms");
	CHECK(timerfd_gettime(tfd, &cur) == 0 && cur.it_interval.tv_nsec == 20 * 1000 * 1000 &&
	          cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0,
	      "timerfd_gettime: the interval, time left until the next expiration");
	for (int round = 0; round < 500 && timer_ticks < 3; round++)
		wait_round(TAG_TIMER);
	CHECK(timer_ticks >= 3, "the loop saw the timer expire at least 3 times");
	struct itimerspec off = {{0, 0}, {0, 0}}, old;
	CHECK(timerfd_settime(tfd, 0, &off, &old) == 0 && old.it_interval.tv_nsec == 20 * 1000 * 1000,
	      "timerfd disarmed, the old setting returned");
	uint64_t drain;
	while (read(tfd, &drain, sizeof(drain)) > 0)
		;
}

static volatile sig_atomic_t term_handled;
static void on_term(int sig)
{
	(void)sig;
	term_handled++;
}

static void pwait_checks(void)
{
	struct epoll_event ev;
	struct sigaction sa = {.sa_handler = on_term};
	sigaction(SIGTERM, &sa, NULL);
	sigset_t block, open_mask, now;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	raise(SIGTERM);
	CHECK(term_handled == 0, "SIGTERM raised while blocked: pending");
	sigprocmask(SIG_SETMASK, NULL, &open_mask);
	sigdelset(&open_mask, SIGTERM);
	int n = epoll_pwait(ep, &ev, 1, 5000, &open_mask);
	CHECK(n == -1 && errno == EINTR && term_handled == 1,
	      "epoll_pwait with SIGTERM let through: EINTR, handled");
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGTERM), "SIGTERM blocked again after epoll_pwait");

	struct timespec ts = {0, 30 * 1000 * 1000};
	n = (int)syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8);
	CHECK(n == 0, "epoll_pwait2 with a 30 ms timespec and nothing ready: 0");

	/* EPOLLONESHOT: reported once until re-armed with EPOLL_CTL_MOD */
	uint64_t one = 1;
	struct epoll_event mod = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = TAG_EVENT};
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &mod) == 0 && write(efd, &one, 8) == 8, "EPOLLONESHOT armed");
	CHECK(epoll_wait(ep, &ev, 1, 1000) == 1 && ev.data.u64 == TAG_EVENT, "reported once");
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0, "then not again");
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &mod) == 0 && epoll_wait(ep, &ev, 1, 1000) == 1,
	      "re-armed: reported again");
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL) == 0 && epoll_wait(ep, &ev, 1, 0) == 0,
	      "EPOLL_CTL_DEL with a NULL event");
}

static void bad_arguments(void)
{
	void *bad = unmapped_page();
	CHECK(raw_result(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, bad)) == -EFAULT,
	      "epoll_ctl with an unmapped event: EFAULT");
	struct epoll_event ev;
	CHECK(raw_result(syscall(SYS_epoll_pwait, ep, &ev, 0, 0, NULL, 8)) == -EINVAL,
	      "epoll_wait maxevents 0: EINVAL");
	int e2 = eventfd(1, 0);
	struct epoll_event in = {.events = EPOLLIN, .data.u64 = 7};
	epoll_ctl(ep, EPOLL_CTL_ADD, e2, &in);
	CHECK(raw_result(syscall(SYS_epoll_pwait, ep, bad, 1, 1000, NULL, 8)) == -EFAULT,
	      "epoll_wait into an unmapped array with an event ready: EFAULT");
	close(e2);
	sigset_t m;
	sigemptyset(&m);
	CHECK(raw_result(syscall(SYS_signalfd4, -1, bad, 8, 0)) == -EFAULT,
	      "signalfd with an unmapped mask: EFAULT");
	CHECK(raw_result(syscall(SYS_signalfd4, -1, &m, 4, 0)) == -EINVAL,
	      "signalfd with a mask size 4: EINVAL");
	CHECK(raw_result(syscall(SYS_timerfd_settime, tfd, 0, bad, NULL)) == -EFAULT,
	      "timerfd_settime with an unmapped value: EFAULT");
	CHECK(raw_result(syscall(SYS_timerfd_gettime, tfd, bad)) == -EFAULT,
	      "timerfd_gettime into unmapped memory: EFAULT");
}

int main(void)
{
	guard_time(30);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &mask, NULL) == 0, "SIGUSR1 and SIGUSR2 blocked");
	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK(ep >= 0 && tfd >= 0 && efd >= 0 && sfd >= 0, "epoll, timerfd, eventfd, signalfd created");
	add(tfd, TAG_TIMER, EPOLLIN);
	add(efd, TAG_EVENT, EPOLLIN);
	add(sfd, TAG_SIGNAL, EPOLLIN);
	struct epoll_event ev;
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0, "nothing ready yet");
	eventfd_checks();
	signalfd_checks();
	signals_from_outside();
	signalfd_in_thread();
	timer_checks();
	pwait_checks();
	bad_arguments();
	return nettest_done();
}
