/* Unit tests for lib/virtio_blk.c: a small virtio driver written here against fake guest memory and an
 * in-memory disk. Register offsets and ring layouts are the virtio 1.1 specification's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/virtio_blk.h"

#define GUEST_BASE   0x40000000ull
#define GUEST_SIZE   (1u << 20)
#define DESC_GPA     (GUEST_BASE + 0x1000)
#define AVAIL_GPA    (GUEST_BASE + 0x2000)
#define USED_GPA     (GUEST_BASE + 0x3000)
#define DATA_GPA     (GUEST_BASE + 0x10000)
#define QNUM         8u
#define DISK_SECTORS 64u

static uint8_t guest[GUEST_SIZE];
static uint8_t disk[DISK_SECTORS * 512];
static int flushes;
static int fail_backend;
static bool irq_level;
static struct virtio_blk dev;
static uint16_t avail_idx;
static uint16_t used_seen;

static bool g_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	if (gpa < GUEST_BASE || gpa - GUEST_BASE > GUEST_SIZE || len > GUEST_SIZE - (gpa - GUEST_BASE))
		return false;
	memcpy(buf, guest + (gpa - GUEST_BASE), len);
	return true;
}

static bool g_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	if (gpa < GUEST_BASE || gpa - GUEST_BASE > GUEST_SIZE || len > GUEST_SIZE - (gpa - GUEST_BASE))
		return false;
	memcpy(guest + (gpa - GUEST_BASE), buf, len);
	return true;
}

static int d_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
	(void)ctx;
	assert_true(sector + count <= DISK_SECTORS); /* the model must have range-checked */
	if (fail_backend)
		return -1;
	memcpy(buf, disk + sector * 512, count * 512u);
	return 0;
}

static int d_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
	(void)ctx;
	assert_true(sector + count <= DISK_SECTORS);
	if (fail_backend)
		return -1;
	memcpy(disk + sector * 512, buf, count * 512u);
	return 0;
}

static int d_flush(void *ctx)
{
	(void)ctx;
	flushes++;
	return 0;
}

static void set_irq(void *ctx, bool level)
{
	(void)ctx;
	irq_level = level;
}

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeef;
	assert_true(virtio_blk_mmio_read(&dev, off, 4, &v));
	return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
	assert_true(virtio_blk_mmio_write(&dev, off, 4, v));
}

static void *gptr(uint64_t gpa)
{
	return guest + (gpa - GUEST_BASE);
}

static void put16(uint64_t gpa, uint16_t v)
{
	memcpy(gptr(gpa), &v, 2);
}

static uint16_t get16(uint64_t gpa)
{
	uint16_t v;
	memcpy(&v, gptr(gpa), 2);
	return v;
}

static uint32_t get32(uint64_t gpa)
{
	uint32_t v;
	memcpy(&v, gptr(gpa), 4);
	return v;
}

static void init_device(bool read_only, uint64_t capacity)
{
	memset(guest, 0, sizeof(guest));
	for (size_t i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 7 + i / 512);
	flushes = 0;
	fail_backend = 0;
	irq_level = false;
	avail_idx = 0;
	used_seen = 0;
	struct virtio_guest_mem mem = {NULL, g_read, g_write};
	struct virtio_blk_backend be = {NULL, d_read, d_write, d_flush};
	assert_true(virtio_blk_init(&dev, &mem, &be, capacity, read_only, "karasu-disk0", set_irq, NULL));
}

/* The driver side of device initialisation (virtio 1.1, 3.1.1). */
static void driver_init(uint32_t num)
{
	wr(0x070, 0);
	wr(0x070, 1);
	wr(0x070, 1 | 2);
	wr(0x014, 0);
	uint32_t lo = rd(0x010);
	wr(0x014, 1);
	uint32_t hi = rd(0x010);
	wr(0x024, 0);
	wr(0x020, lo & ((1u << 9) | (1u << 2)));
	wr(0x024, 1);
	wr(0x020, hi & 1u);
	wr(0x070, 1 | 2 | 8);
	assert_int_equal(rd(0x070) & 8, 8);
	wr(0x030, 0);
	assert_int_equal(rd(0x044), 0);
	wr(0x038, num);
	wr(0x080, (uint32_t)DESC_GPA);
	wr(0x084, (uint32_t)(DESC_GPA >> 32));
	wr(0x090, (uint32_t)AVAIL_GPA);
	wr(0x094, 0);
	wr(0x0a0, (uint32_t)USED_GPA);
	wr(0x0a4, 0);
	wr(0x044, 1);
	wr(0x070, 1 | 2 | 8 | 4);
}

