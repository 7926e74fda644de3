#include "hv/core/devices/virtio_disk.h"

#include "hv/base/log.h"
#include "hv/base/spinlock.h"
#include "hv/core/devices/irqchip.h"
#include "hv/core/disk.h"
#include "hv/core/guest_mem.h"
#include "hv/core/partition.h"
#include "lib/virtio_blk.h"

_Static_assert(GUEST_VIRTIO_IPA >= GUEST_DEVICE_WINDOW_BASE &&
                   GUEST_VIRTIO_IPA + GUEST_VIRTIO_SIZE <= GUEST_DEVICE_WINDOW_END,
               "the virtio-mmio slot lies in the device window");

#define SPI_BASE 32u

struct guest_disk {
	struct partition *p;
	struct disk_file file;
	struct virtio_blk vblk;
	struct spinlock lock;
};

static struct guest_disk disks[PARTITION_MAX];

static bool mem_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct guest_disk *g = ctx;
	return partition_read_gpa(g->p, gpa, buf, len);
}

static bool mem_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	struct guest_disk *g = ctx;
	return partition_write_gpa(g->p, gpa, buf, len);
}

static void set_irq(void *ctx, bool level)
{
	struct guest_disk *g = ctx;
	partition_irq_set_level(g->p, SPI_BASE + GUEST_VIRTIO_SPI, level);
}

static bool init_model(struct guest_disk *g)
{
	struct virtio_blk_backend be;
	disk_file_backend(&g->file, &be);
	struct virtio_guest_mem mem = {.ctx = g, .read = mem_read, .write = mem_write};
	return virtio_blk_init(&g->vblk, &mem, &be, disk_file_sectors(&g->file), !g->file.writable,
	                       "karasu-disk0", set_irq, g);
}

/* A QueueNotify write runs the requests to completion here, disk I/O included. */
static enum mmio_result access(void *ctx, const struct mmio_access *a, uint64_t *val)
{
	struct guest_disk *g = ctx;
	spin_lock(&g->lock);
	bool ok = a->write ? virtio_blk_mmio_write(&g->vblk, a->offset, a->size, *val)
	                   : virtio_blk_mmio_read(&g->vblk, a->offset, a->size, val);
	spin_unlock(&g->lock);
	return ok ? MMIO_HANDLED : MMIO_ABORT;
}

static void reset(void *ctx)
{
	init_model(ctx);
}

static void describe(void *ctx, struct guest_dtb_desc *d)
{
	(void)ctx;
	d->nr_virtio = 1;
	d->virtio[0] = (struct guest_dtb_mmio_dev){GUEST_VIRTIO_IPA, GUEST_VIRTIO_SIZE, GUEST_VIRTIO_SPI};
}

static const struct mmio_ops mmio = {.access = access};
static const struct device_ops device = {.reset = reset, .describe = describe};

bool virtio_disk_attach(struct partition *p)
{
	if (!p->cfg->disk[0])
		return true;
	struct guest_disk *g = &disks[p->id];
	g->p = p;
	spinlock_init(&g->lock, LOCK_CLASS_VIRTIO_BLK);
	int err = disk_file_open(&g->file, p->cfg->disk, true);
	if (err != DISK_OK) {
		hv_log("%s: disk %s: %s", p->name, p->cfg->disk, disk_strerror(err));
		return false;
	}
	return init_model(g) &&
	       mmio_bus_add(&p->bus, "virtio-blk", GUEST_VIRTIO_IPA, GUEST_VIRTIO_SIZE, &mmio, g) &&
	       partition_add_device(p, "virtio-blk", &device, g);
}
