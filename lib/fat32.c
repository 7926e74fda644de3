/* FAT32: MBR, BPB, directories with long names, cluster chains, reads and in-place writes (lib/fat32.h).
 *
 * On-disk layouts follow Microsoft's FAT specification (fatgen103): the BPB fields at fixed offsets of the
 * boot sector, 32-byte directory entries, VFAT long-name entries (attribute 0x0F) preceding their short
 * entry in reverse order, 28-bit FAT32 entries.
 */
#include "lib/fat32.h"

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
#define FAT_ENTRY_MASK  0x0fffffffu
#define FAT_BAD_CLUSTER 0x0ffffff7u
#define FAT_EOC_MIN     0x0ffffff8u
#define FAT_FIRST_DATA  2u

/* Directory entries. */
#define DIRENT_SIZE        32u
#define DIRENT_NAME        0u
#define DIRENT_ATTR        11u
#define DIRENT_NT_CASE     12u
#define DIRENT_CLUSTER_HI  20u
#define DIRENT_CLUSTER_LO  26u
#define DIRENT_SIZE_FIELD  28u
#define DIRENT_END         0x00u /* first name byte: no more entries */
#define DIRENT_DELETED     0xe5u
#define DIRENT_KANJI_E5    0x05u /* first name byte 0xE5 stored as 0x05 */
#define NT_CASE_LOWER_BASE 0x08u
#define NT_CASE_LOWER_EXT  0x10u
#define DIR_MAX_ENTRIES    65536u

/* VFAT long-name entries. */
#define LFN_ORDER       0u
#define LFN_LAST        0x40u
#define LFN_ORDER_MASK  0x1fu
#define LFN_CHECKSUM    13u
#define LFN_CHARS       13u
#define LFN_MAX_ENTRIES 20u /* 20 * 13 = 260 >= 255 characters */

/* Character positions (byte offsets of UCS-2 units) inside one LFN entry. */
static const uint8_t lfn_char_offsets[LFN_CHARS] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

/* Device sectors read or written per call at most (keeps requests to block drivers reasonable). */
#define MAX_SECTORS_PER_IO 2048u

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
static int cached_sector(struct fat32_volume *vol, uint64_t lba, const uint8_t **data)
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

static bool cluster_valid(const struct fat32_volume *vol, uint32_t c)
{
	return c >= FAT_FIRST_DATA && c < FAT_FIRST_DATA + vol->cluster_count;
}

static uint64_t cluster_lba(const struct fat32_volume *vol, uint32_t c)
{
	return vol->data_lba +
	       (uint64_t)(c - FAT_FIRST_DATA) * vol->sectors_per_cluster * vol->dev_per_fs_sector;
}

static uint32_t dev_sectors_per_cluster(const struct fat32_volume *vol)
{
	return vol->sectors_per_cluster * vol->dev_per_fs_sector;
}

/* The FAT entry of cluster c: *next is the next cluster, or 0 at the end of the chain. Free, bad and
 * out-of-range entries are errors. */
static int fat_next(struct fat32_volume *vol, uint32_t c, uint32_t *next)
{
	uint64_t byte = (uint64_t)c * 4;
	const uint8_t *sector;
	uint32_t v;
	int err = cached_sector(vol, vol->fat_lba + byte / FAT32_SECTOR_SIZE, &sector);

	if (err != FAT32_OK) {
		return err;
	}
	v = k_load_le32(sector + byte % FAT32_SECTOR_SIZE) & FAT_ENTRY_MASK;
	if (v >= FAT_EOC_MIN) {
		*next = 0;
		return FAT32_OK;
	}
	if (!cluster_valid(vol, v)) {
		return FAT32_ERR_BAD_CHAIN; /* free (0), reserved (1), bad (0x0FFFFFF7) or beyond the FAT */
	}
	*next = v;
	return FAT32_OK;
}

