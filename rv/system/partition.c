/* Running the partitions of a karasu.cfg (partition.h): one thread per partition drives its machine
 * through boots, reboots and power-offs; the console's commands and other partitions' messages reach a
 * running machine under its partition's machine lock; the main thread waits until no guest runs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rv/system/hart.h"
#include "rv/system/partition_internal.h"
#include "rv/system/synic.h"

#define EXIT_ERROR 125 /* karasu-rv itself failed (as a lone machine's) */
#define EXIT_USAGE 2

static const char *const state_names[] = {
    [RV_PARTITION_OFF] = "off",         [RV_PARTITION_BOOTING] = "booting",
    [RV_PARTITION_RUNNING] = "running", [RV_PARTITION_STOPPING] = "stopping",
    [RV_PARTITION_FAILED] = "failed",
};

static void say(struct rv_partition_set *set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct rv_partition_set *set, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rv_console_message(&set->console, line);
}

static void notify_manager(struct rv_partition_set *set)
{
	pthread_mutex_lock(&set->lock);
	pthread_cond_broadcast(&set->changed);
	pthread_mutex_unlock(&set->lock);
}

/* ---- a machine's log: karasu-rv's messages about one guest, as console lines naming it ---- */

static ssize_t log_write(void *cookie, const char *buf, size_t size)
{
	struct rv_partition *p = cookie;
	static const char prefix[] = "karasu-rv: ";
	size_t start = 0;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] != '\n')
			continue;
		const char *text = buf + start;
		size_t len = i - start;
		if (len >= sizeof(prefix) - 1 && memcmp(text, prefix, sizeof(prefix) - 1) == 0) {
			text += sizeof(prefix) - 1;
			len -= sizeof(prefix) - 1;
		}
		say(p->set, "karasu-rv: %s: %.*s\n", p->guest->name, (int)len, text);
		start = i + 1;
	}
	if (start < size) /* a message without its newline (the stream is line-buffered: rare) */
		say(p->set, "karasu-rv: %s: %.*s\n", p->guest->name, (int)(size - start), buf + start);
	return (ssize_t)size;
}

static FILE *open_log(struct rv_partition *p)
{
	cookie_io_functions_t io = {.write = log_write};
	FILE *f = fopencookie(p, "w", io);
	if (f)
		setvbuf(f, NULL, _IOLBF, 0);
	return f ? f : stderr;
}

/* ---- messages between partitions (struct rv_partition_link) ---- */

/* Runs deliver on the running machine of connection id of `from` for `kind`, or says why not. */
static HV_STATUS with_target(struct rv_partition *from, HV_CONNECTION_ID id, uint32_t kind,
                             HV_STATUS (*deliver)(struct rv_machine *m, const struct synic_connection *c,
                                                  const void *arg),
                             const void *arg)
{
	const struct synic_connection *c = synic_find_connection(from->connections, from->n_connections, id);
	if (!c)
		return HV_STATUS_INVALID_CONNECTION_ID;
	struct rv_partition *target = c->target;
	if (!(c->kinds & kind) || !target)
		return HV_STATUS_INVALID_PORT_ID;
	HV_STATUS st = HV_STATUS_INVALID_PORT_ID; /* the receiver is not running */
	pthread_rwlock_rdlock(&target->machine_lock);
	if (target->machine && rv_machine_running(target->machine))
		st = deliver(target->machine, c, arg);
	pthread_rwlock_unlock(&target->machine_lock);
	return st;
}

struct post_args {
	const struct hv_input_post_message *message;
	uint64_t sender;
};

static HV_STATUS deliver_message(struct rv_machine *m, const struct synic_connection *c, const void *arg)
{
	const struct post_args *a = arg;
	return rv_synic_post_message(m, c->target_vp, c->sint, a->message->message_type,
	                             a->message->payload_size, a->message->payload, a->sender);
}

static HV_STATUS deliver_event(struct rv_machine *m, const struct synic_connection *c, const void *arg)
{
	return rv_synic_signal_event(m, c->target_vp, c->sint, *(const uint16_t *)arg);
}

static HV_STATUS link_post_message(void *ctx, const struct hv_input_post_message *message)
{
	struct rv_partition *p = ctx;
	struct post_args a = {message, p->link.partition_id};
	return with_target(p, message->connection_id, SYNIC_CONNECTION_MESSAGES, deliver_message, &a);
}

