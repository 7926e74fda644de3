/* Guest RAM (guest_mem.h). */
#include "hv/core/guest_mem.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/arch/arm64/dcache.h"
#include "hv/arch/arm64/tlb.h"
#include "hv/base/log.h"
#include "hv/core/memory.h"
#include "hv/core/partition.h"
#include "hv/core/platform.h"
#include "lib/mem.h"

#define PAGE_BYTES 4096u

void *guest_mem_host(struct partition *p, uint64_t ipa, uint64_t *span)
{
	if (ipa < p->ram_ipa || ipa >= p->ram_ipa + p->ram_size)
		return NULL;
	uint64_t off = ipa - p->ram_ipa;
	uint64_t blk = off / PARTITION_RAM_BLOCK;
	uint64_t in = off % PARTITION_RAM_BLOCK;
	ram_scrub_range(&p->scrub, ipa,
	                1); /* before the guest runs, a block may still be waiting for its scrub */
	*span = PARTITION_RAM_BLOCK - in;
	return (uint8_t *)p->blocks[blk] + in;
}

bool partition_read_gpa(struct partition *p, uint64_t ipa, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint64_t span;
		void *src = guest_mem_host(p, ipa, &span);
		if (!src)
			return false;
		size_t n = len < span ? len : (size_t)span;
		k_memcpy(out, src, n);
		out += n;
		ipa += n;
		len -= n;
	}
	return true;
}

bool partition_write_gpa(struct partition *p, uint64_t ipa, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	while (len) {
		uint64_t span;
		void *dst = guest_mem_host(p, ipa, &span);
		if (!dst)
			return false;
		size_t n = len < span ? len : (size_t)span;
		k_memcpy(dst, in, n);
		/* The guest starts with its MMU and caches off: the data must reach memory. */
		dcache_clean_range(dst, n);
		in += n;
		ipa += n;
		len -= n;
	}
	return true;
}

/* ---- the stage-2 table ---- */

static void *s2_alloc(void *ctx, size_t npages)
{
	(void)ctx;
	return memory_alloc_pages(npages, npages);
}

static void s2_free(void *ctx, void *pages, size_t npages)
{
	(void)ctx;
	memory_free_pages(pages, npages);
}

/* Called when a valid descriptor was removed or changed. RAM is only ever added while vCPUs run (an invalid
 * entry is never cached, so that needs no maintenance); what is removed is a device page (guest_mem_unmap). */
static void s2_tlb_invalidate(void *ctx, uint64_t ipa, uint64_t size)
{
	struct partition *p = ctx;
	tlb_invalidate_guest_ipa(p->vttbr, ipa, size);
}

/* The stage-2 IPA/PA size: 40 bits (a 2-level walk down to the 2 MiB blocks: 2 concatenated level-1 tables)
 * whenever every RAM range of the platform lies below 1 TiB, else what ID_AA64MMFR0_EL1.PARange reports. Fewer
 * levels make every guest TLB miss cheaper; guests never need more than their RAM and device windows. */
#define PARANGE_40_BITS 2u
static unsigned stage2_parange(void)
{
	unsigned hw = cpu_parange();
	if (hw <= PARANGE_40_BITS)
		return hw;
	for (unsigned i = 0; i < platform.nmem; i++)
		if (platform.mem[i].base + platform.mem[i].size > (1ull << 40))
			return hw;
	return PARANGE_40_BITS;
}

/* Guest RAM is allocated in 2 MiB blocks and mapped at stage 2 as 2 MiB blocks, except on QEMU's virt
 * machine (platform.stage2_ram_pages). Measured on QEMU 7.2 TCG: with 2 MiB stage-2 blocks every guest
 * TLBI by VA (Linux issues tens of thousands while it patches its own code at boot) made QEMU flush its
 * whole soft TLB, because the stage-2 block counts as a "large page" there; Linux's early boot ran 3-5x
 * slower than bare (1.7-2.6 s vs 0.34-0.58 s to the timer set-up, 1 vCPU) and at parity with 4 KiB pages
 * (0.56-0.63 s). */
static int map_ram_block(struct partition *p, uint64_t ipa, uint64_t pa)
{
	if (!platform.stage2_ram_pages)
		return stage2_map(&p->s2, ipa, pa, PARTITION_RAM_BLOCK, S2_ATTR_NORMAL_RWX);
	/* The stage-2 builder uses a block wherever ipa and pa are 2 MiB aligned: mapping the first page on its
	 * own leaves the rest of the block unaligned, so it is mapped page by page in one call. */
	int err = stage2_map(&p->s2, ipa, pa, S2_PAGE_SIZE, S2_ATTR_NORMAL_RWX);
	if (err == S2_OK)
		err = stage2_map(&p->s2, ipa + S2_PAGE_SIZE, pa + S2_PAGE_SIZE,
		                 PARTITION_RAM_BLOCK - S2_PAGE_SIZE, S2_ATTR_NORMAL_RWX);
	return err;
}

/* ram_scrub's ops: a block is scrubbed in place and mapped once clean. */
static void scrub_block(void *ctx, unsigned b)
{
	struct partition *p = ctx;
	uint64_t t0 = cpu_counter();
	/* dcache_scrub_range ends with a DSB: the zeros are in memory before the guest can map the block. */
	dcache_scrub_range(p->blocks[b], PARTITION_RAM_BLOCK);
	__atomic_fetch_add(&p->scrub_ticks, cpu_counter() - t0, __ATOMIC_RELAXED);
}

