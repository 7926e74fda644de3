/* The GDB stub's run loop: serve packets while the guest is stopped, run it one interpreted instruction
 * at a time while it runs, and decide when it stops (see gdbstub.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rv/debug/gdb_packet.h"
#include "rv/debug/gdb_session.h"
#include "rv/debug/gdb_socket.h"
#include "rv/debug/gdbstub.h"
#include "rv/interp/interp.h"

#define SIGINT_LINUX  2
#define SIGTRAP_LINUX 5
#define SIGKILL_LINUX 9

/* How often a running guest looks for gdb's Ctrl-C: every 4096 instructions (a few microseconds). */
#define INTERRUPT_POLL_MASK    0xfffu
/* At the end: how long to wait for gdb to take the exit report before the process goes away. */
#define FINAL_ACK_TIMEOUT_MS   2000
#define FINAL_DRAIN_TIMEOUT_MS 500

struct rv_gdb {
	FILE *log;
	int listen_fd, fd;
	int wake_fd; /* blocking waits also end when this is readable (-1: none) */
	unsigned port;
	uint8_t rx[4096]; /* received bytes not yet fed to the reader */
	size_t rx_pos, rx_len;
	struct rv_gdb_reader reader;
	struct rv_gdb_session session;
	char reply[RV_GDB_PACKET_MAX + 1];
	char frame[RV_GDB_FRAME_MAX]; /* the last packet sent, for a '-' */
	size_t frame_len;
};

struct rv_gdb *rv_gdb_new(FILE *log)
{
	struct rv_gdb *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->log = log;
	g->listen_fd = -1;
	g->fd = -1;
	g->wake_fd = -1;
	rv_gdb_reader_init(&g->reader);
	return g;
}

void rv_gdb_free(struct rv_gdb *g)
{
	if (!g)
		return;
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	if (g->fd >= 0)
		close(g->fd);
	free(g);
}

int rv_gdb_listen(struct rv_gdb *g, const char *hostport, char *err, size_t errlen)
{
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	char bound[64];
	g->listen_fd = rv_gdb_sock_listen(hostport, &g->port, bound, sizeof(bound), err, errlen);
	if (g->listen_fd < 0)
		return -1;
	if (g->log) { /* tests and users read the port from this line (PORT 0 picks one) */
		fprintf(g->log, "karasu-rv: gdb stub listening on %s (gdb: target remote %s)\n", bound,
		        bound);
		fflush(g->log);
	}
	return 0;
}

unsigned rv_gdb_port(const struct rv_gdb *g)
{
	return g->port;
}

int rv_gdb_accept(struct rv_gdb *g, char *err, size_t errlen)
{
	if (g->listen_fd < 0) {
		snprintf(err, errlen, "not listening");
		return -1;
	}
	int fd = rv_gdb_sock_accept(g->listen_fd, g->wake_fd, err, errlen);
	if (fd == -2)
		return 1;
	if (fd < 0)
		return -1;
	if (g->fd >= 0)
		close(g->fd);
	g->fd = fd;
	g->rx_pos = g->rx_len = 0;
	g->frame_len = 0;
	rv_gdb_reader_init(&g->reader);
	if (g->log) {
		fprintf(g->log, "karasu-rv: gdb attached\n");
		fflush(g->log);
	}
	return 0;
}

int rv_gdb_wait_attach(struct rv_gdb *g, char *err, size_t errlen)
{
	int r = rv_gdb_accept(g, err, errlen);
	if (r != 0) {
		if (r > 0)
			snprintf(err, errlen, "woken up before a debugger came");
		return -1;
	}
	close(g->listen_fd); /* one debugger per run */
	g->listen_fd = -1;
	return 0;
}

void rv_gdb_set_wake_fd(struct rv_gdb *g, int fd)
{
	g->wake_fd = fd;
}

bool rv_gdb_connected(const struct rv_gdb *g)
{
	return g->fd >= 0;
}

struct rv_gdb_session *rv_gdb_session_of(struct rv_gdb *g)
{
	return &g->session;
}

int rv_gdb_attach_fd(struct rv_gdb *g, int fd)
{
	if (fd < 0)
		return -1;
	if (g->fd >= 0)
		close(g->fd);
	g->fd = fd;
	g->rx_pos = g->rx_len = 0;
	rv_gdb_reader_init(&g->reader);
	return 0;
}

/* ---- I/O ---- */