static HV_STATUS link_signal_event(void *ctx, HV_CONNECTION_ID connection_id, uint16_t flag_number)
{
	struct rv_partition *p = ctx;
	return with_target(p, connection_id, SYNIC_CONNECTION_EVENTS, deliver_event, &flag_number);
}

/* ---- one partition's life ---- */

static void print_stats(struct rv_partition *p, struct rv_machine *m)
{
	for (unsigned i = 0; i < m->n_harts; i++) {
		struct rv_hart *h = &m->harts[i];
		say(p->set,
		    "karasu: stats %s/%u traps=%llu interrupts=%llu sbi=%llu wfi=%llu tlb_miss=%llu "
		    "tlb_flush=%llu mmio=%llu\n",
		    p->guest->name, i, (unsigned long long)h->n_traps, (unsigned long long)h->n_interrupts,
		    (unsigned long long)h->n_sbi, (unsigned long long)h->n_wfi,
		    (unsigned long long)h->n_tlb_miss, (unsigned long long)h->n_tlb_flush,
		    (unsigned long long)h->n_mmio);
	}
}

/* Builds and runs the machine once; returns how it ended (enum rv_machine_state) and its status. */
static int run_once(struct rv_partition *p, int *status)
{
	struct rv_partition_set *set = p->set;
	struct rv_machine *m = NULL;
	char err[512];
	if (rv_machine_create(&p->machine_cfg, &p->port, &m, err, sizeof(err)) != 0) {
		say(set, "karasu-rv: %s: cannot start: %s\n", p->guest->name, err);
		rv_machine_destroy(m);
		*status = EXIT_ERROR;
		return RV_MACHINE_ERROR;
	}
	pthread_rwlock_wrlock(&p->machine_lock);
	p->machine = m;
	pthread_rwlock_unlock(&p->machine_lock);
	pthread_mutex_lock(&p->lock);
	bool stop_now = p->want_poweroff; /* asked while it was being built */
	p->state = stop_now ? RV_PARTITION_STOPPING : RV_PARTITION_RUNNING;
	p->boots++;
	p->ran = true;
	pthread_mutex_unlock(&p->lock);
	notify_manager(set);
	if (stop_now)
		rv_machine_stop(m, RV_MACHINE_POWEROFF, 0);
	say(set, "karasu-rv: %s: started (%u harts, %llu MiB, partition %llu)\n", p->guest->name, m->n_harts,
	    (unsigned long long)(m->cfg.ram_size >> 20), (unsigned long long)p->link.partition_id);
	int why = rv_machine_run(m);
	if (p->machine_cfg.stats)
		print_stats(p, m);
	*status = why == RV_MACHINE_POWEROFF ? m->exit_code : why == RV_MACHINE_ERROR ? EXIT_ERROR : 0;
	pthread_rwlock_wrlock(&p->machine_lock);
	p->machine = NULL;
	pthread_rwlock_unlock(&p->machine_lock);
	rv_machine_destroy(m);
	return why;
}

static void *partition_thread(void *arg)
{
	struct rv_partition *p = arg;
	struct rv_partition_set *set = p->set;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->want_boot && !set->quitting)
			pthread_cond_wait(&p->wake, &p->lock);
		if (set->quitting) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		p->want_boot = false;
		p->want_poweroff = false;
		p->state = RV_PARTITION_BOOTING;
		pthread_mutex_unlock(&p->lock);
		notify_manager(set);

		int status;
		int why = run_once(p, &status);

		pthread_mutex_lock(&p->lock);
		bool asked_off = p->want_poweroff;
		bool reboot = why == RV_MACHINE_RESET && !asked_off && !set->opt->no_reboot && !set->quitting;
		p->last_status = status;
		p->state = why == RV_MACHINE_ERROR ? RV_PARTITION_FAILED : RV_PARTITION_OFF;
		p->want_poweroff = false;
		if (reboot)
			p->want_boot = true;
		pthread_mutex_unlock(&p->lock);
		if (why == RV_MACHINE_ERROR)
			say(set, "karasu-rv: %s: stopped by an error; the other guests go on\n",
			    p->guest->name);
		else if (reboot)
			say(set, "karasu-rv: %s: rebooting\n", p->guest->name);
		else
			say(set, "karasu-rv: %s: powered off (status %d)\n", p->guest->name, status);
		notify_manager(set);
	}
	return NULL;
}

/* ---- the console's commands (called with the console's output lock held: ask, never wait) ---- */

static unsigned cmd_guest_count(void *ctx)
{
	return ((struct rv_partition_set *)ctx)->n;
}

