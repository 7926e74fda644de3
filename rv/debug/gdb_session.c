/* GDB remote protocol commands for riscv64 harts (see gdb_session.h). Packets are dispatched by their
 * first character from a table; the q/Q/v families by name from smaller tables. Error replies use
 * errno-style numbers: E14 (EFAULT) for memory the guest has not mapped, E22 (EINVAL) for malformed
 * packets, E28 (ENOSPC) for a full breakpoint table. */
#include <stdio.h>
#include <string.h>

#include "rv/debug/gdb_packet.h"
#include "rv/debug/gdb_riscv.h"
#include "rv/debug/gdb_session.h"
#include "rv/debug/gdb_signal.h"

#define REPLY_EFAULT "E14"
#define REPLY_EINVAL "E22"
#define REPLY_ENOSPC "E28"
#define REPLY_ANNEX  "E00" /* qXfer of an object the stub does not have */

#define SIGTRAP_LINUX 5

/* One command being handled. */
struct cmd {
	struct rv_gdb_session *s;
	char *arg; /* the packet after its first character, NUL-terminated */
	size_t arg_len;
	char *out; /* reply payload */
	size_t out_len;
	bool send_reply;
	struct rv_gdb_resume resume;
};

static void reply(struct cmd *c, const char *text)
{
	size_t n = strlen(text);
	if (n > RV_GDB_PACKET_MAX)
		n = RV_GDB_PACKET_MAX;
	memcpy(c->out, text, n);
	c->out_len = n;
}

static void reply_hex(struct cmd *c, const uint8_t *data, size_t len)
{
	if (2 * len > RV_GDB_PACKET_MAX)
		len = RV_GDB_PACKET_MAX / 2;
	c->out_len = rv_gdb_hex_encode(c->out, data, len);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "ADDR,LEN" then the expected separator (':' or NUL). */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len, char end)
{
	if (!rv_gdb_parse_hex(p, addr) || **p != ',')
		return false;
	(*p)++;
	if (!rv_gdb_parse_hex(p, len) || **p != end)
		return false;
	if (end)
		(*p)++;
	return true;
}

/* ---- the threads' state: user mode's one thread, or the target's ---- */

static struct rv_cpu *thread_cpu(const struct rv_gdb_session *s, unsigned t)
{
	return s->target ? s->target->cpu(s->target->ctx, t) : s->cpu;
}

static size_t reg_read(const struct rv_gdb_session *s, unsigned t, unsigned regno, uint8_t out[8])
{
	size_t n = rv_gdb_reg_read(thread_cpu(s, t), regno, out);
	if (n == 0 && s->target && s->target->reg_read)
		n = s->target->reg_read(s->target->ctx, t, regno, out);
	return n;
}

static bool reg_write(const struct rv_gdb_session *s, unsigned t, unsigned regno, const uint8_t *in,
                      size_t len)
{
	uint8_t probe[8];
	if (rv_gdb_reg_read(thread_cpu(s, t), regno, probe))
		return rv_gdb_reg_write(thread_cpu(s, t), regno, in, len);
	return s->target && s->target->reg_write && s->target->reg_write(s->target->ctx, t, regno, in, len);
}

static size_t mem_read(const struct rv_gdb_session *s, unsigned t, uint64_t addr, uint8_t *out, size_t len)
{
	if (s->target)
		return s->target->mem_read(s->target->ctx, t, addr, out, len);
	return rv_gdb_mem_read(s->cpu, addr, out, len);
}

static bool mem_write(const struct rv_gdb_session *s, unsigned t, uint64_t addr, const uint8_t *in,
                      size_t len)
{
	if (s->target)
		return s->target->mem_write(s->target->ctx, t, addr, in, len);
	if (s->before_mem_write && len)
		s->before_mem_write(s->before_mem_write_ctx, addr, len);
	return rv_gdb_mem_write(s->cpu, addr, in, len);
}

/* "-1" (all threads), "0" (any thread) or the id of one of ours, up to the end of p[0..len). *tid: -1, 0 or
 * the id. False if malformed or no such thread. */