/* Steps from *c to the next cluster, which must exist (the data continues). */
static int fat_advance(struct fat32_volume *vol, uint32_t *c)
{
	uint32_t next;
	int err = fat_next(vol, *c, &next);

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
		if (!cluster_valid(vol, c)) {
			return FAT32_ERR_BAD_CHAIN;
		}
		tortoise = c;
		for (;;) {
			err = fat_next(vol, c, &next);
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
	if (!cluster_valid(vol, c) || want > vol->cluster_count) {
		return FAT32_ERR_BAD_CHAIN;
	}
	for (uint32_t i = 1; i < want; i++) {
		err = fat_advance(vol, &c);
		if (err != FAT32_OK) {
			return err;
		}
	}
	err = fat_next(vol, c, &next);
	if (err != FAT32_OK) {
		return err;
	}
	return next == 0 ? FAT32_OK : FAT32_ERR_BAD_CHAIN;
}

/* ---- directories ---- */

static void dir_start(struct fat32_dir *it, uint32_t cluster)
{
	k_memset(it, 0, sizeof(*it));
	it->cluster = cluster;
	it->tortoise = cluster;
	it->power = 1;
	it->clusters = 1;
}

int fat32_dir_open(struct fat32_volume *vol, const struct fat32_file *dir, struct fat32_dir *it)
{
	if (!fat32_is_dir(dir)) {
		return FAT32_ERR_NOT_DIR;
	}
	if (!cluster_valid(vol, dir->first_cluster)) {
		return FAT32_ERR_BAD_DIR;
	}
	dir_start(it, dir->first_cluster);
	return FAT32_OK;
}

int fat32_dir_open_root(struct fat32_volume *vol, struct fat32_dir *it)
{
	dir_start(it, vol->root_cluster);
	return FAT32_OK;
}

/* The next raw 32-byte entry of the directory (copied to entry), following the chain. Returns 1, 0 at the
 * end of the chain, or an error. */
static int dir_raw_next(struct fat32_volume *vol, struct fat32_dir *it, uint8_t entry[DIRENT_SIZE])
{
	uint32_t per_cluster = vol->cluster_size / DIRENT_SIZE;
	uint64_t byte;
	const uint8_t *sector;
	int err;

	if (it->end) {
		return 0;
	}
	if (it->index == per_cluster) {
		uint32_t next;
		err = fat_next(vol, it->cluster, &next);
		if (err != FAT32_OK) {
			return err;
		}
		if (next == 0) {
			it->end = true;
			return 0;
		}
		if (next == it->tortoise) {
			return FAT32_ERR_BAD_CHAIN;
		}
		if (++it->lam == it->power) {
			it->tortoise = next;
			it->power *= 2;
			it->lam = 0;
		}
		if ((uint64_t)(it->clusters + 1) * per_cluster > DIR_MAX_ENTRIES) {
			return FAT32_ERR_BAD_DIR;
		}
		it->clusters++;
		it->cluster = next;
		it->index = 0;
	}
	byte = (uint64_t)it->index * DIRENT_SIZE;
	err = cached_sector(vol, cluster_lba(vol, it->cluster) + byte / FAT32_SECTOR_SIZE, &sector);
	if (err != FAT32_OK) {
		return err;
	}
	k_memcpy(entry, sector + byte % FAT32_SECTOR_SIZE, DIRENT_SIZE);
	it->index++;
	return 1;
}

static uint8_t short_name_checksum(const uint8_t name[11])
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++) {
		sum = (uint8_t)(((sum & 1u) << 7) + (sum >> 1) + name[i]);
	}
	return sum;
}

/* "KERNEL  IMG" -> "KERNEL.IMG" (lower-cased as the NT case bits say). */
static void format_short_name(const uint8_t *entry, char *out)
{
	uint8_t nt = entry[DIRENT_NT_CASE];
	size_t n = 0;
	int base_len = 8, ext_len = 3;

	while (base_len > 0 && entry[base_len - 1] == ' ') {
		base_len--;
	}
	while (ext_len > 0 && entry[8 + ext_len - 1] == ' ') {
		ext_len--;
	}
	for (int i = 0; i < base_len; i++) {
		char c = (char)entry[i];
		if (i == 0 && entry[0] == DIRENT_KANJI_E5) {
			c = (char)DIRENT_DELETED;
		}
		out[n++] = (nt & NT_CASE_LOWER_BASE) != 0 ? (char)k_tolower(c) : c;
	}
	if (ext_len > 0) {
		out[n++] = '.';
		for (int i = 0; i < ext_len; i++) {
			char c = (char)entry[8 + i];
			out[n++] = (nt & NT_CASE_LOWER_EXT) != 0 ? (char)k_tolower(c) : c;
		}
	}
	out[n] = '\0';
}

