/* Console multiplexer (hv/core/console.c): output prefixing and line ownership, input routing, the escape
 * key, the karasu> prompt and its commands, all through fake hooks that record what the console did. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/console_mux.h"

#define MAX_OUT   16384
#define MAX_INPUT 256
#define ESC       '\x1d' /* Ctrl-] */

struct fake {
	char out[MAX_OUT];
	size_t out_len;
	size_t writes; /* write hook calls */
	char input[MAX_INPUT];
	unsigned input_guest[MAX_INPUT];
	size_t ninput;
	unsigned count;
	const char *names[CONSOLE_MAX_GUESTS];
	const char *states[CONSOLE_MAX_GUESTS];
	uint64_t masks[CONSOLE_MAX_GUESTS];
	int boots[CONSOLE_MAX_GUESTS];
	int poweroffs[CONSOLE_MAX_GUESTS];
	const char *action_result; /* what boot/poweroff hooks answer */
	int stats_calls;
	int quits;
};

static void fake_write(void *ctx, const char *text, size_t len)
{
	struct fake *f = ctx;
	assert_true(f->out_len + len < MAX_OUT);
	memcpy(f->out + f->out_len, text, len);
	f->out_len += len;
	f->out[f->out_len] = '\0';
	f->writes++;
}

static void fake_input(void *ctx, unsigned guest, char c)
{
	struct fake *f = ctx;
	assert_true(f->ninput < MAX_INPUT);
	f->input[f->ninput] = c;
	f->input_guest[f->ninput++] = guest;
}

static unsigned fake_count(void *ctx)
{
	return ((struct fake *)ctx)->count;
}

static bool fake_info(void *ctx, unsigned guest, struct console_guest_info *info)
{
	struct fake *f = ctx;
	if (guest >= f->count)
		return false;
	info->name = f->names[guest];
	info->state = f->states[guest];
	info->cpu_mask = f->masks[guest];
	return true;
}

static const char *fake_boot(void *ctx, unsigned guest)
{
	struct fake *f = ctx;
	f->boots[guest]++;
	return f->action_result;
}

static const char *fake_poweroff(void *ctx, unsigned guest)
{
	struct fake *f = ctx;
	f->poweroffs[guest]++;
	return f->action_result;
}

static void fake_stats(void *ctx, struct console_mux *con)
{
	struct fake *f = ctx;
	f->stats_calls++;
	console_mux_printf(con, "karasu: stats %s/%u exits=%u\n", "linux", 0u, 42u);
}

static const char *fake_quit(void *ctx)
{
	struct fake *f = ctx;
	f->quits++;
	return NULL;
}

struct env {
	struct fake f;
	struct console_mux con;
};

