/* TCP transport of the GDB stub: one listening socket, one connection, blocking or polled reads. */
#ifndef KARASU_RV_DEBUG_GDB_SOCKET_H
#define KARASU_RV_DEBUG_GDB_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Parses "PORT", ":PORT" or "HOST:PORT" (HOST: IPv4 dotted quad or "localhost"; default 127.0.0.1).
 * Returns the listening socket, the bound port and the bound address as text ("127.0.0.1:PORT", in
 * bound[boundlen]), or -1 with a message in err. */
int rv_gdb_sock_listen(const char *hostport, unsigned *port, char *bound, size_t boundlen, char *err,
                       size_t errlen);
/* Waits for one connection (retrying on EINTR); the listening socket stays open. wake_fd (if >= 0) ends the
 * wait early when it becomes readable (the stub's owner wants its thread back). The connected socket, -2
 * when woken, or -1 with a message in err. */
int rv_gdb_sock_accept(int listen_fd, int wake_fd, char *err, size_t errlen);
/* Writes all of buf. False if the connection failed. */
bool rv_gdb_sock_write(int fd, const void *buf, size_t len);
/* Reads what is there (at most cap bytes). timeout_ms < 0 waits for data, 0 only looks. wake_fd (if >= 0)
 * ends the wait early when it becomes readable (it is not read). Returns the bytes read, 0 when nothing
 * arrived in time, -1 when the connection closed or failed, -2 when woken. */
ssize_t rv_gdb_sock_read(int fd, int wake_fd, void *buf, size_t cap, int timeout_ms);
/* Waits (up to timeout_ms, < 0: no limit) until wake_fd is readable: true if it is. */
bool rv_gdb_sock_wait_wake(int wake_fd, int timeout_ms);

#endif
