/* libFuzzer harness: the FAT32 reader and its in-place write path (lib/fat32.c, lib/fat32_dir.c) on a
 * fuzzed disk image.
 *
 * The input is the start of a disk of DISK_BYTES (the rest reads as zeros); the block device refuses any
 * request that leaves the disk, as a real one would, and records it. Invariants checked:
 *  - mount: the geometry it reports is consistent (sector and cluster sizes, root cluster in range);
 *  - every file found by walking the directories is found again by path lookup, reads identically with
 *    fat32_read (in pieces) and fat32_read_file, and its extents (fat32_extents) hold exactly those bytes
 *    when read straight from the disk image, inside the volume's data area;
 *  - fat32_write of a file changes the disk only at the bytes its extents map the written range to, and
 *    the file then reads back as written; out-of-range writes, writes to directories and writes on a
 *    read-only device are refused and change nothing;
 *  - error codes are FAT32_ERR_* values, and every device request lies inside the disk or is refused.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fat32.h"
#include "tests/fuzz/harness/fuzz_require.h"

#define DISK_BYTES   (256u * 1024u)
#define DISK_SECTORS (DISK_BYTES / FAT32_SECTOR_SIZE)
#define MAX_FILE     (64u * 1024u) /* files read whole up to this size */
#define MAX_ENTRIES  96u           /* entries visited per input, over all directories */
#define MAX_DEPTH    4u
#define MAX_EXTENTS  64u
#define PATH_BYTES   (MAX_DEPTH * (FAT32_NAME_MAX + 1) + 2)

struct disk {
	uint8_t *bytes;
	bool writes_allowed;
	unsigned writes; /* write requests that reached the disk */
};

static uint8_t disk_bytes[DISK_BYTES];
static uint8_t before[DISK_BYTES];
static uint8_t file_a[MAX_FILE], file_b[MAX_FILE], pattern[MAX_FILE];
static bool written_here[DISK_BYTES]; /* disk bytes a write is expected to change */

static bool in_disk(uint64_t lba, uint32_t count)
{
	return lba <= DISK_SECTORS && count <= DISK_SECTORS - lba;
}

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;
	if (!in_disk(lba, count)) {
		return -1;
	}
	memcpy(buf, d->bytes + lba * FAT32_SECTOR_SIZE, (size_t)count * FAT32_SECTOR_SIZE);
	return 0;
}

static int disk_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
	struct disk *d = ctx;
	REQUIRE(d->writes_allowed, "a device write outside fat32_write (lba %llu)", (unsigned long long)lba);
	if (!in_disk(lba, count)) {
		return -1;
	}
	d->writes++;
	memcpy(d->bytes + lba * FAT32_SECTOR_SIZE, buf, (size_t)count * FAT32_SECTOR_SIZE);
	return 0;
}

static void require_error_code(int err, const char *what)
{
	REQUIRE(err <= FAT32_OK && err >= FAT32_ERR_BAD_ARG, "%s returned %d", what, err);
}

struct walk {
	struct fat32_volume *vol;
	struct disk *disk;
	unsigned entries;
	bool wrote;
	uint32_t seed; /* picks write offsets, from the image */
};

