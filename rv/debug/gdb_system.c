/* System-mode glue of the GDB stub (see gdb_system.h).
 *
 * Threads: each hart's own thread consults rv_gdb_system_hart_action at every pass of its run loop; one
 * stub thread per machine talks to gdb. They meet under `lock`: the stub sets each hart's action and
 * kicks the harts; a hart that reaches a stop (breakpoint, end of its step) decides the stop for all
 * (`stop_all`, the first event wins), kicks the others and tells the stub through `wake_fd`; every hart
 * then marks itself `stopped` and parks. The stub touches a hart's state only once every hart is
 * stopped, and the breakpoint table only then, so the harts read both without locks while they run. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "rv/debug/gdb_riscv.h"
#include "rv/debug/gdb_session.h"
#include "rv/debug/gdb_system.h"
#include "rv/debug/gdbstub.h"
#include "rv/interp/interp.h"
#include "rv/system/machine.h"

#define SIGINT_LINUX  2
#define SIGTRAP_LINUX 5

/* Instructions rv_gdb_system_run interprets before the run loop looks at requests again (it also stops
 * at every interrupt request). */
#define RUN_SLICE    1000000
/* How often a wait for the harts to stop re-checks that the machine still runs. */
#define STOP_POLL_NS 50000000l

#define TCP_PREFIX "tcp:"

_Static_assert(RV_VIRT_MAX_HARTS <= RV_GDB_MAX_THREADS, "one gdb thread per hart");

/* sstatus: the fields of mstatus S-mode sees (privileged spec, section 4.1.1). */
#define SSTATUS_FIELDS                                                                                   \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | \
	 MSTATUS_SUM | MSTATUS_MXR | (3ull << MSTATUS_UXL_SHIFT) | MSTATUS_SD)

struct rv_gdb_server {
	struct rv_gdb *stub;
	FILE *log;
	bool hold;    /* -S: the next machine starts with its harts stopped */
	bool waiting; /* gdb waits for a stop reply: the guest runs for it */
};

/* One hart as the debugger sees it (under the system's lock). */
struct hart_debug {
	uint8_t action; /* enum rv_gdb_thread_action of the last resume */
	bool stopped;   /* parked at its stop point since the last resume */
	bool stepped;   /* the instruction of its step has run */
};

struct rv_gdb_system {
	struct rv_machine *m;
	struct rv_gdb_server *srv;
	struct rv_gdb_target target;
	const struct rv_gdb_breakpoints *bps; /* the session's table (changed only while all harts stop) */
	pthread_t thread;
	bool thread_started;
	int wake_fd; /* eventfd: a stop was decided, or the machine is released */

	pthread_mutex_t lock;
	pthread_cond_t cond;      /* a hart became stopped */
	int active;               /* the harts consult the debugger (also read without the lock: atomic) */
	bool interpret;           /* breakpoints are set: running harts are interpreted and check them */
	bool stop_all;            /* a stop was decided: every hart parks */
	struct rv_gdb_stop event; /* ... and why (the first one) */
	bool ended;               /* the machine is being released: the stub thread returns */
	struct hart_debug *harts;

	char xml[16384];
	size_t xml_len;
};

/* ---- the CSRs and "priv" offered to gdb ---- */

static const struct rv_gdb_csr_desc csr_list[] = {
    {"sstatus", CSR_SSTATUS}, {"sie", CSR_SIE},
    {"stvec", CSR_STVEC},     {"scounteren", CSR_SCOUNTEREN},
    {"senvcfg", CSR_SENVCFG}, {"sscratch", CSR_SSCRATCH},
    {"sepc", CSR_SEPC},       {"scause", CSR_SCAUSE},
    {"stval", CSR_STVAL},     {"sip", CSR_SIP},
    {"satp", CSR_SATP},       {"mstatus", CSR_MSTATUS},
    {"misa", CSR_MISA},       {"medeleg", CSR_MEDELEG},
    {"mideleg", CSR_MIDELEG}, {"mie", CSR_MIE},
    {"mtvec", CSR_MTVEC},     {"mcounteren", CSR_MCOUNTEREN},
    {"menvcfg", CSR_MENVCFG}, {"mscratch", CSR_MSCRATCH},
    {"mepc", CSR_MEPC},       {"mcause", CSR_MCAUSE},
    {"mtval", CSR_MTVAL},     {"mip", CSR_MIP},
    {"mhartid", CSR_MHARTID},
};

