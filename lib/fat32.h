/* FAT32 file system: lookup and read, plus in-place writes to existing files (no allocation, no size
 * change), over a block-device callback with 512-byte sectors.
 *
 * Everything read from the disk is validated: MBR and boot-sector signatures, BPB geometry, cluster numbers
 * inside the FAT, cluster chains that loop or are shorter/longer than the file. Corrupt input gives a
 * FAT32_ERR_* code (fat32_strerror() describes it), never an out-of-bounds access.
 *
 * Not thread-safe: a volume has one sector cache; callers serialize.
 */
#ifndef KARASU_LIB_FAT32_H
#define KARASU_LIB_FAT32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAT32_SECTOR_SIZE    512u /* of the block device */
#define FAT32_NAME_MAX       255u /* bytes of a name (LFN characters outside ASCII become '?') */
#define FAT32_MAX_PARTITIONS 4u
#define FAT32_FAT_WINDOW     8u /* device sectors of the FAT read at once */

enum fat32_error {
	FAT32_OK = 0,
	FAT32_ERR_IO = -1,           /* the block device callback failed */
	FAT32_ERR_BAD_MBR = -2,      /* no 0x55AA signature in sector 0 or a malformed partition entry */
	FAT32_ERR_NO_PARTITION = -3, /* the requested MBR partition is empty or out of range */
	FAT32_ERR_BAD_BPB = -4,      /* boot sector signature or geometry is invalid */
	FAT32_ERR_NOT_FAT32 = -5,    /* a valid FAT, but FAT12/FAT16 (cluster count < 65525) */
	FAT32_ERR_UNSUPPORTED = -6,  /* e.g. a sector size the reader does not handle */
	FAT32_ERR_NOT_FOUND = -7,    /* no such file or directory */
	FAT32_ERR_NOT_DIR = -8,      /* a path component is a file */
	FAT32_ERR_IS_DIR = -9,       /* file operation on a directory */
	FAT32_ERR_BAD_CHAIN =
	    -10,                 /* cluster chain loops, leaves the FAT, hits a free/bad cluster, or does not
				       match the file size */
	FAT32_ERR_RANGE = -11,   /* offset/length outside the file */
	FAT32_ERR_TOO_BIG = -12, /* the file does not fit the caller's buffer */
	FAT32_ERR_READ_ONLY = -13, /* write requested but the device has no write callback */
	FAT32_ERR_BAD_PATH = -14,  /* empty component, name too long */
	FAT32_ERR_BAD_DIR = -15,   /* a corrupt directory entry (e.g. cluster out of range) */
	FAT32_ERR_BAD_ARG = -16,
};

const char *fat32_strerror(int err);

/* The block device: 512-byte sectors; return 0 on success, nonzero on failure. write_sectors may be NULL
 * (read-only device). */
struct fat32_blockdev {
	void *ctx;
	int (*read_sectors)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	int (*write_sectors)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
};

struct fat32_volume {
	struct fat32_blockdev dev;
	uint64_t volume_lba;          /* device LBA of the boot sector */
	uint32_t bytes_per_sector;    /* of the file system: 512, 1024, 2048 or 4096 */
	uint32_t dev_per_fs_sector;   /* device sectors per file-system sector */
	uint32_t sectors_per_cluster; /* file-system sectors */
	uint32_t cluster_size;        /* bytes */
	uint64_t fat_lba;             /* device LBA of the first FAT */
	uint32_t fat_entries;         /* entries the FAT can hold (cluster numbers 0 .. fat_entries-1) */
	uint64_t data_lba;            /* device LBA of cluster 2 */
	uint32_t cluster_count;       /* data clusters: valid numbers are 2 .. cluster_count+1 */
	uint32_t root_cluster;
	uint64_t cache_lba; /* which device sector `cache` holds (UINT64_MAX: none) */
	uint8_t cache[FAT32_SECTOR_SIZE];
	/* FAT sectors are read FAT32_FAT_WINDOW sectors at a time: walking a chain then costs one device request
	 * per 1024 clusters instead of one per 128. Nothing here writes the FAT, so the window never goes stale. */
	uint64_t fat_sectors; /* device sectors of the FAT in use */
	uint64_t
	    fat_window_start; /* the FAT's sector (from fat_lba) that fat_window starts with; UINT64_MAX: none */
	uint32_t fat_window_count;
	uint8_t fat_window[FAT32_FAT_WINDOW * FAT32_SECTOR_SIZE];
};

#define FAT32_ATTR_READ_ONLY 0x01u
#define FAT32_ATTR_HIDDEN    0x02u
#define FAT32_ATTR_SYSTEM    0x04u
#define FAT32_ATTR_VOLUME_ID 0x08u
#define FAT32_ATTR_DIRECTORY 0x10u
#define FAT32_ATTR_ARCHIVE   0x20u
#define FAT32_ATTR_LFN       0x0fu

