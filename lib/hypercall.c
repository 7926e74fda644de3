/* Hypercall decode, validation and dispatch (the rules are listed in docs/abi.md).
 *
 * The order of checks is part of the ABI, because a call can break several rules at once:
 *   user mode -> undefined instruction; unknown code -> INVALID_HYPERCALL_CODE; missing privilege ->
 *   ACCESS_DENIED (it takes priority over every malformed-input status); RsvdZ bits, rep count/start,
 *   variable header, fast-call size -> INVALID_HYPERCALL_INPUT; GPA alignment, page crossing, GPA outside
 *   the partition -> INVALID_ALIGNMENT; then the handler's own checks.
 */
#include "lib/hypercall.h"
#include "lib/mem.h"

/* Largest fixed block (simple-call input/output or rep-call header) and largest rep element. */
#define HV_MAX_BLOCK_SIZE   256
#define HV_MAX_ELEMENT_SIZE 32
#define HV_FAST_ALIGNMENT   16 /* fast-call output starts at the next 16-byte register pair */

enum hv_call_flags {
	HV_CALL_REP = 1 << 0, /* rep call: header + rep_count elements */
};

struct hv_call_desc {
	hv_call_handler handler;      /* NULL: karasu does not implement this code */
	uint64_t privilege;           /* HV_PRIVILEGE_* the partition needs, 0 for none */
	uint16_t flags;               /* enum hv_call_flags */
	uint16_t input_size;          /* simple: input block; rep: fixed header */
	uint16_t output_size;         /* simple: output block; rep: 0 (rep output is the elements only) */
	uint16_t elem_in_size;        /* rep only */
	uint16_t elem_out_size;       /* rep only */
	hv_call_handler check_header; /* rep only, optional: validates the header once before the reps */
	/* optional: false when the engine does not offer the call (it needs an optional hook the engine left
	 * NULL); the call then answers INVALID_HYPERCALL_CODE like an unknown code */
	bool (*offered)(const struct hv_caller_ops *ops);
};

static bool hv_flush_offered(const struct hv_caller_ops *ops)
{
	return ops->flush_virtual_address_space != NULL;
}

/* Indexed by call code. */
static const struct hv_call_desc hv_calls[] = {
    [HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE] =
        {
            .handler = hv_call_flush_virtual_address_space,
            .input_size = sizeof(struct hv_input_flush_virtual_address_space),
            .offered = hv_flush_offered,
        },
    [HVCALL_GET_PARTITION_ID] =
        {
            .handler = hv_call_get_partition_id,
            .privilege = HV_PRIVILEGE_ACCESS_PARTITION_ID,
            .output_size = sizeof(struct hv_output_get_partition_id),
        },
    [HVCALL_GET_VP_REGISTERS] =
        {
            .handler = hv_call_get_vp_registers,
            .flags = HV_CALL_REP,
            .input_size = sizeof(struct hv_input_vp_registers_header),
            .elem_in_size = HV_GET_VP_REGISTERS_INPUT_ELEMENT_SIZE,
            .elem_out_size = HV_GET_VP_REGISTERS_OUTPUT_ELEMENT_SIZE,
            .check_header = hv_check_vp_registers_header,
        },
    [HVCALL_SET_VP_REGISTERS] =
        {
            .handler = hv_call_set_vp_registers,
            .flags = HV_CALL_REP,
            .input_size = sizeof(struct hv_input_vp_registers_header),
            .elem_in_size = sizeof(struct hv_register_assoc),
            .check_header = hv_check_vp_registers_header,
        },
    [HVCALL_POST_MESSAGE] =
        {
            .handler = hv_call_post_message,
            .privilege = HV_PRIVILEGE_POST_MESSAGES,
            .input_size = sizeof(struct hv_input_post_message),
        },
    [HVCALL_SIGNAL_EVENT] =
        {
            .handler = hv_call_signal_event,
            .privilege = HV_PRIVILEGE_SIGNAL_EVENTS,
            .input_size = sizeof(struct hv_input_signal_event),
        },
};

_Static_assert(sizeof(struct hv_input_post_message) <= HV_MAX_BLOCK_SIZE, "block buffer too small");
_Static_assert(sizeof(struct hv_register_assoc) <= HV_MAX_ELEMENT_SIZE, "element buffer too small");

