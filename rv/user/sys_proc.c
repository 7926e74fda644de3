/* Process-wide state, thread bookkeeping, time and identity syscalls. */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "rv/user/guest_copy.h"
#include "rv/user/runtime.h"
#include "rv/user/signal.h"
#include "rv/user/syscall.h"

#define R         RV_PROT_READ
#define W         RV_PROT_WRITE
#define RET(expr) rv_host_ret((long)(expr))

long rv_sys_exit(struct rv_thread *t, const uint64_t *a)
{
	t->exited = true;
	t->exit_code = (int)(a[0] & 0xff);
	return 0;
}

long rv_sys_exit_group(struct rv_thread *t, const uint64_t *a)
{
	rv_process_exit(t, (int)(a[0] & 0xff));
}

long rv_sys_set_tid_address(struct rv_thread *t, const uint64_t *a)
{
	t->clear_child_tid = a[0];
	return t->tid;
}

long rv_sys_futex(struct rv_thread *t, const uint64_t *a)
{
	int op = (int)a[1];
	int cmd = op & FUTEX_CMD_MASK;
	if (a[0] & 3)
		return -EINVAL; /* checked first, as Linux does */
	uint32_t *uaddr = rv_guest_ptr(t, a[0], 4, R);
	if (!uaddr)
		return -EFAULT;
	void *arg4 = (void *)(uintptr_t)a[3]; /* timeout pointer, or val2 for requeue/wake_op */
	uint32_t *uaddr2 = NULL;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_WAIT_REQUEUE_PI:
		if (a[3] && !(arg4 = rv_guest_ptr(t, a[3], sizeof(struct timespec), R)))
			return -EFAULT;
		if (!a[3])
			arg4 = NULL;
		break;
	default: break;
	}
	switch (cmd) {
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
	case FUTEX_WAKE_OP:
	case FUTEX_CMP_REQUEUE_PI:
	case FUTEX_WAIT_REQUEUE_PI:
		if (!(uaddr2 = rv_guest_ptr(t, a[4], 4, R | W)))
			return -EFAULT;
		break;
	default: break;
	}
	/* guest futex words live in host memory at base + address: the host kernel does the waiting */
	return RET(syscall(SYS_futex, uaddr, op, (uint32_t)a[2], arg4, uaddr2, (uint32_t)a[5]));
}

long rv_sys_set_robust_list(struct rv_thread *t, const uint64_t *a)
{
	/* kept, not given to the host kernel: it would read guest pointers as host pointers */
	if (a[1] != 24)
		return -EINVAL;
	t->robust_list = a[0];
	t->robust_list_len = a[1];
	return 0;
}

long rv_sys_get_robust_list(struct rv_thread *t, const uint64_t *a)
{
	if (a[0] != 0 && (int)a[0] != t->tid)
		return -EPERM;
	if (rv_copy_to_guest(t, a[1], &t->robust_list, 8) < 0 ||
	    rv_copy_to_guest(t, a[2], &t->robust_list_len, 8) < 0)
		return -EFAULT;
	return 0;
}

long rv_sys_nanosleep(struct rv_thread *t, const uint64_t *a)
{
	const struct timespec *req = rv_guest_ptr(t, a[0], sizeof(*req), R);
	struct timespec *rem = NULL;
	if (!req || (a[1] && !(rem = rv_guest_ptr(t, a[1], sizeof(*rem), W))))
		return -EFAULT;
	return RET(nanosleep(req, rem));
}

long rv_sys_clock_nanosleep(struct rv_thread *t, const uint64_t *a)
{
	const struct timespec *req = rv_guest_ptr(t, a[2], sizeof(*req), R);
	struct timespec *rem = NULL;
	if (!req || (a[3] && !(rem = rv_guest_ptr(t, a[3], sizeof(*rem), W))))
		return -EFAULT;
	return -clock_nanosleep((clockid_t)a[0], (int)a[1], req, rem);
}