static bool parse_thread_id(const struct rv_gdb_session *s, const char *p, size_t len, long *tid)
{
	char text[24];
	if (len == 0 || len >= sizeof(text))
		return false;
	memcpy(text, p, len);
	text[len] = '\0';
	if (strcmp(text, "-1") == 0) {
		*tid = -1;
		return true;
	}
	const char *q = text;
	uint64_t id;
	if (!rv_gdb_parse_hex(&q, &id) || *q || id > s->n_threads)
		return false;
	*tid = (long)id;
	return true;
}

/* ---- registers ---- */

static void cmd_read_regs(struct cmd *c)
{
	uint8_t regs[RV_GDB_G_BYTES];
	for (unsigned i = 0; i < RV_GDB_G_REGS; i++)
		rv_gdb_reg_read(thread_cpu(c->s, c->s->g_thread), i, regs + 8 * i);
	reply_hex(c, regs, sizeof(regs));
}

static void cmd_write_regs(struct cmd *c)
{
	uint8_t regs[RV_GDB_G_BYTES];
	/* gdb sends exactly the registers `g` returned; anything else is malformed */
	if (rv_gdb_hex_decode(regs, sizeof(regs), c->arg, c->arg_len) != (long)sizeof(regs)) {
		reply(c, REPLY_EINVAL);
		return;
	}
	for (unsigned i = 0; i < RV_GDB_G_REGS; i++)
		rv_gdb_reg_write(thread_cpu(c->s, c->s->g_thread), i, regs + 8 * i, 8);
	reply(c, "OK");
}

static void cmd_read_reg(struct cmd *c)
{
	const char *p = c->arg;
	uint64_t regno;
	uint8_t value[8];
	size_t size;
	if (!rv_gdb_parse_hex(&p, &regno) || *p || regno > UINT32_MAX ||
	    (size = reg_read(c->s, c->s->g_thread, (unsigned)regno, value)) == 0) {
		reply(c, REPLY_EINVAL);
		return;
	}
	reply_hex(c, value, size);
}

static void cmd_write_reg(struct cmd *c)
{
	const char *p = c->arg;
	uint64_t regno;
	uint8_t value[8];
	if (!rv_gdb_parse_hex(&p, &regno) || *p != '=' || regno > UINT32_MAX) {
		reply(c, REPLY_EINVAL);
		return;
	}
	p++;
	long n = rv_gdb_hex_decode(value, sizeof(value), p, strlen(p));
	if (n < 0 || !reg_write(c->s, c->s->g_thread, (unsigned)regno, value, (size_t)n)) {
		reply(c, REPLY_EINVAL);
		return;
	}
	reply(c, "OK");
}

/* ---- memory ---- */

static void cmd_read_mem(struct cmd *c)
{
	const char *p = c->arg;
	uint64_t addr, len;
	if (!parse_addr_len(&p, &addr, &len, '\0')) {
		reply(c, REPLY_EINVAL);
		return;
	}
	if (len > RV_GDB_PACKET_MAX / 2) /* gdb asks again for the rest */
		len = RV_GDB_PACKET_MAX / 2;
	uint8_t data[RV_GDB_PACKET_MAX / 2];
	size_t n = mem_read(c->s, c->s->g_thread, addr, data, (size_t)len);
	if (n == 0 && len != 0) {
		reply(c, REPLY_EFAULT);
		return;
	}
	reply_hex(c, data, n);
}

static void write_mem(struct cmd *c, uint64_t addr, const uint8_t *data, size_t len)
{
	reply(c, mem_write(c->s, c->s->g_thread, addr, data, len) ? "OK" : REPLY_EFAULT);
}

static void cmd_write_mem_hex(struct cmd *c)
{
	const char *p = c->arg;
	uint64_t addr, len;
	uint8_t data[RV_GDB_PACKET_MAX / 2];
	if (!parse_addr_len(&p, &addr, &len, ':') || len > sizeof(data) ||
	    rv_gdb_hex_decode(data, sizeof(data), p, strlen(p)) != (long)len) {
		reply(c, REPLY_EINVAL);
		return;
	}
	write_mem(c, addr, data, (size_t)len);
}

