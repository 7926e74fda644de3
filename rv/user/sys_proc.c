/* Process, thread, time and identity syscalls. */
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

#include "rv/user/runtime.h"
#include "rv/user/signal.h"
#include "rv/user/syscall.h"

#define R RV_PROT_READ
#define W RV_PROT_WRITE
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
	uint32_t *uaddr = rv_guest_ptr(t, a[0], 4, R);
	if (!uaddr || (a[0] & 3))
		return uaddr ? -EINVAL : -EFAULT;
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
	uint64_t *head = rv_guest_ptr(t, a[1], 8, W), *len = rv_guest_ptr(t, a[2], 8, W);
	if (!head || !len)
		return -EFAULT;
	*head = t->robust_list;
	*len = t->robust_list_len;
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
	struct timespec *ts = rv_guest_ptr(t, a[1], sizeof(*ts), W);
	if (!ts)
		return -EFAULT;
	return RET(clock_gettime((clockid_t)a[0], ts));
}

long rv_sys_clock_getres(struct rv_thread *t, const uint64_t *a)
{
	struct timespec *ts = NULL;
	if (a[1] && !(ts = rv_guest_ptr(t, a[1], sizeof(*ts), W)))
		return -EFAULT;
	return RET(clock_getres((clockid_t)a[0], ts));
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
	struct utsname *u = rv_guest_ptr(t, a[0], sizeof(*u), W);
	if (!u)
		return -EFAULT;
	if (uname(u) != 0)
		return -errno;
	snprintf(u->machine, sizeof(u->machine), "riscv64");
	return 0;
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
	uid_t *r = rv_guest_ptr(t, a[0], 4, W), *e = rv_guest_ptr(t, a[1], 4, W), *s = rv_guest_ptr(t, a[2], 4, W);
	if (!r || !e || !s)
		return -EFAULT;
	return RET(getresuid(r, e, s));
}

long rv_sys_getresgid(struct rv_thread *t, const uint64_t *a)
{
	gid_t *r = rv_guest_ptr(t, a[0], 4, W), *e = rv_guest_ptr(t, a[1], 4, W), *s = rv_guest_ptr(t, a[2], 4, W);
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

long rv_sys_wait4(struct rv_thread *t, const uint64_t *a)
{
	int *status = NULL;
	struct rusage *ru = NULL;
	if (a[1] && !(status = rv_guest_ptr(t, a[1], sizeof(int), W)))
		return -EFAULT;
	if (a[3] && !(ru = rv_guest_ptr(t, a[3], sizeof(*ru), W)))
		return -EFAULT;
	return RET(wait4((pid_t)a[0], status, (int)a[2], ru));
}

/* ---- clone: threads (CLONE_VM | CLONE_THREAD) run on new host threads; fork-like clones fork the host
 * process (CLONE_VFORK: the parent waits until the child execs or exits, as vfork). */

struct thread_start {
	struct rv_thread *child;
	sem_t started;
	uint64_t flags, ptid, ctid;
};

static void *thread_main(void *arg)
{
	struct thread_start *s = arg;
	struct rv_thread *t = s->child;
	t->tid = (int)syscall(SYS_gettid);
	if (rv_thread_host_init(t) != 0)
		t->tid = -1;
	if (t->tid > 0) {
		if (s->flags & CLONE_CHILD_SETTID) {
			uint32_t *p = rv_guest_ptr(t, s->ctid, 4, W);
			if (p)
				*p = (uint32_t)t->tid;
		}
		if (s->flags & CLONE_PARENT_SETTID) {
			uint32_t *p = rv_guest_ptr(t, s->ptid, 4, W);
			if (p)
				*p = (uint32_t)t->tid;
		}
	}
	int tid = t->tid;
	sem_post(&s->started); /* s is gone after this */
	if (tid < 0)
		return NULL;
	rv_thread_run(t);
	return NULL;
}

static long clone_thread(struct rv_thread *t, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t tls,
			 uint64_t ctid)
{
	const uint64_t needed = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
	if ((flags & needed) != needed)
		return -EINVAL;
	struct rv_thread *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cpu = t->cpu; /* pc is already past the ecall */
	c->cpu.x[10] = 0;
	if (newsp)
		c->cpu.x[2] = newsp;
	if (flags & CLONE_SETTLS)
		c->cpu.x[4] = tls;
	c->cpu.resv_valid = 0;
	c->cpu.insn_count = 0;
	c->cpu.interrupt_request = 0;
	c->proc = t->proc;
	c->sigmask = t->sigmask;
	c->altstack_flags = SS_DISABLE;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = ctid;

	struct thread_start s = {.child = c, .flags = flags, .ptid = ptid, .ctid = ctid};
	sem_init(&s.started, 0, 0);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 1u << 20);
	pthread_mutex_lock(&t->proc->lock);
	t->proc->nthreads++;
	pthread_mutex_unlock(&t->proc->lock);
	pthread_t th;
	int err = pthread_create(&th, &attr, thread_main, &s);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		pthread_mutex_lock(&t->proc->lock);
		t->proc->nthreads--;
		pthread_mutex_unlock(&t->proc->lock);
		free(c);
		sem_destroy(&s.started);
		return -err;
	}
	while (sem_wait(&s.started) != 0)
		;
	sem_destroy(&s.started);
	return c->tid < 0 ? -EAGAIN : c->tid;
}

