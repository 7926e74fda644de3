/* An asynchronous signal must interrupt a tight loop that makes no system call: a second thread sends
 * SIGUSR1 to the main thread, spinning on a flag that only the handler sets (a translator must check for
 * pending signals inside chained code). Also a signal to a thread blocked in read(). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t flag;
static pthread_t main_thread;

static void on_usr1(int sig)
{
	(void)sig;
	flag = 1;
}

static void *sender(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 50 * 1000 * 1000};
	nanosleep(&ts, NULL);
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART: the blocked read below returns EINTR */
	main_thread = pthread_self();

	pthread_t t;
	pthread_create(&t, NULL, sender, NULL);
	unsigned long spins = 0;
	while (!flag)
		spins++;
	pthread_join(t, NULL);
	printf("tight loop left after SIGUSR1: %d (spun %s)\n", flag, spins > 0 ? "yes" : "no");

	int fds[2];
	if (pipe(fds) != 0)
		return 1;
	flag = 0;
	pthread_create(&t, NULL, sender, NULL);
	char c;
	ssize_t n = read(fds[0], &c, 1);
	int err = errno;
	pthread_join(t, NULL);
	printf("blocked read interrupted: returned %zd, EINTR %d, handler ran %d\n", n, err == EINTR, flag);
	return 0;
}
