/* The partition manager's state, shared by partition.c (running) and partition_config.c (reading the
 * config). Not for other users: partition.h is the interface. */
#ifndef KARASU_RV_SYSTEM_PARTITION_INTERNAL_H
#define KARASU_RV_SYSTEM_PARTITION_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdio.h>

#include "lib/config.h"
#include "lib/synic.h"
#include "rv/system/console.h"
#include "rv/system/partition.h"

enum rv_partition_state {
	RV_PARTITION_OFF,      /* never started, or powered off */
	RV_PARTITION_BOOTING,  /* its machine is being built */
	RV_PARTITION_RUNNING,  /* its harts run */
	RV_PARTITION_STOPPING, /* asked to power off */
	RV_PARTITION_FAILED,   /* its last run ended in an error (or it could not be built) */
};

struct rv_partition_set;

struct rv_partition {
	struct rv_partition_set *set;
	unsigned index; /* config order; the partition id is index + 1 */
	const struct karasu_guest_config *guest;
	/* the machine every boot builds (paths resolved against the config's folder) */
	struct rv_machine_config machine_cfg;
	char kernel[PATH_MAX], initrd[PATH_MAX], disk[PATH_MAX], dtb[PATH_MAX];
	uint64_t host_cpus[RV_HOST_CPU_WORDS];
	struct rv_partition_link link;
	FILE *log; /* karasu-rv's messages about this guest, through the console */
	struct rv_console_port port;
	/* outgoing SynIC connections; target = the receiving struct rv_partition */
	unsigned n_connections;
	struct synic_connection connections[KARASU_CFG_MAX_CONNECTIONS];

	pthread_t thread;
	bool thread_started;
	/* life cycle (under lock) */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	enum rv_partition_state state;
	bool want_boot, want_poweroff;
	bool ran;        /* started at least once */
	int last_status; /* how its last run ended: the exit status it contributes */
	unsigned boots;
	/* the running machine: read-locked by whoever reaches into it from outside (senders of messages,
	 * the console), write-locked to install or remove it */
	pthread_rwlock_t machine_lock;
	struct rv_machine *machine;
};

struct rv_partition_set {
	const struct rv_partition_options *opt;
	struct karasu_config config;
	char config_dir[PATH_MAX];
	unsigned n;
	struct rv_partition parts[KARASU_CFG_MAX_GUESTS];
	struct rv_console console;
	/* the manager waits here for state changes (under lock) */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool quitting;
};

/* ---- partition_config.c ---- */
/* Reads opt->config_path into set->config and prepares every partition (paths, host CPUs, connections,
 * machine configs). Prints every problem as "FILE:LINE: ..." on stderr; false if there was any. */
bool rv_partition_set_load(struct rv_partition_set *set, const struct rv_partition_options *opt);

#endif
