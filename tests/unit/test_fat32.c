/* lib/fat32.c against images made by mkfs.vfat and mtools (generated at test start in a temporary
 * directory): a plain FAT32 volume and one in an MBR partition at sector 2048, long names, subdirectories,
 * a fragmented multi-cluster file, in-place writes checked by mtools and fsck.vfat, and corrupt images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fat32.h"
#include "lib/mem.h"

#define LONG_NAME  "A Very Long File Name With Spaces.txt"
#define LONGER     "this-name-is-long-enough-to-need-five-lfn-entries-0123456789.bin"
#define BIG_SIZE   300000u /* 586 clusters of 512 bytes */
#define DISK_SIZE  65536u
#define IMAGE_MIB  40u
#define MANY_FILES 40
#define MANY_NAME  "file-with-a-long-name-$i.dat" /* shell: $i = 01 .. MANY_FILES */

struct test_file {
	const char *path; /* on the volume */
	uint32_t size;
	uint32_t seed;
};

/* Everything the images contain, with the content generated from the seed. */
static const struct test_file files[] = {
    {"/hv.elf", 1000, 1},
    {"/karasu.cfg", 300, 2},
    {"/linux/Image", BIG_SIZE, 3},
    {"/" LONG_NAME, 777, 4},
    {"/linux/deep/leaf.bin", 512, 5},
    {"/empty.txt", 0, 6},
    {"/UPPER.TXT", 10, 7},
    {"/lower.txt", 11, 8},
    {"/linux/" LONGER, 1025, 9},
    {"/disk0.img", DISK_SIZE, 10},
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static char tmpdir[64];

static void fill(uint8_t *buf, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

static uint8_t *content(const struct test_file *f)
{
	uint8_t *buf = malloc(f->size + 1);

	fill(buf, f->size, f->seed);
	return buf;
}

static int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Copies every test file into image spec (e.g. "x.img" or "x.img@@1M"). The big file is written after
 * making holes and resetting the FSInfo free-cluster hint, so mtools fills the holes first and the file
 * ends up fragmented. fsinfo_byte: offset of the hint in the image file. */
static void populate(const char *spec, long fsinfo_byte)
{
	char host[512];

	assert_int_equal(run("cd %s && mmd -i %s ::/linux ::/linux/deep ::/many", tmpdir, spec), 0);
	/* A directory of MANY_FILES long names (3 entries each): a chain of several clusters, with long-name
	 * sequences crossing cluster boundaries. */
	assert_int_equal(run("cd %s && mkdir -p many && for i in $(seq -w 1 %d); do echo $i > many/" MANY_NAME
	                     "; done && mcopy -i %s many/* ::/many/",
	                     tmpdir, MANY_FILES, spec),
	                 0);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(
		    run("cd %s && head -c 1500 /dev/zero > hole%d && mcopy -i %s hole%d ::/hole%d", tmpdir, i,
		        spec, i, i),
		    0);
	}
	assert_int_equal(run("cd %s && mdel -i %s ::/hole1 ::/hole3", tmpdir, spec), 0);
	assert_int_equal(
	    run("printf '\\377\\377\\377\\377' | dd of=%s/%.*s bs=1 seek=%ld conv=notrunc 2>/dev/null",
	        tmpdir, (int)strcspn(spec, "@"), spec, fsinfo_byte),
	    0);
	for (size_t i = 0; i < NFILES; i++) {
		uint8_t *data = content(&files[i]);
		FILE *f;
		snprintf(host, sizeof(host), "%s/file%zu", tmpdir, i);
		f = fopen(host, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, files[i].size, f), files[i].size);
		fclose(f);
		free(data);
		assert_int_equal(run("cd %s && mcopy -i %s file%zu '::%s'", tmpdir, spec, i, files[i].path),
		                 0);
	}
}

static int make_images(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/karasu-fat32-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		return -1;
	}
	/* Plain volume: 512-byte clusters, so everything spans many clusters and the root directory is a
	 * chain of several. */
	if (run("cd %s && truncate -s %uM plain.img && mkfs.vfat -F 32 -s 1 -n KARASU plain.img >/dev/null",
	        tmpdir, IMAGE_MIB) != 0) {
		return -1;
	}
	populate("plain.img", 512 + 492);
	/* The same inside an MBR partition starting at sector 2048 (what U-Boot needs). */
	if (run("cd %s && truncate -s %uM mbr.img && echo 'start=2048, type=c' | sfdisk -q mbr.img "
	        ">/dev/null && "
	        "mkfs.vfat -F 32 -s 1 --offset 2048 mbr.img >/dev/null",
	        tmpdir, IMAGE_MIB + 1) != 0) {
		return -1;
	}
	populate("mbr.img@@1M", 2048 * 512 + 512 + 492);
	/* A FAT16 volume, to be refused. */
	if (run("cd %s && truncate -s 16M fat16.img && mkfs.vfat -F 16 fat16.img >/dev/null", tmpdir) != 0) {
		return -1;
	}
	return 0;
}

