/* TCP and UDP over the loopback interface, IPv4 (127.0.0.1) and IPv6 (::1), ephemeral ports.
 *
 * For each family: a server socket (SO_REUSEADDR, bind to port 0, listen), a forked client that
 * connects and sends lines with send, sendto, sendmsg (two iovecs) and writev; the server accepts
 * (accept4, the peer's address checked), echoes every byte back (recv, recvfrom, recvmsg), and the
 * client checks the echo, shuts its side down and sees the server's EOF. Socket options whose values are
 * ints and structs go in and come back (TCP_NODELAY, SO_RCVTIMEO, SO_LINGER, IP_TOS/IPV6_TCLASS,
 * IPV6_V6ONLY, SO_TYPE, SO_ERROR), with the length checks Linux makes. Then UDP datagrams with source
 * addresses and MSG_TRUNC, and system calls with bad pointers (EFAULT) and lengths (EINVAL). */
#include "guest/rv/net/nettest.h" /* first: it defines _GNU_SOURCE */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define LINES 4

static const char *const lines[LINES] = {"hello over send\n", "second line via sendto\n",
                                         "third: two iovecs via sendmsg\n", "fourth, writev\n"};

struct family {
	const char *name;
	int domain;
	struct sockaddr_storage loopback; /* port 0 */
	socklen_t len;
};

static void set_port(struct sockaddr_storage *a, uint16_t port)
{
	if (a->ss_family == AF_INET)
		((struct sockaddr_in *)a)->sin_port = port;
	else
		((struct sockaddr_in6 *)a)->sin6_port = port;
}

static uint16_t get_port(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET ? ((const struct sockaddr_in *)a)->sin_port
	                               : ((const struct sockaddr_in6 *)a)->sin6_port;
}

static int is_loopback(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
	return a->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

/* Reads exactly n bytes (or fewer at EOF); -1 on error. */
static long read_full(int fd, char *buf, long n)
{
	long got = 0;
	while (got < n) {
		long r = recv(fd, buf + got, n - got, 0);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

/* The client, in the forked child: its exit status says how it went (0: everything echoed). */
static int client(const struct family *f, const struct sockaddr_storage *server)
{
	int s = socket(f->domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (const struct sockaddr *)server, f->len) != 0)
		return 10;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	if (getpeername(s, (struct sockaddr *)&peer, &plen) != 0 || plen != f->len ||
	    get_port(&peer) != get_port(server))
		return 11;
	if (send(s, lines[0], strlen(lines[0]), 0) != (long)strlen(lines[0]) ||
	    sendto(s, lines[1], strlen(lines[1]), 0, NULL, 0) != (long)strlen(lines[1]))
		return 12;
	const char *third = lines[2];
	size_t half = strlen(third) / 2;
	struct iovec iov[2] = {{(void *)third, half}, {(void *)(third + half), strlen(third) - half}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	if (sendmsg(s, &msg, 0) != (long)strlen(third))
		return 13;
	struct iovec one = {(void *)lines[3], strlen(lines[3])};
	if (writev(s, &one, 1) != (long)strlen(lines[3]))
		return 14;
	size_t total = 0;
	for (int i = 0; i < LINES; i++)
		total += strlen(lines[i]);
	char echo[256];
	if (read_full(s, echo, (long)total) != (long)total)
		return 15;
	size_t at = 0;
	for (int i = 0; i < LINES; i++) {
		if (memcmp(echo + at, lines[i], strlen(lines[i])) != 0)
			return 16;
		at += strlen(lines[i]);
	}
	if (shutdown(s, SHUT_WR) != 0)
		return 17;
	char c;
	if (recv(s, &c, 1, 0) != 0) /* the server closes after our EOF */
		return 18;
	close(s);
	return 0;
}

static void check_options(const struct family *f, int s)
{
	int one = 1, v = 0;
	socklen_t len = sizeof(v);
	CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0 &&
	          getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1 && len == sizeof(int),
	      "%s: TCP_NODELAY set and read back", f->name);
	struct timeval tv = {7, 500000}, back = {0, 0}; /* whole jiffies at any HZ */
	len = sizeof(back);
	CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
	          getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &back, &len) == 0 && len == sizeof(back) &&
	          back.tv_sec == 7 && back.tv_usec == 500000,
	      "%s: SO_RCVTIMEO struct timeval set and read back", f->name);
	CHECK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv) - 1) == -1 && errno == EINVAL,
	      "%s: SO_SNDTIMEO with a short timeval: EINVAL", f->name);
	struct linger lg = {1, 3}, lback = {0, 0};
	len = sizeof(lback);
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0 &&
	          getsockopt(s, SOL_SOCKET, SO_LINGER, &lback, &len) == 0 && lback.l_onoff == 1 &&
	          lback.l_linger == 3,
	      "%s: SO_LINGER struct linger set and read back", f->name);
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(int)) == -1 && errno == EINVAL,
	      "%s: SO_LINGER with optlen 4: EINVAL", f->name);
	lg.l_onoff = 0;
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (f->domain == AF_INET) {
		int tos = 0x10;
		len = sizeof(v);
		CHECK(setsockopt(s, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) == 0 &&
		          getsockopt(s, IPPROTO_IP, IP_TOS, &v, &len) == 0 && v == 0x10,
		      "%s: IP_TOS set and read back", f->name);
	} else {
		int tclass = 0x20;
		len = sizeof(v);
		CHECK(setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof(tclass)) == 0 &&
		          getsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &v, &len) == 0 && v == 0x20,
		      "%s: IPV6_TCLASS set and read back", f->name);
	}
	len = sizeof(v);
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM,
	      "%s: SO_TYPE is SOCK_STREAM", f->name);
	len = sizeof(v);
	CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0, "%s: SO_ERROR is 0", f->name);
	char small = 0;
	len = 1; /* an int option into one byte: Linux writes what fits and says 1 */
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &small, &len) == 0 && len == 1, "%s: SO_TYPE into 1 byte",
	      f->name);
}

