/* Polled virtio-mmio block driver. Register layout: virtio 1.1 section 4.2.2 (version 2) and 4.2.4 (legacy
 * version 1); split virtqueue layout: section 2.6; block requests: section 5.2.6. */
#include "hv/drivers/virtio_blk.h"

#include "hv/arch/arm64/sysreg.h"
#include "lib/mem.h"

/* MMIO registers common to both versions. */
#define REG_MAGIC_VALUE            0x000u
#define REG_VERSION                0x004u
#define REG_DEVICE_ID              0x008u
#define REG_DEVICE_FEATURES        0x010u
#define REG_DEVICE_FEATURES_SEL    0x014u
#define REG_DRIVER_FEATURES        0x020u
#define REG_DRIVER_FEATURES_SEL    0x024u
#define REG_QUEUE_SEL              0x030u
#define REG_QUEUE_NUM_MAX          0x034u
#define REG_QUEUE_NUM              0x038u
#define REG_QUEUE_NOTIFY           0x050u
#define REG_INTERRUPT_STATUS       0x060u
#define REG_INTERRUPT_ACK          0x064u
#define REG_STATUS                 0x070u
#define REG_CONFIG                 0x100u
/* Version 1 (legacy) only. */
#define REG_LEGACY_GUEST_PAGE_SIZE 0x028u
#define REG_LEGACY_QUEUE_ALIGN     0x03cu
#define REG_LEGACY_QUEUE_PFN       0x040u
/* Version 2 only. */
#define REG_QUEUE_READY            0x044u
#define REG_QUEUE_DESC_LOW         0x080u
#define REG_QUEUE_DESC_HIGH        0x084u
#define REG_QUEUE_DRIVER_LOW       0x090u
#define REG_QUEUE_DRIVER_HIGH      0x094u
#define REG_QUEUE_DEVICE_LOW       0x0a0u
#define REG_QUEUE_DEVICE_HIGH      0x0a4u
#define REG_CONFIG_GENERATION      0x0fcu

#define MMIO_MAGIC          0x74726976u /* "virt" */
#define MMIO_VERSION_LEGACY 1u
#define MMIO_VERSION_MODERN 2u
#define DEVICE_ID_BLOCK     2u

/* Device status bits (section 2.1). */
#define STATUS_ACKNOWLEDGE        1u
#define STATUS_DRIVER             2u
#define STATUS_DRIVER_OK          4u
#define STATUS_FEATURES_OK        8u
#define STATUS_DEVICE_NEEDS_RESET 64u
#define STATUS_FAILED             128u

/* Feature bits. */
#define FEATURE_BLK_RO    5u
#define FEATURE_BLK_FLUSH 9u
#define FEATURE_VERSION_1 32u

/* Block config space (section 5.2.4). */
#define CFG_CAPACITY 0x00u /* u64, 512-byte sectors */

/* Requests (section 5.2.6). */
#define BLK_T_IN         0u
#define BLK_T_OUT        1u
#define BLK_T_FLUSH      4u
#define BLK_S_OK         0u
#define BLK_S_IOERR      1u
#define BLK_S_UNSUPP     2u
#define BLK_HEADER_BYTES 16u   /* type, reserved, sector */
#define STATUS_PENDING   0xffu /* what we put in the status byte; the device overwrites it */

/* Split virtqueue (section 2.6). */
#define DESC_F_NEXT          1u
#define DESC_F_WRITE         2u
#define DESC_BYTES           16u
#define DESC_ADDR            0u /* offsets inside a descriptor: addr u64, len u32, flags u16, next u16 */
#define DESC_LEN             8u
#define DESC_FLAGS           12u
#define DESC_NEXT            14u
#define AVAIL_FLAGS          0u /* offsets inside the available ring */
#define AVAIL_IDX            2u
#define AVAIL_RING           4u
#define USED_IDX             2u /* offsets inside the used ring */
#define USED_RING            4u
#define USED_ELEM_BYTES      8u /* id u32, len u32 */
#define USED_ELEM_ID         0u
#define AVAIL_F_NO_INTERRUPT 1u /* we poll */