static void cmd_write_mem_binary(struct cmd *c)
{
	const char *p = c->arg;
	uint64_t addr, len;
	if (!parse_addr_len(&p, &addr, &len, ':')) {
		reply(c, REPLY_EINVAL);
		return;
	}
	/* binary data may contain NUL: its extent comes from the packet length, not strlen */
	size_t data_len = c->arg_len - (size_t)(p - c->arg);
	uint8_t *data = (uint8_t *)(c->arg + (p - c->arg)); /* decoded in place: never longer */
	long n = rv_gdb_unescape(data, p, data_len);
	if (n < 0 || (uint64_t)n != len) {
		reply(c, REPLY_EINVAL);
		return;
	}
	write_mem(c, addr, data, (size_t)len);
}

/* ---- breakpoints ---- */

static void cmd_breakpoint(struct cmd *c, bool insert)
{
	const char *p = c->arg;
	uint64_t type, addr, kind;
	if (!rv_gdb_parse_hex(&p, &type) || *p != ',') {
		reply(c, REPLY_EINVAL);
		return;
	}
	if (type != RV_GDB_BP_SOFTWARE && type != RV_GDB_BP_HARDWARE) {
		reply(c, ""); /* watchpoints: not supported, gdb falls back to software watchpoints */
		return;
	}
	p++;
	/* kind (2 or 4: the instruction length) may be followed by ";cond..." lists we do not evaluate */
	if (!rv_gdb_parse_hex(&p, &addr) || *p != ',' || (p++, !rv_gdb_parse_hex(&p, &kind)) ||
	    (*p && *p != ';')) {
		reply(c, REPLY_EINVAL);
		return;
	}
	if (insert)
		reply(c, rv_gdb_bp_insert(&c->s->bps, (enum rv_gdb_bp_type)type, addr) ? "OK" : REPLY_ENOSPC);
	else
		reply(c, rv_gdb_bp_remove(&c->s->bps, (enum rv_gdb_bp_type)type, addr) ? "OK" : REPLY_EINVAL);
}

static void cmd_insert_bp(struct cmd *c)
{
	cmd_breakpoint(c, true);
}

static void cmd_remove_bp(struct cmd *c)
{
	cmd_breakpoint(c, false);
}

/* ---- running ---- */

/* "[;]SIG" as two hex digits of a GDB signal number, converted to Linux's. */
static bool parse_signal(const char **p, int *sig)
{
	uint64_t gdb_sig;
	if (!rv_gdb_parse_hex(p, &gdb_sig) || gdb_sig > 255)
		return false;
	int s = rv_gdb_signal_from_gdb((int)gdb_sig);
	if (s < 0)
		return false;
	*sig = s;
	return true;
}

/* c/s [ADDR] and C/S SIG[;ADDR]: resume, optionally at another pc. c resumes every thread; s steps the Hc
 * thread (or the current one) while the others stay stopped. */
static void resume(struct cmd *c, enum rv_gdb_resume_kind kind, bool with_signal)
{
	struct rv_gdb_session *s = c->s;
	unsigned thread = s->c_thread >= 0 ? (unsigned)s->c_thread : s->g_thread;
	const char *p = c->arg;
	int sig = 0;
	if (with_signal) {
		if (!parse_signal(&p, &sig)) {
			reply(c, REPLY_EINVAL);
			return;
		}
		if (*p == ';')
			p++;
	}
	if (*p) {
		uint64_t addr;
		if (!rv_gdb_parse_hex(&p, &addr) || *p) {
			reply(c, REPLY_EINVAL);
			return;
		}
		thread_cpu(s, thread)->pc = addr;
	}
	for (unsigned t = 0; t < s->n_threads; t++)
		s->actions[t] = kind == RV_GDB_RESUME_CONTINUE ? RV_GDB_ACT_CONTINUE
		                : t == thread                  ? RV_GDB_ACT_STEP
		                                               : RV_GDB_ACT_STOP;
	c->resume.kind = kind;
	c->resume.signal = sig;
	c->send_reply = false;
}