static bool csr_offered(unsigned csr)
{
	for (size_t i = 0; i < sizeof(csr_list) / sizeof(csr_list[0]); i++)
		if (csr_list[i].csr == csr)
			return true;
	return false;
}

/* The value as an M-mode csrr would read it (no privilege checks: the debugger sees everything). */
static uint64_t csr_value(const struct rv_hart *h, unsigned csr)
{
	switch (csr) {
	case CSR_SSTATUS: return rv_hart_mstatus(h) & SSTATUS_FIELDS;
	case CSR_SIE: return h->mie & h->mideleg;
	case CSR_STVEC: return h->stvec;
	case CSR_SCOUNTEREN: return h->scounteren;
	case CSR_SENVCFG: return h->senvcfg;
	case CSR_SSCRATCH: return h->sscratch;
	case CSR_SEPC: return h->sepc;
	case CSR_SCAUSE: return h->scause;
	case CSR_STVAL: return h->stval;
	case CSR_SIP: return rv_hart_mip(h) & h->mideleg;
	case CSR_SATP: return h->satp;
	case CSR_MSTATUS: return rv_hart_mstatus(h);
	case CSR_MISA: return MISA_VALUE;
	case CSR_MEDELEG: return h->medeleg;
	case CSR_MIDELEG: return h->mideleg;
	case CSR_MIE: return h->mie;
	case CSR_MTVEC: return h->mtvec;
	case CSR_MCOUNTEREN: return h->mcounteren;
	case CSR_MENVCFG: return h->menvcfg;
	case CSR_MSCRATCH: return h->mscratch;
	case CSR_MEPC: return h->mepc;
	case CSR_MCAUSE: return h->mcause;
	case CSR_MTVAL: return h->mtval;
	case CSR_MIP: return rv_hart_mip(h);
	case CSR_MHARTID: return h->id;
	default: return 0;
	}
}

/* Writes the CSRs that are plain storage (no WARL field, nothing depends on them until a trap or an
 * xRET reads them); the others would need csr.c's side effects and are read-only for the debugger. */
static bool csr_set(struct rv_hart *h, unsigned csr, uint64_t v)
{
	switch (csr) {
	case CSR_SSCRATCH: h->sscratch = v; return true;
	case CSR_SEPC: h->sepc = v & ~1ull; return true; /* IALIGN 16: bit 0 is always zero */
	case CSR_SCAUSE: h->scause = v; return true;
	case CSR_STVAL: h->stval = v; return true;
	case CSR_MSCRATCH: h->mscratch = v; return true;
	case CSR_MEPC: h->mepc = v & ~1ull; return true;
	case CSR_MCAUSE: h->mcause = v; return true;
	case CSR_MTVAL: h->mtval = v; return true;
	default: return false;
	}
}

static void put_le64(uint8_t out[8], uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t in[8])
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)in[i] << (8 * i);
	return v;
}

/* ---- the target the session sees: one thread per hart ---- */

static struct rv_hart *hart_of(void *ctx, unsigned t)
{
	struct rv_gdb_system *d = ctx;
	return &d->m->harts[t];
}

static struct rv_cpu *target_cpu(void *ctx, unsigned t)
{
	return &hart_of(ctx, t)->cpu;
}

