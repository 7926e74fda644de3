/* Partitions: building the stage-2 map, devices and devicetree of a guest, loading its kernel, starting and
 * stopping it. */
#include "hv/core/partition.h"

#include "hv/arch/arm64/firmware.h"
#include "hv/arch/arm64/dcache.h"
#include "hv/arch/arm64/smp.h"
#include "hv/core/console_port.h"
#include "hv/core/guest_dtb.h"
#include "hv/core/log.h"
#include "hv/core/memory.h"
#include "hv/core/percpu.h"
#include "hv/core/platform.h"
#include "hv/vdev/vgicd.h"
#include "hv/vdev/vgicr.h"
#include "lib/mem.h"

struct partition *partitions[PARTITION_MAX];
unsigned npartitions;

/* arm64 Image header (Documentation/arch/arm64/booting.rst). */
#define IMAGE_HEADER_SIZE     64u
#define IMAGE_TEXT_OFFSET_OFF 8u
#define IMAGE_SIZE_OFF        16u
#define IMAGE_MAGIC_OFF       56u
#define IMAGE_MAGIC           0x644d5241u /* "ARM\x64" */
#define GUEST_DTB_MAX_SIZE    0x10000u
#define GUEST_SPIS            64u
#define MPIDR_RES1            (1ull << 31)
#define PAGES_PER_BLOCK       (PARTITION_RAM_BLOCK / K_PAGE_SIZE_HV)
#define K_PAGE_SIZE_HV        4096u

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* ---- guest memory ---- */

static void *ipa_to_host(struct partition *p, uint64_t ipa, uint64_t *span)
{
	if (ipa < p->ram_ipa || ipa >= p->ram_ipa + p->ram_size)
		return NULL;
	uint64_t off = ipa - p->ram_ipa;
	uint64_t blk = off / PARTITION_RAM_BLOCK;
	uint64_t in = off % PARTITION_RAM_BLOCK;
	ram_scrub_range(p, ipa, 1); /* before the guest runs, a block may still be waiting for its scrub */
	*span = PARTITION_RAM_BLOCK - in;
	return (uint8_t *)p->blocks[blk] + in;
}