/* Storage for blocks read from the guest: a union of every type a handler casts it to. */
union hv_block {
	struct hv_input_vp_registers_header vp_registers;
	struct hv_input_post_message post_message;
	struct hv_input_signal_event signal_event;
	struct hv_input_flush_virtual_address_space flush;
	struct hv_output_get_partition_id partition_id;
	uint8_t bytes[HV_MAX_BLOCK_SIZE];
};

union hv_element {
	HV_REGISTER_NAME name;
	struct hv_register_assoc assoc;
	HV_REGISTER_VALUE value;
	uint8_t bytes[HV_MAX_ELEMENT_SIZE];
};

/* Where the parameters of one call live: guest memory (memory form) or a register block (fast form). */
struct hv_params {
	struct hv_caller *caller;
	bool fast;
	HV_GPA input_gpa, output_gpa;
	uint64_t *regs;
	size_t output_offset; /* fast form: byte offset of the output in regs */
};

static uint8_t hv_reg_byte(const uint64_t *regs, size_t off)
{
	return (uint8_t)(regs[off / 8] >> (8 * (off % 8)));
}

static void hv_set_reg_byte(uint64_t *regs, size_t off, uint8_t v)
{
	unsigned shift = 8 * (off % 8);
	regs[off / 8] = (regs[off / 8] & ~(0xFFULL << shift)) | ((uint64_t)v << shift);
}

static bool hv_params_read(const struct hv_params *p, size_t off, void *buf, size_t len)
{
	if (!p->fast)
		return p->caller->ops->read_gpa(p->caller->ctx, p->input_gpa + off, buf, len);
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = hv_reg_byte(p->regs, off + i);
	return true;
}

static bool hv_params_write(const struct hv_params *p, size_t off, const void *buf, size_t len)
{
	if (!p->fast)
		return p->caller->ops->write_gpa(p->caller->ctx, p->output_gpa + off, buf, len);
	for (size_t i = 0; i < len; i++)
		hv_set_reg_byte(p->regs, p->output_offset + off + i, ((const uint8_t *)buf)[i]);
	return true;
}

/* A parameter list in guest memory must be 8-byte aligned and must not cross a page. */
static bool hv_gpa_range_ok(HV_GPA gpa, size_t len)
{
	if (len == 0)
		return true; /* the call does not use this GPA */
	return (gpa & 7) == 0 && (gpa & HV_PAGE_MASK) + len <= HV_PAGE_SIZE;
}

static uint64_t hv_run_simple(const struct hv_call_desc *d, struct hv_params *p)
{
	union hv_block in, out;
	struct hv_call call = {.caller = p->caller, .input = &in, .output = &out};

	k_memset(&in, 0, sizeof(in));
	k_memset(&out, 0, sizeof(out));
	if (d->input_size && !hv_params_read(p, 0, &in, d->input_size))
		return hv_result_value(HV_STATUS_INVALID_ALIGNMENT, 0);
	HV_STATUS status = d->handler(&call);
	if (status == HV_STATUS_SUCCESS && d->output_size && !hv_params_write(p, 0, &out, d->output_size))
		status = HV_STATUS_INVALID_ALIGNMENT;
	return hv_result_value(status, 0);
}

static uint64_t hv_run_rep(const struct hv_call_desc *d, struct hv_params *p, uint16_t rep_count,
                           uint16_t rep_start)
{
	struct hv_caller *c = p->caller;
	union hv_block header;
	union hv_element in, out;
	struct hv_call call = {.caller = c, .input = &header, .elem_in = &in, .elem_out = &out};

	k_memset(&header, 0, sizeof(header));
	if (d->input_size && !hv_params_read(p, 0, &header, d->input_size))
		return hv_result_value(HV_STATUS_INVALID_ALIGNMENT, rep_start);
	if (d->check_header) {
		HV_STATUS status = d->check_header(&call);
		if (status != HV_STATUS_SUCCESS)
			return hv_result_value(status, rep_start);
	}
	/* Elements in order; the first one is always attempted, the engine may cut the call short after any
	 * completed rep. */
	for (uint16_t i = rep_start; i < rep_count; i++) {
		k_memset(&in, 0, sizeof(in));
		k_memset(&out, 0, sizeof(out));
		if (!hv_params_read(p, d->input_size + (size_t)i * d->elem_in_size, &in, d->elem_in_size))
			return hv_result_value(HV_STATUS_INVALID_ALIGNMENT, i);
		call.rep_index = i;
		HV_STATUS status = d->handler(&call);
		if (status != HV_STATUS_SUCCESS)
			return hv_result_value(status, i);
		if (d->elem_out_size && !hv_params_write(p, d->output_size + (size_t)i * d->elem_out_size,
		                                         &out, d->elem_out_size))
			return hv_result_value(HV_STATUS_INVALID_ALIGNMENT, i);
		uint16_t done = (uint16_t)(i + 1);
		if (done < rep_count && c->ops->should_yield && c->ops->should_yield(c->ctx))
			return hv_result_value(HV_STATUS_SUCCESS, done);
	}
	return hv_result_value(HV_STATUS_SUCCESS, rep_count);
}

