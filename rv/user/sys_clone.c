/* Creating processes and threads: clone (threads on host threads, fork-like clones by forking the
 * host process), wait4. (execve: sys_exec.c.) */
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
		rv_signal_forget_pending(t);
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
