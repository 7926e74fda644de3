/* lib/config.c: the karasu.cfg parser, on the shipped configs, on every documented error, and on
 * randomly damaged input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"

static struct karasu_config cfg; /* large: static */

/* Parses text from an exactly-sized heap copy without a terminating NUL (ASan checks the parser stays
 * inside len). */
static int parse(const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len > 0 ? len : 1);
	int n;

	memcpy(copy, text, len);
	n = karasu_config_parse(copy, len, &cfg);
	free(copy);
	return n;
}

/* The same, read for karasu-rv. */
static int parse_rv(const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len > 0 ? len : 1);
	int n;

	memcpy(copy, text, len);
	n = karasu_config_parse_for(copy, len, KARASU_CONFIG_RV, &cfg);
	free(copy);
	return n;
}

static void dump_errors(void)
{
	for (unsigned i = 0; i < cfg.nerrors; i++) {
		print_message("  line %u: %s\n", cfg.errors[i].line, cfg.errors[i].msg);
	}
}

static void expect_clean(const char *text)
{
	int n = parse(text);

	if (n != 0) {
		dump_errors();
		fail_msg("expected no errors, got %d", n);
	}
}

/* Some error is on `line` and its message contains `needle`. */
static void expect_error(unsigned line, const char *needle)
{
	for (unsigned i = 0; i < cfg.nerrors; i++) {
		if (cfg.errors[i].line == line && strstr(cfg.errors[i].msg, needle) != NULL) {
			return;
		}
	}
	dump_errors();
	fail_msg("no error on line %u containing \"%s\"", line, needle);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (f == NULL) {
		fail_msg("cannot open %s (run from the source root)", path);
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

static void test_default_config(void **state)
{
	(void)state;
	char *text = read_text("configs/karasu.cfg");
	const struct karasu_guest_config *g;

	expect_clean(text);
	assert_int_equal(cfg.nguests, 1);
	g = karasu_config_find(&cfg, "linux");
	assert_non_null(g);
	assert_string_equal(g->kernel, "/Image");
	assert_string_equal(g->initrd, "/initrd.gz");
	assert_string_equal(g->disk, "/disk0.img");
	assert_int_equal(g->cpu_mask, 0xf);
	assert_int_equal(g->ncpus, 4);
	assert_int_equal(g->memory_size, 512ull << 20);
	assert_int_equal(g->memory_base, 0x40000000);
	assert_true(g->autostart);
	assert_non_null(strstr(g->bootargs, "console=ttyAMA0"));
	assert_int_equal(cfg.escape_key, 0x1d); /* ctrl-] */
	assert_string_equal(cfg.focus, "linux");
	free(text);
}

static void test_two_guests(void **state)
{
	(void)state;
	char *text = read_text("configs/two-guests.cfg");

	expect_clean(text);
	assert_int_equal(cfg.nguests, 2);
	assert_string_equal(cfg.guests[0].name, "alpha");
	assert_int_equal(cfg.guests[0].cpu_mask, 0x3);
	assert_int_equal(cfg.guests[1].cpu_mask, 0xc);
	assert_string_not_equal(cfg.guests[0].disk, cfg.guests[1].disk);
	assert_true(cfg.guests[0].disk[0] == '/' && cfg.guests[1].disk[0] == '/');
	free(text);
}

static void test_all_keys_and_syntax(void **state)
{
	(void)state;
	const struct karasu_guest_config *g;

	expect_clean("; comment\r\n"
	             "  # indented comment\n"
	             "\n"
	             "[ karasu ]\n"
	             "escape=^]\n"
	             "[guest  test_vm-1 ]\r\n"
	             "  kernel   =   /linux/Image  \n"
	             "dtb = /guest.dtb\n"
	             "cpus = 1, 3-4 ,7\n"
	             "memory = 1G\n"
	             "memory_base = 0x80000000\n"
	             "bootargs = \"console=ttyAMA0 init=/bin/sh x=\"y\" # not a comment\"\n"
	             "autostart = No");
	assert_int_equal(cfg.escape_key, 0x1d);
	assert_string_equal(cfg.focus, "");
	g = karasu_config_find(&cfg, "test_vm-1");
	assert_non_null(g);
	assert_string_equal(g->kernel, "/linux/Image");
	assert_string_equal(g->initrd, "");
	assert_string_equal(g->disk, "");
	assert_string_equal(g->dtb, "/guest.dtb");
	assert_int_equal(g->cpu_mask, (1u << 1) | (1u << 3) | (1u << 4) | (1u << 7));
	assert_int_equal(g->ncpus, 4);
	assert_int_equal(g->memory_size, 1ull << 30);
	assert_int_equal(g->memory_base, 0x80000000);
	assert_string_equal(g->bootargs, "console=ttyAMA0 init=/bin/sh x=\"y\" # not a comment");
	assert_false(g->autostart);
	assert_int_equal(g->line, 6);
	assert_null(karasu_config_find(&cfg, "other"));

	/* Defaults: 256M, autostart, ctrl-]; escape spellings. */
	expect_clean("[guest a]\nkernel=/k\ncpus=0\n[karasu]\nescape = 0x1c\n");
	assert_int_equal(cfg.guests[0].memory_size, 256ull << 20);
	assert_true(cfg.guests[0].autostart);
	assert_int_equal(cfg.escape_key, 0x1c);
	expect_clean("[karasu]\nescape = Ctrl-B\n[guest a]\nkernel=/k\ncpus=0\n");
	assert_int_equal(cfg.escape_key, 0x02);
	expect_clean("[guest a]\nkernel=/k\ncpus=63\n");
	assert_int_equal(cfg.guests[0].cpu_mask, 1ull << 63);
	expect_clean("\xef\xbb\xbf[guest bom]\nkernel=/k\ncpus=0\n"); /* UTF-8 byte-order mark */
	assert_string_equal(cfg.guests[0].name, "bom");
	assert_int_equal(cfg.guests[0].line, 1);
	expect_clean("[guest a]\nkernel=/k\ncpus=63\n");
	assert_int_equal(cfg.guests[0].cpu_mask, 1ull << 63);
}

static void test_guest_errors(void **state)
{
	(void)state;
	/* Each bad guest is reported with its line and left out; the good one survives. */
	parse("[guest good]\n"       /* 1 */
	      "kernel = /Image\n"    /* 2 */
	      "cpus = 0\n"           /* 3 */
	      "[guest nokernel]\n"   /* 4 */
	      "cpus = 1\n"           /* 5 */
	      "[guest badmem]\n"     /* 6 */
	      "kernel = /Image\n"    /* 7 */
	      "cpus = 2\n"           /* 8 */
	      "memory = 3M\n"        /* 9 */
	      "[guest unknownkey]\n" /* 10 */
	      "kernel = /Image\n"    /* 11 */
	      "cpus = 3\n"           /* 12 */
	      "kernal = /typo\n"     /* 13 */
	      "[guest good]\n"       /* 14 */
	      "kernel = /Image\n"    /* 15 */
	      "cpus = 4\n"           /* 16 */
	      "[guest overlap]\n"    /* 17 */
	      "kernel = /Image\n"    /* 18 */
	      "cpus = 5,0\n"         /* 19 */
	      "[guest twice]\n"      /* 20 */
	      "kernel = /a\n"        /* 21 */
	      "kernel = /b\n"        /* 22 */
	      "cpus = 6\n"           /* 23 */
	      "[guest nocpus]\n"     /* 24 */
	      "kernel = /a\n"        /* 25 */
	      "[guest second]\n"     /* 26 */
	      "kernel = /Image\n"    /* 27 */
	      "cpus = 1-2\n");       /* 28 */
	expect_error(4, "no kernel");
	expect_error(9, "multiple of 2M");
	expect_error(13, "unknown key \"kernal\"");
	expect_error(14, "already defined on line 1");
	expect_error(17, "CPU 0 is already given to guest good");
	expect_error(22, "kernel given twice");
	expect_error(24, "no cpus");
	expect_error(6, "left out");
	/* Only "good" and "second" remain; CPUs 1 and 2 were free again since their guests were dropped. */
	assert_int_equal(cfg.nguests, 2);
	assert_string_equal(cfg.guests[0].name, "good");
	assert_int_equal(cfg.guests[0].cpu_mask, 1);
	assert_string_equal(cfg.guests[1].name, "second");
	assert_int_equal(cfg.guests[1].cpu_mask, 6);
	assert_int_equal(cfg.guests[1].line, 26);
}

static void test_value_errors(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		const char *needle;
	} cases[] = {
	    {"cpus = ", "empty list"},
	    {"cpus = 3-1", "backwards"},
	    {"cpus = 64", "out of range"},
	    {"cpus = 0,,1", "not a CPU number"},
	    {"cpus = x", "not a CPU number"},
	    {"cpus = 1-", "not a CPU number"},
	    {"memory = 0", "multiple of 2M"},
	    {"memory = lots", "not a size"},
	    {"memory = 99999999999T", "not a size"},
	    {"memory_base = 0x40001000", "not 2M-aligned"},
	    {"memory_base = -1", "not a number"},
	    {"autostart = maybe", "not yes or no"},
	    {"initrd = ", "empty path"},
	    {"disk = /my disk.img", "contains a space"},
	    {"dtb = "
	     "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaa"
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	     "too long"},
	    {"bad key = 1", "not a key name"},
	    {"no equals sign here", "expected key = value"},
	};
	char text[2048];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
		         "[guest g]\nkernel = /k\ncpus = 0\n%s\n[guest h]\nkernel=/k\ncpus=1\n",
		         cases[i].line);
		/* cpus given twice in the cpus cases: use a fresh guest for those. */
		if (strncmp(cases[i].line, "cpus", 4) == 0) {
			snprintf(text, sizeof(text),
			         "[guest g]\nkernel = /k\n%s\n[guest h]\nkernel=/k\ncpus=1\n", cases[i].line);
			parse(text);
			expect_error(3, cases[i].needle);
		} else {
			parse(text);
			expect_error(4, cases[i].needle);
		}
		assert_int_equal(cfg.nguests, 1);
		assert_string_equal(cfg.guests[0].name, "h");
	}
	/* memory_base + memory beyond 2^64. */
	parse("[guest g]\nkernel=/k\ncpus=0\nmemory=4G\nmemory_base=0xffffffffffe00000\n");
	expect_error(1, "wraps around");
	assert_int_equal(cfg.nguests, 0);
	/* A bootargs line longer than the field. */
	{
		static char big[2048];
		int n = snprintf(big, sizeof(big), "[guest g]\nkernel=/k\ncpus=0\nbootargs=");
		memset(big + n, 'x', 600);
		big[n + 600] = '\0';
		parse(big);
		expect_error(4, "bootargs is too long");
	}
}