/* The file's extents, checked against the volume layout; returns how many (0 if it has none or on error). */
static size_t file_extents(struct walk *w, const struct fat32_file *f, struct fat32_extent *ext)
{
	size_t count = 0;
	int err = fat32_extents(w->vol, f, ext, MAX_EXTENTS, &count);

	require_error_code(err, "fat32_extents");
	if (err != FAT32_OK) {
		return 0;
	}
	if (count > MAX_EXTENTS) {
		return 0; /* not all known: skip the byte-level checks */
	}
	uint64_t covered = 0;
	for (size_t i = 0; i < count; i++) {
		REQUIRE(ext[i].sectors > 0, "%s: an empty extent", f->name);
		REQUIRE(ext[i].file_offset == covered, "%s: extent %zu at file offset %llu, expected %llu",
		        f->name, i, (unsigned long long)ext[i].file_offset, (unsigned long long)covered);
		REQUIRE(ext[i].lba >= w->vol->data_lba &&
		            ext[i].lba + ext[i].sectors <=
		                w->vol->data_lba + (uint64_t)w->vol->cluster_count * w->vol->cluster_size /
		                                       FAT32_SECTOR_SIZE,
		        "%s: extent %zu (lba %llu) outside the data area", f->name, i,
		        (unsigned long long)ext[i].lba);
		covered += ext[i].sectors * FAT32_SECTOR_SIZE;
	}
	REQUIRE(covered >= f->size && covered - f->size < w->vol->cluster_size + (f->size == 0 ? 1u : 0u),
	        "%s: extents cover %llu bytes of a %u-byte file", f->name, (unsigned long long)covered,
	        f->size);
	return count;
}

/* Where file byte `off` lives on the disk, per the extents; UINT64_MAX if past them. */
static uint64_t disk_offset(const struct fat32_extent *ext, size_t count, uint64_t off)
{
	for (size_t i = 0; i < count; i++) {
		if (off >= ext[i].file_offset &&
		    off - ext[i].file_offset < ext[i].sectors * FAT32_SECTOR_SIZE) {
			return ext[i].lba * FAT32_SECTOR_SIZE + (off - ext[i].file_offset);
		}
	}
	return UINT64_MAX;
}

/* Writes part of the file, then checks the disk changed exactly there and the file reads back. */
static void check_write(struct walk *w, struct fat32_file *f, const struct fat32_extent *ext, size_t count)
{
	uint64_t off = w->seed % f->size;
	size_t len = (size_t)(1 + (w->seed >> 8) % (f->size - off));
	int err;

	if (len > MAX_FILE) {
		len = MAX_FILE;
	}
	for (size_t i = 0; i < len; i++) {
		pattern[i] = (uint8_t)(w->seed + i * 131u + 7u);
	}
	memcpy(before, disk_bytes, DISK_BYTES);
	w->disk->writes_allowed = true;
	err = fat32_write(w->vol, f, off, pattern, len);
	w->disk->writes_allowed = false;
	require_error_code(err, "fat32_write");
	w->wrote = true;
	if (err != FAT32_OK) {
		return;
	}
	/* Only the written range changed, where the extents put it. */
	for (size_t j = 0; j < len; j++) {
		uint64_t at = disk_offset(ext, count, off + j);
		REQUIRE(at < DISK_BYTES && disk_bytes[at] == pattern[j], "%s: written byte %llu not on disk",
		        f->name, (unsigned long long)(off + j));
		written_here[at] = true;
	}
	for (size_t chunk = 0; chunk < DISK_BYTES; chunk += 4096) {
		if (memcmp(disk_bytes + chunk, before + chunk, 4096) == 0) {
			continue;
		}
		for (size_t i = chunk; i < chunk + 4096; i++) {
			REQUIRE(disk_bytes[i] == before[i] || written_here[i],
			        "%s: writing [%llu, +%zu) changed disk byte %zu", f->name,
			        (unsigned long long)off, len, i);
		}
	}
	for (size_t j = 0; j < len; j++) {
		written_here[disk_offset(ext, count, off + j)] = false;
	}
	err = fat32_read(w->vol, f, off, file_a, len);
	REQUIRE(err == FAT32_OK && memcmp(file_a, pattern, len) == 0, "%s: reading back the write: %s",
	        f->name, fat32_strerror(err));
}

/* The refusals of the write path: none may touch the disk. */
static void check_write_refusals(struct walk *w, struct fat32_file *f)
{
	uint8_t byte = 0x5a;
	int err;

	memcpy(before, disk_bytes, DISK_BYTES);
	w->disk->writes_allowed = true;
	err = fat32_write(w->vol, f, f->size, &byte, 1);
	REQUIRE(fat32_is_dir(f) ? err == FAT32_ERR_IS_DIR : err == FAT32_ERR_RANGE,
	        "%s: a write past the end gave %s", f->name, fat32_strerror(err));
	err = fat32_write(w->vol, f, UINT64_MAX, &byte, 1);
	REQUIRE(err != FAT32_OK, "%s: a write at offset 2^64-1 succeeded", f->name);
	w->disk->writes_allowed = false;
	REQUIRE(memcmp(before, disk_bytes, DISK_BYTES) == 0, "%s: a refused write changed the disk", f->name);
}

