/* The socket and event system calls with wild pointers and lengths: NULL, 1, an unmapped page, a
 * read-only page, the last bytes before an unmapped page, addresses past the end of the user address
 * space, and lengths from 0 to 2^63, in every pointer and length argument. The memory a call may
 * read is zero-filled or inaccessible, so no call names a real address or path: nothing is sent
 * anywhere, nothing is created on disk, nothing blocks (non-blocking descriptors, zero timeouts).
 *
 * What is checked: the process survives every call, and each result is a value or an error number
 * (-4095..-1). The results themselves are not printed: where Linux may check one argument before
 * another, the exact error differs between implementations and proves nothing. */
#include "guest/rv/net/nettest.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#define PG 4096L

static long ptrs[10];
static const long lens[] = {0, 1, 4, 16, 128, 4096, 0x7fffffffL, -1L, 1L << 32, (long)(1UL << 63)};
#define NPTRS (sizeof(ptrs) / sizeof(ptrs[0]))
#define NLENS (sizeof(lens) / sizeof(lens[0]))

static long calls, bad_results;

static void call(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);
	if (r == -1)
		r = -errno;
	calls++;
	if (r < -4095)
		bad_results++;
}

/* Argument kinds of a system call's signature: a fixed value (a descriptor, flags), a pointer, a
 * length, a pointer to a zero timeout. */
enum kind { VAL, PTR, LEN, ZERO_TS };

struct sweep {
	const char *name;
	long nr;
	int nargs;
	enum kind args[6];
	long val[6]; /* for VAL arguments */
};

/* Every argument of kind PTR or LEN runs through its choices while the others keep their first one;
 * then all PTR arguments together and all LEN arguments together. */
