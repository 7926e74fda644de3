/* The commands of the GDB remote protocol, for one riscv64 hart: given one received packet payload, the
 * reply payload and what the run loop must do next (reply only, continue, step, kill, detach). Pure: no
 * I/O, so the whole command set is unit-testable. */
#ifndef KARASU_RV_DEBUG_GDB_SESSION_H
#define KARASU_RV_DEBUG_GDB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/cpu.h"
#include "rv/debug/gdb_breakpoints.h"

/* The only thread the stub shows (thread ids are positive hex numbers in the protocol). */
#define RV_GDB_THREAD_ID 1

enum rv_gdb_resume_kind {
	RV_GDB_RESUME_NONE = 0, /* stay stopped: send the reply and read the next packet */
	RV_GDB_RESUME_CONTINUE, /* c, C, vCont;c: run until something stops the guest (no reply now) */
	RV_GDB_RESUME_STEP,     /* s, S, vCont;s: run one instruction (no reply now) */
	RV_GDB_RESUME_KILL,     /* k, vKill: end the process */
	RV_GDB_RESUME_DETACH    /* D: send the reply, then let the guest run without the debugger */
};

struct rv_gdb_resume {
	enum rv_gdb_resume_kind kind;
	int signal; /* Linux signal to deliver when resuming (C/S/vCont;C/S), 0: none */
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
};

struct rv_gdb_session {
	struct rv_cpu *cpu;
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

/* Handles one packet payload pkt[0..len) (raw, NUL-terminated after len; modified in place for binary
 * data). Writes the reply payload (unframed, at most RV_GDB_PACKET_MAX bytes) to out and its length to
 * *out_len; *send_reply false means no reply must be sent (resume commands, k). */
struct rv_gdb_resume rv_gdb_session_handle(struct rv_gdb_session *s, char *pkt, size_t len, char *out,
                                           size_t *out_len, bool *send_reply);

/* Builds the stop reply (T/W/X packet payload) for stop into out (cap bytes) and remembers it for `?`.
 * Returns its length. */
size_t rv_gdb_session_stop_reply(struct rv_gdb_session *s, const struct rv_gdb_stop *stop, char *out,
                                 size_t cap);

/* True when gdb asked (QPassSignals) that Linux signal sig go to the guest without a stop. */
bool rv_gdb_session_passes(const struct rv_gdb_session *s, int sig);

#endif