#define MIN_DESCRIPTORS    3u /* header, data, status */
#define REQUEST_TIMEOUT_MS 10000u
#define US_PER_SECOND      1000000u
#define RESET_TIMEOUT_MS   1000u

/* CTR_EL0.DminLine: log2 of the smallest data cache line in 4-byte words. */
#define CTR_DMINLINE_SHIFT 16
#define CTR_DMINLINE_MASK  0xfu

static inline uint32_t reg_read(uintptr_t base, uint32_t off)
{
	return *(volatile const uint32_t *)(base + off);
}

static inline uint32_t mmio_read32(const struct vblk *dev, uint32_t off)
{
	return reg_read(dev->base, off);
}

static inline void mmio_write32(const struct vblk *dev, uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(dev->base + off) = val;
}

/* Ring fields are read and written with single naturally aligned volatile accesses: the device updates them
 * behind the compiler's back. */
static inline void ring_write16(void *p, uint16_t v)
{
	*(volatile uint16_t *)p = v;
}
static inline uint16_t ring_read16(const void *p)
{
	return *(volatile const uint16_t *)p;
}
static inline void ring_write32(void *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}
static inline uint32_t ring_read32(const void *p)
{
	return *(volatile const uint32_t *)p;
}
static inline void ring_write64(void *p, uint64_t v)
{
	*(volatile uint64_t *)p = v;
}

const char *vblk_strerror(int err)
{
	switch (err) {
	case VBLK_OK: return "success";
	case VBLK_ERR_NO_DEVICE: return "no virtio block device at this address";
	case VBLK_ERR_VERSION: return "unsupported virtio-mmio version";
	case VBLK_ERR_FEATURES: return "the device refused the driver's features";
	case VBLK_ERR_QUEUE: return "request queue unavailable or too small";
	case VBLK_ERR_IO: return "the device reported an I/O error";
	case VBLK_ERR_UNSUPPORTED: return "the device does not support the request";
	case VBLK_ERR_RANGE: return "sectors beyond the end of the disk";
	case VBLK_ERR_READ_ONLY: return "the disk is read-only";
	case VBLK_ERR_TIMEOUT: return "the device did not complete the request in time";
	case VBLK_ERR_DEVICE: return "the device failed (needs reset or returned a bad completion)";
	case VBLK_ERR_BAD_ARG: return "invalid argument";
	default: return "unknown virtio-blk error";
	}
}

/* ---- time and caches ---- */

static uint64_t now_ms(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	uint64_t ticks = read_sysreg(cntpct_el0);
	return freq ? ticks / (freq / 1000u ? freq / 1000u : 1u) : 0;
}

static uintptr_t dcache_line(void)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	return (uintptr_t)4u << ((ctr >> CTR_DMINLINE_SHIFT) & CTR_DMINLINE_MASK);
}

/* Clean and invalidate [p, p+len) to the point of coherency. Clean so the device sees our writes; invalidate
 * so later reads fetch what the device wrote. Clean+invalidate (not a bare invalidate) because a line may be
 * shared with neighbouring data the CPU has dirtied. */
static void dcache_flush_range(const struct vblk *dev, const volatile void *p, size_t len)
{
	if (dev->coherent || len == 0)
		return;
	uintptr_t line = dcache_line();
	uintptr_t a = (uintptr_t)p & ~(line - 1);
	uintptr_t end = (uintptr_t)p + len;
	for (; a < end; a += line)
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	dsb_sy();
}

/* ---- ring layout ---- */

static uint8_t *desc_at(struct vblk *dev, unsigned i)
{
	return dev->ring.desc_avail + (size_t)i * DESC_BYTES;
}

static uint8_t *avail_ring(struct vblk *dev)
{
	return dev->ring.desc_avail + (size_t)dev->qsize * DESC_BYTES;
}

static size_t avail_ring_bytes(const struct vblk *dev)
{
	return AVAIL_RING + 2u * (size_t)dev->qsize + 2u; /* flags, idx, ring[], used_event */
}

