/* Processes: fork, a pipe from child to parent, waitpid with exit statuses and a signal death, and the
 * child's own copy of memory. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int shared_looking = 10;

int main(void)
{
	int fds[2];
	if (pipe(fds) != 0) {
		perror("pipe");
		return 1;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		shared_looking = 99; /* the parent's copy must not change */
		char msg[64];
		int n = snprintf(msg, sizeof(msg), "hello from the child, value %d", shared_looking);
		if (write(fds[1], msg, (size_t)n) != n)
			_exit(1);
		close(fds[1]);
		_exit(7);
	}
	close(fds[1]);
	char buf[128];
	ssize_t total = 0, n;
	while ((n = read(fds[0], buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
		total += n;
	buf[total] = 0;
	close(fds[0]);
	int status;
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	printf("child said: %s\n", buf);
	printf("child exited %d with status %d; parent value %d\n", WIFEXITED(status), WEXITSTATUS(status),
	       shared_looking);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("second child killed by signal %d: %d\n", WTERMSIG(status), WIFSIGNALED(status));
	return 0;
}
