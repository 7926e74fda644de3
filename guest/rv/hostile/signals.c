/* Hostile signal use, one case per run (argv[1]); the expected end is in each comment (Linux riscv64).
 *
 *   segv-return      a SIGSEGV handler that returns: the load faults again and again; the 100th time
 *                    the handler exits with 7                                            -> exit 7
 *   fault-longjmp    handlers that siglongjmp out of 50 rounds of SIGSEGV (load, store, fetch), SIGBUS
 *                    (misaligned AMO), SIGILL and SIGTRAP                                 -> exit 0
 *   sigreturn-junk   rt_sigreturn with sp at a page of 0x41 bytes (pc, mask, everything junk)  -> 139
 *   sigreturn-wild   rt_sigreturn with sp = 2^38, then with sp = -16                        -> 139
 *   sigreturn-odd-pc a SIGUSR1 handler sets the saved pc to a function's address + 1: sepc bit 0
 *                    is hard-wired to zero, so the function runs                          -> exit 0
 *   altstack-unmapped  SA_ONSTACK handler, sigaltstack on an unmapped page: no frame   -> 139
 *   altstack-wrap    sigaltstack whose top wraps around 2^64                              -> 139
 *   altstack-eof     sigaltstack in a file mapping past the end of the file: no frame    -> 139
 *   sigreturn-eof    rt_sigreturn with sp in a file mapping past the end of the file      -> 139
 *   handler-wild     a SIGUSR1 handler at an unmapped address: its first fetch faults, SIGSEGV has
 *                    the default action                                                   -> 139
 *   nodefer-wild     SIGSEGV handler at an unmapped address with SA_NODEFER: every delivery pushes a
 *                    frame until the stack is gone                                        -> 139
 *   handler-edits-loop  a SIGALRM handler rewrites the saved registers of a hot loop (s5, a0, fs0):
 *                    the loop must continue from the edited values and end         -> exit 0
 *   bad-numbers      out-of-range signal numbers and sigset sizes: EINVAL                  -> exit 0
 *   host-segv-timer  a POSIX timer that signals SIGSEGV, no handler: killed like any SIGSEGV -> 139
 *   host-segv-timer-handler  the same with a SIGSEGV handler: it runs with si_code SI_TIMER -> exit 0
 *   child-kills-parent  a forked child sends SIGBUS to its parent                          -> 135 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE     4096ul
#define USER_END (1ul << 38)

static long sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);
	return r == -1 ? -errno : r;
}

/* the kernel's struct sigaction for rt_sigaction on riscv64 */
struct ksigaction {
	uintptr_t handler;
	unsigned long flags;
	uint64_t mask;
};

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static volatile uintptr_t wild_addr = 0x1000; /* page one: never mapped */

/* ---- segv-return ---- */
static volatile int faults;
static void count_and_return(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (++faults == 100) {
		printf("100 faults at %p\n", si->si_addr);
		fflush(stdout);
		_exit(7);
	}
}

static int case_segv_return(void)
{
	install(SIGSEGV, count_and_return, 0);
	return *(volatile int *)wild_addr;
}

/* ---- fault-longjmp ---- */
static sigjmp_buf env;
static void jump_out(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	siglongjmp(env, sig);
}

static int case_fault_longjmp(void)
{
	install(SIGSEGV, jump_out, 0);
	install(SIGBUS, jump_out, 0);
	install(SIGILL, jump_out, 0);
	install(SIGTRAP, jump_out, 0);
	static uint64_t words[2];
	int seen[32] = {0};
	for (int round = 0; round < 50; round++) {
		for (int kind = 0; kind < 6; kind++) {
			int sig = sigsetjmp(env, 1);
			if (sig) {
				seen[sig]++;
				continue;
			}
			switch (kind) {
			case 0: (void)*(volatile int *)wild_addr; break;
			case 1: *(volatile int *)wild_addr = 1; break;
			case 2: ((void (*)(void))wild_addr)(); break;
			case 3: {
				uintptr_t p = (uintptr_t)words + 2;
				long old;
				__asm__ volatile("amoadd.w %0, %1, (%2)"
				                 : "=r"(old)
				                 : "r"(1L), "r"(p)
				                 : "memory");
				break;
			}
			case 4: __asm__ volatile(".word 0"); break;
			default: __asm__ volatile("ebreak"); break;
			}
			printf("kind %d did not fault\n", kind);
			return 1;
		}
	}
	printf("SIGSEGV %d SIGBUS %d SIGILL %d SIGTRAP %d\n", seen[SIGSEGV], seen[SIGBUS], seen[SIGILL],
	       seen[SIGTRAP]);
	return seen[SIGSEGV] == 150 && seen[SIGBUS] == 50 && seen[SIGILL] == 50 && seen[SIGTRAP] == 50 ? 0
	                                                                                               : 1;
}

/* ---- rt_sigreturn with a forged sp ---- */
static void sigreturn_with_sp(uintptr_t sp)
{
	register uintptr_t a7 __asm__("a7") = SYS_rt_sigreturn;
	register uintptr_t new_sp __asm__("t0") = sp;
	__asm__ volatile("mv sp, t0\n\tecall\n\t.word 0" : : "r"(a7), "r"(new_sp) : "memory");
}

