/* Where a guest's arm64 Image, initrd and devicetree go in its RAM, from the Image header alone
 * (Documentation/arch/arm64/booting.rst: text_offset at byte 8, image_size at byte 16, magic "ARM\x64"
 * at byte 56). Pure arithmetic, no I/O: image_load.c reads the header and the files; this decides where
 * they go and whether they fit, without any sum wrapping around.
 *
 * Layout (all inside [ram_base, ram_base + ram_size)):
 *   kernel  at ram_base + text_offset, image_size bytes (the header's; 0 = unknown: the file rounded up
 *           to a block plus one block for its bss; never less than the file)
 *   initrd  at the next block boundary after the kernel (initrd_size bytes, may be 0)
 *   dtb     at the next block boundary after that, dtb_max bytes
 */
#ifndef KARASU_HV_CORE_ARM64_IMAGE_H
#define KARASU_HV_CORE_ARM64_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define ARM64_IMAGE_HEADER_SIZE     64u
#define ARM64_IMAGE_TEXT_OFFSET_OFF 8u
#define ARM64_IMAGE_SIZE_OFF        16u
#define ARM64_IMAGE_MAGIC_OFF       56u
#define ARM64_IMAGE_MAGIC           0x644d5241u /* "ARM\x64", little-endian */

enum arm64_image_status {
	ARM64_IMAGE_OK = 0,
	ARM64_IMAGE_NOT_IMAGE = -1, /* shorter than the header, or no magic */
	ARM64_IMAGE_NO_FIT = -2,    /* kernel, initrd and devicetree do not fit in RAM */
	ARM64_IMAGE_BAD_ARG = -3,   /* block not a power of two, or RAM that wraps around */
};

struct arm64_image_layout {
	uint64_t kernel_addr; /* guest-physical */
	uint64_t image_size;  /* bytes the kernel may use from kernel_addr (>= the file) */
	uint64_t initrd_addr;
	uint64_t dtb_addr;
};

/* hdr: the first hdr_len bytes of the file, file_size its length. block: the alignment of the initrd and
 * the devicetree (a power of two). Fills *out on ARM64_IMAGE_OK. */
int arm64_image_layout(const uint8_t *hdr, size_t hdr_len, uint64_t file_size, uint64_t ram_base,
                       uint64_t ram_size, uint64_t initrd_size, uint64_t dtb_max, uint64_t block,
                       struct arm64_image_layout *out);

#endif