/* Long-name state while collecting the LFN entries that precede a short entry. */
struct lfn_state {
	uint8_t expect;   /* order number expected next (0 = no long name in progress) */
	uint8_t checksum; /* of the short name the sequence belongs to */
	bool complete;    /* all parts seen (the next entry must be the short one) */
	char name[LFN_MAX_ENTRIES * LFN_CHARS + 1];
	size_t len;
};

static void lfn_entry(struct lfn_state *lfn, const uint8_t *e)
{
	uint8_t order = e[LFN_ORDER] & LFN_ORDER_MASK;
	size_t base;

	if ((e[LFN_ORDER] & LFN_LAST) != 0) {
		/* The physically first entry holds the last part of the name. */
		if (order == 0 || order > LFN_MAX_ENTRIES) {
			lfn->expect = 0;
			return;
		}
		lfn->expect = order;
		lfn->checksum = e[LFN_CHECKSUM];
		lfn->len = 0;
		k_memset(lfn->name, 0, sizeof(lfn->name));
	} else if (lfn->expect == 0 || order != lfn->expect || e[LFN_CHECKSUM] != lfn->checksum) {
		lfn->expect = 0; /* orphan or out-of-sequence part: ignore the long name */
		return;
	}
	base = (size_t)(order - 1) * LFN_CHARS;
	for (size_t i = 0; i < LFN_CHARS; i++) {
		uint16_t ch = k_load_le16(e + lfn_char_offsets[i]);
		if (ch == 0x0000 || ch == 0xffff) {
			break;
		}
		lfn->name[base + i] = ch < 0x80 ? (char)ch : '?';
		if (base + i + 1 > lfn->len) {
			lfn->len = base + i + 1;
		}
	}
	lfn->expect = (uint8_t)(order - 1);
	lfn->complete = lfn->expect == 0;
	if (!lfn->complete) {
		return;
	}
	/* A hole (a part with an early terminator before the last part) makes the name unusable. */
	if (k_strnlen(lfn->name, lfn->len) != lfn->len || lfn->len > FAT32_NAME_MAX) {
		lfn->complete = false;
	}
}

/* The next visible entry: *out with its display name; short_name gets the 8.3 form. */
static int dir_next_entry(struct fat32_volume *vol, struct fat32_dir *it, struct fat32_file *out,
                          char short_name[13])
{
	struct lfn_state lfn;
	uint8_t e[DIRENT_SIZE];

	k_memset(&lfn, 0, sizeof(lfn));

	for (;;) {
		int r = dir_raw_next(vol, it, e);
		uint8_t attr;
		uint32_t cluster;
		if (r <= 0) {
			return r;
		}
		if (e[DIRENT_NAME] == DIRENT_END) {
			it->end = true;
			return 0;
		}
		attr = e[DIRENT_ATTR];
		if (e[DIRENT_NAME] == DIRENT_DELETED) {
			lfn.expect = 0;
			lfn.complete = false;
			continue;
		}
		if ((attr & 0x3fu) == FAT32_ATTR_LFN) {
			lfn.complete = false;
			lfn_entry(&lfn, e);
			continue;
		}
		if ((attr & FAT32_ATTR_VOLUME_ID) != 0 || (e[0] == '.' && (e[1] == ' ' || e[1] == '.'))) {
			lfn.expect = 0;
			lfn.complete = false;
			continue; /* volume label, "." and ".." */
		}
		format_short_name(e, short_name);
		if (lfn.complete && lfn.checksum == short_name_checksum(e)) {
			k_memcpy(out->name, lfn.name, lfn.len + 1);
		} else {
			k_strlcpy(out->name, short_name, sizeof(out->name));
		}
		cluster = (((uint32_t)k_load_le16(e + DIRENT_CLUSTER_HI) << 16) |
		           k_load_le16(e + DIRENT_CLUSTER_LO)) &
		          FAT_ENTRY_MASK;
		out->attr = attr;
		out->first_cluster = cluster;
		out->size = (attr & FAT32_ATTR_DIRECTORY) != 0 ? 0 : k_load_le32(e + DIRENT_SIZE_FIELD);
		out->cursor_index = 0;
		out->cursor_cluster = 0;
		/* A directory always has a cluster; a file has one exactly when it has data. */
		if ((attr & FAT32_ATTR_DIRECTORY) != 0 || out->size != 0 || cluster != 0) {
			if (!cluster_valid(vol, cluster)) {
				return FAT32_ERR_BAD_DIR;
			}
		}
		return 1;
	}
}