static const struct console_hooks hooks_template = {
    .write = fake_write,
    .guest_input = fake_input,
    .guest_count = fake_count,
    .guest_info = fake_info,
    .boot_guest = fake_boot,
    .poweroff_guest = fake_poweroff,
    .stats = fake_stats,
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	e->f.count = 2;
	e->f.names[0] = "linux";
	e->f.names[1] = "rtos";
	e->f.states[0] = "running";
	e->f.states[1] = "off";
	e->f.masks[0] = 0x3;
	e->f.masks[1] = 0x4 | 0x10 | 0x20 | 0x40;
	struct console_hooks h = hooks_template;
	h.ctx = &e->f;
	assert_true(console_mux_init(&e->con, &h, 0));
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* Returns the output since the last call and forgets it. */
static const char *take(struct env *e)
{
	static char copy[MAX_OUT];
	memcpy(copy, e->f.out, e->f.out_len + 1);
	e->f.out_len = 0;
	e->f.out[0] = '\0';
	return copy;
}

static void type(struct env *e, const char *s)
{
	for (; *s; s++)
		console_mux_input(&e->con, *s);
}

static void guest_says(struct env *e, unsigned g, const char *s)
{
	console_mux_guest_write(&e->con, g, s, strlen(s));
}

/* ---- output ---- */

static void test_line_is_prefixed_and_cr_dropped(void **state)
{
	struct env *e = *state;
	guest_says(e, 0, "Booting Linux\r\n");
	assert_string_equal(take(e), "[linux] Booting Linux\n");
	assert_int_equal(e->con.guests[0].out_lines, 1);
}

static void test_partial_line_waits_for_newline(void **state)
{
	struct env *e = *state;
	console_mux_set_echo_window(&e->con, 0);
	guest_says(e, 0, "abc");
	assert_string_equal(take(e), "");
	guest_says(e, 0, "def\n");
	assert_string_equal(take(e), "[linux] abcdef\n");
}

static void test_two_guests_never_mix_within_a_line(void **state)
{
	struct env *e = *state;
	guest_says(e, 0, "first half ");
	guest_says(e, 1, "rtos line\n");
	guest_says(e, 0, "second half\n");
	guest_says(e, 1, "r");
	guest_says(e, 0, "x\n");
	guest_says(e, 1, "tos 2\n");
	assert_string_equal(take(e), "[rtos] rtos line\n"
	                             "[linux] first half second half\n"
	                             "[linux] x\n"
	                             "[rtos] rtos 2\n");
}

static void test_flushed_partial_line_continues_in_place(void **state)
{
	struct env *e = *state;
	guest_says(e, 0, "/ # ");
	console_mux_flush(&e->con, 0);
	assert_string_equal(take(e), "[linux] / # ");
	guest_says(e, 0, "ls\n");
	assert_string_equal(take(e), "ls\n");
}

static void test_interrupted_partial_line_is_written_again(void **state)
{
	struct env *e = *state;
	guest_says(e, 0, "/ # ");
	console_mux_flush(&e->con, 0);
	guest_says(e, 1, "tick\n");
	guest_says(e, 0, "ls\n");
	/* The interrupted line is written again in full, so it exists complete on one line. */
	assert_string_equal(take(e), "[linux] / # \n[rtos] tick\n[linux] / # ls\n");
}

static void test_hypervisor_text_ends_open_guest_line(void **state)
{
	struct env *e = *state;
	guest_says(e, 1, "partial");
	console_mux_flush_all(&e->con);
	const char *msg = "karasu: guest linux stopped\n";
	console_mux_hv_write(&e->con, msg, strlen(msg));
	guest_says(e, 1, " end\n");
	assert_string_equal(take(e), "[rtos] partial\nkarasu: guest linux stopped\n[rtos] partial end\n");
}

static void test_long_line_is_written_when_buffer_fills(void **state)
{
	struct env *e = *state;
	console_mux_set_echo_window(&e->con, 0);
	char line[CONSOLE_LINE_MAX + 41];
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	guest_says(e, 0, line);
	/* The full buffer went out; the 40 bytes after it are still pending. */
	const char *out = take(e);
	assert_int_equal(strlen(out), strlen("[linux] ") + CONSOLE_LINE_MAX);
	guest_says(e, 0, "\n");
	out = take(e);
	assert_int_equal(strlen(out), 41);
	assert_int_equal(out[40], '\n');
}

static void test_overlong_line_continues_after_interruption(void **state)
{
	struct env *e = *state;
	char line[CONSOLE_LINE_MAX + 1];
	memset(line, 'b', CONSOLE_LINE_MAX);
	line[CONSOLE_LINE_MAX] = '\0';
	guest_says(e, 0, line); /* fills the buffer: written and forgotten */
	guest_says(e, 1, "x\n");
	guest_says(e, 0, "tail\n");
	const char *out = take(e);
	const char *tail = strstr(out, "[rtos] x\n[linux] tail\n");
	assert_non_null(tail);
	assert_int_equal(tail - out, strlen("[linux] ") + CONSOLE_LINE_MAX + 1);
}

static void test_partial_flush_repeats_only_after_interruption(void **state)
{
	struct env *e = *state;
	console_mux_set_flush_delay(&e->con, 10);
	console_mux_tick(&e->con, 100);
	guest_says(e, 0, "abc");
	console_mux_tick(&e->con, 110);
	guest_says(e, 0, "def");
	console_mux_tick(&e->con, 120);
	console_mux_tick(&e->con, 130); /* nothing new: nothing written */
	guest_says(e, 0, "\n");
	assert_string_equal(take(e), "[linux] abcdef\n");
}

static void test_tick_flushes_after_delay(void **state)
{
	struct env *e = *state;
	console_mux_set_echo_window(&e->con, 0);
	console_mux_set_flush_delay(&e->con, 50);
	console_mux_tick(&e->con, 1000);
	guest_says(e, 1, "login: ");
	console_mux_tick(&e->con, 1049);
	assert_string_equal(take(e), "");
	console_mux_tick(&e->con, 1050);
	assert_string_equal(take(e), "[rtos] login: ");
	/* Time never runs backwards for the console. */
	console_mux_tick(&e->con, 10);
	guest_says(e, 1, "x");
	console_mux_tick(&e->con, 1060);
	assert_string_equal(take(e), "");
}

static void test_out_of_range_guest_output_is_ignored(void **state)
{
	struct env *e = *state;
	console_mux_guest_putc(&e->con, CONSOLE_MAX_GUESTS, 'x');
	console_mux_guest_putc(&e->con, CONSOLE_MAX_GUESTS + 5, '\n');
	assert_int_equal(e->f.out_len, 0);
}

static void test_unnamed_guest_gets_number_prefix(void **state)
{
	struct env *e = *state;
	e->f.count = 3;
	e->f.names[2] = NULL;
	guest_says(e, 2, "hi\n");
	guest_says(e, 5, "ho\n"); /* the hook knows no guest 5 */
	assert_string_equal(take(e), "[guest2] hi\n[guest5] ho\n");
}

static void test_echo_window_writes_focused_guest_at_once(void **state)
{
	struct env *e = *state;
	console_mux_set_echo_window(&e->con, 1000);
	console_mux_tick(&e->con, 5000);
	guest_says(e, 0, "no input yet");
	assert_string_equal(take(e), "");
	guest_says(e, 0, "\n");
	take(e);
	type(e, "l");
	guest_says(e, 0, "l");    /* the guest's echo */
	guest_says(e, 1, "late"); /* not focused: still line-buffered */
	assert_string_equal(take(e), "[linux] l");
	console_mux_tick(&e->con, 6001);
	take(e); /* rtos's old partial line goes out with this tick */
	guest_says(e, 0, "s");
	assert_string_equal(take(e), "");
}

static void test_long_printf_line_stays_one_line(void **state)
{
	struct env *e = *state;
	char word[301];
	memset(word, 'k', 300);
	word[300] = '\0';
	guest_says(e, 0, "open");
	console_mux_flush(&e->con, 0);
	take(e);
	console_mux_printf(&e->con, "karasu: %s=%d\n", word, 7);
	const char *out = take(e);
	assert_int_equal(strlen(out), 1 + strlen("karasu: ") + 300 + strlen("=7\n"));
	assert_int_equal(out[0], '\n'); /* the guest's open line was ended first */
	assert_ptr_equal(strchr(out + 1, '\n'), out + strlen(out) - 1); /* the only other newline ends it */
}

/* ---- input and escape ---- */

static void test_input_goes_to_focused_guest(void **state)
{
	struct env *e = *state;
	type(e, "ab");
	assert_true(console_mux_set_focus(&e->con, 1));
	type(e, "c\r");
	assert_int_equal(e->f.ninput, 4);
	assert_memory_equal(e->f.input, "abc\r", 4);
	assert_int_equal(e->f.input_guest[0], 0);
	assert_int_equal(e->f.input_guest[1], 0);
	assert_int_equal(e->f.input_guest[2], 1);
	assert_int_equal(e->f.input_guest[3], 1);
	assert_false(console_mux_set_focus(&e->con, 2));
	assert_int_equal(console_mux_focus(&e->con), 1);
	assert_int_equal(e->f.out_len, 0); /* nothing echoed by the console itself */
}

static void test_escape_opens_prompt_and_again_closes_it(void **state)
{
	struct env *e = *state;
	type(e, "\x1d");
	assert_true(console_mux_in_command_mode(&e->con));
	assert_string_equal(take(e), "karasu> ");
	type(e, "li");
	assert_int_equal(e->f.ninput, 0);
	assert_string_equal(take(e), "li");
	type(e, "\x1d");
	assert_false(console_mux_in_command_mode(&e->con));
	assert_string_equal(take(e), "\nkarasu: console input goes to guest 0 (linux)\n");
	type(e, "x");
	assert_int_equal(e->f.ninput, 1);
	assert_int_equal(e->f.input[0], 'x');
}

static void test_prompt_ends_open_guest_line(void **state)
{
	struct env *e = *state;
	guest_says(e, 0, "/ # ");
	console_mux_flush(&e->con, 0);
	take(e);
	type(e, "\x1d");
	assert_string_equal(take(e), "\nkarasu> ");
}

static void test_ctrl_a_is_not_the_default_escape(void **state)
{
	struct env *e = *state;
	type(e, "\x01");
	assert_false(console_mux_in_command_mode(&e->con));
	assert_int_equal(e->f.ninput, 1);
	assert_int_equal(e->f.input[0], 1);
}

static void test_configured_escape_key(void **state)
{
	struct env *e = *state;
	struct console_hooks h = hooks_template;
	h.ctx = &e->f;
	assert_true(console_mux_init(&e->con, &h, 0x1c)); /* Ctrl-\ */
	type(e, "\x1d");
	assert_false(console_mux_in_command_mode(&e->con));
	assert_int_equal(e->f.ninput, 1);
	type(e, "\x1c");
	assert_true(console_mux_in_command_mode(&e->con));
	type(e, "help\r");
	assert_non_null(strstr(take(e), "press Ctrl-\\)"));
}

static void test_unusable_escape_keys_fall_back_to_default(void **state)
{
	struct env *e = *state;
	struct console_hooks h = hooks_template;
	h.ctx = &e->f;
	const uint8_t bad[] = {'a', ' ', '\r', '\n', '\t', 0x08, 0x7f, 0xc3};
	for (size_t i = 0; i < sizeof(bad); i++) {
		assert_false(console_mux_init(&e->con, &h, bad[i]));
		assert_int_equal(e->con.escape, CONSOLE_ESCAPE_DEFAULT);
	}
	type(e, "\x1d");
	assert_true(console_mux_in_command_mode(&e->con));
}

static void test_line_editing(void **state)
{
	struct env *e = *state;
	type(e, "\x1d");
	take(e);
	type(e, "lisx\x7f");
	assert_string_equal(take(e), "lisx\b \b");
	type(e, "\x08\x08t"); /* BS twice leaves "l", then "lt" */
	assert_string_equal(take(e), "\b \b\b \bt");
	type(e, "\x7f\x7f\x7f\x7f"); /* more than typed: stops at the prompt */
	assert_string_equal(take(e), "\b \b\b \b");
	type(e, "list\x15");
	assert_string_equal(take(e), "list\b \b\b \b\b \b\b \b");
	type(e, "boo\x03");
	assert_string_equal(take(e), "boo^C\nkarasu> ");
	type(e, "\r");
	assert_string_equal(take(e), "\nkarasu> "); /* empty line: nothing run */
	type(e, "\x01\x1b\xc3x");                   /* control and non-ASCII bytes are ignored */
	assert_string_equal(take(e), "x");
	assert_int_equal(e->f.ninput, 0);
}

static void test_prompt_line_length_is_bounded(void **state)
{
	struct env *e = *state;
	type(e, "\x1d");
	take(e);
	for (unsigned i = 0; i < CONSOLE_CMD_MAX + 10; i++)
		type(e, "z");
	assert_int_equal(strlen(take(e)), CONSOLE_CMD_MAX);
	type(e, "\r");
	assert_non_null(strstr(take(e), "unknown command"));
}

static void test_guest_output_redraws_prompt(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "li");
	take(e);
	guest_says(e, 1, "alarm\n");
	assert_string_equal(take(e), "\n[rtos] alarm\nkarasu> li");
	type(e, "st\r");
	assert_non_null(strstr(take(e), "st\n  #  name"));
}

