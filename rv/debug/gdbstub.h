/* karasu-rv GDB remote stub: lets `gdb-multiarch` debug guest harts over TCP (`target remote :PORT`).
 * This file's run loop serves user mode's one thread; system mode (one thread per hart, gdb_system.h)
 * drives the building blocks at the end of this file from its own loop.
 *
 * While a debugger is attached the hart runs in the reference interpreter, one instruction at a time
 * (rv_interp_step), so breakpoints, single steps and stops are exact. Breakpoints live in a table in the
 * stub and are never written into guest memory. The stub decides when the guest stops: a breakpoint, the
 * end of a single step, Ctrl-C from gdb, a signal for the guest (faults included), or the end of the
 * process (reported to gdb as W/X before the process really ends).
 *
 * Usage (what rv/main.c does for `--gdb [HOST:]PORT`, see rv/debug/gdb_user.h for the user-mode glue):
 *
 *     struct rv_gdb *g = rv_gdb_new(stderr);
 *     if (!g || rv_gdb_listen(g, "127.0.0.1:1234", err, sizeof(err)) != 0) ...error...
 *     if (rv_gdb_wait_attach(g, err, sizeof(err)) != 0) ...error...
 *     enum rv_gdb_end end = rv_gdb_run(g, cpu, &ops, ctx);   // returns on detach or lost connection
 *     rv_gdb_free(g);
 *
 * The runtime supplies struct rv_gdb_ops: how to handle an exit of the interpreter (syscalls...), which
 * signal is waiting for the guest, how to deliver one, and how to end the process. Everything else
 * (packets, registers, memory, breakpoints, target description) is the stub's business. */
#ifndef KARASU_RV_DEBUG_GDBSTUB_H
#define KARASU_RV_DEBUG_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rv/cpu.h"

/* What happened to the guest, as the runtime tells the stub. Signals are host (= riscv64 Linux) numbers;
 * the stub converts them to GDB's numbering on the wire. */
enum rv_gdb_event_kind {
	RV_GDB_EV_NONE = 0, /* nothing for the debugger: keep going */
	RV_GDB_EV_SIGNAL,   /* the guest got signal `value` (not delivered yet): the debugger decides */
	RV_GDB_EV_EXITED,   /* the process is about to exit with status `value` (not ended yet) */
	RV_GDB_EV_KILLED,   /* the process is about to die of signal `value` (not ended yet) */
	RV_GDB_EV_DETACH    /* this process must leave the debugger silently: it is the child of a fork
			     * and shares the connection with its parent, which stays debugged */
};

struct rv_gdb_event {
	enum rv_gdb_event_kind kind;
	int value;
};

struct rv_gdb_ops {
	/* rv_interp_step returned e (never RV_EXIT_NONE) with cpu->pc at the instruction. Handle it the way
	 * the normal run loop does (e.g. perform the syscall), EXCEPT anything that would end the process or
	 * deliver a signal: return EXITED/SIGNAL instead and leave that to terminate()/resume_signal().
	 * Return DETACH when the process that returns is not the debugged one any more (fork's child). */
	struct rv_gdb_event (*on_exit)(void *ctx, struct rv_cpu *cpu, enum rv_exit e);
	/* Asked before every instruction: the signal about to be delivered to the guest (0: none). The
	 * runtime remembers it until the next resume_signal(). */
	int (*pending_signal)(void *ctx);
	/* The debugger resumes the guest after a SIGNAL event or a pending_signal() stop (that signal is
	 * the "stopped-for" one), or injects a signal after any stop. sig: the signal to deliver now (0: none,
	 * which discards a stopped-for signal; a discarded fault re-executes its instruction). Returns NONE,
	 * or KILLED when delivering sig ends the process (the default action; not done yet). */
	struct rv_gdb_event (*resume_signal)(void *ctx, int sig);
	/* Ends the process as ev (EXITED/KILLED) says; the debugger has been told. Must not return. */
	void (*terminate)(void *ctx, struct rv_gdb_event ev);
	/* Optional (NULL: nothing to do): the debugger is about to write [addr, addr+len) of guest memory.
	 * The runtime makes pages holding translated code host-writable and drops their translations, as
	 * for any other write into code. */
	void (*before_mem_write)(void *ctx, uint64_t addr, size_t len);
};

/* Why rv_gdb_run returned (the guest is still alive and may run on without the debugger). */
enum rv_gdb_end {
	RV_GDB_END_DETACHED = 0, /* gdb sent `D`: run the guest normally from cpu->pc */
	RV_GDB_END_DISCONNECTED, /* the connection closed or failed without a detach */
	RV_GDB_END_FORK_CHILD    /* on_exit said RV_GDB_EV_DETACH: the child of a fork runs on undebugged */
};

struct rv_gdb;

