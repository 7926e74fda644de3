/* The console on the host's standard streams (console.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "rv/system/console.h"
#include "rv/system/dev/uart16550.h"
#include "rv/system/machine.h"

#define INPUT_POLL_MS 20 /* also how long output without a newline may wait */

static struct termios saved_termios;
static int saved_fd = -1;

static void restore_terminal(void)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved_termios);
}

static void restore_and_die(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* stdout is gone: the output is dropped */
		p += w;
		n -= (size_t)w;
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- output ---- */

/* Direct mode: what is buffered goes out (under out_lock). */
static void flush_locked(struct rv_console *c)
{
	if (c->out_len) {
		write_all(c->out_fd, c->out_buf, c->out_len);
		c->out_len = 0;
	}
}

void rv_console_flush(struct rv_console_port *p)
{
	struct rv_console *c = p->console;
	pthread_mutex_lock(&c->out_lock);
	if (c->muxed)
		console_mux_flush(&c->mux, p->guest);
	else
		flush_locked(c);
	pthread_mutex_unlock(&c->out_lock);
}

void rv_console_write(struct rv_console_port *p, const uint8_t *bytes, size_t n)
{
	struct rv_console *c = p->console;
	pthread_mutex_lock(&c->out_lock);
	c->bytes_out += n;
	if (c->muxed) {
		console_mux_guest_write(&c->mux, p->guest, (const char *)bytes, n);
	} else {
		for (size_t i = 0; i < n; i++) {
			c->out_buf[c->out_len++] = bytes[i];
			/* a terminal sees every byte at once (prompts, echo); a pipe gets whole lines */
			if (c->raw || bytes[i] == '\n' || c->out_len == sizeof(c->out_buf))
				flush_locked(c);
		}
	}
	pthread_mutex_unlock(&c->out_lock);
}

void rv_console_message(struct rv_console *c, const char *text)
{
	pthread_mutex_lock(&c->out_lock);
	if (c->muxed) {
		console_mux_hv_write(&c->mux, text, strlen(text));
	} else {
		flush_locked(c);
		if (c->raw && c->bytes_out) /* the cursor may be anywhere on the guest's line */
			write_all(STDERR_FILENO, (const uint8_t *)"\r\n", 2);
		for (const char *t = text; *t; t++) {
			if (*t == '\n' && c->raw)
				write_all(STDERR_FILENO, (const uint8_t *)"\r", 1);
			write_all(STDERR_FILENO, (const uint8_t *)t, 1);
		}
	}
	pthread_mutex_unlock(&c->out_lock);
}

/* The multiplexer's physical output: a raw terminal needs "\r\n". */
static void mux_write(void *ctx, const char *text, size_t len)
{
	struct rv_console *c = ctx;
	if (!c->raw) {
		write_all(c->out_fd, (const uint8_t *)text, len);
		return;
	}
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		write_all(c->out_fd, (const uint8_t *)text + start, i - start);
		write_all(c->out_fd, (const uint8_t *)"\r\n", 2);
		start = i + 1;
	}
	write_all(c->out_fd, (const uint8_t *)text + start, len - start);
}

/* ---- input ---- */

/* Ports are added while the input thread runs: it sees each one complete. */
static unsigned ports_added(struct rv_console *c)
{
	return __atomic_load_n(&c->n_ports, __ATOMIC_ACQUIRE);
}

static void port_push(struct rv_console_port *p, uint8_t b)
{
	pthread_mutex_lock(&p->lock);
	if (p->in_count < sizeof(p->in_buf)) {
		p->in_buf[(p->in_head + p->in_count) % sizeof(p->in_buf)] = b;
		p->in_count++;
	}
	pthread_mutex_unlock(&p->lock);
}

static unsigned port_room(struct rv_console_port *p)
{
	pthread_mutex_lock(&p->lock);
	unsigned room = (unsigned)sizeof(p->in_buf) - p->in_count;
	pthread_mutex_unlock(&p->lock);
	return room;
}

