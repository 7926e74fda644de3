/* rv/debug: the GDB stub's protocol and session layers, driven packet by packet. Framing, checksums and
 * escapes; the command set (registers, memory with bounds, breakpoints, target.xml in chunks, queries).
 * The run loop is in test_gdbstub_run.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv/debug/gdb_breakpoints.h"
#include "rv/debug/gdb_packet.h"
#include "rv/debug/gdb_riscv.h"
#include "rv/debug/gdb_session.h"
#include "rv/debug/gdb_signal.h"
#include "rv/user/mem.h"
#include "tests/unit/test_gdbstub_util.h"

/* ---- framing ---- */

static void test_checksum_and_frame(void **state)
{
	(void)state;
	char out[16];
	/* 'O' (0x4f) + 'K' (0x4b) = 0x9a */
	assert_int_equal(rv_gdb_checksum("OK", 2), 0x9a);
	assert_int_equal(rv_gdb_frame(out, sizeof(out), "OK", 2), 6);
	assert_memory_equal(out, "$OK#9a", 6);
	/* the empty packet ("not supported") has checksum 0 */
	assert_int_equal(rv_gdb_frame(out, sizeof(out), "", 0), 4);
	assert_memory_equal(out, "$#00", 4);
	/* a sum past 255 wraps: 3 x 'z' (0x7a) = 0x16e */
	assert_int_equal(rv_gdb_checksum("zzz", 3), 0x6e);
	/* does not fit: nothing written */
	assert_int_equal(rv_gdb_frame(out, 5, "OK", 2), 0);
}

/* Feeds text to the reader; returns the events, one letter each: P packet, B bad, + ack, - nack, I ^C. */
static void feed(struct rv_gdb_reader *r, const char *text, size_t len, char *events)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		switch (rv_gdb_reader_feed(r, (uint8_t)text[i])) {
		case RV_GDB_FRAME_PACKET: events[n++] = 'P'; break;
		case RV_GDB_FRAME_BAD_CHECKSUM: events[n++] = 'B'; break;
		case RV_GDB_FRAME_ACK: events[n++] = '+'; break;
		case RV_GDB_FRAME_NACK: events[n++] = '-'; break;
		case RV_GDB_FRAME_INTERRUPT: events[n++] = 'I'; break;
		default: break;
		}
	}
	events[n] = '\0';
}

static void test_reader_packets_acks_interrupt(void **state)
{
	(void)state;
	static struct rv_gdb_reader r;
	char ev[16];
	rv_gdb_reader_init(&r);
	/* m0,4: 0x6d + 0x30 + 0x2c + 0x34 = 0xfd; uppercase checksum digits are accepted too */
	const char in[] = "+$m0,4#fd-\x03";
	feed(&r, in, sizeof(in) - 1, ev);
	assert_string_equal(ev, "+P-I");
	assert_string_equal(r.buf, "m0,4");
	feed(&r, "$m0,4#FD", 8, ev);
	assert_string_equal(ev, "P");
	/* noise between packets is ignored; a '$' inside a packet restarts it */
	feed(&r, "xx$garbage$OK#9a", 16, ev);
	assert_string_equal(ev, "P");
	assert_string_equal(r.buf, "OK");
}

static void test_reader_rejects_bad_packets(void **state)
{
	(void)state;
	static struct rv_gdb_reader r;
	char ev[16];
	rv_gdb_reader_init(&r);
	feed(&r, "$OK#9b", 6, ev);
	assert_string_equal(ev, "B");
	feed(&r, "$OK#x0", 6, ev); /* not a hex digit */
	assert_string_equal(ev, "B");
	/* the reader recovers at the next packet */
	feed(&r, "$OK#9a", 6, ev);
	assert_string_equal(ev, "P");

	/* a payload longer than PacketSize is refused, even with a right checksum */
	size_t n = RV_GDB_PACKET_MAX + 1;
	char *big = malloc(n + 5);
	assert_non_null(big);
	big[0] = '$';
	memset(big + 1, 'a', n);
	uint8_t sum = rv_gdb_checksum(big + 1, n);
	snprintf(big + 1 + n, 4, "#%02x", sum);
	feed(&r, big, n + 4, ev);
	assert_string_equal(ev, "B");
	/* exactly PacketSize is fine */
	big[RV_GDB_PACKET_MAX + 1] = '#';
	sum = rv_gdb_checksum(big + 1, RV_GDB_PACKET_MAX);
	snprintf(big + 1 + RV_GDB_PACKET_MAX, 4, "#%02x", sum);
	feed(&r, big, RV_GDB_PACKET_MAX + 4, ev);
	assert_string_equal(ev, "P");
	assert_int_equal(r.len, RV_GDB_PACKET_MAX);
	free(big);
}

