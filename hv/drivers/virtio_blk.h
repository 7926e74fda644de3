/* The hypervisor's own virtio-mmio block driver (virtio 1.1 section 4.2 MMIO transport, 2.6 split
 * virtqueues, 5.2 block device), used to read the boot disk (FAT32: karasu.cfg, guest kernels, disk files).
 *
 * Both MMIO transport versions are driven: version 1 ("legacy": GuestPageSize, QueuePFN, used ring on its own
 * page), which QEMU's virtio-mmio offers by default, and version 2 ("modern": QueueDesc/Driver/Device,
 * QueueReady; QEMU with -global virtio-mmio.force-legacy=false).
 *
 * Polled and synchronous: one request in flight, three descriptors (header, data, status) in a static ring
 * inside struct vblk. No interrupts are used. Data buffers are the caller's memory, passed to the device by
 * address: karasu-hv maps RAM 1:1 at EL2 (VA = PA), so buffers must be hypervisor RAM, not MMIO. If the DTB
 * node lacks "dma-coherent", caches are cleaned/invalidated around every transfer.
 *
 * Not thread-safe: callers serialise all calls for one device (hv/core/disk.c holds its lock).
 */
#ifndef KARASU_HV_DRIVERS_VIRTIO_BLK_H
#define KARASU_HV_DRIVERS_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VBLK_SECTOR_SIZE             512u
/* Descriptors in the driver's ring (a request uses 3). A power of two; the device may allow fewer. */
#define VBLK_RING_SIZE               8u
/* Largest transfer in one request; longer reads and writes are split. */
#define VBLK_MAX_SECTORS_PER_REQUEST 16384u /* 8 MiB */
/* The legacy transport's page size (GuestPageSize) and used-ring alignment (QueueAlign). */
#define VBLK_LEGACY_PAGE_SIZE        4096u

enum vblk_error {
	VBLK_OK = 0,
	VBLK_ERR_NO_DEVICE = -1,   /* no virtio magic at the address, or DeviceID is not 2 (block) */
	VBLK_ERR_VERSION = -2,     /* MMIO version other than 1 and 2 */
	VBLK_ERR_FEATURES = -3,    /* the device refused our features (FEATURES_OK did not stick) */
	VBLK_ERR_QUEUE = -4,       /* queue 0 missing, already in use, or fewer than 3 descriptors */
	VBLK_ERR_IO = -5,          /* the device answered VIRTIO_BLK_S_IOERR */
	VBLK_ERR_UNSUPPORTED = -6, /* VIRTIO_BLK_S_UNSUPP (e.g. flush on a device without it) */
	VBLK_ERR_RANGE = -7,       /* sectors outside the capacity */
	VBLK_ERR_READ_ONLY = -8,   /* write to a device with VIRTIO_BLK_F_RO */
	VBLK_ERR_TIMEOUT = -9,     /* the device did not complete the request (polling limit) */
	VBLK_ERR_DEVICE = -10,     /* the device set DEVICE_NEEDS_RESET, returned a bad used element, or
	                              failed earlier (then every later request gets this too) */
	VBLK_ERR_BAD_ARG = -11,
};

const char *vblk_strerror(int err);

/* Ring memory the device reads and writes by DMA. Legacy layout (virtio 1.1 section 4.2.4 / 2.6.2): the
 * descriptor table and the available ring share the first page, the used ring starts on the next
 * VBLK_LEGACY_PAGE_SIZE boundary. The modern transport uses the same memory. */
struct vblk_ring {
	uint8_t desc_avail[VBLK_LEGACY_PAGE_SIZE];
	uint8_t used[VBLK_LEGACY_PAGE_SIZE];
} __attribute__((aligned(VBLK_LEGACY_PAGE_SIZE)));

/* The request header and status byte (device-readable header, device-writable status), kept together. */
struct vblk_request {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	uint8_t status;
	uint8_t pad[63]; /* own cache line(s) for the non-coherent case */
} __attribute__((aligned(64)));

struct vblk {
	struct vblk_ring ring; /* first: keeps the page alignment */
	struct vblk_request req;
	uintptr_t base;     /* MMIO frame (identity-mapped as device memory) */
	unsigned version;   /* 1 = legacy, 2 = modern */
	bool coherent;      /* DMA is cache-coherent ("dma-coherent" in the DTB) */
	bool read_only;     /* VIRTIO_BLK_F_RO */
	bool has_flush;     /* VIRTIO_BLK_F_FLUSH negotiated */
	bool failed;        /* a request timed out or the device broke: it was reset and is not used again */
	uint16_t qsize;     /* descriptors in use (<= VBLK_RING_SIZE) */
	uint16_t avail_idx; /* next available-ring index we publish */
	uint16_t used_seen; /* used-ring index we have consumed up to */
	uint64_t capacity;  /* 512-byte sectors */
	/* Called, when set, while a request has been in flight for longer than VBLK_SPIN_US: lets the PE sleep a
	 * little between two looks at the used ring instead of spinning (see vblk_set_wait_hook). */
	void (*wait_hook)(void);
	/* Statistics. */
	uint64_t requests, errors, sectors_read, sectors_written;
};

/* How long a request is polled without pause before the wait hook is called: the small requests (a FAT
 * sector, the config file) complete within it and never sleep. */
#define VBLK_SPIN_US 200u

/* Whether a virtio-blk device answers at base (magic, version 1 or 2, DeviceID 2). Touches only read-only
 * identification registers. */
bool vblk_probe(uintptr_t base);

/* Resets the device at base and brings it up: status handshake, feature negotiation (VERSION_1 on the modern
 * transport, FLUSH and RO if offered), queue 0 set-up. coherent: whether DMA snoops the CPU caches. */
int vblk_init(struct vblk *dev, uintptr_t base, bool coherent);

/* After vblk_init: a function that pauses the calling PE briefly (until an interrupt or a short timeout), called
 * between two looks at an unfinished request once it has run VBLK_SPIN_US. Under an emulator the device's work
 * is done by a host thread that competes for the host's CPUs with the thread polling for it: a paused PE gives
 * its CPU back (a 32 MiB kernel took up to 10 times as long to read from the boot disk on a busy host while
 * the PE spun). NULL: poll without pause. */
void vblk_set_wait_hook(struct vblk *dev, void (*wait)(void));

/* Reads / writes count sectors starting at sector into/from buf (count may be 0; any alignment of buf). */
int vblk_read(struct vblk *dev, uint64_t sector, uint32_t count, void *buf);
int vblk_write(struct vblk *dev, uint64_t sector, uint32_t count, const void *buf);
/* Asks the device to commit its write cache (VIRTIO_BLK_T_FLUSH); VBLK_OK without the FLUSH feature. */
int vblk_flush(struct vblk *dev);

static inline uint64_t vblk_capacity(const struct vblk *dev)
{
	return dev->capacity;
}

/* Resets the device (status 0): it stops using the ring. */
void vblk_reset(struct vblk *dev);

#endif
