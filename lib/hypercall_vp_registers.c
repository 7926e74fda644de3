/* HvCallGetVpRegisters and HvCallSetVpRegisters.
 *
 * A register table says, per TLFS register name, who answers (the dispatcher itself or the engine), the
 * privilege a partition needs, the register's width and whether it is writable. Names not in the table go
 * to the engine's hooks, so an engine can add registers (SynIC, timers) without touching this file.
 */
#include "lib/hypercall.h"

typedef HV_STATUS (*hv_register_getter)(struct hv_caller *c, HV_VP_INDEX vp, HV_REGISTER_VALUE *value);

struct hv_register_desc {
	HV_REGISTER_NAME name;
	uint64_t privilege;     /* HV_PRIVILEGE_* needed to read or write it, 0 for none */
	hv_register_getter get; /* NULL: the engine's get_vp_register hook answers */
	uint8_t width;          /* architectural size in bytes: bits above must be zero when written */
	bool writable;          /* false: a write is refused with ACCESS_DENIED */
};

static HV_STATUS hv_get_hypervisor_version(struct hv_caller *c, HV_VP_INDEX vp, HV_REGISTER_VALUE *value)
{
	(void)c;
	(void)vp;
	value->reg128.low64 = ((uint64_t)KARASU_HV_VERSION_BUILD << HV_VERSION_BUILD_SHIFT) |
	                      ((uint64_t)KARASU_HV_VERSION_MINOR << HV_VERSION_MINOR_SHIFT) |
	                      ((uint64_t)KARASU_HV_VERSION_MAJOR << HV_VERSION_MAJOR_SHIFT);
	value->reg128.high64 = 0; /* no service pack, branch or number */
	return HV_STATUS_SUCCESS;
}

static HV_STATUS hv_get_privileges_and_features(struct hv_caller *c, HV_VP_INDEX vp, HV_REGISTER_VALUE *value)
{
	(void)vp;
	value->reg128.low64 = c->ops->privileges(c->ctx);
	value->reg128.high64 = 0; /* karasu advertises no optional features yet */
	return HV_STATUS_SUCCESS;
}

static HV_STATUS hv_get_features_info(struct hv_caller *c, HV_VP_INDEX vp, HV_REGISTER_VALUE *value)
{
	(void)c;
	(void)vp;
	value->reg128.low64 = 0; /* no implementation recommendations */
	value->reg128.high64 = 0;
	return HV_STATUS_SUCCESS;
}

static HV_STATUS hv_get_vp_index(struct hv_caller *c, HV_VP_INDEX vp, HV_REGISTER_VALUE *value)
{
	(void)c;
	value->reg64 = vp;
	return HV_STATUS_SUCCESS;
}

static HV_STATUS hv_get_time_ref_count(struct hv_caller *c, HV_VP_INDEX vp, HV_REGISTER_VALUE *value)
{
	(void)vp;
	value->reg64 = c->ops->reference_time(c->ctx);
	return HV_STATUS_SUCCESS;
}

static const struct hv_register_desc hv_registers[] = {
    {HV_REGISTER_HYPERVISOR_VERSION, 0, hv_get_hypervisor_version, 16, false},
    {HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO, 0, hv_get_privileges_and_features, 16, false},
    {HV_REGISTER_FEATURES_INFO, 0, hv_get_features_info, 16, false},
    {HV_REGISTER_GUEST_OS_ID, HV_PRIVILEGE_ACCESS_HYPERCALL_REGS, NULL, 8, true},
    {HV_REGISTER_VP_INDEX, HV_PRIVILEGE_ACCESS_VP_INDEX, hv_get_vp_index, 4, false},
    {HV_REGISTER_TIME_REF_COUNT, HV_PRIVILEGE_ACCESS_PARTITION_REFERENCE_COUNTER, hv_get_time_ref_count, 8,
     false},
};

static const struct hv_register_desc *hv_find_register(HV_REGISTER_NAME name)
{
	for (size_t i = 0; i < sizeof(hv_registers) / sizeof(hv_registers[0]); i++)
		if (hv_registers[i].name == name)
			return &hv_registers[i];
	return NULL;
}

static bool hv_bytes_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Resolves the header's VP (already validated by hv_check_vp_registers_header). */
static HV_VP_INDEX hv_target_vp(const struct hv_call *call)
{
	const struct hv_input_vp_registers_header *h = call->input;
	struct hv_caller *c = call->caller;
	return h->vp_index == HV_VP_INDEX_SELF ? c->ops->vp_index(c->ctx) : h->vp_index;
}

HV_STATUS hv_check_vp_registers_header(struct hv_call *call)
{
	const struct hv_input_vp_registers_header *h = call->input;
	struct hv_caller *c = call->caller;

	if (!hv_bytes_zero(h->rsvdz0, sizeof(h->rsvdz0)) || (h->input_vtl & HV_INPUT_VTL_RSVDZ_MASK))
		return HV_STATUS_RSVDZ_PARAMETER;
	/* karasu partitions have no children: only the caller's own partition can be named. */
	if (h->partition_id != HV_PARTITION_ID_SELF && h->partition_id != c->ops->partition_id(c->ctx))
		return HV_STATUS_INVALID_PARTITION_ID;
	if (h->vp_index != HV_VP_INDEX_SELF && h->vp_index >= c->ops->vp_count(c->ctx))
		return HV_STATUS_INVALID_VP_INDEX;
	/* Only VTL 0 exists. */
	if ((h->input_vtl & HV_INPUT_VTL_USE_TARGET) && (h->input_vtl & HV_INPUT_VTL_TARGET_MASK) != 0)
		return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

HV_STATUS hv_call_get_vp_registers(struct hv_call *call)
{
	struct hv_caller *c = call->caller;
	HV_REGISTER_NAME name = *(const HV_REGISTER_NAME *)call->elem_in;
	HV_REGISTER_VALUE *value = call->elem_out;
	HV_VP_INDEX vp = hv_target_vp(call);
	const struct hv_register_desc *r = hv_find_register(name);

	if (!r)
		return c->ops->get_vp_register(c->ctx, vp, name, value);
	if ((c->ops->privileges(c->ctx) & r->privilege) != r->privilege)
		return HV_STATUS_ACCESS_DENIED;
	if (!r->get)
		return c->ops->get_vp_register(c->ctx, vp, name, value);
	return r->get(c, vp, value);
}

HV_STATUS hv_call_set_vp_registers(struct hv_call *call)
{
	struct hv_caller *c = call->caller;
	const struct hv_register_assoc *a = call->elem_in;
	HV_VP_INDEX vp = hv_target_vp(call);
	const struct hv_register_desc *r = hv_find_register(a->name);

	if (a->rsvdz0 != 0 || a->rsvdz1 != 0)
		return HV_STATUS_RSVDZ_PARAMETER;
	if (!r)
		return c->ops->set_vp_register(c->ctx, vp, a->name, &a->value);
	if ((c->ops->privileges(c->ctx) & r->privilege) != r->privilege)
		return HV_STATUS_ACCESS_DENIED;
	if (!r->writable)
		return HV_STATUS_ACCESS_DENIED;
	if (!hv_bytes_zero((const uint8_t *)&a->value + r->width, sizeof(a->value) - r->width))
		return HV_STATUS_INVALID_REGISTER_VALUE;
	return c->ops->set_vp_register(c->ctx, vp, a->name, &a->value);
}