static void check_file(struct walk *w, struct fat32_file *f, const char *path)
{
	struct fat32_file again;
	struct fat32_extent ext[MAX_EXTENTS];
	size_t size = 0, count;
	int err;

	int found = fat32_lookup(w->vol, path, &again);
	require_error_code(found, "fat32_lookup");
	/* Another entry of the same name (case-insensitively, long or 8.3) may come first: only an entry with
	 * the same name and cluster is taken as this one, for read_file below. */
	bool same = found == FAT32_OK && strcmp(again.name, f->name) == 0 &&
	            again.first_cluster == f->first_cluster && again.size == f->size;
	check_write_refusals(w, f);
	if (fat32_is_dir(f) || f->size > MAX_FILE) {
		return;
	}
	err = fat32_check_chain(w->vol, f);
	require_error_code(err, "fat32_check_chain");
	if (err != FAT32_OK) {
		return;
	}
	/* In pieces of odd sizes, then whole, then by path. */
	for (uint32_t off = 0, piece = 1; off < f->size; off += piece, piece = piece * 3 + 1) {
		if (piece > f->size - off) {
			piece = f->size - off;
		}
		err = fat32_read(w->vol, f, off, file_a + off, piece);
		REQUIRE(err == FAT32_OK, "%s: read [%u, +%u) of a checked chain: %s", path, off, piece,
		        fat32_strerror(err));
	}
	err = fat32_read(w->vol, f, 0, file_b, f->size);
	REQUIRE(err == FAT32_OK && memcmp(file_a, file_b, f->size) == 0, "%s: reads disagree", path);
	err = fat32_read(w->vol, f, f->size, file_b, 1);
	REQUIRE(err == FAT32_ERR_RANGE, "%s: a read past the end gave %s", path, fat32_strerror(err));
	if (same) {
		err = fat32_read_file(w->vol, path, file_b, MAX_FILE, &size);
		if (err == FAT32_OK && size == f->size) {
			REQUIRE(memcmp(file_a, file_b, size) == 0, "%s: read_file disagrees with read", path);
		}
	}
	count = file_extents(w, f, ext);
	for (uint32_t i = 0; i < f->size && count > 0; i++) {
		uint64_t at = disk_offset(ext, count, i);
		REQUIRE(at < DISK_BYTES && disk_bytes[at] == file_a[i], "%s: byte %u differs from its extent",
		        path, i);
	}
	if (!w->wrote && f->size > 0 && count > 0) {
		check_write(w, f, ext, count);
	}
}

static void walk_dir(struct walk *w, const struct fat32_file *dir, char *path, size_t path_len,
                     unsigned depth)
{
	struct fat32_dir it;
	struct fat32_file f;
	int err = dir ? fat32_dir_open(w->vol, dir, &it) : fat32_dir_open_root(w->vol, &it);

	require_error_code(err, "fat32_dir_open");
	if (err != FAT32_OK) {
		return;
	}
	while (w->entries < MAX_ENTRIES) {
		err = fat32_dir_next(w->vol, &it, &f);
		require_error_code(err == 1 ? 0 : err, "fat32_dir_next");
		if (err == 0 || (err < 0 && err != FAT32_ERR_BAD_DIR)) {
			return;
		}
		w->entries++;
		REQUIRE(memchr(f.name, '\0', sizeof(f.name)) != NULL, "an unterminated name");
		REQUIRE(err != 1 || (f.name[0] != '\0' && strchr(f.name, '/') == NULL),
		        "a listed entry named \"%s\"", f.name);
		if (err == FAT32_ERR_BAD_DIR) {
			continue;
		}
		size_t n = strlen(f.name);
		if (path_len + 1 + n + 1 > PATH_BYTES || strchr(f.name, '/') != NULL) {
			continue;
		}
		path[path_len] = '/';
		memcpy(path + path_len + 1, f.name, n + 1);
		check_file(w, &f, path);
		if (fat32_is_dir(&f) && depth + 1 < MAX_DEPTH) {
			walk_dir(w, &f, path, path_len + 1 + n, depth + 1);
		}
		path[path_len] = '\0';
	}
}