/* A stub with nothing open. log: where progress and protocol errors go (NULL: silent). NULL if out of
 * memory. */
struct rv_gdb *rv_gdb_new(FILE *log);
void rv_gdb_free(struct rv_gdb *g);

/* Listens on hostport: "PORT", ":PORT" or "HOST:PORT" with HOST an IPv4 address or "localhost".
 * Without HOST the stub listens on 127.0.0.1 only (a debugger can read and write all guest memory, so
 * other machines must be asked for explicitly, e.g. "0.0.0.0:1234"). PORT 0 picks a free port (see
 * rv_gdb_port). Logs "karasu-rv: gdb stub listening on ADDR:PORT (gdb: target remote ADDR:PORT)" to the log
 * given to rv_gdb_new. 0, or -1 with a message in err. */
int rv_gdb_listen(struct rv_gdb *g, const char *hostport, char *err, size_t errlen);
/* The TCP port the stub listens on (after rv_gdb_listen). */
unsigned rv_gdb_port(const struct rv_gdb *g);
/* Blocks until a debugger connects (then stops listening). 0, or -1 with a message in err. */
int rv_gdb_wait_attach(struct rv_gdb *g, char *err, size_t errlen);
/* Uses fd, an already connected byte stream (e.g. one end of a socketpair), as the debugger's connection
 * instead of listening; the stub owns it from now on. 0, or -1 if fd is negative. */
int rv_gdb_attach_fd(struct rv_gdb *g, int fd);
/* Serves the attached debugger and runs cpu under its control, starting stopped (SIGTRAP) at cpu->pc.
 * Returns when the debugger detaches, the connection is lost, or in the child of a fork (on_exit said
 * DETACH): the guest then runs on without the debugger. When the process ends (exit, fatal
 * signal, gdb's kill) it calls ops->terminate and does not return. */
enum rv_gdb_end rv_gdb_run(struct rv_gdb *g, struct rv_cpu *cpu, const struct rv_gdb_ops *ops, void *ctx);

/* ---- building blocks for a run loop of its own (system mode: rv/debug/gdb_system.c) ----
 * The caller runs the threads and decides the stops; these talk to gdb. A typical loop:
 *   rv_gdb_accept -> rv_gdb_session_init_target(rv_gdb_session_of(g), ...) -> rv_gdb_serve -> (resume the
 *   threads as rv_gdb_session_of(g)->actions say) -> rv_gdb_wait_running -> (stop them) ->
 *   rv_gdb_report_stop -> rv_gdb_serve ... and rv_gdb_hang_up at the end. */

struct rv_gdb_stop;
struct rv_gdb_resume;
struct rv_gdb_session;

/* Why a wait for gdb ended. */
enum rv_gdb_wait {
	RV_GDB_WAIT_RESUME,    /* rv_gdb_serve: a packet resumed, killed or detached (see the resume) */
	RV_GDB_WAIT_INTERRUPT, /* rv_gdb_wait_running: Ctrl-C */
	RV_GDB_WAIT_LOST,      /* the connection closed or failed */
	RV_GDB_WAIT_WOKEN      /* the wake fd became readable (nothing received is lost) */
};

/* While fd >= 0, every blocking wait of the stub (accept, serve, wait_running) also ends when fd becomes
 * readable: how another thread gets the stub's thread back. The stub never reads fd. */
void rv_gdb_set_wake_fd(struct rv_gdb *g, int fd);
/* Waits for a debugger to connect, keeping the listening socket open for the next one. 0 connected, 1
 * woken, -1 error (message in err). rv_gdb_wait_attach is this plus closing the listening socket. */
int rv_gdb_accept(struct rv_gdb *g, char *err, size_t errlen);
bool rv_gdb_connected(const struct rv_gdb *g);
/* The commands' state: threads, breakpoints, what the last resume asked of each thread. */
struct rv_gdb_session *rv_gdb_session_of(struct rv_gdb *g);
/* While the guest is stopped: answers packets until one resumes, kills or detaches it (RESUME, *r tells
 * which; a `D` has been answered), or LOST, or WOKEN (a packet half received is kept for the next call). */
enum rv_gdb_wait rv_gdb_serve(struct rv_gdb *g, struct rv_gdb_resume *r);
/* While the guest runs: waits for Ctrl-C (INTERRUPT), LOST or WOKEN. */
enum rv_gdb_wait rv_gdb_wait_running(struct rv_gdb *g);
/* Sends the stop reply for stop (T/W/X). False if the connection failed. */
bool rv_gdb_report_stop(struct rv_gdb *g, const struct rv_gdb_stop *stop);
/* Ends the connection: after a last report (final: W or X; NULL: none) that gdb is given a moment to take,
 * then closed gently. The stub may accept another debugger afterwards. */
void rv_gdb_hang_up(struct rv_gdb *g, const struct rv_gdb_stop *final);

#endif
