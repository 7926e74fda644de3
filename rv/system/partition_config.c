/* Reading a karasu.cfg for karasu-rv (partition_internal.h): the shared parser of lib/config, then what
 * only the host can check: that the files exist, that the host has the CPUs named, that a guest fits the
 * machine. Every problem is reported with the config's file name and line; karasu-rv starts nothing if
 * there is any (a host program can simply be run again, unlike a board's hypervisor). */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rv/system/partition_internal.h"
#include "rv/system/virt_map.h"

#define CONFIG_MAX_BYTES (1u << 20) /* a karasu.cfg is a few hundred bytes; anything this big is not one */
#define MIN_GUEST_RAM    (16ull << 20)
#define MAX_GUEST_RAM    (256ull << 30)

struct loader {
	struct rv_partition_set *set;
	const char *path;
	unsigned problems;
};

static void problem(struct loader *l, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(struct loader *l, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (line)
		fprintf(stderr, "%s:%u: ", l->path, line);
	else
		fprintf(stderr, "%s: ", l->path);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	l->problems++;
}

/* The whole file into a buffer (NULL, reported, on failure). */
static char *read_config(struct loader *l, size_t *len)
{
	FILE *f = fopen(l->path, "rb");
	if (!f) {
		problem(l, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	char *text = malloc(CONFIG_MAX_BYTES + 1);
	size_t n = text ? fread(text, 1, CONFIG_MAX_BYTES + 1, f) : 0;
	bool failed = !text || ferror(f);
	fclose(f);
	if (failed || n > CONFIG_MAX_BYTES) {
		problem(l, 0, "%s", failed ? "cannot read it" : "too large for a karasu.cfg (over 1 MiB)");
		free(text);
		return NULL;
	}
	*len = n;
	return text;
}

/* A path of the config, relative to the config's folder unless absolute, into out; the file must be a
 * readable regular file. */
static bool resolve(struct loader *l, const struct karasu_guest_config *g, const char *key, const char *path,
                    char *out, size_t size)
{
	int n = path[0] == '/' ? snprintf(out, size, "%s", path)
	                       : snprintf(out, size, "%s/%s", l->set->config_dir, path);
	if (n < 0 || (size_t)n >= size) {
		problem(l, g->line, "guest %s: %s: the path is too long", g->name, key);
		return false;
	}
	if (access(out, R_OK) != 0) {
		problem(l, g->line, "guest %s: %s = %s: %s", g->name, key, path, strerror(errno));
		return false;
	}
	return true;
}

/* The guest's `cpus` must name CPUs this process may run on. */
static void check_host_cpus(struct loader *l, const struct karasu_guest_config *g, struct rv_partition *p)
{
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		CPU_ZERO(&allowed);
	for (unsigned c = 0; c < KARASU_CFG_MAX_CPUS; c++) {
		if (!(g->cpu_mask & (1ull << c)))
			continue;
		if (c >= CPU_SETSIZE || !CPU_ISSET(c, &allowed)) {
			long online = sysconf(_SC_NPROCESSORS_ONLN);
			problem(
			    l, g->line,
			    "guest %s: cpus: host CPU %u is not available to karasu-rv (this host has %ld "
			    "online CPUs)",
			    g->name, c, online);
			return;
		}
		p->host_cpus[c / 64u] |= 1ull << (c % 64u);
	}
}

static struct rv_partition *partition_named(struct rv_partition_set *set, const char *name)
{
	for (unsigned i = 0; i < set->n; i++)
		if (strcmp(set->parts[i].guest->name, name) == 0)
			return &set->parts[i];
	return NULL;
}

static void prepare(struct loader *l, struct rv_partition *p)
{
	const struct karasu_guest_config *g = p->guest;
	struct rv_machine_config *c = &p->machine_cfg;
	*c = l->set->opt->machine; /* interp, stats, logs */
	if (g->ncpus > RV_VIRT_MAX_HARTS)
		problem(l, g->line, "guest %s: cpus: %u harts, karasu-rv's virt machine has at most %u",
		        g->name, g->ncpus, RV_VIRT_MAX_HARTS);
	if (g->memory_size < MIN_GUEST_RAM || g->memory_size > MAX_GUEST_RAM)
		problem(l, g->line, "guest %s: memory: give 16M to 256G", g->name);
	check_host_cpus(l, g, p);
	c->harts = g->ncpus;
	c->ram_size = g->memory_size;
	c->firmware = RV_FW_BUILTIN; /* the SBI that carries karasu's hypercalls */
	c->append = g->bootargs;
	c->host_cpus = p->host_cpus;
	if (resolve(l, g, "kernel", g->kernel, p->kernel, sizeof(p->kernel)))
		c->kernel = p->kernel;
	if (g->initrd[0] && resolve(l, g, "initrd", g->initrd, p->initrd, sizeof(p->initrd)))
		c->initrd = p->initrd;
	if (g->dtb[0] && resolve(l, g, "dtb", g->dtb, p->dtb, sizeof(p->dtb)))
		c->dtb = p->dtb;
	if (g->disk[0] && resolve(l, g, "disk", g->disk, p->disk, sizeof(p->disk))) {
		if (access(p->disk, W_OK) != 0)
			problem(l, g->line, "guest %s: disk = %s: not writable (%s)", g->name, g->disk,
			        strerror(errno));
		c->drives[0].path = p->disk;
		c->n_drives = 1;
	}
	/* connections: lib/config has checked that the targets exist and have the VP */
	for (unsigned i = 0; i < g->nconnections; i++) {
		const struct karasu_connection_config *k = &g->connections[i];
		struct synic_connection *s = &p->connections[p->n_connections++];
		s->id = k->id;
		s->kinds = (k->kinds & KARASU_CFG_CONN_MESSAGES ? SYNIC_CONNECTION_MESSAGES : 0u) |
		           (k->kinds & KARASU_CFG_CONN_EVENTS ? SYNIC_CONNECTION_EVENTS : 0u);
		s->sint = (uint8_t)k->sint;
		s->target_vp = k->vp;
		s->target = partition_named(l->set, k->target);
	}
	p->link.partition_id = p->index + 1u; /* as karasu-hv numbers them: config order, from 1 */
	p->link.name = g->name;
	c->link = &p->link;
}

bool rv_partition_set_load(struct rv_partition_set *set, const struct rv_partition_options *opt)
{
	struct loader l = {.set = set, .path = opt->config_path};
	set->opt = opt;
	/* the folder relative paths start from */
	char *copy = strdup(opt->config_path);
	char *slash = copy ? strrchr(copy, '/') : NULL;
	snprintf(set->config_dir, sizeof(set->config_dir), "%s",
	         !slash          ? "."
	         : slash == copy ? "/"
	                         : (*slash = '\0', copy));
	free(copy);

	size_t len;
	char *text = read_config(&l, &len);
	if (!text)
		return false;
	karasu_config_parse_for(text, len, KARASU_CONFIG_RV, &set->config);
	free(text);
	for (unsigned i = 0; i < set->config.nerrors; i++)
		problem(&l, set->config.errors[i].line, "%s", set->config.errors[i].msg);
	if (set->config.errors_dropped)
		problem(&l, 0, "%u more errors", set->config.errors_dropped);
	if (set->config.nguests == 0 && set->config.nerrors == 0)
		problem(&l, 0, "no [guest NAME] section");
	set->n = set->config.nguests;
	for (unsigned i = 0; i < set->n; i++) {
		set->parts[i].set = set;
		set->parts[i].index = i;
		set->parts[i].guest = &set->config.guests[i];
	}
	for (unsigned i = 0; i < set->n; i++)
		prepare(&l, &set->parts[i]);
	return l.problems == 0;
}
