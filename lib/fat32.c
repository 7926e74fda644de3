/* FAT32: MBR, BPB, cluster chains, reads and in-place writes (lib/fat32.h). Directories: fat32_dir.c.
 *
 * On-disk layouts follow Microsoft's FAT specification (fatgen103): the BPB fields at fixed offsets of the
 * boot sector, 32-byte directory entries, VFAT long-name entries (attribute 0x0F) preceding their short
 * entry in reverse order, 28-bit FAT32 entries.
 */
#include "lib/fat32.h"
#include "lib/fat32_internal.h"

#include "lib/mem.h"

/* MBR (sector 0 of the disk). */
#define MBR_PART_TABLE 446u
#define MBR_PART_SIZE  16u
#define MBR_SIGNATURE  510u

/* Boot sector / BPB offsets. */
#define BPB_JUMP             0u
#define BPB_BYTES_PER_SECTOR 11u
#define BPB_SECTORS_PER_CLUS 13u
#define BPB_RESERVED_SECTORS 14u
#define BPB_NUM_FATS         16u
#define BPB_ROOT_ENTRIES     17u
#define BPB_TOTAL_SECTORS16  19u
#define BPB_FAT_SIZE16       22u
#define BPB_TOTAL_SECTORS32  32u
#define BPB_FAT_SIZE32       36u
#define BPB_EXT_FLAGS        40u
#define BPB_FS_VERSION       42u
#define BPB_ROOT_CLUSTER     44u
#define BS_FAT16_TYPE        54u /* "FAT16   " etc. (informational) */
#define BS_FAT32_TYPE        82u /* "FAT32   " (informational) */

#define EXT_FLAGS_NO_MIRROR  0x80u /* only the FAT numbered in bits 0-3 is active */
#define EXT_FLAGS_ACTIVE_FAT 0x0fu

/* FAT entries. */
#define FAT_BAD_CLUSTER 0x0ffffff7u
#define FAT_EOC_MIN     0x0ffffff8u
#define FAT_FIRST_DATA  2u

/* Device sectors read or written per call at most (keeps requests to block drivers reasonable). */
#define MAX_SECTORS_PER_IO 16384u

const char *fat32_strerror(int err)
{
	switch (err) {
	case FAT32_OK: return "success";
	case FAT32_ERR_IO: return "block device I/O error";
	case FAT32_ERR_BAD_MBR: return "bad MBR (signature or partition entry)";
	case FAT32_ERR_NO_PARTITION: return "no such partition";
	case FAT32_ERR_BAD_BPB: return "bad FAT boot sector (signature or geometry)";
	case FAT32_ERR_NOT_FAT32: return "not FAT32 (FAT12/FAT16 volume)";
	case FAT32_ERR_UNSUPPORTED: return "unsupported FAT feature";
	case FAT32_ERR_NOT_FOUND: return "no such file or directory";
	case FAT32_ERR_NOT_DIR: return "not a directory";
	case FAT32_ERR_IS_DIR: return "is a directory";
	case FAT32_ERR_BAD_CHAIN: return "corrupt cluster chain (loop, out of range, or wrong length)";
	case FAT32_ERR_RANGE: return "offset or length outside the file";
	case FAT32_ERR_TOO_BIG: return "file larger than the buffer";
	case FAT32_ERR_READ_ONLY: return "device is read-only";
	case FAT32_ERR_BAD_PATH: return "malformed path";
	case FAT32_ERR_BAD_DIR: return "corrupt directory entry";
	case FAT32_ERR_BAD_ARG: return "invalid argument";
	default: return "unknown FAT32 error";
	}
}

/* ---- sector access ---- */

static int dev_read(const struct fat32_blockdev *dev, uint64_t lba, uint32_t count, void *buf)
{
	return dev->read_sectors(dev->ctx, lba, count, buf) == 0 ? FAT32_OK : FAT32_ERR_IO;
}

/* The device sector at lba, through the one-sector cache. */
int fat32_cached_sector(struct fat32_volume *vol, uint64_t lba, const uint8_t **data)
{
	if (vol->cache_lba != lba) {
		vol->cache_lba = UINT64_MAX;
		if (dev_read(&vol->dev, lba, 1, vol->cache) != FAT32_OK) {
			return FAT32_ERR_IO;
		}
		vol->cache_lba = lba;
	}
	*data = vol->cache;
	return FAT32_OK;
}

