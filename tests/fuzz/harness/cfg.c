/* libFuzzer harness: the karasu.cfg parser (lib/config.c), for both engines.
 *
 * Beyond "no crash", every parse must leave a configuration that obeys the rules of lib/config.h: values
 * within their documented ranges, strings terminated inside their fields, every accepted guest complete,
 * connections pointing at accepted guests and VPs they have, the return value equal to the errors counted.
 * Then the accepted configuration is written back as karasu.cfg text and parsed again: that must give no
 * error and the same guests, field by field (the parser has no writer of its own, so the harness has one).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "tests/fuzz/harness/fuzz_require.h"

/* The parse results are ~12 KiB each: static storage, as lib/config.h asks. */
static struct karasu_config parsed;
static struct karasu_config reparsed;
static char text[64 * 1024];

static void require_terminated(const char *field, size_t size, const char *what)
{
	REQUIRE(memchr(field, '\0', size) != NULL, "%s is not NUL-terminated in its field", what);
}

static bool is_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= KARASU_CFG_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_')) {
			return false;
		}
	}
	return true;
}

static bool has_space(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ' ' || (*s >= '\t' && *s <= '\r')) {
			return true;
		}
	}
	return false;
}

static void check_guest(const struct karasu_config *cfg, unsigned gi, enum karasu_config_engine engine)
{
	const struct karasu_guest_config *g = &cfg->guests[gi];

	require_terminated(g->name, sizeof(g->name), "name");
	require_terminated(g->kernel, sizeof(g->kernel), "kernel");
	require_terminated(g->initrd, sizeof(g->initrd), "initrd");
	require_terminated(g->disk, sizeof(g->disk), "disk");
	require_terminated(g->dtb, sizeof(g->dtb), "dtb");
	require_terminated(g->bootargs, sizeof(g->bootargs), "bootargs");
	REQUIRE(is_name(g->name), "guest %u has the name \"%s\"", gi, g->name);
	for (unsigned j = 0; j < gi; j++) {
		REQUIRE(strcmp(cfg->guests[j].name, g->name) != 0, "guest %s appears twice", g->name);
		if (engine == KARASU_CONFIG_HV) {
			REQUIRE((cfg->guests[j].cpu_mask & g->cpu_mask) == 0, "guests %s and %s share CPUs",
			        cfg->guests[j].name, g->name);
		}
	}
	REQUIRE(g->kernel[0] != '\0', "guest %s has no kernel", g->name);
	REQUIRE(!has_space(g->kernel) && !has_space(g->initrd) && !has_space(g->disk) && !has_space(g->dtb),
	        "guest %s: a path contains a space", g->name);
	REQUIRE(g->cpu_mask != 0, "guest %s has no CPU", g->name);
	REQUIRE(g->ncpus == (unsigned)__builtin_popcountll(g->cpu_mask), "guest %s: ncpus %u, mask %llx",
	        g->name, g->ncpus, (unsigned long long)g->cpu_mask);
	REQUIRE(g->memory_size != 0 && g->memory_size % KARASU_CFG_RAM_ALIGN == 0, "guest %s: memory 0x%llx",
	        g->name, (unsigned long long)g->memory_size);
	REQUIRE(g->memory_base % KARASU_CFG_RAM_ALIGN == 0, "guest %s: memory_base 0x%llx", g->name,
	        (unsigned long long)g->memory_base);
	REQUIRE(g->memory_base + g->memory_size > g->memory_base, "guest %s: RAM wraps", g->name);
	if (engine == KARASU_CONFIG_RV) {
		REQUIRE(g->memory_base == KARASU_CFG_RV_RAM_BASE, "guest %s: karasu-rv memory_base 0x%llx",
		        g->name, (unsigned long long)g->memory_base);
	}
	REQUIRE(g->nconnections <= KARASU_CFG_MAX_CONNECTIONS, "guest %s: %u connections", g->name,
	        g->nconnections);
	for (unsigned c = 0; c < g->nconnections; c++) {
		const struct karasu_connection_config *conn = &g->connections[c];
		const struct karasu_guest_config *target;
		require_terminated(conn->target, sizeof(conn->target), "connection target");
		target = karasu_config_find(cfg, conn->target);
		REQUIRE(target != NULL, "guest %s: connection %u names %s, not an accepted guest", g->name,
		        conn->id, conn->target);
		REQUIRE(conn->id <= KARASU_CFG_CONNECTION_MAX, "connection id %u", conn->id);
		REQUIRE(conn->sint < KARASU_CFG_SINT_COUNT, "connection sint %u", conn->sint);
		REQUIRE(conn->vp < target->ncpus, "connection vp %u, target has %u", conn->vp, target->ncpus);
		REQUIRE(conn->kinds != 0 &&
		            (conn->kinds & ~(KARASU_CFG_CONN_MESSAGES | KARASU_CFG_CONN_EVENTS)) == 0,
		        "connection kinds 0x%x", conn->kinds);
		for (unsigned d = 0; d < c; d++) {
			REQUIRE(g->connections[d].id != conn->id, "guest %s: connection %u twice", g->name,
			        conn->id);
		}
	}
}

