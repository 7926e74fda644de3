/* rv/debug: the GDB stub's run loop (rv_gdb_run) driving the interpreter over a socketpair, with a
 * scripted "gdb" on the other end and fake runtime ops; and the listen address parser. The protocol and
 * session layers are in test_gdbstub.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rv/debug/gdb_packet.h"
#include "rv/debug/gdb_session.h"
#include "rv/debug/gdbstub.h"
#include "rv/user/mem.h"
#include "tests/unit/test_gdbstub_util.h"

/* ---- the run loop, over a socketpair ---- */

/* Encodings of the test programs' instructions (RV64I). */
#define I_ADDI_A0_ZERO_5  0x00500513u /* addi a0, zero, 5 */
#define I_ADDI_A0_A0_1    0x00150513u /* addi a0, a0, 1 */
#define I_ADDI_A7_ZERO_93 0x05d00893u /* addi a7, zero, 93 */
#define I_ECALL           0x00000073u
#define I_JAL_SELF        0x0000006fu /* jal zero, 0: loops forever */
#define I_SD_ZERO_0_ZERO  0x00003023u /* sd zero, 0(zero): a store to an unmapped address */

struct fake_runtime {
	jmp_buf ended;
	struct rv_gdb_event end;
	int exits, resumes, last_resume_sig;
	int fault_sig; /* raised by the last RV_EXIT_FAULT */
};

static struct rv_gdb_event fake_on_exit(void *ctx, struct rv_cpu *cpu, enum rv_exit e)
{
	struct fake_runtime *rt = ctx;
	rt->exits++;
	struct rv_gdb_event ev = {RV_GDB_EV_NONE, 0};
	if (e == RV_EXIT_ECALL && cpu->x[17] == 93) {
		ev.kind = RV_GDB_EV_EXITED;
		ev.value = (int)cpu->x[10];
	} else if (e == RV_EXIT_FAULT) {
		ev.kind = RV_GDB_EV_SIGNAL;
		ev.value = rt->fault_sig = 11;
	}
	return ev;
}

static int fake_pending(void *ctx)
{
	(void)ctx;
	return 0;
}

static struct rv_gdb_event fake_resume(void *ctx, int sig)
{
	struct fake_runtime *rt = ctx;
	struct rv_gdb_event ev = {RV_GDB_EV_NONE, 0};
	rt->resumes++;
	rt->last_resume_sig = sig;
	if (sig && sig == rt->fault_sig) { /* no handler: the fault kills */
		ev.kind = RV_GDB_EV_KILLED;
		ev.value = sig;
	}
	rt->fault_sig = 0;
	return ev;
}

static void fake_terminate(void *ctx, struct rv_gdb_event ev)
{
	struct fake_runtime *rt = ctx;
	rt->end = ev;
	longjmp(rt->ended, 1);
}

static const struct rv_gdb_ops fake_ops = {
    .on_exit = fake_on_exit,
    .pending_signal = fake_pending,
    .resume_signal = fake_resume,
    .terminate = fake_terminate,
};

/* Frames each payload of a NULL-terminated list and sends them all at once, as a gdb that does not wait
 * for answers (no-ack mode). Raw bytes (Ctrl-C) are given as a payload starting with \x03. */
static void gdb_says(int fd, const char *const *packets)
{
	for (; *packets; packets++) {
		char frame[256];
		size_t n;
		if ((*packets)[0] == RV_GDB_INTERRUPT) {
			frame[0] = RV_GDB_INTERRUPT;
			n = 1;
		} else {
			n = rv_gdb_frame(frame, sizeof(frame), *packets, strlen(*packets));
		}
		assert_int_equal(write(fd, frame, n), (ssize_t)n);
	}
	shutdown(fd, SHUT_WR); /* gdb has no more to say: the stub sees the end of its input */
}