#define BYTE_LOST    (-1) /* the connection is gone */
#define BYTE_TIMEOUT (-2) /* nothing arrived within the timeout */
#define BYTE_WOKEN   (-3) /* the wake fd is readable (only when no received byte is waiting) */

/* The next received byte, or BYTE_*. */
static int next_byte(struct rv_gdb *g, int timeout_ms)
{
	if (g->rx_pos == g->rx_len) {
		ssize_t n = rv_gdb_sock_read(g->fd, g->wake_fd, g->rx, sizeof(g->rx), timeout_ms);
		if (n == -2)
			return BYTE_WOKEN;
		if (n < 0)
			return BYTE_LOST;
		if (n == 0)
			return BYTE_TIMEOUT;
		g->rx_pos = 0;
		g->rx_len = (size_t)n;
	}
	return g->rx[g->rx_pos++];
}

static bool send_raw(struct rv_gdb *g, const char *text, size_t len)
{
	return rv_gdb_sock_write(g->fd, text, len);
}

static bool send_packet(struct rv_gdb *g, const char *payload, size_t len)
{
	g->frame_len = rv_gdb_frame(g->frame, sizeof(g->frame), payload, len);
	return g->frame_len && send_raw(g, g->frame, g->frame_len);
}

/* While the guest runs, gdb sends nothing but Ctrl-C (and stray acks). */
enum run_input { RUN_INPUT_NONE, RUN_INPUT_INTERRUPT, RUN_INPUT_LOST };

static enum run_input poll_run_input(struct rv_gdb *g)
{
	int b;
	while ((b = next_byte(g, 0)) >= 0) {
		if (b == RV_GDB_INTERRUPT)
			return RUN_INPUT_INTERRUPT;
		if (b == '$') { /* a packet while running: keep it for when the guest stops */
			g->rx_pos--;
			return RUN_INPUT_NONE;
		}
	}
	return b == BYTE_LOST ? RUN_INPUT_LOST : RUN_INPUT_NONE;
}

enum rv_gdb_wait rv_gdb_wait_running(struct rv_gdb *g)
{
	for (;;) {
		int b = next_byte(g, -1);
		if (b == BYTE_LOST)
			return RV_GDB_WAIT_LOST;
		if (b == BYTE_WOKEN)
			return RV_GDB_WAIT_WOKEN;
		if (b == RV_GDB_INTERRUPT)
			return RV_GDB_WAIT_INTERRUPT;
		if (b == '$') {
			/* a packet while running (all-stop gdb sends none): keep it for the stop, and wait for
			 * the guest alone */
			g->rx_pos--;
			if (g->wake_fd < 0)
				return RV_GDB_WAIT_LOST; /* nothing else could end the wait */
			rv_gdb_sock_wait_wake(g->wake_fd, -1);
			return RV_GDB_WAIT_WOKEN;
		}
	}
}

/* ---- stopped: serving packets ---- */

enum rv_gdb_wait rv_gdb_serve(struct rv_gdb *g, struct rv_gdb_resume *r)
{
	for (;;) {
		int b = next_byte(g, -1);
		if (b == BYTE_LOST)
			return RV_GDB_WAIT_LOST;
		if (b == BYTE_WOKEN)
			return RV_GDB_WAIT_WOKEN;
		switch (rv_gdb_reader_feed(&g->reader, (uint8_t)b)) {
		case RV_GDB_FRAME_PACKET: {
			if (!g->session.no_ack && !send_raw(g, "+", 1))
				return RV_GDB_WAIT_LOST;
			size_t len;
			bool send_reply;
			*r = rv_gdb_session_handle(&g->session, g->reader.buf, g->reader.len, g->reply, &len,
			                           &send_reply);
			if (send_reply && !send_packet(g, g->reply, len))
				return RV_GDB_WAIT_LOST;
			if (r->kind != RV_GDB_RESUME_NONE)
				return RV_GDB_WAIT_RESUME;
			break;
		}
		case RV_GDB_FRAME_BAD_CHECKSUM:
			if (!g->session.no_ack && !send_raw(g, "-", 1))
				return RV_GDB_WAIT_LOST;
			if (g->log)
				fprintf(g->log, "karasu-rv: gdb: damaged packet dropped\n");
			break;
		case RV_GDB_FRAME_NACK:
			if (g->frame_len && !send_raw(g, g->frame, g->frame_len))
				return RV_GDB_WAIT_LOST;
			break;
		default: break; /* acks, noise, a late Ctrl-C: nothing to do while stopped */
		}
	}
}

