/* UNIX sockets and control messages.
 *
 *   - SCM_RIGHTS: a forked child sends the write end of a pipe (whose read end it keeps) with sendmsg;
 *     the parent writes through the descriptor it received, the child reads that from its pipe and
 *     sends it back; then two descriptors into room for one (MSG_CTRUNC).
 *   - SCM_CREDENTIALS with SO_PASSCRED: credentials the kernel attaches (the child's pid, our uid and
 *     gid) and ones the sender states itself; SO_PEERCRED.
 *   - sendmmsg/recvmmsg on a datagram pair (lengths and flags per message), MSG_PEEK, MSG_DONTWAIT.
 *   - a socket bound to a path and one in the abstract namespace: listen, connect, accept, the names.
 *   - msghdr fields pointing to unmapped memory: EFAULT; msg_iovlen beyond UIO_MAXIOV: EMSGSIZE. */
#include "guest/rv/net/nettest.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#define MESSAGE "written through a passed descriptor"

/* Sends one byte with the given descriptors as SCM_RIGHTS. */
static long send_fds(int s, const int *fds, int n)
{
	char data = 'F';
	struct iovec iov = {&data, 1};
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = {.msg_iov = &iov,
	                     .msg_iovlen = 1,
	                     .msg_control = u.buf,
	                     .msg_controllen = CMSG_SPACE(n * sizeof(int))};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return sendmsg(s, &msg, 0);
}

/* The child of the SCM_RIGHTS test: sends a pipe's write end, reads what arrives in the pipe and
 * sends it back. */
static int rights_child(int s)
{
	int p[2];
	if (pipe(p) != 0 || send_fds(s, &p[1], 1) != 1)
		return 10;
	close(p[1]);
	char buf[64];
	long n = read(p[0], buf, sizeof(buf));
	if (n <= 0 || send(s, buf, n, 0) != n)
		return 11;
	return 0;
}

static void scm_rights(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair (stream)");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(rights_child(sv[1]));
	}
	close(sv[1]);
	char data;
	struct iovec iov = {&data, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	long n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	CHECK(n == 1 && data == 'F' && c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	          c->cmsg_len == CMSG_LEN(sizeof(int)) && msg.msg_controllen == CMSG_SPACE(sizeof(int)) &&
	          !(msg.msg_flags & MSG_CTRUNC),
	      "recvmsg: one SCM_RIGHTS descriptor, control length %zu", (size_t)msg.msg_controllen);
	int fd = -1;
	if (c)
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	int fl = fcntl(fd, F_GETFD), acc = fcntl(fd, F_GETFL) & O_ACCMODE;
	CHECK(fl >= 0 && (fl & FD_CLOEXEC) && acc == O_WRONLY,
	      "the received descriptor is open, write-only (a pipe's write end), close-on-exec");
	CHECK(write(fd, MESSAGE, strlen(MESSAGE)) == (long)strlen(MESSAGE), "write through it");
	close(fd);
	char back[64] = {0};
	n = recv(sv[0], back, sizeof(back) - 1, 0);
	CHECK(n == (long)strlen(MESSAGE) && strcmp(back, MESSAGE) == 0,
	      "the child read it from its pipe: \"%s\"", back);
	int status = -1;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child done (%d)", WEXITSTATUS(status));

	/* two descriptors, room for one: the second is dropped (and closed), MSG_CTRUNC says so */
	int two[2] = {0, 1};
	int pair[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, pair);
	CHECK(send_fds(pair[0], two, 2) == 1, "sendmsg with two SCM_RIGHTS descriptors");
	msg.msg_controllen = CMSG_LEN(sizeof(int)); /* no room for padding or a second one */
	msg.msg_flags = 0;
	n = recvmsg(pair[1], &msg, 0);
	c = CMSG_FIRSTHDR(&msg);
	CHECK(n == 1 && (msg.msg_flags & MSG_CTRUNC) && c && c->cmsg_len == CMSG_LEN(sizeof(int)),
	      "received into room for one: one descriptor, MSG_CTRUNC");
	if (c) {
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		close(fd);
	}
	close(pair[0]);
	close(pair[1]);
	close(sv[0]);
}