static void set_desc(struct vblk *dev, unsigned i, const volatile void *addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
	uint8_t *d = desc_at(dev, i);
	ring_write64(d + DESC_ADDR, (uint64_t)(uintptr_t)addr);
	ring_write32(d + DESC_LEN, len);
	ring_write16(d + DESC_FLAGS, flags);
	ring_write16(d + DESC_NEXT, next);
}

/* ---- identification and set-up ---- */

bool vblk_probe(uintptr_t base)
{
	if (base == 0 || reg_read(base, REG_MAGIC_VALUE) != MMIO_MAGIC)
		return false;
	uint32_t version = reg_read(base, REG_VERSION);
	if (version != MMIO_VERSION_LEGACY && version != MMIO_VERSION_MODERN)
		return false;
	return reg_read(base, REG_DEVICE_ID) == DEVICE_ID_BLOCK;
}

void vblk_reset(struct vblk *dev)
{
	mmio_write32(dev, REG_STATUS, 0);
	/* Version 2: the reset is complete when Status reads back 0 (section 4.2.3.1). */
	uint64_t start = now_ms();
	while (mmio_read32(dev, REG_STATUS) != 0 && now_ms() - start < RESET_TIMEOUT_MS) {
	}
}

static uint64_t read_device_features(struct vblk *dev)
{
	mmio_write32(dev, REG_DEVICE_FEATURES_SEL, 0);
	uint64_t f = mmio_read32(dev, REG_DEVICE_FEATURES);
	if (dev->version == MMIO_VERSION_MODERN) {
		mmio_write32(dev, REG_DEVICE_FEATURES_SEL, 1);
		f |= (uint64_t)mmio_read32(dev, REG_DEVICE_FEATURES) << 32;
	}
	return f;
}

static void write_driver_features(struct vblk *dev, uint64_t f)
{
	mmio_write32(dev, REG_DRIVER_FEATURES_SEL, 0);
	mmio_write32(dev, REG_DRIVER_FEATURES, (uint32_t)f);
	if (dev->version == MMIO_VERSION_MODERN) {
		mmio_write32(dev, REG_DRIVER_FEATURES_SEL, 1);
		mmio_write32(dev, REG_DRIVER_FEATURES, (uint32_t)(f >> 32));
	}
}

static uint64_t read_capacity(struct vblk *dev)
{
	uint64_t cap;
	uint32_t gen;
	do {
		gen = dev->version == MMIO_VERSION_MODERN ? mmio_read32(dev, REG_CONFIG_GENERATION) : 0;
		uint32_t lo = mmio_read32(dev, REG_CONFIG + CFG_CAPACITY);
		uint32_t hi = mmio_read32(dev, REG_CONFIG + CFG_CAPACITY + 4);
		cap = (uint64_t)hi << 32 | lo;
	} while (dev->version == MMIO_VERSION_MODERN && gen != mmio_read32(dev, REG_CONFIG_GENERATION));
	return cap;
}

