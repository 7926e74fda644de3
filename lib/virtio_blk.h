/* virtio-mmio block device model (virtio 1.1: section 4.2 MMIO transport version 2, section 2.6 split
 * virtqueues, section 5.2 block device), engine-neutral: karasu-hv and karasu-rv both use it.
 *
 * The guest is untrusted. Descriptor indices, chain lengths (loops), ring indices and guest addresses are all
 * checked; a structurally broken queue puts the device into DEVICE_NEEDS_RESET (Status bit 6, configuration
 * change interrupt) and stops processing until the driver resets it. A well-formed request that cannot be
 * served (sector out of range, length not a multiple of 512, unknown type, backend error, write to a
 * read-only disk) completes with VIRTIO_BLK_S_IOERR / S_UNSUPP.
 *
 * One request queue (queue 0). Features offered: VIRTIO_F_VERSION_1, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_BLK_SIZE,
 * VIRTIO_BLK_F_FLUSH, and VIRTIO_BLK_F_RO for read-only disks. Requests: IN, OUT, FLUSH, GET_ID. Legacy
 * (version 1) MMIO is not offered.
 *
 * Requests are processed synchronously inside the QueueNotify write. Not thread-safe: the caller serializes
 * all calls for one device.
 */
#ifndef KARASU_LIB_VIRTIO_BLK_H
#define KARASU_LIB_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_MMIO_FRAME_SIZE 0x200u

/* virtio-mmio registers (version 2). */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000u
#define VIRTIO_MMIO_VERSION             0x004u
#define VIRTIO_MMIO_DEVICE_ID           0x008u
#define VIRTIO_MMIO_VENDOR_ID           0x00cu
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010u
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020u
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u
#define VIRTIO_MMIO_QUEUE_SEL           0x030u
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034u
#define VIRTIO_MMIO_QUEUE_NUM           0x038u
#define VIRTIO_MMIO_QUEUE_READY         0x044u
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050u
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060u
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064u
#define VIRTIO_MMIO_STATUS              0x070u
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080u
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084u
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090u
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094u
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0u
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4u
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fcu
#define VIRTIO_MMIO_CONFIG              0x100u

#define VIRTIO_MMIO_MAGIC          0x74726976u /* "virt" */
#define VIRTIO_MMIO_VERSION_MODERN 2u
#define VIRTIO_ID_BLOCK            2u
#define VIRTIO_BLK_VENDOR_ID       0x4b415253u /* "KARS" */

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE        1u
#define VIRTIO_STATUS_DRIVER             2u
#define VIRTIO_STATUS_DRIVER_OK          4u
#define VIRTIO_STATUS_FEATURES_OK        8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED             128u

/* InterruptStatus bits. */
#define VIRTIO_MMIO_INT_VRING  1u /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG 2u /* configuration change */

/* Feature bits. */
#define VIRTIO_BLK_F_SEG_MAX  2u
#define VIRTIO_BLK_F_RO       5u
#define VIRTIO_BLK_F_BLK_SIZE 6u
#define VIRTIO_BLK_F_FLUSH    9u
#define VIRTIO_F_VERSION_1    32u

/* Split virtqueue layout. */
#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_DESC_SIZE       16u

/* Block requests. */
#define VIRTIO_BLK_T_IN         0u
#define VIRTIO_BLK_T_OUT        1u
#define VIRTIO_BLK_T_FLUSH      4u
#define VIRTIO_BLK_T_GET_ID     8u
#define VIRTIO_BLK_S_OK         0u
#define VIRTIO_BLK_S_IOERR      1u
#define VIRTIO_BLK_S_UNSUPP     2u
#define VIRTIO_BLK_SECTOR_SIZE  512u
#define VIRTIO_BLK_ID_BYTES     20u
#define VIRTIO_BLK_REQ_HDR_SIZE 16u /* type u32, reserved u32, sector u64 */

#define VIRTIO_BLK_QUEUE_NUM_MAX 128u
#define VIRTIO_BLK_SEG_MAX       (VIRTIO_BLK_QUEUE_NUM_MAX - 2u) /* data descriptors per request */

