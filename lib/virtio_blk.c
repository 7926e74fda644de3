/* virtio-mmio block device model (see virtio_blk.h). */
#include "lib/virtio_blk.h"

#include "lib/mem.h"

#define AVAIL_IDX_OFF  2u /* avail ring: flags u16, idx u16, ring[num] u16 */
#define AVAIL_RING_OFF 4u
#define USED_IDX_OFF   2u /* used ring: flags u16, idx u16, ring[num] {u32 id, u32 len} */
#define USED_RING_OFF  4u
#define USED_ELEM_SIZE 8u
#define DESC_ALIGN     16u
#define AVAIL_ALIGN    2u
#define USED_ALIGN     4u

#define FEATURE_BIT(n) (1ull << (n))

/* A request's buffers (in dev->segs): device-readable segments first, then device-writable ones. */
struct chain {
	struct virtio_blk_segment *seg;
	unsigned nread, nwrite;
	uint64_t read_len, write_len;
};

/* Outcome of handling one chain. */
enum chain_result {
	CHAIN_DONE,  /* completed (with any status): goes to the used ring */
	CHAIN_FATAL, /* queue structure or guest memory broken: device needs reset */
};

static void update_irq(struct virtio_blk *dev)
{
	bool level = dev->interrupt_status != 0;
	if (level != dev->irq_level) {
		dev->irq_level = level;
		if (dev->set_irq)
			dev->set_irq(dev->irq_ctx, level);
	}
}