static int remove_images(void **state)
{
	(void)state;
	if (getenv("KARASU_KEEP_FAT32") != NULL) {
		fprintf(stderr, "# images kept in %s\n", tmpdir);
		return 0;
	}
	return run("rm -rf %s", tmpdir);
}

/* ---- in-memory block device ---- */

struct memdisk {
	uint8_t *data;
	size_t size;
	unsigned reads, writes;
};

static int memdisk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct memdisk *d = ctx;

	d->reads++;
	if (lba * 512 > d->size || (uint64_t)count * 512 > d->size - lba * 512) {
		return -1;
	}
	memcpy(buf, d->data + lba * 512, (size_t)count * 512);
	return 0;
}

static int memdisk_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
	struct memdisk *d = ctx;

	d->writes++;
	if (lba * 512 > d->size || (uint64_t)count * 512 > d->size - lba * 512) {
		return -1;
	}
	memcpy(d->data + lba * 512, buf, (size_t)count * 512);
	return 0;
}

static struct memdisk load_disk(const char *name)
{
	char path[256];
	struct memdisk d = {0};
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	d.size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	d.data = malloc(d.size);
	assert_int_equal(fread(d.data, 1, d.size, f), d.size);
	fclose(f);
	return d;
}

static void save_disk(const struct memdisk *d, const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(d->data, 1, d->size, f), d->size);
	fclose(f);
}

static struct fat32_blockdev blockdev(struct memdisk *d)
{
	struct fat32_blockdev dev = {.ctx = d, .read_sectors = memdisk_read, .write_sectors = memdisk_write};

	return dev;
}

static void mount_ok(struct fat32_volume *vol, struct memdisk *d, unsigned partition)
{
	struct fat32_blockdev dev = blockdev(d);
	int err = fat32_mount_partition(vol, &dev, partition);

	if (err != FAT32_OK) {
		fail_msg("mount: %s", fat32_strerror(err));
	}
}

static void lookup_ok(struct fat32_volume *vol, const char *path, struct fat32_file *f)
{
	int err = fat32_lookup(vol, path, f);

	if (err != FAT32_OK) {
		fail_msg("%s: %s", path, fat32_strerror(err));
	}
}

/* ---- raw FAT access, for checks and corruption ---- */

struct layout {
	uint32_t bps, reserved, nfats, fat_size;
};

/* Reads the BPB with the test's own code, to find the FAT for corruption. */
static struct layout layout_of(const uint8_t *bs)
{
	struct layout l = {.bps = k_load_le16(bs + 11),
	                   .reserved = k_load_le16(bs + 14),
	                   .nfats = bs[16],
	                   .fat_size = k_load_le32(bs + 36)};
	return l;
}

/* Sets FAT entry `cluster` in every FAT copy. */
static void set_fat(struct memdisk *d, uint32_t cluster, uint32_t value)
{
	struct layout l = layout_of(d->data);

	for (uint32_t i = 0; i < l.nfats; i++) {
		k_store_le32(d->data + (l.reserved + i * l.fat_size) * l.bps + cluster * 4, value);
	}
}

static uint32_t get_fat(struct memdisk *d, uint32_t cluster)
{
	struct layout l = layout_of(d->data);

	return k_load_le32(d->data + l.reserved * l.bps + cluster * 4) & 0x0fffffff;
}

/* ---- tests ---- */

/* Reads every file and compares with its generated content; skip: index of a file to leave out (or -1). */
static void check_all_files(struct fat32_volume *vol, int skip)
{
	for (size_t i = 0; i < NFILES; i++) {
		if ((int)i == skip) {
			continue;
		}
		uint8_t *want = content(&files[i]);
		uint8_t *got = malloc(files[i].size + 16);
		size_t size = 0;
		int err = fat32_read_file(vol, files[i].path, got, files[i].size + 16, &size);
		if (err != FAT32_OK) {
			fail_msg("%s: %s", files[i].path, fat32_strerror(err));
		}
		assert_int_equal(size, files[i].size);
		assert_memory_equal(got, want, files[i].size);
		free(got);
		free(want);
	}
}