static void test_escape_roundtrip(void **state)
{
	(void)state;
	const uint8_t in[] = {'}', '#', '$', '*', 'a', 0x00, 0xff};
	char out[32];
	size_t consumed;
	size_t n = rv_gdb_escape(out, sizeof(out), in, sizeof(in), &consumed);
	/* each special byte becomes '}' and the byte XOR 0x20 */
	const char expect[] = {'}', 0x5d, '}', 0x03, '}', 0x04, '}', 0x0a, 'a', 0x00, (char)0xff};
	assert_int_equal(n, sizeof(expect));
	assert_int_equal(consumed, sizeof(in));
	assert_memory_equal(out, expect, sizeof(expect));

	uint8_t back[32];
	assert_int_equal(rv_gdb_unescape(back, out, n), (long)sizeof(in));
	assert_memory_equal(back, in, sizeof(in));
	/* data that ends inside an escape is malformed */
	assert_int_equal(rv_gdb_unescape(back, "ab}", 3), -1);

	/* no room for a whole escape pair: stop before it rather than split it */
	n = rv_gdb_escape(out, 1, in, sizeof(in), &consumed);
	assert_int_equal(n, 0);
	assert_int_equal(consumed, 0);
	n = rv_gdb_escape(out, 3, in, sizeof(in), &consumed);
	assert_int_equal(n, 2);
	assert_int_equal(consumed, 1);
}

static void test_hex(void **state)
{
	(void)state;
	const uint8_t bytes[] = {0x00, 0x7f, 0xa5, 0xff};
	char text[9] = {0};
	assert_int_equal(rv_gdb_hex_encode(text, bytes, 4), 8);
	assert_string_equal(text, "007fa5ff");
	uint8_t back[4];
	assert_int_equal(rv_gdb_hex_decode(back, sizeof(back), "007FA5ff", 8), 4);
	assert_memory_equal(back, bytes, 4);
	assert_int_equal(rv_gdb_hex_decode(back, sizeof(back), "007", 3), -1);
	assert_int_equal(rv_gdb_hex_decode(back, sizeof(back), "0g", 2), -1);
	assert_int_equal(rv_gdb_hex_decode(back, 1, "0011", 4), -1);

	const char *p = "1a2B,x";
	uint64_t v;
	assert_true(rv_gdb_parse_hex(&p, &v));
	assert_int_equal(v, 0x1a2b);
	assert_int_equal(*p, ',');
	p = "ffffffffffffffff";
	assert_true(rv_gdb_parse_hex(&p, &v));
	assert_true(v == UINT64_MAX);
	p = "10000000000000000"; /* 65 bits */
	assert_false(rv_gdb_parse_hex(&p, &v));
	p = ",1";
	assert_false(rv_gdb_parse_hex(&p, &v));
}

static void test_signal_numbers(void **state)
{
	(void)state;
	/* GDB's numbering differs from Linux's: SIGBUS 7 -> 10, SIGUSR1 10 -> 30, SIGCHLD 17 -> 20 */
	assert_int_equal(rv_gdb_signal_to_gdb(5), 5);
	assert_int_equal(rv_gdb_signal_to_gdb(11), 11);
	assert_int_equal(rv_gdb_signal_to_gdb(7), 10);
	assert_int_equal(rv_gdb_signal_to_gdb(10), 30);
	assert_int_equal(rv_gdb_signal_to_gdb(17), 20);
	assert_int_equal(rv_gdb_signal_to_gdb(34), 46);
	for (int sig = 1; sig <= 64; sig++) {
		if (sig == 16) /* SIGSTKFLT has no GDB number */
			continue;
		assert_int_equal(rv_gdb_signal_from_gdb(rv_gdb_signal_to_gdb(sig)), sig);
	}
	assert_int_equal(rv_gdb_signal_from_gdb(7), -1); /* GDB's SIGEMT: not on Linux */
}

