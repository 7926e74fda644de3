/* The boot disk: the first virtio-mmio block device in the platform DTB, MBR partition 1 formatted FAT32
 * (hv.bin, boot.scr, karasu.cfg, guest kernels and initrds, guest disk files).
 *
 * Offers whole-file reads (configuration, kernels) and file handles for guests' file-backed virtio-blk disks
 * (sector reads/writes inside an existing file, never changing its size), with the backend callbacks
 * lib/virtio_blk.h expects.
 *
 * All calls are serialised by one lock inside disk.c (guests on different PEs may use their disks at the same
 * time); call them only after the virtio-mmio frames are mapped as device memory. Errors are returned as codes (disk_strerror() describes them) and also logged
 * with hv_log by disk_init and disk_file_open.
 */
#ifndef KARASU_HV_CORE_DISK_H
#define KARASU_HV_CORE_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fat32.h"
#include "lib/fdt.h"

struct virtio_blk_backend; /* lib/virtio_blk.h */

/* Error codes: FAT32_ERR_* (-1 .. -16, from lib/fat32.h) pass through unchanged; disk-level errors are
 * below -100. */
enum disk_error {
	DISK_OK = 0,
	DISK_ERR_NO_DEVICE = -101,   /* no virtio-mmio block device in the DTB */
	DISK_ERR_DEVICE = -102,      /* the block device failed to initialise (details in the log) */
	DISK_ERR_NOT_MOUNTED = -103, /* disk_init has not succeeded */
	DISK_ERR_BAD_ARG = -104,
	DISK_ERR_NO_MEMORY = -105,   /* the allocator callback returned NULL */
	DISK_ERR_RANGE = -106,       /* sectors beyond the end of a disk file */
	DISK_ERR_READ_ONLY = -107,   /* write to a disk file opened read-only */
	DISK_ERR_NOT_SECTORS = -108, /* a disk file whose size is not a multiple of 512 bytes */
};

/* Describes a DISK_ERR_* or FAT32_ERR_* code. */
const char *disk_strerror(int err);

/* Finds the first enabled "virtio,mmio" node of fdt whose device is a block device, initialises it and mounts
 * MBR partition 1 as FAT32. Logs what it found ("karasu: boot disk virtio-mmio@0x... (v1), 131072 sectors,
 * FAT32 partition 1 at LBA 2048") or why it failed. Returns DISK_OK or an error code. */
int disk_init(const struct fdt *fdt);
bool disk_ready(void);

/* The size of the file at path (absolute, case-insensitive: "/karasu.cfg"). */
int disk_file_size(const char *path, size_t *size);
/* Reads the whole file into buf (cap bytes); *size gets the file size (also on FAT32_ERR_TOO_BIG). */
int disk_read_file(const char *path, void *buf, size_t cap, size_t *size);
/* Reads the first min(len, file size) bytes of the file into buf; *size gets the file size. */
int disk_read_head(const char *path, void *buf, size_t len, size_t *size);
/* Reads the whole file into memory from alloc(ctx, size) (size >= 1 even for an empty file); *out and *size
 * receive it. On error nothing stays allocated unless free_fn is NULL (then the buffer is leaked). */
int disk_load_file(const char *path, void *(*alloc)(void *ctx, size_t size),
                   void (*free_fn)(void *ctx, void *p), void *ctx, void **out, size_t *size);

/* A guest's file-backed disk. Sector n of the guest disk is bytes [512n, 512n+512) of the file. */
#define DISK_FILE_MAX_EXTENTS 32u

struct disk_file {
	struct fat32_file file;
	uint64_t sectors; /* file size / 512 (the guest disk's capacity) */
	bool writable;
	/* Contiguous runs of the file on the device: guest sectors are translated without walking the FAT. When
	 * the file has more runs than fit, nextents = 0 and I/O goes through lib/fat32's cluster walk. */
	struct fat32_extent extents[DISK_FILE_MAX_EXTENTS];
	size_t nextents;
	/* Statistics. */
	uint64_t reads, writes, errors;
};

/* Opens an existing regular file on the boot disk. Its size must be a multiple of 512 bytes. */
int disk_file_open(struct disk_file *f, const char *path, bool writable);
/* count sectors at sector (both in 512-byte units; sector + count <= f->sectors). */
int disk_file_read(struct disk_file *f, uint64_t sector, void *buf, uint32_t count);
int disk_file_write(struct disk_file *f, uint64_t sector, const void *buf, uint32_t count);
/* Commits written data (virtio-blk flush of the boot disk). */
int disk_file_flush(struct disk_file *f);
static inline uint64_t disk_file_sectors(const struct disk_file *f)
{
	return f->sectors;
}

/* Fills *backend for lib/virtio_blk's virtio_blk_init(): ctx = f, read/write/flush = the functions above
 * (return 0 or nonzero, as lib/virtio_blk expects). Pass read_only = !f->writable to virtio_blk_init. */
void disk_file_backend(struct disk_file *f, struct virtio_blk_backend *backend);

/* The mounted volume and the driver's counters, for the console's `stats`. */
struct disk_stats {
	uint64_t capacity_sectors;
	uint64_t requests, errors, sectors_read, sectors_written;
	unsigned version; /* virtio-mmio transport version */
	uintptr_t base;
};
bool disk_get_stats(struct disk_stats *out);

#endif
