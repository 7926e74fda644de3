/* karasu-rv GDB stub, system-mode glue: gdb debugs a whole machine, one thread per hart, as with QEMU's
 * `-gdb tcp::PORT` / `-s` and `-S`.
 *
 * All-stop: when one hart stops (a breakpoint, the end of a step, Ctrl-C from gdb), every hart stops at
 * its next instruction boundary and stays parked until gdb resumes them. Registers, memory (by virtual
 * address, as the selected hart sees it: rv_mmu_debug_read/write), software and hardware breakpoints
 * (kept in the stub's table, checked before every instruction), single steps (interrupts are not taken
 * during a step, as QEMU's default). While gdb is attached and breakpoints are set, harts run in the
 * interpreter one instruction at a time; with no breakpoint they run translated code (stops then happen
 * at block boundaries). After a detach or a lost connection the machine runs on normally, and the stub
 * waits for the next debugger.
 *
 * The harts' run loop (rv/system/run.c) asks rv_gdb_system_hart_action at every pass, then parks, steps
 * one instruction, runs under the debugger (rv_gdb_system_run) or runs normally; every exit goes through
 * run.c's own handlers (traps, SBI, WFI, requests...). A stub thread talks to gdb.
 *
 * Life cycle, in main.c's terms:
 *
 *     struct rv_gdb_server *srv;
 *     rv_gdb_server_open("tcp::1234", wait_for_gdb, stderr, &srv, err, sizeof(err));  // before the console
 *     for each machine m (a reboot makes a new one):
 *         rv_gdb_system_attach(m, srv, err, sizeof(err));   // before rv_machine_run
 *         why = rv_machine_run(m); status = ...;
 *         rv_gdb_system_release(m, status, restarting);     // before rv_machine_destroy
 *     rv_gdb_server_free(srv);
 */
#ifndef KARASU_RV_DEBUG_GDB_SYSTEM_H
#define KARASU_RV_DEBUG_GDB_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rv/cpu.h"

struct rv_hart;
struct rv_machine;

/* What a hart does at the top of its run loop (rv_gdb_system_hart_action). */
enum rv_gdb_hart_action {
	RV_GDB_HART_FREE = 0, /* no debugger, or nothing to check: run normally */
	RV_GDB_HART_PARK,     /* stopped by the debugger: park until kicked, then ask again */
	RV_GDB_HART_STEP,     /* execute exactly one instruction (rv_interp_step), no interrupt first */
	RV_GDB_HART_DEBUG,    /* run, through rv_gdb_system_run instead of the translator */
};

/* The part that outlives one machine: the listening socket, the connection and gdb's session. */
struct rv_gdb_server;

/* Opens the stub for -gdb SPEC: "tcp::PORT", "tcp:HOST:PORT" (QEMU's syntax; HOST: an IPv4 address or
 * localhost; without HOST only 127.0.0.1, see gdbstub.h), or "none" (*out = NULL, no stub). wait (-S):
 * the first machine's harts start stopped until gdb resumes them. Logs the address it listens on. 0, or
 * -1 with a message in err. */
int rv_gdb_server_open(const char *spec, bool wait, FILE *log, struct rv_gdb_server **out, char *err,
                       size_t errlen);
void rv_gdb_server_free(struct rv_gdb_server *srv);

/* Puts machine m (created, not running yet) under srv: sets m->gdb and starts the stub thread. A
 * debugger already connected (after a reboot) keeps debugging the new machine. 0, or -1 with err. */
int rv_gdb_system_attach(struct rv_machine *m, struct rv_gdb_server *srv, char *err, size_t errlen);
/* After rv_machine_run: stops the stub thread and clears m->gdb. The connected debugger is told the
 * machine exited with `status` (W), unless `restarting` (a reboot: it stays connected for the next
 * machine) or it killed the machine itself. */
void rv_gdb_system_release(struct rv_machine *m, int status, bool restarting);

/* ---- hooks for the hart run loop (hart thread only) ---- */
enum rv_gdb_hart_action rv_gdb_system_hart_action(struct rv_hart *h);
/* Runs h in the interpreter, checking breakpoints before every instruction, until an exit for run.c's
 * handlers, a request (cpu.interrupt_request) or a breakpoint (then RV_EXIT_INTERRUPT: the next
 * rv_gdb_system_hart_action parks it). */
enum rv_exit rv_gdb_system_run(struct rv_hart *h);

#endif