struct buf {
	uint64_t gpa;
	uint32_t len;
	bool writable;
};

/* Writes a chain into descriptors first..first+n-1 and makes it available. Returns the head. */
static uint16_t make_chain(uint16_t first, const struct buf *bufs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t *d = gptr(DESC_GPA + 16u * (first + i));
		uint16_t flags = (uint16_t)((i + 1 < n ? 1u : 0u) | (bufs[i].writable ? 2u : 0u));
		uint16_t next = (uint16_t)(first + i + 1);
		memcpy(d, &bufs[i].gpa, 8);
		memcpy(d + 8, &bufs[i].len, 4);
		memcpy(d + 12, &flags, 2);
		memcpy(d + 14, &next, 2);
	}
	return first;
}

static void make_available(uint16_t head)
{
	put16(AVAIL_GPA + 4 + 2u * (avail_idx % QNUM), head);
	avail_idx++;
	put16(AVAIL_GPA + 2, avail_idx);
}

static void notify(void)
{
	wr(0x050, 0);
}

/* Checks the next used element: id and len. */
static void expect_used(uint16_t id, uint32_t len)
{
	assert_true((uint16_t)(get16(USED_GPA + 2) - used_seen) >= 1);
	uint64_t elem = USED_GPA + 4 + 8u * (used_seen % QNUM);
	assert_int_equal(get32(elem), id);
	assert_int_equal(get32(elem + 4), len);
	used_seen++;
}

static void write_hdr(uint64_t gpa, uint32_t type, uint64_t sector)
{
	memset(gptr(gpa), 0, 16);
	memcpy(gptr(gpa), &type, 4);
	memcpy(gptr(gpa + 8), &sector, 8);
}

/* One request: header, optional data, status. Returns the status byte. */
static uint8_t request(uint32_t type, uint64_t sector, uint32_t data_len, bool data_writable,
                       uint32_t *used_len)
{
	const uint64_t hdr = DATA_GPA, data = DATA_GPA + 0x100, status = DATA_GPA + 0xf000;
	write_hdr(hdr, type, sector);
	*(uint8_t *)gptr(status) = 0xee;
	struct buf bufs[3] = {{hdr, 16, false}, {data, data_len, data_writable}, {status, 1, true}};
	uint16_t head;
	if (data_len)
		head = make_chain(0, bufs, 3);
	else {
		bufs[1] = bufs[2];
		head = make_chain(0, bufs, 2);
	}
	make_available(head);
	notify();
	uint64_t elem = USED_GPA + 4 + 8u * (used_seen % QNUM);
	assert_int_equal(get16(USED_GPA + 2), (uint16_t)(used_seen + 1));
	assert_int_equal(get32(elem), head);
	*used_len = get32(elem + 4);
	used_seen++;
	return *(uint8_t *)gptr(status);
}

