/* Stage-2 translation tables (IPA -> PA) for one partition: 4 KiB granule, 2 MiB blocks where possible.
 *
 * The module only builds and walks tables in memory; it never writes system registers. The partition code programs
 * VTCR_EL2 with stage2_vtcr() (the same value on every PE of the partition), VTTBR_EL2 with stage2_vttbr(),
 * and invalidates TLBs through the tlb_invalidate hook after a live mapping changed.
 *
 * Table memory comes from the alloc_pages hook and is accessed at the address it returns: karasu-hv maps RAM
 * 1:1 at EL2, so that address is also the physical address written into descriptors (in host unit tests,
 * host pointers play that role; they must fit in descriptor bits [47:12]).
 *
 * Not thread-safe: the partition code builds the tables before starting vCPUs and serializes later changes
 * (the stage-2 lock).
 */
#ifndef KARASU_HV_ARCH_ARM64_STAGE2_H
#define KARASU_HV_ARCH_ARM64_STAGE2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define S2_PAGE_SHIFT      12u
#define S2_PAGE_SIZE       (1ull << S2_PAGE_SHIFT)
#define S2_BLOCK_SHIFT     21u
#define S2_BLOCK_SIZE      (1ull << S2_BLOCK_SHIFT) /* level-2 block */
#define S2_ENTRIES         512u                     /* descriptors per 4 KiB table */
#define S2_MAX_IPA_BITS    48u                      /* no FEAT_LPA2: 52-bit PARange is capped to 48 */
#define S2_MIN_IPA_BITS    32u
#define S2_MAX_ROOT_TABLES 16u /* concatenated tables at the starting level (ARM ARM D8.2) */

/* Stage-2 VMSAv8-64 descriptor fields (ARM ARM D8.3). */
#define S2_DESC_VALID           (1ull << 0)
#define S2_DESC_TABLE           (1ull << 1) /* levels 0-2: next-level table (1) or block (0) */
#define S2_DESC_PAGE            (1ull << 1) /* level 3: must be 1 for a page */
#define S2_DESC_TYPE_MASK       (3ull << 0)
#define S2_MEMATTR_SHIFT        2u /* MemAttr[3:0], bits [5:2] (FWB=0 encoding) */
#define S2_MEMATTR_MASK         (0xfull << S2_MEMATTR_SHIFT)
#define S2_MEMATTR_DEVICE_nGnRE 0x1ull /* 0b0001: Device-nGnRE */
#define S2_MEMATTR_NORMAL_WB    0xfull /* 0b1111: Normal, outer and inner Write-Back cacheable */
#define S2_S2AP_SHIFT           6u     /* S2AP[1:0], bits [7:6] */
#define S2_S2AP_MASK            (3ull << S2_S2AP_SHIFT)
#define S2_S2AP_NONE            0x0ull
#define S2_S2AP_RO              0x1ull
#define S2_S2AP_WO              0x2ull
#define S2_S2AP_RW              0x3ull
#define S2_SH_SHIFT             8u /* SH[1:0], bits [9:8] */
#define S2_SH_MASK              (3ull << S2_SH_SHIFT)
#define S2_SH_NON               0x0ull
#define S2_SH_OUTER             0x2ull
#define S2_SH_INNER             0x3ull
#define S2_AF                   (1ull << 10) /* access flag: set, so no access-flag faults */
#define S2_XN                   (1ull << 54) /* execute-never (XN[1] of XN[1:0]; XN[0]=0 without FEAT_XNX) */
#define S2_OA_MASK              0x0000fffffffff000ull /* output address bits [47:12] */
#define S2_ATTR_MASK            (S2_MEMATTR_MASK | S2_S2AP_MASK | S2_SH_MASK | S2_AF | S2_XN)

/* VTCR_EL2 fields (ARM ARM D17.2, 4 KiB granule). */
#define VTCR_T0SZ_SHIFT  0u
#define VTCR_T0SZ_MASK   0x3full
#define VTCR_SL0_SHIFT   6u /* TG0=4K: 0 = start at level 2, 1 = level 1, 2 = level 0 */
#define VTCR_IRGN0_SHIFT 8u
#define VTCR_ORGN0_SHIFT 10u
#define VTCR_RGN_WBWA    0x1ull /* Normal, Write-Back Read-Allocate Write-Allocate cacheable */
#define VTCR_SH0_SHIFT   12u
#define VTCR_SH0_INNER   0x3ull
#define VTCR_TG0_SHIFT   14u
#define VTCR_TG0_4K      0x0ull
#define VTCR_PS_SHIFT    16u /* physical address size, same encoding as ID_AA64MMFR0_EL1.PARange */
#define VTCR_PS_MASK     0x7ull
#define VTCR_RES1        (1ull << 31)

/* VTTBR_EL2: BADDR in [47:1] (the table address), VMID in [63:48] (8 bits used unless VTCR.VS). */
#define VTTBR_VMID_SHIFT 48u

