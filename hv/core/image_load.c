/* Loading a guest's kernel, initrd and devicetree (image_load.h). */
#include "hv/core/image_load.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/arch/arm64/dcache.h"
#include "hv/base/log.h"
#include "hv/core/disk.h"
#include "hv/core/guest_dtb.h"
#include "hv/core/guest_mem.h"
#include "hv/core/memory.h"
#include "hv/core/partition.h"
#include "lib/mem.h"

/* arm64 Image header (Documentation/arch/arm64/booting.rst). */
#define IMAGE_HEADER_SIZE     64u
#define IMAGE_TEXT_OFFSET_OFF 8u
#define IMAGE_SIZE_OFF        16u
#define IMAGE_MAGIC_OFF       56u
#define IMAGE_MAGIC           0x644d5241u /* "ARM\x64" */
#define GUEST_DTB_MAX_SIZE    0x10000u
#define PAGE_BYTES            4096u

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Reads a whole file from the boot disk into guest RAM at ipa (at most max bytes): straight into place when
 * the RAM is contiguous, else through a bounce buffer. */
static bool load_file_at(struct partition *p, const char *path, uint64_t ipa, uint64_t max, size_t *size)
{
	size_t file_size;
	if (disk_file_size(path, &file_size) != DISK_OK)
		return false;
	if (ipa < p->ram_ipa || file_size > max || ipa - p->ram_ipa > p->ram_size - file_size) {
		hv_log("%s: %s (%zu bytes) does not fit in guest RAM at IPA %#llx", p->name, path, file_size,
		       (unsigned long long)ipa);
		return false;
	}
	if (p->ram_contiguous) {
		uint8_t *dst = (uint8_t *)p->blocks[0] + (ipa - p->ram_ipa);
		ram_scrub_overwrite_begin(&p->scrub, ipa, file_size);
		bool read = disk_read_file(path, dst, file_size, size) == DISK_OK && *size == file_size;
		/* The guest starts with its MMU and caches off: the data must reach memory. */
		if (read)
			dcache_clean_range(dst, *size);
		ram_scrub_overwrite_end(&p->scrub, ipa, file_size, read);
		return read;
	}
	size_t pages = file_size ? (file_size + PAGE_BYTES - 1) / PAGE_BYTES : 1;
	uint8_t *buf = memory_alloc_pages(pages, 1);
	if (!buf) {
		hv_log("%s: no memory to stage %s", p->name, path);
		return false;
	}
	bool ok =
	    disk_read_file(path, buf, file_size, size) == DISK_OK && partition_write_gpa(p, ipa, buf, *size);
	memory_free_pages(buf, pages);
	return ok;
}

/* Generates the guest's devicetree (guest_dtb.h) into guest RAM at dtb_ipa: CPUs, memory and PSCI from the
 * partition, a node for each device from the device itself. */
static bool build_guest_dtb(struct partition *p, uint64_t dtb_ipa, uint64_t initrd_ipa)
{
	struct guest_dtb_desc d = {0};
	uint64_t mpidrs[PARTITION_MAX_VCPUS];
	for (unsigned i = 0; i < p->nvcpus; i++)
		mpidrs[i] = p->vcpus[i].vmpidr & PSCI_MPIDR_AFF_MASK;
	d.mem_base = p->ram_ipa;
	d.mem_size = p->ram_size;
	d.nr_cpus = p->nvcpus;
	d.cpu_mpidr = mpidrs;
	d.psci_method = GUEST_DTB_PSCI_HVC;
	for (unsigned i = 0; i < p->ndevices; i++)
		if (p->devices[i].ops->describe)
			p->devices[i].ops->describe(p->devices[i].ctx, &d);
	d.bootargs = p->cfg->bootargs[0] ? p->cfg->bootargs : NULL;
	if (p->initrd_size) {
		d.initrd_start = initrd_ipa;
		d.initrd_end = initrd_ipa + p->initrd_size;
	}
	uint8_t *buf = memory_alloc_pages(GUEST_DTB_MAX_SIZE / PAGE_BYTES, 1);
	if (!buf)
		return false;
	size_t size = 0;
	int err = guest_dtb_build(&d, buf, GUEST_DTB_MAX_SIZE, &size);
	bool ok = err == 0 && partition_write_gpa(p, dtb_ipa, buf, size);
	memory_free_pages(buf, GUEST_DTB_MAX_SIZE / PAGE_BYTES);
	if (!ok)
		hv_log("%s: building the guest devicetree failed (%d)", p->name, err);
	return ok;
}

