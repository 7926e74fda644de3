/* signalfd4 for emulated guest signals.
 *
 * Guest signals are karasu-rv's own bookkeeping (signal.c): one a program sends itself never becomes a
 * host signal, so a host signalfd would not see it. A guest signalfd is therefore a host socket that
 * karasu-rv makes readable while one of its signals is pending for the guest, which poll, select and
 * epoll (host calls on the guest's descriptor) then see; read(2) on it is answered here, taking the
 * signals off the guest's pending sets and returning struct signalfd_siginfo records.
 *
 * The socket is an AF_UNIX datagram socket connected to itself (autobound, so nobody else can send to
 * it): "readable" is one queued byte. karasu-rv keeps a descriptor of its own of the socket (close-on-
 * exec, at a high number) to send and drain that byte, so whatever the guest does with its descriptors
 * (dup, close, fork) the socket stays reachable. Every descriptor of the socket is recognised by the
 * socket's inode number.
 *
 * Setting the byte happens wherever a signal becomes pending, host signal handlers included, so it is
 * lock-free: an atomic flag says whether the byte is queued. Clearing happens in normal context after
 * signals were consumed, under a lock, and looks at the pending signals again afterwards, so a signal
 * that arrived meanwhile sets the byte again.
 *
 * Limits: the readiness of a signalfd shared with a fork child (or passed to another process) mixes
 * both processes' signals; a signalfd that survives execve is a plain socket in the new program. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "rv/user/guest_copy.h"
#include "rv/user/signal.h"
#include "rv/user/sys_event.h"
#include "rv/user/syscall.h"

#define MAX_SIGNALFDS       64
#define SIGNALFD_INFO_SIZE  128 /* struct signalfd_siginfo */
#define GUEST_SIGSET_SIZE   8
#define RV_SFD_CLOEXEC      02000000 /* = O_CLOEXEC = SOCK_CLOEXEC on riscv64 and x86-64 */
#define RV_SFD_NONBLOCK     04000    /* = O_NONBLOCK = SOCK_NONBLOCK */
#define OWN_FD_FROM_TOP     64       /* karasu-rv's descriptors go this far below RLIMIT_NOFILE (or 1024) */
#define OWN_FD_HIGHEST_BASE 1024

/* struct signalfd_siginfo offsets (fixed-size fields, the same on every architecture) */
#define SSI_SIGNO   0
#define SSI_CODE    8
#define SSI_PID     12
#define SSI_UID     16
#define SSI_TID     24
#define SSI_OVERRUN 32
#define SSI_STATUS  40
#define SSI_INT     44
#define SSI_PTR     48
#define SSI_ADDR    72

struct signalfd_slot {
	int used;   /* atomic: the fields below are valid (set last, cleared first) */
	int own_fd; /* karasu-rv's descriptor of the socket */
	dev_t dev;  /* the socket's identity */
	ino_t ino;
	uint64_t mask; /* atomic: the signals it reports */
	int ready;     /* atomic: the readiness byte is queued */
};

static struct signalfd_slot slots[MAX_SIGNALFDS];
static int slots_used; /* atomic: the hooks do nothing while it is 0 */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void reset_lock_in_child(void)
{
	pthread_mutex_init(&slots_lock, NULL); /* another thread may have held it at the fork */
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, reset_lock_in_child);
}

static bool any_signalfd(void)
{
	return __atomic_load_n(&slots_used, __ATOMIC_ACQUIRE) != 0;
}

/* The own descriptor still is the socket (the guest may have closed or replaced that number with
 * close_range or dup2): never send a byte into someone else's file. Async-signal-safe. */
