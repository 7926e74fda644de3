/* libFuzzer harness: karasu-rv's GDB remote protocol, from raw bytes on the wire to replies
 * (rv/debug/gdb_packet.c: framing, escapes, hex; rv/debug/gdb_session.c: the commands).
 *
 * The first byte picks the session: user mode (one thread over guest memory in a small rv_mem address
 * space, rv_gdb_session_init) or a fake multi-thread target (rv_gdb_session_init_target: 1 to 4 threads,
 * CSRs, memory through hooks). The rest is the byte stream gdb would send, fed to the packet reader; every
 * packet it completes goes to the session. Invariants:
 *  - the reader only completes packets whose payload sums to the checksum digits that closed them, and
 *    leaves the payload NUL-terminated within RV_GDB_PACKET_MAX;
 *  - every reply fits RV_GDB_PACKET_MAX and, framed with rv_gdb_frame, is read back by a fresh reader as
 *    one packet with the same payload (no stray '$' or '#', a correct checksum);
 *  - a reply is withheld only for resume, kill commands; the session's thread selection stays in range;
 *  - the fake target's memory hooks are only asked for addresses and lengths they can serve, and the
 *    guest memory outside what gdb wrote with M/X stays as it was;
 *  - escape/unescape and hex encode/decode of the payload round-trip.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rv/debug/gdb_packet.h"
#include "rv/debug/gdb_session.h"
#include "rv/user/mem.h"
#include "tests/fuzz/harness/fuzz_require.h"

#define USER_LIMIT  (1ull << 20)
#define USER_PAGE   0x10000ull /* one read-write page of the user-mode guest */
#define TARGET_BASE 0x80000000ull
#define TARGET_SIZE 0x2000u
#define MAX_THREADS 4u

static struct rv_mem mem;
static struct rv_cpu cpus[MAX_THREADS];
static uint8_t target_mem[TARGET_SIZE];
static unsigned target_writes; /* memory writes the target accepted in this input */

static size_t fake_mem_read(void *ctx, unsigned t, uint64_t addr, uint8_t *out, size_t len)
{
	const struct rv_gdb_target *target = ctx;
	REQUIRE(t < target->n_threads, "memory read for thread %u of %u", t, target->n_threads);
	if (addr < TARGET_BASE || addr - TARGET_BASE >= TARGET_SIZE) {
		return 0;
	}
	size_t n = TARGET_SIZE - (size_t)(addr - TARGET_BASE);
	n = n < len ? n : len;
	memcpy(out, target_mem + (addr - TARGET_BASE), n);
	return n;
}

static bool fake_mem_write(void *ctx, unsigned t, uint64_t addr, const uint8_t *in, size_t len)
{
	const struct rv_gdb_target *target = ctx;
	REQUIRE(t < target->n_threads, "memory write for thread %u of %u", t, target->n_threads);
	if (addr < TARGET_BASE || addr - TARGET_BASE > TARGET_SIZE ||
	    len > TARGET_SIZE - (addr - TARGET_BASE)) {
		return false;
	}
	memcpy(target_mem + (addr - TARGET_BASE), in, len);
	target_writes++;
	return true;
}

static struct rv_cpu *fake_cpu(void *ctx, unsigned t)
{
	const struct rv_gdb_target *target = ctx;
	REQUIRE(t < target->n_threads, "cpu of thread %u of %u", t, target->n_threads);
	return &cpus[t];
}

/* CSRs 4096 + n (gdb's numbering after the 65 GPR/pc/FPR ones): a few exist, 8 bytes each. */
static size_t fake_reg_read(void *ctx, unsigned t, unsigned regno, uint8_t out[8])
{
	(void)ctx;
	if (regno < 65 || regno > 65 + 0x1000) {
		return 0;
	}
	uint64_t v = (uint64_t)regno * 0x9e3779b97f4a7c15ull + t;
	memcpy(out, &v, 8);
	return 8;
}

