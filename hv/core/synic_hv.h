/* karasu-hv's binding of lib/synic: one SynIC per VP of every partition, the connections of karasu.cfg
 * (`connection = ID -> GUEST sint N ...`), and the SINT as a GIC PPI of the receiving vCPU.
 *
 * The state lives in static tables indexed by partition id and VP index, reset lazily whenever a partition
 * has been (re)started since its SynIC was last used, so partition.c/vcpu.c need no SynIC calls.
 * Rules and choices: docs/synic.md.
 */
#ifndef KARASU_HV_CORE_SYNIC_HV_H
#define KARASU_HV_CORE_SYNIC_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/core/partition.h"
#include "karasu/hv.h"
#include "lib/synic.h"

/* SINTx vectors karasu-hv accepts on an unmasked SINT: the GIC PPIs, INTIDs 16-31. The SINT is raised as
 * that PPI on the receiving vCPU (an edge on its redistributor; the guest enables it in GICR_ISENABLER0). */
#define SYNIC_HV_VECTOR_MIN 16u
#define SYNIC_HV_VECTOR_MAX 31u

/* Get/SetVpRegisters of a SynIC register (synic_is_register(name)) of VP vp of p. */
HV_STATUS synic_hv_get_register(struct partition *p, unsigned vp, HV_REGISTER_NAME name,
                                HV_REGISTER_VALUE *value);
HV_STATUS synic_hv_set_register(struct partition *p, unsigned vp, HV_REGISTER_NAME name,
                                const HV_REGISTER_VALUE *value);

/* HvCallPostMessage / HvCallSignalEvent from partition `from` (block already validated by the dispatcher).
 *   INVALID_CONNECTION_ID  from has no such connection
 *   INVALID_PORT_ID        the connection does not carry this kind, or its target guest is not running
 *   the rest as synic_post_message / synic_signal_event */
HV_STATUS synic_hv_post_message(struct partition *from, const struct hv_input_post_message *m);
HV_STATUS synic_hv_signal_event(struct partition *from, HV_CONNECTION_ID connection_id, uint16_t flag_number);

/* Statistics of VP vp of p (zeroes if it never used its SynIC). */
void synic_hv_stats(struct partition *p, unsigned vp, struct synic_stats *out);

#endif
