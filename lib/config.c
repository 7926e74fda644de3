/* karasu.cfg parser (format: lib/config.h and docs/config.md).
 *
 * One pass over the lines. A guest section is parsed into the next free slot of cfg->guests and only
 * counted (accepted) when its section ends without errors; otherwise the slot is cleared and reused, so a
 * bad guest never reaches the hypervisor. Keys are handled by a table of setters.
 */
#include "lib/config.h"

#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/mem.h"

#define ERR_MAX KARASU_CFG_ERROR_MAX

enum section_kind { SECTION_NONE, SECTION_GLOBAL, SECTION_GUEST, SECTION_SKIP };

struct parser {
	struct karasu_config *cfg;
	enum karasu_config_engine engine;
	unsigned line;
	enum section_kind section;
	bool global_seen;
	/* The guest being parsed (cfg->guests[cfg->nguests]) and what it has so far. */
	bool guest_bad;
	uint32_t keys_seen; /* bit per guest_keys[] entry */
	unsigned memory_base_line;
	unsigned focus_line;
};

/* A span of the input. */
struct span {
	const char *p;
	size_t len;
};

static void add_error(struct parser *ps, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_error(struct parser *ps, unsigned line, const char *fmt, ...)
{
	struct karasu_config *cfg = ps->cfg;
	va_list ap;

	if (cfg->nerrors >= KARASU_CFG_MAX_ERRORS) {
		cfg->errors_dropped++;
		return;
	}
	cfg->errors[cfg->nerrors].line = line;
	va_start(ap, fmt);
	k_vsnprintf(cfg->errors[cfg->nerrors].msg, ERR_MAX, fmt, ap);
	va_end(ap);
	cfg->nerrors++;
}

static struct span trim(struct span s)
{
	while (s.len > 0 && k_isspace(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && k_isspace(s.p[s.len - 1])) {
		s.len--;
	}
	return s;
}

static bool span_is(struct span s, const char *word)
{
	return k_strlen(word) == s.len && k_strncmp(s.p, word, s.len) == 0;
}

/* Shown in messages: at most 40 bytes of a value. */
#define SHOW(s) (int)((s).len > 40 ? 40 : (s).len), (s).p

/* ---- values ---- */

/* Copies a value into a fixed-size field; error when it does not fit. */
static bool set_string(char *dst, size_t size, struct span v, const char *what, char *err)
{
	if (v.len >= size) {
		k_snprintf(err, ERR_MAX, "%s is too long (%zu bytes, at most %zu)", what, v.len, size - 1);
		return false;
	}
	if (k_memchr(v.p, '\0', v.len) != NULL) {
		k_snprintf(err, ERR_MAX, "%s contains a NUL byte", what);
		return false;
	}
	k_memcpy(dst, v.p, v.len);
	dst[v.len] = '\0';
	return true;
}

static bool set_path(char *dst, struct span v, const char *what, char *err)
{
	if (v.len == 0) {
		k_snprintf(err, ERR_MAX, "%s: empty path", what);
		return false;
	}
	for (size_t i = 0; i < v.len; i++) {
		if (k_isspace(v.p[i])) {
			k_snprintf(err, ERR_MAX, "%s: path \"%.*s\" contains a space (quote-free paths only)",
			           what, SHOW(v));
			return false;
		}
	}
	return set_string(dst, KARASU_CFG_PATH_MAX, v, what, err);
}

static bool set_kernel(struct karasu_guest_config *g, struct span v, char *err)
{
	return set_path(g->kernel, v, "kernel", err);
}

static bool set_initrd(struct karasu_guest_config *g, struct span v, char *err)
{
	return set_path(g->initrd, v, "initrd", err);
}

static bool set_disk(struct karasu_guest_config *g, struct span v, char *err)
{
	return set_path(g->disk, v, "disk", err);
}

static bool set_dtb(struct karasu_guest_config *g, struct span v, char *err)
{
	return set_path(g->dtb, v, "dtb", err);
}

static bool set_bootargs(struct karasu_guest_config *g, struct span v, char *err)
{
	return set_string(g->bootargs, KARASU_CFG_BOOTARGS_MAX, v, "bootargs", err);
}

/* "0-3", "0,2,5-6": CPU indices below KARASU_CFG_MAX_CPUS. */
static bool set_cpus(struct karasu_guest_config *g, struct span v, char *err)
{
	uint64_t mask = 0;
	size_t pos = 0;

	if (v.len == 0) {
		k_snprintf(err, ERR_MAX, "cpus: empty list");
		return false;
	}
	while (pos <= v.len) {
		size_t end = pos;
		struct span item, lo, hi;
		const char *dash;
		uint64_t first, last;
		while (end < v.len && v.p[end] != ',') {
			end++;
		}
		item = trim((struct span){v.p + pos, end - pos});
		dash = k_memchr(item.p, '-', item.len);
		lo = trim((struct span){item.p, dash != NULL ? (size_t)(dash - item.p) : item.len});
		hi =
		    dash != NULL ? trim((struct span){dash + 1, item.len - (size_t)(dash + 1 - item.p)}) : lo;
		if (!k_parse_u64(lo.p, lo.len, 10, &first) || !k_parse_u64(hi.p, hi.len, 10, &last)) {
			k_snprintf(err, ERR_MAX, "cpus: \"%.*s\" is not a CPU number or range like 0-3",
			           SHOW(item));
			return false;
		}
		if (first > last) {
			k_snprintf(err, ERR_MAX, "cpus: range %.*s goes backwards", SHOW(item));
			return false;
		}
		if (last >= KARASU_CFG_MAX_CPUS) {
			k_snprintf(err, ERR_MAX, "cpus: CPU %llu is out of range (0-%u)",
			           (unsigned long long)last, KARASU_CFG_MAX_CPUS - 1);
			return false;
		}
		for (uint64_t c = first; c <= last; c++) {
			mask |= 1ull << c;
		}
		pos = end + 1;
	}
	g->cpu_mask = mask;
	g->ncpus = 0;
	for (uint64_t m = mask; m != 0; m &= m - 1) {
		g->ncpus++;
	}
	return true;
}

static bool set_memory(struct karasu_guest_config *g, struct span v, char *err)
{
	uint64_t size;

	if (!k_parse_size(v.p, v.len, &size)) {
		k_snprintf(err, ERR_MAX, "memory: \"%.*s\" is not a size like 512M or 1G", SHOW(v));
		return false;
	}
	if (size == 0 || size % KARASU_CFG_RAM_ALIGN != 0) {
		k_snprintf(err, ERR_MAX, "memory: %.*s is not a non-zero multiple of 2M", SHOW(v));
		return false;
	}
	g->memory_size = size;
	return true;
}

static bool set_memory_base(struct karasu_guest_config *g, struct span v, char *err)
{
	uint64_t base;

	if (!k_parse_u64(v.p, v.len, 0, &base)) {
		k_snprintf(err, ERR_MAX, "memory_base: \"%.*s\" is not a number", SHOW(v));
		return false;
	}
	if (base % KARASU_CFG_RAM_ALIGN != 0) {
		k_snprintf(err, ERR_MAX, "memory_base: 0x%llx is not 2M-aligned", (unsigned long long)base);
		return false;
	}
	g->memory_base = base;
	return true;
}

static bool parse_bool(struct span v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (unsigned i = 0; i < 4; i++) {
		if (v.len == k_strlen(yes[i]) && k_strncasecmp(v.p, yes[i], v.len) == 0) {
			*out = true;
			return true;
		}
		if (v.len == k_strlen(no[i]) && k_strncasecmp(v.p, no[i], v.len) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool set_autostart(struct karasu_guest_config *g, struct span v, char *err)
{
	if (!parse_bool(v, &g->autostart)) {
		k_snprintf(err, ERR_MAX, "autostart: \"%.*s\" is not yes or no", SHOW(v));
		return false;
	}
	return true;
}

static bool valid_name(struct span name);

/* ---- connection = ID -> TARGET sint N [vp M] [messages|events|both] ---- */

/* The next whitespace-separated word of *rest (empty span at the end). */
static struct span next_word(struct span *rest)
{
	struct span s = trim(*rest), w = {s.p, 0};
	while (w.len < s.len && !k_isspace(s.p[w.len])) {
		w.len++;
	}
	rest->p = s.p + w.len;
	rest->len = s.len - w.len;
	return w;
}

static bool word_number(struct span w, uint64_t max, uint64_t *out)
{
	return w.len > 0 && k_parse_u64(w.p, w.len, 0, out) && *out <= max;
}

#define CONNECTION_FORM "expected: connection = ID -> GUEST sint N [vp M] [messages|events|both]"

static bool parse_connection(struct karasu_guest_config *g, struct span v, unsigned line, char *err)
{
	struct karasu_connection_config c;
	struct span rest = v, w;
	uint64_t n;

	k_memset(&c, 0, sizeof(c));
	c.line = line;
	c.kinds = KARASU_CFG_CONN_MESSAGES | KARASU_CFG_CONN_EVENTS;
	w = next_word(&rest);
	if (!word_number(w, KARASU_CFG_CONNECTION_MAX, &n)) {
		k_snprintf(err, ERR_MAX, "connection: \"%.*s\" is not an id 0-0x%x; " CONNECTION_FORM,
		           SHOW(w), KARASU_CFG_CONNECTION_MAX);
		return false;
	}
	c.id = (uint32_t)n;
	if (!span_is(next_word(&rest), "->")) {
		k_snprintf(err, ERR_MAX, "connection %u: missing \"->\"; " CONNECTION_FORM, c.id);
		return false;
	}
	w = next_word(&rest);
	if (!valid_name(w)) {
		k_snprintf(err, ERR_MAX, "connection %u: \"%.*s\" is not a guest name", c.id, SHOW(w));
		return false;
	}
	k_memcpy(c.target, w.p, w.len);
	if (!span_is(next_word(&rest), "sint")) {
		k_snprintf(err, ERR_MAX, "connection %u: missing \"sint N\"; " CONNECTION_FORM, c.id);
		return false;
	}
	w = next_word(&rest);
	if (!word_number(w, KARASU_CFG_SINT_COUNT - 1, &n)) {
		k_snprintf(err, ERR_MAX, "connection %u: sint \"%.*s\" is not 0-%u", c.id, SHOW(w),
		           KARASU_CFG_SINT_COUNT - 1);
		return false;
	}
	c.sint = (unsigned)n;
	bool kinds_seen = false, vp_seen = false;
	for (w = next_word(&rest); w.len > 0; w = next_word(&rest)) {
		if (span_is(w, "vp") && !vp_seen) {
			struct span num = next_word(&rest);
			if (!word_number(num, KARASU_CFG_MAX_CPUS - 1, &n)) {
				k_snprintf(err, ERR_MAX, "connection %u: vp \"%.*s\" is not a VP number",
				           c.id, SHOW(num));
				return false;
			}
			c.vp = (unsigned)n;
			vp_seen = true;
		} else if (!kinds_seen &&
		           (span_is(w, "messages") || span_is(w, "events") || span_is(w, "both"))) {
			c.kinds = span_is(w, "messages") ? KARASU_CFG_CONN_MESSAGES
			          : span_is(w, "events") ? KARASU_CFG_CONN_EVENTS
			                                 : KARASU_CFG_CONN_MESSAGES | KARASU_CFG_CONN_EVENTS;
			kinds_seen = true;
		} else {
			k_snprintf(err, ERR_MAX, "connection %u: unexpected \"%.*s\"; " CONNECTION_FORM, c.id,
			           SHOW(w));
			return false;
		}
	}
	for (unsigned i = 0; i < g->nconnections; i++) {
		if (g->connections[i].id == c.id) {
			k_snprintf(err, ERR_MAX, "connection %u is already defined on line %u", c.id,
			           g->connections[i].line);
			return false;
		}
	}
	if (g->nconnections >= KARASU_CFG_MAX_CONNECTIONS) {
		k_snprintf(err, ERR_MAX, "connection %u: too many connections (at most %u)", c.id,
		           KARASU_CFG_MAX_CONNECTIONS);
		return false;
	}
	g->connections[g->nconnections++] = c;
	return true;
}

/* After the whole file: every connection must name a guest that was accepted, and a VP it has. */
static void check_connections(struct parser *ps)
{
	struct karasu_config *cfg = ps->cfg;
	for (unsigned i = 0; i < cfg->nguests; i++) {
		struct karasu_guest_config *g = &cfg->guests[i];
		unsigned kept = 0;
		for (unsigned j = 0; j < g->nconnections; j++) {
			struct karasu_connection_config *c = &g->connections[j];
			const struct karasu_guest_config *t = karasu_config_find(cfg, c->target);
			if (t == NULL) {
				add_error(ps, c->line,
				          "guest %s: connection %u: no usable guest named %s; dropped",
				          g->name, c->id, c->target);
				continue;
			}
			if (c->vp >= t->ncpus) {
				add_error(
				    ps, c->line,
				    "guest %s: connection %u: guest %s has no vp %u (it has %u); dropped",
				    g->name, c->id, t->name, c->vp, t->ncpus);
				continue;
			}
			g->connections[kept++] = *c;
		}
		for (unsigned j = kept; j < g->nconnections; j++) {
			k_memset(&g->connections[j], 0, sizeof(g->connections[j]));
		}
		g->nconnections = kept;
	}
}

struct guest_key {
	const char *name;
	bool (*set)(struct karasu_guest_config *g, struct span v, char *err);
};

static const struct guest_key guest_keys[] = {
    {"kernel", set_kernel},
    {"initrd", set_initrd},
    {"disk", set_disk},
    {"dtb", set_dtb},
    {"cpus", set_cpus},
    {"memory", set_memory},
    {"memory_base", set_memory_base},
    {"bootargs", set_bootargs},
    {"autostart", set_autostart},
};
#define NUM_GUEST_KEYS (sizeof(guest_keys) / sizeof(guest_keys[0]))
#define KEY_BIT(name)  (1u << key_index(name))

static unsigned key_index(const char *name)
{
	for (unsigned i = 0; i < NUM_GUEST_KEYS; i++) {
		if (k_strcmp(guest_keys[i].name, name) == 0) {
			return i;
		}
	}
	return 0;
}

/* ---- sections ---- */

static struct karasu_guest_config *current_guest(struct parser *ps)
{
	return &ps->cfg->guests[ps->cfg->nguests];
}

static bool valid_name(struct span name)
{
	if (name.len == 0 || name.len >= KARASU_CFG_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < name.len; i++) {
		char c = name.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || k_isdigit(c) || c == '-' ||
		      c == '_')) {
			return false;
		}
	}
	return true;
}

/* Ends the guest section being parsed: checks what needs the whole section, then accepts or drops it. */
static void finish_guest(struct parser *ps)
{
	struct karasu_config *cfg = ps->cfg;
	struct karasu_guest_config *g;

	if (ps->section != SECTION_GUEST) {
		return;
	}
	ps->section = SECTION_NONE;
	g = current_guest(ps);
	if (!ps->guest_bad) {
		if ((ps->keys_seen & KEY_BIT("kernel")) == 0) {
			add_error(ps, g->line, "guest %s: no kernel= given", g->name);
			ps->guest_bad = true;
		}
		if ((ps->keys_seen & KEY_BIT("cpus")) == 0) {
			add_error(ps, g->line, "guest %s: no cpus= given", g->name);
			ps->guest_bad = true;
		}
		if (g->memory_base + g->memory_size < g->memory_base) {
			add_error(ps, g->line, "guest %s: memory_base + memory wraps around", g->name);
			ps->guest_bad = true;
		}
		if (ps->engine == KARASU_CONFIG_RV && g->memory_base != KARASU_CFG_RV_RAM_BASE) {
			add_error(
			    ps, ps->memory_base_line,
			    "guest %s: memory_base: karasu-rv's RAM is at 0x80000000 (QEMU virt); leave "
			    "memory_base out",
			    g->name);
			ps->guest_bad = true;
		}
	}
	/* karasu-hv gives each physical CPU to one guest; karasu-rv's host threads may share host CPUs */
	for (unsigned i = 0; i < cfg->nguests && !ps->guest_bad && ps->engine == KARASU_CONFIG_HV; i++) {
		uint64_t shared = cfg->guests[i].cpu_mask & g->cpu_mask;
		if (shared != 0) {
			unsigned cpu = 0;
			while ((shared & (1ull << cpu)) == 0) {
				cpu++;
			}
			add_error(ps, g->line, "guest %s: CPU %u is already given to guest %s (line %u)",
			          g->name, cpu, cfg->guests[i].name, cfg->guests[i].line);
			ps->guest_bad = true;
		}
	}
	if (ps->guest_bad) {
		add_error(ps, g->line, "guest %s: left out because of the errors above", g->name);
		k_memset(g, 0, sizeof(*g));
		return;
	}
	cfg->nguests++;
}

static void start_guest(struct parser *ps, struct span name)
{
	struct karasu_config *cfg = ps->cfg;
	struct karasu_guest_config *g;

	if (!valid_name(name)) {
		add_error(ps, ps->line, "guest name \"%.*s\" must be 1-%u letters, digits, '-' or '_'",
		          SHOW(name), KARASU_CFG_NAME_MAX - 1);
		ps->section = SECTION_SKIP;
		return;
	}
	for (unsigned i = 0; i < cfg->nguests; i++) {
		if (span_is(name, cfg->guests[i].name)) {
			add_error(ps, ps->line,
			          "guest %.*s is already defined on line %u; this one is left out",
			          SHOW(name), cfg->guests[i].line);
			ps->section = SECTION_SKIP;
			return;
		}
	}
	if (cfg->nguests >= KARASU_CFG_MAX_GUESTS) {
		add_error(ps, ps->line, "guest %.*s: too many guests (at most %u); left out", SHOW(name),
		          KARASU_CFG_MAX_GUESTS);
		ps->section = SECTION_SKIP;
		return;
	}
	g = current_guest(ps);
	k_memset(g, 0, sizeof(*g));
	k_memcpy(g->name, name.p, name.len);
	g->memory_size = KARASU_CFG_DEFAULT_MEMORY;
	g->memory_base =
	    ps->engine == KARASU_CONFIG_RV ? KARASU_CFG_RV_RAM_BASE : KARASU_CFG_DEFAULT_RAM_BASE;
	g->autostart = true;
	g->line = ps->line;
	ps->section = SECTION_GUEST;
	ps->guest_bad = false;
	ps->keys_seen = 0;
	ps->memory_base_line = ps->line;
}

/* "[karasu]" or "[guest NAME]" (inner is what is between the brackets). */
static void section_header(struct parser *ps, struct span inner)
{
	struct span word;
	size_t n = 0;

	finish_guest(ps);
	inner = trim(inner);
	while (n < inner.len && !k_isspace(inner.p[n])) {
		n++;
	}
	word = (struct span){inner.p, n};
	if (span_is(word, "guest")) {
		start_guest(ps, trim((struct span){inner.p + n, inner.len - n}));
		return;
	}
	if (span_is(inner, "karasu")) {
		if (ps->global_seen) {
			add_error(ps, ps->line, "[karasu] appears twice; the second one is ignored");
			ps->section = SECTION_SKIP;
			return;
		}
		ps->global_seen = true;
		ps->section = SECTION_GLOBAL;
		return;
	}
	add_error(ps, ps->line,
	          "unknown section [%.*s] (expected [karasu] or [guest NAME]); its keys are ignored",
	          SHOW(inner));
	ps->section = SECTION_SKIP;
}

/* "ctrl-a", "^A", "0x01": a control character. */
static bool parse_escape(struct span v, uint8_t *out)
{
	uint64_t code;
	char c;

	if (v.len == 6 && k_strncasecmp(v.p, "ctrl-", 5) == 0) {
		c = v.p[5];
	} else if (v.len == 2 && v.p[0] == '^') {
		c = v.p[1];
	} else if (k_parse_u64(v.p, v.len, 0, &code) && code >= 1 && code < 0x20) {
		*out = (uint8_t)code;
		return true;
	} else {
		return false;
	}
	c = (char)k_toupper(c);
	/* ctrl-@ would be NUL; letters and [ \ ] ^ _ give 0x01..0x1f. */
	if (c < 'A' || c > '_') {
		return false;
	}
	*out = (uint8_t)(c & 0x1f);
	return true;
}

static void global_key(struct parser *ps, struct span key, struct span v)
{
	struct karasu_config *cfg = ps->cfg;

	if (span_is(key, "escape")) {
		if (!parse_escape(v, &cfg->escape_key)) {
			add_error(ps, ps->line,
			          "escape: \"%.*s\" is not a control key like ctrl-a, ^A or 0x01", SHOW(v));
		}
	} else if (span_is(key, "focus")) {
		char err[ERR_MAX];
		if (!valid_name(v)) {
			add_error(ps, ps->line, "focus: \"%.*s\" is not a guest name", SHOW(v));
		} else if (set_string(cfg->focus, KARASU_CFG_NAME_MAX, v, "focus", err)) {
			ps->focus_line = ps->line;
		}
	} else {
		add_error(ps, ps->line, "unknown key \"%.*s\" in [karasu] (known: escape, focus)", SHOW(key));
	}
}

static void guest_key(struct parser *ps, struct span key, struct span v)
{
	struct karasu_guest_config *g = current_guest(ps);
	char err[ERR_MAX];

	if (span_is(key, "connection")) { /* may be given many times */
		if (!parse_connection(g, v, ps->line, err)) {
			add_error(ps, ps->line, "guest %s: %s", g->name, err);
			ps->guest_bad = true;
		}
		return;
	}
	for (unsigned i = 0; i < NUM_GUEST_KEYS; i++) {
		if (!span_is(key, guest_keys[i].name)) {
			continue;
		}
		if ((ps->keys_seen & (1u << i)) != 0) {
			add_error(ps, ps->line, "guest %s: %s given twice", g->name, guest_keys[i].name);
			ps->guest_bad = true;
			return;
		}
		ps->keys_seen |= 1u << i;
		if (guest_keys[i].set == set_memory_base)
			ps->memory_base_line = ps->line;
		if (!guest_keys[i].set(g, v, err)) {
			add_error(ps, ps->line, "guest %s: %s", g->name, err);
			ps->guest_bad = true;
		}
		return;
	}
	add_error(
	    ps, ps->line,
	    "guest %s: unknown key \"%.*s\" (known: kernel initrd disk dtb cpus memory memory_base bootargs "
	    "autostart connection)",
	    g->name, SHOW(key));
	ps->guest_bad = true;
}

static bool valid_key(struct span key)
{
	if (key.len == 0) {
		return false;
	}
	for (size_t i = 0; i < key.len; i++) {
		char c = key.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || k_isdigit(c) || c == '_' ||
		      c == '-')) {
			return false;
		}
	}
	return true;
}

static void parse_line(struct parser *ps, struct span line)
{
	const char *eq;
	struct span key, value;

	line = trim(line);
	if (line.len == 0 || line.p[0] == '#' || line.p[0] == ';') {
		return;
	}
	if (line.p[0] == '[') {
		if (line.p[line.len - 1] != ']') {
			finish_guest(ps);
			add_error(ps, ps->line, "section header \"%.*s\" lacks the closing ']'", SHOW(line));
			ps->section = SECTION_SKIP;
			return;
		}
		section_header(ps, (struct span){line.p + 1, line.len - 2});
		return;
	}
	eq = k_memchr(line.p, '=', line.len);
	if (eq == NULL) {
		add_error(ps, ps->line, "expected key = value or [section], got \"%.*s\"", SHOW(line));
		if (ps->section == SECTION_GUEST) {
			ps->guest_bad = true;
		}
		return;
	}
	key = trim((struct span){line.p, (size_t)(eq - line.p)});
	value = trim((struct span){eq + 1, line.len - (size_t)(eq + 1 - line.p)});
	/* Optional double quotes around the whole value. */
	if (value.len >= 2 && value.p[0] == '"' && value.p[value.len - 1] == '"') {
		value.p++;
		value.len -= 2;
	}
	if (!valid_key(key)) {
		add_error(ps, ps->line, "\"%.*s\" is not a key name", SHOW(key));
		if (ps->section == SECTION_GUEST) {
			ps->guest_bad = true;
		}
		return;
	}
	switch (ps->section) {
	case SECTION_GLOBAL: global_key(ps, key, value); break;
	case SECTION_GUEST: guest_key(ps, key, value); break;
	case SECTION_NONE:
		add_error(ps, ps->line, "%.*s= outside any section (start with [karasu] or [guest NAME])",
		          SHOW(key));
		break;
	case SECTION_SKIP: break; /* already reported at the section header */
	}
}

int karasu_config_parse(const char *text, size_t len, struct karasu_config *cfg)
{
	return karasu_config_parse_for(text, len, KARASU_CONFIG_HV, cfg);
}

int karasu_config_parse_for(const char *text, size_t len, enum karasu_config_engine engine,
                            struct karasu_config *cfg)
{
	struct parser ps;
	size_t pos = 0;

	k_memset(cfg, 0, sizeof(*cfg));
	k_memset(&ps, 0, sizeof(ps));
	cfg->escape_key = KARASU_CFG_DEFAULT_ESCAPE;
	ps.cfg = cfg;
	ps.engine = engine;
	ps.section = SECTION_NONE;
	if (text == NULL) {
		len = 0;
	}
	/* Editors on some systems start UTF-8 files with a byte-order mark. */
	if (len >= 3 && (uint8_t)text[0] == 0xef && (uint8_t)text[1] == 0xbb && (uint8_t)text[2] == 0xbf) {
		pos = 3;
	}
	while (pos < len) {
		const char *nl = k_memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		ps.line++;
		parse_line(&ps, (struct span){text + pos, end - pos});
		pos = end + 1;
	}
	finish_guest(&ps);
	check_connections(&ps);
	if (cfg->focus[0] != '\0' && karasu_config_find(cfg, cfg->focus) == NULL) {
		add_error(&ps, ps.focus_line,
		          "focus: no usable guest named %s; the first guest gets the console", cfg->focus);
		cfg->focus[0] = '\0';
	}
	if (cfg->nguests == 0) {
		add_error(&ps, 0, "no usable [guest NAME] section");
	}
	return (int)(cfg->nerrors + cfg->errors_dropped);
}

const struct karasu_guest_config *karasu_config_find(const struct karasu_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nguests; i++) {
		if (k_strcmp(cfg->guests[i].name, name) == 0) {
			return &cfg->guests[i];
		}
	}
	return NULL;
}
