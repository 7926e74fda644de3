/* The boot disk: virtio-mmio block device (hv/drivers/virtio_blk) + FAT32 partition 1 (lib/fat32). */
#include "hv/core/disk.h"

#include "hv/base/log.h"
#include "hv/base/spinlock.h"
#include "hv/core/pe.h"
#include "hv/drivers/virtio_blk.h"
#include "lib/fmt.h"
#include "lib/mem.h"
#include "lib/virtio_blk.h"

#define BOOT_PARTITION          1u /* MBR partition 1, as U-Boot's "virtio 0:1" */
#define VIRTIO_MMIO_COMPAT      "virtio,mmio"
/* Guest disk I/O errors are logged, but only this many per file (a failing disk would flood the console). */
#define DISK_FILE_ERRORS_LOGGED 4u
#define DETAIL_MAX              80u

static struct vblk boot_dev; /* page-aligned ring inside */
static struct fat32_volume volume;
static bool mounted;
static int last_vblk_error; /* the driver's code behind the latest FAT32_ERR_IO */
static struct spinlock disk_lock = SPINLOCK_INIT(LOCK_CLASS_DISK);

/* Before the EL2 MMU is on the lock does nothing (hv/base/spinlock.h): only the boot PE runs then. */
static void lock(void)
{
	spin_lock(&disk_lock);
}

static void unlock(void)
{
	spin_unlock(&disk_lock);
}

const char *disk_strerror(int err)
{
	switch (err) {
	case DISK_OK: return "success";
	case DISK_ERR_NO_DEVICE: return "no virtio-mmio block device in the devicetree";
	case DISK_ERR_DEVICE: return "the boot disk's virtio device failed to initialise";
	case DISK_ERR_NOT_MOUNTED: return "the boot disk is not mounted";
	case DISK_ERR_BAD_ARG: return "invalid argument";
	case DISK_ERR_NO_MEMORY: return "out of memory";
	case DISK_ERR_RANGE: return "sectors beyond the end of the disk file";
	case DISK_ERR_READ_ONLY: return "the disk file is read-only";
	case DISK_ERR_NOT_SECTORS: return "the disk file's size is not a multiple of 512 bytes";
	default: return fat32_strerror(err);
	}
}

/* Names a FAT32_ERR_IO by the driver's reason: " (reason)" or "". */
static const char *error_detail(int err, char *buf, size_t size)
{
	if (err != FAT32_ERR_IO || last_vblk_error == VBLK_OK)
		return "";
	k_snprintf(buf, size, " (%s)", vblk_strerror(last_vblk_error));
	return buf;
}

static int dev_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	int err = vblk_read(ctx, lba, count, buf);
	if (err != VBLK_OK)
		last_vblk_error = err;
	return err;
}

static int dev_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
	int err = vblk_write(ctx, lba, count, buf);
	if (err != VBLK_OK)
		last_vblk_error = err;
	return err;
}

static int find_device(const struct fdt *fdt, uint64_t *base)
{
	for (int node = fdt_find_compatible(fdt, -1, VIRTIO_MMIO_COMPAT); node >= 0;
	     node = fdt_find_compatible(fdt, node, VIRTIO_MMIO_COMPAT)) {
		uint64_t addr;
		if (!fdt_node_is_enabled(fdt, node) || fdt_reg(fdt, node, 0, &addr, NULL) != FDT_OK)
			continue;
		if (!vblk_probe((uintptr_t)addr))
			continue; /* an empty slot or another device type */
		*base = addr;
		return node;
	}
	return FDT_ERR_NOTFOUND;
}

int disk_init(const struct fdt *fdt)
{
	if (fdt == NULL)
		return DISK_ERR_BAD_ARG;
	lock();
	mounted = false;
	uint64_t base = 0;
	int node = find_device(fdt, &base);
	if (node < 0) {
		unlock();
		hv_log("boot disk: %s", disk_strerror(DISK_ERR_NO_DEVICE));
		return DISK_ERR_NO_DEVICE;
	}
	bool coherent = fdt_has_prop(fdt, node, "dma-coherent");
	int err = vblk_init(&boot_dev, (uintptr_t)base, coherent);
	if (err != VBLK_OK) {
		unlock();
		hv_log("boot disk: virtio-mmio@%#llx: %s", (unsigned long long)base, vblk_strerror(err));
		return DISK_ERR_DEVICE;
	}
	vblk_set_wait_hook(&boot_dev, pe_pause);
	struct fat32_blockdev bd = {.ctx = &boot_dev, .read_sectors = dev_read, .write_sectors = dev_write};
	last_vblk_error = VBLK_OK;
	err = fat32_mount_partition(&volume, &bd, BOOT_PARTITION);
	if (err != FAT32_OK) {
		char buf[DETAIL_MAX];
		const char *detail = error_detail(err, buf, sizeof(buf));
		unlock();
		hv_log("boot disk: virtio-mmio@%#llx: partition %u: %s%s", (unsigned long long)base,
		       BOOT_PARTITION, fat32_strerror(err), detail);
		return err;
	}
	mounted = true;
	unlock();
	hv_log(
	    "boot disk: virtio-mmio@%#llx (transport v%u%s%s), %llu sectors, FAT32 partition %u at LBA %llu, "
	    "%u-byte clusters",
	    (unsigned long long)base, boot_dev.version, coherent ? "" : ", non-coherent DMA",
	    boot_dev.read_only ? ", read-only" : "", (unsigned long long)boot_dev.capacity, BOOT_PARTITION,
	    (unsigned long long)volume.volume_lba, volume.cluster_size);
	return DISK_OK;
}