bool partition_read_gpa(struct partition *p, uint64_t ipa, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint64_t span;
		void *src = ipa_to_host(p, ipa, &span);
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
		void *dst = ipa_to_host(p, ipa, &span);
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

struct mmio_device *partition_find_mmio(struct partition *p, uint64_t ipa)
{
	for (unsigned i = 0; i < p->nmmio; i++)
		if (ipa >= p->mmio[i].base && ipa - p->mmio[i].base < p->mmio[i].size)
			return &p->mmio[i];
	return NULL;
}

/* ---- hooks for hv-modules' stage-2 builder, vGIC, PSCI and vPL011 ---- */

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

static void s2_tlb_invalidate(void *ctx, uint64_t ipa, uint64_t size)
{
	(void)ctx;
	(void)ipa;
	(void)size;
	/* Mappings are only ever added while vCPUs run (RAM on first use), and an invalid entry is never cached;
	 * each vCPU flushes its VMID when it starts. */
}

static void vgic_deliver(void *ctx, unsigned vcpu, uint32_t intid, uint8_t priority, bool group1)
{
	struct partition *p = ctx;
	if (vcpu >= p->nvcpus)
		return;
	/* The virtual timer is linked to the physical one (HW = 1): its next firing brings the vCPU back. Anything
	 * else asks for an EOI maintenance interrupt, so the vCPU exits when the guest finishes it and the model
	 * can deliver what arrived meanwhile (a second SGI while the first is in its LR would otherwise wait for
	 * the vCPU's next exit, which for an idle tickless guest can be seconds away). */
	bool hw = intid == platform.vtimer_intid;
	struct vgic_lrq_irq irq = {
	    .intid = intid,
	    .priority = priority,
	    .group1 = group1,
	    .hw = hw,
	    .eoi_notify = !hw,
	    .pintid = hw ? (uint16_t)intid : 0,
	};
	/* The vgic lock is held: the kick another PE needs waits for vgic_kick_pending (a kick is a GIC register
	 * write, and on QEMU every such write takes the emulator's global lock: holding the vgic lock meanwhile
	 * made the other vCPUs spin on it whenever that lock was busy). */
	struct vcpu *v = &p->vcpus[vcpu];
	vgic_lrq_push(&v->lrq, &irq);
	if (v->pe != this_cpu()->index)
		__atomic_fetch_or(&p->vgic_kicks, 1u << v->pe, __ATOMIC_RELEASE);
}

static void vgic_kick_pending(void *ctx)
{
	struct partition *p = ctx;
	uint32_t pes = __atomic_exchange_n(&p->vgic_kicks, 0u, __ATOMIC_ACQ_REL);
	while (pes) {
		unsigned pe = (unsigned)__builtin_ctz(pes);
		pes &= pes - 1u;
		smp_kick(pe);
	}
}

static void stop_vcpus(struct partition *p, const char *why, bool power_off_if_last);

static int psci_start_vcpu(void *ctx, unsigned vcpu, uint64_t entry, uint64_t context_id)
{
	struct partition *p = ctx;
	if (entry < p->ram_ipa || entry >= p->ram_ipa + p->ram_size)
		return PSCI_RET_INVALID_ADDRESS;
	struct vcpu *v = &p->vcpus[vcpu];
	if (!percpu_table[v->pe].online)
		return PSCI_RET_INTERNAL_FAILURE;
	vcpu_request_start(v, entry, context_id);
	return PSCI_RET_SUCCESS;
}

static void psci_stop_self(void *ctx, unsigned vcpu)
{
	(void)ctx;
	(void)vcpu;
	vcpu_stop_current();
}

static void psci_system_off(void *ctx, unsigned caller)
{
	struct partition *p = ctx;
	hv_guest_log(&p->vcpus[caller], "PSCI SYSTEM_OFF");
	partition_stop(p, "powered off");
	vcpu_stop_current();
}

static void psci_system_reset(void *ctx, unsigned caller)
{
	struct partition *p = ctx;
	hv_guest_log(&p->vcpus[caller], "PSCI SYSTEM_RESET: restarting the guest");
	stop_vcpus(p, "reset", false);
	if (!partition_start(p))
		hv_log("%s: restart failed", p->name);
	vcpu_stop_current();
}

static void uart_putc(void *ctx, uint8_t c)
{
	struct partition *p = ctx;
	console_port_guest_putc(p->id, (char)c);
}

static void uart_set_irq(void *ctx, bool level)
{
	struct partition *p = ctx;
	vgic_set_level(&p->vgic, 0, 32u + GUEST_UART_SPI, level);
}

/* ---- MMIO adaptors ---- */

static bool gicd_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	return vgicd_mmio_read(dev, v->index, off, size, val);
}
static bool gicd_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	return vgicd_mmio_write(dev, v->index, off, size, val);
}
static bool gicr_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	return vgicr_mmio_read(dev, v->index, off, size, val);
}
static bool gicr_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	return vgicr_mmio_write(dev, v->index, off, size, val);
}
/* Moves waiting console input into the vPL011 FIFO as far as it has room. Call with uart_lock held. */
static void drain_rx_backlog(struct partition *p)
{
	while (p->rx_count && vpl011_rx_push(&p->uart, p->rx_backlog[p->rx_head])) {
		p->rx_head = (p->rx_head + 1) % PARTITION_RX_BACKLOG;
		p->rx_count--;
	}
}

void partition_uart_input(struct partition *p, uint8_t c)
{
	spin_lock(&p->uart_lock);
	if (p->rx_count < PARTITION_RX_BACKLOG) {
		p->rx_backlog[(p->rx_head + p->rx_count) % PARTITION_RX_BACKLOG] = c;
		p->rx_count++;
	} else {
		p->rx_dropped++;
	}
	drain_rx_backlog(p);
	spin_unlock(&p->uart_lock);
}

/* Linux's PL011 driver uses 16-bit accesses for the ARM-vendor PL011 (every register fits in 16 bits); the
 * model takes 32-bit accesses, so narrower ones to the low half of a register are widened here and the upper
 * half of a 32-bit register reads as zero and ignores writes (it is reserved on the PL011). */
static bool uart_access(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val, bool write)
{
	struct partition *p = v->part;
	bool ok = true;
	spin_lock(&p->uart_lock);
	if (size >= 4 || off == PL011_DR) {
		ok = write ? vpl011_mmio_write(dev, off, size, *val) : vpl011_mmio_read(dev, off, size, val);
	} else if ((off & 3u) == 0) {
		uint64_t word = 0;
		ok = write ? vpl011_mmio_write(dev, off, 4, *val) : vpl011_mmio_read(dev, off, 4, &word);
		if (!write)
			*val = word & ((1ull << (8u * size)) - 1u);
	} else if (!write) {
		*val = 0;
	}
	if (!write && off == PL011_DR)
		drain_rx_backlog(p); /* the guest made room in its FIFO */
	spin_unlock(&p->uart_lock);
	return ok;
}
static bool uart_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	return uart_access(v, dev, off, size, val, false);
}
static bool uart_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	return uart_access(v, dev, off, size, &val, true);
}