static void check_volume(const struct fat32_volume *vol)
{
	REQUIRE(vol->bytes_per_sector >= 512 && vol->bytes_per_sector <= 4096 &&
	            (vol->bytes_per_sector & (vol->bytes_per_sector - 1)) == 0,
	        "bytes per sector %u", vol->bytes_per_sector);
	REQUIRE(vol->dev_per_fs_sector * FAT32_SECTOR_SIZE == vol->bytes_per_sector,
	        "device sectors per sector");
	REQUIRE(vol->sectors_per_cluster != 0 &&
	            vol->cluster_size == vol->sectors_per_cluster * vol->bytes_per_sector,
	        "cluster size %u", vol->cluster_size);
	REQUIRE(vol->cluster_count >= 1 && vol->cluster_count <= vol->fat_entries - 2,
	        "cluster count %u of %u", vol->cluster_count, vol->fat_entries);
	REQUIRE(vol->root_cluster >= 2 && vol->root_cluster < 2 + vol->cluster_count, "root cluster %u",
	        vol->root_cluster);
	REQUIRE(vol->fat_lba > vol->volume_lba && vol->data_lba > vol->fat_lba, "layout");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fat32_volume vol;
	static char path[PATH_BYTES];
	struct disk disk = {disk_bytes, false, 0};
	struct fat32_blockdev dev = {&disk, disk_read, disk_write};
	struct fat32_blockdev read_only = {&disk, disk_read, NULL};
	struct walk w = {&vol, &disk, 0, false, 0};
	uint64_t lba, sectors;
	int err = FAT32_ERR_NO_PARTITION;

	if (size > DISK_BYTES) {
		size = DISK_BYTES;
	}
	memcpy(disk_bytes, data, size);
	memset(disk_bytes + size, 0, DISK_BYTES - size);
	for (size_t i = 0; i < size && i < 64; i++) {
		w.seed = w.seed * 31u + data[size - 1 - i];
	}
	for (unsigned i = 0; i <= FAT32_MAX_PARTITIONS; i++) {
		int e = fat32_mbr_partition(&dev, i, &lba, &sectors);
		require_error_code(e, "fat32_mbr_partition");
	}
	/* The whole disk first; if that is no volume, the first MBR partition that is. */
	for (unsigned part = 0; part <= FAT32_MAX_PARTITIONS && err != FAT32_OK; part++) {
		err = fat32_mount_partition(&vol, &dev, part);
		require_error_code(err, "fat32_mount_partition");
	}
	if (err != FAT32_OK) {
		return 0;
	}
	check_volume(&vol);
	path[0] = '\0';
	walk_dir(&w, NULL, path, 0, 0);

	/* Read-only: a write is refused before anything reaches the device. */
	struct fat32_file root;
	if (fat32_mount(&vol, &read_only, vol.volume_lba) == FAT32_OK &&
	    fat32_lookup(&vol, "/", &root) == FAT32_OK) {
		struct fat32_dir it;
		struct fat32_file f;
		if (fat32_dir_open_root(&vol, &it) == FAT32_OK && fat32_dir_next(&vol, &it, &f) == 1 &&
		    !fat32_is_dir(&f) && f.size > 0) {
			uint8_t byte = 1;
			REQUIRE(fat32_write(&vol, &f, 0, &byte, 1) == FAT32_ERR_READ_ONLY,
			        "a write on a read-only device");
		}
	}
	return 0;
}
