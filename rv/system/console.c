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
			return; /* stdout is gone: the guest's output is dropped */
		p += w;
		n -= (size_t)w;
	}
}

void rv_console_flush(struct rv_console *c)
{
	pthread_mutex_lock(&c->out_lock);
	if (c->out_len) {
		write_all(c->out_fd, c->out_buf, c->out_len);
		c->out_len = 0;
	}
	pthread_mutex_unlock(&c->out_lock);
}

void rv_console_write(struct rv_console *c, const uint8_t *p, size_t n)
{
	pthread_mutex_lock(&c->out_lock);
	c->bytes_out += n;
	for (size_t i = 0; i < n; i++) {
		c->out_buf[c->out_len++] = p[i];
		/* a terminal sees every byte at once (prompts, echo); a pipe gets whole lines */
		if (c->raw || p[i] == '\n' || c->out_len == sizeof(c->out_buf)) {
			write_all(c->out_fd, c->out_buf, c->out_len);
			c->out_len = 0;
		}
	}
	pthread_mutex_unlock(&c->out_lock);
}

size_t rv_console_read(struct rv_console *c, uint8_t *p, size_t n)
{
	size_t got = 0;
	pthread_mutex_lock(&c->lock);
	while (got < n && c->in_count > 0) {
		p[got++] = c->in_buf[c->in_head];
		c->in_head = (c->in_head + 1) % sizeof(c->in_buf);
		c->in_count--;
	}
	pthread_mutex_unlock(&c->lock);
	return got;
}

void rv_console_uart_tx(void *ctx, uint8_t byte)
{
	rv_console_write(ctx, &byte, 1);
}

void rv_console_uart_room(void *ctx)
{
	struct rv_console *c = ctx;
	pthread_mutex_lock(&c->lock);
	pthread_cond_signal(&c->room);
	pthread_mutex_unlock(&c->lock);
}

/* Moves pending input into the machine's UART while it has room. Lock order: the UART's region, then
 * the console's lock. */
static void feed_uart(struct rv_console *c)
{
	struct rv_machine *m = c->machine;
	if (!m || !m->uart || !rv_machine_running(m))
		return;
	rv_bus_lock(m->uart_region);
	pthread_mutex_lock(&c->lock);
	while (c->in_count > 0 && rv_uart16550_receive(m->uart, c->in_buf[c->in_head])) {
		c->in_head = (c->in_head + 1) % sizeof(c->in_buf);
		c->in_count--;
	}
	pthread_mutex_unlock(&c->lock);
	rv_bus_unlock(m->uart_region);
}

static void message(struct rv_console *c, const char *text)
{
	rv_console_flush(c);
	write_all(STDERR_FILENO, (const uint8_t *)text, strlen(text));
}

/* One byte typed by the user: the escape sequence, or input for the guest (under c->lock). */
static void typed(struct rv_console *c, uint8_t b)
{
	if (c->escape_pending) {
		c->escape_pending = false;
		if (b == 'x' || b == 'q') {
			message(c, c->raw ? "\r\nkarasu-rv: quit from the console\r\n"
			                  : "\nkarasu-rv: quit from the console\n");
			if (c->machine)
				rv_machine_stop(c->machine, RV_MACHINE_POWEROFF, 0);
			return;
		}
		if (b == 'h' || b == '?') {
			message(c, c->raw ? "\r\nkarasu-rv console: Ctrl-] x quit, Ctrl-] Ctrl-] send "
			                    "Ctrl-], Ctrl-] h this help\r\n"
			                  : "\nkarasu-rv console: Ctrl-] x quit, Ctrl-] Ctrl-] send Ctrl-], "
			                    "Ctrl-] h this help\n");
			return;
		}
		if (b != RV_CONSOLE_ESCAPE)
			return; /* unknown command: ignored */
	} else if (b == RV_CONSOLE_ESCAPE) {
		c->escape_pending = true;
		return;
	}
	if (c->in_count < sizeof(c->in_buf)) {
		c->in_buf[(c->in_head + c->in_count) % sizeof(c->in_buf)] = b;
		c->in_count++;
	}
}

static void *input_thread(void *arg)
{
	struct rv_console *c = arg;
	uint8_t buf[64];
	for (;;) {
		pthread_mutex_lock(&c->lock);
		bool stop = c->stop;
		unsigned room = (unsigned)sizeof(c->in_buf) - c->in_count;
		pthread_mutex_unlock(&c->lock);
		if (stop)
			break;
		rv_console_flush(c); /* output that has waited for a newline long enough */
		feed_uart(c);
		if (room == 0 || c->input_eof) {
			/* wait until the guest takes input (or just for the next output flush) */
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += INPUT_POLL_MS * 1000000l;
			if (ts.tv_nsec >= 1000000000l) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000l;
			}
			pthread_mutex_lock(&c->lock);
			pthread_cond_timedwait(&c->room, &c->lock, &ts);
			pthread_mutex_unlock(&c->lock);
			continue;
		}
		struct pollfd pfd = {.fd = c->in_fd, .events = POLLIN};
		int r = poll(&pfd, 1, INPUT_POLL_MS);
		if (r <= 0)
			continue;
		ssize_t n = read(c->in_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
		if (n <= 0) {
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			c->input_eof = true; /* no more input; the guest keeps running */
			continue;
		}
		pthread_mutex_lock(&c->lock);
		for (ssize_t i = 0; i < n; i++)
			typed(c, buf[i]);
		pthread_mutex_unlock(&c->lock);
	}
	return NULL;
}

int rv_console_start(struct rv_console *c, int in_fd, int out_fd)
{
	memset(c, 0, sizeof(*c));
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->room, NULL);
	pthread_mutex_init(&c->out_lock, NULL);
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

void rv_console_stop(struct rv_console *c)
{
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->room);
	pthread_mutex_unlock(&c->lock);
	if (c->input_started)
		pthread_join(c->input_thread, NULL);
	c->input_started = false;
	rv_console_flush(c);
	if (c->raw) {
		restore_terminal();
		c->raw = false;
	}
}

void rv_console_attach(struct rv_console *c, struct rv_machine *m)
{
	pthread_mutex_lock(&c->lock);
	c->machine = m;
	pthread_mutex_unlock(&c->lock);
}