static void test_mount_plain(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_volume vol;
	struct fat32_blockdev dev = blockdev(&d);
	uint64_t lba, sectors;

	mount_ok(&vol, &d, 0);
	assert_int_equal(vol.bytes_per_sector, 512);
	assert_int_equal(vol.cluster_size, 512);
	assert_int_equal(vol.root_cluster, 2);
	assert_true(vol.cluster_count > 65525); /* a "real" FAT32 by cluster count too */
	check_all_files(&vol, -1);
	/* A whole-disk volume has no partition table: its boot sector is not a valid MBR. */
	assert_int_equal(fat32_mbr_partition(&dev, 0, &lba, &sectors), FAT32_ERR_BAD_MBR);
	free(d.data);
}

static void test_mount_mbr_partition(void **state)
{
	(void)state;
	struct memdisk d = load_disk("mbr.img");
	struct fat32_volume vol;
	struct fat32_blockdev dev = blockdev(&d);
	uint64_t lba = 0, sectors = 0;

	assert_int_equal(fat32_mbr_partition(&dev, 0, &lba, &sectors), FAT32_OK);
	assert_int_equal(lba, 2048);
	assert_int_equal(sectors, (IMAGE_MIB + 1) * 2048 - 2048);
	assert_int_equal(fat32_mbr_partition(&dev, 1, &lba, &sectors), FAT32_ERR_NO_PARTITION);
	assert_int_equal(fat32_mbr_partition(&dev, 4, &lba, &sectors), FAT32_ERR_NO_PARTITION);
	mount_ok(&vol, &d, 1);
	assert_int_equal(vol.volume_lba, 2048);
	check_all_files(&vol, -1);
	/* Partition 0 = whole disk: sector 0 is an MBR, not a boot sector. */
	assert_int_equal(fat32_mount_partition(&vol, &dev, 0), FAT32_ERR_BAD_BPB);
	assert_int_equal(fat32_mount_partition(&vol, &dev, 2), FAT32_ERR_NO_PARTITION);
	assert_int_equal(fat32_mount_partition(&vol, &dev, 5), FAT32_ERR_NO_PARTITION);
	free(d.data);
}

static void test_lookup_names(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_volume vol;
	struct fat32_file f;

	mount_ok(&vol, &d, 0);
	lookup_ok(&vol, "/LINUX/image", &f); /* case-insensitive */
	assert_string_equal(f.name, "Image");
	assert_int_equal(f.size, BIG_SIZE);
	lookup_ok(&vol, "linux//deep/./LEAF.BIN", &f);
	assert_int_equal(f.size, 512);
	lookup_ok(&vol, "/a very long file name with spaces.TXT", &f);
	assert_string_equal(f.name, LONG_NAME);
	lookup_ok(&vol, "/linux/" LONGER, &f);
	assert_string_equal(f.name, LONGER);
	lookup_ok(&vol, "/lower.txt", &f);
	assert_string_equal(f.name, "lower.txt");
	lookup_ok(&vol, "/upper.txt", &f);
	assert_string_equal(f.name, "UPPER.TXT");
	/* The 8.3 alias of a long name works too. */
	lookup_ok(&vol, "/AVERYL~1.TXT", &f);
	assert_int_equal(f.size, 777);
	lookup_ok(&vol, "/", &f);
	assert_true(fat32_is_dir(&f));
	lookup_ok(&vol, "/linux/", &f);
	assert_true(fat32_is_dir(&f));
	assert_string_equal(f.name, "linux");
	lookup_ok(&vol, "/empty.txt", &f);
	assert_int_equal(f.size, 0);
	assert_int_equal(f.first_cluster, 0);

	assert_int_equal(fat32_lookup(&vol, "/nope", &f), FAT32_ERR_NOT_FOUND);
	assert_int_equal(fat32_lookup(&vol, "/linux/nope/x", &f), FAT32_ERR_NOT_FOUND);
	assert_int_equal(fat32_lookup(&vol, "/hv.elf/x", &f), FAT32_ERR_NOT_DIR);
	assert_int_equal(fat32_lookup(&vol, "/linux/../hv.elf", &f), FAT32_ERR_BAD_PATH);
	assert_int_equal(fat32_lookup(&vol, "/Imag", &f), FAT32_ERR_NOT_FOUND);
	assert_int_equal(fat32_read_file(&vol, "/linux", d.data, 10, NULL), FAT32_ERR_IS_DIR);
	free(d.data);
}