static void run_sweep(const struct sweep *s, const struct timespec *zero)
{
	long before = calls;
	long base[6];
	for (int i = 0; i < 6; i++) {
		switch (i < s->nargs ? s->args[i] : VAL) {
		case VAL: base[i] = i < s->nargs ? s->val[i] : 0; break;
		case PTR: base[i] = ptrs[2]; break; /* unmapped */
		case LEN: base[i] = 16; break;
		case ZERO_TS: base[i] = (long)zero; break;
		}
	}
	for (int i = 0; i < s->nargs; i++) {
		if (s->args[i] != PTR && s->args[i] != LEN)
			continue;
		unsigned n = s->args[i] == PTR ? NPTRS : NLENS;
		for (unsigned c = 0; c < n; c++) {
			long a[6];
			memcpy(a, base, sizeof(a));
			a[i] = s->args[i] == PTR ? ptrs[c] : lens[c];
			call(s->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		}
	}
	for (unsigned c = 0; c < NPTRS; c++) {
		for (unsigned l = 0; l < NLENS; l++) {
			long a[6];
			memcpy(a, base, sizeof(a));
			for (int i = 0; i < s->nargs; i++) {
				if (s->args[i] == PTR)
					a[i] = ptrs[c];
				if (s->args[i] == LEN)
					a[i] = lens[l];
			}
			call(s->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		}
	}
	CHECK(bad_results == 0, "%s: %ld calls, the process survived, every result a value or an errno",
	      s->name, calls - before);
}

int main(void)
{
	guard_time(60);
	signal(SIGPIPE, SIG_IGN);
	char *ro = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(ro + PG, PG); /* ro's page is followed by a hole */
	mprotect(ro, PG, PROT_READ);
	char *unmapped = unmapped_page();
	long i = 0;
	ptrs[i++] = 0;
	ptrs[i++] = 1;
	ptrs[i++] = (long)unmapped;
	ptrs[i++] = (long)ro;          /* zeros, read-only */
	ptrs[i++] = (long)ro + PG - 4; /* 4 readable bytes, then nothing */
	ptrs[i++] = (long)ro + PG - 1;
	ptrs[i++] = (1L << 38) - 8; /* the end of riscv64 Sv39 user space */
	ptrs[i++] = 1L << 47;
	ptrs[i++] = (long)0xffffffff80000000UL;
	ptrs[i++] = -1L;

	int us = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int ul = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int ep = epoll_create1(0), ev = eventfd(0, EFD_NONBLOCK),
	    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	sigset_t none;
	sigemptyset(&none);
	int sfd = signalfd(-1, &none, SFD_NONBLOCK);
	int pairs[2];
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, pairs);
	struct timespec zero = {0, 0};
#define V VAL
#define P PTR
#define L LEN
#define T ZERO_TS
	const struct sweep sweeps[] = {
	    {"bind", SYS_bind, 3, {V, P, L}, {ul}},
	    {"connect", SYS_connect, 3, {V, P, L}, {us}},
	    {"accept4", SYS_accept4, 4, {V, P, P, V}, {ul, 0, 0, SOCK_NONBLOCK}},
	    {"getsockname", SYS_getsockname, 3, {V, P, P}, {pairs[0]}},
	    {"getpeername", SYS_getpeername, 3, {V, P, P}, {pairs[0]}},
	    {"socketpair", SYS_socketpair, 4, {V, V, V, P}, {AF_UNIX, SOCK_DGRAM}},
	    {"sendto", SYS_sendto, 6, {V, P, L, V, P, L}, {pairs[0], 0, 0, MSG_DONTWAIT}},
	    {"recvfrom", SYS_recvfrom, 6, {V, P, L, V, P, P}, {pairs[1], 0, 0, MSG_DONTWAIT}},
	    {"setsockopt", SYS_setsockopt, 5, {V, V, V, P, L}, {pairs[0], SOL_SOCKET, SO_RCVTIMEO}},
	    {"setsockopt (filter)",
	     SYS_setsockopt,
	     5,
	     {V, V, V, P, L},
	     {pairs[0], SOL_SOCKET, SO_ATTACH_FILTER}},
	    {"getsockopt", SYS_getsockopt, 5, {V, V, V, P, P}, {pairs[0], SOL_SOCKET, SO_PEERCRED}},
	    {"sendmsg", SYS_sendmsg, 3, {V, P, V}, {pairs[0], 0, MSG_DONTWAIT}},
	    {"recvmsg", SYS_recvmsg, 3, {V, P, V}, {pairs[1], 0, MSG_DONTWAIT}},
	    {"sendmmsg", SYS_sendmmsg, 4, {V, P, L, V}, {pairs[0], 0, 0, MSG_DONTWAIT}},
	    {"recvmmsg", SYS_recvmmsg, 5, {V, P, L, V, T}, {pairs[1], 0, 0, MSG_DONTWAIT}},
	    {"epoll_ctl", SYS_epoll_ctl, 4, {V, V, V, P}, {ep, EPOLL_CTL_ADD, ev}},
	    {"epoll_pwait", SYS_epoll_pwait, 6, {V, P, L, V, P, L}, {ep, 0, 0, 0}},
	    {"epoll_pwait2", SYS_epoll_pwait2, 6, {V, P, L, T, P, L}, {ep}},
	    {"ppoll", SYS_ppoll, 5, {P, L, T, P, L}, {0}},
	    {"pselect6", SYS_pselect6, 6, {L, P, P, P, T, P}, {0}},
	    {"timerfd_settime", SYS_timerfd_settime, 4, {V, V, P, P}, {tfd}},
	    {"timerfd_gettime", SYS_timerfd_gettime, 2, {V, P}, {tfd}},
	    {"signalfd4", SYS_signalfd4, 4, {V, P, L, V}, {sfd, 0, 0, SFD_NONBLOCK}},
	    {"read (signalfd)", SYS_read, 3, {V, P, L}, {sfd}},
	    {"read (eventfd)", SYS_read, 3, {V, P, L}, {ev}},
	};
	for (unsigned k = 0; k < sizeof(sweeps) / sizeof(sweeps[0]); k++)
		run_sweep(&sweeps[k], &zero);
	return nettest_done();
}
