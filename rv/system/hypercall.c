/* The engine-neutral caller interface of lib/hypercall.h for a karasu-rv hart (hypercall.h). */
#include "lib/hypercall.h"
#include "rv/system/hypercall.h"
#include "rv/system/machine.h"

#define REG_A0 10
#define REG_A1 11

static bool read_gpa(void *ctx, HV_GPA gpa, void *buf, size_t len)
{
	struct rv_hart *h = ctx;
	return rv_machine_dma_read(h->machine, gpa, buf, len);
}

static bool write_gpa(void *ctx, HV_GPA gpa, const void *buf, size_t len)
{
	struct rv_hart *h = ctx;
	return rv_machine_dma_write(h->machine, gpa, buf, len);
}

static HV_PARTITION_ID partition_id(void *ctx)
{
	(void)ctx;
	return 1; /* the machine is one partition; 0 is HV_PARTITION_ID_INVALID */
}

static HV_VP_INDEX vp_index(void *ctx)
{
	struct rv_hart *h = ctx;
	return h->id;
}

static uint32_t vp_count(void *ctx)
{
	struct rv_hart *h = ctx;
	return h->machine->n_harts;
}

static enum hv_caller_mode mode(void *ctx)
{
	(void)ctx;
	return HV_CALLER_KERNEL; /* a U-mode ECALL goes to the guest kernel, never to the SBI */
}

static uint64_t privileges(void *ctx)
{
	(void)ctx;
	return HV_PRIVILEGES_KARASU_DEFAULT;
}

static uint64_t reference_time(void *ctx)
{
	struct rv_hart *h = ctx;
	/* the timebase is 10 MHz: one tick is the TLFS's 100 ns unit */
	return rv_machine_time(h->machine);
}

static HV_STATUS get_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name, HV_REGISTER_VALUE *value)
{
	struct rv_hart *h = ctx;
	if (name != HV_REGISTER_GUEST_OS_ID)
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	value->reg128.low64 = h->machine->harts[vp].guest_os_id;
	value->reg128.high64 = 0;
	return HV_STATUS_SUCCESS;
}

static HV_STATUS set_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name,
                                 const HV_REGISTER_VALUE *value)
{
	struct rv_hart *h = ctx;
	if (name != HV_REGISTER_GUEST_OS_ID)
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	if (value->reg128.high64 != 0) /* a 64-bit register */
		return HV_STATUS_INVALID_REGISTER_VALUE;
	h->machine->harts[vp].guest_os_id = value->reg128.low64;
	return HV_STATUS_SUCCESS;
}

static const struct hv_caller_ops caller_ops = {
    .read_gpa = read_gpa,
    .write_gpa = write_gpa,
    .partition_id = partition_id,
    .vp_index = vp_index,
    .vp_count = vp_count,
    .mode = mode,
    .privileges = privileges,
    .reference_time = reference_time,
    .get_vp_register = get_vp_register,
    .set_vp_register = set_vp_register,
};

void rv_hypercall_sbi(struct rv_hart *h)
{
	struct hv_caller caller = {&caller_ops, h};
	uint64_t *x = h->cpu.x;
	uint64_t regs[HV_SBI_FAST_REGISTER_COUNT];
	for (unsigned i = 0; i < HV_SBI_FAST_REGISTER_COUNT; i++)
		regs[i] = x[REG_A1 + i];
	uint64_t input = x[REG_A0];
	uint64_t result = hv_hypercall_regs(&caller, input, regs, HV_SBI_FAST_REGISTER_COUNT);
	if (hv_input_is_fast(input) && hv_result_status(result) == HV_STATUS_SUCCESS)
		for (unsigned i = 0; i < HV_SBI_FAST_REGISTER_COUNT; i++)
			x[REG_A1 + i] = regs[i];
	x[REG_A0] = result;
}