static void needs_reset(struct virtio_blk *dev, const char *why)
{
	dev->last_error = why;
	dev->errors++;
	if (dev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return;
	dev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	dev->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	update_irq(dev);
}

static void reset_device(struct virtio_blk *dev)
{
	dev->driver_features = 0;
	dev->device_features_sel = 0;
	dev->driver_features_sel = 0;
	dev->status = 0;
	dev->interrupt_status = 0;
	dev->queue_sel = 0;
	k_memset(&dev->queue, 0, sizeof(dev->queue));
	update_irq(dev);
}

bool virtio_blk_init(struct virtio_blk *dev, const struct virtio_guest_mem *mem,
                     const struct virtio_blk_backend *backend, uint64_t capacity, bool read_only,
                     const char *id, void (*set_irq)(void *ctx, bool level), void *irq_ctx)
{
	if (!dev || !mem || !mem->read || !mem->write || !backend || !backend->read || !backend->write)
		return false;
	k_memset(dev, 0, sizeof(*dev));
	dev->mem = *mem;
	dev->backend = *backend;
	dev->set_irq = set_irq;
	dev->irq_ctx = irq_ctx;
	dev->capacity = capacity;
	dev->read_only = read_only;
	if (id)
		for (size_t i = 0; i < VIRTIO_BLK_ID_BYTES && id[i]; i++)
			dev->id[i] = id[i];
	dev->device_features = FEATURE_BIT(VIRTIO_F_VERSION_1) | FEATURE_BIT(VIRTIO_BLK_F_SEG_MAX) |
	                       FEATURE_BIT(VIRTIO_BLK_F_BLK_SIZE) | FEATURE_BIT(VIRTIO_BLK_F_FLUSH);
	if (read_only)
		dev->device_features |= FEATURE_BIT(VIRTIO_BLK_F_RO);
	reset_device(dev);
	return true;
}

/* ---- guest memory ---- */

static bool guest_read(struct virtio_blk *dev, uint64_t gpa, void *buf, size_t len)
{
	if (gpa + len < gpa)
		return false;
	return dev->mem.read(dev->mem.ctx, gpa, buf, len);
}

static bool guest_write(struct virtio_blk *dev, uint64_t gpa, const void *buf, size_t len)
{
	if (gpa + len < gpa)
		return false;
	return dev->mem.write(dev->mem.ctx, gpa, buf, len);
}

static bool read_u16(struct virtio_blk *dev, uint64_t gpa, uint16_t *v)
{
	uint8_t b[2];
	if (!guest_read(dev, gpa, b, sizeof(b)))
		return false;
	*v = k_load_le16(b);
	return true;
}

static bool write_u16(struct virtio_blk *dev, uint64_t gpa, uint16_t v)
{
	uint8_t b[2];
	k_store_le16(b, v);
	return guest_write(dev, gpa, b, sizeof(b));
}

/* Copies len bytes starting at byte `offset` of the chain's readable (first) or writable (second) part. */
static bool chain_copy(struct virtio_blk *dev, const struct chain *c, bool writable, uint64_t offset,
                       void *buf, size_t len)
{
	unsigned first = writable ? c->nread : 0, end = writable ? c->nread + c->nwrite : c->nread;
	uint8_t *p = buf;
	for (unsigned i = first; i < end && len > 0; i++) {
		const struct virtio_blk_segment *s = &c->seg[i];
		if (offset >= s->len) {
			offset -= s->len;
			continue;
		}
		size_t n = s->len - offset;
		if (n > len)
			n = len;
		bool ok = writable ? guest_write(dev, s->addr + offset, p, n)
		                   : guest_read(dev, s->addr + offset, p, n);
		if (!ok)
			return false;
		p += n;
		len -= n;
		offset = 0;
	}
	return len == 0;
}

/* ---- requests ---- */

static bool collect_chain(struct virtio_blk *dev, uint16_t head, struct chain *c)
{
	struct virtio_blk_queue *q = &dev->queue;
	uint16_t idx = head;
	c->seg = dev->segs;
	c->nread = c->nwrite = 0;
	c->read_len = c->write_len = 0;
	for (unsigned count = 0;; count++) {
		if (idx >= q->num) {
			needs_reset(dev, "descriptor index out of range");
			return false;
		}
		if (count >= q->num) {
			needs_reset(dev, "descriptor chain longer than the queue (loop)");
			return false;
		}
		uint8_t d[VIRTQ_DESC_SIZE];
		if (!guest_read(dev, q->desc + (uint64_t)idx * VIRTQ_DESC_SIZE, d, sizeof(d))) {
			needs_reset(dev, "descriptor table not in guest memory");
			return false;
		}
		uint64_t addr = k_load_le64(d);
		uint32_t len = k_load_le32(d + 8);
		uint16_t flags = k_load_le16(d + 12);
		uint16_t next = k_load_le16(d + 14);
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			needs_reset(dev, "indirect descriptor (feature not offered)");
			return false;
		}
		if (flags & VIRTQ_DESC_F_WRITE) {
			c->write_len += len;
			c->seg[c->nread + c->nwrite++] = (struct virtio_blk_segment){addr, len};
		} else {
			if (c->nwrite) {
				needs_reset(dev, "device-readable descriptor after a writable one");
				return false;
			}
			c->read_len += len;
			c->seg[c->nread++] = (struct virtio_blk_segment){addr, len};
		}
		if (!(flags & VIRTQ_DESC_F_NEXT))
			return true;
		idx = next;
	}
}

static bool range_ok(const struct virtio_blk *dev, uint64_t sector, uint64_t bytes)
{
	if (bytes % VIRTIO_BLK_SECTOR_SIZE)
		return false;
	uint64_t count = bytes / VIRTIO_BLK_SECTOR_SIZE;
	return sector <= dev->capacity && count <= dev->capacity - sector;
}

/* Moves data between disk and guest in bounce-buffer chunks. Returns VIRTIO_BLK_S_*, or -1 when guest memory
 * could not be accessed. *moved gets the bytes written into guest memory (reads). */
static int transfer(struct virtio_blk *dev, const struct chain *c, bool to_guest, uint64_t sector,
                    uint64_t bytes, uint64_t *moved)
{
	const uint32_t chunk_sectors = VIRTIO_BLK_BOUNCE_SIZE / VIRTIO_BLK_SECTOR_SIZE;
	uint64_t done = 0;
	*moved = 0;
	while (done < bytes) {
		uint64_t left = (bytes - done) / VIRTIO_BLK_SECTOR_SIZE;
		uint32_t n = left < chunk_sectors ? (uint32_t)left : chunk_sectors;
		size_t len = (size_t)n * VIRTIO_BLK_SECTOR_SIZE;
		uint64_t s = sector + done / VIRTIO_BLK_SECTOR_SIZE;
		if (to_guest) {
			if (dev->backend.read(dev->backend.ctx, s, dev->bounce, n))
				return VIRTIO_BLK_S_IOERR;
			if (!chain_copy(dev, c, true, done, dev->bounce, len))
				return -1;
			*moved += len;
		} else {
			if (!chain_copy(dev, c, false, VIRTIO_BLK_REQ_HDR_SIZE + done, dev->bounce, len))
				return -1;
			if (dev->backend.write(dev->backend.ctx, s, dev->bounce, n))
				return VIRTIO_BLK_S_IOERR;
		}
		done += len;
	}
	return VIRTIO_BLK_S_OK;
}

