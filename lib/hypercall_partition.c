/* HvCallGetPartitionId: the caller's own partition id (karasu partitions cannot see other partitions). */
#include "lib/hypercall.h"

HV_STATUS hv_call_get_partition_id(struct hv_call *call)
{
	struct hv_output_get_partition_id *out = call->output;
	struct hv_caller *c = call->caller;

	out->partition_id = c->ops->partition_id(c->ctx);
	return HV_STATUS_SUCCESS;
}
