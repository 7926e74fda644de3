/* A partition (VM): a VMID, a stage-2 table, guest RAM, vCPUs pinned to physical PEs, an MMIO bus of
 * emulated devices (vGICD, vGICR, vPL011, virtio-blk) and a generated devicetree. */
#ifndef KARASU_HV_CORE_PARTITION_H
#define KARASU_HV_CORE_PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/arch/arm64/psci.h"
#include "hv/arch/arm64/stage2.h"
#include "lib/config.h"
#include "hv/core/disk.h"
#include "hv/core/ram_scrub.h"
#include "hv/core/spinlock.h"
#include "hv/core/vcpu.h"
#include "hv/vdev/vgic.h"
#include "hv/vdev/vpl011.h"
#include "lib/virtio_blk.h"

#define PARTITION_MAX            KARASU_CFG_MAX_GUESTS
#define PARTITION_MAX_VCPUS      8u
#define PARTITION_MAX_MMIO       8u
#define PARTITION_RAM_BLOCK      (2ull << 20) /* guest RAM is allocated and mapped in 2 MiB blocks */
#define PARTITION_MAX_RAM_BLOCKS 2048u        /* 4 GiB */
#define PARTITION_RX_BACKLOG     1024u        /* console bytes waiting for the guest's UART FIFO */

/* Guest-physical layout of the emulated devices (the same places QEMU's virt machine uses, so guests
 * built for it feel at home). RAM comes from the config (default 0x40000000). */
#define GUEST_GICD_IPA    0x08000000ull
#define GUEST_GICR_IPA    0x080a0000ull
#define GUEST_UART_IPA    0x09000000ull
#define GUEST_UART_SPI    1u
#define GUEST_VIRTIO_IPA  0x0a000000ull
#define GUEST_VIRTIO_SPI  16u
#define GUEST_VIRTIO_SIZE 0x200ull

struct mmio_device {
	uint64_t base, size;
	bool (*read)(struct vcpu *v, void *dev, uint64_t offset, unsigned size, uint64_t *val);
	bool (*write)(struct vcpu *v, void *dev, uint64_t offset, unsigned size, uint64_t val);
	void *dev;
	const char *name;
};

enum partition_state {
	PARTITION_STOPPED = 0,
	PARTITION_RUNNING,
	PARTITION_FAILED, /* could not be built (bad file, no memory): see the log */
};

struct partition {
	unsigned id;   /* index in the config, from 0 */
	uint16_t vmid; /* id + 1 (VMID 0 is never used by a guest) */
	char name[KARASU_CFG_NAME_MAX];
	const struct karasu_guest_config *cfg;
	volatile enum partition_state state;
	struct spinlock lock; /* state changes, PSCI system calls */

	struct stage2 s2;
	uint64_t vtcr, vttbr;
	uint64_t ram_ipa, ram_size;
	unsigned nblocks;
	void *blocks[PARTITION_MAX_RAM_BLOCKS]; /* host address of each 2 MiB block, in IPA order */

	uint64_t entry_ipa, dtb_ipa;
	uint64_t boot_started_ticks; /* CNTPCT when the boot vCPU was started */

	unsigned nvcpus;
	struct vcpu vcpus[PARTITION_MAX_VCPUS];

	struct vgic vgic;
	uint32_t vgic_kicks; /* PEs to kick once the vgic lock is released (atomic bit mask) */
	struct psci_vm psci;
	struct vpl011 uart;
	struct spinlock uart_lock;
	/* Console input the vPL011's 16-byte FIFO could not take yet; fed in as the guest reads (uart_lock). */
	uint8_t rx_backlog[PARTITION_RX_BACKLOG];
	unsigned rx_head, rx_count;
	uint64_t rx_dropped;

	/* The guest's virtio-blk disk, backed by a file on the boot disk (karasu.cfg disk=). */
	bool has_disk;
	struct disk_file disk_file;
	struct virtio_blk vblk;
	struct spinlock vblk_lock; /* the model runs requests to completion under it */

	unsigned nmmio;
	struct mmio_device mmio[PARTITION_MAX_MMIO];

	/* Guest RAM is one physically contiguous range (blocks[0] onwards): files are read straight into it. */
	bool ram_contiguous;
	/* RAM blocks are scrubbed (zeroed), then mapped in stage 2 (ram_scrub.h); s2_lock serializes stage-2 table
	 * changes while vCPUs run. */
	struct ram_scrub scrub;
	struct spinlock s2_lock;
	/* Sizes of the files as last loaded (the kernel and initrd are read from the disk at every start). */
	size_t kernel_size;
	size_t initrd_size;
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
/* Copies to/from guest-physical memory (RAM only). False if any byte is outside the guest's RAM. */
bool partition_read_gpa(struct partition *p, uint64_t ipa, void *buf, size_t len);
bool partition_write_gpa(struct partition *p, uint64_t ipa, const void *buf, size_t len);
/* Maps RAM block b (2 MiB, IPA order) in p's stage-2 table, once it is scrubbed (ram_scrub.c). */
void partition_map_ram_block(struct partition *p, unsigned b);
/* The emulated device covering ipa, or NULL. */
struct mmio_device *partition_find_mmio(struct partition *p, uint64_t ipa);
/* Console input for the guest's vPL011 (any PE). */
void partition_uart_input(struct partition *p, uint8_t c);
/* Number of partitions currently running. */
unsigned partitions_running(void);

#endif