/* ---- the command set ---- */

static void test_registers_g_packet(void **state)
{
	struct fixture *f = *state;
	f->cpu.x[0] = 0x5555; /* x0 reads as zero whatever the array holds */
	f->cpu.x[1] = 0x1122334455667788ull;
	f->cpu.x[31] = 0xfedcba9876543210ull;
	f->cpu.pc = 0x10074;
	const char *r = cmd(f, "g");
	assert_true(f->sent);
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_NONE);
	assert_int_equal(strlen(r), 33 * 16);
	/* little-endian, x0 first, pc last */
	assert_memory_equal(r, "0000000000000000", 16);
	assert_memory_equal(r + 16, "8877665544332211", 16);
	assert_memory_equal(r + 31 * 16, "1032547698badcfe", 16);
	assert_memory_equal(r + 32 * 16, "7400010000000000", 16);

	/* G writes them all back; x0 stays zero */
	char g[2 + 33 * 16];
	g[0] = 'G';
	for (int i = 0; i < 33; i++)
		snprintf(g + 1 + 16 * i, 17, "%02x00000000000000", i + 1);
	assert_string_equal(cmd(f, g), "OK");
	assert_int_equal(f->cpu.x[1], 2);
	assert_int_equal(f->cpu.x[31], 32);
	assert_int_equal(f->cpu.pc, 33);
	assert_int_equal(rv_gdb_reg_read(&f->cpu, 0, (uint8_t[8]){0}), 8);
	uint8_t v[8];
	rv_gdb_reg_read(&f->cpu, 0, v);
	assert_memory_equal(v, "\0\0\0\0\0\0\0\0", 8);
	/* a short G is malformed and changes nothing */
	assert_string_equal(cmd(f, "G0011"), "E22");
	assert_int_equal(f->cpu.x[1], 2);
}

static void test_registers_p_packet(void **state)
{
	struct fixture *f = *state;
	f->cpu.pc = 0x10000;
	f->cpu.f[0] = 0xffffffff3f800000ull; /* 1.0f, NaN-boxed */
	f->cpu.f[31] = 0x4000000000000000ull;
	f->cpu.fflags = 0x11;
	f->cpu.frm = 3;
	assert_string_equal(cmd(f, "p20"), "0000010000000000"); /* pc = 32 */
	assert_string_equal(cmd(f, "p21"), "0000803fffffffff"); /* f0 = 33 */
	assert_string_equal(cmd(f, "p40"), "0000000000000040"); /* f31 = 64 */
	assert_string_equal(cmd(f, "p42"), "11000000");         /* fflags = 65+1 */
	assert_string_equal(cmd(f, "p43"), "03000000");         /* frm */
	assert_string_equal(cmd(f, "p44"), "71000000");         /* fcsr = frm<<5 | fflags */
	assert_string_equal(cmd(f, "p41"), "E22");              /* 65: not a register here */
	assert_string_equal(cmd(f, "p1000"), "E22");
	assert_string_equal(cmd(f, "pzz"), "E22");

	assert_string_equal(cmd(f, "P5=efbeadde00000000"), "OK");
	assert_int_equal(f->cpu.x[5], 0xdeadbeef);
	assert_string_equal(cmd(f, "P0=0100000000000000"), "OK"); /* accepted, discarded */
	assert_int_equal(f->cpu.x[0], 0);
	assert_string_equal(cmd(f, "P44=e1000000"), "OK"); /* fcsr 0xe1: frm 7, fflags 1 */
	assert_int_equal(f->cpu.frm, 7);
	assert_int_equal(f->cpu.fflags, 1);
	assert_string_equal(cmd(f, "P44=e100"), "E22"); /* wrong size */
	assert_string_equal(cmd(f, "P5"), "E22");
}

