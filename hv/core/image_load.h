/* Loading a guest for a (re)start: its arm64 Image and initrd read from the boot disk into guest RAM, and
 * its devicetree (the config's own, or one generated from the partition's CPUs, RAM and devices). */
#ifndef KARASU_HV_CORE_IMAGE_LOAD_H
#define KARASU_HV_CORE_IMAGE_LOAD_H

#include <stdbool.h>

struct partition;

/* Loads everything and sets p->entry_ipa and p->dtb_ipa. False with a log line naming the guest. */
bool image_load(struct partition *p);

#endif
