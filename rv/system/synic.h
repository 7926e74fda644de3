/* lib/synic bound to karasu-rv harts: one SynIC per hart (struct rv_hart.synic), its pages in the
 * machine's RAM, and the SINT raised as a local interrupt of the receiving hart.
 *
 * SINT vectors on RISC-V are local interrupt numbers 16..31 (IRQ_LOCAL_FIRST..IRQ_LOCAL_LAST, the range
 * the privileged spec leaves to the platform; the same numbers as arm64's PPIs, so both engines accept
 * the same SINTx values). A raised SINT sets that bit of the hart's sip; S-mode enables it in sie, takes
 * it with scause = interrupt | vector and acknowledges it by clearing the sip bit (docs/synic.md). */
#ifndef KARASU_RV_SYSTEM_SYNIC_H
#define KARASU_RV_SYSTEM_SYNIC_H

#include <stdint.h>

#include "karasu/hv.h"
#include "lib/synic.h"

struct rv_hart;
struct rv_machine;

#define RV_SYNIC_VECTOR_MIN 16u /* IRQ_LOCAL_FIRST */
#define RV_SYNIC_VECTOR_MAX 31u /* IRQ_LOCAL_LAST */

/* The hart's SynIC in its reset state (with the hart: every machine starts with fresh SynICs). */
void rv_synic_init(struct rv_hart *h);

/* Get/SetVpRegisters of a SynIC register (synic_is_register(name)) of hart vp. */
HV_STATUS rv_synic_get_register(struct rv_machine *m, unsigned vp, HV_REGISTER_NAME name,
                                HV_REGISTER_VALUE *value);
HV_STATUS rv_synic_set_register(struct rv_machine *m, unsigned vp, HV_REGISTER_NAME name,
                                const HV_REGISTER_VALUE *value);

/* Delivery into hart vp of machine m (a connection's receiver), as synic_post_message /
 * synic_signal_event; INVALID_PORT_ID if m has no such hart. The caller keeps m alive meanwhile. */
HV_STATUS rv_synic_post_message(struct rv_machine *m, unsigned vp, unsigned sint, HV_MESSAGE_TYPE type,
                                uint32_t payload_size, const void *payload, uint64_t sender);
HV_STATUS rv_synic_signal_event(struct rv_machine *m, unsigned vp, unsigned sint, unsigned flag);

#endif
