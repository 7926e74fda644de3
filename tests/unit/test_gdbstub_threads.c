/* rv/debug: the GDB stub with several threads (system mode: one per hart), driven packet by packet
 * through a fake struct rv_gdb_target of three harts, each with its own registers, its own view of memory
 * (as harts with different page tables) and a CSR; and the stub's building blocks for system mode's run
 * loop over sockets (wake-ups, Ctrl-C while running, a debugger after another, the exit report). The
 * expected packets follow the GDB remote protocol (thread ids in hex, "thread:N;" in T replies, vCont's
 * leftmost-action rule, qThreadExtraInfo hex-encoded). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rv/debug/gdb_packet.h"
#include "rv/debug/gdb_riscv.h"
#include "rv/debug/gdb_session.h"
#include "rv/debug/gdbstub.h"

#define THREADS       3
#define WINDOW        0x1000ull /* each thread sees one page of memory here */
#define WINDOW_SIZE   0x1000ull
#define REG_MSTATUS   (RV_GDB_REG_CSR_BASE + 0x300) /* read-only in the fake */
#define REG_MSCRATCH  (RV_GDB_REG_CSR_BASE + 0x340) /* writable */
#define SIGTRAP_LINUX 5

struct fake_target {
	struct rv_gdb_target t;
	struct rv_cpu cpu[THREADS];
	uint8_t mem[THREADS][WINDOW_SIZE];
	uint64_t mscratch[THREADS];
	struct rv_gdb_session s;
	char pkt[RV_GDB_PACKET_MAX + 1];
	char reply[RV_GDB_PACKET_MAX + 1];
	struct rv_gdb_resume resume;
	bool sent;
};

static struct rv_cpu *fake_cpu(void *ctx, unsigned t)
{
	struct fake_target *f = ctx;
	return &f->cpu[t];
}

static size_t fake_mem_read(void *ctx, unsigned t, uint64_t addr, uint8_t *out, size_t len)
{
	struct fake_target *f = ctx;
	if (addr < WINDOW || addr >= WINDOW + WINDOW_SIZE)
		return 0;
	size_t n = WINDOW + WINDOW_SIZE - addr < len ? (size_t)(WINDOW + WINDOW_SIZE - addr) : len;
	memcpy(out, f->mem[t] + (addr - WINDOW), n);
	return n;
}

static bool fake_mem_write(void *ctx, unsigned t, uint64_t addr, const uint8_t *in, size_t len)
{
	struct fake_target *f = ctx;
	if (addr < WINDOW || addr + len > WINDOW + WINDOW_SIZE)
		return false;
	memcpy(f->mem[t] + (addr - WINDOW), in, len);
	return true;
}

static size_t fake_reg_read(void *ctx, unsigned t, unsigned regno, uint8_t out[8])
{
	struct fake_target *f = ctx;
	uint64_t v;
	if (regno == REG_MSTATUS)
		v = 0xa00000000ull | t; /* UXL = SXL = 64, and the thread in the low bits */
	else if (regno == REG_MSCRATCH)
		v = f->mscratch[t];
	else
		return 0;
	for (unsigned i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (8 * i));
	return 8;
}

static bool fake_reg_write(void *ctx, unsigned t, unsigned regno, const uint8_t *in, size_t len)
{
	struct fake_target *f = ctx;
	if (regno != REG_MSCRATCH || len != 8)
		return false;
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)in[i] << (8 * i);
	f->mscratch[t] = v;
	return true;
}

static void fake_describe(void *ctx, unsigned t, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "hart %u (S-mode)", t);
}

static const char *fake_xml(void *ctx, size_t *len)
{
	(void)ctx;
	static const char xml[] = "<target>three harts</target>";
	*len = sizeof(xml) - 1;
	return xml;
}

