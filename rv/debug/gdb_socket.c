/* TCP transport of the GDB stub (see gdb_socket.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rv/debug/gdb_socket.h"

#define MAX_PORT 65535

static bool parse_hostport(const char *hostport, struct sockaddr_in *sa, char *err, size_t errlen)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	const char *colon = strrchr(hostport, ':');
	const char *port_text = colon ? colon + 1 : hostport;
	if (colon && colon != hostport) {
		char host[64];
		size_t n = (size_t)(colon - hostport);
		if (n >= sizeof(host)) {
			snprintf(err, errlen, "host name too long in '%s'", hostport);
			return false;
		}
		memcpy(host, hostport, n);
		host[n] = '\0';
		if (strcmp(host, "localhost") != 0 && inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
			snprintf(err, errlen, "'%s' is not an IPv4 address (e.g. 127.0.0.1)", host);
			return false;
		}
	}
	char *end;
	errno = 0;
	long port = strtol(port_text, &end, 10);
	if (*port_text == '\0' || *end != '\0' || errno || port < 0 || port > MAX_PORT) {
		snprintf(err, errlen, "bad port in '%s' (expected [HOST:]PORT, PORT 0..%d)", hostport,
		         MAX_PORT);
		return false;
	}
	sa->sin_port = htons((uint16_t)port);
	return true;
}

int rv_gdb_sock_listen(const char *hostport, unsigned *port, char *bound, size_t boundlen, char *err,
                       size_t errlen)
{
	struct sockaddr_in sa;
	if (!parse_hostport(hostport, &sa, err, errlen))
		return -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", hostport, strerror(errno));
		close(fd);
		return -1;
	}
	socklen_t len = sizeof(sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	char ip[INET_ADDRSTRLEN] = "?";
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	snprintf(bound, boundlen, "%s:%u", ip, *port);
	return fd;
}

/* Polls fd for input together with wake_fd (ignored if < 0). Returns 1 when fd is readable (or closed),
 * 0 on timeout, -2 when only wake_fd is readable (input comes first: gdb sends a packet at a time), -1 on
 * error. */
static int poll_with_wake(int fd, int wake_fd, int timeout_ms)
{
	for (;;) {
		struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
		int r = poll(pfd, wake_fd >= 0 ? 2 : 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		if (pfd[0].revents)
			return 1;
		return -2;
	}
}

int rv_gdb_sock_accept(int listen_fd, int wake_fd, char *err, size_t errlen)
{
	int fd;
	for (;;) {
		int r = poll_with_wake(listen_fd, wake_fd, -1);
		if (r == -2)
			return -2;
		if (r < 0) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0 || (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED))
			break;
	}
	if (fd < 0) {
		snprintf(err, errlen, "accept: %s", strerror(errno));
		return -1;
	}
	/* packets are small and answered one at a time: send them now, not after Nagle's delay */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

bool rv_gdb_sock_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

ssize_t rv_gdb_sock_read(int fd, int wake_fd, void *buf, size_t cap, int timeout_ms)
{
	for (;;) {
		int r = poll_with_wake(fd, wake_fd, timeout_ms);
		if (r <= 0)
			return r == 0 ? 0 : r == -2 ? -2 : -1;
		ssize_t n = recv(fd, buf, cap, 0);
		if (n < 0 && errno == EINTR)
			continue;
		return n > 0 ? n : -1;
	}
}

bool rv_gdb_sock_wait_wake(int wake_fd, int timeout_ms)
{
	for (;;) {
		struct pollfd pfd = {.fd = wake_fd, .events = POLLIN};
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		return r > 0;
	}
}