static enum chain_result handle_request(struct virtio_blk *dev, const struct chain *c, uint32_t *used_len)
{
	*used_len = 0;
	if (c->write_len == 0) {
		needs_reset(dev, "request without a status byte");
		return CHAIN_FATAL;
	}
	uint64_t status_off = c->write_len - 1; /* the status byte ends the writable part */
	uint64_t written = 0;
	int status = VIRTIO_BLK_S_OK;
	uint8_t hdr[VIRTIO_BLK_REQ_HDR_SIZE];
	if (c->read_len < sizeof(hdr)) {
		status = VIRTIO_BLK_S_IOERR;
	} else if (!chain_copy(dev, c, false, 0, hdr, sizeof(hdr))) {
		needs_reset(dev, "request header not in guest memory");
		return CHAIN_FATAL;
	} else {
		uint32_t type = k_load_le32(hdr);
		uint64_t sector = k_load_le64(hdr + 8);
		dev->requests++;
		switch (type) {
		case VIRTIO_BLK_T_IN:
			if (!range_ok(dev, sector, status_off))
				status = VIRTIO_BLK_S_IOERR;
			else
				status = transfer(dev, c, true, sector, status_off, &written);
			if (status == VIRTIO_BLK_S_OK)
				dev->bytes_read += written;
			break;
		case VIRTIO_BLK_T_OUT: {
			uint64_t bytes = c->read_len - sizeof(hdr);
			uint64_t unused;
			if (dev->read_only || !range_ok(dev, sector, bytes))
				status = VIRTIO_BLK_S_IOERR;
			else
				status = transfer(dev, c, false, sector, bytes, &unused);
			if (status == VIRTIO_BLK_S_OK)
				dev->bytes_written += bytes;
			break;
		}
		case VIRTIO_BLK_T_FLUSH:
			if (dev->backend.flush && dev->backend.flush(dev->backend.ctx))
				status = VIRTIO_BLK_S_IOERR;
			break;
		case VIRTIO_BLK_T_GET_ID: {
			size_t n =
			    status_off < VIRTIO_BLK_ID_BYTES ? (size_t)status_off : VIRTIO_BLK_ID_BYTES;
			if (!chain_copy(dev, c, true, 0, dev->id, n))
				status = -1;
			written = n;
			break;
		}
		default: status = VIRTIO_BLK_S_UNSUPP; break;
		}
	}
	if (status < 0) {
		needs_reset(dev, "data buffer not in guest memory");
		return CHAIN_FATAL;
	}
	if (status != VIRTIO_BLK_S_OK)
		dev->errors++;
	uint8_t st = (uint8_t)status;
	if (!chain_copy(dev, c, true, status_off, &st, 1)) {
		needs_reset(dev, "status byte not in guest memory");
		return CHAIN_FATAL;
	}
	*used_len = (uint32_t)(written + 1);
	return CHAIN_DONE;
}

