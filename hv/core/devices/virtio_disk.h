/* A guest's virtio-blk disk (lib/virtio_blk.h) on its partition's bus, backed by a file on the boot disk
 * (karasu.cfg disk=): SPI 16, at the first virtio-mmio slot of QEMU's virt machine. The model runs requests
 * to completion, disk I/O included, under the device's lock (LOCK_CLASS_VIRTIO_BLK): the partition's vCPUs
 * may touch it at once; different guests' disks run in parallel (the boot disk layer has its own lock). */
#ifndef KARASU_HV_CORE_DEVICES_VIRTIO_DISK_H
#define KARASU_HV_CORE_DEVICES_VIRTIO_DISK_H

#include <stdbool.h>

struct partition;

#define GUEST_VIRTIO_IPA  0x0a000000ull
#define GUEST_VIRTIO_SPI  16u
#define GUEST_VIRTIO_SIZE 0x200ull

/* Attaches nothing (and succeeds) when the config names no disk. */
bool virtio_disk_attach(struct partition *p);

#endif
