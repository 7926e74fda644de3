/* The console multiplexer (see console.h): per-guest line buffers, one owner per physical line, input routing
 * and the karasu> prompt. Pure logic over struct console_hooks. */
#include "lib/console_mux.h"

#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/mem.h"

#define ASCII_CTRL_C    0x03
#define ASCII_BACKSPACE 0x08
#define ASCII_TAB       0x09
#define ASCII_LF        0x0a
#define ASCII_CR        0x0d
#define ASCII_CTRL_U    0x15
#define ASCII_DEL       0x7f
#define ASCII_CTRL_BASE 0x40 /* Ctrl-X is 'X' - 0x40 */

#define CMD_MAX_ARGS   4
#define PRINTF_CHUNK   128u
#define GUEST_NAME_MAX 40u /* fallback name "guestN" */

/* ---- physical output and line ownership ---- */

static void out(struct console_mux *con, const char *s, size_t len)
{
	if (len)
		con->hooks.write(con->hooks.ctx, s, len);
}

static void out_str(struct console_mux *con, const char *s)
{
	out(con, s, k_strlen(s));
}

/* Makes `owner` the writer of the physical line: an unfinished line of another writer is ended first. */
static void take_line(struct console_mux *con, int owner)
{
	if (con->owner != CONSOLE_OWNER_NONE && con->owner != owner) {
		out_str(con, "\n");
		con->owner = CONSOLE_OWNER_NONE;
	}
}

static void draw_prompt(struct console_mux *con)
{
	take_line(con, CONSOLE_OWNER_PROMPT);
	if (con->owner != CONSOLE_OWNER_PROMPT) {
		out_str(con, CONSOLE_PROMPT);
		out(con, con->cmd, con->cmd_len);
		con->owner = CONSOLE_OWNER_PROMPT;
	}
}

/* After other output while the prompt is open: show the prompt (and what was typed) again. */
static void restore_prompt(struct console_mux *con)
{
	if (con->command_mode && !con->running_command)
		draw_prompt(con);
}

/* Text of the hypervisor / the console itself. */
static void write_hv(struct console_mux *con, const char *s, size_t len)
{
	if (len == 0)
		return;
	take_line(con, CONSOLE_OWNER_HV);
	out(con, s, len);
	con->owner = s[len - 1] == '\n' ? CONSOLE_OWNER_NONE : CONSOLE_OWNER_HV;
	restore_prompt(con);
}

struct printf_buf {
	struct console_mux *con;
	char buf[PRINTF_CHUNK];
	size_t len;
};

static void printf_flush(struct printf_buf *pb)
{
	/* Partial chunks keep the line owned by the console (owner HV), so a long line is not broken. */
	if (pb->len == 0)
		return;
	take_line(pb->con, CONSOLE_OWNER_HV);
	out(pb->con, pb->buf, pb->len);
	pb->con->owner = pb->buf[pb->len - 1] == '\n' ? CONSOLE_OWNER_NONE : CONSOLE_OWNER_HV;
	pb->len = 0;
}

static void printf_putc(void *ctx, char c)
{
	struct printf_buf *pb = ctx;
	pb->buf[pb->len++] = c;
	if (pb->len == sizeof(pb->buf))
		printf_flush(pb);
}

static int vsay(struct console_mux *con, const char *fmt, va_list ap)
{
	struct printf_buf pb = {.con = con, .len = 0};
	int n = k_vformat(printf_putc, &pb, fmt, ap);
	printf_flush(&pb);
	restore_prompt(con);
	return n;
}

int console_mux_printf(struct console_mux *con, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsay(con, fmt, ap);
	va_end(ap);
	return n;
}

void console_mux_hv_write(struct console_mux *con, const char *s, size_t len)
{
	write_hv(con, s, len);
}

/* ---- guests ---- */

static unsigned guest_count(struct console_mux *con)
{
	unsigned n = con->hooks.guest_count(con->hooks.ctx);
	return n < CONSOLE_MAX_GUESTS ? n : CONSOLE_MAX_GUESTS;
}

/* The guest's name for prefixes and messages; "guestN" if the hook knows none. */
static const char *guest_name(struct console_mux *con, unsigned guest, char *fallback, size_t size)
{
	struct console_guest_info info = {0};
	if (con->hooks.guest_info(con->hooks.ctx, guest, &info) && info.name && info.name[0])
		return info.name;
	k_snprintf(fallback, size, "guest%u", guest);
	return fallback;
}

/* Writes guest's unwritten bytes; `end_line` finishes the line with '\n', otherwise it stays open. If the
 * guest lost the physical line since a partial write, the whole line is written again after a new prefix. */
