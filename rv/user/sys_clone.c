/* Creating processes and threads: clone (threads on host threads, fork-like clones by forking the
 * host process), execve (a RISC-V program re-runs karasu-rv), wait4. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rv/user/guest_copy.h"
#include "rv/user/runtime.h"
#include "rv/user/signal.h"
#include "rv/user/syscall.h"

#define R         RV_PROT_READ
#define W         RV_PROT_WRITE
#define RET(expr) rv_host_ret((long)(expr))

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
	int tid; /* the child's tid, or -1 if it could not start (read by the parent after the post) */
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
			(void)rv_guest_store_u32(t, s->ctid, (uint32_t)t->tid);
		}
		if (s->flags & CLONE_PARENT_SETTID) {
			(void)rv_guest_store_u32(t, s->ptid, (uint32_t)t->tid);
		}
	}
	int tid = t->tid;
	s->tid = tid;
	sem_post(&s->started); /* s is gone after this; t belongs to the parent if tid < 0 */
	if (tid < 0)
		return NULL;
	rv_thread_run(t);
	/* the thread has left the process's list: nothing refers to it any more */
	rv_thread_host_fini(t);
	free(t);
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
	if (s.tid < 0) {
		pthread_mutex_lock(&t->proc->lock);
		t->proc->nthreads--;
		pthread_mutex_unlock(&t->proc->lock);
		free(c);
		return -EAGAIN;
	}
	return s.tid; /* not c->tid: the child may already have ended and freed c */
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
		t->proc->threads = t; /* the other threads do not exist in the child */
		t->next = NULL;
		t->host_thread = pthread_self();
		pthread_mutex_init(&t->proc->lock, NULL); /* another thread may have held it at the fork */
		t->proc->opt.real_signal_death = true;
		rv_runtime_after_fork(t);
		if (newsp)
			t->cpu.x[2] = newsp;
		if (flags & CLONE_SETTLS)
			t->cpu.x[4] = tls;
		if (flags & CLONE_CHILD_SETTID) {
			(void)rv_guest_store_u32(t, ctid, (uint32_t)t->tid);
		}
		if (flags & CLONE_CHILD_CLEARTID)
			t->clear_child_tid = ctid;
		return 0;
	}
	if (flags & CLONE_PARENT_SETTID) {
		(void)rv_guest_store_u32(t, ptid, (uint32_t)pid);
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
	long r = rv_copy_string_from_guest(t, a[0], path, sizeof(path));
	if (r < 0)
		return r;
	if (strcmp(path, "/proc/self/exe") == 0)
		snprintf(path, sizeof(path), "%s", t->proc->exe_path);
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
			uint64_t slot;
			if (rv_copy_from_guest(t, &slot, base + 8 * i, 8) < 0) {
				r = -EFAULT;
				goto out;
			}
			if (slot == 0)
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
			if (rv_copy_string_from_guest(t, slot, s, PATH_MAX * 4) < 0) {
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
		size_t total = 5 + (size_t)rv_reexec_info.option_argc + 1 + count[0] + 1;
		char **args = calloc(total, sizeof(char *));
		if (!args)
			goto nomem;
		size_t k = 0;
		args[k++] = (char *)rv_reexec_info.self;
		args[k++] = "--real-signal-death";
		for (int i = 0; i < rv_reexec_info.option_argc; i++)
			args[k++] = rv_reexec_info.option_argv[i];
		if (count[0] > 0) {
			args[k++] = "--argv0";
			args[k++] = vec[0][0];
		}
		args[k++] = "--";
		args[k++] = path;
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
