/* Loading a guest's kernel, initrd and devicetree (image_load.h). */
#include "hv/core/image_load.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/arch/arm64/dcache.h"
#include "hv/base/log.h"
#include "hv/core/arm64_image.h"
#include "hv/core/disk.h"
#include "hv/core/guest_dtb.h"
#include "hv/core/guest_mem.h"
#include "hv/core/memory.h"
#include "hv/core/partition.h"
#include "lib/mem.h"

#define GUEST_DTB_MAX_SIZE 0x10000u
#define PAGE_BYTES         4096u

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
	uint8_t hdr[ARM64_IMAGE_HEADER_SIZE];
	/* The header says where the kernel wants to be: read it alone, then the whole file once, into place. */
	if (disk_read_head(p->cfg->kernel, hdr, sizeof(hdr), &p->kernel_size) != DISK_OK)
		return false;
	/* Where the kernel, initrd and devicetree go: arm64_image.c checks every sum against the end of RAM, so
	 * a header with a huge image_size cannot wrap around and put the devicetree on top of the kernel. */
	struct arm64_image_layout at;
	int err = arm64_image_layout(hdr, sizeof(hdr), p->kernel_size, p->ram_ipa, p->ram_size,
	                             p->initrd_size, GUEST_DTB_MAX_SIZE, PARTITION_RAM_BLOCK, &at);
	if (err == ARM64_IMAGE_NOT_IMAGE) {
		hv_log("%s: %s is not an arm64 Image (no \"ARM\\x64\" magic)", p->name, p->cfg->kernel);
		return false;
	}
	if (err != ARM64_IMAGE_OK) {
		hv_log("%s: kernel (%llu KiB in its header), initrd (%zu KiB) and DTB do not fit in %llu MiB "
		       "of RAM",
		       p->name, (unsigned long long)(k_load_le64(hdr + ARM64_IMAGE_SIZE_OFF) >> 10),
		       p->initrd_size >> 10, (unsigned long long)(p->ram_size >> 20));
		return false;
	}
	uint64_t kernel_ipa = at.kernel_addr, initrd_ipa = at.initrd_addr, dtb_ipa = at.dtb_addr;
	uint64_t ram_end = p->ram_ipa + p->ram_size;
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
