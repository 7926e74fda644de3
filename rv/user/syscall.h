/* karasu-rv Linux syscall layer (riscv64 = asm-generic numbers). */
#ifndef KARASU_RV_USER_SYSCALL_H
#define KARASU_RV_USER_SYSCALL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/user/process.h"

/* Handles the ecall at cpu->pc (a7 = number, a0..a5 = arguments): sets a0 and advances pc, except for
 * calls that replace the register state (rt_sigreturn, exit). */
void rv_syscall(struct rv_thread *t);

/* One handler per syscall: arguments a[0..5], returns the value for a0 (negative errno on failure). */
typedef long (*rv_syscall_fn)(struct rv_thread *t, const uint64_t *a);

/* Host pointer for a guest buffer that must be accessible with prot (RV_PROT_*); NULL if not. A NULL
 * guest pointer with len 0 is accepted (returns a valid dummy pointer). */
void *rv_guest_ptr(struct rv_thread *t, uint64_t addr, uint64_t len, unsigned prot);
/* Copies a guest C string into buf; returns 0 or -EFAULT/-ENAMETOOLONG. */
long rv_guest_string(struct rv_thread *t, uint64_t addr, char *buf, size_t len);

/* The guest's view of a host libc call: -errno if ret < 0, else ret. errno is read inside, after the
 * call (an errno argument next to the call could be evaluated before it). */
static inline long rv_host_ret(long ret)
{
	return ret < 0 ? -(long)errno : ret;
}