static void test_structure_errors(void **state)
{
	(void)state;
	parse("kernel = /early\n"  /* 1 */
	      "[guest]\n"          /* 2 */
	      "kernel = /x\n"      /* 3: ignored with the bad section */
	      "[guest bad!name]\n" /* 4 */
	      "[machine]\n"        /* 5 */
	      "foo = 1\n"          /* 6: ignored */
	      "[karasu\n"          /* 7 */
	      "[karasu]\n"         /* 8 */
	      "escape = q\n"       /* 9 */
	      "focus = nobody\n"   /* 10 */
	      "colour = blue\n"    /* 11 */
	      "[karasu]\n"         /* 12 */
	      "[guest ok]\n"       /* 13 */
	      "kernel=/k\n"        /* 14 */
	      "cpus=0\n");         /* 15 */
	expect_error(1, "outside any section");
	expect_error(2, "guest name \"\"");
	expect_error(4, "bad!name");
	expect_error(5, "unknown section [machine]");
	expect_error(7, "lacks the closing");
	expect_error(9, "not a control key");
	expect_error(10, "no usable guest named nobody");
	expect_error(11, "unknown key \"colour\"");
	expect_error(12, "appears twice");
	assert_int_equal(cfg.nguests, 1);
	assert_string_equal(cfg.focus, "");
	assert_int_equal(cfg.escape_key, 0x1d); /* the bad escape left the default, ctrl-] */
	assert_int_equal(cfg.nerrors, 9);

	/* Empty input and no guests. */
	assert_int_equal(parse(""), 1);
	expect_error(0, "no usable [guest NAME]");
	assert_int_equal(karasu_config_parse(NULL, 0, &cfg), 1);

	/* A ninth guest does not fit. */
	{
		char text[2048] = "";
		size_t len = 0;
		for (int i = 0; i < 9; i++) {
			len += (size_t)snprintf(text + len, sizeof(text) - len,
			                        "[guest g%d]\nkernel=/k\ncpus=%d\n", i, i);
		}
		parse(text);
		assert_int_equal(cfg.nguests, KARASU_CFG_MAX_GUESTS);
		expect_error(25, "too many guests");
	}
}