static bool own_fd_intact(const struct signalfd_slot *s)
{
	struct stat st;
	return fstat(s->own_fd, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino;
}

/* Makes the signalfd readable. Async-signal-safe. */
static void set_ready(struct signalfd_slot *s)
{
	if (__atomic_exchange_n(&s->ready, 1, __ATOMIC_SEQ_CST))
		return;
	if (own_fd_intact(s)) {
		char byte = 0;
		(void)send(s->own_fd, &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}

static uint64_t pending_for(struct rv_thread *t)
{
	return __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) |
	       __atomic_load_n(&t->proc->pending, __ATOMIC_SEQ_CST);
}

/* Brings one signalfd's readiness in line with the pending signals. Called with slots_lock held. */
static void recheck_slot(struct rv_thread *t, struct signalfd_slot *s)
{
	uint64_t mask = __atomic_load_n(&s->mask, __ATOMIC_SEQ_CST);
	if (pending_for(t) & mask) {
		set_ready(s);
		return;
	}
	if (!__atomic_load_n(&s->ready, __ATOMIC_SEQ_CST))
		return;
	if (own_fd_intact(s)) {
		char buf[16];
		while (recv(s->own_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
	__atomic_store_n(&s->ready, 0, __ATOMIC_SEQ_CST);
	/* a signal that became pending while the byte was drained found the flag still set */
	if (pending_for(t) & mask)
		set_ready(s);
}

void rv_signalfd_notify(uint64_t bits)
{
	if (!any_signalfd())
		return;
	for (int i = 0; i < MAX_SIGNALFDS; i++) {
		struct signalfd_slot *s = &slots[i];
		if (__atomic_load_n(&s->used, __ATOMIC_ACQUIRE) &&
		    (__atomic_load_n(&s->mask, __ATOMIC_SEQ_CST) & bits))
			set_ready(s);
	}
}

void rv_signalfd_recheck(struct rv_thread *t)
{
	if (!any_signalfd())
		return;
	pthread_mutex_lock(&slots_lock);
	for (int i = 0; i < MAX_SIGNALFDS; i++)
		if (slots[i].used)
			recheck_slot(t, &slots[i]);
	pthread_mutex_unlock(&slots_lock);
}

uint64_t rv_signalfd_watched(void)
{
	uint64_t watched = 0;
	if (!any_signalfd())
		return 0;
	for (int i = 0; i < MAX_SIGNALFDS; i++)
		if (__atomic_load_n(&slots[i].used, __ATOMIC_ACQUIRE))
			watched |= __atomic_load_n(&slots[i].mask, __ATOMIC_SEQ_CST);
	return watched;
}

/* The slot of the socket behind fd (a guest descriptor), or NULL. Called with slots_lock held. */
static struct signalfd_slot *slot_of_fd(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return NULL;
	for (int i = 0; i < MAX_SIGNALFDS; i++)
		if (slots[i].used && slots[i].dev == st.st_dev && slots[i].ino == st.st_ino)
			return &slots[i];
	return NULL;
}

/* A descriptor number for karasu-rv's own use, above the ones programs usually get. */
static int own_descriptor(int fd)
{
	struct rlimit rl;
	rlim_t top = OWN_FD_HIGHEST_BASE;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < top)
		top = rl.rlim_cur;
	int floor = top > 2 * OWN_FD_FROM_TOP ? (int)(top - OWN_FD_FROM_TOP) : 3;
	int own = fcntl(fd, F_DUPFD_CLOEXEC, floor);
	return own >= 0 ? own : fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

/* Connects a datagram socket to itself: bound to an autobind name (a unique abstract one), so that
 * only the socket itself can send to it. 0 or -1 (errno). */
static int connect_to_itself(int fd)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (bind(fd, (struct sockaddr *)&addr, sizeof(sa_family_t)) != 0)
		return -1;
	socklen_t len = sizeof(addr);
	if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
		return -1;
	return connect(fd, (struct sockaddr *)&addr, len);
}

/* A new socket for a signalfd: the guest's descriptor, or -errno. */
static int new_signalfd_socket(int flags, int *own, struct stat *st)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | flags, 0);
	if (fd < 0)
		return -errno;
	if (connect_to_itself(fd) != 0 || fstat(fd, st) != 0 || (*own = own_descriptor(fd)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

long rv_sys_signalfd4(struct rv_thread *t, const uint64_t *a)
{
	int fd = (int)a[0], flags = (int)a[3];
	if (a[2] != GUEST_SIGSET_SIZE || (flags & ~(RV_SFD_CLOEXEC | RV_SFD_NONBLOCK)))
		return -EINVAL;
	uint64_t mask;
	if (rv_copy_from_guest(t, &mask, a[1], sizeof(mask)) < 0)
		return -EFAULT;
	mask &= ~(rv_sigbit(SIGKILL) | rv_sigbit(SIGSTOP));
	pthread_once(&atfork_once, register_atfork);
	uint64_t watched_before = rv_signalfd_watched();
	pthread_mutex_lock(&slots_lock);
	long ret;
	struct signalfd_slot *s = NULL;
	if (fd != -1) { /* a new mask for an existing signalfd */
		s = slot_of_fd(fd);
		ret = s ? fd : (fcntl(fd, F_GETFD) < 0 ? -EBADF : -EINVAL);
		if (s)
			__atomic_store_n(&s->mask, mask, __ATOMIC_SEQ_CST);
	} else {
		for (int i = 0; i < MAX_SIGNALFDS && !s; i++)
			if (!slots[i].used)
				s = &slots[i];
		struct stat st;
		int own = -1;
		ret = s ? new_signalfd_socket(flags, &own, &st) : -ENOMEM;
		if (ret >= 0) {
			s->own_fd = own;
			s->dev = st.st_dev;
			s->ino = st.st_ino;
			s->ready = 0;
			__atomic_store_n(&s->mask, mask, __ATOMIC_SEQ_CST);
			__atomic_store_n(&s->used, 1, __ATOMIC_RELEASE);
			__atomic_fetch_add(&slots_used, 1, __ATOMIC_RELEASE);
		} else {
			s = NULL;
		}
	}
	if (s)
		recheck_slot(t, s);
	pthread_mutex_unlock(&slots_lock);
	uint64_t changed = watched_before ^ rv_signalfd_watched();
	if (changed)
		rv_signal_refresh_host_dispositions(t->proc, changed);
	return ret;
}

/* True if a descriptor other than skip still refers to the slot's socket. */
static bool socket_still_open(const struct signalfd_slot *s)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return true; /* cannot tell: keep it */
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(dir))) {
		int fd = atoi(e->d_name);
		struct stat st;
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == s->own_fd || fd == dirfd(dir))
			continue;
		found = fstat(fd, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino;
	}
	closedir(dir);
	return found;
}

bool rv_signalfd_close(int fd, long *ret)
{
	if (!any_signalfd())
		return false;
	bool handled = false;
	uint64_t watched_before = rv_signalfd_watched();
	pthread_mutex_lock(&slots_lock);
	for (int i = 0; i < MAX_SIGNALFDS && !handled; i++)
		if (slots[i].used && slots[i].own_fd == fd && own_fd_intact(&slots[i])) {
			*ret = -EBADF; /* karasu-rv's own: the guest never opened it */
			handled = true;
		}
	struct signalfd_slot *s = handled ? NULL : slot_of_fd(fd);
	if (s) {
		handled = true;
		*ret = close(fd) == 0 ? 0 : -errno;
		if (!socket_still_open(s)) {
			__atomic_store_n(&s->used, 0, __ATOMIC_SEQ_CST);
			__atomic_fetch_sub(&slots_used, 1, __ATOMIC_RELEASE);
			close(s->own_fd);
		}
	}
	pthread_mutex_unlock(&slots_lock);
	uint64_t changed = watched_before ^ rv_signalfd_watched();
	if (changed && rv_current_thread)
		rv_signal_refresh_host_dispositions(rv_current_thread->proc, changed);
	return handled;
}

/* Converts a guest siginfo (rv_signal_dequeue) into a struct signalfd_siginfo, as Linux fills it by the
 * kind of signal. */
static void to_signalfd_info(const uint8_t *info, uint8_t *out)
{
	int32_t signo, code;
	uint64_t addr, value;
	memcpy(&signo, info, 4);
	memcpy(&code, info + 8, 4);
	memcpy(&addr, info + 16, 8);
	memcpy(&value, info + 24, 8);
	memset(out, 0, SIGNALFD_INFO_SIZE);
	memcpy(out + SSI_SIGNO, &signo, 4);
	memcpy(out + SSI_CODE, &code, 4);
	bool fault = code > 0 && (signo == SIGSEGV || signo == SIGBUS || signo == SIGILL || signo == SIGFPE ||
	                          signo == SIGTRAP);
	if (fault) {
		memcpy(out + SSI_ADDR, &addr, 8);
		return;
	}
	/* kill, tkill, sigqueue, SIGCHLD: sender pid and uid; a timer: its id and overrun there */
	memcpy(out + (code == SI_TIMER ? SSI_TID : SSI_PID), info + 16, 4);
	memcpy(out + (code == SI_TIMER ? SSI_OVERRUN : SSI_UID), info + 20, 4);
	if (signo == SIGCHLD && code > 0)
		memcpy(out + SSI_STATUS, info + 24, 4); /* a child's exit status or signal */
	if (code == SI_QUEUE || code == SI_TIMER || code == SI_MESGQ) {
		int32_t as_int = (int32_t)value;
		memcpy(out + SSI_INT, &as_int, 4);
		memcpy(out + SSI_PTR, &value, 8);
	}
}

/* Waits until a signal of mask is pending or a guest signal interrupts (-EINTR); fd is the guest's
 * descriptor of the slot's socket. */
static long wait_for_signal(struct rv_thread *t, struct signalfd_slot *s, int fd, uint64_t mask)
{
	struct rv_wait w;
	rv_wait_begin(t, &w, NULL);
	long r = 0;
	if (!(pending_for(t) & mask)) {
		if (rv_signal_interrupts_wait(t)) {
			r = -EINTR;
		} else {
			pthread_mutex_lock(&slots_lock);
			if (__atomic_load_n(&s->used, __ATOMIC_ACQUIRE))
				recheck_slot(t, s); /* no stale byte: the wait below must block */
			pthread_mutex_unlock(&slots_lock);
			struct pollfd p = {.fd = fd, .events = POLLIN};
			ppoll(&p, 1, NULL, &w.host_mask);
		}
	}
	return rv_wait_end(t, &w, r);
}

bool rv_signalfd_read(struct rv_thread *t, int fd, uint64_t buf, uint64_t len, long *ret)
{
	if (!any_signalfd())
		return false;
	pthread_mutex_lock(&slots_lock);
	struct signalfd_slot *s = slot_of_fd(fd);
	pthread_mutex_unlock(&slots_lock);
	if (!s)
		return false;
	if (len < SIGNALFD_INFO_SIZE) {
		*ret = -EINVAL;
		return true;
	}
	/* a buffer the records cannot reach would lose the signals taken for it */
	if (!rv_guest_ptr(t, buf, SIGNALFD_INFO_SIZE, RV_PROT_WRITE)) {
		*ret = -EFAULT;
		return true;
	}
	int fl = fcntl(fd, F_GETFL);
	bool nonblock = fl >= 0 && (fl & O_NONBLOCK);
	uint64_t max = len / SIGNALFD_INFO_SIZE;
	for (;;) {
		uint64_t mask = __atomic_load_n(&s->mask, __ATOMIC_SEQ_CST), n = 0;
		uint8_t info[128], out[SIGNALFD_INFO_SIZE];
		long r = 0;
		while (n < max && rv_signal_dequeue(t, mask, info)) {
			to_signalfd_info(info, out);
			if (rv_copy_to_guest(t, buf + n * SIGNALFD_INFO_SIZE, out, sizeof(out)) < 0) {
				r = -EFAULT;
				break;
			}
			n++;
		}
		if (n > 0 || r < 0) {
			*ret = n > 0 ? (long)(n * SIGNALFD_INFO_SIZE) : r;
			return true;
		}
		if (nonblock) {
			*ret = -EAGAIN;
			return true;
		}
		r = wait_for_signal(t, s, fd, mask);
		if (r < 0) {
			*ret = r;
			return true;
		}
	}
}
