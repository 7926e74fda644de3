/* arm64 Image placement in guest RAM (arm64_image.h). Every sum is checked against the end of RAM before
 * it is made, so a header with a huge text_offset or image_size is refused instead of wrapping around
 * and putting the initrd or devicetree on top of the kernel. */
#include "hv/core/arm64_image.h"

#include <stdbool.h>

#include "lib/mem.h"

/* *v rounded up to a multiple of block (a power of two), unless that passes limit. */
static bool align_within(uint64_t *v, uint64_t block, uint64_t limit)
{
	uint64_t rem = *v & (block - 1);

	if (rem != 0) {
		if (block - rem > limit - *v) {
			return false;
		}
		*v += block - rem;
	}
	return *v <= limit;
}

/* [*at, *at + size) inside [.., limit): on success *at becomes its end. */
static bool take(uint64_t *at, uint64_t size, uint64_t limit)
{
	if (*at > limit || size > limit - *at) {
		return false;
	}
	*at += size;
	return true;
}

int arm64_image_layout(const uint8_t *hdr, size_t hdr_len, uint64_t file_size, uint64_t ram_base,
                       uint64_t ram_size, uint64_t initrd_size, uint64_t dtb_max, uint64_t block,
                       struct arm64_image_layout *out)
{
	uint64_t ram_end = ram_base + ram_size;
	uint64_t text_offset, image_size, at;

	if (block == 0 || (block & (block - 1)) != 0 || ram_end < ram_base) {
		return ARM64_IMAGE_BAD_ARG;
	}
	if (hdr == NULL || hdr_len < ARM64_IMAGE_HEADER_SIZE || file_size < ARM64_IMAGE_HEADER_SIZE ||
	    k_load_le32(hdr + ARM64_IMAGE_MAGIC_OFF) != ARM64_IMAGE_MAGIC) {
		return ARM64_IMAGE_NOT_IMAGE;
	}
	text_offset = k_load_le64(hdr + ARM64_IMAGE_TEXT_OFFSET_OFF);
	image_size = k_load_le64(hdr + ARM64_IMAGE_SIZE_OFF);
	if (image_size == 0) { /* pre-3.17 kernels: unknown; the file plus a block for its bss */
		image_size = file_size;
		if (!align_within(&image_size, block, UINT64_MAX - block)) {
			return ARM64_IMAGE_NO_FIT;
		}
		image_size += block;
	}
	if (image_size < file_size) {
		image_size = file_size;
	}
	at = ram_base;
	if (!take(&at, text_offset, ram_end)) {
		return ARM64_IMAGE_NO_FIT;
	}
	out->kernel_addr = at;
	if (!take(&at, image_size, ram_end) || !align_within(&at, block, ram_end)) {
		return ARM64_IMAGE_NO_FIT;
	}
	out->initrd_addr = at;
	if (!take(&at, initrd_size, ram_end) || !align_within(&at, block, ram_end)) {
		return ARM64_IMAGE_NO_FIT;
	}
	out->dtb_addr = at;
	if (!take(&at, dtb_max, ram_end)) {
		return ARM64_IMAGE_NO_FIT;
	}
	out->image_size = image_size;
	return ARM64_IMAGE_OK;
}