static void test_error_overflow(void **state)
{
	(void)state;
	char text[4096] = "[guest a]\nkernel=/k\ncpus=0\n[karasu]\n";
	size_t len = strlen(text);
	int n;

	for (int i = 0; i < 30; i++) {
		len += (size_t)snprintf(text + len, sizeof(text) - len, "unknown%d = 1\n", i);
	}
	n = parse(text);
	assert_int_equal(n, 30);
	assert_int_equal(cfg.nerrors, KARASU_CFG_MAX_ERRORS);
	assert_int_equal(cfg.errors_dropped, 30 - KARASU_CFG_MAX_ERRORS);
	assert_int_equal(cfg.nguests, 1);
	expect_error(5, "unknown0");
}

/* Random damage to a valid config: never a crash, and whatever is accepted satisfies the invariants. */
static void test_fuzz_invariants(void **state)
{
	(void)state;
	char *base = read_text("configs/two-guests.cfg");
	size_t len = strlen(base);
	char *text = malloc(len);
	uint64_t rng = 42;
	static const char alphabet[] = "[]=#;-,0123456789abcxyzMG \n\"/";

	for (int iter = 0; iter < 3000; iter++) {
		memcpy(text, base, len);
		for (int k = 0; k < 1 + iter % 6; k++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			text[(rng >> 33) % len] = alphabet[(rng >> 20) % (sizeof(alphabet) - 1)];
		}
		karasu_config_parse(text, len, &cfg);
		for (unsigned i = 0; i < cfg.nguests; i++) {
			const struct karasu_guest_config *g = &cfg.guests[i];
			assert_true(g->name[0] != '\0' && g->kernel[0] != '\0');
			assert_true(g->memory_size > 0 && g->memory_size % (2u << 20) == 0);
			assert_true(g->cpu_mask != 0);
			for (unsigned j = 0; j < i; j++) {
				assert_int_equal(cfg.guests[j].cpu_mask & g->cpu_mask, 0);
				assert_string_not_equal(cfg.guests[j].name, g->name);
			}
		}
		for (unsigned i = 0; i < cfg.nerrors; i++) {
			assert_true(strlen(cfg.errors[i].msg) > 0);
		}
	}
	free(text);
	free(base);
}