static void cmd_continue(struct cmd *c)
{
	resume(c, RV_GDB_RESUME_CONTINUE, false);
}

static void cmd_continue_signal(struct cmd *c)
{
	resume(c, RV_GDB_RESUME_CONTINUE, true);
}

static void cmd_step(struct cmd *c)
{
	resume(c, RV_GDB_RESUME_STEP, false);
}

static void cmd_step_signal(struct cmd *c)
{
	resume(c, RV_GDB_RESUME_STEP, true);
}

static void cmd_kill(struct cmd *c)
{
	c->resume.kind = RV_GDB_RESUME_KILL;
	c->send_reply = false;
}

static void cmd_detach(struct cmd *c)
{
	c->resume.kind = RV_GDB_RESUME_DETACH;
	reply(c, "OK");
}

static void cmd_stop_reason(struct cmd *c)
{
	reply(c, c->s->last_stop);
}

/* ---- threads ---- */

/* Hg TID (registers and memory) / Hc TID (c and s): 0 and -1 keep the current thread for Hg, and mean
 * "all" for Hc. */
static void cmd_set_thread(struct cmd *c)
{
	long tid;
	char op = c->arg[0];
	if ((op != 'g' && op != 'c') || !parse_thread_id(c->s, c->arg + 1, strlen(c->arg + 1), &tid)) {
		reply(c, REPLY_EINVAL);
		return;
	}
	if (op == 'g' && tid > 0)
		c->s->g_thread = (unsigned)(tid - 1);
	if (op == 'c')
		c->s->c_thread = tid > 0 ? (int)(tid - 1) : -1;
	reply(c, "OK");
}

static void cmd_thread_alive(struct cmd *c)
{
	long tid;
	reply(c, parse_thread_id(c->s, c->arg, strlen(c->arg), &tid) ? "OK" : REPLY_EINVAL);
}

/* ---- q / Q / v families ---- */