static void test_identity_and_config(void **state)
{
	(void)state;
	init_device(false, DISK_SECTORS);
	assert_int_equal(rd(0x000), 0x74726976);
	assert_int_equal(rd(0x004), 2);
	assert_int_equal(rd(0x008), 2);
	wr(0x014, 0);
	assert_int_equal(rd(0x010), (1u << 2) | (1u << 6) | (1u << 9)); /* SEG_MAX, BLK_SIZE, FLUSH */
	wr(0x014, 1);
	assert_int_equal(rd(0x010), 1u); /* VERSION_1 */
	wr(0x014, 2);
	assert_int_equal(rd(0x010), 0);
	assert_int_equal(rd(0x034), 128);
	/* Config: capacity (u64 LE), seg_max, blk_size; byte, half and 64-bit reads. */
	uint64_t v;
	assert_true(virtio_blk_mmio_read(&dev, 0x100, 8, &v));
	assert_int_equal(v, DISK_SECTORS);
	assert_true(virtio_blk_mmio_read(&dev, 0x100, 1, &v));
	assert_int_equal(v, DISK_SECTORS);
	assert_true(virtio_blk_mmio_read(&dev, 0x104, 4, &v));
	assert_int_equal(v, 0);
	assert_true(virtio_blk_mmio_read(&dev, 0x10c, 4, &v));
	assert_int_equal(v, 126);
	assert_true(virtio_blk_mmio_read(&dev, 0x114, 2, &v));
	assert_int_equal(v, 512);
	assert_true(virtio_blk_mmio_read(&dev, 0x1f8, 8, &v)); /* beyond the block config: zero */
	assert_int_equal(v, 0);
	/* Bad accesses. */
	assert_false(virtio_blk_mmio_read(&dev, 0x000, 2, &v));
	assert_false(virtio_blk_mmio_read(&dev, 0x000, 8, &v));
	assert_false(virtio_blk_mmio_read(&dev, 0x002, 4, &v));
	assert_false(virtio_blk_mmio_read(&dev, 0x101, 2, &v));
	assert_false(virtio_blk_mmio_read(&dev, 0x200, 4, &v));
	assert_false(virtio_blk_mmio_write(&dev, 0x050, 2, 0));
	assert_true(virtio_blk_mmio_write(&dev, 0x100, 8, 0)); /* config is read-only: ignored */
	assert_true(virtio_blk_mmio_read(&dev, 0x100, 8, &v));
	assert_int_equal(v, DISK_SECTORS);
	/* Read-only disks offer VIRTIO_BLK_F_RO (bit 5). */
	init_device(true, DISK_SECTORS);
	wr(0x014, 0);
	assert_int_equal(rd(0x010) & (1u << 5), 1u << 5);
	/* Other queues do not exist. */
	wr(0x030, 1);
	assert_int_equal(rd(0x034), 0);
	/* init refuses missing callbacks. */
	struct virtio_guest_mem mem = {NULL, g_read, NULL};
	struct virtio_blk_backend be = {NULL, d_read, d_write, NULL};
	assert_false(virtio_blk_init(&dev, &mem, &be, 1, false, NULL, NULL, NULL));
}

static void test_feature_negotiation(void **state)
{
	(void)state;
	init_device(false, DISK_SECTORS);
	wr(0x070, 1 | 2);
	/* Without VERSION_1: FEATURES_OK does not stick. */
	wr(0x024, 0);
	wr(0x020, 1u << 9);
	wr(0x024, 1);
	wr(0x020, 0);
	wr(0x070, 1 | 2 | 8);
	assert_int_equal(rd(0x070) & 8, 0);
	/* A feature not offered (bit 28, indirect descriptors): refused as well. */
	wr(0x024, 0);
	wr(0x020, 1u << 28);
	wr(0x024, 1);
	wr(0x020, 1);
	wr(0x070, 1 | 2 | 8);
	assert_int_equal(rd(0x070) & 8, 0);
	/* The offered ones are accepted. */
	wr(0x024, 0);
	wr(0x020, 1u << 9);
	wr(0x070, 1 | 2 | 8);
	assert_int_equal(rd(0x070), 1 | 2 | 8);
	/* Reset clears everything. */
	wr(0x070, 0);
	assert_int_equal(rd(0x070), 0);
}

