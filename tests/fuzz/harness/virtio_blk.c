/* libFuzzer harness: the virtio-mmio block device (lib/virtio_blk.c) driven like a guest driver would (and
 * like a hostile one): MMIO register reads and writes of any size and offset, descriptor tables, available
 * rings and request headers in fuzzed guest memory, queue notifications, device resets, backend errors.
 *
 * Asserted, beyond "no crash":
 *   - the device reads guest memory only through its DMA hook (bounds-checked here against a guest RAM
 *     buffer with guard bytes) and WRITES only into the used ring of the configured queue or into a buffer
 *     named by a device-writable descriptor it has read;
 *   - the backend sees only sector ranges inside the disk (and no write to a read-only disk);
 *   - device state stays valid: a ready queue has a power-of-two size <= QueueNumMax; while the device is
 *     not in DEVICE_NEEDS_RESET every request taken from the available ring has a used-ring entry
 *     (used_idx == last_avail); InterruptStatus holds only the two defined bits and the interrupt line
 *     follows it; FEATURES_OK only with a feature set the device offered including VERSION_1;
 *   - register read-back: identification registers, QueueNumMax, the config space (capacity, seg_max,
 *     blk_size) and the bad-size/bad-offset accesses refused.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"
#include "lib/virtio_blk.h"

#define GUEST_BASE   0x100000ULL
#define GUEST_SIZE   0x8000u
#define GUARD        64u
#define DISK_SECTORS 16u
#define MAX_OPS      48u
#define MAX_SEEN     (VIRTIO_BLK_QUEUE_NUM_MAX * VIRTIO_BLK_QUEUE_NUM_MAX) /* chains x descriptors in one pass */

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

/* A writable buffer the device has learnt from a descriptor. */
struct seen_buffer {
	uint64_t addr, len;
};

struct harness {
	uint8_t ram[GUARD + GUEST_SIZE + GUARD]; /* guest RAM between guard areas that must stay untouched */
	uint8_t disk[DISK_SECTORS * VIRTIO_BLK_SECTOR_SIZE];
	struct virtio_blk dev;
	bool read_only;
	bool irq_level;
	struct fuzz_input *s;
	struct seen_buffer seen[MAX_SEEN];
	unsigned nseen;
};

static struct harness h;

static uint8_t *gpa_host(uint64_t gpa, size_t len)
{
	if (gpa < GUEST_BASE || gpa - GUEST_BASE > GUEST_SIZE || len > GUEST_SIZE - (gpa - GUEST_BASE))
		return NULL;
	return h.ram + GUARD + (gpa - GUEST_BASE);
}

static bool mem_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	uint8_t *p = gpa_host(gpa, len);
	if (!p)
		return false;
	memcpy(buf, p, len);
	/* a descriptor of the live queue: remember the buffer if the device may write it */
	const struct virtio_blk_queue *q = &h.dev.queue;
	if (len == VIRTQ_DESC_SIZE && q->num && gpa >= q->desc &&
	    gpa - q->desc < (uint64_t)q->num * VIRTQ_DESC_SIZE && (gpa - q->desc) % VIRTQ_DESC_SIZE == 0) {
		uint64_t addr;
		uint32_t dlen;
		uint16_t flags;
		memcpy(&addr, p, 8);
		memcpy(&dlen, p + 8, 4);
		memcpy(&flags, p + 12, 2);
		if (flags & VIRTQ_DESC_F_WRITE) {
			CHECK(h.nseen <
			      MAX_SEEN); /* a chain is at most num descriptors, a pass at most num chains */
			h.seen[h.nseen++] = (struct seen_buffer){addr, dlen};
		}
	}
	return true;
}

static bool inside(uint64_t gpa, uint64_t len, uint64_t lo, uint64_t size)
{
	return gpa >= lo && gpa - lo <= size && len <= size - (gpa - lo);
}

static bool mem_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	const struct virtio_blk_queue *q = &h.dev.queue;
	bool allowed = q->ready && inside(gpa, len, q->device, 4u + 8u * q->num + 2u);
	for (unsigned i = 0; i < h.nseen && !allowed; i++)
		allowed = inside(gpa, len, h.seen[i].addr, h.seen[i].len);
	CHECK(allowed);
	uint8_t *p = gpa_host(gpa, len);
	if (!p)
		return false;
	memcpy(p, buf, len);
	return true;
}

static bool disk_range_ok(uint64_t sector, uint32_t count)
{
	return count > 0 && sector < DISK_SECTORS && count <= DISK_SECTORS - sector;
}

