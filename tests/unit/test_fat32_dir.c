/* lib/fat32_dir.c (directories, long names, path lookup) against images made by mkfs.vfat and mtools
 * (generated at test start in a temporary directory, see test_fat32_util.h): case-insensitive lookup of
 * long and 8.3 names, directory listings spanning several clusters, and corrupt directory chains and
 * entries. */
#include "tests/unit/test_fat32_util.h"

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

/* Names no valid entry has (the fuzzer made them): a blank 8.3 name is a corrupt entry, reported and
 * skipped like one with a bad cluster; control characters and '/' are shown as '?', so a listed name is
 * never empty and never splits a path. */
static void test_corrupt_names(void **state)
{
	(void)state;
	struct memdisk d = load_disk("plain.img");
	struct layout l = layout_of(d.data);
	uint8_t *data = d.data + (size_t)(l.reserved + l.nfats * l.fat_size) * l.bps;
	struct fat32_volume vol;
	struct fat32_file f;
	struct fat32_dir it;
	uint8_t *e = NULL;
	int r, bad = 0, good = 0;

	for (size_t off = 0; off < 16 * 512 && e == NULL; off += 32) {
		if (memcmp(data + off, "HV      ELF", 11) == 0) {
			e = data + off;
		}
	}
	assert_non_null(e);
	memcpy(e, "        ELF", 11);
	mount_ok(&vol, &d, 0);
	assert_int_equal(fat32_dir_open_root(&vol, &it), FAT32_OK);
	while ((r = fat32_dir_next(&vol, &it, &f)) != 0) {
		if (r == FAT32_ERR_BAD_DIR) {
			bad++;
		} else {
			assert_int_equal(r, 1);
			assert_true(f.name[0] != '\0');
			good++;
		}
	}
	assert_int_equal(bad, 1);
	assert_int_equal(good, 12);

	memcpy(e, "H/\001V    ELF", 11);
	e[12] = 0; /* upper case as stored */
	mount_ok(&vol, &d, 0);
	assert_int_equal(fat32_lookup(&vol, "/H??V.ELF", &f), FAT32_OK);
	assert_string_equal(f.name, "H??V.ELF");
	free(d.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup_names),
	    cmocka_unit_test(test_directory_listing),
	    cmocka_unit_test(test_corrupt_directories),
	    cmocka_unit_test(test_corrupt_names),
	};
	return cmocka_run_group_tests(tests, make_images, remove_images);
}
