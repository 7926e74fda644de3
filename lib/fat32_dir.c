/* FAT32 directories: 32-byte entries, VFAT long names, path lookup (lib/fat32.h).
 *
 * Long-name entries (attribute 0x0F) precede their short entry in reverse order; each carries 13 UCS-2
 * characters and the checksum of the short name it belongs to (Microsoft's FAT specification, fatgen103).
 */
#include "lib/fat32.h"
#include "lib/fat32_internal.h"

#include "lib/mem.h"

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
	if (!fat32_cluster_valid(vol, dir->first_cluster)) {
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
		err = fat32_fat_next(vol, it->cluster, &next);
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
	err =
	    fat32_cached_sector(vol, fat32_cluster_lba(vol, it->cluster) + byte / FAT32_SECTOR_SIZE, &sector);
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

/* A name character as shown and looked up: control characters and '/' (which no valid name holds: a
 * corrupt entry) become '?', so that a name is always printable and never splits a path. */
static char name_char(uint32_t ch)
{
	return ch < 0x20u || ch == '/' || ch == 0x7fu ? '?' : (char)ch;
}

/* "KERNEL  IMG" -> "KERNEL.IMG" (lower-cased as the NT case bits say). Returns false for an entry whose
 * base name is blank (first byte a space), which the FAT specification does not allow. */
static bool format_short_name(const uint8_t *entry, char *out)
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
		c = name_char((uint8_t)c);
		out[n++] = (nt & NT_CASE_LOWER_BASE) != 0 ? (char)k_tolower(c) : c;
	}
	if (ext_len > 0) {
		out[n++] = '.';
		for (int i = 0; i < ext_len; i++) {
			char c = name_char(entry[8 + i]);
			out[n++] = (nt & NT_CASE_LOWER_EXT) != 0 ? (char)k_tolower(c) : c;
		}
	}
	out[n] = '\0';
	return base_len > 0;
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
		lfn->name[base + i] = ch < 0x80 ? name_char(ch) : '?';
		if (base + i + 1 > lfn->len) {
			lfn->len = base + i + 1;
		}
	}
	lfn->expect = (uint8_t)(order - 1);
	lfn->complete = lfn->expect == 0;
	if (!lfn->complete) {
		return;
	}
	/* A hole (a part with an early terminator before the last part) makes the name unusable; so does an
	 * empty one. */
	if (lfn->len == 0 || k_strnlen(lfn->name, lfn->len) != lfn->len || lfn->len > FAT32_NAME_MAX) {
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
		bool name_ok = format_short_name(e, short_name);
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
		if (!name_ok) {
			return FAT32_ERR_BAD_DIR;
		}
		/* A directory always has a cluster; a file has one exactly when it has data. */
		if ((attr & FAT32_ATTR_DIRECTORY) != 0 || out->size != 0 || cluster != 0) {
			if (!fat32_cluster_valid(vol, cluster)) {
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