long rv_sys_clock_gettime(struct rv_thread *t, const uint64_t *a)
{
	/* into a copy: libc answers from the vDSO, in user space, where a guest page past the end of a
	 * mapped file would fault */
	struct timespec ts;
	if (!rv_guest_ptr(t, a[1], sizeof(ts), W))
		return -EFAULT;
	if (clock_gettime((clockid_t)a[0], &ts) != 0)
		return -errno;
	return rv_copy_to_guest(t, a[1], &ts, sizeof(ts));
}

long rv_sys_clock_getres(struct rv_thread *t, const uint64_t *a)
{
	struct timespec ts;
	if (a[1] && !rv_guest_ptr(t, a[1], sizeof(ts), W))
		return -EFAULT;
	if (clock_getres((clockid_t)a[0], &ts) != 0) /* (the vDSO, as clock_gettime) */
		return -errno;
	return a[1] ? rv_copy_to_guest(t, a[1], &ts, sizeof(ts)) : 0;
}

long rv_sys_gettimeofday(struct rv_thread *t, const uint64_t *a)
{
	struct timeval *tv = NULL;
	struct timezone *tz = NULL;
	if (a[0] && !(tv = rv_guest_ptr(t, a[0], sizeof(*tv), W)))
		return -EFAULT;
	if (a[1] && !(tz = rv_guest_ptr(t, a[1], sizeof(*tz), W)))
		return -EFAULT;
	return RET(syscall(SYS_gettimeofday, tv, tz));
}

long rv_sys_sched_setaffinity(struct rv_thread *t, const uint64_t *a)
{
	const void *mask = rv_guest_ptr(t, a[2], a[1], R);
	if (!mask)
		return -EFAULT;
	int tid = (int)a[0] == 0 ? t->tid : (int)a[0];
	return RET(syscall(SYS_sched_setaffinity, tid, (size_t)a[1], mask));
}

long rv_sys_sched_getaffinity(struct rv_thread *t, const uint64_t *a)
{
	void *mask = rv_guest_ptr(t, a[2], a[1], W);
	if (!mask)
		return -EFAULT;
	int tid = (int)a[0] == 0 ? t->tid : (int)a[0];
	return RET(syscall(SYS_sched_getaffinity, tid, (size_t)a[1], mask));
}

long rv_sys_sched_yield(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return RET(sched_yield());
}

long rv_sys_uname(struct rv_thread *t, const uint64_t *a)
{
	struct utsname u;
	if (uname(&u) != 0)
		return -errno;
	snprintf(u.machine, sizeof(u.machine), "riscv64");
	return rv_copy_to_guest(t, a[0], &u, sizeof(u));
}

long rv_sys_getrlimit(struct rv_thread *t, const uint64_t *a)
{
	struct rlimit *r = rv_guest_ptr(t, a[1], sizeof(*r), W);
	if (!r)
		return -EFAULT;
	return RET(getrlimit((int)a[0], r));
}

long rv_sys_setrlimit(struct rv_thread *t, const uint64_t *a)
{
	const struct rlimit *r = rv_guest_ptr(t, a[1], sizeof(*r), R);
	if (!r)
		return -EFAULT;
	/* the host's address-space limits are karasu-rv's, not the guest's */
	if ((int)a[0] == RLIMIT_AS || (int)a[0] == RLIMIT_DATA || (int)a[0] == RLIMIT_STACK)
		return 0;
	return RET(setrlimit((int)a[0], r));
}

long rv_sys_prlimit64(struct rv_thread *t, const uint64_t *a)
{
	struct rlimit *old = NULL;
	const struct rlimit *n = NULL;
	if (a[3] && !(old = rv_guest_ptr(t, a[3], sizeof(*old), W)))
		return -EFAULT;
	if (a[2] && !(n = rv_guest_ptr(t, a[2], sizeof(*n), R)))
		return -EFAULT;
	int res = (int)a[1];
	if (n && (res == RLIMIT_AS || res == RLIMIT_DATA || res == RLIMIT_STACK))
		n = NULL; /* see setrlimit */
	return RET(syscall(SYS_prlimit64, (pid_t)a[0], res, n, old));
}

long rv_sys_getrusage(struct rv_thread *t, const uint64_t *a)
{
	struct rusage *r = rv_guest_ptr(t, a[1], sizeof(*r), W);
	if (!r)
		return -EFAULT;
	return RET(getrusage((int)a[0], r));
}