/* What a mapping is for; translated to MemAttr/S2AP/SH/XN by the module. */
enum stage2_attr {
	S2_ATTR_NORMAL_RWX = 0, /* guest RAM: Normal WB, inner shareable, read/write/execute */
	S2_ATTR_NORMAL_RO,      /* read-only RAM (e.g. a ROM image): Normal WB, read/execute, writes fault */
	S2_ATTR_DEVICE,         /* passthrough MMIO: Device-nGnRE, read/write, execute-never */
	S2_ATTR_DEVICE_RO, /* a page of register values karasu keeps for an emulated device: Device-nGnRE,
	                         * reads only (writes fault to karasu), execute-never */
};

enum stage2_error {
	S2_OK = 0,
	S2_ERR_ALIGN = -1,   /* ipa, pa or size not 4 KiB aligned, or size 0 */
	S2_ERR_RANGE = -2,   /* ipa range beyond the IPA size, or pa beyond 48 bits, or wraps */
	S2_ERR_OVERLAP = -3, /* stage2_map: part of the range is already mapped (nothing changed) */
	S2_ERR_NOMEM = -4,   /* alloc_pages failed (mappings made so far in this call are undone) */
	S2_ERR_ARG = -5,     /* bad PARange / attr / NULL */
};

struct stage2_ops {
	void *ctx;
	/* Returns npages contiguous 4 KiB pages aligned to npages * 4 KiB (npages is a power of two <= 16), or
	 * NULL. Contents need not be zeroed (the module clears them). */
	void *(*alloc_pages)(void *ctx, size_t npages);
	/* Gives back pages from alloc_pages (same npages). May be NULL: tables are then leaked on unmap and
	 * destroy (acceptable for partitions that live forever). */
	void (*free_pages)(void *ctx, void *pages, size_t npages);
	/* Called after valid descriptors covering [ipa, ipa+size) were changed or removed, so the caller can do
	 * TLBI IPAS2E1IS (or VMALLS12E1IS) + DSB for this VMID. May be NULL (e.g. before the VM ever ran). */
	void (*tlb_invalidate)(void *ctx, uint64_t ipa, uint64_t size);
};

struct stage2 {
	uint64_t *root;       /* root_tables concatenated tables at start_level */
	unsigned root_tables; /* 1..16 */
	unsigned start_level; /* 0..2 */
	unsigned ipa_bits;    /* 32..48 */
	unsigned parange;     /* ID_AA64MMFR0_EL1.PARange value used for VTCR.PS */
	size_t table_pages;   /* pages held, including the root (statistics, leak checks) */
	struct stage2_ops ops;
};

/* The physical address size in bits for an ID_AA64MMFR0_EL1.PARange value (0->32, 1->36, 2->40, 3->42,
 * 4->44, 5->48, 6->52); -1 for a reserved value. */
int stage2_parange_bits(unsigned parange);

/* Allocates the root table(s) for an IPA space as large as the physical address space that PARange reports
 * (capped to 48 bits), chooses the starting level (ipa_bits <= 42: level 1 with 2^(ipa_bits-39) concatenated
 * tables when above 39 bits; 44 and 48 bits: level 0) and copies *ops. Returns S2_OK or an S2_ERR_*. */
int stage2_init(struct stage2 *s2, unsigned parange, const struct stage2_ops *ops);

/* The VTCR_EL2 value for s2: T0SZ = 64 - ipa_bits, SL0 from start_level, TG0 4K, inner shareable WBWA table
 * walks, PS = parange (capped to 48 bits), RES1 bit 31. */
uint64_t stage2_vtcr(const struct stage2 *s2);

/* The VTTBR_EL2 value: root table address | vmid << 48 (vmid 0..255). */
uint64_t stage2_vttbr(const struct stage2 *s2, uint16_t vmid);

/* Maps [ipa, ipa+size) to [pa, pa+size) with attr. All three must be 4 KiB aligned. Uses 2 MiB block
 * descriptors wherever ipa and pa are both 2 MiB aligned and 2 MiB remain, pages elsewhere. If any part of the
 * range is already mapped, returns S2_ERR_OVERLAP and changes nothing (unmap first to remap). */
int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, enum stage2_attr attr);

/* Removes every mapping in [ipa, ipa+size) (4 KiB aligned); unmapped parts are skipped. A 2 MiB block only
 * partly inside the range is split into pages first, so the rest stays mapped. Tables that become empty are
 * freed (when free_pages is set), after tlb_invalidate, which is called for the range if anything was removed.
 * Returns S2_OK, S2_ERR_ALIGN/RANGE, or S2_ERR_NOMEM (splitting a block needed a page; nothing changed). */
int stage2_unmap(struct stage2 *s2, uint64_t ipa, uint64_t size);

/* Result of a lookup. */
struct stage2_mapping {
	uint64_t pa;   /* physical address of the looked-up IPA (not rounded) */
	uint64_t span; /* bytes from ipa to the end of its page or block (>= 1) */
	enum stage2_attr attr;
	unsigned level; /* 2 = 2 MiB block, 3 = 4 KiB page */
	uint64_t desc;  /* the raw leaf descriptor */
};

/* Translates one IPA. Returns false if it is outside the IPA space or not mapped. For the hypervisor's guest
 * memory accessors: copy at most span bytes, then look up the next address. */
bool stage2_lookup(const struct stage2 *s2, uint64_t ipa, struct stage2_mapping *out);

/* Frees all tables (via free_pages if set) and clears *s2. The VM must no longer run on any PE. */
void stage2_destroy(struct stage2 *s2);

#endif