static void test_memory_read_bounds(void **state)
{
	struct fixture *f = *state;
	memcpy(f->mem.base + PAGE_RW, "\x01\x02\xfe\xff", 4);
	assert_string_equal(cmd(f, "m10000,4"), "0102feff");
	/* unmapped, beyond the address space, wrapping: E14, never a host fault */
	assert_string_equal(cmd(f, "m0,4"), "E14");
	assert_string_equal(cmd(f, "m30000,1"), "E14");
	assert_string_equal(cmd(f, "m1000000,4"), "E14");
	assert_string_equal(cmd(f, "mffffffffffffffff,2"), "E14");
	assert_string_equal(cmd(f, "m12345678901234,8"), "E14");
	/* across two mapped pages: all of it; into an unmapped page: the readable prefix */
	const char *r = cmd(f, "m10ffe,4");
	assert_int_equal(strlen(r), 8);
	assert_memory_equal(r + 4, "0003", 4); /* first bytes of PAGE_RO: 0, 3 */
	r = cmd(f, "m11ffe,4");
	assert_int_equal(strlen(r), 4);
	/* more than a packet holds: capped, gdb asks again */
	r = cmd(f, "m10000,100000");
	assert_int_equal(strlen(r), RV_GDB_PACKET_MAX);
	assert_string_equal(cmd(f, "m10000"), "E22");
	assert_string_equal(cmd(f, "m,4"), "E22");
}

/* The last range the session announced before a debugger write (rv_gdb_ops.before_mem_write). */
struct announced_write {
	int calls;
	uint64_t addr;
	size_t len;
};

static void record_write(void *ctx, uint64_t addr, size_t len)
{
	struct announced_write *w = ctx;
	w->calls++;
	w->addr = addr;
	w->len = len;
}

static void test_memory_write_bounds(void **state)
{
	struct fixture *f = *state;
	struct announced_write w = {0};
	f->s.before_mem_write = record_write; /* the runtime drops translations of code written there */
	f->s.before_mem_write_ctx = &w;
	assert_string_equal(cmd(f, "M10010,3:a1b2c3"), "OK");
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.addr, 0x10010);
	assert_int_equal(w.len, 3);
	assert_memory_equal(f->mem.base + PAGE_RW + 0x10, "\xa1\xb2\xc3", 3);
	/* read-only page, unmapped page, straddling into read-only: refused, nothing written */
	assert_string_equal(cmd(f, "M11000,1:00"), "E14");
	assert_int_equal(f->mem.base[PAGE_RO], 0);
	assert_string_equal(cmd(f, "M0,1:00"), "E14");
	assert_string_equal(cmd(f, "M10fff,2:5566"), "E14");
	assert_int_equal(f->mem.base[PAGE_RW + 0xfff], 0);
	assert_string_equal(cmd(f, "Mffffffffffffffff,2:0000"), "E14");
	/* length and data disagree */
	assert_string_equal(cmd(f, "M10010,4:a1b2"), "E22");
	assert_string_equal(cmd(f, "M10010,1:zz"), "E22");

	/* X: binary, escaped; the data may hold NUL and the escaped specials */
	const char x[] = "X10020,5:}]}\x03\x00}\x0a!";
	assert_string_equal(cmd_len(f, x, sizeof(x) - 1), "OK");
	assert_memory_equal(f->mem.base + PAGE_RW + 0x20, "}#\0*!", 5);
	assert_string_equal(cmd(f, "X10020,0:"), "OK"); /* gdb's probe for X support */
	assert_string_equal(cmd(f, "X11000,1:a"), "E14");
	assert_string_equal(cmd(f, "X10020,2:a"), "E22");
}