static size_t target_mem_read(void *ctx, unsigned t, uint64_t addr, uint8_t *out, size_t len)
{
	struct rv_hart *h = hart_of(ctx, t);
	size_t done = 0;
	/* page by page, so that the readable prefix comes back (translation changes at page bounds) */
	while (done < len) {
		uint64_t a = addr + done;
		size_t chunk = (size_t)(PAGE_SIZE - (a & (PAGE_SIZE - 1)));
		if (chunk > len - done)
			chunk = len - done;
		if (a < addr || !rv_mmu_debug_read(h, a, out + done, chunk))
			break;
		done += chunk;
	}
	return done;
}

static bool target_mem_write(void *ctx, unsigned t, uint64_t addr, const uint8_t *in, size_t len)
{
	struct rv_hart *h = hart_of(ctx, t);
	if (len == 0)
		return true;
	if (addr + len < addr)
		return false;
	/* all or nothing: every page must be mapped to memory first (mapping and backing are uniform
	 * within a page; only a page of boot ROM, readable but not writable, can still stop it midway) */
	for (uint64_t page = addr & ~(PAGE_SIZE - 1); page < addr + len; page += PAGE_SIZE) {
		uint8_t probe;
		if (!rv_mmu_debug_read(h, page < addr ? addr : page, &probe, 1))
			return false;
	}
	return rv_mmu_debug_write(h, addr, in, len);
}

static size_t target_reg_read(void *ctx, unsigned t, unsigned regno, uint8_t out[8])
{
	struct rv_hart *h = hart_of(ctx, t);
	if (regno == RV_GDB_REG_PRIV) {
		put_le64(out, h->priv);
		return 8;
	}
	if (regno < RV_GDB_REG_CSR_BASE || regno >= RV_GDB_REG_PRIV ||
	    !csr_offered(regno - RV_GDB_REG_CSR_BASE))
		return 0;
	put_le64(out, csr_value(h, regno - RV_GDB_REG_CSR_BASE));
	return 8;
}

static bool target_reg_write(void *ctx, unsigned t, unsigned regno, const uint8_t *in, size_t len)
{
	struct rv_hart *h = hart_of(ctx, t);
	if (len != 8)
		return false;
	uint64_t v = get_le64(in);
	if (regno == RV_GDB_REG_PRIV) {
		if (v != RV_PRIV_U && v != RV_PRIV_S && v != RV_PRIV_M)
			return false;
		h->priv = (unsigned)v;
		rv_hart_update_mode(h); /* fetch and data regimes follow the new privilege */
		return true;
	}
	if (regno < RV_GDB_REG_CSR_BASE || regno >= RV_GDB_REG_PRIV ||
	    !csr_offered(regno - RV_GDB_REG_CSR_BASE))
		return false;
	return csr_set(h, regno - RV_GDB_REG_CSR_BASE, v);
}

static void target_describe(void *ctx, unsigned t, char *out, size_t cap)
{
	static const char *const mode[4] = {"U-mode", "S-mode", "mode 2", "M-mode"};
	struct rv_hart *h = hart_of(ctx, t);
	int hsm = __atomic_load_n(&h->hsm, __ATOMIC_ACQUIRE);
	if (hsm != RV_HSM_STARTED)
		snprintf(out, cap, "hart %u (not started: SBI HSM)", h->id);
	else
		snprintf(out, cap, "hart %u (%s%s)", h->id, mode[h->priv & 3], h->wfi ? ", in WFI" : "");
}

static const char *target_xml(void *ctx, size_t *len)
{
	struct rv_gdb_system *d = ctx;
	*len = d->xml_len;
	return d->xml;
}

/* ---- stops: shared by the harts and the stub thread ---- */