/* riscv64 syscall numbers used by karasu-rv. */
enum rv_syscall_nr {
	RV_NR_setxattr = 5,
	RV_NR_lsetxattr = 6,
	RV_NR_fsetxattr = 7,
	RV_NR_getxattr = 8,
	RV_NR_lgetxattr = 9,
	RV_NR_fgetxattr = 10,
	RV_NR_listxattr = 11,
	RV_NR_llistxattr = 12,
	RV_NR_flistxattr = 13,
	RV_NR_removexattr = 14,
	RV_NR_lremovexattr = 15,
	RV_NR_fremovexattr = 16,
	RV_NR_getcwd = 17,
	RV_NR_eventfd2 = 19,
	RV_NR_epoll_create1 = 20,
	RV_NR_epoll_ctl = 21,
	RV_NR_epoll_pwait = 22,
	RV_NR_dup = 23,
	RV_NR_dup3 = 24,
	RV_NR_fcntl = 25,
	RV_NR_inotify_init1 = 26,
	RV_NR_inotify_add_watch = 27,
	RV_NR_inotify_rm_watch = 28,
	RV_NR_ioctl = 29,
	RV_NR_flock = 32,
	RV_NR_mknodat = 33,
	RV_NR_mkdirat = 34,
	RV_NR_unlinkat = 35,
	RV_NR_symlinkat = 36,
	RV_NR_linkat = 37,
	RV_NR_renameat = 38,
	RV_NR_statfs = 43,
	RV_NR_fstatfs = 44,
	RV_NR_truncate = 45,
	RV_NR_ftruncate = 46,
	RV_NR_fallocate = 47,
	RV_NR_faccessat = 48,
	RV_NR_chdir = 49,
	RV_NR_fchdir = 50,
	RV_NR_fchmod = 52,
	RV_NR_fchmodat = 53,
	RV_NR_fchownat = 54,
	RV_NR_fchown = 55,
	RV_NR_openat = 56,
	RV_NR_close = 57,
	RV_NR_pipe2 = 59,
	RV_NR_getdents64 = 61,
	RV_NR_lseek = 62,
	RV_NR_read = 63,
	RV_NR_write = 64,
	RV_NR_readv = 65,
	RV_NR_writev = 66,
	RV_NR_pread64 = 67,
	RV_NR_pwrite64 = 68,
	RV_NR_preadv = 69,
	RV_NR_pwritev = 70,
	RV_NR_sendfile = 71,
	RV_NR_pselect6 = 72,
	RV_NR_ppoll = 73,
	RV_NR_signalfd4 = 74,
	RV_NR_vmsplice = 75,
	RV_NR_splice = 76,
	RV_NR_tee = 77,
	RV_NR_readlinkat = 78,
	RV_NR_newfstatat = 79,
	RV_NR_fstat = 80,
	RV_NR_sync = 81,
	RV_NR_fsync = 82,
	RV_NR_fdatasync = 83,
	RV_NR_sync_file_range = 84,
	RV_NR_timerfd_create = 85,
	RV_NR_timerfd_settime = 86,
	RV_NR_timerfd_gettime = 87,
	RV_NR_utimensat = 88,
	RV_NR_exit = 93,
	RV_NR_exit_group = 94,
	RV_NR_waitid = 95,
	RV_NR_set_tid_address = 96,
	RV_NR_futex = 98,
	RV_NR_set_robust_list = 99,
	RV_NR_get_robust_list = 100,
	RV_NR_nanosleep = 101,
	RV_NR_getitimer = 102,
	RV_NR_setitimer = 103,
	RV_NR_clock_gettime = 113,
	RV_NR_clock_getres = 114,
	RV_NR_clock_nanosleep = 115,
	RV_NR_timer_create = 107,
	RV_NR_timer_gettime = 108,
	RV_NR_timer_getoverrun = 109,
	RV_NR_timer_settime = 110,
	RV_NR_timer_delete = 111,
	RV_NR_sched_getscheduler = 120,
	RV_NR_sched_getparam = 121,
	RV_NR_sched_get_priority_max = 125,
	RV_NR_sched_get_priority_min = 126,
	RV_NR_getcpu = 168,
	RV_NR_sched_setaffinity = 122,
	RV_NR_sched_getaffinity = 123,
	RV_NR_sched_yield = 124,
	RV_NR_kill = 129,
	RV_NR_tkill = 130,
	RV_NR_tgkill = 131,
	RV_NR_sigaltstack = 132,
	RV_NR_rt_sigsuspend = 133,
	RV_NR_rt_sigaction = 134,
	RV_NR_rt_sigprocmask = 135,
	RV_NR_rt_sigpending = 136,
	RV_NR_rt_sigtimedwait = 137,
	RV_NR_rt_sigqueueinfo = 138,
	RV_NR_rt_sigreturn = 139,
	RV_NR_setpriority = 140,
	RV_NR_getpriority = 141,
	RV_NR_setregid = 143,
	RV_NR_setgid = 144,
	RV_NR_setreuid = 145,
	RV_NR_setuid = 146,
	RV_NR_setresuid = 147,
	RV_NR_getresuid = 148,
	RV_NR_setresgid = 149,
	RV_NR_getresgid = 150,
	RV_NR_times = 153,
	RV_NR_setpgid = 154,
	RV_NR_getpgid = 155,
	RV_NR_getsid = 156,
	RV_NR_setsid = 157,
	RV_NR_getgroups = 158,
	RV_NR_uname = 160,
	RV_NR_getrlimit = 163,
	RV_NR_setrlimit = 164,
	RV_NR_getrusage = 165,
	RV_NR_umask = 166,
	RV_NR_prctl = 167,
	RV_NR_gettimeofday = 169,
	RV_NR_getpid = 172,
	RV_NR_getppid = 173,
	RV_NR_getuid = 174,
	RV_NR_geteuid = 175,
	RV_NR_getgid = 176,
	RV_NR_getegid = 177,
	RV_NR_gettid = 178,
	RV_NR_sysinfo = 179,
	RV_NR_socket = 198,
	RV_NR_socketpair = 199,
	RV_NR_bind = 200,
	RV_NR_listen = 201,
	RV_NR_accept = 202,
	RV_NR_connect = 203,
	RV_NR_getsockname = 204,
	RV_NR_getpeername = 205,
	RV_NR_sendto = 206,
	RV_NR_recvfrom = 207,
	RV_NR_setsockopt = 208,
	RV_NR_getsockopt = 209,
	RV_NR_shutdown = 210,
	RV_NR_sendmsg = 211,
	RV_NR_recvmsg = 212,
	RV_NR_readahead = 213,
	RV_NR_brk = 214,
	RV_NR_munmap = 215,
	RV_NR_mremap = 216,
	RV_NR_clone = 220,
	RV_NR_execve = 221,
	RV_NR_mmap = 222,
	RV_NR_fadvise64 = 223,
	RV_NR_mprotect = 226,
	RV_NR_msync = 227,
	RV_NR_mlock = 228,
	RV_NR_munlock = 229,
	RV_NR_mlockall = 230,
	RV_NR_munlockall = 231,
	RV_NR_mincore = 232,
	RV_NR_madvise = 233,
	RV_NR_rt_tgsigqueueinfo = 240,
	RV_NR_accept4 = 242,
	RV_NR_recvmmsg = 243,
	RV_NR_wait4 = 260,
	RV_NR_prlimit64 = 261,
	RV_NR_syncfs = 267,
	RV_NR_sendmmsg = 269,
	RV_NR_riscv_hwprobe = 258,
	RV_NR_riscv_flush_icache = 259,
	RV_NR_renameat2 = 276,
	RV_NR_getrandom = 278,
	RV_NR_memfd_create = 279,
	RV_NR_membarrier = 283,
	RV_NR_mlock2 = 284,
	RV_NR_copy_file_range = 285,
	RV_NR_preadv2 = 286,
	RV_NR_pwritev2 = 287,
	RV_NR_statx = 291,
	RV_NR_rseq = 293,
	RV_NR_clone3 = 435,
	RV_NR_close_range = 436,
	RV_NR_faccessat2 = 439,
	RV_NR_epoll_pwait2 = 441,
	RV_NR_fchmodat2 = 452,
	RV_NR_MAX = 512
};

/* Handlers, by area (sys_fs.c + sys_xattr.c, sys_mem.c, sys_proc.c + sys_clone.c, signal.c, sys_net*.c,
 * sys_event*.c). */