static long clone_process(struct rv_thread *t, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t tls,
			  uint64_t ctid)
{
	int vfork_pipe[2] = {-1, -1};
	if ((flags & CLONE_VFORK) && pipe2(vfork_pipe, O_CLOEXEC) != 0)
		return -errno;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (vfork_pipe[0] >= 0) {
			close(vfork_pipe[0]);
			close(vfork_pipe[1]);
		}
		return -e;
	}
	if (pid == 0) {
		if (vfork_pipe[0] >= 0)
			close(vfork_pipe[0]); /* the write end closes on exec or exit */
		t->tid = getpid();
		t->proc->nthreads = 1;
		if (newsp)
			t->cpu.x[2] = newsp;
		if (flags & CLONE_SETTLS)
			t->cpu.x[4] = tls;
		if (flags & CLONE_CHILD_SETTID) {
			uint32_t *p = rv_guest_ptr(t, ctid, 4, W);
			if (p)
				*p = (uint32_t)t->tid;
		}
		if (flags & CLONE_CHILD_CLEARTID)
			t->clear_child_tid = ctid;
		return 0;
	}
	if (flags & CLONE_PARENT_SETTID) {
		uint32_t *p = rv_guest_ptr(t, ptid, 4, W);
		if (p)
			*p = (uint32_t)pid;
	}
	if (vfork_pipe[0] >= 0) {
		close(vfork_pipe[1]);
		char c;
		while (read(vfork_pipe[0], &c, 1) < 0 && errno == EINTR)
			;
		close(vfork_pipe[0]);
	}
	return pid;
}

long rv_sys_clone(struct rv_thread *t, const uint64_t *a)
{
	/* riscv64 argument order: flags, newsp, parent_tid, tls, child_tid */
	uint64_t flags = a[0];
	if (flags & CLONE_VM && !(flags & CLONE_VFORK))
		return clone_thread(t, flags, a[1], a[2], a[3], a[4]);
	return clone_process(t, flags, a[1], a[2], a[3], a[4]);
}

/* execve: a RISC-V ELF runs under a fresh karasu-rv (same options); anything else is the host's. */
long rv_sys_execve(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = rv_guest_string(t, a[0], path, sizeof(path));
	if (r < 0)
		return r;
	/* gather argv and envp */
	char **vec[2] = {NULL, NULL};
	size_t count[2] = {0, 0};
	for (int v = 0; v < 2; v++) {
		uint64_t base = a[1 + v];
		size_t cap = 16;
		vec[v] = calloc(cap, sizeof(char *));
		if (!vec[v])
			goto nomem;
		for (size_t i = 0; base; i++) {
			const uint64_t *slot = rv_guest_ptr(t, base + 8 * i, 8, R);
			if (!slot) {
				r = -EFAULT;
				goto out;
			}
			if (*slot == 0)
				break;
			if (count[v] + 2 >= cap) {
				cap *= 2;
				char **n = realloc(vec[v], cap * sizeof(char *));
				if (!n)
					goto nomem;
				vec[v] = n;
			}
			char *s = malloc(PATH_MAX * 4);
			if (!s)
				goto nomem;
			if (rv_guest_string(t, *slot, s, PATH_MAX * 4) < 0) {
				free(s);
				r = -EFAULT;
				goto out;
			}
			vec[v][count[v]++] = s;
			vec[v][count[v]] = NULL;
		}
	}
	unsigned char head[20] = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	bool riscv = n >= 20 && memcmp(head, "\177ELF", 4) == 0 && head[18] == 243 && head[19] == 0;
	fflush(NULL);
	if (riscv) {
		size_t total = 2 + (size_t)rv_reexec_info.option_argc + 1 + count[0] + 1;
		char **args = calloc(total, sizeof(char *));
		if (!args)
			goto nomem;
		size_t k = 0;
		args[k++] = (char *)rv_reexec_info.self;
		for (int i = 0; i < rv_reexec_info.option_argc; i++)
			args[k++] = rv_reexec_info.option_argv[i];
		args[k++] = "--";
		args[k++] = path;
		/* the guest's argv[0] is lost: karasu-rv passes PROGRAM as argv[0] */
		for (size_t i = 1; i < count[0]; i++)
			args[k++] = vec[0][i];
		args[k] = NULL;
		execve("/proc/self/exe", args, vec[1]);
		r = -errno;
		free(args);
	} else {
		execve(path, vec[0], vec[1]);
		r = -errno;
	}
	goto out;
nomem:
	r = -ENOMEM;
out:
	for (int v = 0; v < 2; v++) {
		for (size_t i = 0; vec[v] && i < count[v]; i++)
			free(vec[v][i]);
		free(vec[v]);
	}
	return r;
}