static void test_directory_listing(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_volume vol;
	struct fat32_dir it;
	struct fat32_file f, dir;
	const char *want_root[] = {"hole0",      "hole2",     "hole4",   "hole5",     "hv.elf",
	                           "karasu.cfg", "linux",     LONG_NAME, "empty.txt", "UPPER.TXT",
	                           "lower.txt",  "disk0.img", "many"};
	size_t nwant = sizeof(want_root) / sizeof(want_root[0]);
	bool seen[16] = {false};
	int r, count = 0;

	mount_ok(&vol, &d, 0);
	assert_int_equal(fat32_dir_open_root(&vol, &it), FAT32_OK);
	while ((r = fat32_dir_next(&vol, &it, &f)) == 1) {
		size_t i;
		for (i = 0; i < nwant; i++) {
			if (strcmp(f.name, want_root[i]) == 0) {
				break;
			}
		}
		if (i == nwant) {
			fail_msg("unexpected root entry \"%s\"", f.name);
		}
		assert_false(seen[i]);
		seen[i] = true;
		count++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(count, (int)nwant);
	assert_int_equal(fat32_dir_next(&vol, &it, &f), 0); /* stays at the end */

	/* /linux holds Image, deep and the long name ("." and ".." are skipped). */
	lookup_ok(&vol, "/linux", &dir);
	assert_int_equal(fat32_dir_open(&vol, &dir, &it), FAT32_OK);
	count = 0;
	while ((r = fat32_dir_next(&vol, &it, &f)) == 1) {
		assert_true(strcmp(f.name, "Image") == 0 || strcmp(f.name, "deep") == 0 ||
		            strcmp(f.name, LONGER) == 0);
		count++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(count, 3);
	lookup_ok(&vol, "/hv.elf", &f);
	assert_int_equal(fat32_dir_open(&vol, &f, &it), FAT32_ERR_NOT_DIR);

	/* /many: every name, each once, and each found again by lookup with its content "NN\n". */
	{
		bool many_seen[MANY_FILES + 1] = {false};
		lookup_ok(&vol, "/many", &dir);
		assert_true(get_fat(&d, dir.first_cluster) < 0x0ffffff8); /* more than one cluster */
		assert_int_equal(fat32_dir_open(&vol, &dir, &it), FAT32_OK);
		count = 0;
		while ((r = fat32_dir_next(&vol, &it, &f)) == 1) {
			int n = 0;
			char path[300], text[8] = {0};
			assert_int_equal(sscanf(f.name, "file-with-a-long-name-%d.dat", &n), 1);
			assert_true(n >= 1 && n <= MANY_FILES);
			assert_false(many_seen[n]);
			many_seen[n] = true;
			snprintf(path, sizeof(path), "/MANY/%s", f.name);
			assert_int_equal(fat32_read_file(&vol, path, text, sizeof(text), NULL), FAT32_OK);
			assert_int_equal(atoi(text), n);
			count++;
		}
		assert_int_equal(r, 0);
		assert_int_equal(count, MANY_FILES);
	}
	free(d.data);
}

static void test_ranges_and_extents(void **state)
{
	(void)state;
	struct memdisk d = load_disk("mbr.img");
	struct fat32_volume vol;
	struct fat32_file f;
	struct fat32_extent ext[64];
	uint8_t *want = content(&files[2]);
	uint8_t *got = malloc(BIG_SIZE);
	size_t count = 0, covered = 0;

	mount_ok(&vol, &d, 1);
	lookup_ok(&vol, "/linux/Image", &f);
	/* Ranges at awkward places: inside one sector, across sectors, clusters and fragment boundaries,
	 * backwards (the cursor must restart), the last byte. */
	static const struct {
		uint32_t off, len;
	} ranges[] = {{0, 1},
	              {1, 510},
	              {500, 30},
	              {511, 2},
	              {4000, 100000},
	              {123, 7},
	              {BIG_SIZE - 1, 1},
	              {0, BIG_SIZE},
	              {BIG_SIZE - 600, 600},
	              {70000, 1}};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		memset(got, 0xaa, BIG_SIZE);
		assert_int_equal(fat32_read(&vol, &f, ranges[i].off, got, ranges[i].len), FAT32_OK);
		assert_memory_equal(got, want + ranges[i].off, ranges[i].len);
	}
	assert_int_equal(fat32_read(&vol, &f, BIG_SIZE, got, 1), FAT32_ERR_RANGE);
	assert_int_equal(fat32_read(&vol, &f, BIG_SIZE - 1, got, 2), FAT32_ERR_RANGE);
	assert_int_equal(fat32_read(&vol, &f, UINT64_MAX, got, 2), FAT32_ERR_RANGE);
	assert_int_equal(fat32_read(&vol, &f, BIG_SIZE, got, 0), FAT32_OK);
	assert_int_equal(fat32_read_file(&vol, "/linux/Image", got, BIG_SIZE - 1, &count), FAT32_ERR_TOO_BIG);
	assert_int_equal(count, BIG_SIZE);

	/* Extents: the file is fragmented, and the raw device sectors they name hold the file's bytes. */
	assert_int_equal(fat32_extents(&vol, &f, ext, 64, &count), FAT32_OK);
	assert_true(count >= 2);
	assert_true(count <= 64);
	for (size_t i = 0; i < count; i++) {
		uint64_t len = ext[i].sectors * 512;
		assert_int_equal(ext[i].file_offset, covered);
		if (covered + len > BIG_SIZE) {
			len = BIG_SIZE - covered;
		}
		assert_memory_equal(d.data + ext[i].lba * 512, want + covered, len);
		covered += ext[i].sectors * 512;
	}
	assert_true(covered >= BIG_SIZE && covered < BIG_SIZE + 512);
	/* Too small an array: the count is still reported. */
	size_t needed = count;
	assert_int_equal(fat32_extents(&vol, &f, ext, 1, &count), FAT32_OK);
	assert_int_equal(count, needed);
	free(want);
	free(got);
	free(d.data);
}

static void test_write_in_place(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_volume vol;
	struct fat32_file f;
	uint8_t *expect = content(&files[9]);
	uint8_t *got = malloc(DISK_SIZE);
	uint8_t patch[3000];
	static const struct {
		uint32_t off, len;
	} writes[] = {{0, 1},     {511, 2},  {1000, 3000}, {4096, 512}, {DISK_SIZE - 7, 7},
	              {20000, 1}, {512, 512}};
	char cmd_out[300];

	mount_ok(&vol, &d, 0);
	lookup_ok(&vol, "/disk0.img", &f);
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		fill(patch, writes[i].len, 100 + (uint32_t)i);
		assert_int_equal(fat32_write(&vol, &f, writes[i].off, patch, writes[i].len), FAT32_OK);
		memcpy(expect + writes[i].off, patch, writes[i].len);
		/* Read back through the (possibly cached) reader right away. */
		assert_int_equal(fat32_read(&vol, &f, writes[i].off, got, writes[i].len), FAT32_OK);
		assert_memory_equal(got, patch, writes[i].len);
	}
	assert_int_equal(fat32_write(&vol, &f, DISK_SIZE - 1, patch, 2), FAT32_ERR_RANGE);
	lookup_ok(&vol, "/linux", &f);
	assert_int_equal(fat32_write(&vol, &f, 0, patch, 1), FAT32_ERR_IS_DIR);

	/* A fresh mount sees the data; the size did not change. */
	mount_ok(&vol, &d, 0);
	lookup_ok(&vol, "/disk0.img", &f);
	assert_int_equal(f.size, DISK_SIZE);
	assert_int_equal(fat32_read(&vol, &f, 0, got, DISK_SIZE), FAT32_OK);
	assert_memory_equal(got, expect, DISK_SIZE);
	/* Independent checks: mtools reads back the same bytes, fsck finds a clean file system, and the other
	 * files are untouched. */
	save_disk(&d, "written.img");
	snprintf(cmd_out, sizeof(cmd_out), "%s/disk0.out", tmpdir);
	assert_int_equal(run("mcopy -n -i %s/written.img ::/disk0.img %s", tmpdir, cmd_out), 0);
	{
		FILE *fp = fopen(cmd_out, "rb");
		assert_non_null(fp);
		assert_int_equal(fread(got, 1, DISK_SIZE, fp), DISK_SIZE);
		fclose(fp);
		assert_memory_equal(got, expect, DISK_SIZE);
	}
	assert_int_equal(run("fsck.vfat -n %s/written.img >/dev/null 2>&1", tmpdir), 0);
	check_all_files(&vol, 9); /* disk0.img was compared above */
	free(expect);
	free(got);
	free(d.data);
}