static int setup_queue(struct vblk *dev)
{
	mmio_write32(dev, REG_QUEUE_SEL, 0);
	bool in_use = dev->version == MMIO_VERSION_MODERN ? mmio_read32(dev, REG_QUEUE_READY) != 0
	                                                  : mmio_read32(dev, REG_LEGACY_QUEUE_PFN) != 0;
	uint32_t max = mmio_read32(dev, REG_QUEUE_NUM_MAX);
	if (in_use || max < MIN_DESCRIPTORS)
		return VBLK_ERR_QUEUE;
	/* Split virtqueue sizes are powers of two (section 2.6). */
	uint32_t size = VBLK_RING_SIZE;
	while (size > max)
		size /= 2;
	if (size < MIN_DESCRIPTORS)
		return VBLK_ERR_QUEUE;
	dev->qsize = (uint16_t)size;
	dev->avail_idx = 0;
	dev->used_seen = 0;
	k_memset(&dev->ring, 0, sizeof(dev->ring));
	ring_write16(avail_ring(dev) + AVAIL_FLAGS, AVAIL_F_NO_INTERRUPT);
	dcache_flush_range(dev, &dev->ring, sizeof(dev->ring));

	mmio_write32(dev, REG_QUEUE_NUM, dev->qsize);
	uint64_t desc = (uintptr_t)dev->ring.desc_avail;
	uint64_t avail = (uintptr_t)avail_ring(dev);
	uint64_t used = (uintptr_t)dev->ring.used;
	if (dev->version == MMIO_VERSION_LEGACY) {
		/* The device derives the available ring (after the descriptors) and the used ring (next
		 * QueueAlign boundary) from the page number of the descriptor table. */
		mmio_write32(dev, REG_LEGACY_QUEUE_ALIGN, VBLK_LEGACY_PAGE_SIZE);
		mmio_write32(dev, REG_LEGACY_QUEUE_PFN, (uint32_t)(desc / VBLK_LEGACY_PAGE_SIZE));
	} else {
		mmio_write32(dev, REG_QUEUE_DESC_LOW, (uint32_t)desc);
		mmio_write32(dev, REG_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
		mmio_write32(dev, REG_QUEUE_DRIVER_LOW, (uint32_t)avail);
		mmio_write32(dev, REG_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
		mmio_write32(dev, REG_QUEUE_DEVICE_LOW, (uint32_t)used);
		mmio_write32(dev, REG_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
		mmio_write32(dev, REG_QUEUE_READY, 1);
	}
	return VBLK_OK;
}

int vblk_init(struct vblk *dev, uintptr_t base, bool coherent)
{
	if (dev == NULL || base == 0)
		return VBLK_ERR_BAD_ARG;
	k_memset(&dev->req, 0, sizeof(dev->req));
	dev->base = base;
	dev->coherent = coherent;
	dev->failed = false;
	dev->qsize = 0;
	dev->requests = dev->errors = dev->sectors_read = dev->sectors_written = 0;
	if (mmio_read32(dev, REG_MAGIC_VALUE) != MMIO_MAGIC ||
	    mmio_read32(dev, REG_DEVICE_ID) != DEVICE_ID_BLOCK)
		return VBLK_ERR_NO_DEVICE;
	dev->version = mmio_read32(dev, REG_VERSION);
	if (dev->version != MMIO_VERSION_LEGACY && dev->version != MMIO_VERSION_MODERN)
		return VBLK_ERR_VERSION;

	vblk_reset(dev);
	mmio_write32(dev, REG_STATUS, STATUS_ACKNOWLEDGE);
	mmio_write32(dev, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	uint32_t status = STATUS_ACKNOWLEDGE | STATUS_DRIVER;

	uint64_t offered = read_device_features(dev);
	uint64_t wanted = (1ull << FEATURE_BLK_RO) | (1ull << FEATURE_BLK_FLUSH);
	if (dev->version == MMIO_VERSION_MODERN) {
		if (!(offered & (1ull << FEATURE_VERSION_1))) {
			mmio_write32(dev, REG_STATUS, status | STATUS_FAILED);
			return VBLK_ERR_FEATURES;
		}
		wanted |= 1ull << FEATURE_VERSION_1;
	}
	uint64_t features = offered & wanted;
	write_driver_features(dev, features);
	if (dev->version == MMIO_VERSION_MODERN) {
		/* The legacy interface has no FEATURES_OK step. */
		status |= STATUS_FEATURES_OK;
		mmio_write32(dev, REG_STATUS, status);
		if (!(mmio_read32(dev, REG_STATUS) & STATUS_FEATURES_OK)) {
			mmio_write32(dev, REG_STATUS, status | STATUS_FAILED);
			return VBLK_ERR_FEATURES;
		}
	} else {
		mmio_write32(dev, REG_LEGACY_GUEST_PAGE_SIZE, VBLK_LEGACY_PAGE_SIZE);
	}
	dev->read_only = (features & (1ull << FEATURE_BLK_RO)) != 0;
	dev->has_flush = (features & (1ull << FEATURE_BLK_FLUSH)) != 0;

	int err = setup_queue(dev);
	if (err != VBLK_OK) {
		mmio_write32(dev, REG_STATUS, status | STATUS_FAILED);
		return err;
	}
	dev->capacity = read_capacity(dev);
	status |= STATUS_DRIVER_OK;
	mmio_write32(dev, REG_STATUS, status);
	if (mmio_read32(dev, REG_STATUS) & (STATUS_DEVICE_NEEDS_RESET | STATUS_FAILED))
		return VBLK_ERR_DEVICE;
	return VBLK_OK;
}

/* ---- requests ---- */

/* Publishes the chain starting at descriptor 0, notifies the device and polls the used ring. */
static int submit_and_wait(struct vblk *dev, const volatile void *data, uint32_t data_len)
{
	uint8_t *avail = avail_ring(dev);
	uint16_t slot = (uint16_t)(dev->avail_idx % dev->qsize);
	ring_write16(avail + AVAIL_RING + 2u * slot, 0);
	/* Descriptors and the ring entry must be visible before the index that publishes them. */
	dsb_sy();
	dev->avail_idx++;
	ring_write16(avail + AVAIL_IDX, dev->avail_idx);
	dcache_flush_range(dev, dev->ring.desc_avail,
	                   (size_t)dev->qsize * DESC_BYTES + avail_ring_bytes(dev));
	dcache_flush_range(dev, &dev->req, sizeof(dev->req));
	if (data_len)
		dcache_flush_range(dev, data, data_len);
	/* Ring memory writes complete before the device is told to look. */
	dsb_sy();
	mmio_write32(dev, REG_QUEUE_NOTIFY, 0);

	/* The used index is in memory and is polled on every turn. The device status is a register read, which on
	 * QEMU takes the emulator's global lock, the lock its block layer needs to complete the request: reading
	 * it on every turn slowed the loading of a guest's kernel down several times, so it is read once a
	 * millisecond. */
	uint64_t start = now_ms(), status_read_at = start;
	uint64_t freq = read_sysreg(cntfrq_el0), spin_start = read_sysreg(cntpct_el0);
	uint64_t spin_ticks = freq / (US_PER_SECOND / VBLK_SPIN_US);
	for (;;) {
		dcache_flush_range(dev, dev->ring.used, USED_RING);
		if (ring_read16(dev->ring.used + USED_IDX) != dev->used_seen)
			break;
		if (dev->wait_hook && read_sysreg(cntpct_el0) - spin_start > spin_ticks)
			dev->wait_hook();
		uint64_t now = now_ms();
		if (now != status_read_at) {
			status_read_at = now;
			if (mmio_read32(dev, REG_STATUS) & STATUS_DEVICE_NEEDS_RESET)
				return VBLK_ERR_DEVICE;
		}
		if (now - start > REQUEST_TIMEOUT_MS)
			return VBLK_ERR_TIMEOUT;
	}
	/* The used element, the status byte and the data were written before the used index. */
	dsb_sy();
	dcache_flush_range(dev, dev->ring.used, USED_RING + (size_t)dev->qsize * USED_ELEM_BYTES);
	dcache_flush_range(dev, &dev->req, sizeof(dev->req));
	if (data_len)
		dcache_flush_range(dev, data, data_len);
	uint16_t used_slot = (uint16_t)(dev->used_seen % dev->qsize);
	uint32_t id =
	    ring_read32(dev->ring.used + USED_RING + (size_t)used_slot * USED_ELEM_BYTES + USED_ELEM_ID);
	dev->used_seen++;
	/* Keep the (unused) interrupt line quiet. */
	uint32_t isr = mmio_read32(dev, REG_INTERRUPT_STATUS);
	if (isr)
		mmio_write32(dev, REG_INTERRUPT_ACK, isr);
	if (id != 0)
		return VBLK_ERR_DEVICE;
	switch (*(volatile uint8_t *)&dev->req.status) {
	case BLK_S_OK: return VBLK_OK;
	case BLK_S_UNSUPP: return VBLK_ERR_UNSUPPORTED;
	case BLK_S_IOERR: return VBLK_ERR_IO;
	default: return VBLK_ERR_DEVICE;
	}
}

static int do_request(struct vblk *dev, uint32_t type, uint64_t sector, const volatile void *buf,
                      uint32_t count)
{
	dev->req.type = type;
	dev->req.reserved = 0;
	dev->req.sector = sector;
	dev->req.status = STATUS_PENDING;
	uint32_t len = count * VBLK_SECTOR_SIZE;
	set_desc(dev, 0, &dev->req, BLK_HEADER_BYTES, DESC_F_NEXT, 1);
	if (type == BLK_T_FLUSH) {
		set_desc(dev, 1, &dev->req.status, 1, DESC_F_WRITE, 0);
	} else {
		uint16_t data_flags = DESC_F_NEXT | (type == BLK_T_IN ? DESC_F_WRITE : 0);
		set_desc(dev, 1, buf, len, data_flags, 2);
		set_desc(dev, 2, &dev->req.status, 1, DESC_F_WRITE, 0);
	}
	dev->requests++;
	int err = submit_and_wait(dev, type == BLK_T_FLUSH ? NULL : buf, type == BLK_T_FLUSH ? 0 : len);
	if (err != VBLK_OK)
		dev->errors++;
	if (err == VBLK_ERR_TIMEOUT || err == VBLK_ERR_DEVICE) {
		/* The device may still own the buffers or disagree about the ring: stop it for good rather than
		 * risk a late DMA into memory that has been reused. */
		vblk_reset(dev);
		dev->failed = true;
	}
	return err;
}

static int check_range(const struct vblk *dev, uint64_t sector, uint32_t count, const void *buf)
{
	if (dev == NULL || dev->qsize == 0 || (buf == NULL && count != 0))
		return VBLK_ERR_BAD_ARG;
	if (dev->failed)
		return VBLK_ERR_DEVICE;
	if (sector > dev->capacity || count > dev->capacity - sector)
		return VBLK_ERR_RANGE;
	return VBLK_OK;
}

int vblk_read(struct vblk *dev, uint64_t sector, uint32_t count, void *buf)
{
	int err = check_range(dev, sector, count, buf);
	uint8_t *p = buf;
	while (err == VBLK_OK && count > 0) {
		uint32_t n = count < VBLK_MAX_SECTORS_PER_REQUEST ? count : VBLK_MAX_SECTORS_PER_REQUEST;
		err = do_request(dev, BLK_T_IN, sector, p, n);
		if (err == VBLK_OK)
			dev->sectors_read += n;
		p += (size_t)n * VBLK_SECTOR_SIZE;
		sector += n;
		count -= n;
	}
	return err;
}

int vblk_write(struct vblk *dev, uint64_t sector, uint32_t count, const void *buf)
{
	int err = check_range(dev, sector, count, buf);
	if (err == VBLK_OK && dev->read_only)
		err = VBLK_ERR_READ_ONLY;
	const uint8_t *p = buf;
	while (err == VBLK_OK && count > 0) {
		uint32_t n = count < VBLK_MAX_SECTORS_PER_REQUEST ? count : VBLK_MAX_SECTORS_PER_REQUEST;
		err = do_request(dev, BLK_T_OUT, sector, p, n);
		if (err == VBLK_OK)
			dev->sectors_written += n;
		p += (size_t)n * VBLK_SECTOR_SIZE;
		sector += n;
		count -= n;
	}
	return err;
}

int vblk_flush(struct vblk *dev)
{
	if (dev == NULL || dev->qsize == 0)
		return VBLK_ERR_BAD_ARG;
	if (dev->failed)
		return VBLK_ERR_DEVICE;
	if (!dev->has_flush)
		return VBLK_OK;
	return do_request(dev, BLK_T_FLUSH, 0, NULL, 0);
}

void vblk_set_wait_hook(struct vblk *dev, void (*wait)(void))
{
	if (dev)
		dev->wait_hook = wait;
}
