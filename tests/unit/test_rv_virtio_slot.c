/* Unit tests for rv/system/dev/virtio_slot.c: the empty transport as Linux's virtio-mmio probe sees it,
 * the disk image checks, and real requests driven through the virtqueue (a small driver written here
 * against fake guest RAM) that must land in a temporary image file and come back. Register offsets and
 * ring layouts are the virtio 1.1 specification's, written out literally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rv/system/dev/virtio_slot.h"

#define RAM_BASE     0x80000000ull
#define RAM_SIZE     (256u * 1024u)
#define DESC_GPA     (RAM_BASE + 0x1000)
#define AVAIL_GPA    (RAM_BASE + 0x2000)
#define USED_GPA     (RAM_BASE + 0x3000)
#define HDR_GPA      (RAM_BASE + 0x4000)
#define STATUS_GPA   (RAM_BASE + 0x4100)
#define DATA_GPA     (RAM_BASE + 0x10000)
#define QNUM         8u
#define DISK_SECTORS 32u
#define NOBODY_UID   65534u

static uint8_t ram[RAM_SIZE];
static char dir[64];
static struct rv_virtio_disk disk;
static bool irq;
static unsigned irq_calls;
static uint16_t avail_idx;
static char err[256];

/* ---- fake guest RAM ---- */

static bool ram_range(uint64_t gpa, size_t len)
{
	return gpa >= RAM_BASE && gpa - RAM_BASE <= RAM_SIZE && len <= RAM_SIZE - (gpa - RAM_BASE);
}

static bool g_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	assert_ptr_equal(ctx, ram);
	if (!ram_range(gpa, len))
		return false;
	memcpy(buf, ram + (gpa - RAM_BASE), len);
	return true;
}

static bool g_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	assert_ptr_equal(ctx, ram);
	if (!ram_range(gpa, len))
		return false;
	memcpy(ram + (gpa - RAM_BASE), buf, len);
	return true;
}

static uint8_t *gptr(uint64_t gpa)
{
	return ram + (gpa - RAM_BASE);
}

static void h_irq(void *ctx, unsigned line, bool level)
{
	assert_ptr_equal(ctx, &disk);
	assert_int_equal(line, 3);
	irq = level;
	irq_calls++;
}

/* ---- files ---- */

static const char *path_of(const char *name)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* Creates dir/name with `size` bytes of a known pattern (byte i = i * 13 + i / 512) and mode. */
static void make_image(const char *name, size_t size, mode_t mode)
{
	const char *path = path_of(name);
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (size_t i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(i * 13 + i / 512);
		assert_int_equal(pwrite(fd, &b, 1, (off_t)i), 1);
	}
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static uint8_t image_byte(size_t i)
{
	return (uint8_t)(i * 13 + i / 512);
}

static void read_image(const char *name, void *buf, size_t len, off_t at)
{
	int fd = open(path_of(name), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, len, at), (ssize_t)len);
	close(fd);
}

/* A permission check must hold for root too (which ignores file modes): drop to nobody around it. */
static void become_unprivileged(bool on)
{
	if (getuid() != 0)
		return;
	if (on) {
		assert_int_equal(setegid(NOBODY_UID), 0);
		assert_int_equal(seteuid(NOBODY_UID), 0);
	} else {
		assert_int_equal(seteuid(0), 0);
		assert_int_equal(setegid(0), 0);
	}
}

static int group_setup(void **state)
{
	(void)state;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/rv_virtio_slot.XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	/* Searchable by the unprivileged user of the permission tests. */
	return chmod(dir, 0755);
}