static void map_block(void *ctx, unsigned b)
{
	struct partition *p = ctx;
	uint64_t t0 = cpu_counter();
	/* Blocks are mapped from several PEs at once; the table pages they share are created under the lock. No TLB
	 * maintenance: an invalid entry is never cached. */
	spin_lock(&p->s2_lock);
	int err = map_ram_block(p, p->ram_ipa + (uint64_t)b * PARTITION_RAM_BLOCK,
	                        (uint64_t)(uintptr_t)p->blocks[b]);
	spin_unlock(&p->s2_lock);
	__atomic_fetch_add(&p->map_ticks, cpu_counter() - t0, __ATOMIC_RELAXED);
	if (err != S2_OK)
		hv_log("%s: stage-2 map of RAM at IPA %#llx failed (%d): the guest gets aborts there",
		       p->name, (unsigned long long)(p->ram_ipa + (uint64_t)b * PARTITION_RAM_BLOCK), err);
}

bool guest_mem_create(struct partition *p)
{
	spinlock_init(&p->s2_lock, LOCK_CLASS_STAGE2);
	unsigned parange = stage2_parange();
	struct stage2_ops ops = {
	    .ctx = p, .alloc_pages = s2_alloc, .free_pages = s2_free, .tlb_invalidate = s2_tlb_invalidate};
	if (stage2_init(&p->s2, parange, &ops) != S2_OK) {
		hv_log("%s: cannot create the stage-2 table", p->name);
		return false;
	}
	p->vtcr = stage2_vtcr(&p->s2);
	p->vttbr = stage2_vttbr(&p->s2, p->vmid);

	if (p->ram_size == 0 || p->ram_size % PARTITION_RAM_BLOCK ||
	    p->ram_size / PARTITION_RAM_BLOCK > PARTITION_MAX_RAM_BLOCKS) {
		hv_log("%s: memory size %#llx is not a usable multiple of 2 MiB", p->name,
		       (unsigned long long)p->ram_size);
		return false;
	}
	/* The emulated devices sit at fixed IPAs below the usual RAM base; RAM must not cover them. */
	if (p->ram_ipa < GUEST_DEVICE_WINDOW_END && p->ram_ipa + p->ram_size > GUEST_DEVICE_WINDOW_BASE) {
		hv_log("%s: memory %#llx-%#llx overlaps the guest device window %#llx-%#llx", p->name,
		       (unsigned long long)p->ram_ipa, (unsigned long long)(p->ram_ipa + p->ram_size),
		       (unsigned long long)GUEST_DEVICE_WINDOW_BASE,
		       (unsigned long long)GUEST_DEVICE_WINDOW_END);
		return false;
	}
	return true;
}

bool guest_mem_map_device(struct partition *p, uint64_t ipa, uint64_t pa, uint64_t size)
{
	spin_lock(&p->s2_lock);
	int err = stage2_map(&p->s2, ipa, pa, size, S2_ATTR_DEVICE);
	spin_unlock(&p->s2_lock);
	if (err != S2_OK)
		hv_log("%s: stage-2 map of device %#llx at IPA %#llx failed (%d)", p->name,
		       (unsigned long long)pa, (unsigned long long)ipa, err);
	return err == S2_OK;
}

bool guest_mem_ram_mapped(struct partition *p, uint64_t ipa)
{
	if (ipa < p->ram_ipa || ipa - p->ram_ipa >= p->ram_size)
		return false;
	/* Descriptors are only added while vCPUs run, each with one 64-bit store: reading them unlocked sees a
	 * whole one or none. */
	struct stage2_mapping m;
	return stage2_lookup(&p->s2, ipa, &m);
}

bool guest_mem_map_readonly_page(struct partition *p, uint64_t ipa, void *page)
{
	spin_lock(&p->s2_lock);
	int err = stage2_map(&p->s2, ipa, (uint64_t)(uintptr_t)page, PAGE_BYTES, S2_ATTR_DEVICE_RO);
	spin_unlock(&p->s2_lock);
	if (err != S2_OK)
		hv_log("%s: stage-2 map of a read-only page at IPA %#llx failed (%d)", p->name,
		       (unsigned long long)ipa, err);
	return err == S2_OK;
}

bool guest_mem_unmap(struct partition *p, uint64_t ipa, uint64_t size)
{
	spin_lock(&p->s2_lock);
	int err = stage2_unmap(&p->s2, ipa, size);
	spin_unlock(&p->s2_lock);
	if (err != S2_OK)
		hv_log("%s: stage-2 unmap at IPA %#llx failed (%d)", p->name, (unsigned long long)ipa, err);
	return err == S2_OK;
}

bool guest_mem_alloc(struct partition *p)
{
	/* One contiguous range if the allocator has it (files are then read into place), else 2 MiB blocks. */
	uint8_t *ram = memory_alloc_pages(p->ram_size / PAGE_BYTES, PARTITION_RAM_BLOCK / PAGE_BYTES);
	p->ram_contiguous = ram != NULL;
	for (uint64_t off = 0; off < p->ram_size; off += PARTITION_RAM_BLOCK) {
		void *blk = ram ? ram + off
		                : memory_alloc_pages(PARTITION_RAM_BLOCK / PAGE_BYTES,
		                                     PARTITION_RAM_BLOCK / PAGE_BYTES);
		if (!blk) {
			hv_log("%s: out of memory after %llu MiB of %llu MiB guest RAM", p->name,
			       (unsigned long long)(off >> 20), (unsigned long long)(p->ram_size >> 20));
			return false;
		}
		p->blocks[p->nblocks++] = blk;
	}
	/* Pages karasu freed (file and DTB buffers) or U-Boot used must not reach a guest as they are: each block is
	 * scrubbed before it is mapped, on its first use (ram_scrub.h). */
	struct ram_scrub_ops ops = {.ctx = p, .scrub = scrub_block, .map = map_block};
	ram_scrub_begin(&p->scrub, p->ram_ipa, PARTITION_RAM_BLOCK, p->nblocks, &ops);
	return true;
}
