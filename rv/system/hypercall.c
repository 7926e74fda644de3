/* The engine-neutral caller interface of lib/hypercall.h for a karasu-rv hart (hypercall.h). */
#include "lib/hypercall.h"
#include "rv/system/hypercall.h"
#include "rv/system/machine.h"
#include "rv/system/synic.h"

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
	struct rv_hart *h = ctx;
	const struct rv_partition_link *link = h->machine->cfg.link;
	return link ? link->partition_id
	            : 1; /* a lone machine is partition 1; 0 is HV_PARTITION_ID_INVALID */
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
	/* the timebase is 10 MHz: one tick is the TLFS's 100 ns unit; counted from the machine's power-on,
	 * whatever the firmware sets mtime to */
	return rv_machine_raw_time(h->machine);
}

static HV_STATUS get_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name, HV_REGISTER_VALUE *value)
{
	struct rv_hart *h = ctx;
	if (synic_is_register(name))
		return rv_synic_get_register(h->machine, vp, name, value);
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
	if (synic_is_register(name))
		return rv_synic_set_register(h->machine, vp, name, value);
	if (name != HV_REGISTER_GUEST_OS_ID)
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	if (value->reg128.high64 != 0) /* a 64-bit register */
		return HV_STATUS_INVALID_REGISTER_VALUE;
	h->machine->harts[vp].guest_os_id = value->reg128.low64;
	return HV_STATUS_SUCCESS;
}

/* PostMessage / SignalEvent over the connections of karasu.cfg (the partition manager resolves them). */
static HV_STATUS post_message(void *ctx, const struct hv_input_post_message *message)
{
	struct rv_hart *h = ctx;
	const struct rv_partition_link *link = h->machine->cfg.link;
	if (!link || !link->post_message)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return link->post_message(link->ctx, message);
}

static HV_STATUS signal_event(void *ctx, HV_CONNECTION_ID connection_id, uint16_t flag_number)
{
	struct rv_hart *h = ctx;
	const struct rv_partition_link *link = h->machine->cfg.link;
	if (!link || !link->signal_event)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return link->signal_event(link->ctx, connection_id, flag_number);
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
    .post_message = post_message,
    .signal_event = signal_event,
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
