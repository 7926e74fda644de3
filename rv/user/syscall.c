/* Syscall dispatch: a table indexed by the riscv64 syscall number. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rv/user/signal.h"
#include "rv/user/sys_hwprobe.h"
#include "rv/user/syscall.h"

struct syscall_def {
	const char *name;
	rv_syscall_fn fn;
	uint8_t nargs;
};

#define S(name, n)            [RV_NR_##name] = {#name, rv_sys_##name, n}
/* Calls that exist but karasu-rv answers with ENOSYS on purpose, silently (glibc has fallbacks). */
#define ENOSYS_QUIET(name, n) [RV_NR_##name] = {#name, rv_sys_enosys, n}

static const struct syscall_def table[RV_NR_MAX] = {
    S(getcwd, 2),
    S(dup, 1),
    S(dup3, 3),
    S(fcntl, 3),
    S(ioctl, 3),
    S(flock, 2),
    S(mknodat, 4),
    S(mkdirat, 3),
    S(unlinkat, 3),
    S(symlinkat, 3),
    S(linkat, 5),
    S(renameat, 4),
    S(renameat2, 5),
    S(statfs, 2),
    S(fstatfs, 2),
    S(truncate, 2),
    S(ftruncate, 2),
    S(fallocate, 4),
    S(faccessat, 3),
    S(faccessat2, 4),
    S(chdir, 1),
    S(fchdir, 1),
    S(fchmod, 2),
    S(fchmodat, 3),
    S(fchownat, 5),
    S(fchown, 3),
    S(openat, 4),
    S(close, 1),
    S(pipe2, 2),
    S(getdents64, 3),
    S(lseek, 3),
    S(read, 3),
    S(write, 3),
    S(readv, 3),
    S(writev, 3),
    S(pread64, 4),
    S(pwrite64, 4),
    S(preadv, 4),
    S(pwritev, 4),
    S(sendfile, 4),
    S(pselect6, 6),
    S(ppoll, 5),
    S(readlinkat, 4),
    S(newfstatat, 4),
    S(fstat, 2),
    S(sync, 0),
    S(fsync, 1),
    S(fdatasync, 1),
    S(utimensat, 4),
    S(statx, 5),
    S(umask, 1),
    S(fadvise64, 4),
    S(copy_file_range, 6),
    S(memfd_create, 2),
    S(preadv2, 6),
    S(pwritev2, 6),
    S(fchmodat2, 4),
    S(splice, 6),
    S(tee, 4),
    S(vmsplice, 4),
    S(sync_file_range, 4),
    S(syncfs, 1),
    S(readahead, 3),
    S(setxattr, 5),
    S(lsetxattr, 5),
    S(fsetxattr, 5),
    S(getxattr, 4),
    S(lgetxattr, 4),
    S(fgetxattr, 4),
    S(listxattr, 3),
    S(llistxattr, 3),
    S(flistxattr, 3),
    S(removexattr, 2),
    S(lremovexattr, 2),
    S(fremovexattr, 2),
    S(brk, 1),
    S(munmap, 2),
    S(mremap, 5),
    S(mmap, 6),
    S(mprotect, 3),
    S(msync, 3),
    S(mlock, 2),
    S(munlock, 2),
    S(madvise, 3),
    S(mlockall, 1),
    S(munlockall, 0),
    S(mlock2, 3),
    S(mincore, 3),
    S(exit, 1),
    S(exit_group, 1),
    S(set_tid_address, 1),
    S(futex, 6),
    S(set_robust_list, 2),
    S(get_robust_list, 3),
    S(nanosleep, 2),
    S(clock_gettime, 2),
    S(clock_getres, 2),
    S(clock_nanosleep, 4),
    S(sched_setaffinity, 3),
    S(sched_getaffinity, 3),
    S(sched_yield, 0),
    S(uname, 1),
    S(getrlimit, 2),
    S(setrlimit, 2),
    S(prlimit64, 4),
    S(getrusage, 2),
    S(prctl, 5),
    S(gettimeofday, 2),
    S(getpid, 0),
    S(getppid, 0),
    S(getuid, 0),
    S(geteuid, 0),
    S(getgid, 0),
    S(getegid, 0),
    S(gettid, 0),
    S(getresuid, 3),
    S(getresgid, 3),
    S(sysinfo, 1),
    S(times, 1),
    S(getpgid, 1),
    S(setpgid, 2),
    S(getsid, 1),
    S(setsid, 0),
    S(getgroups, 2),
    S(getrandom, 3),
    S(clone, 5),
    S(execve, 3),
    S(wait4, 4),
    S(getpriority, 2),
    S(setpriority, 3),
    S(membarrier, 3),
    S(riscv_flush_icache, 3),
    S(setitimer, 3),
    S(getitimer, 2),
    S(timer_create, 3),
    S(timer_gettime, 2),
    S(timer_getoverrun, 1),
    S(timer_settime, 4),
    S(timer_delete, 1),
    S(sched_getscheduler, 1),
    S(sched_getparam, 2),
    S(sched_get_priority_max, 1),
    S(sched_get_priority_min, 1),
    S(getcpu, 3),
    S(close_range, 3),
    S(setuid, 1),
    S(setgid, 1),
    S(setreuid, 2),
    S(setregid, 2),
    S(setresuid, 3),
    S(setresgid, 3),
    S(kill, 2),
    S(tkill, 2),
    S(tgkill, 3),
    S(sigaltstack, 2),
    S(rt_sigsuspend, 2),
    S(rt_sigaction, 4),
    S(rt_sigprocmask, 4),
    S(rt_sigpending, 2),
    S(rt_sigtimedwait, 4),
    S(rt_sigreturn, 0),
    S(rt_sigqueueinfo, 3),
    S(rt_tgsigqueueinfo, 4),
    S(socket, 3),
    S(socketpair, 4),
    S(bind, 3),
    S(listen, 2),
    S(accept, 3),
    S(accept4, 4),
    S(connect, 3),
    S(getsockname, 3),
    S(getpeername, 3),
    S(sendto, 6),
    S(recvfrom, 6),
    S(setsockopt, 5),
    S(getsockopt, 5),
    S(shutdown, 2),
    S(sendmsg, 3),
    S(recvmsg, 3),
    S(sendmmsg, 4),
    S(recvmmsg, 5),
    S(epoll_create1, 1),
    S(epoll_ctl, 4),
    S(epoll_pwait, 6),
    S(epoll_pwait2, 6),
    S(eventfd2, 2),
    S(timerfd_create, 2),
    S(timerfd_settime, 4),
    S(timerfd_gettime, 2),
    S(signalfd4, 4),
    S(inotify_init1, 1),
    S(inotify_add_watch, 3),
    S(inotify_rm_watch, 2),
    S(riscv_hwprobe, 5),
    /* glibc registers rseq at startup and, on ENOSYS, simply goes without it (sched_getcpu then asks
     * the kernel): there is no rseq area for the translator to maintain */
    ENOSYS_QUIET(rseq, 4),
    ENOSYS_QUIET(clone3, 2),
    ENOSYS_QUIET(waitid, 5),
};