static int setup(void **state)
{
	struct fake_target *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	for (unsigned t = 0; t < THREADS; t++) {
		f->cpu[t].pc = 0x80000000ull + 0x100 * t;
		f->cpu[t].x[2] = 0x80100000ull + 0x1000 * t; /* sp */
		f->cpu[t].x[10] = 0xa0 + t;                  /* a0 */
		memset(f->mem[t], 0x11 * (int)(t + 1), WINDOW_SIZE);
	}
	f->t = (struct rv_gdb_target){.ctx = f,
	                              .n_threads = THREADS,
	                              .cpu = fake_cpu,
	                              .mem_read = fake_mem_read,
	                              .mem_write = fake_mem_write,
	                              .reg_read = fake_reg_read,
	                              .reg_write = fake_reg_write,
	                              .describe = fake_describe,
	                              .target_xml = fake_xml,
	                              .attached = true};
	rv_gdb_session_init_target(&f->s, &f->t);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static const char *cmd(struct fake_target *f, const char *pkt)
{
	size_t len = strlen(pkt), out_len;
	memcpy(f->pkt, pkt, len);
	f->resume = rv_gdb_session_handle(&f->s, f->pkt, len, f->reply, &out_len, &f->sent);
	f->reply[out_len] = '\0';
	return f->reply;
}

/* ---- threads: listing, selection, what each one sees ---- */

static void test_thread_list_and_queries(void **state)
{
	struct fake_target *f = *state;
	assert_string_equal(cmd(f, "qfThreadInfo"), "m1,2,3");
	assert_string_equal(cmd(f, "qsThreadInfo"), "l");
	assert_string_equal(cmd(f, "qC"), "QC1");
	assert_string_equal(cmd(f, "qAttached"), "1"); /* quitting gdb detaches from a machine */
	for (const char *alive = "123"; *alive; alive++) {
		char pkt[4] = {'T', *alive, '\0'};
		assert_string_equal(cmd(f, pkt), "OK");
	}
	assert_string_equal(cmd(f, "T4"), "E22");
	assert_string_equal(cmd(f, "Tzz"), "E22");
	/* the first stop: SIGTRAP in thread 1, with its pc and sp */
	assert_string_equal(cmd(f, "?"), "T05thread:1;20:0000008000000000;02:0000108000000000;");
	/* the target's own description */
	assert_string_equal(cmd(f, "qXfer:features:read:target.xml:0,ffff"), "l<target>three harts</target>");

	/* ids are hex: twelve threads are 1..c */
	f->t.n_threads = 12;
	rv_gdb_session_init_target(&f->s, &f->t);
	assert_string_equal(cmd(f, "qfThreadInfo"), "m1,2,3,4,5,6,7,8,9,a,b,c");
	assert_string_equal(cmd(f, "Tc"), "OK");
	assert_string_equal(cmd(f, "Td"), "E22");
}

static void test_thread_extra_info(void **state)
{
	struct fake_target *f = *state;
	char hex[64];
	const char *text = "hart 1 (S-mode)";
	hex[rv_gdb_hex_encode(hex, (const uint8_t *)text, strlen(text))] = '\0';
	assert_string_equal(cmd(f, "qThreadExtraInfo,2"), hex);
	assert_string_equal(cmd(f, "qThreadExtraInfo,4"), "E22");
	assert_string_equal(cmd(f, "qThreadExtraInfo,-1"), "E22");
	/* user mode (no target) does not offer it */
	struct rv_gdb_session user;
	struct rv_cpu cpu = {0};
	rv_gdb_session_init(&user, &cpu);
	char pkt[] = "qThreadExtraInfo,1", out[64];
	size_t out_len;
	bool sent;
	rv_gdb_session_handle(&user, pkt, strlen(pkt), out, &out_len, &sent);
	assert_int_equal(out_len, 0);
	assert_true(sent);
}

static void test_hg_selects_registers(void **state)
{
	struct fake_target *f = *state;
	/* g: thread 1 until Hg says otherwise */
	const char *r = cmd(f, "g");
	assert_memory_equal(r + 10 * 16, "a000000000000000", 16);
	assert_string_equal(cmd(f, "Hg2"), "OK");
	r = cmd(f, "g");
	assert_memory_equal(r + 2 * 16, "0010108000000000", 16);  /* sp of thread 2 */
	assert_memory_equal(r + 10 * 16, "a100000000000000", 16); /* a0 */
	assert_memory_equal(r + 32 * 16, "0001008000000000", 16); /* pc */
	assert_string_equal(cmd(f, "p20"), "0001008000000000");
	/* P writes thread 2 only */
	assert_string_equal(cmd(f, "Pa=3412000000000000"), "OK");
	assert_int_equal(f->cpu[1].x[10], 0x1234);
	assert_int_equal(f->cpu[0].x[10], 0xa0);
	assert_int_equal(f->cpu[2].x[10], 0xa2);
	/* no such thread: refused, the selection stays; 0 and -1 keep it too */
	assert_string_equal(cmd(f, "Hg4"), "E22");
	assert_string_equal(cmd(f, "Hg0"), "OK");
	assert_string_equal(cmd(f, "Hg-1"), "OK");
	assert_string_equal(cmd(f, "qC"), "QC2");
	assert_string_equal(cmd(f, "p20"), "0001008000000000");
	assert_string_equal(cmd(f, "Hg3"), "OK");
	assert_string_equal(cmd(f, "p20"), "0002008000000000");
}

static void test_extra_registers_per_thread(void **state)
{
	struct fake_target *f = *state;
	char p[16], P[64];
	snprintf(p, sizeof(p), "p%x", REG_MSTATUS);
	assert_string_equal(cmd(f, "Hg3"), "OK");
	assert_string_equal(cmd(f, p), "020000000a000000");
	snprintf(P, sizeof(P), "P%x=efbeadde00000000", REG_MSCRATCH);
	assert_string_equal(cmd(f, P), "OK");
	assert_int_equal(f->mscratch[2], 0xdeadbeef);
	assert_int_equal(f->mscratch[0], 0);
	snprintf(p, sizeof(p), "p%x", REG_MSCRATCH);
	assert_string_equal(cmd(f, p), "efbeadde00000000");
	/* a read-only one refuses writes; one the target lacks is no register at all */
	snprintf(P, sizeof(P), "P%x=0000000000000000", REG_MSTATUS);
	assert_string_equal(cmd(f, P), "E22");
	assert_string_equal(cmd(f, "p346"), "E22"); /* 65 + 0x305: mtvec, which the fake lacks */
	/* the base registers still come from gdb_riscv: fcsr of thread 3 */
	f->cpu[2].frm = 1;
	assert_string_equal(cmd(f, "p44"), "20000000");
}

static void test_memory_as_each_thread_sees_it(void **state)
{
	struct fake_target *f = *state;
	assert_string_equal(cmd(f, "m1000,4"), "11111111");
	assert_string_equal(cmd(f, "Hg2"), "OK");
	assert_string_equal(cmd(f, "m1000,4"), "22222222");
	/* the readable prefix, then nothing */
	assert_string_equal(cmd(f, "m1ffe,4"), "2222");
	assert_string_equal(cmd(f, "m3000,4"), "E14");
	assert_string_equal(cmd(f, "M1004,2:abcd"), "OK");
	assert_int_equal(f->mem[1][4], 0xab);
	assert_int_equal(f->mem[0][4], 0x11);
	assert_int_equal(f->mem[2][4], 0x33);
	assert_string_equal(cmd(f, "M1fff,2:abcd"), "E14"); /* all or nothing */
	assert_int_equal(f->mem[1][0xfff], 0x22);
	assert_string_equal(cmd(f, "Hg3"), "OK");
	assert_string_equal(cmd(f, "m1004,2"), "3333");
}

/* ---- resuming: per-thread actions ---- */

static void assert_actions(const struct fake_target *f, const char *expect)
{
	/* one letter per thread: - stays stopped, c continues, s steps */
	char got[THREADS + 1];
	for (unsigned t = 0; t < THREADS; t++)
		got[t] = f->s.actions[t] == RV_GDB_ACT_STEP       ? 's'
		         : f->s.actions[t] == RV_GDB_ACT_CONTINUE ? 'c'
		                                                  : '-';
	got[THREADS] = '\0';
	assert_string_equal(got, expect);
}

static void test_vcont_per_thread(void **state)
{
	struct fake_target *f = *state;
	/* what gdb sends for stepi with the other threads running (scheduler-locking off) */
	cmd(f, "vCont;s:2;c");
	assert_false(f->sent);
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_STEP);
	assert_actions(f, "csc");
	/* stepping over a breakpoint: only that thread moves */
	cmd(f, "vCont;s:2");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_STEP);
	assert_actions(f, "-s-");
	cmd(f, "vCont;c:3");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_CONTINUE);
	assert_actions(f, "--c");
	/* the leftmost action that names a thread wins: c (all) before s:2 */
	cmd(f, "vCont;c;s:2");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_CONTINUE);
	assert_actions(f, "ccc");
	cmd(f, "vCont;c:-1");
	assert_actions(f, "ccc");
	cmd(f, "vCont;C0b:1;c");
	assert_int_equal(f->resume.signal, 11);
	assert_actions(f, "ccc");
	/* actions for threads we do not have leave nothing to do: an error, nothing resumes */
	assert_string_equal(cmd(f, "vCont;s:5"), "E22");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_NONE);
	assert_string_equal(cmd(f, "vCont;t:1"), "E22");
	assert_string_equal(cmd(f, "vCont;c:1x"), "E22");
	assert_string_equal(cmd(f, "vCont;cz"), "E22");
}

