/* The arm64 parts of the hostile GPA cases (cases_hostile_gpa.c): the guest's own emulated devices (vPL011,
 * vGICD, vGICR) and IPA 0 as hypercall GPAs, and IPA 0x40200000, which is guest RAM and also the physical
 * address of hv.bin (karasu-hv's own code): a call there must use the guest's page, never karasu's. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/mem.h"

#define HV_IMAGE_PA 0x40200000ull /* where U-Boot's booti puts hv.bin: karasu's own code (physical) */
#define FILL        0xa5u

unsigned arch_hostile_gpa_devices(struct hostile_gpa_target *t, unsigned max)
{
	const struct hostile_gpa_target list[] = {
	    {GPA_PARTITION_ID_OUTPUT, plat.uart_base,
	     "GetPartitionId output GPA = the vPL011 -> INVALID_ALIGNMENT"},
	    {GPA_PARTITION_ID_OUTPUT, plat.gicd_base,
	     "GetPartitionId output GPA = the vGICD -> INVALID_ALIGNMENT"},
	    /* GICv2: the CPU interface, which is the physical GICV mapped through stage 2, not RAM either. */
	    {GPA_PARTITION_ID_OUTPUT, gic_is_v2() ? plat.gicc_base : plat.gicr_base,
	     gic_is_v2() ? "GetPartitionId output GPA = the GICv2 CPU interface -> INVALID_ALIGNMENT"
	                 : "GetPartitionId output GPA = the vGICR -> INVALID_ALIGNMENT"},
	    {GPA_VP_REGISTERS_INPUT, plat.gicd_base,
	     "GetVpRegisters input GPA = the vGICD -> INVALID_ALIGNMENT"},
	    {GPA_VP_REGISTERS_OUTPUT, plat.uart_base,
	     "GetVpRegisters output GPA = the vPL011 -> INVALID_ALIGNMENT"},
	    {GPA_PARTITION_ID_OUTPUT, 0,
	     "GetPartitionId output GPA = IPA 0 (the platform flash) -> INVALID_ALIGNMENT"},
	};
	unsigned n = sizeof(list) / sizeof(list[0]);
	n = n < max ? n : max;
	for (unsigned i = 0; i < n; i++)
		t[i] = list[i];
	return n;
}

unsigned arch_mmio_pages(uint64_t *gpa, const char **what, unsigned max)
{
	if (max < 2)
		return 0;
	gpa[0] = plat.gicd_base;
	what[0] = "the vGICD";
	gpa[1] = plat.uart_base;
	what[1] = "the vPL011";
	return 2;
}

static uint64_t get_vp_index(uint64_t in, uint64_t out_gpa)
{
	return hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 0), in, out_gpa);
}

static void put_query(uint8_t *in)
{
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	k_memcpy(in, &h, sizeof(h));
	k_memcpy(in + sizeof(h), &name, sizeof(name));
}

void arch_hostile_gpa_extra(void)
{
	case_group("hostile_gpa.image", SCOPE_ARCH);
	uint64_t end = plat.ram_base + plat.ram_size;
	if (HV_IMAGE_PA < plat.ram_base || HV_IMAGE_PA + 2 * HVTEST_PAGE > end) {
		check(false, "IPA 0x40200000 (hv.bin's physical address) lies in guest RAM",
		      "RAM %#llx+%#llx does not cover it: run with memory_base = 0x40000000",
		      (unsigned long long)plat.ram_base, (unsigned long long)plat.ram_size);
		return;
	}
	uint8_t *in = (uint8_t *)(uintptr_t)HV_IMAGE_PA, *o = in + HVTEST_PAGE;
	put_query(in);
	k_memset(o, FILL, 16);
	uint64_t r = get_vp_index(HV_IMAGE_PA, HV_IMAGE_PA + HVTEST_PAGE);
	uint64_t vp, hi;
	k_memcpy(&vp, o, 8);
	k_memcpy(&hi, o + 8, 8);
	check(r == hv_result_value(HV_STATUS_SUCCESS, 1) && vp == 0 && hi == 0,
	      "GetVpRegisters with both GPAs at IPA 0x40200000 (= hv.bin's PA) uses the guest's own pages",
	      "result %#llx, value %#llx:%#llx in the guest page", (unsigned long long)r,
	      (unsigned long long)hi, (unsigned long long)vp);
	/* A different header at the same IPA must change the answer: the bytes really come from the guest. */
	struct hv_input_vp_registers_header h = {.partition_id = 0x4b41524153550000ull, .vp_index = 0};
	k_memcpy(in, &h, sizeof(h));
	r = get_vp_index(HV_IMAGE_PA, HV_IMAGE_PA + HVTEST_PAGE);
	check(hv_result_status(r) == HV_STATUS_INVALID_PARTITION_ID,
	      "... and a bad partition id written there by the guest -> INVALID_PARTITION_ID",
	      "status %#x, want %#x (result %#llx)", hv_result_status(r), HV_STATUS_INVALID_PARTITION_ID,
	      (unsigned long long)r);
}