static uint64_t hv_dispatch(struct hv_caller *c, uint64_t input_value, const uint64_t gpas[2], uint64_t *regs,
                            size_t count)
{
	if (c->ops->mode(c->ctx) != HV_CALLER_KERNEL)
		return HV_HYPERCALL_UNDEFINED;

	uint16_t code = hv_input_call_code(input_value);
	if (code >= sizeof(hv_calls) / sizeof(hv_calls[0]) || !hv_calls[code].handler)
		return hv_result_value(HV_STATUS_INVALID_HYPERCALL_CODE, 0);
	const struct hv_call_desc *d = &hv_calls[code];
	if (d->offered && !d->offered(c->ops))
		return hv_result_value(HV_STATUS_INVALID_HYPERCALL_CODE, 0);
	if ((c->ops->privileges(c->ctx) & d->privilege) != d->privilege)
		return hv_result_value(HV_STATUS_ACCESS_DENIED, 0);

	if (input_value & HV_HYPERCALL_INPUT_RSVDZ_MASK)
		return hv_result_value(HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	uint16_t rep_count = hv_input_rep_count(input_value);
	uint16_t rep_start = hv_input_rep_start(input_value);
	bool rep = (d->flags & HV_CALL_REP) != 0;
	if (rep ? (rep_count == 0 || rep_start >= rep_count) : (rep_count != 0 || rep_start != 0))
		return hv_result_value(HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	/* No call karasu implements takes a variable header. */
	if (hv_input_varhead_size(input_value) != 0)
		return hv_result_value(HV_STATUS_INVALID_HYPERCALL_INPUT, 0);

	size_t input_len = d->input_size + (rep ? (size_t)rep_count * d->elem_in_size : 0);
	size_t output_len = d->output_size + (rep ? (size_t)rep_count * d->elem_out_size : 0);
	struct hv_params p = {.caller = c, .fast = hv_input_is_fast(input_value)};
	if (p.fast) {
		if (!regs)
			return hv_result_value(HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
		size_t padded = (input_len + HV_FAST_ALIGNMENT - 1) & ~(size_t)(HV_FAST_ALIGNMENT - 1);
		if (padded + output_len > count * sizeof(uint64_t))
			return hv_result_value(HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
		p.regs = regs;
		p.output_offset = padded;
	} else {
		p.input_gpa = gpas[0];
		p.output_gpa = gpas[1];
		if (!hv_gpa_range_ok(p.input_gpa, input_len) || !hv_gpa_range_ok(p.output_gpa, output_len))
			return hv_result_value(HV_STATUS_INVALID_ALIGNMENT, 0);
	}
	return rep ? hv_run_rep(d, &p, rep_count, rep_start) : hv_run_simple(d, &p);
}

uint64_t hv_hypercall(struct hv_caller *c, uint64_t input_value, uint64_t input_gpa, uint64_t output_gpa)
{
	const uint64_t gpas[2] = {input_gpa, output_gpa};
	return hv_dispatch(c, input_value, gpas, NULL, 0);
}

uint64_t hv_hypercall_regs(struct hv_caller *c, uint64_t input_value, uint64_t *regs, size_t count)
{
	if (!regs || count < 2) /* an engine bug: there are no GPAs to read */
		return hv_result_value(HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	const uint64_t gpas[2] = {regs[0], regs[1]};
	return hv_dispatch(c, input_value, gpas, regs, count);
}