/* A file or directory found by lookup or directory iteration. The cursor speeds up sequential reads. */
struct fat32_file {
	char name[FAT32_NAME_MAX + 1]; /* the long name if present, else the 8.3 name ("KERNEL.IMG") */
	uint8_t attr;
	uint32_t first_cluster; /* 0 for an empty file */
	uint32_t size;          /* bytes; 0 for directories */
	uint32_t cursor_index;  /* cluster index (in the chain) of cursor_cluster */
	uint32_t cursor_cluster;
};

static inline bool fat32_is_dir(const struct fat32_file *f)
{
	return (f->attr & FAT32_ATTR_DIRECTORY) != 0;
}

/* Reads partition `index` (0..3) of the MBR in sector 0: its start LBA and sector count. */
int fat32_mbr_partition(const struct fat32_blockdev *dev, unsigned index, uint64_t *lba, uint64_t *sectors);
/* Mounts the FAT32 volume whose boot sector is at device LBA volume_lba. Like Linux, the FAT type comes from
 * the BPB (FAT32: 16-bit FAT size and root entry count both 0), not from the cluster count, so small
 * FAT32 volumes made with `mkfs.vfat -F 32` are accepted. */
int fat32_mount(struct fat32_volume *vol, const struct fat32_blockdev *dev, uint64_t volume_lba);
/* partition 0: the whole disk is the volume (no MBR); 1..4: MBR primary partition N (as U-Boot counts). */
int fat32_mount_partition(struct fat32_volume *vol, const struct fat32_blockdev *dev, unsigned partition);

/* Looks up an absolute path ("/linux/Image", case-insensitive; "/" is the root directory). A path without
 * the leading '/' is taken from the root too. */
int fat32_lookup(struct fat32_volume *vol, const char *path, struct fat32_file *out);

/* Reads len bytes at offset; offset+len must lie inside the file (FAT32_ERR_RANGE otherwise). */
int fat32_read(struct fat32_volume *vol, struct fat32_file *f, uint64_t offset, void *buf, size_t len);
/* Looks up path and reads the whole file into buf (cap bytes); *size receives the file size (also on
 * FAT32_ERR_TOO_BIG). */
int fat32_read_file(struct fat32_volume *vol, const char *path, void *buf, size_t cap, size_t *size);
/* Overwrites len bytes at offset inside the existing file (offset+len <= size). */
int fat32_write(struct fat32_volume *vol, struct fat32_file *f, uint64_t offset, const void *buf, size_t len);
/* Walks the whole chain of f once and checks it (no loop, inside the FAT, length matches the size).
 * fat32_lookup already does this for files. */
int fat32_check_chain(struct fat32_volume *vol, const struct fat32_file *f);

/* A run of contiguous sectors of a file: file bytes [file_offset, file_offset + sectors*512) live at device
 * sectors [lba, lba + sectors). Lets a virtio-blk backend translate guest sectors without walking the FAT. */
struct fat32_extent {
	uint64_t file_offset;
	uint64_t lba;
	uint64_t sectors;
};
/* Fills up to max extents (in file order, adjacent clusters merged); *count gets the number needed (may be
 * > max, then only max were written). The last extent ends at its cluster's end, which may lie past the
 * file size. */
int fat32_extents(struct fat32_volume *vol, const struct fat32_file *f, struct fat32_extent *ext, size_t max,
                  size_t *count);

/* Directory iteration (skips ".", "..", volume labels and deleted entries). A directory chain that loops
 * or exceeds the FAT limit of 65536 entries gives FAT32_ERR_BAD_CHAIN / FAT32_ERR_BAD_DIR. */
struct fat32_dir {
	uint32_t cluster;  /* current cluster of the directory */
	uint32_t index;    /* next entry index within the cluster */
	uint32_t clusters; /* clusters visited so far */
	uint32_t lam;      /* loop detection (Brent): steps since the tortoise moved */
	uint32_t power;
	uint32_t tortoise;
	bool end;
};
int fat32_dir_open(struct fat32_volume *vol, const struct fat32_file *dir, struct fat32_dir *it);
int fat32_dir_open_root(struct fat32_volume *vol, struct fat32_dir *it);
/* Returns 1 with *out filled, 0 at the end, or a FAT32_ERR_* code. FAT32_ERR_BAD_DIR (an entry with an
 * impossible cluster number or a blank 8.3 name) still fills *out and advances: the caller may report it
 * and go on. A name returned with 1 is never empty; control characters and '/' in it show as '?'. */
int fat32_dir_next(struct fat32_volume *vol, struct fat32_dir *it, struct fat32_file *out);

#endif
