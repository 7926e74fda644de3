/* Reads karasu.cfg and the guest files (kernel Image, initrd) from partition 1 of the FAT32 boot disk (the
 * first virtio-mmio block device in the platform DTB). */
#ifndef KARASU_HV_CORE_LOADER_H
#define KARASU_HV_CORE_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"

/* Finds the disk and mounts its first partition. False (with a message) if there is none. */
bool loader_mount_boot_disk(void);
/* Reads and parses /karasu.cfg into cfg (errors are printed; valid guests are kept). */
bool loader_read_config(struct karasu_config *cfg);
/* Reads a whole file into freshly allocated pages (returned in data and size). False with a message. */
bool loader_read_file(const char *path, const uint8_t **data, size_t *size);

#endif