static int disk_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	(void)ctx;
	CHECK(disk_range_ok(sector, count));
	if (fuzz_take_u8(h.s) >= 0xf0)
		return 1; /* an I/O error */
	memcpy(buf, h.disk + sector * VIRTIO_BLK_SECTOR_SIZE, (size_t)count * VIRTIO_BLK_SECTOR_SIZE);
	return 0;
}

static int disk_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	(void)ctx;
	CHECK(!h.read_only);
	CHECK(disk_range_ok(sector, count));
	if (fuzz_take_u8(h.s) >= 0xf0)
		return 1;
	memcpy(h.disk + sector * VIRTIO_BLK_SECTOR_SIZE, buf, (size_t)count * VIRTIO_BLK_SECTOR_SIZE);
	return 0;
}

static int disk_flush(void *ctx)
{
	(void)ctx;
	return fuzz_take_u8(h.s) >= 0xf0;
}

static void set_irq(void *ctx, bool level)
{
	(void)ctx;
	CHECK(level != h.irq_level); /* called only on a change */
	h.irq_level = level;
}

static void check_state(void)
{
	const struct virtio_blk *d = &h.dev;
	const struct virtio_blk_queue *q = &d->queue;
	for (unsigned i = 0; i < GUARD; i++)
		CHECK(h.ram[i] == 0xa5 && h.ram[GUARD + GUEST_SIZE + i] == 0xa5);
	CHECK((d->interrupt_status & ~(VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG)) == 0);
	CHECK(h.irq_level == (d->interrupt_status != 0));
	if (q->ready)
		CHECK(q->num && q->num <= VIRTIO_BLK_QUEUE_NUM_MAX && (q->num & (q->num - 1)) == 0);
	if (!(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
		CHECK(q->used_idx == q->last_avail);
	if (d->status & VIRTIO_STATUS_FEATURES_OK)
		CHECK((d->driver_features & ~d->device_features) == 0 &&
		      (d->driver_features & (1ull << VIRTIO_F_VERSION_1)));
	CHECK((d->status & ~0xffu) == 0);
}

static void write32(uint64_t off, uint32_t v)
{
	CHECK(virtio_blk_mmio_write(&h.dev, off, 4, v));
}

static const uint16_t registers[] = {
    VIRTIO_MMIO_MAGIC_VALUE,       VIRTIO_MMIO_VERSION,
    VIRTIO_MMIO_DEVICE_ID,         VIRTIO_MMIO_VENDOR_ID,
    VIRTIO_MMIO_DEVICE_FEATURES,   VIRTIO_MMIO_DEVICE_FEATURES_SEL,
    VIRTIO_MMIO_DRIVER_FEATURES,   VIRTIO_MMIO_DRIVER_FEATURES_SEL,
    VIRTIO_MMIO_QUEUE_SEL,         VIRTIO_MMIO_QUEUE_NUM_MAX,
    VIRTIO_MMIO_QUEUE_NUM,         VIRTIO_MMIO_QUEUE_READY,
    VIRTIO_MMIO_QUEUE_NOTIFY,      VIRTIO_MMIO_INTERRUPT_STATUS,
    VIRTIO_MMIO_INTERRUPT_ACK,     VIRTIO_MMIO_STATUS,
    VIRTIO_MMIO_QUEUE_DESC_LOW,    VIRTIO_MMIO_QUEUE_DESC_HIGH,
    VIRTIO_MMIO_QUEUE_DRIVER_LOW,  VIRTIO_MMIO_QUEUE_DRIVER_HIGH,
    VIRTIO_MMIO_QUEUE_DEVICE_LOW,  VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
    VIRTIO_MMIO_CONFIG_GENERATION, VIRTIO_MMIO_CONFIG,
    VIRTIO_MMIO_CONFIG + 8,        VIRTIO_MMIO_CONFIG + 0x14,
};

static uint64_t take_offset(struct fuzz_input *s)
{
	uint8_t sel = fuzz_take_u8(s);
	if (sel < 0xe0)
		return registers[sel % (sizeof(registers) / sizeof(registers[0]))];
	return fuzz_take_bytes(s, 2) % (VIRTIO_MMIO_FRAME_SIZE + 16);
}

static unsigned take_size(struct fuzz_input *s)
{
	uint8_t sel = fuzz_take_u8(s);
	static const unsigned sizes[] = {4, 4, 4, 4, 1, 2, 8, 3};
	return sizes[sel & 7];
}

/* Checks what a read returned against the spec and the model's documented register set. */
static void check_read(uint64_t off, unsigned size, bool ok, uint64_t v)
{
	bool size_ok = size == 1 || size == 2 || size == 4 || size == 8;
	bool valid = off < VIRTIO_MMIO_FRAME_SIZE && size_ok && (off & (size - 1)) == 0 &&
	             (off >= VIRTIO_MMIO_CONFIG || size == 4);
	CHECK(ok == valid);
	if (!ok)
		return;
	if (size < 8)
		CHECK(v >> (8 * size) == 0);
	if (size != 4 || off >= VIRTIO_MMIO_CONFIG) {
		/* config space: capacity (u64), seg_max, blk_size */
		uint8_t cfg[0x100] = {0};
		uint64_t cap = DISK_SECTORS;
		memcpy(cfg + VIRTIO_BLK_CFG_CAPACITY, &cap, 8);
		uint32_t seg = VIRTIO_BLK_SEG_MAX, blk = VIRTIO_BLK_SECTOR_SIZE;
		memcpy(cfg + VIRTIO_BLK_CFG_SEG_MAX, &seg, 4);
		memcpy(cfg + VIRTIO_BLK_CFG_BLK_SIZE, &blk, 4);
		uint64_t want = 0;
		memcpy(&want, cfg + (off - VIRTIO_MMIO_CONFIG), size);
		CHECK(v == want);
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: CHECK(v == VIRTIO_MMIO_MAGIC); break;
	case VIRTIO_MMIO_VERSION: CHECK(v == VIRTIO_MMIO_VERSION_MODERN); break;
	case VIRTIO_MMIO_DEVICE_ID: CHECK(v == VIRTIO_ID_BLOCK); break;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		CHECK(v == (h.dev.queue_sel == 0 ? VIRTIO_BLK_QUEUE_NUM_MAX : 0));
		break;
	case VIRTIO_MMIO_QUEUE_READY: CHECK(v <= 1); break;
	case VIRTIO_MMIO_INTERRUPT_STATUS: CHECK(v == h.dev.interrupt_status); break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
	case VIRTIO_MMIO_INTERRUPT_ACK:
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
	case VIRTIO_MMIO_DRIVER_FEATURES:
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
	case VIRTIO_MMIO_QUEUE_SEL: CHECK(v == 0); break; /* write-only */
	default: break;
	}
}

/* The driver's initialisation sequence (virtio 1.1 section 3.1.1), with rings wherever the input says. */
static void driver_setup(struct fuzz_input *s)
{
	write32(VIRTIO_MMIO_STATUS, 0);
	write32(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	write32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	write32(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	write32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	write32(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)fuzz_take_u8(s) << 2 & 0x264u);
	write32(VIRTIO_MMIO_STATUS,
	        VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	write32(VIRTIO_MMIO_QUEUE_SEL, 0);
	write32(VIRTIO_MMIO_QUEUE_NUM, 1u << (fuzz_take_u8(s) % 8));
	uint8_t place = fuzz_take_u8(s);
	uint64_t desc = GUEST_BASE + (place & 3) * 0x1000u, avail = desc + 0x800, used = desc + 0xc00;
	if (place & 0x80) { /* anywhere at all */
		desc = GUEST_BASE + (fuzz_take_bytes(s, 2) & ~15u);
		avail = GUEST_BASE + (fuzz_take_bytes(s, 2) & ~1u);
		used = GUEST_BASE + (fuzz_take_bytes(s, 2) & ~3u);
	}
	write32(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	write32(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	write32(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	write32(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	write32(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	write32(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	write32(VIRTIO_MMIO_QUEUE_READY, 1);
	write32(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	                                VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void put_guest(uint64_t gpa, const void *src, size_t len)
{
	uint8_t *p = gpa_host(gpa, len);
	if (p)
		memcpy(p, src, len);
}

/* A request the way a driver queues one: header, data descriptors, status descriptor, ring entry. Fields
 * come from the input, so chains can be short, long, looping or pointing anywhere. */
static void queue_request(struct fuzz_input *s)
{
	const struct virtio_blk_queue *q = &h.dev.queue;
	if (!q->num)
		return;
	unsigned n = 1 + fuzz_take_u8(s) % 4;
	uint16_t head = (uint16_t)(fuzz_take_u8(s) % q->num);
	uint64_t buf = GUEST_BASE + 0x4000 + (fuzz_take_u8(s) & 0x3f) * 0x40;
	uint16_t idx = head;
	for (unsigned i = 0; i < n; i++) {
		uint8_t d[VIRTQ_DESC_SIZE];
		uint8_t kind = fuzz_take_u8(s);
		uint64_t addr = (kind & 0x80) ? GUEST_BASE + fuzz_take_bytes(s, 2) : buf + i * 0x200;
		uint32_t len = i == 0       ? VIRTIO_BLK_REQ_HDR_SIZE
		               : i == n - 1 ? 1
		                            : (uint32_t)(kind & 3) * 0x200;
		if (kind & 0x40)
			len = (uint32_t)fuzz_take_bytes(s, 2);
		uint16_t flags = (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
		                            (i > 0 && (i == n - 1 || (kind & 8)) ? VIRTQ_DESC_F_WRITE : 0));
		if (kind & 0x20)
			flags = (uint16_t)(kind & 7);
		uint16_t next = (uint16_t)((idx + 1 + (kind >> 4 & 1)) % q->num);
		memcpy(d, &addr, 8);
		memcpy(d + 8, &len, 4);
		memcpy(d + 12, &flags, 2);
		memcpy(d + 14, &next, 2);
		put_guest(q->desc + (uint64_t)idx * VIRTQ_DESC_SIZE, d, sizeof(d));
		if (i == 0) { /* the header */
			uint8_t hdr[VIRTIO_BLK_REQ_HDR_SIZE] = {0};
			static const uint32_t types[] = {VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT,
			                                 VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_GET_ID, 7};
			uint32_t type = types[fuzz_take_u8(s) % 5];
			uint64_t sector = fuzz_take_u8(s) % (DISK_SECTORS + 2);
			memcpy(hdr, &type, 4);
			memcpy(hdr + 8, &sector, 8);
			put_guest(addr, hdr, sizeof(hdr));
		}
		idx = next;
	}
	uint16_t avail_idx = 0;
	uint8_t *ai = gpa_host(q->driver + 2, 2);
	if (ai)
		memcpy(&avail_idx, ai, 2);
	put_guest(q->driver + 4 + (uint64_t)(avail_idx % q->num) * 2, &head, 2);
	avail_idx++;
	put_guest(q->driver + 2, &avail_idx, 2);
	if (fuzz_take_u8(s) & 1)
		write32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input s = fuzz_input_init(data, size);
	h.s = &s;
	memset(h.ram, 0xa5, sizeof(h.ram));
	memset(h.ram + GUARD, 0, GUEST_SIZE);
	memset(h.disk, 0x5a, sizeof(h.disk));
	h.read_only = fuzz_take_u8(&s) & 1;
	h.irq_level = false;
	h.nseen = 0;
	struct virtio_guest_mem mem = {NULL, mem_read, mem_write};
	struct virtio_blk_backend backend = {NULL, disk_read, disk_write,
	                                     (fuzz_take_u8(&s) & 1) ? disk_flush : NULL};
	CHECK(virtio_blk_init(&h.dev, &mem, &backend, DISK_SECTORS, h.read_only, "fuzz-disk", set_irq, NULL));
	check_state();

	for (unsigned n = 0; n < MAX_OPS && s.pos < s.size; n++) {
		uint8_t op = fuzz_take_u8(&s);
		h.nseen =
		    0; /* requests are processed within one access: each op starts with no known buffer */
		switch (op % 7) {
		case 0: { /* a register write */
			uint64_t off = take_offset(&s);
			unsigned sz = take_size(&s);
			uint64_t v = fuzz_take_bytes(&s, 4);
			bool size_ok = sz == 1 || sz == 2 || sz == 4 || sz == 8;
			bool valid = off < VIRTIO_MMIO_FRAME_SIZE && size_ok && (off & (sz - 1)) == 0 &&
			             (off >= VIRTIO_MMIO_CONFIG || sz == 4);
			CHECK(virtio_blk_mmio_write(&h.dev, off, sz, v) == valid);
			break;
		}
		case 1: { /* a register read */
			uint64_t off = take_offset(&s);
			unsigned sz = take_size(&s);
			uint64_t v = 0;
			bool ok = virtio_blk_mmio_read(&h.dev, off, sz, &v);
			check_read(off, sz, ok, v);
			break;
		}
		case 2: { /* the guest writes its memory */
			size_t off = fuzz_take_bytes(&s, 2) % GUEST_SIZE;
			size_t len = fuzz_take_u8(&s);
			for (size_t i = 0; i < len && off + i < GUEST_SIZE; i++)
				h.ram[GUARD + off + i] = fuzz_take_u8(&s);
			break;
		}
		case 3: driver_setup(&s); break;
		case 4:
		case 5: queue_request(&s); break;
		default: write32(VIRTIO_MMIO_STATUS, 0); break; /* device reset */
		}
		check_state();
	}
	return 0;
}