bool disk_ready(void)
{
	return mounted;
}

static int lookup_file(const char *path, struct fat32_file *f)
{
	int err = fat32_lookup(&volume, path, f);
	if (err == FAT32_OK && fat32_is_dir(f))
		err = FAT32_ERR_IS_DIR;
	return err;
}

static int report(const char *path, int err)
{
	char detail[DETAIL_MAX];
	if (err != DISK_OK)
		hv_log("boot disk: %s: %s%s", path ? path : "(null)", disk_strerror(err),
		       error_detail(err, detail, sizeof(detail)));
	return err;
}

/* Looks path up with the disk lock taken; the caller unlocks (also after an error). */
static int lock_and_lookup(const char *path, struct fat32_file *f)
{
	lock();
	last_vblk_error = VBLK_OK;
	return lookup_file(path, f);
}

int disk_file_size(const char *path, size_t *size)
{
	if (path == NULL || size == NULL)
		return DISK_ERR_BAD_ARG;
	if (!mounted)
		return DISK_ERR_NOT_MOUNTED;
	struct fat32_file f;
	int err = lock_and_lookup(path, &f);
	unlock();
	if (err == FAT32_OK)
		*size = f.size;
	return report(path, err);
}

int disk_read_file(const char *path, void *buf, size_t cap, size_t *size)
{
	if (path == NULL || (buf == NULL && cap != 0))
		return DISK_ERR_BAD_ARG;
	if (!mounted)
		return report(path, DISK_ERR_NOT_MOUNTED);
	lock();
	last_vblk_error = VBLK_OK;
	int err = fat32_read_file(&volume, path, buf, cap, size);
	unlock();
	return report(path, err);
}

int disk_read_head(const char *path, void *buf, size_t len, size_t *size)
{
	if (path == NULL || size == NULL || (buf == NULL && len != 0))
		return DISK_ERR_BAD_ARG;
	if (!mounted)
		return report(path, DISK_ERR_NOT_MOUNTED);
	struct fat32_file f;
	int err = lock_and_lookup(path, &f);
	if (err == FAT32_OK)
		err = fat32_read(&volume, &f, 0, buf, len < f.size ? len : f.size);
	unlock();
	if (err == FAT32_OK)
		*size = f.size;
	return report(path, err);
}

int disk_load_file(const char *path, void *(*alloc)(void *ctx, size_t size),
                   void (*free_fn)(void *ctx, void *p), void *ctx, void **out, size_t *size)
{
	if (path == NULL || alloc == NULL || out == NULL)
		return DISK_ERR_BAD_ARG;
	if (!mounted)
		return report(path, DISK_ERR_NOT_MOUNTED);
	struct fat32_file f;
	int err = lock_and_lookup(path, &f);
	unlock();
	if (err != FAT32_OK)
		return report(path, err);
	/* The allocator may take its own lock: call it without ours. */
	void *buf = alloc(ctx, f.size ? f.size : 1);
	if (buf == NULL)
		return report(path, DISK_ERR_NO_MEMORY);
	lock();
	last_vblk_error = VBLK_OK;
	err = fat32_read(&volume, &f, 0, buf, f.size);
	unlock();
	if (err != FAT32_OK) {
		if (free_fn)
			free_fn(ctx, buf);
		return report(path, err);
	}
	*out = buf;
	if (size)
		*size = f.size;
	return DISK_OK;
}

/* ---- guest disk files ---- */

int disk_file_open(struct disk_file *f, const char *path, bool writable)
{
	if (f == NULL || path == NULL)
		return DISK_ERR_BAD_ARG;
	if (!mounted)
		return report(path, DISK_ERR_NOT_MOUNTED);
	k_memset(f, 0, sizeof(*f));
	lock();
	last_vblk_error = VBLK_OK;
	int err = lookup_file(path, &f->file);
	size_t count = 0;
	if (err == FAT32_OK && f->file.size % VBLK_SECTOR_SIZE != 0)
		err = DISK_ERR_NOT_SECTORS;
	if (err == FAT32_OK)
		err = fat32_extents(&volume, &f->file, f->extents, DISK_FILE_MAX_EXTENTS, &count);
	unlock();
	if (err != FAT32_OK)
		return report(path, err);
	/* Too fragmented for the table: fall back to lib/fat32's cluster walk. */
	f->nextents = count <= DISK_FILE_MAX_EXTENTS ? count : 0;
	f->sectors = f->file.size / VBLK_SECTOR_SIZE;
	f->writable = writable && !boot_dev.read_only;
	if (writable && boot_dev.read_only)
		hv_log("disk file %s: the boot disk is read-only, so is this file", path);
	hv_log("disk file %s: %llu sectors, %zu extent%s%s, %s", path, (unsigned long long)f->sectors, count,
	       count == 1 ? "" : "s", f->nextents ? "" : " (FAT walk)",
	       writable ? "read-write" : "read-only");
	return DISK_OK;
}