/* ---- commands ---- */

static void test_list(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "list\r");
	const char *out = take(e);
	assert_non_null(strstr(out, "* 0  linux"));
	assert_non_null(strstr(out, "  1  rtos"));
	assert_non_null(strstr(out, "running"));
	assert_non_null(strstr(out, " 0-1\n"));
	assert_non_null(strstr(out, " 2,4-6\n"));
	/* The prompt comes back after the command output, and only once. */
	size_t n = strlen(out);
	assert_true(n > 8);
	assert_string_equal(out + n - 8, "karasu> ");
	assert_null(strstr(out + 9, "karasu> karasu>"));
	assert_ptr_equal(strstr(out + 1, "karasu> "), out + n - 8);
}

static void test_crlf_runs_command_once(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "boot 1\r\n");
	assert_int_equal(e->f.boots[1], 1);
	type(e, "boot 1\n");
	assert_int_equal(e->f.boots[1], 2);
}

static void test_switch_by_number_and_name(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "switch 1\r");
	assert_int_equal(console_mux_focus(&e->con), 1);
	assert_false(console_mux_in_command_mode(&e->con));
	assert_non_null(strstr(take(e), "karasu: console input goes to guest 1 (rtos)\n"));
	type(e, "q");
	assert_int_equal(e->f.input_guest[0], 1);
	type(e, "\x1d"
	        "switch  linux \r");
	assert_int_equal(console_mux_focus(&e->con), 0);
}