static void emit_guest(struct console_mux *con, unsigned guest, bool end_line)
{
	struct console_guest_buf *b = &con->guests[guest];
	int owner = (int)guest;
	if (b->len == b->shown && !end_line)
		return;
	size_t from = b->shown;
	if (con->owner != owner) {
		char fallback[GUEST_NAME_MAX];
		take_line(con, owner);
		out_str(con, "[");
		out_str(con, guest_name(con, guest, fallback, sizeof(fallback)));
		out_str(con, "] ");
		from = 0;
	}
	out(con, b->line + from, b->len - from);
	if (end_line) {
		out_str(con, "\n");
		con->owner = CONSOLE_OWNER_NONE;
		b->len = 0;
		b->shown = 0;
	} else {
		con->owner = owner;
		b->shown = b->len;
	}
	restore_prompt(con);
}

static bool echo_active(const struct console_mux *con, unsigned guest)
{
	return con->echo_ms && con->had_input && guest == con->focus && !con->command_mode &&
	       con->now_ms - con->last_input_ms <= con->echo_ms;
}

void console_mux_guest_putc(struct console_mux *con, unsigned guest, char c)
{
	if (guest >= CONSOLE_MAX_GUESTS || c == '\r')
		return;
	struct console_guest_buf *b = &con->guests[guest];
	b->out_bytes++;
	if (c == '\n') {
		b->out_lines++;
		emit_guest(con, guest, true);
		return;
	}
	if (b->len == b->shown)
		b->since_ms = con->now_ms;
	b->line[b->len++] = c;
	if (b->len == CONSOLE_LINE_MAX) {
		/* Too long to keep: write it and start over (the rest of the line continues it in place, or on a
		 * new prefixed line if another writer comes first). */
		emit_guest(con, guest, false);
		b->len = 0;
		b->shown = 0;
	} else if (echo_active(con, guest)) {
		emit_guest(con, guest, false);
	}
}

void console_mux_guest_write(struct console_mux *con, unsigned guest, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		console_mux_guest_putc(con, guest, s[i]);
}

void console_mux_flush(struct console_mux *con, unsigned guest)
{
	if (guest < CONSOLE_MAX_GUESTS)
		emit_guest(con, guest, false);
}

void console_mux_flush_all(struct console_mux *con)
{
	for (unsigned g = 0; g < CONSOLE_MAX_GUESTS; g++)
		emit_guest(con, g, false);
}

void console_mux_tick(struct console_mux *con, uint64_t now_ms)
{
	if (now_ms > con->now_ms)
		con->now_ms = now_ms;
	for (unsigned g = 0; g < CONSOLE_MAX_GUESTS; g++) {
		const struct console_guest_buf *b = &con->guests[g];
		if (b->len > b->shown && con->now_ms - b->since_ms >= con->flush_ms)
			emit_guest(con, g, false);
	}
}

void console_mux_set_flush_delay(struct console_mux *con, uint64_t ms)
{
	con->flush_ms = ms;
}

void console_mux_set_echo_window(struct console_mux *con, uint64_t ms)
{
	con->echo_ms = ms;
}

bool console_mux_set_focus(struct console_mux *con, unsigned guest)
{
	if (guest >= guest_count(con))
		return false;
	con->focus = guest;
	return true;
}

/* ---- set-up ---- */

static bool escape_usable(uint8_t c)
{
	return c != 0 && c < ' ' && c != ASCII_CR && c != ASCII_LF && c != ASCII_TAB && c != ASCII_BACKSPACE;
}

bool console_mux_init(struct console_mux *con, const struct console_hooks *hooks, uint8_t escape_key)
{
	k_memset(con, 0, sizeof(*con));
	con->hooks = *hooks;
	con->owner = CONSOLE_OWNER_NONE;
	con->flush_ms = CONSOLE_FLUSH_MS_DEFAULT;
	con->echo_ms = CONSOLE_ECHO_MS_DEFAULT;
	bool ok = escape_key == 0 || escape_usable(escape_key);
	con->escape = escape_usable(escape_key) ? escape_key : (uint8_t)CONSOLE_ESCAPE_DEFAULT;
	return ok;
}

/* "Ctrl-]" for a control byte, else "0xNN". */
static void escape_name(uint8_t c, char *buf, size_t size)
{
	if (c < ' ')
		k_snprintf(buf, size, "Ctrl-%c", (char)(c + ASCII_CTRL_BASE));
	else
		k_snprintf(buf, size, "%#04x", c);
}

/* ---- commands ---- */

static void say(struct console_mux *con, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct console_mux *con, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(con, fmt, ap);
	va_end(ap);
}

