/* HvCallPostMessage and HvCallSignalEvent: the dispatcher validates the parameter blocks; delivery (ports,
 * connections, SynIC message and event pages) belongs to the engine's hooks. */
#include "lib/hypercall.h"

HV_STATUS hv_call_post_message(struct hv_call *call)
{
	const struct hv_input_post_message *m = call->input;
	struct hv_caller *c = call->caller;

	if (m->rsvdz0 != 0)
		return HV_STATUS_RSVDZ_PARAMETER;
	/* Type 0 is "no message"; types with the top bit set are reserved for the hypervisor's own messages. */
	if (m->message_type == 0 || (m->message_type & HV_MESSAGE_TYPE_HYPERVISOR_MASK))
		return HV_STATUS_INVALID_PARAMETER;
	if (m->payload_size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return HV_STATUS_INVALID_PARAMETER;
	if (!c->ops->post_message)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return c->ops->post_message(c->ctx, m);
}

HV_STATUS hv_call_signal_event(struct hv_call *call)
{
	const struct hv_input_signal_event *e = call->input;
	struct hv_caller *c = call->caller;

	if (e->rsvdz0 != 0)
		return HV_STATUS_RSVDZ_PARAMETER;
	if (e->flag_number >= HV_EVENT_FLAGS_COUNT)
		return HV_STATUS_INVALID_PARAMETER;
	if (!c->ops->signal_event)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return c->ops->signal_event(c->ctx, e->connection_id, e->flag_number);
}