static void test_c_and_s_with_hc(void **state)
{
	struct fake_target *f = *state;
	cmd(f, "c");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_CONTINUE);
	assert_actions(f, "ccc");
	/* s steps the Hc thread; the others stay */
	assert_string_equal(cmd(f, "Hc2"), "OK");
	cmd(f, "s");
	assert_int_equal(f->resume.kind, RV_GDB_RESUME_STEP);
	assert_actions(f, "-s-");
	/* Hc -1: the current (Hg) thread, whose pc an address moves */
	assert_string_equal(cmd(f, "Hc-1"), "OK");
	assert_string_equal(cmd(f, "Hg3"), "OK");
	cmd(f, "s80004000");
	assert_actions(f, "--s");
	assert_int_equal(f->cpu[2].pc, 0x80004000);
	assert_int_equal(f->cpu[0].pc, 0x80000000);
	assert_string_equal(cmd(f, "Hc4"), "E22");
	assert_string_equal(cmd(f, "Hx1"), "E22");
}

static void test_stop_reply_names_the_thread(void **state)
{
	struct fake_target *f = *state;
	cmd(f, "qSupported:swbreak+;hwbreak+");
	struct rv_gdb_stop bp = {RV_GDB_STOP_SIGNAL, SIGTRAP_LINUX, RV_GDB_REASON_HWBREAK, 2};
	char out[128];
	rv_gdb_session_stop_reply(&f->s, &bp, out, sizeof(out));
	assert_string_equal(out, "T05hwbreak:;thread:3;20:0002008000000000;02:0020108000000000;");
	/* the stopped thread is gdb's current thread now */
	assert_string_equal(cmd(f, "qC"), "QC3");
	assert_string_equal(cmd(f, "p20"), "0002008000000000");
	assert_string_equal(cmd(f, "?"), out);
	struct rv_gdb_stop intr = {RV_GDB_STOP_SIGNAL, 2, RV_GDB_REASON_NONE, 0};
	rv_gdb_session_stop_reply(&f->s, &intr, out, sizeof(out));
	assert_string_equal(out, "T02thread:1;20:0000008000000000;02:0000108000000000;");
	struct rv_gdb_stop exited = {RV_GDB_STOP_EXITED, 0, RV_GDB_REASON_NONE, 0};
	rv_gdb_session_stop_reply(&f->s, &exited, out, sizeof(out));
	assert_string_equal(out, "W00");
}