size_t rv_console_read(struct rv_console_port *p, uint8_t *bytes, size_t n)
{
	size_t got = 0;
	pthread_mutex_lock(&p->lock);
	while (got < n && p->in_count > 0) {
		bytes[got++] = p->in_buf[p->in_head];
		p->in_head = (p->in_head + 1) % sizeof(p->in_buf);
		p->in_count--;
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

void rv_console_uart_tx(void *ctx, uint8_t byte)
{
	rv_console_write(ctx, &byte, 1);
}

void rv_console_uart_room(void *ctx)
{
	struct rv_console *c = ((struct rv_console_port *)ctx)->console;
	pthread_mutex_lock(&c->lock);
	pthread_cond_signal(&c->room);
	pthread_mutex_unlock(&c->lock);
}

/* Moves the port's pending input into its machine's UART while that has room. Lock order: the UART's
 * region, then the port's lock (machine pointer and buffer). */
static void feed_uart(struct rv_console_port *p)
{
	pthread_mutex_lock(&p->lock);
	struct rv_machine *m = p->machine;
	bool pending = p->in_count > 0;
	pthread_mutex_unlock(&p->lock);
	if (!m || !pending || !m->uart || !rv_machine_running(m))
		return;
	rv_bus_lock(m->uart_region);
	pthread_mutex_lock(&p->lock);
	if (p->machine == m) /* not detached meanwhile (the machine is destroyed only after detaching) */
		while (p->in_count > 0 && rv_uart16550_receive(m->uart, p->in_buf[p->in_head])) {
			p->in_head = (p->in_head + 1) % sizeof(p->in_buf);
			p->in_count--;
		}
	pthread_mutex_unlock(&p->lock);
	rv_bus_unlock(m->uart_region);
}

/* Direct mode: one byte typed by the user, the escape sequence or input for the only guest. */
static void typed_direct(struct rv_console *c, uint8_t b)
{
	struct rv_console_port *p = ports_added(c) ? c->ports[0] : NULL;
	if (c->escape_pending) {
		c->escape_pending = false;
		if (b == 'x' || b == 'q') {
			rv_console_message(c, "karasu-rv: quit from the console\n");
			if (!p)
				return;
			pthread_mutex_lock(&p->lock);
			if (p->machine)
				rv_machine_stop(p->machine, RV_MACHINE_POWEROFF, 0);
			pthread_mutex_unlock(&p->lock);
			return;
		}
		if (b == 'h' || b == '?') {
			rv_console_message(c, "karasu-rv console: Ctrl-] x quit, Ctrl-] Ctrl-] send Ctrl-], "
			                      "Ctrl-] h this help\n");
			return;
		}
		if (b != RV_CONSOLE_ESCAPE)
			return; /* unknown command: ignored */
	} else if (b == RV_CONSOLE_ESCAPE) {
		c->escape_pending = true;
		return;
	}
	if (p)
		port_push(p, b);
}

/* ---- the multiplexer's hooks: input to ports, commands to the partition manager ---- */

static void mux_guest_input(void *ctx, unsigned guest, char ch)
{
	struct rv_console *c = ctx;
	if (guest < ports_added(c))
		port_push(c->ports[guest], (uint8_t)ch);
}

static unsigned mux_guest_count(void *ctx)
{
	struct rv_console *c = ctx;
	return c->commands.guest_count(c->commands.ctx);
}

static bool mux_guest_info(void *ctx, unsigned guest, struct console_guest_info *info)
{
	struct rv_console *c = ctx;
	return c->commands.guest_info(c->commands.ctx, guest, info);
}

static const char *mux_boot(void *ctx, unsigned guest)
{
	struct rv_console *c = ctx;
	return c->commands.boot(c->commands.ctx, guest);
}

static const char *mux_poweroff(void *ctx, unsigned guest)
{
	struct rv_console *c = ctx;
	return c->commands.poweroff(c->commands.ctx, guest);
}

static void mux_stats(void *ctx, struct console_mux *con)
{
	struct rv_console *c = ctx;
	c->commands.stats(c->commands.ctx, con);
}

static const char *mux_quit(void *ctx)
{
	struct rv_console *c = ctx;
	return c->commands.quit(c->commands.ctx);
}

/* Waits up to INPUT_POLL_MS for a UART to make room (or for the console to stop). */
static void wait_for_room(struct rv_console *c)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += INPUT_POLL_MS * 1000000l;
	if (ts.tv_nsec >= 1000000000l) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000l;
	}
	pthread_mutex_lock(&c->lock);
	if (!c->stop)
		pthread_cond_timedwait(&c->room, &c->lock, &ts);
	pthread_mutex_unlock(&c->lock);
}

