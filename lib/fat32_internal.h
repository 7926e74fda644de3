/* Internals shared by the FAT32 volume code (fat32.c) and its directory code (fat32_dir.c). */
#ifndef KARASU_LIB_FAT32_INTERNAL_H
#define KARASU_LIB_FAT32_INTERNAL_H

#include "lib/fat32.h"

#define FAT_ENTRY_MASK 0x0fffffffu

/* The device sector at lba, through the volume's one-sector cache. */
int fat32_cached_sector(struct fat32_volume *vol, uint64_t lba, const uint8_t **data);
/* Whether c names a data cluster of this volume. */
bool fat32_cluster_valid(const struct fat32_volume *vol, uint32_t c);
/* First device sector of data cluster c. */
uint64_t fat32_cluster_lba(const struct fat32_volume *vol, uint32_t c);
/* The FAT entry of cluster c: *next is the next cluster, or 0 at the end of the chain. */
int fat32_fat_next(struct fat32_volume *vol, uint32_t c, uint32_t *next);

#endif