/* Calls Linux restarts after an SA_RESTART handler (those that return -ERESTARTSYS). The socket calls
 * are restarted only without SO_RCVTIMEO/SO_SNDTIMEO on Linux (else EINTR), not told apart here. */
static const bool restartable[RV_NR_MAX] = {
    [RV_NR_read] = true,     [RV_NR_write] = true,           [RV_NR_readv] = true,    [RV_NR_writev] = true,
    [RV_NR_pread64] = true,  [RV_NR_pwrite64] = true,        [RV_NR_preadv] = true,   [RV_NR_pwritev] = true,
    [RV_NR_preadv2] = true,  [RV_NR_pwritev2] = true,        [RV_NR_openat] = true,   [RV_NR_wait4] = true,
    [RV_NR_ioctl] = true,    [RV_NR_fcntl] = true,           [RV_NR_flock] = true,    [RV_NR_futex] = true,
    [RV_NR_sendfile] = true, [RV_NR_copy_file_range] = true, [RV_NR_accept] = true,   [RV_NR_accept4] = true,
    [RV_NR_connect] = true,  [RV_NR_sendto] = true,          [RV_NR_recvfrom] = true, [RV_NR_sendmsg] = true,
    [RV_NR_recvmsg] = true,  [RV_NR_sendmmsg] = true,        [RV_NR_recvmmsg] = true, [RV_NR_splice] = true,
    [RV_NR_tee] = true,      [RV_NR_vmsplice] = true,
};