static void test_switch_bad_arguments(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "switch 2\r");
	assert_non_null(strstr(take(e), "karasu: switch: no guest '2' (guests are 0-1"));
	type(e, "switch\r");
	assert_non_null(strstr(take(e), "karasu: switch: missing guest (usage: switch N)"));
	type(e, "switch 0 1\r");
	assert_non_null(strstr(take(e), "karasu: switch: too many arguments (usage: switch N)"));
	type(e, "switch lin\r");
	assert_non_null(strstr(take(e), "no guest 'lin'"));
	type(e, "switch -1\r");
	assert_non_null(strstr(take(e), "no guest '-1'"));
	type(e, "switch 99999999999999999999999\r");
	assert_non_null(strstr(take(e), "no guest '99999999999999999999999'"));
	assert_int_equal(console_mux_focus(&e->con), 0);
	assert_true(console_mux_in_command_mode(&e->con));
}

static void test_boot_and_poweroff(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "boot rtos\r");
	assert_int_equal(e->f.boots[1], 1);
	assert_non_null(strstr(take(e), "karasu: booting guest 1 (rtos)\n"));
	type(e, "poweroff 0\r");
	assert_int_equal(e->f.poweroffs[0], 1);
	assert_non_null(strstr(take(e), "karasu: powering off guest 0 (linux)\n"));
	e->f.action_result = "already running";
	type(e, "boot 0\r");
	assert_non_null(strstr(take(e), "karasu: boot: guest 0 (linux): already running\n"));
	type(e, "poweroff 3\r");
	assert_non_null(strstr(take(e), "karasu: poweroff: no guest '3'"));
	type(e, "boot\r");
	assert_non_null(strstr(take(e), "karasu: boot: missing guest (usage: boot N)"));
	assert_int_equal(e->f.boots[0], 1);
	assert_int_equal(e->f.poweroffs[0], 1);
	assert_int_equal(e->f.poweroffs[3], 0);
	assert_true(console_mux_in_command_mode(&e->con));
}