/* SynIC connections: syntax, defaults, target checks after the whole file. */
static void test_connections(void **state)
{
	(void)state;
	expect_clean("[guest alpha]\n"
	             "kernel = /Image\n"
	             "cpus = 0\n"
	             "connection = 7 -> beta sint 2\n"
	             "connection = 0x10 -> alpha sint 15 vp 0 events\n"
	             "connection = 0xffffff -> beta sint 0 messages vp 1\n"
	             "[guest beta]\n"
	             "kernel = /Image\n"
	             "cpus = 1-2\n");
	assert_int_equal(cfg.nguests, 2);
	const struct karasu_guest_config *a = karasu_config_find(&cfg, "alpha");
	assert_non_null(a);
	assert_int_equal(a->nconnections, 3);
	assert_int_equal(a->connections[0].id, 7);
	assert_string_equal(a->connections[0].target, "beta");
	assert_int_equal(a->connections[0].sint, 2);
	assert_int_equal(a->connections[0].vp, 0);
	assert_int_equal(a->connections[0].kinds, KARASU_CFG_CONN_MESSAGES | KARASU_CFG_CONN_EVENTS);
	assert_int_equal(a->connections[0].line, 4);
	assert_int_equal(a->connections[1].id, 16);
	assert_string_equal(a->connections[1].target, "alpha");
	assert_int_equal(a->connections[1].sint, 15);
	assert_int_equal(a->connections[1].kinds, KARASU_CFG_CONN_EVENTS);
	assert_int_equal(a->connections[2].id, 0xffffff);
	assert_int_equal(a->connections[2].vp, 1);
	assert_int_equal(a->connections[2].kinds, KARASU_CFG_CONN_MESSAGES);
	assert_int_equal(karasu_config_find(&cfg, "beta")->nconnections, 0);
}

