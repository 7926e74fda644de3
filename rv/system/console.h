/* karasu-rv's console on the host's standard streams, shared by the machines it runs.
 *
 * Each machine has a console port (struct rv_console_port): its serial port and SBI console write to the
 * port, and the port holds the input typed for it until the UART takes it. The console itself owns the
 * terminal: when stdin is a terminal it is put in raw mode for the run (restored on every way out), as
 * QEMU's -nographic does, and an input thread reads it.
 *
 * Two modes:
 *   - direct (one machine, QEMU-like command line): guest output goes to stdout as it is; the escape key
 *     Ctrl-] followed by x quits, by h prints help, pressed twice sends one Ctrl-] to the guest;
 *   - multiplexed (partitions from a karasu.cfg): lib/console_mux, as karasu-hv's console: every line
 *     prefixed with its guest's name, input to the focused guest, the escape key opens `karasu> ` with
 *     list, switch, boot, poweroff, stats and quit, carried out through struct rv_console_commands.
 * The console outlives machine resets; a port may be attached to successive machines.
 */
#ifndef KARASU_RV_SYSTEM_CONSOLE_H
#define KARASU_RV_SYSTEM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/console_mux.h"

#define RV_CONSOLE_ESCAPE    0x1d /* Ctrl-] */
#define RV_CONSOLE_MAX_PORTS CONSOLE_MAX_GUESTS

struct rv_machine;
struct rv_console;

/* One machine's end of the console. */
struct rv_console_port {
	struct rv_console *console;
	unsigned guest; /* index in the multiplexer (0 in direct mode) */
	/* input typed for this guest, not yet taken by its UART (under lock) */
	pthread_mutex_t lock;
	uint8_t in_buf[256];
	unsigned in_head, in_count;
	struct rv_machine *machine; /* the machine input goes to (under lock; NULL: none) */
};

/* What the multiplexed console's commands do (the partition manager). Called from the console's input
 * thread with the console's output lock held: they must not write to the console or wait for a machine
 * to stop; they ask and return (NULL = done, else a short reason). */
struct rv_console_commands {
	void *ctx;
	unsigned (*guest_count)(void *ctx);
	bool (*guest_info)(void *ctx, unsigned guest, struct console_guest_info *info);
	const char *(*boot)(void *ctx, unsigned guest);
	const char *(*poweroff)(void *ctx, unsigned guest);
	void (*stats)(void *ctx, struct console_mux *con); /* console_mux_printf lines */
	const char *(*quit)(void *ctx);
};

struct rv_console {
	int in_fd, out_fd;
	bool raw; /* stdin was a terminal put in raw mode */
	pthread_t input_thread;
	bool input_started;
	bool stop;
	bool escape_pending; /* direct mode */
	bool input_eof;
	pthread_mutex_t lock; /* stop, the wake-up below */
	pthread_cond_t room;  /* a UART has room again, or the console stops */
	/* output (under out_lock) */
	pthread_mutex_t out_lock;
	uint8_t out_buf[4096]; /* direct mode: output waiting for a newline */
	size_t out_len;
	uint64_t bytes_out;
	/* multiplexed mode (mux under out_lock) */
	bool muxed;
	struct console_mux mux;
	struct rv_console_commands commands;
	/* ports */
	unsigned n_ports;
	struct rv_console_port *ports[RV_CONSOLE_MAX_PORTS];
};

/* Sets up the console on fds in_fd/out_fd and starts its input thread. commands NULL: direct mode;
 * else multiplexed with that escape key (0 = Ctrl-]) and focus. 0 or -errno. */
int rv_console_start(struct rv_console *c, int in_fd, int out_fd, const struct rv_console_commands *commands,
                     uint8_t escape_key, unsigned focus);
/* Adds a port (before any output); in multiplexed mode its guest number is the order of the calls. */
void rv_console_add_port(struct rv_console *c, struct rv_console_port *port);
/* Stops the input thread, flushes output and restores the terminal. */
void rv_console_stop(struct rv_console *c);
/* A line of karasu-rv's own (ends in '\n'): multiplexed, between the guests' lines; direct, on stderr. */
void rv_console_message(struct rv_console *c, const char *text);

/* ---- a port: what a machine calls ---- */
/* The machine that receives the port's input from now on (NULL: none). */
void rv_console_attach(struct rv_console_port *p, struct rv_machine *m);
/* Guest output (any thread). */
void rv_console_write(struct rv_console_port *p, const uint8_t *bytes, size_t n);
void rv_console_flush(struct rv_console_port *p);
/* Takes up to n bytes of pending input without waiting (SBI console reads). */
size_t rv_console_read(struct rv_console_port *p, uint8_t *bytes, size_t n);
/* The serial port's hooks (ctx = the port): output, and "room again". */
void rv_console_uart_tx(void *ctx, uint8_t byte);
void rv_console_uart_room(void *ctx);

#endif
