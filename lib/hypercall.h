/* The hypercall dispatcher shared by karasu-hv (arm64) and karasu-rv (RISC-V).
 *
 * An engine traps the guest's hypercall instruction, builds a struct hv_caller describing the calling
 * partition and virtual processor, and calls hv_hypercall_regs() (or hv_hypercall() for the memory form
 * only). The dispatcher decodes and validates the 64-bit input value, reads the parameter blocks through
 * the caller's ops, runs the handler from its call table and returns the 64-bit result value. It never
 * touches engine state directly, so it is unit-tested on the host against a fake caller.
 *
 * Rules, status codes and choices are in docs/abi.md.
 */
#ifndef KARASU_LIB_HYPERCALL_H
#define KARASU_LIB_HYPERCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "karasu/hv.h"

enum hv_caller_mode {
	HV_CALLER_KERNEL, /* EL1 / S-mode: may make hypercalls */
	HV_CALLER_USER,   /* EL0 / U-mode: the instruction is undefined */
};

typedef HV_STATUS hv_get_vp_register_hook(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name,
                                          HV_REGISTER_VALUE *value);
typedef HV_STATUS hv_set_vp_register_hook(void *ctx, HV_VP_INDEX vp, HV_REGISTER_NAME name,
                                          const HV_REGISTER_VALUE *value);
typedef HV_STATUS hv_flush_hook(void *ctx, HV_ADDRESS_SPACE_ID address_space, uint64_t flags,
                                uint64_t processor_mask);

/* The calling VP and its partition, as the engine sees them. Every hook receives ctx. Hooks marked
 * optional may be NULL. */
struct hv_caller_ops {
	/* Copy len bytes from/to guest physical memory of the calling partition. Return false when any byte is
	 * outside the partition's memory (or not plain RAM); nothing need be copied then. */
	bool (*read_gpa)(void *ctx, HV_GPA gpa, void *buf, size_t len);
	bool (*write_gpa)(void *ctx, HV_GPA gpa, const void *buf, size_t len);

	HV_PARTITION_ID (*partition_id)(void *ctx); /* the caller's own id: never INVALID or SELF */
	HV_VP_INDEX (*vp_index)(void *ctx);         /* the calling VP, < vp_count */
	uint32_t (*vp_count)(void *ctx);
	enum hv_caller_mode (*mode)(void *ctx); /* privilege level the call came from */
	uint64_t (*privileges)(void *ctx);      /* HV_PARTITION_PRIVILEGE_MASK (HV_PRIVILEGE_*) */
	/* Partition reference time: 100 ns units since the partition started. */
	uint64_t (*reference_time)(void *ctx);

	/* Engine-owned VP registers, by TLFS name, of VP vp (already validated: < vp_count). The dispatcher
	 * answers HypervisorVersion, PrivilegesAndFeaturesInfo, FeaturesInfo, VpIndex and TimeRefCount itself
	 * and asks these hooks for everything else (GuestOsId, SynIC registers, ...). Return
	 * HV_STATUS_UNKNOWN_REGISTER_NAME for a name the engine does not implement, HV_STATUS_ACCESS_DENIED
	 * for a write to a register it keeps read-only, HV_STATUS_INVALID_REGISTER_VALUE for a bad value. */
	hv_get_vp_register_hook *get_vp_register;
	hv_set_vp_register_hook *set_vp_register;

	/* Optional: deliver a validated HvCallPostMessage / HvCallSignalEvent. NULL: the dispatcher answers
	 * HV_STATUS_INVALID_CONNECTION_ID (karasu has no connection the guest could name). The hook returns
	 * SUCCESS, INVALID_CONNECTION_ID, INSUFFICIENT_BUFFERS, ACCESS_DENIED, ... message points to the
	 * dispatcher's copy of the guest's block, valid only during the hook: copy what must be kept. */
	HV_STATUS (*post_message)(void *ctx, const struct hv_input_post_message *message);
	HV_STATUS (*signal_event)(void *ctx, HV_CONNECTION_ID connection_id, uint16_t flag_number);

	/* Optional: HvCallFlushVirtualAddressSpace with validated flags: invalidate the guest's stage-1 TLB
	 * entries of address_space (ignored with HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES) on the VPs in
	 * processor_mask (bit n = VP n; all VPs with HV_FLUSH_ALL_PROCESSORS). NULL: the call is not offered
	 * and answers HV_STATUS_INVALID_HYPERCALL_CODE. */
	hv_flush_hook *flush_virtual_address_space;

	/* Optional: asked after each completed rep of a rep call while reps remain; true makes the call return
	 * early (time slice over, interrupt pending). NULL: never. */
	bool (*should_yield)(void *ctx);
};

