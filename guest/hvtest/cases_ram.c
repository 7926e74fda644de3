/* Guest RAM must come scrubbed: whatever U-Boot, karasu or an earlier guest left in those physical pages
 * must not be readable. On arm64 hvtest runs with its MMU off, so these loads are Device (non-cacheable)
 * accesses: they read memory itself, which also checks that karasu-hv cleaned its zeros out of the caches.
 *
 * Everything outside the image and the DTB must read as zero. The first guest's RAM starts where U-Boot
 * put hv.bin before moving it, so without scrubbing the bytes below the image are not zero. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

#define FDT_MAGIC         0xd00dfeedu
#define FDT_TOTALSIZE_OFF 4u

extern char __image_start[], __bss_end[];

static uint32_t be32_at(const volatile uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The first non-zero 8-byte word in [start, end) (8-byte aligned), or 0 if there is none. */
static uint64_t first_nonzero(uint64_t start, uint64_t end, uint64_t *value)
{
	for (uint64_t a = start; a < end; a += 8) {
		uint64_t v = *(const volatile uint64_t *)(uintptr_t)a;
		if (v) {
			*value = v;
			return a;
		}
	}
	return 0;
}

static void check_zero(const char *what, uint64_t start, uint64_t end)
{
	uint64_t value = 0;
	uint64_t at = start < end ? first_nonzero(start, end, &value) : 0;
	check(at == 0, what, "%#llx holds %#llx (range %#llx-%#llx)", (unsigned long long)at,
	      (unsigned long long)value, (unsigned long long)start, (unsigned long long)end);
}

void cases_ram(const void *dtb)
{
	uint64_t ram_end = plat.ram_base + plat.ram_size;
	uint64_t image = (uintptr_t)__image_start, image_end = (uintptr_t)__bss_end;
	uint64_t fdt = (uintptr_t)dtb;
	const volatile uint8_t *hdr = dtb;
	if (be32_at(hdr) != FDT_MAGIC || fdt < image_end || fdt >= ram_end) {
		check(false, "guest RAM layout: RAM, image, DTB in that order",
		      "DTB at %#llx, image %#llx-%#llx", (unsigned long long)fdt, (unsigned long long)image,
		      (unsigned long long)image_end);
		return;
	}
	uint64_t fdt_end = (fdt + be32_at(hdr + FDT_TOTALSIZE_OFF) + 7u) & ~7ull;
	check_zero("guest RAM below the image reads as zero (scrubbed, and cleaned to memory)", plat.ram_base,
	           image);
	check_zero("guest RAM between the image and the DTB reads as zero", image_end, fdt);
	check_zero("guest RAM above the DTB reads as zero", fdt_end, ram_end);
}