/* Config space offsets (relative to VIRTIO_MMIO_CONFIG). */
#define VIRTIO_BLK_CFG_CAPACITY 0x00u /* u64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 0x08u
#define VIRTIO_BLK_CFG_SEG_MAX  0x0cu
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14u
#define VIRTIO_BLK_CFG_SIZE     0x18u

/* Guest-physical memory access (the device's DMA). Return false if any byte of the range is not guest RAM:
 * the device then goes to DEVICE_NEEDS_RESET. */
struct virtio_guest_mem {
	void *ctx;
	bool (*read)(void *ctx, uint64_t gpa, void *buf, size_t len);
	bool (*write)(void *ctx, uint64_t gpa, const void *buf, size_t len);
};

/* The disk. Sector numbers and counts are in 512-byte units and already checked against the capacity.
 * Return 0 on success, nonzero on an I/O error (the request completes with IOERR). flush may be NULL. */
struct virtio_blk_backend {
	void *ctx;
	int (*read)(void *ctx, uint64_t sector, void *buf, uint32_t count);
	int (*write)(void *ctx, uint64_t sector, const void *buf, uint32_t count);
	int (*flush)(void *ctx);
};

struct virtio_blk_queue {
	uint32_t num; /* QueueNum: power of two, <= VIRTIO_BLK_QUEUE_NUM_MAX */
	bool ready;
	uint64_t desc, driver, device; /* guest-physical: descriptor table, available ring, used ring */
	uint16_t last_avail;           /* next available-ring index to process */
	uint16_t used_idx;             /* our used-ring index */
};

#define VIRTIO_BLK_BOUNCE_SIZE 4096u

/* One guest buffer of the request being processed. */
struct virtio_blk_segment {
	uint64_t addr;
	uint32_t len;
};

struct virtio_blk {
	struct virtio_guest_mem mem;
	struct virtio_blk_backend backend;
	void (*set_irq)(void *ctx, bool level); /* interrupt line (InterruptStatus != 0); may be NULL */
	void *irq_ctx;
	uint64_t capacity; /* sectors */
	bool read_only;
	char id[VIRTIO_BLK_ID_BYTES]; /* GET_ID answer (not necessarily NUL-terminated) */
	uint64_t device_features;
	uint64_t driver_features;
	uint32_t device_features_sel, driver_features_sel;
	uint32_t status;
	uint32_t interrupt_status;
	uint32_t config_generation;
	uint32_t queue_sel;
	struct virtio_blk_queue queue;
	bool irq_level;
	/* Statistics. */
	uint64_t requests, errors, bytes_read, bytes_written;
	const char *last_error; /* why the device last went to NEEDS_RESET (for logs), or NULL */
	/* Scratch space for the request being processed (per device, so devices may run concurrently). */
	struct virtio_blk_segment segs[VIRTIO_BLK_QUEUE_NUM_MAX];
	uint8_t bounce[VIRTIO_BLK_BOUNCE_SIZE];
};

/* Resets *dev and installs the callbacks. capacity is in 512-byte sectors; id (may be NULL) is copied up to
 * 20 bytes for GET_ID. mem.read/mem.write and backend.read/backend.write must be set. Returns false if not. */
bool virtio_blk_init(struct virtio_blk *dev, const struct virtio_guest_mem *mem,
                     const struct virtio_blk_backend *backend, uint64_t capacity, bool read_only,
                     const char *id, void (*set_irq)(void *ctx, bool level), void *irq_ctx);

/* MMIO inside the 0x200-byte frame. Registers below 0x100 take 4-byte accesses only; the config space takes
 * 1, 2, 4 and 8-byte naturally aligned accesses. Returns false for bad size/alignment or an offset outside
 * the frame; unknown registers read as zero and ignore writes. A QueueNotify write processes all available
 * requests before returning. */
bool virtio_blk_mmio_read(struct virtio_blk *dev, uint64_t offset, unsigned size, uint64_t *val);
bool virtio_blk_mmio_write(struct virtio_blk *dev, uint64_t offset, unsigned size, uint64_t val);

/* Processes available requests (what a QueueNotify write does); exposed for engines that poll. */
void virtio_blk_process(struct virtio_blk *dev);

#endif