static bool fake_reg_write(void *ctx, unsigned t, unsigned regno, const uint8_t *in, size_t len)
{
	(void)ctx;
	(void)t;
	(void)in;
	return regno >= 65 && regno <= 65 + 0x1000 && len == 8;
}

static void fake_describe(void *ctx, unsigned t, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "hart %u (S-mode)", t);
}

/* A payload framed and read back by a fresh reader is the same packet. */
static void require_reframes(const char *payload, size_t len)
{
	static char frame[RV_GDB_FRAME_MAX];
	static struct rv_gdb_reader r;
	size_t n = rv_gdb_frame(frame, sizeof(frame), payload, len);
	enum rv_gdb_frame_event ev = RV_GDB_FRAME_NONE;

	REQUIRE(n == len + 4, "framing a %zu-byte reply gave %zu bytes", len, n);
	rv_gdb_reader_init(&r);
	for (size_t i = 0; i < n; i++) {
		ev = rv_gdb_reader_feed(&r, (uint8_t)frame[i]);
		REQUIRE(ev == RV_GDB_FRAME_NONE || i == n - 1,
		        "reply byte %zu ends the frame early (event %d)", i, ev);
	}
	REQUIRE(ev == RV_GDB_FRAME_PACKET && r.len == len && memcmp(r.buf, payload, len) == 0,
	        "the reply \"%.*s\" does not read back as itself (event %d)", (int)(len < 80 ? len : 80),
	        payload, ev);
}

/* Encodings round-trip on whatever the packet held. */
static void check_encodings(const char *pkt, size_t len)
{
	static char esc[2 * RV_GDB_PACKET_MAX + 2];
	static uint8_t back[RV_GDB_PACKET_MAX + 1];
	size_t consumed;

	size_t n = rv_gdb_escape(esc, sizeof(esc), (const uint8_t *)pkt, len, &consumed);
	REQUIRE(consumed == len && n <= 2 * len, "escape consumed %zu of %zu", consumed, len);
	for (size_t i = 0; i < n; i++) {
		REQUIRE(esc[i] != '$' && esc[i] != '#' && esc[i] != '*', "escaped data holds 0x%02x", esc[i]);
	}
	long m = rv_gdb_unescape(back, esc, n);
	REQUIRE(m == (long)len && memcmp(back, pkt, len) == 0, "unescape(escape(x)) != x");
	if (len <= RV_GDB_PACKET_MAX / 2) {
		rv_gdb_hex_encode(esc, (const uint8_t *)pkt, len);
		REQUIRE(rv_gdb_hex_decode(back, sizeof(back), esc, 2 * len) == (long)len &&
		            memcmp(back, pkt, len) == 0,
		        "hex round trip");
	}
	const char *p = pkt;
	uint64_t value;
	if (rv_gdb_parse_hex(&p, &value)) {
		REQUIRE(p > pkt && p <= pkt + len, "parse_hex moved to %td", p - pkt);
	}
}

