#include "hv/arch/arm64/gic_lr.h"

#include "hv/arch/arm64/sysreg.h"
#include "hv/base/percpu.h"

/* ICH_LR<n>_EL2 are separate system registers: the index must be a constant in the instruction. */
static uint64_t read_lr(unsigned i)
{
	switch (i) {
	case 0: return read_sysreg(ich_lr0_el2);
	case 1: return read_sysreg(ich_lr1_el2);
	case 2: return read_sysreg(ich_lr2_el2);
	case 3: return read_sysreg(ich_lr3_el2);
	case 4: return read_sysreg(ich_lr4_el2);
	case 5: return read_sysreg(ich_lr5_el2);
	case 6: return read_sysreg(ich_lr6_el2);
	case 7: return read_sysreg(ich_lr7_el2);
	case 8: return read_sysreg(ich_lr8_el2);
	case 9: return read_sysreg(ich_lr9_el2);
	case 10: return read_sysreg(ich_lr10_el2);
	case 11: return read_sysreg(ich_lr11_el2);
	case 12: return read_sysreg(ich_lr12_el2);
	case 13: return read_sysreg(ich_lr13_el2);
	case 14: return read_sysreg(ich_lr14_el2);
	case 15: return read_sysreg(ich_lr15_el2);
	default: return 0;
	}
}

static void write_lr(unsigned i, uint64_t v)
{
	switch (i) {
	case 0: write_sysreg(ich_lr0_el2, v); break;
	case 1: write_sysreg(ich_lr1_el2, v); break;
	case 2: write_sysreg(ich_lr2_el2, v); break;
	case 3: write_sysreg(ich_lr3_el2, v); break;
	case 4: write_sysreg(ich_lr4_el2, v); break;
	case 5: write_sysreg(ich_lr5_el2, v); break;
	case 6: write_sysreg(ich_lr6_el2, v); break;
	case 7: write_sysreg(ich_lr7_el2, v); break;
	case 8: write_sysreg(ich_lr8_el2, v); break;
	case 9: write_sysreg(ich_lr9_el2, v); break;
	case 10: write_sysreg(ich_lr10_el2, v); break;
	case 11: write_sysreg(ich_lr11_el2, v); break;
	case 12: write_sysreg(ich_lr12_el2, v); break;
	case 13: write_sysreg(ich_lr13_el2, v); break;
	case 14: write_sysreg(ich_lr14_el2, v); break;
	case 15: write_sysreg(ich_lr15_el2, v); break;
	default: break;
	}
}

static uint32_t read_elrsr(void)
{
	return (uint32_t)read_sysreg(ich_elrsr_el2);
}

/* ICH_HCR_EL2 of each PE as last written: flushes set UIE on nearly every guest entry, and an access to a GIC
 * CPU-interface register is not free (QEMU takes its global lock for each), so it is written only on a change. */
static uint64_t ich_hcr_shadow[HV_MAX_CPUS];

static void write_ich_hcr(uint64_t hcr)
{
	ich_hcr_shadow[percpu_index()] = hcr;
	write_sysreg(ich_hcr_el2, hcr);
}

static void set_underflow_irq(bool enable)
{
	uint64_t hcr = ich_hcr_shadow[percpu_index()];
	uint64_t want = enable ? (hcr | ICH_HCR_UIE) : (hcr & ~ICH_HCR_UIE);
	if (want != hcr)
		write_ich_hcr(want);
}

static unsigned lr_count(void)
{
	return (unsigned)(read_sysreg(ich_vtr_el2) & ICH_VTR_LISTREGS_MASK) + 1u;
}

static void reset(void)
{
	unsigned n = lr_count();
	for (unsigned i = 0; i < n; i++)
		write_lr(i, 0);
	write_sysreg(ich_ap0r0_el2, 0);
	write_sysreg(ich_ap1r0_el2, 0);
	write_sysreg(ich_vmcr_el2, 0);
	write_ich_hcr(0);
	isb();
}

static void interface_enable(bool on)
{
	uint64_t hcr = ich_hcr_shadow[percpu_index()];
	write_ich_hcr(on ? (hcr | ICH_HCR_EN) : (hcr & ~ICH_HCR_EN));
	isb();
}

const struct gic_lr_backend gic_lr_v3 = {
    .name = "GICv3 ICH",
    .count = lr_count,
    .read_lr = read_lr,
    .write_lr = write_lr,
    .read_elrsr = read_elrsr,
    .set_underflow_irq = set_underflow_irq,
    .reset = reset,
    .interface_enable = interface_enable,
};