static bool cmd_guest_info(void *ctx, unsigned guest, struct console_guest_info *info)
{
	struct rv_partition_set *set = ctx;
	if (guest >= set->n)
		return false;
	struct rv_partition *p = &set->parts[guest];
	pthread_mutex_lock(&p->lock);
	info->name = p->guest->name;
	info->state = state_names[p->state];
	info->cpu_mask = p->guest->cpu_mask;
	pthread_mutex_unlock(&p->lock);
	return true;
}

static const char *cmd_boot(void *ctx, unsigned guest)
{
	struct rv_partition_set *set = ctx;
	struct rv_partition *p = &set->parts[guest];
	const char *why = NULL;
	pthread_mutex_lock(&p->lock);
	if (set->quitting)
		why = "karasu-rv is quitting";
	else if (p->state == RV_PARTITION_OFF || p->state == RV_PARTITION_FAILED) {
		if (p->want_boot)
			why = "already booting";
		p->want_boot = true;
		pthread_cond_signal(&p->wake);
	} else {
		why = p->state == RV_PARTITION_STOPPING ? "still stopping" : "already running";
	}
	pthread_mutex_unlock(&p->lock);
	return why;
}

static const char *cmd_poweroff(void *ctx, unsigned guest)
{
	struct rv_partition_set *set = ctx;
	struct rv_partition *p = &set->parts[guest];
	const char *why = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->state == RV_PARTITION_OFF || p->state == RV_PARTITION_FAILED) {
		why = p->want_boot ? NULL : "already off";
		p->want_boot = false; /* a pending reboot is cancelled */
	} else {
		p->want_poweroff = true;
		if (p->state == RV_PARTITION_RUNNING)
			p->state = RV_PARTITION_STOPPING;
	}
	pthread_mutex_unlock(&p->lock);
	pthread_rwlock_rdlock(&p->machine_lock);
	if (p->machine)
		rv_machine_stop(p->machine, RV_MACHINE_POWEROFF, 0);
	pthread_rwlock_unlock(&p->machine_lock);
	return why;
}

static void cmd_stats(void *ctx, struct console_mux *con)
{
	struct rv_partition_set *set = ctx;
	for (unsigned g = 0; g < set->n; g++) {
		struct rv_partition *p = &set->parts[g];
		pthread_rwlock_rdlock(&p->machine_lock);
		struct rv_machine *m = p->machine;
		if (!m)
			console_mux_printf(con, "karasu: stats %s: not running (boots=%u)\n", p->guest->name,
			                   p->boots);
		for (unsigned i = 0; m && i < m->n_harts; i++) {
			struct rv_hart *h = &m->harts[i];
			struct synic_stats s = h->synic.stats;
			console_mux_printf(
			    con,
			    "karasu: stats %s/%u insns=%llu traps=%llu interrupts=%llu sbi=%llu "
			    "wfi=%llu mmio=%llu messages=%llu events=%llu\n",
			    p->guest->name, i, (unsigned long long)h->cpu.insn_count,
			    (unsigned long long)h->n_traps, (unsigned long long)h->n_interrupts,
			    (unsigned long long)h->n_sbi, (unsigned long long)h->n_wfi,
			    (unsigned long long)h->n_mmio, (unsigned long long)s.messages_delivered,
			    (unsigned long long)s.events_signalled);
		}
		pthread_rwlock_unlock(&p->machine_lock);
	}
}

static void stop_all(struct rv_partition_set *set)
{
	pthread_mutex_lock(&set->lock);
	set->quitting = true;
	pthread_cond_broadcast(&set->changed);
	pthread_mutex_unlock(&set->lock);
	for (unsigned i = 0; i < set->n; i++) {
		struct rv_partition *p = &set->parts[i];
		pthread_mutex_lock(&p->lock);
		p->want_boot = false;
		pthread_cond_signal(&p->wake);
		pthread_mutex_unlock(&p->lock);
		pthread_rwlock_rdlock(&p->machine_lock);
		if (p->machine)
			rv_machine_stop(p->machine, RV_MACHINE_POWEROFF, 0);
		pthread_rwlock_unlock(&p->machine_lock);
	}
}

static const char *cmd_quit(void *ctx)
{
	stop_all(ctx);
	return NULL;
}

/* ---- the whole ---- */