static int group_teardown(void **state)
{
	(void)state;
	const char *names[] = {"disk.img", "ro.img", "locked.img", "empty.img", "small.img", "odd.img"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(path_of(names[i]));
	rmdir(path_of("subdir"));
	return rmdir(dir);
}

/* ---- MMIO and the driver side ---- */

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeefcafeull;
	assert_int_equal(rv_virtio_disk_mmio_ops.read(&disk, off, 4, &v), RV_MMIO_OK);
	assert_true(v <= 0xffffffffull);
	return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
	assert_int_equal(rv_virtio_disk_mmio_ops.write(&disk, off, 4, v), RV_MMIO_OK);
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void open_and_init(const char *name, bool read_only)
{
	memset(ram, 0, sizeof(ram));
	irq = false;
	irq_calls = 0;
	avail_idx = 0;
	assert_int_equal(rv_virtio_disk_open(&disk, path_of(name), read_only, err, sizeof(err)), 0);
	struct virtio_guest_mem mem = {.ctx = ram, .read = g_read, .write = g_write};
	struct rv_irq_line line = {.set = h_irq, .ctx = &disk, .line = 3};
	assert_true(rv_virtio_disk_init(&disk, &mem, &line, "karasu-rv-disk"));
}

/* Device initialisation as a driver does it (virtio 1.1, 3.1.1); returns the offered features. */
static uint64_t driver_init(void)
{
	wr(0x070, 0);     /* reset */
	wr(0x070, 1);     /* ACKNOWLEDGE */
	wr(0x070, 1 | 2); /* DRIVER */
	wr(0x014, 0);
	uint64_t features = rd(0x010);
	wr(0x014, 1);
	features |= (uint64_t)rd(0x010) << 32;
	uint64_t wanted = features & ((1ull << 32) | (1ull << 9) | (1ull << 5)); /* VERSION_1 FLUSH RO */
	wr(0x024, 0);
	wr(0x020, (uint32_t)wanted);
	wr(0x024, 1);
	wr(0x020, (uint32_t)(wanted >> 32));
	wr(0x070, 1 | 2 | 8); /* FEATURES_OK */
	assert_int_equal(rd(0x070) & 8, 8);
	wr(0x030, 0);
	assert_int_equal(rd(0x034), 128); /* QueueNumMax */
	wr(0x038, QNUM);
	wr(0x080, (uint32_t)DESC_GPA);
	wr(0x084, (uint32_t)(DESC_GPA >> 32));
	wr(0x090, (uint32_t)AVAIL_GPA);
	wr(0x094, (uint32_t)(AVAIL_GPA >> 32));
	wr(0x0a0, (uint32_t)USED_GPA);
	wr(0x0a4, (uint32_t)(USED_GPA >> 32));
	wr(0x044, 1);
	wr(0x070, 1 | 2 | 8 | 4); /* DRIVER_OK */
	return features;
}

static void put_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = gptr(DESC_GPA + 16u * i);
	put_le(d, addr, 8);
	put_le(d + 8, len, 4);
	put_le(d + 12, flags, 2);
	put_le(d + 14, next, 2);
}

/* Sends one request (header, optional data buffer, status byte) and returns its status; *used_len gets
 * the used element's length. */
static uint8_t request(uint32_t type, uint64_t sector, uint32_t data_len, bool device_writes_data,
                       uint32_t *used_len)
{
	uint8_t *hdr = gptr(HDR_GPA);
	put_le(hdr, type, 4);
	put_le(hdr + 4, 0, 4);
	put_le(hdr + 8, sector, 8);
	*gptr(STATUS_GPA) = 0xff;
	if (data_len) {
		put_desc(0, HDR_GPA, 16, 1, 1);
		put_desc(1, DATA_GPA, data_len, (uint16_t)(1 | (device_writes_data ? 2 : 0)), 2);
		put_desc(2, STATUS_GPA, 1, 2, 0);
	} else {
		put_desc(0, HDR_GPA, 16, 1, 1);
		put_desc(1, STATUS_GPA, 1, 2, 0);
	}
	put_le(gptr(AVAIL_GPA + 4 + 2u * (avail_idx % QNUM)), 0, 2);
	avail_idx++;
	put_le(gptr(AVAIL_GPA + 2), avail_idx, 2);
	wr(0x050, 0); /* QueueNotify: processed before the write returns */
	assert_int_equal(get_le(gptr(USED_GPA + 2), 2), avail_idx);
	const uint8_t *elem = gptr(USED_GPA + 4 + 8u * ((avail_idx - 1u) % QNUM));
	assert_int_equal(get_le(elem, 4), 0); /* head descriptor id */
	*used_len = (uint32_t)get_le(elem + 4, 4);
	return *gptr(STATUS_GPA);
}

/* ---- tests ---- */

