/* Signals: raise() with signal() and sigaction(SA_SIGINFO) handlers, blocked signals staying pending until
 * unblocked, kill() to self, a SIGSEGV from a wild store caught with the faulting address in si_addr
 * (recovered with siglongjmp), SIG_IGN, and the handler's sigreturn restoring every register. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1, got_usr2, info_code;
static volatile uintptr_t fault_addr;
static sigjmp_buf recover;

static void on_usr1(int sig)
{
	got_usr1 += sig == SIGUSR1;
}

static void on_usr2(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	got_usr2 += sig == SIGUSR2;
	info_code = info->si_code;
}

static void on_segv(int sig, siginfo_t *info, void *uctx)
{
	(void)sig;
	(void)uctx;
	fault_addr = (uintptr_t)info->si_addr;
	siglongjmp(recover, 1);
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("SIGUSR1 handled %d times\n", got_usr1);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	kill(getpid(), SIGUSR2);
	printf("SIGUSR2 via kill: handled %d, si_code is SI_USER %d\n", got_usr2, info_code == SI_USER);
	raise(SIGUSR2);
	printf("SIGUSR2 via raise: handled %d, si_code is SI_TKILL %d\n", got_usr2, info_code == SI_TKILL);

	sigset_t block, pending;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	raise(SIGUSR1);
	sigpending(&pending);
	printf("blocked: handled %d, pending %d\n", got_usr1, sigismember(&pending, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("unblocked: handled %d\n", got_usr1);

	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	printf("ignored: handled %d\n", got_usr1);

	/* Registers must survive a handler: compute across a raise() in a loop. */
	volatile double acc = 1.0;
	long isum = 0;
	signal(SIGUSR1, on_usr1);
	for (int i = 1; i <= 10; i++) {
		acc = acc * 1.5 + i;
		isum += i * i;
		raise(SIGUSR1);
	}
	printf("after handlers: %.6f %ld handled %d\n", acc, isum, got_usr1);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(recover, 1) == 0) {
		*(volatile int *)0x1234 = 1;
		printf("store to 0x1234 did not fault\n");
	} else {
		printf("SIGSEGV caught, si_addr = %#lx\n", (unsigned long)fault_addr);
	}
	if (sigsetjmp(recover, 1) == 0) {
		volatile int x = *(volatile int *)(uintptr_t)0x7ffffff00000ull;
		printf("load did not fault %d\n", x);
	} else {
		printf("SIGSEGV caught again, si_addr = %#lx\n", (unsigned long)fault_addr);
	}
	return 0;
}
