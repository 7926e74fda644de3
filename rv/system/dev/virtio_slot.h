/* The virtio-mmio transports of karasu-rv's `virt` machine (RV_VIRT_VIRTIO_SLOTS slots of
 * RV_VIRT_VIRTIO_SIZE bytes, each with its own interrupt):
 *
 *  - an empty slot, which reads like QEMU's virtio-mmio transport with nothing plugged in: magic "virt",
 *    version 2, device id 0 (so Linux's virtio-mmio driver skips it), lib's vendor id; every other
 *    register reads 0 and writes are ignored;
 *  - a block-device slot: lib/virtio_blk (the model karasu-hv uses too) over a host file or block
 *    device, read and written with pread/pwrite and flushed with fdatasync.
 *
 * The transport's registers are the first VIRTIO_MMIO_FRAME_SIZE bytes of a slot; the rest of the slot
 * is a hole (access fault), as on QEMU, whose transport region is that size.
 *
 * The MMIO side is a model (not thread-safe: the bus serializes, see rv/system/mmio.h); the disk side
 * does file I/O, synchronously inside the QueueNotify write. */
#ifndef KARASU_RV_SYSTEM_DEV_VIRTIO_SLOT_H
#define KARASU_RV_SYSTEM_DEV_VIRTIO_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/virtio_blk.h"
#include "rv/system/mmio.h"

struct rv_virtio_disk {
	int fd; /* the open image, -1 when closed */
	bool read_only;
	uint64_t capacity; /* 512-byte sectors (a partial last sector is not part of the disk) */
	struct rv_irq_line irq;
	struct virtio_blk blk;
};

/* Opens the disk image at path, for reading and writing unless read_only. A file that cannot be opened
 * for writing is an error unless the caller asked for read_only (no silent fallback). Returns 0, or a
 * negative errno with a message naming the file in err (missing file, directory, not a file or block
 * device, empty or smaller than one sector, permission denied, read-only file system...). */
int rv_virtio_disk_open(struct rv_virtio_disk *d, const char *path, bool read_only, char *err, size_t errlen);

/* Puts the opened disk behind a virtio-blk device (reset state): mem is the device's access to guest RAM
 * (DMA), irq the slot's interrupt line, serial (may be NULL) the GET_ID answer (up to 20 bytes). Returns
 * false if mem lacks a read or write function or the disk is not open. */
bool rv_virtio_disk_init(struct rv_virtio_disk *d, const struct virtio_guest_mem *mem,
                         const struct rv_irq_line *irq, const char *serial);

/* Closes the image (harmless when not open). */
void rv_virtio_disk_close(struct rv_virtio_disk *d);

/* MMIO of a block-device slot (ctx: the struct rv_virtio_disk) and of an empty slot (ctx: unused, may be
 * NULL). Registers below VIRTIO_MMIO_CONFIG take 4-byte aligned accesses; the configuration space takes
 * 1, 2, 4 and 8-byte naturally aligned ones; anything else, and the hole after the frame, is an error. */
extern const struct rv_mmio_ops rv_virtio_disk_mmio_ops;
extern const struct rv_mmio_ops rv_virtio_empty_mmio_ops;

#endif