static void test_read_only_device(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_blockdev dev = {.ctx = &d, .read_sectors = memdisk_read, .write_sectors = NULL};
	struct fat32_volume vol;
	struct fat32_file f;
	uint8_t byte = 1;

	assert_int_equal(fat32_mount(&vol, &dev, 0), FAT32_OK);
	lookup_ok(&vol, "/disk0.img", &f);
	assert_int_equal(fat32_write(&vol, &f, 0, &byte, 1), FAT32_ERR_READ_ONLY);
	free(d.data);
}

/* ---- corrupt images ---- */

static void test_corrupt_boot_sectors(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct memdisk m = load_disk("mbr.img");
	struct memdisk f16 = load_disk("fat16.img");
	struct fat32_blockdev dev = blockdev(&d), mdev = blockdev(&m), f16dev = blockdev(&f16);
	struct fat32_volume vol;
	uint8_t saved[512];
	uint64_t lba, sectors;

	memcpy(saved, d.data, 512);
#define BPB_CASE(stmt, expect)                                          \
	do {                                                            \
		memcpy(d.data, saved, 512);                             \
		stmt;                                                   \
		assert_int_equal(fat32_mount(&vol, &dev, 0), (expect)); \
	} while (0)
	BPB_CASE(d.data[510] = 0, FAT32_ERR_BAD_BPB);
	BPB_CASE(d.data[0] = 0, FAT32_ERR_BAD_BPB);
	BPB_CASE(k_store_le16(d.data + 11, 300), FAT32_ERR_BAD_BPB); /* bytes per sector */
	BPB_CASE(d.data[13] = 3, FAT32_ERR_BAD_BPB);                 /* sectors per cluster */
	BPB_CASE(d.data[13] = 0, FAT32_ERR_BAD_BPB);
	BPB_CASE(k_store_le16(d.data + 14, 0), FAT32_ERR_BAD_BPB);          /* reserved sectors */
	BPB_CASE(d.data[16] = 0, FAT32_ERR_BAD_BPB);                        /* number of FATs */
	BPB_CASE(k_store_le32(d.data + 36, 0), FAT32_ERR_BAD_BPB);          /* FAT size */
	BPB_CASE(k_store_le32(d.data + 36, 0x7fffffff), FAT32_ERR_BAD_BPB); /* FATs larger than the volume */
	BPB_CASE(k_store_le32(d.data + 32, 100), FAT32_ERR_BAD_BPB);        /* total sectors */
	BPB_CASE(k_store_le32(d.data + 44, 0), FAT32_ERR_BAD_BPB);          /* root cluster */
	BPB_CASE(k_store_le32(d.data + 44, 0x0ffffff0), FAT32_ERR_BAD_BPB);
	BPB_CASE(k_store_le16(d.data + 17, 512), FAT32_ERR_NOT_FAT32);
	BPB_CASE(k_store_le16(d.data + 42, 1), FAT32_ERR_UNSUPPORTED);    /* FS version */
	BPB_CASE(k_store_le16(d.data + 40, 0x80 | 5), FAT32_ERR_BAD_BPB); /* active FAT 5 of 2 */
	BPB_CASE((void)0, FAT32_OK);
#undef BPB_CASE
	assert_int_equal(fat32_mount(&vol, &f16dev, 0), FAT32_ERR_NOT_FAT32);

	/* MBR: signature, boot flag, empty entry. */
	m.data[510] = 0x00;
	assert_int_equal(fat32_mbr_partition(&mdev, 0, &lba, &sectors), FAT32_ERR_BAD_MBR);
	assert_int_equal(fat32_mount_partition(&vol, &mdev, 1), FAT32_ERR_BAD_MBR);
	m.data[510] = 0x55;
	m.data[446] = 0x12;
	assert_int_equal(fat32_mbr_partition(&mdev, 0, &lba, &sectors), FAT32_ERR_BAD_MBR);
	m.data[446] = 0x80;
	assert_int_equal(fat32_mbr_partition(&mdev, 0, &lba, &sectors), FAT32_OK);
	k_store_le32(m.data + 446 + 8, 0);
	assert_int_equal(fat32_mbr_partition(&mdev, 0, &lba, &sectors), FAT32_ERR_BAD_MBR);
	/* A partition pointing outside the disk: the read fails with an I/O error. */
	k_store_le32(m.data + 446 + 8, 0x7fffffff);
	assert_int_equal(fat32_mount_partition(&vol, &mdev, 1), FAT32_ERR_IO);
	free(d.data);
	free(m.data);
	free(f16.data);
}