static void q_supported(struct cmd *c)
{
	/* what gdb offers follows "qSupported:", features separated by ';' */
	c->s->gdb_swbreak = strstr(c->arg, "swbreak+") != NULL;
	char text[160];
	snprintf(text, sizeof(text),
	         "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;QPassSignals+;vContSupported+%s",
	         RV_GDB_PACKET_MAX, c->s->gdb_swbreak ? ";swbreak+;hwbreak+" : "");
	reply(c, text);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH -> 'm' + data (more follows) or 'l' + data (the last part). */
static void q_xfer_features(struct cmd *c)
{
	const char *p = c->arg + strlen("Xfer:features:read:");
	const char *colon = strchr(p, ':');
	if (!colon) {
		reply(c, REPLY_EINVAL);
		return;
	}
	if ((size_t)(colon - p) != strlen("target.xml") ||
	    strncmp(p, "target.xml", strlen("target.xml")) != 0) {
		reply(c, REPLY_ANNEX);
		return;
	}
	p = colon + 1;
	uint64_t offset, length;
	if (!parse_addr_len(&p, &offset, &length, '\0')) {
		reply(c, REPLY_EINVAL);
		return;
	}
	size_t xml_len;
	const char *xml = c->s->target && c->s->target->target_xml
	                      ? c->s->target->target_xml(c->s->target->ctx, &xml_len)
	                      : rv_gdb_target_xml(&xml_len);
	if (offset >= xml_len) {
		reply(c, "l");
		return;
	}
	size_t want = xml_len - (size_t)offset;
	if (length < want)
		want = (size_t)length;
	size_t room = RV_GDB_PACKET_MAX - 1;
	if (length < room) /* gdb's length counts the reply's bytes */
		room = (size_t)length;
	size_t consumed;
	size_t n = rv_gdb_escape(c->out + 1, room, (const uint8_t *)xml + offset, want, &consumed);
	c->out[0] = offset + consumed < xml_len ? 'm' : 'l';
	c->out_len = n + 1;
}

static void q_attached(struct cmd *c)
{
	/* user mode: the stub started the process, quitting gdb kills it; a machine runs on after gdb */
	reply(c, c->s->target && c->s->target->attached ? "1" : "0");
}

static void q_current_thread(struct cmd *c)
{
	char text[32];
	snprintf(text, sizeof(text), "QC%x", c->s->g_thread + 1);
	reply(c, text);
}

/* All the threads at once: "m1,2,...", then qsThreadInfo says "l" (the end). */
static void q_first_thread(struct cmd *c)
{
	size_t n = 0;
	c->out[n++] = 'm';
	for (unsigned t = 0; t < c->s->n_threads; t++)
		n += (size_t)snprintf(c->out + n, RV_GDB_PACKET_MAX - n, t ? ",%x" : "%x", t + 1);
	c->out_len = n;
}

/* qThreadExtraInfo,TID: a line about the thread, hex-encoded. */
static void q_thread_extra_info(struct cmd *c)
{
	const char *p = c->arg + strlen("ThreadExtraInfo,");
	long tid;
	if (!c->s->target || !c->s->target->describe) {
		reply(c, "");
		return;
	}
	if (!parse_thread_id(c->s, p, strlen(p), &tid) || tid <= 0) {
		reply(c, REPLY_EINVAL);
		return;
	}
	char text[128] = "";
	c->s->target->describe(c->s->target->ctx, (unsigned)(tid - 1), text, sizeof(text));
	reply_hex(c, (const uint8_t *)text, strlen(text));
}

static void q_next_thread(struct cmd *c)
{
	reply(c, "l");
}

static void q_symbol(struct cmd *c)
{
	reply(c, "OK"); /* no symbols wanted */
}

static void set_no_ack(struct cmd *c)
{
	c->s->no_ack = true; /* the run loop still acknowledges the packet that asked */
	reply(c, "OK");
}

/* QPassSignals:SIG;SIG;... (GDB numbers in hex): replaces the set. */
static void set_pass_signals(struct cmd *c)
{
	const char *p = c->arg + strlen("PassSignals:");
	uint64_t set[2] = {0, 0};
	while (*p) {
		uint64_t sig;
		if (!rv_gdb_parse_hex(&p, &sig) || (*p && *p != ';')) {
			reply(c, REPLY_EINVAL);
			return;
		}
		if (*p == ';')
			p++;
		if (sig < 128)
			set[sig / 64] |= 1ull << (sig % 64);
	}
	c->s->pass_sigs[0] = set[0];
	c->s->pass_sigs[1] = set[1];
	reply(c, "OK");
}

static void v_cont_query(struct cmd *c)
{
	reply(c, "vCont;c;C;s;S");
}

/* vCont;ACTION[:TID];ACTION...: each thread takes the leftmost action that names it (or names no
 * thread, or all of them); threads no action names stay stopped. */
static void v_cont(struct cmd *c)
{
	struct rv_gdb_session *s = c->s;
	uint8_t act[RV_GDB_MAX_THREADS] = {0};
	int sig[RV_GDB_MAX_THREADS] = {0};
	bool any = false, step = false;
	const char *p = c->arg + strlen("Cont");
	while (*p == ';') {
		p++;
		char action = *p++;
		int action_sig = 0;
		if (action != 'c' && action != 'C' && action != 's' && action != 'S') {
			reply(c, REPLY_EINVAL); /* 't' (stop) or 'r' (range step): not offered in vCont? */
			return;
		}
		if ((action == 'C' || action == 'S') && !parse_signal(&p, &action_sig)) {
			reply(c, REPLY_EINVAL);
			return;
		}
		long tid = -1;
		if (*p == ':') {
			p++;
			size_t n = strcspn(p, ";");
			bool known = parse_thread_id(s, p, n, &tid);
			p += n;
			if (!known)
				continue; /* a thread we do not have: nothing to do for it */
		}
		for (unsigned t = 0; t < s->n_threads; t++) {
			if (act[t] != RV_GDB_ACT_STOP || (tid > 0 && (unsigned)tid != t + 1))
				continue;
			act[t] = action == 's' || action == 'S' ? RV_GDB_ACT_STEP : RV_GDB_ACT_CONTINUE;
			sig[t] = action_sig;
			any = true;
			step |= act[t] == RV_GDB_ACT_STEP;
		}
	}
	if (*p || !any) {
		reply(c, REPLY_EINVAL);
		return;
	}
	memcpy(s->actions, act, sizeof(s->actions));
	c->resume.kind = step ? RV_GDB_RESUME_STEP : RV_GDB_RESUME_CONTINUE;
	/* the signal of the first thread that gets one (user mode: its only thread's) */
	for (unsigned t = 0; t < s->n_threads && !c->resume.signal; t++)
		c->resume.signal = sig[t];
	c->send_reply = false;
}

static void v_kill(struct cmd *c)
{
	c->resume.kind = RV_GDB_RESUME_KILL;
	reply(c, "OK");
}

struct named_cmd {
	const char *name; /* after the family letter; matched as a prefix when it ends in ':' or ';' */
	bool exact;
	void (*fn)(struct cmd *c);
};

static const struct named_cmd q_cmds[] = {
    {"Supported", false, q_supported},
    {"Xfer:features:read:", false, q_xfer_features},
    {"Attached", false, q_attached},
    {"C", true, q_current_thread},
    {"fThreadInfo", true, q_first_thread},
    {"sThreadInfo", true, q_next_thread},
    {"ThreadExtraInfo,", false, q_thread_extra_info},
    {"Symbol:", false, q_symbol},
};

static const struct named_cmd Q_cmds[] = {
    {"StartNoAckMode", true, set_no_ack},
    {"PassSignals:", false, set_pass_signals},
};

static const struct named_cmd v_cmds[] = {
    {"Cont?", true, v_cont_query},
    {"Cont;", false, v_cont},
    {"Kill", false, v_kill},
};

static void dispatch_named(struct cmd *c, const struct named_cmd *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool match =
		    table[i].exact ? strcmp(c->arg, table[i].name) == 0 : starts_with(c->arg, table[i].name);
		if (match) {
			table[i].fn(c);
			return;
		}
	}
	reply(c, ""); /* unknown: the empty reply says "not supported" */
}