/* "0-3,6" for a CPU mask. */
static void format_cpus(uint64_t mask, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < 64 && len < size; i++) {
		if (!(mask & (1ull << i)))
			continue;
		unsigned j = i;
		while (j + 1 < 64 && (mask & (1ull << (j + 1))))
			j++;
		int n = j == i ? k_snprintf(buf + len, size - len, "%s%u", len ? "," : "", i)
		               : k_snprintf(buf + len, size - len, "%s%u-%u", len ? "," : "", i, j);
		len += n > 0 ? (size_t)n : 0;
		i = j;
	}
	if (len == 0)
		k_snprintf(buf, size, "none");
}

/* Parses a guest argument: its number or its name. Prints why not and returns false otherwise. */
static bool parse_guest(struct console_mux *con, const char *cmd, const char *arg, unsigned *out_guest)
{
	unsigned n = guest_count(con);
	if (n == 0) {
		say(con, "karasu: %s: there are no guests\n", cmd);
		return false;
	}
	uint64_t v;
	if (k_parse_u64(arg, k_strlen(arg), 10, &v)) {
		if (v < n) {
			*out_guest = (unsigned)v;
			return true;
		}
	} else {
		for (unsigned g = 0; g < n; g++) {
			struct console_guest_info info = {0};
			if (con->hooks.guest_info(con->hooks.ctx, g, &info) && info.name &&
			    k_strcmp(info.name, arg) == 0) {
				*out_guest = g;
				return true;
			}
		}
	}
	say(con, "karasu: %s: no guest '%s' (guests are 0-%u or their names; see 'list')\n", cmd, arg, n - 1);
	return false;
}

static void cmd_help(struct console_mux *con)
{
	char esc[16];
	escape_name(con->escape, esc, sizeof(esc));
	say(con,
	    "karasu console commands:\n"
	    "  list          guests: number, name, state, CPUs (* = receives console input)\n"
	    "  switch N      send console input to guest N (number or name) and leave the prompt\n"
	    "  boot N        start guest N\n"
	    "  poweroff N    stop guest N\n"
	    "  stats         exit counters per guest vCPU\n"
	    "  help          this text\n"
	    "  exit          leave the prompt (or press %s)\n",
	    esc);
	if (con->hooks.quit)
		say(con, "  quit          power every guest off and leave karasu\n");
}

static void cmd_list(struct console_mux *con)
{
	unsigned n = guest_count(con);
	if (n == 0) {
		say(con, "karasu: no guests\n");
		return;
	}
	say(con, "  #  %-16s %-10s cpus\n", "name", "state");
	for (unsigned g = 0; g < n; g++) {
		struct console_guest_info info = {0};
		char fallback[GUEST_NAME_MAX], cpus[64];
		bool known = con->hooks.guest_info(con->hooks.ctx, g, &info);
		format_cpus(known ? info.cpu_mask : 0, cpus, sizeof(cpus));
		say(con, "%c %u  %-16s %-10s %s\n", g == con->focus ? '*' : ' ', g,
		    guest_name(con, g, fallback, sizeof(fallback)), known && info.state ? info.state : "?",
		    cpus);
	}
}

static void leave_command_mode(struct console_mux *con)
{
	char fallback[GUEST_NAME_MAX];
	con->command_mode = false;
	con->cmd_len = 0;
	if (con->focus < guest_count(con))
		say(con, "karasu: console input goes to guest %u (%s)\n", con->focus,
		    guest_name(con, con->focus, fallback, sizeof(fallback)));
}

typedef const char *(*guest_action)(void *ctx, unsigned guest);

static void cmd_guest_action(struct console_mux *con, const char *cmd, const char *arg, guest_action action,
                             const char *doing)
{
	unsigned g;
	char fallback[GUEST_NAME_MAX];
	if (action == NULL) {
		say(con, "karasu: %s is not available\n", cmd);
		return;
	}
	if (!parse_guest(con, cmd, arg, &g))
		return;
	const char *name = guest_name(con, g, fallback, sizeof(fallback));
	const char *why = action(con->hooks.ctx, g);
	if (why)
		say(con, "karasu: %s: guest %u (%s): %s\n", cmd, g, name, why);
	else
		say(con, "karasu: %s guest %u (%s)\n", doing, g, name);
}

/* Splits line in place at spaces; returns the number of words (at most max; more gives max + 1). */
static int split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ' || *p == ASCII_TAB)
			*p++ = '\0';
		if (*p == '\0')
			return argc;
		if (argc == max)
			return max + 1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != ASCII_TAB)
			p++;
	}
}

struct command {
	const char *name;
	int args; /* exact number of arguments */
	const char *usage;
};

static const struct command commands[] = {
    {"list", 0, "list"},   {"switch", 1, "switch N"}, {"boot", 1, "boot N"}, {"poweroff", 1, "poweroff N"},
    {"stats", 0, "stats"}, {"help", 0, "help"},       {"?", 0, "help"},      {"exit", 0, "exit"},
    {"quit", 0, "quit"},
};