static void test_truncated_image(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_volume vol;
	struct fat32_file f;
	uint8_t *buf = malloc(BIG_SIZE);
	size_t full = d.size;

	mount_ok(&vol, &d, 0);
	lookup_ok(&vol, "/linux/Image", &f);
	/* Cut the disk in the middle of the big file's data: mount and lookup may work, reading fails. */
	{
		struct fat32_extent ext[8];
		size_t n;
		assert_int_equal(fat32_extents(&vol, &f, ext, 8, &n), FAT32_OK);
		d.size = (size_t)(ext[n > 8 ? 7 : n - 1].lba * 512 + 512);
	}
	mount_ok(&vol, &d, 0);
	assert_int_equal(fat32_read_file(&vol, "/linux/Image", buf, BIG_SIZE, NULL), FAT32_ERR_IO);
	/* Cut inside the FAT / boot sector. */
	d.size = 10 * 512;
	assert_int_equal(
	    fat32_mount(&vol, &(struct fat32_blockdev){.ctx = &d, .read_sectors = memdisk_read}, 0),
	    FAT32_OK);
	assert_int_equal(fat32_lookup(&vol, "/linux/Image", &f), FAT32_ERR_IO);
	d.size = 100;
	assert_int_equal(
	    fat32_mount(&vol, &(struct fat32_blockdev){.ctx = &d, .read_sectors = memdisk_read}, 0),
	    FAT32_ERR_IO);
	d.size = full;
	free(buf);
	free(d.data);
}

