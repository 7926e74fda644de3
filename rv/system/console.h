/* The machine's console on the host's standard streams: what the guest writes to its serial port (or
 * through SBI) goes to stdout; what the user types goes to the serial port. When stdin is a terminal it
 * is put in raw mode for the run (restored on every way out), as QEMU's -nographic does. The escape key
 * Ctrl-] (as karasu-hv's console) followed by x quits, followed by h prints help, and pressed twice sends
 * one Ctrl-] to the guest. The console outlives a machine reset. */
#ifndef KARASU_RV_SYSTEM_CONSOLE_H
#define KARASU_RV_SYSTEM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RV_CONSOLE_ESCAPE 0x1d /* Ctrl-] */

struct rv_machine;

struct rv_console {
	int in_fd, out_fd;
	bool raw; /* stdin was a terminal put in raw mode */
	pthread_t input_thread;
	bool input_started;
	bool stop;
	bool escape_pending;
	bool input_eof;
	/* input typed but not yet taken by the serial port (under lock) */
	pthread_mutex_t lock;
	pthread_cond_t room; /* the serial port has room again */
	uint8_t in_buf[256];
	unsigned in_head, in_count;
	/* output waiting for a newline (under out_lock); flushed by the input thread when idle */
	pthread_mutex_t out_lock;
	uint8_t out_buf[4096];
	size_t out_len;
	/* the machine input goes to (may change across resets; under lock) */
	struct rv_machine *machine;
	uint64_t bytes_out;
};

/* Sets up the console on fds in_fd/out_fd and starts its input thread. 0 or -errno. */
int rv_console_start(struct rv_console *c, int in_fd, int out_fd);
/* Stops the input thread, flushes output and restores the terminal. */
void rv_console_stop(struct rv_console *c);
/* The machine that receives input from now on (NULL: none). */
void rv_console_attach(struct rv_console *c, struct rv_machine *m);

/* Guest output (any thread). */
void rv_console_write(struct rv_console *c, const uint8_t *p, size_t n);
void rv_console_flush(struct rv_console *c);
/* Takes up to n bytes of pending input without waiting (SBI console reads). */
size_t rv_console_read(struct rv_console *c, uint8_t *p, size_t n);

/* The serial port's hooks (the machine wires them to its UART): output, and "room again". */
void rv_console_uart_tx(void *ctx, uint8_t byte);
void rv_console_uart_room(void *ctx);

#endif