static void test_missing_action_hooks(void **state)
{
	struct env *e = *state;
	struct console_hooks h = hooks_template;
	h.ctx = &e->f;
	h.boot_guest = NULL;
	h.poweroff_guest = NULL;
	h.stats = NULL;
	console_mux_init(&e->con, &h, 0);
	type(e, "\x1d"
	        "boot 0\rpoweroff 1\rstats\r");
	const char *out = take(e);
	assert_non_null(strstr(out, "karasu: boot is not available"));
	assert_non_null(strstr(out, "karasu: poweroff is not available"));
	assert_non_null(strstr(out, "karasu: stats are not available"));
}

static void test_stats_output_through_hook(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "stats\r");
	assert_int_equal(e->f.stats_calls, 1);
	assert_string_equal(take(e), "karasu> stats\nkarasu: stats linux/0 exits=42\nkarasu> ");
	type(e, "stats now\r");
	assert_int_equal(e->f.stats_calls, 1);
	assert_non_null(strstr(take(e), "karasu: stats: too many arguments (usage: stats)"));
}

static void test_help_and_unknown(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "help\r");
	const char *out = take(e);
	const char *words[] = {"list", "switch N", "boot N", "poweroff N", "stats", "help", "exit", "Ctrl-]"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		assert_non_null(strstr(out, words[i]));
	type(e, "reboot 1\r");
	assert_non_null(strstr(take(e), "karasu: unknown command 'reboot' (type 'help')"));
	type(e, "LIST\r");
	assert_non_null(strstr(take(e), "unknown command 'LIST'"));
	type(e, "exit\r");
	assert_false(console_mux_in_command_mode(&e->con));
}