static void cmd_query(struct cmd *c)
{
	dispatch_named(c, q_cmds, sizeof(q_cmds) / sizeof(q_cmds[0]));
}

static void cmd_set(struct cmd *c)
{
	dispatch_named(c, Q_cmds, sizeof(Q_cmds) / sizeof(Q_cmds[0]));
}

static void cmd_v(struct cmd *c)
{
	dispatch_named(c, v_cmds, sizeof(v_cmds) / sizeof(v_cmds[0]));
}

/* Indexed by the packet's first character; missing entries get the empty reply. */
static void (*const commands[128])(struct cmd *c) = {
    ['?'] = cmd_stop_reason,
    ['g'] = cmd_read_regs,
    ['G'] = cmd_write_regs,
    ['p'] = cmd_read_reg,
    ['P'] = cmd_write_reg,
    ['m'] = cmd_read_mem,
    ['M'] = cmd_write_mem_hex,
    ['X'] = cmd_write_mem_binary,
    ['Z'] = cmd_insert_bp,
    ['z'] = cmd_remove_bp,
    ['c'] = cmd_continue,
    ['C'] = cmd_continue_signal,
    ['s'] = cmd_step,
    ['S'] = cmd_step_signal,
    ['k'] = cmd_kill,
    ['D'] = cmd_detach,
    ['H'] = cmd_set_thread,
    ['T'] = cmd_thread_alive,
    ['q'] = cmd_query,
    ['Q'] = cmd_set,
    ['v'] = cmd_v,
};