static int case_sigreturn_junk(void)
{
	uint8_t *junk = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (junk == MAP_FAILED)
		return 100;
	memset(junk, 0x41, 4 * PAGE);
	printf("sigreturn into junk\n");
	fflush(stdout);
	sigreturn_with_sp((uintptr_t)junk + PAGE);
	return 0;
}

static int case_sigreturn_wild(int which)
{
	printf("sigreturn with a wild sp\n");
	fflush(stdout);
	sigreturn_with_sp(which ? (uintptr_t)-16 : USER_END);
	return 0;
}

/* ---- sigreturn-odd-pc ---- */
static void landing(void)
{
	printf("landed\n");
	fflush(stdout);
	_exit(0);
}

static void make_pc_odd(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.__gregs[0] = (uintptr_t)landing + 1; /* REG_PC */
}

static int case_sigreturn_odd_pc(void)
{
	install(SIGUSR1, make_pc_odd, 0);
	raise(SIGUSR1);
	printf("returned to the old pc\n");
	return 1;
}

/* ---- sigaltstack ---- */
static void say_handled(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	printf("handled %d\n", sig);
	fflush(stdout);
}

static int case_altstack(uintptr_t sp, size_t size)
{
	stack_t ss = {.ss_sp = (void *)sp, .ss_size = size, .ss_flags = 0};
	long r = sys(SYS_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
	printf("sigaltstack: %ld\n", r);
	install(SIGUSR1, say_handled, SA_ONSTACK);
	fflush(stdout);
	raise(SIGUSR1);
	printf("handler returned\n");
	return 1;
}

/* a 1-page file mapped with 4 pages: the last 3 are past the end of the file */
static uintptr_t past_eof(void)
{
	char path[] = "/tmp/karasu-hostile-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		exit(100);
	unlink(path);
	static char page[PAGE];
	if (write(fd, page, PAGE) != (long)PAGE)
		exit(100);
	uint8_t *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		exit(100);
	return (uintptr_t)m + PAGE;
}

/* ---- wild handlers ---- */
static int case_handler_wild(int nodefer)
{
	struct ksigaction ka = {.handler = 0xdead000, .flags = nodefer ? SA_NODEFER : 0, .mask = 0};
	int sig = nodefer ? SIGSEGV : SIGUSR1;
	long r = sys(SYS_rt_sigaction, sig, (long)&ka, 0, 8, 0, 0);
	printf("rt_sigaction: %ld\n", r);
	fflush(stdout);
	if (nodefer)
		return *(volatile int *)wild_addr;
	raise(SIGUSR1);
	return 1;
}

/* ---- handler-edits-loop ---- */
static void edit_loop_regs(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.__gregs[21] = 1ul << 50; /* s5: the loop counter, at the bound */
	uc->uc_mcontext.__gregs[10] = 12345;     /* a0 */
	union {
		double d;
		uint64_t u;
	} v = {.d = 2.5};
	uc->uc_mcontext.__fpregs.__d.__f[8] = v.u; /* fs0 */
}

static int case_handler_edits_loop(void)
{
	install(SIGALRM, edit_loop_regs, 0);
	struct itimerval it = {.it_value = {0, 50 * 1000}};
	setitimer(ITIMER_REAL, &it, NULL);
	register uint64_t s5 __asm__("s5") = 0;
	register uint64_t s4 __asm__("s4") = 1ul << 50; /* about forever, unless the handler intervenes */
	register uint64_t a0 __asm__("a0") = 0;
	register double fs0 __asm__("fs0") = 0.0;
	__asm__ volatile("1:\n\taddi s5, s5, 1\n\taddi a0, a0, 0\n\tfadd.d fs0, fs0, fs0\n\tblt s5, s4, 1b"
	                 : "+r"(s5), "+r"(a0), "+f"(fs0)
	                 : "r"(s4));
	/* the signal lands before or after each instruction of the loop body: s5 2^50 or 2^50 + 1, fs0 2.5
	 * or 5 */
	int s5_ok = s5 == (1ul << 50) || s5 == (1ul << 50) + 1;
	int fs0_ok = fs0 == 2.5 || fs0 == 5.0;
	printf("loop ended: s5 %s a0 %lu fs0 %s\n", s5_ok ? "edited" : "not edited", (unsigned long)a0,
	       fs0_ok ? "edited" : "not edited");
	return s5_ok && a0 == 12345 && fs0_ok ? 0 : 1;
}

/* ---- bad-numbers ---- */
static int case_bad_numbers(void)
{
	struct ksigaction ka = {.handler = (uintptr_t)SIG_IGN};
	uint64_t set = 0;
	int failures = 0;
	static const long sigs[] = {0, 65, 100, -1, 0x7fffffff};
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		long r = sys(SYS_rt_sigaction, sigs[i], (long)&ka, 0, 8, 0, 0);
		long k = sys(SYS_kill, getpid(), sigs[i], 0, 0, 0, 0);
		long t = sys(SYS_tgkill, getpid(), gettid(), sigs[i], 0, 0, 0);
		int want_kill = sigs[i] == 0 ? 0 : -EINVAL; /* signal 0 only checks */
		if (r != -EINVAL || k != want_kill || t != want_kill) {
			printf("FAIL: signal %ld: rt_sigaction %ld kill %ld tgkill %ld\n", sigs[i], r, k, t);
			failures++;
		}
	}
	long r = sys(SYS_rt_sigaction, SIGKILL, (long)&ka, 0, 8, 0, 0);
	if (r != -EINVAL)
		printf("FAIL: rt_sigaction(SIGKILL): %ld\n", r), failures++;
	r = sys(SYS_rt_sigaction, SIGUSR1, (long)&ka, 0, 16, 0, 0);
	if (r != -EINVAL)
		printf("FAIL: rt_sigaction sigsetsize 16: %ld\n", r), failures++;
	r = sys(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 4, 0, 0);
	if (r != -EINVAL)
		printf("FAIL: rt_sigprocmask sigsetsize 4: %ld\n", r), failures++;
	r = sys(SYS_rt_sigprocmask, 77, (long)&set, 0, 8, 0, 0);
	if (r != -EINVAL)
		printf("FAIL: rt_sigprocmask how 77: %ld\n", r), failures++;
	stack_t ss = {.ss_sp = (void *)0x10000, .ss_size = 1, .ss_flags = 0};
	r = sys(SYS_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
	if (r != -ENOMEM)
		printf("FAIL: sigaltstack size 1: %ld\n", r), failures++;
	ss.ss_size = 1 << 16;
	ss.ss_flags = 0x1234;
	r = sys(SYS_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
	if (r != -EINVAL)
		printf("FAIL: sigaltstack flags 0x1234: %ld\n", r), failures++;
	printf("done: %d failures\n", failures);
	return failures;
}

/* ---- host signals that look like faults ---- */
static void report_code(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	printf("signal %d si_code %d\n", sig, si->si_code);
	fflush(stdout);
	_exit(si->si_code == SI_TIMER ? 0 : 1);
}

static int case_host_segv_timer(int with_handler)
{
	if (with_handler)
		install(SIGSEGV, report_code, 0);
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGSEGV;
	timer_t id;
	if (timer_create(CLOCK_MONOTONIC, &sev, &id) != 0) {
		printf("timer_create: %s\n", strerror(errno));
		return 100;
	}
	struct itimerspec its = {.it_value = {0, 20 * 1000 * 1000}};
	timer_settime(id, 0, &its, NULL);
	printf("waiting for the timer\n");
	fflush(stdout);
	for (int i = 0; i < 200; i++) {
		struct timespec nap = {0, 10 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
	/* still alive: then a real fault must still end like a fault */
	printf("the timer signal was lost\n");
	fflush(stdout);
	return *(volatile int *)wild_addr;
}

static int case_child_kills_parent(void)
{
	pid_t parent = getpid();
	printf("forking\n");
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		kill(parent, SIGBUS);
		_exit(0);
	}
	for (int i = 0; i < 200; i++) {
		struct timespec nap = {0, 10 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
	printf("the signal was lost\n");
	return 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *c = argc == 2 ? argv[1] : "";
	if (!strcmp(c, "segv-return"))
		return case_segv_return();
	if (!strcmp(c, "fault-longjmp"))
		return case_fault_longjmp();
	if (!strcmp(c, "sigreturn-junk"))
		return case_sigreturn_junk();
	if (!strcmp(c, "sigreturn-wild"))
		return case_sigreturn_wild(0);
	if (!strcmp(c, "sigreturn-wild-negative"))
		return case_sigreturn_wild(1);
	if (!strcmp(c, "sigreturn-odd-pc"))
		return case_sigreturn_odd_pc();
	if (!strcmp(c, "altstack-unmapped"))
		return case_altstack(0x1000, 1 << 16);
	if (!strcmp(c, "altstack-wrap"))
		return case_altstack(0xfffffffffffff000ul, 0x3000);
	if (!strcmp(c, "altstack-eof"))
		return case_altstack(past_eof(), 2 * PAGE);
	if (!strcmp(c, "sigreturn-eof")) {
		uintptr_t sp = past_eof() + PAGE;
		printf("sigreturn with sp past EOF\n");
		fflush(stdout);
		sigreturn_with_sp(sp);
		return 0;
	}
	if (!strcmp(c, "handler-wild"))
		return case_handler_wild(0);
	if (!strcmp(c, "nodefer-wild"))
		return case_handler_wild(1);
	if (!strcmp(c, "handler-edits-loop"))
		return case_handler_edits_loop();
	if (!strcmp(c, "bad-numbers"))
		return case_bad_numbers();
	if (!strcmp(c, "host-segv-timer"))
		return case_host_segv_timer(0);
	if (!strcmp(c, "host-segv-timer-handler"))
		return case_host_segv_timer(1);
	if (!strcmp(c, "child-kills-parent"))
		return case_child_kills_parent();
	fprintf(stderr, "usage: signals CASE\n");
	return 2;
}
