/* HvCallFlushVirtualAddressSpace: validated here, carried out by the engine's hook (the dispatcher is only
 * in the table when the engine offers the hook). */
#include "lib/hypercall.h"

HV_STATUS hv_call_flush_virtual_address_space(struct hv_call *call)
{
	const struct hv_input_flush_virtual_address_space *in = call->input;
	struct hv_caller *c = call->caller;
	uint64_t mask = in->processor_mask;

	if (in->flags & ~HV_FLUSH_VALID_MASK)
		return HV_STATUS_RSVDZ_PARAMETER;
	if (in->flags & HV_FLUSH_ALL_PROCESSORS) {
		mask = 0; /* ProcessorMask is ignored */
	} else {
		uint32_t count = c->ops->vp_count(c->ctx);
		uint64_t existing = count >= 64 ? ~0ULL : (1ULL << count) - 1;
		/* naming a VP the partition does not have is a caller bug worth reporting */
		if (mask & ~existing)
			return HV_STATUS_INVALID_PARAMETER;
		if (mask == 0)
			return HV_STATUS_SUCCESS; /* no VP to flush */
	}
	return c->ops->flush_virtual_address_space(c->ctx, in->address_space, in->flags, mask);
}