static void test_read_write_flush_id(void **state)
{
	(void)state;
	init_device(false, DISK_SECTORS);
	driver_init(QNUM);
	assert_int_equal(rd(0x044), 1);
	uint32_t used_len;
	/* IN: sectors 3..4. */
	assert_int_equal(request(0, 3, 1024, true, &used_len), 0);
	assert_int_equal(used_len, 1025);
	assert_memory_equal(gptr(DATA_GPA + 0x100), disk + 3 * 512, 1024);
	assert_true(irq_level);
	assert_int_equal(rd(0x060), 1);
	wr(0x064, 1);
	assert_false(irq_level);
	assert_int_equal(rd(0x060), 0);
	/* OUT: sector 10, data from guest. */
	for (int i = 0; i < 512; i++)
		((uint8_t *)gptr(DATA_GPA + 0x100))[i] = (uint8_t)(0xa0 ^ i);
	assert_int_equal(request(1, 10, 512, false, &used_len), 0);
	assert_int_equal(used_len, 1);
	assert_memory_equal(disk + 10 * 512, gptr(DATA_GPA + 0x100), 512);
	/* A large read spanning several bounce-buffer chunks: 16 sectors = 8 KiB. */
	assert_int_equal(request(0, 40, 16 * 512, true, &used_len), 0);
	assert_int_equal(used_len, 16 * 512 + 1);
	assert_memory_equal(gptr(DATA_GPA + 0x100), disk + 40 * 512, 16 * 512);
	/* FLUSH, GET_ID. */
	assert_int_equal(request(4, 0, 0, false, &used_len), 0);
	assert_int_equal(flushes, 1);
	memset(gptr(DATA_GPA + 0x100), 0xff, 20);
	assert_int_equal(request(8, 0, 20, true, &used_len), 0);
	assert_int_equal(used_len, 21);
	assert_memory_equal(gptr(DATA_GPA + 0x100), "karasu-disk0\0\0\0\0\0\0\0\0", 20);
	/* Unknown type: UNSUPP (2). */
	assert_int_equal(request(11, 0, 512, false, &used_len), 2);
	assert_int_equal(dev.status & 64, 0);
	assert_int_equal(dev.requests, 6);
}

static void test_bad_requests_get_ioerr(void **state)
{
	(void)state;
	init_device(false, DISK_SECTORS);
	driver_init(QNUM);
	uint8_t before[sizeof(disk)];
	memcpy(before, disk, sizeof(disk));
	uint32_t used_len;
	/* Out of range: last sector + 1, a request running past the end, a huge sector number. */
	assert_int_equal(request(0, DISK_SECTORS, 512, true, &used_len), 1);
	assert_int_equal(request(0, DISK_SECTORS - 1, 1024, true, &used_len), 1);
	assert_int_equal(request(1, DISK_SECTORS - 1, 1024, false, &used_len), 1);
	assert_int_equal(request(1, ~0ull, 512, false, &used_len), 1);
	assert_int_equal(request(0, ~0ull - 1, 1024, true, &used_len), 1);
	/* Length not a multiple of 512. */
	assert_int_equal(request(0, 0, 100, true, &used_len), 1);
	assert_int_equal(request(1, 0, 513, false, &used_len), 1);
	/* The last sector is fine. */
	assert_int_equal(request(0, DISK_SECTORS - 1, 512, true, &used_len), 0);
	/* Backend failure. */
	fail_backend = 1;
	assert_int_equal(request(1, 2, 512, false, &used_len), 1);
	fail_backend = 0;
	/* Header shorter than 16 bytes: IOERR. */
	struct buf bufs[2] = {{DATA_GPA, 8, false}, {DATA_GPA + 0xf000, 1, true}};
	make_available(make_chain(0, bufs, 2));
	notify();
	expect_used(0, 1);
	assert_int_equal(*(uint8_t *)gptr(DATA_GPA + 0xf000), 1);
	assert_memory_equal(disk, before, sizeof(disk));
	assert_int_equal(dev.status & 64, 0);
	/* Read-only disk: writes fail, reads work. */
	init_device(true, DISK_SECTORS);
	driver_init(QNUM);
	assert_int_equal(request(1, 0, 512, false, &used_len), 1);
	assert_int_equal(request(0, 0, 512, true, &used_len), 0);
}