/* Everything the stub sent, as text. */
static void stub_said(int fd, char *out, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	while (len + 1 < cap && (n = read(fd, out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
}

static void load_code(struct fixture *f, const uint32_t *code, size_t n)
{
	memcpy(f->mem.base + PAGE_RWX, code, n * 4);
	f->cpu.pc = PAGE_RWX;
}

/* Runs the stub against the scripted gdb; returns true if the runtime was told to end the process. */
static bool run_stub(struct fixture *f, struct fake_runtime *rt, const char *const *script, char *said,
                     size_t cap, enum rv_gdb_end *end)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	gdb_says(sv[1], script);
	struct rv_gdb *g = rv_gdb_new(NULL);
	assert_non_null(g);
	assert_int_equal(rv_gdb_attach_fd(g, sv[0]), 0);
	volatile bool terminated = false;
	if (setjmp(rt->ended) == 0)
		*end = rv_gdb_run(g, &f->cpu, &fake_ops, rt);
	else
		terminated = true;
	rv_gdb_free(g);
	stub_said(sv[1], said, cap);
	close(sv[1]);
	return terminated;
}

static void test_run_breakpoint_step_exit(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = {I_ADDI_A0_ZERO_5, I_ADDI_A0_A0_1, I_ADDI_A0_A0_1, I_ADDI_A7_ZERO_93,
	                         I_ECALL};
	load_code(f, code, 5);
	static const char *const script[] = {"QStartNoAckMode", "Z0,20008,4", "c", "p20", "s",
	                                     "z0,20008,4",      "c",          NULL};
	struct fake_runtime rt = {0};
	char said[2048];
	enum rv_gdb_end end;
	assert_true(run_stub(f, &rt, script, said, sizeof(said), &end));
	/* the breakpoint stops before 0x20008 runs (a0 = 6), the step runs it, then the exit */
	const char *expect = "+$OK#9a$OK#9a"
	                     "$T05thread:1;20:0800020000000000;02:0000000000000000;#";
	assert_memory_equal(said, expect, strlen(expect));
	assert_non_null(strstr(said, "$0800020000000000#"));
	assert_non_null(strstr(said, "$T05thread:1;20:0c00020000000000;"));
	assert_non_null(strstr(said, "$W07#"));
	assert_int_equal(rt.end.kind, RV_GDB_EV_EXITED);
	assert_int_equal(rt.end.value, 7);
	assert_int_equal(f->cpu.x[10], 7);
	assert_int_equal(f->cpu.pc, PAGE_RWX + 16);
	assert_int_equal(rt.exits, 1);
	assert_int_equal(rt.resumes, 0);
	/* every packet the stub sent has a valid checksum */
	static struct rv_gdb_reader r;
	rv_gdb_reader_init(&r);
	int packets = 0;
	for (const char *p = said; *p; p++) {
		enum rv_gdb_frame_event ev = rv_gdb_reader_feed(&r, (uint8_t)*p);
		assert_int_not_equal(ev, RV_GDB_FRAME_BAD_CHECKSUM);
		packets += ev == RV_GDB_FRAME_PACKET;
	}
	assert_int_equal(packets, 7); /* OK (no-ack), OK (Z0), T05, pc, T05, OK (z0), W07 */
}

static void test_run_interrupt_and_kill(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = {I_JAL_SELF};
	load_code(f, code, 1);
	static const char *const script[] = {"QStartNoAckMode", "c", "\x03", "k", NULL};
	struct fake_runtime rt = {0};
	char said[1024];
	enum rv_gdb_end end;
	assert_true(run_stub(f, &rt, script, said, sizeof(said), &end));
	assert_non_null(strstr(said, "$T02thread:1;20:0000020000000000;"));
	assert_int_equal(rt.end.kind, RV_GDB_EV_KILLED);
	assert_int_equal(rt.end.value, 9);
}

static void test_run_connection_lost_while_running(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = {I_JAL_SELF};
	load_code(f, code, 1);
	/* gdb goes away after `c`: the stub notices while the guest runs and hands it back to the runtime */
	static const char *const script[] = {"QStartNoAckMode", "c", NULL};
	struct fake_runtime rt = {0};
	char said[1024];
	enum rv_gdb_end end = RV_GDB_END_DETACHED;
	assert_false(run_stub(f, &rt, script, said, sizeof(said), &end));
	assert_int_equal(end, RV_GDB_END_DISCONNECTED);
	assert_string_equal(said, "+$OK#9a");
	assert_int_equal(f->cpu.pc, PAGE_RWX);
}

static void test_run_fault_signal(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = {I_SD_ZERO_0_ZERO};
	load_code(f, code, 1);
	/* SIGSEGV stops; continuing without the signal re-executes the store; with it, the process dies */
	static const char *const script[] = {"QStartNoAckMode", "c", "c", "C0b", NULL};
	struct fake_runtime rt = {0};
	char said[1024];
	enum rv_gdb_end end;
	assert_true(run_stub(f, &rt, script, said, sizeof(said), &end));
	assert_int_equal(count(said, "$T0bthread:1;20:0000020000000000;"), 2);
	assert_non_null(strstr(said, "$X0b#"));
	assert_int_equal(rt.exits, 2);
	assert_int_equal(rt.resumes, 2);
	assert_int_equal(rt.last_resume_sig, 11);
	assert_int_equal(rt.end.kind, RV_GDB_EV_KILLED);
	assert_int_equal(rt.end.value, 11);
	assert_int_equal(f->cpu.pc, PAGE_RWX);
}

static void test_run_acks_detach(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = {I_ADDI_A0_ZERO_5, I_ADDI_A0_A0_1};
	load_code(f, code, 2);
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* ack mode: a damaged packet gets '-', a '-' from gdb gets the last packet again */
	const char in[] = "$g#00$qC#b4-+$s#73+$D#44+";
	assert_int_equal(write(sv[1], in, sizeof(in) - 1), (ssize_t)(sizeof(in) - 1));
	shutdown(sv[1], SHUT_WR);
	struct rv_gdb *g = rv_gdb_new(NULL);
	assert_int_equal(rv_gdb_attach_fd(g, sv[0]), 0);
	struct fake_runtime rt = {0};
	if (setjmp(rt.ended) != 0)
		fail_msg("the process must not end on a detach");
	assert_int_equal(rv_gdb_run(g, &f->cpu, &fake_ops, &rt), RV_GDB_END_DETACHED);
	rv_gdb_free(g);
	char said[1024];
	stub_said(sv[1], said, sizeof(said));
	close(sv[1]);
	const char *expect = "-+$QC1#c5$QC1#c5+$T05thread:1;20:0400020000000000;";
	assert_memory_equal(said, expect, strlen(expect));
	assert_non_null(strstr(said, "+$OK#9a"));
	assert_int_equal(f->cpu.pc, PAGE_RWX + 4);
	assert_int_equal(f->cpu.x[10], 5);

	/* a stub with no connection returns at once */
	g = rv_gdb_new(NULL);
	assert_int_equal(rv_gdb_run(g, &f->cpu, &fake_ops, &rt), RV_GDB_END_DISCONNECTED);
	assert_int_equal(rv_gdb_attach_fd(g, -1), -1);
	rv_gdb_free(g);
}

static void test_listen_addresses(void **state)
{
	(void)state;
	char err[128];
	struct rv_gdb *g = rv_gdb_new(NULL);
	assert_int_equal(rv_gdb_listen(g, "127.0.0.1:0", err, sizeof(err)), 0);
	assert_true(rv_gdb_port(g) > 0);
	assert_int_equal(rv_gdb_listen(g, ":0", err, sizeof(err)), 0);
	assert_int_equal(rv_gdb_listen(g, "localhost:0", err, sizeof(err)), 0);
	assert_int_equal(rv_gdb_listen(g, "0", err, sizeof(err)), 0);
	assert_int_equal(rv_gdb_listen(g, "host.example:1234", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "IPv4"));
	assert_int_equal(rv_gdb_listen(g, ":65536", err, sizeof(err)), -1);
	assert_int_equal(rv_gdb_listen(g, ":12x", err, sizeof(err)), -1);
	assert_int_equal(rv_gdb_listen(g, "", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad port"));
	rv_gdb_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_run_breakpoint_step_exit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_interrupt_and_kill, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_connection_lost_while_running, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_fault_signal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_acks_detach, setup, teardown),
	    cmocka_unit_test(test_listen_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