static void test_breakpoint_table(void **state)
{
	(void)state;
	static struct rv_gdb_breakpoints t;
	enum rv_gdb_bp_type type;
	rv_gdb_bp_init(&t);
	assert_false(rv_gdb_bp_find(&t, 0x1000, &type));
	assert_true(rv_gdb_bp_insert(&t, RV_GDB_BP_HARDWARE, 0x1000));
	assert_true(rv_gdb_bp_find(&t, 0x1000, &type));
	assert_int_equal(type, RV_GDB_BP_HARDWARE);
	assert_true(rv_gdb_bp_insert(&t, RV_GDB_BP_SOFTWARE, 0x1000));
	assert_true(rv_gdb_bp_find(&t, 0x1000, &type));
	assert_int_equal(type, RV_GDB_BP_SOFTWARE);
	assert_true(rv_gdb_bp_insert(&t, RV_GDB_BP_SOFTWARE, 0x1000)); /* again: still one */
	assert_int_equal(t.count, 2);
	assert_true(rv_gdb_bp_remove(&t, RV_GDB_BP_SOFTWARE, 0x1000));
	assert_false(rv_gdb_bp_remove(&t, RV_GDB_BP_SOFTWARE, 0x1000));
	assert_true(rv_gdb_bp_find(&t, 0x1000, &type));
	assert_int_equal(type, RV_GDB_BP_HARDWARE);
	assert_false(rv_gdb_bp_find(&t, 0x1002, &type));
	assert_true(rv_gdb_bp_remove(&t, RV_GDB_BP_HARDWARE, 0x1000));
	assert_false(rv_gdb_bp_find(&t, 0x1000, &type));
	for (unsigned i = 0; i < RV_GDB_MAX_BREAKPOINTS; i++)
		assert_true(rv_gdb_bp_insert(&t, RV_GDB_BP_SOFTWARE, 0x2000 + 4 * i));
	assert_false(rv_gdb_bp_insert(&t, RV_GDB_BP_SOFTWARE, 0x9000));
	assert_true(rv_gdb_bp_find(&t, 0x2000 + 4 * (RV_GDB_MAX_BREAKPOINTS - 1), &type));
}

static void test_breakpoint_packets(void **state)
{
	struct fixture *f = *state;
	enum rv_gdb_bp_type type;
	uint32_t before;
	memcpy(&before, f->mem.base + PAGE_RWX, 4);
	assert_string_equal(cmd(f, "Z0,20000,4"), "OK");
	assert_string_equal(cmd(f, "Z1,20002,2"), "OK");
	assert_true(rv_gdb_bp_find(&f->s.bps, 0x20000, &type));
	assert_int_equal(type, RV_GDB_BP_SOFTWARE);
	assert_true(rv_gdb_bp_find(&f->s.bps, 0x20002, &type));
	assert_int_equal(type, RV_GDB_BP_HARDWARE);
	/* guest memory is not patched */
	uint32_t after;
	memcpy(&after, f->mem.base + PAGE_RWX, 4);
	assert_int_equal(before, after);
	assert_string_equal(cmd(f, "z0,20000,4"), "OK");
	assert_false(rv_gdb_bp_find(&f->s.bps, 0x20000, &type));
	assert_string_equal(cmd(f, "z0,20000,4"), "E22");
	/* watchpoints are not supported: empty reply */
	assert_string_equal(cmd(f, "Z2,10000,4"), "");
	assert_string_equal(cmd(f, "Z0,zz,4"), "E22");
	assert_string_equal(cmd(f, "Z0,20000,4;X1,0"), "OK"); /* condition lists are accepted (ignored) */
	for (unsigned i = f->s.bps.count; i < RV_GDB_MAX_BREAKPOINTS; i++) {
		char z[32];
		snprintf(z, sizeof(z), "Z0,%x,4", 0x30000 + 4 * i);
		assert_string_equal(cmd(f, z), "OK");
	}
	assert_string_equal(cmd(f, "Z0,40000,4"), "E28");
}