static void test_split_buffers_and_wrap(void **state)
{
	(void)state;
	init_device(false, DISK_SECTORS);
	driver_init(QNUM);
	/* Header split 8 + 8, data split 300 + 724 (across a sector boundary), status separate. */
	uint64_t h1 = DATA_GPA, h2 = DATA_GPA + 0x800, d1 = DATA_GPA + 0x1000, d2 = DATA_GPA + 0x3000;
	uint64_t st = DATA_GPA + 0x5000;
	write_hdr(DATA_GPA + 0x6000, 1, 20);
	memcpy(gptr(h1), gptr(DATA_GPA + 0x6000), 8);
	memcpy(gptr(h2), gptr(DATA_GPA + 0x6008), 8);
	for (int i = 0; i < 1024; i++)
		((uint8_t *)gptr(i < 300 ? d1 + i : d2 + i - 300))[0] = (uint8_t)(i * 13);
	struct buf bufs[5] = {
	    {h1, 8, false}, {h2, 8, false}, {d1, 300, false}, {d2, 724, false}, {st, 1, true}};
	make_available(make_chain(2, bufs, 5));
	notify();
	expect_used(2, 1);
	assert_int_equal(*(uint8_t *)gptr(st), 0);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(disk[20 * 512 + i], (uint8_t)(i * 13));
	/* Read it back into split writable buffers, status sharing the last data descriptor's tail. */
	memset(gptr(d1), 0, 4096);
	write_hdr(h1, 0, 20);
	struct buf rb[3] = {{h1, 16, false}, {d1, 1000, true}, {d2, 25, true}};
	make_available(make_chain(0, rb, 3));
	notify();
	expect_used(0, 1025);
	assert_memory_equal(gptr(d1), disk + 20 * 512, 1000);
	assert_memory_equal(gptr(d2), disk + 20 * 512 + 1000, 24);
	assert_int_equal(*(uint8_t *)gptr(d2 + 24), 0);
	/* Many requests, several per notify, wrapping the 8-entry rings several times. */
	for (int round = 0; round < 10; round++) {
		for (int k = 0; k < 3; k++) {
			uint16_t first = (uint16_t)(k * 2);
			uint64_t hdr = DATA_GPA + 0x8000 + 0x100u * (unsigned)k;
			write_hdr(hdr, 4, 0);
			struct buf fb[2] = {{hdr, 16, false}, {hdr + 0x80, 1, true}};
			make_available(make_chain(first, fb, 2));
		}
		notify();
		for (int k = 0; k < 3; k++)
			expect_used((uint16_t)(k * 2), 1);
	}
	assert_int_equal(flushes, 30);
	assert_int_equal(get16(USED_GPA + 2), used_seen);
	assert_int_equal(dev.status & 64, 0);
}

/* The device must be in NEEDS_RESET now (case names the hostile input); checks that it stops and recovers after
 * a reset. */
static void expect_needs_reset(const char *case_name)
{
	if (!(rd(0x070) & 64))
		fail_msg("%s: device did not enter NEEDS_RESET", case_name);
	assert_int_equal(rd(0x060) & 2, 2); /* configuration change interrupt */
	assert_true(irq_level);
	assert_non_null(dev.last_error);
	/* Further notifications do nothing. */
	uint16_t used = get16(USED_GPA + 2);
	notify();
	assert_int_equal(get16(USED_GPA + 2), used);
	/* The driver cannot clear it; a reset can, and the device works again. */
	wr(0x070, rd(0x070) & ~64u);
	assert_int_equal(rd(0x070) & 64, 64);
	memset(gptr(AVAIL_GPA), 0, 0x2000);
	avail_idx = 0;
	used_seen = 0;
	driver_init(QNUM);
	assert_int_equal(rd(0x070) & 64, 0);
	assert_false(irq_level);
	uint32_t used_len;
	assert_int_equal(request(0, 1, 512, true, &used_len), 0);
}