static void test_corrupt_chains(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_volume vol;
	struct fat32_file f;
	uint8_t *buf = malloc(BIG_SIZE);
	uint32_t first, second, saved_first, saved_second;
	struct fat32_extent ext[4];
	size_t n;

	mount_ok(&vol, &d, 0);
	lookup_ok(&vol, "/linux/Image", &f);
	first = f.first_cluster;
	saved_first = get_fat(&d, first);
	second = saved_first;
	saved_second = get_fat(&d, second);

#define CHAIN_CASE(cluster, value)                                                             \
	do {                                                                                   \
		set_fat(&d, (cluster), (value));                                               \
		mount_ok(&vol, &d, 0);                                                         \
		assert_int_equal(fat32_lookup(&vol, "/linux/Image", &f), FAT32_ERR_BAD_CHAIN); \
		assert_int_equal(fat32_read_file(&vol, "/linux/Image", buf, BIG_SIZE, NULL),   \
		                 FAT32_ERR_BAD_CHAIN);                                         \
	} while (0)
	CHAIN_CASE(second, first);                 /* loop back to the start */
	CHAIN_CASE(second, second);                /* self loop */
	CHAIN_CASE(second, 0);                     /* free cluster inside a chain */
	CHAIN_CASE(second, 1);                     /* reserved value */
	CHAIN_CASE(second, 0x0ffffff7);            /* bad cluster */
	CHAIN_CASE(second, 0x0ffffff0);            /* beyond the FAT */
	CHAIN_CASE(second, vol.cluster_count + 2); /* one past the last cluster */
	CHAIN_CASE(second, 0x0fffffff);            /* ends early */
	set_fat(&d, second, saved_second);
	mount_ok(&vol, &d, 0);
	lookup_ok(&vol, "/linux/Image", &f);
	/* A loop is also caught by a raw read of an already-opened file and by extents. */
	set_fat(&d, second, first);
	mount_ok(&vol, &d, 0);
	assert_int_equal(fat32_read(&vol, &f, 0, buf, BIG_SIZE), FAT32_ERR_BAD_CHAIN);
	assert_int_equal(fat32_extents(&vol, &f, ext, 4, &n), FAT32_ERR_BAD_CHAIN);
	set_fat(&d, second, saved_second);

	/* Longer than the size: the last cluster points on instead of ending. */
	lookup_ok(&vol, "/hv.elf", &f); /* 1000 bytes = 2 clusters */
	{
		uint32_t last = get_fat(&d, f.first_cluster);
		uint32_t saved_last = get_fat(&d, last);
		set_fat(&d, last, f.first_cluster);
		mount_ok(&vol, &d, 0);
		assert_int_equal(fat32_lookup(&vol, "/hv.elf", &f), FAT32_ERR_BAD_CHAIN);
		set_fat(&d, last, saved_last);
	}
	(void)saved_first;
	free(buf);
	free(d.data);
}