/* True while some guest runs, is being built, or is about to boot. */
static bool any_active(struct rv_partition_set *set)
{
	bool active = false;
	for (unsigned i = 0; i < set->n; i++) {
		struct rv_partition *p = &set->parts[i];
		pthread_mutex_lock(&p->lock);
		active |= p->want_boot || p->state == RV_PARTITION_BOOTING ||
		          p->state == RV_PARTITION_RUNNING || p->state == RV_PARTITION_STOPPING;
		pthread_mutex_unlock(&p->lock);
	}
	return active;
}

static bool any_ran(struct rv_partition_set *set)
{
	bool ran = false;
	for (unsigned i = 0; i < set->n; i++) {
		pthread_mutex_lock(&set->parts[i].lock);
		ran |= set->parts[i].ran;
		pthread_mutex_unlock(&set->parts[i].lock);
	}
	return ran;
}

static int exit_status(struct rv_partition_set *set)
{
	for (unsigned i = 0; i < set->n; i++)
		if (set->parts[i].ran && set->parts[i].last_status != 0)
			return set->parts[i].last_status;
	return 0;
}

static unsigned focus_index(const struct rv_partition_set *set)
{
	const struct karasu_guest_config *f = karasu_config_find(&set->config, set->config.focus);
	return f ? (unsigned)(f - set->config.guests) : 0u;
}

int rv_partitions_main(const struct rv_partition_options *opt)
{
	struct rv_partition_set *set = calloc(1, sizeof(*set));
	if (!set) {
		fprintf(stderr, "karasu-rv: out of memory\n");
		return EXIT_ERROR;
	}
	if (!rv_partition_set_load(set, opt)) {
		fprintf(stderr, "karasu-rv: %s: nothing started\n", opt->config_path);
		free(set);
		return EXIT_USAGE;
	}
	pthread_mutex_init(&set->lock, NULL);
	pthread_cond_init(&set->changed, NULL);
	const struct rv_console_commands commands = {
	    .ctx = set,
	    .guest_count = cmd_guest_count,
	    .guest_info = cmd_guest_info,
	    .boot = cmd_boot,
	    .poweroff = cmd_poweroff,
	    .stats = cmd_stats,
	    .quit = cmd_quit,
	};
	if (rv_console_start(&set->console, STDIN_FILENO, STDOUT_FILENO, &commands, set->config.escape_key,
	                     focus_index(set)) != 0) {
		fprintf(stderr, "karasu-rv: cannot start the console\n");
		free(set);
		return EXIT_ERROR;
	}
	int status = 0;
	for (unsigned i = 0; i < set->n; i++) {
		struct rv_partition *p = &set->parts[i];
		pthread_mutex_init(&p->lock, NULL);
		pthread_cond_init(&p->wake, NULL);
		pthread_rwlock_init(&p->machine_lock, NULL);
		rv_console_add_port(&set->console, &p->port);
		p->log = open_log(p);
		p->machine_cfg.log = p->log;
		p->link.ctx = p;
		p->link.post_message = link_post_message;
		p->link.signal_event = link_signal_event;
		p->want_boot = p->guest->autostart;
		int err = pthread_create(&p->thread, NULL, partition_thread, p);
		if (err) {
			say(set, "karasu-rv: %s: cannot start its thread: %s\n", p->guest->name,
			    strerror(err));
			status = EXIT_ERROR;
			break;
		}
		p->thread_started = true;
	}
	bool autostart = false;
	for (unsigned i = 0; i < set->n; i++)
		autostart |= set->parts[i].guest->autostart;
	say(set,
	    "karasu-rv: %s: %u guests; the escape key opens the karasu> prompt (help lists its commands)\n",
	    opt->config_path, set->n);
	if (!autostart)
		say(set,
		    "karasu-rv: no guest starts by itself: `boot NAME` at the karasu> prompt starts one\n");
	/* Until a first guest has been started, an idle set waits for the console's `boot`. */
	pthread_mutex_lock(&set->lock);
	while (!set->quitting && status == 0 && (opt->no_shutdown || any_active(set) || !any_ran(set)))
		pthread_cond_wait(&set->changed, &set->lock);
	pthread_mutex_unlock(&set->lock);
	stop_all(set);
	for (unsigned i = 0; i < set->n; i++)
		if (set->parts[i].thread_started)
			pthread_join(set->parts[i].thread, NULL);
	if (status == 0)
		status = exit_status(set);
	say(set, "karasu-rv: every guest is off (exit status %d)\n", status);
	rv_console_stop(&set->console);
	for (unsigned i = 0; i < set->n; i++)
		if (set->parts[i].log && set->parts[i].log != stderr)
			fclose(set->parts[i].log);
	free(set);
	return status;
}