static bool push_used(struct virtio_blk *dev, uint16_t head, uint32_t len)
{
	struct virtio_blk_queue *q = &dev->queue;
	uint8_t elem[USED_ELEM_SIZE];
	k_store_le32(elem, head);
	k_store_le32(elem + 4, len);
	uint64_t slot = q->device + USED_RING_OFF + (uint64_t)(q->used_idx % q->num) * USED_ELEM_SIZE;
	if (!guest_write(dev, slot, elem, sizeof(elem)))
		return false;
	/* The element must be visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->used_idx++;
	return write_u16(dev, q->device + USED_IDX_OFF, q->used_idx);
}

void virtio_blk_process(struct virtio_blk *dev)
{
	struct virtio_blk_queue *q = &dev->queue;
	if (!(dev->status & VIRTIO_STATUS_DRIVER_OK) || (dev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) ||
	    !q->ready)
		return;
	/* On the stack, not static: devices of different guests are processed on different PEs at once
	 * (the segments it points to are the device's own, dev->segs). */
	struct chain chain;
	bool completed = false;
	for (;;) {
		uint16_t avail_idx;
		if (!read_u16(dev, q->driver + AVAIL_IDX_OFF, &avail_idx)) {
			needs_reset(dev, "available ring not in guest memory");
			break;
		}
		uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
		if (pending == 0)
			break;
		if (pending > q->num) {
			needs_reset(dev, "available index ran more than a queue ahead");
			break;
		}
		/* Read ring entries only after seeing the index. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		uint16_t head;
		if (!read_u16(dev, q->driver + AVAIL_RING_OFF + (uint64_t)(q->last_avail % q->num) * 2u,
		              &head)) {
			needs_reset(dev, "available ring not in guest memory");
			break;
		}
		uint32_t used_len;
		if (!collect_chain(dev, head, &chain) || handle_request(dev, &chain, &used_len) != CHAIN_DONE)
			break;
		q->last_avail++;
		if (!push_used(dev, head, used_len)) {
			needs_reset(dev, "used ring not in guest memory");
			break;
		}
		completed = true;
	}
	if (completed) {
		dev->interrupt_status |= VIRTIO_MMIO_INT_VRING;
		update_irq(dev);
	}
}

/* ---- registers ---- */

static bool queue_config_valid(const struct virtio_blk_queue *q)
{
	if (q->num == 0 || q->num > VIRTIO_BLK_QUEUE_NUM_MAX || (q->num & (q->num - 1)))
		return false;
	return (q->desc % DESC_ALIGN) == 0 && (q->driver % AVAIL_ALIGN) == 0 && (q->device % USED_ALIGN) == 0;
}

static void config_bytes(const struct virtio_blk *dev, uint8_t cfg[VIRTIO_BLK_CFG_SIZE])
{
	k_memset(cfg, 0, VIRTIO_BLK_CFG_SIZE);
	k_store_le32(cfg + VIRTIO_BLK_CFG_CAPACITY, (uint32_t)dev->capacity);
	k_store_le32(cfg + VIRTIO_BLK_CFG_CAPACITY + 4, (uint32_t)(dev->capacity >> 32));
	k_store_le32(cfg + VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX);
	k_store_le32(cfg + VIRTIO_BLK_CFG_BLK_SIZE, VIRTIO_BLK_SECTOR_SIZE);
}

static bool access_ok(uint64_t offset, unsigned size)
{
	if (offset >= VIRTIO_MMIO_FRAME_SIZE || size == 0 || size > 8 || (size & (size - 1)) ||
	    (offset & (size - 1)))
		return false;
	return offset >= VIRTIO_MMIO_CONFIG || size == 4;
}

static void set_half(uint64_t *v, bool high, uint32_t half)
{
	if (high)
		*v = (*v & 0xffffffffull) | ((uint64_t)half << 32);
	else
		*v = (*v & ~0xffffffffull) | half;
}

bool virtio_blk_mmio_read(struct virtio_blk *dev, uint64_t offset, unsigned size, uint64_t *val)
{
	if (!access_ok(offset, size))
		return false;
	if (offset >= VIRTIO_MMIO_CONFIG) {
		uint8_t cfg[VIRTIO_BLK_CFG_SIZE];
		config_bytes(dev, cfg);
		uint64_t v = 0;
		for (unsigned i = 0; i < size; i++) {
			uint64_t at = offset - VIRTIO_MMIO_CONFIG + i;
			if (at < VIRTIO_BLK_CFG_SIZE)
				v |= (uint64_t)cfg[at] << (8 * i);
		}
		*val = v;
		return true;
	}
	const struct virtio_blk_queue *q = &dev->queue;
	bool q0 = dev->queue_sel == 0;
	uint32_t v = 0;
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE: v = VIRTIO_MMIO_MAGIC; break;
	case VIRTIO_MMIO_VERSION: v = VIRTIO_MMIO_VERSION_MODERN; break;
	case VIRTIO_MMIO_DEVICE_ID: v = VIRTIO_ID_BLOCK; break;
	case VIRTIO_MMIO_VENDOR_ID: v = VIRTIO_BLK_VENDOR_ID; break;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (dev->device_features_sel < 2)
			v = (uint32_t)(dev->device_features >> (32 * dev->device_features_sel));
		break;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: v = q0 ? VIRTIO_BLK_QUEUE_NUM_MAX : 0; break;
	case VIRTIO_MMIO_QUEUE_NUM: v = q0 ? q->num : 0; break;
	case VIRTIO_MMIO_QUEUE_READY: v = q0 && q->ready; break;
	case VIRTIO_MMIO_INTERRUPT_STATUS: v = dev->interrupt_status; break;
	case VIRTIO_MMIO_STATUS: v = dev->status; break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: v = q0 ? (uint32_t)q->desc : 0; break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: v = q0 ? (uint32_t)(q->desc >> 32) : 0; break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: v = q0 ? (uint32_t)q->driver : 0; break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: v = q0 ? (uint32_t)(q->driver >> 32) : 0; break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: v = q0 ? (uint32_t)q->device : 0; break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: v = q0 ? (uint32_t)(q->device >> 32) : 0; break;
	case VIRTIO_MMIO_CONFIG_GENERATION: v = dev->config_generation; break;
	default: v = 0; break; /* write-only and reserved registers read as zero */
	}
	*val = v;
	return true;
}

static void write_status(struct virtio_blk *dev, uint32_t v)
{
	if (v == 0) {
		reset_device(dev);
		return;
	}
	v &= 0xffu;
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(dev->status & VIRTIO_STATUS_FEATURES_OK)) {
		/* Accept only features we offered, and only the modern interface. */
		bool ok = (dev->driver_features & ~dev->device_features) == 0 &&
		          (dev->driver_features & FEATURE_BIT(VIRTIO_F_VERSION_1));
		if (!ok)
			v &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	/* NEEDS_RESET is the device's to set; the driver cannot clear it except by a reset. */
	v &= ~VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	dev->status = v | (dev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	if (dev->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_blk_process(dev);
}

bool virtio_blk_mmio_write(struct virtio_blk *dev, uint64_t offset, unsigned size, uint64_t val)
{
	if (!access_ok(offset, size))
		return false;
	if (offset >= VIRTIO_MMIO_CONFIG)
		return true; /* the block config space is read-only (no writeback feature) */
	struct virtio_blk_queue *q = &dev->queue;
	uint32_t v = (uint32_t)val;
	/* Queue configuration is frozen while the queue is live, and exists only for queue 0. */
	bool qcfg = dev->queue_sel == 0 && !q->ready;
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: dev->device_features_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (dev->driver_features_sel < 2 && !(dev->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&dev->driver_features, dev->driver_features_sel == 1, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: dev->driver_features_sel = v; break;
	case VIRTIO_MMIO_QUEUE_SEL: dev->queue_sel = v; break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (qcfg)
			q->num = v;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (dev->queue_sel != 0)
			break;
		if ((v & 1u) && !q->ready) {
			if (!queue_config_valid(q)) {
				needs_reset(dev, "queue enabled with a bad size or misaligned rings");
				break;
			}
			q->ready = true;
			q->last_avail = 0;
			q->used_idx = 0;
		} else if (!(v & 1u)) {
			q->ready = false;
		}
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v == 0)
			virtio_blk_process(dev);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		dev->interrupt_status &= ~v;
		update_irq(dev);
		break;
	case VIRTIO_MMIO_STATUS: write_status(dev, v); break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		if (qcfg)
			set_half(&q->desc, false, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (qcfg)
			set_half(&q->desc, true, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		if (qcfg)
			set_half(&q->driver, false, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		if (qcfg)
			set_half(&q->driver, true, v);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		if (qcfg)
			set_half(&q->device, false, v);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (qcfg)
			set_half(&q->device, true, v);
		break;
	default: break; /* read-only and reserved registers ignore writes */
	}
	return true;
}