/* Device LBA of file sector `sector` and how many sectors follow contiguously in the same extent. */
static bool map_sector(const struct disk_file *f, uint64_t sector, uint64_t *lba, uint64_t *run)
{
	for (size_t i = 0; i < f->nextents; i++) {
		const struct fat32_extent *e = &f->extents[i];
		uint64_t first = e->file_offset / VBLK_SECTOR_SIZE;
		if (sector >= first && sector - first < e->sectors) {
			*lba = e->lba + (sector - first);
			*run = e->sectors - (sector - first);
			return true;
		}
	}
	return false;
}

static int file_io(struct disk_file *f, uint64_t sector, void *buf, uint32_t count, bool write)
{
	if (f == NULL || (buf == NULL && count != 0))
		return DISK_ERR_BAD_ARG;
	if (!mounted)
		return DISK_ERR_NOT_MOUNTED;
	if (sector > f->sectors || count > f->sectors - sector)
		return DISK_ERR_RANGE;
	if (write && !f->writable)
		return DISK_ERR_READ_ONLY;
	int err = DISK_OK;
	const uint64_t first_sector = sector;
	lock();
	last_vblk_error = VBLK_OK;
	if (f->nextents == 0) {
		uint64_t off = sector * VBLK_SECTOR_SIZE;
		size_t len = (size_t)count * VBLK_SECTOR_SIZE;
		err = write ? fat32_write(&volume, &f->file, off, buf, len)
		            : fat32_read(&volume, &f->file, off, buf, len);
	}
	uint8_t *p = buf;
	while (f->nextents != 0 && count > 0 && err == DISK_OK) {
		uint64_t lba, run;
		if (!map_sector(f, sector, &lba, &run)) {
			err = FAT32_ERR_BAD_CHAIN; /* cannot happen for a file whose extents cover its size */
			break;
		}
		uint32_t n = run < count ? (uint32_t)run : count;
		/* The volume caches one sector: drop it if this write covers it. */
		if (write && volume.cache_lba >= lba && volume.cache_lba < lba + n)
			volume.cache_lba = UINT64_MAX;
		int verr = write ? vblk_write(&boot_dev, lba, n, p) : vblk_read(&boot_dev, lba, n, p);
		if (verr != VBLK_OK) {
			last_vblk_error = verr;
			err = FAT32_ERR_IO;
		}
		p += (size_t)n * VBLK_SECTOR_SIZE;
		sector += n;
		count -= n;
	}
	if (err == DISK_OK) {
		if (write)
			f->writes++;
		else
			f->reads++;
	} else if (f->errors++ < DISK_FILE_ERRORS_LOGGED) {
		char buf[DETAIL_MAX];
		const char *detail = error_detail(err, buf, sizeof(buf));
		unlock();
		hv_log("disk file %s: %s at sector %llu: %s%s", f->file.name, write ? "write" : "read",
		       (unsigned long long)first_sector, disk_strerror(err), detail);
		return err;
	}
	unlock();
	return err;
}

int disk_file_read(struct disk_file *f, uint64_t sector, void *buf, uint32_t count)
{
	return file_io(f, sector, buf, count, false);
}

int disk_file_write(struct disk_file *f, uint64_t sector, const void *buf, uint32_t count)
{
	/* file_io only reads from buf when writing. */
	return file_io(f, sector, (void *)(uintptr_t)buf, count, true);
}

int disk_file_flush(struct disk_file *f)
{
	if (f == NULL)
		return DISK_ERR_BAD_ARG;
	if (!mounted)
		return DISK_ERR_NOT_MOUNTED;
	lock();
	int err = vblk_flush(&boot_dev);
	if (err != VBLK_OK)
		last_vblk_error = err;
	unlock();
	return err == VBLK_OK ? DISK_OK : FAT32_ERR_IO;
}

static int backend_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	return disk_file_read(ctx, sector, buf, count);
}

static int backend_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	return disk_file_write(ctx, sector, buf, count);
}

static int backend_flush(void *ctx)
{
	return disk_file_flush(ctx);
}

void disk_file_backend(struct disk_file *f, struct virtio_blk_backend *backend)
{
	backend->ctx = f;
	backend->read = backend_read;
	backend->write = backend_write;
	backend->flush = backend_flush;
}

bool disk_get_stats(struct disk_stats *out)
{
	if (!mounted || out == NULL)
		return false;
	lock();
	out->capacity_sectors = boot_dev.capacity;
	out->requests = boot_dev.requests;
	out->errors = boot_dev.errors;
	out->sectors_read = boot_dev.sectors_read;
	out->sectors_written = boot_dev.sectors_written;
	out->version = boot_dev.version;
	out->base = boot_dev.base;
	unlock();
	return true;
}