static void test_target_xml_in_chunks(void **state)
{
	struct fixture *f = *state;
	static char whole[16384];
	size_t len = 0, requests = 0;
	for (;;) {
		char q[80];
		snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,40", len);
		const char *r = cmd(f, q);
		requests++;
		assert_true(r[0] == 'm' || r[0] == 'l');
		size_t n = strlen(r + 1);
		assert_true(n <= 0x40);
		memcpy(whole + len, r + 1, n); /* the XML holds no character that needs escaping */
		len += n;
		if (r[0] == 'l')
			break;
		assert_true(n > 0);
		assert_true(len < sizeof(whole));
	}
	whole[len] = '\0';
	size_t xml_len;
	const char *xml = rv_gdb_target_xml(&xml_len);
	assert_int_equal(len, xml_len);
	assert_string_equal(whole, xml);
	assert_true(requests > 10);
	assert_non_null(strstr(whole, "<architecture>riscv:rv64</architecture>"));
	assert_non_null(strstr(whole, "<feature name=\"org.gnu.gdb.riscv.cpu\">"));
	assert_non_null(strstr(whole, "<feature name=\"org.gnu.gdb.riscv.fpu\">"));
	assert_non_null(strstr(whole, "<reg name=\"zero\" bitsize=\"64\""));
	assert_non_null(strstr(whole, "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"2\"/>"));
	assert_non_null(strstr(whole, "<reg name=\"t6\" bitsize=\"64\" type=\"int\" regnum=\"31\"/>"));
	assert_non_null(strstr(whole, "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>"));
	assert_non_null(
	    strstr(whole, "<reg name=\"f31\" bitsize=\"64\" type=\"riscv_double\" regnum=\"64\"/>"));
	assert_non_null(strstr(whole, "<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"68\"/>"));
	assert_int_equal(count(whole, "<reg "), 33 + 32 + 3);
	assert_int_equal(count(whole, "<feature "), count(whole, "</feature>"));
	assert_non_null(strstr(whole, "</target>\n"));
	assert_int_equal(strlen(strstr(whole, "</target>\n")), strlen("</target>\n")); /* not cut short */

	/* a big request gets everything at once; past the end: an empty last part */
	const char *r = cmd(f, "qXfer:features:read:target.xml:0,ffff");
	assert_int_equal(r[0], 'l');
	assert_string_equal(r + 1, xml);
	char q[80];
	snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,40", xml_len);
	assert_string_equal(cmd(f, q), "l");
	assert_string_equal(cmd(f, "qXfer:features:read:other.xml:0,40"), "E00");
	assert_string_equal(cmd(f, "qXfer:features:read:target.xml:zz"), "E22");
}