static void tcp_echo(const struct family *f)
{
	int ls = socket(f->domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(ls >= 0, "%s: socket", f->name);
	int one = 1;
	CHECK(setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0, "%s: SO_REUSEADDR", f->name);
	if (f->domain == AF_INET6) {
		int v = 0;
		socklen_t len = sizeof(v);
		CHECK(setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == 0 &&
		          getsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len) == 0 && v == 1,
		      "%s: IPV6_V6ONLY", f->name);
	}
	CHECK(bind(ls, (const struct sockaddr *)&f->loopback, f->len) == 0, "%s: bind to port 0", f->name);
	CHECK(listen(ls, 4) == 0, "%s: listen", f->name);
	struct sockaddr_storage server;
	socklen_t slen = sizeof(server);
	CHECK(getsockname(ls, (struct sockaddr *)&server, &slen) == 0 && slen == f->len &&
	          get_port(&server) != 0 && is_loopback(&server),
	      "%s: getsockname gives the loopback address and a port", f->name);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(ls);
		_exit(client(f, &server));
	}
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int s = accept4(ls, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	CHECK(s >= 0 && plen == f->len && is_loopback(&peer) && get_port(&peer) != get_port(&server),
	      "%s: accept4 gives the client's loopback address", f->name);
	check_options(f, s);
	/* echo until EOF, alternating the receiving calls */
	char buf[512];
	long total = 0;
	for (int round = 0;; round++) {
		long n;
		if (round % 3 == 0) {
			n = recv(s, buf, sizeof(buf), 0);
		} else if (round % 3 == 1) {
			struct sockaddr_storage from;
			socklen_t flen = sizeof(from);
			n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		} else {
			struct iovec iov[2] = {{buf, 5}, {buf + 5, sizeof(buf) - 5}};
			struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
			n = recvmsg(s, &msg, 0);
		}
		if (n <= 0)
			break;
		total += n;
		if (send(s, buf, n, MSG_NOSIGNAL) != n)
			break;
	}
	long want = 0;
	for (int i = 0; i < LINES; i++)
		want += (long)strlen(lines[i]);
	CHECK(total == want, "%s: server echoed %ld bytes until EOF", f->name, total);
	close(s);
	int status = -1;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: client saw its lines echoed and EOF (%d)",
	      f->name, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	close(ls);
}

