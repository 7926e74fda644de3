/* Unit tests for the GICv2 list-register layout (hv/arch/arm64/gich_lr.h): values assembled from the GICH_LR
 * layout of IHI 0048B (5.3.x) and the ICH_LR<n>_EL2 layout of IHI 0069. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/arch/arm64/gich_lr.h"
#include "hv/vdev/vgic_lr_queue.h"

/* The virtual timer as the queue writes it: HW = 1, pINTID 27, priority 0xa0, Group 1, pending. */
static void test_hw_interrupt(void **state)
{
	(void)state;
	struct vgic_lrq_irq irq = {.intid = 27, .priority = 0xa0, .group1 = true, .hw = true, .pintid = 27};
	uint64_t ich = vgic_lr_make(&irq);
	uint32_t want = 27u | (27u << 10) | ((0xa0u >> 3) << 23) | (1u << 28) | (1u << 30) | (1u << 31);
	assert_int_equal(gich_lr_from_ich(ich), want);
	assert_int_equal(gich_lr_to_ich(want), ich);
}

/* A Group 0 SPI asking for the EOI maintenance interrupt: EOI at bit 19, CPUID (bits [12:10]) 0. */
static void test_eoi_interrupt(void **state)
{
	(void)state;
	struct vgic_lrq_irq irq = {.intid = 48, .priority = 0x80, .eoi_notify = true};
	uint64_t ich = vgic_lr_make(&irq);
	uint32_t want = 48u | (1u << 19) | ((0x80u >> 3) << 23) | (1u << 28);
	assert_int_equal(gich_lr_from_ich(ich), want);
	assert_int_equal(gich_lr_to_ich(want), ich);
}

/* States read back from the hardware: active (10), pending and active (11), invalid (00). */
static void test_states(void **state)
{
	(void)state;
	assert_int_equal(gich_lr_to_ich(5u | (2u << 28)) >> VGIC_LR_STATE_SHIFT, VGIC_LR_STATE_ACTIVE);
	assert_int_equal(gich_lr_to_ich(5u | (3u << 28)) >> VGIC_LR_STATE_SHIFT,
	                 VGIC_LR_STATE_PENDING_ACTIVE);
	assert_int_equal(gich_lr_to_ich(5u) >> VGIC_LR_STATE_SHIFT, VGIC_LR_STATE_INVALID);
	assert_int_equal(gich_lr_from_ich(0), 0);
}

/* What GICv2 cannot hold: the 3 low priority bits, INTIDs above 1023, pINTIDs above 1023. */
static void test_truncation(void **state)
{
	(void)state;
	struct vgic_lrq_irq irq = {.intid = 0x1403, .priority = 0xa7, .hw = true, .pintid = 0x1403};
	uint32_t lr = gich_lr_from_ich(vgic_lr_make(&irq));
	assert_int_equal(lr & 0x3ffu, 0x003);
	assert_int_equal((lr >> 10) & 0x3ffu, 0x003);
	assert_int_equal((lr >> 23) & 0x1fu, 0xa7 >> 3);
	assert_int_equal((gich_lr_to_ich(lr) >> VGIC_LR_PRIORITY_SHIFT) & 0xff, 0xa0);
	/* With HW = 1, GICH_LR bit 19 is part of the physical ID, not EOI: it travels as pINTID bit 9 (ICH_LR bit
	 * 41, which is EOI only when HW = 0) and comes back unchanged. */
	uint32_t hw_lr = (1u << 31) | (0x200u << 10) | 27u;
	uint64_t ich = gich_lr_to_ich(hw_lr);
	assert_true(ich & VGIC_LR_HW);
	assert_int_equal(gich_lr_from_ich(ich), hw_lr);
	assert_int_equal((ich >> VGIC_LR_PINTID_SHIFT) & VGIC_LR_PINTID_MASK, 0x200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hw_interrupt),
	    cmocka_unit_test(test_eoi_interrupt),
	    cmocka_unit_test(test_states),
	    cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