static void check_session(const struct rv_gdb_session *s)
{
	REQUIRE(s->n_threads >= 1 && s->g_thread < s->n_threads, "Hg thread %u of %u", s->g_thread,
	        s->n_threads);
	REQUIRE(s->c_thread >= -1 && s->c_thread < (int)s->n_threads, "Hc thread %d of %u", s->c_thread,
	        s->n_threads);
	for (unsigned t = 0; t < s->n_threads; t++) {
		REQUIRE(s->actions[t] <= RV_GDB_ACT_STEP, "thread %u action %u", t, s->actions[t]);
	}
	REQUIRE(memchr(s->last_stop, '\0', sizeof(s->last_stop)) != NULL, "last stop reply unterminated");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	REQUIRE(rv_mem_init(&mem, USER_LIMIT) == 0, "rv_mem_init");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rv_gdb_session s;
	static struct rv_gdb_reader reader;
	static char reply[RV_GDB_PACKET_MAX + 1];
	static uint8_t before[TARGET_SIZE];
	struct rv_gdb_target target;
	uint8_t last[2] = {0, 0};

	if (size == 0) {
		return 0;
	}
	uint8_t mode = data[0];
	memset(cpus, 0, sizeof(cpus));
	for (unsigned t = 0; t < MAX_THREADS; t++) {
		cpus[t].pc = 0x80000000u + 0x100u * t;
	}
	for (unsigned i = 0; i < TARGET_SIZE; i++) {
		target_mem[i] = (uint8_t)(i * 7 + 1);
	}
	target_writes = 0;
	if (mode & 1) {
		memset(&target, 0, sizeof(target));
		target.ctx = &target;
		target.n_threads = 1 + (mode >> 1) % MAX_THREADS;
		target.cpu = fake_cpu;
		target.mem_read = fake_mem_read;
		target.mem_write = fake_mem_write;
		target.reg_read = fake_reg_read;
		target.reg_write = fake_reg_write;
		target.describe = fake_describe;
		target.attached = (mode & 0x80) != 0;
		rv_gdb_session_init_target(&s, &target);
	} else {
		rv_mem_map(&mem, USER_PAGE, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
		rv_mem_attach(&mem, &cpus[0]);
		rv_gdb_session_init(&s, &cpus[0]);
	}
	memcpy(before, target_mem, sizeof(before));

	rv_gdb_reader_init(&reader);
	for (size_t i = 1; i < size; i++) {
		enum rv_gdb_frame_event ev = rv_gdb_reader_feed(&reader, data[i]);
		last[0] = last[1];
		last[1] = data[i];
		REQUIRE(reader.len <= RV_GDB_PACKET_MAX, "reader holds %zu bytes", reader.len);
		if (ev != RV_GDB_FRAME_PACKET) {
			continue;
		}
		int hi = rv_gdb_hex_digit((char)last[0]), lo = rv_gdb_hex_digit((char)last[1]);
		REQUIRE(hi >= 0 && lo >= 0 &&
		            rv_gdb_checksum(reader.buf, reader.len) == (uint8_t)(hi << 4 | lo),
		        "a packet accepted with checksum digits %c%c", last[0], last[1]);
		REQUIRE(reader.buf[reader.len] == '\0', "payload not NUL-terminated");
		check_encodings(reader.buf, reader.len);

		size_t out_len = 0;
		bool send = true;
		struct rv_gdb_resume resume =
		    rv_gdb_session_handle(&s, reader.buf, reader.len, reply, &out_len, &send);
		REQUIRE(out_len <= RV_GDB_PACKET_MAX, "a %zu-byte reply", out_len);
		REQUIRE(resume.kind <= RV_GDB_RESUME_DETACH, "resume kind %d", resume.kind);
		REQUIRE(send || resume.kind == RV_GDB_RESUME_CONTINUE || resume.kind == RV_GDB_RESUME_STEP ||
		            resume.kind == RV_GDB_RESUME_KILL,
		        "no reply to a command that does not resume");
		if (send) {
			require_reframes(reply, out_len);
		}
		check_session(&s);
		if (resume.kind != RV_GDB_RESUME_NONE) {
			/* The run loop would run the guest; for the protocol, the guest stops again at once. */
			struct rv_gdb_stop stop = {RV_GDB_STOP_SIGNAL, 5, RV_GDB_REASON_SWBREAK,
			                           s.n_threads > 1 ? (unsigned)(i % s.n_threads) : 0};
			size_t n = rv_gdb_session_stop_reply(&s, &stop, reply, sizeof(reply));
			REQUIRE(n > 0 && n <= RV_GDB_PACKET_MAX, "stop reply of %zu bytes", n);
			require_reframes(reply, n);
			check_session(&s);
		}
	}
	if (mode & 1) {
		REQUIRE(target_writes > 0 || memcmp(before, target_mem, sizeof(before)) == 0,
		        "target memory changed without a write");
	} else {
		rv_mem_unmap(&mem, USER_PAGE, RV_PAGE_SIZE);
	}
	return 0;
}
