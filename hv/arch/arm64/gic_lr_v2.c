/* The GICv2 list-register back end: the virtual interface control registers (GICH_*, IHI 0048B chapter 5), a
 * memory-mapped frame that every PE sees at the same address with its own banked contents. The queue's values
 * are in the ICH_LR<n>_EL2 layout; gich_lr.h translates on every LR access. */
#include "hv/arch/arm64/gic_lr.h"

#include "hv/arch/arm64/gich_lr.h"
#include "hv/base/limits.h"
#include "hv/base/percpu.h"

#define GICH_HCR    0x000u
#define GICH_VTR    0x004u
#define GICH_VMCR   0x008u
#define GICH_ELRSR0 0x030u
#define GICH_APR    0x0f0u
#define GICH_LR0    0x100u

#define GICH_HCR_EN            (1u << 0)
#define GICH_HCR_UIE           (1u << 1) /* maintenance interrupt when at most one LR holds an interrupt */
#define GICH_VTR_LISTREGS_MASK 0x3fu     /* number of LRs - 1 */
#define GICH_MAX_LRS           64u

static uintptr_t gich;

void gic_lr_v2_set_base(uint64_t gich_base)
{
	gich = (uintptr_t)gich_base;
}

static inline uint32_t rd32(uint32_t off)
{
	return *(volatile uint32_t *)(gich + off);
}
static inline void wr32(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(gich + off) = v;
}

static uint64_t read_lr(unsigned i)
{
	return gich_lr_to_ich(rd32(GICH_LR0 + 4u * i));
}

static void write_lr(unsigned i, uint64_t value)
{
	wr32(GICH_LR0 + 4u * i, gich_lr_from_ich(value));
}

/* The queue uses at most 16 LRs: ELRSR0 covers them. */
static uint32_t read_elrsr(void)
{
	return rd32(GICH_ELRSR0);
}

/* GICH_HCR of each PE as last written (only changes are written: each access is an MMIO access, and on
 * QEMU it takes the emulator's global lock). */
static uint32_t hcr_shadow[HV_MAX_CPUS];

static void write_hcr(uint32_t hcr)
{
	hcr_shadow[percpu_index()] = hcr;
	wr32(GICH_HCR, hcr);
}

static void set_underflow_irq(bool enable)
{
	uint32_t hcr = hcr_shadow[percpu_index()];
	uint32_t want = enable ? (hcr | GICH_HCR_UIE) : (hcr & ~GICH_HCR_UIE);
	if (want != hcr)
		write_hcr(want);
}

static unsigned lr_count(void)
{
	unsigned n = (rd32(GICH_VTR) & GICH_VTR_LISTREGS_MASK) + 1u;
	return n > GICH_MAX_LRS ? GICH_MAX_LRS : n;
}

static void reset(void)
{
	unsigned n = lr_count();
	for (unsigned i = 0; i < n; i++)
		wr32(GICH_LR0 + 4u * i, 0);
	wr32(GICH_APR, 0);
	wr32(GICH_VMCR, 0);
	write_hcr(0);
	__asm__ volatile("dsb sy" ::: "memory");
}

static void interface_enable(bool on)
{
	uint32_t hcr = hcr_shadow[percpu_index()];
	write_hcr(on ? (hcr | GICH_HCR_EN) : (hcr & ~GICH_HCR_EN));
	__asm__ volatile("dsb sy" ::: "memory");
}

const struct gic_lr_backend gic_lr_v2 = {
    .name = "GICv2 GICH",
    .count = lr_count,
    .read_lr = read_lr,
    .write_lr = write_lr,
    .read_elrsr = read_elrsr,
    .set_underflow_irq = set_underflow_irq,
    .reset = reset,
    .interface_enable = interface_enable,
};
