/* The commands of the GDB remote protocol for riscv64 harts: given one received packet payload, the reply
 * payload and what the run loop must do next (reply only, continue, step, kill, detach). Pure: no I/O, so
 * the whole command set is unit-testable.
 *
 * User mode debugs one thread over flat guest memory (rv_gdb_session_init). System mode debugs one thread
 * per hart through a struct rv_gdb_target (rv_gdb_session_init_target): registers, memory by virtual
 * address and extra registers (CSRs) of the thread gdb selected with Hg, per-thread resume actions. */
#ifndef KARASU_RV_DEBUG_GDB_SESSION_H
#define KARASU_RV_DEBUG_GDB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/cpu.h"
#include "rv/debug/gdb_breakpoints.h"

/* User mode's only thread. Thread ids are positive hex numbers in the protocol: thread index t (0-based)
 * is id t + 1. */
#define RV_GDB_THREAD_ID   1
#define RV_GDB_MAX_THREADS 64

/* What one thread does when the guest resumes (all-stop: every thread stops again at the next stop). */
enum rv_gdb_thread_action {
	RV_GDB_ACT_STOP = 0, /* stays stopped */
	RV_GDB_ACT_CONTINUE,
	RV_GDB_ACT_STEP, /* runs one instruction; its end is a stop */
};

/* A target of several threads (system mode: one per hart). All hooks get ctx and a thread index. */
struct rv_gdb_target {
	void *ctx;
	unsigned n_threads; /* 1..RV_GDB_MAX_THREADS */
	struct rv_cpu *(*cpu)(void *ctx, unsigned t);
	/* Memory as thread t sees it (virtual addresses): read returns the readable prefix (0: none);
	 * write is all or nothing. */
	size_t (*mem_read)(void *ctx, unsigned t, uint64_t addr, uint8_t *out, size_t len);
	bool (*mem_write)(void *ctx, unsigned t, uint64_t addr, const uint8_t *in, size_t len);
	/* Registers gdb_riscv does not know (CSRs, priv): their size, or 0 / false for none (may be NULL). */
	size_t (*reg_read)(void *ctx, unsigned t, unsigned regno, uint8_t out[8]);
	bool (*reg_write)(void *ctx, unsigned t, unsigned regno, const uint8_t *in, size_t len);
	/* One line about thread t for qThreadExtraInfo, e.g. "hart 1 (S-mode)" (may be NULL). */
	void (*describe)(void *ctx, unsigned t, char *out, size_t cap);
	/* The target description (NULL: user mode's). */
	const char *(*target_xml)(void *ctx, size_t *len);
	/* qAttached answers 1: the target existed before gdb came, and quitting gdb detaches from it
	 * instead of killing it. */
	bool attached;
};

enum rv_gdb_resume_kind {
	RV_GDB_RESUME_NONE = 0, /* stay stopped: send the reply and read the next packet */
	RV_GDB_RESUME_CONTINUE, /* c, C, vCont;c: run until something stops the guest (no reply now) */
	RV_GDB_RESUME_STEP,     /* s, S, vCont;s: run one instruction (no reply now) */
	RV_GDB_RESUME_KILL,     /* k, vKill: end the process */
	RV_GDB_RESUME_DETACH    /* D: send the reply, then let the guest run without the debugger */
};

struct rv_gdb_resume {
	enum rv_gdb_resume_kind kind; /* CONTINUE or STEP (some thread steps) for a resume */
	int signal;                   /* Linux signal to deliver when resuming (C/S/vCont;C/S), 0: none */
};

/* Why the guest stopped, for stop replies. */
enum rv_gdb_stop_kind {
	RV_GDB_STOP_SIGNAL, /* stopped with Linux signal `value` (SIGTRAP for breakpoints and steps) */
	RV_GDB_STOP_EXITED, /* the process exits with status `value` (W) */
	RV_GDB_STOP_KILLED  /* the process dies of Linux signal `value` (X) */
};

enum rv_gdb_stop_reason { RV_GDB_REASON_NONE, RV_GDB_REASON_SWBREAK, RV_GDB_REASON_HWBREAK };

struct rv_gdb_stop {
	enum rv_gdb_stop_kind kind;
	int value;
	enum rv_gdb_stop_reason reason;
	unsigned thread; /* the thread that stopped (index) */
};

struct rv_gdb_session {
	struct rv_cpu *cpu;                 /* user mode's thread (NULL with a target) */
	const struct rv_gdb_target *target; /* system mode (NULL in user mode) */
	unsigned n_threads;
	unsigned g_thread; /* Hg: registers and memory; also the thread of the last stop */
	int c_thread;      /* Hc: what c/s resume (-1: all / unspecified) */
	/* per thread, what the last resume command asked (valid when it returned CONTINUE/STEP) */
	uint8_t actions[RV_GDB_MAX_THREADS]; /* enum rv_gdb_thread_action */
	struct rv_gdb_breakpoints bps;
	bool no_ack;           /* QStartNoAckMode accepted: no +/- after the OK that accepted it */
	bool gdb_swbreak;      /* gdb understands swbreak/hwbreak stop reasons */
	uint64_t pass_sigs[2]; /* QPassSignals: GDB signal numbers (0..127) delivered without stopping */
	char last_stop[96];    /* the last stop reply, for `?` */
	/* called before a memory write from the debugger (rv_gdb_ops.before_mem_write), or NULL */
	void (*before_mem_write)(void *ctx, uint64_t addr, size_t len);
	void *before_mem_write_ctx;
};

/* The session of a hart that is stopped with SIGTRAP (how a debugger finds a freshly loaded program). */
void rv_gdb_session_init(struct rv_gdb_session *s, struct rv_cpu *cpu);
/* The session of a stopped multi-thread target (t is kept: it must outlive the session); the first stop is
 * SIGTRAP in thread 0. */
void rv_gdb_session_init_target(struct rv_gdb_session *s, const struct rv_gdb_target *t);

/* Handles one packet payload pkt[0..len) (raw, NUL-terminated after len; modified in place for binary
 * data). Writes the reply payload (unframed, at most RV_GDB_PACKET_MAX bytes) to out and its length to
 * *out_len; *send_reply false means no reply must be sent (resume commands, k). */
struct rv_gdb_resume rv_gdb_session_handle(struct rv_gdb_session *s, char *pkt, size_t len, char *out,
                                           size_t *out_len, bool *send_reply);

/* Builds the stop reply (T/W/X packet payload) for stop into out (cap bytes) and remembers it for `?`; a T
 * reply makes stop->thread gdb's current thread (as gdb assumes). Returns its length. */
size_t rv_gdb_session_stop_reply(struct rv_gdb_session *s, const struct rv_gdb_stop *stop, char *out,
                                 size_t cap);

/* True when gdb asked (QPassSignals) that Linux signal sig go to the guest without a stop. */
bool rv_gdb_session_passes(const struct rv_gdb_session *s, int sig);

#endif