/* Receives one byte with its SCM_CREDENTIALS. */
static int recv_creds(int s, struct ucred *cred)
{
	char data;
	struct iovec iov = {&data, 1};
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	if (recvmsg(s, &msg, 0) != 1)
		return 0;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS ||
	    c->cmsg_len != CMSG_LEN(sizeof(struct ucred)))
		return 0;
	memcpy(cred, CMSG_DATA(c), sizeof(*cred));
	return 1;
}

static void scm_credentials(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair (datagram)");
	int one = 1;
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0, "SO_PASSCRED");
	struct ucred peer;
	socklen_t len = sizeof(peer);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0 && len == sizeof(peer) &&
	          peer.pid == getpid() && peer.uid == getuid() && peer.gid == getgid(),
	      "SO_PEERCRED: the pair's creator (us)");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* once plain (the kernel attaches our credentials), once stating them */
		if (send(sv[1], "a", 1, 0) != 1)
			_exit(10);
		char data = 'b';
		struct iovec iov = {&data, 1};
		union {
			char buf[CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} u;
		memset(&u, 0, sizeof(u));
		struct msghdr msg = {
		    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
		struct ucred me = {getpid(), getuid(), getgid()};
		memcpy(CMSG_DATA(c), &me, sizeof(me));
		_exit(sendmsg(sv[1], &msg, 0) == 1 ? 0 : 11);
	}
	struct ucred cred;
	CHECK(recv_creds(sv[0], &cred) && cred.pid == pid && cred.uid == getuid() && cred.gid == getgid(),
	      "SCM_CREDENTIALS the kernel attached: the child's pid, our uid and gid");
	memset(&cred, 0, sizeof(cred));
	CHECK(recv_creds(sv[0], &cred) && cred.pid == pid && cred.uid == getuid() && cred.gid == getgid(),
	      "SCM_CREDENTIALS the child stated");
	int status = -1;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child done (%d)", WEXITSTATUS(status));
	close(sv[0]);
	close(sv[1]);
}

static void mmsg(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	const char *texts[3] = {"one", "second", "third message"};
	struct iovec siov[3];
	struct mmsghdr out[3];
	memset(out, 0, sizeof(out));
	for (int i = 0; i < 3; i++) {
		siov[i].iov_base = (void *)texts[i];
		siov[i].iov_len = strlen(texts[i]);
		out[i].msg_hdr.msg_iov = &siov[i];
		out[i].msg_hdr.msg_iovlen = 1;
	}
	int n = sendmmsg(sv[0], out, 3, 0);
	CHECK(n == 3 && out[0].msg_len == 3 && out[1].msg_len == 6 && out[2].msg_len == 13,
	      "sendmmsg: 3 datagrams, msg_len %u %u %u", out[0].msg_len, out[1].msg_len, out[2].msg_len);
	char peek[8];
	CHECK(recv(sv[1], peek, sizeof(peek), MSG_PEEK) == 3 && memcmp(peek, "one", 3) == 0,
	      "MSG_PEEK sees the first without taking it");
	char bufs[3][8];
	struct iovec riov[3];
	struct mmsghdr in[3];
	memset(in, 0, sizeof(in));
	for (int i = 0; i < 3; i++) {
		riov[i].iov_base = bufs[i];
		riov[i].iov_len = sizeof(bufs[i]);
		in[i].msg_hdr.msg_iov = &riov[i];
		in[i].msg_hdr.msg_iovlen = 1;
	}
	struct timespec timeout = {5, 0};
	n = recvmmsg(sv[1], in, 3, 0, &timeout);
	CHECK(n == 3 && in[0].msg_len == 3 && in[1].msg_len == 6 && in[2].msg_len == 8 &&
	          !(in[1].msg_hdr.msg_flags & MSG_TRUNC) && (in[2].msg_hdr.msg_flags & MSG_TRUNC) &&
	          memcmp(bufs[2], "third me", 8) == 0,
	      "recvmmsg: 3 datagrams, the last one truncated to its 8-byte buffer (MSG_TRUNC)");
	CHECK(recv(sv[1], peek, sizeof(peek), MSG_DONTWAIT) == -1 && errno == EAGAIN, "then empty: EAGAIN");
	close(sv[0]);
	close(sv[1]);
}