/* One lock per partition's virtio-blk model: its vCPUs may touch the device at once. Different guests'
 * devices run in parallel (the model keeps no shared state; the boot disk layer has its own lock). */
static bool vblk_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	spin_lock(&v->part->vblk_lock);
	bool ok = virtio_blk_mmio_read(dev, off, size, val);
	spin_unlock(&v->part->vblk_lock);
	return ok;
}
static bool vblk_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	/* A QueueNotify runs the requests to completion here, disk I/O included. */
	spin_lock(&v->part->vblk_lock);
	bool ok = virtio_blk_mmio_write(dev, off, size, val);
	spin_unlock(&v->part->vblk_lock);
	return ok;
}

static bool vblk_mem_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return partition_read_gpa(ctx, gpa, buf, len);
}
static bool vblk_mem_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return partition_write_gpa(ctx, gpa, buf, len);
}
static void vblk_set_irq(void *ctx, bool level)
{
	struct partition *p = ctx;
	vgic_set_level(&p->vgic, 0, 32u + GUEST_VIRTIO_SPI, level);
}

/* Opens the config's disk= file and puts a virtio-blk device in front of it. */
static bool attach_disk(struct partition *p)
{
	int err = disk_file_open(&p->disk_file, p->cfg->disk, true);
	if (err != DISK_OK) {
		hv_log("%s: disk %s: %s", p->name, p->cfg->disk, disk_strerror(err));
		return false;
	}
	struct virtio_blk_backend be;
	disk_file_backend(&p->disk_file, &be);
	struct virtio_guest_mem mem = {.ctx = p, .read = vblk_mem_read, .write = vblk_mem_write};
	if (!virtio_blk_init(&p->vblk, &mem, &be, disk_file_sectors(&p->disk_file), !p->disk_file.writable,
	                     "karasu-disk0", vblk_set_irq, p))
		return false;
	p->has_disk = true;
	return true;
}

static void add_mmio(struct partition *p, const char *name, uint64_t base, uint64_t size, void *dev,
                     bool (*rd)(struct vcpu *, void *, uint64_t, unsigned, uint64_t *),
                     bool (*wr)(struct vcpu *, void *, uint64_t, unsigned, uint64_t))
{
	if (p->nmmio == PARTITION_MAX_MMIO)
		return;
	p->mmio[p->nmmio++] = (struct mmio_device){base, size, rd, wr, dev, name};
}

/* ---- life cycle ---- */

/* The stage-2 IPA/PA size: 40 bits (a 2-level walk down to the 2 MiB blocks: 2 concatenated level-1 tables)
 * whenever every RAM range of the platform lies below 1 TiB, else what ID_AA64MMFR0_EL1.PARange reports. Fewer
 * levels make every guest TLB miss cheaper; guests never need more than their RAM and device windows. */
