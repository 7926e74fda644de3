/* karasu-rv's partitions: the guests of a karasu.cfg (docs/config.md), run side by side in one process.
 *
 * Each guest is a machine of its own (machine.h: its RAM, harts, devices and devicetree) driven by a
 * partition thread that boots it, waits for it to stop, and boots it again when it reboots. The guests
 * share one multiplexed console (console.h: lines prefixed with the guest's name, the escape key opens
 * `karasu> `), reach each other only through the SynIC connections of the config (PostMessage /
 * SignalEvent, synic.h), and never see each other's memory: a machine's DMA, MMU and hypercalls address
 * its own RAM only. A guest that powers off, fails or runs into an error of karasu-rv stops alone; the
 * others keep running. karasu-rv exits when no guest runs any more (unless -no-shutdown).
 */
#ifndef KARASU_RV_SYSTEM_PARTITION_H
#define KARASU_RV_SYSTEM_PARTITION_H

#include <stdbool.h>

#include "rv/system/machine.h"

/* What the command line says about every partition. */
struct rv_partition_options {
	const char *config_path;
	/* options that apply to every guest's machine: interp, stats, log_traps, dump_jit, perf_map, log */
	struct rv_machine_config machine;
	bool no_reboot;   /* a guest that reboots is powered off instead */
	bool no_shutdown; /* stay when every guest is off (the console's `boot` and `quit` still work) */
};

/* Reads the config, starts the guests with autostart and the console, and returns the process's exit
 * status when they are done: 0 when every guest that ran powered off with status 0; otherwise the status
 * of the first guest (in config order) that did not (125 for an error of karasu-rv, the guest's code for a
 * test-device failure); 2 for a config karasu-rv cannot run (every problem printed with its line). */
int rv_partitions_main(const struct rv_partition_options *opt);

#endif
