/* lib/fat32.c against images made by mkfs.vfat and mtools (generated at test start in a temporary
 * directory, see test_fat32_util.h): a plain FAT32 volume and one in an MBR partition at sector 2048, a
 * fragmented multi-cluster file, in-place writes checked by mtools and fsck.vfat, and corrupt images.
 * Directories, long names and lookup: test_fat32_dir.c. */
#include "tests/unit/test_fat32_util.h"

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

/* Walking a cluster chain reads the FAT FAT32_FAT_WINDOW sectors at a time, not one sector per step: the
 * 586-cluster /linux/Image (2344 bytes of FAT entries, fragmented in two runs) needs a few reads, not one
 * per 128 clusters or one per jump between the runs. */
static void test_fat_window(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct fat32_volume looked_up, fresh;
	struct fat32_file f;

	mount_ok(&looked_up, &d, 0);
	assert_int_equal(fat32_lookup(&looked_up, "/linux/Image", &f), FAT32_OK);
	/* A freshly mounted volume has read no FAT sector yet: count what the walk alone reads. */
	mount_ok(&fresh, &d, 0);
	unsigned before = d.reads;
	assert_int_equal(fat32_check_chain(&fresh, &f), FAT32_OK);
	unsigned walk = d.reads - before;
	assert_true(walk >= 1 && walk <= 2);
	/* A second walk over the same entries is served from the window. */
	before = d.reads;
	assert_int_equal(fat32_check_chain(&fresh, &f), FAT32_OK);
	assert_int_equal(d.reads - before, 0);
	check_all_files(&fresh, -1);
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
	    cmocka_unit_test(test_mount_plain),        cmocka_unit_test(test_mount_mbr_partition),
	    cmocka_unit_test(test_ranges_and_extents), cmocka_unit_test(test_write_in_place),
	    cmocka_unit_test(test_read_only_device),   cmocka_unit_test(test_corrupt_boot_sectors),
	    cmocka_unit_test(test_truncated_image),    cmocka_unit_test(test_corrupt_chains),
	    cmocka_unit_test(test_metadata_fuzz),      cmocka_unit_test(test_fat_window),
	};
	return cmocka_run_group_tests(tests, make_images, remove_images);
}