/* ---- the system-mode target description ---- */

static void test_system_target_xml(void **state)
{
	(void)state;
	static const struct rv_gdb_csr_desc csrs[] = {{"mstatus", 0x300}, {"satp", 0x180}};
	static char xml[16384];
	size_t n = rv_gdb_target_xml_build(xml, sizeof(xml), NULL, csrs, 2, true);
	assert_true(n > 0 && n == strlen(xml));
	assert_null(strstr(xml, "<osabi>")); /* bare metal: gdb picks no OS ABI */
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.riscv.cpu\">"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.riscv.fpu\">"));
	/* CSR n is GDB register 65 + n; priv follows the 4096 CSRs (GDB's own numbering) */
	assert_non_null(
	    strstr(xml, "<feature name=\"org.gnu.gdb.riscv.csr\">\n"
	                "<reg name=\"mstatus\" bitsize=\"64\" type=\"int\" regnum=\"833\"/>\n"
	                "<reg name=\"satp\" bitsize=\"64\" type=\"int\" regnum=\"449\"/>\n</feature>"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
	                            "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"4161\"/>"));
	assert_string_equal(xml + n - strlen("</target>\n"), "</target>\n");
	/* the user-mode description is the same builder without them */
	size_t user_len;
	const char *user = rv_gdb_target_xml(&user_len);
	assert_non_null(strstr(user, "<osabi>GNU/Linux</osabi>"));
	assert_null(strstr(user, "riscv.csr"));
	assert_null(strstr(user, "priv"));
	/* too small: nothing */
	assert_int_equal(rv_gdb_target_xml_build(xml, 100, NULL, csrs, 2, true), 0);
}