static void udp(const struct family *f)
{
	int a = socket(f->domain, SOCK_DGRAM, 0), b = socket(f->domain, SOCK_DGRAM, 0);
	struct sockaddr_storage aa, ba;
	socklen_t alen = sizeof(aa), blen = sizeof(ba);
	CHECK(bind(a, (const struct sockaddr *)&f->loopback, f->len) == 0 &&
	          bind(b, (const struct sockaddr *)&f->loopback, f->len) == 0 &&
	          getsockname(a, (struct sockaddr *)&aa, &alen) == 0 &&
	          getsockname(b, (struct sockaddr *)&ba, &blen) == 0,
	      "%s: two UDP sockets bound", f->name);
	struct timeval tv = {5, 0};
	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	const char msg[] = "a datagram of 30 bytes........";
	CHECK(sendto(a, msg, 30, 0, (const struct sockaddr *)&ba, blen) == 30, "%s: sendto", f->name);
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char buf[64];
	long n = recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	CHECK(n == 30 && memcmp(buf, msg, 30) == 0 && flen == f->len && get_port(&from) == get_port(&aa),
	      "%s: recvfrom: the datagram and its source address", f->name);
	/* a source address larger than the buffer: what fits, and the full length */
	sendto(a, msg, 30, 0, (const struct sockaddr *)&ba, blen);
	flen = 4;
	memset(&from, 0x55, sizeof(from));
	n = recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	CHECK(n == 30 && flen == f->len && ((unsigned char *)&from)[4] == 0x55,
	      "%s: recvfrom with a 4-byte address buffer: 4 bytes written, full length returned", f->name);
	sendto(a, msg, 30, 0, (const struct sockaddr *)&ba, blen);
	n = recv(b, buf, 10, MSG_TRUNC);
	CHECK(n == 30 && memcmp(buf, msg, 10) == 0, "%s: MSG_TRUNC gives the real length (%ld)", f->name, n);
	n = recv(b, buf, sizeof(buf), MSG_DONTWAIT);
	CHECK(n == -1 && errno == EAGAIN, "%s: nothing left: EAGAIN", f->name);
	close(a);
	close(b);
}

static void bad_arguments(void)
{
	void *bad = unmapped_page();
	int s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(raw_result(syscall(SYS_connect, s, bad, sizeof(struct sockaddr_in))) == -EFAULT,
	      "connect with an unmapped address: EFAULT");
	struct sockaddr_storage big;
	memset(&big, 0, sizeof(big));
	big.ss_family = AF_INET;
	CHECK(raw_result(syscall(SYS_bind, s, &big, sizeof(big) + 1)) == -EINVAL,
	      "bind with an address longer than sockaddr_storage: EINVAL");
	CHECK(raw_result(syscall(SYS_getsockname, s, &big, bad)) == -EFAULT,
	      "getsockname with an unmapped length: EFAULT");
	int one = 1;
	CHECK(raw_result(syscall(SYS_setsockopt, s, SOL_SOCKET, SO_REUSEADDR, bad, sizeof(one))) == -EFAULT,
	      "setsockopt with an unmapped value: EFAULT");
	/* (not checked: a negative optlen, EINVAL on Linux, which qemu-riscv64 7.2 accepts) */
	CHECK(raw_result(syscall(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, &one, bad)) == -EFAULT,
	      "getsockopt with an unmapped length: EFAULT");
	socklen_t len = sizeof(int);
	CHECK(raw_result(syscall(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, bad, &len)) == -EFAULT,
	      "getsockopt with an unmapped value: EFAULT");
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(raw_result(syscall(SYS_sendto, sv[0], bad, 10, 0, NULL, 0)) == -EFAULT,
	      "send from an unmapped buffer: EFAULT");
	CHECK(write(sv[0], "x", 1) == 1 &&
	          raw_result(syscall(SYS_recvfrom, sv[1], bad, 10, 0, NULL, NULL)) == -EFAULT,
	      "recv into an unmapped buffer: EFAULT");
	CHECK(raw_result(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, bad)) == -EFAULT,
	      "socketpair into an unmapped array: EFAULT");
	close(sv[0]);
	close(sv[1]);
	close(s);
}

int main(void)
{
	guard_time(30);
	signal(SIGPIPE, SIG_IGN);
	struct family fams[2] = {{.name = "IPv4", .domain = AF_INET}, {.name = "IPv6", .domain = AF_INET6}};
	struct sockaddr_in *v4 = (struct sockaddr_in *)&fams[0].loopback;
	v4->sin_family = AF_INET;
	v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fams[0].len = sizeof(*v4);
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&fams[1].loopback;
	v6->sin6_family = AF_INET6;
	v6->sin6_addr = in6addr_loopback;
	fams[1].len = sizeof(*v6);
	set_port(&fams[0].loopback, 0);
	for (int i = 0; i < 2; i++) {
		tcp_echo(&fams[i]);
		udp(&fams[i]);
	}
	bad_arguments();
	return nettest_done();
}
