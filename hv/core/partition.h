/* A partition (VM): a VMID, a stage-2 table, guest RAM, vCPUs pinned to physical PEs, an MMIO bus that the
 * emulated devices bind themselves to, and a generated devicetree.
 *
 * The partition keeps the life cycle (create, start, stop) and the things every device needs; it does not
 * know its devices' types. Each device is a binding in hv/core/devices/ that attaches itself when the
 * partition is built: it puts its register window on the bus (mmio_bus.h), and registers a reset (every
 * start) and a devicetree description (partition_add_device). Guest RAM is in guest_mem.h, loading the
 * kernel, initrd and devicetree in image_load.h. */
#ifndef KARASU_HV_CORE_PARTITION_H
#define KARASU_HV_CORE_PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/arch/arm64/stage2.h"
#include "hv/base/spinlock.h"
#include "hv/core/guest_dtb.h"
#include "hv/core/mmio_bus.h"
#include "hv/core/ram_scrub.h"
#include "hv/core/vcpu.h"
#include "hv/vdev/psci.h"
#include "lib/config.h"

#define PARTITION_MAX            KARASU_CFG_MAX_GUESTS
#define PARTITION_MAX_VCPUS      8u
#define PARTITION_MAX_DEVICES    8u
#define PARTITION_RAM_BLOCK      (2ull << 20) /* guest RAM is allocated and mapped in 2 MiB blocks */
#define PARTITION_MAX_RAM_BLOCKS 2048u        /* 4 GiB */

/* Guest-physical window of the emulated devices (the places QEMU's virt machine uses, so guests built for it
 * feel at home; each binding in hv/core/devices/ has its own address inside it). RAM comes from the config
 * (default 0x40000000) and must not overlap the window. */
#define GUEST_DEVICE_WINDOW_BASE 0x08000000ull
#define GUEST_DEVICE_WINDOW_END  0x0a000200ull

enum partition_state {
	PARTITION_STOPPED = 0,
	PARTITION_RUNNING,
	PARTITION_FAILED, /* could not be built (bad file, no memory): see the log */
};

/* What a device does besides answering on the bus. Both optional. */
struct device_ops {
	/* Back to the reset state: when the partition is built and at every (re)start, vCPUs not running. */
	void (*reset)(void *ctx);
	/* Its node(s) in the generated guest devicetree. */
	void (*describe)(void *ctx, struct guest_dtb_desc *d);
};

struct partition_device {
	const char *name;
	const struct device_ops *ops;
	void *ctx;
};

struct partition {
	unsigned id;   /* index in the config, from 0 */
	uint16_t vmid; /* id + 1 (VMID 0 is never used by a guest) */
	char name[KARASU_CFG_NAME_MAX];
	const struct karasu_guest_config *cfg;
	volatile enum partition_state state;
	struct spinlock lock; /* state changes, PSCI system calls (LOCK_CLASS_PARTITION) */

	struct stage2 s2;
	uint64_t vtcr, vttbr;
	uint64_t ram_ipa, ram_size;
	unsigned nblocks;
	void *blocks[PARTITION_MAX_RAM_BLOCKS]; /* host address of each 2 MiB block, in IPA order */
	/* Guest RAM is one physically contiguous range (blocks[0] onwards): files are read straight into it. */
	bool ram_contiguous;
	/* RAM blocks are scrubbed (zeroed), then mapped in stage 2 (ram_scrub.h); s2_lock serializes stage-2 table
	 * changes while vCPUs run. */
	struct ram_scrub scrub;
	struct spinlock s2_lock;
	/* Counter ticks spent scrubbing and mapping RAM blocks, summed over the PEs that did it (atomic): the log
	 * reports them when the guest stops. */
	uint64_t scrub_ticks, map_ticks;

	uint64_t entry_ipa, dtb_ipa;
	uint64_t boot_started_ticks; /* the counter when the boot vCPU was started */
	/* Sizes of the files as last loaded (the kernel and initrd are read from the disk at every start). */
	size_t kernel_size;
	size_t initrd_size;

	unsigned nvcpus;
	struct vcpu vcpus[PARTITION_MAX_VCPUS];
	struct psci_vm psci; /* the guest's PSCI view of its vCPUs' power states (power.c) */

	struct mmio_bus bus;
	unsigned ndevices;
	struct partition_device devices[PARTITION_MAX_DEVICES];
};

extern struct partition *partitions[PARTITION_MAX];
extern unsigned npartitions;

/* Builds a partition from its config: CPUs, RAM, stage-2 map, devices. The kernel and initrd named by the config
 * must exist on the boot disk; they are read at partition_start. Does not start it. Returns NULL (with a log line
 * naming the guest) on failure. */
struct partition *partition_create(unsigned id, const struct karasu_guest_config *cfg);
/* Reads the kernel and initrd from the boot disk into guest RAM, builds the devicetree and starts vCPU 0 on its
 * PE. */
bool partition_start(struct partition *p);
/* Stops every vCPU (from any PE; the caller's own vCPU is left for the caller to stop). When the last
 * running partition stops, the machine is powered off. */
void partition_stop(struct partition *p, const char *why);
/* partition_stop without the power-off, for a restart (SYSTEM_RESET). */
void partition_stop_for_restart(struct partition *p, const char *why);
/* Number of partitions currently running. */
unsigned partitions_running(void);

/* For device bindings, while the partition is built: a device with a reset and/or a devicetree part. */
bool partition_add_device(struct partition *p, const char *name, const struct device_ops *ops, void *ctx);

#endif
