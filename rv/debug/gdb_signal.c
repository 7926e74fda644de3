/* Linux <-> GDB signal numbers (see gdb_signal.h). The GDB numbers are those of GDB's enum gdb_signal,
 * fixed by the remote protocol. */
#include "rv/debug/gdb_signal.h"

#define GDB_SIGNAL_UNKNOWN     143
#define GDB_SIGNAL_REALTIME_32 77
#define GDB_SIGNAL_REALTIME_33 45 /* ... through REALTIME_63 = 75 */
#define GDB_SIGNAL_REALTIME_64 78
#define LINUX_SIGRT_FIRST      32
#define LINUX_SIGRT_LAST       64

/* Indexed by Linux signal 1..31 (asm-generic numbering, which riscv64 uses). */
static const unsigned char linux_to_gdb[32] = {
    [1] = 1,   /* SIGHUP */
    [2] = 2,   /* SIGINT */
    [3] = 3,   /* SIGQUIT */
    [4] = 4,   /* SIGILL */
    [5] = 5,   /* SIGTRAP */
    [6] = 6,   /* SIGABRT */
    [7] = 10,  /* SIGBUS */
    [8] = 8,   /* SIGFPE */
    [9] = 9,   /* SIGKILL */
    [10] = 30, /* SIGUSR1 */
    [11] = 11, /* SIGSEGV */
    [12] = 31, /* SIGUSR2 */
    [13] = 13, /* SIGPIPE */
    [14] = 14, /* SIGALRM */
    [15] = 15, /* SIGTERM */
    [16] = 0,  /* SIGSTKFLT: GDB has no number for it */
    [17] = 20, /* SIGCHLD */
    [18] = 19, /* SIGCONT */
    [19] = 17, /* SIGSTOP */
    [20] = 18, /* SIGTSTP */
    [21] = 21, /* SIGTTIN */
    [22] = 22, /* SIGTTOU */
    [23] = 16, /* SIGURG */
    [24] = 24, /* SIGXCPU */
    [25] = 25, /* SIGXFSZ */
    [26] = 26, /* SIGVTALRM */
    [27] = 27, /* SIGPROF */
    [28] = 28, /* SIGWINCH */
    [29] = 23, /* SIGIO */
    [30] = 32, /* SIGPWR */
    [31] = 12, /* SIGSYS */
};

int rv_gdb_signal_to_gdb(int sig)
{
	if (sig == 0)
		return 0;
	if (sig > 0 && sig < LINUX_SIGRT_FIRST)
		return linux_to_gdb[sig] ? linux_to_gdb[sig] : GDB_SIGNAL_UNKNOWN;
	if (sig == LINUX_SIGRT_FIRST)
		return GDB_SIGNAL_REALTIME_32;
	if (sig > LINUX_SIGRT_FIRST && sig < LINUX_SIGRT_LAST)
		return GDB_SIGNAL_REALTIME_33 + (sig - (LINUX_SIGRT_FIRST + 1));
	if (sig == LINUX_SIGRT_LAST)
		return GDB_SIGNAL_REALTIME_64;
	return GDB_SIGNAL_UNKNOWN;
}

int rv_gdb_signal_from_gdb(int gdb_sig)
{
	if (gdb_sig == 0)
		return 0;
	for (int sig = 1; sig <= LINUX_SIGRT_LAST; sig++)
		if (rv_gdb_signal_to_gdb(sig) == gdb_sig && gdb_sig != GDB_SIGNAL_UNKNOWN)
			return sig;
	return -1;
}