static void *input_thread(void *arg)
{
	struct rv_console *c = arg;
	uint8_t buf[64];
	for (;;) {
		pthread_mutex_lock(&c->lock);
		bool stop = c->stop;
		pthread_mutex_unlock(&c->lock);
		if (stop)
			break;
		/* output that has waited for its newline long enough */
		pthread_mutex_lock(&c->out_lock);
		if (c->muxed)
			console_mux_tick(&c->mux, now_ms());
		else
			flush_locked(c);
		pthread_mutex_unlock(&c->out_lock);
		/* Input is read only while every port has room for a whole read: a guest that takes no input
		 * holds the terminal back rather than losing what was typed. */
		unsigned room = sizeof(buf);
		unsigned n_ports = ports_added(c);
		for (unsigned i = 0; i < n_ports; i++) {
			feed_uart(c->ports[i]);
			unsigned r = port_room(c->ports[i]);
			room = r < room ? r : room;
		}
		if (room == 0 || c->input_eof) {
			wait_for_room(c);
			continue;
		}
		struct pollfd pfd = {.fd = c->in_fd, .events = POLLIN};
		if (poll(&pfd, 1, INPUT_POLL_MS) <= 0)
			continue;
		ssize_t n = read(c->in_fd, buf, room);
		if (n <= 0) {
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			c->input_eof = true; /* no more input; the guests keep running */
			continue;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (c->muxed) {
				pthread_mutex_lock(&c->out_lock);
				console_mux_input(&c->mux, (char)buf[i]);
				pthread_mutex_unlock(&c->out_lock);
			} else {
				typed_direct(c, buf[i]);
			}
		}
	}
	return NULL;
}

int rv_console_start(struct rv_console *c, int in_fd, int out_fd, const struct rv_console_commands *commands,
                     uint8_t escape_key, unsigned focus)
{
	memset(c, 0, sizeof(*c));
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->room, NULL);
	pthread_mutex_init(&c->out_lock, NULL);
	if (commands) {
		c->muxed = true;
		c->commands = *commands;
		struct console_hooks hooks = {
		    .ctx = c,
		    .write = mux_write,
		    .guest_input = mux_guest_input,
		    .guest_count = mux_guest_count,
		    .guest_info = mux_guest_info,
		    .boot_guest = commands->boot ? mux_boot : NULL,
		    .poweroff_guest = commands->poweroff ? mux_poweroff : NULL,
		    .stats = commands->stats ? mux_stats : NULL,
		    .quit = commands->quit ? mux_quit : NULL,
		};
		console_mux_init(&c->mux, &hooks, escape_key);
		console_mux_set_focus(&c->mux, focus);
	}
	if (isatty(in_fd) && tcgetattr(in_fd, &saved_termios) == 0) {
		struct termios raw = saved_termios;
		cfmakeraw(&raw);
		if (tcsetattr(in_fd, TCSANOW, &raw) == 0) {
			c->raw = true;
			saved_fd = in_fd;
			atexit(restore_terminal);
			signal(SIGTERM, restore_and_die);
			signal(SIGHUP, restore_and_die);
		}
	}
	int err = pthread_create(&c->input_thread, NULL, input_thread, c);
	c->input_started = err == 0;
	return -err;
}

void rv_console_add_port(struct rv_console *c, struct rv_console_port *port)
{
	memset(port, 0, sizeof(*port));
	port->console = c;
	pthread_mutex_init(&port->lock, NULL);
	pthread_mutex_lock(&c->out_lock);
	if (c->n_ports < RV_CONSOLE_MAX_PORTS) {
		port->guest = c->n_ports;
		c->ports[c->n_ports] = port;
		__atomic_store_n(&c->n_ports, c->n_ports + 1,
		                 __ATOMIC_RELEASE); /* the input thread reads it */
	}
	pthread_mutex_unlock(&c->out_lock);
}

void rv_console_stop(struct rv_console *c)
{
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->room);
	pthread_mutex_unlock(&c->lock);
	if (c->input_started)
		pthread_join(c->input_thread, NULL);
	c->input_started = false;
	pthread_mutex_lock(&c->out_lock);
	if (c->muxed)
		console_mux_flush_all(&c->mux);
	else
		flush_locked(c);
	pthread_mutex_unlock(&c->out_lock);
	if (c->raw) {
		restore_terminal();
		c->raw = false;
	}
}

void rv_console_attach(struct rv_console_port *p, struct rv_machine *m)
{
	pthread_mutex_lock(&p->lock);
	p->machine = m;
	pthread_mutex_unlock(&p->lock);
}