long rv_sys_enosys(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return -ENOSYS;
}

void *rv_guest_ptr(struct rv_thread *t, uint64_t addr, uint64_t len, unsigned prot)
{
	static uint8_t dummy;
	if (len == 0)
		return addr && addr <= t->cpu.mem_limit ? t->cpu.mem_base + addr : &dummy;
	if (!rv_mem_range_ok(&t->proc->mem, addr, len, prot))
		return NULL;
	if (prot & RV_PROT_WRITE) /* the host writes it: translated code there must not stay protected */
		rv_mem_code_unprotect(&t->proc->mem, addr, len);
	return t->cpu.mem_base + addr;
}

long rv_guest_string(struct rv_thread *t, uint64_t addr, char *buf, size_t len)
{
	long r = rv_mem_read_string(&t->proc->mem, addr, buf, len);
	return r < 0 ? r : 0;
}

void rv_syscall(struct rv_thread *t)
{
	struct rv_cpu *cpu = &t->cpu;
	struct rv_process *proc = t->proc;
	uint64_t nr = cpu->x[17];
	const uint64_t args[6] = {cpu->x[10], cpu->x[11], cpu->x[12], cpu->x[13], cpu->x[14], cpu->x[15]};
	const struct syscall_def *def = nr < RV_NR_MAX && table[nr].fn ? &table[nr] : NULL;

	__atomic_fetch_add(&proc->syscall_count, 1, __ATOMIC_RELAXED);
	/* the result goes to a0 after pc moves past the ecall (a signal frame must resume after it) */
	cpu->pc += 4;
	if (!def) {
		if (nr >= RV_NR_MAX ||
		    !__atomic_exchange_n(&proc->unknown_syscall_reported[nr], 1, __ATOMIC_RELAXED))
			fprintf(proc->log,
			        "karasu-rv: unsupported syscall %llu (a0=0x%llx): returning -ENOSYS\n",
			        (unsigned long long)nr, (unsigned long long)args[0]);
		rv_set_x(cpu, 10, (uint64_t)-ENOSYS);
		return;
	}
	if (proc->opt.strace && nr != RV_NR_exit && nr != RV_NR_exit_group && nr != RV_NR_rt_sigreturn) {
		/* printed before the call, so calls that block or do not return still show up */
		char line[256];
		int n = snprintf(line, sizeof(line), "[%d] %s(", t->tid, def->name);
		for (unsigned i = 0; i < def->nargs && n < (int)sizeof(line); i++)
			n += snprintf(line + n, sizeof(line) - (size_t)n, "%s0x%llx", i ? ", " : "",
			              (unsigned long long)args[i]);
		fprintf(proc->log, "%s)", line);
		fflush(proc->log);
	} else if (proc->opt.strace) {
		fprintf(proc->log, "[%d] %s(0x%llx)\n", t->tid, def->name, (unsigned long long)args[0]);
	}
	long ret = def->fn(t, args);
	if (nr == RV_NR_rt_sigreturn)
		return; /* registers were restored from the frame, a0 included */
	if (ret == -EINTR && restartable[nr] && rv_signal_restart_syscall(t)) {
		/* a guest signal interrupted a blocking call whose handler asks for SA_RESTART: back to
		 * the ecall, a0 untouched, so it runs again after the handler (Linux's -ERESTARTSYS) */
		cpu->pc -= 4;
		if (proc->opt.strace)
			fprintf(proc->log, " = ? (interrupted, will restart)\n");
		return;
	}
	if (proc->opt.strace) {
		if (ret < 0 && ret > -4096)
			fprintf(proc->log, " = -1 %s (%s)\n",
			        strerrorname_np((int)-ret) ? strerrorname_np((int)-ret) : "?",
			        strerror((int)-ret));
		else
			fprintf(proc->log, " = %ld (0x%lx)\n", ret, (unsigned long)ret);
	}
	rv_set_x(cpu, 10, (uint64_t)ret);
}
