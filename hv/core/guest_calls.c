#include "hv/core/guest_calls.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/core/guest_mem.h"
#include "hv/core/partition.h"
#include "hv/core/synic_hv.h"
#include "karasu/hv.h"
#include "lib/hypercall.h"

#define SMCCC_VERSION               0x80000000u
#define SMCCC_ARCH_FEATURES         0x80000001u
#define SMCCC_VERSION_1_1           0x10001u
#define SMCCC_NOT_SUPPORTED         (-1ll)
#define SMCCC_VENDOR_HYP_CALL_COUNT 0x8600ff00u
#define HYPERCALL_REG_FIRST         2u  /* the register block starts at X2 */
#define HYPERCALL_REG_COUNT         16u /* X2..X17 */
#define NS_PER_REF_TICK             100u

struct caller_ctx {
	struct vcpu *v;
};

static bool read_gpa(void *ctx, HV_GPA gpa, void *buf, size_t len)
{
	struct caller_ctx *c = ctx;
	return partition_read_gpa(c->v->part, gpa, buf, len);
}

static bool write_gpa(void *ctx, HV_GPA gpa, const void *buf, size_t len)
{
	struct caller_ctx *c = ctx;
	return partition_write_gpa(c->v->part, gpa, buf, len);
}

static HV_PARTITION_ID partition_id(void *ctx)
{
	struct caller_ctx *c = ctx;
	return (HV_PARTITION_ID)c->v->part->id + 1u; /* 0 is HV_PARTITION_ID_INVALID */
}

static HV_VP_INDEX vp_index(void *ctx)
{
	struct caller_ctx *c = ctx;
	return c->v->index;
}

static uint32_t vp_count(void *ctx)
{
	struct caller_ctx *c = ctx;
	return c->v->part->nvcpus;
}

static enum hv_caller_mode mode(void *ctx)
{
	(void)ctx;
	return HV_CALLER_KERNEL; /* HVC is undefined at EL0: only EL1 gets here */
}

static uint64_t privileges(void *ctx)
{
	(void)ctx;
	return HV_PRIVILEGES_KARASU_DEFAULT;
}

static uint64_t reference_time(void *ctx)
{
	struct caller_ctx *c = ctx;
	uint64_t freq = cpu_counter_freq();
	uint64_t ticks = cpu_counter() - c->v->part->boot_started_ticks;
	if (!freq)
		return 0;
	/* 100 ns units without overflowing: whole seconds, then the remainder. */
	uint64_t per_sec = 1000000000u / NS_PER_REF_TICK;
	return (ticks / freq) * per_sec + (ticks % freq) * per_sec / freq;
}

/* Registers the engine keeps (the dispatcher answers the read-only identity registers itself). */
static HV_STATUS get_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name, HV_REGISTER_VALUE *value)
{
	struct caller_ctx *c = ctx;
	if (synic_is_register(name))
		return synic_hv_get_register(c->v->part, vp, name, value);
	if (name != HV_REGISTER_GUEST_OS_ID)
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	value->reg128.low64 = c->v->part->vcpus[vp].guest_os_id;
	value->reg128.high64 = 0;
	return HV_STATUS_SUCCESS;
}

static HV_STATUS set_vp_register(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name,
                                 const HV_REGISTER_VALUE *value)
{
	struct caller_ctx *c = ctx;
	if (synic_is_register(name))
		return synic_hv_set_register(c->v->part, vp, name, value);
	if (name != HV_REGISTER_GUEST_OS_ID)
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	if (value->reg128.high64 != 0) /* a 64-bit register */
		return HV_STATUS_INVALID_REGISTER_VALUE;
	c->v->part->vcpus[vp].guest_os_id = value->reg128.low64;
	return HV_STATUS_SUCCESS;
}

/* PostMessage / SignalEvent to the partitions named by this guest's karasu.cfg connections (docs/synic.md). */
static HV_STATUS post_message(void *ctx, const struct hv_input_post_message *message)
{
	struct caller_ctx *c = ctx;
	return synic_hv_post_message(c->v->part, message);
}

static HV_STATUS signal_event(void *ctx, HV_CONNECTION_ID connection_id, uint16_t flag_number)
{
	struct caller_ctx *c = ctx;
	return synic_hv_signal_event(c->v->part, connection_id, flag_number);
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

static void karasu_hypercall(struct vcpu *v, struct trap_frame *f)
{
	struct caller_ctx ctx = {v};
	struct hv_caller caller = {&caller_ops, &ctx};
	uint64_t regs[HYPERCALL_REG_COUNT];
	for (unsigned i = 0; i < HYPERCALL_REG_COUNT; i++)
		regs[i] = f->x[HYPERCALL_REG_FIRST + i];
	uint64_t input = f->x[1];
	uint64_t result = hv_hypercall_regs(&caller, input, regs, HYPERCALL_REG_COUNT);
	v->stats.hypercalls++;
	if (result == HV_HYPERCALL_UNDEFINED) {
		f->x[0] = (uint64_t)SMCCC_NOT_SUPPORTED;
		return;
	}
	if (hv_input_is_fast(input) && hv_result_status(result) == HV_STATUS_SUCCESS)
		for (unsigned i = 0; i < HYPERCALL_REG_COUNT; i++)
			f->x[HYPERCALL_REG_FIRST + i] = regs[i];
	f->x[0] = result;
}

void guest_smccc_call(struct vcpu *v, struct trap_frame *f)
{
	uint64_t regs[4] = {f->x[0], f->x[1], f->x[2], f->x[3]};
	enum psci_outcome o = psci_handle(&v->part->psci, v->index, regs);
	if (o == PSCI_OUTCOME_RESUME) {
		v->stats.psci++;
		f->x[0] = regs[0];
		return;
	}
	if (o == PSCI_OUTCOME_STOPPED)
		vcpu_stop_current();

	uint32_t fn = (uint32_t)f->x[0];
	switch (fn) {
	case HV_SMCCC_FUNC_HYPERCALL: karasu_hypercall(v, f); break;
	case HV_SMCCC_FUNC_VENDOR_HYP_UID:
		f->x[0] = KARASU_UUID_W0;
		f->x[1] = KARASU_UUID_W1;
		f->x[2] = KARASU_UUID_W2;
		f->x[3] = KARASU_UUID_W3;
		break;
	case SMCCC_VERSION: f->x[0] = SMCCC_VERSION_1_1; break;
	default:
		/* SMCCC_ARCH_FEATURES and everything else: not supported. */
		f->x[0] = (uint64_t)SMCCC_NOT_SUPPORTED;
		break;
	}
}
