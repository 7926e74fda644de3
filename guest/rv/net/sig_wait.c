/* Waiting for signals, the other half of an event loop:
 *   - sigtimedwait: a timeout that expires (EAGAIN, after the time), a raised signal, a sigqueue value
 *     (rt_sigqueueinfo), a signal another thread sends while the wait sleeps;
 *   - sigsuspend woken by another thread's pthread_kill (EINTR, the handler ran);
 *   - pthread_sigqueue (rt_tgsigqueueinfo) to ourselves: the value reaches an SA_SIGINFO handler;
 *   - SIGCHLD to an SA_SIGINFO handler: CLD_EXITED, the child's pid and exit status;
 *   - bad arguments: mask size 4 (EINVAL), an unmapped siginfo for sigqueueinfo (EFAULT), a
 *     sigqueueinfo pretending to be the kernel towards another process (EPERM);
 *   - fork: the child starts with no pending signals. */
#include "guest/rv/net/nettest.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static pthread_t main_thread;
static volatile sig_atomic_t handled, handler_value, child_code, child_status, child_pid_ok;
static volatile pid_t child_pid;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void on_usr2_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	handler_value = si->si_value.sival_int;
}

static void on_chld_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	child_code = si->si_code;
	child_status = si->si_status;
	child_pid_ok = si->si_pid == child_pid;
}

static void *poke_main(void *arg)
{
	int sig = *(int *)arg;
	usleep(50 * 1000);
	pthread_kill(main_thread, sig);
	return NULL;
}

static void timed_waits(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	struct timespec ts = {0, 50 * 1000 * 1000}, t0, t1;
	siginfo_t si;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = sigtimedwait(&m, &si, &ts);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(r == -1 && errno == EAGAIN && ms >= 45,
	      "sigtimedwait: nothing for 50 ms: EAGAIN after the time");
	raise(SIGUSR1);
	r = sigtimedwait(&m, &si, &ts);
	CHECK(r == SIGUSR1 && si.si_pid == getpid(), "sigtimedwait: a raised SIGUSR1, our pid");
	union sigval v = {.sival_int = 1234};
	CHECK(sigqueue(getpid(), SIGUSR2, v) == 0, "sigqueue to ourselves");
	r = sigwaitinfo(&m, &si);
	CHECK(r == SIGUSR2 && si.si_code == SI_QUEUE && si.si_value.sival_int == 1234,
	      "sigwaitinfo: SI_QUEUE with the value 1234");
	main_thread = pthread_self();
	pthread_t th;
	int sig = SIGUSR2;
	pthread_create(&th, NULL, poke_main, &sig);
	r = sigwaitinfo(&m, &si);
	CHECK(r == SIGUSR2, "sigwaitinfo: woken by another thread's pthread_kill");
	pthread_join(th, NULL);
}

static void suspend(void)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t none, now;
	sigemptyset(&none);
	pthread_t th;
	int sig = SIGUSR1;
	pthread_create(&th, NULL, poke_main, &sig);
	int r = sigsuspend(&none);
	CHECK(r == -1 && errno == EINTR && handled == 1,
	      "sigsuspend: woken by another thread, EINTR, handled once");
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1), "the old mask is back after sigsuspend");
	pthread_join(th, NULL);
}

static void queued_values(void)
{
	struct sigaction sa = {.sa_sigaction = on_usr2_info, .sa_flags = SA_SIGINFO};
	sigaction(SIGUSR2, &sa, NULL);
	union sigval v = {.sival_int = 4321};
	CHECK(pthread_sigqueue(pthread_self(), SIGUSR2, v) == 0, "pthread_sigqueue to ourselves");
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
	CHECK(handler_value == 4321, "the SA_SIGINFO handler got the value 4321");

	struct sigaction chld = {.sa_sigaction = on_chld_info, .sa_flags = SA_SIGINFO};
	sigaction(SIGCHLD, &chld, NULL);
	sigset_t c;
	sigemptyset(&c);
	sigaddset(&c, SIGCHLD);
	sigprocmask(SIG_BLOCK, &c, NULL); /* until child_pid is known: the handler checks it */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(5);
	child_pid = pid;
	int status;
	waitpid(pid, &status, 0);
	sigprocmask(SIG_UNBLOCK, &c, NULL);
	CHECK(child_code == CLD_EXITED && child_status == 5 && child_pid_ok,
	      "SIGCHLD handler: CLD_EXITED, the child's pid, status 5");
	signal(SIGCHLD, SIG_DFL);
}

static void bad_arguments(void)
{
	void *bad = unmapped_page();
	sigset_t m;
	sigemptyset(&m);
	struct timespec zero = {0, 0};
	CHECK(raw_result(syscall(SYS_rt_sigtimedwait, &m, NULL, &zero, 4)) == -EINVAL,
	      "sigtimedwait mask size 4: EINVAL");
	CHECK(raw_result(syscall(SYS_rt_sigsuspend, &m, 4)) == -EINVAL, "sigsuspend mask size 4: EINVAL");
	CHECK(raw_result(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, bad)) == -EFAULT,
	      "rt_sigqueueinfo with an unmapped siginfo: EFAULT");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_code = SI_USER; /* >= 0: only the kernel may say so to another process */
	CHECK(raw_result(syscall(SYS_rt_sigqueueinfo, getppid(), 0, &si)) == -EPERM,
	      "rt_sigqueueinfo with si_code SI_USER to another process: EPERM");
}

/* fork(2): "the child's set of pending signals is initially empty"; the parent's stays. */
static void fork_clears_pending(void)
{
	sigset_t usr1, pending;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	raise(SIGUSR1);
	pid_t pid = fork();
	if (pid == 0) {
		sigpending(&pending);
		_exit(sigismember(&pending, SIGUSR1) ? 1 : 0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork: the child starts with no pending signal");
	sigpending(&pending);
	CHECK(sigismember(&pending, SIGUSR1), "fork: the parent's blocked SIGUSR1 is still pending");
	int sig = 0;
	sigwait(&usr1, &sig);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

int main(void)
{
	guard_time(30);
	timed_waits();
	suspend();
	queued_values();
	bad_arguments();
	fork_clears_pending();
	return nettest_done();
}