#define PARANGE_40_BITS 2u
static unsigned stage2_parange(void)
{
	unsigned hw = (unsigned)(read_sysreg(id_aa64mmfr0_el1) & MMFR0_PARANGE_MASK);
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

void partition_map_ram_block(struct partition *p, unsigned b)
{
	/* Blocks are mapped from several PEs at once; the table pages they share are created under the lock. No TLB
	 * maintenance: an invalid entry is never cached. */
	spin_lock(&p->s2_lock);
	int err = map_ram_block(p, p->ram_ipa + (uint64_t)b * PARTITION_RAM_BLOCK,
	                        (uint64_t)(uintptr_t)p->blocks[b]);
	spin_unlock(&p->s2_lock);
	if (err != S2_OK)
		hv_log("%s: stage-2 map of RAM at IPA %#llx failed (%d): the guest gets aborts there",
		       p->name, (unsigned long long)(p->ram_ipa + (uint64_t)b * PARTITION_RAM_BLOCK), err);
}

static void reset_models(struct partition *p)
{
	uint64_t mpidrs[PARTITION_MAX_VCPUS];
	for (unsigned i = 0; i < p->nvcpus; i++)
		mpidrs[i] = p->vcpus[i].vmpidr & VGIC_MPIDR_AFF_MASK;
	struct vgic_hooks vh = {.ctx = p, .deliver = vgic_deliver, .unlocked = vgic_kick_pending};
	vgic_init(&p->vgic, p->nvcpus, mpidrs, GUEST_SPIS, &vh);
	struct psci_hooks ph = {
	    .ctx = p,
	    .start_vcpu = psci_start_vcpu,
	    .stop_self = psci_stop_self,
	    .system_off = psci_system_off,
	    .system_reset = psci_system_reset,
	};
	psci_init(&p->psci, p->nvcpus, mpidrs, 0, &ph);
	struct vpl011_hooks uh = {.ctx = p, .putc = uart_putc, .set_irq = uart_set_irq};
	vpl011_init(&p->uart, &uh);
	p->rx_head = p->rx_count = 0;
	if (p->has_disk) {
		struct virtio_blk_backend be;
		disk_file_backend(&p->disk_file, &be);
		struct virtio_guest_mem mem = {.ctx = p, .read = vblk_mem_read, .write = vblk_mem_write};
		virtio_blk_init(&p->vblk, &mem, &be, disk_file_sectors(&p->disk_file), !p->disk_file.writable,
		                "karasu-disk0", vblk_set_irq, p);
	}
}

struct partition *partition_create(unsigned id, const struct karasu_guest_config *cfg)
{
	struct partition *p = memory_zalloc(sizeof(*p));
	if (!p) {
		hv_log("%s: out of memory for the partition", cfg->name);
		return NULL;
	}
	p->id = id;
	p->vmid = (uint16_t)(id + 1);
	k_strlcpy(p->name, cfg->name, sizeof(p->name));
	p->cfg = cfg;
	p->ram_ipa = cfg->memory_base;
	p->ram_size = cfg->memory_size;

	for (unsigned cpu = 0; cpu < KARASU_CFG_MAX_CPUS && p->nvcpus < PARTITION_MAX_VCPUS; cpu++) {
		if (!(cfg->cpu_mask & (1ull << cpu)))
			continue;
		if (cpu >= platform.ncpus || !percpu_table[cpu].online) {
			hv_log("%s: physical CPU %u does not exist or is offline", p->name, cpu);
			goto fail;
		}
		struct vcpu *v = &p->vcpus[p->nvcpus];
		v->part = p;
		v->index = p->nvcpus;
		v->pe = cpu;
		v->vmpidr = MPIDR_RES1 | v->index;
		p->nvcpus++;
	}
	if (p->nvcpus == 0) {
		hv_log("%s: no CPUs", p->name);
		goto fail;
	}

	unsigned parange = stage2_parange();
	struct stage2_ops ops = {
	    .alloc_pages = s2_alloc, .free_pages = s2_free, .tlb_invalidate = s2_tlb_invalidate};
	if (stage2_init(&p->s2, parange, &ops) != S2_OK) {
		hv_log("%s: cannot create the stage-2 table", p->name);
		goto fail;
	}
	p->vtcr = stage2_vtcr(&p->s2);
	p->vttbr = stage2_vttbr(&p->s2, p->vmid);

	if (p->ram_size == 0 || p->ram_size % PARTITION_RAM_BLOCK ||
	    p->ram_size / PARTITION_RAM_BLOCK > PARTITION_MAX_RAM_BLOCKS) {
		hv_log("%s: memory size %#llx is not a usable multiple of 2 MiB", p->name,
		       (unsigned long long)p->ram_size);
		goto fail;
	}
	/* The emulated devices sit at fixed IPAs below the usual RAM base; RAM must not cover them. */
	if (p->ram_ipa < GUEST_VIRTIO_IPA + GUEST_VIRTIO_SIZE && p->ram_ipa + p->ram_size > GUEST_GICD_IPA) {
		hv_log("%s: memory %#llx-%#llx overlaps the guest device window %#llx-%#llx", p->name,
		       (unsigned long long)p->ram_ipa, (unsigned long long)(p->ram_ipa + p->ram_size),
		       (unsigned long long)GUEST_GICD_IPA,
		       (unsigned long long)(GUEST_VIRTIO_IPA + GUEST_VIRTIO_SIZE));
		goto fail;
	}
	if (disk_file_size(cfg->kernel, &p->kernel_size) != DISK_OK ||
	    (cfg->initrd[0] && disk_file_size(cfg->initrd, &p->initrd_size) != DISK_OK))
		goto fail; /* disk_file_size logged which file */
	/* One contiguous range if the allocator has it (files are then read into place), else 2 MiB blocks. */
	uint8_t *ram = memory_alloc_pages(p->ram_size / 4096u, PARTITION_RAM_BLOCK / 4096u);
	p->ram_contiguous = ram != NULL;
	for (uint64_t off = 0; off < p->ram_size; off += PARTITION_RAM_BLOCK) {
		void *blk =
		    ram ? ram + off
		        : memory_alloc_pages(PARTITION_RAM_BLOCK / 4096u, PARTITION_RAM_BLOCK / 4096u);
		if (!blk) {
			hv_log("%s: out of memory after %llu MiB of %llu MiB guest RAM", p->name,
			       (unsigned long long)(off >> 20), (unsigned long long)(p->ram_size >> 20));
			goto fail;
		}
		p->blocks[p->nblocks++] = blk;
	}

	/* Pages karasu freed (file and DTB buffers) or U-Boot used must not reach a guest as they are: each block is
	 * scrubbed before it is mapped, on its first use (ram_scrub.h). */
	ram_scrub_begin(p);
	reset_models(p);
	add_mmio(p, "vGICD", GUEST_GICD_IPA, VGICD_FRAME_SIZE, &p->vgic, gicd_read, gicd_write);
	add_mmio(p, "vGICR", GUEST_GICR_IPA, VGICR_REGION_SIZE(p->nvcpus), &p->vgic, gicr_read, gicr_write);
	add_mmio(p, "vPL011", GUEST_UART_IPA, VPL011_FRAME_SIZE, &p->uart, uart_read, uart_write);
	if (cfg->disk[0]) {
		if (!attach_disk(p))
			goto fail;
		add_mmio(p, "virtio-blk", GUEST_VIRTIO_IPA, GUEST_VIRTIO_SIZE, &p->vblk, vblk_read,
		         vblk_write);
	}
	return p;

fail:
	/* The partition's memory stays allocated: a failed guest is reported and left out, not retried. */
	return NULL;
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
		ram_scrub_overwrite_begin(p, ipa, file_size);
		bool read = disk_read_file(path, dst, file_size, size) == DISK_OK && *size == file_size;
		/* The guest starts with its MMU and caches off: the data must reach memory. */
		if (read)
			dcache_clean_range(dst, *size);
		ram_scrub_overwrite_end(p, ipa, file_size, read);
		return read;
	}
	size_t pages = file_size ? (file_size + 4095u) / 4096u : 1;
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

/* Generates the guest's devicetree (hv-modules' guest_dtb) into guest RAM at dtb_ipa. */
static bool build_guest_dtb(struct partition *p, uint64_t dtb_ipa, uint64_t initrd_ipa)
{
	struct guest_dtb_desc d = {0};
	uint64_t mpidrs[PARTITION_MAX_VCPUS];
	for (unsigned i = 0; i < p->nvcpus; i++)
		mpidrs[i] = p->vcpus[i].vmpidr & VGIC_MPIDR_AFF_MASK;
	d.mem_base = p->ram_ipa;
	d.mem_size = p->ram_size;
	d.nr_cpus = p->nvcpus;
	d.cpu_mpidr = mpidrs;
	d.psci_method = GUEST_DTB_PSCI_HVC;
	d.gicd_base = GUEST_GICD_IPA;
	d.gicd_size = VGICD_FRAME_SIZE;
	d.gicr_base = GUEST_GICR_IPA;
	d.gicr_size = VGICR_REGION_SIZE(p->nvcpus);
	d.has_uart = true;
	d.uart = (struct guest_dtb_mmio_dev){GUEST_UART_IPA, VPL011_FRAME_SIZE, GUEST_UART_SPI};
	if (p->has_disk) {
		d.nr_virtio = 1;
		d.virtio[0] =
		    (struct guest_dtb_mmio_dev){GUEST_VIRTIO_IPA, GUEST_VIRTIO_SIZE, GUEST_VIRTIO_SPI};
	}
	d.bootargs = p->cfg->bootargs[0] ? p->cfg->bootargs : NULL;
	if (p->initrd_size) {
		d.initrd_start = initrd_ipa;
		d.initrd_end = initrd_ipa + p->initrd_size;
	}
	uint8_t *buf = memory_alloc_pages(GUEST_DTB_MAX_SIZE / 4096u, 1);
	if (!buf)
		return false;
	size_t size = 0;
	int err = guest_dtb_build(&d, buf, GUEST_DTB_MAX_SIZE, &size);
	bool ok = err == 0 && partition_write_gpa(p, dtb_ipa, buf, size);
	memory_free_pages(buf, GUEST_DTB_MAX_SIZE / 4096u);
	if (!ok)
		hv_log("%s: building the guest devicetree failed (%d)", p->name, err);
	return ok;
}

static bool load_images(struct partition *p)
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
	if (!load_file_at(p, p->cfg->kernel, kernel_ipa, ram_end - kernel_ipa, &p->kernel_size))
		return false;
	if (p->cfg->initrd[0] &&
	    !load_file_at(p, p->cfg->initrd, initrd_ipa, dtb_ipa - initrd_ipa, &p->initrd_size))
		return false;

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

/* After a stop, the other PEs leave the guest at their next exit (a kick is on its way): wait for that before
 * the guest's memory and device models are reset under them. The calling PE's own vCPU (SYSTEM_RESET) is
 * stopped by the caller afterwards. */
#define STOP_WAIT_LOOPS 100000000u
static bool wait_vcpus_stopped(struct partition *p)
{
	unsigned self = this_cpu()->index;
	for (unsigned i = 0; i < p->nvcpus; i++) {
		struct vcpu *v = &p->vcpus[i];
		for (unsigned n = 0; v->pe != self && __atomic_load_n(&v->running, __ATOMIC_ACQUIRE); n++)
			if (n == STOP_WAIT_LOOPS) {
				hv_log("%s: vCPU %u on PE %u does not stop", p->name, i, v->pe);
				return false;
			}
	}
	return true;
}

bool partition_start(struct partition *p)
{
	/* Not under p->lock: a vCPU that is still on its way out may need it (its own SYSTEM_OFF). */
	if (p->state != PARTITION_RUNNING && !wait_vcpus_stopped(p))
		return false;
	spin_lock(&p->lock);
	if (p->state == PARTITION_RUNNING) {
		spin_unlock(&p->lock);
		return true;
	}
	bool ok = load_images(p);
	if (ok) {
		reset_models(p);
		p->boot_started_ticks = read_sysreg(cntpct_el0);
		p->state = PARTITION_RUNNING;
	}
	spin_unlock(&p->lock);
	if (!ok)
		return false;
	uint64_t freq = read_sysreg(cntfrq_el0);
	hv_log(
	    "%s: starting %u vCPU%s (first on PE %u), RAM %llu MiB at IPA %#llx (PA %#llx%s, stage 2 in %s), "
	    "kernel at %#llx, DTB at %#llx; %llu ms since power-on",
	    p->name, p->nvcpus, p->nvcpus == 1 ? "" : "s", p->vcpus[0].pe,
	    (unsigned long long)(p->ram_size >> 20), (unsigned long long)p->ram_ipa,
	    (unsigned long long)(uintptr_t)p->blocks[0], p->ram_contiguous ? "" : ", in 2 MiB blocks",
	    platform.stage2_ram_pages ? "4 KiB pages (QEMU virt)" : "2 MiB blocks",
	    (unsigned long long)p->entry_ipa, (unsigned long long)p->dtb_ipa,
	    (unsigned long long)(freq ? p->boot_started_ticks * 1000u / freq : 0));
	vcpu_request_start(&p->vcpus[0], p->entry_ipa, p->dtb_ipa);
	return true;
}

unsigned partitions_running(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < npartitions; i++)
		if (partitions[i] && partitions[i]->state == PARTITION_RUNNING)
			n++;
	return n;
}

static void stop_vcpus(struct partition *p, const char *why, bool power_off_if_last)
{
	spin_lock(&p->lock);
	if (p->state != PARTITION_RUNNING) {
		spin_unlock(&p->lock);
		return;
	}
	p->state = PARTITION_STOPPED;
	spin_unlock(&p->lock);
	unsigned self = this_cpu()->index;
	for (unsigned i = 0; i < p->nvcpus; i++) {
		struct vcpu *v = &p->vcpus[i];
		if (v->pe == self)
			continue;
		percpu_set_request(&percpu_table[v->pe], PERCPU_REQ_STOP_VCPU);
		smp_kick(v->pe);
	}
	hv_log("%s: stopped (%s); it had touched %u of its %llu MiB of RAM", p->name, why,
	       ram_scrub_clean_blocks(p) * (unsigned)(PARTITION_RAM_BLOCK >> 20),
	       (unsigned long long)(p->ram_size >> 20));
	console_port_print_stats(p);
	if (power_off_if_last && partitions_running() == 0) {
		hv_log("all guests are off: powering off");
		firmware_system_off();
	}
}

void partition_stop(struct partition *p, const char *why)
{
	stop_vcpus(p, why, true);
}
