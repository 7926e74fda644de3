/* libFuzzer harness: placing a guest's arm64 Image, initrd and devicetree in its RAM from the Image header
 * (hv/core/arm64_image.c).
 *
 * Input: the 64-byte header, then file size, RAM base and size, initrd size, devicetree size and a block
 * size selector. The expected layout is computed here again in 128-bit arithmetic, straight from
 * Documentation/arch/arm64/booting.rst (kernel at RAM base + text_offset, image_size bytes, 0 meaning
 * unknown), so no sum can wrap: the function must accept exactly the inputs whose kernel, initrd and
 * devicetree fit inside RAM, one after the other at block boundaries, and return exactly that layout.
 */
#include <stdint.h>
#include <string.h>

#include "hv/core/arm64_image.h"
#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"

typedef unsigned __int128 u128;

static u128 align_up(u128 v, uint64_t block)
{
	return (v + block - 1) / block * block;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--) {
		v = v << 8 | p[i];
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t blocks[] = {2ull << 20, 4096, 64 << 10, 1, 3, 0};
	struct fuzz_input in = fuzz_input_init(data, size);
	uint8_t hdr[ARM64_IMAGE_HEADER_SIZE];
	struct arm64_image_layout out;

	memset(hdr, 0, sizeof(hdr));
	for (unsigned i = 0; i < sizeof(hdr); i++) {
		hdr[i] = fuzz_take_u8(&in);
	}
	size_t hdr_len = fuzz_take_bool(&in) ? fuzz_take_u8(&in) % (sizeof(hdr) + 1) : sizeof(hdr);
	uint64_t file_size = fuzz_take_u64(&in);
	uint64_t ram_base = fuzz_take_u64(&in);
	uint64_t ram_size = fuzz_take_u64(&in);
	uint64_t initrd_size = fuzz_take_u64(&in);
	uint64_t dtb_max = fuzz_take_u32(&in);
	uint64_t block = blocks[fuzz_take_u8(&in) % (sizeof(blocks) / sizeof(blocks[0]))];

	int err = arm64_image_layout(hdr, hdr_len, file_size, ram_base, ram_size, initrd_size, dtb_max, block,
	                             &out);
	if (block == 0 || (block & (block - 1)) != 0 || (u128)ram_base + ram_size > UINT64_MAX) {
		REQUIRE(err == ARM64_IMAGE_BAD_ARG, "bad block or RAM gave %d", err);
		return 0;
	}
	uint32_t magic = (uint32_t)le64(hdr + ARM64_IMAGE_MAGIC_OFF);
	if (hdr_len < ARM64_IMAGE_HEADER_SIZE || file_size < ARM64_IMAGE_HEADER_SIZE ||
	    magic != ARM64_IMAGE_MAGIC) {
		REQUIRE(err == ARM64_IMAGE_NOT_IMAGE, "not an Image, gave %d", err);
		return 0;
	}
	u128 text_offset = le64(hdr + ARM64_IMAGE_TEXT_OFFSET_OFF);
	u128 image_size = le64(hdr + ARM64_IMAGE_SIZE_OFF);
	if (image_size == 0) {
		image_size = align_up(file_size, block) + block;
	}
	if (image_size < file_size) {
		image_size = file_size;
	}
	u128 ram_end = (u128)ram_base + ram_size;
	u128 kernel = (u128)ram_base + text_offset;
	u128 initrd = align_up(kernel + image_size, block);
	u128 dtb = align_up(initrd + initrd_size, block);
	bool fits = image_size <= UINT64_MAX && dtb + dtb_max <= ram_end;
	if (!fits) {
		REQUIRE(err == ARM64_IMAGE_NO_FIT, "a layout that does not fit gave %d", err);
		return 0;
	}
	REQUIRE(err == ARM64_IMAGE_OK, "a layout that fits gave %d", err);
	REQUIRE(out.kernel_addr == kernel && out.image_size == image_size && out.initrd_addr == initrd &&
	            out.dtb_addr == dtb,
	        "layout differs from the header's");
	/* So the three never overlap and all lie in RAM. */
	REQUIRE(out.kernel_addr >= ram_base && out.kernel_addr + out.image_size <= out.initrd_addr &&
	            out.initrd_addr + initrd_size <= out.dtb_addr && (u128)out.dtb_addr + dtb_max <= ram_end,
	        "regions overlap or leave RAM");
	return 0;
}