struct hv_caller {
	const struct hv_caller_ops *ops;
	void *ctx;
};

/* The privileges an ordinary karasu guest partition gets (engines return this from ops->privileges unless
 * a partition's config restricts it): the registers and calls the dispatcher implements. */
#define HV_PRIVILEGES_KARASU_DEFAULT                                                        \
	(HV_PRIVILEGE_ACCESS_PARTITION_REFERENCE_COUNTER | HV_PRIVILEGE_ACCESS_SYNIC_REGS | \
	 HV_PRIVILEGE_ACCESS_HYPERCALL_REGS | HV_PRIVILEGE_ACCESS_VP_INDEX |                \
	 HV_PRIVILEGE_ACCESS_PARTITION_ID | HV_PRIVILEGE_POST_MESSAGES | HV_PRIVILEGE_SIGNAL_EVENTS)

/* karasu's version as reported in HvRegisterHypervisorVersion. */
#define KARASU_HV_VERSION_MAJOR 1
#define KARASU_HV_VERSION_MINOR 0
#define KARASU_HV_VERSION_BUILD 1

/* Returned instead of a result value when the call came from user mode: the engine must raise an
 * undefined-instruction exception in the guest (and leave its registers alone). Never a valid result
 * value, because its Rsvd bits are set. */
#define HV_HYPERCALL_UNDEFINED UINT64_MAX

/* Memory form: parameters at input_gpa / output_gpa. A set fast bit is rejected with
 * HV_STATUS_INVALID_HYPERCALL_INPUT here (there is no register block); engines use hv_hypercall_regs. */
uint64_t hv_hypercall(struct hv_caller *c, uint64_t input_value, uint64_t input_gpa, uint64_t output_gpa);

/* Both forms. regs is the guest's register block from the input-GPA register on: arm64 X2..X17 (count 16),
 * RISC-V a1..a5 (count 5); count >= 2. With the fast bit clear, regs[0] is the input GPA and regs[1] the
 * output GPA and regs is not written. With the fast bit set, the input parameters are the bytes of
 * regs[0..] (little-endian), the output begins at the next 16-byte boundary after the input, and is written
 * back into regs on success: the engine copies regs back into the guest's registers. */
uint64_t hv_hypercall_regs(struct hv_caller *c, uint64_t input_value, uint64_t *regs, size_t count);

/* True when a rep call returned early without failing: the engine should not advance the guest's PC and
 * should put hv_hypercall_continuation() into the input-value register, so the guest re-issues the call
 * from where it stopped. (Returning the result to the guest instead is also valid TLFS behaviour.) */
static inline bool hv_hypercall_is_partial(uint64_t input_value, uint64_t result)
{
	return result != HV_HYPERCALL_UNDEFINED && hv_result_status(result) == HV_STATUS_SUCCESS &&
	       hv_input_rep_count(input_value) != 0 &&
	       hv_result_reps_completed(result) < hv_input_rep_count(input_value);
}

static inline uint64_t hv_hypercall_continuation(uint64_t input_value, uint64_t result)
{
	return hv_input_with_rep_start(input_value, hv_result_reps_completed(result));
}

/* ---- Internal: the call table and its handlers (lib/hypercall*.c only) ---- */

/* The view a handler gets of one call (or of one rep of a rep call). */
struct hv_call {
	struct hv_caller *caller;
	const void *input;   /* simple call: the input block; rep call: the fixed header */
	void *output;        /* simple call: the output block (zeroed before the handler runs) */
	const void *elem_in; /* rep call: this rep's input element */
	void *elem_out;      /* rep call: this rep's output element (zeroed) */
	uint16_t rep_index;  /* rep call: absolute index of this rep */
};

typedef HV_STATUS (*hv_call_handler)(struct hv_call *call);

/* Status for a non-zero RsvdZ field inside a parameter block (docs/abi.md). */
#define HV_STATUS_RSVDZ_PARAMETER HV_STATUS_INVALID_PARAMETER

HV_STATUS hv_check_vp_registers_header(struct hv_call *call); /* once per call, before the reps */
HV_STATUS hv_call_get_vp_registers(struct hv_call *call);
HV_STATUS hv_call_set_vp_registers(struct hv_call *call);
HV_STATUS hv_call_get_partition_id(struct hv_call *call);
HV_STATUS hv_call_post_message(struct hv_call *call);
HV_STATUS hv_call_signal_event(struct hv_call *call);
HV_STATUS hv_call_flush_virtual_address_space(struct hv_call *call);

#endif