static void check_config(const struct karasu_config *cfg, int ret, enum karasu_config_engine engine)
{
	REQUIRE(ret >= 0 && (unsigned)ret == cfg->nerrors + cfg->errors_dropped, "returned %d, %u+%u errors",
	        ret, cfg->nerrors, cfg->errors_dropped);
	REQUIRE(cfg->nerrors <= KARASU_CFG_MAX_ERRORS, "%u errors stored", cfg->nerrors);
	REQUIRE(cfg->errors_dropped == 0 || cfg->nerrors == KARASU_CFG_MAX_ERRORS,
	        "errors dropped while slots were free");
	for (unsigned i = 0; i < cfg->nerrors; i++) {
		require_terminated(cfg->errors[i].msg, sizeof(cfg->errors[i].msg), "error message");
		REQUIRE(cfg->errors[i].msg[0] != '\0', "error %u has no message", i);
	}
	REQUIRE(cfg->nguests <= KARASU_CFG_MAX_GUESTS, "%u guests", cfg->nguests);
	REQUIRE(cfg->nguests > 0 || ret > 0, "no guest and no error");
	REQUIRE(cfg->escape_key >= 1 && cfg->escape_key < 0x20, "escape key 0x%x", cfg->escape_key);
	require_terminated(cfg->focus, sizeof(cfg->focus), "focus");
	REQUIRE(cfg->focus[0] == '\0' || karasu_config_find(cfg, cfg->focus) != NULL,
	        "focus %s is not an accepted guest", cfg->focus);
	for (unsigned i = 0; i < cfg->nguests; i++) {
		check_guest(cfg, i, engine);
	}
	/* Slots past the accepted guests are cleared (a rejected guest never leaves traces behind). */
	for (unsigned i = cfg->nguests; i < KARASU_CFG_MAX_GUESTS; i++) {
		static const struct karasu_guest_config zero;
		REQUIRE(memcmp(&cfg->guests[i], &zero, sizeof(zero)) == 0, "guest slot %u is not cleared", i);
	}
}

/* ---- writing a configuration back as text ---- */

struct writer {
	char *buf;
	size_t size, len;
};

static void put(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, w->size - w->len, fmt, ap);
	va_end(ap);
	REQUIRE(n >= 0 && (size_t)n < w->size - w->len, "the written configuration does not fit");
	w->len += (size_t)n;
}

/* Values are written in double quotes: the parser strips one pair, so a value that itself starts and ends
 * with a quote survives. */