/* ---- building blocks of system mode's run loop, over sockets ---- */

static void send_frame(int fd, const char *payload)
{
	char frame[256];
	size_t n = rv_gdb_frame(frame, sizeof(frame), payload, strlen(payload));
	assert_int_equal(write(fd, frame, n), (ssize_t)n);
}

static void read_some(int fd, char *out, size_t cap)
{
	ssize_t n = read(fd, out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
}

static void test_serve_and_wait_with_wake_fd(void **state)
{
	struct fake_target *f = *state;
	int sv[2], wake[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(pipe(wake), 0);
	struct rv_gdb *g = rv_gdb_new(NULL);
	assert_int_equal(rv_gdb_attach_fd(g, sv[0]), 0);
	rv_gdb_set_wake_fd(g, wake[0]);
	rv_gdb_session_init_target(rv_gdb_session_of(g), &f->t);
	struct rv_gdb_resume r;

	/* half a packet, then a wake-up: serve takes the input first, returns when woken, and keeps the half */
	assert_int_equal(write(sv[1], "$qf", 3), 3);
	assert_int_equal(write(wake[1], "x", 1), 1);
	assert_int_equal(rv_gdb_serve(g, &r), RV_GDB_WAIT_WOKEN);
	char c;
	assert_int_equal(read(wake[0], &c, 1), 1);
	uint8_t sum = rv_gdb_checksum("qfThreadInfo", 12);
	char rest[32];
	snprintf(rest, sizeof(rest), "ThreadInfo#%02x", sum);
	assert_int_equal(write(sv[1], rest, strlen(rest)), (ssize_t)strlen(rest));
	send_frame(sv[1], "vCont;s:3");
	assert_int_equal(rv_gdb_serve(g, &r), RV_GDB_WAIT_RESUME);
	assert_int_equal(r.kind, RV_GDB_RESUME_STEP);
	assert_int_equal(rv_gdb_session_of(g)->actions[2], RV_GDB_ACT_STEP);
	char said[256];
	read_some(sv[1], said, sizeof(said));
	assert_non_null(strstr(said, "$m1,2,3#"));

	/* running: a wake-up, Ctrl-C, a packet (kept for later), the end of the connection */
	assert_int_equal(write(wake[1], "x", 1), 1);
	assert_int_equal(rv_gdb_wait_running(g), RV_GDB_WAIT_WOKEN);
	assert_int_equal(read(wake[0], &c, 1), 1);
	assert_int_equal(write(sv[1], "+\x03", 2), 2);
	assert_int_equal(rv_gdb_wait_running(g), RV_GDB_WAIT_INTERRUPT);
	struct rv_gdb_stop stop = {RV_GDB_STOP_SIGNAL, 2, RV_GDB_REASON_NONE, 1};
	assert_true(rv_gdb_report_stop(g, &stop));
	read_some(sv[1], said, sizeof(said));
	assert_non_null(strstr(said, "$T02thread:2;20:0001008000000000;"));
	send_frame(sv[1], "qC");
	assert_int_equal(write(wake[1], "x", 1), 1); /* the guest stops meanwhile */
	assert_int_equal(rv_gdb_wait_running(g), RV_GDB_WAIT_WOKEN);
	assert_int_equal(read(wake[0], &c, 1), 1);
	shutdown(sv[1], SHUT_WR);
	assert_int_equal(rv_gdb_serve(g, &r), RV_GDB_WAIT_LOST); /* qC answered first */
	read_some(sv[1], said, sizeof(said));
	assert_non_null(strstr(said, "$QC2#"));
	assert_int_equal(rv_gdb_wait_running(g), RV_GDB_WAIT_LOST);
	rv_gdb_free(g);
	close(sv[1]);
	close(wake[0]);
	close(wake[1]);
}

static int connect_to(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void test_accept_one_debugger_after_another(void **state)
{
	(void)state;
	char err[128];
	int wake[2];
	assert_int_equal(pipe(wake), 0);
	struct rv_gdb *g = rv_gdb_new(NULL);
	assert_int_equal(rv_gdb_listen(g, ":0", err, sizeof(err)), 0);
	rv_gdb_set_wake_fd(g, wake[0]);
	assert_false(rv_gdb_connected(g));

	/* the first debugger leaves after the exit report (W00), which it acknowledges */
	int first = connect_to(rv_gdb_port(g));
	assert_int_equal(rv_gdb_accept(g, err, sizeof(err)), 0);
	assert_true(rv_gdb_connected(g));
	assert_int_equal(write(first, "+", 1), 1);
	shutdown(first, SHUT_WR);
	struct rv_gdb_stop exited = {RV_GDB_STOP_EXITED, 0, RV_GDB_REASON_NONE, 0};
	rv_gdb_hang_up(g, &exited);
	assert_false(rv_gdb_connected(g));
	char said[64];
	read_some(first, said, sizeof(said));
	assert_string_equal(said, "$W00#b7");
	close(first);

	/* the listening socket stayed open: a second one gets in */
	int second = connect_to(rv_gdb_port(g));
	assert_int_equal(rv_gdb_accept(g, err, sizeof(err)), 0);
	assert_true(rv_gdb_connected(g));
	close(second);
	rv_gdb_hang_up(g, NULL);

	/* waiting for a third one ends with a wake-up */
	assert_int_equal(write(wake[1], "x", 1), 1);
	assert_int_equal(rv_gdb_accept(g, err, sizeof(err)), 1);
	rv_gdb_free(g);
	close(wake[0]);
	close(wake[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_thread_list_and_queries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_thread_extra_info, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hg_selects_registers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_extra_registers_per_thread, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memory_as_each_thread_sees_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vcont_per_thread, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_c_and_s_with_hc, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_reply_names_the_thread, setup, teardown),
	    cmocka_unit_test(test_system_target_xml),
	    cmocka_unit_test_setup_teardown(test_serve_and_wait_with_wake_fd, setup, teardown),
	    cmocka_unit_test(test_accept_one_debugger_after_another),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