/* Reads and answers packets until one resumes the guest (or kills/detaches it). lost: the connection
 * went away. */
static struct rv_gdb_resume serve(struct rv_gdb *g, bool *lost)
{
	struct rv_gdb_resume r = {RV_GDB_RESUME_NONE, 0};
	*lost = rv_gdb_serve(g, &r) != RV_GDB_WAIT_RESUME; /* no wake fd in user mode: never woken */
	return r;
}

void rv_gdb_hang_up(struct rv_gdb *g, const struct rv_gdb_stop *final)
{
	if (g->fd < 0)
		return;
	int wake_fd = g->wake_fd; /* the last words are not cut short by a wake-up */
	g->wake_fd = -1;
	if (final) {
		size_t len = rv_gdb_session_stop_reply(&g->session, final, g->reply, sizeof(g->reply));
		if (send_packet(g, g->reply, len) && !g->session.no_ack) {
			int b;
			while ((b = next_byte(g, FINAL_ACK_TIMEOUT_MS)) >= 0 && b != '+') {
			}
		}
	}
	/* closing with unread input would reset the connection and could destroy the report in flight:
	 * say we are done, then read until gdb closes its side (or a short while passes) */
	shutdown(g->fd, SHUT_WR);
	while (next_byte(g, FINAL_DRAIN_TIMEOUT_MS) >= 0) {
	}
	close(g->fd);
	g->fd = -1;
	g->wake_fd = wake_fd;
}

/* Tells gdb the process ends, gives it a moment to read that, then ends the process. */
static void finish(struct rv_gdb *g, const struct rv_gdb_ops *ops, void *ctx, struct rv_gdb_event ev)
{
	struct rv_gdb_stop stop = {ev.kind == RV_GDB_EV_EXITED ? RV_GDB_STOP_EXITED : RV_GDB_STOP_KILLED,
	                           ev.value, RV_GDB_REASON_NONE, 0};
	bool report = ev.kind == RV_GDB_EV_EXITED || ev.kind == RV_GDB_EV_KILLED;
	rv_gdb_hang_up(g, report ? &stop : NULL);
	ops->terminate(ctx, ev);
	abort(); /* terminate() must not return */
}

/* ---- running ---- */

/* A signal for the guest: delivered at once if gdb said so (QPassSignals), else a stop for gdb. Returns
 * true when the guest stops. */
static bool guest_signal(struct rv_gdb *g, const struct rv_gdb_ops *ops, void *ctx, int sig,
                         struct rv_gdb_stop *stop, bool *signal_stop)
{
	if (rv_gdb_session_passes(&g->session, sig)) {
		struct rv_gdb_event ev = ops->resume_signal(ctx, sig);
		if (ev.kind == RV_GDB_EV_KILLED || ev.kind == RV_GDB_EV_EXITED)
			finish(g, ops, ctx, ev);
		return false;
	}
	*signal_stop = true;
	stop->kind = RV_GDB_STOP_SIGNAL;
	stop->value = sig;
	stop->reason = RV_GDB_REASON_NONE;
	return true;
}

/* Runs the guest until it stops (or the process ends, which does not return). *lost: the connection
 * went away while the guest ran, or this process is the child of a fork (*forked) and must leave it. */
static struct rv_gdb_stop execute(struct rv_gdb *g, struct rv_cpu *cpu, const struct rv_gdb_ops *ops,
                                  void *ctx, bool step, bool *signal_stop, bool *lost, bool *forked)
{
	*lost = false;
	*forked = false;
	struct rv_gdb_stop stop = {RV_GDB_STOP_SIGNAL, SIGTRAP_LINUX, RV_GDB_REASON_NONE, 0};
	/* the first instruction runs even if a breakpoint is set on it: that is how gdb steps off one */
	for (uint64_t n = 0;; n++) {
		enum rv_gdb_bp_type type;
		if (n > 0 && rv_gdb_bp_find(&g->session.bps, cpu->pc, &type)) {
			stop.reason =
			    type == RV_GDB_BP_HARDWARE ? RV_GDB_REASON_HWBREAK : RV_GDB_REASON_SWBREAK;
			return stop;
		}
		int sig = ops->pending_signal(ctx);
		if (sig > 0 && guest_signal(g, ops, ctx, sig, &stop, signal_stop))
			return stop;
		enum rv_exit e = rv_interp_step(cpu);
		if (e != RV_EXIT_NONE) {
			struct rv_gdb_event ev = ops->on_exit(ctx, cpu, e);
			if (ev.kind == RV_GDB_EV_EXITED || ev.kind == RV_GDB_EV_KILLED)
				finish(g, ops, ctx, ev);
			if (ev.kind == RV_GDB_EV_DETACH) {
				*lost = *forked = true;
				return stop;
			}
			if (ev.kind == RV_GDB_EV_SIGNAL &&
			    guest_signal(g, ops, ctx, ev.value, &stop, signal_stop))
				return stop;
		}
		if (step)
			return stop;
		if ((n & INTERRUPT_POLL_MASK) == INTERRUPT_POLL_MASK) {
			enum run_input in = poll_run_input(g);
			*lost = in == RUN_INPUT_LOST;
			if (in != RUN_INPUT_NONE) {
				stop.value = SIGINT_LINUX;
				return stop;
			}
		}
	}
}

