/* karasu-rv GDB stub, user-mode glue: runs a guest thread (rv/user) under the stub of gdbstub.h, with
 * the same exit handling as rv_thread_run (syscalls, signals, process exit). */
#ifndef KARASU_RV_DEBUG_GDB_USER_H
#define KARASU_RV_DEBUG_GDB_USER_H

#include "rv/debug/gdbstub.h"
#include "rv/user/process.h"

/* Runs thread t (set up as for rv_thread_run: loaded, rv_thread_host_init done) under the debugger
 * attached to g, in the interpreter. Does not return when the process ends. Returns when the debugger
 * detaches or disconnects, and in the child of a guest fork (whose parent keeps the debugger): the
 * caller then continues with rv_thread_run(t) (JIT or interpreter).
 * Only this thread is debugged: threads the guest creates run without the debugger. */
enum rv_gdb_end rv_gdb_run_thread(struct rv_gdb *g, struct rv_thread *t);

#endif