#define RV_SYSCALL_DECL(name) long rv_sys_##name(struct rv_thread *t, const uint64_t *a);
/* clang-format off */
#define RV_SYSCALLS_FS(X) \
	X(getcwd) X(dup) X(dup3) X(fcntl) X(ioctl) X(flock) X(mkdirat) X(unlinkat) X(symlinkat) \
	X(linkat) X(renameat) X(renameat2) X(statfs) X(fstatfs) X(truncate) X(ftruncate) \
	X(fallocate) X(faccessat) X(faccessat2) X(chdir) X(fchdir) X(fchmod) X(fchmodat) \
	X(fchownat) X(fchown) X(openat) X(close) X(pipe2) X(getdents64) X(lseek) X(read) X(write) \
	X(readv) X(writev) X(pread64) X(pwrite64) X(preadv) X(pwritev) X(sendfile) X(readlinkat) X(newfstatat) X(fstat) X(sync) X(fsync) X(fdatasync) X(utimensat) \
	X(statx) X(umask) X(fadvise64) X(copy_file_range) X(mknodat) X(memfd_create) X(splice) X(tee) \
	X(vmsplice) X(sync_file_range) X(syncfs) X(readahead) X(setxattr) X(lsetxattr) X(fsetxattr) \
	X(getxattr) X(lgetxattr) X(fgetxattr) X(listxattr) X(llistxattr) X(flistxattr) X(removexattr) \
	X(lremovexattr) X(fremovexattr) X(preadv2) X(pwritev2) X(fchmodat2)
#define RV_SYSCALLS_MEM(X) \
	X(brk) X(munmap) X(mremap) X(mmap) X(mprotect) X(msync) X(mlock) X(munlock) X(madvise) \
	X(mlockall) X(munlockall) X(mlock2) X(mincore)
#define RV_SYSCALLS_PROC(X) \
	X(exit) X(exit_group) X(set_tid_address) X(futex) X(set_robust_list) X(get_robust_list) \
	X(nanosleep) X(clock_gettime) X(clock_getres) X(clock_nanosleep) X(sched_setaffinity) \
	X(sched_getaffinity) X(sched_yield) X(uname) X(getrlimit) X(setrlimit) X(prlimit64) \
	X(getrusage) X(prctl) X(gettimeofday) X(getpid) X(getppid) X(getuid) X(geteuid) X(getgid) \
	X(getegid) X(gettid) X(getresuid) X(getresgid) X(sysinfo) X(times) X(getpgid) X(setpgid) \
	X(getsid) X(setsid) X(getgroups) X(getrandom) X(clone) X(execve) X(wait4) X(getpriority) \
	X(setpriority) X(membarrier) X(riscv_flush_icache) X(enosys) X(setitimer) X(getitimer) \
	X(timer_create) X(timer_gettime) X(timer_getoverrun) X(timer_settime) X(timer_delete) \
	X(sched_getscheduler) X(sched_getparam) X(sched_get_priority_max) X(sched_get_priority_min) \
	X(getcpu) X(close_range) X(setuid) X(setgid) X(setreuid) X(setregid) X(setresuid) X(setresgid)
#define RV_SYSCALLS_SIGNAL(X) \
	X(kill) X(tkill) X(tgkill) X(sigaltstack) X(rt_sigsuspend) X(rt_sigaction) \
	X(rt_sigprocmask) X(rt_sigpending) X(rt_sigtimedwait) X(rt_sigreturn) X(rt_sigqueueinfo) \
	X(rt_tgsigqueueinfo)
#define RV_SYSCALLS_NET(X) \
	X(socket) X(socketpair) X(bind) X(listen) X(accept) X(accept4) X(connect) X(getsockname) \
	X(getpeername) X(sendto) X(recvfrom) X(setsockopt) X(getsockopt) X(shutdown) X(sendmsg) \
	X(recvmsg) X(sendmmsg) X(recvmmsg)
#define RV_SYSCALLS_EVENT(X) \
	X(pselect6) X(ppoll) X(epoll_create1) X(epoll_ctl) X(epoll_pwait) X(epoll_pwait2) X(eventfd2) \
	X(timerfd_create) X(timerfd_settime) X(timerfd_gettime) X(signalfd4) X(inotify_init1) \
	X(inotify_add_watch) X(inotify_rm_watch)
/* clang-format on */
RV_SYSCALLS_FS(RV_SYSCALL_DECL)
RV_SYSCALLS_MEM(RV_SYSCALL_DECL)
RV_SYSCALLS_PROC(RV_SYSCALL_DECL)
RV_SYSCALLS_SIGNAL(RV_SYSCALL_DECL)
RV_SYSCALLS_NET(RV_SYSCALL_DECL)
RV_SYSCALLS_EVENT(RV_SYSCALL_DECL)

struct iovec;
/* Host iovecs for a guest iovec array of count entries (same layout, host pointers); each buffer must
 * be accessible with prot. 0 (*out from malloc: free it) or -EINVAL/-EFAULT/-ENOMEM. */
long rv_guest_iov(struct rv_thread *t, uint64_t addr, uint64_t count, unsigned prot, struct iovec **out);

#endif