/* The debugger is gone (or leaves): the guest keeps running without it. */
static enum rv_gdb_end end_session(struct rv_gdb *g, const struct rv_gdb_ops *ops, void *ctx,
                                   bool signal_stop, enum rv_gdb_end why)
{
	if (signal_stop) /* as ptrace's detach: the signal gdb stopped for is dropped */
		ops->resume_signal(ctx, 0);
	close(g->fd);
	g->fd = -1;
	if (g->log)
		fprintf(g->log, "karasu-rv: gdb %s; the program runs on\n",
		        why == RV_GDB_END_DETACHED ? "detached" : "connection lost");
	return why;
}

bool rv_gdb_report_stop(struct rv_gdb *g, const struct rv_gdb_stop *stop)
{
	size_t len = rv_gdb_session_stop_reply(&g->session, stop, g->reply, sizeof(g->reply));
	return send_packet(g, g->reply, len);
}

enum rv_gdb_end rv_gdb_run(struct rv_gdb *g, struct rv_cpu *cpu, const struct rv_gdb_ops *ops, void *ctx)
{
	if (g->fd < 0)
		return RV_GDB_END_DISCONNECTED;
	rv_gdb_session_init(&g->session, cpu);
	g->session.before_mem_write = ops->before_mem_write;
	g->session.before_mem_write_ctx = ctx;
	bool signal_stop = false; /* the last stop was for a signal the runtime still holds */
	for (;;) {
		bool lost, forked;
		struct rv_gdb_resume r = serve(g, &lost);
		if (lost)
			return end_session(g, ops, ctx, signal_stop, RV_GDB_END_DISCONNECTED);
		if (r.kind == RV_GDB_RESUME_DETACH)
			return end_session(g, ops, ctx, signal_stop, RV_GDB_END_DETACHED);
		if (r.kind == RV_GDB_RESUME_KILL) {
			struct rv_gdb_event killed = {RV_GDB_EV_KILLED, SIGKILL_LINUX};
			/* gdb asked for it: no exit report, just end */
			shutdown(g->fd, SHUT_WR);
			close(g->fd);
			g->fd = -1;
			ops->terminate(ctx, killed);
			abort();
		}
		if (signal_stop || r.signal) {
			uint64_t pc = cpu->pc;
			struct rv_gdb_event ev = ops->resume_signal(ctx, r.signal);
			signal_stop = false;
			if (ev.kind == RV_GDB_EV_KILLED || ev.kind == RV_GDB_EV_EXITED)
				finish(g, ops, ctx, ev);
			/* a step into a signal handler stops at its first instruction, as under ptrace */
			if (r.kind == RV_GDB_RESUME_STEP && cpu->pc != pc) {
				struct rv_gdb_stop stop = {RV_GDB_STOP_SIGNAL, SIGTRAP_LINUX,
				                           RV_GDB_REASON_NONE, 0};
				if (!rv_gdb_report_stop(g, &stop))
					return end_session(g, ops, ctx, false, RV_GDB_END_DISCONNECTED);
				continue;
			}
		}
		struct rv_gdb_stop stop =
		    execute(g, cpu, ops, ctx, r.kind == RV_GDB_RESUME_STEP, &signal_stop, &lost, &forked);
		if (forked) {
			/* the connection is the parent's: no shutdown, no words, just let go of it */
			close(g->fd);
			g->fd = -1;
			return RV_GDB_END_FORK_CHILD;
		}
		if (lost || !rv_gdb_report_stop(g, &stop))
			return end_session(g, ops, ctx, signal_stop, RV_GDB_END_DISCONNECTED);
	}
}