static void test_hostile_queues(void **state)
{
	(void)state;
	init_device(false, DISK_SECTORS);
	driver_init(QNUM);
	/* A loop: 0 -> 1 -> 0. */
	struct buf loop[2] = {{DATA_GPA, 16, false}, {DATA_GPA + 0x100, 512, false}};
	make_chain(0, loop, 2);
	uint16_t back = 0;
	memcpy(gptr(DESC_GPA + 16 + 14), &back, 2);
	uint16_t flags = 1;
	memcpy(gptr(DESC_GPA + 16 + 12), &flags, 2);
	write_hdr(DATA_GPA, 0, 0);
	make_available(0);
	notify();
	expect_needs_reset("loop");

	/* Head index beyond the queue. */
	make_available(QNUM);
	notify();
	expect_needs_reset("head beyond queue");

	/* A next index beyond the queue. */
	struct buf two[2] = {{DATA_GPA, 16, false}, {DATA_GPA + 0x100, 1, true}};
	make_chain(0, two, 2);
	uint16_t far = 200;
	memcpy(gptr(DESC_GPA + 14), &far, 2);
	make_available(0);
	notify();
	expect_needs_reset("next beyond queue");

	/* The available index jumps more than a queue ahead. */
	put16(AVAIL_GPA + 2, (uint16_t)(avail_idx + QNUM + 1));
	notify();
	expect_needs_reset("avail index jump");

	/* Buffers outside guest memory: the header, and the data. */
	struct buf outside[3] = {
	    {0x1000, 16, false}, {DATA_GPA + 0x100, 512, true}, {DATA_GPA + 0xf000, 1, true}};
	make_available(make_chain(0, outside, 3));
	notify();
	expect_needs_reset("header outside memory");
	write_hdr(DATA_GPA, 0, 0);
	struct buf out_data[3] = {
	    {DATA_GPA, 16, false}, {GUEST_BASE + GUEST_SIZE - 100, 512, true}, {DATA_GPA + 0xf000, 1, true}};
	make_available(make_chain(0, out_data, 3));
	notify();
	expect_needs_reset("data outside memory");
	/* An address that wraps around 2^64. */
	struct buf wrap[2] = {{~0ull - 4, 16, false}, {DATA_GPA + 0xf000, 1, true}};
	make_available(make_chain(0, wrap, 2));
	notify();
	expect_needs_reset("address wraps");

	/* Indirect descriptor (not negotiated), no writable buffer, readable after writable. */
	struct buf ind[1] = {{DATA_GPA, 16, false}};
	make_chain(0, ind, 1);
	flags = 4;
	memcpy(gptr(DESC_GPA + 12), &flags, 2);
	make_available(0);
	notify();
	expect_needs_reset("indirect");
	write_hdr(DATA_GPA, 0, 0);
	make_available(make_chain(0, ind, 1));
	notify();
	expect_needs_reset("no writable buffer");
	struct buf order[3] = {
	    {DATA_GPA, 16, false}, {DATA_GPA + 0xf000, 1, true}, {DATA_GPA + 0x100, 512, false}};
	make_available(make_chain(0, order, 3));
	notify();
	expect_needs_reset("readable after writable");
}

static void test_bad_queue_setup(void **state)
{
	(void)state;
	init_device(false, DISK_SECTORS);
	wr(0x070, 1 | 2);
	wr(0x020, 0);
	wr(0x024, 1);
	wr(0x020, 1);
	wr(0x070, 1 | 2 | 8);
	/* Not a power of two. */
	wr(0x038, 6);
	wr(0x080, (uint32_t)DESC_GPA);
	wr(0x090, (uint32_t)AVAIL_GPA);
	wr(0x0a0, (uint32_t)USED_GPA);
	wr(0x044, 1);
	assert_int_equal(rd(0x044), 0);
	assert_int_equal(rd(0x070) & 64, 64);
	/* Too large / misaligned rings. */
	wr(0x070, 0);
	wr(0x038, 256);
	wr(0x044, 1);
	assert_int_equal(rd(0x044), 0);
	wr(0x070, 0);
	wr(0x038, 8);
	wr(0x080, (uint32_t)DESC_GPA + 8);
	wr(0x044, 1);
	assert_int_equal(rd(0x044), 0);
	/* Queue registers are frozen while the queue is live. */
	wr(0x070, 0);
	driver_init(QNUM);
	wr(0x038, 4);
	wr(0x080, 0);
	assert_int_equal(rd(0x038), QNUM);
	assert_int_equal(rd(0x080), (uint32_t)DESC_GPA);
	/* Notifications before DRIVER_OK do nothing. */
	init_device(false, DISK_SECTORS);
	make_available(0);
	notify();
	assert_int_equal(get16(USED_GPA + 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identity_and_config),    cmocka_unit_test(test_feature_negotiation),
	    cmocka_unit_test(test_read_write_flush_id),    cmocka_unit_test(test_bad_requests_get_ioerr),
	    cmocka_unit_test(test_split_buffers_and_wrap), cmocka_unit_test(test_hostile_queues),
	    cmocka_unit_test(test_bad_queue_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