static void test_connection_errors(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		const char *needle;
	} bad[] = {
	    {"connection = 0x1000000 -> alpha sint 1", "is not an id"},
	    {"connection = seven -> alpha sint 1", "is not an id"},
	    {"connection = 1 alpha sint 1", "missing \"->\""},
	    {"connection = 1 -> al/pha sint 1", "is not a guest name"},
	    {"connection = 1 -> alpha 1", "missing \"sint N\""},
	    {"connection = 1 -> alpha sint 16", "sint \"16\" is not 0-15"},
	    {"connection = 1 -> alpha sint", "sint \"\" is not 0-15"},
	    {"connection = 1 -> alpha sint 1 vp x", "vp \"x\""},
	    {"connection = 1 -> alpha sint 1 events messages", "unexpected \"messages\""},
	    {"connection = 1 -> alpha sint 1 loud", "unexpected \"loud\""},
	    {"connection =", "is not an id"},
	};
	char text[2048];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[guest alpha]\nkernel = /Image\ncpus = 0\n%s\n", bad[i].line);
		assert_int_not_equal(parse(text), 0);
		expect_error(4, bad[i].needle);
		assert_null(
		    karasu_config_find(&cfg, "alpha")); /* a bad line drops the guest, like other keys */
	}
	/* Same id twice in one guest. */
	parse("[guest alpha]\nkernel = /Image\ncpus = 0\nconnection = 3 -> alpha sint 1\n"
	      "connection = 3 -> alpha sint 2\n");
	expect_error(5, "connection 3 is already defined on line 4");
	/* Too many. */
	size_t len = (size_t)snprintf(text, sizeof(text), "[guest alpha]\nkernel = /Image\ncpus = 0\n");
	for (unsigned i = 0; i <= KARASU_CFG_MAX_CONNECTIONS; i++)
		len +=
		    (size_t)snprintf(text + len, sizeof(text) - len, "connection = %u -> alpha sint 0\n", i);
	parse(text);
	expect_error(4 + KARASU_CFG_MAX_CONNECTIONS, "too many connections (at most 16)");
	/* Target checks: a missing guest or VP drops the connection only; the guest stays. */
	assert_int_equal(parse("[guest alpha]\nkernel = /Image\ncpus = 0\n"
	                       "connection = 1 -> nobody sint 1\n"
	                       "connection = 2 -> alpha sint 1 vp 1\n"
	                       "connection = 3 -> alpha sint 1 vp 0\n"),
	                 2);
	expect_error(4, "connection 1: no usable guest named nobody; dropped");
	expect_error(5, "connection 2: guest alpha has no vp 1 (it has 1); dropped");
	const struct karasu_guest_config *a = karasu_config_find(&cfg, "alpha");
	assert_non_null(a);
	assert_int_equal(a->nconnections, 1);
	assert_int_equal(a->connections[0].id, 3);
	/* A connection to a guest that was left out for its own errors is dropped too. */
	parse("[guest alpha]\nkernel = /Image\ncpus = 0\nconnection = 1 -> beta sint 1\n"
	      "[guest beta]\ncpus = 1\n");
	expect_error(4, "no usable guest named beta");
	assert_int_equal(karasu_config_find(&cfg, "alpha")->nconnections, 0);
}

/* karasu-rv reads the same format: guests may share host CPUs, RAM is always at 0x80000000. */
static void test_rv_engine(void **state)
{
	(void)state;
	static const char two[] = "[guest a]\nkernel = Image\ncpus = 0-1\n"
	                          "[guest b]\nkernel = Image\ncpus = 0,1\n";
	assert_int_equal(parse_rv(two), 0);
	assert_int_equal(cfg.nguests, 2);
	assert_int_equal(cfg.guests[1].ncpus, 2);
	assert_int_equal(cfg.guests[0].memory_base, KARASU_CFG_RV_RAM_BASE);
	/* the same file is refused by karasu-hv, which gives each CPU to one guest */
	assert_int_not_equal(parse(two), 0);
	expect_error(4, "CPU 0 is already given to guest a");

	static const char base[] = "[guest a]\nkernel = Image\ncpus = 0\nmemory_base = 0x40000000\n";
	assert_int_equal(parse_rv(base), 3); /* the key, the guest left out, no guest at all */
	expect_error(4, "karasu-rv's RAM is at 0x80000000");
	assert_int_equal(cfg.nguests, 0);
	static const char same[] = "[guest a]\nkernel = Image\ncpus = 0\nmemory_base = 0x80000000\n";
	assert_int_equal(parse_rv(same), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_config),      cmocka_unit_test(test_two_guests),
	    cmocka_unit_test(test_all_keys_and_syntax), cmocka_unit_test(test_guest_errors),
	    cmocka_unit_test(test_value_errors),        cmocka_unit_test(test_structure_errors),
	    cmocka_unit_test(test_error_overflow),      cmocka_unit_test(test_fuzz_invariants),
	    cmocka_unit_test(test_connections),         cmocka_unit_test(test_connection_errors),
	    cmocka_unit_test(test_rv_engine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