long rv_sys_times(struct rv_thread *t, const uint64_t *a)
{
	struct tms *b = NULL;
	if (a[0] && !(b = rv_guest_ptr(t, a[0], sizeof(*b), W)))
		return -EFAULT;
	return RET(syscall(SYS_times, b));
}

long rv_sys_sysinfo(struct rv_thread *t, const uint64_t *a)
{
	struct sysinfo *s = rv_guest_ptr(t, a[0], sizeof(*s), W);
	if (!s)
		return -EFAULT;
	return RET(sysinfo(s));
}

long rv_sys_prctl(struct rv_thread *t, const uint64_t *a)
{
	switch ((int)a[0]) {
	case PR_SET_NAME:
	case PR_GET_NAME: {
		char *name = rv_guest_ptr(t, a[1], 16, (int)a[0] == PR_SET_NAME ? R : W);
		if (!name)
			return -EFAULT;
		return RET(prctl((int)a[0], name, 0, 0, 0));
	}
	default: return -EINVAL;
	}
}

long rv_sys_getpid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return getpid();
}
long rv_sys_getppid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return getppid();
}
long rv_sys_getuid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return getuid();
}
long rv_sys_geteuid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return geteuid();
}
long rv_sys_getgid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return getgid();
}
long rv_sys_getegid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return getegid();
}
long rv_sys_gettid(struct rv_thread *t, const uint64_t *a)
{
	(void)a;
	return t->tid;
}

long rv_sys_getresuid(struct rv_thread *t, const uint64_t *a)
{
	uid_t *r = rv_guest_ptr(t, a[0], 4, W), *e = rv_guest_ptr(t, a[1], 4, W),
	      *s = rv_guest_ptr(t, a[2], 4, W);
	if (!r || !e || !s)
		return -EFAULT;
	return RET(getresuid(r, e, s));
}

long rv_sys_getresgid(struct rv_thread *t, const uint64_t *a)
{
	gid_t *r = rv_guest_ptr(t, a[0], 4, W), *e = rv_guest_ptr(t, a[1], 4, W),
	      *s = rv_guest_ptr(t, a[2], 4, W);
	if (!r || !e || !s)
		return -EFAULT;
	return RET(getresgid(r, e, s));
}

long rv_sys_getgroups(struct rv_thread *t, const uint64_t *a)
{
	gid_t *list = rv_guest_ptr(t, a[1], a[0] * sizeof(gid_t), W);
	if (!list)
		return -EFAULT;
	return RET(getgroups((int)a[0], list));
}

long rv_sys_getpgid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(getpgid((pid_t)a[0]));
}
long rv_sys_setpgid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(setpgid((pid_t)a[0], (pid_t)a[1]));
}
long rv_sys_getsid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(getsid((pid_t)a[0]));
}
long rv_sys_setsid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return RET(setsid());
}
long rv_sys_getpriority(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	/* the raw syscall returns 20 - nice, never negative */
	return RET(syscall(SYS_getpriority, (int)a[0], (id_t)a[1]));
}
long rv_sys_setpriority(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(setpriority((int)a[0], (id_t)a[1], (int)a[2]));
}

long rv_sys_getrandom(struct rv_thread *t, const uint64_t *a)
{
	void *buf = rv_guest_ptr(t, a[0], a[1], W);
	if (!buf)
		return -EFAULT;
	return RET(getrandom(buf, (size_t)a[1], (unsigned)a[2]));
}

long rv_sys_membarrier(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	(void)a;
	return -ENOSYS;
}

long rv_sys_riscv_flush_icache(struct rv_thread *t, const uint64_t *a)
{
	(void)a;
	rv_runtime_code_changed(t, 0, t->proc->mem.limit);
	return 0;
}

long rv_sys_setitimer(struct rv_thread *t, const uint64_t *a)
{
	const struct itimerval *n = rv_guest_ptr(t, a[1], sizeof(*n), R);
	struct itimerval *old = NULL;
	if (!n || (a[2] && !(old = rv_guest_ptr(t, a[2], sizeof(*old), W))))
		return -EFAULT;
	return RET(setitimer((int)a[0], n, old));
}