static void test_queries_and_threads(void **state)
{
	struct fixture *f = *state;
	const char *r = cmd(f, "qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
	assert_non_null(strstr(r, "PacketSize=4000"));
	assert_non_null(strstr(r, "qXfer:features:read+"));
	assert_non_null(strstr(r, "QStartNoAckMode+"));
	assert_non_null(strstr(r, "swbreak+"));
	assert_null(strstr(r, "multiprocess"));
	assert_string_equal(cmd(f, "qAttached"), "0");
	assert_string_equal(cmd(f, "qAttached:1"), "0");
	assert_string_equal(cmd(f, "qC"), "QC1");
	assert_string_equal(cmd(f, "qfThreadInfo"), "m1");
	assert_string_equal(cmd(f, "qsThreadInfo"), "l");
	assert_string_equal(cmd(f, "Hg0"), "OK");
	assert_string_equal(cmd(f, "Hc-1"), "OK");
	assert_string_equal(cmd(f, "Hg1"), "OK");
	assert_string_equal(cmd(f, "Hg2"), "E22");
	assert_string_equal(cmd(f, "T1"), "OK");
	assert_string_equal(cmd(f, "T2"), "E22");
	assert_string_equal(cmd(f, "qSymbol::"), "OK");
	/* unknown packets: the empty reply */
	assert_string_equal(cmd(f, "qTStatus"), "");
	assert_string_equal(cmd(f, "vMustReplyEmpty"), "");
	assert_string_equal(cmd(f, "!"), "");
	assert_true(f->sent);
	assert_string_equal(cmd(f, ""), "");
	assert_false(f->s.no_ack);
	assert_string_equal(cmd(f, "QStartNoAckMode"), "OK");
	assert_true(f->s.no_ack);
	assert_string_equal(cmd(f, "vCont?"), "vCont;c;C;s;S");

	/* the first stop: SIGTRAP with our thread, pc and sp */
	f->cpu.pc = 0x10000;
	f->cpu.x[2] = 0x3ffffff000ull;
	rv_gdb_session_init(&f->s, &f->cpu);
	assert_string_equal(cmd(f, "?"), "T05thread:1;20:0000010000000000;02:00f0ffff3f000000;");
	struct rv_gdb_stop bp = {RV_GDB_STOP_SIGNAL, 5, RV_GDB_REASON_SWBREAK, 0};
	char out[128];
	rv_gdb_session_stop_reply(&f->s, &bp, out, sizeof(out)); /* gdb did not offer swbreak+ */
	assert_string_equal(out, "T05thread:1;20:0000010000000000;02:00f0ffff3f000000;");
	cmd(f, "qSupported:swbreak+");
	rv_gdb_session_stop_reply(&f->s, &bp, out, sizeof(out));
	assert_string_equal(out, "T05swbreak:;thread:1;20:0000010000000000;02:00f0ffff3f000000;");
	assert_string_equal(cmd(f, "?"), out);
	struct rv_gdb_stop exited = {RV_GDB_STOP_EXITED, 0x107, RV_GDB_REASON_NONE, 0};
	rv_gdb_session_stop_reply(&f->s, &exited, out, sizeof(out));
	assert_string_equal(out, "W07");
	struct rv_gdb_stop killed = {RV_GDB_STOP_KILLED, 7 /* SIGBUS */, RV_GDB_REASON_NONE, 0};
	rv_gdb_session_stop_reply(&f->s, &killed, out, sizeof(out));
	assert_string_equal(out, "X0a");
}

static void test_resume_commands(void **state)
{
	struct fixture *f = *state;
	cmd(f, "c");
	assert_false(f->sent);
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_CONTINUE);
	assert_int_equal(f->resume.signal, 0);
	cmd(f, "s20004");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_STEP);
	assert_int_equal(f->cpu.pc, 0x20004);
	cmd(f, "C0a"); /* GDB's 10 is SIGBUS, Linux 7 */
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_CONTINUE);
	assert_int_equal(f->resume.signal, 7);
	cmd(f, "S0b;20000");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_STEP);
	assert_int_equal(f->resume.signal, 11);
	assert_int_equal(f->cpu.pc, 0x20000);
	cmd(f, "vCont;c");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_CONTINUE);
	cmd(f, "vCont;s:1;c");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_STEP);
	cmd(f, "vCont;s:2;c"); /* the step is for another thread: ours continues */
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_CONTINUE);
	cmd(f, "vCont;C0b:1");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_CONTINUE);
	assert_int_equal(f->resume.signal, 11);
	assert_false(f->sent);
	assert_string_equal(cmd(f, "vCont;t"), "E22");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_NONE);
	assert_string_equal(cmd(f, "Czz"), "E22");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_NONE);
	cmd(f, "k");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_KILL);
	assert_false(f->sent);
	assert_string_equal(cmd(f, "vKill;1"), "OK");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_KILL);
	assert_string_equal(cmd(f, "D"), "OK");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_DETACH);
	assert_string_equal(cmd(f, "QPassSignals:e;14"), "OK"); /* SIGALRM (14) and SIGCHLD (GDB 0x14) */
	assert_true(rv_gdb_session_passes(&f->s, 14));
	assert_true(rv_gdb_session_passes(&f->s, 17));
	assert_false(rv_gdb_session_passes(&f->s, 11));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_checksum_and_frame),
	    cmocka_unit_test(test_reader_packets_acks_interrupt),
	    cmocka_unit_test(test_reader_rejects_bad_packets),
	    cmocka_unit_test(test_escape_roundtrip),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_signal_numbers),
	    cmocka_unit_test_setup_teardown(test_registers_g_packet, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registers_p_packet, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memory_read_bounds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memory_write_bounds, setup, teardown),
	    cmocka_unit_test(test_breakpoint_table),
	    cmocka_unit_test_setup_teardown(test_breakpoint_packets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_target_xml_in_chunks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queries_and_threads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resume_commands, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