static void test_corrupt_directories(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_volume vol;
	struct fat32_file f;
	struct fat32_dir it;
	struct fat32_file dir;
	uint32_t first, second, third, saved;
	int r, count = 0;

	mount_ok(&vol, &d, 0);
	/* /many spans several 512-byte clusters: make its third cluster loop back to the second. */
	lookup_ok(&vol, "/many", &dir);
	first = dir.first_cluster;
	second = get_fat(&d, first);
	third = get_fat(&d, second);
	assert_true(third >= 2 && third < 0x0ffffff8);
	saved = get_fat(&d, third);
	set_fat(&d, third, second);
	mount_ok(&vol, &d, 0);
	assert_int_equal(fat32_lookup(&vol, "/many/does-not-exist", &f), FAT32_ERR_BAD_CHAIN);
	assert_int_equal(fat32_dir_open(&vol, &dir, &it), FAT32_OK);
	while ((r = fat32_dir_next(&vol, &it, &f)) == 1) {
		count++;
		assert_true(count < 1000);
	}
	assert_int_equal(r, FAT32_ERR_BAD_CHAIN);
	set_fat(&d, third, saved);

	/* A directory entry whose cluster lies outside the volume. */
	mount_ok(&vol, &d, 0);
	lookup_ok(&vol, "/hv.elf", &f);
	{
		struct layout l = layout_of(d.data);
		uint8_t *data = d.data + (size_t)(l.reserved + l.nfats * l.fat_size) * l.bps;
		uint8_t *e = NULL;
		/* Find hv.elf's short entry in the root's first clusters by its start cluster. */
		for (size_t off = 0; off < 16 * 512; off += 32) {
			uint8_t *cand = data + off;
			if (memcmp(cand, "HV      ELF", 11) == 0) {
				e = cand;
				break;
			}
		}
		assert_non_null(e);
		k_store_le16(e + 20, 0x0fff);
		mount_ok(&vol, &d, 0);
		assert_int_equal(fat32_lookup(&vol, "/hv.elf", &f), FAT32_ERR_BAD_DIR);
		/* Other files in the same directory are still found; a listing reports the bad entry and goes
		 * on past it. */
		lookup_ok(&vol, "/karasu.cfg", &f);
		lookup_ok(&vol, "/disk0.img", &f);
		{
			int bad = 0, good = 0;
			assert_int_equal(fat32_dir_open_root(&vol, &it), FAT32_OK);
			while ((r = fat32_dir_next(&vol, &it, &f)) != 0) {
				if (r == FAT32_ERR_BAD_DIR) {
					assert_string_equal(f.name, "hv.elf");
					bad++;
				} else {
					assert_int_equal(r, 1);
					good++;
				}
			}
			assert_int_equal(bad, 1);
			assert_int_equal(good, 12);
		}
		k_store_le16(e + 20, 0);
		/* A size larger than the chain. */
		k_store_le32(e + 28, 5000);
		mount_ok(&vol, &d, 0);
		assert_int_equal(fat32_lookup(&vol, "/hv.elf", &f), FAT32_ERR_BAD_CHAIN);
		k_store_le32(e + 28, 1000);
		mount_ok(&vol, &d, 0);
		lookup_ok(&vol, "/hv.elf", &f);
	}
	free(d.data);
}

/* Random byte damage in the metadata area (boot sector, FATs, root directory): whatever happens, no
 * crash, no out-of-bounds access (ASan), and every call returns. */
static void test_metadata_fuzz(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct layout l = layout_of(d.data);
	size_t meta = (size_t)(l.reserved + l.nfats * l.fat_size) * l.bps + 16 * 512;
	uint8_t *pristine = malloc(meta);
	uint8_t *buf = malloc(BIG_SIZE);
	uint64_t rng = 0x1234567;
	struct fat32_volume vol;
	struct fat32_blockdev dev = blockdev(&d);
	int mounted = 0;

	memcpy(pristine, d.data, meta);
	for (int iter = 0; iter < 300; iter++) {
		struct fat32_file f;
		struct fat32_dir it;
		memcpy(d.data, pristine, meta);
		for (int k = 0; k < 8; k++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			/* Half the hits in the boot sector, the rest anywhere in the metadata. */
			size_t off = (rng >> 33) % ((k & 1) ? meta : 512);
			d.data[off] = (uint8_t)(rng >> 20);
		}
		if (fat32_mount(&vol, &dev, 0) != FAT32_OK) {
			continue;
		}
		mounted++;
		for (size_t i = 0; i < NFILES; i++) {
			if (fat32_lookup(&vol, files[i].path, &f) == FAT32_OK && !fat32_is_dir(&f) &&
			    f.size <= BIG_SIZE) {
				fat32_read(&vol, &f, 0, buf, f.size);
			}
		}
		if (fat32_dir_open_root(&vol, &it) == FAT32_OK) {
			int steps = 0;
			while (fat32_dir_next(&vol, &it, &f) == 1 && steps++ < 100000) {
			}
		}
	}
	assert_true(mounted > 0);
	free(pristine);
	free(buf);
	free(d.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mount_plain),         cmocka_unit_test(test_mount_mbr_partition),
	    cmocka_unit_test(test_lookup_names),        cmocka_unit_test(test_directory_listing),
	    cmocka_unit_test(test_ranges_and_extents),  cmocka_unit_test(test_write_in_place),
	    cmocka_unit_test(test_read_only_device),    cmocka_unit_test(test_corrupt_boot_sectors),
	    cmocka_unit_test(test_truncated_image),     cmocka_unit_test(test_corrupt_chains),
	    cmocka_unit_test(test_corrupt_directories), cmocka_unit_test(test_metadata_fuzz),
	};
	return cmocka_run_group_tests(tests, make_images, remove_images);
}