int fat32_dir_next(struct fat32_volume *vol, struct fat32_dir *it, struct fat32_file *out)
{
	char short_name[13];

	return dir_next_entry(vol, it, out, short_name);
}

/* ---- lookup ---- */

static void root_file(const struct fat32_volume *vol, struct fat32_file *out)
{
	k_memset(out, 0, sizeof(*out));
	out->name[0] = '/';
	out->attr = FAT32_ATTR_DIRECTORY;
	out->first_cluster = vol->root_cluster;
}

/* Finds name[0..len) (case-insensitive, long or 8.3 name) in directory dir. */
static int find_in_dir(struct fat32_volume *vol, const struct fat32_file *dir, const char *name, size_t len,
                       struct fat32_file *out)
{
	struct fat32_dir it;
	char short_name[13];
	int r = fat32_dir_open(vol, dir, &it);

	if (r != FAT32_OK) {
		return r;
	}
	/* A corrupt entry only matters if it is the one looked for: the iterator stays usable after it. */
	while ((r = dir_next_entry(vol, &it, out, short_name)) == 1 || r == FAT32_ERR_BAD_DIR) {
		if ((k_strlen(out->name) == len && k_strncasecmp(out->name, name, len) == 0) ||
		    (k_strlen(short_name) == len && k_strncasecmp(short_name, name, len) == 0)) {
			return r == 1 ? FAT32_OK : r;
		}
	}
	return r == 0 ? FAT32_ERR_NOT_FOUND : r;
}

int fat32_lookup(struct fat32_volume *vol, const char *path, struct fat32_file *out)
{
	struct fat32_file cur;
	size_t pos = 0;

	if (vol == NULL || path == NULL || out == NULL) {
		return FAT32_ERR_BAD_ARG;
	}
	root_file(vol, &cur);
	while (path[pos] != '\0') {
		struct fat32_file next;
		size_t start, len;
		int err;
		while (path[pos] == '/') {
			pos++;
		}
		start = pos;
		while (path[pos] != '/' && path[pos] != '\0') {
			pos++;
		}
		len = pos - start;
		if (len == 0 || (len == 1 && path[start] == '.')) {
			continue;
		}
		if (len > FAT32_NAME_MAX || (len == 2 && path[start] == '.' && path[start + 1] == '.')) {
			return FAT32_ERR_BAD_PATH;
		}
		if (!fat32_is_dir(&cur)) {
			return FAT32_ERR_NOT_DIR;
		}
		err = find_in_dir(vol, &cur, path + start, len, &next);
		if (err != FAT32_OK) {
			return err;
		}
		k_memcpy(&cur, &next, sizeof(cur));
	}
	if (!fat32_is_dir(&cur)) {
		int err = fat32_check_chain(vol, &cur);
		if (err != FAT32_OK) {
			return err;
		}
	}
	k_memcpy(out, &cur, sizeof(*out));
	return FAT32_OK;
}

/* ---- file data ---- */

/* The cluster holding cluster index `index` of f, starting from the cursor when it helps. */
static int seek_cluster(struct fat32_volume *vol, struct fat32_file *f, uint32_t index, uint32_t *cluster,
                        struct chain_walk *w)
{
	uint32_t c = f->first_cluster, i = 0;
	int err;

	if (f->cursor_cluster != 0 && f->cursor_index <= index && cluster_valid(vol, f->cursor_cluster)) {
		c = f->cursor_cluster;
		i = f->cursor_index;
	}
	if (!cluster_valid(vol, c)) {
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
			int err = cached_sector(vol, lba, &sector);
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
		err = transfer_bytes(vol, cluster_lba(vol, first), in_cluster, buf, n, write);
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
	if (want > 0 && !cluster_valid(vol, c)) {
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
		lba = cluster_lba(vol, c);
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