static void test_quit_only_where_offered(void **state)
{
	struct env *e = *state;
	type(e, "\x1d"
	        "help\r");
	assert_null(strstr(take(e), "quit"));
	type(e, "quit\r");
	assert_non_null(strstr(take(e), "karasu: quit: not available"));
	struct console_hooks h = hooks_template;
	h.ctx = &e->f;
	h.quit = fake_quit;
	console_mux_init(&e->con, &h, 0);
	type(e, "\x1d"
	        "help\r");
	assert_non_null(strstr(take(e), "quit          power every guest off"));
	type(e, "quit now\r");
	assert_int_equal(e->f.quits, 0);
	type(e, "quit\r");
	assert_int_equal(e->f.quits, 1);
	assert_non_null(strstr(take(e), "karasu: powering every guest off"));
}

static void test_no_guests(void **state)
{
	struct env *e = *state;
	e->f.count = 0;
	type(e, "abc");
	assert_int_equal(e->f.ninput, 0);
	assert_int_equal(e->con.dropped_input, 3);
	type(e, "\x1d"
	        "list\rboot 0\r");
	const char *out = take(e);
	assert_non_null(strstr(out, "karasu: no guests"));
	assert_non_null(strstr(out, "karasu: boot: there are no guests"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_line_is_prefixed_and_cr_dropped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partial_line_waits_for_newline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_guests_never_mix_within_a_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flushed_partial_line_continues_in_place, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_interrupted_partial_line_is_written_again, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hypervisor_text_ends_open_guest_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_line_is_written_when_buffer_fills, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlong_line_continues_after_interruption, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partial_flush_repeats_only_after_interruption, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_tick_flushes_after_delay, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_range_guest_output_is_ignored, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unnamed_guest_gets_number_prefix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_echo_window_writes_focused_guest_at_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_printf_line_stays_one_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_input_goes_to_focused_guest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_escape_opens_prompt_and_again_closes_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prompt_ends_open_guest_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ctrl_a_is_not_the_default_escape, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_configured_escape_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unusable_escape_keys_fall_back_to_default, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_line_editing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prompt_line_length_is_bounded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_guest_output_redraws_prompt, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crlf_runs_command_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_switch_by_number_and_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_switch_bad_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_boot_and_poweroff, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_action_hooks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_output_through_hook, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_help_and_unknown, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quit_only_where_offered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_guests, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
