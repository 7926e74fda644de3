/* The console multiplexer: one physical UART shared by the hypervisor and every guest.
 *
 * Output: each guest's bytes are collected per guest and written line by line, every line prefixed with the
 * guest's name ("[linux] "). A physical line belongs to one writer at a time: before another guest, the
 * hypervisor or the prompt writes, an unfinished line is ended with '\n', so lines of different writers never
 * mix. A guest's partial line (a shell prompt, typed echo) goes out on console_mux_flush() / console_mux_tick() or when
 * it fills its buffer; its continuation is appended to the same physical line if nobody wrote in between,
 * else the whole line is written again on a new prefixed line, so every line of up to CONSOLE_LINE_MAX bytes
 * appears complete on one physical line (tests can grep for it).
 *
 * Input: bytes go to the focused guest. The escape key (default Ctrl-], 0x1d; not Ctrl-A, which QEMU
 * -nographic keeps for itself) opens the `karasu> ` prompt with line editing (backspace, Ctrl-U, Ctrl-C).
 * Commands: list, switch N, boot N, poweroff N, stats, help, exit (or the escape key again), and quit where
 * the engine offers it. N is a guest
 * number as `list` shows it, or a guest name. `switch` also leaves the prompt.
 *
 * Pure logic: all effects go through struct console_hooks, so it runs in host unit tests. Not thread-safe: the
 * caller serialises every call (karasu-hv: one console lock, taken around each console_mux_* call; hooks are
 * called with it held, so they must not call back into console_mux_* except console_mux_printf from `stats`).
 */
#ifndef KARASU_LIB_CONSOLE_MUX_H
#define KARASU_LIB_CONSOLE_MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_MAX_GUESTS       8u
#define CONSOLE_LINE_MAX         256u  /* bytes of a guest's pending line before it is flushed */
#define CONSOLE_CMD_MAX          64u   /* bytes of a prompt line */
#define CONSOLE_ESCAPE_DEFAULT   0x1du /* Ctrl-] */
#define CONSOLE_FLUSH_MS_DEFAULT 500u  /* console_mux_tick flushes partial lines this old */
#define CONSOLE_ECHO_MS_DEFAULT  1000u /* see console_mux_set_echo_window */
#define CONSOLE_PROMPT           "karasu> "

struct console_mux;

/* What `list` shows about a guest. */
struct console_guest_info {
	const char *name;  /* also the output prefix */
	const char *state; /* e.g. "running", "off" */
	uint64_t cpu_mask; /* bit n = physical CPU n */
};

struct console_hooks {
	void *ctx;
	/* Physical console output (required). text[0..len) is whole lines or a partial line; '\n' ends a line
	 * (the hook turns it into "\r\n" for the terminal). */
	void (*write)(void *ctx, const char *text, size_t len);
	/* One input byte for guest N's vPL011 (required). */
	void (*guest_input)(void *ctx, unsigned guest, char c);
	/* Guests 0 .. guest_count()-1 (at most CONSOLE_MAX_GUESTS) (required). */
	unsigned (*guest_count)(void *ctx);
	/* Fills *info for guest N; false if there is none (required). Strings must live until the next call. */
	bool (*guest_info)(void *ctx, unsigned guest, struct console_guest_info *info);
	/* Commands: NULL on success, else a short reason ("already running"). May be NULL (command unavailable). */
	const char *(*boot_guest)(void *ctx, unsigned guest);
	const char *(*poweroff_guest)(void *ctx, unsigned guest);
	/* Prints statistics with console_mux_printf(con, ...), one "karasu: stats ..." line each. May be NULL. */
	void (*stats)(void *ctx, struct console_mux *con);
	/* `quit`: stop every guest and leave (karasu-rv, a host program). NULL on success, else a reason. May be
	 * NULL (karasu-hv has nothing to leave to): then the command is not offered. */
	const char *(*quit)(void *ctx);
};

#define CONSOLE_OWNER_NONE   (-1) /* the physical cursor is at the start of a line */
#define CONSOLE_OWNER_HV     (-2)
#define CONSOLE_OWNER_PROMPT (-3)

struct console_guest_buf {
	char line[CONSOLE_LINE_MAX];
	size_t len;        /* bytes of the current line */
	size_t shown;      /* of those, already written on the open physical line (partial flush) */
	uint64_t since_ms; /* console time when the first unwritten byte arrived */
	uint64_t out_bytes, out_lines, in_bytes;
};

struct console_mux {
	struct console_hooks hooks;
	uint8_t escape;
	unsigned focus;
	bool command_mode;
	bool last_was_cr; /* swallow the '\n' of a "\r\n" pair */
	char cmd[CONSOLE_CMD_MAX];
	size_t cmd_len;
	int owner; /* CONSOLE_OWNER_* or the guest whose partial line is on the screen */
	uint64_t now_ms;
	uint64_t flush_ms;
	uint64_t echo_ms;       /* see console_mux_set_echo_window */
	uint64_t last_input_ms; /* console time of the last byte given to a guest */
	bool had_input;
	bool running_command;   /* command output is being written: no prompt redraw in between */
	uint64_t dropped_input; /* input with no guest to receive it */
	struct console_guest_buf guests[CONSOLE_MAX_GUESTS];
};

/* Sets up *con. escape_key 0 = CONSOLE_ESCAPE_DEFAULT. Returns false (and uses the default) if escape_key
 * cannot work as an escape: a printable character, CR, LF, tab, backspace or DEL. focus = guest 0. */
bool console_mux_init(struct console_mux *con, const struct console_hooks *hooks, uint8_t escape_key);

/* Guest output. guest >= CONSOLE_MAX_GUESTS is ignored; '\r' is dropped ('\n' ends a line). */
void console_mux_guest_putc(struct console_mux *con, unsigned guest, char c);
void console_mux_guest_write(struct console_mux *con, unsigned guest, const char *s, size_t len);
/* Writes a guest's partial line now (the line stays open for its continuation). */
void console_mux_flush(struct console_mux *con, unsigned guest);
void console_mux_flush_all(struct console_mux *con);
/* Advances console time; partial lines pending for at least the flush delay are written. Call it
 * periodically (e.g. from a timer tick). The delay is long (500 ms) because under emulation a guest may need
 * well over 50 ms for one line, and a line flushed early is split as soon as another guest writes. */
void console_mux_tick(struct console_mux *con, uint64_t now_ms);
void console_mux_set_flush_delay(struct console_mux *con, uint64_t ms);
/* Interactive echo: for `ms` after the last byte typed into the focused guest (console time, as given to
 * console_mux_tick), that guest's output is written at once instead of line by line, so its echo and prompt
 * appear without waiting for the flush delay. 0 turns this off. Boot logs (nobody typing) stay whole lines. */
void console_mux_set_echo_window(struct console_mux *con, uint64_t ms);

/* Hypervisor text (log messages): whole lines ending in '\n'; an open guest or prompt line is ended first
 * and the prompt is redrawn afterwards if it was open. */
void console_mux_hv_write(struct console_mux *con, const char *s, size_t len);
/* Formatted text from the console itself or a `stats` hook (same rules as console_mux_hv_write). */
int console_mux_printf(struct console_mux *con, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One byte typed on the physical console. */
void console_mux_input(struct console_mux *con, char c);

bool console_mux_set_focus(struct console_mux *con, unsigned guest);
static inline unsigned console_mux_focus(const struct console_mux *con)
{
	return con->focus;
}
static inline bool console_mux_in_command_mode(const struct console_mux *con)
{
	return con->command_mode;
}

#endif