static void test_empty_slot(void **state)
{
	(void)state;
	const struct rv_mmio_ops *ops = &rv_virtio_empty_mmio_ops;
	uint64_t v = 0;
	assert_int_equal(ops->read(NULL, 0x000, 4, &v), RV_MMIO_OK);
	assert_int_equal(v, 0x74726976); /* "virt" */
	assert_int_equal(ops->read(NULL, 0x004, 4, &v), RV_MMIO_OK);
	assert_int_equal(v, 2);
	assert_int_equal(ops->read(NULL, 0x008, 4, &v), RV_MMIO_OK);
	assert_int_equal(v, 0); /* no device: Linux's probe gives up here */
	assert_int_equal(ops->read(NULL, 0x00c, 4, &v), RV_MMIO_OK);
	assert_int_equal(v, VIRTIO_BLK_VENDOR_ID);
	/* Everything else reads 0, writes are ignored. */
	for (uint64_t off = 0x010; off < 0x100; off += 4) {
		assert_int_equal(ops->write(NULL, off, 4, 0xffffffff), RV_MMIO_OK);
		v = 1;
		assert_int_equal(ops->read(NULL, off, 4, &v), RV_MMIO_OK);
		assert_int_equal(v, 0);
	}
	assert_int_equal(ops->read(NULL, 0x100, 8, &v), RV_MMIO_OK);
	assert_int_equal(v, 0);
	assert_int_equal(ops->read(NULL, 0x1ff, 1, &v), RV_MMIO_OK);
	assert_int_equal(v, 0);
	/* Errors: wrong sizes, misalignment, the hole after the frame, past the slot. */
	assert_int_equal(ops->read(NULL, 0x000, 2, &v), RV_MMIO_ERROR);
	assert_int_equal(ops->read(NULL, 0x000, 8, &v), RV_MMIO_ERROR);
	assert_int_equal(ops->read(NULL, 0x002, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(ops->read(NULL, 0x102, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(ops->read(NULL, 0x100, 3, &v), RV_MMIO_ERROR);
	assert_int_equal(ops->read(NULL, 0x200, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(ops->write(NULL, 0xffc, 4, 0), RV_MMIO_ERROR);
	assert_int_equal(ops->read(NULL, 0x1000, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(ops->write(NULL, 0x070, 2, 1), RV_MMIO_ERROR);
}

static void test_open_errors(void **state)
{
	(void)state;
	struct rv_virtio_disk d;
	/* Missing. */
	assert_int_equal(rv_virtio_disk_open(&d, path_of("missing.img"), false, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "missing.img: no such file"));
	/* A directory, asked for read-write and for read-only. */
	assert_int_equal(mkdir(path_of("subdir"), 0755), 0);
	assert_int_equal(rv_virtio_disk_open(&d, path_of("subdir"), false, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, "subdir is a directory"));
	assert_int_equal(rv_virtio_disk_open(&d, path_of("subdir"), true, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, "subdir is a directory"));
	/* Empty, and shorter than one sector. */
	make_image("empty.img", 0, 0644);
	assert_int_equal(rv_virtio_disk_open(&d, path_of("empty.img"), false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty.img is empty"));
	make_image("small.img", 511, 0644);
	assert_int_equal(rv_virtio_disk_open(&d, path_of("small.img"), true, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "small.img is 511 bytes, smaller than one 512-byte sector"));
	/* Neither a file nor a block device. */
	assert_int_equal(rv_virtio_disk_open(&d, "/dev/null", true, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/dev/null is not a regular file or a block device"));
	/* A failed open leaves no descriptor behind. */
	assert_int_equal(d.fd, -1);
	/* A truncated message still ends in a NUL. */
	char tiny[8];
	assert_int_equal(rv_virtio_disk_open(&d, path_of("missing.img"), false, tiny, sizeof(tiny)), -ENOENT);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
}

static void test_open_permissions(void **state)
{
	(void)state;
	struct rv_virtio_disk d;
	/* No access at all. */
	make_image("locked.img", 1024, 0000);
	become_unprivileged(true);
	int r = rv_virtio_disk_open(&d, path_of("locked.img"), true, err, sizeof(err));
	become_unprivileged(false);
	assert_int_equal(r, -EACCES);
	assert_non_null(strstr(err, "locked.img: permission denied"));
	/* Readable only: read-write is refused with a hint, never silently downgraded... */
	make_image("ro.img", 1024, 0444);
	become_unprivileged(true);
	r = rv_virtio_disk_open(&d, path_of("ro.img"), false, err, sizeof(err));
	become_unprivileged(false);
	assert_int_equal(r, -EACCES);
	assert_non_null(strstr(err, "ro.img: permission denied for reading and writing"));
	assert_non_null(strstr(err, "readonly=on"));
	/* ...and read-only works. */
	become_unprivileged(true);
	r = rv_virtio_disk_open(&d, path_of("ro.img"), true, err, sizeof(err));
	become_unprivileged(false);
	assert_int_equal(r, 0);
	assert_true(d.read_only);
	assert_int_equal(d.capacity, 2);
	rv_virtio_disk_close(&d);
	assert_int_equal(d.fd, -1);
	rv_virtio_disk_close(&d); /* harmless twice */
}

static void test_capacity_rounds_down(void **state)
{
	(void)state;
	make_image("odd.img", 3 * 512 + 100, 0644);
	open_and_init("odd.img", false);
	assert_int_equal(disk.capacity, 3);
	uint64_t v = 0;
	assert_int_equal(rv_virtio_disk_mmio_ops.read(&disk, 0x100, 8, &v), RV_MMIO_OK);
	assert_int_equal(v, 3);
	rv_virtio_disk_close(&disk);
}

static void test_disk_registers(void **state)
{
	(void)state;
	make_image("disk.img", DISK_SECTORS * 512, 0644);
	open_and_init("disk.img", false);
	assert_int_equal(rd(0x000), 0x74726976);
	assert_int_equal(rd(0x004), 2);
	assert_int_equal(rd(0x008), 2); /* block device */
	assert_int_equal(rd(0x00c), VIRTIO_BLK_VENDOR_ID);
	uint64_t features = driver_init();
	assert_true(features & (1ull << 32));
	assert_true(features & (1ull << 9));
	assert_false(features & (1ull << 5)); /* writable disk: no RO */
	uint64_t v = 0;
	assert_int_equal(rv_virtio_disk_mmio_ops.read(&disk, 0x100, 4, &v), RV_MMIO_OK);
	assert_int_equal(v, DISK_SECTORS);
	/* Errors: the transport's access rules and the hole after its frame. */
	assert_int_equal(rv_virtio_disk_mmio_ops.read(&disk, 0x000, 2, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_virtio_disk_mmio_ops.write(&disk, 0x070, 8, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_virtio_disk_mmio_ops.read(&disk, 0x006, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_virtio_disk_mmio_ops.read(&disk, 0x200, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_virtio_disk_mmio_ops.write(&disk, 0xffc, 4, 0), RV_MMIO_ERROR);
	assert_int_equal(rv_virtio_disk_mmio_ops.read(&disk, 0x1000, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rv_virtio_disk_mmio_ops.read(&disk, UINT64_MAX - 3, 4, &v), RV_MMIO_ERROR);
	assert_int_equal(rd(0x070), 1 | 2 | 4 | 8); /* still running */
	rv_virtio_disk_close(&disk);
}

static void test_write_then_read_back(void **state)
{
	(void)state;
	make_image("disk.img", DISK_SECTORS * 512, 0644);
	open_and_init("disk.img", false);
	driver_init();
	/* Write 20 sectors at sector 5: more than lib's 4 KiB bounce buffer, so several backend calls. */
	const uint32_t n = 20 * 512;
	for (uint32_t i = 0; i < n; i++)
		gptr(DATA_GPA)[i] = (uint8_t)(0xa0 ^ (i * 7) ^ (i >> 9));
	uint32_t used_len = 0;
	assert_int_equal(request(1, 5, n, false, &used_len), 0); /* OUT, S_OK */
	assert_int_equal(used_len, 1);
	assert_true(irq);
	assert_int_equal(rd(0x060), 1); /* InterruptStatus: used buffer */
	wr(0x064, 1);                   /* InterruptACK */
	assert_false(irq);
	/* The bytes are in the file, and the neighbouring sectors are untouched. */
	static uint8_t file[DISK_SECTORS * 512];
	read_image("disk.img", file, sizeof(file), 0);
	assert_memory_equal(file + 5 * 512, gptr(DATA_GPA), n);
	for (size_t i = 0; i < 5 * 512; i++)
		assert_int_equal(file[i], image_byte(i));
	for (size_t i = 25 * 512; i < sizeof(file); i++)
		assert_int_equal(file[i], image_byte(i));
	/* Read them back into cleared memory. */
	memset(gptr(DATA_GPA), 0, n);
	assert_int_equal(request(0, 5, n, true, &used_len), 0); /* IN */
	assert_int_equal(used_len, n + 1);
	assert_memory_equal(gptr(DATA_GPA), file + 5 * 512, n);
	/* And sectors never written come back as the image had them. */
	assert_int_equal(request(0, 31, 512, true, &used_len), 0);
	for (size_t i = 0; i < 512; i++)
		assert_int_equal(gptr(DATA_GPA)[i], image_byte(31 * 512 + i));
	/* Flush and GET_ID. */
	assert_int_equal(request(4, 0, 0, false, &used_len), 0);
	memset(gptr(DATA_GPA), 0, 20);
	assert_int_equal(request(8, 0, 20, true, &used_len), 0);
	assert_memory_equal(gptr(DATA_GPA), "karasu-rv-disk", 14);
	/* Past the end of the disk: an I/O error status, the file unchanged. */
	assert_int_equal(request(1, 31, 1024, false, &used_len), 1);
	assert_int_equal(request(0, 32, 512, true, &used_len), 1);
	read_image("disk.img", file + 31 * 512, 512, 31 * 512);
	for (size_t i = 0; i < 512; i++)
		assert_int_equal(file[31 * 512 + i], image_byte(31 * 512 + i));
	assert_true(irq_calls >= 2);
	rv_virtio_disk_close(&disk);
}

static void test_read_only_disk(void **state)
{
	(void)state;
	make_image("disk.img", DISK_SECTORS * 512, 0644);
	open_and_init("disk.img", true);
	uint64_t features = driver_init();
	assert_true(features & (1ull << 5)); /* VIRTIO_BLK_F_RO */
	memset(gptr(DATA_GPA), 0x5c, 512);
	uint32_t used_len = 0;
	assert_int_equal(request(1, 0, 512, false, &used_len), 1); /* OUT refused: IOERR */
	uint8_t first[512];
	read_image("disk.img", first, sizeof(first), 0);
	for (size_t i = 0; i < sizeof(first); i++)
		assert_int_equal(first[i], image_byte(i));
	assert_int_equal(request(0, 0, 512, true, &used_len), 0); /* IN works */
	assert_memory_equal(gptr(DATA_GPA), first, 512);
	rv_virtio_disk_close(&disk);
}

static void test_image_shrinks(void **state)
{
	(void)state;
	make_image("disk.img", DISK_SECTORS * 512, 0644);
	open_and_init("disk.img", false);
	driver_init();
	/* Another program truncates the image under the running disk: reads past the new end complete
	 * with an I/O error instead of returning stale or missing bytes as data. */
	assert_int_equal(truncate(path_of("disk.img"), 2 * 512), 0);
	uint32_t used_len = 0;
	assert_int_equal(request(0, 8, 512, true, &used_len), 1);
	assert_int_equal(request(0, 1, 1024, true, &used_len), 1); /* straddles the new end */
	assert_int_equal(request(0, 1, 512, true, &used_len), 0);  /* still inside */
	for (size_t i = 0; i < 512; i++)
		assert_int_equal(gptr(DATA_GPA)[i], image_byte(512 + i));
	rv_virtio_disk_close(&disk);
}

static void test_init_errors(void **state)
{
	(void)state;
	struct virtio_guest_mem mem = {.ctx = ram, .read = g_read, .write = g_write};
	struct virtio_guest_mem no_write = {.ctx = ram, .read = g_read};
	make_image("disk.img", 512, 0644);
	assert_int_equal(rv_virtio_disk_open(&disk, path_of("disk.img"), false, err, sizeof(err)), 0);
	assert_false(rv_virtio_disk_init(&disk, &no_write, NULL, NULL));
	assert_true(rv_virtio_disk_init(&disk, &mem, NULL, NULL)); /* no line: allowed */
	rv_virtio_disk_close(&disk);
	assert_false(rv_virtio_disk_init(&disk, &mem, NULL, NULL)); /* closed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_slot),       cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_open_permissions), cmocka_unit_test(test_capacity_rounds_down),
	    cmocka_unit_test(test_disk_registers),   cmocka_unit_test(test_write_then_read_back),
	    cmocka_unit_test(test_read_only_disk),   cmocka_unit_test(test_image_shrinks),
	    cmocka_unit_test(test_init_errors),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