/* ---- MBR and BPB ---- */

int fat32_mbr_partition(const struct fat32_blockdev *dev, unsigned index, uint64_t *lba, uint64_t *sectors)
{
	uint8_t mbr[FAT32_SECTOR_SIZE];
	const uint8_t *entry;
	uint8_t status;

	if (dev == NULL || dev->read_sectors == NULL) {
		return FAT32_ERR_BAD_ARG;
	}
	if (index >= FAT32_MAX_PARTITIONS) {
		return FAT32_ERR_NO_PARTITION;
	}
	if (dev_read(dev, 0, 1, mbr) != FAT32_OK) {
		return FAT32_ERR_IO;
	}
	if (mbr[MBR_SIGNATURE] != 0x55 || mbr[MBR_SIGNATURE + 1] != 0xaa) {
		return FAT32_ERR_BAD_MBR;
	}
	/* A FAT boot sector carries the same signature; its partition-table area is boot code. */
	if (k_memcmp(mbr + BS_FAT32_TYPE, "FAT32   ", 8) == 0 ||
	    k_memcmp(mbr + BS_FAT16_TYPE, "FAT", 3) == 0) {
		return FAT32_ERR_BAD_MBR;
	}
	entry = mbr + MBR_PART_TABLE + index * MBR_PART_SIZE;
	status = entry[0];
	/* Boot indicator is 0x00 or 0x80; anything else means this is not a partition table (e.g. a FAT
	 * boot sector, which carries the same signature). */
	if (status != 0x00 && status != 0x80) {
		return FAT32_ERR_BAD_MBR;
	}
	if (entry[4] == 0) {
		return FAT32_ERR_NO_PARTITION; /* type 0: unused entry */
	}
	*lba = k_load_le32(entry + 8);
	*sectors = k_load_le32(entry + 12);
	if (*lba == 0 || *sectors == 0) {
		return FAT32_ERR_BAD_MBR;
	}
	return FAT32_OK;
}