static size_t write_config(const struct karasu_config *cfg, char *buf, size_t size)
{
	struct writer w = {buf, size, 0};

	put(&w, "[karasu]\nescape = 0x%x\n", cfg->escape_key);
	if (cfg->focus[0] != '\0') {
		put(&w, "focus = %s\n", cfg->focus);
	}
	for (unsigned i = 0; i < cfg->nguests; i++) {
		const struct karasu_guest_config *g = &cfg->guests[i];
		put(&w, "\n[guest %s]\nkernel = \"%s\"\n", g->name, g->kernel);
		if (g->initrd[0] != '\0') {
			put(&w, "initrd = \"%s\"\n", g->initrd);
		}
		if (g->disk[0] != '\0') {
			put(&w, "disk = \"%s\"\n", g->disk);
		}
		if (g->dtb[0] != '\0') {
			put(&w, "dtb = \"%s\"\n", g->dtb);
		}
		put(&w, "cpus = ");
		for (unsigned c = 0, first = 1; c < KARASU_CFG_MAX_CPUS; c++) {
			if ((g->cpu_mask >> c) & 1) {
				put(&w, first ? "%u" : ",%u", c);
				first = 0;
			}
		}
		put(&w, "\nmemory = %llu\nmemory_base = 0x%llx\nbootargs = \"%s\"\nautostart = %s\n",
		    (unsigned long long)g->memory_size, (unsigned long long)g->memory_base, g->bootargs,
		    g->autostart ? "yes" : "no");
		for (unsigned c = 0; c < g->nconnections; c++) {
			const struct karasu_connection_config *conn = &g->connections[c];
			put(&w, "connection = %u -> %s sint %u vp %u %s\n", conn->id, conn->target,
			    conn->sint, conn->vp,
			    conn->kinds == KARASU_CFG_CONN_MESSAGES ? "messages"
			    : conn->kinds == KARASU_CFG_CONN_EVENTS ? "events"
			                                            : "both");
		}
	}
	return w.len;
}

/* Two parses of the same guests agree on every field but the line numbers. */
static void require_same_guest(const struct karasu_guest_config *a, const struct karasu_guest_config *b)
{
	REQUIRE(strcmp(a->name, b->name) == 0 && strcmp(a->kernel, b->kernel) == 0 &&
	            strcmp(a->initrd, b->initrd) == 0 && strcmp(a->disk, b->disk) == 0 &&
	            strcmp(a->dtb, b->dtb) == 0 && strcmp(a->bootargs, b->bootargs) == 0,
	        "guest %s: a string changed when written back", a->name);
	REQUIRE(a->cpu_mask == b->cpu_mask && a->ncpus == b->ncpus && a->memory_size == b->memory_size &&
	            a->memory_base == b->memory_base && a->autostart == b->autostart,
	        "guest %s: a number changed when written back", a->name);
	REQUIRE(a->nconnections == b->nconnections, "guest %s: %u connections, %u after writing back",
	        a->name, a->nconnections, b->nconnections);
	for (unsigned c = 0; c < a->nconnections; c++) {
		const struct karasu_connection_config *x = &a->connections[c], *y = &b->connections[c];
		REQUIRE(x->id == y->id && strcmp(x->target, y->target) == 0 && x->sint == y->sint &&
		            x->vp == y->vp && x->kinds == y->kinds,
		        "guest %s: connection %u changed when written back", a->name, x->id);
	}
}

static void round_trip(const struct karasu_config *cfg, enum karasu_config_engine engine)
{
	size_t len;
	int ret;

	if (cfg->nguests == 0) {
		return;
	}
	len = write_config(cfg, text, sizeof(text));
	ret = karasu_config_parse_for(text, len, engine, &reparsed);
	REQUIRE(ret == 0, "the written configuration has %d errors, first: line %u: %s\n%.*s", ret,
	        reparsed.errors[0].line, reparsed.errors[0].msg, (int)len, text);
	check_config(&reparsed, ret, engine);
	REQUIRE(reparsed.escape_key == cfg->escape_key && strcmp(reparsed.focus, cfg->focus) == 0,
	        "[karasu] changed when written back");
	REQUIRE(reparsed.nguests == cfg->nguests, "%u guests, %u after writing back", cfg->nguests,
	        reparsed.nguests);
	for (unsigned i = 0; i < cfg->nguests; i++) {
		require_same_guest(&cfg->guests[i], &reparsed.guests[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum karasu_config_engine engines[] = {KARASU_CONFIG_HV, KARASU_CONFIG_RV};

	for (unsigned e = 0; e < 2; e++) {
		int ret = karasu_config_parse_for((const char *)data, size, engines[e], &parsed);
		check_config(&parsed, ret, engines[e]);
		round_trip(&parsed, engines[e]);
	}
	return 0;
}