/* A listening socket at addr, a client connecting to it, the names each side sees. */
static void named(const char *what, const struct sockaddr_un *addr, socklen_t len)
{
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(ls, (const struct sockaddr *)addr, len) == 0 && listen(ls, 1) == 0, "%s: bind, listen",
	      what);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (const struct sockaddr *)addr, len) == 0, "%s: connect", what);
	struct sockaddr_un got;
	socklen_t glen = sizeof(got);
	int s = accept(ls, (struct sockaddr *)&got, &glen);
	CHECK(s >= 0 && glen == sizeof(sa_family_t), "%s: accept (the client is unnamed)", what);
	glen = sizeof(got);
	CHECK(getpeername(c, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
	          memcmp(&got, addr, len) == 0,
	      "%s: the client's peer name is the server's", what);
	CHECK(write(c, "ping", 4) == 4 && read(s, &got, 4) == 4 && memcmp(&got, "ping", 4) == 0,
	      "%s: data flows", what);
	close(s);
	close(c);
	close(ls);
}

static void bad_messages(void)
{
	void *bad = unmapped_page();
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	char data = 'x';
	struct iovec iov = {&data, 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK(raw_result(syscall(SYS_sendmsg, sv[0], bad, 0)) == -EFAULT,
	      "sendmsg with an unmapped msghdr: EFAULT");
	msg.msg_iov = bad;
	CHECK(raw_result(syscall(SYS_sendmsg, sv[0], &msg, 0)) == -EFAULT,
	      "sendmsg with an unmapped iovec array: EFAULT");
	msg.msg_iov = &iov;
	iov.iov_base = bad;
	CHECK(raw_result(syscall(SYS_sendmsg, sv[0], &msg, 0)) == -EFAULT,
	      "sendmsg with an unmapped buffer: EFAULT");
	iov.iov_base = &data;
	msg.msg_control = bad;
	msg.msg_controllen = CMSG_SPACE(sizeof(int));
	CHECK(raw_result(syscall(SYS_sendmsg, sv[0], &msg, 0)) == -EFAULT,
	      "sendmsg with an unmapped control buffer: EFAULT");
	msg.msg_control = NULL;
	msg.msg_controllen = 0;
	msg.msg_iovlen = 1025;
	CHECK(raw_result(syscall(SYS_sendmsg, sv[0], &msg, 0)) == -EMSGSIZE,
	      "sendmsg with 1025 iovecs: EMSGSIZE");
	msg.msg_iovlen = 1;
	close(sv[0]);
	close(sv[1]);
	/* a sender with a name, so that there is an address to return */
	int rx = socket(AF_UNIX, SOCK_DGRAM, 0), tx = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un autobind = {.sun_family = AF_UNIX}, rxa;
	socklen_t rxlen = sizeof(rxa);
	CHECK(bind(rx, (struct sockaddr *)&autobind, sizeof(sa_family_t)) == 0 &&
	          bind(tx, (struct sockaddr *)&autobind, sizeof(sa_family_t)) == 0 &&
	          getsockname(rx, (struct sockaddr *)&rxa, &rxlen) == 0,
	      "two autobound datagram sockets");
	CHECK(sendto(tx, "y", 1, 0, (struct sockaddr *)&rxa, rxlen) == 1,
	      "send a datagram from a named socket");
	msg.msg_name = bad;
	msg.msg_namelen = sizeof(struct sockaddr_un);
	CHECK(raw_result(syscall(SYS_recvmsg, rx, &msg, 0)) == -EFAULT,
	      "recvmsg with an unmapped name buffer: EFAULT");
	close(rx);
	close(tx);
}

int main(void)
{
	guard_time(30);
	signal(SIGPIPE, SIG_IGN);
	scm_rights();
	scm_credentials();
	mmsg();
	struct sockaddr_un path = {.sun_family = AF_UNIX};
	const char *dir = getenv("TMPDIR");
	snprintf(path.sun_path, sizeof(path.sun_path), "%s/net_unix.sock", dir ? dir : "/tmp");
	unlink(path.sun_path);
	named("path socket", &path,
	      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path.sun_path) + 1));
	unlink(path.sun_path);
	struct sockaddr_un abstract = {.sun_family = AF_UNIX};
	char name[64];
	int n = snprintf(name, sizeof(name), "karasu-net-unix-%d", (int)getpid());
	memcpy(abstract.sun_path + 1, name, n);
	named("abstract socket", &abstract, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n));
	bad_messages();
	return nettest_done();
}