static bool is_power_of_two(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

int fat32_mount(struct fat32_volume *vol, const struct fat32_blockdev *dev, uint64_t volume_lba)
{
	uint8_t bs[FAT32_SECTOR_SIZE];
	uint32_t bps, spc, reserved, nfats, total, fat_size, meta, data_sectors, max_clusters;
	uint16_t ext_flags;

	if (vol == NULL || dev == NULL || dev->read_sectors == NULL) {
		return FAT32_ERR_BAD_ARG;
	}
	k_memset(vol, 0, sizeof(*vol));
	k_memcpy(&vol->dev, dev, sizeof(vol->dev));
	vol->cache_lba = UINT64_MAX;
	if (dev_read(dev, volume_lba, 1, bs) != FAT32_OK) {
		return FAT32_ERR_IO;
	}
	if (bs[MBR_SIGNATURE] != 0x55 || bs[MBR_SIGNATURE + 1] != 0xaa ||
	    (bs[BPB_JUMP] != 0xeb && bs[BPB_JUMP] != 0xe9)) {
		return FAT32_ERR_BAD_BPB;
	}
	bps = k_load_le16(bs + BPB_BYTES_PER_SECTOR);
	spc = bs[BPB_SECTORS_PER_CLUS];
	reserved = k_load_le16(bs + BPB_RESERVED_SECTORS);
	nfats = bs[BPB_NUM_FATS];
	if (bps < 512 || bps > 4096 || !is_power_of_two(bps) || !is_power_of_two(spc) || reserved == 0 ||
	    nfats == 0) {
		return FAT32_ERR_BAD_BPB;
	}
	if (k_load_le16(bs + BPB_FAT_SIZE16) != 0 || k_load_le16(bs + BPB_ROOT_ENTRIES) != 0) {
		return FAT32_ERR_NOT_FAT32;
	}
	if (k_load_le16(bs + BPB_FS_VERSION) != 0) {
		return FAT32_ERR_UNSUPPORTED;
	}
	total = k_load_le16(bs + BPB_TOTAL_SECTORS16);
	if (total == 0) {
		total = k_load_le32(bs + BPB_TOTAL_SECTORS32);
	}
	fat_size = k_load_le32(bs + BPB_FAT_SIZE32);
	meta = reserved + nfats * fat_size; /* nfats <= 255 and fat_size < 2^32: check in 64 bits */
	if (fat_size == 0 || (uint64_t)reserved + (uint64_t)nfats * fat_size >= total) {
		return FAT32_ERR_BAD_BPB;
	}
	data_sectors = total - meta;

	vol->volume_lba = volume_lba;
	vol->bytes_per_sector = bps;
	vol->dev_per_fs_sector = bps / FAT32_SECTOR_SIZE;
	vol->sectors_per_cluster = spc;
	vol->cluster_size = bps * spc;
	ext_flags = k_load_le16(bs + BPB_EXT_FLAGS);
	vol->fat_lba = volume_lba + (uint64_t)reserved * vol->dev_per_fs_sector;
	vol->fat_sectors = (uint64_t)fat_size * vol->dev_per_fs_sector;
	vol->fat_window_start = UINT64_MAX;
	vol->fat_window_count = 0;
	if ((ext_flags & EXT_FLAGS_NO_MIRROR) != 0) {
		uint32_t active = ext_flags & EXT_FLAGS_ACTIVE_FAT;
		if (active >= nfats) {
			return FAT32_ERR_BAD_BPB;
		}
		vol->fat_lba += (uint64_t)active * fat_size * vol->dev_per_fs_sector;
	}
	/* FAT entries beyond 2^28 cannot be addressed by 28-bit cluster numbers. */
	vol->fat_entries = (uint64_t)fat_size * bps / 4 > FAT_BAD_CLUSTER
	                       ? FAT_BAD_CLUSTER
	                       : (uint32_t)((uint64_t)fat_size * bps / 4);
	vol->data_lba = volume_lba + (uint64_t)meta * vol->dev_per_fs_sector;
	vol->cluster_count = data_sectors / spc;
	/* Clusters the FAT cannot describe are unusable (some formatters leave a few). */
	max_clusters = vol->fat_entries - FAT_FIRST_DATA;
	if (vol->cluster_count > max_clusters) {
		vol->cluster_count = max_clusters;
	}
	if (vol->cluster_count == 0) {
		return FAT32_ERR_BAD_BPB;
	}
	vol->root_cluster = k_load_le32(bs + BPB_ROOT_CLUSTER) & FAT_ENTRY_MASK;
	if (vol->root_cluster < FAT_FIRST_DATA || vol->root_cluster >= FAT_FIRST_DATA + vol->cluster_count) {
		return FAT32_ERR_BAD_BPB;
	}
	return FAT32_OK;
}

int fat32_mount_partition(struct fat32_volume *vol, const struct fat32_blockdev *dev, unsigned partition)
{
	uint64_t lba = 0, sectors;
	int err;

	if (partition > FAT32_MAX_PARTITIONS) {
		return FAT32_ERR_NO_PARTITION;
	}
	if (partition > 0) {
		err = fat32_mbr_partition(dev, partition - 1, &lba, &sectors);
		if (err != FAT32_OK) {
			return err;
		}
	}
	return fat32_mount(vol, dev, lba);
}

/* ---- clusters and chains ---- */

bool fat32_cluster_valid(const struct fat32_volume *vol, uint32_t c)
{
	return c >= FAT_FIRST_DATA && c < FAT_FIRST_DATA + vol->cluster_count;
}

uint64_t fat32_cluster_lba(const struct fat32_volume *vol, uint32_t c)
{
	return vol->data_lba +
	       (uint64_t)(c - FAT_FIRST_DATA) * vol->sectors_per_cluster * vol->dev_per_fs_sector;
}

static uint32_t dev_sectors_per_cluster(const struct fat32_volume *vol)
{
	return vol->sectors_per_cluster * vol->dev_per_fs_sector;
}

/* The bytes of the FAT at byte offset `byte`, through the FAT window. */
static int fat_window_entry(struct fat32_volume *vol, uint64_t byte, const uint8_t **entry)
{
	uint64_t sector = byte / FAT32_SECTOR_SIZE; /* within the FAT */
	if (sector >= vol->fat_sectors) {
		return FAT32_ERR_BAD_CHAIN;
	}
	if (vol->fat_window_start == UINT64_MAX || sector < vol->fat_window_start ||
	    sector >= vol->fat_window_start + vol->fat_window_count) {
		uint64_t left = vol->fat_sectors - sector;
		uint32_t count = left < FAT32_FAT_WINDOW ? (uint32_t)left : FAT32_FAT_WINDOW;
		vol->fat_window_start = UINT64_MAX;
		if (dev_read(&vol->dev, vol->fat_lba + sector, count, vol->fat_window) != FAT32_OK) {
			return FAT32_ERR_IO;
		}
		vol->fat_window_start = sector;
		vol->fat_window_count = count;
	}
	*entry =
	    vol->fat_window + (sector - vol->fat_window_start) * FAT32_SECTOR_SIZE + byte % FAT32_SECTOR_SIZE;
	return FAT32_OK;
}

/* The FAT entry of cluster c: *next is the next cluster, or 0 at the end of the chain. Free, bad and
 * out-of-range entries are errors. */
int fat32_fat_next(struct fat32_volume *vol, uint32_t c, uint32_t *next)
{
	const uint8_t *entry;
	uint32_t v;
	int err = fat_window_entry(vol, (uint64_t)c * 4, &entry);

	if (err != FAT32_OK) {
		return err;
	}
	v = k_load_le32(entry) & FAT_ENTRY_MASK;
	if (v >= FAT_EOC_MIN) {
		*next = 0;
		return FAT32_OK;
	}
	if (!fat32_cluster_valid(vol, v)) {
		return FAT32_ERR_BAD_CHAIN; /* free (0), reserved (1), bad (0x0FFFFFF7) or beyond the FAT */
	}
	*next = v;
	return FAT32_OK;
}

/* Steps from *c to the next cluster, which must exist (the data continues). */
static int fat_advance(struct fat32_volume *vol, uint32_t *c)
{
	uint32_t next;
	int err = fat32_fat_next(vol, *c, &next);

	if (err != FAT32_OK) {
		return err;
	}
	if (next == 0) {
		return FAT32_ERR_BAD_CHAIN; /* ends before the file does */
	}
	*c = next;
	return FAT32_OK;
}

/* Brent's cycle detection over a chain walk: steps since the tortoise last moved, and the distance after
 * which it moves again. A chain that comes back to the tortoise loops. */
struct chain_walk {
	uint32_t tortoise;
	uint32_t power;
	uint32_t lam;
};

static void walk_init(struct chain_walk *w, uint32_t start)
{
	w->tortoise = start;
	w->power = 1;
	w->lam = 0;
}

static int walk_step(struct fat32_volume *vol, struct chain_walk *w, uint32_t *c)
{
	int err = fat_advance(vol, c);

	if (err != FAT32_OK) {
		return err;
	}
	if (*c == w->tortoise) {
		return FAT32_ERR_BAD_CHAIN;
	}
	if (++w->lam == w->power) {
		w->tortoise = *c;
		w->power *= 2;
		w->lam = 0;
	}
	return FAT32_OK;
}

static uint32_t clusters_for(const struct fat32_volume *vol, uint32_t size)
{
	return (uint32_t)(((uint64_t)size + vol->cluster_size - 1) / vol->cluster_size);
}

int fat32_check_chain(struct fat32_volume *vol, const struct fat32_file *f)
{
	uint32_t c = f->first_cluster;
	uint32_t next, want, lam = 0, power = 1, tortoise;
	int err;

	if (fat32_is_dir(f)) {
		/* Unknown length: Brent's cycle detection. */
		if (!fat32_cluster_valid(vol, c)) {
			return FAT32_ERR_BAD_CHAIN;
		}
		tortoise = c;
		for (;;) {
			err = fat32_fat_next(vol, c, &next);
			if (err != FAT32_OK || next == 0) {
				return err;
			}
			if (next == tortoise) {
				return FAT32_ERR_BAD_CHAIN;
			}
			c = next;
			if (++lam == power) {
				tortoise = c;
				power *= 2;
				lam = 0;
			}
		}
	}
	/* A file's chain has exactly as many clusters as its size needs; a loop shows up as a chain that
	 * does not end there. */
	want = clusters_for(vol, f->size);
	if (want == 0) {
		return FAT32_OK;
	}
	if (!fat32_cluster_valid(vol, c) || want > vol->cluster_count) {
		return FAT32_ERR_BAD_CHAIN;
	}
	for (uint32_t i = 1; i < want; i++) {
		err = fat_advance(vol, &c);
		if (err != FAT32_OK) {
			return err;
		}
	}
	err = fat32_fat_next(vol, c, &next);
	if (err != FAT32_OK) {
		return err;
	}
	return next == 0 ? FAT32_OK : FAT32_ERR_BAD_CHAIN;
}

/* ---- file data ---- */

/* The cluster holding cluster index `index` of f, starting from the cursor when it helps. */
static int seek_cluster(struct fat32_volume *vol, struct fat32_file *f, uint32_t index, uint32_t *cluster,
                        struct chain_walk *w)
{
	uint32_t c = f->first_cluster, i = 0;
	int err;

	if (f->cursor_cluster != 0 && f->cursor_index <= index &&
	    fat32_cluster_valid(vol, f->cursor_cluster)) {
		c = f->cursor_cluster;
		i = f->cursor_index;
	}
	if (!fat32_cluster_valid(vol, c)) {
		return FAT32_ERR_BAD_CHAIN;
	}
	walk_init(w, c);
	for (; i < index; i++) {
		err = walk_step(vol, w, &c);
		if (err != FAT32_OK) {
			return err;
		}
	}
	f->cursor_cluster = c;
	f->cursor_index = index;
	*cluster = c;
	return FAT32_OK;
}

/* Reads or writes device bytes [byte, byte+len) relative to lba: whole sectors go directly to/from buf,
 * partial ones through the cache (read-modify-write when writing). */
static int transfer_bytes(struct fat32_volume *vol, uint64_t lba, uint64_t byte, uint8_t *buf, size_t len,
                          bool write)
{
	lba += byte / FAT32_SECTOR_SIZE;
	byte %= FAT32_SECTOR_SIZE;
	while (len > 0) {
		if (byte != 0 || len < FAT32_SECTOR_SIZE) {
			size_t n = FAT32_SECTOR_SIZE - byte < len ? FAT32_SECTOR_SIZE - byte : len;
			const uint8_t *sector;
			int err = fat32_cached_sector(vol, lba, &sector);
			if (err != FAT32_OK) {
				return err;
			}
			if (write) {
				k_memcpy(vol->cache + byte, buf, n);
				if (vol->dev.write_sectors(vol->dev.ctx, lba, 1, vol->cache) != 0) {
					vol->cache_lba = UINT64_MAX;
					return FAT32_ERR_IO;
				}
			} else {
				k_memcpy(buf, sector + byte, n);
			}
			buf += n;
			len -= n;
			byte = 0;
			lba++;
			continue;
		}
		uint32_t count =
		    (uint32_t)(len / FAT32_SECTOR_SIZE > MAX_SECTORS_PER_IO ? MAX_SECTORS_PER_IO
		                                                            : len / FAT32_SECTOR_SIZE);
		int rc;
		if (write) {
			if (vol->cache_lba >= lba && vol->cache_lba < lba + count) {
				vol->cache_lba = UINT64_MAX;
			}
			rc = vol->dev.write_sectors(vol->dev.ctx, lba, count, buf);
		} else {
			rc = vol->dev.read_sectors(vol->dev.ctx, lba, count, buf);
		}
		if (rc != 0) {
			return FAT32_ERR_IO;
		}
		buf += (size_t)count * FAT32_SECTOR_SIZE;
		len -= (size_t)count * FAT32_SECTOR_SIZE;
		lba += count;
	}
	return FAT32_OK;
}

static int transfer(struct fat32_volume *vol, struct fat32_file *f, uint64_t offset, uint8_t *buf, size_t len,
                    bool write)
{
	uint32_t cs = vol->cluster_size;
	struct chain_walk walk;
	uint32_t cluster, next = 0;
	int err;

	if (vol == NULL || f == NULL || (buf == NULL && len != 0)) {
		return FAT32_ERR_BAD_ARG;
	}
	if (fat32_is_dir(f)) {
		return FAT32_ERR_IS_DIR;
	}
	if (offset > f->size || len > f->size - offset) {
		return FAT32_ERR_RANGE;
	}
	if (len == 0) {
		return FAT32_OK;
	}
	err = seek_cluster(vol, f, (uint32_t)(offset / cs), &cluster, &walk);
	if (err != FAT32_OK) {
		return err;
	}
	while (len > 0) {
		/* Extend over physically consecutive clusters so large files move in few requests. Every FAT
		 * entry is read once: the first non-consecutive successor is kept in `next`. */
		uint64_t in_cluster = offset % cs;
		uint64_t run = cs - in_cluster;
		uint32_t first = cluster;
		size_t n;
		while (run < len) {
			next = cluster;
			err = walk_step(vol, &walk, &next);
			if (err != FAT32_OK) {
				return err;
			}
			if (next != cluster + 1) {
				break;
			}
			cluster = next;
			f->cursor_cluster = cluster;
			f->cursor_index++;
			run += cs;
		}
		n = run < len ? (size_t)run : len;
		err = transfer_bytes(vol, fat32_cluster_lba(vol, first), in_cluster, buf, n, write);
		if (err != FAT32_OK) {
			return err;
		}
		buf += n;
		len -= n;
		offset += n;
		if (len > 0) {
			/* The run stopped short of len, so the inner loop broke out with the successor. */
			cluster = next;
			f->cursor_cluster = cluster;
			f->cursor_index++;
		}
	}
	return FAT32_OK;
}

int fat32_read(struct fat32_volume *vol, struct fat32_file *f, uint64_t offset, void *buf, size_t len)
{
	return transfer(vol, f, offset, buf, len, false);
}

int fat32_write(struct fat32_volume *vol, struct fat32_file *f, uint64_t offset, const void *buf, size_t len)
{
	if (vol != NULL && vol->dev.write_sectors == NULL) {
		return FAT32_ERR_READ_ONLY;
	}
	/* transfer() only reads from buf when writing. */
	return transfer(vol, f, offset, (uint8_t *)(uintptr_t)buf, len, true);
}

int fat32_read_file(struct fat32_volume *vol, const char *path, void *buf, size_t cap, size_t *size)
{
	struct fat32_file f;
	int err = fat32_lookup(vol, path, &f);

	if (err != FAT32_OK) {
		return err;
	}
	if (fat32_is_dir(&f)) {
		return FAT32_ERR_IS_DIR;
	}
	if (size != NULL) {
		*size = f.size;
	}
	if (f.size > cap) {
		return FAT32_ERR_TOO_BIG;
	}
	return fat32_read(vol, &f, 0, buf, f.size);
}

int fat32_extents(struct fat32_volume *vol, const struct fat32_file *f, struct fat32_extent *ext, size_t max,
                  size_t *count)
{
	uint64_t per_cluster = dev_sectors_per_cluster(vol);
	struct fat32_extent run = {0};
	struct chain_walk walk;
	uint32_t want, c;
	size_t n = 0;

	if (fat32_is_dir(f)) {
		return FAT32_ERR_IS_DIR;
	}
	want = clusters_for(vol, f->size);
	c = f->first_cluster;
	if (want > 0 && !fat32_cluster_valid(vol, c)) {
		return FAT32_ERR_BAD_CHAIN;
	}
	walk_init(&walk, c);
	for (uint32_t i = 0; i < want; i++) {
		uint64_t lba;
		if (i > 0) {
			int err = walk_step(vol, &walk, &c);
			if (err != FAT32_OK) {
				return err;
			}
		}
		lba = fat32_cluster_lba(vol, c);
		if (i > 0 && run.lba + run.sectors == lba) {
			run.sectors += per_cluster;
			continue;
		}
		/* A new run starts: the previous one is complete. */
		if (i > 0) {
			if (n < max) {
				ext[n] = run;
			}
			n++;
		}
		run.file_offset = (uint64_t)i * vol->cluster_size;
		run.lba = lba;
		run.sectors = per_cluster;
	}
	if (want > 0) {
		if (n < max) {
			ext[n] = run;
		}
		n++;
	}
	*count = n;
	return FAT32_OK;
}
