/* virtio-mmio slots of the virt machine (see virtio_slot.h): the host-file backend of lib/virtio_blk, a
 * thin MMIO adaptor over it, and the empty transport. */
#include "rv/system/dev/virtio_slot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* QEMU's option that asks for a read-only disk, named in the hints of the error messages. */
#define READ_ONLY_HINT "readonly=on opens it read-only"

/* ---- the host-file backend ---- */

/* Moves count sectors between buf and the image at sector, looping over short transfers and signals. */
static int transfer(struct rv_virtio_disk *d, bool write, uint64_t sector, uint8_t *buf, uint32_t count)
{
	size_t left = (size_t)count * VIRTIO_BLK_SECTOR_SIZE;
	off_t at = (off_t)(sector * VIRTIO_BLK_SECTOR_SIZE);
	while (left > 0) {
		ssize_t n = write ? pwrite(d->fd, buf, left, at) : pread(d->fd, buf, left, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* an error, or the image shrank under us */
		buf += n;
		at += n;
		left -= (size_t)n;
	}
	return 0;
}

static int disk_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	return transfer(ctx, false, sector, buf, count);
}

static int disk_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	/* pwrite does not write through buf; transfer takes one pointer type for both directions. */
	return transfer(ctx, true, sector, (uint8_t *)buf, count);
}

static int disk_flush(void *ctx)
{
	struct rv_virtio_disk *d = ctx;
	return fdatasync(d->fd) == 0 ? 0 : -1;
}

static void disk_irq(void *ctx, bool level)
{
	struct rv_virtio_disk *d = ctx;
	rv_irq_line_set(&d->irq, level);
}

/* Says why open(path) failed, as a user should read it. */
static void open_error(const char *path, bool read_only, int e, char *err, size_t errlen)
{
	switch (e) {
	case ENOENT: snprintf(err, errlen, "%s: no such file", path); break;
	case EISDIR: snprintf(err, errlen, "%s is a directory, not a disk image", path); break;
	case EACCES:
	case EPERM:
		if (read_only)
			snprintf(err, errlen, "%s: permission denied (the disk image cannot be read)", path);
		else
			snprintf(err, errlen, "%s: permission denied for reading and writing (%s)", path,
			         READ_ONLY_HINT);
		break;
	case EROFS:
		snprintf(err, errlen, "%s is on a read-only file system (%s)", path, READ_ONLY_HINT);
		break;
	default: snprintf(err, errlen, "%s: %s", path, strerror(e)); break;
	}
}

/* The size in bytes of an opened image, or a negative errno with err set. */
static int64_t image_size(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory, not a disk image", path);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file or a block device", path);
		return -EINVAL;
	}
	/* lseek gives the size of block devices too, where st_size is 0. */
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot find its size: %s", path, strerror(e));
		return -e;
	}
	return end;
}

int rv_virtio_disk_open(struct rv_virtio_disk *d, const char *path, bool read_only, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		open_error(path, read_only, e, err, errlen);
		return -e;
	}
	int64_t size = image_size(fd, path, err, errlen);
	if (size < 0) {
		close(fd);
		return (int)size;
	}
	if (size < VIRTIO_BLK_SECTOR_SIZE) {
		if (size == 0)
			snprintf(err, errlen, "%s is empty: a disk needs at least one %u-byte sector", path,
			         VIRTIO_BLK_SECTOR_SIZE);
		else
			snprintf(err, errlen, "%s is %lld bytes, smaller than one %u-byte sector", path,
			         (long long)size, VIRTIO_BLK_SECTOR_SIZE);
		close(fd);
		return -EINVAL;
	}
	d->fd = fd;
	d->read_only = read_only;
	d->capacity = (uint64_t)size / VIRTIO_BLK_SECTOR_SIZE;
	return 0;
}

bool rv_virtio_disk_init(struct rv_virtio_disk *d, const struct virtio_guest_mem *mem,
                         const struct rv_irq_line *irq, const char *serial)
{
	if (d->fd < 0)
		return false;
	struct rv_irq_line none = {0};
	d->irq = irq ? *irq : none;
	struct virtio_blk_backend backend = {
	    .ctx = d,
	    .read = disk_read,
	    .write = disk_write,
	    .flush = disk_flush,
	};
	return virtio_blk_init(&d->blk, mem, &backend, d->capacity, d->read_only, serial, disk_irq, d);
}

void rv_virtio_disk_close(struct rv_virtio_disk *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/* ---- MMIO ---- */

static enum rv_mmio_result disk_mmio_read(void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
	struct rv_virtio_disk *d = ctx;
	return virtio_blk_mmio_read(&d->blk, offset, size, value) ? RV_MMIO_OK : RV_MMIO_ERROR;
}

static enum rv_mmio_result disk_mmio_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	struct rv_virtio_disk *d = ctx;
	return virtio_blk_mmio_write(&d->blk, offset, size, value) ? RV_MMIO_OK : RV_MMIO_ERROR;
}

const struct rv_mmio_ops rv_virtio_disk_mmio_ops = {
    .read = disk_mmio_read,
    .write = disk_mmio_write,
};

/* The empty transport decodes accesses as the block device's does (lib/virtio_blk.h). */
static bool empty_access_ok(uint64_t offset, unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	if (offset >= VIRTIO_MMIO_FRAME_SIZE || offset % size != 0)
		return false;
	return offset >= VIRTIO_MMIO_CONFIG || size == 4;
}

static enum rv_mmio_result empty_mmio_read(void *ctx, uint64_t offset, unsigned size, uint64_t *value)
{
	(void)ctx;
	if (!empty_access_ok(offset, size))
		return RV_MMIO_ERROR;
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE: *value = VIRTIO_MMIO_MAGIC; break;
	case VIRTIO_MMIO_VERSION: *value = VIRTIO_MMIO_VERSION_MODERN; break;
	case VIRTIO_MMIO_VENDOR_ID: *value = VIRTIO_BLK_VENDOR_ID; break;
	default: *value = 0; break; /* device id 0: no device behind this transport */
	}
	return RV_MMIO_OK;
}

static enum rv_mmio_result empty_mmio_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	(void)ctx;
	(void)value;
	return empty_access_ok(offset, size) ? RV_MMIO_OK : RV_MMIO_ERROR;
}

const struct rv_mmio_ops rv_virtio_empty_mmio_ops = {
    .read = empty_mmio_read,
    .write = empty_mmio_write,
};
