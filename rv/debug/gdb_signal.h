/* Signal numbers on the wire: the GDB remote protocol uses GDB's own numbering (enum gdb_signal), which
 * differs from Linux's above 6 (e.g. SIGBUS is 7 on Linux, 10 for GDB). */
#ifndef KARASU_RV_DEBUG_GDB_SIGNAL_H
#define KARASU_RV_DEBUG_GDB_SIGNAL_H

/* Linux (riscv64 = generic) signal -> GDB signal number; 0 for 0; GDB's "unknown" (143) if none. */
int rv_gdb_signal_to_gdb(int linux_sig);
/* GDB signal number -> Linux signal; 0 for 0 and -1 for one Linux does not have. */
int rv_gdb_signal_from_gdb(int gdb_sig);

#endif