struct rv_gdb_resume rv_gdb_session_handle(struct rv_gdb_session *s, char *pkt, size_t len, char *out,
                                           size_t *out_len, bool *send_reply)
{
	struct cmd c = {
	    .s = s,
	    .arg = len ? pkt + 1 : pkt,
	    .arg_len = len ? len - 1 : 0,
	    .out = out,
	    .out_len = 0,
	    .send_reply = true,
	    .resume = {RV_GDB_RESUME_NONE, 0},
	};
	pkt[len] = '\0';
	unsigned char first = len ? (unsigned char)pkt[0] : 0;
	if (first < 128 && commands[first])
		commands[first](&c);
	*out_len = c.out_len;
	*send_reply = c.send_reply;
	return c.resume;
}

static void session_init(struct rv_gdb_session *s, struct rv_cpu *cpu, const struct rv_gdb_target *t)
{
	memset(s, 0, sizeof(*s));
	s->cpu = cpu;
	s->target = t;
	s->n_threads = t ? t->n_threads : 1;
	if (s->n_threads > RV_GDB_MAX_THREADS)
		s->n_threads = RV_GDB_MAX_THREADS;
	s->c_thread = -1;
	rv_gdb_bp_init(&s->bps);
	struct rv_gdb_stop initial = {RV_GDB_STOP_SIGNAL, SIGTRAP_LINUX, RV_GDB_REASON_NONE, 0};
	rv_gdb_session_stop_reply(s, &initial, s->last_stop, sizeof(s->last_stop));
}

void rv_gdb_session_init(struct rv_gdb_session *s, struct rv_cpu *cpu)
{
	session_init(s, cpu, NULL);
}

void rv_gdb_session_init_target(struct rv_gdb_session *s, const struct rv_gdb_target *t)
{
	session_init(s, NULL, t);
}

size_t rv_gdb_session_stop_reply(struct rv_gdb_session *s, const struct rv_gdb_stop *stop, char *out,
                                 size_t cap)
{
	int n;
	switch (stop->kind) {
	case RV_GDB_STOP_EXITED: n = snprintf(out, cap, "W%02x", stop->value & 0xff); break;
	case RV_GDB_STOP_KILLED: n = snprintf(out, cap, "X%02x", rv_gdb_signal_to_gdb(stop->value)); break;
	default: {
		const char *reason = "";
		if (s->gdb_swbreak && stop->reason == RV_GDB_REASON_SWBREAK)
			reason = "swbreak:;";
		else if (s->gdb_swbreak && stop->reason == RV_GDB_REASON_HWBREAK)
			reason = "hwbreak:;";
		/* the stopped thread becomes the current one (gdb assumes so) */
		unsigned thread = stop->thread < s->n_threads ? stop->thread : 0;
		s->g_thread = thread;
		/* pc and sp come along so that gdb need not ask for them at every stop */
		uint8_t pc[8], sp[8];
		char pc_hex[17], sp_hex[17];
		rv_gdb_reg_read(thread_cpu(s, thread), RV_GDB_REG_PC, pc);
		rv_gdb_reg_read(thread_cpu(s, thread), RV_GDB_REG_SP, sp);
		pc_hex[rv_gdb_hex_encode(pc_hex, pc, 8)] = '\0';
		sp_hex[rv_gdb_hex_encode(sp_hex, sp, 8)] = '\0';
		n = snprintf(out, cap, "T%02x%sthread:%x;%02x:%s;%02x:%s;", rv_gdb_signal_to_gdb(stop->value),
		             reason, thread + 1, RV_GDB_REG_PC, pc_hex, RV_GDB_REG_SP, sp_hex);
		break;
	}
	}
	if (n < 0 || (size_t)n >= cap)
		n = cap ? (int)cap - 1 : 0;
	if (out != s->last_stop)
		snprintf(s->last_stop, sizeof(s->last_stop), "%.*s", n, out);
	return (size_t)n;
}

bool rv_gdb_session_passes(const struct rv_gdb_session *s, int sig)
{
	int g = rv_gdb_signal_to_gdb(sig);
	return g > 0 && g < 128 && (s->pass_sigs[g / 64] >> (g % 64) & 1);
}