long rv_sys_getitimer(struct rv_thread *t, const uint64_t *a)
{
	struct itimerval *v = rv_guest_ptr(t, a[1], sizeof(*v), W);
	if (!v)
		return -EFAULT;
	return RET(getitimer((int)a[0], v));
}

/* POSIX timers: the host's, with the guest's struct sigevent (the same 64-byte layout). A timer that
 * signals the process raises a host signal, which reaches the guest as any host signal does. Only
 * SIGEV_SIGNAL, SIGEV_NONE and SIGEV_THREAD_ID (host tids are guest tids) make sense here. */
long rv_sys_timer_create(struct rv_thread *t, const uint64_t *a)
{
	const void *sev = NULL;
	if (a[1] && !(sev = rv_guest_ptr(t, a[1], 64, R)))
		return -EFAULT;
	int *id = rv_guest_ptr(t, a[2], sizeof(int), W);
	if (!id)
		return -EFAULT;
	return RET(syscall(SYS_timer_create, (clockid_t)a[0], sev, id));
}

long rv_sys_timer_gettime(struct rv_thread *t, const uint64_t *a)
{
	struct itimerspec *v = rv_guest_ptr(t, a[1], sizeof(*v), W);
	if (!v)
		return -EFAULT;
	return RET(syscall(SYS_timer_gettime, (int)a[0], v));
}

long rv_sys_timer_getoverrun(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_timer_getoverrun, (int)a[0]));
}

long rv_sys_timer_settime(struct rv_thread *t, const uint64_t *a)
{
	const struct itimerspec *n = rv_guest_ptr(t, a[2], sizeof(*n), R);
	struct itimerspec *old = NULL;
	if (!n || (a[3] && !(old = rv_guest_ptr(t, a[3], sizeof(*old), W))))
		return -EFAULT;
	return RET(syscall(SYS_timer_settime, (int)a[0], (int)a[1], n, old));
}

long rv_sys_timer_delete(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_timer_delete, (int)a[0]));
}

long rv_sys_sched_getscheduler(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_sched_getscheduler, (pid_t)a[0]));
}

long rv_sys_sched_getparam(struct rv_thread *t, const uint64_t *a)
{
	int *param = rv_guest_ptr(t, a[1], sizeof(int), W);
	if (!param)
		return -EFAULT;
	return RET(syscall(SYS_sched_getparam, (pid_t)a[0], param));
}

long rv_sys_sched_get_priority_max(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_sched_get_priority_max, (int)a[0]));
}

long rv_sys_sched_get_priority_min(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_sched_get_priority_min, (int)a[0]));
}

long rv_sys_getcpu(struct rv_thread *t, const uint64_t *a)
{
	unsigned *cpu = NULL, *node = NULL;
	if (a[0] && !(cpu = rv_guest_ptr(t, a[0], sizeof(unsigned), W)))
		return -EFAULT;
	if (a[1] && !(node = rv_guest_ptr(t, a[1], sizeof(unsigned), W)))
		return -EFAULT;
	return RET(syscall(SYS_getcpu, cpu, node, NULL));
}

long rv_sys_close_range(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_close_range, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]));
}

/* Credentials: raw syscalls, which (as on Linux) change only the calling thread; a multi-threaded
 * guest's glibc broadcasts the change to its other threads itself (SIGSETXID). */
long rv_sys_setuid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_setuid, (uid_t)a[0]));
}

long rv_sys_setgid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_setgid, (gid_t)a[0]));
}

long rv_sys_setreuid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_setreuid, (uid_t)a[0], (uid_t)a[1]));
}

long rv_sys_setregid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_setregid, (gid_t)a[0], (gid_t)a[1]));
}

long rv_sys_setresuid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_setresuid, (uid_t)a[0], (uid_t)a[1], (uid_t)a[2]));
}

long rv_sys_setresgid(struct rv_thread *t, const uint64_t *a)
{
	(void)t;
	return RET(syscall(SYS_setresgid, (gid_t)a[0], (gid_t)a[1], (gid_t)a[2]));
}