static void notify_stub(struct rv_gdb_system *d)
{
	uint64_t one = 1;
	if (write(d->wake_fd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: the stub has a wake-up pending anyway */
	}
}

static void drain_wake(struct rv_gdb_system *d)
{
	uint64_t count;
	if (read(d->wake_fd, &count, sizeof(count)) < 0) {
		/* nothing pending (EAGAIN) */
	}
}

static void kick_all(struct rv_gdb_system *d)
{
	for (unsigned i = 0; i < d->m->n_harts; i++)
		rv_hart_kick(&d->m->harts[i]);
}

/* Decides a stop for ev unless one is decided already (under lock); true if this call decided it (the
 * caller then kicks every hart and wakes the stub). */
static bool decide_stop_locked(struct rv_gdb_system *d, const struct rv_gdb_stop *ev)
{
	if (d->stop_all)
		return false;
	d->stop_all = true;
	d->event = *ev;
	return true;
}

static void stop_everyone(struct rv_gdb_system *d)
{
	kick_all(d);
	notify_stub(d);
}

static void decide_stop(struct rv_gdb_system *d, const struct rv_gdb_stop *ev)
{
	pthread_mutex_lock(&d->lock);
	bool first = decide_stop_locked(d, ev);
	pthread_mutex_unlock(&d->lock);
	if (first)
		stop_everyone(d);
}

static struct rv_gdb_stop trap_in(unsigned hart, enum rv_gdb_stop_reason reason)
{
	struct rv_gdb_stop ev = {RV_GDB_STOP_SIGNAL, SIGTRAP_LINUX, reason, hart};
	return ev;
}

/* ---- the hart side ---- */

enum rv_gdb_hart_action rv_gdb_system_hart_action(struct rv_hart *h)
{
	struct rv_gdb_system *d = h->machine->gdb;
	if (!d || !__atomic_load_n(&d->active, __ATOMIC_ACQUIRE))
		return RV_GDB_HART_FREE;
	struct hart_debug *hd = &d->harts[h->id];
	enum rv_gdb_hart_action a;
	bool first_stop = false;
	pthread_mutex_lock(&d->lock);
	if (!d->active) {
		a = RV_GDB_HART_FREE;
	} else if (d->stop_all || hd->action == RV_GDB_ACT_STOP) {
		a = RV_GDB_HART_PARK;
	} else if (hd->action == RV_GDB_ACT_STEP) {
		/* a hart HSM keeps stopped has no instruction to run: its step ends at once */
		if (hd->stepped || __atomic_load_n(&h->hsm, __ATOMIC_ACQUIRE) != RV_HSM_STARTED) {
			struct rv_gdb_stop ev = trap_in(h->id, RV_GDB_REASON_NONE);
			first_stop = decide_stop_locked(d, &ev);
			a = RV_GDB_HART_PARK;
		} else {
			/* a step over a WFI's wait: it completes at once (the spec allows a WFI to) */
			hd->stepped = true;
			h->wfi = false;
			a = RV_GDB_HART_STEP;
		}
	} else {
		/* with no breakpoint to check, translated code runs (a stop request ends its block) */
		a = d->interpret ? RV_GDB_HART_DEBUG : RV_GDB_HART_FREE;
	}
	if (a == RV_GDB_HART_PARK && !hd->stopped) {
		hd->stopped = true;
		pthread_cond_broadcast(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
	if (first_stop)
		stop_everyone(d);
	return a;
}

enum rv_exit rv_gdb_system_run(struct rv_hart *h)
{
	struct rv_gdb_system *d = h->machine->gdb;
	for (unsigned n = 0; n < RUN_SLICE; n++) {
		if (__atomic_load_n(&h->cpu.interrupt_request, __ATOMIC_ACQUIRE))
			return RV_EXIT_INTERRUPT;
		enum rv_gdb_bp_type type;
		if (rv_gdb_bp_find(d->bps, h->cpu.pc, &type)) {
			struct rv_gdb_stop ev =
			    trap_in(h->id, type == RV_GDB_BP_HARDWARE ? RV_GDB_REASON_HWBREAK
			                                              : RV_GDB_REASON_SWBREAK);
			decide_stop(d, &ev);
			return RV_EXIT_INTERRUPT;
		}
		enum rv_exit e = rv_interp_step(&h->cpu);
		if (e != RV_EXIT_NONE)
			return e;
	}
	return RV_EXIT_LIMIT;
}

/* ---- the stub thread ---- */

static bool all_stopped_locked(const struct rv_gdb_system *d)
{
	for (unsigned i = 0; i < d->m->n_harts; i++)
		if (!d->harts[i].stopped)
			return false;
	return true;
}

/* Waits until every hart is parked. False if the machine stops or is released meanwhile. */
static bool wait_all_stopped(struct rv_gdb_system *d)
{
	pthread_mutex_lock(&d->lock);
	while (!d->ended && !all_stopped_locked(d) && rv_machine_running(d->m)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += STOP_POLL_NS;
		if (ts.tv_nsec >= 1000000000l) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000l;
		}
		pthread_cond_timedwait(&d->cond, &d->lock, &ts);
	}
	bool ok = !d->ended && all_stopped_locked(d) && rv_machine_running(d->m);
	pthread_mutex_unlock(&d->lock);
	return ok;
}

static bool released(struct rv_gdb_system *d)
{
	pthread_mutex_lock(&d->lock);
	bool ended = d->ended;
	pthread_mutex_unlock(&d->lock);
	return ended;
}

static void log_line(struct rv_gdb_system *d, const char *text)
{
	if (d->srv->log) {
		fprintf(d->srv->log, "karasu-rv: %s\n", text);
		fflush(d->srv->log);
	}
}

/* gdb is gone (detach, lost connection): the machine runs on without it. */
static void let_go(struct rv_gdb_system *d, const char *why)
{
	rv_gdb_hang_up(d->srv->stub, NULL);
	d->srv->waiting = false;
	pthread_mutex_lock(&d->lock);
	__atomic_store_n(&d->active, 0, __ATOMIC_RELEASE);
	d->stop_all = false;
	for (unsigned i = 0; i < d->m->n_harts; i++) {
		d->harts[i].action = RV_GDB_ACT_CONTINUE;
		d->harts[i].stopped = false;
		d->harts[i].stepped = false;
	}
	pthread_mutex_unlock(&d->lock);
	kick_all(d);
	log_line(d, why);
}

/* A debugger connected: every hart stops, and the session starts on them. False if the machine ended. */
static bool take_over(struct rv_gdb_system *d)
{
	struct rv_gdb_stop initial = trap_in(0, RV_GDB_REASON_NONE);
	pthread_mutex_lock(&d->lock);
	__atomic_store_n(&d->active, 1, __ATOMIC_RELEASE);
	decide_stop_locked(d, &initial); /* with -S the harts are stopping already */
	pthread_mutex_unlock(&d->lock);
	kick_all(d);
	if (!wait_all_stopped(d))
		return false;
	rv_gdb_session_init_target(rv_gdb_session_of(d->srv->stub), &d->target);
	d->srv->waiting = false;
	return true;
}

/* gdb resumed: each hart does what the session's actions say. */
static void resume(struct rv_gdb_system *d)
{
	const struct rv_gdb_session *s = rv_gdb_session_of(d->srv->stub);
	pthread_mutex_lock(&d->lock);
	d->stop_all = false;
	d->interpret = d->bps->count > 0;
	for (unsigned i = 0; i < d->m->n_harts; i++) {
		d->harts[i].action = s->actions[i];
		d->harts[i].stopped = false;
		d->harts[i].stepped = false;
	}
	pthread_mutex_unlock(&d->lock);
	d->srv->waiting = true;
	kick_all(d);
}

/* The guest runs for gdb: waits for a stop (or Ctrl-C) and reports it. False if the machine ended. */
static bool run_until_stop(struct rv_gdb_system *d)
{
	struct rv_gdb *g = d->srv->stub;
	for (;;) {
		enum rv_gdb_wait w = rv_gdb_wait_running(g);
		if (w == RV_GDB_WAIT_LOST) {
			let_go(d, "gdb connection lost; the machine runs on");
			return true;
		}
		if (w == RV_GDB_WAIT_INTERRUPT) {
			/* Ctrl-C: SIGINT, reported in the thread gdb last looked at */
			struct rv_gdb_stop ev = {RV_GDB_STOP_SIGNAL, SIGINT_LINUX, RV_GDB_REASON_NONE,
			                         rv_gdb_session_of(g)->g_thread};
			decide_stop(d, &ev);
			break;
		}
		drain_wake(d);
		pthread_mutex_lock(&d->lock);
		bool ended = d->ended, stopping = d->stop_all;
		pthread_mutex_unlock(&d->lock);
		if (ended)
			return false;
		if (stopping)
			break;
	}
	if (!wait_all_stopped(d))
		return false;
	d->srv->waiting = false;
	if (!rv_gdb_report_stop(g, &d->event))
		let_go(d, "gdb connection lost; the machine runs on");
	return true;
}

static void *stub_main(void *arg)
{
	struct rv_gdb_system *d = arg;
	struct rv_gdb_server *srv = d->srv;
	struct rv_gdb *g = srv->stub;
	/* a debugger kept over a reboot, with the guest stopped: the new harts stop first */
	if (rv_gdb_connected(g) && !srv->waiting && !wait_all_stopped(d))
		return NULL;
	while (!released(d)) {
		if (!rv_gdb_connected(g)) {
			char err[256];
			int r = rv_gdb_accept(g, err, sizeof(err));
			if (r > 0) {
				drain_wake(d);
				continue;
			}
			if (r < 0) {
				char text[300];
				snprintf(text, sizeof(text), "gdb stub: %s; no more debugging", err);
				let_go(d, text);
				return NULL;
			}
			if (!take_over(d))
				return NULL;
			continue;
		}
		if (srv->waiting) {
			if (!run_until_stop(d))
				return NULL;
			continue;
		}
		struct rv_gdb_resume r;
		enum rv_gdb_wait w = rv_gdb_serve(g, &r);
		if (w == RV_GDB_WAIT_WOKEN) {
			drain_wake(d);
		} else if (w == RV_GDB_WAIT_LOST) {
			let_go(d, "gdb connection lost; the machine runs on");
		} else if (r.kind == RV_GDB_RESUME_DETACH) {
			let_go(d, "gdb detached; the machine runs on");
		} else if (r.kind == RV_GDB_RESUME_KILL) {
			/* as QEMU: gdb's kill ends the emulator (status 0), with no report back */
			rv_gdb_hang_up(g, NULL);
			log_line(d, "killed by gdb");
			rv_machine_stop(d->m, RV_MACHINE_POWEROFF, 0);
			return NULL;
		} else {
			resume(d);
		}
	}
	return NULL;
}

/* ---- life cycle ---- */

int rv_gdb_server_open(const char *spec, bool wait, FILE *log, struct rv_gdb_server **out, char *err,
                       size_t errlen)
{
	*out = NULL;
	if (strcmp(spec, "none") == 0)
		return 0;
	if (strncmp(spec, TCP_PREFIX, strlen(TCP_PREFIX)) != 0) {
		snprintf(err, errlen, "expected tcp::PORT or tcp:HOST:PORT (or none)");
		return -1;
	}
	struct rv_gdb_server *srv = calloc(1, sizeof(*srv));
	if (!srv || !(srv->stub = rv_gdb_new(log))) {
		free(srv);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* "tcp::PORT" -> ":PORT" (loopback), "tcp:HOST:PORT" -> "HOST:PORT" */
	if (rv_gdb_listen(srv->stub, spec + strlen(TCP_PREFIX), err, errlen) != 0) {
		rv_gdb_server_free(srv);
		return -1;
	}
	srv->log = log;
	srv->hold = wait;
	*out = srv;
	return 0;
}

void rv_gdb_server_free(struct rv_gdb_server *srv)
{
	if (!srv)
		return;
	rv_gdb_free(srv->stub);
	free(srv);
}

static void free_system(struct rv_gdb_system *d)
{
	if (d->wake_fd >= 0)
		close(d->wake_fd);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d->harts);
	free(d);
}

int rv_gdb_system_attach(struct rv_machine *m, struct rv_gdb_server *srv, char *err, size_t errlen)
{
	struct rv_gdb_system *d = calloc(1, sizeof(*d));
	if (!d || !(d->harts = calloc(m->n_harts, sizeof(*d->harts)))) {
		free(d);
		snprintf(err, errlen, "gdb stub: out of memory");
		return -1;
	}
	d->m = m;
	d->srv = srv;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	d->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	d->xml_len = rv_gdb_target_xml_build(d->xml, sizeof(d->xml), NULL, csr_list,
	                                     sizeof(csr_list) / sizeof(csr_list[0]), true);
	if (d->wake_fd < 0 || d->xml_len == 0) {
		snprintf(err, errlen, "gdb stub: %s",
		         d->wake_fd < 0 ? strerror(errno) : "target description");
		free_system(d);
		return -1;
	}
	d->target = (struct rv_gdb_target){
	    .ctx = d,
	    .n_threads = m->n_harts,
	    .cpu = target_cpu,
	    .mem_read = target_mem_read,
	    .mem_write = target_mem_write,
	    .reg_read = target_reg_read,
	    .reg_write = target_reg_write,
	    .describe = target_describe,
	    .target_xml = target_xml,
	    .attached = true,
	};
	struct rv_gdb_session *s = rv_gdb_session_of(srv->stub);
	d->bps = &s->bps;
	bool connected = rv_gdb_connected(srv->stub);
	if (connected) /* kept over a reboot: the same harts, in a new machine */
		s->target = &d->target;
	if (connected && srv->waiting) {
		d->active = 1; /* gdb waits for a stop: the new machine runs for it */
		d->interpret = d->bps->count > 0;
		for (unsigned i = 0; i < m->n_harts; i++)
			d->harts[i].action = RV_GDB_ACT_CONTINUE;
	} else if (connected || srv->hold) {
		d->active = 1; /* every hart parks at its first pass */
		d->stop_all = true;
		d->event = trap_in(0, RV_GDB_REASON_NONE);
	}
	srv->hold = false;
	rv_gdb_set_wake_fd(srv->stub, d->wake_fd);
	m->gdb = d;
	int e = pthread_create(&d->thread, NULL, stub_main, d);
	if (e) {
		m->gdb = NULL;
		rv_gdb_set_wake_fd(srv->stub, -1);
		free_system(d);
		snprintf(err, errlen, "gdb stub thread: %s", strerror(e));
		return -1;
	}
	d->thread_started = true;
	return 0;
}

void rv_gdb_system_release(struct rv_machine *m, int status, bool restarting)
{
	struct rv_gdb_system *d = m->gdb;
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->ended = true;
	pthread_mutex_unlock(&d->lock);
	notify_stub(d);
	if (d->thread_started)
		pthread_join(d->thread, NULL);
	struct rv_gdb_server *srv = d->srv;
	rv_gdb_set_wake_fd(srv->stub, -1);
	if (rv_gdb_connected(srv->stub) && !restarting) {
		struct rv_gdb_stop exited = {RV_GDB_STOP_EXITED, status, RV_GDB_REASON_NONE, 0};
		rv_gdb_hang_up(srv->stub, &exited);
		srv->waiting = false;
		char text[64];
		snprintf(text, sizeof(text), "told gdb the machine exited (status %d)", status);
		log_line(d, text);
	}
	rv_gdb_session_of(srv->stub)->target = NULL; /* points into d */
	m->gdb = NULL;
	free_system(d);
}