bool image_load(struct partition *p)
{
	uint8_t hdr[IMAGE_HEADER_SIZE];
	/* The header says where the kernel wants to be: read it alone, then the whole file once, into place. */
	if (disk_read_head(p->cfg->kernel, hdr, sizeof(hdr), &p->kernel_size) != DISK_OK)
		return false;
	if (p->kernel_size < IMAGE_HEADER_SIZE || k_load_le32(hdr + IMAGE_MAGIC_OFF) != IMAGE_MAGIC) {
		hv_log("%s: %s is not an arm64 Image (no \"ARM\\x64\" magic)", p->name, p->cfg->kernel);
		return false;
	}
	uint64_t text_offset = k_load_le64(hdr + IMAGE_TEXT_OFFSET_OFF);
	uint64_t image_size = k_load_le64(hdr + IMAGE_SIZE_OFF);
	if (image_size == 0) /* pre-3.17 kernels: unknown; assume the file plus room for bss */
		image_size = align_up(p->kernel_size, PARTITION_RAM_BLOCK) + PARTITION_RAM_BLOCK;
	if (image_size < p->kernel_size)
		image_size = p->kernel_size;
	uint64_t kernel_ipa = p->ram_ipa + text_offset;
	uint64_t next = align_up(kernel_ipa + image_size, PARTITION_RAM_BLOCK);
	uint64_t initrd_ipa = next;
	uint64_t ram_end = p->ram_ipa + p->ram_size;
	if (p->initrd_size)
		next = align_up(initrd_ipa + p->initrd_size, PARTITION_RAM_BLOCK);
	uint64_t dtb_ipa = next;
	if (text_offset >= p->ram_size || dtb_ipa + GUEST_DTB_MAX_SIZE > ram_end) {
		hv_log("%s: kernel (%llu KiB), initrd (%zu KiB) and DTB do not fit in %llu MiB of RAM",
		       p->name, (unsigned long long)(image_size >> 10), p->initrd_size >> 10,
		       (unsigned long long)(p->ram_size >> 20));
		return false;
	}
	uint64_t t0 = cpu_counter();
	if (!load_file_at(p, p->cfg->kernel, kernel_ipa, ram_end - kernel_ipa, &p->kernel_size))
		return false;
	if (p->cfg->initrd[0] &&
	    !load_file_at(p, p->cfg->initrd, initrd_ipa, dtb_ipa - initrd_ipa, &p->initrd_size))
		return false;
	uint64_t freq = cpu_counter_freq();
	/* Reading the guest's files is most of what karasu does between its start and the guest's: say how long. */
	hv_log("%s: kernel (%zu KiB) and initrd (%zu KiB) read in %llu ms", p->name, p->kernel_size >> 10,
	       p->initrd_size >> 10, (unsigned long long)(freq ? (cpu_counter() - t0) * 1000u / freq : 0));

	if (p->cfg->dtb[0]) {
		/* The config brings its own devicetree: used as it is (it must describe karasu's guest devices). */
		size_t dtb_size;
		if (!load_file_at(p, p->cfg->dtb, dtb_ipa, GUEST_DTB_MAX_SIZE, &dtb_size))
			return false;
	} else if (!build_guest_dtb(p, dtb_ipa, initrd_ipa)) {
		return false;
	}
	p->entry_ipa = kernel_ipa;
	p->dtb_ipa = dtb_ipa;
	return true;
}
