/* setjmp/longjmp: jumps out of nested calls, values carried through, volatile locals kept, and a jump
 * from a signal handler with sigsetjmp/siglongjmp (the signal mask is restored). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env;
static sigjmp_buf sigenv;

static int depth(int n)
{
	if (n == 0)
		longjmp(env, 17);
	if (n > 1000) /* never: keeps a normal return path for the compiler */
		return 0;
	return depth(n - 1) + 1;
}

static void on_usr1(int sig)
{
	siglongjmp(sigenv, sig);
}

int main(void)
{
	volatile int counter = 0;
	int r = setjmp(env);
	printf("setjmp returned %d (counter %d)\n", r, counter);
	if (counter++ < 3)
		depth(50 + counter);
	/* longjmp(env, 0) makes setjmp return 1 */
	volatile int zero_case = 0;
	if (setjmp(env) == 0) {
		zero_case = 1;
		longjmp(env, 0);
	} else {
		printf("longjmp with 0 gave nonzero, zero_case %d\n", zero_case);
	}

	signal(SIGUSR1, on_usr1);
	int s = sigsetjmp(sigenv, 1);
	if (s == 0) {
		raise(SIGUSR1);
		printf("not reached\n");
	}
	printf("siglongjmp from handler: %d\n", s);
	sigset_t mask;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	printf("SIGUSR1 blocked after siglongjmp: %d\n", sigismember(&mask, SIGUSR1));
	return 0;
}