static void run_command(struct console_mux *con)
{
	char line[CONSOLE_CMD_MAX + 1];
	char *argv[CMD_MAX_ARGS];
	k_memcpy(line, con->cmd, con->cmd_len);
	line[con->cmd_len] = '\0';
	int argc = split_words(line, argv, CMD_MAX_ARGS);
	if (argc == 0)
		return;
	const struct command *c = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (k_strcmp(argv[0], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL) {
		say(con, "karasu: unknown command '%s' (type 'help')\n", argv[0]);
		return;
	}
	if (argc - 1 != c->args) {
		say(con, "karasu: %s: %s (usage: %s)\n", argv[0],
		    argc - 1 < c->args ? "missing guest" : "too many arguments", c->usage);
		return;
	}
	const char *arg = c->args ? argv[1] : NULL;
	if (k_strcmp(c->name, "list") == 0) {
		cmd_list(con);
	} else if (k_strcmp(c->name, "switch") == 0) {
		unsigned g;
		if (parse_guest(con, "switch", arg, &g)) {
			con->focus = g;
			leave_command_mode(con);
		}
	} else if (k_strcmp(c->name, "boot") == 0) {
		cmd_guest_action(con, "boot", arg, con->hooks.boot_guest, "booting");
	} else if (k_strcmp(c->name, "poweroff") == 0) {
		cmd_guest_action(con, "poweroff", arg, con->hooks.poweroff_guest, "powering off");
	} else if (k_strcmp(c->name, "stats") == 0) {
		if (con->hooks.stats)
			con->hooks.stats(con->hooks.ctx, con);
		else
			say(con, "karasu: stats are not available\n");
	} else if (k_strcmp(c->name, "exit") == 0) {
		leave_command_mode(con);
	} else if (k_strcmp(c->name, "quit") == 0) {
		const char *why = con->hooks.quit ? con->hooks.quit(con->hooks.ctx) : "not available";
		if (why)
			say(con, "karasu: quit: %s\n", why);
		else
			say(con, "karasu: powering every guest off\n");
	} else {
		cmd_help(con);
	}
}

/* ---- input ---- */

static void enter_command_mode(struct console_mux *con)
{
	con->command_mode = true;
	con->cmd_len = 0;
	con->last_was_cr = false;
	draw_prompt(con);
}

static void erase_typed(struct console_mux *con, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_str(con, "\b \b");
	con->cmd_len -= n;
}

static void command_input(struct console_mux *con, char c)
{
	uint8_t u = (uint8_t)c;
	bool was_cr = con->last_was_cr;
	con->last_was_cr = u == ASCII_CR;
	if (u == con->escape) {
		take_line(con, CONSOLE_OWNER_NONE); /* ends the prompt line */
		leave_command_mode(con);
		return;
	}
	/* Redraw first if other output took the line since the prompt was drawn. */
	draw_prompt(con);
	if (u == ASCII_LF && was_cr)
		return; /* the second half of "\r\n" */
	if (u == ASCII_CR || u == ASCII_LF) {
		out_str(con, "\n");
		con->owner = CONSOLE_OWNER_NONE;
		con->running_command = true;
		run_command(con);
		con->running_command = false;
		con->cmd_len = 0;
		if (con->command_mode)
			draw_prompt(con);
		return;
	}
	if (u == ASCII_BACKSPACE || u == ASCII_DEL) {
		if (con->cmd_len)
			erase_typed(con, 1);
		return;
	}
	if (u == ASCII_CTRL_U) {
		erase_typed(con, con->cmd_len);
		return;
	}
	if (u == ASCII_CTRL_C) {
		out_str(con, "^C\n");
		con->owner = CONSOLE_OWNER_NONE;
		con->cmd_len = 0;
		draw_prompt(con);
		return;
	}
	if (u < ' ' || u >= ASCII_DEL || con->cmd_len >= CONSOLE_CMD_MAX)
		return; /* other control bytes, non-ASCII, full line: ignored */
	con->cmd[con->cmd_len++] = c;
	out(con, &c, 1);
}

void console_mux_input(struct console_mux *con, char c)
{
	if (con->command_mode) {
		command_input(con, c);
		return;
	}
	if ((uint8_t)c == con->escape) {
		enter_command_mode(con);
		return;
	}
	if (con->focus >= guest_count(con)) {
		con->dropped_input++;
		return;
	}
	con->guests[con->focus].in_bytes++;
	con->had_input = true;
	con->last_input_ms = con->now_ms;
	con->hooks.guest_input(con->hooks.ctx, con->focus, c);
}
